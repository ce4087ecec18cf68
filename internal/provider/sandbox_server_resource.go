package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// modifyPlan refuses at plan a power change the platform would refuse at apply: a server at a
// site that is down (SiteDown), or one whose protection group is failing over (R002-7).
func (sandboxServer) modifyPlan(ctx context.Context, inv platform.Inventory, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() {
		return
	}
	var plan, state sandboxServerModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || plan.PowerState.IsNull() || plan.PowerState.IsUnknown() || plan.PowerState.Equal(state.PowerState) {
		return
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
func NewSandboxServerResource() resource.Resource {
	return newSandboxResource[sandboxServerModel, *sandboxServerModel]("server", sandboxServer{}, platform.Inventory.GetServer, platform.Inventory.DeleteServer)
}

// sandboxServer is what dr_sandbox_server adds to the sandbox resource core.
type sandboxServer struct{}

func (sandboxServer) schema() schema.Schema {
	return schema.Schema{
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
			"eip": reported("Elastic (public) IP address the server currently holds; empty after a failover moved it to the DR-site twin."),
			"id":  fixed("Identifier of the server."),
			"ip":  reported("Private IP address the server currently holds."),
			"mac": reported("MAC address of the server's NIC."),
			"name": schema.StringAttribute{
				MarkdownDescription: "Name of the server (1 to 64 characters).",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthBetween(1, 64)},
			},
			"power_state": desired("Desired power state: `running` or `stopped`. Omit to observe only: the "+
				"current value is always reported and never causes a diff, so the configuration does not fight "+
				"the platform when a failover stops the server. A new server without it starts `running`. "+
				"Changing it is refused while the server's protection group is failing over, switching over or "+
				"reprotecting (R002-7), and fails for a server at a site that is down.", platform.PowerRunning, platform.PowerStopped),
			"site_id":    identity("The `dr_sandbox_site` the server runs in. Changing it replaces the server.", idValidator()),
			"volume_ids": reportedList("Volumes attached to the server (attach them with `dr_sandbox_volume.server_id`)."),
		},
	}
}

type sandboxServerModel struct {
	sandboxObject
	EIP        types.String `tfsdk:"eip"`
	IP         types.String `tfsdk:"ip"`
	MAC        types.String `tfsdk:"mac"`
	Name       types.String `tfsdk:"name"`
	PowerState types.String `tfsdk:"power_state"`
	SiteID     types.String `tfsdk:"site_id"`
	VolumeIDs  types.List   `tfsdk:"volume_ids"`
}

func (sandboxServer) fill(m *sandboxServerModel, s platform.Server) (diags diag.Diagnostics) {
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

// create makes the server; an omitted power_state is unknown here: the platform's default
// (running) applies.
func (sandboxServer) create(ctx context.Context, inv platform.Inventory, plan *sandboxServerModel) (platform.Server, error) {
	return inv.PutServer(ctx, platform.Server{
		SiteID: plan.SiteID.ValueString(), Name: plan.Name.ValueString(), PowerState: plan.PowerState.ValueString(),
	})
}

// update renames the server, then powers it as configured. Only a configured power_state is
// enforced; an omitted one is observed (the platform's failover may have stopped the server,
// and starting it at a site that is down fails).
func (sandboxServer) update(ctx context.Context, inv platform.Inventory, id string, plan *sandboxServerModel) (platform.Server, error) {
	s, err := inv.GetServer(ctx, id)
	if err == nil && s.Name != plan.Name.ValueString() {
		s.Name = plan.Name.ValueString()
		s, err = inv.PutServer(ctx, s)
	}
	if want := plan.PowerState; err == nil && !want.IsNull() && !want.IsUnknown() && s.PowerState != want.ValueString() {
		s, err = inv.SetServerPower(ctx, id, want.ValueString())
	}
	if platform.IsPreconditionFailed(err) {
		err = &attrError{at: pathPowerState, summary: "Cannot change the power state of dr_sandbox_server " + id, err: err}
	}
	return s, err
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
