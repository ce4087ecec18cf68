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

// sync_once is StartDiskReplicaPair / StartDiskReplicaGroup with OneShot=true (start sends
// OneShot=false); manual_syncing reads as syncing_once, and the pair or group ends stopped
// (paused) with a recovery point.
func TestSyncOnceCalls(t *testing.T) {
	t.Parallel()
	emu := alibabaemu.Start(t, sandbox.Options{Seed: 1})
	var mu sync.Mutex
	var oneShot []string // Action=OneShot of every Start call
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		if a := r.Form.Get("Action"); a == "StartDiskReplicaPair" || a == "StartDiskReplicaGroup" {
			mu.Lock()
			oneShot = append(oneShot, a+"="+r.Form.Get("OneShot"))
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
	disk := func(s platform.Site) string {
		v, _ := bd.PutVolume(ctx, platform.Volume{SiteID: s.ID, SizeGB: 20})
		return v.ID
	}
	p, err := d.CreatePair(ctx, platform.PairSpec{Name: "db", PrimaryVolumeID: disk(sh), SecondaryVolumeID: disk(bj)}, "c1")
	if err != nil {
		t.Fatal(err)
	}
	emu.Advance(3600e9)
	if err := d.Invoke(ctx, lifecycle.ReplicationPair, p.ID, lifecycle.OpSyncOnce, "o1", nil); err != nil {
		t.Fatal(err)
	}
	got, err := d.GetPair(ctx, p.ID)
	if err != nil || got.State != lifecycle.SyncingOnce {
		t.Fatalf("during the one-shot sync: %s %v (%s)", got.State, err, got.LastError)
	}
	emu.Advance(24 * 3600e9)
	got, err = d.GetPair(ctx, p.ID)
	if err != nil || got.State != lifecycle.Paused || got.LastRecoveryPoint.IsZero() {
		t.Fatalf("after the one-shot sync: %s rp %v %v", got.State, got.LastRecoveryPoint, err)
	}
	if err := d.Invoke(ctx, lifecycle.ReplicationPair, p.ID, lifecycle.OpStart, "s1", nil); err != nil {
		t.Fatal(err)
	}

	g, err := d.CreateGroup(ctx, platform.GroupSpec{Name: "app", SourceRegion: "cn-shanghai", SourceZone: "cn-shanghai-b",
		TargetRegion: "cn-beijing", TargetZone: "cn-beijing-h"}, "g1")
	if err != nil {
		t.Fatal(err)
	}
	q, err := d.CreatePair(ctx, platform.PairSpec{Name: "db2", PrimaryVolumeID: disk(sh), SecondaryVolumeID: disk(bj)}, "c2")
	if err != nil {
		t.Fatal(err)
	}
	emu.Advance(3600e9)
	if err := d.Invoke(ctx, lifecycle.ProtectionGroup, g.ID, lifecycle.OpAddMember, "a1", map[string]string{lifecycle.ParamPairID: q.ID}); err != nil {
		t.Fatal(err)
	}
	if err := d.Invoke(ctx, lifecycle.ProtectionGroup, g.ID, lifecycle.OpSyncOnce, "go1", nil); err != nil {
		t.Fatal(err)
	}
	if o, err := d.Observe(ctx, lifecycle.ProtectionGroup, g.ID); err != nil || o.State != lifecycle.SyncingOnce {
		t.Fatalf("group during the one-shot sync: %s %v", o.State, err)
	}
	emu.Advance(24 * 3600e9)
	if o, err := d.Observe(ctx, lifecycle.ProtectionGroup, g.ID); err != nil || o.State != lifecycle.Paused || !o.Facts.FirstSyncDone {
		t.Fatalf("group after the one-shot sync: %s first sync %v %v", o.State, o.Facts.FirstSyncDone, err)
	}
	mu.Lock()
	defer mu.Unlock()
	want := []string{"StartDiskReplicaPair=true", "StartDiskReplicaPair=false", "StartDiskReplicaGroup=true"}
	if len(oneShot) != len(want) || oneShot[0] != want[0] || oneShot[1] != want[1] || oneShot[2] != want[2] {
		t.Fatalf("Start calls %v, want %v", oneShot, want)
	}
}
