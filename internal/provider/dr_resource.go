package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// The generic DR resource core: the four DR resources (dr_replication_pair,
// dr_protection_group, dr_backup_replica, dr_recovery_server) are one drResource each,
// instantiated with their kind (drKind). The core is the spine every kind shares — Read; the
// refresh after an operation; ModifyPlan's destroy → replace → create → update; Create with its
// client token and the "gone → fresh token" re-create; Update; Delete; import; identity — and
// the kind adds only what is particular to it: its schema, the mapping between its model and
// the platform's object, the goal its configuration declares and what its create asks the
// platform. Every decision (what a plan runs, what a create needs, which attribute a refusal
// is about) is the engine's (internal/lifecycle); the core translates.

// drKind is what one DR kind adds to the core. M is the resource's model, O the platform's
// object. The same hooks serve the kind's data source and list resource.
type drKind[M, O any] interface {
	info() drInfo
	schema(ctx context.Context) schema.Schema
	// core gives the core the fields every DR model has.
	core(m *M) drCore
	get(ctx context.Context, d *ProviderData, id string) (O, error)
	list(ctx context.Context, d *ProviderData) ([]O, error)
	view(o O) drView
	// fill writes the object into the model: what Read, the refresh after an operation, the
	// data source and the list resource save.
	fill(m *M, o O) diag.Diagnostics
	// goal is the goal the configuration declares, from the object Terraform knows (state;
	// nil before the object exists). known is false when the goal depends on values not
	// known until apply: they are checked then, before the first platform call.
	goal(ctx context.Context, config, plan, state *M) (g lifecycle.Goal, known bool)
	// goalAt is the attribute a refusal of the goal points at: the one that asked for it.
	goalAt(config *M, g lifecycle.Goal) path.Path
	// createFacts is how a create asks the platform for the facts of the object it makes
	// (lifecycle.CreateRequest.Facts; nil: none), at plan or at apply before the call, and
	// whether the path from the new object can be planned now (the values it depends on are
	// known). A value unknown yet, or a platform error (reported in diags), makes the facts
	// func return false.
	createFacts(ctx context.Context, d *ProviderData, plan, config *M, apply bool, diags *diag.Diagnostics) (facts func() (lifecycle.Facts, bool), pathKnown bool)
	// tokenParts identify the object a create makes (its client token derives from them, so
	// a create retried after an interrupted apply returns the first attempt's object).
	tokenParts(plan, config *M) []string
	create(ctx context.Context, d *ProviderData, plan, config *M, token string) (O, error)
}

// drInfo is a kind's static description.
type drInfo struct {
	kind     lifecycle.Kind
	typeName string // dr_replication_pair
	what     string // replication pair
	// replace lists the attributes whose change replaces the object (RequiresReplace in the
	// schema: ModifyPlan does not see the framework's decision, so it checks them itself).
	replace []string
	// stable lists the computed attributes no operation changes: a plan that operates the
	// object keeps them (markOperated), besides id, status and planned_operations.
	stable []string
	// createAt and deleteAt are the attributes a create's and a delete's refusals point at
	// when they name no parameter.
	createAt, deleteAt string
	// attrs maps the parameters and operations the engine names in violations to the
	// attribute that sets them, where the names differ (pair_id, add_member →
	// replication_pair_ids); a parameter of the same name as an attribute needs no entry.
	attrs map[string]string
	// showCreatePath: a plan that creates the object shows its path (planned_operations,
	// status, attention warnings). warnCreateDeferred: a create's checks left to the apply
	// are warned about at plan.
	showCreatePath, warnCreateDeferred bool
	// settle: Create waits for the new object to settle before it runs the goal.
	settle bool
	// list resource filters: listRegion describes the region filter ("" = none); listGroup
	// adds the group_id filter.
	listRegion string
	listGroup  bool
}

// drCore points at the fields every DR model has. A nil pointer: the kind has no such
// attribute.
type drCore struct {
	ID, Status, Name, Description *types.String
	Active, Desired               *types.String // the active site; the desired-state attribute
	AllowDataLoss                 *types.Bool
	Planned                       *types.List
	Timeouts                      *timeouts.Value
	Tags                          *tagsData
	ResourceGroup                 *types.String // resource_group_id (resource_groups.go)
	// Read is the read model the resource shares with its data source (a pointer to it).
	Read any
}

// drView is what the core and the list resource read of a platform object.
type drView struct {
	ID, Name, GroupID string
	State             lifecycle.State
	Regions           []string
	Tags              map[string]string
	ResourceGroupID   string
}

// Optional hooks, for what only some kinds have.
type (
	// configValidator checks the configuration alone (ValidateConfig).
	configValidator[M any] interface {
		validateConfig(ctx context.Context, config *M, diags *diag.Diagnostics)
	}
	// planAdjuster adjusts the plan before the core decides: of an existing object before
	// replace or update, of a new one (state nil) before the create's checks; done ends
	// ModifyPlan.
	planAdjuster[M any] interface {
		adjustPlan(ctx context.Context, d *ProviderData, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse, opts lifecycle.Options, config, state, plan *M) (done bool)
	}
	// candidateChecker reports the facts of a candidate a goal's request names (the members
	// a group adds), for lifecycle.CheckRequests.
	candidateChecker interface {
		candidateFacts(ctx context.Context, d *ProviderData, id string, r lifecycle.OpRequest) (lifecycle.Facts, error)
	}
	// deleteGoaler makes a destroy's goal from what the object holds (a group's members),
	// from the state at plan and from a fresh read at apply.
	deleteGoaler[M any] interface {
		deleteGoal(m *M) lifecycle.Goal
	}
	// settingsUpdater changes settings no engine operation covers, before the goal is run.
	settingsUpdater[M any] interface {
		updateSettings(ctx context.Context, d *ProviderData, id string, plan, state *M) error
	}
	// stepParamer gives the parameters the configuration sets for the operations a path may
	// run (the rows' Params: a recovery server's recovery point).
	stepParamer[M any] interface {
		stepParams(m *M) map[string]string
	}
)

// stepParams are the kind's operation parameters from the model (nil: none).
func (r *drResource[M, O]) stepParams(m *M) map[string]string {
	if sp, ok := r.k.(stepParamer[M]); ok {
		return sp.stepParams(m)
	}
	return nil
}

// drResource is the resource of one DR kind.
type drResource[M, O any] struct {
	k    drKind[M, O]
	i    drInfo
	e    drEngine
	data *ProviderData
}

func newDRResource[M, O any](k drKind[M, O]) *drResource[M, O] {
	i := k.info()
	return &drResource[M, O]{k: k, i: i, e: drEngine{kind: i.kind, typeName: i.typeName}}
}

var (
	_ resource.Resource                   = (*drResource[pairModel, platform.ReplicationPair])(nil)
	_ resource.ResourceWithConfigure      = (*drResource[pairModel, platform.ReplicationPair])(nil)
	_ resource.ResourceWithImportState    = (*drResource[pairModel, platform.ReplicationPair])(nil)
	_ resource.ResourceWithModifyPlan     = (*drResource[pairModel, platform.ReplicationPair])(nil)
	_ resource.ResourceWithValidateConfig = (*drResource[pairModel, platform.ReplicationPair])(nil)
	_ resource.ResourceWithIdentity       = (*drResource[pairModel, platform.ReplicationPair])(nil)
)

func (r *drResource[M, O]) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + string(r.i.kind)
}

// Schema is the kind's schema with what every DR resource has: planned_operations and the
// timeouts block.
func (r *drResource[M, O]) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	s := r.k.schema(ctx)
	s.Attributes["planned_operations"] = plannedOperationsAttribute()
	tagsAttributes(s.Attributes, r.i.what)
	if r.hasResourceGroup() {
		s.Attributes[lifecycle.ParamResourceGroupID] = resourceGroupAttribute(r.i.what)
	}
	s.Blocks = map[string]schema.Block{"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Update: true, Delete: true})}
	resp.Schema = s
}

func (r *drResource[M, O]) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = drIdentitySchema(r.i.what)
}

func (r *drResource[M, O]) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *drResource[M, O]) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importByIDOrIdentity(ctx, req, resp, r.i.typeName)
}

func (r *drResource[M, O]) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	v, ok := r.k.(configValidator[M])
	if !ok {
		return
	}
	var config M
	resp.Diagnostics.Append(getConfig(ctx, req.Config, &config)...)
	if !resp.Diagnostics.HasError() {
		v.validateConfig(ctx, &config, &resp.Diagnostics)
	}
}

// options are the engine options of the model's opt-in (none for a kind without one).
func (r *drResource[M, O]) options(m *M) lifecycle.Options {
	c := r.k.core(m)
	return r.data.options(c.AllowDataLoss != nil && c.AllowDataLoss.ValueBool())
}

// prior is what Terraform last read of the object.
func (r *drResource[M, O]) prior(m *M) priorRead {
	c := r.k.core(m)
	p := priorRead{status: c.Status.ValueString()}
	if c.Active != nil {
		p.active = parseSite(r.i.kind, *c.Active)
	}
	return p
}

// where places a violation at the attribute its data names: the parameter it is about, else
// the attribute its operation changes (drInfo.attrs), else at.
func (r *drResource[M, O]) where(at path.Path) func(lifecycle.Violation) path.Path {
	return func(v lifecycle.Violation) path.Path {
		if len(v.Params) > 0 {
			if a, ok := r.i.attrs[v.Params[0]]; ok {
				return path.Root(a)
			}
			return path.Root(v.Params[0])
		}
		if a, ok := r.i.attrs[string(v.Op)]; ok {
			return path.Root(a)
		}
		return at
	}
}

func (r *drResource[M, O]) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	if r.e.unsupported(r.data, &resp.Diagnostics) {
		return
	}
	var state M
	resp.Diagnostics.Append(getState(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := r.k.core(&state).ID.ValueString()
	o, err := r.k.get(ctx, r.data, id)
	if err == nil && lifecycle.Gone(r.i.kind, r.k.view(o).State) {
		err = platform.NotFoundf("%s %s is %s", r.i.what, id, r.k.view(o).State)
	}
	if removeIfGone(ctx, err, r.i.typeName, id, resp) {
		return
	}
	if err != nil {
		addError(&resp.Diagnostics, "reading", r.i.typeName, id, err)
		return
	}
	r.fill(&state, o, &resp.Diagnostics)
	setIdentity(ctx, resp.Identity, id, &resp.Diagnostics)
	resp.Diagnostics.Append(setState(ctx, &resp.State, &state)...)
}

// refresh reads the object after an operation and copies what was observed into the model, so
// the saved state is the truth even when the operation failed half-way (or Terraform was
// interrupted).
func (r *drResource[M, O]) refresh(ctx context.Context, id string, m *M, diags *diag.Diagnostics) {
	ctx, done := afterStop(ctx)
	defer done()
	o, err := r.k.get(ctx, r.data, id)
	if err != nil {
		addError(diags, "reading", r.i.typeName, id, err)
		*r.k.core(m).ID = types.StringValue(id)
		nullUnknowns(r.k.core(m).Read)
		return
	}
	r.fill(m, o, diags)
}

// fill writes the object into the resource's model: the kind's fill, then the tags that are
// the resource's own (not the provider's default tags, unless the model sets them too).
func (r *drResource[M, O]) fill(m *M, o O, diags *diag.Diagnostics) {
	t := r.k.core(m).Tags
	var prior types.Map
	if t != nil {
		prior = t.Tags
	}
	diags.Append(r.k.fill(m, o)...)
	if t != nil {
		t.ownTags(prior, r.data.defaultTags.tags)
	}
}

// ModifyPlan is where the engine validates a change before anything is touched: a destroy,
// a replacement, a create, or the operations that reconcile an existing object with its
// configuration.
func (r *drResource[M, O]) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.data == nil || r.e.unsupported(r.data, &resp.Diagnostics) {
		return // unconfigured provider (validation): no platform to ask
	}
	var plan, config, state M
	if req.Plan.Raw.IsNull() {
		resp.Diagnostics.Append(getState(ctx, req.State, &state)...)
		if !resp.Diagnostics.HasError() {
			r.e.planDestroy(ctx, r.data, r.k.core(&state).ID.ValueString(), r.deleteGoal(&state), r.options(&state), &resp.Diagnostics)
		}
		return
	}
	// a plan that changes nothing (the usual one) is the state: decoded once
	noop := !req.State.Raw.IsNull() && req.Plan.Raw.Equal(req.State.Raw)
	resp.Diagnostics.Append(getPlan(ctx, req.Plan, &plan)...)
	if noop {
		state = plan
	}
	resp.Diagnostics.Append(getConfig(ctx, req.Config, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if r.planTags(ctx, &plan, req.State.Raw.IsNull(), resp); resp.Diagnostics.HasError() {
		return
	}
	if !req.State.Raw.IsNull() {
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	}
	if r.planResourceGroup(&plan, &state, req.State.Raw.IsNull(), &resp.Diagnostics); resp.Diagnostics.HasError() {
		return
	}
	if req.State.Raw.IsNull() {
		if a, ok := r.k.(planAdjuster[M]); ok && a.adjustPlan(ctx, r.data, req, resp, r.options(&plan), &config, nil, &plan) {
			return
		}
		r.planCreate(ctx, &plan, &config, resp)
		return
	}
	if !noop {
		resp.Diagnostics.Append(getState(ctx, req.State, &state)...)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	opts := r.options(&plan)
	if a, ok := r.k.(planAdjuster[M]); ok && a.adjustPlan(ctx, r.data, req, resp, opts, &config, &state, &plan) {
		return
	}
	id := r.k.core(&state).ID.ValueString()
	if replacing(resp.Plan, req.State, r.i.replace...) {
		r.e.planReplace(ctx, r.data, id, r.deleteGoal(&state), opts, &resp.Diagnostics)
		return
	}
	update, ok := r.checkUpdate(&plan, &state, opts, &resp.Diagnostics)
	if !ok {
		return
	}
	goal, known := r.k.goal(ctx, &config, &plan, &state)
	if !known {
		return // values known only at apply: checked there before the first platform call
	}
	if update != nil {
		goal.Required = append(goal.Required, *update)
	}
	if !r.checkRequests(ctx, &state, goal, opts, &resp.Diagnostics) {
		return
	}
	prior := r.prior(&state)
	if r.e.goalMet(prior.status, prior.active, goal) {
		keepPlannedOps(ctx, *r.k.core(&plan).Planned, *r.k.core(&state).Planned, &resp.Plan, &resp.Diagnostics)
		return // nothing to operate: no platform call
	}
	p := r.e.plan(ctx, r.data, id, prior, goal, opts, r.where(r.k.goalAt(&config, goal)), &resp.Diagnostics)
	if p == nil {
		return
	}
	r.setPlanned(ctx, &plan, *p, false, resp)
	markOperated(ctx, &resp.Plan, &resp.Diagnostics, append([]string{"id", "status", "planned_operations", "tags_all"}, r.i.stable...)...)
}

// setPlanned records in the plan what the planned path leads to: its operations, the status,
// active site and desired state it ends in.
func (r *drResource[M, O]) setPlanned(ctx context.Context, plan *M, p lifecycle.Path, create bool, resp *resource.ModifyPlanResponse) {
	c := r.k.core(plan)
	*c.Planned = plannedOps(r.i.kind, p, create)
	*c.Status = types.StringValue(lifecycle.RenderState(p.State, ""))
	if c.Active != nil {
		*c.Active = types.StringValue(siteName(r.i.kind, p.ActiveSite))
	}
	if c.Desired != nil {
		*c.Desired = desiredValue(r.i.kind, p.State)
	}
	resp.Diagnostics.Append(setPlan(ctx, &resp.Plan, plan)...)
}

// checkUpdate checks a change of the object's metadata (the kind's update operation: name,
// description) against what the platform can change and its limits (V-PARAMS), and returns
// the update the goal requires (nil: nothing changed, or the kind has no update).
func (r *drResource[M, O]) checkUpdate(plan, state *M, opts lifecycle.Options, diags *diag.Diagnostics) (*lifecycle.OpRequest, bool) {
	row, ok := lifecycle.Table(r.i.kind).Operation(lifecycle.OpUpdate)
	if !ok {
		return nil, true
	}
	changed, values := r.updateValues(row, plan, state)
	if len(changed) == 0 {
		return nil, true
	}
	s := r.k.core(state)
	obs := lifecycle.Observation{Kind: r.i.kind, ID: s.ID.ValueString(), Name: s.Name.ValueString()}
	vs := lifecycle.CheckUpdateParams(r.i.kind, obs, changed, opts)
	if len(vs) == 0 {
		known := map[string]string{}
		for _, p := range changed {
			if !r.param(plan, p).IsUnknown() {
				known[p] = values[p]
			}
		}
		vs = lifecycle.CheckParamValues(r.i.kind, lifecycle.OpUpdate, obs, known, opts)
	}
	addViolationsAt(diags, r.where(path.Root(lifecycle.ParamName)), r.i.typeName, vs)
	return &lifecycle.OpRequest{Op: lifecycle.OpUpdate, Params: values}, len(vs) == 0
}

// updateValues lists the update's parameters whose planned value differs from the state's,
// and the planned values of all of them (the update call sends every one).
func (r *drResource[M, O]) updateValues(row *lifecycle.Operation, plan, state *M) (changed []string, values map[string]string) {
	values = map[string]string{}
	for _, p := range row.Params {
		pv := r.param(plan, p)
		values[p] = pv.ValueString()
		if !pv.Equal(r.param(state, p)) {
			changed = append(changed, p)
		}
	}
	return changed, values
}

// param is the model's value of an update parameter.
func (r *drResource[M, O]) param(m *M, p string) types.String {
	c := r.k.core(m)
	switch p {
	case lifecycle.ParamName:
		return *c.Name
	case lifecycle.ParamDescription:
		return *c.Description
	}
	return types.StringNull()
}

// checkRequests checks the candidates the goal adds (a group's members) with the platform's
// facts about each (lifecycle.CheckRequests), so a bad membership is refused at plan even
// though the object is paused for it only later on the path.
func (r *drResource[M, O]) checkRequests(ctx context.Context, state *M, goal lifecycle.Goal, opts lifecycle.Options, diags *diag.Diagnostics) bool {
	cc, ok := r.k.(candidateChecker)
	if !ok {
		return true
	}
	s := r.k.core(state)
	obs := lifecycle.Observation{Kind: r.i.kind, ID: s.ID.ValueString(), Name: s.Name.ValueString()}
	if s.Active != nil {
		obs.ActiveSite = parseSite(r.i.kind, *s.Active)
	}
	at := r.where(path.Root("id"))
	failed := false
	vs := lifecycle.CheckRequests(r.i.kind, obs, goal, opts, func(req lifecycle.OpRequest) (lifecycle.Facts, bool) {
		f, err := cc.candidateFacts(ctx, r.data, obs.ID, req)
		if err != nil {
			where := at(lifecycle.Violation{Op: req.Op})
			diags.AddAttributeError(where, fmt.Sprintf("Cannot check %s member %s", r.i.typeName, candidateID(req)), err.Error())
			failed = true
			return f, false
		}
		return f, true
	})
	addViolationsAt(diags, at, r.i.typeName, vs)
	return !failed && !lifecycle.HasBlocking(vs)
}

// candidateID is the object a request names (its one parameter).
func candidateID(req lifecycle.OpRequest) string {
	for _, v := range req.Params {
		return v
	}
	return ""
}

// createRequest is the create as the engine sees it: the name, the limited parameters' values
// known now, the platform's facts, and — at plan, once the values it depends on are known —
// the goal to plan from the new object.
func (r *drResource[M, O]) createRequest(ctx context.Context, plan, config *M, apply bool, diags *diag.Diagnostics) lifecycle.CreateRequest {
	c := r.k.core(plan)
	req := lifecycle.CreateRequest{Name: c.Name.ValueString(), Values: map[string]string{}}
	for p, v := range map[string]*types.String{lifecycle.ParamName: c.Name, lifecycle.ParamDescription: c.Description} {
		if v != nil && !v.IsUnknown() {
			req.Values[p] = v.ValueString()
		}
	}
	facts, pathKnown := r.k.createFacts(ctx, r.data, plan, config, apply, diags)
	req.Facts = facts
	if !apply && pathKnown {
		if g, known := r.k.goal(ctx, config, plan, nil); known {
			req.Goal = &g
		}
	}
	return req
}

// planCreate checks a create at plan and, where the kind shows it, the path from the new object
// to the goal (lifecycle.PlanCreate); a check whose inputs are not known yet is made at apply.
func (r *drResource[M, O]) planCreate(ctx context.Context, plan, config *M, resp *resource.ModifyPlanResponse) {
	opts := r.options(plan)
	c := lifecycle.PlanCreate(r.i.kind, r.createRequest(ctx, plan, config, false, &resp.Diagnostics), opts)
	create := c.Create
	if !r.i.warnCreateDeferred {
		create = lifecycle.Blocking(create)
	}
	addViolationsAt(&resp.Diagnostics, r.where(path.Root(r.i.createAt)), r.i.typeName, create)
	if resp.Diagnostics.HasError() {
		return
	}
	goal, _ := r.k.goal(ctx, config, plan, nil)
	addViolationsAt(&resp.Diagnostics, r.where(r.k.goalAt(config, goal)), r.i.typeName, c.Refused)
	if c.Path == nil || !r.i.showCreatePath {
		return
	}
	addAttention(&resp.Diagnostics, r.i.typeName, r.k.core(plan).Name.ValueString(), *c.Path)
	r.setPlanned(ctx, plan, *c.Path, true, resp)
}

func (r *drResource[M, O]) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan, config M
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	c := r.k.core(&plan)
	timeout, diags := c.Timeouts.Create(ctx, defaultCreateTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	// values known only now (from other resources) are checked before the first platform call
	vs := lifecycle.CheckCreate(r.i.kind, r.createRequest(ctx, &plan, &config, true, &resp.Diagnostics), r.data.options(false))
	addViolationsAt(&resp.Diagnostics, r.where(path.Root(r.i.createAt)), r.i.typeName, vs)
	if resp.Diagnostics.HasError() {
		return
	}
	token := createToken(r.i.typeName, r.k.tokenParts(&plan, &config)...)
	o, err := r.k.create(ctx, r.data, &plan, &config, token)
	if err == nil && lifecycle.Gone(r.i.kind, r.k.view(o).State) {
		// the token's earlier object was deleted since: this is a new one
		o, err = r.k.create(ctx, r.data, &plan, &config, freshToken(token))
	}
	if err != nil {
		addCreateError(&resp.Diagnostics, r.i.typeName, err)
		return
	}
	id := r.k.view(o).ID
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	setIdentity(ctx, resp.Identity, id, &resp.Diagnostics)
	if r.i.settle {
		r.e.waitStable(ctx, r.data, id, timeout, &resp.Diagnostics)
	}
	var ran lifecycle.Path
	if !resp.Diagnostics.HasError() {
		goal, _ := r.k.goal(ctx, &config, &plan, nil)
		ran = r.e.applyWith(ctx, r.data, id, priorRead{}, goal, r.options(&plan), r.stepParams(&plan), timeout, r.where(r.k.goalAt(&config, goal)), &resp.Diagnostics)
	}
	*c.Planned = appliedOps(*c.Planned, r.i.kind, ran, true, types.ListNull(types.StringType))
	r.refresh(ctx, id, &plan, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *drResource[M, O]) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, config, state M
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	c := r.k.core(&plan)
	timeout, diags := c.Timeouts.Update(ctx, defaultUpdateTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := r.k.core(&state).ID.ValueString()
	goal, _ := r.k.goal(ctx, &config, &plan, &state)
	if row, ok := lifecycle.Table(r.i.kind).Operation(lifecycle.OpUpdate); ok {
		if changed, values := r.updateValues(row, &plan, &state); len(changed) > 0 {
			goal.Required = append(goal.Required, lifecycle.OpRequest{Op: lifecycle.OpUpdate, Params: values})
		}
	}
	r.updateTags(ctx, id, &plan, &state, &resp.Diagnostics)
	r.updateResourceGroup(ctx, id, &plan, &state, &resp.Diagnostics)
	if u, ok := r.k.(settingsUpdater[M]); ok {
		if err := u.updateSettings(ctx, r.data, id, &plan, &state); err != nil {
			addError(&resp.Diagnostics, "updating", r.i.typeName, id, err)
		}
	}
	var ran lifecycle.Path
	if !resp.Diagnostics.HasError() {
		ran = r.e.applyWith(ctx, r.data, id, r.prior(&state), goal, r.options(&plan), r.stepParams(&plan), timeout, r.where(r.k.goalAt(&config, goal)), &resp.Diagnostics)
	}
	*c.Planned = appliedOps(*c.Planned, r.i.kind, ran, false, *r.k.core(&state).Planned)
	r.refresh(ctx, id, &plan, &resp.Diagnostics)
	setIdentity(ctx, resp.Identity, id, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *drResource[M, O]) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state M
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := r.k.core(&state).Timeouts.Delete(ctx, defaultDeleteTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := r.k.core(&state).ID.ValueString()
	goal := deletedGoal()
	if _, ok := r.k.(deleteGoaler[M]); ok {
		// the goal removes what the object holds now, not what Terraform last read
		o, err := r.k.get(ctx, r.data, id)
		if platform.IsNotFound(err) {
			return
		}
		if err != nil {
			addError(&resp.Diagnostics, "reading", r.i.typeName, id, err)
			return
		}
		var now M
		resp.Diagnostics.Append(r.k.fill(&now, o)...)
		goal = r.deleteGoal(&now)
	}
	r.e.apply(ctx, r.data, id, priorRead{}, goal, r.options(&state), timeout, r.where(path.Root(r.i.deleteAt)), &resp.Diagnostics)
}

// deleteGoal is the goal of a destroy: deleted, after removing what the object holds where
// the kind says so.
func (r *drResource[M, O]) deleteGoal(m *M) lifecycle.Goal {
	if d, ok := r.k.(deleteGoaler[M]); ok {
		return d.deleteGoal(m)
	}
	return deletedGoal()
}

func deletedGoal() lifecycle.Goal {
	return lifecycle.Goal{States: []lifecycle.State{lifecycle.Deleted}}
}

// parseSite maps a site as the kind's schema names it (siteName) to the engine's site: a
// pair's unset active site is its primary (source) site.
func parseSite(kind lifecycle.Kind, v types.String) lifecycle.Site {
	switch s := v.ValueString(); {
	case s == siteName(kind, lifecycle.SiteTarget):
		return lifecycle.SiteTarget
	case s == "" && kind != lifecycle.ReplicationPair:
		return ""
	}
	return lifecycle.SiteSource
}
