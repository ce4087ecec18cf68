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

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
)

// The actions on one EBS replica pair through the CLI against the emulator (Terraform 1.14+):
// reverting a failover and a one-shot synchronisation. The drill actions are with the drills
// (platform_alibaba_drill_acc_test.go).

// actionPair is the configuration of the pair "test" (named db) between two new disks, one in
// each zone, with further attributes, and a check of one of its attributes.
func (w *aliWorld) actionPair() (pair func(attrs string) string, expect func(attr, v string) statecheck.StateCheck) {
	a, b := w.disk(w.sh, 10, false), w.disk(w.bj, 10, false)
	pair = func(attrs string) string {
		return w.provider() + fmt.Sprintf(`
resource "dr_replication_pair" "test" {
  name                = "db"
  primary_volume_id   = %q
  secondary_volume_id = %q
%s
}
`, a, b, attrs)
	}
	expect = func(attr, v string) statecheck.StateCheck {
		return statecheck.ExpectKnownValue("dr_replication_pair.test", tfjsonpath.New(attr), knownvalue.StringExact(v))
	}
	return pair, expect
}

// Reverting a failover on EBS through the CLI (ReprotectDiskReplicaPair with
// ReverseReplicate=false), against the emulator: a replicating pair is failed over; the action
// dr_replication_pair_revert_failover is refused at plan without allow_data_loss (V-REVERT: the
// DR site's writes since the failover are discarded); with it, the pair ends paused with
// production back on the primary (the original direction), and a later plan starts it again.
func TestAccAlibaba_revertFailoverAction(t *testing.T) {
	w, _ := newAliStoryWorld(t, 1)
	emu, ctx, must := w.emu, w.ctx, w.must
	pair, expect := w.actionPair()
	revert := func(allow string) string {
		return pair("") + actionTriggerHCL("dr_replication_pair_revert_failover", "    id = dr_replication_pair.test.id\n"+allow)
	}
	var id string
	resource.Test(t, actionCase(
		resource.TestStep{
			Config:            pair(`  replication = "running"`),
			ConfigStateChecks: []statecheck.StateCheck{expect("status", "replicating")},
		},
		resource.TestStep{
			// EBS cannot tell whether the primary zone is down: a failover needs the opt-in
			Config:            pair("  active_site = \"secondary\"\n  allow_data_loss = true"),
			ConfigStateChecks: []statecheck.StateCheck{expect("status", "failed_over"), expect("active_site", "secondary")},
		},
		resource.TestStep{
			Config:      revert(""),
			ExpectError: regexp.MustCompile(`(?s)V-REVERT.*discards every write.*allow_data_loss`),
		},
		resource.TestStep{
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
		resource.TestStep{
			Config: revert("    allow_data_loss = true"),
			ConfigStateChecks: []statecheck.StateCheck{
				expect("status", "paused"), expect("active_site", "primary"), expect("direction", "primary_to_secondary"),
			},
		},
		resource.TestStep{
			Config:            pair(`  replication = "running"`),
			ConfigStateChecks: []statecheck.StateCheck{expect("status", "replicating"), expect("active_site", "primary")},
		},
	))
	if id == "" {
		t.Fatal("the revert step did not run")
	}
}

// A one-shot synchronisation on EBS through the CLI (StartDiskReplicaPair with OneShot=true),
// against the emulator: the action dr_replication_pair_sync_once is refused at plan while the
// pair replicates (V-SYNC-ONCE: from configured or paused only); on a paused pair it runs
// manual_syncing → stopped, leaving the pair paused with a recovery point.
func TestAccAlibaba_syncOnceAction(t *testing.T) {
	w, _ := newAliStoryWorld(t, 1)
	emu, ctx, must := w.emu, w.ctx, w.must
	pair, expect := w.actionPair()
	syncOnce := func(attrs string) string {
		return pair(attrs) + actionTriggerHCL("dr_replication_pair_sync_once", "    id = dr_replication_pair.test.id")
	}
	var before time.Time
	resource.Test(t, actionCase(
		resource.TestStep{
			Config:            pair(`  replication = "running"`),
			ConfigStateChecks: []statecheck.StateCheck{expect("status", "replicating")},
		},
		resource.TestStep{
			Config:      syncOnce(`  replication = "running"`),
			ExpectError: regexp.MustCompile(`(?s)V-SYNC-ONCE.*replicating`),
		},
		resource.TestStep{
			Config:            pair(`  replication = "paused"`),
			ConfigStateChecks: []statecheck.StateCheck{expect("status", "paused")},
		},
		resource.TestStep{
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
		resource.TestStep{
			Config:            syncOnce(`  replication = "paused"`),
			ConfigStateChecks: []statecheck.StateCheck{expect("status", "paused"), expect("active_site", "primary")},
		},
	))
}
