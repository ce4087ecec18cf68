package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
)

// Rules a pair's configuration reaches at creation, checked at plan time once the volumes
// exist: R001-5 (replication-capable regions) and V-PAIR-START (standby volume detached).
func TestAccRules_pairCreation(t *testing.T) {
	db := testAccSandbox(t)
	inv := testAccProvider(db) +
		sbSite("a", "cn-shanghai", "cn-shanghai-a") +
		sbSite("b", "cn-shanghai", "cn-shanghai-b") +
		sbSite("legacy", "cn-legacy", "cn-legacy-a", "replication_capable = false") +
		sbServer("b", "b-host", "b") +
		sbVolume("a", "a", 10) +
		sbVolume("b_attached", "b", 10, "server_id = dr_sandbox_server.b.id") +
		sbVolume("legacy", "legacy", 10)
	pair := func(secondary, attrs string) string {
		return `
resource "dr_replication_pair" "test" {
  name                = "db"
  primary_volume_id   = dr_sandbox_volume.a.id
  secondary_volume_id = dr_sandbox_volume.` + secondary + `.id
` + attrs + `
}
`
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: inv},
			{
				Config:      inv + pair("legacy", ""),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`R001-5: dr_replication_pair create refused`),
			},
			{
				Config:      inv + pair("b_attached", `  replication = "running"`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`V-PAIR-START: dr_replication_pair start refused`),
			},
			{
				// The same pair without asking for replication is legal.
				Config:            inv + pair("b_attached", ""),
				ConfigStateChecks: []statecheck.StateCheck{pairStatus("configured")},
			},
		},
	})
}

// A running drill blocks a real failover (V-DRILL), and the planner never ends the drill on
// its own; once the drill is stopped, the same change applies.
func TestAccRules_groupAndDrill(t *testing.T) {
	db := testAccSandbox(t)
	cfg := func(attrs string) string {
		return testAccGroupConfig(db, groupCfg{prodHealthy: true, pairs: true, webPower: "stopped", attrs: attrs})
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg(enabledSource)},
			{
				PreConfig:   func() { testAccInvoke(t, db, lifecycle.ProtectionGroup, lifecycle.OpStartDrill) },
				Config:      cfg(enabledTarget),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`V-DRILL`),
			},
			{
				PreConfig: func() { testAccInvoke(t, db, lifecycle.ProtectionGroup, lifecycle.OpStopDrill) },
				Config:    cfg(enabledTarget),
				ConfigStateChecks: []statecheck.StateCheck{
					expectGroup("active_site", knownvalue.StringExact("target")),
				},
			},
		},
	})
}

// Deleting a failed-over pair drops the way back to the original site. Destroy takes the
// safe path (reprotect, then delete) when it can; when it cannot (the original primary volume
// is attached, V-PAIR-REPROT), `terraform destroy` refuses at plan time unless
// allow_data_loss is set (V-PAIR-DELETE).
func TestAccRules_deleteFailedOverPair(t *testing.T) {
	db := testAccSandbox(t)
	failedOver := func(allow bool) string {
		a := "false"
		if allow {
			a = "true"
		}
		return testAccPairConfig(db, true, "  allow_data_loss = "+a)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: testAccPairConfig(db, true, `  replication = "running"`)},
			{
				// An out-of-band failover; the configuration observes replication only.
				PreConfig: func() { testAccInvoke(t, db, lifecycle.ReplicationPair, lifecycle.OpFailover) },
				Config:    failedOver(false),
				ConfigStateChecks: []statecheck.StateCheck{
					pairStatus("failed_over"),
				},
			},
			{
				PreConfig: func() { testAccAttach(t, db, "cn-shanghai-a", true) },
				Config:    failedOver(false),
				Destroy:   true,
				// one error: the lossless way's refusal (reprotect, V-PAIR-REPROT) and the opt-in
				// the delete needs otherwise (V-PAIR-DELETE), which it offers
				ExpectError: onlyError(`V-PAIR-REPROT: dr_replication_pair delete refused(.|\n)*V-PAIR-DELETE(.|\n)*` + phrase("With allow_data_loss = true (set it and apply, then destroy), the delete runs delete")),
			},
			{
				// With the opt-in, destroy deletes it; the attacher is released first.
				PreConfig: func() { testAccAttach(t, db, "cn-shanghai-a", false) },
				Config:    failedOver(true),
			},
		},
	})
}

// A pair belongs to at most one group (V-GRP-MEMBERS): adding it to a second group is
// refused at plan time, before the second group is paused for the change.
func TestAccRules_pairInAnotherGroup(t *testing.T) {
	db := testAccSandbox(t)
	base := testAccGroupConfig(db, groupCfg{prodHealthy: true, pairs: true, attrs: enabledSource})
	other := func(pairs string) string {
		return base + `
resource "dr_protection_group" "other" {
  name                 = "other"
  source_region        = dr_sandbox_site.prod.region
  source_zone          = dr_sandbox_site.prod.zone
  target_region        = dr_sandbox_site.dr.region
  target_zone          = dr_sandbox_site.dr.zone
  replication_pair_ids = ` + pairs + `
}
`
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: other("[]")},
			{
				Config:      other("[dr_replication_pair.data.id]"),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`V-GRP-MEMBERS: dr_protection_group add_member refused(.|\n)*already belongs to group`),
			},
			{Config: other("[]")},
		},
	})
}
