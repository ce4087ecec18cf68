package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/dr-provider/terraform-provider-dr/internal/platform"
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
	return expectAt(rsAddr, attr, v)
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
					planAt(rsAddr, "status", knownvalue.StringExact("failed_over")),
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

const rpServerAddr = "dr_recovery_server.web"

// testAccRecoveryPointsConfig is a machine with two server backups (old, then new), its
// recovery points, and a recovery server with the given attributes.
func testAccRecoveryPointsConfig(db, attrs string) string {
	return testAccProvider(db) +
		sbSite("prod", "cn-shanghai", "cn-shanghai-a") +
		sbServer("web", "web", "prod") +
		sbVault("backups", "cn-shanghai", "backup") +
		sbBackup("old", "server", "dr_sandbox_server.web.id", "backups", "includes_system_disk = true") +
		sbBackup("new", "server", "dr_sandbox_server.web.id", "backups", "includes_system_disk = true", "depends_on = [dr_sandbox_backup.old]") + `
data "dr_recovery_points" "web" {
  machine_id = dr_sandbox_server.web.id
  depends_on = [dr_sandbox_backup.new]
}

resource "dr_recovery_server" "web" {
  name       = "web-recovery"
  machine_id = dr_sandbox_server.web.id
  depends_on = [dr_sandbox_backup.new]
` + attrs + `
}
`
}

// Recovery point choice on the sandbox through the CLI: dr_recovery_points lists the
// machine's backups newest first; a recovery_point_id the machine lacks is refused at plan
// (V-REFS, at the attribute); a test failover from the older point starts from it, its drill on
// record (ready, then succeeded once stopped, with a time to ready); the readiness of a
// testing server names its state rule.
func TestAccRecoveryPoints_sandbox(t *testing.T) {
	db := testAccSandbox(t)
	sb := testAccOpenSandbox(t, db)
	var oldID string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: testAccRecoveryPointsConfig(db, `  mode = "standby"`),
				ConfigStateChecks: []statecheck.StateCheck{
					expectAt("data.dr_recovery_points.web", "recovery_points", knownvalue.ListSizeExact(2)),
					expectAt("data.dr_recovery_points.web", "recovery_points", knownvalue.StringExact("full"), 0, "type"),
					expectAt(rpServerAddr, "readiness", knownvalue.Bool(true), "failover", "ready"),
					expectAt(rpServerAddr, "last_drill", knownvalue.Null()),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttrPair("data.dr_recovery_points.web", "latest_id", "dr_sandbox_backup.new", "id"),
					resource.TestCheckResourceAttrPair("data.dr_recovery_points.web", "recovery_points.0.backup_id", "dr_sandbox_backup.new", "id"),
					resource.TestCheckResourceAttrPair("data.dr_recovery_points.web", "recovery_points.1.id", "dr_sandbox_backup.old", "id"),
					resource.TestCheckResourceAttrSet("data.dr_recovery_points.web", "recovery_points.0.created_at"),
					func(s *terraform.State) error {
						oldID = s.RootModule().Resources["dr_sandbox_backup.old"].Primary.ID
						return nil
					},
				),
			},
			{
				Config:      testAccRecoveryPointsConfig(db, "  mode = \"test_failover\"\n  recovery_point_id = \"bk-nope\""),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`V-REFS: dr_recovery_server failover refused[\s\S]*recovery_point_id = "bk-nope"[\s\S]*recovery point\s+"bk-nope",\s+which\s+the\s+platform\s+does\s+not\s+list`),
			},
			{
				Config: testAccRecoveryPointsConfig(db, "  mode = \"test_failover\"\n  recovery_point_id = dr_sandbox_backup.old.id"),
				ConfigStateChecks: []statecheck.StateCheck{
					expectAt(rpServerAddr, "status", knownvalue.StringExact("testing")),
					expectAt(rpServerAddr, "last_drill", knownvalue.StringExact("ready"), "outcome"),
					expectAt(rpServerAddr, "last_drill", int64Above(0), "time_to_ready_seconds"),
					expectAt(rpServerAddr, "last_drill", knownvalue.Null(), "ended_at"),
					expectAt(rpServerAddr, "readiness", knownvalue.Bool(false), "failover", "ready"),
					expectAt(rpServerAddr, "readiness", rule("R004-8"), "failover", "blocked_by", 0),
				},
				Check: func(*terraform.State) error {
					rs, err := sb.ListRecoveryServers(t.Context())
					if err != nil || len(rs) != 1 {
						return fmt.Errorf("%d recovery servers, %v", len(rs), err)
					}
					if rs[0].RecoveryPointID != oldID {
						return fmt.Errorf("the test failover did not start from %s: it started from %q", oldID, rs[0].RecoveryPointID)
					}
					return nil
				},
			},
			{
				Config: testAccRecoveryPointsConfig(db, "  mode = \"standby\"\n  recovery_point_id = dr_sandbox_backup.old.id"),
				ConfigStateChecks: []statecheck.StateCheck{
					expectAt(rpServerAddr, "last_drill", knownvalue.StringExact("succeeded"), "outcome"),
					expectAt(rpServerAddr, "last_drill", knownvalue.NotNull(), "ended_at"),
					expectAt(rpServerAddr, "readiness", knownvalue.Bool(true), "failover", "ready"),
				},
			},
		},
	})
}

// dr_recovery_points on a platform without recovery servers is refused (V-PLATFORM).
func TestAccRecoveryPoints_alibabaRefused(t *testing.T) {
	w, _ := newAliStoryWorld(t, 27)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      w.provider() + "\ndata \"dr_recovery_points\" \"x\" {\n  machine_id = \"i-1\"\n}\n",
			ExpectError: regexp.MustCompile(`V-PLATFORM`),
		}},
	})
}

// Recovery point choice through the CLI against the Acronis emulator: dr_recovery_points
// follows the server's recovery points link (the Vault Manager's backups, newest first, each
// vault_id/archive_id/backup_id); a point the machine lacks is refused at plan (V-REFS, at the
// attribute) before any request to start a failover; a test failover from the older point sends
// it in the start_failover_test body (the emulator starts from that backup), and the test
// failover is on record (the task's start, ready; the end unreported by the DR API).
func TestAccAcronis_recoveryPointChoice(t *testing.T) {
	t.Setenv(EnvPollInterval, "50ms")
	w := newAcronisWorld(t)
	bs, err := w.sb.ListBackups(w.ctx)
	if err != nil || len(bs) != 1 {
		t.Fatalf("backups %+v %v", bs, err)
	}
	older := bs[0]
	newer, err := w.emu.Fixture().PutBackup(w.ctx, platform.Backup{Kind: platform.BackupKindServer, SourceID: w.mach, IncludesSystemDisk: true,
		Status: platform.BackupAvailable, Region: "eu-central", VaultID: older.VaultID, SizeGB: 10})
	if err != nil {
		t.Fatal(err)
	}
	config := func(attrs string) string {
		return w.config(accAcronisSecret, fmt.Sprintf(`
data "dr_recovery_points" "web" {
  machine_id = %q
}

resource "dr_recovery_server" "test" {
  name       = "web-recovery"
  machine_id = %q
%s
}
`, w.mach, w.mach, attrs))
	}
	rpID := func(b platform.Backup) *regexp.Regexp {
		return regexp.MustCompile(`^[a-zA-Z0-9-@]+/[a-zA-Z0-9-@]+/` + regexp.QuoteMeta(b.ID) + `$`)
	}
	var olderPoint string
	actions := func() int { return w.emu.Requests()["action"] } // POST servers/{ref}: the DR API's actions
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config(`  mode = "standby"`),
				ConfigStateChecks: []statecheck.StateCheck{
					expectAt("data.dr_recovery_points.web", "recovery_points", knownvalue.ListSizeExact(2)),
					expectAt("data.dr_recovery_points.web", "recovery_points", knownvalue.StringExact(newer.ID), 0, "backup_id"),
					expectAt("data.dr_recovery_points.web", "recovery_points", knownvalue.StringRegexp(rpID(newer)), 0, "id"),
					expectAt("data.dr_recovery_points.web", "recovery_points", knownvalue.StringRegexp(rpID(older)), 1, "id"),
					expectAt("data.dr_recovery_points.web", "latest_id", knownvalue.StringRegexp(rpID(newer))),
					expectAt(rpServerAddr2, "readiness", knownvalue.Bool(true), "failover", "ready"),
					expectAt(rpServerAddr2, "last_drill", knownvalue.Null()),
				},
				Check: func(s *terraform.State) error {
					olderPoint = s.RootModule().Resources["data.dr_recovery_points.web"].Primary.Attributes["recovery_points.1.id"]
					return nil
				},
			},
			{
				Config:      config("  mode = \"test_failover\"\n  recovery_point_id = \"vault-x/archive-x/backup-x\""),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`V-REFS: dr_recovery_server failover refused[\s\S]*recovery_point_id = "vault-x/archive-x/backup-x"[\s\S]*recovery point\s+"vault-x/archive-x/backup-x",\s+which\s+the\s+platform\s+does\s+not\s+list`),
			},
			{
				PreConfig: func() {
					if n := actions(); n != 0 {
						t.Fatalf("%d DR actions before the test failover", n)
					}
				},
				Config: config("  mode = \"test_failover\"\n  recovery_point_id = data.dr_recovery_points.web.recovery_points[1].id"),
				ConfigStateChecks: []statecheck.StateCheck{
					expectAt(rpServerAddr2, "status", knownvalue.StringExact("testing")),
					expectAt(rpServerAddr2, "last_drill", knownvalue.StringExact("ready"), "outcome"),
					expectAt(rpServerAddr2, "last_drill", knownvalue.NotNull(), "started_at"),
					expectAt(rpServerAddr2, "last_drill", knownvalue.Null(), "ended_at"),
					expectAt(rpServerAddr2, "last_drill", knownvalue.NotNull(), "unreported", "ended_at"),
					expectAt(rpServerAddr2, "readiness", knownvalue.Bool(false), "failover", "ready"),
					expectAt(rpServerAddr2, "readiness", rule("R004-8"), "failover", "blocked_by", 0),
				},
				Check: func(*terraform.State) error {
					rs, err := w.sb.GetRecoveryServer(w.ctx, w.rsID)
					if err != nil || rs.RecoveryPointID != older.ID {
						return fmt.Errorf("the test failover did not start from %s (%s): it started from %q (%v)", older.ID, olderPoint, rs.RecoveryPointID, err)
					}
					if n := actions(); n != 1 {
						return fmt.Errorf("%d DR actions, want 1 (start_failover_test)", n)
					}
					return nil
				},
			},
			{
				Config: w.config(accAcronisSecret, removedKeepHCL("dr_recovery_server.test")),
			},
		},
	})
}

const rpServerAddr2 = "dr_recovery_server.test"
