package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

var (
	_ resource.Resource                = (*sandboxSiteResource)(nil)
	_ resource.ResourceWithConfigure   = (*sandboxSiteResource)(nil)
	_ resource.ResourceWithImportState = (*sandboxSiteResource)(nil)
)

// NewSandboxSiteResource returns the dr_sandbox_site resource.
func NewSandboxSiteResource() resource.Resource { return &sandboxSiteResource{} }

type sandboxSiteResource struct{ data *ProviderData }

func (r *sandboxSiteResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_sandbox_site"
}

func (r *sandboxSiteResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A site (region and availability zone) of the embedded sandbox DR platform. Setting " +
			"`healthy = false` simulates an outage of the whole site; setting it back restores it. Works only " +
			"on the sandbox platform.",
		Attributes: map[string]schema.Attribute{
			"healthy": schema.BoolAttribute{
				MarkdownDescription: "Whether the site is up. `false` simulates an outage: its servers are " +
					"unreachable and replication to or from it stops. Defaults to `true`.",
				Optional: true, Computed: true, Default: booldefault.StaticBool(true),
			},
			"id": schema.StringAttribute{
				MarkdownDescription: "Identifier of the site.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"region": schema.StringAttribute{
				MarkdownDescription: "Region of the site, e.g. `cn-shanghai`. Changing it replaces the site.",
				Required:            true,
				Validators:          []validator.String{regionValidator()},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"replication_capable": schema.BoolAttribute{
				MarkdownDescription: "Whether the site's region supports replication (R001-5, R003-2). Defaults to `true`.",
				Optional:            true, Computed: true, Default: booldefault.StaticBool(true),
			},
			"zone": schema.StringAttribute{
				MarkdownDescription: "Availability zone of the site, e.g. `cn-shanghai-a`. Changing it replaces the site.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthBetween(1, 64), regionValidator()},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
		},
	}
}

func (r *sandboxSiteResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *sandboxSiteResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan sandboxSiteModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	inv := requireInventory(r.data, "dr_sandbox_site", &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	site, err := inv.PutSite(ctx, platform.Site{
		Region: plan.Region.ValueString(), Zone: plan.Zone.ValueString(),
		Healthy: plan.Healthy.ValueBool(), ReplicationCapable: plan.ReplicationCapable.ValueBool(),
	})
	if err != nil {
		addError(&resp.Diagnostics, "creating", "dr_sandbox_site", "", err)
		return
	}
	plan.fill(site)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *sandboxSiteResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state sandboxSiteModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	inv := requireInventory(r.data, "dr_sandbox_site", &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	site, err := inv.GetSite(ctx, state.ID.ValueString())
	if removeIfGone(ctx, err, "dr_sandbox_site", state.ID.ValueString(), resp) {
		return
	}
	if err != nil {
		addError(&resp.Diagnostics, "reading", "dr_sandbox_site", state.ID.ValueString(), err)
		return
	}
	state.fill(site)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *sandboxSiteResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state sandboxSiteModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	inv := requireInventory(r.data, "dr_sandbox_site", &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	site, err := inv.GetSite(ctx, id)
	if err == nil && site.ReplicationCapable != plan.ReplicationCapable.ValueBool() {
		site.ReplicationCapable = plan.ReplicationCapable.ValueBool()
		site, err = inv.PutSite(ctx, site)
	}
	if err == nil && site.Healthy != plan.Healthy.ValueBool() {
		site, err = inv.SetSiteHealth(ctx, id, plan.Healthy.ValueBool())
	}
	if err != nil {
		addError(&resp.Diagnostics, "updating", "dr_sandbox_site", id, err)
		return
	}
	plan.fill(site)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *sandboxSiteResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state sandboxSiteModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	inv := requireInventory(r.data, "dr_sandbox_site", &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	if err := inv.DeleteSite(ctx, state.ID.ValueString()); err != nil && !platform.IsNotFound(err) {
		addError(&resp.Diagnostics, "deleting", "dr_sandbox_site", state.ID.ValueString(), err)
	}
}

func (r *sandboxSiteResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importByID(ctx, req, resp, "dr_sandbox_site")
}

type sandboxSiteModel struct {
	Healthy            types.Bool   `tfsdk:"healthy"`
	ID                 types.String `tfsdk:"id"`
	Region             types.String `tfsdk:"region"`
	ReplicationCapable types.Bool   `tfsdk:"replication_capable"`
	Zone               types.String `tfsdk:"zone"`
}

func (m *sandboxSiteModel) fill(s platform.Site) {
	m.ID = types.StringValue(s.ID)
	m.Region = types.StringValue(s.Region)
	m.Zone = types.StringValue(s.Zone)
	m.Healthy = types.BoolValue(s.Healthy)
	m.ReplicationCapable = types.BoolValue(s.ReplicationCapable)
}

// ModifyPlan refuses the resource at plan on a platform other than the sandbox.
func (r *sandboxSiteResource) ModifyPlan(_ context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	planSandboxOnly(r.data, "dr_sandbox_site", req, &resp.Diagnostics)
}
