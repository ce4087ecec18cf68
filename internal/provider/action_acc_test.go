package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
)

// CLI acceptance tests of the actions. Actions need Terraform 1.14; with an older CLI on PATH
// (1.11 here) these tests skip and the protocol-level tests in action_test.go cover the same
// behaviour.

// testAccActionTrigger invokes one action after terraform_data is created.
func testAccActionTrigger(db, typ, config string) string {
	return testAccProvider(db) + fmt.Sprintf(`
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

func TestAccReplicationPairFailoverAction_trigger(t *testing.T) {
	e := newActionEnv(t)
	e.sites()
	id := e.replicatingPair("web")
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)},
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: testAccActionTrigger(e.db, "dr_replication_pair_failover", fmt.Sprintf("    id              = %q\n    allow_data_loss = true", id)),
			PostApplyFunc: func() {
				obs := e.wantState(lifecycle.ReplicationPair, id, "failed_over")
				if obs.ActiveSite != lifecycle.SiteTarget {
					t.Errorf("active site %s after the failover action", obs.ActiveSite)
				}
			},
		}},
	})
}

func TestAccReplicationPairReprotectAction_refused(t *testing.T) {
	e := newActionEnv(t)
	e.sites()
	id := e.replicatingPair("web")
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)},
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      testAccActionTrigger(e.db, "dr_replication_pair_reprotect", fmt.Sprintf("    id = %q", id)),
			ExpectError: regexp.MustCompile(`V-PAIR-REPROT`),
		}},
	})
}

func TestAccProtectionGroupDrillAction_trigger(t *testing.T) {
	e := newActionEnv(t)
	e.sites()
	gid := e.protectedGroup("app")
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)},
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: testAccActionTrigger(e.db, "dr_protection_group_drill", fmt.Sprintf("    id      = %q\n    timeout = \"10m\"", gid)),
			PostApplyFunc: func() {
				obs := e.wantState(lifecycle.ProtectionGroup, gid, "replicating")
				if obs.Facts.DrillActive {
					t.Error("the drill action left a drill running")
				}
			},
		}},
	})
}
