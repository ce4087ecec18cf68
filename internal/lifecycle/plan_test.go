package lifecycle

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
)

type cost struct{ dl, n int }

func (a cost) less(b cost) bool { return a.dl < b.dl || (a.dl == b.dl && a.n < b.n) }

// replay checks a plan step by step with Check (independently of the search) and returns the
// final observation.
func replay(t testing.TB, k Kind, obs Observation, goal Goal, opts Options, p Path) Observation {
	t.Helper()
	tab := Table(k)
	sim := obs
	if sim.Kind == "" {
		sim.Kind = k
	}
	done := make([]bool, len(goal.Required))
	for i, st := range p.Steps {
		op, ok := tab.Operation(st.Op)
		if !ok {
			t.Fatalf("step %d: unknown op %s", i, st.Op)
		}
		if st.Index != i {
			t.Fatalf("step %d has index %d", i, st.Index)
		}
		if st.Wait {
			if i != 0 || tab.Class(sim.State) != Transitional {
				t.Fatalf("wait step %d from %s", i, sim.State)
			}
			sim = apply(op, sim)
			continue
		}
		if !op.Invocable {
			t.Fatalf("platform op %s invoked", st.Op)
		}
		if !st.From.Matches(sim.State, sim.FailedOp) {
			t.Fatalf("step %d %s: from %s but object is %s", i, st.Op, st.From, RenderState(sim.State, sim.FailedOp))
		}
		vs := Check(k, st.Op, sim, opts)
		if HasBlocking(vs) {
			t.Fatalf("step %d %s illegal: %v", i, st.Op, Blocking(vs))
		}
		if st.DataLoss && !opts.AllowDataLoss {
			deferred := false
			for _, d := range st.Deferred {
				deferred = deferred || d.DataLoss
			}
			if !deferred {
				t.Fatalf("step %d %s: data loss without opt-in", i, st.Op)
			}
		}
		sim = apply(op, sim)
		if sim.State != st.To || sim.ActiveSite != st.ActiveSite {
			t.Fatalf("step %d %s: ends in %s/%s, step says %s/%s", i, st.Op, sim.State, sim.ActiveSite, st.To, st.ActiveSite)
		}
		for ri, r := range goal.Required {
			if r.Op == st.Op && !done[ri] {
				// requests of one operation run in the order given, with their parameters
				if !reflect.DeepEqual(st.Params, r.Params) && (len(st.Params) > 0 || len(r.Params) > 0) {
					t.Fatalf("step %d %s has params %v, request %d has %v", i, st.Op, st.Params, ri, r.Params)
				}
				done[ri] = true
				break
			}
		}
	}
	for ri, d := range done {
		if !d {
			t.Fatalf("required %s not performed", goal.Required[ri].Op)
		}
	}
	pl := &planner{t: tab, goal: goal, opts: opts, full: 0}
	if !pl.atGoal(&sim, 0) {
		t.Fatalf("plan ends in %s/%s, not at goal %+v", sim.State, sim.ActiveSite, goal)
	}
	if p.State != sim.State || p.ActiveSite != sim.ActiveSite {
		t.Fatalf("plan summary end %s/%s vs %s/%s", p.State, p.ActiveSite, sim.State, sim.ActiveSite)
	}
	return sim
}

// bruteBest enumerates every legal sequence of single operations up to depth and returns the
// cheapest cost reaching the goal (memoized on the whole observation, so it shares nothing with
// the planner's search key or its blocks of required operations).
func bruteBest(k Kind, start Observation, goal Goal, opts Options, depth int) (cost, bool) {
	p, _ := newPlanner(Table(k), goal, opts)
	full := uint64(1)<<len(goal.Required) - 1
	type res struct {
		c  cost
		ok bool
	}
	memo := map[string]res{}
	var rec func(o Observation, mask uint64, left int) (cost, bool)
	rec = func(o Observation, mask uint64, left int) (cost, bool) {
		if mask == full && p.atGoal(&o, p.full) {
			return cost{}, true
		}
		if left == 0 {
			return cost{}, false
		}
		key := fmt.Sprintf("%+v|%x|%d", o, mask, left)
		if r, ok := memo[key]; ok {
			return r.c, r.ok
		}
		best, found := cost{}, false
		for _, op := range p.t.ops {
			if !op.Invocable || !op.IsFrom(o.State, o.FailedOp) {
				continue
			}
			m := mask
			req := -1
			for ri, r := range goal.Required {
				if r.Op == op.Name && m&(1<<ri) == 0 {
					req = ri
					break
				}
			}
			if op.OnRequest && req < 0 {
				continue
			}
			if req >= 0 {
				m |= 1 << req
			}
			if vs := Check(k, op.Name, o, opts); HasBlocking(vs) {
				continue
			}
			next := apply(op, o)
			var c cost
			var ok bool
			if op.Checkpoint != "" { // nothing follows a checkpoint in one apply
				ok = m == full && p.atGoal(&next, p.full)
			} else {
				c, ok = rec(next, m, left-1)
			}
			if !ok {
				continue
			}
			c.n++
			if op.IsDataLoss(o) {
				c.dl++
			}
			if !found || c.less(best) {
				best, found = c, true
			}
		}
		memo[key] = res{best, found}
		return best, found
	}
	return rec(start, 0, depth)
}

func planCost(p Path) cost {
	c := cost{}
	for _, s := range p.Steps {
		if s.Wait {
			continue
		}
		c.n++
		if s.DataLoss {
			c.dl++
		}
	}
	return c
}

// checkPlanProperties: the plan replays legally, nothing cheaper exists (up to 4 steps besides
// the required ones), violations name a rule and an operation, and planning is deterministic.
func checkPlanProperties(t testing.TB, k Kind, obs Observation, goal Goal, opts Options) {
	t.Helper()
	p, vs := Plan(k, obs, goal, opts)
	p2, vs2 := Plan(k, obs, goal, opts)
	if !reflect.DeepEqual(p, p2) || !reflect.DeepEqual(vs, vs2) {
		t.Fatalf("non-deterministic plan")
	}
	for _, v := range vs {
		if _, ok := RuleByID(v.Rule); !ok || !strings.HasPrefix(v.Message, v.Rule) {
			t.Fatalf("violation without a known rule: %+v", v)
		}
		if v.Op == "" {
			t.Fatalf("violation without an operation: %+v", v)
		}
	}
	tab := Table(k)
	start := obs
	if start.Kind == "" {
		start.Kind = k
	}
	if tab.Class(obs.State) == Transitional && (len(vs) == 0 || len(p.Steps) > 0) {
		start = apply(tab.Settle(obs.State), obs)
	}
	if len(vs) == 0 {
		replay(t, k, obs, goal, opts, p)
	}
	if obs.State != "" && !tab.HasState(obs.State) {
		return
	}
	depth := 4 + len(goal.Required)
	if tab.Class(obs.State) == Transitional {
		settle := tab.Settle(obs.State)
		start = apply(settle, obs)
		if settle.Checkpoint != "" {
			depth = 0 // waiting through a checkpoint operation: nothing may follow it
		}
		if settle.Syncs {
			o := obs
			if len(siteRefusals(tab, settle, &o)) > 0 {
				if len(vs) == 0 || vs[0].Rule == "" {
					t.Fatalf("a running %s with a site down: want a refusal, got %s", settle.Name, p.Summary())
				}
				return // a running synchronisation with a site down never completes
			}
		}
	}
	best, found := bruteBest(k, start, goal, opts, depth)
	if len(vs) > 0 {
		if found && vs[0].Rule == "V-MANUAL-STEP" && best.dl > 0 {
			return // only a lossy one-apply path exists; the lossless one crosses a manual step
		}
		if found {
			t.Fatalf("planner found nothing but %+v exists (violations %v)", best, vs)
		}
		return
	}
	if c := planCost(p); found && best.less(c) {
		t.Fatalf("plan %s costs %+v, brute force found %+v", p.Summary(), c, best)
	}
}

func TestPlanPropertiesExhaustive(t *testing.T) {
	t.Parallel()
	factVariants := func(k Kind) []Facts {
		base := goodFacts(k)
		h := base
		h.ActiveSiteHealthy = true
		n := base
		n.MemberCount = 0
		d := base
		d.DrillActive = true
		s := base
		s.ActiveServersStopped = false
		s.ActiveSiteHealthy = true
		return []Facts{base, h, n, d, s}
	}
	for _, k := range Kinds {
		tab := Table(k)
		goals := []Goal{{}}
		for _, s := range tab.StateNames() {
			goals = append(goals, Goal{States: []State{s}}, Goal{States: []State{s}, ActiveSite: SiteTarget})
		}
		if k == ProtectionGroup {
			goals = append(goals, Goal{States: []State{Replicating}, Required: []OpRequest{{Op: OpAddMember}}},
				Goal{States: []State{Paused}, Required: []OpRequest{{Op: OpRemoveMember}, {Op: OpUpdate}}})
		}
		for _, ref := range allObservedStates(k) {
			for _, f := range factVariants(k) {
				for _, g := range goals {
					for _, dl := range []bool{false, true} {
						obs := Observation{Kind: k, Name: "x", State: ref.State, FailedOp: ref.FailedOp, ActiveSite: SiteSource, Facts: f}
						checkPlanProperties(t, k, obs, g, Options{AllowDataLoss: dl})
					}
				}
			}
		}
	}
}

func TestPlanExamples(t *testing.T) {
	t.Parallel()
	h := grp(Replicating)
	h.Facts.ActiveSiteHealthy = true
	cases := []struct {
		name string
		k    Kind
		obs  Observation
		goal Goal
		opts Options
		want string
		rule string
	}{
		{"already there", ProtectionGroup, grp(Replicating), Goal{States: []State{Replicating}, ActiveSite: SiteSource}, Options{}, "", ""},
		{"enable", ProtectionGroup, syncable(grp(Paused)), Goal{States: []State{Replicating}}, Options{}, "enable_protection", ""},
		{"empty group", ProtectionGroup, func() Observation { o := grp(Configured); o.Facts.MemberCount = 0; return o }(), Goal{States: []State{Replicating}}, Options{}, "", "R002-1"},
		{"planned", ProtectionGroup, h, Goal{States: []State{Replicating}, ActiveSite: SiteTarget}, Options{}, "planned_failover", ""},
		{"forced allowed", ProtectionGroup, h, Goal{States: []State{FailedOver}}, Options{AllowDataLoss: true}, "failover", ""},
		{"fault failover", ProtectionGroup, grp(Replicating), Goal{States: []State{FailedOver}, ActiveSite: SiteTarget}, Options{}, "failover", ""},
		{"wait first", ReplicationPair, syncable(pair(Stopping)), Goal{States: []State{Replicating}}, Options{}, "wait(stop) → start", ""},
		{"settling transitional at goal", ReplicationPair, syncable(pair(Starting)), Goal{States: []State{Replicating}}, Options{}, "wait(start)", ""},
		{"create pair", ReplicationPair, syncable(Observation{Name: "p", Facts: goodFacts(ReplicationPair)}), Goal{States: []State{Replicating}}, Options{}, "create → start", ""},
		{"nothing to delete", ReplicationPair, Observation{Name: "p"}, Goal{States: []State{Deleted}}, Options{}, "", ""},
		{"replica", BackupReplica, rep(), Goal{States: []State{Available}}, Options{}, "replicate", ""},
		{"replica disk", BackupReplica, func() Observation { o := rep(); o.Facts.BackupType = "disk"; return o }(), Goal{States: []State{Available}}, Options{}, "", "R003-1"},
		{"update pair while replicating", ReplicationPair, syncable(pair(Replicating)), Goal{States: []State{Replicating}, Required: []OpRequest{{OpUpdate, map[string]string{"name": "n"}}}}, Options{}, "stop → update → start", ""},
		{"drill", ProtectionGroup, grp(Replicating), Goal{States: []State{Replicating}, Required: []OpRequest{{Op: OpStartDrill}}}, Options{}, "start_drill", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			p, vs := Plan(c.k, c.obs, c.goal, c.opts)
			if c.rule != "" {
				if findRule(vs, c.rule) == nil {
					t.Fatalf("want %s, got %v (plan %s)", c.rule, vs, p.Summary())
				}
				return
			}
			if len(vs) > 0 || p.Summary() != c.want {
				t.Fatalf("got %q %v, want %q", p.Summary(), vs, c.want)
			}
			checkPlanProperties(t, c.k, c.obs, c.goal, c.opts)
		})
	}
}

func TestPlanDeferredUnknownMembers(t *testing.T) {
	t.Parallel()
	o := syncable(grp(Configured))
	o.Facts.MemberCount = 0
	o.Facts.Unknown = map[string]bool{FactMembers: true}
	p, vs := Plan(ProtectionGroup, o, Goal{States: []State{Replicating}}, Options{})
	if len(vs) > 0 || len(p.Steps) != 1 || len(p.Steps[0].Deferred) != 1 || p.Steps[0].Deferred[0].Rule != "R002-1" {
		t.Fatal(p.Steps, vs)
	}
}

// FuzzPlan: random observed/desired pairs never panic and satisfy the planner properties.
func FuzzPlan(f *testing.F) {
	f.Add(uint8(1), uint8(3), uint8(0), uint16(0xffff), uint8(3), uint8(1), false, uint8(0))
	f.Add(uint8(1), uint8(8), uint8(2), uint16(0x0f0f), uint8(3), uint8(2), true, uint8(5))
	f.Add(uint8(0), uint8(5), uint8(1), uint16(0x1234), uint8(8), uint8(0), false, uint8(2))
	f.Add(uint8(2), uint8(0), uint8(0), uint16(0xfff0), uint8(2), uint8(0), false, uint8(0))
	f.Add(uint8(3), uint8(3), uint8(4), uint16(0x00ff), uint8(1), uint8(0), true, uint8(1))
	f.Add(uint8(3), uint8(13), uint8(9), uint16(0), uint8(6), uint8(1), false, uint8(7))
	f.Add(uint8(0), uint8(14), uint8(3), uint16(0xaaaa), uint8(12), uint8(2), true, uint8(3))
	f.Add(uint8(1), uint8(3), uint8(2), uint16(0xffff), uint8(3), uint8(0), false, uint8(4*10+2))             // add_member ×3
	f.Add(uint8(1), uint8(5), uint8(8), uint16(0x01ff), uint8(11), uint8(0), false, uint8(4*11+3))            // remove_member, delete
	f.Add(uint8(1), uint8(3), uint8(5), uint16(0x00ff), uint8(3), uint8(0), false, uint8(4*(13+16*14)%256+2)) // drills
	f.Add(uint8(0), uint8(3), uint8(4), uint16(0x07ff), uint8(3), uint8(0), true, uint8(4*7+2))               // pair update ×2
	f.Fuzz(func(t *testing.T, kindI, stateI, failI uint8, bits uint16, goalI, siteI uint8, dl bool, reqI uint8) {
		k := Kinds[int(kindI)%len(Kinds)]
		tab := Table(k)
		states := append([]State{""}, tab.StateNames()...)
		ops := tab.Operations()
		obs := Observation{Kind: k, Name: "f", State: states[int(stateI)%len(states)], ActiveSite: SiteSource}
		if obs.State == Error {
			obs.FailedOp = ops[int(failI)%len(ops)].Name
		}
		if bits&1 != 0 {
			obs.ActiveSite = SiteTarget
		}
		b := func(i uint) bool { return bits&(1<<i) != 0 }
		obs.Facts = Facts{
			MemberCount: int(bits>>1) & 3, FirstSyncDone: b(3), DrillActive: b(4), ActiveSiteHealthy: b(5), StandbySiteHealthy: b(6),
			ActiveServersStopped: b(7), StandbyServersStopped: b(8), StandbyVolumeAttached: b(9), ReplicationCapable: b(10),
			InGroup: b(11) && b(12), ServersBusy: b(13) && b(12),
		}
		if k == BackupReplica {
			obs.Facts = goodFacts(k)
			obs.Facts.BackupType = []string{"server", "disk", "sfs"}[int(bits>>1)%3]
			obs.Facts.ReplicaInDestination = b(4)
		}
		if b(14) {
			obs.Facts.Unknown = map[string]bool{FactMembers: true, FactSiteHealth: b(15)}
		}
		var goal Goal
		if gi := int(goalI) % (len(states) + 1); gi < len(states) && states[gi] != "" {
			goal.States = []State{states[gi]}
		}
		goal.ActiveSite = []Site{"", SiteSource, SiteTarget}[int(siteI)%3]
		switch reqI % 4 {
		case 1:
			o := ops[int(reqI/4)%len(ops)]
			if o.Invocable {
				goal.Required = []OpRequest{{Op: o.Name}}
			}
		case 2, 3: // multiplicities: up to three requests of one operation, up to two of another
			a, b := ops[int(reqI/4)%len(ops)], ops[int(reqI/16)%len(ops)]
			na, nb := 1+int(failI)%3, int(failI/3)%3
			if reqI%4 == 3 { // requests interleaved by name
				na, nb = 2, 1
			}
			for i := range na {
				if a.Invocable {
					goal.Required = append(goal.Required, OpRequest{Op: a.Name, Params: map[string]string{"id": fmt.Sprint("a", i)}})
				}
				if i < nb && b.Invocable {
					goal.Required = append(goal.Required, OpRequest{Op: b.Name, Params: map[string]string{"id": fmt.Sprint("b", i)}})
				}
			}
			obs.Facts.ServerCount = int(bits>>2) & 3
		}
		checkPlanProperties(t, k, obs, goal, Options{AllowDataLoss: dl})
	})
}

// A path needs attention for a step that can lose data and for a manual step after one (the
// row's Manual), once per cause; waits and afterwards notes need none.
func TestPathAttention(t *testing.T) {
	t.Parallel()
	p := Path{Steps: []Step{
		{Op: OpStart, Wait: true, Manual: "a wait invokes nothing"},
		{Op: OpFailover, DataLoss: true, DataLossWhy: "forced", Afterwards: "reprotect when the old site is back."},
		{Op: OpReprotect, Afterwards: "start it (start) to replicate"},
		{Op: OpStop, Afterwards: "in-flight changes not yet copied are dropped at the standby site."},
	}}
	got := p.Attention()
	if len(got) != 1 || got[0].Step.Op != OpFailover || !got[0].DataLoss || got[0].Why != "forced" || got[0].Manual != "" {
		t.Fatalf("want only the lossy failover (afterwards notes are not manual steps): %+v", got)
	}
	p.Steps[1].Manual = "start the servers"
	p.Steps = append(p.Steps, Step{Op: OpSwitchover, Manual: "start the servers"})
	got = p.Attention()
	if len(got) != 2 || got[0].Manual != "" || got[1].Step.Op != OpSwitchover || got[1].Manual != "start the servers" {
		t.Fatalf("want the manual step once, after the last step that leaves it: %+v", got)
	}
}

// Every row's Manual is a step outside Terraform that no operation of any table does; the
// notes the issue found reported as manual steps (a pair's stop: dropped in-flight changes; a
// reprotect: an optional planned failover) are not.
func TestManualStepsAreManual(t *testing.T) {
	t.Parallel()
	want := map[Kind][]Op{
		ReplicationPair: {OpSwitchover, OpFailover},
		ProtectionGroup: {OpPlannedFailover, OpFailover},
		RecoveryServer:  {OpFailback},
	}
	for _, k := range Kinds {
		var got []Op
		for _, op := range Table(k).Operations() {
			if op.Manual == "" {
				continue
			}
			got = append(got, op.Name)
			for _, k2 := range Kinds {
				for _, o2 := range Table(k2).Operations() {
					if strings.Contains(op.Manual, "("+string(o2.Name)+")") {
						t.Errorf("%s %s: its manual step names the operation %s (a table operation is not manual)", k, op.Name, o2.Name)
					}
				}
			}
		}
		if !slices.Equal(got, want[k]) {
			t.Errorf("%s: rows with a manual step %v, want %v", k, got, want[k])
		}
	}
	// a checkpoint is a manual step (the plan stops there and says what to do)
	for _, k := range Kinds {
		for _, op := range Table(k).Operations() {
			if op.Checkpoint != "" && op.Manual == "" {
				t.Errorf("%s %s: a checkpoint without a manual step", k, op.Name)
			}
		}
	}
}
