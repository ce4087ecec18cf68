package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

var (
	_ resource.Resource                = (*sandboxBackupResource)(nil)
	_ resource.ResourceWithConfigure   = (*sandboxBackupResource)(nil)
	_ resource.ResourceWithImportState = (*sandboxBackupResource)(nil)
)

// NewSandboxBackupResource returns the dr_sandbox_backup resource.
func NewSandboxBackupResource() resource.Resource { return &sandboxBackupResource{} }

type sandboxBackupResource struct{ data *ProviderData }

func (r *sandboxBackupResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_sandbox_backup"
}

func (r *sandboxBackupResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A backup in a vault of the embedded sandbox DR platform: a `server` backup (of a " +
			"`dr_sandbox_server`) or a `disk` backup (of a `dr_sandbox_volume`). Only available server backups " +
			"that include the system disk can be replicated across regions (R003-1, R003-3 to R003-5). Works only " +
			"on the sandbox platform.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "Identifier of the backup.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
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
			"kind": schema.StringAttribute{
				MarkdownDescription: "`server` (an ECS-style whole-server backup) or `disk` (a single volume). Changing it replaces the backup.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.OneOf(platform.BackupKindServer, platform.BackupKindDisk)},
				PlanModifiers:       replace,
			},
			"region": schema.StringAttribute{
				MarkdownDescription: "Region of the backup (its vault's region).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"size_gb": schema.Int64Attribute{
				MarkdownDescription: "Size in GiB; defaults to the size of what is backed up. Changing it replaces the backup.",
				Optional:            true, Computed: true,
				Validators:    []validator.Int64{int64validator.Between(1, 65536)},
				PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown(), int64planmodifier.RequiresReplace()},
			},
			"source_id": schema.StringAttribute{
				MarkdownDescription: "The server (`kind = \"server\"`) or volume (`kind = \"disk\"`) backed up. Changing it replaces the backup.",
				Required:            true,
				Validators:          []validator.String{idValidator()},
				PlanModifiers:       replace,
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "`available`, `creating` or `error`. Defaults to `available`; set another value to " +
					"simulate a backup that cannot be replicated yet (R003-5).",
				Optional: true, Computed: true, Default: stringdefault.StaticString(platform.BackupAvailable),
				Validators: []validator.String{stringvalidator.OneOf(platform.BackupAvailable, platform.BackupCreating, platform.BackupError)},
			},
			"vault_id": schema.StringAttribute{
				MarkdownDescription: "The `dr_sandbox_vault` holding the backup. Changing it replaces the backup.",
				Required:            true,
				Validators:          []validator.String{idValidator()},
				PlanModifiers:       replace,
			},
		},
	}
}

func (r *sandboxBackupResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *sandboxBackupResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan sandboxBackupModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	inv := requireInventory(r.data, "dr_sandbox_backup", &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	b, err := inv.PutBackup(ctx, platform.Backup{
		Kind: plan.Kind.ValueString(), SourceID: plan.SourceID.ValueString(),
		IncludesSystemDisk: plan.IncludesSystemDisk.ValueBool(), Status: plan.Status.ValueString(),
		VaultID: plan.VaultID.ValueString(), SizeGB: plan.SizeGB.ValueInt64(),
	})
	if err != nil {
		addError(&resp.Diagnostics, "creating", "dr_sandbox_backup", "", err)
		return
	}
	plan.fill(b)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *sandboxBackupResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state sandboxBackupModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	inv := requireInventory(r.data, "dr_sandbox_backup", &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	b, err := inv.GetBackup(ctx, state.ID.ValueString())
	if removeIfGone(ctx, err, "dr_sandbox_backup", state.ID.ValueString(), resp) {
		return
	}
	if err != nil {
		addError(&resp.Diagnostics, "reading", "dr_sandbox_backup", state.ID.ValueString(), err)
		return
	}
	state.fill(b)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *sandboxBackupResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state sandboxBackupModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	inv := requireInventory(r.data, "dr_sandbox_backup", &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	b, err := inv.GetBackup(ctx, id)
	if err == nil {
		b.Status = plan.Status.ValueString()
		b, err = inv.PutBackup(ctx, b)
	}
	if err != nil {
		addError(&resp.Diagnostics, "updating", "dr_sandbox_backup", id, err)
		return
	}
	plan.fill(b)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *sandboxBackupResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state sandboxBackupModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	inv := requireInventory(r.data, "dr_sandbox_backup", &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	if err := inv.DeleteBackup(ctx, state.ID.ValueString()); err != nil && !platform.IsNotFound(err) {
		addError(&resp.Diagnostics, "deleting", "dr_sandbox_backup", state.ID.ValueString(), err)
	}
}

func (r *sandboxBackupResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importByID(ctx, req, resp, "dr_sandbox_backup")
}

type sandboxBackupModel struct {
	ID                 types.String `tfsdk:"id"`
	IncludesSystemDisk types.Bool   `tfsdk:"includes_system_disk"`
	IsReplica          types.Bool   `tfsdk:"is_replica"`
	Kind               types.String `tfsdk:"kind"`
	Region             types.String `tfsdk:"region"`
	SizeGB             types.Int64  `tfsdk:"size_gb"`
	SourceID           types.String `tfsdk:"source_id"`
	Status             types.String `tfsdk:"status"`
	VaultID            types.String `tfsdk:"vault_id"`
}

func (m *sandboxBackupModel) fill(b platform.Backup) {
	m.ID = types.StringValue(b.ID)
	m.Kind = types.StringValue(b.Kind)
	m.SourceID = types.StringValue(b.SourceID)
	m.IncludesSystemDisk = types.BoolValue(b.IncludesSystemDisk)
	m.IsReplica = types.BoolValue(b.IsReplica)
	m.Status = types.StringValue(b.Status)
	m.Region = types.StringValue(b.Region)
	m.VaultID = types.StringValue(b.VaultID)
	m.SizeGB = types.Int64Value(b.SizeGB)
}

// ModifyPlan refuses the resource at plan on a platform other than the sandbox.
func (r *sandboxBackupResource) ModifyPlan(_ context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	planSandboxOnly(r.data, "dr_sandbox_backup", req, &resp.Diagnostics)
}
