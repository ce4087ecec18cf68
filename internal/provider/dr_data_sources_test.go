package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// The data sources expose the same read model as the resources, usable in check blocks.
func TestAccDataSources_readModel(t *testing.T) {
	db := testAccSandbox(t)
	base := testAccGroupConfig(db, groupCfg{prodHealthy: true, pairs: true, attrs: enabledSource}) + `
resource "dr_recovery_server" "web" {
  name       = "web-recovery"
  machine_id = dr_sandbox_server.web.id
}
`
	reads := `
data "dr_protection_group" "app" {
  id = dr_protection_group.test.id
}

data "dr_replication_pair" "data" {
  id = dr_replication_pair.data.id
}

data "dr_recovery_server" "web" {
  id = dr_recovery_server.web.id
}

check "protected" {
  assert {
    condition     = data.dr_protection_group.app.status == "replicating" && contains(data.dr_protection_group.app.allowed_operations, "failover")
    error_message = "the group is not protected"
  }
}
`
	same := func(ds, res, attr string) statecheck.StateCheck {
		return statecheck.CompareValuePairs(ds, tfjsonpath.New(attr), res, tfjsonpath.New(attr), compare.ValuesSame())
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: base},
			{
				Config: base + reads,
				ConfigStateChecks: []statecheck.StateCheck{
					same("data.dr_protection_group.app", groupAddr, "status"),
					same("data.dr_protection_group.app", groupAddr, "replication_pair_ids"),
					same("data.dr_replication_pair.data", "dr_replication_pair.data", "protection_group_id"),
					expectAt("data.dr_replication_pair.data", "status", knownvalue.StringExact("replicating")),
					expectAt("data.dr_recovery_server.web", "mode", knownvalue.StringExact("standby")),
				},
			},
			{
				Config:      base + `data "dr_replication_pair" "missing" { id = "pair-000000000000" }`,
				ExpectError: regexp.MustCompile(`dr_replication_pair not found`),
			},
			{
				Config:      base + `data "dr_backup_replica" "bad" { id = "not an id" }`,
				ExpectError: regexp.MustCompile(`must be an object ID`),
			},
			{Config: base},
		},
	})
}
