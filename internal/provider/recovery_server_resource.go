package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

var (
	_ resource.Resource                = (*recoveryServerResource)(nil)
	_ resource.ResourceWithConfigure   = (*recoveryServerResource)(nil)
	_ resource.ResourceWithImportState = (*recoveryServerResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*recoveryServerResource)(nil)
)

const rsType = "dr_recovery_server"

// NewRecoveryServerResource returns the dr_recovery_server resource.
func NewRecoveryServerResource() resource.Resource {
	return &recoveryServerResource{engine: drEngine{kind: lifecycle.RecoveryServer, typeName: rsType}}
}

type recoveryServerResource struct {
	data   *ProviderData
	engine drEngine
}

func (r *recoveryServerResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_recovery_server"
}

func (r *recoveryServerResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A cloud recovery server for a protected machine (Acronis Disaster Recovery). A new " +
			"server is in `standby`: its configuration is defined, no virtual machine runs (R004-1). `mode` is " +
			"the optional desired state: `failover` creates the VM from a recovery point and waits through " +
			"finalization (R004-2); `ready_for_failback` turns it off and backs it up (R004-3); `standby` from " +
			"there confirms the failback and releases the cloud resources (R004-4); `test_failover` starts a " +
			"temporary test VM (R004-7). Cancelling a production failover loses the cloud VM's changes and needs " +
			"`allow_data_loss` (R004-6).",
		Attributes: map[string]schema.Attribute{
			"allow_data_loss": schema.BoolAttribute{
				MarkdownDescription: "Permits cancelling a production failover (`failover` → `standby`), which discards the cloud VM's changes (R004-6). Defaults to `false`.",
				Optional:            true, Computed: true, Default: booldefault.StaticBool(false),
			},
			"allowed_operations": schema.ListAttribute{
				MarkdownDescription: "Operations the engine (and the platform's advertised links, V-ACR-LINKS) allow right now.",
				Computed:            true, ElementType: types.StringType,
			},
			"cpu": schema.Int64Attribute{
				MarkdownDescription: "Virtual CPUs of the recovery VM (1 to 64). Defaults to `2`.",
				Optional:            true, Computed: true, Default: int64default.StaticInt64(2),
				Validators: []validator.Int64{int64validator.Between(1, 64)},
			},
			"id": schema.StringAttribute{
				MarkdownDescription: "Identifier of the recovery server.", Computed: true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"ip_address": schema.StringAttribute{
				MarkdownDescription: "Production IP address of the recovery VM in the recovery network.", Optional: true,
			},
			"last_error": schema.StringAttribute{
				MarkdownDescription: "The platform's message about the last failed operation, if any.", Computed: true,
			},
			"machine_id": schema.StringAttribute{
				MarkdownDescription: "The protected machine (e.g. a `dr_sandbox_server`). Changing it replaces the recovery server.",
				Required:            true, Validators: []validator.String{idValidator()},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"memory_gb": schema.Int64Attribute{
				MarkdownDescription: "Memory of the recovery VM in GiB (1 to 1024). Defaults to `4`.",
				Optional:            true, Computed: true, Default: int64default.StaticInt64(4),
				Validators: []validator.Int64{int64validator.Between(1, 1024)},
			},
			"mode": schema.StringAttribute{
				MarkdownDescription: "Desired mode: `standby`, `failover`, `test_failover` or `ready_for_failback`. " +
					"Omit to observe only; the current value is always reported.",
				Optional: true, Computed: true,
				Validators: []validator.String{stringvalidator.OneOf(lifecycle.Desired(lifecycle.RecoveryServer).ValueNames()...)},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Name of the recovery server (1 to 64 characters).",
				Required:            true, Validators: []validator.String{stringvalidator.LengthBetween(1, 64)},
			},
			"network_id": schema.StringAttribute{
				MarkdownDescription: "Recovery network the VM joins.", Optional: true,
			},
			"planned_operations": plannedOperationsAttribute(),
			"recovery_ip": schema.StringAttribute{
				MarkdownDescription: "Address of the recovery VM while failed over.", Computed: true,
			},
			"recovery_point_id": schema.StringAttribute{
				MarkdownDescription: "Recovery point (backup) to fail over from; omit for the latest.", Optional: true,
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "The engine's normalized state, e.g. `standby`, `finalizing`, `failed_over`, `testing`, `ready_for_failback`.",
				Computed:            true,
			},
			"test_ip": schema.StringAttribute{
				MarkdownDescription: "Address of the temporary test VM while a test failover runs.", Computed: true,
			},
			"vm_state": schema.StringAttribute{
				MarkdownDescription: "State of the virtual machine: `not_ready`, `started` or `stopped`.", Computed: true,
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Update: true, Delete: true}),
		},
	}
}

func (r *recoveryServerResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *recoveryServerResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.data == nil {
		return
	}
	if r.engine.unsupported(r.data, &resp.Diagnostics) {
		return
	}
	if req.Plan.Raw.IsNull() {
		// destroy: checked at plan like the other DR kinds (a failed-over server is not
		// deleted in one apply: V-MANUAL-STEP, R004-6)
		var state rsModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if !resp.Diagnostics.HasError() {
			r.engine.planDestroy(ctx, r.data, state.ID.ValueString(), lifecycle.Goal{States: []lifecycle.State{lifecycle.Deleted}},
				r.data.options(state.AllowDataLoss.ValueBool()), &resp.Diagnostics)
		}
		return
	}
	var plan, config rsModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	goal := goalFor(lifecycle.RecoveryServer, config.Mode, "")
	opts := r.data.options(plan.AllowDataLoss.ValueBool())
	if req.State.Raw.IsNull() {
		// A new server is in standby (R004-1); check the path from there with what the
		// platform says of its machine (a recovery point, R004-2). A machine made in the same
		// apply is not known yet: its checks run at apply.
		var facts lifecycle.Facts
		if plan.MachineID.IsUnknown() || plan.RecoveryPointID.IsUnknown() {
			facts.Unknown = map[string]bool{lifecycle.FactBackup: true}
		} else {
			var err error
			if facts, err = r.data.Servers.ProposedRecoveryServerFacts(ctx, r.spec(plan)); err != nil {
				addError(&resp.Diagnostics, "checking", rsType, "", err)
				return
			}
		}
		vs := lifecycle.Blocking(lifecycle.Check(lifecycle.RecoveryServer, lifecycle.OpCreate,
			lifecycle.Observation{Kind: lifecycle.RecoveryServer, Name: plan.Name.ValueString(), Facts: facts}, opts))
		if len(vs) > 0 { // the objects it names (V-REFS): at the attribute the rule names
			addViolations(&resp.Diagnostics, path.Root("machine_id"), rsType, vs)
			return
		}
		obs := lifecycle.Created(lifecycle.RecoveryServer, plan.Name.ValueString(), facts)
		p, vs := lifecycle.Plan(lifecycle.RecoveryServer, obs, goal, opts)
		addViolations(&resp.Diagnostics, path.Root("mode"), rsType, vs)
		if !lifecycle.HasBlocking(vs) {
			addAttention(&resp.Diagnostics, rsType, plan.Name.ValueString(), p)
			plan.PlannedOperations = plannedOps(lifecycle.RecoveryServer, p, true)
			plan.Status = types.StringValue(lifecycle.RenderState(p.State, ""))
			plan.Mode = desiredValue(lifecycle.RecoveryServer, p.State)
			resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		}
		return
	}
	var state rsModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if replacing(req, "machine_id") {
		r.engine.planReplace(ctx, r.data, state.ID.ValueString(), lifecycle.Goal{States: []lifecycle.State{lifecycle.Deleted}}, opts, &resp.Diagnostics)
		return
	}
	if r.engine.goalMet(state.Status.ValueString(), "", goal) {
		keepPlannedOps(ctx, plan.PlannedOperations, state.PlannedOperations, &resp.Plan, &resp.Diagnostics)
		return
	}
	if p := r.engine.plan(ctx, r.data, state.ID.ValueString(), priorRead{status: state.Status.ValueString()}, goal, opts, path.Root("mode"), &resp.Diagnostics); p != nil {
		plan.PlannedOperations = plannedOps(lifecycle.RecoveryServer, *p, false)
		plan.Status = types.StringValue(lifecycle.RenderState(p.State, ""))
		plan.Mode = desiredValue(lifecycle.RecoveryServer, p.State)
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		markOperated(ctx, &resp.Plan, &resp.Diagnostics, "id", "status", "planned_operations")
	}
}

func (r *recoveryServerResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan, config rsModel
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
	token := createToken(rsType, spec.MachineID, spec.Name)
	rs, err := r.data.Servers.CreateRecoveryServer(ctx, spec, token)
	if err == nil && lifecycle.Gone(r.engine.kind, rs.State) {
		rs, err = r.data.Servers.CreateRecoveryServer(ctx, spec, freshToken(token))
	}
	if err != nil {
		addCreateError(&resp.Diagnostics, rsType, err)
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), rs.ID)...)
	setIdentity(ctx, resp.Identity, rs.ID, &resp.Diagnostics)
	ran := r.engine.apply(ctx, r.data, rs.ID, priorRead{}, goalFor(lifecycle.RecoveryServer, config.Mode, ""),
		r.data.options(plan.AllowDataLoss.ValueBool()), timeout, path.Root("mode"), &resp.Diagnostics)
	plan.PlannedOperations = appliedOps(plan.PlannedOperations, lifecycle.RecoveryServer, ran, true, types.ListNull(types.StringType))
	r.refresh(ctx, rs.ID, &plan, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *recoveryServerResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	if r.engine.unsupported(r.data, &resp.Diagnostics) {
		return
	}
	var state rsModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	rs, err := r.data.Servers.GetRecoveryServer(ctx, state.ID.ValueString())
	if removeIfGone(ctx, err, rsType, state.ID.ValueString(), resp) {
		return
	}
	if err != nil {
		addError(&resp.Diagnostics, "reading", rsType, state.ID.ValueString(), err)
		return
	}
	state.fill(rs)
	setIdentity(ctx, resp.Identity, state.ID.ValueString(), &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *recoveryServerResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, config, state rsModel
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
	if r.settingsChanged(plan, state) {
		if _, err := r.data.Servers.UpdateRecoveryServer(ctx, id, r.spec(plan)); err != nil {
			addError(&resp.Diagnostics, "updating", rsType, id, err)
		}
	}
	var ran lifecycle.Path
	if !resp.Diagnostics.HasError() {
		ran = r.engine.apply(ctx, r.data, id, priorRead{status: state.Status.ValueString()}, goalFor(lifecycle.RecoveryServer, config.Mode, ""),
			r.data.options(plan.AllowDataLoss.ValueBool()), timeout, path.Root("mode"), &resp.Diagnostics)
	}
	plan.PlannedOperations = appliedOps(plan.PlannedOperations, lifecycle.RecoveryServer, ran, false, state.PlannedOperations)
	r.refresh(ctx, id, &plan, &resp.Diagnostics)
	setIdentity(ctx, resp.Identity, id, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *recoveryServerResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state rsModel
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
		r.data.options(state.AllowDataLoss.ValueBool()), timeout, path.Root("mode"), &resp.Diagnostics)
}

func (r *recoveryServerResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importByIDOrIdentity(ctx, req, resp, rsType)
}

func (r *recoveryServerResource) refresh(ctx context.Context, id string, m *rsModel, diags *diagList) {
	ctx, done := afterStop(ctx) // record the truth even when Terraform was interrupted
	defer done()
	rs, err := r.data.Servers.GetRecoveryServer(ctx, id)
	if err != nil {
		addError(diags, "reading", rsType, id, err)
		m.ID = types.StringValue(id)
		nullUnknowns(&m.rsData)
		return
	}
	m.fill(rs)
}

func (r *recoveryServerResource) settingsChanged(plan, state rsModel) bool {
	return !plan.Name.Equal(state.Name) || !plan.CPU.Equal(state.CPU) || !plan.MemoryGB.Equal(state.MemoryGB) ||
		!plan.NetworkID.Equal(state.NetworkID) || !plan.IPAddress.Equal(state.IPAddress) ||
		!plan.RecoveryPointID.Equal(state.RecoveryPointID)
}

func (r *recoveryServerResource) spec(m rsModel) platform.RecoveryServerSpec {
	return platform.RecoveryServerSpec{
		Name: m.Name.ValueString(), MachineID: m.MachineID.ValueString(), RecoveryPointID: m.RecoveryPointID.ValueString(),
		CPU: int(m.CPU.ValueInt64()), MemoryGB: int(m.MemoryGB.ValueInt64()),
		NetworkID: m.NetworkID.ValueString(), IPAddress: m.IPAddress.ValueString(),
	}
}

// rsData is the read model the resource and its data source share.
type rsData struct {
	AllowDataLoss     types.Bool   `tfsdk:"allow_data_loss"`
	AllowedOperations types.List   `tfsdk:"allowed_operations"`
	CPU               types.Int64  `tfsdk:"cpu"`
	ID                types.String `tfsdk:"id"`
	IPAddress         types.String `tfsdk:"ip_address"`
	LastError         types.String `tfsdk:"last_error"`
	MachineID         types.String `tfsdk:"machine_id"`
	MemoryGB          types.Int64  `tfsdk:"memory_gb"`
	Mode              types.String `tfsdk:"mode"`
	Name              types.String `tfsdk:"name"`
	NetworkID         types.String `tfsdk:"network_id"`
	RecoveryIP        types.String `tfsdk:"recovery_ip"`
	RecoveryPointID   types.String `tfsdk:"recovery_point_id"`
	Status            types.String `tfsdk:"status"`
	TestIP            types.String `tfsdk:"test_ip"`
	VMState           types.String `tfsdk:"vm_state"`
}

// rsModel is the resource's model: the read model plus the timeouts block.
type rsModel struct {
	rsData
	PlannedOperations types.List     `tfsdk:"planned_operations"`
	Timeouts          timeouts.Value `tfsdk:"timeouts"`
}

func (m *rsData) fill(rs platform.RecoveryServer) {
	m.ID = types.StringValue(rs.ID)
	m.Name = types.StringValue(rs.Name)
	m.MachineID = types.StringValue(rs.MachineID)
	m.RecoveryPointID = optionalString(rs.RecoveryPointID)
	m.CPU = types.Int64Value(int64(rs.CPU))
	m.MemoryGB = types.Int64Value(int64(rs.MemoryGB))
	m.NetworkID = optionalString(rs.NetworkID)
	m.IPAddress = optionalString(rs.IPAddress)
	m.Status = types.StringValue(lifecycle.RenderState(rs.State, rs.FailedOp))
	m.Mode = desiredValue(lifecycle.RecoveryServer, rs.State)
	m.VMState = types.StringValue(rs.VMState)
	m.RecoveryIP = optionalString(rs.RecoveryIP)
	m.TestIP = optionalString(rs.TestIP)
	m.LastError = optionalString(rs.LastError)
	m.AllowedOperations = opsList(lifecycle.AllowedOperations(lifecycle.RecoveryServer, rs.Observed, lifecycle.Options{}))
	if m.AllowDataLoss.IsNull() || m.AllowDataLoss.IsUnknown() {
		m.AllowDataLoss = types.BoolValue(false)
	}
}
