package lifecycle

import (
	"slices"
	"strings"
	"testing"
)

// allObservedStates lists every state of a kind, with error{op} for each op, plus "" (none).
func allObservedStates(k Kind) []StateRef {
	t := Table(k)
	refs := []StateRef{{}}
	for _, s := range t.StateNames() {
		if s == Error {
			for _, o := range t.Operations() {
				refs = append(refs, StateRef{Error, o.Name})
			}
			continue
		}
		refs = append(refs, StateRef{State: s})
	}
	return refs
}

// Every operation × every state: refused by state exactly where the table says, naming the
// operation's from-rule.
func TestEveryOperationEveryState(t *testing.T) {
	t.Parallel()
	for _, k := range Kinds {
		tab := Table(k)
		for _, op := range tab.Operations() {
			for _, ref := range allObservedStates(k) {
				obs := goodObs(k, ref.State)
				obs.FailedOp = ref.FailedOp
				vs := Check(k, op.Name, obs, Options{AllowDataLoss: true})
				var fromV *Violation
				for i := range vs {
					if vs[i].Precondition == "from_state" {
						fromV = &vs[i]
					}
				}
				allowed := op.IsFrom(ref.State, ref.FailedOp)
				if allowed && fromV != nil {
					t.Errorf("%s %s from %s: refused by state: %s", k, op.Name, ref, fromV.Message)
				}
				if !allowed {
					if fromV == nil {
						t.Errorf("%s %s from %s: not refused", k, op.Name, ref)
						continue
					}
					want := op.FromRule
					if op.FromRefusal != nil {
						if r, _ := op.FromRefusal(&obs); r != "" {
							want = r
						}
					}
					if fromV.Rule != want || !strings.HasPrefix(fromV.Message, want+":") || fromV.Remedy == "" {
						t.Errorf("%s %s from %s: rule %s (want %s): %s", k, op.Name, ref, fromV.Rule, want, fromV.Message)
					}
					if fromV.State != RenderState(ref.State, ref.FailedOp) {
						t.Errorf("observed state not reported: %+v", fromV)
					}
				}
			}
		}
	}
}

// Key rows, written out so that a table edit that breaks them fails here.
func TestKeyRows(t *testing.T) {
	t.Parallel()
	type row struct {
		k     Kind
		op    Op
		state string
		ok    bool
		rule  string
	}
	rows := []row{
		{ReplicationPair, OpStart, "configured", true, ""},
		{ReplicationPair, OpStart, "paused", true, ""},
		{ReplicationPair, OpStart, "error{start}", true, ""},
		{ReplicationPair, OpStart, "error{stop}", false, "V-PAIR-START"},
		{ReplicationPair, OpStart, "failed_over", false, "V-PAIR-START"},
		{ReplicationPair, OpStop, "replicating", true, ""},
		{ReplicationPair, OpStop, "configured", false, "V-PAIR-STOP"},
		{ReplicationPair, OpFailover, "paused", true, ""},
		{ReplicationPair, OpFailover, "failing_over", true, ""},
		{ReplicationPair, OpFailover, "error{switchover}", true, ""},
		{ReplicationPair, OpFailover, "invalid", false, "R001-1"},
		{ReplicationPair, OpFailover, "configured", false, "R001-1"},
		{ReplicationPair, OpReprotect, "failed_over", true, ""},
		{ReplicationPair, OpReprotect, "paused", false, "V-PAIR-REPROT"},
		{ReplicationPair, OpDelete, "configured", true, ""},
		{ReplicationPair, OpDelete, "error{failover}", true, ""},
		{ReplicationPair, OpDelete, "starting", false, "V-PAIR-DELETE"},
		{ReplicationPair, OpUpdate, "replicating", false, "V-STATE"},
		{ProtectionGroup, OpEnableProtection, "paused", true, ""},
		{ProtectionGroup, OpEnableProtection, "failed_over", false, "R002-6"},
		{ProtectionGroup, OpEnableProtection, "error{reprotect}", false, "R002-6"},
		{ProtectionGroup, OpFailover, "replicating", true, ""},
		{ProtectionGroup, OpFailover, "error{planned_failover}", true, ""},
		{ProtectionGroup, OpFailover, "paused", false, "R002-2"},
		{ProtectionGroup, OpPlannedFailover, "replicating", true, ""},
		{ProtectionGroup, OpPlannedFailover, "failed_over", false, "V-GRP-SWITCH"},
		{ProtectionGroup, OpReprotect, "failed_over", true, ""},
		{ProtectionGroup, OpReprotect, "replicating", false, "R000-1"},
		{ProtectionGroup, OpReprotect, "switching_over", false, "R000-3"},
		{ProtectionGroup, OpAddMember, "configured", true, ""},
		{ProtectionGroup, OpAddMember, "replicating", false, "V-GRP-MEMBERS"},
		{ProtectionGroup, OpStartDrill, "replicating", true, ""},
		{ProtectionGroup, OpStartDrill, "failed_over", false, "V-DRILL"},
		{BackupReplica, OpReplicate, "", true, ""},
		{BackupReplica, OpReplicate, "error{replicate}", true, ""},
		{BackupReplica, OpReplicate, "available", false, "R003-7"},
		{BackupReplica, OpDelete, "available", true, ""},
		{BackupReplica, OpDelete, "replicating", false, "V-STATE"},
		{RecoveryServer, OpFailover, "standby", true, ""},
		{RecoveryServer, OpFailover, "testing", false, "R004-8"},
		{RecoveryServer, OpTestFailover, "standby", true, ""},
		{RecoveryServer, OpStopTestFailover, "testing", true, ""},
		{RecoveryServer, OpFailback, "failed_over", true, ""},
		{RecoveryServer, OpConfirmFailback, "ready_for_failback", true, ""},
		{RecoveryServer, OpCancelFailback, "ready_for_failback", true, ""},
		{RecoveryServer, OpCancelFailover, "failed_over", true, ""},
		{RecoveryServer, OpCancelFailover, "error{finalize}", true, ""},
		{RecoveryServer, OpDelete, "standby", true, ""},
		{RecoveryServer, OpDelete, "testing", false, "R004-8"},
	}
	for _, r := range rows {
		ref := ParseStateRef(r.state)
		o := goodObs(r.k, ref.State)
		o.FailedOp = ref.FailedOp
		o.Facts.MemberCount = 1
		o.Facts.ActiveSiteHealthy = true
		if r.k == ProtectionGroup && r.op == OpDelete {
			o.Facts.MemberCount = 0
		}
		vs := Blocking(Check(r.k, r.op, o, Options{AllowDataLoss: true}))
		if r.ok && len(vs) > 0 {
			t.Errorf("%s %s from %s: want allowed, got %v", r.k, r.op, r.state, vs)
		}
		if !r.ok && (len(vs) == 0 || vs[0].Rule != r.rule) {
			t.Errorf("%s %s from %s: want %s, got %v", r.k, r.op, r.state, r.rule, vs)
		}
	}
}

func TestAllowedOperations(t *testing.T) {
	t.Parallel()
	got := AllowedOperations(ProtectionGroup, grp(Replicating), Options{})
	// the active site is down in grp(): no planned failover, failover without opt-in
	want := []Op{OpAddServer, OpDisableProtection, OpFailover, OpStartDrill, OpUpdate}
	if !slices.Equal(got, want) {
		t.Fatalf("got %v want %v", got, want)
	}
	if !slices.IsSorted(got) {
		t.Fatal("not sorted")
	}
	h := grp(Replicating)
	h.Facts.ActiveSiteHealthy = true
	if slices.Contains(AllowedOperations(ProtectionGroup, h, Options{}), OpFailover) {
		t.Fatal("forced failover allowed without opt-in")
	}
	if !slices.Contains(AllowedOperations(ProtectionGroup, h, Options{AllowDataLoss: true}), OpFailover) {
		t.Fatal("failover with opt-in")
	}
	if got := AllowedOperations(RecoveryServer, srv(Finalizing), Options{}); len(got) != 0 {
		t.Fatal(got)
	}
	if AllowedOperations("nope", Observation{}, Options{}) != nil {
		t.Fatal("unknown kind")
	}
	if got := AllowedOperations(BackupReplica, Observation{}, Options{}); len(got) != 0 {
		t.Fatal("create-like ops are not listed", got)
	}
}

func TestTableAccessors(t *testing.T) {
	t.Parallel()
	for _, k := range Kinds {
		tab := Table(k)
		if tab == nil || tab.Kind != k || len(tab.States()) == 0 || len(tab.Operations()) == 0 {
			t.Fatal(k)
		}
		if tab.CreateOperation() == nil {
			t.Errorf("%s: no create", k)
		}
		for _, s := range tab.States() {
			if tab.Class(s.State) != s.Class || !tab.HasState(s.State) || s.Description == "" {
				t.Errorf("%s %s", k, s.State)
			}
			if s.Class == Transitional && tab.Settle(s.State) == nil {
				t.Errorf("%s: transitional %s settles nowhere", k, s.State)
			}
		}
		for _, o := range tab.Operations() {
			if o.Description == "" {
				t.Errorf("%s %s: no description", k, o.Name)
			}
			if o.Via != "" && tab.Class(o.Via) != Transitional {
				t.Errorf("%s %s: via %s is not transitional", k, o.Name, o.Via)
			}
			if o.OnSuccess != "" && !tab.HasState(o.OnSuccess) {
				t.Errorf("%s %s: result %s unknown", k, o.Name, o.OnSuccess)
			}
			for _, f := range o.From {
				if f.State != "" && !tab.HasState(f.State) {
					t.Errorf("%s %s: from %s unknown", k, o.Name, f)
				}
			}
			if got, ok := tab.Operation(o.Name); !ok || got != o {
				t.Errorf("lookup %s", o.Name)
			}
		}
	}
	if Table("nope") != nil || Table(ReplicationPair).Settle(Replicating) != nil || Table(ReplicationPair).Class("zzz") != "" {
		t.Fatal("unknowns")
	}
	if RenderState("", "") != "(none)" || RenderState(Error, OpStart) != "error{start}" || (StateRef{}).String() != "(none)" {
		t.Fatal("render")
	}
	if r := ParseStateRef("error{*}"); !r.Matches(Error, OpFailover) || r.String() != "error{*}" {
		t.Fatal(r)
	}
	if SiteTarget.Other() != SiteSource || SiteSource.Other() != SiteTarget {
		t.Fatal("sites")
	}
}

func TestDiagramsAndDocs(t *testing.T) {
	t.Parallel()
	for _, k := range Kinds {
		m := Mermaid(k)
		if !strings.HasPrefix(m, "stateDiagram-v2\n") || m != Mermaid(k) {
			t.Fatalf("%s: %q", k, m)
		}
		for _, s := range Table(k).StateNames() {
			if !strings.Contains(m, "as "+string(s)+"\n") {
				t.Errorf("%s: state %s missing", k, s)
			}
		}
		ops := OperationsMarkdown(k)
		for _, o := range Table(k).Operations() {
			if !strings.Contains(ops, "`"+string(o.Name)+"`") {
				t.Errorf("%s: op %s missing from markdown", k, o.Name)
			}
		}
		if !strings.Contains(StatesMarkdown(k), "| state |") || !strings.Contains(RulesMarkdown(k), "**") {
			t.Error(k)
		}
	}
	if !strings.Contains(Mermaid(RecoveryServer), "finalizing --> failed_over: finalize (platform)") {
		t.Error(Mermaid(RecoveryServer))
	}
	if !strings.Contains(Mermaid(ProtectionGroup), "replicating --> failing_over: failover ⚠ ⇄") {
		t.Error(Mermaid(ProtectionGroup))
	}
	if !strings.Contains(OperationsMarkdown(ProtectionGroup), "R002-1") {
		t.Error("rule IDs missing")
	}
	if Mermaid("x") != "" || OperationsMarkdown("x") != "" || StatesMarkdown("x") != "" {
		t.Error("unknown kind")
	}
}

func TestViolationHelpers(t *testing.T) {
	t.Parallel()
	vs := Violations{{Message: "a", Deferred: true}, {Message: "b"}}
	if vs.Error() != "a\nb" || vs[1].Error() != "b" || len(Blocking(vs)) != 1 || len(DeferredOnly(vs)) != 1 {
		t.Fatal(vs)
	}
	op, _ := Table(ProtectionGroup).Operation(OpFailover)
	o := grp(Replicating)
	if op.IsDataLoss(o) {
		t.Fatal("faulty site failover is not data loss")
	}
	o.Facts.Unknown = map[string]bool{FactSiteHealth: true}
	if !op.IsDataLoss(o) {
		t.Fatal("unknown health: possible data loss")
	}
	st, _ := Table(ProtectionGroup).Operation(OpStartDrill)
	if st.IsDataLoss(o) {
		t.Fatal("drill")
	}
	if capitalize("") != "" {
		t.Fatal("capitalize")
	}
	if (Step{Op: OpFailover, Wait: true, From: StateRef{State: FailingOver}, To: FailedOver, SiteFlip: true, ActiveSite: SiteTarget, DataLoss: true}).String() != "wait for failover: failing_over → failed_over (active site: target) [data loss]" {
		t.Fatal("step string")
	}
}
