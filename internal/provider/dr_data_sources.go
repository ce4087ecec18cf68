package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

var (
	_ datasource.DataSource              = (*drDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*drDataSource)(nil)
)

// dataSourceBase holds what every data source shares: its type name without the provider
// prefix and the provider data.
type dataSourceBase struct {
	name string // "readiness" for dr_readiness
	data *ProviderData
}

func (d *dataSourceBase) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + d.name
}

func (d *dataSourceBase) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// drDataSource exposes a DR kind's read model by ID, with the same attributes as its
// resource (derived from the resource's schema), so check blocks and lifecycle
// preconditions can use status, allowed_operations and lag.
type drDataSource struct {
	dataSourceBase
	newResource func() resource.Resource
	// read fetches the object and fills the resource's read model.
	read func(ctx context.Context, p *ProviderData, id string) (any, diag.Diagnostics, error)
}

// NewReplicationPairDataSource returns the dr_replication_pair data source.
func NewReplicationPairDataSource() datasource.DataSource {
	return newDRDataSource[pairModel, platform.ReplicationPair](pairKind{}, NewReplicationPairResource)
}

// NewProtectionGroupDataSource returns the dr_protection_group data source.
func NewProtectionGroupDataSource() datasource.DataSource {
	return newDRDataSource[groupModel, platform.ProtectionGroup](groupKind{}, NewProtectionGroupResource)
}

// NewBackupReplicaDataSource returns the dr_backup_replica data source.
func NewBackupReplicaDataSource() datasource.DataSource {
	return newDRDataSource[replicaModel, platform.BackupReplica](replicaKind{}, NewBackupReplicaResource)
}

// NewRecoveryServerDataSource returns the dr_recovery_server data source.
func NewRecoveryServerDataSource() datasource.DataSource {
	return newDRDataSource[rsModel, platform.RecoveryServer](rsKind{}, NewRecoveryServerResource)
}

// newDRDataSource is the data source of a DR kind: its read model, read and filled by the
// kind's own hooks (the resource's Read uses the same).
func newDRDataSource[M, O any](k drKind[M, O], newResource func() resource.Resource) *drDataSource {
	return &drDataSource{dataSourceBase: dataSourceBase{name: string(k.info().kind)}, newResource: newResource,
		read: func(ctx context.Context, p *ProviderData, id string) (any, diag.Diagnostics, error) {
			o, err := k.get(ctx, p, id)
			if err != nil {
				return nil, nil, err
			}
			var m M
			diags := k.fill(&m, o)
			return k.core(&m).Read, diags, nil
		}}
}

func (d *drDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	var rs resource.SchemaResponse
	d.newResource().Schema(ctx, resource.SchemaRequest{}, &rs)
	attrs := map[string]dsschema.Attribute{}
	for name, a := range rs.Schema.Attributes {
		if name == "planned_operations" {
			continue // what a plan of the resource will run: nothing a read reports
		}
		attrs[name] = readOnlyAttribute(a)
	}
	attrs["id"] = dsschema.StringAttribute{
		MarkdownDescription: "Identifier of the object to read.",
		Required:            true,
		Validators:          []validator.String{idValidator()},
	}
	resp.Schema = dsschema.Schema{
		MarkdownDescription: fmt.Sprintf("Reads a `dr_%s` by ID: the same attributes as the resource, as the platform "+
			"reports them now, so `check` blocks and `lifecycle` preconditions can use `status`, "+
			"`allowed_operations` and the replication facts. Desired-state attributes show the observed value.", d.name),
		Attributes: attrs,
	}
}

// readOnlyAttribute turns a resource attribute into a computed data source attribute with
// the same type and description.
func readOnlyAttribute(a rschema.Attribute) dsschema.Attribute {
	desc := a.GetMarkdownDescription()
	switch a := a.(type) {
	case rschema.StringAttribute:
		return dsschema.StringAttribute{Computed: true, MarkdownDescription: desc}
	case rschema.Int64Attribute:
		return dsschema.Int64Attribute{Computed: true, MarkdownDescription: desc}
	case rschema.BoolAttribute:
		return dsschema.BoolAttribute{Computed: true, MarkdownDescription: desc}
	case rschema.ListAttribute:
		return dsschema.ListAttribute{Computed: true, MarkdownDescription: desc, ElementType: a.ElementType}
	case rschema.MapAttribute:
		return dsschema.MapAttribute{Computed: true, MarkdownDescription: desc, ElementType: a.ElementType}
	case rschema.SetAttribute:
		return dsschema.SetAttribute{Computed: true, MarkdownDescription: desc, ElementType: a.ElementType}
	case rschema.ListNestedAttribute:
		nested := map[string]dsschema.Attribute{}
		for n, na := range a.NestedObject.Attributes {
			nested[n] = readOnlyAttribute(na)
		}
		return dsschema.ListNestedAttribute{Computed: true, MarkdownDescription: desc,
			NestedObject: dsschema.NestedAttributeObject{Attributes: nested}}
	case rschema.SingleNestedAttribute:
		nested := map[string]dsschema.Attribute{}
		for n, na := range a.Attributes {
			nested[n] = readOnlyAttribute(na)
		}
		return dsschema.SingleNestedAttribute{Computed: true, MarkdownDescription: desc, Attributes: nested}
	}
	panic(fmt.Sprintf("readOnlyAttribute: unsupported attribute type %T", a)) // a schema change without a case here
}

func (d *drDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var id string
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("id"), &id)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !configured(d.data, "dr_"+d.name, &resp.Diagnostics) {
		return
	}
	if (drEngine{kind: lifecycle.Kind(d.name), typeName: "dr_" + d.name}).unsupported(d.data, &resp.Diagnostics) {
		return
	}
	model, diags, err := d.read(ctx, d.data, id)
	if err != nil {
		if platform.IsNotFound(err) {
			resp.Diagnostics.AddAttributeError(path.Root("id"), "dr_"+d.name+" not found", fmt.Sprintf("No dr_%s with ID %q exists.", d.name, id))
			return
		}
		addError(&resp.Diagnostics, "reading", "dr_"+d.name, id, err)
		return
	}
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(resp.State.Set(ctx, model)...)
}
