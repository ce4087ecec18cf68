package lifecycle

import (
	"fmt"
	"strings"
	"testing"
)

// requests returns n requests of op with the parameter param = prefix0, prefix1, ...
func requests(op Op, param, prefix string, n int) []OpRequest {
	out := make([]OpRequest, n)
	for i := range out {
		out[i] = OpRequest{Op: op, Params: map[string]string{param: fmt.Sprint(prefix, i)}}
	}
	return out
}

// runs compresses a plan's summary: "disable_protection → add_member×100 → enable_protection".
func runs(p Path) string {
	var out []string
	for i := 0; i < len(p.Steps); {
		j := i
		for j < len(p.Steps) && p.Steps[j].Op == p.Steps[i].Op && p.Steps[j].Wait == p.Steps[i].Wait {
			j++
		}
		s := string(p.Steps[i].Op)
		if p.Steps[i].Wait {
			s = "wait(" + s + ")"
		}
		if j-i > 1 {
			s += fmt.Sprintf("×%d", j-i)
		}
		out = append(out, s)
		i = j
	}
	return strings.Join(out, " → ")
}

// paramsInOrder checks that the steps of op carry the requests' parameters in the order given.
func paramsInOrder(t *testing.T, p Path, goal Goal, op Op) {
	t.Helper()
	var want, got []string
	for _, r := range goal.Required {
		if r.Op == op {
			want = append(want, fmt.Sprint(r.Params))
		}
	}
	for _, s := range p.Steps {
		if s.Op == op {
			got = append(got, fmt.Sprint(s.Params))
		}
	}
	if strings.Join(got, ";") != strings.Join(want, ";") {
		t.Fatalf("%s params %v, want %v", op, got, want)
	}
}

func TestPlanManyAddMembers(t *testing.T) {
	t.Parallel()
	goal := Goal{States: []State{Replicating}, Required: requests(OpAddMember, "pair_id", "p", 100)}
	for _, n := range []int{50, 100} {
		goal := Goal{States: goal.States, Required: goal.Required[:n]}
		p, vs := Plan(ProtectionGroup, syncable(grp(Replicating)), goal, Options{})
		if want := fmt.Sprintf("disable_protection → add_member×%d → enable_protection", n); len(vs) > 0 || runs(p) != want {
			t.Fatalf("got %q %v, want %q", runs(p), vs, want)
		}
		paramsInOrder(t, p, goal, OpAddMember)
		end := replay(t, ProtectionGroup, syncable(grp(Replicating)), goal, Options{}, p)
		if end.Facts.MemberCount != 2+n || p.Steps[len(p.Steps)-1].Index != n+1 {
			t.Fatal(end.Facts.MemberCount, p.Steps[len(p.Steps)-1].Index)
		}
	}
}

func TestPlanDeleteGroupWithManyMembers(t *testing.T) {
	t.Parallel()
	o := grp(Replicating)
	o.Facts.MemberCount, o.Facts.ServerCount = 100, 3
	goal := Goal{States: []State{Deleted}, Required: append(requests(OpRemoveMember, "pair_id", "p", 100), requests(OpRemoveServer, "server_id", "s", 3)...)}
	p, vs := Plan(ProtectionGroup, o, goal, Options{})
	if len(vs) > 0 || p.Steps[0].Op != OpDisableProtection || p.Steps[len(p.Steps)-1].Op != OpDelete || len(p.Steps) != 105 || p.State != Deleted {
		t.Fatalf("got %q %v", runs(p), vs)
	}
	paramsInOrder(t, p, goal, OpRemoveMember)
	paramsInOrder(t, p, goal, OpRemoveServer)
	replay(t, ProtectionGroup, o, goal, Options{}, p)
	t.Log(runs(p))

	// one pair more than the group has: the 101st removal is refused, naming remove_member
	o.Facts.MemberCount = 99
	_, vs = Plan(ProtectionGroup, o, goal, Options{})
	if len(vs) != 1 || vs[0].Rule != "V-GRP-MEMBERS" || vs[0].Op != OpRemoveMember || vs[0].Precondition != "has_members" {
		t.Fatalf("%+v", vs)
	}
	// without the removals the delete is refused (V-GRP-DELETE names delete)
	o.Facts.MemberCount = 100
	_, vs = Plan(ProtectionGroup, o, Goal{States: []State{Deleted}, Required: goal.Required[100:]}, Options{})
	if v := findRule(vs, "V-GRP-DELETE"); v == nil || v.Op != OpDelete {
		t.Fatalf("%+v", vs)
	}
}

func TestPlanMixedMembership(t *testing.T) {
	t.Parallel()
	o := syncable(grp(Replicating))
	o.Facts.MemberCount, o.Facts.ServerCount = 60, 40
	var req []OpRequest
	// interleaved by name, as the provider builds them per member kind
	req = append(req, requests(OpRemoveMember, "pair_id", "old", 50)...)
	req = append(req, requests(OpAddMember, "pair_id", "new", 50)...)
	req = append(req, requests(OpRemoveServer, "server_id", "olds", 40)...)
	req = append(req, requests(OpAddServer, "server_id", "news", 60)...)
	req = append(req, OpRequest{Op: OpUpdate, Params: map[string]string{"name": "n", "description": "d"}})
	goal := Goal{States: []State{Replicating}, ActiveSite: SiteSource, Required: req}
	p, vs := Plan(ProtectionGroup, o, goal, Options{})
	if len(vs) > 0 || len(p.Steps) != 203 || p.Steps[0].Op != OpDisableProtection || !strings.Contains(runs(p), "add_member×50 → remove_member×50 → enable_protection") {
		t.Fatalf("got %q %v", runs(p), vs)
	}
	for _, op := range []Op{OpRemoveMember, OpAddMember, OpRemoveServer, OpAddServer, OpUpdate} {
		paramsInOrder(t, p, goal, op)
	}
	end := replay(t, ProtectionGroup, o, goal, Options{}, p)
	if end.Facts.MemberCount != 60 || end.Facts.ServerCount != 60 {
		t.Fatal(end.Facts)
	}
	t.Log(runs(p))

	// an empty group: the additions must come before the removals
	e := grp(Paused)
	e.Facts.MemberCount = 0
	goal = Goal{States: []State{Paused}, Required: append(requests(OpRemoveMember, "pair_id", "x", 3), requests(OpAddMember, "pair_id", "y", 5)...)}
	p, vs = Plan(ProtectionGroup, e, goal, Options{})
	if len(vs) > 0 || runs(p) != "add_member×5 → remove_member×3" {
		t.Fatalf("got %q %v", runs(p), vs)
	}
	replay(t, ProtectionGroup, e, goal, Options{}, p)
}

func TestPlanRequiredBlocks(t *testing.T) {
	t.Parallel()
	// members unknown at plan time: every removal carries its deferred check
	o := grp(Paused)
	o.Facts.Unknown = map[string]bool{FactMembers: true}
	goal := Goal{States: []State{Paused}, Required: requests(OpRemoveMember, "pair_id", "p", 3)}
	p, vs := Plan(ProtectionGroup, o, goal, Options{})
	if len(vs) > 0 || len(p.Steps) != 3 {
		t.Fatal(runs(p), vs)
	}
	for _, s := range p.Steps {
		if len(s.Deferred) != 1 || s.Deferred[0].Op != OpRemoveMember {
			t.Fatal(s.Deferred)
		}
	}
	// a block that cannot run back to back runs as legal prefixes
	g := syncable(grp(Replicating))
	goal = Goal{States: []State{Replicating}, Required: []OpRequest{{Op: OpStartDrill}, {Op: OpStartDrill}, {Op: OpStopDrill}, {Op: OpStopDrill}}}
	p, vs = Plan(ProtectionGroup, g, goal, Options{})
	if len(vs) > 0 || runs(p) != "start_drill → stop_drill → start_drill → stop_drill" {
		t.Fatal(runs(p), vs)
	}
	// state-changing requests still run one at a time
	goal = Goal{States: []State{Replicating}, Required: []OpRequest{{Op: OpDisableProtection}, {Op: OpDisableProtection}}}
	p, vs = Plan(ProtectionGroup, g, goal, Options{})
	if len(vs) > 0 || runs(p) != "disable_protection → enable_protection → disable_protection → enable_protection" {
		t.Fatal(runs(p), vs)
	}
}

// Every violation of an unreachable goal names an operation (the provider's summary reads
// "<rule>: <type> <op> refused").
func TestPlanViolationsNameAnOperation(t *testing.T) {
	t.Parallel()
	deleted := grp(Deleted)
	failed := grp(Error)
	failed.FailedOp = OpFailover
	many := make([]OpRequest, 0, 300)
	for _, op := range Table(ProtectionGroup).Operations() {
		if op.Invocable && !op.Create {
			for range 30 {
				many = append(many, OpRequest{Op: op.Name})
			}
		}
	}
	var stateChanging []OpRequest
	for _, op := range []Op{OpEnableProtection, OpDisableProtection, OpPlannedFailover, OpStartDrill, OpStopDrill} {
		for range 25 {
			stateChanging = append(stateChanging, OpRequest{Op: op})
		}
	}
	healthy := grp(Paused)
	healthy.Facts.ActiveSiteHealthy = true
	cases := []struct {
		name string
		obs  Observation
		goal Goal
		op   Op
	}{
		{"required unreachable", deleted, Goal{Required: []OpRequest{{Op: OpUpdate}, {Op: OpAddMember}}}, OpUpdate},
		{"state unreachable", deleted, Goal{States: []State{Replicating}}, OpEnableProtection},
		{"site unreachable", deleted, Goal{ActiveSite: SiteTarget, States: []State{Invalid}}, OpPlannedFailover},
		{"required reachable, goal state not", grp(Paused), Goal{States: []State{Configured}, Required: []OpRequest{{Op: OpUpdate}}}, OpUpdate}, // never the create
		{"required reachable, transitional goal", grp(Paused), Goal{States: []State{Starting}, Required: []OpRequest{{Op: OpUpdate}}}, OpUpdate},
		{"failed op", failed, Goal{States: []State{Invalid}}, OpFailover},
		{"from the observed state", grp(Paused), Goal{States: []State{Invalid}}, OpEnableProtection},
		{"bad goal state", grp(Paused), Goal{States: []State{"nah"}}, OpEnableProtection},
		{"too many required operations", grp(Paused), Goal{Required: many}, OpEnableProtection},
		{"too large a search", healthy, Goal{Required: stateChanging}, OpEnableProtection},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			_, vs := Plan(ProtectionGroup, c.obs, c.goal, Options{})
			if len(vs) == 0 {
				t.Fatal("planned")
			}
			for _, v := range vs {
				if v.Op == "" {
					t.Fatalf("violation without an operation: %+v", v)
				}
			}
			t.Log(vs[0].Message)
			if vs[0].Op != c.op {
				t.Fatalf("op %s, want %s: %+v", vs[0].Op, c.op, vs)
			}
		})
	}
	_, vs := Plan(ProtectionGroup, Observation{State: Deleted}, Goal{ActiveSite: SiteTarget, States: []State{Invalid}, Required: requests(OpAddMember, "pair_id", "p", 3)}, Options{})
	if len(vs) != 1 || !strings.Contains(vs[0].Message, "after add_member (×3)") {
		t.Fatal(vs)
	}
}

// The brute-force optimality and the other plan properties over goals with several requests
// of one operation.
func TestPlanPropertiesMultiplicity(t *testing.T) {
	t.Parallel()
	facts := func(members, servers int, drill bool) Facts {
		f := goodFacts(ProtectionGroup)
		f.MemberCount, f.ServerCount, f.DrillActive = members, servers, drill
		return f
	}
	var variants []Facts
	for _, m := range []int{0, 1, 2} {
		for _, s := range []int{0, 2} {
			variants = append(variants, facts(m, s, false))
		}
	}
	variants = append(variants, facts(2, 0, true))
	add2, rm2 := requests(OpAddMember, "pair_id", "a", 2), requests(OpRemoveMember, "pair_id", "r", 2)
	goals := []Goal{
		{States: []State{Replicating}, Required: add2},
		{States: []State{Paused}, Required: append(append([]OpRequest{}, rm2...), OpRequest{Op: OpUpdate})},
		{States: []State{Deleted}, Required: append(append([]OpRequest{}, rm2...), requests(OpRemoveServer, "server_id", "s", 2)...)},
		{States: []State{Replicating}, Required: append(append([]OpRequest{}, rm2...), add2...)},
		{Required: append(requests(OpAddServer, "server_id", "n", 2), requests(OpRemoveServer, "server_id", "o", 1)...)},
		{States: []State{Replicating}, ActiveSite: SiteTarget, Required: append(append([]OpRequest{}, add2[:1]...), rm2...)},
		{Required: []OpRequest{{Op: OpStartDrill}, {Op: OpStopDrill}, {Op: OpStartDrill}}},
	}
	for _, ref := range allObservedStates(ProtectionGroup) {
		for _, f := range variants {
			for _, g := range goals {
				for _, dl := range []bool{false, true} {
					obs := Observation{Kind: ProtectionGroup, Name: "x", State: ref.State, FailedOp: ref.FailedOp, ActiveSite: SiteSource, Facts: f}
					checkPlanProperties(t, ProtectionGroup, obs, g, Options{AllowDataLoss: dl})
				}
			}
		}
	}
	for _, ref := range allObservedStates(ReplicationPair) {
		obs := Observation{Kind: ReplicationPair, Name: "p", State: ref.State, FailedOp: ref.FailedOp, ActiveSite: SiteSource, Facts: goodFacts(ReplicationPair)}
		checkPlanProperties(t, ReplicationPair, obs, Goal{States: []State{Replicating}, Required: requests(OpUpdate, "name", "n", 3)}, Options{})
	}
}
