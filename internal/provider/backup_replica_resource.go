package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

var (
	_ resource.Resource                = (*backupReplicaResource)(nil)
	_ resource.ResourceWithConfigure   = (*backupReplicaResource)(nil)
	_ resource.ResourceWithImportState = (*backupReplicaResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*backupReplicaResource)(nil)
)

const replicaType = "dr_backup_replica"

// NewBackupReplicaResource returns the dr_backup_replica resource.
func NewBackupReplicaResource() resource.Resource {
	return &backupReplicaResource{engine: drEngine{kind: lifecycle.BackupReplica, typeName: replicaType}}
}

type backupReplicaResource struct {
	data   *ProviderData
	engine drEngine
}

func (r *backupReplicaResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_backup_replica"
}

func (r *backupReplicaResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A cross-region replica of a server backup (Huawei CBR replication). Creating it " +
			"replicates the backup and waits until the replica is available; destroying it deletes the replica, " +
			"after which a new manual replica to that region is allowed again (R003-7). `terraform plan` refuses " +
			"disk backups, backups without the system disk or not available, replicas of replicas, a second " +
			"replica in the same region and non-replication vaults (R003-1 to R003-11).",
		Attributes: map[string]schema.Attribute{
			"backup_id": schema.StringAttribute{
				MarkdownDescription: "The server backup to replicate. Changing it replaces the replica.",
				Required:            true, Validators: []validator.String{idValidator()}, PlanModifiers: replace,
			},
			"description": schema.StringAttribute{
				MarkdownDescription: "Description of the replica: at most 255 characters, no `<` or `>` (R003-10). Changing it replaces the replica.",
				Optional:            true, PlanModifiers: replace,
				Validators: []validator.String{ruleValidator{"at most 255 characters, no '<' or '>' (R003-10)", lifecycle.ValidateReplicaDescription}},
			},
			"destination_region": schema.StringAttribute{
				MarkdownDescription: "Region to replicate to; it must support replication (R003-2). Changing it replaces the replica.",
				Required:            true, Validators: []validator.String{regionValidator()}, PlanModifiers: replace,
			},
			"destination_project_id": schema.StringAttribute{
				MarkdownDescription: "Huawei Cloud CBR only: the destination region's project ID (`destination_project_id` of *Replicating a Backup*; " +
					"a project ID is per region). Omit it to use the provider's `region_project_ids` entry for `destination_region` " +
					"(or `project_id` when the destination is the provider's own `region`); a replica with neither is refused at plan, " +
					"naming this attribute and that setting (V-PARAMS), never sent with another region's project. Reported from the " +
					"replication record. Setting it on another platform is refused at plan (V-PARAMS). Changing it replaces the replica.",
				Optional: true, Computed: true, Validators: []validator.String{idValidator()},
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()},
			},
			"destination_vault_id": schema.StringAttribute{
				MarkdownDescription: "A `replication` vault in the destination region (R003-11). Changing it replaces the replica.",
				Required:            true, Validators: []validator.String{idValidator()}, PlanModifiers: replace,
			},
			"enable_acceleration": schema.BoolAttribute{
				MarkdownDescription: "Whether to accelerate the transfer. Defaults to `false`. Changing it replaces the replica.",
				Optional:            true, Computed: true, Default: booldefault.StaticBool(false),
				PlanModifiers: []planmodifier.Bool{boolplanmodifier.RequiresReplace()},
			},
			"id": schema.StringAttribute{
				MarkdownDescription: "Identifier of the replication.", Computed: true, PlanModifiers: keep,
			},
			"last_error": schema.StringAttribute{
				MarkdownDescription: "The platform's message when the replication failed.", Computed: true,
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Name of the replica: 1 to 64 letters, digits, `_` and `-` (R003-9). Changing it replaces the replica.",
				Required:            true, PlanModifiers: replace,
				Validators: []validator.String{ruleValidator{"1 to 64 letters, digits, '_' and '-' (R003-9)", lifecycle.ValidateReplicaName}},
			},
			"planned_operations": plannedOperationsAttribute(),
			"replica_backup_id": schema.StringAttribute{
				MarkdownDescription: "The replica: a backup in the destination vault, usable to create images or servers there.",
				Computed:            true, PlanModifiers: keep,
			},
			"size_gb": schema.Int64Attribute{
				MarkdownDescription: "Size of the replicated backup in GiB (the cross-region traffic).", Computed: true,
			},
			"source_region": schema.StringAttribute{
				MarkdownDescription: "Region of the source backup.", Computed: true, PlanModifiers: keep,
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "The engine's normalized state: `requested`, `replicating`, `available`, `deleting` or `error{replicate}`.",
				Computed:            true,
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Update: true, Delete: true}),
		},
	}
}

func (r *backupReplicaResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan checks R003-1 … R003-11 before anything is touched, and proposes the retry of a
// replication that failed.
func (r *backupReplicaResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.data == nil {
		return
	}
	if r.engine.unsupported(r.data, &resp.Diagnostics) {
		return
	}
	if req.Plan.Raw.IsNull() { // destroy: checked at plan like the other DR kinds
		var state replicaModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if !resp.Diagnostics.HasError() {
			r.engine.planDestroy(ctx, r.data, state.ID.ValueString(), lifecycle.Goal{States: []lifecycle.State{lifecycle.Deleted}}, r.data.options(false), &resp.Diagnostics)
		}
		return
	}
	var plan, config replicaModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !req.State.Raw.IsNull() {
		var state replicaModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		goal := lifecycle.Goal{States: []lifecycle.State{lifecycle.Available}}
		if resp.Diagnostics.HasError() {
			return
		}
		if replacing(req, "backup_id", "description", "destination_region", "destination_vault_id", "enable_acceleration", "name", "destination_project_id") {
			r.engine.planReplace(ctx, r.data, state.ID.ValueString(), lifecycle.Goal{States: []lifecycle.State{lifecycle.Deleted}}, r.data.options(false), &resp.Diagnostics)
			return
		}
		if r.engine.goalMet(state.Status.ValueString(), "", goal) {
			keepPlannedOps(ctx, plan.PlannedOperations, state.PlannedOperations, &resp.Plan, &resp.Diagnostics)
			return
		}
		if p := r.engine.plan(ctx, r.data, state.ID.ValueString(), priorRead{status: state.Status.ValueString()}, goal, r.data.options(false), path.Root("backup_id"), &resp.Diagnostics); p != nil {
			plan.PlannedOperations = plannedOps(lifecycle.BackupReplica, *p, false)
			plan.Status = types.StringValue(lifecycle.RenderState(p.State, ""))
			resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
			markOperated(ctx, &resp.Plan, &resp.Diagnostics, "id", "status", "planned_operations", "replica_backup_id", "source_region")
		}
		return
	}
	r.checkCreate(ctx, plan, config, false, &resp.Diagnostics)
}

// checkCreate checks a new replica against the replicate row with the platform's facts
// (ProposedReplicaFacts): V-PARAMS (destination_project_id: Huawei CBR's, required there
// unless the provider knows the region's project; refused elsewhere) and R003-1 … R003-11. It
// runs at plan, and at apply before the replication is requested (a value may have been
// unknown at plan); each refusal lands at the parameter its rule names (Violation.Params). It
// returns false when it refused.
func (r *backupReplicaResource) checkCreate(ctx context.Context, plan, config replicaModel, apply bool, diags *diagList) bool {
	if plan.BackupID.IsUnknown() || plan.DestinationRegion.IsUnknown() || plan.DestinationVaultID.IsUnknown() || config.DestinationProjectID.IsUnknown() {
		return true // checked at apply, before the replication is requested
	}
	spec := r.spec(plan)
	spec.DestinationProjectID = config.DestinationProjectID.ValueString()
	facts, err := r.data.Replicas.ProposedReplicaFacts(ctx, spec)
	if err != nil {
		at := path.Root("backup_id")
		if !config.DestinationProjectID.IsNull() && strings.Contains(err.Error(), config.DestinationProjectID.ValueString()) {
			at = path.Root("destination_project_id") // e.g. the destination region refused the project
		}
		diags.AddAttributeError(at, "Cannot check "+replicaType, err.Error())
		return false
	}
	if !config.DestinationProjectID.IsNull() {
		facts.GivenParams = []string{"destination_project_id"}
	}
	obs := lifecycle.Observation{Kind: lifecycle.BackupReplica, Name: plan.Name.ValueString(), Facts: facts}
	vs := lifecycle.Check(lifecycle.BackupReplica, lifecycle.OpReplicate, obs, r.data.options(false))
	if apply {
		vs = lifecycle.Blocking(vs)
	}
	addViolations(diags, path.Root("backup_id"), replicaType, vs)
	return !lifecycle.HasBlocking(vs)
}

func (r *backupReplicaResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan, config replicaModel
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
	if !r.checkCreate(ctx, plan, config, true, &resp.Diagnostics) {
		return
	}
	spec := r.spec(plan)
	spec.DestinationProjectID = config.DestinationProjectID.ValueString()
	parts := []string{spec.BackupID, spec.DestinationRegion, spec.DestinationVaultID, spec.Name}
	if spec.DestinationProjectID != "" {
		parts = append(parts, spec.DestinationProjectID)
	}
	token := createToken(replicaType, parts...)
	rep, err := r.data.Replicas.CreateReplica(ctx, spec, token)
	if err == nil && lifecycle.Gone(r.engine.kind, rep.State) {
		rep, err = r.data.Replicas.CreateReplica(ctx, spec, freshToken(token))
	}
	if err != nil {
		addCreateError(&resp.Diagnostics, replicaType, err)
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), rep.ID)...)
	setIdentity(ctx, resp.Identity, rep.ID, &resp.Diagnostics)
	ran := r.engine.apply(ctx, r.data, rep.ID, priorRead{}, lifecycle.Goal{States: []lifecycle.State{lifecycle.Available}}, r.data.options(false), timeout, path.Root("backup_id"), &resp.Diagnostics)
	plan.PlannedOperations = appliedOps(plan.PlannedOperations, lifecycle.BackupReplica, ran, true, types.ListNull(types.StringType))
	r.refresh(ctx, rep.ID, &plan, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *backupReplicaResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	if r.engine.unsupported(r.data, &resp.Diagnostics) {
		return
	}
	var state replicaModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	rep, err := r.data.Replicas.GetReplica(ctx, state.ID.ValueString())
	if err == nil && lifecycle.Gone(r.engine.kind, rep.State) {
		err = &platform.Error{Class: platform.ClassNotFound, Message: "replica deleted"}
	}
	if removeIfGone(ctx, err, replicaType, state.ID.ValueString(), resp) {
		return
	}
	if err != nil {
		addError(&resp.Diagnostics, "reading", replicaType, state.ID.ValueString(), err)
		return
	}
	state.fill(rep)
	setIdentity(ctx, resp.Identity, state.ID.ValueString(), &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update only runs to retry a failed replication (every input forces replacement).
func (r *backupReplicaResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state replicaModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Update(ctx, defaultUpdateTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := plan.ID.ValueString()
	ran := r.engine.apply(ctx, r.data, id, priorRead{}, lifecycle.Goal{States: []lifecycle.State{lifecycle.Available}}, r.data.options(false), timeout, path.Root("backup_id"), &resp.Diagnostics)
	plan.PlannedOperations = appliedOps(plan.PlannedOperations, lifecycle.BackupReplica, ran, false, state.PlannedOperations)
	r.refresh(ctx, id, &plan, &resp.Diagnostics)
	setIdentity(ctx, resp.Identity, id, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *backupReplicaResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state replicaModel
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
	r.engine.apply(ctx, r.data, id, priorRead{}, lifecycle.Goal{States: []lifecycle.State{lifecycle.Deleted}}, r.data.options(false), timeout, path.Root("id"), &resp.Diagnostics)
}

func (r *backupReplicaResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importByIDOrIdentity(ctx, req, resp, replicaType)
}

func (r *backupReplicaResource) refresh(ctx context.Context, id string, m *replicaModel, diags *diagList) {
	ctx, done := afterStop(ctx) // record the truth even when Terraform was interrupted
	defer done()
	rep, err := r.data.Replicas.GetReplica(ctx, id)
	if err != nil {
		addError(diags, "reading", replicaType, id, err)
		m.ID = types.StringValue(id)
		nullUnknowns(&m.replicaData)
		return
	}
	m.fill(rep)
}

func (r *backupReplicaResource) spec(m replicaModel) platform.ReplicaSpec {
	return platform.ReplicaSpec{
		BackupID: m.BackupID.ValueString(), DestinationRegion: m.DestinationRegion.ValueString(),
		DestinationVaultID: m.DestinationVaultID.ValueString(), Name: m.Name.ValueString(),
		Description: m.Description.ValueString(), EnableAcceleration: m.EnableAcceleration.ValueBool(),
	}
}

// replicaData is the read model the resource and its data source share.
type replicaData struct {
	BackupID           types.String `tfsdk:"backup_id"`
	Description        types.String `tfsdk:"description"`
	DestinationRegion  types.String `tfsdk:"destination_region"`
	DestinationVaultID types.String `tfsdk:"destination_vault_id"`
	// DestinationProjectID is Huawei CBR's destination project (null elsewhere).
	DestinationProjectID types.String `tfsdk:"destination_project_id"`
	EnableAcceleration   types.Bool   `tfsdk:"enable_acceleration"`
	ID                   types.String `tfsdk:"id"`
	LastError            types.String `tfsdk:"last_error"`
	Name                 types.String `tfsdk:"name"`
	ReplicaBackupID      types.String `tfsdk:"replica_backup_id"`
	SizeGB               types.Int64  `tfsdk:"size_gb"`
	SourceRegion         types.String `tfsdk:"source_region"`
	Status               types.String `tfsdk:"status"`
}

// replicaModel is the resource's model: the read model plus the timeouts block.
type replicaModel struct {
	replicaData
	PlannedOperations types.List     `tfsdk:"planned_operations"`
	Timeouts          timeouts.Value `tfsdk:"timeouts"`
}

func (m *replicaData) fill(r platform.BackupReplica) {
	m.ID = types.StringValue(r.ID)
	m.BackupID = types.StringValue(r.BackupID)
	// A platform that cannot read the name, description or acceleration back (Huawei CBR: the
	// replication record carries none of them, the destination backup only a name once it
	// exists) reports them empty: the requested values are kept.
	if r.Name != "" || m.Name.IsNull() || m.Name.IsUnknown() {
		m.Name = types.StringValue(r.Name)
	}
	if r.Description != "" || m.Description.IsUnknown() || r.Name != "" {
		m.Description = optionalString(r.Description)
	}
	m.DestinationRegion = types.StringValue(r.DestinationRegion)
	m.DestinationVaultID = types.StringValue(r.DestinationVaultID)
	m.DestinationProjectID = optionalString(r.DestinationProjectID)
	if r.EnableAcceleration || m.EnableAcceleration.IsNull() || m.EnableAcceleration.IsUnknown() {
		m.EnableAcceleration = types.BoolValue(r.EnableAcceleration)
	}
	m.ReplicaBackupID = types.StringValue(r.ReplicaBackupID)
	m.SourceRegion = types.StringValue(r.SourceRegion)
	m.SizeGB = types.Int64Value(r.SizeGB)
	m.Status = types.StringValue(lifecycle.RenderState(r.State, r.FailedOp))
	m.LastError = optionalString(r.LastError)
}
