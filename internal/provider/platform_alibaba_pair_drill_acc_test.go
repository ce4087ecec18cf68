package provider

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// A replica pair's DR drill through the CLI against the EBS emulator: readiness from what EBS
// reports (the pair's LastRecoverPoint judged against its RPO); a drill started out of band in
// the pair's secondary region (StartPairDrill) shows on refresh (DescribePairDrills) in
// drill_active, last_drill (its start and status; the ready and end times EBS does not report
// are named in unreported) and readiness (V-DRILL blocks the failover and the switchover); moving
// production is refused at plan (V-DRILL); destroying the pair clears the drill first
// (ClearPairDrill), then deletes the pair.
func TestAccAlibaba_pairDrill(t *testing.T) {
	w, bd := newAliStoryWorld(t, 27)
	ctx, must := w.ctx, w.must
	a, err := bd.PutVolume(ctx, platform.Volume{SiteID: w.sh.ID, SizeGB: 10})
	must(err)
	b, err := bd.PutVolume(ctx, platform.Volume{SiteID: w.bj.ID, SizeGB: 10})
	must(err)
	const addr = "dr_replication_pair.db"
	config := func(attrs string) string {
		return w.provider() + fmt.Sprintf(`
resource "dr_replication_pair" "db" {
  name                = "db"
  primary_volume_id   = %q
  secondary_volume_id = %q
  replication         = "running"
%s
}
`, a.ID, b.ID, attrs)
	}
	pairID := func() string {
		ps, err := w.emu.Sandbox().ListPairs(ctx)
		must(err)
		if len(ps) != 1 {
			t.Fatalf("pairs %+v", ps)
		}
		return ps[0].ID
	}
	var id string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config(""),
				ConfigStateChecks: []statecheck.StateCheck{
					expectAt(addr, "drill_active", knownvalue.Bool(false)),
					expectAt(addr, "last_drill", knownvalue.Null()),
					expectAt(addr, "readiness", knownvalue.Bool(true), "failover", "ready"),
					expectAt(addr, "readiness", knownvalue.ListExact(nil), "failover", "blocked_by"),
					expectAt(addr, "readiness", knownvalue.StringExact("switchover"), "planned_failover", "operation"),
					// EBS has no planned switchover of a pair: a manual step (V-PLATFORM)
					expectAt(addr, "readiness", knownvalue.Bool(false), "planned_failover", "ready"),
					expectAt(addr, "readiness", knownvalue.ListExact([]knownvalue.Check{knownvalue.ObjectExact(map[string]knownvalue.Check{
						"rule":    knownvalue.StringExact("V-PLATFORM"),
						"message": knownvalue.StringRegexp(regexp.MustCompile(`cannot invoke switchover on pair "db" through its API; it is a manual step: EBS has no planned-switchover call`)),
					})}), "planned_failover", "blocked_by"),
					// the lag: the age of the pair's LastRecoverPoint
					expectAt(addr, "readiness", knownvalue.Bool(true), "rpo", "within"),
					expectAt(addr, "readiness", knownvalue.Int64Exact(900), "rpo", "rpo_seconds"),
					expectAt(addr, "readiness", knownvalue.NotNull(), "rpo", "lag_seconds"),
				},
			},
			{
				// a drill started out of band (the console), in the secondary region
				PreConfig: func() {
					id = pairID()
					must(w.emu.Sandbox().Invoke(ctx, lifecycle.ReplicationPair, id, lifecycle.OpStartDrill, "",
						map[string]string{lifecycle.ParamRegion: "cn-beijing"}))
				},
				Config: config(""),
				ConfigStateChecks: []statecheck.StateCheck{
					expectAt(addr, "drill_active", knownvalue.Bool(true)),
					expectAt(addr, "last_drill", knownvalue.NotNull(), "started_at"),
					expectAt(addr, "last_drill", knownvalue.Null(), "ended_at"),
					expectAt(addr, "last_drill", knownvalue.NotNull(), "unreported", "ended_at"),
					expectAt(addr, "readiness", knownvalue.Bool(false), "failover", "ready"),
					expectAt(addr, "readiness", knownvalue.ListExact([]knownvalue.Check{knownvalue.ObjectExact(map[string]knownvalue.Check{
						"rule":    knownvalue.StringExact("V-DRILL"),
						"message": knownvalue.StringRegexp(regexp.MustCompile(`^V-DRILL: .*a DR drill is running on pair "db"`)),
					})}), "failover", "blocked_by"),
					expectAt(addr, "readiness", rule("V-DRILL"), "planned_failover", "blocked_by", 1),
				},
			},
			{
				// moving production is refused at plan while the drill runs: the refusal names the
				// goal (the switchover, issue 26) and the forced failover EBS offers is V-DRILL too
				Config:   config("  active_site = \"secondary\"\n  allow_data_loss = true"),
				PlanOnly: true,
				ExpectError: regexp.MustCompile(`V-DRILL: dr_replication_pair switchover refused[\s\S]*V-DRILL: failover needs no DR drill running; a DR drill is running on pair\s+"db"[\s\S]*` +
					`Nothing else is reachable now`),
			},
		},
		CheckDestroy: func(*terraform.State) error {
			p, err := w.emu.Sandbox().GetPair(ctx, id)
			if err == nil && p.State != lifecycle.Deleted {
				return fmt.Errorf("pair %s left %s (drill %v)", id, p.State, p.DrillActive)
			}
			return nil
		},
	})
}

// aliAction is an action of typ with config, triggered after the creation of a terraform_data.
func aliAction(w *aliWorld, typ, config string) string {
	return w.provider() + fmt.Sprintf(`
action %[1]q "this" {
  config {
%[2]s
  }
}

resource "terraform_data" "trigger" {
  input = "go"

  lifecycle {
    action_trigger {
      events  = [after_create]
      actions = [action.%[1]s.this]
    }
  }
}
`, typ, config)
}

// The pair drill actions through the CLI against the EBS emulator (Terraform 1.14+): a drill
// of a pair that has not synchronised is refused at plan (V-DRILL: start_drill runs from
// replicating), before any EBS call starts one; dr_replication_pair_drill of a replicating
// pair runs StartPairDrill in cn-beijing, waits for the drill, and clears it (ClearPairDrill):
// the platform's record says succeeded and no drill runs.
func TestAccAlibaba_pairDrillAction(t *testing.T) {
	w, bd := newAliStoryWorld(t, 28)
	ctx := w.ctx
	disk := func(s platform.Site) string {
		v, err := bd.PutVolume(ctx, platform.Volume{SiteID: s.ID, SizeGB: 10})
		w.must(err)
		return v.ID
	}
	// the emulator's sandbox runs on the (accelerated) wall clock here: wait for each state
	wait := func(id string, want lifecycle.State) {
		deadline := time.Now().Add(30 * time.Second)
		for {
			p, err := w.sb.GetPair(ctx, id)
			if err == nil && p.State == want {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("pair %s is %s (%v), want %s", id, p.State, err, want)
			}
			time.Sleep(5 * time.Millisecond) // bounded by the deadline
		}
	}
	fresh := w.pair("fresh", disk(w.sh), disk(w.bj))
	web := w.pair("web", disk(w.sh), disk(w.bj))
	wait(fresh, lifecycle.Configured)
	wait(web, lifecycle.Configured)
	w.must(w.sb.Invoke(ctx, lifecycle.ReplicationPair, web, lifecycle.OpStart, "", nil))
	wait(web, lifecycle.Replicating)
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)},
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      aliAction(w, "dr_replication_pair_start_drill", fmt.Sprintf("    id = %q", fresh)),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`Failed to plan action[\s\S]*V-DRILL: dr_replication_pair start_drill refused[\s\S]*allowed\s+only\s+from\s+replicating`),
			},
			{
				PreConfig: func() {
					p, err := w.sb.GetPair(ctx, fresh)
					w.must(err)
					if p.DrillActive || p.LastDrill != nil {
						t.Fatalf("the refused drill started: %+v", p.LastDrill)
					}
				},
				Config: aliAction(w, "dr_replication_pair_drill", fmt.Sprintf("    id      = %q\n    timeout = \"10m\"", web)),
				PostApplyFunc: func() {
					p, err := w.sb.GetPair(ctx, web)
					w.must(err)
					if p.DrillActive || p.LastDrill == nil || p.LastDrill.Outcome != platform.DrillSucceeded {
						t.Errorf("after the pair drill action: drill running %v, record %+v", p.DrillActive, p.LastDrill)
					}
				},
			},
		},
	})
}
