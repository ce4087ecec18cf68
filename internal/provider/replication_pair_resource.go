package provider

import (
	"context"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

var (
	_ resource.Resource                   = (*replicationPairResource)(nil)
	_ resource.ResourceWithConfigure      = (*replicationPairResource)(nil)
	_ resource.ResourceWithImportState    = (*replicationPairResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*replicationPairResource)(nil)
	_ resource.ResourceWithValidateConfig = (*replicationPairResource)(nil)
)

// ValidateConfig refuses a pair whose two volumes are the same (V-PAIR-VOLUMES), when both
// ids are known in the configuration. Ids known only at apply are checked by ModifyPlan then,
// before the first platform call.
func (r *replicationPairResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var p, s types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("primary_volume_id"), &p)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("secondary_volume_id"), &s)...)
	if resp.Diagnostics.HasError() || p.IsUnknown() || s.IsUnknown() {
		return
	}
	if err := lifecycle.ValidatePairVolumes(p.ValueString(), s.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("secondary_volume_id"), "V-PAIR-VOLUMES: invalid "+pairType+" volumes", err.Error())
	}
}

const pairType = "dr_replication_pair"

// NewReplicationPairResource returns the dr_replication_pair resource.
func NewReplicationPairResource() resource.Resource {
	return &replicationPairResource{engine: drEngine{kind: lifecycle.ReplicationPair, typeName: pairType}}
}

type replicationPairResource struct {
	data   *ProviderData
	engine drEngine
}

func (r *replicationPairResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_replication_pair"
}

func (r *replicationPairResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "One volume replicated asynchronously from a primary to a secondary site (Alibaba " +
			"Cloud EBS async replication pair; Huawei EVS/SDRS replication pair). `replication` and " +
			"`active_site` are optional desired states: set them and `terraform apply` runs the engine's " +
			"shortest legal path (e.g. `switchover`, or `failover` then `reprotect` then `start`); omit them " +
			"and the provider only observes. A pair that belongs to a protection group is operated through " +
			"the group.",
		Attributes: map[string]schema.Attribute{
			"active_site": schema.StringAttribute{
				MarkdownDescription: "Desired site serving production: `primary` or `secondary` (the volumes' " +
					"*initial* roles). Moving to the other site is a planned `switchover` when both sites are " +
					"healthy and the pair is replicating, otherwise a `failover` (which needs `allow_data_loss` " +
					"while the active site is healthy, R002-8). Omit to observe only; the current value is " +
					"always reported.",
				Optional: true, Computed: true,
				Validators: []validator.String{stringvalidator.OneOf("primary", "secondary")},
			},
			"allow_data_loss": schema.BoolAttribute{
				MarkdownDescription: "Permits operations that can lose data: a forced failover while the active " +
					"site is healthy (R002-8) and deleting a failed-over pair (V-PAIR-DELETE). Defaults to `false`.",
				Optional: true, Computed: true, Default: booldefault.StaticBool(false),
			},
			"allowed_operations": schema.ListAttribute{
				MarkdownDescription: "Operations the engine allows on the pair right now.",
				Computed:            true, ElementType: types.StringType,
			},
			"bandwidth_kbps": schema.Int64Attribute{
				MarkdownDescription: "Replication bandwidth in Kbit/s: `0` (dynamic), `10240`, `20480`, `51200` or " +
					"`102400`. Defaults to `10240`. Changing it replaces the pair.",
				Optional: true, Computed: true, Default: int64default.StaticInt64(10240),
				Validators:    []validator.Int64{int64validator.OneOf(0, 10240, 20480, 51200, 102400)},
				PlanModifiers: []planmodifier.Int64{int64planmodifier.RequiresReplace()},
			},
			"description": schema.StringAttribute{
				MarkdownDescription: "Description of the pair (up to 256 characters). The platform's own limits are checked at plan (V-PARAMS): Huawei Cloud SDRS at most 64 bytes, no `<` or `>`; Alibaba Cloud EBS 2 to 256 characters, not starting with `http://` or `https://`.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtMost(256)},
			},
			"direction": schema.StringAttribute{
				MarkdownDescription: "Current direction of replication: `primary_to_secondary` or `secondary_to_primary`.",
				Computed:            true,
			},
			"id": schema.StringAttribute{
				MarkdownDescription: "Identifier of the pair.",
				Computed:            true, PlanModifiers: keep,
			},
			"last_error": schema.StringAttribute{
				MarkdownDescription: "The platform's message about the last failed operation, if any.",
				Computed:            true,
			},
			"last_recovery_point": schema.StringAttribute{
				MarkdownDescription: "Time (RFC 3339) of the last completed copy to the standby site; null before the first sync.",
				Computed:            true,
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Name of the pair: 2 to 128 characters, starting with a letter. The platform's own limits are checked at plan (V-PARAMS): Huawei Cloud SDRS at most 64 bytes of letters, digits, `.`, `_` and `-`; Alibaba Cloud EBS not starting with `http://` or `https://`.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthBetween(2, 128), stringvalidator.RegexMatches(namePattern, nameFormat)},
			},
			"planned_operations": plannedOperationsAttribute(),
			"primary_region": schema.StringAttribute{
				MarkdownDescription: "Region of the primary volume.", Computed: true, PlanModifiers: keep,
			},
			"primary_volume_id": schema.StringAttribute{
				MarkdownDescription: "The volume that is the production side when the pair is created. This is the " +
					"pair's identity, not its current role (see `active_site`): changing it replaces the pair.",
				Required: true, Validators: []validator.String{idValidator()}, PlanModifiers: replace,
			},
			"primary_zone": schema.StringAttribute{
				MarkdownDescription: "Availability zone of the primary volume.", Computed: true, PlanModifiers: keep,
			},
			"protection_group_id": schema.StringAttribute{
				MarkdownDescription: "The protection group the pair belongs to, if any (then it is operated through the group).",
				Computed:            true,
			},
			"replication": schema.StringAttribute{
				MarkdownDescription: "Desired replication: `running` or `paused`. Omit to observe only; the current " +
					"value is always reported (null while an operation has failed).",
				Optional: true, Computed: true,
				Validators: []validator.String{stringvalidator.OneOf(lifecycle.Desired(lifecycle.ReplicationPair).ValueNames()...)},
			},
			"replication_lag_seconds": schema.Int64Attribute{
				MarkdownDescription: "Seconds since the last recovery point while replicating.", Computed: true,
			},
			"rpo_seconds": schema.Int64Attribute{
				MarkdownDescription: "Recovery point objective in seconds (the replication cycle); `900`. Changing it replaces the pair.",
				Optional:            true, Computed: true, Default: int64default.StaticInt64(900),
				Validators:    []validator.Int64{int64validator.OneOf(900)},
				PlanModifiers: []planmodifier.Int64{int64planmodifier.RequiresReplace()},
			},
			"secondary_region": schema.StringAttribute{
				MarkdownDescription: "Region of the secondary volume.", Computed: true, PlanModifiers: keep,
			},
			"secondary_volume_id": schema.StringAttribute{
				MarkdownDescription: "The volume that is the DR side when the pair is created; its data is overwritten. " +
					"Changing it replaces the pair.",
				Required: true, Validators: []validator.String{idValidator()}, PlanModifiers: replace,
			},
			"secondary_zone": schema.StringAttribute{
				MarkdownDescription: "Availability zone of the secondary volume.", Computed: true, PlanModifiers: keep,
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "The engine's normalized state, e.g. `replicating`, `paused`, `failed_over` or " +
					"`error{failover}` (an operation failed; apply retries it).",
				Computed: true,
			},
			"sync_progress": schema.Int64Attribute{
				MarkdownDescription: "Progress (0-100) of the running synchronisation.", Computed: true,
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Update: true, Delete: true}),
		},
	}
}

func (r *replicationPairResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan is where the engine validates the change before anything is touched.
func (r *replicationPairResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.data == nil {
		return // unconfigured provider (validation): no platform to ask
	}
	if r.engine.unsupported(r.data, &resp.Diagnostics) {
		return
	}
	if req.Plan.Raw.IsNull() {
		var state pairModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if !resp.Diagnostics.HasError() {
			r.engine.planDestroy(ctx, r.data, state.ID.ValueString(), lifecycle.Goal{States: []lifecycle.State{lifecycle.Deleted}},
				r.data.options(state.AllowDataLoss.ValueBool()), &resp.Diagnostics)
		}
		return
	}
	var plan, config pairModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	goal := r.goal(config)
	opts := r.data.options(plan.AllowDataLoss.ValueBool())
	at := r.goalPath(config)

	if req.State.Raw.IsNull() {
		r.planCreate(ctx, plan, goal, opts, at, resp)
		return
	}
	var state pairModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if keepObservedCreateAttrs(ctx, req, opts, config, state, &plan, resp) {
		return
	}
	if replacing(req, "primary_volume_id", "secondary_volume_id") || !plan.BandwidthKbps.Equal(state.BandwidthKbps) || !plan.RPOSeconds.Equal(state.RPOSeconds) {
		r.engine.planReplace(ctx, r.data, state.ID.ValueString(), lifecycle.Goal{States: []lifecycle.State{lifecycle.Deleted}}, opts, &resp.Diagnostics)
		return
	}
	metaChanged := !plan.Name.Equal(state.Name) || !plan.Description.Equal(state.Description)
	if metaChanged {
		var changed []string
		if !plan.Name.Equal(state.Name) {
			changed = append(changed, lifecycle.ParamName)
		}
		if !plan.Description.Equal(state.Description) {
			changed = append(changed, lifecycle.ParamDescription)
		}
		obs := lifecycle.Observation{Kind: lifecycle.ReplicationPair, ID: state.ID.ValueString(), Name: state.Name.ValueString()}
		if vs := lifecycle.CheckUpdateParams(lifecycle.ReplicationPair, obs, changed, opts); len(vs) > 0 {
			addViolations(&resp.Diagnostics, path.Root("description"), pairType, vs)
			return
		}
		if !checkParamValues(lifecycle.ReplicationPair, lifecycle.OpUpdate, obs, plan.Name, plan.Description, changed, opts, pairType, &resp.Diagnostics) {
			return
		}
		goal.Required = append(goal.Required, lifecycle.OpRequest{Op: lifecycle.OpUpdate, Params: map[string]string{
			lifecycle.ParamName: plan.Name.ValueString(), lifecycle.ParamDescription: plan.Description.ValueString(),
		}})
	}
	if r.engine.goalMet(state.Status.ValueString(), pairSite(state.ActiveSite), goal) {
		keepPlannedOps(ctx, plan.PlannedOperations, state.PlannedOperations, &resp.Plan, &resp.Diagnostics)
		return // nothing to operate: no platform call
	}
	p := r.engine.plan(ctx, r.data, state.ID.ValueString(), priorRead{status: state.Status.ValueString(), active: pairSite(state.ActiveSite)}, goal, opts, at, &resp.Diagnostics)
	if p == nil {
		return
	}
	plan.PlannedOperations = plannedOps(lifecycle.ReplicationPair, *p, false)
	plan.Status = types.StringValue(lifecycle.RenderState(p.State, ""))
	plan.ActiveSite = types.StringValue(siteName(lifecycle.ReplicationPair, p.ActiveSite))
	plan.Replication = desiredValue(lifecycle.ReplicationPair, p.State)
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
	markOperated(ctx, &resp.Plan, &resp.Diagnostics, "id", "status", "planned_operations", "primary_region", "primary_zone",
		"secondary_region", "secondary_zone", "protection_group_id")
}

// keepObservedCreateAttrs: on a platform that cannot create pairs (Capabilities.Manual, e.g.
// Huawei SDRS: a pair is made in a protection group and imported), rpo_seconds and
// bandwidth_kbps are what the platform chose, not settings: left out of the configuration they
// keep the observed value instead of the schema's default, so an imported pair plans no
// replacement (one that could not be carried out). Set in the configuration to another value,
// they still replace the pair, which the plan refuses naming the manual step. When nothing
// else changes, the computed attributes Terraform marked unknown (because of the defaults)
// keep their state: the plan is empty. It reports whether ModifyPlan is done.
func keepObservedCreateAttrs(ctx context.Context, req resource.ModifyPlanRequest, opts lifecycle.Options, config, state pairModel, plan *pairModel, resp *resource.ModifyPlanResponse) bool {
	if _, manual := opts.Platform.ManualStep(lifecycle.ReplicationPair, lifecycle.OpCreate); !manual {
		return false
	}
	changed := false
	if config.RPOSeconds.IsNull() && !plan.RPOSeconds.Equal(state.RPOSeconds) {
		plan.RPOSeconds, changed = state.RPOSeconds, true
	}
	if config.BandwidthKbps.IsNull() && !plan.BandwidthKbps.Equal(state.BandwidthKbps) {
		plan.BandwidthKbps, changed = state.BandwidthKbps, true
	}
	if !changed {
		return false
	}
	kept := resp.RequiresReplace[:0:0]
	for _, p := range resp.RequiresReplace {
		if !(p.Equal(path.Root("rpo_seconds")) && config.RPOSeconds.IsNull()) && !(p.Equal(path.Root("bandwidth_kbps")) && config.BandwidthKbps.IsNull()) {
			kept = append(kept, p)
		}
	}
	resp.RequiresReplace = kept
	resp.Diagnostics.Append(resp.Plan.Set(ctx, plan)...)
	if resp.Diagnostics.HasError() {
		return true
	}
	filled, err := tftypes.Transform(resp.Plan.Raw, func(p *tftypes.AttributePath, v tftypes.Value) (tftypes.Value, error) {
		if v.IsKnown() {
			return v, nil
		}
		if sv, _, err := tftypes.WalkAttributePath(req.State.Raw, p); err == nil {
			if s, ok := sv.(tftypes.Value); ok {
				return s, nil
			}
		}
		return v, nil
	})
	if err == nil && filled.Equal(req.State.Raw) {
		resp.Plan.Raw = filled // nothing changes
		return true
	}
	return false
}

// planCreate checks the creation (R001-5 …) and the path from a new pair to the goal with the
// facts the platform can tell about the volumes; unknown volumes defer the checks to apply.
func (r *replicationPairResource) planCreate(ctx context.Context, plan pairModel, goal lifecycle.Goal, opts lifecycle.Options, at path.Path, resp *resource.ModifyPlanResponse) {
	if _, manual := opts.Platform.ManualStep(lifecycle.ReplicationPair, lifecycle.OpCreate); manual {
		// The platform cannot create a pair through its API (Huawei SDRS: a pair is made in a
		// protection group): refused whatever the volumes, known or not (V-PLATFORM).
		vs := lifecycle.Check(lifecycle.ReplicationPair, lifecycle.OpCreate, lifecycle.Observation{Kind: lifecycle.ReplicationPair, Name: plan.Name.ValueString()}, opts)
		var manualOnly []lifecycle.Violation
		for _, v := range vs {
			if v.Rule == "V-PLATFORM" {
				manualOnly = append(manualOnly, v)
			}
		}
		addViolations(&resp.Diagnostics, path.Root("primary_volume_id"), pairType, manualOnly)
		return
	}
	if !checkParamValues(lifecycle.ReplicationPair, lifecycle.OpCreate, lifecycle.Observation{Kind: lifecycle.ReplicationPair, Name: plan.Name.ValueString()},
		plan.Name, plan.Description, nil, opts, pairType, &resp.Diagnostics) {
		return
	}
	if plan.PrimaryVolumeID.IsUnknown() && plan.SecondaryVolumeID.IsUnknown() {
		return // both volumes are made in this apply: checked then, before the first platform call
	}
	spec := r.spec(plan) // an unknown id is "" in the spec: the platform reports it unknown
	if err := lifecycle.ValidatePairVolumes(spec.PrimaryVolumeID, spec.SecondaryVolumeID); err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("secondary_volume_id"), "V-PAIR-VOLUMES: invalid "+pairType+" volumes", err.Error())
		return
	}
	facts, err := r.data.Pairs.ProposedPairFacts(ctx, spec)
	if err != nil {
		addError(&resp.Diagnostics, "checking", pairType, "", err)
		return
	}
	for v, holder := range facts.VolumesInPair {
		if _, ok := r.data.replaced.Load(holder); ok {
			delete(facts.VolumesInPair, v) // the pair this one replaces: deleted first (planReplace)
		}
	}
	vs := lifecycle.Check(lifecycle.ReplicationPair, lifecycle.OpCreate, lifecycle.Observation{Kind: lifecycle.ReplicationPair, Name: plan.Name.ValueString(), Facts: facts}, opts)
	addViolations(&resp.Diagnostics, path.Root("primary_volume_id"), pairType, lifecycle.Blocking(vs))
	if resp.Diagnostics.HasError() || plan.PrimaryVolumeID.IsUnknown() || plan.SecondaryVolumeID.IsUnknown() {
		return
	}
	obs := lifecycle.Created(lifecycle.ReplicationPair, plan.Name.ValueString(), facts)
	p, vs := lifecycle.Plan(lifecycle.ReplicationPair, obs, goal, opts)
	addViolations(&resp.Diagnostics, at, pairType, vs)
	if lifecycle.HasBlocking(vs) {
		return
	}
	addAttention(&resp.Diagnostics, pairType, plan.Name.ValueString(), p)
	plan.PlannedOperations = plannedOps(lifecycle.ReplicationPair, p, true)
	plan.Status = types.StringValue(lifecycle.RenderState(p.State, ""))
	plan.ActiveSite = types.StringValue(siteName(lifecycle.ReplicationPair, p.ActiveSite))
	plan.Replication = desiredValue(lifecycle.ReplicationPair, p.State)
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

func (r *replicationPairResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan, config pairModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, defaultCreateTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	spec := r.spec(plan)
	// a name or description known only now (from another resource) is checked before the call
	if !checkParamValues(lifecycle.ReplicationPair, lifecycle.OpCreate, lifecycle.Observation{Kind: lifecycle.ReplicationPair, Name: spec.Name},
		plan.Name, plan.Description, nil, r.data.options(false), pairType, &resp.Diagnostics) {
		return
	}
	// The token derives from the pair's identity, so a create retried after an interrupted
	// apply returns the pair the first attempt made instead of failing or making another.
	token := createToken(pairType, spec.PrimaryVolumeID, spec.SecondaryVolumeID, spec.Name)
	pair, err := r.data.Pairs.CreatePair(ctx, spec, token)
	if err == nil && lifecycle.Gone(r.engine.kind, pair.State) {
		// The token's earlier pair was deleted since: this is a new pair.
		pair, err = r.data.Pairs.CreatePair(ctx, spec, freshToken(token))
	}
	if err != nil {
		addCreateError(&resp.Diagnostics, pairType, err)
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), pair.ID)...)
	setIdentity(ctx, resp.Identity, pair.ID, &resp.Diagnostics)
	goal := r.goal(config)
	goal.States = append([]lifecycle.State(nil), goal.States...)
	ran := r.engine.apply(ctx, r.data, pair.ID, priorRead{}, goal, r.data.options(plan.AllowDataLoss.ValueBool()), timeout, r.goalPath(config), &resp.Diagnostics)
	plan.PlannedOperations = appliedOps(plan.PlannedOperations, lifecycle.ReplicationPair, ran, true, types.ListNull(types.StringType))
	r.refresh(ctx, pair.ID, &plan, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *replicationPairResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	if r.engine.unsupported(r.data, &resp.Diagnostics) {
		return
	}
	var state pairModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	pair, err := r.data.Pairs.GetPair(ctx, state.ID.ValueString())
	if removeIfGone(ctx, err, pairType, state.ID.ValueString(), resp) {
		return
	}
	if err != nil {
		addError(&resp.Diagnostics, "reading", pairType, state.ID.ValueString(), err)
		return
	}
	state.fill(pair)
	setIdentity(ctx, resp.Identity, state.ID.ValueString(), &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *replicationPairResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, config, state pairModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Update(ctx, defaultUpdateTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	goal := r.goal(config)
	if !plan.Name.Equal(state.Name) || !plan.Description.Equal(state.Description) {
		goal.Required = append(goal.Required, lifecycle.OpRequest{Op: lifecycle.OpUpdate, Params: map[string]string{
			lifecycle.ParamName: plan.Name.ValueString(), lifecycle.ParamDescription: plan.Description.ValueString(),
		}})
	}
	id := state.ID.ValueString()
	ran := r.engine.apply(ctx, r.data, id, priorRead{status: state.Status.ValueString(), active: pairSite(state.ActiveSite)}, goal, r.data.options(plan.AllowDataLoss.ValueBool()), timeout, r.goalPath(config), &resp.Diagnostics)
	plan.PlannedOperations = appliedOps(plan.PlannedOperations, lifecycle.ReplicationPair, ran, false, state.PlannedOperations)
	r.refresh(ctx, id, &plan, &resp.Diagnostics)
	setIdentity(ctx, resp.Identity, id, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *replicationPairResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state pairModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := state.Timeouts.Delete(ctx, defaultDeleteTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	r.engine.apply(ctx, r.data, id, priorRead{}, lifecycle.Goal{States: []lifecycle.State{lifecycle.Deleted}},
		r.data.options(state.AllowDataLoss.ValueBool()), timeout, path.Root("allow_data_loss"), &resp.Diagnostics)
}

func (r *replicationPairResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importByIDOrIdentity(ctx, req, resp, pairType)
}

// refresh reads the pair after an operation and copies what was observed into the model, so
// the saved state is the truth even when the operation failed half-way.
func (r *replicationPairResource) refresh(ctx context.Context, id string, m *pairModel, diags *diagList) {
	ctx, done := afterStop(ctx) // record the truth even when Terraform was interrupted
	defer done()
	pair, err := r.data.Pairs.GetPair(ctx, id)
	if err != nil {
		addError(diags, "reading", pairType, id, err)
		m.ID = types.StringValue(id)
		nullUnknowns(&m.pairData)
		return
	}
	m.fill(pair)
}

func (r *replicationPairResource) spec(m pairModel) platform.PairSpec {
	return platform.PairSpec{
		Name: m.Name.ValueString(), Description: m.Description.ValueString(),
		PrimaryVolumeID: m.PrimaryVolumeID.ValueString(), SecondaryVolumeID: m.SecondaryVolumeID.ValueString(),
		RPOSeconds: m.RPOSeconds.ValueInt64(), BandwidthKbps: m.BandwidthKbps.ValueInt64(),
	}
}

func (r *replicationPairResource) goal(config pairModel) lifecycle.Goal {
	var active lifecycle.Site
	if !config.ActiveSite.IsNull() && !config.ActiveSite.IsUnknown() {
		active = pairSite(config.ActiveSite)
	}
	return goalFor(lifecycle.ReplicationPair, config.Replication, active)
}

// goalPath is the attribute a refusal points at: the desired-state attribute that asked.
func (r *replicationPairResource) goalPath(config pairModel) path.Path {
	if !config.ActiveSite.IsNull() {
		return path.Root("active_site")
	}
	if !config.Replication.IsNull() {
		return path.Root("replication")
	}
	return path.Root("name")
}

// pairSite maps the schema's role-neutral names to the engine's sites.
func pairSite(v types.String) lifecycle.Site {
	if v.ValueString() == "secondary" {
		return lifecycle.SiteTarget
	}
	return lifecycle.SiteSource
}

// pairData is the read model the resource and its data source share.
type pairData struct {
	ActiveSite            types.String `tfsdk:"active_site"`
	AllowDataLoss         types.Bool   `tfsdk:"allow_data_loss"`
	AllowedOperations     types.List   `tfsdk:"allowed_operations"`
	BandwidthKbps         types.Int64  `tfsdk:"bandwidth_kbps"`
	Description           types.String `tfsdk:"description"`
	Direction             types.String `tfsdk:"direction"`
	ID                    types.String `tfsdk:"id"`
	LastError             types.String `tfsdk:"last_error"`
	LastRecoveryPoint     types.String `tfsdk:"last_recovery_point"`
	Name                  types.String `tfsdk:"name"`
	PrimaryRegion         types.String `tfsdk:"primary_region"`
	PrimaryVolumeID       types.String `tfsdk:"primary_volume_id"`
	PrimaryZone           types.String `tfsdk:"primary_zone"`
	ProtectionGroupID     types.String `tfsdk:"protection_group_id"`
	Replication           types.String `tfsdk:"replication"`
	ReplicationLagSeconds types.Int64  `tfsdk:"replication_lag_seconds"`
	RPOSeconds            types.Int64  `tfsdk:"rpo_seconds"`
	SecondaryRegion       types.String `tfsdk:"secondary_region"`
	SecondaryVolumeID     types.String `tfsdk:"secondary_volume_id"`
	SecondaryZone         types.String `tfsdk:"secondary_zone"`
	Status                types.String `tfsdk:"status"`
	SyncProgress          types.Int64  `tfsdk:"sync_progress"`
}

// pairModel is the resource's model: the read model plus the timeouts block and the planned
// operations (the resource's own: the data source has neither).
type pairModel struct {
	pairData
	PlannedOperations types.List     `tfsdk:"planned_operations"`
	Timeouts          timeouts.Value `tfsdk:"timeouts"`
}

func (m *pairData) fill(p platform.ReplicationPair) {
	m.ID = types.StringValue(p.ID)
	m.Name = types.StringValue(p.Name)
	m.Description = optionalString(p.Description)
	m.PrimaryVolumeID = types.StringValue(p.PrimaryVolumeID)
	m.SecondaryVolumeID = types.StringValue(p.SecondaryVolumeID)
	m.RPOSeconds = types.Int64Value(p.RPOSeconds)
	m.BandwidthKbps = types.Int64Value(p.BandwidthKbps)
	m.PrimaryRegion = types.StringValue(p.PrimaryRegion)
	m.PrimaryZone = types.StringValue(p.PrimaryZone)
	m.SecondaryRegion = types.StringValue(p.SecondaryRegion)
	m.SecondaryZone = types.StringValue(p.SecondaryZone)
	m.Status = types.StringValue(lifecycle.RenderState(p.State, p.FailedOp))
	m.ActiveSite = types.StringValue(siteName(lifecycle.ReplicationPair, p.ActiveSite))
	if p.ActiveSite == lifecycle.SiteTarget {
		m.Direction = types.StringValue("secondary_to_primary")
	} else {
		m.Direction = types.StringValue("primary_to_secondary")
	}
	m.Replication = desiredValue(lifecycle.ReplicationPair, p.State)
	m.LastRecoveryPoint = timeString(p.LastRecoveryPoint)
	m.ReplicationLagSeconds = types.Int64Value(p.LagSeconds)
	m.SyncProgress = types.Int64Value(int64(p.SyncProgress))
	m.LastError = optionalString(p.LastError)
	m.ProtectionGroupID = optionalString(p.GroupID)
	m.AllowedOperations = opsList(lifecycle.AllowedOperations(lifecycle.ReplicationPair, p.Observed, lifecycle.Options{}))
	if m.AllowDataLoss.IsNull() || m.AllowDataLoss.IsUnknown() {
		m.AllowDataLoss = types.BoolValue(false)
	}
}
