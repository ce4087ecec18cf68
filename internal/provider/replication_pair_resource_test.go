package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

const pairAddr = "dr_replication_pair.test"

// testAccPairConfig is a pair between the two test sites with the given extra attributes.
func testAccPairConfig(db string, prodHealthy bool, attrs string) string {
	return testAccPairConfigAttached(db, prodHealthy, false, attrs)
}

// testAccPairConfigAttached optionally attaches the secondary volume to a server.
func testAccPairConfigAttached(db string, prodHealthy, attachB bool, attrs string) string {
	return testAccProvider(db) + testAccTwoSitesAttached(prodHealthy, attachB) + fmt.Sprintf(`
resource "dr_replication_pair" "test" {
  name                = "db"
  primary_volume_id   = dr_sandbox_volume.a.id
  secondary_volume_id = dr_sandbox_volume.b.id
%s
}
`, attrs)
}

func expectPair(attr string, v knownvalue.Check) statecheck.StateCheck {
	return expectAt(pairAddr, attr, v)
}

// pairStatus is a state check of the pair's status.
func pairStatus(v string) statecheck.StateCheck {
	return expectPair("status", knownvalue.StringExact(v))
}

// updatesPairTo are the plan checks of an in-place update of the pair that ends in status.
func updatesPairTo(status string) resource.ConfigPlanChecks {
	return resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
		plancheck.ExpectResourceAction(pairAddr, plancheck.ResourceActionUpdate),
		planAt(pairAddr, "status", knownvalue.StringExact(status)),
	}}
}

// replicatingPairStep creates the pair between the two sites (production healthy) and starts
// its replication.
func replicatingPairStep(db string) resource.TestStep {
	return resource.TestStep{
		Config:            testAccPairConfig(db, true, `  replication = "running"`),
		ConfigStateChecks: []statecheck.StateCheck{pairStatus("replicating")},
	}
}

func TestAccReplicationPair_basic(t *testing.T) {
	db := testAccSandbox(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: testAccPairConfig(db, true, `  replication = "running"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(pairAddr, plancheck.ResourceActionCreate),
					// The volumes are created in the same apply: the checks run at apply time.
					unknownAt(pairAddr, "status"),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					pairStatus("replicating"),
					expectPair("replication", knownvalue.StringExact("running")),
					expectPair("active_site", knownvalue.StringExact("primary")),
					expectPair("direction", knownvalue.StringExact("primary_to_secondary")),
					expectPair("primary_region", knownvalue.StringExact("cn-shanghai")),
					expectPair("secondary_zone", knownvalue.StringExact("cn-shanghai-b")),
					expectPair("last_recovery_point", knownvalue.NotNull()),
					expectPair("allowed_operations", knownvalue.ListPartial(map[int]knownvalue.Check{0: knownvalue.NotNull()})),
				},
			},
			{
				// A planned switchover: an update in place, never a replacement.
				Config: testAccPairConfig(db, true, `  replication = "running"
  active_site = "secondary"
  description = "switched"`),
				ConfigPlanChecks: updatesPairTo("replicating"),
				ConfigStateChecks: []statecheck.StateCheck{
					pairStatus("replicating"),
					expectPair("active_site", knownvalue.StringExact("secondary")),
					expectPair("direction", knownvalue.StringExact("secondary_to_primary")),
					expectPair("description", knownvalue.StringExact("switched")),
				},
			},
			{
				ResourceName:            pairAddr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts", "planned_operations", "replication_lag_seconds", "last_recovery_point", "sync_progress", "readiness.rpo.lag_seconds"},
			},
			{
				Config: testAccPairConfig(db, true, `  replication = "running"
  active_site = "secondary"
  description = "switched"`),
				PlanOnly: true,
			},
		},
	})
}

// The seed story of FailoverDiskReplicaPair (R001-1, R001-2) and the pair's reprotect rules:
// a forced failover needs the opt-in while the primary site is healthy (R002-8); after the
// failover the secondary serves (R001-2); reprotect needs the original primary volume detached
// (V-PAIR-REPROT); a switchover moves production back.
func TestAccReplicationPair_failoverReprotectSwitchback(t *testing.T) {
	db := testAccSandbox(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			replicatingPairStep(db),
			{
				Config:            testAccPairConfigAttached(db, true, true, `  replication = "paused"`),
				ConfigStateChecks: []statecheck.StateCheck{pairStatus("paused")},
			},
			{
				// With the secondary volume attached, replication cannot restart (V-PAIR-START), so
				// no switchover path exists: only a forced failover, refused while the primary
				// site is healthy unless allow_data_loss is set (R002-8). One error says both and
				// offers the opt-in.
				Config:   testAccPairConfigAttached(db, true, true, "  replication = \"paused\"\n  active_site = \"secondary\""),
				PlanOnly: true,
				ExpectError: onlyError(`V-PAIR-START: dr_replication_pair switchover refused(.|\n)*R002-8: failover(.|\n)*` +
					phrase(`Reachable with allow_data_loss = true: replication = "paused" with active_site = "secondary" (apply runs failover, which can lose data).`)),
			},
			{
				Config:           testAccPairConfigAttached(db, true, true, "  replication = \"paused\"\n  active_site = \"secondary\"\n  allow_data_loss = true"),
				ConfigPlanChecks: updatesPairTo("failed_over"),
				ConfigStateChecks: []statecheck.StateCheck{
					pairStatus("failed_over"),
					expectPair("active_site", knownvalue.StringExact("secondary")),
				},
			},
			{
				// Reprotect needs the original primary volume detached.
				PreConfig:   func() { testAccAttach(t, db, "cn-shanghai-a", true) },
				Config:      testAccPairConfigAttached(db, true, true, "  replication = \"running\"\n  active_site = \"secondary\""),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`V-PAIR-REPROT`),
			},
			{
				PreConfig: func() { testAccAttach(t, db, "cn-shanghai-a", false) },
				Config:    testAccPairConfigAttached(db, true, true, "  replication = \"running\"\n  active_site = \"secondary\""),
				ConfigStateChecks: []statecheck.StateCheck{
					pairStatus("replicating"),
					expectPair("direction", knownvalue.StringExact("secondary_to_primary")),
				},
			},
			{
				Config: testAccPairConfigAttached(db, true, true, "  replication = \"running\"\n  active_site = \"primary\""),
				ConfigStateChecks: []statecheck.StateCheck{
					pairStatus("replicating"),
					expectPair("active_site", knownvalue.StringExact("primary")),
				},
			},
		},
	})
}

// testAccAttach attaches (or detaches) the test volume in the given zone to a server created
// there, behind Terraform's back.
func testAccAttach(t *testing.T, db, zone string, attach bool) {
	t.Helper()
	ctx := t.Context()
	sb := testAccOpenSandbox(t, db)
	inv := sb.Inventory()
	sites, err := inv.ListSites(ctx)
	if err != nil {
		t.Fatal(err)
	}
	vols, err := inv.ListVolumes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, site := range sites {
		if site.Zone != zone {
			continue
		}
		for _, v := range vols {
			if v.SiteID != site.ID {
				continue
			}
			serverID := ""
			if attach {
				srv, err := inv.PutServer(ctx, platform.Server{Name: "attacher", SiteID: site.ID})
				if err != nil {
					t.Fatal(err)
				}
				serverID = srv.ID
			}
			old, err := inv.GetVolume(ctx, v.ID)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := inv.AttachVolume(ctx, v.ID, serverID); err != nil {
				t.Fatal(err)
			}
			if !attach && old.ServerID != "" {
				if err := inv.DeleteServer(ctx, old.ServerID); err != nil {
					t.Fatal(err)
				}
			}
			return
		}
	}
	t.Fatalf("no volume in zone %s", zone)
}

// Changing an attribute that cannot change in place (bandwidth_kbps) replaces the pair:
// Terraform deletes it and creates the new one on the same volumes. The plan checks the
// delete like a destroy and lets the create through although the old pair still holds the
// volumes at plan time (it is deleted first). While production runs at the secondary site
// (after a switchover), the new pair's first synchronisation would copy the primary's older
// data over it: refused at plan (V-REPLACE) without allow_data_loss.
func TestAccReplicationPair_replace(t *testing.T) {
	db := testAccSandbox(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			replicatingPairStep(db),
			{
				Config: testAccPairConfig(db, true, `  replication = "running"
  bandwidth_kbps = 20480`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(pairAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					pairStatus("replicating"),
					expectPair("bandwidth_kbps", knownvalue.Int64Exact(20480)),
				},
			},
			{
				Config: testAccPairConfig(db, true, `  replication = "running"
  bandwidth_kbps = 20480
  active_site = "secondary"`),
				ConfigStateChecks: []statecheck.StateCheck{expectPair("active_site", knownvalue.StringExact("secondary"))},
			},
			{
				Config: testAccPairConfig(db, true, `  replication = "running"
  bandwidth_kbps = 51200
  active_site = "secondary"`),
				ExpectError: regexp.MustCompile(`(?s)V-REPLACE.*production runs at the secondary site`),
			},
			{
				Config: testAccPairConfig(db, true, `  replication = "running"
  bandwidth_kbps = 51200
  active_site = "secondary"
  allow_data_loss = true`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(pairAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					expectPair("bandwidth_kbps", knownvalue.Int64Exact(51200)),
					expectPair("active_site", knownvalue.StringExact("secondary")),
				},
			},
		},
	})
}
