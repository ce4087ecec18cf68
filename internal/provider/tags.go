package provider

import (
	"context"
	"maps"

	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	pschema "github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// Tags follow the aws provider's convention: `tags` on the resource, `default_tags` in the
// provider block merged under them (the resource's win on the same key), and `tags_all` —
// what the object carries — in the plan and the state. A drift in the object's tags shows in
// tags_all and is corrected in place. Which kinds carry tags, and within which limits, is the
// platform's capability (lifecycle.Capabilities.Tags): tags it cannot keep are refused at
// plan (V-PARAMS), never dropped.

// tagsData is the tags half of every DR read model.
type tagsData struct {
	Tags    types.Map `tfsdk:"tags"`
	TagsAll types.Map `tfsdk:"tags_all"`
}

// defaultTags is the provider's default_tags block as configured: unknown while a value in it
// is known only after an apply (the resources' tags_all are then unknown).
type defaultTags struct {
	tags    map[string]string
	unknown bool
}

type defaultTagsModel struct {
	Tags types.Map `tfsdk:"tags"`
}

// defaultTagsBlock is the provider's default_tags block.
func defaultTagsBlock() pschema.Block {
	return pschema.SingleNestedBlock{
		MarkdownDescription: "Tags every DR resource of this provider configuration carries (the aws provider's " +
			"convention): merged under each resource's `tags`, a key set on the resource wins; each resource's " +
			"`tags_all` shows the result. A resource of a kind on which the platform keeps no tags is refused at " +
			"plan (V-PARAMS) while default tags are set.",
		Attributes: map[string]pschema.Attribute{
			"tags": pschema.MapAttribute{ElementType: types.StringType, Optional: true,
				MarkdownDescription: "The default tags (key/value).",
				Validators:          []validator.Map{mapvalidator.KeysAre(stringvalidator.LengthAtLeast(1))}},
		},
	}
}

// configuredDefaultTags reads the provider's default_tags block.
func configuredDefaultTags(m *defaultTagsModel) defaultTags {
	if m == nil || m.Tags.IsNull() {
		return defaultTags{}
	}
	if !mapKnown(m.Tags) {
		return defaultTags{unknown: true}
	}
	return defaultTags{tags: tagsOf(m.Tags)}
}

// tagsAttributes are the tags and tags_all attributes of a DR resource.
func tagsAttributes(attrs map[string]schema.Attribute, what string) map[string]schema.Attribute {
	attrs["tags"] = schema.MapAttribute{
		ElementType: types.StringType, Optional: true,
		MarkdownDescription: "Tags of the " + what + " (key/value labels: cost allocation, ownership, access policies). " +
			"The provider's `default_tags` are merged under them; a key set here wins. Changed in place. A platform " +
			"that keeps no tags on " + what + "s, or tags outside its limits (count, key and value length, reserved " +
			"prefixes), are refused at plan (V-PARAMS): on the sandbox at most 20 tags, keys of 1 to 128 characters, " +
			"values of at most 128, no `acs:`, `aliyun`, `_sys_` or `http(s)://` prefix.",
		Validators: []validator.Map{mapvalidator.KeysAre(stringvalidator.LengthAtLeast(1))},
	}
	attrs["tags_all"] = schema.MapAttribute{
		ElementType: types.StringType, Computed: true,
		MarkdownDescription: "Every tag the " + what + " carries: the provider's `default_tags` merged with `tags`. " +
			"A tag changed outside Terraform shows here and is set back in place.",
	}
	return attrs
}

// tagMap converts a platform's tags to a Terraform map (empty, not null, when there are none).
func tagMap(tags map[string]string) types.Map {
	elems := make(map[string]attr.Value, len(tags))
	for k, v := range tags {
		elems[k] = types.StringValue(v)
	}
	return types.MapValueMust(types.StringType, elems)
}

// mapKnown reports whether m and every element of it are known.
func mapKnown(m types.Map) bool {
	if m.IsUnknown() {
		return false
	}
	for _, v := range m.Elements() {
		if v.IsUnknown() {
			return false
		}
	}
	return true
}

// tagsOf reads a known Terraform map of strings.
func tagsOf(m types.Map) map[string]string {
	if m.IsNull() || m.IsUnknown() {
		return nil
	}
	out := make(map[string]string, len(m.Elements()))
	for k, v := range m.Elements() {
		if s, ok := v.(types.String); ok {
			out[k] = s.ValueString()
		}
	}
	return out
}

// observed writes what the platform reports into a read model: tags_all is every tag; tags
// (what the data source reports, and the resource before ownTags) the same.
func (t *tagsData) observed(tags map[string]string) {
	t.TagsAll = tagMap(tags)
	t.Tags = tagMap(tags)
}

// ownTags makes a resource's tags the object's tags that are its own, not the provider's
// defaults: a tag with a default's key and value is the default's unless the resource's
// prior tags (its state or its configuration) set that key too. An empty result keeps the
// prior's form (null, or an empty map).
func (t *tagsData) ownTags(prior types.Map, defaults map[string]string) {
	all := tagsOf(t.TagsAll)
	mine := tagsOf(prior)
	own := map[string]string{}
	for k, v := range all {
		if d, isDefault := defaults[k]; isDefault && d == v {
			if _, set := mine[k]; !set {
				continue
			}
		}
		own[k] = v
	}
	if len(own) == 0 && (prior.IsNull() || prior.IsUnknown()) {
		t.Tags = types.MapNull(types.StringType)
		return
	}
	t.Tags = tagMap(own)
}

// planTags plans tags_all (the provider's defaults merged under the resource's tags) and
// refuses at plan, at tags, what the platform cannot keep (V-PARAMS). It returns the planned
// tags and whether they are known.
func (r *drResource[M, O]) planTags(ctx context.Context, plan *M, create bool, resp *resource.ModifyPlanResponse) (map[string]string, bool) {
	c := r.k.core(plan)
	if c.Tags == nil {
		return nil, true
	}
	if !mapKnown(c.Tags.Tags) || r.data.defaultTags.unknown {
		c.Tags.TagsAll = types.MapUnknown(types.StringType)
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("tags_all"), c.Tags.TagsAll)...)
		return nil, false
	}
	all := lifecycle.MergeTags(r.data.defaultTags.tags, tagsOf(c.Tags.Tags))
	if v := tagMap(all); !v.Equal(c.Tags.TagsAll) { // the plan has it already: nothing to write
		c.Tags.TagsAll = v
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("tags_all"), c.Tags.TagsAll)...)
	}
	op := lifecycle.OpUpdate
	if create {
		op = lifecycle.OpCreate
	}
	obs := lifecycle.Observation{Kind: r.i.kind, ID: c.ID.ValueString(), Name: c.Name.ValueString()}
	addViolationsAt(&resp.Diagnostics, r.where(path.Root("tags")), r.i.typeName,
		lifecycle.CheckTags(r.i.kind, op, obs, all, r.options(plan)))
	return all, true
}

// createTags are the tags a create gives the new object (the plan's tags_all).
func createTags(t tagsData) map[string]string {
	tags := tagsOf(t.TagsAll)
	if len(tags) == 0 {
		return nil
	}
	return tags
}

// updateTags sets the object's tags to the plan's tags_all when they differ from the state's:
// a change of tags or default_tags, or a drift the refresh found.
func (r *drResource[M, O]) updateTags(ctx context.Context, id string, plan, state *M, diags *diag.Diagnostics) {
	p, s := r.k.core(plan).Tags, r.k.core(state).Tags
	if p == nil || p.TagsAll.IsUnknown() {
		return
	}
	want := tagsOf(p.TagsAll)
	if maps.Equal(want, tagsOf(s.TagsAll)) {
		return
	}
	t, ok := r.data.Platform.(platform.Tagger)
	if !ok {
		diags.AddAttributeError(path.Root("tags"), "Cannot set the tags of "+r.i.typeName+" "+id,
			"The "+r.data.PlatformName+" platform keeps no tags. Remove the tags.")
		return
	}
	if err := t.SetTags(ctx, r.i.kind, id, want); err != nil {
		addError(diags, "tagging", r.i.typeName, id, err)
	}
}
