package provider

import (
	"context"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	alibabaemu "github.com/dr-provider/terraform-provider-dr/internal/emulator/alibaba"
	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/sandbox"
)

// A replica-group DR drill through the CLI against the EBS emulator: the group's drill_active
// comes from DescribeReplicaGroupDrills (a drill started out of band shows up on refresh), a
// failover while it runs is refused at plan (V-DRILL — the rule the plan could not decide on
// Alibaba while drills were not readable), and destroying the group clears the drill first
// (ClearReplicaGroupDrill in cn-beijing), then removes the pair and deletes the group.
func TestAccAlibaba_groupDrill(t *testing.T) {
	w, bd := newAliStoryWorld(t, 11)
	emu, ctx, must, sh, bj := w.emu, w.ctx, w.must, w.sh, w.bj
	a, err := bd.PutVolume(ctx, platform.Volume{SiteID: sh.ID, SizeGB: 10})
	must(err)
	b, err := bd.PutVolume(ctx, platform.Volume{SiteID: bj.ID, SizeGB: 10})
	must(err)
	config := func(attrs string) string {
		return fmt.Sprintf(`
%s
resource "dr_replication_pair" "db" {
  name                = "db"
  primary_volume_id   = %q
  secondary_volume_id = %q
}

resource "dr_protection_group" "app" {
  name                 = "app"
  source_region        = "cn-shanghai"
  source_zone          = "cn-shanghai-a"
  target_region        = "cn-beijing"
  target_zone          = "cn-beijing-a"
  replication_pair_ids = [dr_replication_pair.db.id]
%s
}
`, w.provider(), a.ID, b.ID, attrs)
	}
	drill := func(v bool) statecheck.StateCheck {
		return statecheck.ExpectKnownValue("dr_protection_group.app", tfjsonpath.New("drill_active"), knownvalue.Bool(v))
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

// alibabaProviderConfig is the provider block with only the alibaba block set, on endpoint.
func alibabaProviderConfig(t *testing.T, endpoint string) *tfprotov6.DynamicValue {
	t.Helper()
	vals := map[string]tftypes.Value{}
	for k, at := range providerConfigType.AttributeTypes {
		vals[k] = tftypes.NewValue(at, nil)
	}
	bt, ok := providerConfigType.AttributeTypes["alibaba"].(tftypes.Object)
	if !ok {
		t.Fatalf("the alibaba block is a %T", providerConfigType.AttributeTypes["alibaba"])
	}
	set := map[string]string{"access_key": alibabaemu.TestAccessKeyID, "secret_key": alibabaemu.TestAccessKeySecret,
		"region": "cn-shanghai", "ebs_endpoint": endpoint}
	bv := map[string]tftypes.Value{}
	for k, at := range bt.AttributeTypes {
		if v, ok := set[k]; ok {
			bv[k] = tftypes.NewValue(at, v)
		} else {
			bv[k] = tftypes.NewValue(at, nil)
		}
	}
	vals["alibaba"] = tftypes.NewValue(bt, bv)
	dv, err := tfprotov6.NewDynamicValue(providerConfigType, tftypes.NewValue(providerConfigType, vals))
	if err != nil {
		t.Fatal(err)
	}
	return &dv
}

// The drill actions on Alibaba at the protocol level (the CLI here, 1.11, has no actions):
// dr_protection_group_drill runs StartReplicaGroupDrill, waits for the drill, measures the
// time to ready and clears it; start_drill/stop_drill run one call each, a second one is a
// no-op; a failover is refused during the drill (V-DRILL) and a drill before protection is
// refused at plan (the engine's from-state, V-DRILL).
func TestActionInvoke_alibabaGroupDrill(t *testing.T) {
	t.Setenv(EnvPollInterval, "5ms") // not parallel: t.Setenv
	emu := alibabaemu.Start(t, sandbox.Options{TimeScale: accTimeScale, Seed: 13})
	ctx := context.Background()
	bd := emu.Backdoor()
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
	sb := emu.Sandbox()
	p, err := sb.CreatePair(ctx, platform.PairSpec{Name: "db", PrimaryVolumeID: a.ID, SecondaryVolumeID: b.ID, RPOSeconds: 900, BandwidthKbps: 10240}, "")
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
		srv := protoServer(t)
		sresp, err := srv.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
		must(err)
		schemas = sresp.ActionSchemas
		cresp, err := srv.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: alibabaProviderConfig(t, emu.URL)})
		must(err)
		if errs := errorDiags(cresp.Diagnostics); len(errs) > 0 {
			t.Fatalf("configure: %s: %s", errs[0].Summary, errs[0].Detail)
		}
		//lint:ignore SA1019 terraform-plugin-go v0.31 reaches actions only through this interface (toolchain-facts §1)
		return srv.(tfprotov6.ProviderServerWithActions)
	}
	asrv := configured()
	cfg := func(typ string, vals map[string]any) *tfprotov6.DynamicValue {
		return actionValue(t, schemas, typ, vals)
	}
	id := map[string]any{"id": g.ID}
	drillActive := func() bool {
		x, err := sb.GetGroup(ctx, g.ID)
		must(err)
		return x.DrillActive
	}

	// not protected yet: no drill (from replicating only)
	wantRefused(t, "drill before protection", planAction(t, asrv, cfg("dr_protection_group_drill", id), "dr_protection_group_drill"), "V-DRILL", "id")
	must(sb.Invoke(ctx, lifecycle.ProtectionGroup, g.ID, lifecycle.OpEnableProtection, "", nil))
	settled(lifecycle.Replicating)
	asrv = configured()

	wantOK(t, "plan drill", planAction(t, asrv, cfg("dr_protection_group_drill", id), "dr_protection_group_drill"))
	r := invokeAction(t, asrv, cfg("dr_protection_group_drill", id), "dr_protection_group_drill")
	wantOK(t, "drill", r.diags)
	for _, want := range []string{"drill: start_drill from replicating", "drill ready: time to ready", "cleanup: stop_drill done"} {
		if !r.has(want) {
			t.Errorf("drill progress lacks %q: %q", want, r.progress)
		}
	}
	if drillActive() {
		t.Fatal("the drill action left a drill running")
	}

	wantOK(t, "start_drill", invokeAction(t, asrv, cfg("dr_protection_group_start_drill", id), "dr_protection_group_start_drill").diags)
	if !drillActive() {
		t.Fatal("start_drill: no drill running")
	}
	r = invokeAction(t, asrv, cfg("dr_protection_group_start_drill", id), "dr_protection_group_start_drill")
	wantOK(t, "start_drill again", r.diags)
	if !r.has("no-op") {
		t.Fatalf("second start_drill: %q", r.progress)
	}
	wantRefused(t, "failover during drill", planAction(t, asrv, cfg("dr_protection_group_failover", map[string]any{"id": g.ID, "allow_data_loss": true}),
		"dr_protection_group_failover"), "V-DRILL", "id")
	wantOK(t, "stop_drill", invokeAction(t, asrv, cfg("dr_protection_group_stop_drill", id), "dr_protection_group_stop_drill").diags)
	if drillActive() {
		t.Fatal("stop_drill: the drill still runs")
	}
	r = invokeAction(t, asrv, cfg("dr_protection_group_stop_drill", id), "dr_protection_group_stop_drill")
	wantOK(t, "stop_drill again", r.diags)
	if !r.has("no-op") {
		t.Fatalf("second stop_drill: %q", r.progress)
	}
	wantOK(t, "failover after the drill", planAction(t, asrv, cfg("dr_protection_group_failover", map[string]any{"id": g.ID, "allow_data_loss": true}),
		"dr_protection_group_failover"))
}
