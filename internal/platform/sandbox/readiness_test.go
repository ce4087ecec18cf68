package sandbox

import (
	"testing"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// A replicating pair's standby copy is as old as its last recovery point, reported in the
// platform's (simulated) seconds, the unit of its RPO: within it while the link moves. A
// link_stall fault stops the recovery points (the copy ages past the RPO, readiness says so
// with the engine's words); deleting it resumes them.
func TestLinkStallFreezesRecoveryPoints(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	id := e.newPair()
	e.ok(e.invoke(lifecycle.ReplicationPair, id, lifecycle.OpStart, nil))
	e.clk.Advance(330 * time.Second)
	e.wantState(lifecycle.ReplicationPair, id, "replicating")
	e.clk.Advance(20 * time.Minute)
	o := must(e.sb.Observe(e.ctx, lifecycle.ReplicationPair, id))(t)
	if o.Facts.RPOSeconds != 900 || o.Facts.LagSeconds < 0 || o.Facts.LagSeconds >= 900 {
		t.Fatalf("replicating: lag %d s, RPO %d s", o.Facts.LagSeconds, o.Facts.RPOSeconds)
	}
	if r := lifecycle.ReadinessOf(lifecycle.ReplicationPair, o, lifecycle.Options{}); !r.RPO.Within {
		t.Fatalf("replicating pair not within its RPO: %+v", r.RPO)
	}
	before := e.pair(id).LastRecoveryPoint

	f := must(e.sb.CreateFault(e.ctx, platform.Fault{Type: platform.FaultLinkStall, ObjectID: id}))(t)
	e.clk.Advance(2 * time.Hour)
	p := e.pair(id)
	if p.State != lifecycle.Replicating || p.LastRecoveryPoint.After(before.Add(15*time.Minute)) || p.LagSeconds < 7200 {
		t.Fatalf("stalled link: %s, recovery point %v (was %v), lag %d s", p.State, p.LastRecoveryPoint, before, p.LagSeconds)
	}
	o = must(e.sb.Observe(e.ctx, lifecycle.ReplicationPair, id))(t)
	r := lifecycle.ReadinessOf(lifecycle.ReplicationPair, o, lifecycle.Options{})
	if !r.RPO.Known || r.RPO.Within || r.RPO.LagSeconds != o.Facts.LagSeconds {
		t.Fatalf("over RPO: %+v", r.RPO)
	}
	// a fault scoped to an operation stalls that operation's copies only, not the cycles
	e.ok(e.sb.DeleteFault(e.ctx, f.ID))
	must(e.sb.CreateFault(e.ctx, platform.Fault{Type: platform.FaultLinkStall, Kind: lifecycle.ReplicationPair, Op: lifecycle.OpStart}))(t)
	e.clk.Advance(time.Hour)
	if p := e.pair(id); p.LagSeconds >= 900 {
		t.Fatalf("after the link came back: lag %d s", p.LagSeconds)
	}

	// a group's link: a fault on the group freezes its recovery points and its members'
	e = newEnv(t)
	gid, pid := e.protectedGroup()
	must(e.sb.CreateFault(e.ctx, platform.Fault{Type: platform.FaultLinkStall, Kind: lifecycle.ProtectionGroup, ObjectID: gid}))(t)
	e.clk.Advance(3 * time.Hour)
	g := must(e.sb.Observe(e.ctx, lifecycle.ProtectionGroup, gid))(t)
	if g.Facts.LagSeconds < 3*3600 || g.Facts.RPOSeconds != 900 {
		t.Fatalf("group over RPO: lag %d s, RPO %d", g.Facts.LagSeconds, g.Facts.RPOSeconds)
	}
	if mp := e.pair(pid); mp.LagSeconds < 3*3600 {
		t.Fatalf("member pair mirrors the group's recovery point: lag %d s", mp.LagSeconds)
	}
	e.ok(e.sb.ClearFaults(e.ctx))
	e.clk.Advance(time.Second)
	if g := must(e.sb.Observe(e.ctx, lifecycle.ProtectionGroup, gid))(t); g.Facts.LagSeconds >= 900 {
		t.Fatalf("group after the faults were cleared: lag %d s", g.Facts.LagSeconds)
	}
}

// The lag is in simulated seconds: at time scale 600 one wall second is ten minutes.
func TestLagInSimulatedSeconds(t *testing.T) {
	t.Parallel()
	sb := &Sandbox{scale: 600}
	now := time.Unix(1000, 0)
	if got := sb.lagSeconds(now, now.Add(-1500*time.Millisecond)); got != 900 {
		t.Fatalf("1.5 s of wall time at 600×: %d simulated seconds, want 900", got)
	}
	if sb.lagSeconds(now, time.Time{}) != 0 {
		t.Fatal("no recovery point: no lag")
	}
}

// Pair drills: start_drill (replicating, first sync done) makes the test copy at once and
// records the drill; while it runs a failover is refused (V-DRILL); stop_drill ends it and the
// record keeps start, ready, end and outcome. Group drills keep the same record.
func TestPairDrillPhysicsAndRecord(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	id := e.newPair()
	e.refused(e.invoke(lifecycle.ReplicationPair, id, lifecycle.OpStartDrill, nil), platform.ClassPreconditionFailed, "V-DRILL")
	e.ok(e.invoke(lifecycle.ReplicationPair, id, lifecycle.OpStart, nil))
	e.clk.Advance(330 * time.Second)
	if p := e.pair(id); p.LastDrill != nil || p.DrillActive {
		t.Fatalf("no drill yet: %+v", p.LastDrill)
	}
	// the drill runs in the standby region (R001-3)
	err := e.invoke(lifecycle.ReplicationPair, id, lifecycle.OpStartDrill, map[string]string{lifecycle.ParamRegion: "cn-shanghai"})
	e.refused(err, platform.ClassInvalid, "R001-3")
	started := e.clk.Now()
	e.ok(e.invoke(lifecycle.ReplicationPair, id, lifecycle.OpStartDrill, map[string]string{lifecycle.ParamRegion: "cn-beijing"}))
	p := e.pair(id)
	if !p.DrillActive || p.LastDrill == nil || p.LastDrill.Outcome != platform.DrillReady || !p.LastDrill.StartedAt.Equal(started) ||
		!p.LastDrill.ReadyAt.Equal(started) || !p.LastDrill.EndedAt.IsZero() {
		t.Fatalf("drill running: %+v", p.LastDrill)
	}
	o := must(e.sb.Observe(e.ctx, lifecycle.ReplicationPair, id))(t)
	if !o.Facts.DrillActive {
		t.Fatal("the observation does not show the drill")
	}
	e.refused(e.invoke(lifecycle.ReplicationPair, id, lifecycle.OpFailover, nil), platform.ClassPreconditionFailed, "V-DRILL")
	e.refused(e.invoke(lifecycle.ReplicationPair, id, lifecycle.OpStartDrill, nil), platform.ClassPreconditionFailed, "V-DRILL")
	e.clk.Advance(10 * time.Minute)
	e.ok(e.invoke(lifecycle.ReplicationPair, id, lifecycle.OpStopDrill, nil))
	p = e.pair(id)
	if p.DrillActive || p.LastDrill.Outcome != platform.DrillSucceeded || !p.LastDrill.EndedAt.Equal(started.Add(10*time.Minute)) {
		t.Fatalf("drill stopped: %+v", p.LastDrill)
	}
	e.ok(e.invoke(lifecycle.ReplicationPair, id, lifecycle.OpFailover, nil))

	// a start_drill that fails leaves a failed record and no drill
	e = newEnv(t)
	gid, _ := e.protectedGroup()
	e.ok(e.sb.FailNext(e.ctx, lifecycle.ProtectionGroup, lifecycle.OpStartDrill, 1))
	e.ok(e.invoke(lifecycle.ProtectionGroup, gid, lifecycle.OpStartDrill, nil))
	g := e.group(gid)
	if g.DrillActive || g.LastDrill == nil || g.LastDrill.Outcome != platform.DrillFailed || g.LastDrill.Message == "" {
		t.Fatalf("failed group drill: active %v %+v", g.DrillActive, g.LastDrill)
	}
}

// A recovery server's drill is its test failover: started at the invoke, ready when the test
// VM runs — its time to ready in simulated time at the time scale — and ended when the test
// is stopped.
func TestTestFailoverDrillRecord(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.sb.scale = 10 // durations run ten times faster; times to ready are reported ×10
	e.backupWorld()
	rs := must(e.sb.CreateRecoveryServer(e.ctx, platform.RecoveryServerSpec{Name: "rs", MachineID: "web"}, ""))(t)
	e.clk.Advance(time.Hour)
	started := e.clk.Now()
	e.ok(e.invoke(lifecycle.RecoveryServer, rs.ID, lifecycle.OpTestFailover, nil))
	got := must(e.sb.GetRecoveryServer(e.ctx, rs.ID))(t)
	if got.LastDrill == nil || got.LastDrill.Outcome != platform.DrillStarting || !got.LastDrill.StartedAt.Equal(started) {
		t.Fatalf("test failover starting: %+v", got.LastDrill)
	}
	e.clk.Advance(time.Hour)
	got = must(e.sb.GetRecoveryServer(e.ctx, rs.ID))(t)
	d := got.LastDrill
	if got.State != lifecycle.Testing || d.Outcome != platform.DrillReady || d.TimeToReady != durTestStart || !d.ReadyAt.Equal(started.Add(durTestStart/10)) {
		t.Fatalf("test failover ready: %s %+v (want time to ready %v)", got.State, d, durTestStart)
	}
	e.ok(e.invoke(lifecycle.RecoveryServer, rs.ID, lifecycle.OpStopTestFailover, nil))
	e.clk.Advance(time.Hour)
	if d := must(e.sb.GetRecoveryServer(e.ctx, rs.ID))(t).LastDrill; d.Outcome != platform.DrillSucceeded || d.EndedAt.IsZero() {
		t.Fatalf("test failover stopped: %+v", d)
	}
	// a test failover that fails: the record says so with the platform's message
	e.ok(e.sb.FailNext(e.ctx, lifecycle.RecoveryServer, lifecycle.OpTestFailover, 1))
	e.ok(e.invoke(lifecycle.RecoveryServer, rs.ID, lifecycle.OpTestFailover, nil))
	e.clk.Advance(time.Hour)
	if d := must(e.sb.GetRecoveryServer(e.ctx, rs.ID))(t).LastDrill; d.Outcome != platform.DrillFailed || d.Message == "" || !d.ReadyAt.IsZero() {
		t.Fatalf("failed test failover: %+v", d)
	}
}

// Recovery points are the machine's available server backups, newest first; a failover that
// names one the machine does not have is refused before anything changes (V-REFS), one it has
// is the point the server fails over from.
func TestRecoveryPoints(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.backupWorld() // b-srv (full), b-nosys (no system disk), b-creating (not available)
	e.clk.Advance(time.Hour)
	must(e.sb.PutBackup(e.ctx, platform.Backup{ID: "b-late", Kind: "server", SourceID: "web", IncludesSystemDisk: true, VaultID: "vb", SizeGB: 2}))(t)
	pts := must(e.sb.ListRecoveryPoints(e.ctx, "web"))(t)
	if len(pts) != 3 || pts[0].ID != "b-late" || pts[0].Type != "full" || pts[0].SizeBytes != 2<<30 || !pts[0].CreatedAt.After(pts[1].CreatedAt) {
		t.Fatalf("recovery points: %+v", pts)
	}
	for _, p := range pts {
		if p.ID == "b-creating" {
			t.Fatal("a backup that is not available is a recovery point")
		}
	}
	// an update keeps when the backup was taken
	b := must(e.sb.GetBackup(e.ctx, "b-srv"))(t)
	e.clk.Advance(time.Hour)
	b.SizeGB = 41
	if nb := must(e.sb.PutBackup(e.ctx, b))(t); !nb.CreatedAt.Equal(b.CreatedAt) {
		t.Fatalf("updated backup: created %v, was %v", nb.CreatedAt, b.CreatedAt)
	}
	if pts := must(e.sb.ListRecoveryPoints(e.ctx, "nobody"))(t); len(pts) != 0 {
		t.Fatalf("a machine without backups: %+v", pts)
	}

	rs := must(e.sb.CreateRecoveryServer(e.ctx, platform.RecoveryServerSpec{Name: "rs", MachineID: "web"}, ""))(t)
	e.clk.Advance(time.Hour)
	err := e.invoke(lifecycle.RecoveryServer, rs.ID, lifecycle.OpFailover, map[string]string{lifecycle.ParamRecoveryPoint: "b-disk"})
	e.refused(err, platform.ClassInvalid, "V-REFS")
	e.wantState(lifecycle.RecoveryServer, rs.ID, "standby")
	e.ok(e.invoke(lifecycle.RecoveryServer, rs.ID, lifecycle.OpFailover, map[string]string{lifecycle.ParamRecoveryPoint: "b-srv"}))
	if got := must(e.sb.GetRecoveryServer(e.ctx, rs.ID))(t); got.RecoveryPointID != "b-srv" || got.State != lifecycle.Finalizing {
		t.Fatalf("failover from b-srv: %+v", got)
	}
}
