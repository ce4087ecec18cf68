package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// addViolations turns the engine's refusals into attribute errors at the attribute that asked
// for the change, or at the parameter the violation names (Violation.Params: V-REFS …). The
// summary names the rule and the refused operation; the detail is the engine's message (the
// rule, what was observed, the remedy). Deferred checks become a warning: they are re-checked
// at apply time before the first platform call.
func addViolations(diags *diag.Diagnostics, at path.Path, typeName string, vs []lifecycle.Violation) {
	addViolationsAt(diags, paramOr(at), typeName, vs)
}

// paramOr places a violation at the parameter it is about (Violation.Params), else at.
func paramOr(at path.Path) func(lifecycle.Violation) path.Path {
	return func(v lifecycle.Violation) path.Path {
		if len(v.Params) > 0 {
			return path.Root(v.Params[0])
		}
		return at
	}
}

// addViolationsAt is addViolations with the attribute of each violation chosen by where (from
// the violation's data: its parameters, its operation); where of the zero Violation is the
// attribute the warnings go to.
func addViolationsAt(diags *diag.Diagnostics, where func(lifecycle.Violation) path.Path, typeName string, vs []lifecycle.Violation) {
	var deferred, unchecked []string
	for _, v := range vs {
		if v.Deferred && v.Unobservable {
			unchecked = append(unchecked, v.Message)
			continue
		}
		if v.Deferred {
			deferred = append(deferred, v.Message)
			continue
		}
		diags.AddAttributeError(where(v), violationSummary(typeName, v), violationDetail(typeName, v))
	}
	at := where(lifecycle.Violation{})
	if len(deferred) > 0 {
		diags.AddAttributeWarning(at, typeName+": some checks run at apply time",
			"These checks need values that are known only after apply; they run before the first platform call:\n- "+
				strings.Join(deferred, "\n- "))
	}
	if len(unchecked) > 0 {
		diags.AddAttributeWarning(at, typeName+": some checks are left to the platform",
			"These checks read facts the platform's API does not report; the provider cannot make them, and the platform's own answer decides:\n- "+
				strings.Join(unchecked, "\n- "))
	}
}

// violationDetail is a refusal's detail: the engine's message, then what it offers instead
// (offerText).
func violationDetail(typeName string, v lifecycle.Violation) string {
	if o := offerText(lifecycle.Kind(strings.TrimPrefix(typeName, "dr_")), v); o != "" {
		return v.Message + "\n\n" + o
	}
	return v.Message
}

// offerText words what the engine offers with the refusal of a goal (Violation.Offers) as the
// configuration to write: the kind's desired-state attribute and active_site, named as the
// schema names them. It decides nothing: which goals are reachable, and which is nearest, is
// the engine's (internal/lifecycle/offer.go). "" for a refusal that offers nothing (a single
// operation's, e.g. an action's).
func offerText(kind lifecycle.Kind, v lifecycle.Violation) string {
	if !v.Offered {
		return ""
	}
	if len(v.Offers) == 0 {
		t := lifecycle.Table(kind)
		switch {
		case t != nil && t.CreateOperation() != nil && v.Op == t.CreateOperation().Name:
			return "Nothing else is reachable: the create itself is refused."
		case v.Op == lifecycle.OpDelete:
			return "No way to delete it is reachable now."
		}
		return "No goal this resource could declare is reachable now."
	}
	var parts []string
	for _, o := range v.Offers {
		settings := offerSettings(kind, o)
		ops := make([]string, len(o.Ops))
		for i, op := range o.Ops {
			ops[i] = string(op)
		}
		runs := strings.Join(ops, " → ")
		switch {
		case o.DataLoss && v.Op == lifecycle.OpDelete && settings == "":
			parts = append(parts, fmt.Sprintf("With allow_data_loss = true (set it and apply, then destroy), the delete runs %s, which can lose data.", runs))
		case o.DataLoss && settings == "":
			parts = append(parts, fmt.Sprintf("Reachable with allow_data_loss = true: apply runs %s, which can lose data.", runs))
		case o.DataLoss:
			parts = append(parts, fmt.Sprintf("Reachable with allow_data_loss = true: %s (apply runs %s, which can lose data).", settings, runs))
		case o.Current && settings == "":
			parts = append(parts, "Nothing else is reachable now.")
		case o.Current:
			parts = append(parts, fmt.Sprintf("Nothing else is reachable now: %s keeps it as it is.", settings))
		case o.Create && runs == "":
			parts = append(parts, fmt.Sprintf("Reachable now instead: %s (apply only creates it).", settings))
		case o.Create:
			parts = append(parts, fmt.Sprintf("Reachable now instead: %s (apply creates it, then runs %s).", settings, runs))
		default:
			parts = append(parts, fmt.Sprintf("Reachable now instead: %s (apply runs %s).", settings, runs))
		}
	}
	return strings.Join(parts, " ")
}

// offerSettings renders an offer's goal as attribute assignments: `protection = "disabled"
// with active_site = "target"`.
func offerSettings(kind lifecycle.Kind, o lifecycle.Offer) string {
	var s []string
	if d := lifecycle.Desired(kind); d != nil && o.Desired != "" {
		s = append(s, fmt.Sprintf("%s = %q", d.Name, o.Desired))
	}
	if o.Site != "" {
		s = append(s, fmt.Sprintf("active_site = %q", siteName(kind, o.Site)))
	}
	return strings.Join(s, " with ")
}

func violationSummary(typeName string, v lifecycle.Violation) string {
	if v.DataLoss {
		return fmt.Sprintf("%s: %s %s can lose data", v.Rule, typeName, v.Op)
	}
	return fmt.Sprintf("%s: %s %s refused", v.Rule, typeName, v.Op)
}

// addAttention warns about what in a planned path needs the user's attention, and only that:
// an operation that can lose data (planned because allow_data_loss permits it), saying what it
// loses, and a step the platform leaves to the user outside Terraform after an operation (the
// row's Manual), once per cause (lifecycle.Path.Attention decides which). The operations
// themselves are in the resource's planned_operations attribute, in the diff: a plan creating
// hundreds of pairs prints no warning for them (each warning cost 15–60 ms of Terraform's
// rendering and buried the ones that matter; bench/notes.md, DR-heavy).
//
// Terraform plans a resource again during apply (the final plan, PlanResourceChange in the
// apply walk), and the framework does not tell ModifyPlan which of the two it is answering
// (terraform-plugin-framework#1306): the request, prior state and private state are the same
// in both, and each walk runs its own provider process. So a `terraform apply` receives these
// warnings twice; Terraform folds the repeat into the first ("(and one more similar warning
// elsewhere)", or one line with -compact-warnings). Accepted and documented (the operating
// guide) rather than worked around.
func addAttention(diags *diag.Diagnostics, typeName, name string, p lifecycle.Path) {
	for _, a := range p.Attention() {
		if a.DataLoss {
			detail := "Apply will run " + string(a.Step.Op)
			if a.Why != "" {
				detail += ": " + a.Why
			}
			diags.AddWarning(fmt.Sprintf("%s %q: %s can lose data", typeName, name, a.Step.Op),
				fmt.Sprintf("%s. allow_data_loss = true permits it. Planned operations: %s.", detail, strings.Join(plannedOpNames(p), " → ")))
		}
		if a.Manual != "" {
			diags.AddWarning(fmt.Sprintf("%s %q: a manual step follows %s", typeName, name, a.Step.Op),
				fmt.Sprintf("After %s: %s", a.Step.Op, a.Manual))
		}
	}
}

// plannedOpNames are the operations a path invokes, in order: the value of a DR resource's
// planned_operations. Waits for an operation already running invoke nothing and are left out
// (the planned status shows where the object ends).
func plannedOpNames(p lifecycle.Path) []string {
	names := make([]string, 0, len(p.Steps))
	for _, st := range p.Steps {
		if !st.Wait {
			names = append(names, string(st.Op))
		}
	}
	return names
}

// plannedOps renders planned_operations: the kind's create operation first for an object
// apply creates, then the path's operations.
func plannedOps(kind lifecycle.Kind, p lifecycle.Path, create bool) types.List {
	names := plannedOpNames(p)
	if create {
		op := lifecycle.OpCreate
		if t := lifecycle.Table(kind); t != nil && t.CreateOperation() != nil {
			op = t.CreateOperation().Name
		}
		names = append([]string{string(op)}, names...)
	}
	elems := make([]attr.Value, len(names))
	for i, n := range names {
		elems[i] = types.StringValue(n)
	}
	return types.ListValueMust(types.StringType, elems)
}

// plannedOperationsAttribute is the planned_operations attribute of the four DR resources.
// ModifyPlan sets it to the operations the engine planned; when a plan operates nothing the
// value stays what it was (so a no-op plan shows no diff, and after an import it is null until
// a plan operates the object); when the plan cannot tell yet (objects made in the same apply)
// it is unknown and apply records the operations it ran.
func plannedOperationsAttribute() schema.ListAttribute {
	return schema.ListAttribute{
		MarkdownDescription: "The operations `terraform apply` runs on this object, in order (the lifecycle engine's " +
			"operation names, e.g. `[\"failover\", \"reprotect\", \"start\"]`; the create operation first when apply " +
			"creates it: `create`, or `replicate` for a backup replica), " +
			"so the plan's diff shows them. A plan that operates nothing keeps the value of the last one that did (no " +
			"diff); it is null after an import until a plan operates the object, and unknown (known after apply) when " +
			"the objects it depends on are created in the same apply. Waits for an operation already running are not " +
			"listed. Warnings remain only for what needs attention: an operation that can lose data, a manual step " +
			"after an operation.",
		Computed: true, ElementType: types.StringType,
	}
}

// runPath executes a plan with the executor, logging every progress event.
func runPath(ctx context.Context, data *ProviderData, p lifecycle.Path) (lifecycle.Result, error) {
	return runPathObserved(ctx, data, p, nil)
}

// runPathObserved is runPath; a non-nil obs is the observation the plan was just made from,
// which stands in for the first step's own re-observation (one platform read fewer).
func runPathObserved(ctx context.Context, data *ProviderData, p lifecycle.Path, obs *lifecycle.Observation) (lifecycle.Result, error) {
	ctx = maskSecrets(ctx) // progress messages carry client tokens
	ex := newExecutor(data, func(ev lifecycle.Event) {
		fields := map[string]any{
			"kind": string(ev.Kind), "id": ev.ID, "step": ev.Step, "op": string(ev.Op),
			"state": lifecycle.RenderState(ev.State, ev.FailedOp), "elapsed": ev.Elapsed.String(), "message": ev.Message,
		}
		if pct, ok := syncProgress(ctx, data, ev); ok {
			fields["sync_progress"] = pct
			fields["message"] = fmt.Sprintf("%s (sync %d%%)", ev.Message, pct)
		}
		if data.TimeScale > 0 && data.TimeScale != 1 {
			fields["time_scale"] = data.TimeScale // elapsed is wall time; the platform's clock runs this much faster
		}
		tflog.Info(ctx, "dr operation progress", fields)
	})
	if obs == nil {
		return ex.Run(ctx, p.Kind, p.ID, p)
	}
	return ex.RunObserved(ctx, p.Kind, p.ID, p, *obs)
}

// newExecutor is the one way the provider builds an executor. Its waits are paced by each
// operation's expected duration (pacing.go). Retries happen in one place:
// every call of its driver goes through the platform's retry layer (internal/platform/retry),
// so the executor itself does not retry (MaxRetries < 0); stacking both made a persistently
// retryable error cost up to 60 calls per step (TestOneRetryLayer counts them).
func newExecutor(data *ProviderData, onProgress func(lifecycle.Event)) *lifecycle.Executor {
	return &lifecycle.Executor{
		Driver:       data.Platform,
		PollInterval: data.PollInterval,
		Pace:         data.pace,
		MaxRetries:   -1,
		OnProgress:   onProgress,
	}
}

// addRunError reports a failed run: which step, why, the last observed state and the
// platform's message. The caller saves the observed state so the next plan starts from it.
func addRunError(diags *diag.Diagnostics, typeName, name string, err error) {
	var se *lifecycle.StepError
	if errors.As(err, &se) {
		detail := fmt.Sprintf("Step %d (%s) of %s %q failed (%s): %s\nLast observed state: %s.",
			se.Index+1, se.Step.Op, typeName, name, se.Reason, se.Err, se.State)
		if se.LastError != "" {
			detail += "\nPlatform message: " + se.LastError
		}
		if se.Reason == "timeout" && errors.Is(se.Err, context.Canceled) {
			detail += "\nTerraform was interrupted: the running operation was cancelled on the platform and the state records what was observed; run apply again to resume."
		} else if se.Reason == "timeout" {
			detail += "\nThe operation did not finish within the timeout; raise the resource's timeouts or run apply again to resume."
		} else {
			detail += "\nThe state records what was observed; the next plan proposes the way forward."
		}
		diags.AddError(fmt.Sprintf("Error running %s on %s %q", se.Step.Op, typeName, name), detail)
		return
	}
	diags.AddError(fmt.Sprintf("Error operating %s %q", typeName, name), err.Error())
}

// siteName names a site the way the kind's schema does: pairs say primary/secondary,
// groups say source/target.
func siteName(kind lifecycle.Kind, s lifecycle.Site) string {
	if kind == lifecycle.ReplicationPair {
		if s == lifecycle.SiteTarget {
			return "secondary"
		}
		return "primary"
	}
	return string(s)
}

// pollInterval chooses how often the executor polls a transitional state: 5 s of simulated
// time, so faster with a larger sandbox time_scale, never below 1 ms (a sandbox read takes
// a fraction of that).
func pollInterval(timeScale float64) time.Duration {
	d := time.Duration(float64(5*time.Second) / timeScale)
	if d < time.Millisecond {
		d = time.Millisecond
	}
	if d > 5*time.Second {
		d = 5 * time.Second
	}
	return d
}

// syncProgress reads how far a running synchronisation is (percent) for a progress report:
// a pair's start or reprotect, a group's enable_protection or reprotect (replication status
// copying). It reads only while the event's state is transitional — at most one read per
// state change and per progress interval of a wait — and reports false otherwise or when the
// read fails (the report then goes without it).
func syncProgress(ctx context.Context, d *ProviderData, ev lifecycle.Event) (int, bool) {
	t := lifecycle.Table(ev.Kind)
	if t == nil || t.Class(ev.State) != lifecycle.Transitional {
		return 0, false
	}
	switch ev.Kind {
	case lifecycle.ReplicationPair:
		if d.Pairs == nil {
			return 0, false
		}
		pair, err := d.Pairs.GetPair(ctx, ev.ID)
		if err != nil || (pair.PendingOp != lifecycle.OpStart && pair.PendingOp != lifecycle.OpReprotect) {
			return 0, false
		}
		return pair.SyncProgress, true
	case lifecycle.ProtectionGroup:
		if d.Groups == nil {
			return 0, false
		}
		g, err := d.Groups.GetGroup(ctx, ev.ID)
		if err != nil || g.ReplicationStatus != platform.ReplicationCopying {
			return 0, false
		}
		return g.SyncProgress, true
	}
	return 0, false
}
