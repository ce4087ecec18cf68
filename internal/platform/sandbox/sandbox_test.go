package sandbox

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/retry"
)

var t0 = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)

type env struct {
	t   *testing.T
	sb  *Sandbox
	clk *FakeClock
	ctx context.Context
	src platform.Site
	dst platform.Site
	srv platform.Server
	pv  platform.Volume
	sv  platform.Volume
	// extra carries ids between the steps of a table row.
	extra map[string]string
}

func newEnv(t *testing.T) *env {
	t.Helper()
	clk := NewFakeClock(t0)
	// one attempt per call: these tests look at the physics' faults themselves (the retry layer
	// over them: TestOneRetryLayer)
	sb, err := Open(filepath.Join(t.TempDir(), "db", "sandbox.db"), Options{Clock: clk, Seed: 1, Retry: retry.Once})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	e := &env{t: t, sb: sb, clk: clk, ctx: context.Background()}
	e.src = must(sb.PutSite(e.ctx, platform.Site{ID: "sh-a", Region: "cn-shanghai", Zone: "cn-shanghai-a", Healthy: true, ReplicationCapable: true}))(t)
	e.dst = must(sb.PutSite(e.ctx, platform.Site{ID: "bj-a", Region: "cn-beijing", Zone: "cn-beijing-a", Healthy: true, ReplicationCapable: true}))(t)
	e.srv = must(sb.PutServer(e.ctx, platform.Server{ID: "web", SiteID: "sh-a", Name: "web"}))(t)
	e.pv = must(sb.PutVolume(e.ctx, platform.Volume{ID: "vol-p", SiteID: "sh-a", SizeGB: 100}))(t)
	e.sv = must(sb.PutVolume(e.ctx, platform.Volume{ID: "vol-s", SiteID: "bj-a", SizeGB: 100}))(t)
	must(sb.AttachVolume(e.ctx, "vol-p", "web"))(t)
	return e
}

func must[T any](v T, err error) func(t *testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func (e *env) ok(err error) {
	e.t.Helper()
	if err != nil {
		e.t.Fatal(err)
	}
}

// refused asserts a PreconditionFailed (or other class) error naming rule.
func (e *env) refused(err error, class platform.Class, rule string) {
	e.t.Helper()
	if err == nil {
		e.t.Fatalf("expected %s [%s], got success", class, rule)
	}
	if platform.ClassOf(err) != class || (rule != "" && platform.RuleOf(err) != rule) {
		e.t.Fatalf("expected %s [%s], got %v", class, rule, err)
	}
}

func (e *env) pair(id string) platform.ReplicationPair {
	e.t.Helper()
	return must(e.sb.GetPair(e.ctx, id))(e.t)
}

func (e *env) group(id string) platform.ProtectionGroup {
	e.t.Helper()
	return must(e.sb.GetGroup(e.ctx, id))(e.t)
}

func (e *env) state(kind lifecycle.Kind, id string) string {
	e.t.Helper()
	o := must(e.sb.Observe(e.ctx, kind, id))(e.t)
	return lifecycle.RenderState(o.State, o.FailedOp)
}

func (e *env) wantState(kind lifecycle.Kind, id, want string) {
	e.t.Helper()
	if got := e.state(kind, id); got != want {
		e.t.Fatalf("%s %s: state %s, want %s", kind, id, got, want)
	}
}

func (e *env) invoke(kind lifecycle.Kind, id string, op lifecycle.Op, params map[string]string) error {
	return e.sb.Invoke(e.ctx, kind, id, op, "", params)
}

// newPair creates a configured pair vol-p → vol-s.
func (e *env) newPair() string {
	e.t.Helper()
	p := must(e.sb.CreatePair(e.ctx, platform.PairSpec{Name: "p1", PrimaryVolumeID: "vol-p", SecondaryVolumeID: "vol-s"}, ""))(e.t)
	if p.State != lifecycle.Creating {
		e.t.Fatalf("new pair is %s, want creating", p.State)
	}
	e.clk.Advance(time.Minute)
	e.wantState(lifecycle.ReplicationPair, p.ID, "configured")
	return p.ID
}

func TestPairLifecycle(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	id := e.newPair()

	e.ok(e.invoke(lifecycle.ReplicationPair, id, lifecycle.OpStart, nil))
	e.wantState(lifecycle.ReplicationPair, id, "starting")
	// 100 GiB at 10240 kbps: 320 s of simulated time; progress is visible.
	e.clk.Advance(160 * time.Second)
	p := e.pair(id)
	if p.SyncProgress < 45 || p.SyncProgress > 55 {
		t.Fatalf("progress at half-time = %d", p.SyncProgress)
	}
	e.clk.Advance(161 * time.Second)
	p = e.pair(id)
	if p.State != lifecycle.Replicating || p.SyncProgress != 100 || p.LastRecoveryPoint.IsZero() {
		t.Fatalf("after initial sync: %+v", p)
	}
	if p.PrimaryRegion != "cn-shanghai" || p.SecondaryRegion != "cn-beijing" {
		t.Fatalf("regions: %+v", p)
	}
	// recovery points advance per RPO cycle; lag is visible
	e.clk.Advance(1000 * time.Second)
	p2 := e.pair(id)
	if !p2.LastRecoveryPoint.After(p.LastRecoveryPoint) || p2.LagSeconds <= 0 || p2.LagSeconds > 900 {
		t.Fatalf("recovery point did not advance: %v → %v lag %d", p.LastRecoveryPoint, p2.LastRecoveryPoint, p2.LagSeconds)
	}

	// R001-3: failover is called in the standby (secondary) region
	e.refused(e.invoke(lifecycle.ReplicationPair, id, lifecycle.OpFailover, map[string]string{"region": "cn-shanghai"}), platform.ClassInvalid, "R001-3")
	// reprotect before failover: refused by the table's from-state
	err := e.invoke(lifecycle.ReplicationPair, id, lifecycle.OpReprotect, nil)
	e.refused(err, platform.ClassPreconditionFailed, "V-PAIR-REPROT")

	e.ok(e.invoke(lifecycle.ReplicationPair, id, lifecycle.OpFailover, map[string]string{"region": "cn-beijing"}))
	e.wantState(lifecycle.ReplicationPair, id, "failing_over")
	e.clk.Advance(time.Minute)
	p = e.pair(id)
	if p.State != lifecycle.FailedOver || p.ActiveSite != lifecycle.SiteTarget {
		t.Fatalf("after failover: %s active %s", p.State, p.ActiveSite)
	}
	// R001-2 + site flip: the observation's regions swapped
	o := must(e.sb.Observe(e.ctx, lifecycle.ReplicationPair, id))(t)
	if o.Facts.ActiveRegion != "cn-beijing" || o.Facts.StandbyRegion != "cn-shanghai" {
		t.Fatalf("regions after failover: %+v", o.Facts)
	}

	// the original primary is still attached: V-PAIR-REPROT
	e.refused(e.invoke(lifecycle.ReplicationPair, id, lifecycle.OpReprotect, nil), platform.ClassPreconditionFailed, "V-PAIR-REPROT")
	must(e.sb.AttachVolume(e.ctx, "vol-p", ""))(t)
	// reprotect with the old site down: R000-2
	must(e.sb.SetSiteHealth(e.ctx, "sh-a", false))(t)
	e.refused(e.invoke(lifecycle.ReplicationPair, id, lifecycle.OpReprotect, nil), platform.ClassPreconditionFailed, "R000-2")
	must(e.sb.SetSiteHealth(e.ctx, "sh-a", true))(t)
	e.ok(e.invoke(lifecycle.ReplicationPair, id, lifecycle.OpReprotect, nil))
	e.wantState(lifecycle.ReplicationPair, id, "reprotecting")
	e.clk.Advance(10 * time.Minute)
	p = e.pair(id)
	if p.State != lifecycle.Paused || p.ActiveSite != lifecycle.SiteTarget {
		t.Fatalf("after reprotect: %s active %s", p.State, p.ActiveSite)
	}
	// start now replicates beijing → shanghai
	e.ok(e.invoke(lifecycle.ReplicationPair, id, lifecycle.OpStart, nil))
	e.clk.Advance(10 * time.Minute)
	e.wantState(lifecycle.ReplicationPair, id, "replicating")

	// update: name/description (only from configured/paused per table)
	_, err = e.sb.UpdatePair(e.ctx, id, platform.PairSpec{Name: "renamed"})
	e.refused(err, platform.ClassPreconditionFailed, "")
	e.ok(e.invoke(lifecycle.ReplicationPair, id, lifecycle.OpStop, nil))
	e.clk.Advance(time.Minute)
	up := must(e.sb.UpdatePair(e.ctx, id, platform.PairSpec{Name: "renamed", BandwidthKbps: 20480}))(t)
	if up.Name != "renamed" || up.BandwidthKbps != 20480 {
		t.Fatalf("update: %+v", up)
	}
	_, err = e.sb.UpdatePair(e.ctx, id, platform.PairSpec{Name: "stale", Version: up.Version - 1})
	e.refused(err, platform.ClassConflict, "")

	// delete: deleting → gone (volumes kept)
	e.ok(e.invoke(lifecycle.ReplicationPair, id, lifecycle.OpDelete, nil))
	e.wantState(lifecycle.ReplicationPair, id, "deleting")
	e.clk.Advance(time.Minute)
	if _, err := e.sb.GetPair(e.ctx, id); !platform.IsNotFound(err) {
		t.Fatalf("deleted pair: %v", err)
	}
	must(e.sb.GetVolume(e.ctx, "vol-p"))(t)
}

func TestPairStartRefusedToDownSite(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	id := e.newPair()
	must(e.sb.SetSiteHealth(e.ctx, "bj-a", false))(t)
	e.refused(e.invoke(lifecycle.ReplicationPair, id, lifecycle.OpStart, nil), platform.ClassPreconditionFailed, "V-PAIR-START")
	// not-capable region refuses creation (R001-5)
	must(e.sb.PutSite(e.ctx, platform.Site{ID: "hk", Region: "hk", Zone: "hk-a", Healthy: true}))(t)
	must(e.sb.PutVolume(e.ctx, platform.Volume{ID: "v-hk", SiteID: "hk", SizeGB: 100}))(t)
	must(e.sb.PutVolume(e.ctx, platform.Volume{ID: "v-sh2", SiteID: "sh-a", SizeGB: 100}))(t)
	_, err := e.sb.CreatePair(e.ctx, platform.PairSpec{Name: "x", PrimaryVolumeID: "v-sh2", SecondaryVolumeID: "v-hk"}, "")
	e.refused(err, platform.ClassPreconditionFailed, "R001-5")
	f := must(e.sb.ProposedPairFacts(e.ctx, platform.PairSpec{PrimaryVolumeID: "v-sh2", SecondaryVolumeID: "v-hk"}))(t)
	if f.ReplicationCapable || f.StandbyRegion != "hk" {
		t.Fatalf("proposed facts: %+v", f)
	}
}

// group with one pair and one protected server, protection enabled and synchronised.
func (e *env) protectedGroup() (gid, pid string) {
	e.t.Helper()
	pid = e.newPair()
	g := must(e.sb.CreateGroup(e.ctx, platform.GroupSpec{Name: "app", SourceRegion: "cn-shanghai", SourceZone: "cn-shanghai-a",
		TargetRegion: "cn-beijing", TargetZone: "cn-beijing-a"}, ""))(e.t)
	gid = g.ID
	e.clk.Advance(time.Minute)
	e.wantState(lifecycle.ProtectionGroup, gid, "configured")
	e.ok(e.invoke(lifecycle.ProtectionGroup, gid, lifecycle.OpAddMember, map[string]string{"pair_id": pid}))
	e.ok(e.invoke(lifecycle.ProtectionGroup, gid, lifecycle.OpAddServer, map[string]string{"server_id": "web"}))
	e.ok(e.invoke(lifecycle.ProtectionGroup, gid, lifecycle.OpEnableProtection, nil))
	gr := e.group(gid)
	if gr.ReplicationStatus != platform.ReplicationCopying || gr.State != lifecycle.Starting {
		e.t.Fatalf("enabling: %s %s", gr.State, gr.ReplicationStatus)
	}
	e.clk.Advance(100 * time.Second)
	if p := e.group(gid).SyncProgress; p < 20 || p > 40 {
		e.t.Fatalf("group progress %d", p)
	}
	e.clk.Advance(300 * time.Second)
	gr = e.group(gid)
	if gr.State != lifecycle.Replicating || gr.ReplicationStatus != platform.ReplicationActive || !gr.ProtectionEnabled {
		e.t.Fatalf("protected: %+v", gr)
	}
	return gid, pid
}

func TestGroupFailoverOutageAndReprotect(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	gid, pid := e.protectedGroup()
	g := e.group(gid)
	if len(g.DRServers) != 1 {
		t.Fatalf("twins: %+v", g.DRServers)
	}
	twinID := g.DRServers[0].TwinServerID
	twin := must(e.sb.GetServer(e.ctx, twinID))(t)
	if twin.SiteID != "bj-a" || twin.PowerState != platform.PowerStopped || twin.TwinOf != "web" {
		t.Fatalf("twin: %+v", twin)
	}
	// the member pair mirrors the group and is operated through it
	p := e.pair(pid)
	if p.State != lifecycle.Replicating || p.GroupID != gid {
		t.Fatalf("member pair: %+v", p)
	}
	e.refused(e.invoke(lifecycle.ReplicationPair, pid, lifecycle.OpStop, nil), platform.ClassPreconditionFailed, "V-PAIR-IN-GROUP")

	web := must(e.sb.GetServer(e.ctx, "web"))(t)
	// outage of the production site
	must(e.sb.SetSiteHealth(e.ctx, "sh-a", false))(t)
	// planned failover needs both sites healthy (and production stopped): refused with its rule
	e.refused(e.invoke(lifecycle.ProtectionGroup, gid, lifecycle.OpPlannedFailover, nil), platform.ClassPreconditionFailed, "V-GRP-SWITCH")
	// failover works with the active site down
	e.ok(e.invoke(lifecycle.ProtectionGroup, gid, lifecycle.OpFailover, map[string]string{"region": "cn-beijing"}))
	e.wantState(lifecycle.ProtectionGroup, gid, "failing_over")
	if e.pair(pid).State != lifecycle.FailingOver {
		t.Fatal("member pair does not mirror the group")
	}
	// R002-7: no power changes while failing over
	_, err := e.sb.SetServerPower(e.ctx, twinID, platform.PowerRunning)
	e.refused(err, platform.ClassPreconditionFailed, "R002-7")

	e.clk.Advance(time.Minute)
	g = e.group(gid)
	if g.State != lifecycle.FailedOver || g.ActiveSite != lifecycle.SiteTarget || g.ProtectionEnabled ||
		g.ReplicationStatus != platform.ReplicationActiveStopped {
		t.Fatalf("after failover: %+v", g)
	}
	// R002-5: addresses moved; R002-4: twins stay stopped
	twin = must(e.sb.GetServer(e.ctx, twinID))(t)
	web2 := must(e.sb.GetServer(e.ctx, "web"))(t)
	if twin.IP != web.IP || twin.EIP != web.EIP || twin.MAC != web.MAC || web2.IP != "" || twin.PowerState != platform.PowerStopped {
		t.Fatalf("addresses not moved: web %+v twin %+v", web2, twin)
	}
	if web2.PowerState != platform.PowerStopped {
		t.Fatalf("old production server not forcibly stopped")
	}
	// R002-6: synchronisation resumes only through reprotect
	e.refused(e.invoke(lifecycle.ProtectionGroup, gid, lifecycle.OpEnableProtection, nil), platform.ClassPreconditionFailed, "R002-6")
	// R000-2: reprotect with the faulty site still down
	e.refused(e.invoke(lifecycle.ProtectionGroup, gid, lifecycle.OpReprotect, nil), platform.ClassPreconditionFailed, "R000-2")
	must(e.sb.SetSiteHealth(e.ctx, "sh-a", true))(t)
	// R000-4: the restored production server must be stopped (attach + start it to provoke)
	must(e.sb.SetServerPower(e.ctx, "web", platform.PowerRunning))(t)
	e.refused(e.invoke(lifecycle.ProtectionGroup, gid, lifecycle.OpReprotect, nil), platform.ClassPreconditionFailed, "R000-4")
	must(e.sb.SetServerPower(e.ctx, "web", platform.PowerStopped))(t)
	// the twin (now production) may run
	must(e.sb.SetServerPower(e.ctx, twinID, platform.PowerRunning))(t)

	e.ok(e.invoke(lifecycle.ProtectionGroup, gid, lifecycle.OpReprotect, nil))
	g = e.group(gid)
	if g.State != lifecycle.Reprotecting || g.ReplicationStatus != platform.ReplicationCopying {
		t.Fatalf("reprotecting: %+v", g)
	}
	e.clk.Advance(40 * time.Second) // resync = 80 s
	if p := e.group(gid).SyncProgress; p < 40 || p > 60 {
		t.Fatalf("reprotect progress %d (R000-5)", p)
	}
	e.clk.Advance(time.Minute)
	g = e.group(gid)
	if g.State != lifecycle.Replicating || g.ActiveSite != lifecycle.SiteTarget || g.ReplicationStatus != platform.ReplicationActive {
		t.Fatalf("after reprotect: %+v", g)
	}
	// R000-6: move back with a planned failover: production (twin) must be stopped
	e.refused(e.invoke(lifecycle.ProtectionGroup, gid, lifecycle.OpPlannedFailover, nil), platform.ClassPreconditionFailed, "V-GRP-SWITCH")
	must(e.sb.SetServerPower(e.ctx, twinID, platform.PowerStopped))(t)
	e.ok(e.invoke(lifecycle.ProtectionGroup, gid, lifecycle.OpPlannedFailover, nil))
	e.clk.Advance(time.Minute)
	g = e.group(gid)
	if g.State != lifecycle.Replicating || g.ActiveSite != lifecycle.SiteSource {
		t.Fatalf("after planned failover: %+v", g)
	}
	if w := must(e.sb.GetServer(e.ctx, "web"))(t); w.IP != web.IP || w.PowerState != platform.PowerStopped {
		t.Fatalf("addresses not back: %+v", w)
	}
}

func TestGroupRules(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	g := must(e.sb.CreateGroup(e.ctx, platform.GroupSpec{Name: "empty", SourceRegion: "cn-shanghai", SourceZone: "cn-shanghai-a",
		TargetRegion: "cn-beijing", TargetZone: "cn-beijing-a"}, ""))(t)
	e.clk.Advance(time.Minute)
	// R002-1: no pairs
	e.refused(e.invoke(lifecycle.ProtectionGroup, g.ID, lifecycle.OpEnableProtection, nil), platform.ClassPreconditionFailed, "R002-1")
	// R002-2: failover from configured
	e.refused(e.invoke(lifecycle.ProtectionGroup, g.ID, lifecycle.OpFailover, nil), platform.ClassPreconditionFailed, "")
	// reprotect without a failover: R000-1
	e.refused(e.invoke(lifecycle.ProtectionGroup, g.ID, lifecycle.OpReprotect, nil), platform.ClassPreconditionFailed, "R000-1")
	// a group between unknown sites is refused by the engine (V-REFS)
	_, err := e.sb.CreateGroup(e.ctx, platform.GroupSpec{Name: "x", SourceRegion: "nowhere", TargetRegion: "cn-beijing"}, "")
	e.refused(err, platform.ClassPreconditionFailed, "V-REFS")
	// a pair in the other direction cannot join (V-GRP-MEMBERS)
	must(e.sb.PutVolume(e.ctx, platform.Volume{ID: "b1", SiteID: "bj-a", SizeGB: 10}))(t)
	must(e.sb.PutVolume(e.ctx, platform.Volume{ID: "s1", SiteID: "sh-a", SizeGB: 10}))(t)
	rp := must(e.sb.CreatePair(e.ctx, platform.PairSpec{Name: "rev", PrimaryVolumeID: "b1", SecondaryVolumeID: "s1"}, ""))(t)
	e.clk.Advance(time.Minute)
	e.refused(e.invoke(lifecycle.ProtectionGroup, g.ID, lifecycle.OpAddMember, map[string]string{"pair_id": rp.ID}), platform.ClassPreconditionFailed, "V-GRP-MEMBERS")
	// drills: start needs replicating; group delete with a pair refused
	gid, pid := e.protectedGroup()
	e.ok(e.invoke(lifecycle.ProtectionGroup, gid, lifecycle.OpStartDrill, nil))
	if !e.group(gid).DrillActive {
		t.Fatal("drill not active")
	}
	e.refused(e.invoke(lifecycle.ProtectionGroup, gid, lifecycle.OpFailover, nil), platform.ClassPreconditionFailed, "V-DRILL")
	e.ok(e.invoke(lifecycle.ProtectionGroup, gid, lifecycle.OpStopDrill, nil))
	e.ok(e.invoke(lifecycle.ProtectionGroup, gid, lifecycle.OpDisableProtection, nil))
	e.clk.Advance(time.Minute)
	e.refused(e.invoke(lifecycle.ProtectionGroup, gid, lifecycle.OpDelete, nil), platform.ClassPreconditionFailed, "V-GRP-DELETE")
	e.ok(e.invoke(lifecycle.ProtectionGroup, gid, lifecycle.OpRemoveMember, map[string]string{"pair_id": pid}))
	if p := e.pair(pid); p.GroupID != "" || p.State != lifecycle.Paused {
		t.Fatalf("removed pair: %+v", p)
	}
	e.ok(e.invoke(lifecycle.ProtectionGroup, gid, lifecycle.OpRemoveServer, map[string]string{"server_id": "web"}))
	e.ok(e.invoke(lifecycle.ProtectionGroup, gid, lifecycle.OpDelete, nil))
	e.clk.Advance(time.Minute)
	if _, err := e.sb.GetGroup(e.ctx, gid); !platform.IsNotFound(err) {
		t.Fatalf("group not deleted: %v", err)
	}
}

func TestForcedFailoverDataLossOptOut(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	gid, _ := e.protectedGroup()
	// healthy production site: the sandbox accepts a forced failover like a real platform,
	// but refuses it (R002-8) when the caller withholds the opt-in
	e.refused(e.invoke(lifecycle.ProtectionGroup, gid, lifecycle.OpFailover, map[string]string{"allow_data_loss": "false"}), platform.ClassPreconditionFailed, "R002-8")
	o := must(e.sb.Observe(e.ctx, lifecycle.ProtectionGroup, gid))(t)
	if !o.Facts.UnsyncedChanges || !o.Facts.ActiveSiteHealthy || o.Facts.ActiveServersStopped || o.Facts.MemberCount != 1 || o.Facts.ServerCount != 1 || !o.Facts.FirstSyncDone {
		t.Fatalf("facts: %+v", o.Facts)
	}
	e.ok(e.invoke(lifecycle.ProtectionGroup, gid, lifecycle.OpFailover, nil))
}

func TestFailNextAndCancel(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	id := e.newPair()
	e.ok(e.sb.FailNext(e.ctx, lifecycle.ReplicationPair, lifecycle.OpStart, 1))
	e.ok(e.invoke(lifecycle.ReplicationPair, id, lifecycle.OpStart, nil))
	e.wantState(lifecycle.ReplicationPair, id, "starting")
	e.clk.Advance(time.Hour)
	e.wantState(lifecycle.ReplicationPair, id, "error{start}")
	if p := e.pair(id); p.LastError == "" {
		t.Fatal("no last error")
	}
	f := must(e.sb.Faults(e.ctx))(t)
	if len(f.FailNext) != 0 {
		t.Fatalf("fault not consumed: %+v", f)
	}
	// retry from error{start} succeeds
	e.ok(e.invoke(lifecycle.ReplicationPair, id, lifecycle.OpStart, nil))
	// cancel returns to the previous state
	e.ok(e.sb.Cancel(e.ctx, lifecycle.ReplicationPair, id, lifecycle.OpStart))
	e.wantState(lifecycle.ReplicationPair, id, "error{start}")
	e.ok(e.sb.Cancel(e.ctx, lifecycle.ReplicationPair, id, lifecycle.OpStart)) // nothing running: no-op
	e.ok(e.invoke(lifecycle.ReplicationPair, id, lifecycle.OpStart, nil))
	e.clk.Advance(time.Hour)
	e.wantState(lifecycle.ReplicationPair, id, "replicating")
}

func TestTransientErrorsAndLatency(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.ok(e.sb.SetTransientErrorRate(e.ctx, 1))
	_, err := e.sb.GetSite(e.ctx, "sh-a")
	if !platform.IsRetryable(err) {
		t.Fatalf("want retryable, got %v", err)
	}
	var re interface{ Retryable() bool }
	if !asIface(err, &re) || !re.Retryable() {
		t.Fatal("error does not expose Retryable()")
	}
	e.ok(e.sb.SetTransientErrorRate(e.ctx, 0.5))
	e.sb.SetSeed(42)
	fails := 0
	for i := 0; i < 200; i++ {
		if _, err := e.sb.GetSite(e.ctx, "sh-a"); err != nil {
			fails++
		}
	}
	if fails < 60 || fails > 140 {
		t.Fatalf("%d/200 transient failures at rate 0.5", fails)
	}
	e.ok(e.sb.ClearFaults(e.ctx))
	e.ok(e.sb.SetLatency(e.ctx, 2*time.Second))
	before := e.clk.Now()
	must(e.sb.GetSite(e.ctx, "sh-a"))(t)
	if d := e.clk.Now().Sub(before); d != 2*time.Second {
		t.Fatalf("latency %v", d)
	}
	e.ok(e.sb.ClearFaults(e.ctx))
	_, err = e.sb.GetSite(e.ctx, "nope")
	var nf interface{ NotFound() bool }
	if !platform.IsNotFound(err) || !asIface(err, &nf) {
		t.Fatalf("not found: %v", err)
	}
}

func TestIdempotency(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	id := e.newPair()
	tok := "tok-123e4567-e89b-12d3"
	e.ok(e.sb.Invoke(e.ctx, lifecycle.ReplicationPair, id, lifecycle.OpStart, tok, nil))
	v1 := e.pair(id).Version
	// replay: no second effect (a second start from starting would be refused)
	e.ok(e.sb.Invoke(e.ctx, lifecycle.ReplicationPair, id, lifecycle.OpStart, tok, nil))
	if v := e.pair(id).Version; v != v1 {
		t.Fatalf("replay changed the object: %d → %d", v1, v)
	}
	// same token, different parameters (R001-4)
	err := e.sb.Invoke(e.ctx, lifecycle.ReplicationPair, id, lifecycle.OpStop, tok, nil)
	e.refused(err, platform.ClassInvalid, "R001-4")
	var pe *platform.Error
	if !asIface(err, &pe) || pe.Code != platform.CodeIdempotentParameterMismatch {
		t.Fatalf("code: %v", err)
	}
	// bad tokens
	e.refused(e.sb.Invoke(e.ctx, lifecycle.ReplicationPair, id, lifecycle.OpStop, "ünïcode", nil), platform.ClassInvalid, "R001-4")
	long := make([]byte, 65)
	for i := range long {
		long[i] = 'a'
	}
	e.refused(e.sb.Invoke(e.ctx, lifecycle.ReplicationPair, id, lifecycle.OpStop, string(long), nil), platform.ClassInvalid, "R001-4")
	// create with a token: one object
	spec := platform.PairSpec{Name: "p2", PrimaryVolumeID: "a", SecondaryVolumeID: "b"}
	must(e.sb.PutVolume(e.ctx, platform.Volume{ID: "a", SiteID: "sh-a", SizeGB: 5}))(t)
	must(e.sb.PutVolume(e.ctx, platform.Volume{ID: "b", SiteID: "bj-a", SizeGB: 5}))(t)
	p1 := must(e.sb.CreatePair(e.ctx, spec, "create-1"))(t)
	p2 := must(e.sb.CreatePair(e.ctx, spec, "create-1"))(t)
	if p1.ID != p2.ID {
		t.Fatalf("two pairs for one token: %s %s", p1.ID, p2.ID)
	}
	spec.Name = "other"
	_, err = e.sb.CreatePair(e.ctx, spec, "create-1")
	e.refused(err, platform.ClassInvalid, "R001-4")
	if ps := must(e.sb.ListPairs(e.ctx))(t); len(ps) != 2 {
		t.Fatalf("%d pairs", len(ps))
	}
}

func TestCountersAndInventory(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.sb.ResetCounters()
	must(e.sb.GetVolume(e.ctx, "vol-p"))(t)
	must(e.sb.Observe(e.ctx, lifecycle.ReplicationPair, e.newPair()))(t)
	c := e.sb.Counters()
	if c["GetVolume"] != 1 || c["CreatePair"] != 1 || c["Observe"] != 2 {
		t.Fatalf("counters: %v", c)
	}
	e.sb.ResetCounters()
	if len(e.sb.Counters()) != 0 {
		t.Fatal("reset")
	}
	inv, ok := platform.InventoryOf(e.sb)
	if !ok || inv == nil {
		t.Fatal("no inventory")
	}
	// volumes in a pair and servers with volumes are protected from deletion
	e.refused(e.sb.DeleteVolume(e.ctx, "vol-p"), platform.ClassPreconditionFailed, "")
	e.refused(e.sb.DeleteServer(e.ctx, "web"), platform.ClassPreconditionFailed, "")
	s := must(e.sb.GetServer(e.ctx, "web"))(t)
	if len(s.VolumeIDs) != 1 || s.IP == "" || s.MAC == "" {
		t.Fatalf("server: %+v", s)
	}
	// stale put → conflict
	site := must(e.sb.GetSite(e.ctx, "sh-a"))(t)
	site.Version = 99
	_, err := e.sb.PutSite(e.ctx, site)
	e.refused(err, platform.ClassConflict, "")
}

// An account quota: creates beyond it fail with ClassQuota (never Retryable); deleted objects
// do not count; 0 lifts it.
func TestQuota(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.ok(e.sb.SetQuota(e.ctx, lifecycle.ReplicationPair, 1))
	e.ok(e.sb.SetQuota(e.ctx, lifecycle.ProtectionGroup, 1))
	if err := e.sb.SetQuota(e.ctx, lifecycle.Kind("volume"), 1); platform.ClassOf(err) != platform.ClassInvalid {
		t.Fatalf("a quota on what is no DR kind: %v", err)
	}
	p := must(e.sb.CreatePair(e.ctx, platform.PairSpec{Name: "a", PrimaryVolumeID: "vol-p", SecondaryVolumeID: "vol-s"}, ""))(t)
	v2 := must(e.sb.PutVolume(e.ctx, platform.Volume{ID: "vol-p2", SiteID: "sh-a", SizeGB: 100}))(t)
	v3 := must(e.sb.PutVolume(e.ctx, platform.Volume{ID: "vol-s2", SiteID: "bj-a", SizeGB: 100}))(t)
	second := platform.PairSpec{Name: "b", PrimaryVolumeID: v2.ID, SecondaryVolumeID: v3.ID}
	_, err := e.sb.CreatePair(e.ctx, second, "")
	e.refused(err, platform.ClassQuota, "")
	if platform.IsRetryable(err) {
		t.Fatal("a quota error is Retryable")
	}
	gs := platform.GroupSpec{Name: "g", SourceRegion: "cn-shanghai", SourceZone: "cn-shanghai-a", TargetRegion: "cn-beijing", TargetZone: "cn-beijing-a"}
	must(e.sb.CreateGroup(e.ctx, gs, ""))(t)
	gs.Name = "g2"
	_, err = e.sb.CreateGroup(e.ctx, gs, "")
	e.refused(err, platform.ClassQuota, "")
	// a deleted pair frees its place
	e.clk.Advance(time.Hour)
	e.ok(e.sb.Invoke(e.ctx, lifecycle.ReplicationPair, p.ID, lifecycle.OpDelete, "", nil))
	e.clk.Advance(time.Hour)
	// (not read since: the create counts the pairs as they are now)
	second.Name = "c"
	if _, err := e.sb.CreatePair(e.ctx, second, ""); err != nil {
		t.Fatalf("after the delete: %v", err)
	}
	e.ok(e.sb.SetQuota(e.ctx, lifecycle.ProtectionGroup, 0))
	must(e.sb.CreateGroup(e.ctx, gs, ""))(t)
}

// A member limit (SetMemberLimit, an emulated platform's): the pair beyond it is refused by
// the engine's V-GRP-MEMBERS with CodeMemberLimit, a member already in the group is not
// counted twice, a removal makes room; without a limit (the default) nothing is refused.
func TestMemberLimit(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	if c := e.sb.Capabilities(); c.MaxMembers(lifecycle.ProtectionGroup) != 0 {
		t.Fatalf("default sandbox has a member limit: %v", c.MemberLimit)
	}
	e.sb.SetMemberLimit(2)
	if c := e.sb.Capabilities(); c.MaxMembers(lifecycle.ProtectionGroup) != 2 {
		t.Fatalf("capabilities after SetMemberLimit(2): %v", c.MemberLimit)
	}
	g := must(e.sb.CreateGroup(e.ctx, platform.GroupSpec{Name: "g", SourceRegion: "cn-shanghai", SourceZone: "cn-shanghai-a", TargetRegion: "cn-beijing", TargetZone: "cn-beijing-a"}, ""))(t)
	var pairs []string
	for i := range 3 {
		pv := must(e.sb.PutVolume(e.ctx, platform.Volume{ID: fmt.Sprint("vp", i), SiteID: "sh-a", SizeGB: 10}))(t)
		sv := must(e.sb.PutVolume(e.ctx, platform.Volume{ID: fmt.Sprint("vs", i), SiteID: "bj-a", SizeGB: 10}))(t)
		p := must(e.sb.CreatePair(e.ctx, platform.PairSpec{Name: fmt.Sprint("p", i), PrimaryVolumeID: pv.ID, SecondaryVolumeID: sv.ID}, ""))(t)
		pairs = append(pairs, p.ID)
	}
	e.clk.Advance(time.Minute)
	add := func(id string) error {
		return e.invoke(lifecycle.ProtectionGroup, g.ID, lifecycle.OpAddMember, map[string]string{ParamPairID: id})
	}
	e.ok(add(pairs[0]))
	e.ok(add(pairs[1]))
	err := add(pairs[2])
	e.refused(err, platform.ClassPreconditionFailed, "V-GRP-MEMBERS")
	var pe *platform.Error
	if !errors.As(err, &pe) || pe.Code != platform.CodeMemberLimit || !strings.Contains(pe.Message, "more than 2 pairs") {
		t.Fatalf("the refusal: %v", err)
	}
	e.ok(add(pairs[1])) // already a member: no-op, not beyond the limit
	if n := len(e.group(g.ID).PairIDs); n != 2 {
		t.Fatalf("%d members", n)
	}
	e.ok(e.invoke(lifecycle.ProtectionGroup, g.ID, lifecycle.OpRemoveMember, map[string]string{ParamPairID: pairs[0]}))
	e.ok(add(pairs[2]))
	e.sb.SetMemberLimit(0)
	e.ok(add(pairs[0]))
	if n := len(e.group(g.ID).PairIDs); n != 3 {
		t.Fatalf("%d members without a limit", n)
	}
}
