package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
)

const replicaAddr = "dr_backup_replica.test"

// testAccReplicaInventory has one backup of each interesting kind and vaults in a capable and
// an incapable region, so each CBR constraint can be shown against it.
func testAccReplicaInventory(db string) string {
	const web = "dr_sandbox_server.web.id"
	return testAccProvider(db) +
		sbSite("sh", "cn-shanghai", "cn-shanghai-a") +
		sbSite("bj", "cn-beijing", "cn-beijing-a") +
		sbSite("gz", "cn-guangzhou", "cn-guangzhou-a", "replication_capable = false") +
		sbServer("web", "web", "sh") +
		sbVolume("data", "sh", 20, "server_id = "+web) +
		sbVault("backups", "cn-shanghai", "backup") +
		sbVault("bj_replicas", "cn-beijing", "replication") +
		sbVault("bj_backups", "cn-beijing", "backup") +
		sbVault("gz_replicas", "cn-guangzhou", "replication") +
		sbBackup("server", "server", web, "backups") +
		sbBackup("disk", "disk", "dr_sandbox_volume.data.id", "backups") +
		sbBackup("no_system_disk", "server", web, "backups", "includes_system_disk = false") +
		sbBackup("creating", "server", web, "backups", `status = "creating"`)
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
					expectAt(replicaAddr, "status", knownvalue.StringExact("available")),
					expectAt(replicaAddr, "source_region", knownvalue.StringExact("cn-shanghai")),
					expectAt(replicaAddr, "replica_backup_id", knownvalue.StringRegexp(regexp.MustCompile(`.+`))),
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
				ConfigStateChecks: []statecheck.StateCheck{expectAt(replicaAddr, "status", knownvalue.StringExact("available"))},
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
