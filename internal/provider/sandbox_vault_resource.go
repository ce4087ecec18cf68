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

// NewSandboxVaultResource returns the dr_sandbox_vault resource.
func NewSandboxVaultResource() resource.Resource {
	return newSandboxResource[sandboxVaultModel, *sandboxVaultModel]("vault", sandboxVault{}, platform.Inventory.GetVault, platform.Inventory.DeleteVault)
}

// sandboxVault is what dr_sandbox_vault adds to the sandbox resource core.
type sandboxVault struct{}

func (sandboxVault) schema() schema.Schema {
	return schema.Schema{
		MarkdownDescription: "A backup vault in a region of the embedded sandbox DR platform. Backups live in " +
			"`backup` vaults; cross-region replicas go to a `replication` vault in the destination region " +
			"(R003-11). Works only on the sandbox platform.",
		Attributes: map[string]schema.Attribute{
			"id": fixed("Identifier of the vault."),
			"purpose": identity("`backup` or `replication`. Changing it replaces the vault.",
				stringvalidator.OneOf(platform.VaultBackup, platform.VaultReplication)),
			"region": identity("Region of the vault. Changing it replaces the vault.", regionValidator()),
		},
	}
}

type sandboxVaultModel struct {
	sandboxObject
	Purpose types.String `tfsdk:"purpose"`
	Region  types.String `tfsdk:"region"`
}

func (sandboxVault) fill(m *sandboxVaultModel, v platform.Vault) diag.Diagnostics {
	m.ID = types.StringValue(v.ID)
	m.Purpose = types.StringValue(v.Purpose)
	m.Region = types.StringValue(v.Region)
	return nil
}

func (sandboxVault) create(ctx context.Context, inv platform.Inventory, plan *sandboxVaultModel) (platform.Vault, error) {
	return inv.PutVault(ctx, platform.Vault{Region: plan.Region.ValueString(), Purpose: plan.Purpose.ValueString()})
}
