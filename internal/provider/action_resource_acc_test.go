package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
)

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
					e := &actionEnv{t: t, ctx: context.Background(), db: db}
					e.srv = e.server(accTimeScale)
					pairs, err := testAccOpenSandbox(t, db).ListPairs(e.ctx)
					if err != nil || len(pairs) != 1 {
						t.Fatalf("pairs: %v %v", pairs, err)
					}
					r := e.invoke("dr_replication_pair_switchover", map[string]any{"id": pairs[0].ID})
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
					expectPair("status", knownvalue.StringExact("replicating")),
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
