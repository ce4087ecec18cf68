package alibaba_test

import (
	"context"
	"testing"
	"time"

	alibabaemu "github.com/dr-provider/terraform-provider-dr/internal/emulator/alibaba"
	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/alibaba"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/sandbox"
)

// The seed story on the wall clock (an accelerated sandbox): create, start, stop, fail over
// with the source zone down and the DR host holding the secondary disk, reprotect once it is
// back, start, stop, delete.
func TestFailoverStoryWallClock(t *testing.T) {
	emu := alibabaemu.Start(t, sandbox.Options{TimeScale: 100000, Seed: 1})
	bd := emu.Backdoor()
	ctx := context.Background()
	sh, _ := bd.PutSite(ctx, platform.Site{Region: "cn-shanghai", Zone: "cn-shanghai-a", Healthy: true, ReplicationCapable: true})
	bj, _ := bd.PutSite(ctx, platform.Site{Region: "cn-beijing", Zone: "cn-beijing-a", Healthy: true, ReplicationCapable: true})
	srv, _ := bd.PutServer(ctx, platform.Server{SiteID: bj.ID, Name: "dr", PowerState: platform.PowerStopped})
	a, _ := bd.PutVolume(ctx, platform.Volume{SiteID: sh.ID, SizeGB: 10})
	b, _ := bd.PutVolume(ctx, platform.Volume{SiteID: bj.ID, SizeGB: 10})
	d, err := alibaba.New(alibaba.Config{Retry: fastRetry, AccessKeyID: alibabaemu.TestAccessKeyID, AccessKeySecret: alibabaemu.TestAccessKeySecret, Region: "cn-shanghai", EBSEndpoint: emu.URL})
	if err != nil {
		t.Fatal(err)
	}
	p, err := d.CreatePair(ctx, platform.PairSpec{Name: "db", PrimaryVolumeID: a.ID, SecondaryVolumeID: b.ID}, "t1")
	if err != nil {
		t.Fatal(err)
	}
	wait := func(want lifecycle.State) lifecycle.Observation {
		t.Helper()
		for i := 0; i < 2000; i++ {
			o, err := d.Observe(ctx, lifecycle.ReplicationPair, p.ID)
			if err != nil {
				if platform.IsNotFound(err) && want == lifecycle.Deleted {
					return o
				}
				t.Fatal(err)
			}
			if o.State == want {
				return o
			}
			time.Sleep(5 * time.Millisecond)
		}
		o, _ := d.Observe(ctx, lifecycle.ReplicationPair, p.ID)
		t.Fatalf("want %s, still %s %s (%s)", want, o.State, o.FailedOp, o.LastError)
		return o
	}
	inv := func(op lifecycle.Op, tok string, params map[string]string) {
		t.Helper()
		if err := d.Invoke(ctx, lifecycle.ReplicationPair, p.ID, op, tok, params); err != nil {
			t.Fatalf("%s: %v", op, err)
		}
	}
	wait(lifecycle.Configured)
	inv(lifecycle.OpStart, "t2", nil)
	wait(lifecycle.Replicating)
	inv(lifecycle.OpStop, "t3", nil)
	wait(lifecycle.Paused)
	bd.SetSiteHealth(ctx, sh.ID, false)
	bd.AttachVolume(ctx, b.ID, srv.ID)
	inv(lifecycle.OpFailover, "t4", map[string]string{"region": "cn-beijing"})
	o := wait(lifecycle.FailedOver)
	bd.SetSiteHealth(ctx, sh.ID, true)
	rp, _ := lifecycle.Table(lifecycle.ReplicationPair).Operation(lifecycle.OpReprotect)
	inv(lifecycle.OpReprotect, "t5", map[string]string{lifecycle.ParamRegion: rp.RegionFor(o)}) // the engine's region: the secondary's
	wait(lifecycle.Paused)
	inv(lifecycle.OpStart, "t6", nil)
	wait(lifecycle.Replicating)
	inv(lifecycle.OpStop, "t7", nil)
	wait(lifecycle.Paused)
	inv(lifecycle.OpDelete, "t8", nil)
	wait(lifecycle.Deleted)
}
