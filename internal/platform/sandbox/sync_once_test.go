package sandbox

import (
	"errors"
	"testing"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// sync_once: configured → syncing_once (progress visible) → paused with a recovery point and
// the first synchronisation done (a failover may follow); refused while replicating (V-SYNC-ONCE)
// and with the secondary attached (V-PAIR-START); a running one can be stopped.
func TestPairSyncOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	id := e.newPair()
	must(e.sb.PutServer(e.ctx, platform.Server{ID: "dr", SiteID: "bj-a", Name: "dr"}))(t)
	must(e.sb.AttachVolume(e.ctx, "vol-s", "dr"))(t)
	e.refused(e.invoke(lifecycle.ReplicationPair, id, lifecycle.OpSyncOnce, nil), platform.ClassPreconditionFailed, "V-PAIR-START")
	must(e.sb.AttachVolume(e.ctx, "vol-s", ""))(t)
	e.ok(e.invoke(lifecycle.ReplicationPair, id, lifecycle.OpSyncOnce, nil))
	e.wantState(lifecycle.ReplicationPair, id, "syncing_once")
	e.clk.Advance(160 * time.Second) // 100 GiB at 10240 kbps: 320 s
	if p := e.pair(id); p.SyncProgress < 45 || p.SyncProgress > 55 {
		t.Fatalf("progress at half-time = %d", p.SyncProgress)
	}
	e.clk.Advance(200 * time.Second)
	p := e.pair(id)
	if p.State != lifecycle.Paused || p.LastRecoveryPoint.IsZero() {
		t.Fatalf("after the one-shot sync: %s, recovery point %v", p.State, p.LastRecoveryPoint)
	}
	rp := p.LastRecoveryPoint
	e.clk.Advance(time.Hour) // paused: no schedule, the recovery point stays
	if p := e.pair(id); !p.LastRecoveryPoint.Equal(rp) {
		t.Fatalf("recovery point moved while paused: %v → %v", rp, p.LastRecoveryPoint)
	}
	if o := must(e.sb.Observe(e.ctx, lifecycle.ReplicationPair, id))(t); !o.Facts.FirstSyncDone {
		t.Fatal("first sync not done after a one-shot sync")
	}
	// again, and stopped while it runs
	e.ok(e.invoke(lifecycle.ReplicationPair, id, lifecycle.OpSyncOnce, nil))
	e.ok(e.invoke(lifecycle.ReplicationPair, id, lifecycle.OpStop, nil))
	e.clk.Advance(time.Hour)
	e.wantState(lifecycle.ReplicationPair, id, "paused")
	// not while replicating
	e.ok(e.invoke(lifecycle.ReplicationPair, id, lifecycle.OpStart, nil))
	e.clk.Advance(time.Hour)
	e.refused(e.invoke(lifecycle.ReplicationPair, id, lifecycle.OpSyncOnce, nil), platform.ClassPreconditionFailed, "V-SYNC-ONCE")
}

func TestGroupSyncOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	g := must(e.sb.CreateGroup(e.ctx, platform.GroupSpec{Name: "g", SourceRegion: "cn-shanghai", SourceZone: "cn-shanghai-a", TargetRegion: "cn-beijing", TargetZone: "cn-beijing-a"}, ""))(t)
	e.clk.Advance(time.Minute)
	e.refused(e.invoke(lifecycle.ProtectionGroup, g.ID, lifecycle.OpSyncOnce, nil), platform.ClassPreconditionFailed, "V-SYNC-ONCE")
	pid := e.newPair()
	e.ok(e.invoke(lifecycle.ProtectionGroup, g.ID, lifecycle.OpAddMember, map[string]string{ParamPairID: pid}))
	e.ok(e.invoke(lifecycle.ProtectionGroup, g.ID, lifecycle.OpSyncOnce, nil))
	e.wantState(lifecycle.ProtectionGroup, g.ID, "syncing_once")
	if gr := e.group(g.ID); gr.ReplicationStatus != platform.ReplicationCopying || gr.ProtectionEnabled {
		t.Fatalf("syncing once: %s protection %v", gr.ReplicationStatus, gr.ProtectionEnabled)
	}
	e.clk.Advance(time.Hour)
	gr := e.group(g.ID)
	if gr.State != lifecycle.Paused || !gr.FirstSyncDone || gr.LastRecoveryPoint.IsZero() {
		t.Fatalf("after: %s first sync %v rp %v", gr.State, gr.FirstSyncDone, gr.LastRecoveryPoint)
	}
	e.wantState(lifecycle.ReplicationPair, pid, "paused") // the member mirrors its group
}

// One-shot synchronisations are rate-limited: another within half the RPO of the last start is
// refused by the engine's V-SYNC-ONCE (CodeSyncOnceLimit), the observation says how long to
// wait, and after it the next runs.
func TestSyncOnceRateLimit(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	id := e.newPair()
	e.ok(e.invoke(lifecycle.ReplicationPair, id, lifecycle.OpSyncOnce, nil))
	e.clk.Advance(400 * time.Second) // done (320 s), but within 450 s of its start
	e.wantState(lifecycle.ReplicationPair, id, "paused")
	if o := must(e.sb.Observe(e.ctx, lifecycle.ReplicationPair, id))(t); o.Facts.SyncOnceWait != 50*time.Second {
		t.Fatalf("wait %v, want 50s", o.Facts.SyncOnceWait)
	}
	err := e.invoke(lifecycle.ReplicationPair, id, lifecycle.OpSyncOnce, nil)
	e.refused(err, platform.ClassPreconditionFailed, "V-SYNC-ONCE")
	var pe *platform.Error
	if !errors.As(err, &pe) || pe.Code != platform.CodeSyncOnceLimit {
		t.Fatalf("code: %v", err)
	}
	e.clk.Advance(50 * time.Second)
	e.ok(e.invoke(lifecycle.ReplicationPair, id, lifecycle.OpSyncOnce, nil))
}
