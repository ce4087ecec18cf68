package alibaba

import (
	"context"
	"errors"
	"sort"
	"strings"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ebs"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// describeGroups follows DescribeDiskReplicaGroups (RegionId; GroupIds; MaxResults 1–500 +
// NextToken).
func (d *Driver) describeGroups(ctx context.Context, region, groupIDs string) ([]ebs.ReplicaGroup, error) {
	var out []ebs.ReplicaGroup
	next := ""
	for {
		req := ebs.CreateDescribeDiskReplicaGroupsRequest()
		req.RegionId = region
		req.GroupIds = groupIDs
		req.MaxResults = requests.NewInteger(pageSize)
		req.NextToken = next
		resp := ebs.CreateDescribeDiskReplicaGroupsResponse()
		if err := d.call(ctx, "ebs", "DescribeDiskReplicaGroups", region, req, resp); err != nil {
			return nil, err
		}
		for _, x := range resp.ReplicaGroups {
			out = append(out, trimGroup(x))
		}
		if lastPage(resp.NextToken, next, len(resp.ReplicaGroups)) {
			return out, nil
		}
		next = resp.NextToken
	}
}

// trimGroup trims the region and zone strings of a group record (the published example's
// StandbyRegion ends with a newline; see trimPair).
func trimGroup(x ebs.ReplicaGroup) ebs.ReplicaGroup {
	for _, f := range []*string{&x.ReplicaGroupId, &x.Status, &x.SourceRegionId, &x.SourceZoneId, &x.DestinationRegionId,
		&x.DestinationZoneId, &x.PrimaryRegion, &x.PrimaryZone, &x.StandbyRegion, &x.StandbyZone} {
		*f = strings.TrimSpace(*f)
	}
	return x
}

func (d *Driver) findGroup(ctx context.Context, id string) (ebs.ReplicaGroup, error) {
	if id == "" {
		return ebs.ReplicaGroup{}, platform.NotFoundf("replica group: empty ID")
	}
	regions, err := d.candidateRegions(ctx, id)
	if err != nil {
		return ebs.ReplicaGroup{}, err
	}
	for _, r := range regions {
		gs, err := d.describeGroups(ctx, r, id)
		if err != nil {
			return ebs.ReplicaGroup{}, err
		}
		for _, g := range gs {
			if g.ReplicaGroupId != id {
				continue
			}
			if g.Status == "deleted" {
				d.forget(id)
				return ebs.ReplicaGroup{}, platform.NotFoundf("replica group %s is deleted", id)
			}
			d.remember(id, r)
			d.sawGroup(g)
			return g, nil
		}
	}
	d.forget(id)
	return ebs.ReplicaGroup{}, platform.NotFoundf("replica group %s does not exist (looked in %v)", id, regions)
}

// groupOf converts an EBS replica group: Primary*/Standby* are the sides as created,
// SourceRegionId/SourceZoneId the side replicating from now (the active one).
// drill is what DescribeReplicaGroupDrills told of the group's drills (drills.go).
func (d *Driver) groupOf(x ebs.ReplicaGroup, rs regionSet, drill drillView, snap *readSnapshot) platform.ProtectionGroup {
	active := lifecycle.SiteSource
	if reversed(x.SourceRegionId, x.SourceZoneId, x.PrimaryRegion, x.PrimaryZone, x.StandbyRegion, x.StandbyZone) {
		active = lifecycle.SiteTarget
	}
	sr, sz, tr, tz := x.SourceRegionId, x.SourceZoneId, x.DestinationRegionId, x.DestinationZoneId
	if active == lifecycle.SiteTarget {
		sr, sz, tr, tz = tr, tz, sr, sz
	}
	state, failed, lastErr := groupState(x.Status, "")
	if lastErr == "" {
		lastErr = drill.failure // a failed drill, still listed (DescribeReplicaGroupDrills)
	}
	ids := groupPairIDs(x)
	members := len(ids)
	if int(x.PairNumber) > members {
		members = int(x.PairNumber)
	}
	g := platform.ProtectionGroup{
		Tags: tagsOf(x.Tags), ResourceGroupID: x.ResourceGroupId,
		ID: x.ReplicaGroupId, Name: x.GroupName, Description: x.Description,
		SourceRegion: sr, SourceZone: sz, TargetRegion: tr, TargetZone: tz, PairIDs: ids,
		State: state, FailedOp: failed, ActiveSite: active, FirstSyncDone: x.LastRecoverPoint > 0,
		LastRecoveryPoint: unix(x.LastRecoverPoint), LastError: lastErr,
		ProtectionEnabled: state == lifecycle.Starting || state == lifecycle.Replicating,
		// the drill is part of the version: two start_drill runs separated by a stop_drill
		// get different client tokens
		Version: observedVersion(x.Status, x.LastRecoverPoint, x.GroupName, x.Description, x.RPO, x.SourceRegionId, x.SourceZoneId,
			strings.Join(sortedCopy(ids), ","), drill.id, drill.status),
		DrillActive: drill.active,
	}
	if state == lifecycle.Replicating {
		g.SyncProgress = 100
	}
	g.Observed = lifecycle.Observation{
		Kind: lifecycle.ProtectionGroup, ID: g.ID, Name: g.Name, State: state, FailedOp: failed, ActiveSite: active, LastError: lastErr,
		Version: g.Version, Platform: d.caps,
		Facts: lifecycle.Facts{
			MemberCount: members, ServerCount: 0, // replica groups hold disk pairs only
			FirstSyncDone:      g.FirstSyncDone,
			ReplicationCapable: rs.capable(x.SourceRegionId) && rs.capable(x.DestinationRegionId),
			ActiveRegion:       x.SourceRegionId, StandbyRegion: x.DestinationRegionId,
			ActiveServersStopped: true, StandbyServersStopped: true, // no servers in a replica group
			DrillActive: drill.active, // DescribeReplicaGroupDrills
			// zone health is not reported, nor when the next one-shot sync is allowed
			// (ManualSyncLimit)
			Unknown: map[string]bool{lifecycle.FactSiteHealth: true, lifecycle.FactSyncOnce: true},
		},
	}
	if !drill.known {
		g.Observed.Facts.Unknown[lifecycle.FactDrill] = true
	}
	g.LastDrill = drill.record()                                  // pair_drills.go
	lagFacts(&g.Observed.Facts, x.LastRecoverPoint, int64(x.RPO)) // readiness (pair_drills.go)
	// whether a member pair's secondary disk is attached (StartDiskReplicaGroup:
	// StandbyDeviceAttached; ReprotectDiskReplicaGroup: the primary disks, at the standby site
	// after a failover, detached): known from the read snapshot, which holds every pair and its
	// disks, and a direct read reads them (memberDisks); a member not found leaves it to the
	// platform (Capabilities.Refused)
	g.Observed.Facts.StandbyVolumeAttached, g.Observed.Facts.ActiveVolumeAttached = false, false
	if known := snap != nil && groupAttachment(ids, snap, &g.Observed.Facts); !known {
		g.Observed.Facts.Unknown[lifecycle.FactVolumeAttachment] = true
	}
	return g
}

// groupAttachment sets whether a member pair's disk at the active or standby site is attached,
// from the snapshot; false when a member or disk is not in it.
func groupAttachment(ids []string, snap *readSnapshot, f *lifecycle.Facts) bool {
	for _, id := range ids {
		p, ok := snap.pairs[id]
		if !ok {
			return false
		}
		src, ok1 := snap.disks[p.SourceDiskId]
		dst, ok2 := snap.disks[p.DestinationDiskId]
		if !ok1 || !ok2 {
			return false
		}
		f.ActiveVolumeAttached = f.ActiveVolumeAttached || src.Attached
		f.StandbyVolumeAttached = f.StandbyVolumeAttached || dst.Attached
	}
	return true
}

// groupPairIDs are a group's pair IDs. DescribeDiskReplicaGroups documents PairIds as an array
// of strings whose published example holds ONE element joining two IDs with a comma
// ("pair-a,pair-b", with PairNumber 2); an element may also hold one ID. Every element is split
// on commas and trimmed; the order is the vendor's, duplicates dropped.
func groupPairIDs(x ebs.ReplicaGroup) []string {
	var out []string
	seen := map[string]bool{}
	for _, el := range x.PairIds {
		for _, id := range strings.Split(el, ",") {
			if id = strings.TrimSpace(id); id != "" && !seen[id] {
				seen[id] = true
				out = append(out, id)
			}
		}
	}
	return out
}

func sortedCopy(s []string) []string {
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}

// GetGroup reads a replica group: from the shared read snapshot (snapshot.go) when it holds
// the group, else directly (DescribeDiskReplicaGroups).
func (d *Driver) GetGroup(ctx context.Context, id string) (platform.ProtectionGroup, error) {
	return d.getGroup(ctx, id, false)
}

// getGroup reads a group; fresh skips the snapshot (writes read their object directly).
func (d *Driver) getGroup(ctx context.Context, id string, fresh bool) (platform.ProtectionGroup, error) {
	if !fresh && id != "" {
		snap, err := d.snapshot(ctx, id)
		if err != nil {
			return platform.ProtectionGroup{}, err
		}
		if snap != nil {
			if x, ok := snap.groups[id]; ok {
				if x.Status == "deleted" {
					return platform.ProtectionGroup{}, platform.NotFoundf("replica group %s is deleted", id)
				}
				d.sawGroup(x)
				dv, err := d.snapDrills(ctx, snap, x)
				if err != nil {
					return platform.ProtectionGroup{}, err
				}
				return d.groupOf(x, snap.rs, dv, snap), nil
			}
		}
	}
	x, err := d.findGroup(ctx, id)
	if err != nil {
		return platform.ProtectionGroup{}, err
	}
	rs, err := d.regions(ctx)
	if err != nil {
		return platform.ProtectionGroup{}, err
	}
	dv, err := d.groupDrills(ctx, x)
	if err != nil {
		return platform.ProtectionGroup{}, err
	}
	members, err := d.memberDisks(ctx, x)
	if err != nil {
		return platform.ProtectionGroup{}, err
	}
	return d.groupOf(x, rs, dv, members), nil
}

// memberDisks reads a group's pairs and their disks for its attachment facts on a direct read
// (the snapshot holds them on a plan's): DescribeDiskReplicaPairs with the members' PairIds (at
// most 17), ECS DescribeDisks of their disks. No member, no call.
func (d *Driver) memberDisks(ctx context.Context, x ebs.ReplicaGroup) (*readSnapshot, error) {
	s := &readSnapshot{pairs: map[string]ebs.ReplicaPair{}, disks: map[string]disk{}}
	ids := groupPairIDs(x)
	if len(ids) == 0 {
		return s, nil
	}
	ps, err := d.describePairs(ctx, x.SourceRegionId, strings.Join(ids, ","))
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		s.pairs[p.ReplicaPairId] = p
	}
	if s.disks, err = d.pairDisks(ctx, ps...); err != nil {
		return nil, err
	}
	return s, nil
}

// ListGroups lists the replica groups of every replication-capable region, from the read
// snapshot.
func (d *Driver) ListGroups(ctx context.Context) ([]platform.ProtectionGroup, error) {
	snap, err := d.freshSnapshot(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]platform.ProtectionGroup, 0, len(snap.grpOrder))
	for _, id := range snap.grpOrder {
		if x := snap.groups[id]; x.Status != "deleted" {
			dv, err := d.snapDrills(ctx, snap, x)
			if err != nil {
				return nil, err
			}
			out = append(out, d.groupOf(x, snap.rs, dv, snap))
		}
	}
	return out, nil
}

// CreateGroup follows CreateDiskReplicaGroup: RegionId = the production region,
// SourceZoneId, DestinationRegionId, DestinationZoneId, GroupName, Description, RPO (900),
// ClientToken.
func (d *Driver) CreateGroup(ctx context.Context, spec platform.GroupSpec, token string) (platform.ProtectionGroup, error) {
	tok, err := clientToken(token)
	if err != nil {
		return platform.ProtectionGroup{}, err
	}
	if spec.SourceRegion == "" || spec.SourceZone == "" || spec.TargetRegion == "" || spec.TargetZone == "" {
		return platform.ProtectionGroup{}, platform.Invalidf("", "a replica group needs a source and a target region and zone")
	}
	req := ebs.CreateCreateDiskReplicaGroupRequest()
	req.RegionId = spec.SourceRegion
	req.SourceZoneId = spec.SourceZone
	req.DestinationRegionId = spec.TargetRegion
	req.DestinationZoneId = spec.TargetZone
	req.GroupName = spec.Name
	req.Description = spec.Description
	req.RPO = requests.NewInteger(900)
	req.ClientToken = tok
	req.Tag = tagParams(spec.Tags, func(k, v string) ebs.CreateDiskReplicaGroupTag {
		return ebs.CreateDiskReplicaGroupTag{Key: k, Value: v}
	})
	req.ResourceGroupId = spec.ResourceGroupID
	resp := ebs.CreateCreateDiskReplicaGroupResponse()
	if err := d.call(ctx, "ebs", "CreateDiskReplicaGroup", spec.SourceRegion, req, resp); err != nil {
		return platform.ProtectionGroup{}, err
	}
	if resp.ReplicaGroupId == "" {
		return platform.ProtectionGroup{}, &platform.Error{Class: platform.ClassInternal, Code: "MalformedResponse", Message: "CreateDiskReplicaGroup: no ReplicaGroupId in the response"}
	}
	d.remember(resp.ReplicaGroupId, spec.SourceRegion)
	return d.getGroup(ctx, resp.ReplicaGroupId, true)
}

// UpdateGroup follows ModifyDiskReplicaGroup (GroupName, Description).
func (d *Driver) UpdateGroup(ctx context.Context, id string, spec platform.GroupSpec) (platform.ProtectionGroup, error) {
	var cur platform.ProtectionGroup
	err := d.upd.Update("replica group", id, spec.Version, func() (v int64, err error) {
		cur, err = d.getGroup(ctx, id, true)
		return cur.Version, err
	}, func() error {
		req := ebs.CreateModifyDiskReplicaGroupRequest()
		req.RegionId = cur.Observed.Facts.ActiveRegion
		req.ReplicaGroupId = id
		req.GroupName = spec.Name
		req.Description = spec.Description
		return d.call(ctx, "ebs", "ModifyDiskReplicaGroup", req.RegionId, req, ebs.CreateModifyDiskReplicaGroupResponse())
	})
	if err != nil {
		return cur, err
	}
	return d.getGroup(ctx, id, true)
}

// invokeGroup issues one group operation in the region it must be called in.
func (d *Driver) invokeGroup(ctx context.Context, id string, op lifecycle.Op, tok string, params map[string]string) error {
	cur, ok := d.recentGroup(id) // read just before (recent.go)
	if !ok {
		var err error
		if cur, err = d.findGroup(ctx, id); err != nil {
			return err
		}
	}
	source, standby := cur.SourceRegionId, cur.DestinationRegionId
	if r := params[lifecycle.ParamRegion]; r != "" {
		// the engine's region for this operation (R001-3: failover and reprotect in the
		// secondary's region, delete in the primary's); only rows that name one pass it
		source, standby = r, r
	}
	var (
		req    requests.AcsRequest
		resp   = ebs.CreateStartDiskReplicaGroupResponse() // every mutating call returns only RequestId
		action string
		region = source
	)
	switch op {
	case lifecycle.OpEnableProtection: // StartDiskReplicaGroup (OneShot=false)
		r := ebs.CreateStartDiskReplicaGroupRequest()
		r.ReplicaGroupId, r.ClientToken, r.RegionId = id, tok, source
		r.OneShot = requests.NewBoolean(false)
		req, action = r, "StartDiskReplicaGroup"
	case lifecycle.OpSyncOnce: // StartDiskReplicaGroup with OneShot=true: manual_syncing → stopped
		r := ebs.CreateStartDiskReplicaGroupRequest()
		r.ReplicaGroupId, r.ClientToken, r.RegionId = id, tok, source
		r.OneShot = requests.NewBoolean(true)
		req, action = r, "StartDiskReplicaGroup"
	case lifecycle.OpDisableProtection: // StopDiskReplicaGroup
		r := ebs.CreateStopDiskReplicaGroupRequest()
		r.ReplicaGroupId, r.ClientToken, r.RegionId = id, tok, source
		req, action = r, "StopDiskReplicaGroup"
	case lifecycle.OpFailover: // FailoverDiskReplicaGroup: RegionId = the DR site's region
		r := ebs.CreateFailoverDiskReplicaGroupRequest()
		r.ReplicaGroupId, r.ClientToken, r.RegionId = id, tok, standby
		req, action, region = r, "FailoverDiskReplicaGroup", standby
	case lifecycle.OpReprotect: // ReprotectDiskReplicaGroup: RegionId = the DR site's region
		r := ebs.CreateReprotectDiskReplicaGroupRequest()
		r.ReplicaGroupId, r.ClientToken, r.RegionId = id, tok, standby
		req, action, region = r, "ReprotectDiskReplicaGroup", standby
	case lifecycle.OpRevertFailover:
		// ReprotectDiskReplicaGroup with ReverseReplicate=false: "cancel the Failovered
		// (failovered) state and restore the original replication direction"
		// (https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ebs-2021-07-30-reprotectdiskreplicagroup).
		// The SDK v1.63.107 request has no ReverseReplicate field: it is added to the query,
		// which the RPC signature covers.
		r := ebs.CreateReprotectDiskReplicaGroupRequest()
		r.ReplicaGroupId, r.ClientToken, r.RegionId = id, tok, standby
		r.QueryParams["ReverseReplicate"] = "false"
		req, action, region = r, "ReprotectDiskReplicaGroup", standby
	case lifecycle.OpStartDrill, lifecycle.OpStopDrill: // Start/ClearReplicaGroupDrill (drills.go)
		return d.invokeDrill(ctx, cur, op, tok, params)
	case lifecycle.OpDelete: // DeleteDiskReplicaGroup: the group must have no pairs (OperationDenied.GroupHasPair)
		r := ebs.CreateDeleteDiskReplicaGroupRequest()
		r.ReplicaGroupId, r.ClientToken, r.RegionId = id, tok, source
		req, action = r, "DeleteDiskReplicaGroup"
	case lifecycle.OpAddMember, lifecycle.OpRemoveMember: // AddDiskReplicaPair / RemoveDiskReplicaPair
		pair := params[lifecycle.ParamPairID]
		if pair == "" {
			return platform.Invalidf("", "%s needs %s", op, lifecycle.ParamPairID)
		}
		if op == lifecycle.OpAddMember {
			r := ebs.CreateAddDiskReplicaPairRequest()
			r.ReplicaGroupId, r.ReplicaPairId, r.ClientToken, r.RegionId = id, pair, tok, source
			req, action = r, "AddDiskReplicaPair"
		} else {
			r := ebs.CreateRemoveDiskReplicaPairRequest()
			r.ReplicaGroupId, r.ReplicaPairId, r.ClientToken, r.RegionId = id, pair, tok, source
			req, action = r, "RemoveDiskReplicaPair"
		}
	default:
		return unsupportedOp(lifecycle.ProtectionGroup, op)
	}
	err := d.call(ctx, "ebs", action, region, req, resp)
	if op == lifecycle.OpRemoveMember && codeOf(err) == "OperationDenied.PairNotInGroup" {
		// "the pair is in no group": removed already (a retry of a removal whose answer was
		// lost, or a pair another process removed) — the goal holds
		return nil
	}
	return err
}

// codeOf is the vendor code of a driver error ("" for none).
func codeOf(err error) string {
	var pe *platform.Error
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

// ProposedGroupFacts: whether the zones exist in replication-capable regions
// (DescribeRegions Zones) and differ.
func (d *Driver) ProposedGroupFacts(ctx context.Context, spec platform.GroupSpec) (lifecycle.Facts, error) {
	rs, err := d.regions(ctx)
	if err != nil {
		return lifecycle.Facts{}, err
	}
	f := lifecycle.Facts{MissingRefs: map[string]string{}, ActiveServersStopped: true, StandbyServersStopped: true,
		Unknown:      map[string]bool{lifecycle.FactSiteHealth: true}, // no API reports zone health
		ActiveRegion: spec.SourceRegion, StandbyRegion: spec.TargetRegion,
		ReplicationCapable: rs.capable(spec.SourceRegion) && rs.capable(spec.TargetRegion)}
	if spec.SourceRegion != "" && !rs.zones[spec.SourceRegion][spec.SourceZone] {
		f.MissingRefs["source_zone"] = spec.SourceRegion + "/" + spec.SourceZone
	}
	if spec.TargetRegion != "" && !rs.zones[spec.TargetRegion][spec.TargetZone] {
		f.MissingRefs["target_zone"] = spec.TargetRegion + "/" + spec.TargetZone
	}
	f.SameSite = spec.SourceRegion == spec.TargetRegion && spec.SourceZone == spec.TargetZone && spec.SourceRegion != ""
	return f, nil
}

// MemberFacts: the group's facts with the candidate pair's (AddDiskReplicaPair rules: same
// regions and zones in the same direction, the pair in no other group and idle).
func (d *Driver) MemberFacts(ctx context.Context, groupID string, params map[string]string) (lifecycle.Facts, error) {
	g, err := d.GetGroup(ctx, groupID)
	if err != nil {
		return lifecycle.Facts{}, err
	}
	f := g.Observed.Facts
	if id := params[lifecycle.ParamServerID]; id != "" {
		// replica groups hold disk pairs only: add_server is a manual step in Capabilities,
		// which the engine refuses (V-PLATFORM); EBS knows nothing of the server
		f.CandidateServerID = id
		f.Unknown = copyUnknown(f.Unknown)
		f.Unknown[lifecycle.FactCandidate] = true
		return f, nil
	}
	id := params[lifecycle.ParamPairID]
	if id == "" {
		return f, nil
	}
	x, err := d.readPair(ctx, id)
	if platform.IsNotFound(err) {
		if f.MissingRefs == nil {
			f.MissingRefs = map[string]string{}
		}
		f.MissingRefs[lifecycle.ParamPairID] = id
		return f, nil
	}
	if err != nil {
		return f, err
	}
	st, _, _ := pairState(x.Status, x.StatusMessage)
	f.CandidatePairID = id
	f.CandidateGroupID = x.ReplicaGroupId
	f.CandidateState = st
	f.CandidateSameSites = x.SourceRegion == g.Observed.Facts.ActiveRegion && x.DestinationRegion == g.Observed.Facts.StandbyRegion &&
		x.SourceZoneId == zoneOf(g, g.ActiveSite) && x.DestinationZoneId == zoneOf(g, g.ActiveSite.Other())
	return f, nil
}

func zoneOf(g platform.ProtectionGroup, s lifecycle.Site) string {
	if s == lifecycle.SiteTarget {
		return g.TargetZone
	}
	return g.SourceZone
}

func copyUnknown(m map[string]bool) map[string]bool {
	out := make(map[string]bool, len(m)+1)
	for k, v := range m {
		out[k] = v
	}
	return out
}
