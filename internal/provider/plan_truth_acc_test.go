package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
)

// Issue 11: plans that used to pass and then lose data or fail at apply, each refused at plan
// through the Terraform CLI.

// A failover to a site that never received data: protection was never enabled and the source
// site is down. The plan used to propose enable_protection → failover and report failed_over;
// the first synchronisation cannot run with the source down (V-SYNC-SITES). The refusal names
// the failover the configuration asks for, not the enable_protection on the way (issue 26).
func TestAccPlanTruth_failoverToSiteWithoutData(t *testing.T) {
	db := testAccSandbox(t)
	up := groupCfg{prodHealthy: true, pairs: true}
	down := groupCfg{prodHealthy: false, pairs: true}
	failover := groupCfg{prodHealthy: false, pairs: true, attrs: "  active_site     = \"target\"\n  allow_data_loss = true"}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            testAccGroupConfig(db, up),
				ConfigStateChecks: []statecheck.StateCheck{expectGroup("status", knownvalue.StringExact("configured"))},
			},
			{Config: testAccGroupConfig(db, down)}, // the outage
			{
				Config:      testAccGroupConfig(db, failover),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)V-SYNC-SITES: dr_protection_group failover refused.*needs enable_protection first.*active site \(source\) down.*holds no data`),
			},
		},
	})
}

// The wrong reason: an empty group asked to fail over was refused for its delete
// (V-GRP-DELETE). The refusal is now the rule of the step the goal needs (R002-1, on
// enable_protection), naming the planned failover asked for (issue 26).
func TestAccPlanTruth_emptyGroupFailoverNamesR002_1(t *testing.T) {
	db := testAccSandbox(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: testAccGroupConfig(db, groupCfg{prodHealthy: true})},
			{
				Config:      testAccGroupConfig(db, groupCfg{prodHealthy: true, attrs: `  active_site = "target"`}),
				PlanOnly:    true,
				ExpectError: onlyError(`R002-1: dr_protection_group planned_failover refused(.|\n)*needs enable_protection first`),
			},
		},
	})
}

// A pair naming a volume that does not exist, the same volume twice, or volumes of different
// sizes: refused at plan at the attribute that names it, not after "Creating...".
// pairRefsHCL is the pair "test" (named db) between the volumes primary and secondary, as
// written (references or literals).
func pairRefsHCL(primary, secondary string) string {
	return `
resource "dr_replication_pair" "test" {
  name                = "db"
  primary_volume_id   = ` + primary + `
  secondary_volume_id = ` + secondary + `
}
`
}

func TestAccPlanTruth_pairVolumes(t *testing.T) {
	db := testAccSandbox(t)
	inv := testAccProvider(db) + testAccTwoSites(true) + sbVolume("big", "dr", 20)
	pair := func(primary, secondary string) string { return inv + pairRefsHCL(primary, secondary) }
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: inv},
			{
				Config:      pair("dr_sandbox_volume.a.id", `"vol-doesnotexist"`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)V-REFS: dr_replication_pair create refused.*secondary_volume_id = "vol-doesnotexist".*secondary_volume_id\s+"vol-doesnotexist" does not exist`),
			},
			{
				Config:      pair("dr_sandbox_volume.a.id", "dr_sandbox_volume.a.id"),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`V-PAIR-VOLUMES: a replication pair copies one volume to another`),
			},
			{
				Config:      pair("dr_sandbox_volume.a.id", "dr_sandbox_volume.big.id"),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)V-PAIR-VOLUMES: dr_replication_pair create refused.*10 GiB, the secondary 20 GiB`),
			},
			{Config: pair("dr_sandbox_volume.a.id", "dr_sandbox_volume.b.id")},
		},
	})
}

// A recovery server declared in failover mode needs a recovery point (R004-2): the plan
// refuses while its machine has no backup, and the same configuration applies once it has.
func TestAccPlanTruth_recoveryServerNeedsRecoveryPoint(t *testing.T) {
	db := testAccSandbox(t)
	machine, withBackup := testAccProvider(db)+testAccMachine(false), testAccProvider(db)+testAccMachine(true)
	rs := `
resource "dr_recovery_server" "test" {
  name       = "web-recovery"
  machine_id = dr_sandbox_server.web.id
  mode       = "failover"
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: machine},
			{
				Config:      machine + rs,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)R004-2: dr_recovery_server failover refused.*no recovery point`),
			},
			{Config: withBackup},
			{
				Config:            withBackup + rs,
				ConfigStateChecks: []statecheck.StateCheck{expectRS("status", knownvalue.StringExact("failed_over"))},
			},
			{
				// Destroying a failed-over server would skip recovering the local machine:
				// refused at plan with the two-step remedy (V-MANUAL-STEP), and the opt-in
				// offered (R004-6).
				Config:      withBackup,
				PlanOnly:    true,
				ExpectError: onlyError(`V-MANUAL-STEP: dr_recovery_server delete refused(.|\n)*` + phrase("With allow_data_loss = true (set it and apply, then destroy), the delete runs cancel_failover → delete")),
			},
			// fail back in two applies, then the server can go
			{Config: withBackup + regexp.MustCompile(`"failover"`).ReplaceAllString(rs, `"ready_for_failback"`)},
			{Config: withBackup + regexp.MustCompile(`"failover"`).ReplaceAllString(rs, `"standby"`)},
		},
	})
}

// The sandbox's own resources keep the promise: changing a server's power while its site is
// down passed the plan and failed at apply (SiteDown); it is refused at plan now.
func TestAccPlanTruth_serverPowerAtDownSite(t *testing.T) {
	db := testAccSandbox(t)
	cfg := func(healthy bool, power string) string {
		p := ""
		if power != "" {
			p = `  power_state = "` + power + `"`
		}
		return testAccProvider(db) + sbSite("prod", "cn-shanghai", "cn-shanghai-a", fmt.Sprintf("healthy = %t", healthy)) +
			sbServer("web", "web", "prod", p)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg(true, "")},
			{Config: cfg(false, "")}, // the outage
			{
				Config:      cfg(false, "stopped"),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Cannot change the power state of dr_sandbox_server.*site that is\s+down`),
			},
			{Config: cfg(true, "")},
			{Config: cfg(true, "stopped")},
		},
	})
}

// Issue 26: two plans that passed and then failed, or were refused although the user opted in.

// V-REFS per identifier: a literal volume id that does not exist is refused at plan even when
// the pair's other volume is created in the same apply (its id unknown at plan). The plan used
// to pass; the apply then created the sites and the volume and failed at the pair.
func TestAccPlanTruth_literalReferenceCheckedAtPlan(t *testing.T) {
	db := testAccSandbox(t)
	inv := testAccProvider(db) + testAccTwoSites(true)
	pair := func(primary, secondary string) string { return inv + pairRefsHCL(primary, secondary) }
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
				ConfigStateChecks: []statecheck.StateCheck{pairStatus("configured")},
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
					planAt(rsAddr, "status", knownvalue.StringExact("standby")),
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
