package alibaba_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// Pair drills: no DescribePairDrills before the first recovery point; StartPairDrill in the
// pair's secondary region with the engine's token; the drill observed through
// DescribePairDrills (drill fact, the version moves, the last drill on record with its start
// and what EBS does not report); a failover is refused meanwhile (V-DRILL, from the engine's
// check of the observation); ClearPairDrill with the listed DrillId; a second stop sends no
// Clear; a second drill after a clear, planned from the same version, gets a new token and
// starts; the wrong region is StartDrillShouldOnDestRegion (R001-3). The readiness facts: the
// lag against the recovery point and the pair's RPO.
func TestPairDrillCalls(t *testing.T) {
	t.Parallel()
	w := newDrillWorld(t, "PairId")
	emu, ctx, sh, bj, d, of, disk := w.emu, w.ctx, w.sh, w.bj, w.d, w.of, w.disk
	if m := d.Capabilities().Manual[lifecycle.ReplicationPair]; m[lifecycle.OpStartDrill] != "" || m[lifecycle.OpStopDrill] != "" {
		t.Fatalf("pair drills are manual steps: %q", m)
	}
	observe := func(id string) lifecycle.Observation {
		t.Helper()
		o, err := d.Observe(ctx, lifecycle.ReplicationPair, id)
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	p, err := d.CreatePair(ctx, platform.PairSpec{Name: "db", PrimaryVolumeID: disk(sh), SecondaryVolumeID: disk(bj)}, "c1")
	if err != nil {
		t.Fatal(err)
	}
	emu.Advance(time.Hour)
	o := observe(p.ID)
	if o.Facts.Unknown[lifecycle.FactDrill] || o.Facts.DrillActive || len(of("DescribePairDrills")) != 0 || o.Facts.RPOSeconds != 900 {
		t.Fatalf("new pair: unknown %v, drill %v, describe calls %v, RPO %d", o.Facts.Unknown, o.Facts.DrillActive, of("DescribePairDrills"), o.Facts.RPOSeconds)
	}
	if r := lifecycle.ReadinessOf(lifecycle.ReplicationPair, o, lifecycle.Options{}); r.RPO.Within || !r.RPO.Known {
		t.Fatalf("never synchronised: %+v", r.RPO)
	}
	if err := d.Invoke(ctx, lifecycle.ReplicationPair, p.ID, lifecycle.OpStart, "s1", nil); err != nil {
		t.Fatal(err)
	}
	emu.Advance(24 * time.Hour)
	o = observe(p.ID)
	if o.State != lifecycle.Replicating || o.Facts.DrillActive || o.Facts.Unknown[lifecycle.FactDrill] {
		t.Fatalf("replicating pair: %s drill %v unknown %v", o.State, o.Facts.DrillActive, o.Facts.Unknown)
	}
	if c := of("DescribePairDrills"); len(c) == 0 || c[len(c)-1].Region != "cn-beijing" || c[len(c)-1].Group != p.ID {
		t.Fatalf("describe calls %+v: want the pair in its secondary region cn-beijing", c)
	}
	before := o.Version

	err = d.Invoke(ctx, lifecycle.ReplicationPair, p.ID, lifecycle.OpStartDrill, "d0", map[string]string{lifecycle.ParamRegion: "cn-shanghai"})
	var pe *platform.Error
	if !errors.As(err, &pe) || pe.Code != "OperationDenied.StartDrillShouldOnDestRegion" || pe.Rule != "R001-3" {
		t.Fatalf("start_drill in the primary region: %#v", err)
	}
	row, _ := lifecycle.Table(lifecycle.ReplicationPair).Operation(lifecycle.OpStartDrill)
	params := map[string]string{lifecycle.ParamRegion: row.RegionFor(o)}
	if err := d.Invoke(ctx, lifecycle.ReplicationPair, p.ID, lifecycle.OpStartDrill, "d1", params); err != nil {
		t.Fatal(err)
	}
	if c := of("StartPairDrill"); len(c) != 2 || c[1].Region != "cn-beijing" || !strings.HasPrefix(c[1].Token, "d1-") || c[1].Version != "2021-07-30" {
		t.Fatalf("StartPairDrill calls %+v", c)
	}
	o = observe(p.ID)
	got, err := d.GetPair(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !o.Facts.DrillActive || o.Version == before || !got.DrillActive || got.LastDrill == nil || got.LastDrill.Outcome != platform.DrillReady ||
		got.LastDrill.StartedAt.IsZero() || got.LastDrill.Unreported["ended_at"] == "" || !got.LastDrill.ReadyAt.IsZero() {
		t.Fatalf("drill observed: active %v version %d→%d record %+v", o.Facts.DrillActive, before, o.Version, got.LastDrill)
	}
	if vs := lifecycle.Blocking(lifecycle.Check(lifecycle.ReplicationPair, lifecycle.OpFailover, o, lifecycle.Options{AllowDataLoss: true, Platform: o.Platform})); len(vs) == 0 || vs[0].Rule != "V-DRILL" {
		t.Fatalf("failover during a pair drill: %v", vs)
	}
	if err := d.Invoke(ctx, lifecycle.ReplicationPair, p.ID, lifecycle.OpStopDrill, "x1", nil); err != nil {
		t.Fatal(err)
	}
	if c := of("ClearPairDrill"); len(c) != 1 || c[0].Region != "cn-beijing" || c[0].Drill != got.LastDrill.ID {
		t.Fatalf("ClearPairDrill calls %+v (drill %s)", c, got.LastDrill.ID)
	}
	if err := d.Invoke(ctx, lifecycle.ReplicationPair, p.ID, lifecycle.OpStopDrill, "x2", nil); err != nil || len(of("ClearPairDrill")) != 1 {
		t.Fatalf("a second stop: %v, clear calls %d", err, len(of("ClearPairDrill")))
	}
	o = observe(p.ID)
	if o.Facts.DrillActive {
		t.Fatal("drill still active after the clear")
	}
	if pp, _ := d.GetPair(ctx, p.ID); pp.LastDrill != nil {
		t.Fatalf("EBS lists no cleared drill: %+v", pp.LastDrill)
	}
	// the same engine token again (planned from the unchanged version): a new drill starts
	if err := d.Invoke(ctx, lifecycle.ReplicationPair, p.ID, lifecycle.OpStartDrill, "d1", params); err != nil {
		t.Fatal(err)
	}
	if !observe(p.ID).Facts.DrillActive {
		t.Fatal("the second drill did not start")
	}
	if c := of("StartPairDrill"); c[len(c)-1].Token == c[1].Token {
		t.Fatalf("the second drill reused the first's ClientToken %q", c[1].Token)
	}
}
