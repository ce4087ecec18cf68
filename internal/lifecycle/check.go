package lifecycle

import (
	"fmt"
	"strings"
)

// Violation is a refusal: the rule, what was observed and the remedy.
type Violation struct {
	Rule string   // the rule ID, e.g. "R002-1"
	Also []string // further rule IDs the same refusal enforces
	Kind Kind
	Op   Op
	// Object is the object's name (or ID) as observed; State the rendered observed state.
	Object string
	State  string
	// Precondition names the failed predicate ("has_members"); "from_state" for a refusal by
	// state, "data_loss" for a missing opt-in.
	Precondition string
	Message      string // full sentence: rule, requirement, observed values, remedy
	Remedy       string
	// Deferred: the check reads facts that are not known yet (Facts); it is not a refusal now
	// but must be re-checked at apply time before the first platform call.
	Deferred bool
	Facts    []string
	// DataLoss marks a refusal for a missing allow_data_loss opt-in.
	DataLoss bool
	// Unobservable marks a deferred check whose facts the platform never reports
	// (Capabilities.Unobservable): it is not checked at apply either; the platform decides.
	Unobservable bool
	// Params names the operation parameters the refusal is about, when the rule knows
	// (create parameters such as "secondary_volume_id"); empty means the operation as a whole.
	Params []string
	// Consequence marks a refusal that follows from the step's other refusals
	// (Precondition.Consequence): a refusal of a goal leaves it out when another one explains.
	Consequence bool
	// Step, on the refusal of a goal (Plan), is the operation on the way that a rule refuses
	// when it is not the one the goal asks for (Op): enable_protection on the way to a
	// failover.
	Step Op
	// Offers, on the refusal of a goal (Plan, PlanCreate), are the goals reachable now instead
	// (offer.go): the nearest with the user's options, then a nearer one the allow_data_loss
	// opt-in would make reachable. Offered says they were computed: Offered without Offers
	// means no goal is reachable now.
	Offers  []Offer
	Offered bool
}

// Error returns the message.
func (v Violation) Error() string { return v.Message }

// Violations is an error made of several violations.
type Violations []Violation

func (vs Violations) Error() string {
	msgs := make([]string, len(vs))
	for i, v := range vs {
		msgs[i] = v.Message
	}
	return strings.Join(msgs, "\n")
}

// Blocking returns the violations that refuse now (not deferred).
func Blocking(vs []Violation) []Violation {
	var out []Violation
	for _, v := range vs {
		if !v.Deferred {
			out = append(out, v)
		}
	}
	return out
}

// Deferred returns the violations whose checks wait for apply time.
func DeferredOnly(vs []Violation) []Violation {
	var out []Violation
	for _, v := range vs {
		if v.Deferred {
			out = append(out, v)
		}
	}
	return out
}

// HasBlocking reports whether any violation refuses now.
func HasBlocking(vs []Violation) bool {
	for _, v := range vs {
		if !v.Deferred {
			return true
		}
	}
	return false
}

func (v *Violation) fill(kind Kind, op Op, o *Observation) {
	v.Kind, v.Op = kind, op
	v.Object = o.Name
	if v.Object == "" {
		v.Object = o.ID
	}
	v.State = RenderState(o.State, o.FailedOp)
}

func ruleLabel(rule string, also []string) string {
	if len(also) == 0 {
		return rule
	}
	return rule + " (" + strings.Join(also, ", ") + ")"
}

func unknownFacts(o *Observation, facts []string) []string {
	if len(o.Facts.Unknown) == 0 {
		return nil
	}
	var out []string
	for _, f := range facts {
		if o.Facts.Unknown[f] {
			out = append(out, f)
		}
	}
	return out
}

func (p *Precondition) eval(kind Kind, op Op, o *Observation) *Violation {
	if p.Applies != nil && !p.Applies(o) {
		return nil
	}
	label := ruleLabel(p.Rule, p.Also)
	if unk := unknownFacts(o, p.Facts); len(unk) > 0 {
		if p.Partial {
			if ok, observed := p.Test(o); !ok {
				return p.refusal(kind, op, o, observed)
			}
		}
		v := &Violation{Rule: p.Rule, Also: p.Also, Precondition: p.Name, Deferred: true, Facts: unk, Remedy: p.Remedy,
			Message: fmt.Sprintf("%s: %s %s; not known at plan time (%s), checked at apply time before the first platform call.",
				label, op, p.Requirement, strings.Join(unk, ", "))}
		v.fill(kind, op, o)
		return v
	}
	ok, observed := p.Test(o)
	if ok {
		return nil
	}
	return p.refusal(kind, op, o, observed)
}

// refusal is the precondition's blocking violation for what it observed.
func (p *Precondition) refusal(kind Kind, op Op, o *Observation, observed string) *Violation {
	v := &Violation{Rule: p.Rule, Also: p.Also, Precondition: p.Name, Remedy: p.Remedy,
		Message:     fmt.Sprintf("%s: %s %s; %s. %s", ruleLabel(p.Rule, p.Also), op, p.Requirement, observed, p.Remedy),
		Consequence: p.Consequence != nil && p.Consequence(o)}
	if p.Params != nil {
		v.Params = p.Params(o)
	}
	v.fill(kind, op, o)
	return v
}

func (op *Operation) fromViolation(t *KindTable, o *Observation) *Violation {
	rule, remedy := op.FromRule, ""
	if op.FromRefusal != nil {
		r, rem := op.FromRefusal(o)
		if r != "" {
			rule = r
		}
		remedy = rem
	}
	if remedy == "" {
		remedy = defaultFromRemedy(t, op, o)
	}
	froms := make([]string, len(op.From))
	for i, f := range op.From {
		froms[i] = f.String()
	}
	var msg string
	if o.State == "" {
		msg = fmt.Sprintf("%s: %s needs an existing %s; there is none. %s", rule, op.Name, t.Noun, remedy)
	} else {
		msg = fmt.Sprintf("%s: %s of %s is allowed only from %s; it is %s. %s", rule, op.Name, quoteName(o),
			strings.Join(froms, ", "), RenderState(o.State, o.FailedOp), remedy)
	}
	v := &Violation{Rule: rule, Precondition: "from_state", Remedy: remedy, Message: msg}
	v.fill(t.Kind, op.Name, o)
	return v
}

func defaultFromRemedy(t *KindTable, op *Operation, o *Observation) string {
	switch t.Class(o.State) {
	case Transitional:
		return "Wait for the running operation to finish."
	case Terminal:
		return "The object is deleted."
	case "":
		if o.State == "" {
			return "Create it first."
		}
		return fmt.Sprintf("%q is not a %s state.", o.State, t.Kind)
	}
	if path := t.pathHint(o, op); path != "" {
		return path
	}
	return "It cannot be reached from here."
}

// pathHint suggests the operations that lead to a from-state of op (ignoring preconditions).
func (t *KindTable) pathHint(o *Observation, op *Operation) string {
	steps := relaxedPathTo(t, o.State, o.FailedOp, op)
	if len(steps) == 0 {
		return ""
	}
	names := make([]string, len(steps))
	for i, s := range steps {
		names[i] = string(s)
	}
	return "Run " + strings.Join(names, " → ") + " first."
}

// relaxedPathTo finds the shortest op sequence (ignoring preconditions) from a state to any
// from-state of target.
func relaxedPathTo(t *KindTable, s State, failed Op, target *Operation) []Op {
	type node struct {
		s State
		f Op
	}
	type entry struct {
		n    node
		path []Op
	}
	seen := map[node]bool{{s, failed}: true}
	q := []entry{{node{s, failed}, nil}}
	for len(q) > 0 {
		e := q[0]
		q = q[1:]
		if len(e.path) > 4 {
			break
		}
		for _, op := range t.ops {
			if !op.Invocable || op.Create || op == target || !op.IsFrom(e.n.s, e.n.f) {
				continue
			}
			n := node{op.Target(e.n.s), ""}
			if seen[n] {
				continue
			}
			seen[n] = true
			p := append(append([]Op(nil), e.path...), op.Name)
			if target.IsFrom(n.s, n.f) {
				return p
			}
			q = append(q, entry{n, p})
		}
	}
	return nil
}

// Check tells whether op may run on the observed object now: from-state, preconditions and
// the data-loss opt-in. For create-like operations obs.State is "". Deferred violations are
// not refusals (their facts are unknown); use Blocking to keep the refusals.
func Check(kind Kind, op Op, obs Observation, opts Options) []Violation {
	if obs.Kind == "" {
		obs.Kind = kind
	}
	t := Table(kind)
	if t == nil {
		return []Violation{{Rule: "V-STATE", Kind: kind, Op: op, Precondition: "kind",
			Message: fmt.Sprintf("V-STATE: unknown kind %q.", kind)}}
	}
	o, ok := t.Operation(op)
	if !ok {
		v := Violation{Rule: "V-STATE", Precondition: "operation",
			Message: fmt.Sprintf("V-STATE: a %s has no operation %q.", kind, op)}
		v.fill(kind, op, &obs)
		return []Violation{v}
	}
	if v := opts.Platform.kindViolation(kind, op); v != nil {
		return []Violation{*v}
	}
	if obs.Platform == nil {
		obs.Platform = opts.Platform // V-PARAMS reads which parameters the platform takes
	}
	if v := opts.Platform.manualViolation(kind, op, &obs); v != nil && o.Invocable {
		return append([]Violation{*v}, Blocking(t.check(o, &obs, opts))...)
	}
	return t.check(o, &obs, opts)
}

// CheckPreconditions evaluates only op's preconditions — not its from-states or the
// data-loss opt-in — for a step the planner reaches later on its path: e.g. whether a pair can
// join a group that is replicating now and will be paused first.
func CheckPreconditions(kind Kind, op Op, obs Observation) []Violation {
	if obs.Kind == "" {
		obs.Kind = kind
	}
	row, ok := Table(kind).Operation(op)
	if !ok {
		return Check(kind, op, obs, Options{})
	}
	var out []Violation
	for i := range row.Preconditions {
		if v := row.Preconditions[i].eval(kind, op, &obs); v != nil {
			out = append(out, *v)
		}
	}
	return out
}

func (t *KindTable) check(o *Operation, obs *Observation, opts Options) []Violation {
	if obs.Platform == nil {
		obs.Platform = opts.Platform // the platform's limits (MemberLimit) for the preconditions
	}
	var out []Violation
	for i := range o.Preconditions {
		p := &o.Preconditions[i]
		if !p.Guard {
			continue
		}
		if v := p.eval(t.Kind, o.Name, obs); v != nil {
			out = append(out, *v)
		}
	}
	if HasBlocking(out) {
		return out
	}
	if !o.IsFrom(obs.State, obs.FailedOp) {
		return append(out, *o.fromViolation(t, obs))
	}
	if v := obs.Platform.refusal(t.Kind, o.Name, obs); v != nil {
		if !v.Deferred {
			return append(out, *v)
		}
		out = append(out, *v)
	}
	for i := range o.Preconditions {
		p := &o.Preconditions[i]
		if p.Guard {
			continue
		}
		if v := p.eval(t.Kind, o.Name, obs); v != nil {
			if v.Deferred {
				markUnobservable(v, p, opts)
			}
			out = append(out, *v)
		}
	}
	if v := dataLossViolation(t, o, obs, opts); v != nil {
		out = append(out, *v)
	}
	return out
}

// markUnobservable rewrites a deferred precondition whose facts the platform never reports:
// apply will not know them either, so it is not checked by the engine at all — the platform
// decides (its refusal, if any, comes from its own call).
func markUnobservable(v *Violation, p *Precondition, opts Options) {
	never := opts.Platform.unobservable(v.Facts)
	if len(never) == 0 || len(never) != len(v.Facts) {
		return
	}
	v.Unobservable = true
	v.Message = fmt.Sprintf("%s: %s %s; %s does not report %s, so this is not checked before the call: the platform decides.",
		ruleLabel(p.Rule, p.Also), v.Op, p.Requirement, opts.Platform.name(), strings.Join(never, ", "))
}

// dataLossViolation returns the refusal for a lossy step without the opt-in (deferred when the
// predicate's facts are unknown).
func dataLossViolation(t *KindTable, o *Operation, obs *Observation, opts Options) *Violation {
	d := o.DataLoss
	if d == nil || opts.AllowDataLoss {
		return nil
	}
	if unk := unknownFacts(obs, d.Facts); len(unk) > 0 {
		if never := opts.Platform.unobservable(unk); len(never) > 0 {
			// apply will know no more: the loss cannot be ruled out, so it needs the opt-in now
			remedy := fmt.Sprintf("%s, or set allow_data_loss = true.", capitalize(d.Safe))
			v := &Violation{Rule: d.Rule, Precondition: "data_loss", DataLoss: true, Remedy: remedy,
				Message: fmt.Sprintf("%s: %s of %s may lose data (%s), and %s cannot tell whether it does: its API does not report %s. %s",
					d.Rule, o.Name, quoteName(obs), d.Notes, opts.Platform.name(), strings.Join(never, ", "), remedy)}
			v.fill(t.Kind, o.Name, obs)
			return v
		}
		v := &Violation{Rule: d.Rule, Precondition: "data_loss", Deferred: true, DataLoss: true, Facts: unk,
			Remedy: fmt.Sprintf("%s, or set allow_data_loss = true.", capitalize(d.Safe)),
			Message: fmt.Sprintf("%s: %s may lose data; whether it does is not known at plan time (%s), checked at apply time. %s, or set allow_data_loss = true.",
				d.Rule, o.Name, strings.Join(unk, ", "), capitalize(d.Safe))}
		v.fill(t.Kind, o.Name, obs)
		return v
	}
	if d.When != nil && !d.When(obs) {
		return nil
	}
	remedy := fmt.Sprintf("%s, or set allow_data_loss = true.", capitalize(d.Safe))
	v := &Violation{Rule: d.Rule, Precondition: "data_loss", DataLoss: true, Remedy: remedy,
		Message: fmt.Sprintf("%s: %s: %s. %s", d.Rule, o.Name, d.Why(obs), remedy)}
	v.fill(t.Kind, o.Name, obs)
	return v
}

// ApplyTimeRefusals returns the refusals of a step at apply time, before its platform call:
// the blocking violations of vs, and the data-loss checks that were deferred at plan and whose
// facts are still unknown now — a loss that cannot be ruled out needs the opt-in (a deferred
// data-loss check never lets a step through because its facts stayed unknown).
func ApplyTimeRefusals(vs []Violation) []Violation {
	var out []Violation
	for _, v := range vs {
		switch {
		case !v.Deferred:
			out = append(out, v)
		case v.DataLoss:
			v.Deferred = false
			v.Message = fmt.Sprintf("%s: %s may lose data and whether it does is still not known before the platform call (%s): refused without allow_data_loss. %s",
				v.Rule, v.Op, strings.Join(v.Facts, ", "), v.Remedy)
			out = append(out, v)
		}
	}
	return out
}

// IsDataLoss reports whether running op on the observed object can lose data (true when the
// predicate's facts are unknown).
func (o *Operation) IsDataLoss(obs Observation) bool {
	if o.DataLoss == nil {
		return false
	}
	if len(unknownFacts(&obs, o.DataLoss.Facts)) > 0 {
		return true
	}
	return o.DataLoss.When == nil || o.DataLoss.When(&obs)
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// AllowedOperations lists the user-invocable operations whose checks pass now (deferred checks
// count as passing), sorted by name. Create-like operations are not listed.
func AllowedOperations(kind Kind, obs Observation, opts Options) []Op {
	t := Table(kind)
	if t == nil {
		return nil
	}
	if obs.Kind == "" {
		obs.Kind = kind
	}
	if opts.Platform == nil {
		opts.Platform = obs.Platform
	}
	out := make([]Op, 0, 4)
	for _, o := range t.ops {
		if !o.Invocable || o.Create || !o.IsFrom(obs.State, obs.FailedOp) {
			continue
		}
		if _, manual := opts.Platform.ManualStep(kind, o.Name); manual {
			continue
		}
		if !HasBlocking(t.check(o, &obs, opts)) {
			out = append(out, o.Name)
		}
	}
	return sortedOps(out)
}

// CheckServerPowerChange refuses starting or stopping a protected server of a group whose
// failover, planned failover or reprotect is in progress (R002-7). nil means allowed.
func CheckServerPowerChange(group Observation) *Violation {
	if group.Kind == "" {
		group.Kind = ProtectionGroup
	}
	var running string
	switch group.State {
	case FailingOver:
		running = "a failover"
	case SwitchingOver:
		running = "a planned failover"
	case Reprotecting:
		running = "a reprotect"
	}
	if running == "" && !group.Facts.ServersBusy {
		return nil
	}
	if running == "" {
		running = "an operation"
	}
	v := &Violation{Rule: "R002-7", Precondition: "servers_not_busy",
		Remedy: "Wait until it finishes, then start or stop the server.",
		Message: fmt.Sprintf("R002-7: servers in %s cannot be started or stopped while %s runs; it is %s. Wait until it finishes, then start or stop the server.",
			quoteName(&group), running, RenderState(group.State, group.FailedOp))}
	v.fill(ProtectionGroup, "", &group)
	return v
}
