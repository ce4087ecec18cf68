package lifecycle

import (
	"container/heap"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// OpRequest is an operation the goal requires somewhere along the path (membership changes,
// metadata updates), with its parameters.
type OpRequest struct {
	Op     Op
	Params map[string]string
}

// Goal is what the configuration declares.
type Goal struct {
	// States are the acceptable end states (any of). Empty: any stable state.
	States []State
	// ActiveSite, when set, is the site that must serve production at the end (ignored when
	// the end state is terminal).
	ActiveSite Site
	// Required operations must each be performed once somewhere along the path.
	Required []OpRequest
}

// Step is one step of a plan.
type Step struct {
	Index  int
	Op     Op
	Params map[string]string
	// Wait: the object is in a transitional state; the step waits for it to settle into To
	// (nothing is invoked). Platform: the step's operation is platform-driven (waited through).
	Wait     bool
	Platform bool
	From     StateRef
	Via      State   // the transitional state while the step runs ("" when none is visible)
	Pending  []State // further transitional states the platform may report
	To       State
	// ActiveSite is the site serving production after the step.
	ActiveSite Site
	SiteFlip   bool
	DataLoss   bool
	Region     CallRegion
	Afterwards string
	// Deferred are the checks that could not be made at plan time; the executor re-checks
	// every step's preconditions anyway before invoking it.
	Deferred []Violation
}

// String renders the step: "failover: replicating → failing_over → failed_over (active: target)".
func (s Step) String() string {
	var b strings.Builder
	if s.Wait {
		b.WriteString("wait for " + string(s.Op))
	} else {
		b.WriteString(string(s.Op))
	}
	b.WriteString(": " + s.From.String())
	if s.Via != "" && !s.Wait {
		b.WriteString(" → " + string(s.Via))
	}
	b.WriteString(" → " + string(s.To))
	if s.SiteFlip {
		b.WriteString(" (active site: " + string(s.ActiveSite) + ")")
	}
	if s.DataLoss {
		b.WriteString(" [data loss]")
	}
	return b.String()
}

// Path is a plan: an ordered path of steps from the observed state to the goal. (The type is
// named Path because the function that computes it is Plan.)
type Path struct {
	Kind    Kind
	ID      string
	Name    string
	Version int64 // the object version observed at plan time (client tokens derive from it)
	Options Options
	Steps   []Step
	// State and ActiveSite are where the plan ends.
	State      State
	ActiveSite Site
}

// Summary renders the operations: "stop → failover → reprotect → start" ("" for no steps).
func (p Path) Summary() string {
	names := make([]string, len(p.Steps))
	for i, s := range p.Steps {
		names[i] = string(s.Op)
		if s.Wait {
			names[i] = "wait(" + string(s.Op) + ")"
		}
	}
	return strings.Join(names, " → ")
}

// DataLoss reports whether any step can lose data.
func (p Path) DataLoss() bool {
	for _, s := range p.Steps {
		if s.DataLoss {
			return true
		}
	}
	return false
}

const maxPlanDepth = 16

// ---- search ----

type factsKey struct {
	members                  int
	servers                  int
	first, drill             bool
	ash, ssh, ass, sss       bool
	ava, sva, busy, hasIssue bool
	ar, sr                   string
	unk                      string
}

type searchKey struct {
	st   State
	fo   Op
	site Site
	mask uint64
	fk   factsKey
}

func keyOf(f *Facts) factsKey {
	k := factsKey{
		members: f.MemberCount, servers: f.ServerCount, first: f.FirstSyncDone, drill: f.DrillActive,
		ash: f.ActiveSiteHealthy, ssh: f.StandbySiteHealthy, ass: f.ActiveServersStopped, sss: f.StandbyServersStopped,
		ava: f.ActiveVolumeAttached, sva: f.StandbyVolumeAttached, busy: f.ServersBusy, hasIssue: len(f.BlockingIssues) > 0,
		ar: f.ActiveRegion, sr: f.StandbyRegion,
	}
	if len(f.Unknown) > 0 {
		ks := make([]string, 0, len(f.Unknown))
		for n, v := range f.Unknown {
			if v {
				ks = append(ks, n)
			}
		}
		slices.Sort(ks)
		k.unk = strings.Join(ks, ",")
	}
	return k
}

type snode struct {
	obs    Observation
	mask   uint64
	dl     int
	depth  int
	seq    int
	parent int
	step   Step
}

type nodeHeap struct {
	idx   []int
	nodes *[]snode
}

func (h nodeHeap) Len() int { return len(h.idx) }
func (h nodeHeap) Less(i, j int) bool {
	a, b := &(*h.nodes)[h.idx[i]], &(*h.nodes)[h.idx[j]]
	if a.dl != b.dl {
		return a.dl < b.dl
	}
	if a.depth != b.depth {
		return a.depth < b.depth
	}
	return a.seq < b.seq
}
func (h nodeHeap) Swap(i, j int) { h.idx[i], h.idx[j] = h.idx[j], h.idx[i] }
func (h *nodeHeap) Push(x any)   { h.idx = append(h.idx, x.(int)) }
func (h *nodeHeap) Pop() any {
	n := len(h.idx) - 1
	x := h.idx[n]
	h.idx = h.idx[:n]
	return x
}

type searchMode int

const (
	modeStrict  searchMode = iota // preconditions and the data-loss opt-in apply
	modeAllowDL                   // preconditions apply, data loss allowed (to name the opt-in)
	modeRelaxed                   // from-states only
)

type planner struct {
	t    *KindTable
	goal Goal
	opts Options
	full uint64
}

func (p *planner) atGoal(o *Observation, mask uint64) bool {
	if mask != p.full {
		return false
	}
	if len(p.goal.States) == 0 {
		c := p.t.Class(o.State)
		if c != Stable && c != Terminal {
			return false
		}
	} else if !slices.Contains(p.goal.States, o.State) {
		if !(o.State == "" && slices.Contains(p.goal.States, Deleted)) {
			return false
		}
	}
	if p.goal.ActiveSite != "" && o.State != "" && p.t.Class(o.State) != Terminal && o.ActiveSite != p.goal.ActiveSite {
		return false
	}
	return true
}

// apply returns the observation after op succeeds.
func apply(op *Operation, o Observation) Observation {
	n := o
	n.State = op.Target(o.State)
	n.FailedOp = ""
	n.LastError = ""
	if op.Site == SiteFlip {
		n.ActiveSite = o.ActiveSite.Other()
	}
	if op.Effect != nil {
		op.Effect(&n.Facts)
	}
	return n
}

// edge evaluates op on o for the search: ok, the step's deferred checks, data loss, and the
// blocking violations.
func (p *planner) edge(op *Operation, o *Observation, mode searchMode) (ok bool, deferred []Violation, dl bool, blocking []Violation) {
	dl = op.IsDataLoss(*o)
	if mode == modeRelaxed {
		return true, nil, dl, nil
	}
	vs := p.t.check(op, o, Options{AllowDataLoss: true})
	for _, v := range vs {
		if v.Deferred {
			deferred = append(deferred, v)
		} else {
			blocking = append(blocking, v)
		}
	}
	if dl && !p.opts.AllowDataLoss {
		if v := dataLossViolation(p.t, op, o, p.opts); v != nil {
			if v.Deferred {
				deferred = append(deferred, *v)
			} else {
				blocking = append(blocking, *v)
				if mode == modeStrict {
					return false, deferred, dl, blocking
				}
			}
		}
	}
	return len(blocking) == 0 || (mode == modeAllowDL && onlyDataLoss(blocking)), deferred, dl, blocking
}

func onlyDataLoss(vs []Violation) bool {
	for _, v := range vs {
		if !v.DataLoss {
			return false
		}
	}
	return true
}

// search returns the steps of the cheapest path (data-loss steps, then length), or nil, false.
func (p *planner) search(start Observation, mode searchMode) ([]Step, bool) {
	nodes := []snode{{obs: start, parent: -1}}
	if p.atGoal(&start, 0) {
		return nil, true
	}
	best := map[searchKey]bool{}
	h := &nodeHeap{idx: []int{0}, nodes: &nodes}
	seq := 1
	for h.Len() > 0 {
		i := heap.Pop(h).(int)
		cur := nodes[i]
		k := searchKey{cur.obs.State, cur.obs.FailedOp, cur.obs.ActiveSite, cur.mask, keyOf(&cur.obs.Facts)}
		if best[k] {
			continue
		}
		best[k] = true
		if p.atGoal(&cur.obs, cur.mask) {
			var steps []Step
			for j := i; nodes[j].parent >= 0; j = nodes[j].parent {
				steps = append(steps, nodes[j].step)
			}
			slices.Reverse(steps)
			return steps, true
		}
		if cur.depth >= maxPlanDepth {
			continue
		}
		for _, op := range p.t.ops {
			if !op.Invocable || !op.IsFrom(cur.obs.State, cur.obs.FailedOp) {
				continue
			}
			req := -1
			for ri, r := range p.goal.Required {
				if r.Op == op.Name && cur.mask&(1<<ri) == 0 {
					req = ri
					break
				}
			}
			if op.OnRequest && req < 0 {
				continue
			}
			ok, deferred, dl, _ := p.edge(op, &cur.obs, mode)
			if !ok {
				continue
			}
			next := apply(op, cur.obs)
			mask := cur.mask
			var params map[string]string
			if req >= 0 {
				mask |= 1 << req
				params = maps.Clone(p.goal.Required[req].Params)
			}
			nk := searchKey{next.State, next.FailedOp, next.ActiveSite, mask, keyOf(&next.Facts)}
			if best[nk] {
				continue
			}
			d := cur.dl
			if dl {
				d++
			}
			st := Step{
				Op: op.Name, Params: params, From: StateRef{cur.obs.State, cur.obs.FailedOp},
				Via: op.Via, Pending: op.Pending, To: next.State, ActiveSite: next.ActiveSite, SiteFlip: op.Site == SiteFlip,
				DataLoss: dl, Region: op.Region, Afterwards: op.Afterwards, Deferred: deferred,
			}
			nodes = append(nodes, snode{obs: next, mask: mask, dl: d, depth: cur.depth + 1, seq: seq, parent: i, step: st})
			seq++
			heap.Push(h, len(nodes)-1)
		}
	}
	return nil, false
}

// Plan finds the shortest legal path from the observed object to the goal: fewest data-loss
// steps first, then fewest steps; ties go to table order. An object in a transitional state is
// first waited for (a Wait step). When the goal cannot be reached the violations say why: the
// refusals of the first blocked operation on the otherwise-shortest path, and the opt-in a
// data-loss path would need.
func Plan(kind Kind, obs Observation, goal Goal, opts Options) (Path, []Violation) {
	t := Table(kind)
	if obs.Kind == "" {
		obs.Kind = kind
	}
	plan := Path{Kind: kind, ID: obs.ID, Name: obs.Name, Version: obs.Version, Options: opts, State: obs.State, ActiveSite: obs.ActiveSite}
	if t == nil {
		return plan, []Violation{{Rule: "V-STATE", Kind: kind, Message: fmt.Sprintf("V-STATE: unknown kind %q.", kind)}}
	}
	if len(goal.Required) > 64 {
		return plan, []Violation{{Rule: "V-STATE", Kind: kind, Message: "V-STATE: at most 64 required operations per plan."}}
	}
	var bad []Violation
	for _, s := range goal.States {
		if !t.HasState(s) {
			bad = append(bad, Violation{Rule: "V-STATE", Kind: kind, Message: fmt.Sprintf("V-STATE: %q is not a %s state.", s, kind)})
		}
	}
	for _, r := range goal.Required {
		if o, ok := t.Operation(r.Op); !ok || !o.Invocable {
			bad = append(bad, Violation{Rule: "V-STATE", Kind: kind, Op: r.Op, Message: fmt.Sprintf("V-STATE: a %s has no operation %q to require.", kind, r.Op)})
		}
	}
	if obs.State != "" && !t.HasState(obs.State) {
		bad = append(bad, Violation{Rule: "V-STATE", Kind: kind, Message: fmt.Sprintf("V-STATE: observed state %q is not a %s state.", obs.State, kind)})
	}
	if len(bad) > 0 {
		return plan, bad
	}
	p := &planner{t: t, goal: goal, opts: opts}
	if n := len(goal.Required); n > 0 {
		p.full = uint64(1)<<n - 1
		if n == 64 {
			p.full = ^uint64(0)
		}
	}

	start := obs
	var steps []Step
	if t.Class(obs.State) == Transitional {
		op := t.Settle(obs.State)
		if op == nil { // cannot happen with the shipped tables
			return plan, []Violation{{Rule: "V-STATE", Kind: kind, Message: fmt.Sprintf("V-STATE: no operation settles %s.", obs.State)}}
		}
		next := apply(op, obs)
		steps = append(steps, Step{
			Op: op.Name, Wait: true, Platform: !op.Invocable, From: StateRef{State: obs.State}, Via: obs.State, Pending: op.Pending,
			To: next.State, ActiveSite: next.ActiveSite, SiteFlip: op.Site == SiteFlip && obs.State != op.OnSuccess,
			Region: op.Region, Afterwards: op.Afterwards,
		})
		start = next
	}

	found, ok := p.search(start, modeStrict)
	if ok {
		steps = append(steps, found...)
		for i := range steps {
			steps[i].Index = i
		}
		plan.Steps = steps
		plan.State, plan.ActiveSite = start.State, start.ActiveSite
		if len(steps) > 0 {
			last := steps[len(steps)-1]
			plan.State, plan.ActiveSite = last.To, last.ActiveSite
		}
		return plan, nil
	}
	return plan, p.explain(start)
}

// explain builds the violations of an unreachable goal.
func (p *planner) explain(start Observation) []Violation {
	var out []Violation
	seen := map[string]bool{}
	add := func(vs []Violation) {
		for _, v := range vs {
			if !seen[v.Message] {
				seen[v.Message] = true
				out = append(out, v)
			}
		}
	}
	if relaxed, ok := p.search(start, modeRelaxed); ok {
		add(p.firstBlocked(start, relaxed))
	}
	if !p.opts.AllowDataLoss {
		if lossy, ok := p.search(start, modeAllowDL); ok {
			add(p.firstBlocked(start, lossy))
		}
	}
	if len(out) == 0 {
		rule := "V-STATE"
		if p.t.Kind == RecoveryServer {
			rule = "R004-8"
		}
		var want []string
		for _, s := range p.goal.States {
			want = append(want, string(s))
		}
		for _, r := range p.goal.Required {
			want = append(want, "after "+string(r.Op))
		}
		if p.goal.ActiveSite != "" {
			want = append(want, "active site "+string(p.goal.ActiveSite))
		}
		obs := start
		out = append(out, Violation{Rule: rule, Kind: p.t.Kind, Object: obs.Name, State: RenderState(obs.State, obs.FailedOp), Precondition: "path",
			Message: fmt.Sprintf("%s: no sequence of operations takes %s from %s to %s.", rule, quoteName(&obs),
				RenderState(obs.State, obs.FailedOp), strings.Join(want, ", "))})
	}
	return out
}

// firstBlocked replays path and returns the blocking violations of its first blocked step.
func (p *planner) firstBlocked(start Observation, path []Step) []Violation {
	o := start
	for _, s := range path {
		op, _ := p.t.Operation(s.Op)
		if ok, _, _, blocking := p.edge(op, &o, modeStrict); !ok {
			return blocking
		}
		o = apply(op, o)
	}
	return nil
}
