package lifecycle

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// The decisions the provider's resources and actions need besides Check and Plan: whether an
// operation is already done or running, the one-step path of an action, a precheck's report,
// whether a refreshed state already meets a goal, whether an object changed since it was
// read, what a destroy cannot know. They live here so every driver and every surface gets
// the same answers from the tables.

// AlreadyDone reports whether the object already is where op would take it, so invoking it
// again is a no-op: the row's result state when that state is not one it starts from (a
// failed-over pair for failover), or — for a row that does not change the state — its
// simulated effect on the facts already holding (a running drill for start_drill, none for
// stop_drill). Operations that move production (switchover, planned failover) are never
// "already done": each run moves it again.
func AlreadyDone(kind Kind, op Op, obs Observation) bool {
	row, ok := Table(kind).Operation(op)
	if !ok {
		return false
	}
	if row.OnSuccess != "" {
		return obs.State == row.OnSuccess && !row.IsFrom(obs.State, obs.FailedOp)
	}
	if row.Effect == nil || row.Via != "" || row.Site == SiteFlip {
		return false
	}
	f := obs.Facts
	row.Effect(&f)
	return reflect.DeepEqual(f, obs.Facts)
}

// Running reports whether op itself is in progress on the object (its transitional state):
// invoking it again waits for it.
func Running(kind Kind, op Op, obs Observation) bool {
	row, ok := Table(kind).Operation(op)
	return ok && ((row.Via != "" && obs.State == row.Via) || slices.Contains(row.Pending, obs.State))
}

// OperationPath is the one-step path that runs op on the observed object (waiting for it
// when it already runs): what an action executes.
func OperationPath(kind Kind, op Op, obs Observation, opts Options) Path {
	row, _ := Table(kind).Operation(op)
	active := obs.ActiveSite
	if row.Site == SiteFlip && active != "" {
		active = active.Other()
	}
	st := Step{
		Index: 0, Op: row.Name, From: StateRef{State: obs.State, FailedOp: obs.FailedOp},
		Via: row.Via, Pending: row.Pending, To: row.Target(obs.State), ActiveSite: active,
		SiteFlip: row.Site == SiteFlip, DataLoss: row.IsDataLoss(obs), Region: row.Region, Afterwards: row.Afterwards,
		Manual: row.Manual,
	}
	st.DataLossWhy = dataLossWhy(row, &obs, st.DataLoss)
	return Path{Kind: kind, ID: obs.ID, Name: obs.Name, Version: obs.Version, Options: opts,
		Steps: []Step{st}, State: st.To, ActiveSite: active}
}

// CheckLine is one line of a precheck report.
type CheckLine struct {
	// Mark: "ok", "refused", "unknown" (checked before the platform call) or "allowed_loss".
	Mark string
	Rule string
	Text string
}

// String renders the line with its mark (✓ ✗ ? ⚠).
func (l CheckLine) String() string {
	m := map[string]string{"ok": "✓", "refused": "✗", "unknown": "?", "allowed_loss": "⚠"}[l.Mark]
	return fmt.Sprintf("%s %s: %s", m, l.Rule, l.Text)
}

// CheckReport evaluates every check of op one by one — from-state, each precondition, the
// data-loss opt-in — in the order Check applies them (guards, from-state, the rest). Check
// stops at the first refusing stage; the report shows them all.
func CheckReport(kind Kind, op Op, obs Observation, opts Options) []CheckLine {
	t := Table(kind)
	row, ok := t.Operation(op)
	if !ok {
		return []CheckLine{{Mark: "refused", Rule: "V-STATE", Text: fmt.Sprintf("a %s has no operation %q", kind, op)}}
	}
	if obs.Kind == "" {
		obs.Kind = kind
	}
	var out []CheckLine
	state := RenderState(obs.State, obs.FailedOp)
	fromState := func() {
		if row.IsFrom(obs.State, obs.FailedOp) {
			out = append(out, CheckLine{"ok", row.FromRule, fmt.Sprintf("%s may start from %s", row.Name, state)})
			return
		}
		froms := make([]string, len(row.From))
		for i, f := range row.From {
			froms[i] = f.String()
		}
		out = append(out, CheckLine{"refused", row.FromRule, fmt.Sprintf("%s starts only from %s; the %s is %s",
			row.Name, strings.Join(froms, ", "), t.Noun, state)})
	}
	var guards, rest []*Precondition
	for i := range row.Preconditions {
		if row.Preconditions[i].Guard {
			guards = append(guards, &row.Preconditions[i])
		} else {
			rest = append(rest, &row.Preconditions[i])
		}
	}
	eval := func(p *Precondition) {
		if p.Applies != nil && !p.Applies(&obs) {
			return
		}
		if unk := unknownFacts(&obs, p.Facts); len(unk) > 0 {
			out = append(out, CheckLine{"unknown", p.Rule, fmt.Sprintf("%s %s (not known yet: %s; checked before the platform call)",
				row.Name, p.Requirement, strings.Join(unk, ", "))})
			return
		}
		if ok, observed := p.Test(&obs); ok {
			out = append(out, CheckLine{"ok", p.Rule, fmt.Sprintf("%s %s", row.Name, p.Requirement)})
		} else {
			out = append(out, CheckLine{"refused", p.Rule, fmt.Sprintf("%s %s: %s. %s", row.Name, p.Requirement, observed, p.Remedy)})
		}
	}
	for _, p := range guards {
		eval(p)
	}
	fromState()
	for _, p := range rest {
		eval(p)
	}
	if d := row.DataLoss; d != nil {
		switch {
		case !row.IsDataLoss(obs):
			out = append(out, CheckLine{"ok", d.Rule, fmt.Sprintf("%s cannot lose data now", row.Name)})
		case opts.AllowDataLoss:
			out = append(out, CheckLine{"allowed_loss", d.Rule, fmt.Sprintf("%s can lose data; allowed by allow_data_loss = true", row.Name)})
		default:
			out = append(out, CheckLine{"refused", d.Rule, fmt.Sprintf("%s can lose data; %s, or set allow_data_loss = true", row.Name, d.Safe)})
		}
	}
	return out
}

// GoalMet reports whether the state Terraform already knows (its refresh: the rendered
// status and active site) satisfies the goal, so a no-op plan needs no platform call.
func GoalMet(kind Kind, status string, active Site, goal Goal) bool {
	ref := ParseStateRef(status)
	if ref.State == Error || len(goal.Required) > 0 {
		return false
	}
	if goal.ActiveSite != "" && goal.ActiveSite != active {
		return false
	}
	if len(goal.States) == 0 {
		return Table(kind).Class(ref.State) == Stable
	}
	return slices.Contains(goal.States, ref.State)
}

// ChangedSinceRead reports whether the object moved since it was read as status (rendered)
// with active site: a stable state changes only when an operation is invoked, so a different
// state means another apply, an action or an out-of-band operation is changing it, and acting
// on a plan made from the old state would be a lost update. A transitional read is no
// conflict (its operation's result is expected). An empty status means nothing was read.
func ChangedSinceRead(kind Kind, status string, active Site, obs Observation) bool {
	if status == "" {
		return false
	}
	was := ParseStateRef(status)
	if Table(kind).Class(was.State) != Stable {
		return false
	}
	return RenderState(obs.State, obs.FailedOp) != status || (active != "" && obs.ActiveSite != active)
}

// ForDestroy is the observation a destroy is planned from: a pair's group membership is
// unknown then, since the group's own destroy or update releases the pair earlier in the
// same apply (Terraform orders it first); the membership check runs at apply.
func ForDestroy(obs Observation) Observation {
	if obs.Facts.InGroup {
		markUnknown(&obs.Facts, FactMembers)
	}
	return obs
}

// Gone reports whether an observed state means the object no longer exists (a terminal
// state): a create whose client token returns such an object made it earlier, and it has
// been deleted since, so the create must be made anew with a fresh token.
func Gone(kind Kind, s State) bool {
	t := Table(kind)
	return t != nil && t.Class(s) == Terminal
}

// Drill is a kind's drill: the operation that starts the test copy and the one that removes
// it (a drill action starts, waits until ready, measures, stops).
type Drill struct {
	Kind        Kind
	Start, Stop Op
}

// Drills lists the kinds' drills, from the rows that end a test copy (EndsTest), in kind
// and table order.
func Drills() []Drill {
	var out []Drill
	for _, k := range Kinds {
		for _, op := range Table(k).Operations() {
			if op.EndsTest != "" {
				out = append(out, Drill{Kind: k, Start: op.EndsTest, Stop: op.Name})
			}
		}
	}
	return out
}

// DrillReady reports whether a drill's test copy is ready: the start row's result state, or —
// for a start row that leaves the state alone (a group's start_drill) — its effect holding.
func DrillReady(kind Kind, start Op, obs Observation) bool {
	row, ok := Table(kind).Operation(start)
	if !ok {
		return false
	}
	if row.OnSuccess != "" {
		return obs.State == row.OnSuccess
	}
	return AlreadyDone(kind, start, obs)
}

// Syncs reports whether op copies data between the sites (its row is marked Syncs): what a
// platform's synchronisation physics (stalls, link faults) applies to.
func Syncs(kind Kind, op Op) bool {
	t := Table(kind)
	if t == nil {
		return false
	}
	row, ok := t.Operation(op)
	return ok && row.Syncs
}

// CheckReplace checks what a replacement of an existing object adds to its delete (which is
// planned like a destroy, from the same observation): Terraform replaces an object whose
// attribute cannot change in place by deleting it and creating a new one from the
// configuration (V-REPLACE). A new pair or group replicates from its source (primary) site
// again, so replacing one whose production runs at the target (secondary) site — after a
// switchover, planned failover or failover, reprotected or not — would let the new object's
// first synchronisation copy the source's older data over the volumes that serve production.
// It needs allow_data_loss, or production moved back to the source site first.
func CheckReplace(k Kind, obs Observation, opts Options) []Violation {
	if (k != ReplicationPair && k != ProtectionGroup) || obs.ActiveSite != SiteTarget || opts.AllowDataLoss {
		return nil
	}
	src, tgt := "source", "target"
	if k == ReplicationPair {
		src, tgt = "primary", "secondary"
	}
	remedy := fmt.Sprintf("Move production back to the %s site first (active_site = %q, then change the attribute), or set allow_data_loss = true.", src, src)
	v := Violation{Rule: "V-REPLACE", Precondition: "data_loss", DataLoss: true, Remedy: remedy,
		Message: fmt.Sprintf("V-REPLACE: replacing %s deletes it and creates a new one that replicates from the %s site, but production runs at the %s site (%s): the new %s's first synchronisation would overwrite the data serving production with the %s site's older copy. %s",
			quoteName(&obs), src, tgt, RenderState(obs.State, obs.FailedOp), strings.ReplaceAll(string(k), "_", " "), src, remedy)}
	v.fill(k, OpDelete, &obs)
	return []Violation{v}
}
