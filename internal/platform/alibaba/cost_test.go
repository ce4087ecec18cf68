package alibaba_test

import (
	"context"
	"net/http/httptest"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	alibabaemu "github.com/dr-provider/terraform-provider-dr/internal/emulator/alibaba"
	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/alibaba"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/sandbox"
)

// The read phase of a no-op plan over N pairs and N/20 groups between two regions (issue 13,
// "Cost per plan"): every object is read twice (refresh, then the plan's observation), ten at
// a time, as Terraform does, with the driver's default ReadCacheTTL. The shared snapshot
// serves them with the paginated lists: per region DescribeDiskReplicaPairs and
// DescribeDiskReplicaGroups (500 a page) and DescribeDisks of the pairs' disks (by DiskIds up
// to 100, else 500 a page), plus DescribeRegions once. The test counts the calls at the
// emulator and requires at most one call per 50 objects and no more calls than the sum of
// those pages, and from 350 objects on (below, the lists' fixed cost of 7 calls dominates) at
// most one call per 50 objects. N is 200 by default; DR_ALI_COST_N=1000 measures the issue's
// target.
func TestReadCostPerPlan(t *testing.T) {
	t.Parallel()
	n := 200
	if v, err := strconv.Atoi(os.Getenv("DR_ALI_COST_N")); err == nil && v > 0 {
		n = v
	}
	g := max(n/20, 1)
	emu := alibabaemu.Start(t, sandbox.Options{Seed: 1})
	sb := emu.Sandbox()
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	sh, err := sb.PutSite(ctx, platform.Site{Region: "cn-shanghai", Zone: "cn-shanghai-b", Healthy: true, ReplicationCapable: true})
	must(err)
	bj, err := sb.PutSite(ctx, platform.Site{Region: "cn-beijing", Zone: "cn-beijing-h", Healthy: true, ReplicationCapable: true})
	must(err)
	setup := time.Now()
	pairs := make([]string, n)
	for i := range pairs {
		a, err := sb.PutVolume(ctx, platform.Volume{SiteID: sh.ID, SizeGB: 20})
		must(err)
		b, err := sb.PutVolume(ctx, platform.Volume{SiteID: bj.ID, SizeGB: 20})
		must(err)
		p, err := sb.CreatePair(ctx, platform.PairSpec{Name: "p" + strconv.Itoa(i), PrimaryVolumeID: a.ID, SecondaryVolumeID: b.ID}, "")
		must(err)
		pairs[i] = p.ID
	}
	groups := make([]string, g)
	for i := range groups {
		x, err := sb.CreateGroup(ctx, platform.GroupSpec{Name: "g" + strconv.Itoa(i), SourceRegion: sh.Region, SourceZone: sh.Zone,
			TargetRegion: bj.Region, TargetZone: bj.Zone}, "")
		must(err)
		groups[i] = x.ID
	}
	emu.Advance(time.Hour) // creating → created
	t.Logf("setup of %d pairs and %d groups: %v", n, g, time.Since(setup).Round(time.Millisecond))

	rec := newRecorder(emu.Emulator)
	hs := httptest.NewServer(rec)
	t.Cleanup(hs.Close)
	d, err := alibaba.New(alibaba.Config{Retry: fastRetry, AccessKeyID: alibabaemu.TestAccessKeyID, AccessKeySecret: alibabaemu.TestAccessKeySecret,
		Region: "cn-shanghai", EBSEndpoint: hs.URL})
	must(err)

	type obj struct {
		kind lifecycle.Kind
		id   string
	}
	start := time.Now()
	work := make(chan obj)
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for o := range work {
				var err error
				if o.kind == lifecycle.ReplicationPair {
					var p platform.ReplicationPair
					if p, err = d.GetPair(ctx, o.id); err == nil && (p.State != lifecycle.Configured || p.SecondaryRegion != bj.Region) {
						t.Errorf("pair %s: %s in %s", o.id, p.State, p.SecondaryRegion)
					}
				} else {
					_, err = d.GetGroup(ctx, o.id)
				}
				if err != nil {
					t.Error(err)
				}
				ob, err := d.Observe(ctx, o.kind, o.id)
				if err != nil || (o.kind == lifecycle.ReplicationPair && ob.Facts.Unknown[lifecycle.FactVolumeAttachment]) {
					t.Errorf("observe %s: %+v %v", o.id, ob.Facts, err)
				}
			}
		}()
	}
	for _, id := range pairs {
		work <- obj{lifecycle.ReplicationPair, id}
	}
	for _, id := range groups {
		work <- obj{lifecycle.ProtectionGroup, id}
	}
	close(work)
	wg.Wait()
	elapsed := time.Since(start)

	ceil := func(a, b int) int { return max((a+b-1)/b, 1) }
	diskPages := 1
	if n > 100 {
		diskPages = ceil(n, 500)
	}
	pages := 1 + 2*(ceil(n, 500)+ceil(g, 500)+diskPages) // DescribeRegions, then per region
	calls := rec.all()
	got := len(calls)
	byAction := map[string]int{}
	for _, c := range calls {
		byAction[c.Action]++
	}
	objects := n + g
	t.Logf("no-op read pass of %d pairs and %d groups (%d reads): %d API calls %v, pages %d, in %v (%.0f objects per call)",
		n, g, 2*objects, got, byAction, pages, elapsed.Round(time.Millisecond), float64(objects)/float64(got))
	if got > pages {
		t.Fatalf("%d API calls for %d objects, more than the %d pages: the reads are not shared", got, objects, pages)
	}
	// the lists' fixed cost (DescribeRegions, two regions' first pages) is 7 calls: the ratio
	// is the target from 350 objects on (at N = 200, 7 calls serve 210 objects)
	if objects >= 350 && got*50 > objects {
		t.Fatalf("%d API calls for %d objects: more than one per 50", got, objects)
	}

	// a write drops the snapshot: the next Observe sees the operation
	must(d.Invoke(ctx, lifecycle.ReplicationPair, pairs[0], lifecycle.OpStart, "cost-start", nil))
	if o, err := d.Observe(ctx, lifecycle.ReplicationPair, pairs[0]); err != nil || o.State != lifecycle.Starting {
		t.Fatalf("observe right after invoke: %s %v", o.State, err)
	}
	if _, err := d.UpdateGroup(ctx, groups[0], platform.GroupSpec{Name: "renamed"}); err != nil {
		t.Fatal(err)
	}
	if x, err := d.GetGroup(ctx, groups[0]); err != nil || x.Name != "renamed" {
		t.Fatalf("read after write: %q %v", x.Name, err)
	}
}
