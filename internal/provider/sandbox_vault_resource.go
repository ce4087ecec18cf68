package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

var (
	_ resource.Resource                = (*sandboxVaultResource)(nil)
	_ resource.ResourceWithConfigure   = (*sandboxVaultResource)(nil)
	_ resource.ResourceWithImportState = (*sandboxVaultResource)(nil)
)

// NewSandboxVaultResource returns the dr_sandbox_vault resource.
func NewSandboxVaultResource() resource.Resource { return &sandboxVaultResource{} }

type sandboxVaultResource struct{ data *ProviderData }

func (r *sandboxVaultResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_sandbox_vault"
}

func (r *sandboxVaultResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A backup vault in a region of the embedded sandbox DR platform. Backups live in " +
			"`backup` vaults; cross-region replicas go to a `replication` vault in the destination region " +
			"(R003-11). Works only on the sandbox platform.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "Identifier of the vault.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"purpose": schema.StringAttribute{
				MarkdownDescription: "`backup` or `replication`. Changing it replaces the vault.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.OneOf(platform.VaultBackup, platform.VaultReplication)},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"region": schema.StringAttribute{
				MarkdownDescription: "Region of the vault. Changing it replaces the vault.",
				Required:            true,
				Validators:          []validator.String{regionValidator()},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
		},
	}
}

func (r *sandboxVaultResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *sandboxVaultResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan sandboxVaultModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	inv := requireInventory(r.data, "dr_sandbox_vault", &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	v, err := inv.PutVault(ctx, platform.Vault{Region: plan.Region.ValueString(), Purpose: plan.Purpose.ValueString()})
	if err != nil {
		addError(&resp.Diagnostics, "creating", "dr_sandbox_vault", "", err)
		return
	}
	plan.fill(v)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *sandboxVaultResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state sandboxVaultModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	inv := requireInventory(r.data, "dr_sandbox_vault", &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	v, err := inv.GetVault(ctx, state.ID.ValueString())
	if removeIfGone(ctx, err, "dr_sandbox_vault", state.ID.ValueString(), resp) {
		return
	}
	if err != nil {
		addError(&resp.Diagnostics, "reading", "dr_sandbox_vault", state.ID.ValueString(), err)
		return
	}
	state.fill(v)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update is never called: every attribute forces replacement.
func (r *sandboxVaultResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan sandboxVaultModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *sandboxVaultResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state sandboxVaultModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	inv := requireInventory(r.data, "dr_sandbox_vault", &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	if err := inv.DeleteVault(ctx, state.ID.ValueString()); err != nil && !platform.IsNotFound(err) {
		addError(&resp.Diagnostics, "deleting", "dr_sandbox_vault", state.ID.ValueString(), err)
	}
}

func (r *sandboxVaultResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importByID(ctx, req, resp, "dr_sandbox_vault")
}

type sandboxVaultModel struct {
	ID      types.String `tfsdk:"id"`
	Purpose types.String `tfsdk:"purpose"`
	Region  types.String `tfsdk:"region"`
}

func (m *sandboxVaultModel) fill(v platform.Vault) {
	m.ID = types.StringValue(v.ID)
	m.Purpose = types.StringValue(v.Purpose)
	m.Region = types.StringValue(v.Region)
}

// ModifyPlan refuses the resource at plan on a platform other than the sandbox.
func (r *sandboxVaultResource) ModifyPlan(_ context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	planSandboxOnly(r.data, "dr_sandbox_vault", req, &resp.Diagnostics)
}
