package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// NewSandboxBackupResource returns the dr_sandbox_backup resource.
func NewSandboxBackupResource() resource.Resource {
	return newSandboxResource[sandboxBackupModel, *sandboxBackupModel]("backup", sandboxBackup{}, platform.Inventory.GetBackup, platform.Inventory.DeleteBackup)
}

// sandboxBackup is what dr_sandbox_backup adds to the sandbox resource core.
type sandboxBackup struct{}

func (sandboxBackup) schema() schema.Schema {
	return schema.Schema{
		MarkdownDescription: "A backup in a vault of the embedded sandbox DR platform: a `server` backup (of a " +
			"`dr_sandbox_server`) or a `disk` backup (of a `dr_sandbox_volume`). Only available server backups " +
			"that include the system disk can be replicated across regions (R003-1, R003-3 to R003-5). Works only " +
			"on the sandbox platform.",
		Attributes: map[string]schema.Attribute{
			"id": fixed("Identifier of the backup."),
			"includes_system_disk": schema.BoolAttribute{
				MarkdownDescription: "Whether the backup contains the system disk's data. Defaults to `true`. Changing it replaces the backup.",
				Optional:            true, Computed: true, Default: booldefault.StaticBool(true),
				PlanModifiers: []planmodifier.Bool{boolplanmodifier.RequiresReplace()},
			},
			"is_replica": schema.BoolAttribute{
				MarkdownDescription: "Whether the backup is a cross-region replica of another backup (replicas cannot be replicated again, R003-6).",
				Computed:            true,
				PlanModifiers:       []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
			},
			"kind": identity("`server` (an ECS-style whole-server backup) or `disk` (a single volume). Changing it replaces the backup.",
				stringvalidator.OneOf(platform.BackupKindServer, platform.BackupKindDisk)),
			"region": fixed("Region of the backup (its vault's region)."),
			"size_gb": schema.Int64Attribute{
				MarkdownDescription: "Size in GiB; defaults to the size of what is backed up. Changing it replaces the backup.",
				Optional:            true, Computed: true,
				Validators:    []validator.Int64{int64validator.Between(1, 65536)},
				PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown(), int64planmodifier.RequiresReplace()},
			},
			"source_id": identity("The server (`kind = \"server\"`) or volume (`kind = \"disk\"`) backed up. Changing it replaces the backup.", idValidator()),
			"status": schema.StringAttribute{
				MarkdownDescription: "`available`, `creating` or `error`. Defaults to `available`; set another value to " +
					"simulate a backup that cannot be replicated yet (R003-5).",
				Optional: true, Computed: true, Default: stringdefault.StaticString(platform.BackupAvailable),
				Validators: []validator.String{stringvalidator.OneOf(platform.BackupAvailable, platform.BackupCreating, platform.BackupError)},
			},
			"vault_id": identity("The `dr_sandbox_vault` holding the backup. Changing it replaces the backup.", idValidator()),
		},
	}
}

type sandboxBackupModel struct {
	sandboxObject
	IncludesSystemDisk types.Bool   `tfsdk:"includes_system_disk"`
	IsReplica          types.Bool   `tfsdk:"is_replica"`
	Kind               types.String `tfsdk:"kind"`
	Region             types.String `tfsdk:"region"`
	SizeGB             types.Int64  `tfsdk:"size_gb"`
	SourceID           types.String `tfsdk:"source_id"`
	Status             types.String `tfsdk:"status"`
	VaultID            types.String `tfsdk:"vault_id"`
}

func (sandboxBackup) fill(m *sandboxBackupModel, b platform.Backup) diag.Diagnostics {
	m.ID = types.StringValue(b.ID)
	m.Kind = types.StringValue(b.Kind)
	m.SourceID = types.StringValue(b.SourceID)
	m.IncludesSystemDisk = types.BoolValue(b.IncludesSystemDisk)
	m.IsReplica = types.BoolValue(b.IsReplica)
	m.Status = types.StringValue(b.Status)
	m.Region = types.StringValue(b.Region)
	m.VaultID = types.StringValue(b.VaultID)
	m.SizeGB = types.Int64Value(b.SizeGB)
	return nil
}

func (sandboxBackup) create(ctx context.Context, inv platform.Inventory, plan *sandboxBackupModel) (platform.Backup, error) {
	return inv.PutBackup(ctx, platform.Backup{
		Kind: plan.Kind.ValueString(), SourceID: plan.SourceID.ValueString(),
		IncludesSystemDisk: plan.IncludesSystemDisk.ValueBool(), Status: plan.Status.ValueString(),
		VaultID: plan.VaultID.ValueString(), SizeGB: plan.SizeGB.ValueInt64(),
	})
}

// update changes the backup's status (the only attribute that does not replace it).
func (sandboxBackup) update(ctx context.Context, inv platform.Inventory, id string, plan *sandboxBackupModel) (platform.Backup, error) {
	b, err := inv.GetBackup(ctx, id)
	if err == nil {
		b.Status = plan.Status.ValueString()
		b, err = inv.PutBackup(ctx, b)
	}
	return b, err
}
