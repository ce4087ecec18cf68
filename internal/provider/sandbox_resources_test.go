package provider

import (
	"context"
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

func testAccInventoryConfig(db, power, status string, size int) string {
	return testAccProvider(db) + sbSite("a", "cn-shanghai", "cn-shanghai-a") +
		sbServer("web", "web", "a", fmt.Sprintf("power_state = %q", power)) +
		sbVolume("data", "a", size, "server_id = dr_sandbox_server.web.id") +
		sbVault("backups", "cn-shanghai", "backup") +
		sbBackup("web", "server", "dr_sandbox_server.web.id", "backups", fmt.Sprintf("status = %q", status))
}

// The sandbox inventory: create, update in place, import, and validation of bad input.
func TestAccSandboxInventory_basic(t *testing.T) {
	db := testAccSandbox(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: testAccInventoryConfig(db, "running", "available", 20),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("dr_sandbox_site.a", tfjsonpath.New("healthy"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue("dr_sandbox_server.web", tfjsonpath.New("ip"), knownvalue.StringRegexp(regexp.MustCompile(`^10\.`))),
					statecheck.ExpectKnownValue("dr_sandbox_backup.web", tfjsonpath.New("region"), knownvalue.StringExact("cn-shanghai")),
					statecheck.ExpectKnownValue("dr_sandbox_backup.web", tfjsonpath.New("is_replica"), knownvalue.Bool(false)),
				},
			},
			{
				Config: testAccInventoryConfig(db, "stopped", "creating", 30),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("dr_sandbox_server.web", plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction("dr_sandbox_volume.data", plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction("dr_sandbox_backup.web", plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("dr_sandbox_server.web", tfjsonpath.New("power_state"), knownvalue.StringExact("stopped")),
					statecheck.ExpectKnownValue("dr_sandbox_server.web", tfjsonpath.New("volume_ids"), knownvalue.ListSizeExact(1)),
					statecheck.ExpectKnownValue("dr_sandbox_volume.data", tfjsonpath.New("size_gb"), knownvalue.Int64Exact(30)),
					statecheck.ExpectKnownValue("dr_sandbox_backup.web", tfjsonpath.New("status"), knownvalue.StringExact("creating")),
				},
			},
			{ResourceName: "dr_sandbox_site.a", ImportState: true, ImportStateVerify: true},
			{ResourceName: "dr_sandbox_server.web", ImportState: true, ImportStateVerify: true},
			{ResourceName: "dr_sandbox_volume.data", ImportState: true, ImportStateVerify: true},
			{ResourceName: "dr_sandbox_vault.backups", ImportState: true, ImportStateVerify: true},
			{ResourceName: "dr_sandbox_backup.web", ImportState: true, ImportStateVerify: true},
			{
				ResourceName:  "dr_sandbox_site.a",
				ImportState:   true,
				ImportStateId: "not a valid id",
				ExpectError:   regexp.MustCompile(`Invalid import ID for dr_sandbox_site(.|\n)*letters,\s+digits`),
			},
			{
				Config:      testAccInventoryConfig(db, "paused", "available", 20),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`power_state(.|\n)*value must be one of`),
			},
			{
				Config: testAccInventoryConfig(db, "stopped", "creating", 30) + `
resource "dr_sandbox_site" "bad" {
  region = "CN Shanghai"
  zone   = "a"
}
`,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`must be a region or zone name`),
			},
			{Config: testAccInventoryConfig(db, "stopped", "creating", 30)},
		},
	})
}

// An object deleted outside Terraform is dropped from state with a warning and planned for
// creation again, never an error.
func TestAccReplicationPair_disappears(t *testing.T) {
	db := testAccSandbox(t)
	cfg := testAccPairConfig(db, true, `  replication = "paused"`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				PreConfig: func() {
					ctx := context.Background()
					sb := testAccOpenSandbox(t, db)
					ps, _ := sb.ListPairs(ctx)
					testAccInvoke(t, db, "replication_pair", "delete")
					if _, err := sb.GetPair(ctx, ps[0].ID); err == nil {
						t.Fatal("pair still there after out-of-band delete")
					}
				},
				Config:             cfg,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
			{
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(pairAddr, plancheck.ResourceActionCreate),
				}},
			},
		},
	})
}

// Timeouts are honoured: with a slow sandbox clock the initial synchronisation cannot finish
// within the update timeout; apply says so, cancels the platform operation, and the state
// records what was observed.
func TestAccReplicationPair_timeout(t *testing.T) {
	db := testAccSandbox(t)
	slow := `
provider "dr" {
  sandbox {
    path       = "` + db + `"
    time_scale = 0.001
  }
}
` + testAccTwoSites(true) + `
resource "dr_replication_pair" "test" {
  name                = "db"
  primary_volume_id   = dr_sandbox_volume.a.id
  secondary_volume_id = dr_sandbox_volume.b.id
  replication         = "running"
  timeouts {
    update = "2s"
  }
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: testAccPairConfig(db, true, `  replication = "paused"`)},
			{
				Config:      slow,
				ExpectError: regexp.MustCompile(`(?s)Error running start on dr_replication_pair.*did not finish within the timeout`),
			},
			{
				// The start was cancelled: the pair is back where it was, and the state says so.
				Config:            testAccPairConfig(db, true, `  replication = "paused"`),
				ConfigStateChecks: []statecheck.StateCheck{expectPair("status", knownvalue.StringExact("configured"))},
			},
		},
	})
}

// power_state is observe-only when omitted: a server stopped behind Terraform's back (as a
// group failover does) plans empty, other changes leave its power alone, and setting the
// attribute for one apply then removing it starts the server and changes nothing more.
func TestAccSandboxServer_powerStateObserved(t *testing.T) {
	db := testAccSandbox(t)
	server := func(name, extra string) string {
		return testAccProvider(db) + sbSite("a", "cn-shanghai", "cn-shanghai-a") + sbServer("web", name, "a", extra)
	}
	power := func(want string) statecheck.StateCheck {
		return statecheck.ExpectKnownValue("dr_sandbox_server.web", tfjsonpath.New("power_state"), knownvalue.StringExact(want))
	}
	empty := resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: server("web", ""), ConfigStateChecks: []statecheck.StateCheck{power("running")}},
			{
				PreConfig: func() {
					ctx := context.Background()
					sb := testAccOpenSandbox(t, db)
					srvs, err := sb.ListServers(ctx)
					if err != nil || len(srvs) != 1 {
						t.Fatalf("servers: %v %v", srvs, err)
					}
					if _, err := sb.SetServerPower(ctx, srvs[0].ID, "stopped"); err != nil {
						t.Fatal(err)
					}
				},
				Config: server("web", ""), ConfigPlanChecks: empty, ConfigStateChecks: []statecheck.StateCheck{power("stopped")},
			},
			{
				Config: server("web-1", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("dr_sandbox_server.web", plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{power("stopped")},
			},
			{Config: server("web-1", `  power_state = "running"`+"\n"), ConfigStateChecks: []statecheck.StateCheck{power("running")}},
			{Config: server("web-1", ""), ConfigPlanChecks: empty, ConfigStateChecks: []statecheck.StateCheck{power("running")}},
		},
	})
}
