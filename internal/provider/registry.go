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
	NewSandboxFaultResource,
	NewSandboxServerResource,
	NewSandboxSiteResource,
	NewSandboxVaultResource,
	NewSandboxVolumeResource,
}

// dataSourceConstructors lists every data source of the provider.
var dataSourceConstructors = []func() datasource.DataSource{
	NewBackupReplicaDataSource,
	NewProtectionGroupDataSource,
	NewReadinessDataSource,
	NewRecoveryPointsDataSource,
	NewRecoveryServerDataSource,
	NewReplicationPairDataSource,
}

// actionConstructors lists every action of the provider: generated from the lifecycle
// engine's tables (see ActionCatalog in action_catalog.go).
func actionConstructors() []func() action.Action { return generatedActions() }
