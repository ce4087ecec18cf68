package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// addViolations turns the engine's refusals into attribute errors at the attribute that asked
// for the change. The summary names the rule and the refused operation; the detail is the
// engine's message (the rule, what was observed, the remedy). Deferred checks become a
// warning: they are re-checked at apply time before the first platform call.
func addViolations(diags *diag.Diagnostics, at path.Path, typeName string, vs []lifecycle.Violation) {
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
		where := at
		if len(v.Params) > 0 {
			where = path.Root(v.Params[0]) // the create parameter the rule names (V-REFS …)
		}
		diags.AddAttributeError(where, violationSummary(typeName, v), v.Message)
	}
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

func violationSummary(typeName string, v lifecycle.Violation) string {
	if v.DataLoss {
		return fmt.Sprintf("%s: %s %s can lose data", v.Rule, typeName, v.Op)
	}
	return fmt.Sprintf("%s: %s %s refused", v.Rule, typeName, v.Op)
}

// pathWarningsShown is how many operation summaries one command shows as warnings. Terraform
// renders every warning with its configuration snippet at the end of the run, which cost
// ~15 ms of Terraform's CPU per warning at N=300 and grew with the configuration's size
// (bench/notes.md, DR-heavy): an apply creating hundreds of running pairs spent more CPU on
// the summaries than on the pairs. A handful stays informative; past that one warning says
// how to see the rest.
const pathWarningsShown = 10

// addPathWarning shows the operations a plan will run, e.g.
// "disable_protection → add_member → enable_protection", with what to do afterwards: for
// the first pathWarningsShown resources of a command (data nil: always), then once that
// the others are not listed.
func addPathWarning(diags *diag.Diagnostics, data *ProviderData, typeName, name string, p lifecycle.Path) {
	var ops, after []string
	for _, st := range p.Steps {
		switch {
		case st.Wait:
			ops = append(ops, "wait for "+string(st.To))
		case st.Platform:
			ops = append(ops, "("+string(st.Op)+")")
		default:
			ops = append(ops, string(st.Op))
		}
		if st.Afterwards != "" {
			after = append(after, "(then) "+st.Afterwards)
		}
	}
	if len(ops) == 0 {
		return
	}
	if data != nil {
		switch n := data.pathWarnings.Add(1); {
		case n == pathWarningsShown+1:
			diags.AddWarning("Operations on more DR resources than are listed",
				fmt.Sprintf("This run operates on more than %d DR resources; the operations of the first %d are listed in "+
					"their own warnings and the others are not (with hundreds of resources the warnings cost more than the "+
					"operations). Every resource's plan shows the state it ends in (status, replication, active_site, mode), "+
					"and TF_LOG_PROVIDER=INFO logs each operation as it runs.", pathWarningsShown, pathWarningsShown))
			return
		case n > pathWarningsShown:
			return
		}
	}
	detail := fmt.Sprintf("Apply will run: %s, ending %s", strings.Join(ops, " → "), lifecycle.RenderState(p.State, ""))
	if p.ActiveSite != "" && p.Kind != lifecycle.BackupReplica && p.Kind != lifecycle.RecoveryServer {
		detail += fmt.Sprintf(" with the %s site active", siteName(p.Kind, p.ActiveSite))
	}
	detail += "."
	if len(after) > 0 {
		detail += "\n" + strings.Join(after, "\n")
	}
	diags.AddWarning(fmt.Sprintf("%s %q: %s", typeName, name, strings.Join(ops, " → ")), detail)
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
		if pct, ok := syncProgress(ctx, data.Platform, ev); ok {
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

// newExecutor is the one way the provider builds an executor. Retries happen in one place:
// its driver is the retrying platform (platform_retry.go, defaultRetryPolicy), so the
// executor itself does not retry (MaxRetries < 0); stacking both made a persistently
// retryable error cost up to 60 calls per step (TestOneRetryLayer counts them).
func newExecutor(data *ProviderData, onProgress func(lifecycle.Event)) *lifecycle.Executor {
	return &lifecycle.Executor{
		Driver:       data.Platform,
		PollInterval: data.PollInterval,
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
func syncProgress(ctx context.Context, p platform.Platform, ev lifecycle.Event) (int, bool) {
	t := lifecycle.Table(ev.Kind)
	if t == nil || t.Class(ev.State) != lifecycle.Transitional {
		return 0, false
	}
	switch ev.Kind {
	case lifecycle.ReplicationPair:
		pair, err := p.GetPair(ctx, ev.ID)
		if err != nil || (pair.PendingOp != lifecycle.OpStart && pair.PendingOp != lifecycle.OpReprotect) {
			return 0, false
		}
		return pair.SyncProgress, true
	case lifecycle.ProtectionGroup:
		g, err := p.GetGroup(ctx, ev.ID)
		if err != nil || g.ReplicationStatus != platform.ReplicationCopying {
			return 0, false
		}
		return g.SyncProgress, true
	}
	return 0, false
}
