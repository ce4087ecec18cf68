package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
)

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
			{
				Config: w.group(""),
				ConfigStateChecks: []statecheck.StateCheck{
					expectAt(app, "readiness", knownvalue.Bool(false), "failover", "ready"),
					expectAt(app, "readiness", knownvalue.ListExact([]knownvalue.Check{rule("R002-2"), knownvalue.ObjectExact(map[string]knownvalue.Check{
						"rule":    knownvalue.StringExact("V-FIRST-SYNC"),
						"message": knownvalue.StringRegexp(regexp.MustCompile(`group "app" has not completed its first synchronisation`)),
					})}), "failover", "blocked_by"),
					expectAt(app, "readiness", knownvalue.Bool(false), "rpo", "within"),
					expectAt(app, "readiness", knownvalue.StringRegexp(regexp.MustCompile(`no complete copy at the standby site`)), "rpo", "reason"),
				},
			},
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
