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

var (
	_ action.Action               = (*operationAction)(nil)
	_ action.ActionWithConfigure  = (*operationAction)(nil)
	_ action.ActionWithModifyPlan = (*operationAction)(nil)
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
	if b.data == nil {
		resp.Diagnostics.AddError("Provider not configured", a.info.TypeName+" needs a configured dr provider.")
		return
	}
	cfg := readActionConfig(ctx, req.Config, a.info.DataLoss, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
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
