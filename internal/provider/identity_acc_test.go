package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// expectIDIdentity: the resource's identity is its id, and nothing else.
func expectIDIdentity(addr string) []statecheck.StateCheck {
	return []statecheck.StateCheck{
		statecheck.ExpectIdentityValueMatchesState(addr, tfjsonpath.New("id")),
	}
}

// importByIdentity is an import step that removes addr from the state and imports it again
// with `import { to = addr, identity = { id = … } }` (the identity recorded at create), then
// expects the import plan to be a no-op with the step's configuration.
func importByIdentity(addr string) resource.TestStep {
	return resource.TestStep{
		ResourceName:    addr,
		ImportState:     true,
		ImportStateKind: resource.ImportBlockWithResourceIdentity,
	}
}

// Import by identity (Terraform >= 1.12) of a replication pair and the protection group that
// holds it: the identity recorded at create is {id}, and importing by it plans a no-op.
func TestAccIdentity_pairAndGroup(t *testing.T) {
	db := testAccSandbox(t)
	cfg := testAccGroupConfig(db, groupCfg{prodHealthy: true, pairs: true, attrs: enabledSource})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		Steps: []resource.TestStep{
			{
				Config:            cfg,
				ConfigStateChecks: append(expectIDIdentity("dr_replication_pair.data"), expectIDIdentity(groupAddr)...),
			},
			importByIdentity("dr_replication_pair.data"),
			importByIdentity(groupAddr),
			{Config: cfg, PlanOnly: true},
		},
	})
}

// Import by identity of a recovery server and a backup replica.
func TestAccIdentity_recoveryServerAndReplica(t *testing.T) {
	db := testAccSandbox(t)
	cfg := testAccRecoveryServerConfig(db, "") + `
resource "dr_sandbox_site" "bj" {
  region = "cn-beijing"
  zone   = "cn-beijing-a"
}

resource "dr_sandbox_vault" "bj_replicas" {
  region  = "cn-beijing"
  purpose = "replication"
}
` + testAccReplica("test", "dr_sandbox_backup.web.id", "dr_sandbox_vault.bj_replicas", "  depends_on = [dr_sandbox_site.bj]")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		Steps: []resource.TestStep{
			{
				Config:            cfg,
				ConfigStateChecks: append(expectIDIdentity(rsAddr), expectIDIdentity(replicaAddr)...),
			},
			importByIdentity(rsAddr),
			importByIdentity(replicaAddr),
			{Config: cfg, PlanOnly: true},
		},
	})
}
