package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// The replication pair SDRS creates for a protected server's disk, as a dr_replication_pair on
// the huaweicloud platform, through the Terraform CLI against the SDRS emulator: imported (an
// import block; the id from the group's replication_pair_ids), its group, sites and the DR-site
// disk SDRS made read back; an empty plan after the import; terraform import agrees; a
// replacement (bandwidth_kbps set) refused; renamed (Changing the Name of a Replication Pair);
// its replication refused at plan on the pair, naming the group (V-PAIR-IN-GROUP); a new
// description refused at plan (V-PARAMS: SDRS cannot change it); destroying it on its own
// refused naming the manual step (V-PLATFORM); then forgotten with a removed block, and the
// group destroyed (which unprotects the server and so deletes the pair).
func TestAccHuaweiCloud_replicationPairImport(t *testing.T) {
	w := newHWGroupWorld(t)
	app, pair := "dr_protection_group.app", "dr_replication_pair.p"
	group := w.group("")
	withPair := func(name, attrs string) string {
		return group + `
data "dr_replication_pair" "sdrs" {
  id = one(dr_protection_group.app.replication_pair_ids)
}

import {
  to = dr_replication_pair.p
  id = one(dr_protection_group.app.replication_pair_ids)
}

resource "dr_replication_pair" "p" {
  name                = ` + name + `
  primary_volume_id   = data.dr_replication_pair.sdrs.primary_volume_id
  secondary_volume_id = data.dr_replication_pair.sdrs.secondary_volume_id
` + attrs + `
}
`
	}
	imported := withPair("data.dr_replication_pair.sdrs.name", "")
	renamed := withPair(`"data-renamed"`, "")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: group}, // SDRS creates a pair for the disk of the protected server
			{
				Config: imported,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(pair, plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.CompareValuePairs(pair, tfjsonpath.New("protection_group_id"), app, tfjsonpath.New("id"), compare.ValuesSame()),
					statecheck.CompareValuePairs(pair, tfjsonpath.New("primary_zone"), app, tfjsonpath.New("source_zone"), compare.ValuesSame()),
					statecheck.CompareValuePairs(pair, tfjsonpath.New("secondary_zone"), app, tfjsonpath.New("target_zone"), compare.ValuesSame()),
					statecheck.CompareValuePairs(pair, tfjsonpath.New("primary_volume_id"), pair, tfjsonpath.New("secondary_volume_id"), compare.ValuesDiffer()),
					expectAt(pair, "secondary_volume_id", knownvalue.StringRegexp(regexp.MustCompile(`.+`))),
					expectAt(pair, "status", knownvalue.StringExact("configured")),
					expectAt(pair, "active_site", knownvalue.StringExact("primary")),
					expectAt(pair, "direction", knownvalue.StringExact("primary_to_secondary")),
					expectAt(pair, "primary_region", knownvalue.StringExact("cn-north-4")),
					// delete is a manual step on SDRS, start goes through the group: only the rename is offered
					expectAt(pair, "allowed_operations", knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("update")})),
				},
			},
			{
				// nothing to do after the import: rpo_seconds and bandwidth_kbps are what SDRS
				// chose, not the schema's defaults (no replacement that could not be carried out)
				Config: imported,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
			},
			{
				// terraform import (the CLI command) reads the same pair as the import block did
				Config:       imported,
				ResourceName: pair,
				ImportState:  true,
				ImportStateIdFunc: func(s *terraform.State) (string, error) {
					return s.RootModule().Resources[pair].Primary.ID, nil
				},
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"planned_operations"},
			},
			{
				// rpo_seconds or bandwidth_kbps set to another value replace the pair: refused,
				// since SDRS pairs are neither deleted on their own nor created here
				Config:      withPair("data.dr_replication_pair.sdrs.name", `  bandwidth_kbps = 10240`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)V-PLATFORM.*cannot\s+invoke\s+delete`),
			},
			{
				Config: renamed,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(pair, plancheck.ResourceActionUpdate),
					planAt(pair, "planned_operations", knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("update")})),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					expectAt(pair, "name", knownvalue.StringExact("data-renamed")),
				},
				Check: func(s *terraform.State) error { // SDRS itself has the new name
					p, err := w.sb.GetPair(t.Context(), s.RootModule().Resources[pair].Primary.ID)
					if err != nil {
						return err
					}
					if p.Name != "data-renamed" {
						return fmt.Errorf("SDRS pair name %q, want data-renamed", p.Name)
					}
					return nil
				},
			},
			{Config: renamed, PlanOnly: true}, // the rename holds: an empty plan
			{
				// a name SDRS refuses (over 64 bytes; Changing the Name of a Replication Pair
				// answers SDRS.0202): refused at plan, at the attribute, not at apply
				Config:      withPair(`"`+strings.Repeat("r", 65)+`"`, ""),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)V-PARAMS: dr_replication_pair update refused.*\d+:\s+name\s+=\s+"r{65}".*has\s+65\s+bytes,\s+at\s+most\s+64.*Changing\s+the\s+Name\s+of\s+a\s+Replication\s+Pair`),
			},
			{
				// replication is the group's: refused on the pair, naming the group
				Config:      withPair(`"data-renamed"`, `  replication = "running"`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)V-PAIR-IN-GROUP.*belongs\s+to\s+group\s+"pg-`),
			},
			{
				// SDRS renames a pair but cannot change its description: refused at plan, at the attribute
				Config:      withPair(`"data-renamed"`, `  description = "x"`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)V-PARAMS.*cannot\s+change\s+the\s+description.*Changing\s+the\s+Name\s+of\s+a\s+Replication\s+Pair`),
			},
			{
				// deleting the pair on its own is a manual step
				Config:      group,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)V-PLATFORM.*cannot\s+invoke\s+delete.*unprotect\s+its\s+server.*removed\s+block`),
			},
			{
				Config: group + `
removed {
  from = dr_replication_pair.p
  lifecycle {
    destroy = false
  }
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					expectAt(app, "replication_pair_ids", knownvalue.SetSizeExact(1)),
				},
			},
		},
	})
}
