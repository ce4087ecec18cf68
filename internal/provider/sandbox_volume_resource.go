package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

var (
	_ resource.Resource                = (*sandboxVolumeResource)(nil)
	_ resource.ResourceWithConfigure   = (*sandboxVolumeResource)(nil)
	_ resource.ResourceWithImportState = (*sandboxVolumeResource)(nil)
)

// NewSandboxVolumeResource returns the dr_sandbox_volume resource.
func NewSandboxVolumeResource() resource.Resource { return &sandboxVolumeResource{} }

type sandboxVolumeResource struct{ data *ProviderData }

func (r *sandboxVolumeResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_sandbox_volume"
}

func (r *sandboxVolumeResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A block volume (disk) at a site of the embedded sandbox DR platform, optionally " +
			"attached to a server. Volumes are what `dr_replication_pair` replicates. Works only on the sandbox platform.",
		Attributes: map[string]schema.Attribute{
			"encrypted": schema.BoolAttribute{
				MarkdownDescription: "Whether the volume is encrypted. Defaults to `false`. Changing it replaces the volume.",
				Optional:            true, Computed: true, Default: booldefault.StaticBool(false),
				PlanModifiers: []planmodifier.Bool{boolplanmodifier.RequiresReplace()},
			},
			"id": schema.StringAttribute{
				MarkdownDescription: "Identifier of the volume.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"server_id": schema.StringAttribute{
				MarkdownDescription: "The server the volume is attached to; omit to keep it detached. A replication " +
					"pair's standby volume must be detached to start replication (V-PAIR-START), and the original " +
					"primary volume must be detached to reprotect (V-PAIR-REPROT).",
				Optional:   true,
				Validators: []validator.String{idValidator()},
			},
			"site_id": schema.StringAttribute{
				MarkdownDescription: "The `dr_sandbox_site` the volume lives in. Changing it replaces the volume.",
				Required:            true,
				Validators:          []validator.String{idValidator()},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"size_gb": schema.Int64Attribute{
				MarkdownDescription: "Size in GiB (1 to 65536). The initial synchronisation of a pair takes time in proportion to it.",
				Required:            true,
				Validators:          []validator.Int64{int64validator.Between(1, 65536)},
			},
		},
	}
}

func (r *sandboxVolumeResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *sandboxVolumeResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan sandboxVolumeModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	inv := requireInventory(r.data, "dr_sandbox_volume", &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	v, err := inv.PutVolume(ctx, platform.Volume{
		SiteID: plan.SiteID.ValueString(), SizeGB: plan.SizeGB.ValueInt64(), Encrypted: plan.Encrypted.ValueBool(),
	})
	if err == nil && plan.ServerID.ValueString() != "" {
		v, err = inv.AttachVolume(ctx, v.ID, plan.ServerID.ValueString())
	}
	if err != nil {
		addError(&resp.Diagnostics, "creating", "dr_sandbox_volume", v.ID, err)
		if v.ID == "" {
			return
		}
	}
	plan.fill(v)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *sandboxVolumeResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state sandboxVolumeModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	inv := requireInventory(r.data, "dr_sandbox_volume", &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	v, err := inv.GetVolume(ctx, state.ID.ValueString())
	if removeIfGone(ctx, err, "dr_sandbox_volume", state.ID.ValueString(), resp) {
		return
	}
	if err != nil {
		addError(&resp.Diagnostics, "reading", "dr_sandbox_volume", state.ID.ValueString(), err)
		return
	}
	state.fill(v)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *sandboxVolumeResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state sandboxVolumeModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	inv := requireInventory(r.data, "dr_sandbox_volume", &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	v, err := inv.GetVolume(ctx, id)
	if err == nil && v.SizeGB != plan.SizeGB.ValueInt64() {
		v.SizeGB = plan.SizeGB.ValueInt64()
		v, err = inv.PutVolume(ctx, v)
	}
	if err == nil && v.ServerID != plan.ServerID.ValueString() {
		v, err = inv.AttachVolume(ctx, id, plan.ServerID.ValueString())
	}
	if err != nil {
		addError(&resp.Diagnostics, "updating", "dr_sandbox_volume", id, err)
		return
	}
	plan.fill(v)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *sandboxVolumeResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state sandboxVolumeModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	inv := requireInventory(r.data, "dr_sandbox_volume", &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	if err := inv.DeleteVolume(ctx, state.ID.ValueString()); err != nil && !platform.IsNotFound(err) {
		addError(&resp.Diagnostics, "deleting", "dr_sandbox_volume", state.ID.ValueString(), err)
	}
}

func (r *sandboxVolumeResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importByID(ctx, req, resp, "dr_sandbox_volume")
}

type sandboxVolumeModel struct {
	Encrypted types.Bool   `tfsdk:"encrypted"`
	ID        types.String `tfsdk:"id"`
	ServerID  types.String `tfsdk:"server_id"`
	SiteID    types.String `tfsdk:"site_id"`
	SizeGB    types.Int64  `tfsdk:"size_gb"`
}

func (m *sandboxVolumeModel) fill(v platform.Volume) {
	m.ID = types.StringValue(v.ID)
	m.SiteID = types.StringValue(v.SiteID)
	m.SizeGB = types.Int64Value(v.SizeGB)
	m.Encrypted = types.BoolValue(v.Encrypted)
	m.ServerID = optionalString(v.ServerID)
}

// optionalString maps "" to null, for optional attributes that the platform reports as empty.
func optionalString(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

// ModifyPlan refuses the resource at plan on a platform other than the sandbox.
func (r *sandboxVolumeResource) ModifyPlan(_ context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	planSandboxOnly(r.data, "dr_sandbox_volume", req, &resp.Diagnostics)
}
