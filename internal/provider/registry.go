package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// resourceConstructors lists every managed resource type of the provider.
var resourceConstructors = []func() resource.Resource{
	NewBackupReplicaResource,
	NewProtectionGroupResource,
	NewRecoveryServerResource,
	NewReplicationPairResource,
	NewSandboxBackupResource,
	NewSandboxServerResource,
	NewSandboxSiteResource,
	NewSandboxVaultResource,
	NewSandboxVolumeResource,
}

// dataSourceConstructors lists every data source of the provider.
var dataSourceConstructors = []func() datasource.DataSource{}

// actionConstructors lists every action of the provider.
func actionConstructors() []func() action.Action { return nil }
