package alibaba_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	alibabaemu "github.com/dr-provider/terraform-provider-dr/internal/emulator/alibaba"
	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/alibaba"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/sandbox"
)

// revert_failover is ReprotectDiskReplicaPair / ReprotectDiskReplicaGroup with
// ReverseReplicate=false, in the secondary's region; a reprotect sends no ReverseReplicate (the
// API's default, true). Over the emulator the pair ends stopped (paused) in the original
// direction, the group too.
func TestRevertFailoverCalls(t *testing.T) {
	t.Parallel()
	emu := alibabaemu.Start(t, sandbox.Options{Seed: 1})
	type reprotect struct{ action, region, reverse string }
	var mu sync.Mutex
	var calls []reprotect
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		if a := r.Form.Get("Action"); a == "ReprotectDiskReplicaPair" || a == "ReprotectDiskReplicaGroup" {
			_, has := r.Form["ReverseReplicate"]
			rev := r.Form.Get("ReverseReplicate")
			if !has {
				rev = "(absent)"
			}
			mu.Lock()
			calls = append(calls, reprotect{a, r.Form.Get("RegionId"), rev})
			mu.Unlock()
		}
		emu.ServeHTTP(w, r)
	}))
	t.Cleanup(hs.Close)
	ctx := context.Background()
	bd := emu.Backdoor()
	sh, _ := bd.PutSite(ctx, platform.Site{Region: "cn-shanghai", Zone: "cn-shanghai-b", Healthy: true, ReplicationCapable: true})
	bj, _ := bd.PutSite(ctx, platform.Site{Region: "cn-beijing", Zone: "cn-beijing-h", Healthy: true, ReplicationCapable: true})
	d, err := alibaba.New(alibaba.Config{Retry: fastRetry, AccessKeyID: alibabaemu.TestAccessKeyID, AccessKeySecret: alibabaemu.TestAccessKeySecret,
		Region: "cn-shanghai", EBSEndpoint: hs.URL, ReadCacheTTL: -1})
	if err != nil {
		t.Fatal(err)
	}
	run := func(kind lifecycle.Kind, id string, op lifecycle.Op, tok string) lifecycle.Observation {
		t.Helper()
		o, err := d.Observe(ctx, kind, id)
		if err != nil {
			t.Fatal(err)
		}
		row, _ := lifecycle.Table(kind).Operation(op)
		var params map[string]string
		if r := row.RegionFor(o); r != "" && row.Region != lifecycle.RegionEither {
			params = map[string]string{lifecycle.ParamRegion: r} // as the executor does
		}
		if err := d.Invoke(ctx, kind, id, op, tok, params); err != nil {
			t.Fatalf("%s %s: %v", kind, op, err)
		}
		emu.Advance(24 * 3600e9)
		o, err = d.Observe(ctx, kind, id)
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	disk := func(s platform.Site) string {
		v, _ := bd.PutVolume(ctx, platform.Volume{SiteID: s.ID, SizeGB: 20})
		return v.ID
	}
	p, err := d.CreatePair(ctx, platform.PairSpec{Name: "db", PrimaryVolumeID: disk(sh), SecondaryVolumeID: disk(bj)}, "c1")
	if err != nil {
		t.Fatal(err)
	}
	emu.Advance(3600e9)
	run(lifecycle.ReplicationPair, p.ID, lifecycle.OpStart, "s1")
	run(lifecycle.ReplicationPair, p.ID, lifecycle.OpFailover, "f1")
	o := run(lifecycle.ReplicationPair, p.ID, lifecycle.OpRevertFailover, "r1")
	if o.State != lifecycle.Paused || o.ActiveSite != lifecycle.SiteSource || o.Facts.ActiveRegion != "cn-shanghai" {
		t.Fatalf("pair after revert: %s active %s (%s)", o.State, o.ActiveSite, o.Facts.ActiveRegion)
	}
	run(lifecycle.ReplicationPair, p.ID, lifecycle.OpStart, "s2")
	run(lifecycle.ReplicationPair, p.ID, lifecycle.OpFailover, "f2")
	run(lifecycle.ReplicationPair, p.ID, lifecycle.OpReprotect, "p1")

	g, err := d.CreateGroup(ctx, platform.GroupSpec{Name: "app", SourceRegion: "cn-shanghai", SourceZone: "cn-shanghai-b",
		TargetRegion: "cn-beijing", TargetZone: "cn-beijing-h"}, "g1")
	if err != nil {
		t.Fatal(err)
	}
	emu.Advance(3600e9)
	q, err := d.CreatePair(ctx, platform.PairSpec{Name: "db2", PrimaryVolumeID: disk(sh), SecondaryVolumeID: disk(bj)}, "c2")
	if err != nil {
		t.Fatal(err)
	}
	emu.Advance(3600e9)
	if err := d.Invoke(ctx, lifecycle.ProtectionGroup, g.ID, lifecycle.OpAddMember, "a1", map[string]string{lifecycle.ParamPairID: q.ID}); err != nil {
		t.Fatal(err)
	}
	run(lifecycle.ProtectionGroup, g.ID, lifecycle.OpEnableProtection, "e1")
	run(lifecycle.ProtectionGroup, g.ID, lifecycle.OpFailover, "gf1")
	o = run(lifecycle.ProtectionGroup, g.ID, lifecycle.OpRevertFailover, "gr1")
	if o.State != lifecycle.Paused || o.ActiveSite != lifecycle.SiteSource {
		t.Fatalf("group after revert: %s active %s", o.State, o.ActiveSite)
	}

	want := []reprotect{
		{"ReprotectDiskReplicaPair", "cn-beijing", "false"},
		{"ReprotectDiskReplicaPair", "cn-beijing", "(absent)"},
		{"ReprotectDiskReplicaGroup", "cn-beijing", "false"},
	}
	mu.Lock()
	defer mu.Unlock()
	if len(calls) != len(want) {
		t.Fatalf("reprotect calls %+v, want %+v", calls, want)
	}
	for i := range want {
		if calls[i] != want[i] {
			t.Fatalf("reprotect calls %+v, want %+v", calls, want)
		}
	}
}
