package provider

import (
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// The attribute shapes the resources' schemas share, each written once.

// reported is a computed string the platform reports.
func reported(desc string) schema.StringAttribute {
	return schema.StringAttribute{MarkdownDescription: desc, Computed: true}
}

// reportedInt is a computed number the platform reports.
func reportedInt(desc string) schema.Int64Attribute {
	return schema.Int64Attribute{MarkdownDescription: desc, Computed: true}
}

// reportedBool is a computed boolean the platform reports.
func reportedBool(desc string) schema.BoolAttribute {
	return schema.BoolAttribute{MarkdownDescription: desc, Computed: true}
}

// reportedList is a computed list of strings the platform reports.
func reportedList(desc string) schema.ListAttribute {
	return schema.ListAttribute{MarkdownDescription: desc, Computed: true, ElementType: types.StringType}
}

// fixed is a computed string that never changes once known (an identifier, where the object
// lives): a plan keeps the state's value.
func fixed(desc string) schema.StringAttribute {
	return schema.StringAttribute{MarkdownDescription: desc, Computed: true,
		PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}}
}

// identity is a required string whose change replaces the object.
func identity(desc string, vs ...validator.String) schema.StringAttribute {
	return schema.StringAttribute{MarkdownDescription: desc, Required: true, Validators: vs,
		PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}}
}

// platformParam is an optional create parameter only some platforms have, reported back when
// the platform chose it (Huawei's domain_id, source_vpc_id, destination_project_id): changing
// it replaces the object.
func platformParam(desc string, vs ...validator.String) schema.StringAttribute {
	return schema.StringAttribute{MarkdownDescription: desc, Optional: true, Computed: true, Validators: vs,
		PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()}}
}

// desired is an optional desired-state attribute (one of values): set, it is reconciled;
// omitted, the current value is observed.
func desired(desc string, values ...string) schema.StringAttribute {
	return schema.StringAttribute{MarkdownDescription: desc, Optional: true, Computed: true,
		Validators: []validator.String{stringvalidator.OneOf(values...)}}
}

// optional is an optional string the platform takes as given.
func optional(desc string, vs ...validator.String) schema.StringAttribute {
	return schema.StringAttribute{MarkdownDescription: desc, Optional: true, Validators: vs}
}

// setting is an optional number with a default.
func setting(desc string, def int64, vs ...validator.Int64) schema.Int64Attribute {
	return schema.Int64Attribute{MarkdownDescription: desc, Optional: true, Computed: true, Default: int64default.StaticInt64(def), Validators: vs}
}

// flag is an optional boolean with a default.
func flag(desc string, def bool) schema.BoolAttribute {
	return schema.BoolAttribute{MarkdownDescription: desc, Optional: true, Computed: true, Default: booldefault.StaticBool(def)}
}

// replacesInt makes a change of the number replace the object.
func replacesInt(a schema.Int64Attribute) schema.Int64Attribute {
	a.PlanModifiers = []planmodifier.Int64{int64planmodifier.RequiresReplace()}
	return a
}
