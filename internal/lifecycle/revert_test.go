package lifecycle

import (
	"strings"
	"testing"
)

// failedOverPair is a pair failed over to its target site (the DR site serves production).
func failedOverPair() Observation {
	o := syncable(pair(FailedOver))
	o.ActiveSite = SiteTarget
	return o
}

func TestRule_V_REVERT(t *testing.T) {
	t.Parallel()
	for _, k := range []Kind{ReplicationPair, ProtectionGroup} {
		obs := goodObs(k, FailedOver)
		obs.ActiveSite = SiteTarget
		// a data-loss step: refused without the opt-in, naming what is discarded
		v := mustRefuse(t, k, OpRevertFailover, obs, Options{}, "V-REVERT", "discards every write", "target site", "allow_data_loss = true")
		if !v.DataLoss {
			t.Fatalf("%s: not a data-loss refusal: %+v", k, v)
		}
		mustAllow(t, k, OpRevertFailover, obs, Options{AllowDataLoss: true})
		// only on a failed-over object (or after a failed reprotect or revert)
		for _, s := range []State{Replicating, Paused, Configured} {
			mustRefuse(t, k, OpRevertFailover, goodObs(k, s), Options{AllowDataLoss: true}, "V-REVERT", "failed-over object")
		}
		for _, failed := range []Op{OpReprotect, OpRevertFailover} {
			e := obs
			e.State, e.FailedOp = Error, failed
			mustAllow(t, k, OpRevertFailover, e, Options{AllowDataLoss: true})
		}
		// a platform without the call refuses it naming the manual step
		caps := &Capabilities{Platform: "huaweicloud", Manual: map[Kind]map[Op]string{k: {OpRevertFailover: "SDRS cannot cancel a failover."}}}
		mustRefuse(t, k, OpRevertFailover, obs, Options{AllowDataLoss: true, Platform: caps}, "V-PLATFORM", "SDRS cannot cancel a failover")
	}
	// a pair's original primary volume must be detached (ReprotectDiskReplicaPair), a member
	// pair is reverted through its group, a group's drill must be stopped first
	attached := failedOverPair()
	attached.Facts.StandbyVolumeAttached = true
	mustRefuse(t, ReplicationPair, OpRevertFailover, attached, Options{AllowDataLoss: true}, "V-PAIR-REPROT", "detached")
	member := failedOverPair()
	member.Facts.InGroup, member.Facts.GroupID = true, "g1"
	mustRefuse(t, ReplicationPair, OpRevertFailover, member, Options{AllowDataLoss: true}, "V-PAIR-IN-GROUP")
	drill := goodObs(ProtectionGroup, FailedOver)
	drill.Facts.DrillActive = true
	mustRefuse(t, ProtectionGroup, OpRevertFailover, drill, Options{AllowDataLoss: true}, "V-DRILL")
}

func TestRevertFailoverPlan(t *testing.T) {
	t.Parallel()
	start := failedOverPair()
	goal := Goal{Required: []OpRequest{{Op: OpRevertFailover}}}
	p, vs := Plan(ReplicationPair, start, goal, Options{AllowDataLoss: true})
	if len(vs) > 0 || p.Summary() != "revert_failover" {
		t.Fatalf("revert: %q %v", p.Summary(), vs)
	}
	st := p.Steps[0]
	if st.To != Paused || st.ActiveSite != SiteSource || !st.SiteFlip || !st.DataLoss || st.Via != Reprotecting || st.Region != RegionTarget {
		t.Fatalf("step: %+v", st)
	}
	end := replay(t, ReplicationPair, start, goal, Options{AllowDataLoss: true}, p)
	if end.Facts.FirstSyncDone || end.Facts.ActiveRegion != start.Facts.StandbyRegion {
		t.Fatalf("after revert: %+v", end.Facts)
	}
	// revert, then replicate again in the original direction
	goal.States = []State{Replicating}
	if p, vs := Plan(ReplicationPair, start, goal, Options{AllowDataLoss: true}); len(vs) > 0 || p.Summary() != "revert_failover → start" {
		t.Fatalf("revert and start: %q %v", p.Summary(), vs)
	}
	// without the opt-in it is refused at plan, naming V-REVERT
	_, vs = Plan(ReplicationPair, start, Goal{Required: []OpRequest{{Op: OpRevertFailover}}}, Options{})
	if v := findRule(Blocking(vs), "V-REVERT"); v == nil || !strings.Contains(v.Message, "allow_data_loss") {
		t.Fatalf("without allow_data_loss: %v", vs)
	}
	// the planner never picks it on its own: moving production back after a failover keeps
	// the DR site's writes (reprotect → start → switchover), even with the opt-in
	p, vs = Plan(ReplicationPair, start, Goal{ActiveSite: SiteSource, States: []State{Replicating}}, Options{AllowDataLoss: true})
	if len(vs) > 0 || strings.Contains(p.Summary(), string(OpRevertFailover)) {
		t.Fatalf("active_site goal: %q %v", p.Summary(), vs)
	}
	// groups too
	g := syncable(grp(FailedOver))
	g.ActiveSite = SiteTarget
	if p, vs := Plan(ProtectionGroup, g, Goal{Required: []OpRequest{{Op: OpRevertFailover}}}, Options{AllowDataLoss: true}); len(vs) > 0 || p.Summary() != "revert_failover" || p.ActiveSite != SiteSource || p.State != Paused {
		t.Fatalf("group revert: %q %v", p.Summary(), vs)
	}
}
