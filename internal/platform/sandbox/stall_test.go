package sandbox

import (
	"strings"
	"testing"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// newGroupWithPair is a configured group with one configured pair: protection never enabled.
func (e *env) newGroupWithPair() (gid, pid string) {
	e.t.Helper()
	pid = e.newPair()
	g := must(e.sb.CreateGroup(e.ctx, platform.GroupSpec{Name: "app", SourceRegion: "cn-shanghai", SourceZone: "cn-shanghai-a",
		TargetRegion: "cn-beijing", TargetZone: "cn-beijing-a"}, ""))(e.t)
	e.clk.Advance(time.Minute)
	e.ok(e.invoke(lifecycle.ProtectionGroup, g.ID, lifecycle.OpAddMember, map[string]string{"pair_id": pid}))
	e.wantState(lifecycle.ProtectionGroup, g.ID, "configured")
	return g.ID, pid
}

// A group whose protection was never enabled, with the source site down: enable_protection is
// refused (V-SYNC-SITES). When the source goes down right after the first synchronisation
// started, it cannot copy anything: it stalls (starting, progress frozen), never completes,
// and ends in error{enable_protection} with the vendor's words once the platform gives up;
// the failover that would follow is refused (no first sync, not protecting).
func TestGroupEnableProtectionSourceDownNeverCompletes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	gid, pid := e.newGroupWithPair()
	must(e.sb.SetSiteHealth(e.ctx, "sh-a", false))(t)
	e.refused(e.invoke(lifecycle.ProtectionGroup, gid, lifecycle.OpEnableProtection, nil), platform.ClassPreconditionFailed, "V-SYNC-SITES")
	must(e.sb.SetSiteHealth(e.ctx, "sh-a", true))(t)
	e.ok(e.invoke(lifecycle.ProtectionGroup, gid, lifecycle.OpEnableProtection, nil))
	must(e.sb.SetSiteHealth(e.ctx, "sh-a", false))(t)
	e.wantState(lifecycle.ProtectionGroup, gid, "starting")

	// well past the 320 s a healthy first sync takes: still starting, no progress
	e.clk.Advance(10 * time.Minute)
	g := e.group(gid)
	if g.State != lifecycle.Starting || g.SyncProgress != 0 || g.ReplicationStatus != platform.ReplicationCopying {
		t.Fatalf("stalled sync: state %s progress %d status %s", g.State, g.SyncProgress, g.ReplicationStatus)
	}
	if o := must(e.sb.Observe(e.ctx, lifecycle.ProtectionGroup, gid))(t); o.Facts.FirstSyncDone {
		t.Fatal("first sync reported done while the source site is down")
	}
	if p := e.pair(pid); p.State != lifecycle.Starting {
		t.Fatalf("member pair: %s", p.State)
	}
	// the failover after it is refused at the platform: not protecting, no first sync
	e.refused(e.invoke(lifecycle.ProtectionGroup, gid, lifecycle.OpFailover, nil), platform.ClassPreconditionFailed, "")

	// the platform gives up after the stall limit (30 min of simulated time from the invoke)
	e.clk.Advance(stallLimit - 10*time.Minute)
	e.wantState(lifecycle.ProtectionGroup, gid, "error{enable_protection}")
	g = e.group(gid)
	for _, want := range []string{"error-starting", "no progress for 30m0s", `site "sh-a"`, "is down"} {
		if !strings.Contains(g.LastError, want) {
			t.Fatalf("last_error %q lacks %q", g.LastError, want)
		}
	}
	e.refused(e.invoke(lifecycle.ProtectionGroup, gid, lifecycle.OpFailover, nil), platform.ClassPreconditionFailed, "")
	if o := must(e.sb.Observe(e.ctx, lifecycle.ProtectionGroup, gid))(t); o.Facts.FirstSyncDone {
		t.Fatal("first sync done after a failed enable_protection")
	}

	// with the site back, the retry synchronises for real
	must(e.sb.SetSiteHealth(e.ctx, "sh-a", true))(t)
	e.ok(e.invoke(lifecycle.ProtectionGroup, gid, lifecycle.OpEnableProtection, nil))
	e.clk.Advance(330 * time.Second)
	e.wantState(lifecycle.ProtectionGroup, gid, "replicating")
}

// The site comes back before the limit: the copy resumes where it stopped and finishes after
// the remaining time (the stall pushed the end back).
func TestPairSyncStallsAndResumes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	id := e.newPair()
	e.ok(e.invoke(lifecycle.ReplicationPair, id, lifecycle.OpStart, nil)) // 320 s first sync
	e.clk.Advance(160 * time.Second)
	must(e.sb.SetSiteHealth(e.ctx, "bj-a", false))(t) // the target goes down half-way
	e.clk.Advance(20 * time.Minute)
	p := e.pair(id)
	if p.State != lifecycle.Starting || p.SyncProgress != 50 {
		t.Fatalf("stalled: %s %d%%", p.State, p.SyncProgress)
	}
	must(e.sb.SetSiteHealth(e.ctx, "bj-a", true))(t)
	e.clk.Advance(80 * time.Second)
	if p := e.pair(id); p.State != lifecycle.Starting || p.SyncProgress != 75 {
		t.Fatalf("resumed: %s %d%%", p.State, p.SyncProgress)
	}
	e.clk.Advance(81 * time.Second)
	p = e.pair(id)
	if p.State != lifecycle.Replicating || p.LastRecoveryPoint.IsZero() {
		t.Fatalf("after resume: %+v", p)
	}
	// the recovery point is when the copy really finished, not when it was first due
	if want := t0.Add(time.Minute + 320*time.Second + 20*time.Minute); !p.LastRecoveryPoint.Equal(want) {
		t.Fatalf("recovery point %v, want %v", p.LastRecoveryPoint, want)
	}
}

// Starting with the source site down is refused (V-SYNC-SITES); when it goes down at the
// first moment of the sync, the sync stalls and fails after the limit with error{start}.
func TestPairStartSourceDownFails(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	id := e.newPair()
	must(e.sb.SetSiteHealth(e.ctx, "sh-a", false))(t)
	e.refused(e.invoke(lifecycle.ReplicationPair, id, lifecycle.OpStart, nil), platform.ClassPreconditionFailed, "V-SYNC-SITES")
	must(e.sb.SetSiteHealth(e.ctx, "sh-a", true))(t)
	e.ok(e.invoke(lifecycle.ReplicationPair, id, lifecycle.OpStart, nil))
	must(e.sb.SetSiteHealth(e.ctx, "sh-a", false))(t)
	e.clk.Advance(stallLimit - time.Second)
	e.wantState(lifecycle.ReplicationPair, id, "starting")
	e.clk.Advance(time.Second)
	e.wantState(lifecycle.ReplicationPair, id, "error{start}")
	if p := e.pair(id); !strings.Contains(p.LastError, "error-starting") || !strings.Contains(p.LastError, `site "sh-a"`) {
		t.Fatalf("last_error %q", p.LastError)
	}
}

// A group reprotect with the restored site going down again: it stalls and ends in
// error{reprotect} ("error-reprotecting").
func TestGroupReprotectStallFails(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	gid, _ := e.protectedGroup()
	must(e.sb.SetSiteHealth(e.ctx, "sh-a", false))(t)
	e.ok(e.invoke(lifecycle.ProtectionGroup, gid, lifecycle.OpFailover, nil))
	e.clk.Advance(time.Minute)
	must(e.sb.SetSiteHealth(e.ctx, "sh-a", true))(t)
	e.ok(e.invoke(lifecycle.ProtectionGroup, gid, lifecycle.OpReprotect, nil))
	e.clk.Advance(10 * time.Second)
	must(e.sb.SetSiteHealth(e.ctx, "sh-a", false))(t)
	e.clk.Advance(stallLimit)
	e.wantState(lifecycle.ProtectionGroup, gid, "error{reprotect}")
	if g := e.group(gid); !strings.Contains(g.LastError, "error-reprotecting") {
		t.Fatalf("last_error %q", g.LastError)
	}
}

// A link_stall fault holds a synchronisation without a bound (the platform does not detect
// it); deleting the fault lets it resume.
func TestLinkStallFault(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	id := e.newPair()
	f := must(e.sb.CreateFault(e.ctx, platform.Fault{Type: platform.FaultLinkStall, ObjectID: id}))(t)
	e.ok(e.invoke(lifecycle.ReplicationPair, id, lifecycle.OpStart, nil))
	e.clk.Advance(10 * stallLimit)
	if p := e.pair(id); p.State != lifecycle.Starting || p.SyncProgress != 0 {
		t.Fatalf("link stall: %s %d%%", p.State, p.SyncProgress)
	}
	// cancelling the stalled start returns the pair to where it was
	e.ok(e.sb.Cancel(e.ctx, lifecycle.ReplicationPair, id, lifecycle.OpStart))
	e.wantState(lifecycle.ReplicationPair, id, "configured")
	e.ok(e.invoke(lifecycle.ReplicationPair, id, lifecycle.OpStart, nil))
	e.clk.Advance(time.Hour)
	e.wantState(lifecycle.ReplicationPair, id, "starting")
	e.ok(e.sb.DeleteFault(e.ctx, f.ID))
	e.clk.Advance(321 * time.Second)
	e.wantState(lifecycle.ReplicationPair, id, "replicating")

	// a kind-scoped link fault stalls a group's enable_protection through its member pairs
	gid, _ := func() (string, string) {
		must(e.sb.PutVolume(e.ctx, platform.Volume{ID: "v2p", SiteID: "sh-a", SizeGB: 100}))(t)
		must(e.sb.PutVolume(e.ctx, platform.Volume{ID: "v2s", SiteID: "bj-a", SizeGB: 100}))(t)
		p := must(e.sb.CreatePair(e.ctx, platform.PairSpec{Name: "p2", PrimaryVolumeID: "v2p", SecondaryVolumeID: "v2s"}, ""))(t)
		g := must(e.sb.CreateGroup(e.ctx, platform.GroupSpec{Name: "g2", SourceRegion: "cn-shanghai", SourceZone: "cn-shanghai-a",
			TargetRegion: "cn-beijing", TargetZone: "cn-beijing-a"}, ""))(t)
		e.clk.Advance(time.Minute)
		e.ok(e.invoke(lifecycle.ProtectionGroup, g.ID, lifecycle.OpAddMember, map[string]string{"pair_id": p.ID}))
		return g.ID, p.ID
	}()
	f2 := must(e.sb.CreateFault(e.ctx, platform.Fault{Type: platform.FaultLinkStall, Kind: lifecycle.ReplicationPair}))(t)
	e.ok(e.invoke(lifecycle.ProtectionGroup, gid, lifecycle.OpEnableProtection, nil))
	e.clk.Advance(time.Hour)
	e.wantState(lifecycle.ProtectionGroup, gid, "starting")
	e.ok(e.sb.ClearFaults(e.ctx)) // clearing every fault also releases the link
	if _, err := e.sb.GetFault(e.ctx, f2.ID); !platform.IsNotFound(err) {
		t.Fatalf("fault after ClearFaults: %v", err)
	}
	e.clk.Advance(330 * time.Second)
	e.wantState(lifecycle.ProtectionGroup, gid, "replicating")
}
