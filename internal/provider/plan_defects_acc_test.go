package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// Issue 26: two plans that passed and then failed, or were refused although the user opted in.

// V-REFS per identifier: a literal volume id that does not exist is refused at plan even when
// the pair's other volume is created in the same apply (its id unknown at plan). The plan used
// to pass; the apply then created the sites and the volume and failed at the pair.
func TestAccPlanTruth_literalReferenceCheckedAtPlan(t *testing.T) {
	db := testAccSandbox(t)
	inv := testAccProvider(db) + testAccTwoSites(true)
	pair := func(primary, secondary string) string {
		return inv + `
resource "dr_replication_pair" "test" {
  name                = "db"
  primary_volume_id   = ` + primary + `
  secondary_volume_id = ` + secondary + `
}
`
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// nothing exists yet: dr_sandbox_volume.a.id is unknown at plan
				Config:      pair("dr_sandbox_volume.a.id", `"vol-doesnotexist"`),
				PlanOnly:    true,
				ExpectError: onlyError(`V-REFS: dr_replication_pair create refused(.|\n)*secondary_volume_id = "vol-doesnotexist"(.|\n)*secondary_volume_id\s+"vol-doesnotexist" does not exist`),
			},
			{
				Config:      pair(`"vol-doesnotexist"`, "dr_sandbox_volume.b.id"),
				PlanOnly:    true,
				ExpectError: onlyError(`V-REFS: dr_replication_pair create refused(.|\n)*primary_volume_id\s+"vol-doesnotexist" does not exist`),
			},
			// a reference to an object of the same apply is still checked there
			{
				Config:            pair("dr_sandbox_volume.a.id", "dr_sandbox_volume.b.id"),
				ConfigStateChecks: []statecheck.StateCheck{expectPair("status", knownvalue.StringExact("configured"))},
			},
		},
	})
}

// R004-6 with the opt-in: a recovery server in failover whose configuration says mode =
// "standby" and allow_data_loss = true plans cancel_failover (the user opted into losing the
// cloud VM's changes); without the opt-in V-MANUAL-STEP stands. The same for destroying it.
func TestAccRecoveryServer_cancelFailoverWithOptIn(t *testing.T) {
	db := testAccSandbox(t)
	cfg := func(mode string, allow bool) string {
		return testAccRecoveryServerConfig(db, fmt.Sprintf("  mode            = %q\n  allow_data_loss = %t", mode, allow))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            cfg("failover", false),
				ConfigStateChecks: []statecheck.StateCheck{expectRS("status", knownvalue.StringExact("failed_over"))},
			},
			{
				Config:      cfg("standby", false),
				PlanOnly:    true,
				ExpectError: onlyError(`V-MANUAL-STEP: dr_recovery_server confirm_failback refused(.|\n)*allow_data_loss = true`),
			},
			{
				Config: cfg("standby", true),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plannedOpsPlan(rsAddr, "cancel_failover"),
					plancheck.ExpectKnownValue(rsAddr, tfjsonpath.New("status"), knownvalue.StringExact("standby")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					expectRS("status", knownvalue.StringExact("standby")),
					expectRS("vm_state", knownvalue.StringExact("not_ready")),
				},
			},
			// failed over again; destroying it is refused without the opt-in …
			{
				Config:            cfg("failover", false),
				ConfigStateChecks: []statecheck.StateCheck{expectRS("status", knownvalue.StringExact("failed_over"))},
			},
			{
				Config:      cfg("failover", false),
				Destroy:     true,
				ExpectError: onlyError(`V-MANUAL-STEP: dr_recovery_server delete refused(.|\n)*allow_data_loss = true`),
			},
			// … and allowed with it (the opt-in is applied first, then the destroy runs
			// cancel_failover → delete)
			{Config: cfg("failover", true)},
			{Config: cfg("failover", true), Destroy: true},
		},
	})
}

// onlyError matches the CLI's output when it holds exactly one error and that error matches
// summary (a regular expression starting at the error's summary): a refused resource gets
// one error, not a second one restating the same cause.
func onlyError(summary string) *regexp.Regexp {
	// no "Error:" anywhere else (RE2 has no look-ahead: spell the complement out)
	noErr := `(?:[^E]|E(?:[^r]|\z)|Er(?:[^r]|\z)|Err(?:[^o]|\z)|Erro(?:[^r]|\z)|Error[^:])*`
	return regexp.MustCompile(`\A` + noErr + `Error: (?:` + summary + `)` + noErr + `\z`)
}
