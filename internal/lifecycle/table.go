package lifecycle

import (
	"fmt"
	"sort"
	"strings"
)

// SiteEffect says what an operation does to the active site.
type SiteEffect string

const (
	SiteKeep SiteEffect = "keep" // the active site does not change
	SiteFlip SiteEffect = "flip" // production moves to the other site
)

// CallRegion says in which region a driver must issue the operation's platform call (R001-3).
type CallRegion string

const (
	RegionEither  CallRegion = "either"  // the active or the standby site's region
	RegionActive  CallRegion = "active"  // the region of the site currently serving production
	RegionStandby CallRegion = "standby" // the region of the other site
	// RegionTarget and RegionSource are role-fixed: the region of the site that was the DR
	// (target, "secondary") or production (source, "primary") side at creation, whichever is
	// active now. Alibaba EBS calls failover and reprotect in the secondary disk's region and
	// delete in the primary disk's region, roles that a failover does not swap
	// (vendor-lifecycles §1.6; ReprotectDiskReplicaPair).
	RegionTarget CallRegion = "target"
	RegionSource CallRegion = "source"
)

// RegionFor returns the region a driver must call op in, from the observation's facts
// (Facts.ActiveRegion / Facts.StandbyRegion). "" when the op does not care or it is unknown.
func (o *Operation) RegionFor(obs Observation) string {
	switch o.Region {
	case RegionActive:
		return obs.Facts.ActiveRegion
	case RegionStandby:
		return obs.Facts.StandbyRegion
	case RegionTarget, RegionSource:
		want := SiteTarget
		if o.Region == RegionSource {
			want = SiteSource
		}
		if obs.ActiveSite == want {
			return obs.Facts.ActiveRegion
		}
		return obs.Facts.StandbyRegion
	}
	return ""
}

// StateRef is a state as operations name it: a state, or Error with the failed operation
// ("error{start}"); FailedOp "*" matches any failed operation ("error{*}"). The empty State
// means "no object yet" (create-like operations).
type StateRef struct {
	State    State
	FailedOp Op
}

// String renders the reference: "configured", "error{start}", "error{*}", "(none)".
func (r StateRef) String() string {
	if r.State == "" {
		return "(none)"
	}
	if r.State == Error && r.FailedOp != "" {
		return "error{" + string(r.FailedOp) + "}"
	}
	return string(r.State)
}

// Matches reports whether an observed state/failed-op pair is the referenced state.
func (r StateRef) Matches(s State, failed Op) bool {
	if r.State != s {
		return false
	}
	if s != Error || r.FailedOp == "*" || r.FailedOp == "" {
		return true
	}
	return r.FailedOp == failed
}

// ParseStateRef parses "configured", "error{start}", "error{*}" or "" (no object).
func ParseStateRef(s string) StateRef {
	if strings.HasPrefix(s, "error{") && strings.HasSuffix(s, "}") {
		return StateRef{State: Error, FailedOp: Op(s[len("error{") : len(s)-1])}
	}
	return StateRef{State: State(s)}
}

// RenderState renders an observed state: "error{failover}" for a failed operation.
func RenderState(s State, failed Op) string {
	if s == "" {
		return "(none)"
	}
	if s == Error && failed != "" {
		return "error{" + string(failed) + "}"
	}
	return string(s)
}

// Precondition is one named predicate an operation needs, with the rule that requires it.
type Precondition struct {
	Rule string   // the rule ID (RULES.md)
	Also []string // further rule IDs the same predicate enforces
	Name string   // short identifier, e.g. "has_members"
	// Requirement states what is needed, phrased after the operation name:
	// "failover needs replication pairs in the group".
	Requirement string
	Facts       []string // the facts (FactXxx) it reads; unknown ones defer the check
	// Test reports whether the precondition holds and, when it does not, the observed values
	// ("group \"app\" has none").
	Test   func(o *Observation) (ok bool, observed string)
	Remedy string
	// Guard preconditions are checked before the from-state (e.g. "a pair in a group is
	// operated through its group"), because they explain a refusal better than the state does.
	Guard bool
	// Applies, when set, limits the precondition to some observations (e.g. add_member's
	// candidate checks only when a candidate is named).
	Applies func(o *Observation) bool
	// Params, when set, names the operation's parameters the refusal is about (e.g. the
	// create parameter naming a volume that does not exist), so the provider can point at the
	// attribute that caused it.
	Params func(o *Observation) []string
	// Partial: with some of its facts unknown, Test still judges what is known — a failure
	// refuses now, a pass leaves the rest to the apply (V-REFS: an identifier known at plan is
	// checked on its own while another reference of the same create is not known yet).
	Partial bool
	// Consequence, when set and true, marks a refusal that follows from the step's other
	// refusals (a platform that withholds an action for the reasons the engine checks itself):
	// it is reported only when nothing else refuses the step, never as a second cause.
	Consequence func(o *Observation) bool
}

// DataLossRule marks an operation that can lose data; it needs Options.AllowDataLoss.
type DataLossRule struct {
	Rule  string
	Facts []string                    // facts the predicate reads (unknown: assume possible)
	When  func(o *Observation) bool   // nil: always
	Why   func(o *Observation) string // the observed values that make it lossy
	Safe  string                      // the safe alternative, shown in the refusal
	Notes string                      // documentation
}

// Operation is one row of a kind's table.
type Operation struct {
	Name        Op
	Description string
	From        []StateRef
	// Via is the transitional state the object is in while the operation runs ("" for an
	// operation the platform applies without a visible transitional state).
	Via State
	// Pending lists further transitional states the platform may report on the way
	// (backup_replica: requested → replicating → available).
	Pending   []State
	OnSuccess State    // "" = the state does not change (membership, drills, metadata)
	OnFailure StateRef // Error{op}
	Site      SiteEffect
	DataLoss  *DataLossRule
	// Invocable is false for platform-driven transitions (recovery_server finalize), which the
	// executor waits through but never calls.
	Invocable bool
	// OnRequest operations need parameters only the user can give (add_member's pair, update's
	// fields); the planner uses them only when a Goal requires them.
	OnRequest bool
	// Create marks the operation that brings the object into existence (from no state).
	Create bool
	// ValueRefs, on a create row, marks references named by value (a protection group's sites,
	// by region and zone) rather than by an identifier: where the configuration manages the
	// platform's inventory (Capabilities.HasInventory), a missing one at plan may be created by
	// the same apply, so PlanCreate leaves the checks that read them to the apply.
	ValueRefs     bool
	Params        []string // parameter names the platform call takes
	Preconditions []Precondition
	// FromRule is the rule ID a refusal by from-state names; FromRefusal may refine it by the
	// observed state (e.g. enable_protection from failed_over names R002-6 and points to
	// reprotect).
	FromRule    string
	FromRefusal func(o *Observation) (rule, remedy string)
	Region      CallRegion
	// Afterwards is what the user may do or should know afterwards (documentation: the
	// operation tables, the actions' descriptions and progress); not a warning.
	Afterwards string
	// Manual is a step the platform leaves to the user, outside Terraform, after the
	// operation — one no later operation of any table does (start the servers a failover
	// leaves stopped, R002-4; recover the local machine from the recovery server's backup).
	// A plan that runs the operation warns about it (Path.Attention); nothing else is a
	// manual step: an optional next operation or what an operation drops is Afterwards.
	Manual string
	// Checkpoint, when set, is out-of-band work the user must do after this operation before
	// the next one can follow (e.g. recover the local machine from the recovery server's
	// backup before confirming a failback). The planner never chains past a checkpoint in one
	// apply: a path may end there, and a goal beyond it is refused with the two-step remedy
	// (V-MANUAL-STEP).
	Checkpoint string
	// EndsTest, on a row that removes a test copy (stop_drill, stop_test_failover), names the
	// row that starts it: the pair is the kind's drill (Drills).
	EndsTest Op
	// Syncs marks an operation that copies data between the two sites (first synchronisation,
	// resynchronisation, reprotect). It cannot complete while either site is down, so the row
	// must refuse then (V-SYNC-SITES); TestSyncRowsRefuseSiteDown audits every row.
	Syncs bool
	// Effect simulates what the operation does to the facts (membership, drill, first sync);
	// the planner uses it to check later steps. It must not modify maps in place.
	Effect func(f *Facts)
}

// IsFrom reports whether the operation may start from the observed state.
func (o *Operation) IsFrom(s State, failed Op) bool {
	for _, r := range o.From {
		if r.Matches(s, failed) {
			return true
		}
	}
	return false
}

// Target is the state the operation ends in when it succeeds from state s.
func (o *Operation) Target(s State) State {
	if o.OnSuccess == "" {
		return s
	}
	return o.OnSuccess
}

// Rules lists every rule ID the operation enforces (from-state, preconditions, data loss).
func (o *Operation) Rules() []string {
	seen := map[string]bool{}
	var out []string
	add := func(id string) {
		if id != "" && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	add(o.FromRule)
	for _, p := range o.Preconditions {
		add(p.Rule)
		for _, a := range p.Also {
			add(a)
		}
	}
	if o.DataLoss != nil {
		add(o.DataLoss.Rule)
	}
	return out
}

// StateInfo describes one state of a kind.
type StateInfo struct {
	State       State
	Class       Class
	Description string
}

// KindTable is the declarative lifecycle of one kind.
type KindTable struct {
	Kind        Kind
	Noun        string // "pair", "group", "replica", "recovery server"
	Description string
	states      []StateInfo
	ops         []*Operation
	byOp        map[Op]*Operation
	class       map[State]Class
}

// States lists the kind's states in table order.
func (t *KindTable) States() []StateInfo { return append([]StateInfo(nil), t.states...) }

// StateNames lists the kind's states in table order.
func (t *KindTable) StateNames() []State {
	out := make([]State, len(t.states))
	for i, s := range t.states {
		out[i] = s.State
	}
	return out
}

// HasState reports whether the kind uses the state.
func (t *KindTable) HasState(s State) bool { _, ok := t.class[s]; return ok }

// Class returns the class of a state ("" for a state the kind does not have).
func (t *KindTable) Class(s State) Class { return t.class[s] }

// Operations lists the kind's operations in table order.
func (t *KindTable) Operations() []*Operation { return append([]*Operation(nil), t.ops...) }

// Operation looks an operation up by name.
func (t *KindTable) Operation(op Op) (*Operation, bool) {
	o, ok := t.byOp[op]
	return o, ok
}

// CreateOperation returns the operation that creates the object (create or replicate).
func (t *KindTable) CreateOperation() *Operation {
	for _, o := range t.ops {
		if o.Create {
			return o
		}
	}
	return nil
}

// Settle returns the operation whose run the transitional state s belongs to, i.e. what the
// object will be when s settles (nil for a state that is not transitional).
func (t *KindTable) Settle(s State) *Operation {
	if t.class[s] != Transitional {
		return nil
	}
	for _, o := range t.ops {
		if o.Via == s {
			return o
		}
	}
	for _, o := range t.ops {
		for _, p := range o.Pending {
			if p == s {
				return o
			}
		}
	}
	for _, o := range t.ops { // platform-driven operations leaving a transitional state
		if !o.Invocable && o.IsFrom(s, "") {
			return o
		}
	}
	return nil
}

var tables = map[Kind]*KindTable{}

// Table returns the lifecycle table of a kind (nil for an unknown kind).
func Table(k Kind) *KindTable { return tables[k] }

func register(t *KindTable) {
	t.byOp = map[Op]*Operation{}
	t.class = map[State]Class{}
	for _, s := range t.states {
		t.class[s.State] = s.Class
	}
	for _, o := range t.ops {
		if _, dup := t.byOp[o.Name]; dup {
			panic("lifecycle: duplicate operation " + string(o.Name))
		}
		if o.OnFailure.State == "" {
			o.OnFailure = StateRef{State: Error, FailedOp: o.Name}
		}
		if o.Site == "" {
			o.Site = SiteKeep
		}
		if o.Region == "" {
			o.Region = RegionEither
		}
		t.byOp[o.Name] = o
	}
	tables[t.Kind] = t
}

// ---- helpers for the table literals ----

func from(refs ...string) []StateRef {
	out := make([]StateRef, len(refs))
	for i, r := range refs {
		out[i] = ParseStateRef(r)
	}
	return out
}

func quoteName(o *Observation) string {
	n := o.Name
	if n == "" {
		n = o.ID
	}
	noun := string(o.Kind)
	if t := Table(o.Kind); t != nil {
		noun = t.Noun
	}
	if n == "" {
		return "the " + noun
	}
	return fmt.Sprintf("%s %q", noun, n)
}

func yesno(b bool, yes, no string) string {
	if b {
		return yes
	}
	return no
}

func swapSites(f *Facts) {
	f.ActiveSiteHealthy, f.StandbySiteHealthy = f.StandbySiteHealthy, f.ActiveSiteHealthy
	f.ActiveServersStopped, f.StandbyServersStopped = f.StandbyServersStopped, f.ActiveServersStopped
	f.ActiveVolumeAttached, f.StandbyVolumeAttached = f.StandbyVolumeAttached, f.ActiveVolumeAttached
	f.ActiveRegion, f.StandbyRegion = f.StandbyRegion, f.ActiveRegion
}

func markUnknown(f *Facts, names ...string) {
	m := make(map[string]bool, len(f.Unknown)+len(names))
	for k, v := range f.Unknown {
		m[k] = v
	}
	for _, n := range names {
		m[n] = true
	}
	f.Unknown = m
}

// sortedOps sorts operation names.
func sortedOps(ops []Op) []Op {
	sort.Slice(ops, func(i, j int) bool { return ops[i] < ops[j] })
	return ops
}
