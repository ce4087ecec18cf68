package provider

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// A one-shot synchronisation on EBS through the CLI (StartDiskReplicaPair with OneShot=true),
// against the emulator: the action dr_replication_pair_sync_once is refused at plan while the
// pair replicates (V-SYNC-ONCE: from configured or paused only); on a paused pair it runs
// manual_syncing → stopped, leaving the pair paused with a recovery point.
func TestAccAlibaba_syncOnceAction(t *testing.T) {
	w, bd := newAliStoryWorld(t, 1)
	emu, ctx, must, sh, bj := w.emu, w.ctx, w.must, w.sh, w.bj
	a, err := bd.PutVolume(ctx, platform.Volume{SiteID: sh.ID, SizeGB: 10})
	must(err)
	b, err := bd.PutVolume(ctx, platform.Volume{SiteID: bj.ID, SizeGB: 10})
	must(err)
	pair := func(attrs string) string {
		return fmt.Sprintf(`
%s
resource "dr_replication_pair" "test" {
  name                = "db"
  primary_volume_id   = %q
  secondary_volume_id = %q
%s
}
`, w.provider(), a.ID, b.ID, attrs)
	}
	syncOnce := func(attrs string) string {
		return pair(attrs) + `
action "dr_replication_pair_sync_once" "now" {
  config {
    id = dr_replication_pair.test.id
  }
}

resource "terraform_data" "trigger" {
  input = "go"
  lifecycle {
    action_trigger {
      events  = [after_create]
      actions = [action.dr_replication_pair_sync_once.now]
    }
  }
}
`
	}
	const addr = "dr_replication_pair.test"
	var before time.Time
	expect := func(attr, v string) statecheck.StateCheck {
		return statecheck.ExpectKnownValue(addr, tfjsonpath.New(attr), knownvalue.StringExact(v))
	}
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)},
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            pair(`  replication = "running"`),
				ConfigStateChecks: []statecheck.StateCheck{expect("status", "replicating")},
			},
			{
				Config:      syncOnce(`  replication = "running"`),
				ExpectError: regexp.MustCompile(`(?s)V-SYNC-ONCE.*replicating`),
			},
			{
				Config:            pair(`  replication = "paused"`),
				ConfigStateChecks: []statecheck.StateCheck{expect("status", "paused")},
			},
			{
				PreConfig: func() {
					ps, err := emu.Sandbox().ListPairs(ctx)
					must(err)
					before = ps[0].LastRecoveryPoint
				},
				Config: syncOnce(`  replication = "paused"`),
				PostApplyFunc: func() {
					ps, err := emu.Sandbox().ListPairs(ctx)
					must(err)
					// paused again, with a recovery point newer than the one it was paused with
					if len(ps) != 1 || ps[0].State != lifecycle.Paused || !ps[0].LastRecoveryPoint.After(before) {
						t.Fatalf("after the sync_once action: %+v (recovery point before: %v)", ps, before)
					}
				},
			},
			{
				Config:            syncOnce(`  replication = "paused"`),
				ConfigStateChecks: []statecheck.StateCheck{expect("status", "paused"), expect("active_site", "primary")},
			},
		},
	})
}
