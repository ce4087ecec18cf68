package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// Resource groups (Alibaba Cloud's enterprise resource groups): `resource_group_id` on the
// kinds whose model has one (drCore.ResourceGroup: pairs and protection groups). Given at
// create, read back, moved in place (platform.ResourceGrouper) when it changes or drifts.
// Which kinds of a platform belong to a group is its capability (lifecycle.Capabilities.
// ResourceGroups): a group the platform cannot keep is refused at plan (V-PARAMS,
// lifecycle.CheckResourceGroup), never dropped.

// resourceGroupAttribute is the resource_group_id attribute of a DR resource.
func resourceGroupAttribute(what string) schema.StringAttribute {
	return schema.StringAttribute{
		Optional: true, Computed: true,
		MarkdownDescription: "The resource group the " + what + " belongs to (Alibaba Cloud: the enterprise resource group, " +
			"`ResourceGroupId`). Omit to put it in the platform's default group and only observe it; set it to move the " +
			what + " there in place (`ChangeResourceGroup`) — a move made outside Terraform is set back. Refused at plan " +
			"(V-PARAMS) on a platform without resource groups (Huawei Cloud SDRS, Acronis). The sandbox keeps one too " +
			"(default `rg-default`; lowercase letters, digits and `-`).",
		Validators:    []validator.String{stringvalidator.LengthBetween(1, 128)},
		PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
}

// hasResourceGroup reports whether the kind's model has resource_group_id.
func (r *drResource[M, O]) hasResourceGroup() bool { return r.k.core(new(M)).ResourceGroup != nil }

// planResourceGroup refuses at plan, at resource_group_id, a group the platform cannot keep on
// the object (V-PARAMS): checked on create and when the configuration changes it.
func (r *drResource[M, O]) planResourceGroup(plan, state *M, create bool, diags *diag.Diagnostics) {
	c := r.k.core(plan)
	if c.ResourceGroup == nil || c.ResourceGroup.IsUnknown() || c.ResourceGroup.IsNull() {
		return
	}
	want := c.ResourceGroup.ValueString()
	op := lifecycle.OpCreate
	if !create {
		if s := r.k.core(state).ResourceGroup; s != nil && s.ValueString() == want {
			return // where the object is: nothing to move
		}
		op = lifecycle.OpUpdate
	}
	obs := lifecycle.Observation{Kind: r.i.kind, ID: c.ID.ValueString(), Name: c.Name.ValueString()}
	addViolationsAt(diags, r.where(path.Root(lifecycle.ParamResourceGroupID)), r.i.typeName,
		lifecycle.CheckResourceGroup(r.i.kind, op, obs, want, r.options(plan)))
}

// createResourceGroup is the resource group a create puts the new object in ("": the
// platform's default).
func createResourceGroup(v types.String) string {
	if v.IsNull() || v.IsUnknown() {
		return ""
	}
	return v.ValueString()
}

// updateResourceGroup moves the object to the plan's resource group when it differs from the
// state's: a change of the configuration, or a move outside Terraform the refresh found.
func (r *drResource[M, O]) updateResourceGroup(ctx context.Context, id string, plan, state *M, diags *diag.Diagnostics) {
	p, s := r.k.core(plan).ResourceGroup, r.k.core(state).ResourceGroup
	if p == nil || p.IsUnknown() || p.IsNull() || p.ValueString() == s.ValueString() {
		return
	}
	g, ok := r.data.Platform.(platform.ResourceGrouper)
	if !ok {
		diags.AddAttributeError(path.Root(lifecycle.ParamResourceGroupID), "Cannot move "+r.i.typeName+" "+id+" to another resource group",
			"The "+r.data.PlatformName+" platform has no resource groups. Remove resource_group_id.")
		return
	}
	if err := g.ChangeResourceGroup(ctx, r.i.kind, id, p.ValueString()); err != nil {
		addError(diags, "moving to resource group "+p.ValueString(), r.i.typeName, id, err)
	}
}

// listResourceGroupAttribute adds the resource_group_id filter of a list resource whose kind
// has one.
func (l *drListResource[M, O]) listResourceGroupAttribute(attrs map[string]listschema.Attribute) {
	if l.k.core(new(M)).ResourceGroup == nil {
		return
	}
	attrs[lifecycle.ParamResourceGroupID] = listschema.StringAttribute{
		MarkdownDescription: "Only " + l.i.what + "s in this resource group (`resource_group_id`).",
		Optional:            true, Validators: []validator.String{stringvalidator.LengthBetween(1, 128)},
	}
}
