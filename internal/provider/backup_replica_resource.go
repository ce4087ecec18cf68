package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

const replicaType = "dr_backup_replica"

// NewBackupReplicaResource returns the dr_backup_replica resource.
func NewBackupReplicaResource() resource.Resource {
	return newDRResource[replicaModel, platform.BackupReplica](replicaKind{})
}

// replicaKind is what dr_backup_replica adds to the DR resource core: its goal is always an
// available replica (every input replaces it; an update retries a failed replication), and a
// plan checks R003-1 … R003-11 with the platform's facts, warning about what only the apply
// can tell.
type replicaKind struct{}

func (replicaKind) info() drInfo {
	return drInfo{kind: lifecycle.BackupReplica, typeName: replicaType, what: "backup replica",
		replace:  []string{"backup_id", "description", "destination_region", "destination_vault_id", "enable_acceleration", "name", "destination_project_id"},
		stable:   []string{"replica_backup_id", "source_region"},
		createAt: "backup_id", deleteAt: "id", warnCreateDeferred: true,
	}
}

func (replicaKind) core(m *replicaModel) drCore {
	return drCore{ID: &m.ID, Status: &m.Status, Name: &m.Name, Description: &m.Description,
		Planned: &m.PlannedOperations, Timeouts: &m.Timeouts, Read: &m.replicaData, Tags: &m.tagsData}
}

func (replicaKind) get(ctx context.Context, d *ProviderData, id string) (platform.BackupReplica, error) {
	return d.Replicas.GetReplica(ctx, id)
}

func (replicaKind) list(ctx context.Context, d *ProviderData) ([]platform.BackupReplica, error) {
	return d.Replicas.ListReplicas(ctx)
}

func (replicaKind) view(r platform.BackupReplica) drView {
	return drView{ID: r.ID, Name: r.Name, State: r.State, Tags: r.Tags}
}

func (replicaKind) goal(context.Context, *replicaModel, *replicaModel, *replicaModel) (lifecycle.Goal, bool) {
	return lifecycle.Goal{States: []lifecycle.State{lifecycle.Available}}, true
}

func (replicaKind) goalAt(*replicaModel, lifecycle.Goal) path.Path { return path.Root("backup_id") }

// createFacts asks the platform about the backup, the regions and the destination vault
// (ProposedReplicaFacts), at plan and again at apply before the replication is requested (a
// value may have been unknown at plan): R003-1 … R003-11, and V-PARAMS for
// destination_project_id (Huawei CBR's, required there unless the provider knows the region's
// project; refused elsewhere).
func (replicaKind) createFacts(ctx context.Context, d *ProviderData, plan, config *replicaModel, _ bool, diags *diag.Diagnostics) (func() (lifecycle.Facts, bool), bool) {
	return func() (lifecycle.Facts, bool) {
		if plan.BackupID.IsUnknown() || plan.DestinationRegion.IsUnknown() || plan.DestinationVaultID.IsUnknown() || config.DestinationProjectID.IsUnknown() {
			return lifecycle.Facts{}, false // checked at apply, before the replication is requested
		}
		spec := replicaSpec(plan, config)
		facts, err := d.Replicas.ProposedReplicaFacts(ctx, spec)
		if err != nil {
			diags.AddAttributeError(replicaErrorAt(ctx, d, spec, err), "Cannot check "+replicaType, err.Error())
			return facts, false
		}
		if !config.DestinationProjectID.IsNull() {
			facts.GivenParams = []string{"destination_project_id"}
		}
		return facts, true
	}, false
}

// replicaErrorAt is the attribute a failed check of a replica is about: the destination
// project when the platform answers without it (its destination region refused the project),
// the backup otherwise.
func replicaErrorAt(ctx context.Context, d *ProviderData, spec platform.ReplicaSpec, err error) path.Path {
	if spec.DestinationProjectID == "" {
		return path.Root("backup_id")
	}
	spec.DestinationProjectID = ""
	if _, err2 := d.Replicas.ProposedReplicaFacts(ctx, spec); err2 == nil {
		return path.Root("destination_project_id")
	}
	return path.Root("backup_id")
}

func (replicaKind) tokenParts(plan, config *replicaModel) []string {
	spec := replicaSpec(plan, config)
	parts := []string{spec.BackupID, spec.DestinationRegion, spec.DestinationVaultID, spec.Name}
	if spec.DestinationProjectID != "" {
		parts = append(parts, spec.DestinationProjectID)
	}
	return parts
}

func (replicaKind) create(ctx context.Context, d *ProviderData, plan, config *replicaModel, token string) (platform.BackupReplica, error) {
	return d.Replicas.CreateReplica(ctx, replicaSpec(plan, config), token)
}

func replicaSpec(plan, config *replicaModel) platform.ReplicaSpec {
	return platform.ReplicaSpec{
		Tags:     createTags(plan.tagsData),
		BackupID: plan.BackupID.ValueString(), DestinationRegion: plan.DestinationRegion.ValueString(),
		DestinationVaultID: plan.DestinationVaultID.ValueString(), Name: plan.Name.ValueString(),
		Description: plan.Description.ValueString(), EnableAcceleration: plan.EnableAcceleration.ValueBool(),
		DestinationProjectID: config.DestinationProjectID.ValueString(),
	}
}

func (replicaKind) schema(context.Context) schema.Schema {
	description := optional("Description of the replica: at most 255 characters, no `<` or `>` (R003-10). Changing it replaces the replica.",
		ruleValidator{"at most 255 characters, no '<' or '>' (R003-10)", lifecycle.ValidateReplicaDescription})
	description.PlanModifiers = []planmodifier.String{stringplanmodifier.RequiresReplace()}
	return schema.Schema{
		MarkdownDescription: "A cross-region replica of a server backup (Huawei CBR replication). Creating it " +
			"replicates the backup and waits until the replica is available; destroying it deletes the replica, " +
			"after which a new manual replica to that region is allowed again (R003-7). `terraform plan` refuses " +
			"disk backups, backups without the system disk or not available, replicas of replicas, a second " +
			"replica in the same region and non-replication vaults (R003-1 to R003-11).",
		Attributes: map[string]schema.Attribute{
			"backup_id":          identity("The server backup to replicate. Changing it replaces the replica.", idValidator()),
			"description":        description,
			"destination_region": identity("Region to replicate to; it must support replication (R003-2). Changing it replaces the replica.", regionValidator()),
			"destination_project_id": platformParam("Huawei Cloud CBR only: the destination region's project ID (`destination_project_id` of *Replicating a Backup*; "+
				"a project ID is per region). Omit it to use the provider's `region_project_ids` entry for `destination_region` "+
				"(or `project_id` when the destination is the provider's own `region`); a replica with neither is refused at plan, "+
				"naming this attribute and that setting (V-PARAMS), never sent with another region's project. Reported from the "+
				"replication record. Setting it on another platform is refused at plan (V-PARAMS). Changing it replaces the replica.", idValidator()),
			"destination_vault_id": identity("A `replication` vault in the destination region (R003-11). Changing it replaces the replica.", idValidator()),
			"enable_acceleration": schema.BoolAttribute{
				MarkdownDescription: "Whether to accelerate the transfer. Defaults to `false`. Changing it replaces the replica.",
				Optional:            true, Computed: true, Default: booldefault.StaticBool(false),
				PlanModifiers: []planmodifier.Bool{boolplanmodifier.RequiresReplace()},
			},
			"id":         fixed("Identifier of the replication."),
			"last_error": reported("The platform's message when the replication failed."),
			"name": identity("Name of the replica: 1 to 64 letters, digits, `_` and `-` (R003-9). Changing it replaces the replica.",
				ruleValidator{"1 to 64 letters, digits, '_' and '-' (R003-9)", lifecycle.ValidateReplicaName}),
			"replica_backup_id": fixed("The replica: a backup in the destination vault, usable to create images or servers there."),
			"size_gb":           reportedInt("Size of the replicated backup in GiB (the cross-region traffic)."),
			"source_region":     fixed("Region of the source backup."),
			"status":            reported("The engine's normalized state: `requested`, `replicating`, `available`, `deleting` or `error{replicate}`."),
		},
	}
}

// replicaData is the read model the resource and its data source share.
type replicaData struct {
	tagsData
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

func (replicaKind) fill(m *replicaModel, r platform.BackupReplica) diag.Diagnostics {
	m.observed(r.Tags)
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
	return nil
}
