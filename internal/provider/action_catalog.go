package provider

import (
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/action"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
)

// The provider's actions are generated from the lifecycle engine's tables: every
// user-invocable operation row of a kind becomes an action dr_<kind>_<op>, so a new table row
// gives a new action without new action code. Rows that are not verbs a user runs on an
// existing object are left out: create-like rows (the resource creates), delete rows (the
// resource deletes, with its guards), OnRequest rows that take parameters (membership and metadata updates
// are desired state of the resource; drills, on request without parameters, are actions) and platform-driven rows (recovery_server finalize).
// Drills are composite actions (start, wait until the test copy is ready, measure, clean up),
// one per kind that has a drill pair of operations.

// Default and bounds of an action's timeout attribute.
const (
	defaultActionTimeout = "30m"
	defaultDrillTimeout  = "60m"
)

// ActionInfo describes one action of the provider; internal/cmd/docsgen renders the
// examples from it so they cannot drift from the actions the provider serves.
type ActionInfo struct {
	// TypeName is the action type, e.g. "dr_replication_pair_failover".
	TypeName string
	// ResourceType is the resource type of the target, e.g. "dr_replication_pair".
	ResourceType string
	Kind         lifecycle.Kind
	// Op is the operation the action runs; for a drill, the operation that starts the test.
	Op lifecycle.Op
	// StopOp is the operation that cleans a drill up ("" for a single-operation action).
	StopOp lifecycle.Op
	// DataLoss reports whether the action has an allow_data_loss attribute.
	DataLoss bool
	// Summary is the row's description.
	Summary string
	// Custom marks an action that is not a table row: a platform's own documented operation
	// that changes no object's state (dr_protection_group_clear_failure_jobs).
	Custom bool
}

// Drill reports whether the action is a drill (start → ready → measured → stop).
func (a ActionInfo) Drill() bool { return a.StopOp != "" }

// actionKindOp reports whether an operation row becomes an action.
func actionKindOp(row *lifecycle.Operation) bool {
	return row.Invocable && !row.Create && (!row.OnRequest || len(row.Params) == 0) && row.Name != lifecycle.OpDelete && row.OnSuccess != lifecycle.Deleted
}

// resourceTypeOf is the resource type name of a kind.
func resourceTypeOf(kind lifecycle.Kind) string { return "dr_" + string(kind) }

// ActionCatalog lists every action of the provider, in a stable order: the kinds in
// lifecycle.Kinds order, each kind's operations in table order, then its drill.
func ActionCatalog() []ActionInfo {
	var out []ActionInfo
	for _, kind := range lifecycle.Kinds {
		t := lifecycle.Table(kind)
		if t == nil {
			continue
		}
		for _, row := range t.Operations() {
			if !actionKindOp(row) {
				continue
			}
			out = append(out, ActionInfo{
				TypeName: resourceTypeOf(kind) + "_" + string(row.Name), ResourceType: resourceTypeOf(kind),
				Kind: kind, Op: row.Name, DataLoss: row.DataLoss != nil, Summary: row.Description,
			})
		}
		for _, d := range lifecycle.Drills() {
			if d.Kind != kind {
				continue
			}
			start, ok1 := t.Operation(d.Start)
			_, ok2 := t.Operation(d.Stop)
			if !ok1 || !ok2 {
				continue
			}
			out = append(out, ActionInfo{
				TypeName: resourceTypeOf(kind) + "_drill", ResourceType: resourceTypeOf(kind),
				Kind: kind, Op: d.Start, StopOp: d.Stop, DataLoss: start.DataLoss != nil,
				Summary: fmt.Sprintf("DR drill: %s, wait until the test copy is ready, report the time to ready (the drill's RTO), then %s.", d.Start, d.Stop),
			})
		}
		if kind == lifecycle.ProtectionGroup {
			out = append(out, clearFailureJobsInfo)
		}
	}
	return out
}

// generatedActions returns the constructors of every action in ActionCatalog.
func generatedActions() []func() action.Action {
	var out []func() action.Action
	for _, info := range ActionCatalog() {
		info := info
		switch {
		case info.Custom:
			out = append(out, func() action.Action { return &clearFailureJobsAction{actionBase{info: info}} })
		case info.Drill():
			out = append(out, func() action.Action { return &drillAction{actionBase{info: info}} })
		default:
			out = append(out, func() action.Action { return &operationAction{actionBase{info: info}} })
		}
	}
	return out
}

// states renders state references as a Markdown list of code spans.
func states(refs []lifecycle.StateRef) string {
	parts := make([]string, 0, len(refs))
	for _, r := range refs {
		parts = append(parts, "`"+r.String()+"`")
	}
	return strings.Join(parts, ", ")
}

// operationDescription renders an action's description from its table row.
func operationDescription(info ActionInfo, row *lifecycle.Operation) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Runs the `%s` operation on a `%s`: %s\n\n", row.Name, info.ResourceType, row.Description)
	fmt.Fprintf(&b, "Allowed from %s", states(row.From))
	switch {
	case row.OnSuccess != "" && row.Via != "":
		fmt.Fprintf(&b, "; runs through `%s` and ends `%s`", row.Via, row.OnSuccess)
	case row.OnSuccess != "":
		fmt.Fprintf(&b, "; ends `%s`", row.OnSuccess)
	default:
		b.WriteString("; the state does not change")
	}
	if row.Site == lifecycle.SiteFlip {
		b.WriteString(", with production moved to the other site")
	}
	fmt.Fprintf(&b, "; on failure `%s`.", row.OnFailure)
	if row.DataLoss != nil {
		fmt.Fprintf(&b, " **Can lose data** (%s): refused unless `allow_data_loss = true`; the safe alternative: %s.", row.DataLoss.Rule, row.DataLoss.Safe)
	}
	if rules := row.Rules(); len(rules) > 0 {
		fmt.Fprintf(&b, " Rules enforced: %s.", strings.Join(rules, ", "))
	}
	if row.Afterwards != "" {
		fmt.Fprintf(&b, " Afterwards: %s", row.Afterwards)
	}
	b.WriteString("\n\n`terraform plan -invoke=…` runs the engine's checks against the platform and refuses with the rule ID; " +
		"an object already in the operation's target state is left alone (the action succeeds and says so); " +
		"`precheck = true` reports every check without changing anything. Progress is reported on every state " +
		"change and at least every 30 seconds; on cancellation or timeout the platform operation is cancelled where the platform can.")
	return b.String()
}

// drillDescription renders a drill action's description from its two rows.
func drillDescription(info ActionInfo, start, stop *lifecycle.Operation) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Runs a DR drill on a `%s`: `%s` (%s), waits until the test copy is ready, reports the measured "+
		"time to ready (the drill's RTO) as a progress message — on the sandbox in simulated time at its `time_scale`, "+
		"with the wall-clock time beside it (`time_scale = 1` measures in real time) — then `%s` (%s) to clean up. Cleanup runs also after a "+
		"failure or a timeout, with its own time budget, and does nothing when there is nothing to clean up.\n\n",
		info.ResourceType, start.Name, strings.TrimSuffix(start.Description, "."), stop.Name, strings.TrimSuffix(stop.Description, "."))
	fmt.Fprintf(&b, "The drill starts from %s.", states(start.From))
	rules := append(start.Rules(), stop.Rules()...)
	seen := map[string]bool{}
	var uniq []string
	for _, r := range rules {
		if !seen[r] {
			seen[r] = true
			uniq = append(uniq, r)
		}
	}
	if len(uniq) > 0 {
		fmt.Fprintf(&b, " Rules enforced: %s.", strings.Join(uniq, ", "))
	}
	if blocked := blockedByDrill(info.Kind, start.Name); len(blocked) > 0 {
		fmt.Fprintf(&b, " While a drill runs, %s are refused (V-DRILL).", strings.Join(blocked, ", "))
	}
	b.WriteString("\n\n`terraform plan -invoke=…` refuses a drill that cannot start (for example before the first " +
		"synchronisation, V-FIRST-SYNC, or while another drill runs, V-DRILL); `precheck = true` reports the checks without starting anything.")
	return b.String()
}

// blockedByDrill lists, from the kind's table, the operations a running drill refuses (their
// no_drill precondition), the drill's own start aside.
func blockedByDrill(kind lifecycle.Kind, start lifecycle.Op) []string {
	var out []string
	for _, row := range lifecycle.Table(kind).Operations() {
		if row.Name == start {
			continue
		}
		for _, p := range row.Preconditions {
			if p.Name == "no_drill" {
				out = append(out, "`"+string(row.Name)+"`")
				break
			}
		}
	}
	return out
}
