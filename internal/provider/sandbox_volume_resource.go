package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// NewSandboxVolumeResource returns the dr_sandbox_volume resource.
func NewSandboxVolumeResource() resource.Resource {
	return newSandboxResource[sandboxVolumeModel, *sandboxVolumeModel]("volume", sandboxVolume{}, platform.Inventory.GetVolume, platform.Inventory.DeleteVolume)
}

// sandboxVolume is what dr_sandbox_volume adds to the sandbox resource core.
type sandboxVolume struct{}

func (sandboxVolume) schema() schema.Schema {
	return schema.Schema{
		MarkdownDescription: "A block volume (disk) at a site of the embedded sandbox DR platform, optionally " +
			"attached to a server. Volumes are what `dr_replication_pair` replicates. Works only on the sandbox platform.",
		Attributes: map[string]schema.Attribute{
			"encrypted": schema.BoolAttribute{
				MarkdownDescription: "Whether the volume is encrypted. Defaults to `false`. Changing it replaces the volume.",
				Optional:            true, Computed: true, Default: booldefault.StaticBool(false),
				PlanModifiers: []planmodifier.Bool{boolplanmodifier.RequiresReplace()},
			},
			"id": fixed("Identifier of the volume."),
			"server_id": optional("The server the volume is attached to; omit to keep it detached. A replication "+
				"pair's standby volume must be detached to start replication (V-PAIR-START), and the original "+
				"primary volume must be detached to reprotect (V-PAIR-REPROT).", idValidator()),
			"site_id": identity("The `dr_sandbox_site` the volume lives in. Changing it replaces the volume.", idValidator()),
			"size_gb": schema.Int64Attribute{
				MarkdownDescription: "Size in GiB (1 to 65536). The initial synchronisation of a pair takes time in proportion to it.",
				Required:            true,
				Validators:          []validator.Int64{int64validator.Between(1, 65536)},
			},
		},
	}
}

type sandboxVolumeModel struct {
	sandboxObject
	Encrypted types.Bool   `tfsdk:"encrypted"`
	ServerID  types.String `tfsdk:"server_id"`
	SiteID    types.String `tfsdk:"site_id"`
	SizeGB    types.Int64  `tfsdk:"size_gb"`
}

func (sandboxVolume) fill(m *sandboxVolumeModel, v platform.Volume) diag.Diagnostics {
	m.ID = types.StringValue(v.ID)
	m.SiteID = types.StringValue(v.SiteID)
	m.SizeGB = types.Int64Value(v.SizeGB)
	m.Encrypted = types.BoolValue(v.Encrypted)
	m.ServerID = optionalString(v.ServerID)
	return nil
}

// create makes the volume, then attaches it to its server (a failed attachment leaves the
// volume made: it is saved, and the error reported).
func (sandboxVolume) create(ctx context.Context, inv platform.Inventory, plan *sandboxVolumeModel) (platform.Volume, error) {
	v, err := inv.PutVolume(ctx, platform.Volume{
		SiteID: plan.SiteID.ValueString(), SizeGB: plan.SizeGB.ValueInt64(), Encrypted: plan.Encrypted.ValueBool(),
	})
	if err == nil && plan.ServerID.ValueString() != "" {
		v, err = inv.AttachVolume(ctx, v.ID, plan.ServerID.ValueString())
	}
	return v, err
}

// update resizes the volume, then attaches it to another server (or detaches it).
func (sandboxVolume) update(ctx context.Context, inv platform.Inventory, id string, plan *sandboxVolumeModel) (platform.Volume, error) {
	v, err := inv.GetVolume(ctx, id)
	if err == nil && v.SizeGB != plan.SizeGB.ValueInt64() {
		v.SizeGB = plan.SizeGB.ValueInt64()
		v, err = inv.PutVolume(ctx, v)
	}
	if err == nil && v.ServerID != plan.ServerID.ValueString() {
		v, err = inv.AttachVolume(ctx, id, plan.ServerID.ValueString())
	}
	return v, err
}

// optionalString maps "" to null, for optional attributes that the platform reports as empty.
func optionalString(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}
