package lifecycle

import (
	"fmt"
	"testing"
)

// TestRefusalChoice pins which refusal Plan reports when a goal cannot be reached: one
// refusal (every cause in it), with the rule of the nearest blocked operation on the shortest
// way to the goal (from-states only), naming the operation the goal asks for (op) and the one
// on the way the rule refuses when another (step) — never an operation the goal does not need
// (a goal that does not ask for deletion is never "reached" by deleting) — and offering the
// nearest goal reachable now (offer, OffersString: "(stays)" when only staying is, "none" when
// no goal the configuration could declare is, "[allow_data_loss]" for one only the opt-in
// makes reachable).
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
	// the goals the provider sends: a desired-state attribute's states
	enabled, disabled := Desired(ProtectionGroup).States("enabled"), Desired(ProtectionGroup).States("disabled")
	replRunning, replPaused := Desired(ReplicationPair).States("running"), Desired(ReplicationPair).States("paused")
	notAdvertised := func(o Observation) Observation { o.Facts.AdvertisedOps = map[Op]bool{OpTestFailover: true}; return o }

	cases := []struct {
		k     Kind
		obs   Observation
		goal  Goal
		opts  Options
		rule  string
		op    Op     // the operation the goal asks for (Violation.Op)
		step  Op     // the operation on the way that the rule refuses, when another (Violation.Step)
		offer string // what the refusal offers instead (OffersString)
	}{
		// issue 26: the dead ends of the seed stories, as the provider asks for them
		{ProtectionGroup, grp(Replicating), g(enabled, SiteTarget), no, "V-GRP-SWITCH", OpPlannedFailover, "", "protection=disabled active_site=target: failover"},                 // source down: a failover leaves protection disabled (R002-3)
		{ProtectionGroup, running(grp(Replicating)), g(enabled, SiteTarget), no, "V-GRP-SWITCH", OpPlannedFailover, "", "protection=disabled active_site=target: failover"},        // two causes, one refusal
		{ProtectionGroup, noSync(grp(Configured)), g(disabled, SiteTarget), dl, "V-SYNC-SITES", OpFailover, OpEnableProtection, "protection=disabled active_site=source: (stays)"}, // never synchronised: the failover is refused, not enable_protection
		{ProtectionGroup, target(standbyDown(healthy(grp(FailedOver)))), g(enabled, SiteTarget), no, "R000-2", OpReprotect, "", "protection=disabled active_site=target: (stays)"},
		{ProtectionGroup, target(standbyDown(healthy(grp(FailedOver)))), g(enabled, SiteSource), no, "R000-2", OpPlannedFailover, OpReprotect, "protection=disabled active_site=target: (stays)"},
		{ProtectionGroup, running(healthy(grp(Replicating))), g(disabled, SiteTarget), no, "V-GRP-SWITCH", OpPlannedFailover, "", "protection=enabled active_site=source: (stays); protection=disabled active_site=target: failover [allow_data_loss]"}, // the lossless way first, then the opt-in (R002-8)
		{ProtectionGroup, healthy(grp(Replicating)), g(disabled, SiteTarget), no, "", "", "", ""},                                                                                                                                                       // the safe path: planned_failover → disable_protection
		{ReplicationPair, target(standbyDown(healthy(pair(FailedOver)))), g(replRunning, SiteTarget), no, "R000-2", OpStart, OpReprotect, "replication=paused active_site=target: (stays)"},
		{ReplicationPair, attached(healthy(pair(Paused))), g(replRunning, SiteSource), no, "V-PAIR-START", OpStart, "", "replication=paused active_site=source: (stays)"},
		{ReplicationPair, pair(Invalid), g(replPaused, SiteTarget), no, "R001-1", OpFailover, "", "none"},                                 // an invalid pair can only be deleted: failover's own rule (seed 001), switchover's in Also
		{RecoveryServer, notAdvertised(noRP(srv(Standby))), g(st(FailedOver), ""), no, "R004-2", OpFailover, "", "mode=standby: (stays)"}, // the links' absence is no second cause
		// protection groups
		{ProtectionGroup, emptyGrp(Configured), g(nil, SiteTarget), no, "R002-1", OpPlannedFailover, OpEnableProtection, "active_site=source: (stays)"},                                                     // the reported "wrong reason"
		{ProtectionGroup, emptyGrp(Configured), g(nil, SiteTarget), dl, "R002-1", OpPlannedFailover, OpEnableProtection, "active_site=source: (stays)"},                                                     // never V-GRP-DELETE
		{ProtectionGroup, emptyGrp(Configured), g(st(FailedOver), ""), dl, "R002-1", OpFailover, OpEnableProtection, "none"},                                                                                // failover needs pairs
		{ProtectionGroup, emptyGrp(Paused), g(st(Replicating), ""), no, "R002-1", OpEnableProtection, "", "protection=disabled: (stays)"},                                                                   // enable needs pairs
		{ProtectionGroup, emptyGrp(Replicating), g(st(FailedOver), ""), dl, "R002-1", OpFailover, "", "none"},                                                                                               // already replicating
		{ProtectionGroup, noSync(grp(Configured)), g(nil, SiteTarget), dl, "V-SYNC-SITES", OpFailover, OpEnableProtection, "active_site=source: (stays)"},                                                   // the data-loss path
		{ProtectionGroup, standbyDown(healthy(grp(Paused))), g(st(Replicating), ""), no, "V-SYNC-SITES", OpEnableProtection, "", "protection=disabled: (stays)"},                                            // DR site down
		{ProtectionGroup, grp(Replicating), g(st(FailedOver), SiteTarget), no, "", "", "", ""},                                                                                                              // source down: failover is fine
		{ProtectionGroup, healthy(grp(Replicating)), g(st(FailedOver), SiteTarget), no, "R002-8", OpFailover, "", "active_site=target: failover [allow_data_loss]"},                                         // forced failover
		{ProtectionGroup, running(healthy(grp(Replicating))), g(nil, SiteTarget), no, "V-GRP-SWITCH", OpPlannedFailover, "", "active_site=source: (stays); active_site=target: failover [allow_data_loss]"}, // planned failover needs servers stopped
		{ProtectionGroup, drill(healthy(grp(Replicating))), g(nil, SiteTarget), no, "V-DRILL", OpPlannedFailover, "", "active_site=source: (stays)"},                                                        // drill blocks
		{ProtectionGroup, drill(grp(Replicating)), g(st(FailedOver), ""), no, "V-DRILL", OpFailover, "", "none"},                                                                                            // drill blocks failover
		{ProtectionGroup, noSync(grp(Replicating)), g(st(FailedOver), ""), no, "V-FIRST-SYNC", OpFailover, "", "none"},                                                                                      // first sync not done
		{ProtectionGroup, grp(FailedOver), g(st(Replicating), ""), no, "V-SYNC-SITES", OpReprotect, "", "protection=disabled: (stays)"},                                                                     // DR site (active) down
		{ProtectionGroup, standbyDown(healthy(grp(FailedOver))), g(st(Replicating), ""), no, "R000-2", OpReprotect, "", "protection=disabled: (stays)"},                                                     // old site not restored
		{ProtectionGroup, stbyRunning(healthy(grp(FailedOver))), g(st(Replicating), ""), no, "R000-4", OpReprotect, "", "protection=disabled: (stays)"},                                                     // restored servers running
		{ProtectionGroup, drill(healthy(grp(FailedOver))), g(st(Replicating), ""), no, "V-DRILL", OpReprotect, "", "protection=disabled: (stays)"},                                                          // drill blocks reprotect
		{ProtectionGroup, healthy(grp(Replicating)), Goal{States: st(Replicating), Required: req(OpStopDrill)}, no, "V-DRILL", OpStopDrill, "", "none"},
		{ProtectionGroup, noSync(grp(Replicating)), Goal{States: st(Replicating), Required: req(OpStartDrill)}, no, "V-FIRST-SYNC", OpStartDrill, "", "none"},
		{ProtectionGroup, grp(Paused), Goal{States: st(Paused), Required: req(OpStartDrill)}, no, "V-SYNC-SITES", OpStartDrill, OpEnableProtection, "none"}, // a drill needs replicating
		{ProtectionGroup, emptyGrp(Paused), Goal{States: st(Paused), Required: req(OpRemoveMember)}, no, "V-GRP-MEMBERS", OpRemoveMember, "", "none"},
		{ProtectionGroup, grp(FailedOver), Goal{States: st(Deleted)}, no, "V-GRP-DELETE", OpDelete, "", "none"},          // members first
		{ProtectionGroup, drill(emptyGrp(Paused)), Goal{States: st(Deleted)}, no, "V-GRP-DELETE", OpDelete, "", "none"},  // servers first
		{ProtectionGroup, grp(Reprotecting), g(st(FailedOver), ""), no, "V-SYNC-SITES", OpFailover, OpReprotect, "none"}, // waits, then failover is next... from replicating
		// replication pairs
		{ReplicationPair, healthy(pair(Replicating)), g(st(FailedOver), ""), no, "R002-8", OpFailover, "", "none"},
		{ReplicationPair, pair(Invalid), g(nil, SiteTarget), dl, "R001-1", OpFailover, "", "active_site=source: (stays)"}, // V-PAIR-SWITCH in Also (see below)
		{ReplicationPair, pair(Invalid), g(st(FailedOver), ""), dl, "R001-1", OpFailover, "", "none"},
		{ReplicationPair, pair(Starting), g(st(Replicating), ""), no, "V-SYNC-SITES", OpStart, "", "none"},                              // a running first sync with the source down
		{ReplicationPair, pair(Configured), g(nil, SiteTarget), dl, "V-SYNC-SITES", OpFailover, OpStart, "active_site=source: (stays)"}, // never synced, source down
		{ReplicationPair, standbyDown(healthy(pair(Paused))), g(st(Replicating), ""), no, "V-PAIR-START", OpStart, "", "replication=paused: (stays)"},
		{ReplicationPair, attached(healthy(pair(Paused))), g(st(Replicating), ""), no, "V-PAIR-START", OpStart, "", "replication=paused: (stays)"},
		{ReplicationPair, inGroup(healthy(pair(Replicating))), g(nil, SiteTarget), no, "V-PAIR-IN-GROUP", OpSwitchover, "", "active_site=source: (stays)"},
		{ReplicationPair, inGroup(pair(Replicating)), g(st(FailedOver), ""), no, "V-PAIR-IN-GROUP", OpFailover, "", "none"},
		{ReplicationPair, noSync(pair(Paused)), g(st(FailedOver), ""), no, "V-FIRST-SYNC", OpFailover, "", "none"},
		{ReplicationPair, target(attached(healthy(pair(FailedOver)))), g(st(Replicating), ""), no, "V-PAIR-REPROT", OpStart, OpReprotect, "replication=paused: (stays)"},
		{ReplicationPair, standbyDown(healthy(pair(FailedOver))), g(st(Paused), SiteSource), no, "R000-2", OpReprotect, "", "none"},
		{ReplicationPair, pair(FailedOver), g(st(Deleted), ""), no, "", "", "", ""},                                                                 // reprotect first: no data loss
		{ReplicationPair, standbyDown(pair(FailedOver)), g(st(Deleted), ""), no, "R000-2", OpDelete, OpReprotect, "goal: delete [allow_data_loss]"}, // the lossless way first, then the opt-in (V-PAIR-DELETE)
		{ReplicationPair, errOf(pair(Paused), OpStart), g(st(Replicating), ""), no, "V-SYNC-SITES", OpStart, "", "none"},
		{ReplicationPair, func() Observation { o := syncable(pair(Configured)); o.Facts.ReplicationCapable = false; return o }(), g(st(Replicating), ""), no, "R001-5", OpStart, "", "replication=paused: (stays)"},
		// recovery servers
		{RecoveryServer, srv(FailedOver), g(st(Standby), ""), no, "V-MANUAL-STEP", OpConfirmFailback, "", "mode=ready_for_failback: failback; mode=standby: cancel_failover [allow_data_loss]"},
		{RecoveryServer, srv(FailedOver), g(st(Standby), ""), dl, "", "", "", ""}, // opted in: cancel_failover (R004-6)
		{RecoveryServer, noRP(srv(Standby)), g(st(FailedOver), ""), no, "R004-2", OpFailover, "", "mode=standby: (stays)"},
		{RecoveryServer, noRP(srv(Standby)), g(st(Testing), ""), no, "R004-2", OpTestFailover, "", "mode=standby: (stays)"},
		{RecoveryServer, issues(srv(Standby)), g(st(FailedOver), ""), no, "V-ACR-LINKS", OpFailover, "", "mode=standby: (stays)"},
		{RecoveryServer, issues(srv(Testing)), g(st(Standby), ""), no, "V-ACR-LINKS", OpStopTestFailover, "", "mode=test_failover: (stays)"},
		{RecoveryServer, srv(Testing), g(st(FailedOver), ""), no, "", "", "", ""}, // stop the test, then fail over
		{RecoveryServer, srv(FailedOver), g(st(Deleted), ""), no, "V-MANUAL-STEP", OpDelete, OpConfirmFailback, "goal: cancel_failover → delete [allow_data_loss]"},
		{RecoveryServer, srv(ReadyForFailback), g(st(Testing), ""), no, "", "", "", ""}, // past the manual step already
		{RecoveryServer, srv(FailingBack), g(st(Standby), ""), no, "V-MANUAL-STEP", OpConfirmFailback, "", "mode=ready_for_failback: (stays)"},
		{RecoveryServer, srv(Finalizing), g(st(Testing), ""), no, "V-MANUAL-STEP", OpTestFailover, OpConfirmFailback, "mode=ready_for_failback: failback; mode=test_failover: cancel_failover → test_failover [allow_data_loss]"},
		// backup replicas
		{BackupReplica, func() Observation { o := rep(); o.Facts.BackupType = "disk"; return o }(), g(st(Available), ""), no, "R003-1", OpReplicate, "", "none"},
		{BackupReplica, func() Observation { o := rep(); o.Facts.BackupIsReplica = true; return o }(), g(st(Available), ""), no, "R003-6", OpReplicate, "", "none"},
		{BackupReplica, func() Observation { o := rep(); o.Facts.ReplicaInDestination = true; return o }(), g(st(Available), ""), no, "R003-7", OpReplicate, "", "none"},
		{BackupReplica, func() Observation { o := rep(); o.Facts.VaultPurpose = "backup"; return o }(), g(st(Available), ""), no, "R003-11", OpReplicate, "", "none"},
	}
	if len(cases) < 40 {
		t.Fatalf("%d rows; the issue asks for at least 40", len(cases))
	}
	// the second refusals named in the comments above
	if _, vs := Plan(ReplicationPair, pair(Invalid), g(nil, SiteTarget), dl); findRule(vs, "V-PAIR-SWITCH") == nil {
		t.Errorf("invalid pair, active site target: want V-PAIR-SWITCH among %v", vs)
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
			if len(vs) != 1 {
				t.Fatalf("want one refusal, got %d: %v", len(vs), vs)
			}
			first := vs[0]
			if first.Rule != c.rule || first.Op != c.op || first.Step != c.step {
				t.Fatalf("want %s refusing %s (at %q), got %s refusing %s (at %q): %v", c.rule, c.op, c.step, first.Rule, first.Op, first.Step, vs)
			}
			if len(first.Also) > 0 && first.Rule == "R004-2" {
				t.Fatalf("a consequence reported as a second cause: %v", first.Also)
			}
			if got := OffersString(first.Offers); !first.Offered || got != c.offer {
				t.Fatalf("offers %q (offered %v), want %q", got, first.Offered, c.offer)
			}
		})
	}
}
