package alibaba

import (
	"context"
	"sync"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ebs"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"

	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// Reads for a plan are shared (issue 13, "Cost per plan"). Terraform reads every resource
// separately (refresh, then the plan-time checks); one pair read is a DescribeDiskReplicaPairs
// and a DescribeDisks. Instead the driver takes a snapshot — per replication-capable region,
// the paginated DescribeDiskReplicaPairs and DescribeDiskReplicaGroups with MaxResults 500,
// the API maximum (EBS 2021-07-30 reference, api-ebs-2021-07-30-describediskreplicapairs and
// api-describediskreplicagroups: "MaxResults … Valid values: 1 to 500"), and the ECS
// DescribeDisks of the pairs' disks (DiskIds, at most 100, when at most 100 are wanted in a
// region; else the region's disks paged with MaxResults 500 + NextToken until all are found —
// api-ecs-2014-05-26-describedisks; the emulator enforces 1–500) — and serves
// GetPair/Observe/ListPairs, GetGroup/Observe/ListGroups, MemberFacts and ProposedPairFacts'
// "disk already in a pair" from it for the read phase: while reads of objects it has not
// served yet keep coming, at most Config.ReadCacheTTL (DefaultReadCacheTTL, 5 s) apart, and
// for at most MaxReadSnapshotAge (polling the same objects does not extend it).
// A fixed lifetime from the load was shorter than the plan it serves (a no-op
// `terraform plan` of 1,000 pairs takes ~8 s: the lists were read twice, 21 calls where 11
// pages suffice; `BENCH_ONLY=alibaba make bench`). A no-op plan of 1,000 pairs and 50
// groups costs 11 calls (TestReadCostPerPlan).
//
// Every write by this driver (any call that is not a Describe*, and Cancel) drops the
// snapshot through a generation counter bumped after the call returns, so a driver always
// reads its own writes: the Observe right after an Invoke sees the operation. A snapshot
// loaded while a write was in flight carries the older generation and is never served. For
// ReadCacheTTL after a write (a write phase, i.e. an apply) reads are direct, one object at a
// time: reloading every list after each write would cost more than it saves. An
// object not in the snapshot (created by another process since) is read directly; writes
// (Invoke, Update*) always locate their object with a direct read.

// DefaultReadCacheTTL is how long a snapshot serves reads after the last one it served, and
// how long after a write reads are direct: a few seconds, the length of a plan's read phase (Terraform reads ten resources
// at a time), far shorter than any EBS operation.
const DefaultReadCacheTTL = 5 * time.Second

// MaxReadSnapshotAge bounds how long one snapshot serves a read phase that never pauses for
// ReadCacheTTL: no object is reported staler than this.
const MaxReadSnapshotAge = 2 * time.Minute

// readSnapshot is one snapshot of the lists (held by the driver's snapshot.Cache).
type readSnapshot struct {
	rs        regionSet
	pairs     map[string]ebs.ReplicaPair
	pairOrder []string
	groups    map[string]ebs.ReplicaGroup
	grpOrder  []string
	disks     map[string]disk

	drillMu sync.Mutex
	drills  map[string]drillView // group ID → its drills, read on the group's first read (drills.go)
}

// snapDrills returns a group's drills as the snapshot knows them, reading them
// (DescribeReplicaGroupDrills) on the group's first read from this snapshot.
func (d *Driver) snapDrills(ctx context.Context, s *readSnapshot, x ebs.ReplicaGroup) (drillView, error) {
	s.drillMu.Lock()
	v, ok := s.drills[x.ReplicaGroupId]
	s.drillMu.Unlock()
	if ok {
		return v, nil
	}
	v, err := d.groupDrills(ctx, x)
	if err != nil {
		return v, err
	}
	s.drillMu.Lock()
	if s.drills == nil {
		s.drills = map[string]drillView{}
	}
	s.drills[x.ReplicaGroupId] = v
	s.drillMu.Unlock()
	return v, nil
}

// wrote invalidates the read snapshot after a write and starts a write phase.
func (d *Driver) wrote() { d.snaps.Wrote() }

// snapshot returns the current read snapshot, loading it when missing, expired or older than
// the last write; nil when the cache is off (ReadCacheTTL < 0) or in a write phase (reads go
// to the API one object at a time). id is the object the caller reads ("" for a list): the
// first read of an object the snapshot has not served yet keeps the read phase going; reading
// the same objects again (an apply polling an operation) does not, so a poll sees the
// platform at most ReadCacheTTL late (internal/platform/snapshot, ReadPhase).
func (d *Driver) snapshot(ctx context.Context, id string) (*readSnapshot, error) {
	s, ok, err := d.snaps.Get(ctx, id, 0, d.loadSnapshot)
	if !ok {
		return nil, err
	}
	return s, nil
}

// freshSnapshot loads the lists now — a List answers with the platform's lists, never a
// cached copy, so a failure (throttling) reaches its caller — and, with the cache on, keeps
// them as the snapshot for the reads that follow.
func (d *Driver) freshSnapshot(ctx context.Context) (*readSnapshot, error) {
	gen := d.snaps.Gen()
	s, err := d.loadSnapshot(ctx, gen)
	if err != nil {
		return nil, err
	}
	d.snaps.Keep(s, gen)
	return s, nil
}

// loadSnapshot reads the lists: pairs and groups of every replication-capable region (a pair
// or group is seen from both its regions, once here), then the pairs' disks.
func (d *Driver) loadSnapshot(ctx context.Context, _ int64) (*readSnapshot, error) {
	rs, err := d.regions(ctx)
	if err != nil {
		return nil, err
	}
	s := &readSnapshot{rs: rs, pairs: map[string]ebs.ReplicaPair{}, groups: map[string]ebs.ReplicaGroup{}, disks: map[string]disk{}}
	wanted := map[string][]string{} // region → disk IDs of pairs
	var regOrder []string
	for _, r := range rs.list {
		ps, err := d.describePairs(ctx, r, "")
		if err != nil {
			return nil, err
		}
		for _, x := range ps {
			if _, ok := s.pairs[x.ReplicaPairId]; ok || x.ReplicaPairId == "" {
				continue
			}
			s.pairs[x.ReplicaPairId] = x
			s.pairOrder = append(s.pairOrder, x.ReplicaPairId)
			if x.Status == "deleted" {
				continue
			}
			d.remember(x.ReplicaPairId, r)
			for _, rd := range [][2]string{{x.SourceRegion, x.SourceDiskId}, {x.DestinationRegion, x.DestinationDiskId}} {
				if rd[0] == "" || rd[1] == "" {
					continue
				}
				if _, ok := wanted[rd[0]]; !ok {
					regOrder = append(regOrder, rd[0])
				}
				wanted[rd[0]] = append(wanted[rd[0]], rd[1])
			}
		}
		gs, err := d.describeGroups(ctx, r, "")
		if err != nil {
			return nil, err
		}
		for _, x := range gs {
			if _, ok := s.groups[x.ReplicaGroupId]; ok || x.ReplicaGroupId == "" {
				continue
			}
			s.groups[x.ReplicaGroupId] = x
			s.grpOrder = append(s.grpOrder, x.ReplicaGroupId)
			if x.Status != "deleted" {
				d.remember(x.ReplicaGroupId, r)
			}
		}
	}
	for _, r := range regOrder {
		if err := d.regionDisks(ctx, r, wanted[r], s.disks); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// regionDisks reads the wanted disks of one region with ECS DescribeDisks: by DiskIds (one
// call) when at most 100 are wanted, else by paging through the region's disks (MaxResults
// 500, NextToken) until every wanted disk is seen.
func (d *Driver) regionDisks(ctx context.Context, region string, ids []string, out map[string]disk) error {
	if len(ids) <= 100 {
		return d.describeDisks(ctx, region, ids, out)
	}
	want := map[string]bool{}
	for _, id := range ids {
		want[id] = true
	}
	found := 0
	next := ""
	for {
		req := ecs.CreateDescribeDisksRequest()
		req.RegionId = region
		req.MaxResults = requests.NewInteger(pageSize)
		req.NextToken = next
		resp := ecs.CreateDescribeDisksResponse()
		if err := d.call(ctx, "ecs", "DescribeDisks", region, req, resp); err != nil {
			return err
		}
		for _, x := range resp.Disks.Disk {
			dk := diskOf(x, region)
			if want[x.DiskId] {
				want[x.DiskId] = false
				found++
			}
			out[x.DiskId] = dk
			d.remember("disk/"+x.DiskId, dk.Region)
		}
		if found == len(want) || lastPage(resp.NextToken, next, len(resp.Disks.Disk)) {
			return nil
		}
		next = resp.NextToken
	}
}

// readPair returns a pair's record from the snapshot when it holds it, else reads it
// (findPair); the plan-time checks (MemberFacts) use it.
func (d *Driver) readPair(ctx context.Context, id string) (ebs.ReplicaPair, error) {
	if id != "" {
		snap, err := d.snapshot(ctx, id)
		if err != nil {
			return ebs.ReplicaPair{}, err
		}
		if snap != nil {
			if x, ok := snap.pairs[id]; ok {
				if x.Status == "deleted" {
					return ebs.ReplicaPair{}, platform.NotFoundf("replica pair %s is deleted", id)
				}
				return x, nil
			}
		}
	}
	return d.findPair(ctx, id)
}
