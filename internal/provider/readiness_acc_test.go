package provider

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
)

// Readiness as data through the CLI (issue 27): what the state and the data sources say a
// user can assert on, on the sandbox.

const crmAddr = "dr_protection_group.crm"

// testAccCRMConfig is a protection group "crm" with one pair between the two test sites, the
// DR site healthy or down, with the given group attributes, extra configuration, and the
// dr_readiness data source over the "crm" prefix.
func testAccCRMConfig(db string, drHealthy bool, groupAttrs, extra string) string {
	return testAccProvider(db) +
		sbSite("prod", "cn-shanghai", "cn-shanghai-a") +
		sbSite("dr", "cn-shanghai", "cn-shanghai-b", fmt.Sprintf("healthy = %t", drHealthy)) +
		sbVolume("a", "prod", 10) + sbVolume("b", "dr", 10) +
		sbPairGroupHCL("crm", "crm-data", "crm", "crm", "[dr_replication_pair.crm.id]", groupAttrs) + `
data "dr_readiness" "crm" {
  name_prefix = "crm"
  depends_on  = [dr_protection_group.crm]
}
` + extra
}

func rule(r string) knownvalue.Check {
	return knownvalue.ObjectPartial(map[string]knownvalue.Check{"rule": knownvalue.StringExact(r)})
}

// beforeFirstSync are the readiness checks of the group name at addr before its first
// synchronisation: the failover is refused by the group's state rule (R002-2) and V-FIRST-SYNC,
// and no copy is within the RPO (none exists).
func beforeFirstSync(addr, name string, more ...statecheck.StateCheck) []statecheck.StateCheck {
	return append([]statecheck.StateCheck{
		expectAt(addr, "readiness", knownvalue.Bool(false), "failover", "ready"),
		expectAt(addr, "readiness", knownvalue.ListExact([]knownvalue.Check{rule("R002-2"), knownvalue.ObjectExact(map[string]knownvalue.Check{
			"rule":    knownvalue.StringExact("V-FIRST-SYNC"),
			"message": knownvalue.StringRegexp(regexp.MustCompile(`group "` + name + `" has not completed its first synchronisation`)),
		})}), "failover", "blocked_by"),
		expectAt(addr, "readiness", knownvalue.Bool(false), "rpo", "within"),
		expectAt(addr, "readiness", knownvalue.StringRegexp(regexp.MustCompile(`no complete copy at the standby site`)), "rpo", "reason"),
	}, more...)
}

// A protected group is ready (failover, planned failover, within the RPO); its pair fails over
// with it (V-PAIR-IN-GROUP) and is left out of dr_readiness's not_ready. A drill started out of
// band blocks both failovers (V-DRILL, with the engine's message) and is on record; stopped, the
// record says succeeded. A stalled link (a link_stall fault) ages the copy past the RPO: within
// false with the lag, not_ready names the group.
func TestAccReadiness_sandboxGroup(t *testing.T) {
	db := testAccSandbox(t)
	sb := testAccOpenSandbox(t, db)
	groupID := func() string {
		gs, err := sb.ListGroups(t.Context())
		if err != nil || len(gs) != 1 {
			t.Fatalf("groups %v %v", gs, err)
		}
		return gs[0].ID
	}
	protected := `  protection = "enabled"`
	stall := `
resource "dr_sandbox_fault" "link" {
  type      = "link_stall"
  kind      = "protection_group"
  object_id = dr_protection_group.crm.id
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: testAccCRMConfig(db, true, protected, ""),
				ConfigStateChecks: []statecheck.StateCheck{
					expectAt(crmAddr, "readiness", knownvalue.Bool(true), "failover", "ready"),
					expectAt(crmAddr, "readiness", knownvalue.ListExact(nil), "failover", "blocked_by"),
					expectAt(crmAddr, "readiness", knownvalue.Null(), "failover", "reason"),
					expectAt(crmAddr, "readiness", knownvalue.StringExact("planned_failover"), "planned_failover", "operation"),
					expectAt(crmAddr, "readiness", knownvalue.Bool(true), "planned_failover", "ready"),
					expectAt(crmAddr, "readiness", knownvalue.Bool(true), "rpo", "within"),
					expectAt(crmAddr, "readiness", knownvalue.Int64Exact(900), "rpo", "rpo_seconds"),
					expectAt(crmAddr, "last_drill", knownvalue.Null()),
					expectAt("data.dr_readiness.crm", "all_ready", knownvalue.Bool(true)),
					expectAt("data.dr_readiness.crm", "not_ready", knownvalue.ListExact(nil)),
					expectAt("data.dr_readiness.crm", "objects", knownvalue.ListSizeExact(2)),
					expectAt("data.dr_readiness.crm", "objects", knownvalue.StringExact("protection_group"), 0, "kind"),
					expectAt("data.dr_readiness.crm", "objects", knownvalue.Bool(true), 0, "failover", "ready"),
				},
			},
			{
				// a drill started out of band (the console, another pipeline)
				PreConfig: func() {
					if err := sb.Invoke(t.Context(), lifecycle.ProtectionGroup, groupID(), lifecycle.OpStartDrill, "", nil); err != nil {
						t.Fatal(err)
					}
				},
				Config: testAccCRMConfig(db, true, protected, ""),
				ConfigStateChecks: []statecheck.StateCheck{
					expectAt(crmAddr, "readiness", knownvalue.Bool(false), "failover", "ready"),
					expectAt(crmAddr, "readiness", knownvalue.ListExact([]knownvalue.Check{knownvalue.ObjectExact(map[string]knownvalue.Check{
						"rule":    knownvalue.StringExact("V-DRILL"),
						"message": knownvalue.StringRegexp(regexp.MustCompile(`^V-DRILL: failover needs no DR drill running; a DR drill is running on group "crm"\. Stop the drill first`)),
					})}), "failover", "blocked_by"),
					expectAt(crmAddr, "readiness", rule("V-DRILL"), "planned_failover", "blocked_by", 0),
					expectAt(crmAddr, "drill_active", knownvalue.Bool(true)),
					// the pair (refreshed now, a member): it fails over with its group
					expectAt("dr_replication_pair.crm", "readiness", knownvalue.Bool(false), "failover", "ready"),
					expectAt("dr_replication_pair.crm", "readiness", rule("V-PAIR-IN-GROUP"), "failover", "blocked_by", 0),
					expectAt(crmAddr, "last_drill", knownvalue.StringExact("ready"), "outcome"),
					expectAt(crmAddr, "last_drill", knownvalue.NotNull(), "started_at"),
					expectAt(crmAddr, "last_drill", knownvalue.Null(), "ended_at"),
					expectAt(crmAddr, "last_drill", knownvalue.Int64Exact(0), "time_to_ready_seconds"),
					expectAt("data.dr_readiness.crm", "all_ready", knownvalue.Bool(false)),
					expectAt("data.dr_readiness.crm", "not_ready", knownvalue.ListExact([]knownvalue.Check{
						knownvalue.StringRegexp(regexp.MustCompile(`^dr_protection_group "crm" \(pg-[0-9a-f]+\): failover refused: V-DRILL \(`)),
					})),
				},
			},
			{
				// the drill stopped out of band; the link stalls
				PreConfig: func() {
					if err := sb.Invoke(t.Context(), lifecycle.ProtectionGroup, groupID(), lifecycle.OpStopDrill, "", nil); err != nil {
						t.Fatal(err)
					}
				},
				Config: testAccCRMConfig(db, true, protected, stall),
				ConfigStateChecks: []statecheck.StateCheck{
					expectAt(crmAddr, "readiness", knownvalue.Bool(true), "failover", "ready"),
					expectAt(crmAddr, "last_drill", knownvalue.StringExact("succeeded"), "outcome"),
					expectAt(crmAddr, "last_drill", knownvalue.NotNull(), "ended_at"),
				},
			},
			{
				// a moment later (at the tests' time scale, milliseconds are minutes): no recovery
				// point since; the CLI's provider runs the sandbox on the wall clock, so wait until
				// the sandbox observes the copy past the RPO
				PreConfig: func() {
					deadline := time.Now().Add(30 * time.Second)
					for {
						o, err := sb.Observe(t.Context(), lifecycle.ProtectionGroup, groupID())
						if err == nil && o.Facts.LagSeconds > 900 {
							return
						}
						if time.Now().After(deadline) {
							t.Fatalf("the stalled link's copy is %ds old (%v), want over 900s", o.Facts.LagSeconds, err)
						}
						time.Sleep(5 * time.Millisecond) // the wall clock here; bounded by the deadline
					}
				},
				Config: testAccCRMConfig(db, true, protected, stall),
				ConfigStateChecks: []statecheck.StateCheck{
					expectAt(crmAddr, "readiness", knownvalue.Bool(false), "rpo", "within"),
					expectAt(crmAddr, "readiness", int64Above(900), "rpo", "lag_seconds"),
					expectAt(crmAddr, "readiness", knownvalue.StringRegexp(regexp.MustCompile(`over its recovery point objective of 900s: no recovery point was cut since \(its replication link is stalled or too slow\)`)), "rpo", "reason"),
					expectAt(crmAddr, "readiness", knownvalue.Bool(true), "failover", "ready"),
					expectAt("data.dr_readiness.crm", "not_ready", knownvalue.ListExact([]knownvalue.Check{
						knownvalue.StringRegexp(regexp.MustCompile(`^dr_protection_group "crm" .*: RPO: The standby copy of group "crm" is \d+s old`)),
					})),
				},
			},
		},
	})
}

// int64Above checks a number greater than n.
func int64Above(n int64) knownvalue.Check {
	return knownvalue.Int64Func(func(v int64) error {
		if v <= n {
			return fmt.Errorf("%d is not above %d", v, n)
		}
		return nil
	})
}

// The DR site down before the group's first synchronisation: the failover is refused by the
// group's state rule and V-FIRST-SYNC, the copy is not within the RPO (none exists), and
// dr_readiness names both; the data source of the group reports the same readiness.
func TestAccReadiness_siteDownBeforeFirstSync(t *testing.T) {
	db := testAccSandbox(t)
	ds := `
data "dr_protection_group" "crm" {
  id = dr_protection_group.crm.id
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: testAccCRMConfig(db, false, "", ds),
			ConfigStateChecks: beforeFirstSync(crmAddr, "crm",
				expectAt(crmAddr, "status", knownvalue.StringExact("configured")),
				expectAt(crmAddr, "readiness", knownvalue.Null(), "rpo", "lag_seconds"),
				expectAt("data.dr_protection_group.crm", "readiness", knownvalue.Bool(false), "failover", "ready"),
				expectAt("data.dr_protection_group.crm", "readiness", rule("V-FIRST-SYNC"), "failover", "blocked_by", 1),
				expectAt("data.dr_readiness.crm", "all_ready", knownvalue.Bool(false)),
				expectAt("data.dr_readiness.crm", "not_ready", knownvalue.ListExact([]knownvalue.Check{
					knownvalue.StringRegexp(regexp.MustCompile(`failover refused: R002-2, V-FIRST-SYNC .*; RPO: Group "crm" has no complete copy`)),
				})),
			),
		}},
	})
}

// Pair drills through the CLI on the sandbox: a pair's drill started out of band shows in
// drill_active and last_drill, and moving production (active_site = "secondary") is refused at
// plan with V-DRILL; destroying the pair stops its drill first (its test copy is not left behind).
func TestAccReadiness_pairDrillRefusesFailover(t *testing.T) {
	db := testAccSandbox(t)
	sb := testAccOpenSandbox(t, db)
	var pairID string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: testAccPairConfig(db, true, `  replication = "running"`),
				ConfigStateChecks: []statecheck.StateCheck{
					expectPair("drill_active", knownvalue.Bool(false)),
					expectAt(pairAddr, "readiness", knownvalue.Bool(true), "failover", "ready"),
					expectAt(pairAddr, "readiness", knownvalue.StringExact("switchover"), "planned_failover", "operation"),
					expectAt(pairAddr, "readiness", knownvalue.Bool(true), "rpo", "within"),
					expectAt(pairAddr, "allowed_operations", knownvalue.ListExact([]knownvalue.Check{
						knownvalue.StringExact("start_drill"), knownvalue.StringExact("stop"), knownvalue.StringExact("switchover")})),
				},
			},
			{
				PreConfig: func() {
					pairID = onlyPairID(t, sb)
					if err := sb.Invoke(t.Context(), lifecycle.ReplicationPair, pairID, lifecycle.OpStartDrill, "", nil); err != nil {
						t.Fatal(err)
					}
				},
				Config: testAccPairConfig(db, true, `  replication = "running"`),
				ConfigStateChecks: []statecheck.StateCheck{
					expectPair("drill_active", knownvalue.Bool(true)),
					expectAt(pairAddr, "last_drill", knownvalue.StringExact("ready"), "outcome"),
					expectAt(pairAddr, "readiness", rule("V-DRILL"), "failover", "blocked_by", 0),
					expectAt(pairAddr, "readiness", rule("V-DRILL"), "planned_failover", "blocked_by", 0),
				},
			},
			{
				// moving production (a switchover: both sites are healthy) is refused at plan
				Config:      testAccPairConfig(db, true, `  replication = "running"`+"\n  active_site = \"secondary\""),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`V-DRILL: dr_replication_pair switchover refused[\s\S]*a DR drill is running on pair\s+"db"`),
			},
			{
				Config: testAccPairConfig(db, true, `  replication = "running"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(pairAddr, plancheck.ResourceActionNoop),
				}},
			},
		},
		CheckDestroy: func(*terraform.State) error {
			p, err := sb.GetPair(t.Context(), pairID)
			if err == nil {
				return fmt.Errorf("pair %s left %s (drill %v)", pairID, p.State, p.DrillActive)
			}
			return nil
		},
	})
}

// Readiness through the CLI against the SDRS emulator: a group before protection cannot fail
// over (its state's rule R002-2, then V-FIRST-SYNC) and has no copy within the RPO; protected,
// the failover is ready, the planned failover waits for the production servers to stop
// (V-GRP-SWITCH, from ECS's power states), and whether the copy is within the RPO is unknown,
// saying why: SDRS reports no replication lag.
func TestAccHuaweiCloud_readiness(t *testing.T) {
	w := newHWGroupWorld(t)
	const app = "dr_protection_group.app"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: w.group(""), ConfigStateChecks: beforeFirstSync(app, "app")},
			{
				Config: w.group(`  protection = "enabled"`),
				ConfigStateChecks: []statecheck.StateCheck{
					expectAt(app, "status", knownvalue.StringExact("replicating")),
					expectAt(app, "readiness", knownvalue.Bool(true), "failover", "ready"),
					expectAt(app, "readiness", knownvalue.ListExact(nil), "failover", "blocked_by"),
					expectAt(app, "readiness", knownvalue.Bool(false), "planned_failover", "ready"),
					expectAt(app, "readiness", knownvalue.ListExact([]knownvalue.Check{knownvalue.ObjectExact(map[string]knownvalue.Check{
						"rule":    knownvalue.StringExact("V-GRP-SWITCH"),
						"message": knownvalue.StringRegexp(regexp.MustCompile(`servers of group "app" at the production site \(source\) are running`)),
					})}), "planned_failover", "blocked_by"),
					expectAt(app, "readiness", knownvalue.Null(), "rpo", "within"),
					expectAt(app, "readiness", knownvalue.Null(), "rpo", "lag_seconds"),
					expectAt(app, "readiness", knownvalue.StringExact(`the huaweicloud platform does not report the replication lag of group "app", so whether its standby copy is within the recovery point objective is not known.`), "rpo", "reason"),
				},
			},
		},
	})
}
