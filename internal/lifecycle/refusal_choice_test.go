package lifecycle

import (
	"fmt"
	"testing"
)

// TestRefusalChoice pins which refusal Plan reports when a goal cannot be reached: the
// refusal of the nearest blocked operation on the shortest way to the goal (from-states
// only), so the user reads about the operation they asked for; never an operation the goal
// does not need (a goal that does not ask for deletion is never "reached" by deleting).
func TestRefusalChoice(t *testing.T) {
	t.Parallel()
	with := func(o Observation, f func(*Observation)) Observation { f(&o); return o }
	emptyGrp := func(s State) Observation {
		return with(grp(s), func(o *Observation) { o.Facts.MemberCount, o.Facts.ServerCount = 0, 1 })
	}
	healthy := func(o Observation) Observation { return syncable(o) }
	drill := func(o Observation) Observation { o.Facts.DrillActive = true; return o }
	noSync := func(o Observation) Observation { o.Facts.FirstSyncDone = false; return o }
	standbyDown := func(o Observation) Observation { o.Facts.StandbySiteHealthy = false; return o }
	running := func(o Observation) Observation { o.Facts.ActiveServersStopped = false; return o }
	stbyRunning := func(o Observation) Observation { o.Facts.StandbyServersStopped = false; return o }
	attached := func(o Observation) Observation { o.Facts.StandbyVolumeAttached = true; return o }
	inGroup := func(o Observation) Observation { o.Facts.InGroup, o.Facts.GroupID = true, "g1"; return o }
	errOf := func(o Observation, op Op) Observation { o.State, o.FailedOp = Error, op; return o }
	issues := func(o Observation) Observation { o.Facts.BlockingIssues = []string{"QuotaExceeded"}; return o }
	noRP := func(o Observation) Observation { o.Facts.HasRecoveryPoint = false; return o }
	target := func(o Observation) Observation { o.ActiveSite = SiteTarget; return o }
	st := func(s ...State) []State { return s }
	g := func(states []State, site Site) Goal { return Goal{States: states, ActiveSite: site} }
	req := func(op Op) []OpRequest { return []OpRequest{{Op: op}} }
	dl := Options{AllowDataLoss: true}
	no := Options{}

	cases := []struct {
		k    Kind
		obs  Observation
		goal Goal
		opts Options
		rule string
		op   Op
	}{
		// protection groups
		{ProtectionGroup, emptyGrp(Configured), g(nil, SiteTarget), no, "R002-1", OpEnableProtection},                        // the reported "wrong reason"
		{ProtectionGroup, emptyGrp(Configured), g(nil, SiteTarget), dl, "R002-1", OpEnableProtection},                        // never V-GRP-DELETE
		{ProtectionGroup, emptyGrp(Configured), g(st(FailedOver), ""), dl, "R002-1", OpEnableProtection},                     // failover needs pairs
		{ProtectionGroup, emptyGrp(Paused), g(st(Replicating), ""), no, "R002-1", OpEnableProtection},                        // enable needs pairs
		{ProtectionGroup, emptyGrp(Replicating), g(st(FailedOver), ""), dl, "R002-1", OpFailover},                            // already replicating
		{ProtectionGroup, noSync(grp(Configured)), g(nil, SiteTarget), dl, "V-SYNC-SITES", OpEnableProtection},               // the data-loss path
		{ProtectionGroup, standbyDown(healthy(grp(Paused))), g(st(Replicating), ""), no, "V-SYNC-SITES", OpEnableProtection}, // DR site down
		{ProtectionGroup, grp(Replicating), g(st(FailedOver), SiteTarget), no, "", ""},                                       // source down: failover is fine
		{ProtectionGroup, healthy(grp(Replicating)), g(st(FailedOver), SiteTarget), no, "R002-8", OpFailover},                // forced failover
		{ProtectionGroup, running(healthy(grp(Replicating))), g(nil, SiteTarget), no, "V-GRP-SWITCH", OpPlannedFailover},     // planned failover needs servers stopped
		{ProtectionGroup, drill(healthy(grp(Replicating))), g(nil, SiteTarget), no, "V-DRILL", OpPlannedFailover},            // drill blocks
		{ProtectionGroup, drill(grp(Replicating)), g(st(FailedOver), ""), no, "V-DRILL", OpFailover},                         // drill blocks failover
		{ProtectionGroup, noSync(grp(Replicating)), g(st(FailedOver), ""), no, "V-FIRST-SYNC", OpFailover},                   // first sync not done
		{ProtectionGroup, grp(FailedOver), g(st(Replicating), ""), no, "V-SYNC-SITES", OpReprotect},                          // DR site (active) down
		{ProtectionGroup, standbyDown(healthy(grp(FailedOver))), g(st(Replicating), ""), no, "R000-2", OpReprotect},          // old site not restored
		{ProtectionGroup, stbyRunning(healthy(grp(FailedOver))), g(st(Replicating), ""), no, "R000-4", OpReprotect},          // restored servers running
		{ProtectionGroup, drill(healthy(grp(FailedOver))), g(st(Replicating), ""), no, "V-DRILL", OpReprotect},               // drill blocks reprotect
		{ProtectionGroup, healthy(grp(Replicating)), Goal{States: st(Replicating), Required: req(OpStopDrill)}, no, "V-DRILL", OpStopDrill},
		{ProtectionGroup, noSync(grp(Replicating)), Goal{States: st(Replicating), Required: req(OpStartDrill)}, no, "V-FIRST-SYNC", OpStartDrill},
		{ProtectionGroup, grp(Paused), Goal{States: st(Paused), Required: req(OpStartDrill)}, no, "V-SYNC-SITES", OpEnableProtection}, // a drill needs replicating
		{ProtectionGroup, emptyGrp(Paused), Goal{States: st(Paused), Required: req(OpRemoveMember)}, no, "V-GRP-MEMBERS", OpRemoveMember},
		{ProtectionGroup, grp(FailedOver), Goal{States: st(Deleted)}, no, "V-GRP-DELETE", OpDelete},         // members first
		{ProtectionGroup, drill(emptyGrp(Paused)), Goal{States: st(Deleted)}, no, "V-GRP-DELETE", OpDelete}, // servers first
		{ProtectionGroup, grp(Reprotecting), g(st(FailedOver), ""), no, "V-SYNC-SITES", OpReprotect},        // waits, then failover is next... from replicating
		// replication pairs
		{ReplicationPair, healthy(pair(Replicating)), g(st(FailedOver), ""), no, "R002-8", OpFailover},
		{ReplicationPair, pair(Invalid), g(nil, SiteTarget), dl, "V-PAIR-SWITCH", OpSwitchover}, // then R001-1 (see below)
		{ReplicationPair, pair(Invalid), g(st(FailedOver), ""), dl, "R001-1", OpFailover},
		{ReplicationPair, pair(Starting), g(st(Replicating), ""), no, "V-SYNC-SITES", OpStart}, // a running first sync with the source down
		{ReplicationPair, pair(Configured), g(nil, SiteTarget), dl, "V-SYNC-SITES", OpStart},   // never synced, source down
		{ReplicationPair, standbyDown(healthy(pair(Paused))), g(st(Replicating), ""), no, "V-PAIR-START", OpStart},
		{ReplicationPair, attached(healthy(pair(Paused))), g(st(Replicating), ""), no, "V-PAIR-START", OpStart},
		{ReplicationPair, inGroup(healthy(pair(Replicating))), g(nil, SiteTarget), no, "V-PAIR-IN-GROUP", OpSwitchover},
		{ReplicationPair, inGroup(pair(Replicating)), g(st(FailedOver), ""), no, "V-PAIR-IN-GROUP", OpFailover},
		{ReplicationPair, noSync(pair(Paused)), g(st(FailedOver), ""), no, "V-FIRST-SYNC", OpFailover},
		{ReplicationPair, target(attached(healthy(pair(FailedOver)))), g(st(Replicating), ""), no, "V-PAIR-REPROT", OpReprotect},
		{ReplicationPair, standbyDown(healthy(pair(FailedOver))), g(st(Paused), SiteSource), no, "R000-2", OpReprotect},
		{ReplicationPair, pair(FailedOver), g(st(Deleted), ""), no, "", ""},                             // reprotect first: no data loss
		{ReplicationPair, standbyDown(pair(FailedOver)), g(st(Deleted), ""), no, "R000-2", OpReprotect}, // the lossless way first, then the opt-in (V-PAIR-DELETE)
		{ReplicationPair, errOf(pair(Paused), OpStart), g(st(Replicating), ""), no, "V-SYNC-SITES", OpStart},
		{ReplicationPair, func() Observation { o := syncable(pair(Configured)); o.Facts.ReplicationCapable = false; return o }(), g(st(Replicating), ""), no, "R001-5", OpStart},
		// recovery servers
		{RecoveryServer, srv(FailedOver), g(st(Standby), ""), no, "V-MANUAL-STEP", OpConfirmFailback},
		{RecoveryServer, srv(FailedOver), g(st(Standby), ""), dl, "V-MANUAL-STEP", OpConfirmFailback},
		{RecoveryServer, noRP(srv(Standby)), g(st(FailedOver), ""), no, "R004-2", OpFailover},
		{RecoveryServer, noRP(srv(Standby)), g(st(Testing), ""), no, "R004-2", OpTestFailover},
		{RecoveryServer, issues(srv(Standby)), g(st(FailedOver), ""), no, "V-ACR-LINKS", OpFailover},
		{RecoveryServer, issues(srv(Testing)), g(st(Standby), ""), no, "V-ACR-LINKS", OpStopTestFailover},
		{RecoveryServer, srv(Testing), g(st(FailedOver), ""), no, "", ""}, // stop the test, then fail over
		{RecoveryServer, srv(FailedOver), g(st(Deleted), ""), no, "V-MANUAL-STEP", OpConfirmFailback},
		{RecoveryServer, srv(ReadyForFailback), g(st(Testing), ""), no, "", ""}, // past the manual step already
		{RecoveryServer, srv(FailingBack), g(st(Standby), ""), no, "V-MANUAL-STEP", OpConfirmFailback},
		{RecoveryServer, srv(Finalizing), g(st(Testing), ""), no, "V-MANUAL-STEP", OpConfirmFailback},
		// backup replicas
		{BackupReplica, func() Observation { o := rep(); o.Facts.BackupType = "disk"; return o }(), g(st(Available), ""), no, "R003-1", OpReplicate},
		{BackupReplica, func() Observation { o := rep(); o.Facts.BackupIsReplica = true; return o }(), g(st(Available), ""), no, "R003-6", OpReplicate},
		{BackupReplica, func() Observation { o := rep(); o.Facts.ReplicaInDestination = true; return o }(), g(st(Available), ""), no, "R003-7", OpReplicate},
		{BackupReplica, func() Observation { o := rep(); o.Facts.VaultPurpose = "backup"; return o }(), g(st(Available), ""), no, "R003-11", OpReplicate},
	}
	if len(cases) < 40 {
		t.Fatalf("%d rows; the issue asks for at least 40", len(cases))
	}
	// the second refusals named in the comments above
	if _, vs := Plan(ReplicationPair, pair(Invalid), g(nil, SiteTarget), dl); findRule(vs, "R001-1") == nil {
		t.Errorf("invalid pair, active site target: want R001-1 among %v", vs)
	}
	if _, vs := Plan(ReplicationPair, standbyDown(pair(FailedOver)), g(st(Deleted), ""), no); findRule(vs, "V-PAIR-DELETE") == nil {
		t.Errorf("failed-over pair, standby down, delete: want V-PAIR-DELETE among %v", vs)
	}
	for i, c := range cases {
		t.Run(fmt.Sprintf("%02d_%s_%s", i, c.k, RenderState(c.obs.State, c.obs.FailedOp)), func(t *testing.T) {
			p, vs := Plan(c.k, c.obs, c.goal, c.opts)
			if c.rule == "" {
				if len(vs) > 0 {
					t.Fatalf("want a plan, got %v", vs)
				}
				return
			}
			if len(vs) == 0 {
				t.Fatalf("want %s refusing %s, got plan %q", c.rule, c.op, p.Summary())
			}
			first := vs[0]
			if first.Rule != c.rule || (c.op != "" && first.Op != c.op) {
				t.Fatalf("want %s refusing %s first, got %s refusing %s: %v", c.rule, c.op, first.Rule, first.Op, vs)
			}
		})
	}
}
