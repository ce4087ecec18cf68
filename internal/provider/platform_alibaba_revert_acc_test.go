package provider

import (
	"context"
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	alibabaemu "github.com/dr-provider/terraform-provider-dr/internal/emulator/alibaba"
	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/sandbox"
)

// Reverting a failover on EBS through the CLI (ReprotectDiskReplicaPair with
// ReverseReplicate=false), against the emulator: a replicating pair is failed over; the action
// dr_replication_pair_revert_failover is refused at plan without allow_data_loss (V-REVERT: the
// DR site's writes since the failover are discarded); with it, the pair ends paused with
// production back on the primary (the original direction), and a later plan starts it again.
func TestAccAlibaba_revertFailoverAction(t *testing.T) {
	t.Setenv(EnvPollInterval, "5ms") // not parallel: t.Setenv
	emu := alibabaemu.Start(t, sandbox.Options{TimeScale: accTimeScale, Seed: 1})
	bd := emu.Backdoor()
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	sh, err := bd.PutSite(ctx, platform.Site{Region: "cn-shanghai", Zone: "cn-shanghai-a", Healthy: true, ReplicationCapable: true})
	must(err)
	bj, err := bd.PutSite(ctx, platform.Site{Region: "cn-beijing", Zone: "cn-beijing-a", Healthy: true, ReplicationCapable: true})
	must(err)
	a, err := bd.PutVolume(ctx, platform.Volume{SiteID: sh.ID, SizeGB: 10})
	must(err)
	b, err := bd.PutVolume(ctx, platform.Volume{SiteID: bj.ID, SizeGB: 10})
	must(err)
	provider := fmt.Sprintf(`
provider "dr" {
  alibaba {
    access_key   = %q
    secret_key   = %q
    region       = "cn-shanghai"
    ebs_endpoint = %q
  }
}
`, alibabaemu.TestAccessKeyID, alibabaemu.TestAccessKeySecret, emu.URL)
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
