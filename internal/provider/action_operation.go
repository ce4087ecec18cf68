package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
)

// The actions that run a kind's table operations: one operation (operationAction) or a DR
// drill, its start and stop operations (drillAction).

var (
	_ action.Action               = (*operationAction)(nil)
	_ action.ActionWithConfigure  = (*operationAction)(nil)
	_ action.ActionWithModifyPlan = (*operationAction)(nil)
	_ action.Action               = (*drillAction)(nil)
	_ action.ActionWithConfigure  = (*drillAction)(nil)
	_ action.ActionWithModifyPlan = (*drillAction)(nil)
)

// operationAction runs one operation row of a kind's table (dr_<kind>_<op>). There is one
// type for every such action, parameterised by its catalog entry.
type operationAction struct {
	actionBase
}

func (a *operationAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	b := &a.actionBase
	row := b.row(a.info.Op)
	attrs := commonAttributes(a.info.ResourceType, defaultActionTimeout)
	if row.DataLoss != nil {
		attrs["allow_data_loss"] = schema.BoolAttribute{
			MarkdownDescription: fmt.Sprintf("Permits running `%s` when it can lose data (%s). Without it the action "+
				"is refused; the safe alternative: %s. Defaults to `false`.",
				row.Name, row.DataLoss.Rule, row.DataLoss.Safe),
			Optional: true,
		}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: operationDescription(a.info, row),
		Attributes:          attrs,
	}
}

// ModifyPlan runs the engine's checks against the live platform, so `terraform plan
// -invoke=…` refuses an illegal operation with its rule ID, exactly like the resources do.
func (a *operationAction) ModifyPlan(ctx context.Context, req action.ModifyPlanRequest, resp *action.ModifyPlanResponse) {
	b := &a.actionBase
	if b.data == nil || req.Config.Raw.IsNull() {
		return // provider not configured yet (unknown provider config): checked at invoke
	}
	cfg := readActionConfig(ctx, req.Config, a.info.DataLoss, &resp.Diagnostics)
	if resp.Diagnostics.HasError() || !cfg.known() {
		return
	}
	obs, ok := b.observe(ctx, cfg.ID.ValueString(), &resp.Diagnostics)
	if !ok {
		return
	}
	row := b.row(a.info.Op)
	switch {
	case lifecycle.AlreadyDone(a.info.Kind, row.Name, obs):
		resp.Diagnostics.AddAttributeWarning(path.Root("id"), fmt.Sprintf("%s: nothing to do", b.prefix(obs)),
			fmt.Sprintf("The %s is already %s, where %s would take it; invoking %s changes nothing.",
				lifecycle.Table(a.info.Kind).Noun, lifecycle.RenderState(obs.State, obs.FailedOp), row.Name, a.info.TypeName))
		return
	case lifecycle.Running(a.info.Kind, row.Name, obs):
		return // the invoke waits for the running operation
	}
	b.addRefusals(&resp.Diagnostics, lifecycle.Check(a.info.Kind, row.Name, obs, cfg.options(b.data)))
}

// Invoke runs the operation with the lifecycle executor: an object already in the target
// state is a no-op; a precheck only reports; otherwise one step (waiting first when the
// operation already runs), with progress on every state change.
func (a *operationAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	b := &a.actionBase
	cfg, ok := b.invokeConfig(ctx, req, a.info.DataLoss, &resp.Diagnostics)
	if !ok {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.timeout(defaultActionTimeout))
	defer cancel()
	obs, ok := b.observe(ctx, cfg.ID.ValueString(), &resp.Diagnostics)
	if !ok {
		return
	}
	row := b.row(a.info.Op)
	prefix := b.prefix(obs)
	state := lifecycle.RenderState(obs.State, obs.FailedOp)
	if lifecycle.AlreadyDone(a.info.Kind, row.Name, obs) {
		send(resp, fmt.Sprintf("%s: already %s; %s has nothing to do (no-op)", prefix, state, row.Name))
		return
	}
	opts := cfg.options(b.data)
	if cfg.Precheck.ValueBool() {
		b.precheck(resp, row, obs, opts, prefix)
		return
	}
	if !lifecycle.Running(a.info.Kind, row.Name, obs) {
		if vs := lifecycle.Blocking(lifecycle.Check(a.info.Kind, row.Name, obs, opts)); len(vs) > 0 {
			b.addRefusals(&resp.Diagnostics, vs)
			return
		}
	}
	p := lifecycle.OperationPath(a.info.Kind, row.Name, obs, opts)
	send(resp, fmt.Sprintf("%s: %s from %s (%s)", prefix, row.Name, state, p.Steps[0]))
	started := time.Now()
	res, err := b.executor(ctx, resp, prefix).Run(ctx, a.info.Kind, obs.ID, p)
	if err != nil {
		addRunError(&resp.Diagnostics, a.info.ResourceType, obs.Name, err)
		return
	}
	msg := fmt.Sprintf("%s: %s finished in %s; now %s", prefix, row.Name, roundDuration(time.Since(started)),
		lifecycle.RenderState(res.Last.State, res.Last.FailedOp))
	if row.Site == lifecycle.SiteFlip {
		msg += fmt.Sprintf(" with the %s site active", siteName(a.info.Kind, res.Last.ActiveSite))
	}
	send(resp, msg)
	if row.Afterwards != "" {
		send(resp, fmt.Sprintf("%s: next: %s", prefix, row.Afterwards))
	}
}

// drillAction runs a DR drill (dr_<kind>_drill): the start operation, a wait until the test
// copy is ready, the measured time to ready (the drill's RTO), then the stop operation —
// which also runs after a failure, a timeout or an interrupt, and does nothing when there is
// nothing to clean up.
type drillAction struct {
	actionBase
}

func (a *drillAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	start, stop := a.row(a.info.Op), a.row(a.info.StopOp)
	attrs := commonAttributes(a.info.ResourceType, defaultDrillTimeout)
	resp.Schema = schema.Schema{
		MarkdownDescription: drillDescription(a.info, start, stop),
		Attributes:          attrs,
	}
}

// ModifyPlan refuses a drill that cannot start now (from-state, V-FIRST-SYNC, V-DRILL, …).
func (a *drillAction) ModifyPlan(ctx context.Context, req action.ModifyPlanRequest, resp *action.ModifyPlanResponse) {
	if a.data == nil || req.Config.Raw.IsNull() {
		return
	}
	cfg := readActionConfig(ctx, req.Config, false, &resp.Diagnostics)
	if resp.Diagnostics.HasError() || !cfg.known() {
		return
	}
	obs, ok := a.observe(ctx, cfg.ID.ValueString(), &resp.Diagnostics)
	if !ok {
		return
	}
	a.addRefusals(&resp.Diagnostics, lifecycle.Check(a.info.Kind, a.info.Op, obs, a.data.options(false)))
}

func (a *drillAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	cfg, ok := a.invokeConfig(ctx, req, false, &resp.Diagnostics)
	if !ok {
		return
	}
	// The cleanup gets its own budget: it must run even when the drill's timeout ran out.
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, cfg.timeout(defaultDrillTimeout))
	defer cancel()
	obs, ok := a.observe(ctx, cfg.ID.ValueString(), &resp.Diagnostics)
	if !ok {
		return
	}
	start := a.row(a.info.Op)
	prefix := a.prefix(obs)
	opts := a.data.options(false)
	if cfg.Precheck.ValueBool() {
		a.precheck(resp, start, obs, opts, prefix)
		return
	}
	if vs := lifecycle.Blocking(lifecycle.Check(a.info.Kind, start.Name, obs, opts)); len(vs) > 0 {
		a.addRefusals(&resp.Diagnostics, vs)
		return
	}

	send(resp, fmt.Sprintf("%s: drill: %s from %s", prefix, start.Name, lifecycle.RenderState(obs.State, obs.FailedOp)))
	began := time.Now()
	defer a.cleanup(parent, resp, obs.ID, prefix)

	ex := a.executor(ctx, resp, prefix)
	if _, err := ex.Run(ctx, a.info.Kind, obs.ID, lifecycle.OperationPath(a.info.Kind, start.Name, obs, opts)); err != nil {
		addRunError(&resp.Diagnostics, a.info.ResourceType, obs.Name, err)
		return
	}
	// Wait until the test copy is ready (the start step may end before it is).
	for {
		cur, ok := a.observe(ctx, obs.ID, &resp.Diagnostics)
		if !ok {
			return
		}
		if lifecycle.DrillReady(a.info.Kind, start.Name, cur) {
			break
		}
		if cur.State == lifecycle.Error {
			resp.Diagnostics.AddAttributeError(path.Root("id"), fmt.Sprintf("Error running %s on %s", start.Name, prefix),
				fmt.Sprintf("The drill's test copy did not become ready: the %s is %s.\nPlatform message: %s",
					lifecycle.Table(a.info.Kind).Noun, lifecycle.RenderState(cur.State, cur.FailedOp), cur.LastError))
			return
		}
		if err := lifecycle.RealClock.Sleep(ctx, a.data.PollInterval); err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("id"), fmt.Sprintf("Drill on %s timed out", prefix),
				fmt.Sprintf("The test copy was not ready within the timeout (%s); last observed state %s. The drill is cleaned up.",
					cfg.timeout(defaultDrillTimeout), lifecycle.RenderState(cur.State, cur.FailedOp)))
			return
		}
	}
	rto := time.Since(began)
	send(resp, fmt.Sprintf("%s: drill ready: time to ready (the drill's RTO) %s", prefix, clockReport(rto, a.data.TimeScale)))
}

// clockReport renders a duration measured in wall time on the clock it stands for: on an
// accelerated sandbox (time_scale ≠ 1) the simulated duration, with the scale and the wall
// time, so a fast default clock is never mistaken for a real RTO. The simulated figure is
// wall × scale: the provider's own overhead is scaled up with it.
func clockReport(wall time.Duration, timeScale float64) string {
	if timeScale <= 0 || timeScale == 1 {
		return fmt.Sprintf("%s (wall-clock time; the platform runs in real time)", roundDuration(wall))
	}
	simulated := time.Duration(float64(wall) * timeScale)
	return fmt.Sprintf("%s of simulated time at sandbox time_scale %g (%s of wall-clock time); set time_scale = 1 "+
		"to measure it in real time", roundDuration(simulated), timeScale, roundDuration(wall))
}

// cleanup stops the drill with a fresh context, idempotently: nothing to stop is a success;
// a start still running is waited for first.
func (a *drillAction) cleanup(parent context.Context, resp *action.InvokeResponse, id, prefix string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(parent), drillCleanupTimeout)
	defer cancel()
	start, stop := a.row(a.info.Op), a.row(a.info.StopOp)
	obs, ok := a.observe(ctx, id, &resp.Diagnostics)
	if !ok {
		return
	}
	ex := a.executor(ctx, resp, prefix)
	if lifecycle.Running(a.info.Kind, start.Name, obs) {
		send(resp, fmt.Sprintf("%s: cleanup: waiting for %s to settle before %s", prefix, start.Name, stop.Name))
		if _, err := ex.Run(ctx, a.info.Kind, id, lifecycle.OperationPath(a.info.Kind, start.Name, obs, a.data.options(false))); err != nil {
			addRunError(&resp.Diagnostics, a.info.ResourceType, obs.Name, err)
		}
		if obs, ok = a.observe(ctx, id, &resp.Diagnostics); !ok {
			return
		}
	}
	if lifecycle.AlreadyDone(a.info.Kind, stop.Name, obs) {
		send(resp, fmt.Sprintf("%s: cleanup: nothing to clean up (%s)", prefix, lifecycle.RenderState(obs.State, obs.FailedOp)))
		return
	}
	if vs := lifecycle.Blocking(lifecycle.Check(a.info.Kind, stop.Name, obs, a.data.options(false))); len(vs) > 0 {
		for _, v := range vs {
			resp.Diagnostics.AddAttributeError(path.Root("id"), fmt.Sprintf("%s: drill cleanup (%s) on %s refused", v.Rule, stop.Name, prefix),
				v.Message+fmt.Sprintf(" Clean up with %s_%s once the %s allows it.", a.info.ResourceType, stop.Name, lifecycle.Table(a.info.Kind).Noun))
		}
		return
	}
	if _, err := ex.Run(ctx, a.info.Kind, id, lifecycle.OperationPath(a.info.Kind, stop.Name, obs, a.data.options(false))); err != nil {
		addRunError(&resp.Diagnostics, a.info.ResourceType, obs.Name, err)
		return
	}
	send(resp, fmt.Sprintf("%s: cleanup: %s done; the drill's test resources are removed", prefix, stop.Name))
}
