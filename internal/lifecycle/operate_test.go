package lifecycle

import (
	"strings"
	"testing"
)

func TestOperateHelpers(t *testing.T) {
	t.Parallel()
	// AlreadyDone / Running
	if !AlreadyDone(ReplicationPair, OpFailover, pair(FailedOver)) || AlreadyDone(ReplicationPair, OpFailover, pair(Replicating)) {
		t.Error("failover done only when failed over")
	}
	if AlreadyDone(ReplicationPair, OpSwitchover, pair(Replicating)) {
		t.Error("a switchover is never already done")
	}
	d := grp(Replicating)
	d.Facts.DrillActive = true
	if !AlreadyDone(ProtectionGroup, OpStartDrill, d) || AlreadyDone(ProtectionGroup, OpStopDrill, d) || !AlreadyDone(ProtectionGroup, OpStopDrill, grp(Replicating)) {
		t.Error("drill rows: done by their effect")
	}
	if !Running(ReplicationPair, OpStart, pair(Starting)) || Running(ReplicationPair, OpStop, pair(Starting)) {
		t.Error("running by the row's transitional state")
	}
	// OperationPath
	p := OperationPath(ReplicationPair, OpSwitchover, syncable(pair(Replicating)), Options{})
	if len(p.Steps) != 1 || p.ActiveSite != SiteTarget || !p.Steps[0].SiteFlip || p.Steps[0].Via != SwitchingOver {
		t.Fatalf("%+v", p)
	}
	// CheckReport shows every check, refused ones marked
	o := pair(Paused)
	o.Facts.StandbyVolumeAttached = true
	var marks []string
	for _, l := range CheckReport(ReplicationPair, OpStart, o, Options{}) {
		marks = append(marks, l.Mark+":"+l.Rule)
	}
	got := strings.Join(marks, " ")
	for _, want := range []string{"ok:V-PAIR-IN-GROUP", "ok:V-PAIR-START", "refused:V-PAIR-START", "refused:V-SYNC-SITES", "ok:R001-5"} {
		if !strings.Contains(got, want) {
			t.Errorf("report %q lacks %q", got, want)
		}
	}
	// GoalMet
	if !GoalMet(ReplicationPair, "replicating", SiteSource, Goal{States: []State{Replicating}, ActiveSite: SiteSource}) ||
		GoalMet(ReplicationPair, "replicating", SiteSource, Goal{ActiveSite: SiteTarget}) ||
		GoalMet(ReplicationPair, "error{start}", SiteSource, Goal{}) || GoalMet(ReplicationPair, "starting", SiteSource, Goal{}) {
		t.Error("GoalMet")
	}
	// ChangedSinceRead
	if ChangedSinceRead(ReplicationPair, "", "", pair(Paused)) || ChangedSinceRead(ReplicationPair, "starting", "", pair(Paused)) ||
		!ChangedSinceRead(ReplicationPair, "replicating", SiteSource, pair(Paused)) ||
		!ChangedSinceRead(ReplicationPair, "paused", SiteTarget, pair(Paused)) || ChangedSinceRead(ReplicationPair, "paused", SiteSource, pair(Paused)) {
		t.Error("ChangedSinceRead")
	}
	// ForDestroy, Gone
	g := pair(Paused)
	g.Facts.InGroup = true
	if f := ForDestroy(g); !f.Facts.Unknown[FactMembers] || g.Facts.Unknown[FactMembers] {
		t.Error("ForDestroy marks membership unknown on a copy")
	}
	if !Gone(ReplicationPair, Deleted) || Gone(ReplicationPair, Paused) {
		t.Error("Gone")
	}
	// Drills from the tables
	ds := Drills()
	if len(ds) != 3 || ds[0] != (Drill{ReplicationPair, OpStartDrill, OpStopDrill}) || ds[1] != (Drill{ProtectionGroup, OpStartDrill, OpStopDrill}) ||
		ds[2] != (Drill{RecoveryServer, OpTestFailover, OpStopTestFailover}) {
		t.Fatalf("%+v", ds)
	}
	if !DrillReady(RecoveryServer, OpTestFailover, srv(Testing)) || DrillReady(RecoveryServer, OpTestFailover, srv(StartingTest)) || !DrillReady(ProtectionGroup, OpStartDrill, d) {
		t.Error("DrillReady")
	}
}
