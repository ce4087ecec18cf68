package alibaba

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	alibabaemu "github.com/dr-provider/terraform-provider-dr/internal/emulator/alibaba"
	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
)

// The cross-check (issue 23): every documented EBS status × every operation of the vendor's
// allow-list (the emulator's table, written from Alibaba's documentation), the status mapped
// through the driver's mapping to the engine's state, decided by lifecycle.Check with the
// driver's capabilities — and the same for the preconditions the vendor documents. Every
// difference is printed (go test -v -run CrossCheck); the test fails on any difference without
// an explanation below. An engine looser than the vendor is a plan that lies: it is settled in
// the driver's Capabilities (NotFrom, Unobservable, Chosen, MemberLimit) or the engine's table,
// never explained away. An engine stricter than the vendor names the rule whose statement
// (internal/lifecycle/rules.go) gives the reason.

// good are facts under which every precondition the engine reads holds, as the driver reports
// them (site health and the one-shot interval are unobservable on EBS).
func goodFacts(kind lifecycle.Kind, op lifecycle.Op) lifecycle.Facts {
	f := lifecycle.Facts{MemberCount: 1, FirstSyncDone: true, ReplicationCapable: true,
		ActiveServersStopped: true, StandbyServersStopped: true, ActiveRegion: "cn-hangzhou", StandbyRegion: "cn-shanghai",
		Unknown: map[string]bool{lifecycle.FactSiteHealth: true, lifecycle.FactSyncOnce: true}}
	f.DrillActive = op == lifecycle.OpStopDrill // a drill to clear (groups' and pairs')
	if kind == lifecycle.ProtectionGroup {
		switch op {
		case lifecycle.OpAddMember:
			f.CandidatePairID, f.CandidateState, f.CandidateSameSites = "pair-x", lifecycle.Configured, true
		case lifecycle.OpRemoveMember:
			f.CandidatePairID, f.CandidateGroupID = "pair-x", "x" // a member of this group (the observation's ID)
		}
	}
	return f
}

func goodSituation(status string, op lifecycle.Op) alibabaemu.Situation {
	s := alibabaemu.Situation{Status: status, RecoveryPoint: true, FirstSyncDone: true, Pairs: 1, PairStatus: "created", SameDirection: true,
		DrillActive: op == lifecycle.OpStopDrill}
	if op == lifecycle.OpRemoveMember {
		s.PairGroup = "this"
	}
	return s
}

// scenario is a precondition the vendor documents, put on both sides: the vendor's situation
// and the engine's facts.
type scenario struct {
	name     string
	ops      []lifecycle.Op // the operations it concerns (nil: all)
	vendor   func(s *alibabaemu.Situation)
	engine   func(f *lifecycle.Facts)
	kinds    []lifecycle.Kind
	statuses []string // the statuses it is checked in (those the calls are allowed from)
}

var scenarios = []scenario{
	{"standby disk attached", nil, func(s *alibabaemu.Situation) { s.StandbyAttached = true }, func(f *lifecycle.Facts) { f.StandbyVolumeAttached = true },
		[]lifecycle.Kind{lifecycle.ReplicationPair, lifecycle.ProtectionGroup}, []string{"created", "stopped", "failovered"}},
	{"group without pairs", nil, func(s *alibabaemu.Situation) { s.Pairs = 0 }, func(f *lifecycle.Facts) { f.MemberCount = 0 },
		[]lifecycle.Kind{lifecycle.ProtectionGroup}, []string{"created", "stopped", "normal"}},
	{"no first sync", nil, func(s *alibabaemu.Situation) { s.FirstSyncDone, s.RecoveryPoint = false, false }, func(f *lifecycle.Facts) { f.FirstSyncDone = false },
		[]lifecycle.Kind{lifecycle.ReplicationPair, lifecycle.ProtectionGroup}, []string{"normal", "stopped"}},
	{"one-shot sync too soon", nil, func(s *alibabaemu.Situation) { s.SyncOnceTooSoon = true }, func(f *lifecycle.Facts) {},
		[]lifecycle.Kind{lifecycle.ReplicationPair, lifecycle.ProtectionGroup}, []string{"created", "stopped"}},
	{"group full", nil, func(s *alibabaemu.Situation) { s.Pairs = alibabaemu.MaxPairsPerGroup }, func(f *lifecycle.Facts) { f.MemberCount = MaxPairsPerGroup },
		[]lifecycle.Kind{lifecycle.ProtectionGroup}, []string{"created", "stopped"}},
	// a removal's candidate is always a member: the engine plans remove_member only for the
	// pairs the group is observed to hold (its replication_pair_ids), so only adding asks
	{"pair in another group", []lifecycle.Op{lifecycle.OpAddMember}, func(s *alibabaemu.Situation) { s.PairGroup = "other" }, func(f *lifecycle.Facts) { f.CandidateGroupID = "other-group" },
		[]lifecycle.Kind{lifecycle.ProtectionGroup}, []string{"created", "stopped"}},
	{"pair in the other direction", nil, func(s *alibabaemu.Situation) { s.SameDirection = false }, func(f *lifecycle.Facts) { f.CandidateSameSites = false },
		[]lifecycle.Kind{lifecycle.ProtectionGroup}, []string{"created", "stopped"}},
	{"pair replicating", nil, func(s *alibabaemu.Situation) { s.PairStatus = "normal" }, func(f *lifecycle.Facts) { f.CandidateState = lifecycle.Replicating },
		[]lifecycle.Kind{lifecycle.ProtectionGroup}, []string{"created", "stopped"}},
	{"a drill running", nil, func(s *alibabaemu.Situation) { s.DrillActive = true }, func(f *lifecycle.Facts) { f.DrillActive = true },
		[]lifecycle.Kind{lifecycle.ReplicationPair, lifecycle.ProtectionGroup}, []string{"normal", "failovered", "stopped"}},
}

// divergence is one difference: the engine allows what the vendor refuses ("looser") or refuses
// what the vendor allows ("stricter").
type divergence struct {
	kind     lifecycle.Kind
	call     string // Action (and variant)
	op       lifecycle.Op
	status   string // the vendor status
	state    string // the engine state it maps to
	scenario string
	looser   bool
	engine   string // the engine's refusal (rule: message) or "allows"
	vendor   string // the vendor's code or "allows"
	deferred bool   // the engine allows only because the fact is unobservable: the platform decides
}

func (d divergence) key() string {
	k := fmt.Sprintf("%s/%s/%s", d.kind, d.op, d.status)
	if d.scenario != "" {
		k += "/" + d.scenario
	}
	return k
}

// explanation says why the engine is stricter (the rule whose statement gives the reason, and a
// phrase of that statement) or why a looser engine is not a lie (the platform decides a fact
// its API does not report: Capabilities.Unobservable).
type explanation struct {
	rule, phrase, why string
}

// Reasons the engine is stricter, by rule (the phrase must be in the rule's statement).
var (
	waits   = explanation{"V-STATE", "waits for the running one to finish", "an operation runs (a transitional status): the engine issues none until it ends"}
	done    = explanation{"V-STATE", "reports done", "the call's result holds already (the vendor accepts it and changes nothing): the engine reports the step done without a call"}
	failed  = explanation{"V-STATE", "retrying it or deleting", "after a failed operation the engine retries that operation (or deletes the object); it plans nothing else from an error state"}
	noSync  = explanation{"V-FIRST-SYNC", "first full synchronisation", "no recovery point at the standby site yet: a failover would reach a site without data"}
	r0022   = explanation{"R002-2", "protection enabled", "a group fails over from replicating (protection enabled), as seed 002 requires"}
	drill   = explanation{"V-DRILL", "replicating with the first sync done", "a drill is started from a replicating group and stopped where one can run"}
	unobs   = explanation{"V-SYNC-ONCE", "rate-limits", "the one-shot interval is unobservable (Capabilities.Unobservable): the platform's ManualSyncLimit decides, never retried"}
	inDrill = explanation{"V-DRILL", "while a drill runs", "no real failover or reprotect while a drill runs: stop the drill first"}
	// EBS documents no drill precondition on DeleteDiskReplicaPair; the engine clears a pair's
	// drill before it deletes the pair (a destroy stops the drill first)
	drillDel = explanation{"V-DRILL", "no delete of a pair with a drill", "a pair's drill is stopped (ClearPairDrill) before the pair is deleted"}
)

// explained lists every divergence the cross-check prints, by key: nothing else may differ.
var explained = map[string]explanation{}

func init() {
	add := func(e explanation, keys ...string) {
		for _, k := range keys {
			explained[k] = e
		}
	}
	for _, s := range []string{"creating", "initial_syncing", "manual_syncing", "stopping", "reprotecting", "deleting"} {
		add(waits, "replication_pair/failover/"+s)
	}
	add(noSync, "replication_pair/failover/created", "replication_pair/failover/create_failed")
	add(failed, "replication_pair/failover/stop_failed", "replication_pair/failover/reprotect_failed", "replication_pair/failover/delete_failed")
	add(done, "replication_pair/failover/failovered")
	add(done, "protection_group/enable_protection/syncing", "protection_group/enable_protection/normal",
		"protection_group/sync_once/manual_syncing", "protection_group/disable_protection/stopped", "protection_group/failover/failovered")
	add(waits, "protection_group/disable_protection/stopping", "protection_group/failover/manual_syncing", "protection_group/failover/stopping",
		"protection_group/failover/failovering", "protection_group/delete/deleting")
	add(r0022, "protection_group/failover/stopped")
	add(failed, "protection_group/failover/stop_failed")
	for _, s := range alibabaemu.GroupStatuses {
		if s != "normal" && s != "syncing" && s != "creating" && s != "create_failed" && s != "deleting" && s != "deleted" {
			add(drill, "protection_group/start_drill/"+s)
		}
		switch s {
		case "creating", "initial_syncing", "manual_syncing", "stopping", "failovering", "reprotecting", "deleting":
			add(waits, "protection_group/stop_drill/"+s)
		case "created":
			add(drill, "protection_group/stop_drill/"+s)
		}
	}
	// pair drills (StartPairDrill/ClearPairDrill) as the group's: EBS gates neither by status
	for _, s := range alibabaemu.PairStatuses {
		if s != "normal" && s != "syncing" && s != "creating" && s != "create_failed" && s != "deleting" && s != "deleted" {
			add(drill, "replication_pair/start_drill/"+s)
		}
		switch s {
		case "creating", "initial_syncing", "manual_syncing", "stopping", "failovering", "reprotecting", "deleting":
			add(waits, "replication_pair/stop_drill/"+s)
		case "created":
			add(drill, "replication_pair/stop_drill/"+s)
		}
	}
	add(inDrill, "replication_pair/failover/normal/a drill running", "replication_pair/failover/stopped/a drill running",
		"replication_pair/reprotect/failovered/a drill running", "replication_pair/revert_failover/failovered/a drill running")
	add(drillDel, "replication_pair/delete/failovered/a drill running", "replication_pair/delete/stopped/a drill running")
	add(unobs, "replication_pair/sync_once/created/one-shot sync too soon", "replication_pair/sync_once/stopped/one-shot sync too soon",
		"protection_group/sync_once/created/one-shot sync too soon", "protection_group/sync_once/stopped/one-shot sync too soon")
	add(inDrill, "protection_group/failover/normal/a drill running", "protection_group/reprotect/failovered/a drill running",
		"protection_group/revert_failover/failovered/a drill running")
	add(noSync, "replication_pair/failover/normal/no first sync", "replication_pair/failover/stopped/no first sync")
}

// engineDecides runs lifecycle.Check as a plan would, with the driver's capabilities.
func engineDecides(kind lifecycle.Kind, op lifecycle.Op, status string, facts lifecycle.Facts, caps *lifecycle.Capabilities) (allowed, deferred bool, why string) {
	st, failed, _ := vendorState(status, "", map[lifecycle.Kind]lifecycle.Op{lifecycle.ReplicationPair: lifecycle.OpStop, lifecycle.ProtectionGroup: lifecycle.OpDisableProtection}[kind])
	obs := lifecycle.Observation{Kind: kind, ID: "x", Name: "x", State: st, FailedOp: failed, ActiveSite: lifecycle.SiteSource, Facts: facts, Platform: caps}
	vs := lifecycle.Check(kind, op, obs, lifecycle.Options{AllowDataLoss: true, Platform: caps})
	if b := lifecycle.Blocking(vs); len(b) > 0 {
		return false, false, b[0].Rule + ": " + b[0].Message
	}
	for _, v := range vs {
		if v.Deferred && v.Unobservable {
			deferred = true
		}
	}
	return true, deferred, "allows"
}

func vendorDecides(r alibabaemu.Rule, s alibabaemu.Situation) (bool, string) {
	v := r.Decide(s)
	if v.Allowed {
		return true, "allows"
	}
	return false, v.Code
}

func crossCheck(caps *lifecycle.Capabilities) []divergence {
	var out []divergence
	for _, r := range alibabaemu.AllowList() {
		call := r.Action
		if r.Variant != "" {
			call += "(" + r.Variant + ")"
		}
		statuses := alibabaemu.PairStatuses
		if r.Kind == lifecycle.ProtectionGroup {
			statuses = alibabaemu.GroupStatuses
		}
		compare := func(status, scenario string, sit alibabaemu.Situation, facts lifecycle.Facts) {
			if status == "deleted" {
				return // gone: the driver reports NotFound, no operation is asked of it
			}
			va, vwhy := vendorDecides(r, sit)
			ea, deferred, ewhy := engineDecides(r.Kind, r.Op, status, facts, caps)
			if va == ea && !(va && deferred && scenario != "") {
				return
			}
			if va && ea {
				return
			}
			st, failed, _ := vendorState(status, "", lifecycle.OpStop)
			out = append(out, divergence{kind: r.Kind, call: call, op: r.Op, status: status, state: lifecycle.RenderState(st, failed),
				scenario: scenario, looser: ea && !va, engine: ewhy, vendor: vwhy, deferred: deferred})
		}
		for _, status := range statuses {
			compare(status, "", goodSituation(status, r.Op), goodFacts(r.Kind, r.Op))
		}
		for _, sc := range scenarios {
			if !containsKind(sc.kinds, r.Kind) || (sc.ops != nil && !containsOp(sc.ops, r.Op)) {
				continue
			}
			for _, status := range sc.statuses {
				sit, facts := goodSituation(status, r.Op), goodFacts(r.Kind, r.Op)
				sc.vendor(&sit)
				sc.engine(&facts)
				baseV, _ := vendorDecides(r, goodSituation(status, r.Op))
				baseE, _, _ := engineDecides(r.Kind, r.Op, status, goodFacts(r.Kind, r.Op), caps)
				if !baseV || !baseE {
					continue // refused by status already: the scenario says nothing more
				}
				compare(status, sc.name, sit, facts)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].key() < out[j].key() })
	return out
}

func containsOp(ops []lifecycle.Op, op lifecycle.Op) bool {
	for _, x := range ops {
		if x == op {
			return true
		}
	}
	return false
}

func containsKind(ks []lifecycle.Kind, k lifecycle.Kind) bool {
	for _, x := range ks {
		if x == k {
			return true
		}
	}
	return false
}

func TestVendorAllowListCrossCheck(t *testing.T) {
	d, err := New(Config{AccessKeyID: "a", AccessKeySecret: "b", Region: "cn-hangzhou"})
	if err != nil {
		t.Fatal(err)
	}
	caps := d.Capabilities()
	ds := crossCheck(caps)
	seen := map[string]bool{}
	for _, dv := range ds {
		side := "engine stricter"
		if dv.looser {
			side = "ENGINE LOOSER"
		}
		e, ok := explained[dv.key()]
		t.Logf("%-70s %-16s %-44s engine %s; vendor %s", dv.key(), side, dv.call, firstLine(dv.engine), dv.vendor)
		seen[dv.key()] = true
		switch {
		case !ok:
			t.Errorf("unexplained: %s (%s): the vendor %s, the engine %s", dv.key(), side, dv.vendor, dv.engine)
		case dv.looser && !dv.deferred:
			t.Errorf("%s: the engine is looser than the vendor — a plan that lies; settle it in the driver's Capabilities or the engine's table, not here", dv.key())
		default:
			r, found := lifecycle.RuleByID(e.rule)
			if !found || !strings.Contains(r.Statement, e.phrase) {
				t.Errorf("%s: explained by %s, whose statement does not say %q (write the reason into the rule)", dv.key(), e.rule, e.phrase)
			}
		}
	}
	for k := range explained {
		if !seen[k] {
			t.Errorf("explained but no longer a divergence: %s (drop it)", k)
		}
	}
}

func firstLine(s string) string {
	if len(s) > 120 {
		s = s[:120] + "…"
	}
	return s
}
