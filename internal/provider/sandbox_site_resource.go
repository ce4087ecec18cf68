package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// NewSandboxSiteResource returns the dr_sandbox_site resource.
func NewSandboxSiteResource() resource.Resource {
	return newSandboxResource[sandboxSiteModel, *sandboxSiteModel]("site", sandboxSite{}, platform.Inventory.GetSite, platform.Inventory.DeleteSite)
}

// sandboxSite is what dr_sandbox_site adds to the sandbox resource core.
type sandboxSite struct{}

func (sandboxSite) schema() schema.Schema {
	return schema.Schema{
		MarkdownDescription: "A site (region and availability zone) of the embedded sandbox DR platform. Setting " +
			"`healthy = false` simulates an outage of the whole site; setting it back restores it. Works only " +
			"on the sandbox platform.",
		Attributes: map[string]schema.Attribute{
			"healthy": flag("Whether the site is up. `false` simulates an outage: its servers are "+
				"unreachable and replication to or from it stops. Defaults to `true`.", true),
			"id":                  fixed("Identifier of the site."),
			"region":              identity("Region of the site, e.g. `cn-shanghai`. Changing it replaces the site.", regionValidator()),
			"replication_capable": flag("Whether the site's region supports replication (R001-5, R003-2). Defaults to `true`.", true),
			"zone": identity("Availability zone of the site, e.g. `cn-shanghai-a`. Changing it replaces the site.",
				stringvalidator.LengthBetween(1, 64), regionValidator()),
		},
	}
}

type sandboxSiteModel struct {
	sandboxObject
	Healthy            types.Bool   `tfsdk:"healthy"`
	Region             types.String `tfsdk:"region"`
	ReplicationCapable types.Bool   `tfsdk:"replication_capable"`
	Zone               types.String `tfsdk:"zone"`
}

func (sandboxSite) fill(m *sandboxSiteModel, s platform.Site) diag.Diagnostics {
	m.ID = types.StringValue(s.ID)
	m.Region = types.StringValue(s.Region)
	m.Zone = types.StringValue(s.Zone)
	m.Healthy = types.BoolValue(s.Healthy)
	m.ReplicationCapable = types.BoolValue(s.ReplicationCapable)
	return nil
}

func (sandboxSite) create(ctx context.Context, inv platform.Inventory, plan *sandboxSiteModel) (platform.Site, error) {
	return inv.PutSite(ctx, platform.Site{
		Region: plan.Region.ValueString(), Zone: plan.Zone.ValueString(),
		Healthy: plan.Healthy.ValueBool(), ReplicationCapable: plan.ReplicationCapable.ValueBool(),
	})
}

// update changes whether the region is replication-capable, then the site's health (an outage
// or its repair).
func (sandboxSite) update(ctx context.Context, inv platform.Inventory, id string, plan *sandboxSiteModel) (platform.Site, error) {
	site, err := inv.GetSite(ctx, id)
	if err == nil && site.ReplicationCapable != plan.ReplicationCapable.ValueBool() {
		site.ReplicationCapable = plan.ReplicationCapable.ValueBool()
		site, err = inv.PutSite(ctx, site)
	}
	if err == nil && site.Healthy != plan.Healthy.ValueBool() {
		site, err = inv.SetSiteHealth(ctx, id, plan.Healthy.ValueBool())
	}
	return site, err
}
