package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

const groupAddr = "dr_protection_group.test"

type groupCfg struct {
	prodHealthy bool
	webPower    string
	pairs       bool   // the group holds the pair
	attrs       string // extra group attributes (protection, active_site, ...)
}

// testAccGroupConfig: a web server at the production site with its data volume replicated
// to the DR site, protected by a group.
func testAccGroupConfig(db string, c groupCfg) string {
	pairs := "[]"
	if c.pairs {
		pairs = "[dr_replication_pair.data.id]"
	}
	power := "" // omitted: observed only (a failover stops it; the configuration does not fight that)
	if c.webPower != "" {
		power = fmt.Sprintf("power_state = %q", c.webPower)
	}
	return testAccProvider(db) +
		sbSite("prod", "cn-shanghai", "cn-shanghai-a", fmt.Sprintf("healthy = %t", c.prodHealthy)) +
		sbSite("dr", "cn-shanghai", "cn-shanghai-b") +
		sbServer("web", "web", "prod", power) +
		sbVolume("a", "prod", 10, "server_id = dr_sandbox_server.web.id") +
		sbVolume("b", "dr", 10) +
		sbPairGroupHCL("data", "web-data", "test", "app", pairs, "  server_ids           = [dr_sandbox_server.web.id]\n"+c.attrs)
}

func expectGroup(attr string, v knownvalue.Check) statecheck.StateCheck {
	return expectAt(groupAddr, attr, v)
}

const (
	enabledSource  = "  protection  = \"enabled\"\n  active_site = \"source\""
	enabledTarget  = "  protection  = \"enabled\"\n  active_site = \"target\""
	disabledTarget = "  protection  = \"disabled\"\n  active_site = \"target\""
)

// The seed stories of SDRS failover (seed 002) and EVS reprotect (seed 000): protect → site
// outage → failover → site restored → reprotect → planned failover back.
func TestAccProtectionGroup_outageFailoverReprotectFailback(t *testing.T) {
	db := testAccSandbox(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: testAccGroupConfig(db, groupCfg{prodHealthy: true, pairs: true, attrs: enabledSource}),
				ConfigStateChecks: []statecheck.StateCheck{
					expectGroup("status", knownvalue.StringExact("replicating")),
					expectGroup("protection", knownvalue.StringExact("enabled")),
					expectGroup("replication_status", knownvalue.StringExact("active")),
					expectGroup("active_site", knownvalue.StringExact("source")),
					expectGroup("dr_servers", knownvalue.ListSizeExact(1)),
				},
			},
			{
				// Planned failover needs the production servers stopped (V-GRP-SWITCH); a
				// failover instead would need the opt-in (R002-8).
				Config:      testAccGroupConfig(db, groupCfg{prodHealthy: true, pairs: true, attrs: enabledTarget}),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`V-GRP-SWITCH`),
			},
			{
				Config: testAccGroupConfig(db, groupCfg{prodHealthy: false, pairs: true, attrs: enabledSource}),
			},
			{
				// Failover with the production site down needs no opt-in; it stops the
				// production server, which the configuration only observes.
				Config: testAccGroupConfig(db, groupCfg{prodHealthy: false, pairs: true, attrs: disabledTarget}),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(groupAddr, plancheck.ResourceActionUpdate),
					planAt(groupAddr, "status", knownvalue.StringExact("failed_over")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					expectGroup("status", knownvalue.StringExact("failed_over")),
					expectGroup("health", knownvalue.StringExact("abnormal")),     // the source site is down
					expectGroup("protection", knownvalue.StringExact("disabled")), // R002-3
					expectGroup("active_site", knownvalue.StringExact("target")),
					expectGroup("dr_servers", knownvalue.ListExact([]knownvalue.Check{knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"twin_ip": knownvalue.StringRegexp(regexp.MustCompile(`^10\.`)), // R002-5
					})})),
				},
			},
			{
				// Reprotect needs the faulty site restored (R000-2).
				Config:      testAccGroupConfig(db, groupCfg{prodHealthy: false, pairs: true, attrs: enabledTarget}),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`R000-2`),
			},
			{
				Config: testAccGroupConfig(db, groupCfg{prodHealthy: true, webPower: "stopped", pairs: true, attrs: disabledTarget}),
			},
			{
				// Reprotect needs the restored production server stopped (R000-4).
				PreConfig:   func() { testAccServerPower(t, db, "web", platform.PowerRunning) },
				Config:      testAccGroupConfig(db, groupCfg{prodHealthy: true, webPower: "running", pairs: true, attrs: enabledTarget}),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`R000-4`),
			},
			{
				PreConfig: func() { testAccServerPower(t, db, "web", platform.PowerStopped) },
				Config:    testAccGroupConfig(db, groupCfg{prodHealthy: true, webPower: "stopped", pairs: true, attrs: enabledTarget}),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					planAt(groupAddr, "status", knownvalue.StringExact("replicating")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					expectGroup("status", knownvalue.StringExact("replicating")),
					expectGroup("active_site", knownvalue.StringExact("target")), // R000-5: direction reversed
					expectGroup("replication_status", knownvalue.StringExact("active")),
				},
			},
			{
				// R000-6: moving production back is a planned failover.
				Config: testAccGroupConfig(db, groupCfg{prodHealthy: true, webPower: "stopped", pairs: true, attrs: enabledSource}),
				ConfigStateChecks: []statecheck.StateCheck{
					expectGroup("status", knownvalue.StringExact("replicating")),
					expectGroup("active_site", knownvalue.StringExact("source")),
				},
			},
			{
				ResourceName:            groupAddr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts", "planned_operations", "last_recovery_point", "sync_progress", "readiness.rpo.lag_seconds"},
			},
		},
	})
}

// R002-1 (and enable_protection's own check): a group without replication pairs cannot be
// protected; adding the pair makes the same change legal, planned as add_member then
// enable_protection.
func TestAccProtectionGroup_needsPairs(t *testing.T) {
	db := testAccSandbox(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            testAccGroupConfig(db, groupCfg{prodHealthy: true}),
				ConfigStateChecks: []statecheck.StateCheck{expectGroup("status", knownvalue.StringExact("configured"))},
			},
			{
				Config:      testAccGroupConfig(db, groupCfg{prodHealthy: true, attrs: `  protection = "enabled"`}),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`R002-1: dr_protection_group enable_protection refused`),
			},
			{
				Config: testAccGroupConfig(db, groupCfg{prodHealthy: true, pairs: true, attrs: `  protection = "enabled"`}),
				ConfigStateChecks: []statecheck.StateCheck{
					expectGroup("status", knownvalue.StringExact("replicating")),
					expectGroup("replication_pair_ids", knownvalue.SetSizeExact(1)),
				},
			},
			{
				// Membership change on a protected group: disable, remove, (no re-enable: no pairs).
				Config:            testAccGroupConfig(db, groupCfg{prodHealthy: true, attrs: `  protection = "disabled"`}),
				ConfigStateChecks: []statecheck.StateCheck{expectGroup("replication_pair_ids", knownvalue.SetSizeExact(0))},
			},
		},
	})
}

// An out-of-band failover (behind Terraform's back) never plans a replacement: with
// active_site unset the plan is empty; with it set, the path back is an in-place update.
func TestAccProtectionGroup_outOfBandFailover(t *testing.T) {
	db := testAccSandbox(t)
	observeOnly := `  protection = "enabled"`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: testAccGroupConfig(db, groupCfg{prodHealthy: true, pairs: true, webPower: "stopped", attrs: observeOnly})},
			{
				PreConfig: func() { testAccInvoke(t, db, lifecycle.ProtectionGroup, lifecycle.OpPlannedFailover) },
				Config:    testAccGroupConfig(db, groupCfg{prodHealthy: true, pairs: true, webPower: "stopped", attrs: observeOnly}),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				ConfigStateChecks: []statecheck.StateCheck{expectGroup("active_site", knownvalue.StringExact("target"))},
			},
			{
				Config: testAccGroupConfig(db, groupCfg{prodHealthy: true, pairs: true, webPower: "stopped", attrs: enabledSource}),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(groupAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{expectGroup("active_site", knownvalue.StringExact("source"))},
			},
		},
	})
}

// testAccServerPower sets a sandbox server's power behind Terraform's back.
func testAccServerPower(t *testing.T, db, name, power string) {
	t.Helper()
	ctx := t.Context()
	inv := testAccOpenSandbox(t, db).Inventory()
	servers, err := inv.ListServers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range servers {
		if s.Name == name {
			if _, err := inv.SetServerPower(ctx, s.ID, power); err != nil {
				t.Fatal(err)
			}
			return
		}
	}
	t.Fatalf("no server %q", name)
}

// testAccInvoke runs an operation on the test's only object of a kind, behind Terraform's
// back, and waits for it to finish.
func testAccInvoke(t *testing.T, db string, kind lifecycle.Kind, op lifecycle.Op) {
	t.Helper()
	ctx := t.Context()
	sb := testAccOpenSandbox(t, db)
	var id string
	switch kind {
	case lifecycle.ProtectionGroup:
		gs, _ := sb.ListGroups(ctx)
		id = gs[0].ID
	case lifecycle.ReplicationPair:
		ps, _ := sb.ListPairs(ctx)
		id = ps[0].ID
	case lifecycle.RecoveryServer:
		rs, _ := sb.ListRecoveryServers(ctx)
		id = rs[0].ID
	}
	obs, err := sb.Observe(ctx, kind, id)
	if err != nil {
		t.Fatal(err)
	}
	p, vs := lifecycle.Plan(kind, obs, lifecycle.Goal{Required: []lifecycle.OpRequest{{Op: op}}}, lifecycle.Options{AllowDataLoss: true})
	if lifecycle.HasBlocking(vs) {
		t.Fatalf("out-of-band %s refused: %v", op, vs)
	}
	if _, err := runPath(ctx, newProviderData(sb, "sandbox", pollInterval(accTimeScale), accTimeScale), p); err != nil {
		t.Fatal(err)
	}
}
