package huaweicloud

// SDRS protection groups: reads (a group with its protected instances and pairs), create,
// rename, plan-time facts, and the group operations (Invoke).

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	sdrs "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/sdrs/v1"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/sdrs/v1/model"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/retry"
)

// readGroup reads the group, its protected instances and its replication pairs.
func (p *Platform) readGroup(ctx context.Context, id string) (platform.ProtectionGroup, error) {
	return p.readGroupAged(ctx, id, p.cfg.PollCacheTTL)
}

// readGroupAged reads the group from a snapshot at most maxAge old: ReadCacheTTL for the reads
// of a plan (GetGroup, ListGroups, MemberFacts), PollCacheTTL for polls and writes.
func (p *Platform) readGroupAged(ctx context.Context, id string, maxAge time.Duration) (platform.ProtectionGroup, error) {
	if snap, err := p.snapshot(ctx, maxAge); err != nil {
		return platform.ProtectionGroup{}, err
	} else if snap != nil {
		if g, ok := snap.groups[id]; ok {
			return p.groupFrom(ctx, g, snap.insts[id], snap.reps[id], snap.server, snap.zones)
		}
	}
	g, err := p.getRaw(ctx, "/v1/{project_id}/server-groups/{id}", id, "", "show protection group "+id)
	if err != nil {
		return platform.ProtectionGroup{}, err
	}
	insts, err := p.listAll(ctx, "/v1/{project_id}/protected-instances", "protected_instances", id, "list protected instances")
	if err != nil {
		return platform.ProtectionGroup{}, err
	}
	reps, err := p.listAll(ctx, "/v1/{project_id}/replications", "replications", id, "list replication pairs")
	if err != nil {
		return platform.ProtectionGroup{}, err
	}
	zones, err := p.zones(ctx)
	if err != nil {
		return platform.ProtectionGroup{}, err
	}
	return p.groupFrom(ctx, g.obj("server_group"), insts, reps, p.serverObj, zones)
}

func (p *Platform) groupFrom(ctx context.Context, g obj, insts, reps []obj, server serverLookup, zones map[string]bool) (platform.ProtectionGroup, error) {
	var pairRepl []string
	for _, r := range reps {
		pairRepl = append(pairRepl, r.str("replication_status"))
	}
	repl := effectiveReplication(g.str("status"), g.str("replication_status"), pairRepl, g.int("progress"))
	st, failed, err := groupState(g.str("status"), repl)
	if err != nil {
		return platform.ProtectionGroup{}, err
	}
	out := platform.ProtectionGroup{
		ID: g.str("id"), Name: g.str("name"), Description: g.str("description"),
		SourceRegion: p.cfg.Region, SourceZone: g.str("source_availability_zone"),
		TargetRegion: p.cfg.Region, TargetZone: g.str("target_availability_zone"),
		DomainID: g.str("domain_id"), SourceVPCID: g.str("source_vpc_id"),
		State: st, FailedOp: failed, ActiveSite: siteOf(g.str("priority_station")),
		ReplicationStatus: repl, SyncProgress: g.int("progress"), Health: g.str("health_status"),
		// protected_status is null on new groups: protection is on while protected or being enabled
		ProtectionEnabled: g.str("protected_status") == "started" || g.str("protected_status") == "" &&
			(st == lifecycle.Replicating || st == lifecycle.Starting || st == lifecycle.SwitchingOver),
		DrillActive: g.int("disaster_recovery_drill_num") > 0,
	}
	out.FirstSyncDone = synced(repl) || st == lifecycle.SwitchingOver || st == lifecycle.FailingOver || st == lifecycle.FailedOver
	for _, r := range reps {
		if r.str("status") == "creating" {
			continue // not a member until SDRS has created it
		}
		out.PairIDs = append(out.PairIDs, r.str("id"))
	}
	sort.Strings(out.PairIDs)
	// servers: power (V-GRP-SWITCH, R000-4) and the addresses each side holds (R002-5), from ECS
	srcStopped, tgtStopped := true, true
	for _, in := range insts {
		tw := platform.ServerTwin{SourceServerID: in.str("source_server"), TwinServerID: in.str("target_server")}
		for _, side := range []struct {
			id           string
			stopped      *bool
			ip, eip, mac *string
		}{{tw.SourceServerID, &srcStopped, &tw.SourceIP, &tw.SourceEIP, &tw.SourceMAC},
			{tw.TwinServerID, &tgtStopped, &tw.TwinIP, &tw.TwinEIP, &tw.TwinMAC}} {
			if side.id == "" {
				continue
			}
			srv, found, err := server(ctx, side.id)
			if err != nil {
				return platform.ProtectionGroup{}, err
			}
			if !found {
				continue
			}
			if srv.str("status") != "SHUTOFF" {
				*side.stopped = false
			}
			*side.ip, *side.eip, *side.mac = addresses(srv)
		}
		out.ServerIDs = append(out.ServerIDs, tw.SourceServerID)
		out.DRServers = append(out.DRServers, tw)
	}
	if st == lifecycle.Error {
		if out.LastError, err = p.lastError(ctx, out.ID, g.str("status")); err != nil {
			return platform.ProtectionGroup{}, err
		}
	}
	// SDRS has no object version: the record's fingerprint stands in (platform.Fingerprint)
	out.Version = platform.Fingerprint(g.str("status"), g.str("replication_status"), repl, g.str("priority_station"), g.str("protected_status"), out.Name,
		out.Description, out.SyncProgress, out.Health, g.int("disaster_recovery_drill_num"), out.PairIDs, out.ServerIDs)
	out.Observed = p.observation(out)
	if out.LastDrill, err = p.lastDrill(ctx, g); err != nil { // drill_record.go
		return platform.ProtectionGroup{}, err
	}
	activeAZ, standbyAZ := out.SourceZone, out.TargetZone
	if out.ActiveSite == lifecycle.SiteTarget {
		activeAZ, standbyAZ = standbyAZ, activeAZ
	}
	groupSiteHealth(&out.Observed.Facts, reps, zones, activeAZ, standbyAZ)
	out.Observed.Facts.ActiveServersStopped, out.Observed.Facts.StandbyServersStopped = srcStopped, tgtStopped
	if out.ActiveSite == lifecycle.SiteTarget {
		out.Observed.Facts.ActiveServersStopped, out.Observed.Facts.StandbyServersStopped = tgtStopped, srcStopped
	}
	return out, nil
}

func (p *Platform) observation(g platform.ProtectionGroup) lifecycle.Observation {
	busy := g.State == lifecycle.FailingOver || g.State == lifecycle.SwitchingOver || g.State == lifecycle.Reprotecting
	return lifecycle.Observation{Kind: lifecycle.ProtectionGroup, Platform: p.caps, ID: g.ID, Name: g.Name, State: g.State, FailedOp: g.FailedOp,
		ActiveSite: g.ActiveSite, LastError: g.LastError, Version: g.Version,
		Facts: lifecycle.Facts{
			Unknown:     unknownFacts(),
			MemberCount: len(g.PairIDs), ServerCount: len(g.ServerIDs), FirstSyncDone: g.FirstSyncDone,
			DrillActive: g.DrillActive, ServersBusy: busy, ReplicationCapable: true,
			ActiveRegion: p.cfg.Region, StandbyRegion: p.cfg.Region,
		}}
}

// GetGroup reads a protection group (Querying the Details of a Protection Group, Querying
// Protected Instances, Querying Replication Pairs).
func (p *Platform) GetGroup(ctx context.Context, id string) (platform.ProtectionGroup, error) {
	return p.readGroupAged(ctx, id, p.cfg.ReadCacheTTL)
}

// ListGroups lists every protection group (Querying Protection Groups, paginated), with one
// paginated list of protected instances and one of pairs for all of them.
func (p *Platform) ListGroups(ctx context.Context) ([]platform.ProtectionGroup, error) {
	snap, err := p.snapshot(ctx, p.cfg.ReadCacheTTL)
	if err != nil {
		return nil, err
	}
	if snap == nil { // cache off: a fresh snapshot for this call
		if snap, err = p.loadSnapshot(ctx, p.snaps.Gen()); err != nil {
			return nil, err
		}
	}
	out := make([]platform.ProtectionGroup, 0, len(snap.order))
	for _, id := range snap.order {
		v, err := p.groupFrom(ctx, snap.groups[id], snap.insts[id], snap.reps[id], snap.server, snap.zones)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// CreateGroup creates a protection group between two AZs (Creating a Protection Group,
// POST /v1/{project_id}/server-groups). SDRS has no client token: a group with the same name
// is the earlier create (read before write); the same name between other AZs is refused.
func (p *Platform) CreateGroup(ctx context.Context, spec platform.GroupSpec, token string) (platform.ProtectionGroup, error) {
	if spec.SourceZone == "" || spec.TargetZone == "" {
		return platform.ProtectionGroup{}, platform.Invalidf("", "an SDRS protection group needs source_zone and target_zone (availability zones)")
	}
	if spec.SourceVPCID == "" {
		return platform.ProtectionGroup{}, platform.Invalidf("", "an SDRS protection group needs source_vpc_id (the production site's VPC)")
	}
	domain := spec.DomainID
	if domain == "" {
		all, err := p.domainsBetween(ctx, spec.SourceZone, spec.TargetZone)
		if err != nil {
			return platform.ProtectionGroup{}, err
		}
		ds := openDomains(all)
		if len(ds) != 1 {
			return platform.ProtectionGroup{}, platform.Invalidf("", "domain_id: %s", domainChoice(all, spec))
		}
		domain = ds[0].str("id")
	}
	if err := p.createToken(token, fmt.Sprintf("group/%q/%q/%q/%q/%q/%q", spec.Name, spec.Description, spec.SourceZone, spec.TargetZone, domain, spec.SourceVPCID)); err != nil {
		return platform.ProtectionGroup{}, err
	}
	if existing, found, err := p.groupByName(ctx, spec.Name); err != nil {
		return platform.ProtectionGroup{}, err
	} else if found {
		if existing.SourceZone != spec.SourceZone || existing.TargetZone != spec.TargetZone {
			return platform.ProtectionGroup{}, platform.Invalidf(platform.CodeIdempotentParameterMismatch,
				"a protection group named %q already exists between %s and %s", spec.Name, existing.SourceZone, existing.TargetZone)
		}
		return existing, nil
	}
	params := &model.CreateProtectionGroupRequestParams{Name: spec.Name, SourceAvailabilityZone: spec.SourceZone,
		TargetAvailabilityZone: spec.TargetZone, DomainId: domain, SourceVpcId: spec.SourceVPCID}
	if spec.Description != "" {
		params.Description = ptr(spec.Description)
	}
	// The create is one retried unit: SDRS has no client token, so an attempt after one whose
	// request may have been processed (a 5xx, a lost response) looks the group up by name
	// before it sends the create again.
	type created struct{ id, job string }
	resent := false
	c, err := retry.Do(ctx, p.cfg.Retry, "create protection group "+spec.Name, func(ctx context.Context) (created, error) {
		if resent {
			if g, found, err := p.groupByName(ctx, spec.Name); err != nil || found {
				return created{id: g.ID}, err
			}
		}
		resent = true
		p.wrote()
		defer p.wrote()
		resp, err := p.client.CreateProtectionGroup(&model.CreateProtectionGroupRequest{Body: &model.CreateProtectionGroupRequestBody{ServerGroup: params}})
		if err != nil {
			return created{}, wrap(err, "create protection group")
		}
		return created{job: deref(resp.JobId)}, nil
	})
	if err != nil {
		return platform.ProtectionGroup{}, err
	}
	if c.id == "" {
		// the new group's id: the job names it (Querying the Job Status), else its name once
		// SDRS lists it — a read of our own write, retried while it is not visible yet
		c.id, err = retry.Do(ctx, p.cfg.Retry, "find protection group "+spec.Name, func(ctx context.Context) (string, error) {
			if c.job != "" {
				j, err := sdk(ctx, p, "show job "+c.job, func() (*model.ShowJobStatusResponse, error) {
					return p.client.ShowJobStatus(&model.ShowJobStatusRequest{JobId: c.job})
				})
				if err == nil && j.Entities != nil && deref(j.Entities.ServerGroupId) != "" {
					return *j.Entities.ServerGroupId, nil
				}
				if retry.Retryable(err) {
					return "", err
				}
			}
			g, found, err := p.groupByName(ctx, spec.Name)
			if err == nil && !found {
				err = platform.Errorf(platform.ClassRetryable, platform.CodeInternal, "the protection group %q is not visible yet", spec.Name)
			}
			return g.ID, err
		})
		if err != nil {
			return platform.ProtectionGroup{}, err
		}
	}
	if c.job != "" {
		p.rememberJob(c.id, c.job)
	}
	return p.readGroup(ctx, c.id)
}

func (p *Platform) groupByName(ctx context.Context, name string) (platform.ProtectionGroup, bool, error) {
	gs, err := p.listAll(ctx, "/v1/{project_id}/server-groups", "server_groups", "", "list protection groups")
	if err != nil {
		return platform.ProtectionGroup{}, false, err
	}
	for _, g := range gs {
		if g.str("name") == name {
			v, err := p.readGroup(ctx, g.str("id"))
			return v, err == nil, err
		}
	}
	return platform.ProtectionGroup{}, false, nil
}

// UpdateGroup renames a group (Changing the Name of a Protection Group, PUT
// /v1/{project_id}/server-groups/{id}). SDRS cannot change a description.
func (p *Platform) UpdateGroup(ctx context.Context, id string, spec platform.GroupSpec) (platform.ProtectionGroup, error) {
	err := p.rename("protection group", id, spec.Name, spec.Description, spec.Version, func() (string, string, int64, error) {
		cur, err := p.readGroup(ctx, id)
		return cur.Name, cur.Description, cur.Version, err
	}, func(name string) error {
		_, err := sdk(ctx, p, "rename protection group "+id, func() (any, error) {
			return p.client.HcClient.Sync(&model.UpdateProtectionGroupNameRequest{ServerGroupId: id,
				Body: &model.UpdateProtectionGroupNameRequestBody{ServerGroup: &model.UpdateProtectionGroupNameRequestParams{Name: name}}},
				unread(sdrs.GenReqDefForUpdateProtectionGroupName()))
		})
		p.wrote()
		return err
	})
	if err != nil {
		return platform.ProtectionGroup{}, err
	}
	return p.readGroup(ctx, id)
}

// rename is an update of an SDRS object, which can change only its name: from the version
// the caller read (the driver's fingerprint versions, checked under its update guard), a
// different description refused, the rename sent only when the name changes.
func (p *Platform) rename(what, id, name, description string, version int64,
	read func() (name, description string, version int64, err error), send func(name string) error) error {
	change := false
	return p.upd.Update(what, id, version, func() (int64, error) {
		curName, curDesc, v, err := read()
		if err == nil && description != curDesc {
			err = platform.Invalidf("", "SDRS cannot change a %s's description (only its name)", what)
		}
		change = name != "" && name != curName
		return v, err
	}, func() error {
		if !change {
			return nil
		}
		return send(name)
	})
}

// Platform-specific create parameters of a protection group (Capabilities.Params): Creating
// a Protection Group (POST /v1/{project_id}/server-groups,
// https://support.huaweicloud.com/intl/en-us/api-sdrs/sdrs_05_0401.html) requires domain_id
// and source_vpc_id.
const (
	ParamDomainID    = "domain_id"
	ParamSourceVPCID = "source_vpc_id"
)

// domainsBetween lists the project's active-active domains whose two replication clusters are
// the two zones (Querying an Active-Active Domain, GET /v1/{project_id}/active-domains,
// https://support.huaweicloud.com/intl/en-us/api-sdrs/sdrs_05_0301.html).
func (p *Platform) domainsBetween(ctx context.Context, az1, az2 string) ([]obj, error) {
	o, err := p.getRaw(ctx, "/v1/{project_id}/active-domains", "", "", "list active-active domains")
	if err != nil {
		return nil, err
	}
	var out []obj
	for _, d := range o.list("domains") {
		l, r := d.obj("local_replication_cluster").str("availability_zone"), d.obj("remote_replication_cluster").str("availability_zone")
		if (l == az1 && r == az2) || (l == az2 && r == az1) {
			out = append(out, d)
		}
	}
	return out, nil
}

// openDomains are the domains that are not sold out (sold_out: "whether the resources of the
// active-active domain are sold out"; a group created in one fails at SDRS).
func openDomains(ds []obj) []obj {
	var out []obj
	for _, d := range ds {
		if d.str("sold_out") != "true" {
			out = append(out, d)
		}
	}
	return out
}

// domainChoice says why no domain could be chosen for the zones from those between them (ds,
// sold out or not).
func domainChoice(all []obj, spec platform.GroupSpec) string {
	ds := openDomains(all)
	if len(ds) == 0 && len(all) > 0 {
		return fmt.Sprintf("every active-active domain between %s and %s is sold out (%s): SDRS cannot create a group in it", spec.SourceZone, spec.TargetZone, all[0].str("id"))
	}
	if len(ds) == 0 {
		return fmt.Sprintf("the project has no active-active domain between %s and %s (SDRS protects only between the two AZs of a domain)", spec.SourceZone, spec.TargetZone)
	}
	ids := make([]string, 0, len(ds))
	for _, d := range ds {
		ids = append(ids, d.str("id"))
	}
	return fmt.Sprintf("the project has %d active-active domains between %s and %s (%s): name one", len(ds), spec.SourceZone, spec.TargetZone, strings.Join(ids, ", "))
}

// ProposedGroupFacts: SDRS has no AZ listing, so the zones are checked by the create
// (SDRS.0203); the sites are the same when the zones are. The create's own parameters
// (V-PARAMS, V-REFS): source_vpc_id must be given and exist (VPC API); domain_id, when not
// given, is the project's only active-active domain between the zones, and when given must be
// one of them.
func (p *Platform) ProposedGroupFacts(ctx context.Context, spec platform.GroupSpec) (lifecycle.Facts, error) {
	f := lifecycle.Facts{Unknown: unknownFacts(), SameSite: spec.SourceZone != "" && spec.SourceZone == spec.TargetZone,
		ReplicationCapable: true, ActiveRegion: p.cfg.Region, StandbyRegion: p.cfg.Region,
		MissingParams: map[string]string{}, MissingRefs: map[string]string{}}
	zones, err := p.zones(ctx)
	if err != nil {
		return lifecycle.Facts{}, err
	}
	siteHealth(&f, zones, spec.SourceZone, spec.TargetZone)
	if spec.SourceVPCID == "" {
		f.MissingParams[ParamSourceVPCID] = "Creating a Protection Group needs the ID of the production site's VPC"
	} else if ok, err := p.vpcExists(ctx, spec.SourceVPCID); err != nil {
		return lifecycle.Facts{}, err
	} else if !ok {
		f.MissingRefs[ParamSourceVPCID] = spec.SourceVPCID
	}
	ds, err := p.domainsBetween(ctx, spec.SourceZone, spec.TargetZone)
	if err != nil {
		return lifecycle.Facts{}, err
	}
	switch {
	case spec.DomainID != "":
		var named obj
		for _, d := range ds {
			if d.str("id") == spec.DomainID {
				named = d
			}
		}
		switch {
		case named == nil:
			f.MissingRefs[ParamDomainID] = spec.DomainID + fmt.Sprintf(" (as an active-active domain between %s and %s)", spec.SourceZone, spec.TargetZone)
		case len(openDomains([]obj{named})) == 0:
			f.MissingParams[ParamDomainID] = fmt.Sprintf("the active-active domain %s is sold out: SDRS cannot create a group in it; name another", spec.DomainID)
		}
	case len(openDomains(ds)) != 1:
		f.MissingParams[ParamDomainID] = domainChoice(ds, spec)
	}
	return f, nil
}

// MemberFacts: the group's facts with a candidate server: its AZ from ECS (SDRS.1304: it must
// be at the production AZ); whether another group already protects it (SDRS.1305), or it is a
// DR-site twin, from the protected instances.
func (p *Platform) MemberFacts(ctx context.Context, groupID string, params map[string]string) (lifecycle.Facts, error) {
	g, err := p.readGroupAged(ctx, groupID, p.cfg.ReadCacheTTL)
	if err != nil {
		return lifecycle.Facts{}, err
	}
	f := g.Observed.Facts
	if sid := params[lifecycle.ParamServerID]; sid != "" {
		f.CandidateServerID = sid
		_, az, found, err := p.serverInfo(ctx, sid)
		if err != nil {
			return lifecycle.Facts{}, err
		}
		switch {
		case !found:
			f.MissingRefs = map[string]string{lifecycle.ParamServerID: sid}
		case az == g.SourceZone:
			f.CandidateServerSite = lifecycle.SiteSource
		case az == g.TargetZone:
			f.CandidateServerSite = lifecycle.SiteTarget
		}
		all, err := p.listAll(ctx, "/v1/{project_id}/protected-instances", "protected_instances", "", "list protected instances")
		if err != nil {
			return lifecycle.Facts{}, err
		}
		for _, in := range all {
			if in.str("source_server") == sid {
				f.CandidateServerGroupID = in.str("server_group_id")
			}
			if in.str("target_server") == sid {
				f.CandidateServerTwin = true
			}
		}
	}
	if pid := params[lifecycle.ParamPairID]; pid != "" {
		f.CandidatePairID = pid
	}
	return f, nil
}

// invokeGroup starts one operation on a protection group (see Invoke: read before write) and
// returns the SDRS job it started ("" when there was nothing to do).
func (p *Platform) invokeGroup(ctx context.Context, id string, op lifecycle.Op, params map[string]string) (string, error) {
	if step, manual := p.Capabilities().ManualStep(lifecycle.ProtectionGroup, op); manual {
		return "", platform.Invalidf("ManualStep", "the huaweicloud platform cannot invoke %s: %s", op, step)
	}
	g, err := p.readGroup(ctx, id)
	if err != nil {
		return "", err
	}
	// The operation is one retried unit. SDRS has no client token: an operation the group
	// shows running or done (platform.Underway, the lifecycle row's Via state or result) is not
	// issued, and an attempt after one that may have been processed reads the group again
	// first (a membership change or a drill checks its own member or drill the same way).
	resent := false
	return retry.Do(ctx, p.cfg.Retry, string(op)+" protection group "+id, func(ctx context.Context) (string, error) {
		if resent {
			if g, err = p.readGroup(ctx, id); err != nil {
				return "", err
			}
		}
		resent = true
		if platform.Underway(lifecycle.ProtectionGroup, op, g.State) {
			return "", nil
		}
		if op == lifecycle.OpDisableProtection && g.State == lifecycle.Starting {
			// Disabling Protection (sdrs_05_0407) is allowed from protected (and error-stopping)
			// only: SDRS refuses it while the enabling job runs (SDRS.1002). The engine may
			// disable a group that is still starting; the driver waits for the enabling job.
			return "", platform.Errorf(platform.ClassRetryable, "SDRS.Starting",
				"protection group %s is being protected: SDRS disables protection once the enabling job has ended", id)
		}
		p.wrote()
		defer p.wrote()
		return p.issue(ctx, g, op, params)
	})
}

// emptyAction is the {} value of an action without parameters: the SDK sends a nil value as
// null ({"stop-server-group":null}), which SDRS refuses.
func emptyAction() *interface{} {
	var v interface{} = map[string]interface{}{}
	return &v
}

// issue makes the SDRS call of op on the group g and returns the job it started ("" when there
// was nothing to do: a membership change that already holds, a drill already running).
func (p *Platform) issue(ctx context.Context, g platform.ProtectionGroup, op lifecycle.Op, params map[string]string) (jobID string, err error) {
	switch op {
	case lifecycle.OpAddServer, lifecycle.OpRemoveServer:
		return p.issueServer(ctx, g, op, params)
	case lifecycle.OpRemoveMember:
		return p.removePair(ctx, g, params[lifecycle.ParamPairID])
	case lifecycle.OpStartDrill, lifecycle.OpStopDrill:
		return p.issueDrill(ctx, g, op)
	case lifecycle.OpUpdate:
		if n := params[lifecycle.ParamName]; n != "" && n != g.Name {
			_, err := p.UpdateGroup(ctx, g.ID, platform.GroupSpec{Name: n, Description: g.Description})
			return "", err
		}
		return "", nil
	}
	return p.issueProtection(ctx, g, op)
}

// issueProtection makes the protection actions of a group (Enabling, Disabling Protection,
// failovers, Deleting a Protection Group): one SDRS request, an asynchronous job.
func (p *Platform) issueProtection(ctx context.Context, g platform.ProtectionGroup, op lifecycle.Op) (string, error) {
	id := g.ID
	what := string(op) + " protection group " + id
	var job func() (*string, error)
	switch op {
	case lifecycle.OpEnableProtection, lifecycle.OpReprotect:
		// Enabling Protection or Enabling Protection Again: one action, start-server-group.
		job = func() (*string, error) {
			r, err := p.client.StartProtectionGroup(&model.StartProtectionGroupRequest{ServerGroupId: id,
				Body: &model.StartProtectionGroupRequestBody{StartServerGroup: emptyAction()}})
			if err != nil {
				return nil, err
			}
			return r.JobId, nil
		}
	case lifecycle.OpDisableProtection:
		// Disabling Protection: stop-server-group.
		job = func() (*string, error) {
			r, err := p.client.StopProtectionGroup(&model.StopProtectionGroupRequest{ServerGroupId: id,
				Body: &model.StopProtectionGroupRequestBody{StopServerGroup: emptyAction()}})
			if err != nil {
				return nil, err
			}
			return r.JobId, nil
		}
	case lifecycle.OpFailover:
		// Performing a Failover: failover-server-group.
		job = func() (*string, error) {
			r, err := p.client.StartFailoverProtectionGroup(&model.StartFailoverProtectionGroupRequest{ServerGroupId: id,
				Body: &model.FailoverProtectionGroupRequestBody{FailoverServerGroup: emptyAction()}})
			if err != nil {
				return nil, err
			}
			return r.JobId, nil
		}
	case lifecycle.OpPlannedFailover:
		// Performing a Planned Failover: reverse-server-group {priority_station: the other site}.
		ps := model.GetReverseProtectionGroupRequestParamsPriorityStationEnum().TARGET
		if g.ActiveSite == lifecycle.SiteTarget {
			ps = model.GetReverseProtectionGroupRequestParamsPriorityStationEnum().SOURCE
		}
		job = func() (*string, error) {
			r, err := p.client.StartReverseProtectionGroup(&model.StartReverseProtectionGroupRequest{ServerGroupId: id,
				Body: &model.ReverseProtectionGroupRequestBody{ReverseServerGroup: &model.ReverseProtectionGroupRequestParams{PriorityStation: ps}}})
			if err != nil {
				return nil, err
			}
			return r.JobId, nil
		}
	case lifecycle.OpDelete:
		// Deleting a Protection Group.
		job = func() (*string, error) {
			r, err := p.client.DeleteProtectionGroup(&model.DeleteProtectionGroupRequest{ServerGroupId: id})
			if err != nil {
				return nil, err
			}
			return r.JobId, nil
		}
	default:
		return "", platform.Invalidf("", "the huaweicloud platform cannot invoke %s on a protection group", op)
	}
	j, err := sdk(ctx, p, what, job)
	return deref(j), err
}
