package provider

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	alibabaemu "github.com/dr-provider/terraform-provider-dr/internal/emulator/alibaba"
	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// Operations run on demand on Alibaba, against the EBS emulator: the actions on one replica
// pair through the CLI (Terraform 1.14+) — reverting a failover, a one-shot synchronisation —
// and DR drills, of a replica group and of a replica pair (below).

// actionPair is the configuration of the pair "test" between two new disks, one in each zone,
// with further attributes, and a check of one of its attributes.
func (w *aliWorld) actionPair() (pair func(attrs string) string, expect func(attr, v string) statecheck.StateCheck) {
	a, b := w.disk(w.sh, 10, false), w.disk(w.bj, 10, false)
	pair = func(attrs string) string { return w.provider() + pairHCL("test", "", a, b, attrs) }
	expect = func(attr, v string) statecheck.StateCheck {
		return expectAt("dr_replication_pair.test", attr, knownvalue.StringExact(v))
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

// ---- DR drills: a replica group's and a replica pair's, observed through the CLI, and the
// drill actions (through the CLI on Terraform 1.14+, at the protocol level otherwise) ----

// A replica-group DR drill through the CLI against the EBS emulator: the group's drill_active
// comes from DescribeReplicaGroupDrills (a drill started out of band shows up on refresh), a
// failover while it runs is refused at plan (V-DRILL — the rule the plan could not decide on
// Alibaba while drills were not readable), and destroying the group clears the drill first
// (ClearReplicaGroupDrill in cn-beijing), then removes the pair and deletes the group.
func TestAccAlibaba_groupDrill(t *testing.T) {
	w, _ := newAliStoryWorld(t, 11)
	emu, ctx, must := w.emu, w.ctx, w.must
	a, b := w.disk(w.sh, 10, false), w.disk(w.bj, 10, false)
	config := func(attrs string) string {
		return w.provider() + pairHCL("db", "", a, b, "") + w.groupHCL("", []string{"db"}, attrs)
	}
	drill := func(v bool) statecheck.StateCheck {
		return expectAt("dr_protection_group.app", "drill_active", knownvalue.Bool(v))
	}
	groupID := func() string {
		gs, err := emu.Sandbox().ListGroups(ctx)
		must(err)
		if len(gs) != 1 {
			t.Fatalf("groups %+v", gs)
		}
		return gs[0].ID
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            config(`  protection = "enabled"`),
				ConfigStateChecks: []statecheck.StateCheck{drill(false)},
			},
			{
				// a drill started out of band (the console), in the secondary region
				PreConfig: func() {
					must(emu.Sandbox().Invoke(ctx, lifecycle.ProtectionGroup, groupID(), lifecycle.OpStartDrill, "",
						map[string]string{lifecycle.ParamRegion: "cn-beijing"}))
				},
				Config:            config(`  protection = "enabled"`),
				ConfigStateChecks: []statecheck.StateCheck{drill(true)},
			},
			{
				Config:      config("  protection = \"enabled\"\n  active_site = \"target\"\n  allow_data_loss = true"),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`V-DRILL`),
			},
		},
		// the end of the test destroys with the drill running: stop_drill first, or the
		// sandbox's physics would refuse the delete (V-GRP-DELETE no_drill)
		CheckDestroy: func(*terraform.State) error {
			gs, err := emu.Sandbox().ListGroups(ctx)
			if err != nil {
				return err
			}
			for _, g := range gs {
				if g.State != lifecycle.Deleted {
					return fmt.Errorf("group %s left %s (drill %v)", g.ID, g.State, g.DrillActive)
				}
			}
			return nil
		},
	})
}

// The drill actions on Alibaba at the protocol level (the CLI here, 1.11, has no actions):
// dr_protection_group_drill runs StartReplicaGroupDrill, waits for the drill, measures the
// time to ready and clears it; start_drill/stop_drill run one call each, a second one is a
// no-op; a failover is refused during the drill (V-DRILL) and a drill before protection is
// refused at plan (the engine's from-state, V-DRILL).
func TestActionInvoke_alibabaGroupDrill(t *testing.T) {
	w, _ := newAliStoryWorld(t, 13) // not parallel: t.Setenv
	emu, ctx, must, sb := w.emu, w.ctx, w.must, w.sb
	a, b := w.disk(w.sh, 10, false), w.disk(w.bj, 10, false)
	p, err := sb.CreatePair(ctx, platform.PairSpec{Name: "db", PrimaryVolumeID: a, SecondaryVolumeID: b, RPOSeconds: 900, BandwidthKbps: 10240}, "")
	must(err)
	g, err := sb.CreateGroup(ctx, platform.GroupSpec{Name: "app", SourceRegion: "cn-shanghai", SourceZone: "cn-shanghai-a",
		TargetRegion: "cn-beijing", TargetZone: "cn-beijing-a"}, "")
	must(err)
	settled := func(want lifecycle.State) {
		t.Helper()
		for range 2000 {
			x, err := sb.GetGroup(ctx, g.ID)
			must(err)
			y, err := sb.GetPair(ctx, p.ID)
			must(err)
			if x.State == want && lifecycle.Table(lifecycle.ReplicationPair).Class(y.State) != lifecycle.Transitional {
				return
			}
			time.Sleep(time.Millisecond)
		}
		t.Fatalf("group %s did not reach %s", g.ID, want)
	}
	settled(lifecycle.Configured)
	must(sb.Invoke(ctx, lifecycle.ProtectionGroup, g.ID, lifecycle.OpAddMember, "", map[string]string{lifecycle.ParamPairID: p.ID}))
	settled(lifecycle.Configured)

	// a configured provider: a new one per Terraform run, as its driver's read snapshot serves
	// one run's reads (changes made out of band meanwhile show in the next run)
	var schemas map[string]*tfprotov6.ActionSchema
	//lint:ignore SA1019 terraform-plugin-go v0.31 reaches actions only through this interface (toolchain-facts §1)
	configured := func() tfprotov6.ProviderServerWithActions {
		srv, s := configuredActionServer(t, vendorProviderConfig(t, "alibaba", map[string]string{"access_key": alibabaemu.TestAccessKeyID,
			"secret_key": alibabaemu.TestAccessKeySecret, "region": "cn-shanghai", "ebs_endpoint": emu.URL}))
		schemas = s
		return srv
	}
	asrv := configured()
	cfg := func(typ string, vals map[string]any) *tfprotov6.DynamicValue {
		return actionValue(t, schemas, typ, vals)
	}
	plan := func(typ string, vals map[string]any) []*tfprotov6.Diagnostic {
		return planAction(t, asrv, cfg(typ, vals), typ)
	}
	invoke := func(typ string, vals map[string]any) invokeResult { return invokeAction(t, asrv, cfg(typ, vals), typ) }
	id := map[string]any{"id": g.ID}
	// an action run again where it has nothing to do says so and changes nothing
	againNoOp := func(typ string) {
		r := invoke(typ, id)
		wantOK(t, typ+" again", r.diags)
		if !r.has("no-op") {
			t.Fatalf("second %s: %q", typ, r.progress)
		}
	}
	drillActive := func() bool {
		x, err := sb.GetGroup(ctx, g.ID)
		must(err)
		return x.DrillActive
	}

	// not protected yet: no drill (from replicating only)
	wantRefused(t, "drill before protection", plan("dr_protection_group_drill", id), "V-DRILL", "id")
	must(sb.Invoke(ctx, lifecycle.ProtectionGroup, g.ID, lifecycle.OpEnableProtection, "", nil))
	settled(lifecycle.Replicating)
	asrv = configured()

	wantOK(t, "plan drill", plan("dr_protection_group_drill", id))
	r := invoke("dr_protection_group_drill", id)
	wantOK(t, "drill", r.diags)
	for _, want := range []string{"drill: start_drill from replicating", "drill ready: time to ready", "cleanup: stop_drill done"} {
		if !r.has(want) {
			t.Errorf("drill progress lacks %q: %q", want, r.progress)
		}
	}
	if drillActive() {
		t.Fatal("the drill action left a drill running")
	}

	wantOK(t, "start_drill", invoke("dr_protection_group_start_drill", id).diags)
	if !drillActive() {
		t.Fatal("start_drill: no drill running")
	}
	againNoOp("dr_protection_group_start_drill")
	wantRefused(t, "failover during drill", plan("dr_protection_group_failover", map[string]any{"id": g.ID, "allow_data_loss": true}), "V-DRILL", "id")
	wantOK(t, "stop_drill", invoke("dr_protection_group_stop_drill", id).diags)
	if drillActive() {
		t.Fatal("stop_drill: the drill still runs")
	}
	againNoOp("dr_protection_group_stop_drill")
	wantOK(t, "failover after the drill", plan("dr_protection_group_failover", map[string]any{"id": g.ID, "allow_data_loss": true}))
}

// A replica pair's DR drill through the CLI against the EBS emulator: readiness from what EBS
// reports (the pair's LastRecoverPoint judged against its RPO); a drill started out of band in
// the pair's secondary region (StartPairDrill) shows on refresh (DescribePairDrills) in
// drill_active, last_drill (its start and status; the ready and end times EBS does not report
// are named in unreported) and readiness (V-DRILL blocks the failover and the switchover); moving
// production is refused at plan (V-DRILL); destroying the pair clears the drill first
// (ClearPairDrill), then deletes the pair.
func TestAccAlibaba_pairDrill(t *testing.T) {
	w, _ := newAliStoryWorld(t, 27)
	ctx, must := w.ctx, w.must
	a, b := w.disk(w.sh, 10, false), w.disk(w.bj, 10, false)
	const addr = "dr_replication_pair.db"
	config := func(attrs string) string {
		return w.provider() + pairHCL("db", "", a, b, "  replication = \"running\"\n"+attrs)
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
	return w.provider() + actionTriggerHCL(typ, config)
}

// The pair drill actions through the CLI against the EBS emulator (Terraform 1.14+): a drill
// of a pair that has not synchronised is refused at plan (V-DRILL: start_drill runs from
// replicating), before any EBS call starts one; dr_replication_pair_drill of a replicating
// pair runs StartPairDrill in cn-beijing, waits for the drill, and clears it (ClearPairDrill):
// the platform's record says succeeded and no drill runs.
func TestAccAlibaba_pairDrillAction(t *testing.T) {
	w, _ := newAliStoryWorld(t, 28)
	ctx := w.ctx
	disk := func(s platform.Site) string { return w.disk(s, 10, false) }
	// the emulator's sandbox runs on the (accelerated) wall clock here: wait for each state
	fresh := w.pair("fresh", disk(w.sh), disk(w.bj))
	web := w.pair("web", disk(w.sh), disk(w.bj))
	waitPair(t, w, fresh, lifecycle.Configured)
	waitPair(t, w, web, lifecycle.Configured)
	w.must(w.sb.Invoke(ctx, lifecycle.ReplicationPair, web, lifecycle.OpStart, "", nil))
	waitPair(t, w, web, lifecycle.Replicating)
	resource.Test(t, actionCase(
		resource.TestStep{
			Config:      aliAction(w, "dr_replication_pair_start_drill", fmt.Sprintf("    id = %q", fresh)),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`Failed to plan action[\s\S]*V-DRILL: dr_replication_pair start_drill refused[\s\S]*allowed\s+only\s+from\s+replicating`),
		},
		resource.TestStep{
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
	))
}
