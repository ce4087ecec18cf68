package lifecycle

import (
	"fmt"
	"slices"
	"strings"
)

// Refusals about the user's goal (issue 26). When Plan cannot reach a goal, its refusal speaks
// to what the user asked for: one violation per refused goal (every cause in it, none repeated
// as a second error), naming the operation the goal asks for (Violation.Op; the operation on
// the way that a rule refuses is Violation.Step), and offering the nearest goal that is
// reachable now, as the values of the configuration's desired-state attributes
// (Violation.Offers; Offered with none: no goal is).
//
// The offers are computed from the tables, by planning: every goal the configuration could
// declare instead — each value of the kind's desired-state attribute (DesiredAttribute) and,
// when the goal sets one, each active site — is planned from the observed object; those that
// plan are reachable now. The nearest is the one that changes least of what the user set:
// keeping the active site weighs twice as much as keeping the desired state (production's
// site is what a failover is about: seed 002's failover reaches the target site with
// protection disabled, R002-3), and an offer never trades the active site the user asked for
// for another — moving production elsewhere than asked is not a way to the goal — except by
// staying where the object is. At the same distance a goal that moves towards the user's goal
// comes before staying put, then the one with fewer operations. A nearer goal that only the
// allow_data_loss opt-in makes reachable (the user's own, e.g. R004-6 cancel_failover) is a
// second offer, marked DataLoss.

// Offer is a goal that is reachable now, offered instead of a refused one.
type Offer struct {
	Goal Goal
	// Desired is the offered value of the kind's desired-state attribute (Desired(kind).Name);
	// "" when the refused goal sets none. Site is the offered active site; "" when it sets
	// none.
	Desired string
	Site    Site
	// Ops are the operations apply would run (waits left out; a new object's create not
	// included).
	Ops []Op
	// Current: the object already is there (nothing else is reachable): the offer keeps it
	// as it is. Create: the refused goal was a new object's, and the offer is its create
	// followed by Ops (none: the create alone).
	Current, Create bool
	// DataLoss: reachable only with allow_data_loss = true (an operation on the way can lose
	// data).
	DataLoss bool
}

// String renders the offer compactly: `protection=disabled active_site=target: failover`,
// `mode=standby: (stays)`, `mode=standby: (create only)`, `…: cancel_failover [allow_data_loss]`.
func (o Offer) String() string {
	var parts []string
	if o.Desired != "" {
		name := "desired"
		if len(o.Goal.States) > 0 {
			for _, d := range desiredAttributes {
				if slices.Contains(d.States(o.Desired), o.Goal.States[0]) {
					name = d.Name
				}
			}
		}
		parts = append(parts, name+"="+o.Desired)
	}
	if o.Site != "" {
		parts = append(parts, "active_site="+string(o.Site))
	}
	if len(parts) == 0 {
		parts = append(parts, "goal")
	}
	ops := make([]string, len(o.Ops))
	for i, op := range o.Ops {
		ops[i] = string(op)
	}
	what := strings.Join(ops, " → ")
	switch {
	case o.Current:
		what = "(stays)"
	case o.Create && what == "":
		what = "(create only)"
	}
	s := strings.Join(parts, " ") + ": " + what
	if o.DataLoss {
		s += " [allow_data_loss]"
	}
	return s
}

// OffersString renders offers for tests and logs: "none" when there are none.
func OffersString(offers []Offer) string {
	if len(offers) == 0 {
		return "none"
	}
	out := make([]string, len(offers))
	for i, o := range offers {
		out[i] = o.String()
	}
	return strings.Join(out, "; ")
}

// refuse makes the one refusal of a goal the planner cannot reach: the violations that explain
// it folded into one (Refusal), the operation the goal asks for, and what is reachable now.
// obs is the observation the plan started from (start, after any wait).
func (p *planner) refuse(obs, start Observation, vs []Violation, cfg planCfg) []Violation {
	if cfg.reachOnly || len(vs) == 0 {
		return vs
	}
	vs = p.withOp(vs, &start)
	v := Refusal(vs)
	asked, way := p.asked(start, v.Op)
	if asked != "" && asked != v.Op {
		v.Step, v.Op = v.Op, asked
		if len(way) > 0 && v.Rule != "V-MANUAL-STEP" && v.Rule != "V-PLATFORM" { // those say the way themselves
			label := ruleLabel(v.Rule, nil)
			inner := strings.TrimPrefix(v.Message, label+": ")
			if i := strings.Index(inner, ": "); i > 0 && strings.HasPrefix(v.Message, label+" (") {
				inner = inner[i+2:] // "R000-4 (V-GRP-REPROT): …"
			}
			v.Message = fmt.Sprintf("%s: %s of %s needs %s first, which is refused: %s", label, asked, quoteName(&start), joinOps(way), inner)
		}
	}
	v.Offers, v.Offered = p.offers(obs, cfg), true
	return []Violation{v}
}

// Refusal folds the blocking violations of one refused step or goal into one (a surface
// reports one error per refused object): the first is the refusal, the others' messages follow
// it ("Also: …") and their rules join Also; a refusal that only follows from the others
// (Violation.Consequence: a platform withholding an action for a reason the engine checks
// itself) is left out, and so is a message said already. Deferred violations are dropped
// (they are not refusals). vs without a blocking violation returns its first violation.
func Refusal(vs []Violation) Violation {
	blocking := Blocking(vs)
	if len(blocking) == 0 {
		if len(vs) == 0 {
			return Violation{}
		}
		return vs[0]
	}
	var causes []Violation
	for _, b := range blocking {
		if !b.Consequence {
			causes = append(causes, b)
		}
	}
	if len(causes) == 0 {
		causes = blocking
	}
	v := causes[0]
	v.Also = slices.Clone(v.Also)
	seen := map[string]bool{v.Message: true}
	var more []string
	for _, c := range causes[1:] {
		if seen[c.Message] {
			continue
		}
		seen[c.Message] = true
		more = append(more, c.Message)
		for _, r := range append([]string{c.Rule}, c.Also...) {
			if r != v.Rule && !slices.Contains(v.Also, r) {
				v.Also = append(v.Also, r)
			}
		}
		if len(v.Params) == 0 {
			v.Params = c.Params
		}
	}
	if len(more) > 0 {
		v.Message += " Also: " + strings.Join(more, " ")
	}
	return v
}

// asked is the operation the goal asks for, and the operations on the way to it up to the
// refused step (blocked) when that step comes before it: the last operation of the shortest
// way to the goal ignoring preconditions (and manual steps) that the goal does not require by
// name — the one that reaches the goal's state or site (a failover, not the enable_protection
// before it) — unless the refused step is itself one the goal requires by name (a membership
// change), or a required operation is unreachable even ignoring preconditions.
func (p *planner) asked(start Observation, blocked Op) (Op, []Op) {
	for _, g := range p.groups {
		if g.op == nil || !g.op.Invocable {
			continue
		}
		sub, _ := newPlanner(p.t, Goal{States: p.t.StateNames(), Required: []OpRequest{{Op: g.op.Name}}}, p.opts)
		sub.throughCheckpoints, sub.throughManual = true, true
		if _, ok := sub.search(start, modeRelaxed); !ok {
			return g.op.Name, nil
		}
	}
	if _, required := p.opGroup[blocked]; required && blocked != "" {
		return blocked, nil
	}
	through := *p
	through.throughCheckpoints, through.throughManual, through.rootStopped, through.exhausted = true, true, false, false
	path, ok := through.search(start, modeRelaxed)
	if !ok || len(path) == 0 {
		return blocked, nil // no way at all: the refused operation is the one that would take it
	}
	at := -1
	if bare := (planner{t: p.t, goal: Goal{States: p.goal.States, ActiveSite: p.goal.ActiveSite}}); bare.atGoal(&start, 0) {
		// the goal's state and site hold already: what it asks for are its required operations
		for i, st := range path {
			if _, required := p.opGroup[st.Op]; required {
				at = i
				break
			}
		}
	} else {
		moves := p.goal.ActiveSite != "" && start.ActiveSite != "" && start.ActiveSite != p.goal.ActiveSite
		for i := len(path) - 1; i >= 0; i-- {
			if _, required := p.opGroup[path[i].Op]; !required && (!moves || path[i].SiteFlip) {
				at = i // the goal moves production: the operation that moves it
				break
			}
		}
	}
	if at < 0 {
		return blocked, nil
	}
	asked := path[at].Op
	if at == len(path)-1 && len(p.groups) == 0 {
		// The search ignores preconditions, so of two operations that end the way equally
		// well (a planned failover or a failover to the target site) it takes the first in
		// the table; the one whose own checks pass where it would run is what the goal asks
		// for (a failover while the source site is down).
		o := start
		for _, st := range path[:at] {
			row, _ := p.t.Operation(st.Op)
			o = apply(row, o)
		}
		if row, _ := p.t.Operation(asked); row != nil && HasBlocking(p.t.check(row, &o, p.opts)) {
			for _, alt := range p.t.ops {
				if alt == row || !alt.Invocable || alt.OnRequest || alt.Site != row.Site || !alt.IsFrom(o.State, o.FailedOp) {
					continue
				}
				if next := apply(alt, o); p.atGoal(&next, p.full) && !HasBlocking(p.t.check(alt, &o, p.opts)) {
					asked = alt.Name
					break
				}
			}
		}
	}
	for i := 0; i < at; i++ {
		if path[i].Op == blocked {
			way := make([]Op, i+1)
			for j := range way {
				way[j] = path[j].Op
			}
			return asked, way
		}
	}
	return asked, nil
}

func joinOps(ops []Op) string {
	s := make([]string, len(ops))
	for i, op := range ops {
		s[i] = string(op)
	}
	return strings.Join(s, " → ")
}

// offerCand is a goal the configuration could declare instead of the refused one.
type offerCand struct {
	desired string
	site    Site
	dist    int
}

// offers lists what a refusal offers: the nearest goal reachable now with the user's options
// (or none), then a nearer one that only allow_data_loss makes reachable.
func (p *planner) offers(obs Observation, cfg planCfg) []Offer {
	d := Desired(p.t.Kind)
	goal := p.goal
	userVal, expressible := "", d != nil
	if len(goal.States) > 0 && d != nil {
		userVal = d.valueFor(goal.States)
		expressible = userVal != ""
	}
	var cands []offerCand
	if expressible {
		vals := []string{userVal}
		if userVal != "" {
			vals = d.ValueNames()
		}
		sites := []Site{goal.ActiveSite}
		if goal.ActiveSite != "" {
			sites = []Site{goal.ActiveSite, goal.ActiveSite.Other()}
		}
		for _, s := range sites {
			for _, v := range vals {
				dist := 0
				if v != userVal {
					dist++
				}
				if s != goal.ActiveSite {
					dist += 2
				}
				cands = append(cands, offerCand{desired: v, site: s, dist: dist})
			}
		}
	} else {
		cands = []offerCand{{site: goal.ActiveSite}} // the goal itself (a destroy): offered only with the opt-in
	}
	eval := func(c offerCand, opts Options) (Offer, bool) {
		g := Goal{ActiveSite: c.site, Required: goal.Required}
		if c.desired != "" {
			g.States = d.States(c.desired)
		} else if !expressible {
			g.States = goal.States
		}
		path, vs := planWith(p.t.Kind, obs, g, opts, planCfg{reachOnly: true})
		if HasBlocking(vs) {
			return Offer{}, false
		}
		o := Offer{Goal: g, Desired: c.desired, Site: c.site, Create: cfg.created, DataLoss: path.DataLoss()}
		for _, st := range path.Steps {
			if !st.Wait {
				o.Ops = append(o.Ops, st.Op)
			}
		}
		o.Current = len(o.Ops) == 0 && !cfg.created
		// never move production elsewhere than asked, except by staying where it is, nor move
		// it at all when the goal does not ask to
		if c.site != goal.ActiveSite && len(o.Ops) > 0 {
			return Offer{}, false
		}
		flips, need := 0, 0
		for _, st := range path.Steps {
			if st.SiteFlip {
				flips++
			}
		}
		if goal.ActiveSite != "" && obs.ActiveSite != "" && obs.ActiveSite != c.site {
			need = 1
		}
		if flips > need { // e.g. a forced failover and back, to get round an attached volume
			return Offer{}, false
		}
		return o, true
	}
	less := func(a, b Offer, ad, bd int) bool {
		if ad != bd {
			return ad < bd
		}
		if a.Current != b.Current {
			return !a.Current
		}
		return len(a.Ops) < len(b.Ops)
	}
	// nearest first: once a distance has a reachable goal, farther ones are not planned
	slices.SortStableFunc(cands, func(a, b offerCand) int { return a.dist - b.dist })
	var best *Offer
	bestDist := 0
	for _, c := range cands {
		if c.dist == 0 {
			continue // the refused goal itself
		}
		if best != nil && c.dist > bestDist {
			break
		}
		if o, ok := eval(c, p.opts); ok && (best == nil || less(o, *best, c.dist, bestDist)) {
			best, bestDist = &o, c.dist
		}
	}
	var out []Offer
	if best != nil {
		out = append(out, *best)
	}
	if p.opts.AllowDataLoss {
		return out
	}
	lossyOpts := p.opts
	lossyOpts.AllowDataLoss = true
	var lossy *Offer
	lossyDist := 0
	for _, c := range cands {
		if (best != nil && c.dist >= bestDist) || (lossy != nil && c.dist > lossyDist) {
			break
		}
		if o, ok := eval(c, lossyOpts); ok && o.DataLoss && (lossy == nil || less(o, *lossy, c.dist, lossyDist)) {
			lossy, lossyDist = &o, c.dist
		}
	}
	if lossy != nil {
		out = append(out, *lossy)
	}
	return out
}
