package lifecycle

import (
	"strings"
	"testing"
	"time"
)

func TestRule_V_SYNC_ONCE(t *testing.T) {
	t.Parallel()
	for _, k := range []Kind{ReplicationPair, ProtectionGroup} {
		for _, s := range []State{Configured, Paused} {
			mustAllow(t, k, OpSyncOnce, syncable(goodObs(k, s)), Options{})
		}
		failed := syncable(goodObs(k, Error))
		failed.FailedOp = OpSyncOnce
		mustAllow(t, k, OpSyncOnce, failed, Options{})
		for _, s := range []State{Replicating, Starting, FailedOver} {
			mustRefuse(t, k, OpSyncOnce, syncable(goodObs(k, s)), Options{}, "V-SYNC-ONCE", "configured or paused")
		}
		// it copies data: a site down refuses it (V-SYNC-SITES)
		mustRefuse(t, k, OpSyncOnce, goodObs(k, Paused), Options{}, "V-SYNC-SITES")
		// a platform without it names the manual step
		caps := &Capabilities{Platform: "huaweicloud", Manual: map[Kind]map[Op]string{k: {OpSyncOnce: "No one-shot synchronisation."}}}
		mustRefuse(t, k, OpSyncOnce, syncable(goodObs(k, Paused)), Options{Platform: caps}, "V-PLATFORM", "No one-shot")
	}
	// the Start call's preconditions: the secondary detached; a group with pairs
	attached := syncable(pair(Paused))
	attached.Facts.StandbyVolumeAttached = true
	mustRefuse(t, ReplicationPair, OpSyncOnce, attached, Options{}, "V-PAIR-START", "standby volume")
	empty := syncable(grp(Configured))
	empty.Facts.MemberCount = 0
	mustRefuse(t, ProtectionGroup, OpSyncOnce, empty, Options{}, "V-SYNC-ONCE", "has none")
	// a one-shot synchronisation in progress can be stopped
	mustAllow(t, ReplicationPair, OpStop, syncable(pair(SyncingOnce)), Options{})
	mustAllow(t, ProtectionGroup, OpDisableProtection, syncable(grp(SyncingOnce)), Options{})
}

func TestSyncOncePlan(t *testing.T) {
	t.Parallel()
	start := syncable(pair(Paused))
	start.Facts.FirstSyncDone = false
	goal := Goal{Required: []OpRequest{{Op: OpSyncOnce}}}
	p, vs := Plan(ReplicationPair, start, goal, Options{})
	if len(vs) > 0 || p.Summary() != "sync_once" || p.Steps[0].Via != SyncingOnce || p.State != Paused {
		t.Fatalf("sync_once: %q %v", p.Summary(), vs)
	}
	if end := replay(t, ReplicationPair, start, goal, Options{}, p); !end.Facts.FirstSyncDone {
		t.Fatal("a completed one-shot synchronisation is a first synchronisation")
	}
	// from replicating: stop first
	if p, vs := Plan(ReplicationPair, syncable(pair(Replicating)), goal, Options{}); len(vs) > 0 || p.Summary() != "stop → sync_once" {
		t.Fatalf("from replicating: %q %v", p.Summary(), vs)
	}
	// a pair observed syncing once is waited for (it ends paused)
	p, vs = Plan(ReplicationPair, syncable(pair(SyncingOnce)), Goal{States: []State{Paused}}, Options{})
	if len(vs) > 0 || p.Summary() != "wait(sync_once)" {
		t.Fatalf("syncing once: %q %v", p.Summary(), vs)
	}
	// the planner never picks it on its own: a configured pair asked to replicate starts
	p, vs = Plan(ReplicationPair, syncable(pair(Configured)), Goal{States: []State{Replicating}}, Options{})
	if len(vs) > 0 || strings.Contains(p.Summary(), string(OpSyncOnce)) {
		t.Fatalf("replicate: %q %v", p.Summary(), vs)
	}
}

// The platform's rate limit of one-shot synchronisations: refused while SyncOnceWait > 0,
// naming the wait; where the platform does not report it (Alibaba), the platform decides.
func TestSyncOnceRateLimit(t *testing.T) {
	t.Parallel()
	for _, k := range []Kind{ReplicationPair, ProtectionGroup} {
		soon := syncable(goodObs(k, Paused))
		soon.Facts.SyncOnceWait = 7 * time.Minute
		v := mustRefuse(t, k, OpSyncOnce, soon, Options{}, "V-SYNC-ONCE", "too recent", "7m0s")
		if v.Precondition != PreconditionSyncOnceInterval {
			t.Fatalf("precondition %q", v.Precondition)
		}
		unk := syncable(goodObs(k, Paused))
		unk.Facts.Unknown = map[string]bool{FactSyncOnce: true}
		caps := &Capabilities{Platform: "alibaba", Unobservable: []string{FactSyncOnce}}
		vs := Check(k, OpSyncOnce, unk, Options{Platform: caps})
		if HasBlocking(vs) || len(vs) != 1 || !vs[0].Unobservable || vs[0].Rule != "V-SYNC-ONCE" {
			t.Fatalf("%s unobservable rate limit: %+v", k, vs)
		}
	}
}
