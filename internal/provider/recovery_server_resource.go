package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

const rsType = "dr_recovery_server"

// NewRecoveryServerResource returns the dr_recovery_server resource.
func NewRecoveryServerResource() resource.Resource {
	return newDRResource[rsModel, platform.RecoveryServer](rsKind{})
}

// rsKind is what dr_recovery_server adds to the DR resource core: its mode is the goal, and
// its VM settings are changed by the platform's update call, outside the engine's operations.
type rsKind struct{}

func (rsKind) info() drInfo {
	return drInfo{kind: lifecycle.RecoveryServer, typeName: rsType, what: "recovery server",
		replace: []string{"machine_id"}, createAt: "machine_id", deleteAt: "mode", showCreatePath: true,
		attrs: map[string]string{lifecycle.ParamRecoveryPoint: "recovery_point_id"}}
}

func (rsKind) core(m *rsModel) drCore {
	return drCore{ID: &m.ID, Status: &m.Status, Name: &m.Name, Desired: &m.Mode, AllowDataLoss: &m.AllowDataLoss,
		Planned: &m.PlannedOperations, Timeouts: &m.Timeouts, Read: &m.rsData, Tags: &m.tagsData}
}

func (rsKind) get(ctx context.Context, d *ProviderData, id string) (platform.RecoveryServer, error) {
	return d.Servers.GetRecoveryServer(ctx, id)
}

func (rsKind) list(ctx context.Context, d *ProviderData) ([]platform.RecoveryServer, error) {
	return d.Servers.ListRecoveryServers(ctx)
}

func (rsKind) view(rs platform.RecoveryServer) drView {
	return drView{ID: rs.ID, Name: rs.Name, State: rs.State, Tags: rs.Tags}
}

func (rsKind) goal(_ context.Context, config, _, _ *rsModel) (lifecycle.Goal, bool) {
	return goalFor(lifecycle.RecoveryServer, config.Mode, ""), true
}

func (rsKind) goalAt(*rsModel, lifecycle.Goal) path.Path { return path.Root("mode") }

// createFacts: a new server is in standby (R004-1); the path from there is checked with what
// the platform says of its machine (a recovery point, R004-2; V-REFS). A machine made in the
// same apply is not known yet: its checks run at apply.
func (rsKind) createFacts(ctx context.Context, d *ProviderData, plan, _ *rsModel, apply bool, diags *diag.Diagnostics) (func() (lifecycle.Facts, bool), bool) {
	if apply {
		return nil, false // checked by the plan Terraform makes at apply, with every value known
	}
	return func() (lifecycle.Facts, bool) {
		if plan.MachineID.IsUnknown() || plan.RecoveryPointID.IsUnknown() {
			return lifecycle.Facts{Unknown: map[string]bool{lifecycle.FactBackup: true}}, true
		}
		if !checkRecoveryPoint(ctx, d, lifecycle.Observation{Kind: lifecycle.RecoveryServer, Name: plan.Name.ValueString()},
			plan.MachineID.ValueString(), plan.RecoveryPointID.ValueString(), diags) {
			return lifecycle.Facts{}, false
		}
		facts, err := d.Servers.ProposedRecoveryServerFacts(ctx, rsSpec(plan))
		if err != nil {
			addError(diags, "checking", rsType, "", err)
			return facts, false
		}
		return facts, true
	}, true
}

// stepParams: the failover and test failover start from recovery_point_id (unset: the
// platform's latest) — the rows' ParamRecoveryPoint, sent with the platform call (Acronis: the
// recovery_point of start_failover_prod / start_failover_test).
func (rsKind) stepParams(m *rsModel) map[string]string {
	if m.RecoveryPointID.IsNull() || m.RecoveryPointID.IsUnknown() {
		return nil
	}
	return map[string]string{lifecycle.ParamRecoveryPoint: m.RecoveryPointID.ValueString()}
}

// adjustPlan refuses, at plan, a recovery_point_id the machine does not have (V-REFS,
// lifecycle.CheckRecoveryPoint over the platform's list of the machine's recovery points)
// when the plan could use it: the point changes, or mode asks for another mode (a failover or
// test failover may follow). It reports whether ModifyPlan is done (refused).
func (rsKind) adjustPlan(ctx context.Context, d *ProviderData, _ resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse, _ lifecycle.Options, config, state, plan *rsModel) bool {
	if state == nil {
		return false // a new server starts in standby: its point is checked when a failover may use it
	}
	if plan.RecoveryPointID.Equal(state.RecoveryPointID) && (config.Mode.IsNull() || config.Mode.Equal(state.Mode)) {
		return false
	}
	if plan.RecoveryPointID.IsUnknown() || plan.MachineID.IsUnknown() {
		return false // known at apply: the platform refuses a point the machine lacks there
	}
	obs := lifecycle.Observation{Kind: lifecycle.RecoveryServer, ID: state.ID.ValueString(), Name: plan.Name.ValueString()}
	return !checkRecoveryPoint(ctx, d, obs, plan.MachineID.ValueString(), plan.RecoveryPointID.ValueString(), &resp.Diagnostics)
}

// checkRecoveryPoint lists the machine's recovery points (platform.RecoveryPoints) and adds
// the engine's refusal of a point it lacks at recovery_point_id; false when refused or the
// list failed.
func checkRecoveryPoint(ctx context.Context, d *ProviderData, obs lifecycle.Observation, machineID, id string, diags *diag.Diagnostics) bool {
	if id == "" || d == nil {
		return true
	}
	lister, ok := platform.RecoveryPointsOf(d.Platform)
	if !ok {
		return true // the platform lists none: it decides at apply
	}
	pts, err := lister.ListRecoveryPoints(ctx, machineID)
	if err != nil {
		addError(diags, "listing the recovery points of machine", rsType, machineID, err)
		return false
	}
	ids := make([]string, len(pts))
	for i, p := range pts {
		ids[i] = p.ID
	}
	vs := lifecycle.CheckRecoveryPoint(lifecycle.OpFailover, obs, id, ids)
	addViolationsAt(diags, func(lifecycle.Violation) path.Path { return path.Root("recovery_point_id") }, rsType, vs)
	return len(vs) == 0
}

func (rsKind) tokenParts(plan, _ *rsModel) []string {
	return []string{plan.MachineID.ValueString(), plan.Name.ValueString()}
}

func (rsKind) create(ctx context.Context, d *ProviderData, plan, _ *rsModel, token string) (platform.RecoveryServer, error) {
	return d.Servers.CreateRecoveryServer(ctx, rsSpec(plan), token)
}

// updateSettings changes the VM's settings (name, CPU, memory, network, address, recovery
// point) through the platform's update call, before the mode's operations run.
func (rsKind) updateSettings(ctx context.Context, d *ProviderData, id string, plan, state *rsModel) error {
	if plan.Name.Equal(state.Name) && plan.CPU.Equal(state.CPU) && plan.MemoryGB.Equal(state.MemoryGB) &&
		plan.NetworkID.Equal(state.NetworkID) && plan.IPAddress.Equal(state.IPAddress) && plan.RecoveryPointID.Equal(state.RecoveryPointID) {
		return nil
	}
	_, err := d.Servers.UpdateRecoveryServer(ctx, id, rsSpec(plan))
	return err
}

func rsSpec(m *rsModel) platform.RecoveryServerSpec {
	return platform.RecoveryServerSpec{
		Tags: createTags(m.tagsData),
		Name: m.Name.ValueString(), MachineID: m.MachineID.ValueString(), RecoveryPointID: m.RecoveryPointID.ValueString(),
		CPU: int(m.CPU.ValueInt64()), MemoryGB: int(m.MemoryGB.ValueInt64()),
		NetworkID: m.NetworkID.ValueString(), IPAddress: m.IPAddress.ValueString(),
	}
}

func (rsKind) schema(context.Context) schema.Schema {
	return schema.Schema{
		MarkdownDescription: "A cloud recovery server for a protected machine (Acronis Disaster Recovery). A new " +
			"server is in `standby`: its configuration is defined, no virtual machine runs (R004-1). `mode` is " +
			"the optional desired state: `failover` creates the VM from a recovery point and waits through " +
			"finalization (R004-2); `ready_for_failback` turns it off and backs it up (R004-3); `standby` from " +
			"there confirms the failback and releases the cloud resources (R004-4); `test_failover` starts a " +
			"temporary test VM (R004-7). Cancelling a production failover loses the cloud VM's changes and needs " +
			"`allow_data_loss` (R004-6).",
		Attributes: map[string]schema.Attribute{
			"allow_data_loss": flag("Permits cancelling a production failover — `mode` from `failover` to `standby`, or destroying a failed-over "+
				"server — which discards the cloud VM's changes (R004-6); the plan then runs `cancel_failover` and warns. Without it those goals "+
				"go through failback, which needs the local machine recovered between two applies (V-MANUAL-STEP). Defaults to `false`.", false),
			"allowed_operations": reportedList("Operations the engine (and the platform's advertised links, V-ACR-LINKS) allow right now."),
			"cpu":                setting("Virtual CPUs of the recovery VM (1 to 64). Defaults to `2`.", 2, int64validator.Between(1, 64)),
			"id":                 fixed("Identifier of the recovery server."),
			"ip_address":         optional("Production IP address of the recovery VM in the recovery network."),
			"last_drill":         lastDrillAttribute("drill (test failover)"),
			"last_error":         reported("The platform's message about the last failed operation, if any."),
			"machine_id":         identity("The protected machine (e.g. a `dr_sandbox_server`). Changing it replaces the recovery server.", idValidator()),
			"memory_gb":          setting("Memory of the recovery VM in GiB (1 to 1024). Defaults to `4`.", 4, int64validator.Between(1, 1024)),
			"mode": desired("Desired mode: `standby`, `failover`, `test_failover` or `ready_for_failback`. "+
				"Omit to observe only; the current value is always reported.", lifecycle.Desired(lifecycle.RecoveryServer).ValueNames()...),
			"name": schema.StringAttribute{
				MarkdownDescription: "Name of the recovery server (1 to 64 characters).",
				Required:            true, Validators: []validator.String{stringvalidator.LengthBetween(1, 64)},
			},
			"network_id":  optional("Recovery network the VM joins."),
			"readiness":   readinessAttribute(lifecycle.RecoveryServer),
			"recovery_ip": reported("Address of the recovery VM while failed over."),
			"recovery_point_id": optional("Recovery point to fail over (and test fail over) from, as the "+
				"`dr_recovery_points` data source lists it for the machine: on the sandbox a server backup's ID, on Acronis "+
				"`vault_id/archive_id/backup_id` (the three IDs of the DR API's `recovery_point`). Omit for the latest. A "+
				"point the machine does not have is refused at plan (V-REFS) when the plan could use it.", stringvalidator.LengthAtLeast(1)),
			"status":   reported("The engine's normalized state, e.g. `standby`, `finalizing`, `failed_over`, `testing`, `ready_for_failback`."),
			"test_ip":  reported("Address of the temporary test VM while a test failover runs."),
			"vm_state": reported("State of the virtual machine: `not_ready`, `started` or `stopped`."),
		},
	}
}

// rsData is the read model the resource and its data source share.
type rsData struct {
	tagsData
	AllowDataLoss     types.Bool   `tfsdk:"allow_data_loss"`
	AllowedOperations types.List   `tfsdk:"allowed_operations"`
	CPU               types.Int64  `tfsdk:"cpu"`
	ID                types.String `tfsdk:"id"`
	IPAddress         types.String `tfsdk:"ip_address"`
	LastDrill         types.Object `tfsdk:"last_drill"`
	LastError         types.String `tfsdk:"last_error"`
	MachineID         types.String `tfsdk:"machine_id"`
	MemoryGB          types.Int64  `tfsdk:"memory_gb"`
	Mode              types.String `tfsdk:"mode"`
	Name              types.String `tfsdk:"name"`
	NetworkID         types.String `tfsdk:"network_id"`
	Readiness         types.Object `tfsdk:"readiness"`
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

func (rsKind) fill(m *rsModel, rs platform.RecoveryServer) diag.Diagnostics {
	m.observed(rs.Tags)
	m.ID = types.StringValue(rs.ID)
	m.Name = types.StringValue(rs.Name)
	m.MachineID = types.StringValue(rs.MachineID)
	if rs.RecoveryPointID != "" || m.RecoveryPointID.IsUnknown() {
		m.RecoveryPointID = optionalString(rs.RecoveryPointID)
	} // else: a platform that does not keep the choice (Acronis sends it with the failover) keeps the configured one
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
	m.Readiness = readinessValue(lifecycle.RecoveryServer, rs.Observed)
	m.LastDrill = lastDrillValue(rs.LastDrill)
	if m.AllowDataLoss.IsNull() || m.AllowDataLoss.IsUnknown() {
		m.AllowDataLoss = types.BoolValue(false)
	}
	return nil
}
