package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// List resources (Terraform >= 1.14, `terraform query` with a .tfquery.hcl file): one per DR
// kind, with the managed resource's type name. Each enumerates the platform's objects of its
// kind, keeps those matching the filters of its config block, and returns their identities
// ({id}) and, when Terraform asks for them (-generate-config-out, include_resource = true),
// the full resource objects, filled by the same code as the resource's Read.

// listFilter is the config block of a list resource: only the filters the kind has are set.
type listFilter struct {
	namePrefix string
	region     string
	groupID    string
	tags       map[string]string
	// resourceGroupID: only objects in this resource group (kinds with resource_group_id)
	resourceGroupID string
}

// drListResource lists the objects of one DR kind, with the kind's own hooks (drKind).
type drListResource[M, O any] struct {
	k    drKind[M, O]
	i    drInfo
	data *ProviderData
}

func newDRListResource[M, O any](k drKind[M, O]) *drListResource[M, O] {
	return &drListResource[M, O]{k: k, i: k.info()}
}

var (
	_ list.ListResourceWithConfigure = (*drListResource[pairModel, platform.ReplicationPair])(nil)
)

// NewReplicationPairListResource lists dr_replication_pair objects.
func NewReplicationPairListResource() list.ListResource {
	return newDRListResource[pairModel, platform.ReplicationPair](pairKind{})
}

// NewProtectionGroupListResource lists dr_protection_group objects.
func NewProtectionGroupListResource() list.ListResource {
	return newDRListResource[groupModel, platform.ProtectionGroup](groupKind{})
}

// NewBackupReplicaListResource lists dr_backup_replica objects.
func NewBackupReplicaListResource() list.ListResource {
	return newDRListResource[replicaModel, platform.BackupReplica](replicaKind{})
}

// NewRecoveryServerListResource lists dr_recovery_server objects.
func NewRecoveryServerListResource() list.ListResource {
	return newDRListResource[rsModel, platform.RecoveryServer](rsKind{})
}

func (l *drListResource[M, O]) Metadata(_ context.Context, _ resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = l.i.typeName
}

func (l *drListResource[M, O]) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if req.ProviderData == nil {
		return
	}
	l.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (l *drListResource[M, O]) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	attrs := map[string]listschema.Attribute{
		"name_prefix": listschema.StringAttribute{
			MarkdownDescription: "Only " + l.i.what + "s whose name starts with this prefix (case-sensitive). Omit to list all.",
			Optional:            true,
			Validators:          []validator.String{stringvalidator.LengthBetween(1, 128)},
		},
	}
	attrs["tags"] = listschema.MapAttribute{
		MarkdownDescription: "Only " + l.i.what + "s that carry every one of these tags (key and value).",
		Optional:            true, ElementType: types.StringType,
	}
	l.listResourceGroupAttribute(attrs)
	if l.i.listRegion != "" {
		attrs["region"] = listschema.StringAttribute{
			MarkdownDescription: l.i.listRegion, Optional: true, Validators: []validator.String{regionValidator()},
		}
	}
	if l.i.listGroup {
		attrs["group_id"] = listschema.StringAttribute{
			MarkdownDescription: "Only pairs that belong to this protection group (its `id`).",
			Optional:            true, Validators: []validator.String{idValidator()},
		}
	}
	resp.Schema = listschema.Schema{
		MarkdownDescription: fmt.Sprintf("Lists the DR platform's %ss (Terraform ≥ 1.14, `terraform query`), "+
			"for example to adopt objects created outside Terraform: `terraform query -generate-config-out=generated.tf` "+
			"writes a `%s` resource and an `import` block (by identity) for each. Objects being deleted are not listed. "+
			"Results are ordered by name, then id.", l.i.what, l.i.typeName),
		Attributes: attrs,
	}
}

// filter reads the config block.
func (l *drListResource[M, O]) filter(ctx context.Context, cfg tfsdk.Config) (listFilter, diag.Diagnostics) {
	var f listFilter
	var diags diag.Diagnostics
	get := func(name string, to *string) {
		var v types.String
		diags.Append(cfg.GetAttribute(ctx, path.Root(name), &v)...)
		*to = v.ValueString()
	}
	get("name_prefix", &f.namePrefix)
	var tags types.Map
	diags.Append(cfg.GetAttribute(ctx, path.Root("tags"), &tags)...)
	f.tags = tagsOf(tags)
	if l.k.core(new(M)).ResourceGroup != nil {
		get(lifecycle.ParamResourceGroupID, &f.resourceGroupID)
	}
	if l.i.listRegion != "" {
		get("region", &f.region)
	}
	if l.i.listGroup {
		get("group_id", &f.groupID)
	}
	return f, diags
}

func (l *drListResource[M, O]) matches(f listFilter, v drView) bool {
	switch {
	case lifecycle.Gone(l.i.kind, v.State),
		f.namePrefix != "" && !strings.HasPrefix(v.Name, f.namePrefix),
		f.region != "" && !slices.Contains(v.Regions, f.region),
		f.groupID != "" && v.GroupID != f.groupID,
		f.resourceGroupID != "" && v.ResourceGroupID != f.resourceGroupID:
		return false
	}
	for k, want := range f.tags {
		if got, ok := v.Tags[k]; !ok || got != want {
			return false
		}
	}
	return true
}

// List streams the matching objects through the framework's push iterator, stopping at the
// request's limit (Terraform's `limit` argument; 0 means no limit) or when Terraform stops
// reading.
func (l *drListResource[M, O]) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var diags diag.Diagnostics
	if !configured(l.data, l.i.typeName+" listing", &diags) {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	f, d := l.filter(ctx, req.Config)
	diags.Append(d...)
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	if (drEngine{kind: l.i.kind, typeName: l.i.typeName}).unsupported(l.data, &diags) {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	objs, err := l.k.list(ctx, l.data)
	if err != nil {
		addError(&diags, "listing", l.i.typeName, "", err)
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	slices.SortFunc(objs, func(a, b O) int {
		va, vb := l.k.view(a), l.k.view(b)
		if c := strings.Compare(va.Name, vb.Name); c != 0 {
			return c
		}
		return strings.Compare(va.ID, vb.ID)
	})
	var nullTimeouts timeouts.Value
	if req.IncludeResource {
		t, d := req.ResourceSchema.TypeAtPath(ctx, path.Root("timeouts"))
		if d.HasError() {
			stream.Results = list.ListResultsStreamDiagnostics(d)
			return
		}
		var attrTypes map[string]attr.Type
		if ot, ok := t.(attr.TypeWithAttributeTypes); ok {
			attrTypes = ot.AttributeTypes()
		}
		nullTimeouts = timeouts.Value{Object: types.ObjectNull(attrTypes)}
	}
	stream.Results = func(push func(list.ListResult) bool) {
		var n int64
		for _, v := range objs {
			if req.Limit > 0 && n >= req.Limit {
				return
			}
			view := l.k.view(v)
			if !l.matches(f, view) {
				continue
			}
			n++
			res := req.NewListResult(ctx)
			res.DisplayName = view.Name
			res.Diagnostics.Append(res.Identity.Set(ctx, drIdentityModel{ID: types.StringValue(view.ID)})...)
			if req.IncludeResource {
				res.Diagnostics.Append(l.fill(ctx, v, nullTimeouts, res.Resource)...)
			}
			if !push(res) {
				return
			}
		}
	}
}

// fill writes the object into the resource's model, as an import leaves it: no timeouts, and
// no planned operations (no plan operated it).
func (l *drListResource[M, O]) fill(ctx context.Context, v O, nullTimeouts timeouts.Value, res *tfsdk.Resource) diag.Diagnostics {
	var m M
	diags := l.k.fill(&m, v)
	c := l.k.core(&m)
	*c.Timeouts = nullTimeouts
	*c.Planned = types.ListNull(types.StringType)
	if c.Tags != nil {
		c.Tags.ownTags(types.MapNull(types.StringType), l.data.defaultTags.tags)
	}
	diags.Append(res.Set(ctx, &m)...)
	return diags
}

// listResourceConstructors are the provider's list resources, one per DR kind.
var listResourceConstructors = []func() list.ListResource{
	NewReplicationPairListResource,
	NewProtectionGroupListResource,
	NewBackupReplicaListResource,
	NewRecoveryServerListResource,
}
