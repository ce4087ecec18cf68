package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

const rsAddr = "dr_recovery_server.test"

// testAccMachine is a server at a production site, with a server backup in a backup vault
// (its recovery point) when backup is set.
func testAccMachine(backup bool) string {
	hcl := sbSite("prod", "cn-shanghai", "cn-shanghai-a") + sbServer("web", "web", "prod")
	if backup {
		hcl += sbVault("backups", "cn-shanghai", "backup") +
			sbBackup("web", "server", "dr_sandbox_server.web.id", "backups", "includes_system_disk = true")
	}
	return hcl
}

func testAccRecoveryServerConfig(db, attrs string) string {
	// the machine and its recovery point (R004-2): a failover starts the recovery server from it
	return testAccProvider(db) + testAccMachine(true) + fmt.Sprintf(`
resource "dr_recovery_server" "test" {
  name       = "web-recovery"
  machine_id = dr_sandbox_server.web.id
%s
  depends_on = [dr_sandbox_backup.web]
}
`, attrs)
}

func expectRS(attr string, v knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(rsAddr, tfjsonpath.New(attr), v)
}

// Seed 004: standby → failover (through finalization) → failback (ready for failback) →
// cancel failback → failback → confirm (standby); and test failover start/stop.
func TestAccRecoveryServer_lifecycle(t *testing.T) {
	db := testAccSandbox(t)
	mode := func(m string) string { return fmt.Sprintf("  mode = %q", m) }
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: testAccRecoveryServerConfig(db, ""),
				ConfigStateChecks: []statecheck.StateCheck{
					expectRS("status", knownvalue.StringExact("standby")), // R004-1
					expectRS("mode", knownvalue.StringExact("standby")),
					expectRS("vm_state", knownvalue.StringExact("not_ready")),
				},
			},
			{
				Config: testAccRecoveryServerConfig(db, mode("test_failover")), // R004-7
				ConfigStateChecks: []statecheck.StateCheck{
					expectRS("status", knownvalue.StringExact("testing")),
					expectRS("test_ip", knownvalue.NotNull()),
				},
			},
			{
				Config:            testAccRecoveryServerConfig(db, mode("standby")),
				ConfigStateChecks: []statecheck.StateCheck{expectRS("status", knownvalue.StringExact("standby")), expectRS("test_ip", knownvalue.Null())},
			},
			{
				Config: testAccRecoveryServerConfig(db, mode("failover")), // R004-2
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(rsAddr, tfjsonpath.New("status"), knownvalue.StringExact("failed_over")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					expectRS("status", knownvalue.StringExact("failed_over")),
					expectRS("vm_state", knownvalue.StringExact("started")),
					expectRS("recovery_ip", knownvalue.NotNull()),
				},
			},
			{
				Config:            testAccRecoveryServerConfig(db, mode("ready_for_failback")), // R004-3
				ConfigStateChecks: []statecheck.StateCheck{expectRS("status", knownvalue.StringExact("ready_for_failback"))},
			},
			{
				Config:            testAccRecoveryServerConfig(db, mode("failover")), // R004-5: cancel failback
				ConfigStateChecks: []statecheck.StateCheck{expectRS("status", knownvalue.StringExact("failed_over"))},
			},
			{
				// Back to standby in one apply would be failback → confirm, but the local
				// machine must be recovered from the recovery server's backup in between: the
				// plan refuses with the two-step remedy (V-MANUAL-STEP), not the lossy
				// cancel_failover.
				Config:      testAccRecoveryServerConfig(db, mode("standby")),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)V-MANUAL-STEP.*mode = "ready_for_failback"`),
			},
			{
				Config:            testAccRecoveryServerConfig(db, mode("ready_for_failback")),
				ConfigStateChecks: []statecheck.StateCheck{expectRS("status", knownvalue.StringExact("ready_for_failback"))},
			},
			{
				// Second apply, after the out-of-band recovery: confirm (R004-4).
				Config: testAccRecoveryServerConfig(db, mode("standby")),
				ConfigStateChecks: []statecheck.StateCheck{
					expectRS("status", knownvalue.StringExact("standby")),
					expectRS("recovery_ip", knownvalue.Null()),
				},
			},
			{
				ResourceName:            rsAddr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts", "planned_operations"},
			},
		},
	})
}
