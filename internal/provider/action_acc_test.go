package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// CLI acceptance tests of the actions. Actions need Terraform 1.14; with an older CLI on PATH
// (1.11 here) these tests skip and the protocol-level tests in action_test.go cover the same
// behaviour.

// actionCase is a CLI test case of actions: they need Terraform 1.14 (with an older CLI the
// case skips).
func actionCase(steps ...resource.TestStep) resource.TestCase {
	return resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)},
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps:                    steps,
	}
}

// actionTriggerHCL is the action typ (its config lines config), invoked after terraform_data
// is created.
func actionTriggerHCL(typ, config string) string {
	return fmt.Sprintf(`
action %[1]q "this" {
  config {
%[2]s
  }
}

resource "terraform_data" "trigger" {
  input = "go"

  lifecycle {
    action_trigger {
      events  = [after_create]
      actions = [action.%[1]s.this]
    }
  }
}
`, typ, config)
}

// testAccActionTrigger invokes one action after terraform_data is created, on the sandbox db.
func testAccActionTrigger(db, typ, config string) string {
	return testAccProvider(db) + actionTriggerHCL(typ, config)
}

// actionRefused is a step whose action typ on id is refused at plan with an error matching
// expect.
func actionRefused(db, typ, id, expect string) resource.TestStep {
	return resource.TestStep{
		Config:      testAccActionTrigger(db, typ, fmt.Sprintf("    id = %q", id)),
		PlanOnly:    true,
		ExpectError: regexp.MustCompile(expect),
	}
}

// actionRuns is a step running the action typ on id (further config lines extra); then check
// the object.
func actionRuns(db, typ, id, extra string, check func()) resource.TestStep {
	return resource.TestStep{Config: testAccActionTrigger(db, typ, fmt.Sprintf("    id = %q\n%s", id, extra)), PostApplyFunc: check}
}

func TestAccReplicationPairFailoverAction_trigger(t *testing.T) {
	e := newActionSites(t)
	id := e.replicatingPair("web")
	resource.ParallelTest(t, actionCase(actionRuns(e.db, "dr_replication_pair_failover", id, "    allow_data_loss = true", func() {
		obs := e.wantState(lifecycle.ReplicationPair, id, "failed_over")
		if obs.ActiveSite != lifecycle.SiteTarget {
			t.Errorf("active site %s after the failover action", obs.ActiveSite)
		}
	})))
}

func TestAccReplicationPairReprotectAction_refused(t *testing.T) {
	e := newActionSites(t)
	id := e.replicatingPair("web")
	resource.ParallelTest(t, actionCase(resource.TestStep{
		Config:      testAccActionTrigger(e.db, "dr_replication_pair_reprotect", fmt.Sprintf("    id = %q", id)),
		ExpectError: regexp.MustCompile(`V-PAIR-REPROT`),
	}))
}

func TestAccProtectionGroupDrillAction_trigger(t *testing.T) {
	e := newActionSites(t)
	gid := e.protectedGroup("app")
	resource.ParallelTest(t, actionCase(actionRuns(e.db, "dr_protection_group_drill", gid, `    timeout = "10m"`, func() {
		obs := e.wantState(lifecycle.ProtectionGroup, gid, "replicating")
		if obs.Facts.DrillActive {
			t.Error("the drill action left a drill running")
		}
	})))
}

// The pair drill actions through the CLI (Terraform 1.14+): dr_replication_pair_drill starts
// the drill, waits until ready and cleans up; the record says succeeded.
func TestAccReplicationPairDrillAction_trigger(t *testing.T) {
	e := newActionSites(t)
	id := e.replicatingPair("web")
	resource.ParallelTest(t, actionCase(actionRuns(e.db, "dr_replication_pair_drill", id, `    timeout = "10m"`, func() {
		obs := e.wantState(lifecycle.ReplicationPair, id, "replicating")
		p, err := e.sb.GetPair(e.ctx, id)
		if err != nil || obs.Facts.DrillActive || p.LastDrill == nil || p.LastDrill.Outcome != platform.DrillSucceeded {
			t.Errorf("after the pair drill action: drill %v, record %+v, %v", obs.Facts.DrillActive, p.LastDrill, err)
		}
	})))
}

// A pair's drill refused at plan through the CLI (Terraform 1.14+): before the first
// synchronisation the pair is configured, and start_drill runs only from replicating (V-DRILL).
func TestAccReplicationPairStartDrillAction_refused(t *testing.T) {
	e := newActionSites(t)
	id := e.pair("web")
	resource.ParallelTest(t, actionCase(actionRefused(e.db, "dr_replication_pair_start_drill", id,
		`Failed to plan action[\s\S]*V-DRILL: dr_replication_pair start_drill refused[\s\S]*allowed\s+only\s+from\s+replicating;\s+it\s+is\s+configured`)))
}

// Resources reflect what actions did: after a switchover action, a pair whose active_site
// is unset plans nothing (and reads the new site); one that sets active_site plans the path
// back as an in-place update, never a replacement.
func TestAccActions_reflectedInResources(t *testing.T) {
	db := testAccSandbox(t)
	observeOnly := testAccPairConfig(db, true, `  replication = "running"`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: observeOnly},
			{
				PreConfig: func() {
					e := &actionEnv{t: t, ctx: t.Context(), db: db}
					e.srv = e.server(accTimeScale)
					r := e.invoke("dr_replication_pair_switchover", map[string]any{"id": onlyPairID(t, testAccOpenSandbox(t, db))})
					wantOK(t, "switchover action", r.diags)
					if r.completed != 1 || len(r.progress) == 0 {
						t.Fatalf("switchover action: %d completed events, progress %q", r.completed, r.progress)
					}
				},
				Config: observeOnly,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					expectPair("active_site", knownvalue.StringExact("secondary")),
					pairStatus("replicating"),
				},
			},
			{
				Config: testAccPairConfig(db, true, "  replication = \"running\"\n  active_site = \"primary\""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(pairAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					expectPair("active_site", knownvalue.StringExact("primary")),
				},
			},
		},
	})
}
