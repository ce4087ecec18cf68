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
}

// listKind describes one DR kind to the generic list resource.
type listKind[T any] struct {
	typeName string // dr_replication_pair
	what     string // replication pair
	// region and groupID: whether the kind can be filtered by region / group_id.
	region     bool
	regionDesc string
	groupID    bool
	list       func(context.Context, *ProviderData) ([]T, error)
	kind       lifecycle.Kind
	state      func(T) lifecycle.State
	id         func(T) string
	name       func(T) string
	regions    func(T) []string
	group      func(T) string
	// fill writes the object into the resource's model and sets it on res.
	fill func(ctx context.Context, v T, nullTimeouts timeouts.Value, res *tfsdk.Resource) diag.Diagnostics
}

type drListResource[T any] struct {
	k    listKind[T]
	data *ProviderData
}

var (
	_ list.ListResourceWithConfigure = (*drListResource[platform.ReplicationPair])(nil)
)

// NewReplicationPairListResource lists dr_replication_pair objects.
func NewReplicationPairListResource() list.ListResource {
	return &drListResource[platform.ReplicationPair]{k: listKind[platform.ReplicationPair]{
		typeName: pairType, what: "replication pair", kind: lifecycle.ReplicationPair,
		region: true, regionDesc: "Only pairs with a volume in this region (`primary_region` or `secondary_region`).",
		groupID: true,
		list: func(ctx context.Context, p *ProviderData) ([]platform.ReplicationPair, error) {
			return p.Pairs.ListPairs(ctx)
		},
		state:   func(v platform.ReplicationPair) lifecycle.State { return v.State },
		id:      func(v platform.ReplicationPair) string { return v.ID },
		name:    func(v platform.ReplicationPair) string { return v.Name },
		regions: func(v platform.ReplicationPair) []string { return []string{v.PrimaryRegion, v.SecondaryRegion} },
		group:   func(v platform.ReplicationPair) string { return v.GroupID },
		fill: func(ctx context.Context, v platform.ReplicationPair, to timeouts.Value, res *tfsdk.Resource) diag.Diagnostics {
			var m pairModel
			m.fill(v)
			m.Timeouts = to
			m.PlannedOperations = types.ListNull(types.StringType) // as after an import: no plan operated it
			return res.Set(ctx, &m)
		},
	}}
}

// NewProtectionGroupListResource lists dr_protection_group objects.
func NewProtectionGroupListResource() list.ListResource {
	return &drListResource[platform.ProtectionGroup]{k: listKind[platform.ProtectionGroup]{
		typeName: groupType, what: "protection group", kind: lifecycle.ProtectionGroup,
		region: true, regionDesc: "Only groups with a site in this region (`source_region` or `target_region`).",
		list: func(ctx context.Context, p *ProviderData) ([]platform.ProtectionGroup, error) {
			return p.Groups.ListGroups(ctx)
		},
		state:   func(v platform.ProtectionGroup) lifecycle.State { return v.State },
		id:      func(v platform.ProtectionGroup) string { return v.ID },
		name:    func(v platform.ProtectionGroup) string { return v.Name },
		regions: func(v platform.ProtectionGroup) []string { return []string{v.SourceRegion, v.TargetRegion} },
		fill: func(ctx context.Context, v platform.ProtectionGroup, to timeouts.Value, res *tfsdk.Resource) diag.Diagnostics {
			var m groupModel
			diags := m.fill(v)
			m.Timeouts = to
			m.PlannedOperations = types.ListNull(types.StringType) // as after an import: no plan operated it
			diags.Append(res.Set(ctx, &m)...)
			return diags
		},
	}}
}

// NewBackupReplicaListResource lists dr_backup_replica objects.
func NewBackupReplicaListResource() list.ListResource {
	return &drListResource[platform.BackupReplica]{k: listKind[platform.BackupReplica]{
		typeName: replicaType, what: "backup replica", kind: lifecycle.BackupReplica,
		list: func(ctx context.Context, p *ProviderData) ([]platform.BackupReplica, error) {
			return p.Replicas.ListReplicas(ctx)
		},
		state: func(v platform.BackupReplica) lifecycle.State { return v.State },
		id:    func(v platform.BackupReplica) string { return v.ID },
		name:  func(v platform.BackupReplica) string { return v.Name },
		fill: func(ctx context.Context, v platform.BackupReplica, to timeouts.Value, res *tfsdk.Resource) diag.Diagnostics {
			var m replicaModel
			m.fill(v)
			m.Timeouts = to
			m.PlannedOperations = types.ListNull(types.StringType) // as after an import: no plan operated it
			return res.Set(ctx, &m)
		},
	}}
}

// NewRecoveryServerListResource lists dr_recovery_server objects.
func NewRecoveryServerListResource() list.ListResource {
	return &drListResource[platform.RecoveryServer]{k: listKind[platform.RecoveryServer]{
		typeName: rsType, what: "recovery server", kind: lifecycle.RecoveryServer,
		list: func(ctx context.Context, p *ProviderData) ([]platform.RecoveryServer, error) {
			return p.Servers.ListRecoveryServers(ctx)
		},
		state: func(v platform.RecoveryServer) lifecycle.State { return v.State },
		id:    func(v platform.RecoveryServer) string { return v.ID },
		name:  func(v platform.RecoveryServer) string { return v.Name },
		fill: func(ctx context.Context, v platform.RecoveryServer, to timeouts.Value, res *tfsdk.Resource) diag.Diagnostics {
			var m rsModel
			m.fill(v)
			m.Timeouts = to
			m.PlannedOperations = types.ListNull(types.StringType) // as after an import: no plan operated it
			return res.Set(ctx, &m)
		},
	}}
}

func (l *drListResource[T]) Metadata(_ context.Context, _ resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = l.k.typeName
}

func (l *drListResource[T]) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if req.ProviderData == nil {
		return
	}
	l.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (l *drListResource[T]) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	attrs := map[string]listschema.Attribute{
		"name_prefix": listschema.StringAttribute{
			MarkdownDescription: "Only " + l.k.what + "s whose name starts with this prefix (case-sensitive). Omit to list all.",
			Optional:            true,
			Validators:          []validator.String{stringvalidator.LengthBetween(1, 128)},
		},
	}
	if l.k.region {
		attrs["region"] = listschema.StringAttribute{
			MarkdownDescription: l.k.regionDesc, Optional: true, Validators: []validator.String{regionValidator()},
		}
	}
	if l.k.groupID {
		attrs["group_id"] = listschema.StringAttribute{
			MarkdownDescription: "Only pairs that belong to this protection group (its `id`).",
			Optional:            true, Validators: []validator.String{idValidator()},
		}
	}
	resp.Schema = listschema.Schema{
		MarkdownDescription: fmt.Sprintf("Lists the DR platform's %ss (Terraform ≥ 1.14, `terraform query`), "+
			"for example to adopt objects created outside Terraform: `terraform query -generate-config-out=generated.tf` "+
			"writes a `%s` resource and an `import` block (by identity) for each. Objects being deleted are not listed. "+
			"Results are ordered by name, then id.", l.k.what, l.k.typeName),
		Attributes: attrs,
	}
}

// filter reads the config block.
func (l *drListResource[T]) filter(ctx context.Context, cfg tfsdk.Config) (listFilter, diag.Diagnostics) {
	var f listFilter
	var diags diag.Diagnostics
	get := func(name string, to *string) {
		var v types.String
		diags.Append(cfg.GetAttribute(ctx, path.Root(name), &v)...)
		*to = v.ValueString()
	}
	get("name_prefix", &f.namePrefix)
	if l.k.region {
		get("region", &f.region)
	}
	if l.k.groupID {
		get("group_id", &f.groupID)
	}
	return f, diags
}

func (l *drListResource[T]) matches(f listFilter, v T) bool {
	if lifecycle.Gone(l.k.kind, l.k.state(v)) {
		return false
	}
	if f.namePrefix != "" && !strings.HasPrefix(l.k.name(v), f.namePrefix) {
		return false
	}
	if f.region != "" && !slices.Contains(l.k.regions(v), f.region) {
		return false
	}
	if f.groupID != "" && l.k.group(v) != f.groupID {
		return false
	}
	return true
}

// List streams the matching objects through the framework's push iterator, stopping at the
// request's limit (Terraform's `limit` argument; 0 means no limit) or when Terraform stops
// reading.
func (l *drListResource[T]) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var diags diag.Diagnostics
	if l.data == nil {
		diags.AddError("Provider not configured", l.k.typeName+" listing needs a configured dr provider.")
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	f, d := l.filter(ctx, req.Config)
	diags.Append(d...)
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	if (drEngine{kind: l.k.kind, typeName: l.k.typeName}).unsupported(l.data, &diags) {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	objs, err := l.k.list(ctx, l.data)
	if err != nil {
		addError(&diags, "listing", l.k.typeName, "", err)
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	slices.SortFunc(objs, func(a, b T) int {
		if c := strings.Compare(l.k.name(a), l.k.name(b)); c != 0 {
			return c
		}
		return strings.Compare(l.k.id(a), l.k.id(b))
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
			if !l.matches(f, v) {
				continue
			}
			n++
			res := req.NewListResult(ctx)
			res.DisplayName = l.k.name(v)
			res.Diagnostics.Append(res.Identity.Set(ctx, drIdentityModel{ID: types.StringValue(l.k.id(v))})...)
			if req.IncludeResource {
				res.Diagnostics.Append(l.k.fill(ctx, v, nullTimeouts, res.Resource)...)
			}
			if !push(res) {
				return
			}
		}
	}
}

// listResourceConstructors are the provider's list resources, one per DR kind.
var listResourceConstructors = []func() list.ListResource{
	NewReplicationPairListResource,
	NewProtectionGroupListResource,
	NewBackupReplicaListResource,
	NewRecoveryServerListResource,
}
