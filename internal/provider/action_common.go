package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// Bounds of an action's timeout.
const (
	minActionTimeout = time.Second
	maxActionTimeout = 24 * time.Hour
	// drillCleanupTimeout bounds the cleanup of a drill, which runs with a fresh context so
	// that it also happens after a timeout or an interrupt.
	drillCleanupTimeout = 15 * time.Minute
)

// actionConfig is the configuration every action shares. allow_data_loss is read only when
// the action's schema has it.
type actionConfig struct {
	ID            types.String
	Precheck      types.Bool
	Timeout       types.String
	AllowDataLoss types.Bool
}

// readActionConfig reads the shared attributes one by one (the schemas differ in
// allow_data_loss).
func readActionConfig(ctx context.Context, cfg tfsdk.Config, withDataLoss bool, diags *diag.Diagnostics) actionConfig {
	c := actionConfig{AllowDataLoss: types.BoolNull()}
	diags.Append(cfg.GetAttribute(ctx, path.Root("id"), &c.ID)...)
	diags.Append(cfg.GetAttribute(ctx, path.Root("precheck"), &c.Precheck)...)
	diags.Append(cfg.GetAttribute(ctx, path.Root("timeout"), &c.Timeout)...)
	if withDataLoss {
		diags.Append(cfg.GetAttribute(ctx, path.Root("allow_data_loss"), &c.AllowDataLoss)...)
	}
	return c
}

// known reports whether every attribute the plan-time checks read is known.
func (c actionConfig) known() bool {
	return !c.ID.IsUnknown() && !c.ID.IsNull() && !c.AllowDataLoss.IsUnknown() && !c.Precheck.IsUnknown()
}

// options are the engine options of the action on the provider's platform.
func (c actionConfig) options(data *ProviderData) lifecycle.Options {
	return data.options(c.AllowDataLoss.ValueBool())
}

// timeout returns the configured timeout or the default.
func (c actionConfig) timeout(def string) time.Duration {
	s := def
	if !c.Timeout.IsNull() && !c.Timeout.IsUnknown() {
		s = c.Timeout.ValueString()
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < minActionTimeout {
		d, _ = time.ParseDuration(def)
	}
	return min(d, maxActionTimeout)
}

// commonAttributes are the attributes of every action: the target's ID, precheck and timeout.
func commonAttributes(resourceType, defTimeout string) map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"id": schema.StringAttribute{
			MarkdownDescription: fmt.Sprintf("ID of the `%s` to operate on (its `id` attribute).", resourceType),
			Required:            true,
			Validators:          []validator.String{idValidator()},
		},
		"precheck": schema.BoolAttribute{
			MarkdownDescription: "When `true`, run every check against the platform and report each as a progress message, " +
				"then stop: nothing is changed. The action fails when the operation would be refused. Defaults to `false`.",
			Optional: true,
		},
		// A plain attribute, not terraform-plugin-framework-timeouts' action block
		// (`timeouts { invoke = … }`, v0.7.0): that block's validator only parses the duration,
		// with no way to add the 1s–24h bounds this attribute enforces at validate time
		// (durationValidator, ValidateActionConfig), and an action has no other timeout to
		// group. Revisit when the library takes validators (issue 12 note).
		"timeout": schema.StringAttribute{
			MarkdownDescription: fmt.Sprintf("How long the action may run, as a Go duration (`90s`, `30m`, `2h`), between `1s` and `24h`. "+
				"When it runs out the platform operation is cancelled where the platform can. Defaults to `%s`.", defTimeout),
			Optional:   true,
			Validators: []validator.String{durationValidator{min: minActionTimeout, max: maxActionTimeout}},
		},
	}
}

// durationValidator accepts Go duration strings within bounds.
type durationValidator struct{ min, max time.Duration }

func (v durationValidator) Description(context.Context) string {
	return fmt.Sprintf("must be a duration such as 90s, 30m or 2h, between %s and %s", shortDuration(v.min), shortDuration(v.max))
}

func (v durationValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v durationValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	s := req.ConfigValue.ValueString()
	d, err := time.ParseDuration(s)
	if err != nil || d < v.min || d > v.max {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid timeout",
			fmt.Sprintf("%q is not a valid timeout: it %s.", s, v.Description(ctx)))
	}
}

// actionBase holds what every action shares: its catalog entry and the provider data.
type actionBase struct {
	info ActionInfo
	data *ProviderData
}

func (a *actionBase) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + strings.TrimPrefix(a.info.TypeName, "dr")
}

func (a *actionBase) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	a.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// invokeConfig reads an Invoke's configuration (with allow_data_loss when withDataLoss); false
// when the provider is not configured or the configuration is in error (the diagnostics say so).
func (a *actionBase) invokeConfig(ctx context.Context, req action.InvokeRequest, withDataLoss bool, diags *diag.Diagnostics) (actionConfig, bool) {
	if !configured(a.data, a.info.TypeName, diags) {
		return actionConfig{}, false
	}
	cfg := readActionConfig(ctx, req.Config, withDataLoss, diags)
	return cfg, !diags.HasError()
}

func (a *actionBase) row(op lifecycle.Op) *lifecycle.Operation {
	row, _ := lifecycle.Table(a.info.Kind).Operation(op)
	return row
}

// observe reads the target. A missing object is an error at the id attribute.
func (a *actionBase) observe(ctx context.Context, id string, diags *diag.Diagnostics) (lifecycle.Observation, bool) {
	obs, err := a.data.Platform.Observe(ctx, a.info.Kind, id)
	if err != nil {
		if platform.IsNotFound(err) {
			diags.AddAttributeError(path.Root("id"), fmt.Sprintf("%s %q not found", a.info.ResourceType, id),
				fmt.Sprintf("%s cannot find %s %q on the %s platform: %s", a.info.TypeName, a.info.ResourceType, id, a.data.PlatformName, err))
			return obs, false
		}
		addError(diags, "reading", a.info.ResourceType, id, err)
		return obs, false
	}
	return obs, true
}

// prefix names the target in progress messages: `dr_replication_pair "web"`.
func (a *actionBase) prefix(obs lifecycle.Observation) string {
	name := obs.Name
	if name == "" {
		name = obs.ID
	}
	return fmt.Sprintf("%s %q", a.info.ResourceType, name)
}

// violationsAt puts a data-loss refusal at allow_data_loss (when the action has it) and every
// other refusal at id.
func (a *actionBase) addRefusals(diags *diag.Diagnostics, vs []lifecycle.Violation) {
	var atID, atLoss []lifecycle.Violation
	for _, v := range vs {
		if v.DataLoss && a.info.DataLoss && !v.Deferred {
			atLoss = append(atLoss, v)
		} else {
			atID = append(atID, v)
		}
	}
	addViolations(diags, path.Root("id"), a.info.ResourceType, atID)
	addViolations(diags, path.Root("allow_data_loss"), a.info.ResourceType, atLoss)
}

// executor runs steps against the platform and streams every progress event to Terraform.
func (a *actionBase) executor(ctx context.Context, resp *action.InvokeResponse, prefix string) *lifecycle.Executor {
	return newExecutor(a.data, func(ev lifecycle.Event) {
		tflog.Info(ctx, "dr action progress", map[string]any{
			"action": a.info.TypeName, "id": ev.ID, "op": string(ev.Op),
			"state": lifecycle.RenderState(ev.State, ev.FailedOp), "elapsed": ev.Elapsed.String(),
		})
		msg := prefix + ": " + ev.Message
		if pct, ok := syncProgress(ctx, a.data, ev); ok {
			msg += fmt.Sprintf(" (sync %d%%)", pct)
		}
		if ev.Elapsed > 0 {
			msg += fmt.Sprintf(" [%s]", roundDuration(ev.Elapsed))
		}
		send(resp, msg)
	})
}

// send reports a progress message (SendProgress is nil outside an invoke, e.g. in unit tests
// that call the method directly).
func send(resp *action.InvokeResponse, msg string) {
	if resp.SendProgress != nil {
		resp.SendProgress(action.InvokeProgressEvent{Message: msg})
	}
}

// shortDuration renders whole hours and minutes without zero units ("24h", not "24h0m0s").
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

func roundDuration(d time.Duration) time.Duration {
	switch {
	case d >= time.Minute:
		return d.Round(time.Second)
	case d >= time.Second:
		return d.Round(100 * time.Millisecond)
	default:
		return d.Round(time.Millisecond)
	}
}

// precheck reports every check as progress, then the verdict; refusals become errors so a
// precheck in CI fails when the operation would be refused.
func (a *actionBase) precheck(resp *action.InvokeResponse, row *lifecycle.Operation, obs lifecycle.Observation, opts lifecycle.Options, prefix string) bool {
	for _, line := range lifecycle.CheckReport(a.info.Kind, row.Name, obs, opts) {
		send(resp, fmt.Sprintf("%s: precheck %s", prefix, line))
	}
	if vs := lifecycle.Blocking(lifecycle.Check(a.info.Kind, row.Name, obs, opts)); len(vs) > 0 {
		send(resp, fmt.Sprintf("%s: precheck: %s would be refused (%s); nothing was changed", prefix, row.Name, vs[0].Rule))
		a.addRefusals(&resp.Diagnostics, vs)
		return false
	}
	p := lifecycle.OperationPath(a.info.Kind, row.Name, obs, opts)
	send(resp, fmt.Sprintf("%s: precheck passed: %s would run (%s); nothing was changed", prefix, row.Name, p.Steps[0]))
	return true
}
