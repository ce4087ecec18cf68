package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// dr_recovery_points lists a protected machine's recovery points, newest first, on every
// platform that has them (platform.RecoveryPoints: the sandbox; Acronis through the Vault
// Manager's backups, the DR_CLOUD_SERVER_RECOVERY_POINTS link of the machine's recovery
// server): what dr_recovery_server.recovery_point_id can name.

var (
	_ datasource.DataSource              = (*recoveryPointsDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*recoveryPointsDataSource)(nil)
)

// NewRecoveryPointsDataSource returns the dr_recovery_points data source.
func NewRecoveryPointsDataSource() datasource.DataSource {
	return &recoveryPointsDataSource{dataSourceBase{name: "recovery_points"}}
}

type recoveryPointsDataSource struct{ dataSourceBase }

var recoveryPointType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"id": types.StringType, "created_at": types.StringType, "backup_id": types.StringType, "type": types.StringType, "size_bytes": types.Int64Type,
}}

type recoveryPointsModel struct {
	MachineID      types.String `tfsdk:"machine_id"`
	RecoveryPoints types.List   `tfsdk:"recovery_points"`
	LatestID       types.String `tfsdk:"latest_id"`
}

func (d *recoveryPointsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The recovery points of a protected machine, newest first: what a `dr_recovery_server`'s " +
			"failover and test failover can start from (`recovery_point_id`). On the sandbox they are the machine's " +
			"available server backups; on Acronis the Vault Manager's backups of the machine, which its recovery " +
			"server's `DR_CLOUD_SERVER_RECOVERY_POINTS` link lists. A platform without recovery servers refuses it (V-PLATFORM).",
		Attributes: map[string]schema.Attribute{
			"machine_id": schema.StringAttribute{MarkdownDescription: "The protected machine (a `dr_recovery_server`'s `machine_id`).",
				Required: true, Validators: []validator.String{idValidator()}},
			"recovery_points": schema.ListNestedAttribute{
				MarkdownDescription: "Newest first.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id": schema.StringAttribute{Computed: true, MarkdownDescription: "What `recovery_point_id` names: a backup's ID on the " +
						"sandbox, `vault_id/archive_id/backup_id` on Acronis."},
					"created_at": schema.StringAttribute{Computed: true, MarkdownDescription: "When the backup was taken (RFC 3339)."},
					"backup_id":  schema.StringAttribute{Computed: true, MarkdownDescription: "The backup it is."},
					"type":       schema.StringAttribute{Computed: true, MarkdownDescription: "The backup's type (`full`, `incremental`, …; null when not reported)."},
					"size_bytes": schema.Int64Attribute{Computed: true, MarkdownDescription: "The backup's size (null when not reported)."},
				}},
			},
			"latest_id": schema.StringAttribute{Computed: true, MarkdownDescription: "The newest recovery point's `id` (null when there is none)."},
		},
	}
}

func (d *recoveryPointsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m recoveryPointsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !configured(d.data, "dr_recovery_points", &resp.Diagnostics) {
		return
	}
	if (drEngine{kind: lifecycle.RecoveryServer, typeName: "dr_recovery_points"}).unsupported(d.data, &resp.Diagnostics) {
		return
	}
	lister, ok := platform.RecoveryPointsOf(d.data.Platform)
	if !ok {
		resp.Diagnostics.AddError("V-PLATFORM: dr_recovery_points is not available on the "+d.data.PlatformName+" platform",
			fmt.Sprintf("The %s platform does not list recovery points to choose from.", d.data.PlatformName))
		return
	}
	pts, err := lister.ListRecoveryPoints(ctx, m.MachineID.ValueString())
	if err != nil {
		if platform.IsNotFound(err) {
			resp.Diagnostics.AddAttributeError(path.Root("machine_id"), "Machine not found", err.Error())
			return
		}
		addError(&resp.Diagnostics, "listing the recovery points of machine", "dr_recovery_points", m.MachineID.ValueString(), err)
		return
	}
	elems := make([]attr.Value, 0, len(pts))
	for _, p := range pts {
		size := types.Int64Null()
		if p.SizeBytes > 0 {
			size = types.Int64Value(p.SizeBytes)
		}
		elems = append(elems, types.ObjectValueMust(recoveryPointType.AttrTypes, map[string]attr.Value{
			"id": types.StringValue(p.ID), "created_at": timeString(p.CreatedAt), "backup_id": optionalString(p.BackupID),
			"type": optionalString(p.Type), "size_bytes": size}))
	}
	m.RecoveryPoints = types.ListValueMust(recoveryPointType, elems)
	m.LatestID = types.StringNull()
	if len(pts) > 0 {
		m.LatestID = types.StringValue(pts[0].ID)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
