package provider

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/float64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/float64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// NewSandboxFaultResource returns the dr_sandbox_fault resource.
func NewSandboxFaultResource() resource.Resource {
	return newSandboxResource[sandboxFaultModel, *sandboxFaultModel]("fault", sandboxFault{}, platform.Inventory.GetFault, platform.Inventory.DeleteFault)
}

// sandboxFault is what dr_sandbox_fault adds to the sandbox resource core.
type sandboxFault struct{}

// faultAttrs says which parameter attributes each fault type needs (required) and accepts;
// the scope attributes are checked by platform.ValidateFault.
var faultAttrs = map[platform.FaultType]struct{ required, allowed []string }{
	platform.FaultTransientErrors: {required: []string{"rate"}, allowed: []string{"rate", "kind", "operation", "object_id"}},
	platform.FaultLatency:         {required: []string{"latency"}, allowed: []string{"latency", "kind", "operation", "object_id"}},
	platform.FaultFailNext:        {required: []string{"kind", "operation"}, allowed: []string{"times", "kind", "operation", "object_id"}},
	platform.FaultVolumeLost:      {required: []string{"object_id"}, allowed: []string{"object_id"}},
	platform.FaultLinkStall:       {allowed: []string{"kind", "operation", "object_id"}},
}

// allOps lists every operation name of the engine's tables (the operation attribute's values).
func allOps() []string {
	seen := map[string]bool{}
	for _, k := range lifecycle.Kinds {
		for _, o := range lifecycle.Table(k).Operations() {
			seen[string(o.Name)] = true
		}
	}
	seen[string(lifecycle.OpFinalize)] = true
	out := make([]string, 0, len(seen))
	for o := range seen {
		out = append(out, o)
	}
	sort.Strings(out)
	return out
}

func faultTypeNames() []string {
	out := make([]string, len(platform.FaultTypes))
	for i, t := range platform.FaultTypes {
		out[i] = string(t)
	}
	return out
}

func kindNames() []string {
	out := make([]string, len(lifecycle.Kinds))
	for i, k := range lifecycle.Kinds {
		out[i] = string(k)
	}
	return out
}

func (sandboxFault) schema() schema.Schema {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	return schema.Schema{
		MarkdownDescription: "A fault injected into the embedded sandbox DR platform, to rehearse failures declaratively: " +
			"throttled or slow API calls, operations that fail, a volume lost out of band, a replication link that stops " +
			"progressing (see `type`). Creating the resource switches the fault on, destroying it switches it off; " +
			"changing any argument replaces it. `kind`, `operation` and `object_id` narrow its scope (unset: any). Faults " +
			"are stored in the sandbox database, so every Terraform run and process using the same database sees them. " +
			"Works only on the sandbox platform.",
		Attributes: map[string]schema.Attribute{
			"times": schema.Int64Attribute{
				MarkdownDescription: "`fail_next` only: how many of the next matching operations fail, 1 to 1000. Defaults to `1`.",
				Optional:            true, Computed: true,
				Validators:    []validator.Int64{int64validator.Between(1, 1000)},
				PlanModifiers: []planmodifier.Int64{int64planmodifier.RequiresReplace(), int64planmodifier.UseStateForUnknown()},
			},
			"id": fixed("Identifier of the fault."),
			"kind": schema.StringAttribute{
				MarkdownDescription: "Scope: the kind of DR object the fault applies to, one of " + mdList(kindNames()) +
					". Required by `fail_next`; `link_stall` accepts `replication_pair` (which also stalls the groups " +
					"holding the pairs) and `protection_group`; not accepted by `volume_lost`.",
				Optional:      true,
				Validators:    []validator.String{stringvalidator.OneOf(kindNames()...)},
				PlanModifiers: replace,
			},
			"latency": schema.StringAttribute{
				MarkdownDescription: "`latency` only: the delay added to every matching API call, a Go duration between " +
					"`1ms` and `10m` (e.g. `250ms`, `2s`). It is real time: `time_scale` does not shorten it.",
				Optional:      true,
				Validators:    []validator.String{latencyBetween(time.Millisecond, 10*time.Minute)},
				PlanModifiers: replace,
			},
			"object_id": schema.StringAttribute{
				MarkdownDescription: "Scope: the ID of one object. `volume_lost` needs the volume's ID; for the other types " +
					"the ID of a replication pair, protection group, backup replica or recovery server.",
				Optional:      true,
				Validators:    []validator.String{idValidator()},
				PlanModifiers: replace,
			},
			"operation": schema.StringAttribute{
				MarkdownDescription: "Scope: the operation the fault applies to (an operation of the engine's tables, " +
					"e.g. `failover`, `start`, `reprotect`, `enable_protection`). Required by `fail_next` (an operation of " +
					"`kind`); for `link_stall` one of the synchronising operations `start`, `enable_protection`, " +
					"`reprotect`; for `transient_errors` and `latency` it matches the call that starts the operation.",
				Optional:      true,
				Validators:    []validator.String{stringvalidator.OneOf(allOps()...)},
				PlanModifiers: replace,
			},
			"rate": schema.Float64Attribute{
				MarkdownDescription: "`transient_errors` only: the fraction of matching API calls that fail, between " +
					"`0.001` and `1`.",
				Optional:      true,
				Validators:    []validator.Float64{float64validator.Between(0.001, 1)},
				PlanModifiers: []planmodifier.Float64{float64planmodifier.RequiresReplace()},
			},
			"remaining": schema.Int64Attribute{
				MarkdownDescription: "`fail_next` only: how many of the `times` failures are still armed (it reaches `0` " +
					"as the operations fail; the fault stays until destroyed).",
				Computed: true,
			},
			"type": schema.StringAttribute{
				MarkdownDescription: "What the fault does, one of:\n\n" +
					"  * `transient_errors`: that fraction (`rate`) of the matching API calls fail with a retryable " +
					"throttling error (the provider retries them).\n" +
					"  * `latency`: every matching API call takes `latency` longer.\n" +
					"  * `fail_next`: the next `times` operations `operation` on objects of `kind` (optionally only " +
					"`object_id`) end in `error{operation}`; `remaining` counts down. The next apply retries the operation.\n" +
					"  * `volume_lost`: the volume `object_id` is removed out of band: every replication pair using it " +
					"becomes `invalid` at once (the vendors' `DeviceRemoved`), and a protection group holding such a pair " +
					"too. `invalid` is delete-only: destroying the fault makes the volume usable again but does not repair " +
					"the pair.\n" +
					"  * `link_stall`: the replication link of the matching pairs and groups stops progressing: their " +
					"synchronisations (first sync, resync, `enable_protection`, `reprotect`) stay in their transitional " +
					"state with progress frozen until the fault is destroyed; the resources' `timeouts` decide how long an " +
					"apply waits. Without an `operation` the whole link stops: a replicating pair or group also cuts no " +
					"recovery point, so its standby copy ages past its RPO (`readiness.rpo.within` turns false); destroying " +
					"the fault resumes the copies.",
				Required:      true,
				Validators:    []validator.String{stringvalidator.OneOf(faultTypeNames()...)},
				PlanModifiers: replace,
			},
		},
	}
}

func mdList(xs []string) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = "`" + x + "`"
	}
	return strings.Join(q, ", ")
}

// validateConfig checks that each type gets the arguments it needs and no others, then the
// sandbox's own checks of the fault (an operation of the kind, a synchronising operation for
// link_stall), so a malformed fault fails at validate/plan time.
func (sandboxFault) validateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m sandboxFaultModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || m.Type.IsUnknown() || m.Type.IsNull() {
		return
	}
	typ := platform.FaultType(m.Type.ValueString())
	spec, ok := faultAttrs[typ]
	if !ok {
		return // the type's OneOf validator reports it
	}
	set := map[string]bool{}
	known := true
	for name, v := range map[string]interface {
		IsNull() bool
		IsUnknown() bool
	}{"times": m.Count, "kind": m.Kind, "latency": m.Latency, "object_id": m.ObjectID, "operation": m.Operation, "rate": m.Rate} {
		set[name] = !v.IsNull()
		known = known && !v.IsUnknown()
	}
	for name, isSet := range set {
		if isSet && !slices.Contains(spec.allowed, name) {
			resp.Diagnostics.AddAttributeError(path.Root(name), "Argument not accepted by this fault type",
				fmt.Sprintf("A %s fault takes %s; remove %s.", typ, mdList(spec.allowed), name))
		}
	}
	for _, name := range spec.required {
		if !set[name] {
			resp.Diagnostics.AddAttributeError(path.Root(name), "Missing argument for this fault type",
				fmt.Sprintf("A %s fault needs %s.", typ, mdList(spec.required)))
		}
	}
	if resp.Diagnostics.HasError() || !known {
		return
	}
	f, err := m.fault()
	if err == nil {
		err = platform.ValidateFault(&f)
	}
	if err != nil {
		at := path.Root("type")
		if m.Operation.ValueString() != "" {
			at = path.Root("operation")
		} else if m.Kind.ValueString() != "" {
			at = path.Root("kind")
		}
		resp.Diagnostics.AddAttributeError(at, "Invalid sandbox fault", err.Error())
	}
}

type sandboxFaultModel struct {
	sandboxObject
	Count     types.Int64   `tfsdk:"times"`
	Kind      types.String  `tfsdk:"kind"`
	Latency   types.String  `tfsdk:"latency"`
	ObjectID  types.String  `tfsdk:"object_id"`
	Operation types.String  `tfsdk:"operation"`
	Rate      types.Float64 `tfsdk:"rate"`
	Remaining types.Int64   `tfsdk:"remaining"`
	Type      types.String  `tfsdk:"type"`
}

// fault is the platform fault the configuration describes.
func (m *sandboxFaultModel) fault() (platform.Fault, error) {
	f := platform.Fault{
		Type: platform.FaultType(m.Type.ValueString()), Kind: lifecycle.Kind(m.Kind.ValueString()),
		Op: lifecycle.Op(m.Operation.ValueString()), ObjectID: m.ObjectID.ValueString(),
		Rate: m.Rate.ValueFloat64(), Count: int(m.Count.ValueInt64()),
	}
	if s := m.Latency.ValueString(); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil {
			return f, fmt.Errorf("latency %q: %w", s, err)
		}
		f.Latency = d
	}
	return f, nil
}

func optString(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

// fill sets the model from the stored fault. latency keeps its configured spelling when it
// denotes the same duration.
func (sandboxFault) fill(m *sandboxFaultModel, f platform.Fault) diag.Diagnostics {
	m.ID = types.StringValue(f.ID)
	m.Type = types.StringValue(string(f.Type))
	m.Kind = optString(string(f.Kind))
	m.Operation = optString(string(f.Op))
	m.ObjectID = optString(f.ObjectID)
	m.Rate = types.Float64Null()
	if f.Type == platform.FaultTransientErrors {
		m.Rate = types.Float64Value(f.Rate)
	}
	if d, err := time.ParseDuration(m.Latency.ValueString()); err != nil || d != f.Latency {
		m.Latency = types.StringNull()
		if f.Latency > 0 {
			m.Latency = types.StringValue(f.Latency.String())
		}
	}
	m.Count, m.Remaining = types.Int64Null(), types.Int64Null()
	if f.Type == platform.FaultFailNext {
		m.Count, m.Remaining = types.Int64Value(int64(f.Count)), types.Int64Value(int64(f.Remaining))
	}
	return nil
}

func (sandboxFault) create(ctx context.Context, inv platform.Inventory, plan *sandboxFaultModel) (platform.Fault, error) {
	f, err := plan.fault()
	if err != nil {
		return platform.Fault{}, err
	}
	return inv.CreateFault(ctx, f)
}

// latencyValidator accepts Go durations within [min, max] (the action timeouts' durationValidator speaks of timeouts).
type latencyValidator struct{ min, max time.Duration }

func latencyBetween(min, max time.Duration) validator.String { return latencyValidator{min, max} }

func (v latencyValidator) Description(context.Context) string {
	return fmt.Sprintf("a duration between %s and %s (e.g. 250ms, 2s)", v.min, v.max)
}

func (v latencyValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v latencyValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	d, err := time.ParseDuration(req.ConfigValue.ValueString())
	if err != nil || d < v.min || d > v.max {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid duration",
			fmt.Sprintf("%q is not %s.", req.ConfigValue.ValueString(), v.Description(context.Background())))
	}
}
