package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

func opsExact(ops ...string) knownvalue.Check {
	checks := make([]knownvalue.Check, len(ops))
	for i, op := range ops {
		checks[i] = knownvalue.StringExact(op)
	}
	return knownvalue.ListExact(checks)
}

func plannedOpsPlan(addr string, ops ...string) plancheck.PlanCheck {
	return plancheck.ExpectKnownValue(addr, tfjsonpath.New("planned_operations"), opsExact(ops...))
}

func plannedOpsState(addr string, ops ...string) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(addr, tfjsonpath.New("planned_operations"), opsExact(ops...))
}

// planned_operations carries the engine's operations into the diff: known at plan when the
// volumes exist, equal after apply, kept (no diff) by plans that operate nothing; a failover
// shows its operations.
func TestAccPlannedOperations_pair(t *testing.T) {
	db := testAccSandbox(t)
	noDiff := resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: testAccProvider(db) + testAccTwoSites(true)},
			{
				// The volumes exist: the plan knows the whole path of the new pair.
				Config: testAccPairConfig(db, true, `  replication = "running"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(pairAddr, plancheck.ResourceActionCreate),
						plannedOpsPlan(pairAddr, "create", "start"),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{plannedOpsState(pairAddr, "create", "start"), expectPair("status", knownvalue.StringExact("replicating"))},
			},
			{
				// A change that operates nothing keeps the value: no diff for it.
				Config: testAccPairConfig(db, true, "  replication = \"running\"\n  allow_data_loss = true"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(pairAddr, plancheck.ResourceActionUpdate),
						plannedOpsPlan(pairAddr, "create", "start"),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{plannedOpsState(pairAddr, "create", "start")},
			},
			{
				// The primary site goes down (a sandbox change only; the pair is not operated).
				Config:           testAccPairConfig(db, false, "  allow_data_loss = true"),
				ConfigPlanChecks: noDiff,
			},
			{
				// Production to the secondary site while the primary is down: a failover, shown in
				// the diff before apply.
				Config: testAccPairConfig(db, false, "  allow_data_loss = true\n  active_site = \"secondary\""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(pairAddr, plancheck.ResourceActionUpdate),
						plannedOpsPlan(pairAddr, "failover"),
						plancheck.ExpectKnownValue(pairAddr, tfjsonpath.New("status"), knownvalue.StringExact("failed_over")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{plannedOpsState(pairAddr, "failover"), expectPair("active_site", knownvalue.StringExact("secondary"))},
			},
		},
	})
}

// After an import planned_operations is null, and a plan that operates nothing leaves it so.
// The pair is forgotten with a removed block (Terraform 1.7) and imported again.
func TestAccPlannedOperations_import(t *testing.T) {
	db := testAccSandbox(t)
	var id string
	cfg := testAccPairConfig(db, true, `  replication = "running"`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_7_0)},
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					// the volumes are made in the same apply: known after apply
					plancheck.ExpectUnknownValue(pairAddr, tfjsonpath.New("planned_operations")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{plannedOpsState(pairAddr, "create", "start")},
				Check:             resource.TestCheckResourceAttrWith(pairAddr, "id", func(v string) error { id = v; return nil }),
			},
			{
				Config: testAccProvider(db) + testAccTwoSites(true) + `
removed {
  from = dr_replication_pair.test
  lifecycle {
    destroy = false
  }
}
`,
			},
			{
				ResourceName:       pairAddr,
				Config:             cfg,
				ImportState:        true,
				ImportStatePersist: true,
				ImportStateIdFunc:  func(*terraform.State) (string, error) { return id, nil },
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					for _, s := range states {
						if v, ok := s.Attributes["planned_operations.#"]; ok {
							return fmt.Errorf("imported planned_operations has %s elements, want null", v)
						}
					}
					return nil
				},
			},
			{
				// a change that operates nothing (allow_data_loss, which an import reads as false)
				Config: testAccPairConfig(db, true, "  replication = \"running\"\n  allow_data_loss = true"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(pairAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(pairAddr, tfjsonpath.New("planned_operations"), knownvalue.Null()),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// the next plan that operates the pair shows its operations
				Config: testAccPairConfig(db, true, "  replication = \"paused\"\n  allow_data_loss = true"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plannedOpsPlan(pairAddr, "stop")},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{plannedOpsState(pairAddr, "stop")},
			},
		},
	})
}

// A group's failover and reprotect show their operations in the plan; the create records what
// apply ran (its pairs are made in the same apply, so the plan could not tell).
func TestAccPlannedOperations_groupFailover(t *testing.T) {
	db := testAccSandbox(t)
	noDiff := resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: testAccGroupConfig(db, groupCfg{prodHealthy: true, pairs: true, attrs: enabledSource}),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectUnknownValue(groupAddr, tfjsonpath.New("planned_operations"))},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{plannedOpsState(groupAddr, "create", "add_member", "enable_protection", "add_server")},
			},
			{Config: testAccGroupConfig(db, groupCfg{prodHealthy: false, pairs: true, attrs: enabledSource}), ConfigPlanChecks: noDiff},
			{
				Config: testAccGroupConfig(db, groupCfg{prodHealthy: false, pairs: true, attrs: disabledTarget}),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plannedOpsPlan(groupAddr, "failover")},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{plannedOpsState(groupAddr, "failover"), expectGroup("status", knownvalue.StringExact("failed_over"))},
			},
			{Config: testAccGroupConfig(db, groupCfg{prodHealthy: true, webPower: "stopped", pairs: true, attrs: disabledTarget}), ConfigPlanChecks: noDiff},
			{
				Config: testAccGroupConfig(db, groupCfg{prodHealthy: true, webPower: "stopped", pairs: true, attrs: enabledTarget}),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plannedOpsPlan(groupAddr, "reprotect")},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{plannedOpsState(groupAddr, "reprotect")},
			},
		},
	})
}
