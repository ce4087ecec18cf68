package alibaba

import (
	"context"
	"encoding/json"
	"sort"
	"strings"
	"sync"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ebs"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// pageSize is the API maximum of MaxResults for DescribeDiskReplicaPairs/Groups (and ECS
// DescribeDisks, DescribeReplicaGroupDrills).
const pageSize = 500

// lastPage reports whether a page of a MaxResults+NextToken listing is the last: no token, the
// token just sent, or fewer items than MaxResults. The vendor's examples return a NextToken
// with the page that holds the last item (DescribeReplicaGroupDrills: TotalCount 1 and a token;
// DescribeDiskReplicaPairs/Groups: a token with TotalCount, which the reference calls
// meaningless with NextToken), so a token alone does not mean more: a short page is the end —
// one call per list, not two.
func lastPage(token, sent string, items int) bool {
	return token == "" || token == sent || items < pageSize
}

// describePairs follows DescribeDiskReplicaPairs (RegionId; PairIds ≤ 100 comma-separated;
// MaxResults 1–500 + NextToken): the pairs with a disk in region.
func (d *Driver) describePairs(ctx context.Context, region, pairIDs string) ([]ebs.ReplicaPair, error) {
	var out []ebs.ReplicaPair
	next := ""
	for {
		req := ebs.CreateDescribeDiskReplicaPairsRequest()
		req.RegionId = region
		req.PairIds = pairIDs
		req.MaxResults = requests.NewInteger(pageSize)
		req.NextToken = next
		resp := ebs.CreateDescribeDiskReplicaPairsResponse()
		if err := d.call(ctx, "ebs", "DescribeDiskReplicaPairs", region, req, resp); err != nil {
			return nil, err
		}
		for _, x := range resp.ReplicaPairs {
			out = append(out, trimPair(x))
		}
		if lastPage(resp.NextToken, next, len(resp.ReplicaPairs)) {
			return out, nil
		}
		next = resp.NextToken
	}
}

// trimPair trims the region and zone strings of a pair record. The vendor's group example carries
// StandbyRegion "cn-shanghai\n" (an escaped newline inside the value); a pair's fields of the
// same names feed the region and endpoint of Failover, Reprotect and Delete, where an untrimmed
// one is a call to "ebs.cn-shanghai\n.aliyuncs.com".
func trimPair(x ebs.ReplicaPair) ebs.ReplicaPair {
	for _, f := range []*string{&x.ReplicaPairId, &x.Status, &x.SourceRegion, &x.SourceZoneId, &x.SourceDiskId, &x.DestinationRegion,
		&x.DestinationZoneId, &x.DestinationDiskId, &x.PrimaryRegion, &x.PrimaryZone, &x.StandbyRegion, &x.StandbyZone, &x.ReplicaGroupId} {
		*f = strings.TrimSpace(*f)
	}
	return x
}

// reversed reports whether the side replicating now (Source*) is the side created as the
// standby (Standby*): the object was failed over (and reprotected). Primary*/Standby* are the
// sides as created and never change. It is decided by the region when the sides are in two
// regions, by the zone only when both are in one region (a cross-zone pair or group): the
// vendor's own group example reports a never-failed-over group (created) whose PrimaryZone
// differs from its SourceZoneId in the same region — a zone that is neither side's is no
// reason to read the object as reversed (which made the refresh of source_region/source_zone,
// attributes that force replacement, plan a destroy of the DR group).
func reversed(srcRegion, srcZone, primRegion, primZone, stbyRegion, stbyZone string) bool {
	switch {
	case primRegion == "":
		return false // no record of the sides as created: the source is the primary
	case stbyRegion == "":
		return srcRegion != primRegion
	case primRegion != stbyRegion:
		return srcRegion == stbyRegion
	}
	return srcZone != "" && srcZone == stbyZone && stbyZone != primZone
}

// findPair reads one pair: DescribeDiskReplicaPairs(PairIds=id) in the regions it may be
// visible in. A pair reported deleted is gone (NotFound).
func (d *Driver) findPair(ctx context.Context, id string) (ebs.ReplicaPair, error) {
	if id == "" {
		return ebs.ReplicaPair{}, platform.NotFoundf("replica pair: empty ID")
	}
	regions, err := d.candidateRegions(ctx, id)
	if err != nil {
		return ebs.ReplicaPair{}, err
	}
	for _, r := range regions {
		ps, err := d.describePairs(ctx, r, id)
		if err != nil {
			return ebs.ReplicaPair{}, err
		}
		for _, p := range ps {
			if p.ReplicaPairId != id {
				continue
			}
			if p.Status == "deleted" {
				d.forget(id)
				return ebs.ReplicaPair{}, platform.NotFoundf("replica pair %s is deleted", id)
			}
			d.remember(id, r)
			d.sawPair(p)
			return p, nil
		}
	}
	d.forget(id)
	return ebs.ReplicaPair{}, platform.NotFoundf("replica pair %s does not exist (looked in %v)", id, regions)
}

// pairOf converts an EBS replica pair. The sides keep their names as created
// (PrimaryRegion/Zone: primary; StandbyRegion/Zone: secondary); SourceRegion/SourceZoneId is
// the side replicating from now, i.e. the active one.
func (d *Driver) pairOf(x ebs.ReplicaPair, rs regionSet, disks map[string]disk) platform.ReplicationPair {
	active := lifecycle.SiteSource
	if reversed(x.SourceRegion, x.SourceZoneId, x.PrimaryRegion, x.PrimaryZone, x.StandbyRegion, x.StandbyZone) {
		active = lifecycle.SiteTarget
	}
	pv, sv := x.SourceDiskId, x.DestinationDiskId
	pr, pz, sr, sz := x.SourceRegion, x.SourceZoneId, x.DestinationRegion, x.DestinationZoneId
	if active == lifecycle.SiteTarget {
		pv, sv = sv, pv
		pr, pz, sr, sz = sr, sz, pr, pz
	}
	state, failed, lastErr := pairState(x.Status, x.StatusMessage)
	p := platform.ReplicationPair{
		Tags: tagsOf(x.Tags), ResourceGroupID: x.ResourceGroupId, PaymentType: paymentTypeOf(x.ChargeType), ExpiresAt: unix(x.ExpiredTime),
		ID: x.ReplicaPairId, Name: x.PairName, Description: x.Description, PrimaryVolumeID: pv, SecondaryVolumeID: sv,
		RPOSeconds: x.RPO, BandwidthKbps: x.Bandwidth, State: state, FailedOp: failed, ActiveSite: active,
		PrimaryRegion: pr, PrimaryZone: pz, SecondaryRegion: sr, SecondaryZone: sz, LastRecoveryPoint: unix(x.LastRecoverPoint),
		LastError: lastErr, GroupID: x.ReplicaGroupId,
		Version: observedVersion(x.Status, x.LastRecoverPoint, x.PairName, x.Description, x.RPO, x.Bandwidth, x.ReplicaGroupId,
			x.SourceRegion, x.SourceZoneId, x.SourceDiskId, x.StatusMessage),
	}
	if state == lifecycle.Replicating {
		p.SyncProgress = 100
	}

	p.Observed = lifecycle.Observation{
		Kind: lifecycle.ReplicationPair, ID: p.ID, Name: p.Name, State: state, FailedOp: failed, ActiveSite: active,
		LastError: lastErr, Version: p.Version, Platform: d.caps,
		Facts: lifecycle.Facts{
			MemberCount: 1, InGroup: x.ReplicaGroupId != "", GroupID: x.ReplicaGroupId,
			FirstSyncDone:      x.LastRecoverPoint > 0, // LastRecoverPoint: the last completed copy [A2]
			ReplicationCapable: rs.capable(x.SourceRegion) && rs.capable(x.DestinationRegion),
			ActiveRegion:       x.SourceRegion, StandbyRegion: x.DestinationRegion,
			// a pair has no servers of its own
			ActiveServersStopped: true, StandbyServersStopped: true,
			// No Alibaba API reports zone health, nor when the next one-shot sync is allowed
			// (ManualSyncLimit): the platform decides those.
			Unknown: map[string]bool{lifecycle.FactSiteHealth: true, lifecycle.FactSyncOnce: true},
		},
	}
	lagFacts(&p.Observed.Facts, x.LastRecoverPoint, x.RPO) // readiness (pair_drills.go)
	if state != lifecycle.FailedOver {
		p.LagSeconds = p.Observed.Facts.LagSeconds // the API reports no lag: the last recovery point's age
	}
	// disk attachment, from ECS DescribeDisks (InstanceId) of the source and destination disks
	src, ok1 := disks[x.SourceDiskId]
	dst, ok2 := disks[x.DestinationDiskId]
	if ok1 && ok2 {
		p.Observed.Facts.ActiveVolumeAttached, p.Observed.Facts.StandbyVolumeAttached = src.Attached, dst.Attached
	} else {
		p.Observed.Facts.Unknown[lifecycle.FactVolumeAttachment] = true
	}
	return p
}

// pairDisks reads the disks of pairs with ECS DescribeDisks: one call per region and 100
// disks.
func (d *Driver) pairDisks(ctx context.Context, pairs ...ebs.ReplicaPair) (map[string]disk, error) {
	byRegion := map[string][]string{}
	var order []string
	for _, x := range pairs {
		for _, rd := range [][2]string{{x.SourceRegion, x.SourceDiskId}, {x.DestinationRegion, x.DestinationDiskId}} {
			if rd[0] == "" || rd[1] == "" {
				continue
			}
			if _, ok := byRegion[rd[0]]; !ok {
				order = append(order, rd[0])
			}
			byRegion[rd[0]] = append(byRegion[rd[0]], rd[1])
		}
	}
	out := map[string]disk{}
	for _, r := range order {
		known, ids := d.recentDisks(byRegion[r])
		for id, x := range known {
			out[id] = x
		}
		for len(ids) > 0 {
			n := min(len(ids), 100)
			if err := d.describeDisks(ctx, r, ids[:n], out); err != nil {
				return nil, err
			}
			ids = ids[n:]
		}
	}
	return out, nil
}

// describeDisks follows ECS DescribeDisks (2014-05-26): RegionId, DiskIds (a JSON array of
// at most 100), PageSize 100.
func (d *Driver) describeDisks(ctx context.Context, region string, ids []string, out map[string]disk) error {
	b, _ := json.Marshal(ids)
	req := ecs.CreateDescribeDisksRequest()
	req.RegionId = region
	req.DiskIds = string(b)
	req.PageSize = requests.NewInteger(100)
	resp := ecs.CreateDescribeDisksResponse()
	if err := d.call(ctx, "ecs", "DescribeDisks", region, req, resp); err != nil {
		return err
	}
	for _, x := range resp.Disks.Disk {
		dk := diskOf(x, region)
		out[x.DiskId] = dk
		d.remember("disk/"+x.DiskId, dk.Region)
		d.sawDisk(dk)
	}
	return nil
}

// GetPair reads a pair: from the shared read snapshot (snapshot.go) when it holds the pair,
// else directly (DescribeDiskReplicaPairs, ECS DescribeDisks).
func (d *Driver) GetPair(ctx context.Context, id string) (platform.ReplicationPair, error) {
	return d.getPair(ctx, id, false)
}

// getPair reads a pair; fresh skips the snapshot (writes read their object directly).
func (d *Driver) getPair(ctx context.Context, id string, fresh bool) (platform.ReplicationPair, error) {
	return d.getPairState(ctx, id, fresh, true)
}

// getPairState reads a pair; progress reads a running synchronisation's progress too (a call of
// its own: Observe, the executor's polls, needs only the state).
func (d *Driver) getPairState(ctx context.Context, id string, fresh, progress bool) (platform.ReplicationPair, error) {
	var (
		x     ebs.ReplicaPair
		rs    regionSet
		disks map[string]disk
	)
	var snap *readSnapshot
	var err error
	if !fresh && id != "" {
		if snap, err = d.snapshot(ctx, id); err != nil {
			return platform.ReplicationPair{}, err
		}
	}
	cached := false
	if snap != nil {
		x, cached = snap.pairs[id]
	}
	if cached {
		if x.Status == "deleted" {
			return platform.ReplicationPair{}, platform.NotFoundf("replica pair %s is deleted", id)
		}
		rs, disks = snap.rs, snap.disks
		d.sawPair(x)
	} else {
		if x, err = d.findPair(ctx, id); err != nil {
			return platform.ReplicationPair{}, err
		}
		if rs, err = d.regions(ctx); err != nil {
			return platform.ReplicationPair{}, err
		}
		if disks, err = d.pairDisks(ctx, x); err != nil {
			return platform.ReplicationPair{}, err
		}
	}
	p := d.pairOf(x, rs, disks)
	var dv pairDrillView
	if cached {
		dv, err = d.snapPairDrills(ctx, snap, x)
	} else {
		dv, err = d.pairDrills(ctx, x)
	}
	if err != nil {
		return platform.ReplicationPair{}, err
	}
	withPairDrill(&p, dv) // pair_drills.go
	if progress && (p.State == lifecycle.Starting || p.State == lifecycle.Reprotecting) {
		// DescribeDiskReplicaPairProgress (RegionId, ReplicaPairId → Progress 0–100), only
		// while a synchronisation runs
		req := ebs.CreateDescribeDiskReplicaPairProgressRequest()
		req.RegionId, req.ReplicaPairId = x.SourceRegion, x.ReplicaPairId
		resp := ebs.CreateDescribeDiskReplicaPairProgressResponse()
		if err := d.call(ctx, "ebs", "DescribeDiskReplicaPairProgress", x.SourceRegion, req, resp); err != nil {
			return platform.ReplicationPair{}, err
		}
		p.SyncProgress = min(max(resp.Progress, 0), 100)
	}
	return p, nil
}

// ListPairs lists the pairs of every replication-capable region (DescribeDiskReplicaPairs,
// paginated at the maximum page size; a pair is seen from both its regions, once here), from
// the read snapshot.
func (d *Driver) ListPairs(ctx context.Context) ([]platform.ReplicationPair, error) {
	snap, err := d.freshSnapshot(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]platform.ReplicationPair, 0, len(snap.pairOrder))
	for _, id := range snap.pairOrder {
		if x := snap.pairs[id]; x.Status != "deleted" {
			p := d.pairOf(x, snap.rs, snap.disks)
			dv, err := d.snapPairDrills(ctx, snap, x)
			if err != nil {
				return nil, err
			}
			withPairDrill(&p, dv) // pair_drills.go
			out = append(out, p)
		}
	}
	return out, nil
}

// disk is where a disk is, from ECS DescribeDisks.
type disk struct {
	ID, Region, Zone string
	Attached         bool
	SizeGB           int64
	Encrypted        bool
}

// diskOf converts an ECS disk. Attached: DescribeDisks sets InstanceId only while the disk is
// In_use or Detaching, and never for a multi-attach disk (its Attachments list the instances;
// MountInstanceNum counts them); Attaching has no InstanceId yet. Any of those signals means
// attached — a disk read as detached when it is not would pass the plan's "secondary detached"
// check and fail the start with OperationDenied.StandbyDeviceAttached.
func diskOf(x ecs.Disk, region string) disk {
	reg := strings.TrimSpace(x.RegionId)
	if reg == "" {
		reg = region
	}
	attached := x.InstanceId != "" || x.MountInstanceNum > 0 || len(x.Attachments.Attachment) > 0 ||
		len(x.MountInstances.MountInstance) > 0
	switch x.Status {
	case "In_use", "Attaching", "Detaching":
		attached = true
	}
	return disk{ID: x.DiskId, Region: reg, Zone: strings.TrimSpace(x.ZoneId), Attached: attached, SizeGB: int64(x.Size), Encrypted: x.Encrypted}
}

// findDisks locates disks: the records read within ReadCacheTTL (recent.go), else ECS
// DescribeDisks (2014-05-26; RegionId, DiskIds as a JSON array) in the regions the disks were
// seen in when all were, otherwise in the configured region and every replication-capable
// region — at once: a pair's disks are in two regions, and asking the regions one after the
// other made a create's first read two round trips (issue 28).
func (d *Driver) findDisks(ctx context.Context, ids ...string) (map[string]disk, error) {
	var want []string
	for _, id := range ids {
		if id != "" {
			want = append(want, id)
		}
	}
	out, missing := d.recentDisks(want)
	if len(missing) == 0 {
		return out, nil
	}
	rs, err := d.regions(ctx)
	if err != nil {
		return nil, err
	}
	d.mu.Lock()
	regions := []string{}
	for _, id := range missing {
		if r := d.loc["disk/"+id]; r != "" {
			regions = append(regions, r)
		}
	}
	d.mu.Unlock()
	if len(regions) < len(missing) {
		regions = append(append(regions, d.cfg.Region), rs.list...)
	}
	// found counts the wanted disks found: an answer may list others (DescribeDisks pages a
	// region's disks when DiskIds is not given), which must not end the search
	found := func() bool {
		for _, id := range want {
			if _, ok := out[id]; !ok {
				return false
			}
		}
		return true
	}
	done := map[string]bool{}
	var round []string
	for _, r := range regions {
		if !done[r] {
			done[r] = true
			round = append(round, r)
		}
	}
	answers := make([]map[string]disk, len(round))
	errs := make([]error, len(round))
	var wg sync.WaitGroup
	for i, r := range round {
		answers[i] = map[string]disk{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = d.describeDisks(ctx, r, missing, answers[i])
		}()
	}
	wg.Wait()
	for i := range round {
		for id, x := range answers[i] {
			out[id] = x
		}
	}
	if found() {
		// every wanted disk is found: a region that failed meanwhile had nothing to add (asked
		// one after the other, the search would have ended before it)
		return out, nil
	}
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	// Not in a replication-capable region: the disk may still exist in a region without
	// replication (a plan must say R001-5, not "does not exist"). Only this miss path lists
	// every ECS region and looks there.
	all, err := d.ecsRegions(ctx)
	if err != nil {
		return nil, err
	}
	for _, r := range all {
		if done[r] || found() {
			continue
		}
		done[r] = true
		var missing []string
		for _, id := range want {
			if _, ok := out[id]; !ok {
				missing = append(missing, id)
			}
		}
		if err := d.describeDisks(ctx, r, missing, out); err != nil {
			// a region this account cannot read (InvalidRegion.NotFound, an unauthorized
			// region) does not end the search of the others: the disk is reported missing
			// if no region has it. An answer that may change (throttling) does end it.
			if platform.IsInvalid(err) || platform.IsNotFound(err) {
				continue
			}
			return nil, err
		}
	}
	return out, nil
}

var ecsRegionCache sync.Map // Driver.cacheKey → []ecsRegion (per process)

// ecsRegion is a region of ECS DescribeRegions and its endpoint.
type ecsRegion struct{ id, endpoint string }

// ecsRegions lists every region with ECS disks: ECS DescribeRegions (2014-05-26,
// https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ecs-2014-05-26-describeregions):
// RegionId, ResourceType=disk; the answer's Regions.Region[].RegionId and RegionEndpoint, which
// the disk search in that region is sent to (the example's region is served by the central
// ecs.aliyuncs.com, not ecs.<region>.aliyuncs.com). Cached per process.
func (d *Driver) ecsRegions(ctx context.Context) ([]string, error) {
	key := d.cacheKey()
	var regions []ecsRegion
	if v, ok := ecsRegionCache.Load(key); ok {
		regions = v.([]ecsRegion)
	} else {
		req := ecs.CreateDescribeRegionsRequest()
		req.RegionId = d.cfg.Region
		req.ResourceType = "disk"
		resp := ecs.CreateDescribeRegionsResponse()
		if err := d.call(ctx, "ecs", "DescribeRegions", d.cfg.Region, req, resp); err != nil {
			return nil, err
		}
		for _, r := range resp.Regions.Region {
			if id := strings.TrimSpace(r.RegionId); id != "" {
				regions = append(regions, ecsRegion{id, r.RegionEndpoint})
			}
		}
		sort.Slice(regions, func(i, j int) bool { return regions[i].id < regions[j].id })
		ecsRegionCache.Store(key, regions)
	}
	out := make([]string, 0, len(regions))
	for _, r := range regions {
		d.regionEndpoint("ecs", r.id, r.endpoint)
		out = append(out, r.id)
	}
	return out, nil
}

// CreatePair follows CreateDiskReplicaPair: RegionId and SourceZoneId of the primary disk,
// DiskId, DestinationRegionId/ZoneId/DiskId, PairName, Description, RPO (900), ClientToken.
// The disks' regions and zones come from ECS DescribeDisks.
//
// RegionId: the reference calls it "the region of the pair" and its example names the
// secondary disk's region; the group's create names the production region, Start, Stop and
// Modify accept either disk's region and Delete wants the primary's. Which one Create needs only
// a live call settles; the driver sends the primary disk's (where the pair is deleted, and the
// production region as for groups) and the emulator accepts either.
func (d *Driver) CreatePair(ctx context.Context, spec platform.PairSpec, token string) (platform.ReplicationPair, error) {
	tok, err := clientToken(token)
	if err != nil {
		return platform.ReplicationPair{}, err
	}
	if spec.PrimaryVolumeID == "" || spec.SecondaryVolumeID == "" {
		return platform.ReplicationPair{}, platform.Invalidf("", "a replica pair needs two disks")
	}
	if spec.PrimaryVolumeID == spec.SecondaryVolumeID {
		return platform.ReplicationPair{}, platform.Invalidf("", "a replica pair needs two different disks, not %s twice", spec.PrimaryVolumeID)
	}
	disks, err := d.findDisks(ctx, spec.PrimaryVolumeID, spec.SecondaryVolumeID)
	if err != nil {
		return platform.ReplicationPair{}, err
	}
	pd, ok1 := disks[spec.PrimaryVolumeID]
	sd, ok2 := disks[spec.SecondaryVolumeID]
	if !ok1 || !ok2 {
		missing := spec.PrimaryVolumeID
		if ok1 {
			missing = spec.SecondaryVolumeID
		}
		return platform.ReplicationPair{}, platform.Invalidf("InvalidDiskId.NotFound", "disk %s does not exist in any replication-capable region", missing)
	}
	req := ebs.CreateCreateDiskReplicaPairRequest()
	req.RegionId = pd.Region
	req.SourceZoneId = pd.Zone
	req.DiskId = pd.ID
	req.DestinationRegionId = sd.Region
	req.DestinationZoneId = sd.Zone
	req.DestinationDiskId = sd.ID
	req.PairName = spec.Name
	req.Description = spec.Description
	req.ClientToken = tok
	req.Tag = tagParams(spec.Tags, func(k, v string) ebs.CreateDiskReplicaPairTag { return ebs.CreateDiskReplicaPairTag{Key: k, Value: v} })
	req.ResourceGroupId = spec.ResourceGroupID
	billingParams(req, spec.Billing)
	rpo := spec.RPOSeconds
	if rpo == 0 {
		rpo = 900
	}
	req.RPO = requests.NewInteger64(rpo)
	// No Bandwidth: a pay-as-you-go pair's (ChargeType's default, POSTPAY) bandwidth "the system
	// sets" (0, dynamic) and a request "cannot specify"; a subscription (PREPAY) pair gets the
	// documented default, 10240 (CreateDiskReplicaPair, Bandwidth). The engine refuses a configured bandwidth at plan
	// (Capabilities.Chosen, V-PARAMS); the pair reports the one the platform chose.
	resp := ebs.CreateCreateDiskReplicaPairResponse()
	if err := d.call(ctx, "ebs", "CreateDiskReplicaPair", pd.Region, req, resp); err != nil {
		return platform.ReplicationPair{}, err
	}
	if resp.ReplicaPairId == "" {
		return platform.ReplicationPair{}, &platform.Error{Class: platform.ClassInternal, Code: "MalformedResponse", Message: "CreateDiskReplicaPair: no ReplicaPairId in the response"}
	}
	d.remember(resp.ReplicaPairId, pd.Region)
	return d.getPair(ctx, resp.ReplicaPairId, true)
}

// UpdatePair follows ModifyDiskReplicaPair (PairName, Description, RPO); see the package doc
// for Version.
func (d *Driver) UpdatePair(ctx context.Context, id string, spec platform.PairSpec) (platform.ReplicationPair, error) {
	var cur platform.ReplicationPair
	err := d.upd.Update("replica pair", id, spec.Version, func() (v int64, err error) {
		cur, err = d.getPair(ctx, id, true)
		return cur.Version, err
	}, func() error {
		req := ebs.CreateModifyDiskReplicaPairRequest()
		req.RegionId = cur.Observed.Facts.ActiveRegion
		req.ReplicaPairId = id
		req.PairName = spec.Name
		req.Description = spec.Description
		if spec.RPOSeconds > 0 {
			req.RPO = requests.NewInteger64(spec.RPOSeconds)
		}
		// no Bandwidth: ModifyDiskReplicaPair documents it as not open yet
		return d.call(ctx, "ebs", "ModifyDiskReplicaPair", req.RegionId, req, ebs.CreateModifyDiskReplicaPairResponse())
	})
	if err != nil {
		return cur, err
	}
	return d.getPair(ctx, id, true)
}

// invokePair issues one pair operation in the region it must be called in.
func (d *Driver) invokePair(ctx context.Context, id string, op lifecycle.Op, tok string, params map[string]string) error {
	cur, ok := d.recentPair(id) // read just before (recent.go)
	if !ok {
		var err error
		if cur, err = d.findPair(ctx, id); err != nil {
			return err
		}
	}
	// Failover and reprotect are called in the secondary disk's region, delete in the primary
	// disk's (vendor-lifecycles §1.6): role-fixed, a failover does not swap them — the engine's
	// rows say the same (RegionTarget, RegionSource) and pass the region in params (R001-3).
	source := cur.SourceRegion
	secondary, primary := cur.StandbyRegion, cur.PrimaryRegion
	if secondary == "" {
		secondary = cur.DestinationRegion
	}
	if primary == "" {
		primary = source
	}
	inStandby := secondary
	if r := params[lifecycle.ParamRegion]; r != "" && op != lifecycle.OpDelete {
		inStandby = r // the engine's region for the operation (R001-3)
	}
	var (
		req    requests.AcsRequest
		resp   = ebs.CreateStartDiskReplicaPairResponse() // every mutating call returns only RequestId
		action string
		region string
	)
	switch op {
	case lifecycle.OpStart: // StartDiskReplicaPair: RegionId of either disk, ReplicaPairId, OneShot=false
		r := ebs.CreateStartDiskReplicaPairRequest()
		r.ReplicaPairId, r.ClientToken, r.RegionId = id, tok, source
		r.OneShot = requests.NewBoolean(false)
		req, action, region = r, "StartDiskReplicaPair", source
	case lifecycle.OpSyncOnce: // StartDiskReplicaPair with OneShot=true: manual_syncing → stopped
		r := ebs.CreateStartDiskReplicaPairRequest()
		r.ReplicaPairId, r.ClientToken, r.RegionId = id, tok, source
		r.OneShot = requests.NewBoolean(true)
		req, action, region = r, "StartDiskReplicaPair", source
	case lifecycle.OpStop: // StopDiskReplicaPair: RegionId of either disk
		r := ebs.CreateStopDiskReplicaPairRequest()
		r.ReplicaPairId, r.ClientToken, r.RegionId = id, tok, source
		req, action, region = r, "StopDiskReplicaPair", source
	case lifecycle.OpFailover: // FailoverDiskReplicaPair: RegionId = the secondary disk's region
		r := ebs.CreateFailoverDiskReplicaPairRequest()
		r.ReplicaPairId, r.ClientToken, r.RegionId = id, tok, inStandby
		req, action, region = r, "FailoverDiskReplicaPair", inStandby
	case lifecycle.OpReprotect:
		// ReprotectDiskReplicaPair: "the region ID of the secondary disk" (ReverseReplicate
		// defaults to true); the engine's reprotect row agrees (RegionTarget).
		r := ebs.CreateReprotectDiskReplicaPairRequest()
		r.ReplicaPairId, r.ClientToken, r.RegionId = id, tok, inStandby
		req, action, region = r, "ReprotectDiskReplicaPair", inStandby
	case lifecycle.OpRevertFailover:
		// ReprotectDiskReplicaPair with ReverseReplicate=false: "cancel the Failovered
		// (failovered) state and restore the original replication direction"
		// (https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ebs-2021-07-30-reprotectdiskreplicapair),
		// in the secondary disk's region like reprotect. The SDK v1.63.107 request has no
		// ReverseReplicate field: it is added to the query, which the RPC signature covers.
		r := ebs.CreateReprotectDiskReplicaPairRequest()
		r.ReplicaPairId, r.ClientToken, r.RegionId = id, tok, inStandby
		r.QueryParams["ReverseReplicate"] = "false"
		req, action, region = r, "ReprotectDiskReplicaPair", inStandby
	case lifecycle.OpStartDrill, lifecycle.OpStopDrill: // Start/ClearPairDrill (pair_drills.go)
		return d.invokePairDrill(ctx, cur, op, tok, params)
	case lifecycle.OpDelete: // DeleteDiskReplicaPair: RegionId = the primary (source) disk's region
		r := ebs.CreateDeleteDiskReplicaPairRequest()
		region = primary
		if r := params[lifecycle.ParamRegion]; r != "" {
			region = r // the engine's (RegionSource): the primary disk's region
		}
		r.ReplicaPairId, r.ClientToken, r.RegionId = id, tok, region
		req, action = r, "DeleteDiskReplicaPair"
	case lifecycle.OpUpdate:
		if params[lifecycle.ParamName] == "" && params[lifecycle.ParamDescription] == "" {
			return platform.Invalidf("", "update: nothing to change")
		}
		r := ebs.CreateModifyDiskReplicaPairRequest()
		r.ReplicaPairId, r.RegionId = id, source
		r.PairName, r.Description = params[lifecycle.ParamName], params[lifecycle.ParamDescription]
		req, action, region = r, "ModifyDiskReplicaPair", source
	default:
		return unsupportedOp(lifecycle.ReplicationPair, op)
	}
	return d.call(ctx, "ebs", action, region, req, resp)
}

// ProposedPairFacts: the facts of a pair created from spec, from ECS DescribeDisks (where the
// disks are, their sizes, encryption and attachment), DescribeRegions (R001-5) and
// DescribeDiskReplicaPairs (disks already in a pair).
func (d *Driver) ProposedPairFacts(ctx context.Context, spec platform.PairSpec) (lifecycle.Facts, error) {
	f := lifecycle.Facts{MemberCount: 1, ActiveServersStopped: true, StandbyServersStopped: true,
		Unknown: map[string]bool{lifecycle.FactSiteHealth: true}}
	if spec.PrimaryVolumeID == "" || spec.SecondaryVolumeID == "" {
		f.Unknown[lifecycle.FactRefs] = true
		f.Unknown[lifecycle.FactCapability] = true
		f.Unknown[lifecycle.FactVolumeAttachment] = true
	}
	disks, err := d.findDisks(ctx, spec.PrimaryVolumeID, spec.SecondaryVolumeID)
	if err != nil {
		return f, err
	}
	pd, ok1 := disks[spec.PrimaryVolumeID]
	sd, ok2 := disks[spec.SecondaryVolumeID]
	missing := map[string]string{}
	if !ok1 && spec.PrimaryVolumeID != "" {
		missing["primary_volume_id"] = spec.PrimaryVolumeID
	}
	if !ok2 && spec.SecondaryVolumeID != "" {
		missing["secondary_volume_id"] = spec.SecondaryVolumeID
	}
	f.MissingRefs = missing
	if !ok1 || !ok2 {
		f.Unknown[lifecycle.FactCapability] = true
		f.Unknown[lifecycle.FactVolumeAttachment] = true
		return f, nil
	}
	rs, err := d.regions(ctx)
	if err != nil {
		return f, err
	}
	f.ActiveRegion, f.StandbyRegion = pd.Region, sd.Region
	f.ReplicationCapable = rs.capable(pd.Region) && rs.capable(sd.Region)
	f.PrimarySizeGB, f.SecondarySizeGB, f.PrimaryEncrypted = pd.SizeGB, sd.SizeGB, pd.Encrypted
	f.ActiveVolumeAttached, f.StandbyVolumeAttached = pd.Attached, sd.Attached
	f.VolumesInPair = map[string]string{}
	inPair := func(ps []ebs.ReplicaPair) {
		for _, p := range ps {
			if p.Status == "deleted" {
				continue
			}
			for _, v := range []string{p.SourceDiskId, p.DestinationDiskId} {
				if v == pd.ID || v == sd.ID {
					f.VolumesInPair[v] = p.ReplicaPairId
				}
			}
		}
	}
	snap, err := d.snapshot(ctx, "")
	if err != nil {
		return f, err
	}
	if snap != nil { // every pair of every region, among them those of the disks' regions
		ps := make([]ebs.ReplicaPair, 0, len(snap.pairs))
		for _, id := range snap.pairOrder {
			ps = append(ps, snap.pairs[id])
		}
		inPair(ps)
		return f, nil
	}
	seen := map[string]bool{}
	for _, r := range []string{pd.Region, sd.Region} {
		if seen[r] {
			continue
		}
		seen[r] = true
		ps, err := d.describePairs(ctx, r, "")
		if err != nil {
			return f, err
		}
		inPair(ps)
	}
	return f, nil
}
