package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// Reverting a failover on EBS through the CLI (ReprotectDiskReplicaPair with
// ReverseReplicate=false), against the emulator: a replicating pair is failed over; the action
// dr_replication_pair_revert_failover is refused at plan without allow_data_loss (V-REVERT: the
// DR site's writes since the failover are discarded); with it, the pair ends paused with
// production back on the primary (the original direction), and a later plan starts it again.
func TestAccAlibaba_revertFailoverAction(t *testing.T) {
	w, bd := newAliStoryWorld(t, 1)
	emu, ctx, must, sh, bj := w.emu, w.ctx, w.must, w.sh, w.bj
	a, err := bd.PutVolume(ctx, platform.Volume{SiteID: sh.ID, SizeGB: 10})
	must(err)
	b, err := bd.PutVolume(ctx, platform.Volume{SiteID: bj.ID, SizeGB: 10})
	must(err)
	provider := fmt.Sprintf(`
%s`, w.provider())
	pair := func(attrs string) string {
		return provider + fmt.Sprintf(`
resource "dr_replication_pair" "test" {
  name                = "db"
  primary_volume_id   = %q
  secondary_volume_id = %q
%s
}
`, a.ID, b.ID, attrs)
	}
	revert := func(allow string) string {
		return pair("") + fmt.Sprintf(`
action "dr_replication_pair_revert_failover" "back" {
  config {
    id = dr_replication_pair.test.id
%s
  }
}

resource "terraform_data" "trigger" {
  input = "go"
  lifecycle {
    action_trigger {
      events  = [after_create]
      actions = [action.dr_replication_pair_revert_failover.back]
    }
  }
}
`, allow)
	}
	const addr = "dr_replication_pair.test"
	expect := func(attr, v string) statecheck.StateCheck {
		return statecheck.ExpectKnownValue(addr, tfjsonpath.New(attr), knownvalue.StringExact(v))
	}
	var id string
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)},
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            pair(`  replication = "running"`),
				ConfigStateChecks: []statecheck.StateCheck{expect("status", "replicating")},
			},
			{
				// EBS cannot tell whether the primary zone is down: a failover needs the opt-in
				Config:            pair("  active_site = \"secondary\"\n  allow_data_loss = true"),
				ConfigStateChecks: []statecheck.StateCheck{expect("status", "failed_over"), expect("active_site", "secondary")},
			},
			{
				Config:      revert(""),
				ExpectError: regexp.MustCompile(`(?s)V-REVERT.*discards every write.*allow_data_loss`),
			},
			{
				Config: revert("    allow_data_loss = true"),
				PostApplyFunc: func() {
					ps, err := emu.Sandbox().ListPairs(ctx)
					must(err)
					if len(ps) != 1 || ps[0].State != lifecycle.Paused || ps[0].ActiveSite != lifecycle.SiteSource {
						t.Fatalf("after the revert action: %+v", ps)
					}
					id = ps[0].ID
				},
			},
			{
				Config: revert("    allow_data_loss = true"),
				ConfigStateChecks: []statecheck.StateCheck{
					expect("status", "paused"), expect("active_site", "primary"), expect("direction", "primary_to_secondary"),
				},
			},
			{
				Config:            pair(`  replication = "running"`),
				ConfigStateChecks: []statecheck.StateCheck{expect("status", "replicating"), expect("active_site", "primary")},
			},
		},
	})
	if id == "" {
		t.Fatal("the revert step did not run")
	}
}
