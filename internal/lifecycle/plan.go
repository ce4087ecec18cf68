package lifecycle

import (
	"container/heap"
	"fmt"
	"maps"
	"math/bits"
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
	// Required operations must each be performed once somewhere along the path. Requests of
	// the same operation run in the order given; those of an operation that keeps the state
	// and the active site (membership, metadata, drills) run back to back where possible.
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
	// DataLossWhy says what the step can lose (the row's DataLossRule, on the observed facts).
	DataLossWhy string
	Region      CallRegion
	Afterwards  string
	// Manual is the step the user must take outside Terraform after this one (the row's
	// Manual).
	Manual string
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

// Attention is what in a planned path needs the user's attention: an operation that can lose
// data (planned because the opt-in permits it), and a manual step the platform leaves to the
// user after an operation (the row's Manual). Nothing else is: an optional next operation, or
// what an operation drops that nothing needed (a pair's stop), is the row's Afterwards.
type Attention struct {
	Step     Step
	DataLoss bool
	Why      string // what the step can lose (DataLoss)
	Manual   string // the manual step after it, "" when none (or a later step needs the same)
}

// Attention lists the steps of the path that need the user's attention, in order: those that
// can lose data, and those after which the user must do something outside Terraform — one
// per cause (a manual step that a later step of the path needs again is reported there only).
// Waits invoke nothing and need none.
func (p Path) Attention() []Attention {
	var out []Attention
	for i, st := range p.Steps {
		if st.Wait {
			continue
		}
		a := Attention{Step: st, DataLoss: st.DataLoss, Why: st.DataLossWhy}
		if st.Manual != "" && !laterManual(p.Steps[i+1:], st.Manual) {
			a.Manual = st.Manual
		}
		if a.DataLoss || a.Manual != "" {
			out = append(out, a)
		}
	}
	return out
}

// laterManual reports whether a later step of the path leaves the same manual step.
func laterManual(steps []Step, manual string) bool {
	for _, st := range steps {
		if !st.Wait && st.Manual == manual {
			return true
		}
	}
	return false
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

// maxPlanDepth bounds the search: the number of operations (or blocks of required operations)
// a plan may chain besides the required ones.
const maxPlanDepth = 16

// maxSearchNodes bounds the work of one search (ordinary goals visit far fewer nodes;
// only goals with many requests of many state-changing operations come near it).
const maxSearchNodes = 5000

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
	prog uint64 // required operations done (see reqGroup)
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

// reqGroup is the required operations of one name (Goal.Required entries in the order given).
// The search tracks how many of them are done, as one digit of a mixed-radix number (prog):
// done = prog / unit % (len(idx)+1). The requests of a group are done in the order given.
//
// A group of an operation that leaves the state and the active site unchanged (membership,
// metadata, drills) is a block: its requests differ only in their parameters, so the search
// takes all the remaining ones in one edge (its effect applied once per request, each
// request checked on the facts the previous ones leave) and expands the edge into its steps
// when it builds the path. Only when the whole block is refused does it take the legal prefix
// (e.g. start_drill, stop_drill, start_drill, stop_drill). This keeps goals with hundreds of
// membership changes to a handful of search nodes.
type reqGroup struct {
	op    *Operation
	idx   []int
	unit  uint64
	block bool
}

type snode struct {
	obs    Observation
	prog   uint64
	dl     int // data-loss steps so far
	depth  int // steps so far
	edges  int // search edges so far (a block is one edge)
	seq    int
	parent int
	// the edge from the parent: count runs of op, the first being request first of group
	// (group -1: an operation no request names).
	op           *Operation
	group, first int
	count        int
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
	t        *KindTable
	goal     Goal
	opts     Options
	groups   []reqGroup
	opGroup  map[Op]int // operation → its group in groups
	full     uint64     // prog when every required operation is done
	maxEdges int
	// exhausted: a search stopped at maxSearchNodes.
	exhausted bool
	// throughCheckpoints lets the search chain past checkpoint operations (only to explain a
	// refusal: which manual step the goal lies beyond).
	throughCheckpoints bool
	// rootStopped: the start observation is the result of a checkpoint operation (a Wait
	// step through it), so nothing may follow it in this apply.
	rootStopped bool
	// throughManual lets the search use operations the platform cannot invoke (only to
	// explain a refusal: which manual step the goal needs, V-PLATFORM).
	throughManual bool
}

// newPlanner groups the goal's required operations; ok is false when their counts do not fit
// the search's progress counter (far beyond any real goal).
func newPlanner(t *KindTable, goal Goal, opts Options) (*planner, bool) {
	p := &planner{t: t, goal: goal, opts: opts, maxEdges: maxPlanDepth}
	for i, r := range goal.Required {
		g, ok := p.opGroup[r.Op]
		if !ok {
			if p.opGroup == nil {
				p.opGroup = map[Op]int{}
			}
			op, _ := t.Operation(r.Op)
			g = len(p.groups)
			p.opGroup[r.Op] = g
			p.groups = append(p.groups, reqGroup{op: op, block: op != nil && op.OnSuccess == "" && op.Site != SiteFlip})
		}
		p.groups[g].idx = append(p.groups[g].idx, i)
	}
	unit := uint64(1)
	for g := range p.groups {
		n := uint64(len(p.groups[g].idx))
		p.groups[g].unit = unit
		p.full += n * unit
		p.maxEdges += int(n)
		hi, lo := bits.Mul64(unit, n+1)
		if hi != 0 {
			return p, false
		}
		unit = lo
	}
	return p, true
}

// done returns how many requests of group g prog has done.
func (p *planner) done(prog uint64, g int) int {
	r := &p.groups[g]
	return int(prog / r.unit % uint64(len(r.idx)+1))
}

func (p *planner) atGoal(o *Observation, prog uint64) bool {
	if prog != p.full {
		return false
	}
	if len(p.goal.States) == 0 {
		// Any stable state; a terminal one only when a required operation leads there: a
		// goal that does not ask for deletion is never reached by deleting the object.
		switch p.t.Class(o.State) {
		case Stable:
		case Terminal:
			if !p.requiresTerminal() {
				return false
			}
		default:
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
	_, manual := p.opts.Platform.ManualStep(p.t.Kind, op.Name)
	for _, v := range vs {
		if manual && v.Rule == "V-ACR-LINKS" {
			// the links advertise what the API can invoke now; a console-only step is never
			// among them (its refusal, V-PLATFORM, names the step instead)
			continue
		}
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

// run applies up to count runs of op from o and returns how many are legal in a row, the
// observation after them and how many of them lose data.
func (p *planner) run(op *Operation, o Observation, count int, mode searchMode) (n int, next Observation, dl int) {
	for n < count {
		ok, _, lossy, _ := p.edge(op, &o, mode)
		if !ok {
			break
		}
		if lossy {
			dl++
		}
		o = apply(op, o)
		n++
	}
	return n, o, dl
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
		k := searchKey{cur.obs.State, cur.obs.FailedOp, cur.obs.ActiveSite, cur.prog, keyOf(&cur.obs.Facts)}
		if best[k] {
			continue
		}
		best[k] = true
		if len(best) > maxSearchNodes {
			p.exhausted = true
			return nil, false
		}
		if p.atGoal(&cur.obs, cur.prog) {
			return p.steps(nodes, i, mode), true
		}
		if cur.edges >= p.maxEdges {
			continue
		}
		if !p.throughCheckpoints && ((cur.op != nil && cur.op.Checkpoint != "") || (cur.parent < 0 && p.rootStopped)) {
			continue // out-of-band work must happen before anything follows (V-MANUAL-STEP)
		}
		for _, op := range p.t.ops {
			if !op.Invocable || !op.IsFrom(cur.obs.State, cur.obs.FailedOp) {
				continue
			}
			if _, manual := p.opts.Platform.ManualStep(p.t.Kind, op.Name); manual && !p.throughManual {
				continue
			}
			g, first, count := -1, 0, 1
			if gi, ok := p.opGroup[op.Name]; ok {
				if d := p.done(cur.prog, gi); d < len(p.groups[gi].idx) {
					g, first = gi, d
					if p.groups[gi].block {
						count = len(p.groups[gi].idx) - d
					}
				}
			}
			if op.OnRequest && g < 0 {
				continue
			}
			n, next, dl := p.run(op, cur.obs, count, mode)
			if n == 0 {
				continue
			}
			prog := cur.prog
			if g >= 0 {
				prog += uint64(n) * p.groups[g].unit
			}
			nk := searchKey{next.State, next.FailedOp, next.ActiveSite, prog, keyOf(&next.Facts)}
			if best[nk] {
				continue
			}
			nodes = append(nodes, snode{obs: next, prog: prog, dl: cur.dl + dl, depth: cur.depth + n, edges: cur.edges + 1,
				seq: seq, parent: i, op: op, group: g, first: first, count: n})
			seq++
			heap.Push(h, len(nodes)-1)
		}
	}
	return nil, false
}

// steps expands the edges leading to node i into the path's steps, one per operation run, with
// each required run's parameters and each step's deferred checks.
func (p *planner) steps(nodes []snode, i int, mode searchMode) []Step {
	var chain []int
	for j := i; nodes[j].parent >= 0; j = nodes[j].parent {
		chain = append(chain, j)
	}
	slices.Reverse(chain)
	var out []Step
	for _, j := range chain {
		n := &nodes[j]
		o := nodes[n.parent].obs
		for c := range n.count {
			_, deferred, dl, _ := p.edge(n.op, &o, mode)
			next := apply(n.op, o)
			var params map[string]string
			if n.group >= 0 {
				params = maps.Clone(p.goal.Required[p.groups[n.group].idx[n.first+c]].Params)
			}
			out = append(out, Step{
				Op: n.op.Name, Params: params, From: StateRef{o.State, o.FailedOp},
				Via: n.op.Via, Pending: n.op.Pending, To: next.State, ActiveSite: next.ActiveSite, SiteFlip: n.op.Site == SiteFlip,
				DataLoss: dl, DataLossWhy: dataLossWhy(n.op, &o, dl), Region: n.op.Region, Afterwards: n.op.Afterwards,
				Manual: n.op.Manual, Deferred: deferred,
			})
			o = next
		}
	}
	return out
}

// Plan finds the shortest legal path from the observed object to the goal: fewest data-loss
// steps first, then fewest steps; ties go to table order. An object in a transitional state is
// first waited for (a Wait step). When the goal cannot be reached the violations say why: the
// refusals of the first blocked operation on the otherwise-shortest path, and the opt-in a
// data-loss path would need.
//
// A refused goal is one violation (Refusal): the rule, the operation the goal asks for (Op;
// Step is the operation on the way that is refused, when another), every cause in one message,
// and the goals reachable now instead (Offers).
func Plan(kind Kind, obs Observation, goal Goal, opts Options) (Path, []Violation) {
	return planWith(kind, obs, goal, opts, planCfg{})
}

// planCfg is how a plan is made: for a new object (created: the observation is Created's, so
// an offer that stays there is the create alone), or only to tell whether a goal is reachable
// (reachOnly: a refusal is not explained, and offers nothing).
type planCfg struct {
	created, reachOnly bool
}

func planWith(kind Kind, obs Observation, goal Goal, opts Options, cfg planCfg) (Path, []Violation) {
	t := Table(kind)
	if obs.Kind == "" {
		obs.Kind = kind
	}
	if obs.Platform == nil {
		obs.Platform = opts.Platform // every step's checks see the platform's limits
	}
	plan := Path{Kind: kind, ID: obs.ID, Name: obs.Name, Version: obs.Version, Options: opts, State: obs.State, ActiveSite: obs.ActiveSite}
	if t == nil {
		return plan, []Violation{{Rule: "V-STATE", Kind: kind, Message: fmt.Sprintf("V-STATE: unknown kind %q.", kind)}}
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
	p, fits := newPlanner(t, goal, opts)
	if !fits {
		bad = append(bad, Violation{Rule: "V-STATE", Kind: kind, Message: fmt.Sprintf("V-STATE: too many required operations (%d) for one plan.", len(goal.Required))})
	}
	if len(bad) > 0 {
		return plan, p.withOp(bad, &obs)
	}
	if v := opts.Platform.kindViolation(kind, p.goalOp(&obs)); v != nil {
		return plan, []Violation{*v}
	}

	start := obs
	var steps []Step
	if t.Class(obs.State) == Transitional {
		op := t.Settle(obs.State)
		if op == nil { // cannot happen with the shipped tables
			return plan, p.withOp([]Violation{{Rule: "V-STATE", Kind: kind, Message: fmt.Sprintf("V-STATE: no operation settles %s.", obs.State)}}, &obs)
		}
		next := apply(op, obs)
		steps = append(steps, Step{
			Op: op.Name, Wait: true, Platform: !op.Invocable, From: StateRef{State: obs.State}, Via: obs.State, Pending: op.Pending,
			To: next.State, ActiveSite: next.ActiveSite, SiteFlip: op.Site == SiteFlip && obs.State != op.OnSuccess,
			Region: op.Region, Afterwards: op.Afterwards, Manual: op.Manual,
		})
		start = next
		p.rootStopped = op.Checkpoint != ""
		if op.Syncs {
			if vs := siteRefusals(t, op, &obs); len(vs) > 0 {
				return plan, p.refuse(obs, start, vs, cfg)
			}
		}
	}

	// With allow_data_loss a lossy one-apply path is taken even where a lossless one crosses a
	// manual step (R004-6: cancel_failover rather than failback → recover → confirm): the user
	// opted into the loss (V-MANUAL-STEP). Without it the lossy path is refused, and the
	// refusal names the manual step and offers the opt-in.
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
	if cfg.reachOnly && !p.exhausted {
		return plan, []Violation{{Rule: "V-STATE", Kind: kind, Precondition: "path", Message: "unreachable"}}
	}
	var vs []Violation
	if !p.exhausted {
		if v := p.platformStep(start); v != nil {
			return plan, p.refuse(obs, start, []Violation{*v}, cfg)
		}
		if v := p.manualStep(start, steps); v != nil {
			return plan, p.refuse(obs, start, []Violation{*v}, cfg)
		}
		vs = p.explain(start)
	}
	if p.exhausted {
		return plan, p.withOp([]Violation{{Rule: "V-STATE", Kind: kind, Object: obs.Name, State: RenderState(start.State, start.FailedOp), Precondition: "path",
			Message: fmt.Sprintf("V-STATE: the %d required operations of %s are too many to plan together; apply them in smaller changes.",
				len(goal.Required), quoteName(&start))}}, &start)
	}
	return plan, p.refuse(obs, start, vs, cfg)
}

// withOp names an operation in every violation that has none (a refusal of the goal as a
// whole): the provider's diagnostics summarise a violation by its rule and operation.
func (p *planner) withOp(vs []Violation, o *Observation) []Violation {
	for i := range vs {
		if vs[i].Op == "" {
			vs[i].Op = p.goalOp(o)
		}
	}
	return vs
}

// goalOp is the operation an unreachable goal is about: the first required operation that
// cannot be reached even ignoring preconditions, else the first operation that ends in a goal
// state, else one that moves the active site, else the first required operation, else the
// failed operation or the first one possible from the observed state.
func (p *planner) goalOp(o *Observation) Op {
	var ops []*Operation
	for _, g := range p.groups {
		if g.op == nil || !g.op.Invocable {
			continue
		}
		ops = append(ops, g.op)
	}
	for _, op := range ops {
		sub, _ := newPlanner(p.t, Goal{States: p.t.StateNames(), Required: []OpRequest{{Op: op.Name}}}, p.opts)
		if _, ok := sub.search(*o, modeRelaxed); !ok {
			return op.Name
		}
	}
	if p.goal.ActiveSite != "" && o.ActiveSite != "" && o.ActiveSite != p.goal.ActiveSite {
		for _, op := range p.t.ops {
			if op.Invocable && op.Site == SiteFlip && !op.OnRequest {
				return op.Name // the goal moves production
			}
		}
	}
	for _, op := range p.t.ops {
		if op.Invocable && !op.Create && op.OnSuccess != "" && slices.Contains(p.goal.States, op.OnSuccess) {
			return op.Name
		}
	}
	if p.goal.ActiveSite != "" {
		for _, op := range p.t.ops {
			if op.Invocable && op.Site == SiteFlip {
				return op.Name
			}
		}
	}
	if len(ops) > 0 {
		return ops[0].Name
	}
	if o.State == Error && o.FailedOp != "" {
		return o.FailedOp
	}
	for _, op := range p.t.ops {
		if op.Invocable && (op.IsFrom(o.State, o.FailedOp) || o.State == "" && op.Create) {
			return op.Name
		}
	}
	return p.t.ops[0].Name
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
	if c := p.t.Class(start.State); len(out) == 0 && c != Terminal && start.State != "" {
		// Not even ignoring preconditions: the operations that would end at the goal are
		// refused by the observed state itself (e.g. R001-1, an invalid pair cannot fail
		// over). Lossless ones first (an operation whose loss the opt-in accepts, or that loses
		// nothing with the facts observed — a failover from a site that is down — counts as
		// lossless), then the one allowed from the most states: when even it is refused by the
		// state (a failover, not the planned switchover), its rule is the one that speaks.
		ops := slices.Clone(p.t.ops)
		slices.SortStableFunc(ops, func(a, b *Operation) int { return len(b.From) - len(a.From) })
		for _, lossy := range []bool{false, true} {
			for _, op := range ops {
				opLossy := op.DataLoss != nil && op.IsDataLoss(start) && !p.opts.AllowDataLoss
				if !op.Invocable || op.Create || op.OnRequest || opLossy != lossy || op.IsFrom(start.State, start.FailedOp) {
					continue
				}
				// the active site first: when the goal moves it, the operations that would
				flipNeeded := p.goal.ActiveSite != "" && start.ActiveSite != p.goal.ActiveSite
				ends := op.OnSuccess != "" && slices.Contains(p.goal.States, op.OnSuccess)
				flips := op.Site == SiteFlip
				if (flipNeeded && flips) || (!flipNeeded && ends) {
					add([]Violation{*op.fromViolation(p.t, &start)})
				}
			}
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
		for _, g := range p.groups {
			w := "after " + string(p.goal.Required[g.idx[0]].Op)
			if len(g.idx) > 1 {
				w += fmt.Sprintf(" (×%d)", len(g.idx))
			}
			want = append(want, w)
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

// manualStep explains a goal that lies beyond a checkpoint: the strict search stops at
// checkpoint operations, so when a search allowed to chain through them reaches the goal, the
// refusal is the first checkpoint on that path (V-MANUAL-STEP), with the two-step remedy.
// waited are the Wait steps already planned (a checkpoint operation still running).
func (p *planner) manualStep(start Observation, waited []Step) *Violation {
	through := *p
	through.throughCheckpoints, through.rootStopped, through.exhausted = true, false, false
	path, ok := through.search(start, modeStrict)
	if !ok {
		return nil
	}
	all := append(append([]Step(nil), waited...), path...)
	for i, st := range all {
		row, _ := p.t.Operation(st.Op)
		if row == nil || row.Checkpoint == "" || i == len(all)-1 {
			continue
		}
		next := all[i+1]
		o := start
		o.State = st.To
		stop := string(st.To)
		if d := Desired(p.t.Kind); d != nil {
			if v := d.valueOf(st.To); v != "" {
				stop = fmt.Sprintf("%s = %q", d.Name, v)
			}
		}
		msg := fmt.Sprintf("V-MANUAL-STEP: %s must stop at %s after %s: %s before %s can follow. "+
			"Apply in two steps: set %s and apply; do that out-of-band work; then set the goal again and apply.",
			quoteName(&o), st.To, st.Op, row.Checkpoint, next.Op, stop)
		v := &Violation{Rule: "V-MANUAL-STEP", Precondition: "checkpoint", Message: msg,
			Remedy: fmt.Sprintf("Set %s and apply; %s; then apply the goal again.", stop, row.Checkpoint)}
		v.fill(p.t.Kind, next.Op, &start)
		return v
	}
	return nil
}

// siteRefusals checks a running synchronisation (a Wait step through a Syncs row) against the
// site-health preconditions of its row: the planner does not assume it completes while a site
// it copies between is down (V-SYNC-SITES).
func siteRefusals(t *KindTable, op *Operation, o *Observation) []Violation {
	var out []Violation
	for i := range op.Preconditions {
		pc := &op.Preconditions[i]
		if !slices.Contains(pc.Facts, FactSiteHealth) {
			continue
		}
		if v := pc.eval(t.Kind, op.Name, o); v != nil && !v.Deferred {
			v.Message += fmt.Sprintf(" The running %s cannot complete until then; the platform ends it in error{%s} if the site does not come back in time.", op.Name, op.Name)
			out = append(out, *v)
		}
	}
	return out
}

// requiresTerminal reports whether a required operation ends in a terminal state (delete).
func (p *planner) requiresTerminal() bool {
	for _, g := range p.groups {
		if g.op != nil && g.op.OnSuccess != "" && p.t.Class(g.op.OnSuccess) == Terminal {
			return true
		}
	}
	return false
}

// Created is the observation of a new object right after its create operation succeeds, from
// the facts the platform proposes for it (ProposedPairFacts and the like): the create row's
// result state and effect (a new recovery server's advertised operations are not known until
// it exists). Plan-time checks of a create plan from it.
func Created(kind Kind, name string, facts Facts) Observation {
	o := Observation{Kind: kind, Name: name, ActiveSite: SiteSource, Facts: facts}
	if t := Table(kind); t != nil {
		if c := t.CreateOperation(); c != nil {
			o = apply(c, o)
		}
	}
	if kind == BackupReplica || kind == RecoveryServer {
		o.ActiveSite = ""
	}
	return o
}

// platformStep explains a goal that needs an operation the platform cannot invoke: when a
// search allowed to use such operations reaches the goal, the refusal names the first of them
// on that path and the manual step that replaces it (V-PLATFORM).
func (p *planner) platformStep(start Observation) *Violation {
	if p.opts.Platform == nil || len(p.opts.Platform.Manual[p.t.Kind]) == 0 {
		return nil
	}
	through := *p
	through.throughManual, through.throughCheckpoints, through.rootStopped, through.exhausted = true, true, false, false
	path, ok := through.search(start, modeStrict)
	if !ok {
		return nil
	}
	o := start
	for _, st := range path {
		if v := p.opts.Platform.manualViolation(p.t.Kind, st.Op, &o); v != nil {
			return v
		}
		o.State, o.ActiveSite = st.To, st.ActiveSite
	}
	return nil
}

// dataLossWhy says what a lossy step can lose, from its row's rule and the observed facts.
func dataLossWhy(op *Operation, o *Observation, lossy bool) string {
	d := op.DataLoss
	if !lossy || d == nil {
		return ""
	}
	if unk := unknownFacts(o, d.Facts); len(unk) > 0 {
		return fmt.Sprintf("%s may lose data (%s); whether it does is not known (%s)", op.Name, d.Notes, strings.Join(unk, ", "))
	}
	if d.Why == nil {
		return ""
	}
	return d.Why(o)
}
