package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

var (
	_ resource.Resource                = (*sandboxServerResource)(nil)
	_ resource.ResourceWithConfigure   = (*sandboxServerResource)(nil)
	_ resource.ResourceWithImportState = (*sandboxServerResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*sandboxServerResource)(nil)
)

// ModifyPlan refuses at plan a power change the platform would refuse at apply: a server at a
// site that is down (SiteDown), or one whose protection group is failing over (R002-7).
func (r *sandboxServerResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if !planSandboxOnly(r.data, "dr_sandbox_server", req, &resp.Diagnostics) {
		return
	}
	if r.data == nil || req.State.Raw.IsNull() || req.Plan.Raw.IsNull() {
		return
	}
	var plan, state sandboxServerModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || plan.PowerState.IsNull() || plan.PowerState.IsUnknown() || plan.PowerState.Equal(state.PowerState) {
		return
	}
	inv := r.data.Inventory
	if inv == nil {
		return // refused elsewhere: sandbox resources need the sandbox
	}
	if err := inv.CheckServerPower(ctx, state.ID.ValueString(), plan.PowerState.ValueString()); err != nil {
		if platform.IsPreconditionFailed(err) {
			resp.Diagnostics.AddAttributeError(pathPowerState, "Cannot change the power state of dr_sandbox_server "+state.ID.ValueString(),
				err.Error()+". Change it once the site is healthy again (a site restored in the same apply is not healthy yet at plan time).")
			return
		}
		addError(&resp.Diagnostics, "checking", "dr_sandbox_server", state.ID.ValueString(), err)
	}
}

// NewSandboxServerResource returns the dr_sandbox_server resource.
func NewSandboxServerResource() resource.Resource { return &sandboxServerResource{} }

type sandboxServerResource struct{ data *ProviderData }

func (r *sandboxServerResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_sandbox_server"
}

func (r *sandboxServerResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A server at a site of the embedded sandbox DR platform. Protect it with a " +
			"`dr_protection_group` (the platform creates its DR-site twin). Its `power_state` matters to DR: " +
			"a planned failover needs the production servers stopped (V-GRP-SWITCH) and a reprotect needs the " +
			"servers at the restored site stopped (R000-4). Its addresses move to the twin on failover " +
			"(R002-5), so they are read-only. Works only on the sandbox platform.\n\n" +
			"The platform changes servers on its own during DR operations, as the real services do: a group " +
			"**failover** stops the production servers that are still running (the site is down or being " +
			"abandoned) and moves their IP, EIP and MAC to their DR-site twins, which stay stopped until you " +
			"start them (R002-4, R002-5); a **planned failover** moves the addresses but changes no power " +
			"state (the production servers were already stopped); protecting a server creates its twin, " +
			"stopped; removing it from the group deletes the twin and gives the addresses back. Leave " +
			"`power_state` unset to let the platform own it (the current value is always reported and never " +
			"causes a diff); set it only for a server whose power you manage, knowing that a server the " +
			"platform stopped at a site that is down cannot be started (the apply fails).",
		Attributes: map[string]schema.Attribute{
			"eip": schema.StringAttribute{
				MarkdownDescription: "Elastic (public) IP address the server currently holds; empty after a failover moved it to the DR-site twin.",
				Computed:            true,
			},
			"id": schema.StringAttribute{
				MarkdownDescription: "Identifier of the server.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"ip": schema.StringAttribute{
				MarkdownDescription: "Private IP address the server currently holds.",
				Computed:            true,
			},
			"mac": schema.StringAttribute{
				MarkdownDescription: "MAC address of the server's NIC.",
				Computed:            true,
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Name of the server (1 to 64 characters).",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthBetween(1, 64)},
			},
			"power_state": schema.StringAttribute{
				MarkdownDescription: "Desired power state: `running` or `stopped`. Omit to observe only: the " +
					"current value is always reported and never causes a diff, so the configuration does not fight " +
					"the platform when a failover stops the server. A new server without it starts `running`. " +
					"Changing it is refused while the server's protection group is failing over, switching over or " +
					"reprotecting (R002-7), and fails for a server at a site that is down.",
				Optional: true, Computed: true,
				Validators: []validator.String{stringvalidator.OneOf(platform.PowerRunning, platform.PowerStopped)},
			},
			"site_id": schema.StringAttribute{
				MarkdownDescription: "The `dr_sandbox_site` the server runs in. Changing it replaces the server.",
				Required:            true,
				Validators:          []validator.String{idValidator()},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"volume_ids": schema.ListAttribute{
				MarkdownDescription: "Volumes attached to the server (attach them with `dr_sandbox_volume.server_id`).",
				Computed:            true,
				ElementType:         types.StringType,
			},
		},
	}
}

func (r *sandboxServerResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *sandboxServerResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan sandboxServerModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	inv := requireInventory(r.data, "dr_sandbox_server", &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	// An omitted power_state is unknown here: the platform's default (running) applies.
	s, err := inv.PutServer(ctx, platform.Server{
		SiteID: plan.SiteID.ValueString(), Name: plan.Name.ValueString(), PowerState: plan.PowerState.ValueString(),
	})
	if err != nil {
		addError(&resp.Diagnostics, "creating", "dr_sandbox_server", "", err)
		return
	}
	resp.Diagnostics.Append(plan.fill(s)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *sandboxServerResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state sandboxServerModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	inv := requireInventory(r.data, "dr_sandbox_server", &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	s, err := inv.GetServer(ctx, state.ID.ValueString())
	if removeIfGone(ctx, err, "dr_sandbox_server", state.ID.ValueString(), resp) {
		return
	}
	if err != nil {
		addError(&resp.Diagnostics, "reading", "dr_sandbox_server", state.ID.ValueString(), err)
		return
	}
	resp.Diagnostics.Append(state.fill(s)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *sandboxServerResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state sandboxServerModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	inv := requireInventory(r.data, "dr_sandbox_server", &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	s, err := inv.GetServer(ctx, id)
	if err == nil && s.Name != plan.Name.ValueString() {
		s.Name = plan.Name.ValueString()
		s, err = inv.PutServer(ctx, s)
	}
	// Only a configured power_state is enforced; an omitted one is observed (the platform's
	// failover may have stopped the server, and starting it at a site that is down fails).
	if want := plan.PowerState; err == nil && !want.IsNull() && !want.IsUnknown() && s.PowerState != want.ValueString() {
		s, err = inv.SetServerPower(ctx, id, want.ValueString())
	}
	if err != nil {
		if platform.IsPreconditionFailed(err) {
			resp.Diagnostics.AddAttributeError(pathPowerState, "Cannot change the power state of dr_sandbox_server "+id, err.Error())
			return
		}
		addError(&resp.Diagnostics, "updating", "dr_sandbox_server", id, err)
		return
	}
	resp.Diagnostics.Append(plan.fill(s)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *sandboxServerResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state sandboxServerModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	inv := requireInventory(r.data, "dr_sandbox_server", &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	if err := inv.DeleteServer(ctx, state.ID.ValueString()); err != nil && !platform.IsNotFound(err) {
		addError(&resp.Diagnostics, "deleting", "dr_sandbox_server", state.ID.ValueString(), err)
	}
}

func (r *sandboxServerResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importByID(ctx, req, resp, "dr_sandbox_server")
}

type sandboxServerModel struct {
	EIP        types.String `tfsdk:"eip"`
	ID         types.String `tfsdk:"id"`
	IP         types.String `tfsdk:"ip"`
	MAC        types.String `tfsdk:"mac"`
	Name       types.String `tfsdk:"name"`
	PowerState types.String `tfsdk:"power_state"`
	SiteID     types.String `tfsdk:"site_id"`
	VolumeIDs  types.List   `tfsdk:"volume_ids"`
}

func (m *sandboxServerModel) fill(s platform.Server) (diags diagList) {
	m.ID = types.StringValue(s.ID)
	m.Name = types.StringValue(s.Name)
	m.SiteID = types.StringValue(s.SiteID)
	m.PowerState = types.StringValue(s.PowerState)
	m.IP = types.StringValue(s.IP)
	m.EIP = types.StringValue(s.EIP)
	m.MAC = types.StringValue(s.MAC)
	m.VolumeIDs, diags = stringList(s.VolumeIDs)
	return diags
}

// stringList converts to a list attribute value; nil becomes an empty list.
func stringList(in []string) (types.List, diagList) {
	elems := make([]attr.Value, 0, len(in))
	for _, s := range in {
		elems = append(elems, types.StringValue(s))
	}
	return types.ListValue(types.StringType, elems)
}

var pathPowerState = path.Root("power_state")
