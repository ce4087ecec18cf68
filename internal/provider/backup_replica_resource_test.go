package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

const replicaAddr = "dr_backup_replica.test"

// testAccReplicaInventory has one backup of each interesting kind and vaults in a capable and
// an incapable region, so each CBR constraint can be shown against it.
func testAccReplicaInventory(db string) string {
	return testAccProvider(db) + `
resource "dr_sandbox_site" "sh" {
  region = "cn-shanghai"
  zone   = "cn-shanghai-a"
}

resource "dr_sandbox_site" "bj" {
  region = "cn-beijing"
  zone   = "cn-beijing-a"
}

resource "dr_sandbox_site" "gz" {
  region              = "cn-guangzhou"
  zone                = "cn-guangzhou-a"
  replication_capable = false
}

resource "dr_sandbox_server" "web" {
  name    = "web"
  site_id = dr_sandbox_site.sh.id
}

resource "dr_sandbox_volume" "data" {
  site_id   = dr_sandbox_site.sh.id
  size_gb   = 20
  server_id = dr_sandbox_server.web.id
}

resource "dr_sandbox_vault" "backups" {
  region  = "cn-shanghai"
  purpose = "backup"
}

resource "dr_sandbox_vault" "bj_replicas" {
  region  = "cn-beijing"
  purpose = "replication"
}

resource "dr_sandbox_vault" "bj_backups" {
  region  = "cn-beijing"
  purpose = "backup"
}

resource "dr_sandbox_vault" "gz_replicas" {
  region  = "cn-guangzhou"
  purpose = "replication"
}

resource "dr_sandbox_backup" "server" {
  kind      = "server"
  source_id = dr_sandbox_server.web.id
  vault_id  = dr_sandbox_vault.backups.id
}

resource "dr_sandbox_backup" "disk" {
  kind      = "disk"
  source_id = dr_sandbox_volume.data.id
  vault_id  = dr_sandbox_vault.backups.id
}

resource "dr_sandbox_backup" "no_system_disk" {
  kind                 = "server"
  source_id            = dr_sandbox_server.web.id
  vault_id             = dr_sandbox_vault.backups.id
  includes_system_disk = false
}

resource "dr_sandbox_backup" "creating" {
  kind      = "server"
  source_id = dr_sandbox_server.web.id
  vault_id  = dr_sandbox_vault.backups.id
  status    = "creating"
}
`
}

func testAccReplica(label, backup, vault, extra string) string {
	return testAccNamedReplica(label, label, backup, vault, extra)
}

func testAccNamedReplica(label, name, backup, vault, extra string) string {
	return fmt.Sprintf(`
resource "dr_backup_replica" %[1]q {
  backup_id            = %[3]s
  destination_region   = %[4]s.region
  destination_vault_id = %[4]s.id
  name                 = %[2]q
%[5]s
}
`, label, name, backup, vault, extra)
}

// Seed 003: replicating a backup across regions, and every constraint it states.
func TestAccBackupReplica_constraints(t *testing.T) {
	db := testAccSandbox(t)
	inv := testAccReplicaInventory(db)
	good := testAccReplica("test", "dr_sandbox_backup.server.id", "dr_sandbox_vault.bj_replicas", "")
	refused := func(cfg, rule string) resource.TestStep {
		return resource.TestStep{Config: inv + good + cfg, PlanOnly: true, ExpectError: regexp.MustCompile(regexp.QuoteMeta(rule) + `\b`)}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: inv},
			{
				Config: inv + good,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(replicaAddr, tfjsonpath.New("status"), knownvalue.StringExact("available")),
					statecheck.ExpectKnownValue(replicaAddr, tfjsonpath.New("source_region"), knownvalue.StringExact("cn-shanghai")),
					statecheck.ExpectKnownValue(replicaAddr, tfjsonpath.New("replica_backup_id"), knownvalue.StringRegexp(regexp.MustCompile(`.+`))),
				},
			},
			refused(testAccReplica("disk", "dr_sandbox_backup.disk.id", "dr_sandbox_vault.bj_replicas", ""), "R003-1"),
			refused(testAccReplica("incapable", "dr_sandbox_backup.no_system_disk.id", "dr_sandbox_vault.gz_replicas", ""), "R003-2"),
			refused(testAccReplica("nosys", "dr_sandbox_backup.no_system_disk.id", "dr_sandbox_vault.bj_replicas", ""), "R003-4"),
			refused(testAccReplica("creating", "dr_sandbox_backup.creating.id", "dr_sandbox_vault.bj_replicas", ""), "R003-5"),
			refused(testAccReplica("again", "dr_backup_replica.test.replica_backup_id", "dr_sandbox_vault.bj_replicas", ""), "R003-6"),
			refused(testAccReplica("second", "dr_sandbox_backup.server.id", "dr_sandbox_vault.bj_replicas", ""), "R003-7"),
			refused(testAccReplica("wrongvault", "dr_sandbox_backup.no_system_disk.id", "dr_sandbox_vault.bj_backups", ""), "R003-11"),
			{
				Config:      inv + testAccNamedReplica("badname", "bad name!", "dr_sandbox_backup.server.id", "dr_sandbox_vault.bj_replicas", ""),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`R003-9`),
			},
			{
				Config:      inv + good + testAccReplica("long", "dr_sandbox_backup.disk.id", "dr_sandbox_vault.bj_replicas", fmt.Sprintf("  description = %q", strings.Repeat("x", 256))),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`R003-10`),
			},
			// Deleting the replica allows a new manual replica to that region (R003-7).
			{Config: inv},
			{
				Config:            inv + good,
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue(replicaAddr, tfjsonpath.New("status"), knownvalue.StringExact("available"))},
			},
			{
				ResourceName:            replicaAddr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts", "planned_operations"},
			},
		},
	})
}
