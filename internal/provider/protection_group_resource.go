package provider

import (
	"context"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

var (
	_ resource.Resource                = (*protectionGroupResource)(nil)
	_ resource.ResourceWithConfigure   = (*protectionGroupResource)(nil)
	_ resource.ResourceWithImportState = (*protectionGroupResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*protectionGroupResource)(nil)
)

const groupType = "dr_protection_group"

// NewProtectionGroupResource returns the dr_protection_group resource.
func NewProtectionGroupResource() resource.Resource {
	return &protectionGroupResource{engine: drEngine{kind: lifecycle.ProtectionGroup, typeName: groupType}}
}

type protectionGroupResource struct {
	data   *ProviderData
	engine drEngine
}

var drServerAttrTypes = map[string]attr.Type{
	"server_id": types.StringType, "twin_server_id": types.StringType,
	"twin_ip": types.StringType, "twin_eip": types.StringType, "twin_mac": types.StringType,
}

func (r *protectionGroupResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_protection_group"
}

func (r *protectionGroupResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	site := func(what string) schema.StringAttribute {
		return schema.StringAttribute{
			MarkdownDescription: what + " Changing it replaces the group.",
			Required:            true,
			Validators:          []validator.String{regionValidator()},
			PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
		}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A consistency group of replication pairs and protected servers across two sites " +
			"(Huawei SDRS protection group; Alibaba replication pair-consistent group; EVS replication " +
			"consistency group). `protection` and `active_site` are optional desired states: `active_site = " +
			"\"target\"` runs a planned failover when both sites are healthy and a failover when the source " +
			"site is down; after a failover, `protection = \"enabled\"` reprotects. Membership changes are " +
			"planned by the engine (e.g. `disable_protection → add_member → enable_protection`).\n\n" +
			"The platform changes protected servers on its own: protecting a server creates its DR-site twin " +
			"(stopped); a **failover stops the production servers** still running and moves their IP, EIP and " +
			"MAC to the twins, which stay stopped until you start them (R002-4, R002-5); a planned failover " +
			"moves the addresses only. Leave `dr_sandbox_server.power_state` unset so the configuration does " +
			"not try to start a stopped server at a site that is down (see the guide *Operating DR with Terraform*).",
		Attributes: map[string]schema.Attribute{
			"active_site": schema.StringAttribute{
				MarkdownDescription: "Desired site serving production: `source` or `target` (the sites' roles at " +
					"creation). Omit to observe only; the current value is always reported.",
				Optional: true, Computed: true,
				Validators: []validator.String{stringvalidator.OneOf("source", "target")},
			},
			"allow_data_loss": schema.BoolAttribute{
				MarkdownDescription: "Permits a forced failover while the active site is healthy (R002-8). Defaults to `false`.",
				Optional:            true, Computed: true, Default: booldefault.StaticBool(false),
			},
			"allowed_operations": schema.ListAttribute{
				MarkdownDescription: "Operations the engine allows on the group right now.",
				Computed:            true, ElementType: types.StringType,
			},
			"description": schema.StringAttribute{
				MarkdownDescription: "Description of the group (up to 256 characters, no `<` or `>`). The platform's own limits are checked at plan (V-PARAMS): Huawei Cloud SDRS at most 64 bytes; Alibaba Cloud EBS 2 to 256 characters, not starting with `http://` or `https://`.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtMost(256), stringvalidator.RegexMatches(noAngleBrackets, "must not contain '<' or '>'")},
			},
			"dr_servers": schema.ListNestedAttribute{
				MarkdownDescription: "The DR-site twins the platform created for the protected servers, with the " +
					"addresses they hold (after a failover they hold the production addresses, R002-5).",
				Computed: true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"server_id":      schema.StringAttribute{MarkdownDescription: "The protected server.", Computed: true},
					"twin_eip":       schema.StringAttribute{MarkdownDescription: "Elastic IP the twin holds.", Computed: true},
					"twin_ip":        schema.StringAttribute{MarkdownDescription: "Private IP the twin holds.", Computed: true},
					"twin_mac":       schema.StringAttribute{MarkdownDescription: "MAC address the twin holds.", Computed: true},
					"twin_server_id": schema.StringAttribute{MarkdownDescription: "The twin at the other site.", Computed: true},
				}},
			},
			"domain_id": schema.StringAttribute{
				MarkdownDescription: "Huawei Cloud SDRS only: the active-active domain the group replicates in " +
					"(`domain_id` of *Creating a Protection Group*; see *Querying an Active-Active Domain*). Omit it " +
					"when the project has exactly one domain between `source_zone` and `target_zone`: that one is " +
					"used and reported here. Setting it on another platform is refused at plan (V-PARAMS). " +
					"Changing it replaces the group.",
				Optional: true, Computed: true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()},
			},
			"drill_active": schema.BoolAttribute{
				MarkdownDescription: "Whether a DR drill is running (a real failover or reprotect is refused meanwhile, V-DRILL).",
				Computed:            true,
			},
			"health": schema.StringAttribute{
				MarkdownDescription: "`normal` or `abnormal` (a site is down or an operation failed).", Computed: true,
			},
			"id": schema.StringAttribute{
				MarkdownDescription: "Identifier of the group.", Computed: true, PlanModifiers: keep,
			},
			"last_error": schema.StringAttribute{
				MarkdownDescription: "The platform's message about the last failed operation, if any.", Computed: true,
			},
			"last_recovery_point": schema.StringAttribute{
				MarkdownDescription: "Time (RFC 3339) of the last consistent copy at the standby site.", Computed: true,
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Name of the group: 1 to 128 letters, digits, `.`, `_` and `-`. The platform's own limits are checked at plan (V-PARAMS): Huawei Cloud SDRS at most 64 bytes; Alibaba Cloud EBS 2 to 128 characters starting with a letter.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthBetween(1, 128), stringvalidator.RegexMatches(groupNamePattern, "must contain only letters, digits, '.', '_' and '-'")},
			},
			"planned_operations": plannedOperationsAttribute(),
			"protection": schema.StringAttribute{
				MarkdownDescription: "Desired protection: `enabled` (replicating; after a failover this reprotects) " +
					"or `disabled`. Omit to observe only.",
				Optional: true, Computed: true,
				Validators: []validator.String{stringvalidator.OneOf(lifecycle.Desired(lifecycle.ProtectionGroup).ValueNames()...)},
			},
			"replication_pair_ids": schema.SetAttribute{
				MarkdownDescription: "The `dr_replication_pair`s in the group. A pair belongs to at most one group and " +
					"must replicate between the group's sites (V-GRP-MEMBERS). Omit to observe only.",
				Optional: true, Computed: true, ElementType: types.StringType,
				Validators: []validator.Set{setvalidator.ValueStringsAre(idValidator())},
			},
			"replication_status": schema.StringAttribute{
				MarkdownDescription: "Data synchronisation: `inactive`, `copying` (with `sync_progress`), `active` or `active-stopped`.",
				Computed:            true,
			},
			"server_ids": schema.SetAttribute{
				MarkdownDescription: "The `dr_sandbox_server`s protected by the group; the platform creates a twin " +
					"for each at the other site. Omit to observe only.",
				Optional: true, Computed: true, ElementType: types.StringType,
				Validators: []validator.Set{setvalidator.ValueStringsAre(idValidator())},
			},
			"source_region": site("Region of the source (production at creation) site."),
			"source_vpc_id": schema.StringAttribute{
				MarkdownDescription: "Huawei Cloud SDRS only, required there: the ID of the production site's VPC " +
					"(`source_vpc_id` of *Creating a Protection Group*); it must exist (checked at plan). Setting it " +
					"on another platform is refused at plan (V-PARAMS). Changing it replaces the group.",
				Optional: true, Computed: true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()},
			},
			"source_zone": site("Availability zone of the source site."),
			"status": schema.StringAttribute{
				MarkdownDescription: "The engine's normalized state, e.g. `replicating`, `failed_over` or `error{failover}`.",
				Computed:            true,
			},
			"sync_progress": schema.Int64Attribute{
				MarkdownDescription: "Progress (0-100) of the running synchronisation.", Computed: true,
			},
			"target_region": site("Region of the target (DR at creation) site."),
			"target_zone":   site("Availability zone of the target site."),
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Update: true, Delete: true}),
		},
	}
}

func (r *protectionGroupResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *protectionGroupResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.data == nil {
		return // unconfigured provider (validation): no platform to ask
	}
	if r.engine.unsupported(r.data, &resp.Diagnostics) {
		return
	}
	if req.State.Raw.IsNull() {
		if !req.Plan.Raw.IsNull() {
			var plan, config groupModel
			resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
			resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
			if !resp.Diagnostics.HasError() {
				r.planCreate(ctx, plan, config, &resp.Diagnostics)
			}
		}
		return
	}
	if req.Plan.Raw.IsNull() {
		var state groupModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if !resp.Diagnostics.HasError() {
			pairs, _ := setStrings(ctx, state.PairIDs)
			servers, _ := setStrings(ctx, state.ServerIDs)
			r.engine.planDestroy(ctx, r.data, state.ID.ValueString(), deleteGoal(pairs, servers, state.DrillActive.ValueBool()),
				r.data.options(state.AllowDataLoss.ValueBool()), &resp.Diagnostics)
		}
		return
	}
	var plan, config, state groupModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if replacing(req, "source_region", "source_zone", "target_region", "target_zone", "domain_id", "source_vpc_id") {
		pairs, _ := setStrings(ctx, state.PairIDs)
		servers, _ := setStrings(ctx, state.ServerIDs)
		r.engine.planReplace(ctx, r.data, state.ID.ValueString(), deleteGoal(pairs, servers, state.DrillActive.ValueBool()),
			r.data.options(plan.AllowDataLoss.ValueBool()), &resp.Diagnostics)
		return
	}
	var changed []string
	if !plan.Name.Equal(state.Name) {
		changed = append(changed, lifecycle.ParamName)
	}
	if !plan.Description.Equal(state.Description) {
		changed = append(changed, lifecycle.ParamDescription)
	}
	obs := lifecycle.Observation{Kind: lifecycle.ProtectionGroup, ID: state.ID.ValueString(), Name: state.Name.ValueString()}
	if vs := lifecycle.CheckUpdateParams(lifecycle.ProtectionGroup, obs, changed, r.data.options(false)); len(vs) > 0 {
		addViolations(&resp.Diagnostics, path.Root("description"), groupType, vs)
		return
	}
	if !checkParamValues(lifecycle.ProtectionGroup, lifecycle.OpUpdate, obs, plan.Name, plan.Description, changed, r.data.options(false), groupType, &resp.Diagnostics) {
		return
	}
	goal, known := r.goal(ctx, config, state, plan)
	if !known {
		return // member IDs known only at apply: checked there before the first platform call
	}
	if !r.checkCandidates(ctx, state, goal, &resp.Diagnostics) {
		return
	}
	if r.engine.goalMet(state.Status.ValueString(), lifecycle.Site(state.ActiveSite.ValueString()), goal) {
		keepPlannedOps(ctx, plan.PlannedOperations, state.PlannedOperations, &resp.Plan, &resp.Diagnostics)
		return
	}
	p := r.engine.plan(ctx, r.data, state.ID.ValueString(), state.prior(), goal, r.data.options(plan.AllowDataLoss.ValueBool()), r.goalPath(config, goal), &resp.Diagnostics)
	if p == nil {
		return
	}
	plan.PlannedOperations = plannedOps(lifecycle.ProtectionGroup, *p, false)
	plan.Status = types.StringValue(lifecycle.RenderState(p.State, ""))
	plan.ActiveSite = types.StringValue(string(p.ActiveSite))
	plan.Protection = desiredValue(lifecycle.ProtectionGroup, p.State)
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
	markOperated(ctx, &resp.Plan, &resp.Diagnostics, "id", "status", "planned_operations")
}

func (r *protectionGroupResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan, config groupModel
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
	if !checkParamValues(lifecycle.ProtectionGroup, lifecycle.OpCreate, lifecycle.Observation{Kind: lifecycle.ProtectionGroup, Name: spec.Name},
		plan.Name, plan.Description, nil, r.data.options(false), groupType, &resp.Diagnostics) {
		return
	}
	if r.checkParams(ctx, config, spec, &resp.Diagnostics); resp.Diagnostics.HasError() {
		return
	}
	token := createToken(groupType, spec.Name, spec.SourceRegion, spec.SourceZone, spec.TargetRegion, spec.TargetZone)
	g, err := r.data.Groups.CreateGroup(ctx, spec, token)
	if err == nil && lifecycle.Gone(r.engine.kind, g.State) {
		g, err = r.data.Groups.CreateGroup(ctx, spec, freshToken(token))
	}
	if err != nil {
		addCreateError(&resp.Diagnostics, groupType, err)
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), g.ID)...)
	setIdentity(ctx, resp.Identity, g.ID, &resp.Diagnostics)
	r.engine.waitStable(ctx, r.data, g.ID, timeout, &resp.Diagnostics)
	var ran lifecycle.Path
	if !resp.Diagnostics.HasError() {
		empty := groupModel{groupData: groupData{PairIDs: types.SetNull(types.StringType), ServerIDs: types.SetNull(types.StringType)}}
		goal, _ := r.goal(ctx, config, empty, plan)
		ran = r.engine.apply(ctx, r.data, g.ID, priorRead{}, goal, r.data.options(plan.AllowDataLoss.ValueBool()), timeout, r.goalPath(config, goal), &resp.Diagnostics)
	}
	plan.PlannedOperations = appliedOps(plan.PlannedOperations, lifecycle.ProtectionGroup, ran, true, types.ListNull(types.StringType))
	r.refresh(ctx, g.ID, &plan, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *protectionGroupResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	if r.engine.unsupported(r.data, &resp.Diagnostics) {
		return
	}
	var state groupModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	g, err := r.data.Groups.GetGroup(ctx, state.ID.ValueString())
	if removeIfGone(ctx, err, groupType, state.ID.ValueString(), resp) {
		return
	}
	if err != nil {
		addError(&resp.Diagnostics, "reading", groupType, state.ID.ValueString(), err)
		return
	}
	resp.Diagnostics.Append(state.fill(g)...)
	setIdentity(ctx, resp.Identity, state.ID.ValueString(), &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *protectionGroupResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, config, state groupModel
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
	id := state.ID.ValueString()
	goal, _ := r.goal(ctx, config, state, plan)
	ran := r.engine.apply(ctx, r.data, id, state.prior(), goal, r.data.options(plan.AllowDataLoss.ValueBool()), timeout, r.goalPath(config, goal), &resp.Diagnostics)
	plan.PlannedOperations = appliedOps(plan.PlannedOperations, lifecycle.ProtectionGroup, ran, false, state.PlannedOperations)
	r.refresh(ctx, id, &plan, &resp.Diagnostics)
	setIdentity(ctx, resp.Identity, id, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// Delete removes every member first (the engine pauses protection for that), then deletes
// the empty group (V-GRP-DELETE). Pairs and servers are kept.
func (r *protectionGroupResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state groupModel
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
	g, err := r.data.Groups.GetGroup(ctx, id)
	if platform.IsNotFound(err) {
		return
	}
	if err != nil {
		addError(&resp.Diagnostics, "reading", groupType, id, err)
		return
	}
	r.engine.apply(ctx, r.data, id, priorRead{}, deleteGoal(g.PairIDs, g.ServerIDs, g.DrillActive), r.data.options(state.AllowDataLoss.ValueBool()), timeout, path.Root("allow_data_loss"), &resp.Diagnostics)
}

// deleteGoal is the destroy goal: remove every member, stop a running drill, delete.
func deleteGoal(pairs, servers []string, drill bool) lifecycle.Goal {
	goal := lifecycle.Goal{States: []lifecycle.State{lifecycle.Deleted}}
	goal.Required = append(goal.Required, memberOps(lifecycle.OpRemoveMember, lifecycle.ParamPairID, pairs)...)
	goal.Required = append(goal.Required, memberOps(lifecycle.OpRemoveServer, lifecycle.ParamServerID, servers)...)
	if drill {
		goal.Required = append(goal.Required, lifecycle.OpRequest{Op: lifecycle.OpStopDrill})
	}
	return goal
}

func (r *protectionGroupResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importByIDOrIdentity(ctx, req, resp, groupType)
}

func (r *protectionGroupResource) refresh(ctx context.Context, id string, m *groupModel, diags *diagList) {
	ctx, done := afterStop(ctx) // record the truth even when Terraform was interrupted
	defer done()
	g, err := r.data.Groups.GetGroup(ctx, id)
	if err != nil {
		addError(diags, "reading", groupType, id, err)
		m.ID = types.StringValue(id)
		nullUnknowns(&m.groupData)
		return
	}
	diags.Append(m.fill(g)...)
}

// goal builds the group's goal: desired protection and active site, plus the membership
// changes between the observed members (state) and the configured ones. known is false when
// configured member IDs are not known yet.
func (r *protectionGroupResource) goal(ctx context.Context, config, state, plan groupModel) (lifecycle.Goal, bool) {
	var active lifecycle.Site
	if !config.ActiveSite.IsNull() && !config.ActiveSite.IsUnknown() {
		active = lifecycle.Site(config.ActiveSite.ValueString())
	}
	goal := goalFor(lifecycle.ProtectionGroup, config.Protection, active)
	known := true
	for _, m := range []struct {
		param           string
		add, remove     lifecycle.Op
		configured, obs types.Set
	}{
		{lifecycle.ParamPairID, lifecycle.OpAddMember, lifecycle.OpRemoveMember, config.PairIDs, state.PairIDs},
		{lifecycle.ParamServerID, lifecycle.OpAddServer, lifecycle.OpRemoveServer, config.ServerIDs, state.ServerIDs},
	} {
		if m.configured.IsNull() {
			continue // membership not managed
		}
		if m.configured.IsUnknown() {
			known = false
			continue
		}
		want, ok := setStrings(ctx, m.configured)
		if !ok {
			known = false
			continue
		}
		have, _ := setStrings(ctx, m.obs)
		add, remove := diffSets(have, want)
		goal.Required = append(goal.Required, memberOps(m.remove, m.param, remove)...)
		goal.Required = append(goal.Required, memberOps(m.add, m.param, add)...)
	}
	if !state.ID.IsNull() && (!plan.Name.Equal(state.Name) || !plan.Description.Equal(state.Description)) {
		goal.Required = append(goal.Required, lifecycle.OpRequest{Op: lifecycle.OpUpdate, Params: map[string]string{
			lifecycle.ParamName: plan.Name.ValueString(), lifecycle.ParamDescription: plan.Description.ValueString(),
		}})
	}
	return goal, known
}

// checkCandidates checks every pair and server the goal adds against V-GRP-MEMBERS (another
// group, other sites or direction, a server away from the production site or a DR twin) with
// the platform's facts about it, so a bad membership is refused at plan time even though the
// group is paused only later on the path.
//
// The pairs the goal removes and adds before a candidate count toward the group's members
// (the table's add_member/remove_member effects, in the goal's order), so the pair beyond the
// platform's limit of pairs per group (Capabilities.MemberLimit) is the one refused.
func (r *protectionGroupResource) checkCandidates(ctx context.Context, state groupModel, goal lifecycle.Goal, diags *diagList) bool {
	ok := true
	caps := r.data.Platform.Capabilities()
	var pending []*lifecycle.Operation // membership changes of the goal before the candidate
	for _, req := range goal.Required {
		attr, id := "replication_pair_ids", req.Params[lifecycle.ParamPairID]
		switch req.Op {
		case lifecycle.OpAddMember:
		case lifecycle.OpRemoveMember:
			if row, found := lifecycle.Table(lifecycle.ProtectionGroup).Operation(req.Op); found {
				pending = append(pending, row)
			}
			continue
		case lifecycle.OpAddServer:
			attr, id = "server_ids", req.Params[lifecycle.ParamServerID]
		default:
			continue
		}
		facts, err := r.data.Groups.MemberFacts(ctx, state.ID.ValueString(), req.Params)
		if err != nil {
			diags.AddAttributeError(path.Root(attr), "Cannot check "+groupType+" member "+id, err.Error())
			ok = false
			continue
		}
		if req.Op == lifecycle.OpAddMember {
			for _, row := range pending {
				if row.Effect != nil {
					row.Effect(&facts)
				}
			}
			if row, found := lifecycle.Table(lifecycle.ProtectionGroup).Operation(req.Op); found {
				pending = append(pending, row)
			}
		}
		obs := lifecycle.Observation{Kind: lifecycle.ProtectionGroup, ID: state.ID.ValueString(), Name: state.Name.ValueString(),
			ActiveSite: lifecycle.Site(state.ActiveSite.ValueString()), Facts: facts, Platform: caps}
		vs := lifecycle.CheckPreconditions(lifecycle.ProtectionGroup, req.Op, obs)
		addViolations(diags, path.Root(attr), groupType, vs)
		ok = ok && !lifecycle.HasBlocking(vs)
	}
	return ok
}

// planCreate checks a new group at plan time. One site named twice is refused (V-GRP-SITES);
// the platform-specific create parameters (domain_id, source_vpc_id) are checked against the
// create row (checkParams: V-PARAMS, V-REFS). On the sandbox whether the sites exist (V-REFS)
// is checked at apply before the group is created: its sites are usually declared in the same
// configuration, so at plan a missing site cannot be told from one this apply creates. A
// vendor platform's zones are not made by a configuration (no Inventory): there the
// platform's facts (ProposedGroupFacts) decide V-REFS at plan, and the path to the goal from
// the new group (R002-1: protection without pairs) is planned too; the members' own checks
// (V-GRP-MEMBERS) need the group and run at apply. Members created in the same apply, or a
// parameter known only at apply, leave the rest to apply.
func (r *protectionGroupResource) planCreate(ctx context.Context, plan, config groupModel, diags *diagList) {
	if !checkParamValues(lifecycle.ProtectionGroup, lifecycle.OpCreate, lifecycle.Observation{Kind: lifecycle.ProtectionGroup, Name: plan.Name.ValueString()},
		plan.Name, plan.Description, nil, r.data.options(false), groupType, diags) {
		return
	}
	for _, v := range []types.String{plan.SourceRegion, plan.SourceZone, plan.TargetRegion, plan.TargetZone} {
		if v.IsUnknown() {
			return
		}
	}
	s := r.spec(plan)
	if err := lifecycle.ValidateGroupSites(s.SourceRegion, s.SourceZone, s.TargetRegion, s.TargetZone); err != nil {
		diags.AddAttributeError(path.Root("target_zone"), "V-GRP-SITES: "+groupType+" create refused", err.Error())
		return
	}
	facts, ok := r.checkParams(ctx, config, s, diags)
	if !ok {
		return
	}
	if r.data.Inventory != nil {
		return
	}
	opts := r.data.options(plan.AllowDataLoss.ValueBool())
	empty := groupModel{groupData: groupData{PairIDs: types.SetNull(types.StringType), ServerIDs: types.SetNull(types.StringType)}}
	goal, known := r.goal(ctx, config, empty, plan)
	if !known {
		return
	}
	unknown := map[string]bool{lifecycle.FactCandidate: true} // a member's facts need the group
	for k, v := range facts.Unknown {
		unknown[k] = v
	}
	facts.Unknown = unknown
	_, vs := lifecycle.Plan(lifecycle.ProtectionGroup, lifecycle.Created(lifecycle.ProtectionGroup, s.Name, facts), goal, opts)
	// a refused add_member (V-GRP-MEMBERS: the platform's limit of pairs per group) is about
	// the members, whatever else the goal asks
	var members, other []lifecycle.Violation
	for _, v := range lifecycle.Blocking(vs) {
		if v.Op == lifecycle.OpAddMember && !config.PairIDs.IsNull() {
			members = append(members, v)
		} else {
			other = append(other, v)
		}
	}
	addViolations(diags, path.Root("replication_pair_ids"), groupType, members)
	addViolations(diags, r.goalPath(config, goal), groupType, other)
}

// checkParams checks a group create against the create row: V-PARAMS (the platform-specific
// parameters), and on a vendor platform, or one that takes such parameters, V-REFS of what the
// spec names, with the platform's facts (ProposedGroupFacts). It runs at plan, and at apply
// before the first platform call (a parameter may have been unknown at plan). It returns the
// facts it checked, and false when it could not check (a parameter unknown yet) or refused.
func (r *protectionGroupResource) checkParams(ctx context.Context, config groupModel, s platform.GroupSpec, diags *diagList) (lifecycle.Facts, bool) {
	var given []string
	for name, v := range map[string]types.String{"domain_id": config.DomainID, "source_vpc_id": config.SourceVPCID} {
		if v.IsUnknown() {
			return lifecycle.Facts{}, false // known at apply: checked there
		}
		if !v.IsNull() {
			given = append(given, name)
		}
	}
	sort.Strings(given)
	var facts lifecycle.Facts
	opts := r.data.options(false)
	if r.data.Inventory == nil || (opts.Platform != nil && len(opts.Platform.Params[lifecycle.ProtectionGroup]) > 0) {
		pf, err := r.data.Groups.ProposedGroupFacts(ctx, s)
		if err != nil {
			addError(diags, "checking", groupType, "", err)
			return lifecycle.Facts{}, false
		}
		facts = pf
	}
	facts.GivenParams = given
	obs := lifecycle.Observation{Kind: lifecycle.ProtectionGroup, Name: s.Name, Facts: facts}
	vs := lifecycle.Blocking(lifecycle.Check(lifecycle.ProtectionGroup, lifecycle.OpCreate, obs, opts))
	addViolations(diags, path.Root("target_zone"), groupType, vs)
	return facts, !lifecycle.HasBlocking(vs)
}

func (r *protectionGroupResource) spec(plan groupModel) platform.GroupSpec {
	return platform.GroupSpec{
		Name: plan.Name.ValueString(), Description: plan.Description.ValueString(),
		SourceRegion: plan.SourceRegion.ValueString(), SourceZone: plan.SourceZone.ValueString(),
		TargetRegion: plan.TargetRegion.ValueString(), TargetZone: plan.TargetZone.ValueString(),
		DomainID: plan.DomainID.ValueString(), SourceVPCID: plan.SourceVPCID.ValueString(),
	}
}

func (r *protectionGroupResource) goalPath(config groupModel, goal lifecycle.Goal) path.Path {
	switch {
	case !config.ActiveSite.IsNull():
		return path.Root("active_site")
	case !config.Protection.IsNull():
		return path.Root("protection")
	case len(goal.Required) > 0 && !config.PairIDs.IsNull():
		return path.Root("replication_pair_ids")
	}
	return path.Root("name")
}

func memberOps(op lifecycle.Op, param string, ids []string) []lifecycle.OpRequest {
	out := make([]lifecycle.OpRequest, 0, len(ids))
	for _, id := range ids {
		out = append(out, lifecycle.OpRequest{Op: op, Params: map[string]string{param: id}})
	}
	return out
}

// setStrings reads a set of strings; ok is false when any element is unknown.
func setStrings(ctx context.Context, s types.Set) ([]string, bool) {
	if s.IsNull() || s.IsUnknown() {
		return nil, !s.IsUnknown()
	}
	var out []string
	for _, e := range s.Elements() {
		v, isStr := e.(types.String)
		if !isStr || v.IsUnknown() {
			return nil, false
		}
		out = append(out, v.ValueString())
	}
	sort.Strings(out)
	return out, true
}

// diffSets returns what to add to have to get want, and what to remove, both sorted.
func diffSets(have, want []string) (add, remove []string) {
	h := map[string]bool{}
	for _, s := range have {
		h[s] = true
	}
	w := map[string]bool{}
	for _, s := range want {
		w[s] = true
		if !h[s] {
			add = append(add, s)
		}
	}
	for _, s := range have {
		if !w[s] {
			remove = append(remove, s)
		}
	}
	return add, remove
}

// groupData is the read model the resource and its data source share.
type groupData struct {
	ActiveSite        types.String `tfsdk:"active_site"`
	AllowDataLoss     types.Bool   `tfsdk:"allow_data_loss"`
	AllowedOperations types.List   `tfsdk:"allowed_operations"`
	Description       types.String `tfsdk:"description"`
	DRServers         types.List   `tfsdk:"dr_servers"`
	DomainID          types.String `tfsdk:"domain_id"`
	DrillActive       types.Bool   `tfsdk:"drill_active"`
	Health            types.String `tfsdk:"health"`
	ID                types.String `tfsdk:"id"`
	LastError         types.String `tfsdk:"last_error"`
	LastRecoveryPoint types.String `tfsdk:"last_recovery_point"`
	Name              types.String `tfsdk:"name"`
	PairIDs           types.Set    `tfsdk:"replication_pair_ids"`
	Protection        types.String `tfsdk:"protection"`
	ReplicationStatus types.String `tfsdk:"replication_status"`
	ServerIDs         types.Set    `tfsdk:"server_ids"`
	SourceRegion      types.String `tfsdk:"source_region"`
	SourceVPCID       types.String `tfsdk:"source_vpc_id"`
	SourceZone        types.String `tfsdk:"source_zone"`
	Status            types.String `tfsdk:"status"`
	SyncProgress      types.Int64  `tfsdk:"sync_progress"`
	TargetRegion      types.String `tfsdk:"target_region"`
	TargetZone        types.String `tfsdk:"target_zone"`
}

// groupModel is the resource's model: the read model plus the timeouts block.
type groupModel struct {
	groupData
	PlannedOperations types.List     `tfsdk:"planned_operations"`
	Timeouts          timeouts.Value `tfsdk:"timeouts"`
}

func (m *groupData) fill(g platform.ProtectionGroup) (diags diagList) {
	m.ID = types.StringValue(g.ID)
	m.Name = types.StringValue(g.Name)
	m.Description = optionalString(g.Description)
	m.SourceRegion = types.StringValue(g.SourceRegion)
	m.SourceZone = types.StringValue(g.SourceZone)
	m.TargetRegion = types.StringValue(g.TargetRegion)
	m.TargetZone = types.StringValue(g.TargetZone)
	m.DomainID = optionalString(g.DomainID)
	m.SourceVPCID = optionalString(g.SourceVPCID)
	m.Status = types.StringValue(lifecycle.RenderState(g.State, g.FailedOp))
	m.ActiveSite = types.StringValue(string(g.ActiveSite))
	m.Protection = desiredValue(lifecycle.ProtectionGroup, g.State)
	m.ReplicationStatus = types.StringValue(g.ReplicationStatus)
	m.SyncProgress = types.Int64Value(int64(g.SyncProgress))
	m.Health = types.StringValue(g.Health)
	m.DrillActive = types.BoolValue(g.DrillActive)
	m.LastError = optionalString(g.LastError)
	m.LastRecoveryPoint = timeString(g.LastRecoveryPoint)
	m.AllowedOperations = opsList(lifecycle.AllowedOperations(lifecycle.ProtectionGroup, g.Observed, lifecycle.Options{}))
	var d diagList
	m.PairIDs, d = types.SetValueFrom(context.Background(), types.StringType, nonNil(g.PairIDs))
	diags.Append(d...)
	m.ServerIDs, d = types.SetValueFrom(context.Background(), types.StringType, nonNil(g.ServerIDs))
	diags.Append(d...)
	twins := make([]attr.Value, 0, len(g.DRServers))
	for _, t := range g.DRServers {
		twins = append(twins, types.ObjectValueMust(drServerAttrTypes, map[string]attr.Value{
			"server_id": types.StringValue(t.SourceServerID), "twin_server_id": types.StringValue(t.TwinServerID),
			"twin_ip": types.StringValue(t.TwinIP), "twin_eip": types.StringValue(t.TwinEIP), "twin_mac": types.StringValue(t.TwinMAC),
		}))
	}
	m.DRServers, d = types.ListValue(types.ObjectType{AttrTypes: drServerAttrTypes}, twins)
	diags.Append(d...)
	if m.AllowDataLoss.IsNull() || m.AllowDataLoss.IsUnknown() {
		m.AllowDataLoss = types.BoolValue(false)
	}
	return diags
}

// prior is what Terraform last read of the group.
func (m groupData) prior() priorRead {
	return priorRead{status: m.Status.ValueString(), active: lifecycle.Site(m.ActiveSite.ValueString())}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
