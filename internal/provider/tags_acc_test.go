package provider

import (
	"fmt"
	"maps"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
)

// testAccTagsConfig is a pair on the sandbox with the provider's default_tags and the pair's tags.
func testAccTagsConfig(db, defaults, tags string) string {
	provider := fmt.Sprintf(`
provider "dr" {
  sandbox {
    path       = %q
    time_scale = %d
  }
%s
}
`, db, accTimeScale, defaults)
	return provider + testAccTwoSites(true) + fmt.Sprintf(`
resource "dr_replication_pair" "test" {
  name                = "db"
  primary_volume_id   = dr_sandbox_volume.a.id
  secondary_volume_id = dr_sandbox_volume.b.id
%s
}
`, tags)
}

func tagValues(tags map[string]string) knownvalue.Check {
	m := map[string]knownvalue.Check{}
	for k, v := range tags {
		m[k] = knownvalue.StringExact(v)
	}
	return knownvalue.MapExact(m)
}

// platformTags asserts the tags the sandbox keeps on the test's pair.
func platformTags(t *testing.T, db string, want map[string]string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		id := s.RootModule().Resources[pairAddr].Primary.ID
		p, err := testAccOpenSandbox(t, db).GetPair(t.Context(), id)
		if err != nil {
			return err
		}
		if !maps.Equal(p.Tags, want) {
			return fmt.Errorf("the platform keeps tags %v on %s, want %v", p.Tags, id, want)
		}
		return nil
	}
}

// Tags and default tags through the CLI on the sandbox: created merged (the resource's tag
// wins), a drift made behind Terraform's back planned as an update in place and set back, a
// change of tags in place, an import that reads the pair's own tags apart from the defaults,
// tags outside the platform's limits refused at plan at the attribute.
func TestAccTags_sandbox(t *testing.T) {
	db := testAccSandbox(t)
	defaults := `  default_tags {
    tags = { env = "prod", team = "platform" }
  }`
	merged := map[string]string{"env": "prod", "team": "dr"}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: testAccTagsConfig(db, defaults, `  tags = { team = "dr" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(pairAddr, plancheck.ResourceActionCreate),
					planAt(pairAddr, "tags_all", tagValues(merged)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					expectPair("tags", tagValues(map[string]string{"team": "dr"})),
					expectPair("tags_all", tagValues(merged)),
				},
				Check: platformTags(t, db, merged),
			},
			{
				// a drift: someone retags the pair outside Terraform
				PreConfig: func() {
					sb := testAccOpenSandbox(t, db)
					if err := sb.SetTags(t.Context(), lifecycle.ReplicationPair, onlyPairID(t, sb), map[string]string{"team": "ops", "rogue": "x"}); err != nil {
						t.Fatal(err)
					}
				},
				Config: testAccTagsConfig(db, defaults, `  tags = { team = "dr" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(pairAddr, plancheck.ResourceActionUpdate),
					planAt(pairAddr, "tags_all", tagValues(merged)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{expectPair("tags_all", tagValues(merged))},
				Check:             platformTags(t, db, merged),
			},
			{
				// a resource tag equal to a default one stays the resource's (no perpetual diff)
				Config: testAccTagsConfig(db, defaults, `  tags = { team = "dr", env = "prod", cost = "42" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(pairAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					expectPair("tags", tagValues(map[string]string{"team": "dr", "env": "prod", "cost": "42"})),
					expectPair("tags_all", tagValues(map[string]string{"team": "dr", "env": "prod", "cost": "42"})),
				},
				Check: platformTags(t, db, map[string]string{"team": "dr", "env": "prod", "cost": "42"}),
			},
			{
				Config: testAccTagsConfig(db, defaults, `  tags = { team = "dr", env = "prod", cost = "42" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
			},
			{
				// the defaults change: every resource's tags_all follows, in place
				Config: testAccTagsConfig(db, `  default_tags {
    tags = { env = "staging" }
  }`, `  tags = { team = "dr" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(pairAddr, plancheck.ResourceActionUpdate),
					planAt(pairAddr, "tags_all", tagValues(map[string]string{"env": "staging", "team": "dr"})),
				}},
				Check: platformTags(t, db, map[string]string{"env": "staging", "team": "dr"}),
			},
			{
				ResourceName:            pairAddr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts", "planned_operations", "replication_lag_seconds", "last_recovery_point", "sync_progress"},
			},
			{
				Config:      testAccTagsConfig(db, defaults, `  tags = { "acs:owner" = "me" }`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)V-PARAMS.*tags.*"acs:owner".*starts with "acs:"`),
			},
			{
				// no tags at all: the pair's tags go, tags_all is empty
				Config: testAccTagsConfig(db, "", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(pairAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					expectPair("tags", knownvalue.Null()),
					expectPair("tags_all", knownvalue.MapSizeExact(0)),
				},
				Check: platformTags(t, db, nil),
			},
		},
	})
}

// A platform that keeps no tags on a kind refuses them at plan, at tags, whether they come from
// the resource or from the provider's default_tags (Acronis: recovery servers carry none).
func TestAccTags_refusedWhereThePlatformKeepsNone(t *testing.T) {
	w := newAcronisWorld(t)
	server := func(provider, tags string) string {
		cfg := w.config(accAcronisSecret, fmt.Sprintf(`
resource "dr_recovery_server" "test" {
  name       = "web-recovery"
  machine_id = %q
%s
}
`, w.mach, tags))
		return regexp.MustCompile(`(?m)^  acronis \{`).ReplaceAllString(cfg, provider+"\n  acronis {")
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      server("", `  tags = { team = "dr" }`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)V-PARAMS.*acronis platform keeps no tags on recovery_server objects`),
			},
			{
				Config: server(`  default_tags {
    tags = { env = "prod" }
  }`, ""),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)V-PARAMS.*keeps no tags on recovery_server.*env="prod".*default_tags`),
			},
		},
	})
}

// Tags on the Alibaba EBS emulator through the CLI: a pair and a replica group created with
// their tags merged over the provider's default_tags (CreateDiskReplicaPair/Group Tag.N), a tag
// changed in the cloud set back in place (TagResources, UntagResources), import, and EBS's own
// tag rules refused at plan at tags (a key starting with aliyun; tags on a kind EBS has none
// for are covered by TestAccTags_refusedWhereThePlatformKeepsNone).
func TestAccAlibaba_tags(t *testing.T) {
	w, _ := newAliStoryWorld(t, 11)
	a, b := w.disk(w.sh, 10, false), w.disk(w.bj, 10, false)
	config := func(pairTags string) string {
		provider := strings.Replace(w.provider(), "  alibaba {", `  default_tags {
    tags = { env = "prod" }
  }
  alibaba {`, 1)
		return provider + pairHCL("test", "", a, b, pairTags) + w.groupHCL("", nil, `  tags = { team = "dr" }`)
	}
	cloudTags := func(want map[string]string) resource.TestCheckFunc {
		return func(s *terraform.State) error {
			id := s.RootModule().Resources[pairAddr].Primary.ID
			p, err := w.sb.GetPair(w.ctx, id)
			if err != nil {
				return err
			}
			if !maps.Equal(p.Tags, want) {
				return fmt.Errorf("EBS keeps tags %v on %s, want %v", p.Tags, id, want)
			}
			return nil
		}
	}
	merged := map[string]string{"env": "prod", "app": "crm"}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config(`  tags = { app = "crm" }`),
				ConfigStateChecks: []statecheck.StateCheck{
					expectPair("tags_all", tagValues(merged)),
					expectAt("dr_protection_group.app", "tags_all", tagValues(map[string]string{"env": "prod", "team": "dr"})),
				},
				Check: cloudTags(merged),
			},
			{
				PreConfig: func() {
					ps, err := w.sb.ListPairs(w.ctx)
					w.must(err)
					w.must(w.sb.SetTags(w.ctx, lifecycle.ReplicationPair, ps[0].ID, map[string]string{"app": "billing", "owner": "someone"}))
				},
				Config: config(`  tags = { app = "crm" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(pairAddr, plancheck.ResourceActionUpdate),
				}},
				Check: cloudTags(merged),
			},
			{
				Config: config(`  tags = { app = "crm", tier = "gold" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(pairAddr, plancheck.ResourceActionUpdate),
				}},
				Check: cloudTags(map[string]string{"env": "prod", "app": "crm", "tier": "gold"}),
			},
			{
				ResourceName:            pairAddr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts", "planned_operations", "replication_lag_seconds", "last_recovery_point", "sync_progress", "rpo", "readiness"},
			},
			{
				Config:      config(`  tags = { aliyun-owner = "me" }`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)V-PARAMS.*the alibaba platform refuses the tags.*"aliyun-owner".*starts with "aliyun".*TagResources`),
			},
		},
	})
}
