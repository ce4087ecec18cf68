package provider

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	alibabaemu "github.com/dr-provider/terraform-provider-dr/internal/emulator/alibaba"
	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// The Alibaba Cloud EBS story through the Terraform CLI, against the EBS emulator in this
// process (its sandbox on the wall clock, accelerated): a replica pair between cn-shanghai and
// cn-beijing is created replicating, paused, failed over with its source zone down (a forced
// failover: allow_data_loss), reprotected and restarted once the zone is back; a pair whose
// secondary disk is attached is refused at plan (V-PAIR-START, from ECS DescribeDisks); a wrong
// secret fails at Configure with the vendor's message.
func TestAccAlibaba_pairStory(t *testing.T) {
	w, bd := newAliStoryWorld(t, 1)
	ctx, must, sh, bj := w.ctx, w.must, w.sh, w.bj
	srv, err := bd.PutServer(ctx, platform.Server{SiteID: bj.ID, Name: "dr-host", PowerState: platform.PowerStopped})
	must(err)
	a, b, c, dAttached := w.disk(sh, 10, false), w.disk(bj, 10, false), w.disk(sh, 10, false), w.disk(bj, 10, false)
	_, err = bd.AttachVolume(ctx, dAttached, srv.ID)
	must(err)

	pair := func(attrs string) string { return w.provider() + pairHCL("test", "", a, b, attrs) }
	const addr = "dr_replication_pair.test"
	expect := func(attr, v string) statecheck.StateCheck {
		return expectAt(addr, attr, knownvalue.StringExact(v))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: pair(`  replication = "running"`),
				ConfigStateChecks: []statecheck.StateCheck{
					expect("status", "replicating"), expect("active_site", "primary"),
					expect("primary_region", "cn-shanghai"), expect("secondary_region", "cn-beijing"),
					expect("secondary_zone", "cn-beijing-a"),
				},
			},
			{
				Config:            pair(`  replication = "paused"`),
				ConfigStateChecks: []statecheck.StateCheck{expect("status", "paused")},
			},
			{
				// the source zone goes down and the DR host takes the secondary disk (so no
				// switchover path exists: the pair cannot restart): a forced failover, called in
				// cn-beijing (R001-3)
				PreConfig: func() {
					_, err := bd.SetSiteHealth(ctx, sh.ID, false)
					must(err)
					_, err = bd.AttachVolume(ctx, b, srv.ID)
					must(err)
				},
				Config: pair("  replication = \"paused\"\n  active_site = \"secondary\"\n  allow_data_loss = true"),
				ConfigStateChecks: []statecheck.StateCheck{
					expect("status", "failed_over"), expect("active_site", "secondary"),
				},
			},
			{
				// the zone is back: reprotect (ends stopped on Alibaba) and start, cn-beijing → cn-shanghai
				PreConfig: func() { _, err := bd.SetSiteHealth(ctx, sh.ID, true); must(err) },
				Config:    pair("  replication = \"running\"\n  active_site = \"secondary\""),
				ConfigStateChecks: []statecheck.StateCheck{
					expect("status", "replicating"), expect("active_site", "secondary"),
					expect("direction", "secondary_to_primary"),
				},
			},
			{
				Config:   pair("  replication = \"running\"\n  active_site = \"secondary\""),
				PlanOnly: true,
			},
			{
				// a second pair whose secondary disk is attached cannot start (V-PAIR-START)
				Config: pair("  replication = \"running\"\n  active_site = \"secondary\"") + fmt.Sprintf(`
resource "dr_replication_pair" "attached" {
  name                = "logs"
  primary_volume_id   = %q
  secondary_volume_id = %q
  replication         = "running"
}
`, c, dAttached),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`V-PAIR-START`),
			},
			{
				Config:      strings.Replace(pair("  replication = \"running\"\n  active_site = \"secondary\""), alibabaemu.TestAccessKeySecret, "a-wrong-secret", 1),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Cannot configure the alibaba platform.*SignatureDoesNotMatch`),
			},
			{
				Config:   pair("  replication = \"running\"\n  active_site = \"secondary\""),
				PlanOnly: true,
			},
		},
	})
}

// With the emulator answering Throttling to 30% of the calls, a pair is still created,
// started and paused: every Retryable answer is retried with the same client token.
func TestAccAlibaba_throttlingConverges(t *testing.T) {
	w, bd := newAliStoryWorld(t, 7)
	ctx, sh, bj := w.ctx, w.sh, w.bj
	a, b := w.disk(sh, 10, false), w.disk(bj, 10, false)
	if err := bd.SetTransientErrorRate(ctx, 0.3); err != nil {
		t.Fatal(err)
	}
	config := func(replication string) string {
		return w.provider() + pairHCL("test", "", a, b, fmt.Sprintf("  replication = %q", replication))
	}
	expect := func(v string) statecheck.StateCheck {
		return expectAt("dr_replication_pair.test", "status", knownvalue.StringExact(v))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config("running"), ConfigStateChecks: []statecheck.StateCheck{expect("replicating")}},
			{Config: config("paused"), ConfigStateChecks: []statecheck.StateCheck{expect("paused")}},
			{Config: config("paused"), PlanOnly: true},
		},
	})
}

// A replica group over the emulator: created with a member pair (AddDiskReplicaPair), started
// (StartDiskReplicaGroup), stopped; adding a server is refused at plan as a manual step
// (Alibaba replica groups hold disk pairs only, V-PLATFORM).
func TestAccAlibaba_group(t *testing.T) {
	w, bd := newAliStoryWorld(t, 3)
	ctx, sh, bj := w.ctx, w.sh, w.bj
	a, b := w.disk(sh, 10, false), w.disk(bj, 10, false)
	web, err := bd.PutServer(ctx, platform.Server{SiteID: sh.ID, Name: "web", PowerState: platform.PowerRunning})
	if err != nil {
		t.Fatal(err)
	}
	config := func(attrs string) string {
		return w.provider() + pairHCL("data", "", a, b, "") + w.groupHCL("", []string{"data"}, attrs)
	}
	expect := func(attr, v string) statecheck.StateCheck {
		return expectAt("dr_protection_group.app", attr, knownvalue.StringExact(v))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config(`  protection = "enabled"`), ConfigStateChecks: []statecheck.StateCheck{expect("status", "replicating")}},
			{Config: config(`  protection = "disabled"`), ConfigStateChecks: []statecheck.StateCheck{expect("status", "paused")}},
			{
				Config:      config("  protection = \"disabled\"\n  server_ids = [" + strconv.Quote(web.ID) + "]"),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`V-PLATFORM`),
			},
		},
	})
}

// The replica-group story through the Terraform CLI against the EBS emulator (issue 13): two
// pairs cn-shanghai → cn-beijing in a replica group; protection enabled (StartDiskReplicaGroup);
// a planned move to cn-beijing with both zones up is refused at plan as a manual step naming
// the documented path (EBS has no planned-failover call: V-PLATFORM); taking that path — the
// writes stopped, allow_data_loss = true — fails the group over in cn-beijing, reprotects and
// restarts it (cn-beijing → cn-shanghai); then cn-beijing goes down and the group fails over
// back to cn-shanghai (protection off: nothing can reprotect towards a zone that is down);
// when the zone is back it is reprotected and started; protection off and the pairs removed
// from the group (RemoveDiskReplicaPair), everything is deleted.
func TestAccAlibaba_groupStory(t *testing.T) {
	w, bd := newAliStoryWorld(t, 5)
	ctx, must, sh, bj := w.ctx, w.must, w.sh, w.bj
	disks := []string{w.disk(sh, 10, false), w.disk(bj, 10, false), w.disk(sh, 10, false), w.disk(bj, 10, false)}
	config := func(members []string, attrs string) string {
		return w.provider() + pairHCL("db", "", disks[0], disks[1], "") + pairHCL("logs", "", disks[2], disks[3], "") + w.groupHCL("", members, attrs)
	}
	both := []string{"db", "logs"}
	group := func(attr, v string) statecheck.StateCheck {
		return expectAt("dr_protection_group.app", attr, knownvalue.StringExact(v))
	}
	pair := func(name, attr, v string) statecheck.StateCheck {
		return expectAt("dr_replication_pair."+name, attr, knownvalue.StringExact(v))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config(both, `  protection = "enabled"`),
				ConfigStateChecks: []statecheck.StateCheck{
					group("status", "replicating"), group("active_site", "source"),
				},
			},
			{
				// pair resources read after the group changed them: members, replicating
				Config: config(both, `  protection = "enabled"`),
				ConfigStateChecks: []statecheck.StateCheck{
					pair("db", "status", "replicating"), pair("logs", "status", "replicating"),
				},
			},
			{
				// a planned move with both zones up: EBS has no planned-failover call, and a
				// failover cannot be known to lose nothing (no API says the writes stopped)
				Config:      config(both, "  protection = \"enabled\"\n  active_site = \"target\""),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)V-PLATFORM: .*planned_failover.*stop the applications\s+writing.*allow_data_loss\s+=\s+true`),
			},
			{
				// the documented path: the writes stopped (nothing writes in the emulator), the
				// opt-in given: failover in cn-beijing, reprotect, start
				Config: config(both, "  protection = \"enabled\"\n  active_site = \"target\"\n  allow_data_loss = true"),
				ConfigStateChecks: []statecheck.StateCheck{
					group("status", "replicating"), group("active_site", "target"),
				},
			},
			{
				// R001-2 as the pairs show it: the secondary disks serve production
				Config: config(both, "  protection = \"enabled\"\n  active_site = \"target\"\n  allow_data_loss = true"),
				ConfigStateChecks: []statecheck.StateCheck{
					pair("db", "active_site", "secondary"), pair("logs", "active_site", "secondary"),
					pair("db", "direction", "secondary_to_primary"),
				},
			},
			{
				// cn-beijing (production now) goes down: fail back over to cn-shanghai
				PreConfig: func() { _, err := bd.SetSiteHealth(ctx, bj.ID, false); must(err) },
				Config:    config(both, "  protection = \"disabled\"\n  active_site = \"source\"\n  allow_data_loss = true"),
				ConfigStateChecks: []statecheck.StateCheck{
					group("status", "failed_over"), group("active_site", "source"),
				},
			},
			{
				// the zone is back: reprotect and start, cn-shanghai → cn-beijing
				PreConfig: func() { _, err := bd.SetSiteHealth(ctx, bj.ID, true); must(err) },
				Config:    config(both, "  protection = \"enabled\"\n  active_site = \"source\""),
				ConfigStateChecks: []statecheck.StateCheck{
					group("status", "replicating"), group("active_site", "source"),
				},
			},
			{
				Config:   config(both, "  protection = \"enabled\"\n  active_site = \"source\""),
				PlanOnly: true,
			},
			{
				// protection off, the pairs leave the group; the end of the test deletes all
				Config:            config(nil, `  protection = "disabled"`),
				ConfigStateChecks: []statecheck.StateCheck{group("status", "paused")},
			},
		},
	})
}

// An account quota through the CLI: the emulator's account may hold one replica pair, so the
// second CreateDiskReplicaPair is answered OperationDenied.QuotaExceed (403). No plan can see
// an account's quota (EBS has no quota read); the apply fails at that pair with the quota
// class and the vendor's code, the call is not retried (a quota is not Retryable), the first
// pair is kept, and once the quota is raised the next apply creates the second.
func TestAccAlibaba_quotaExceeded(t *testing.T) {
	w, bd := newAliStoryWorld(t, 9)
	emu, ctx, sh, bj := w.emu, w.ctx, w.sh, w.bj
	disks := []string{w.disk(sh, 10, false), w.disk(bj, 10, false), w.disk(sh, 10, false), w.disk(bj, 10, false)}
	if err := bd.SetQuota(ctx, lifecycle.ReplicationPair, 1); err != nil {
		t.Fatal(err)
	}
	config := w.provider() + pairHCL("db", "", disks[0], disks[1], "") +
		pairHCL("logs", "", disks[2], disks[3], "  depends_on = [dr_replication_pair.db]")
	creates := func() int64 { return emu.Sandbox().Counters()["CreatePair"] }
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      config,
				ExpectError: regexp.MustCompile(`(?s)dr_replication_pair.*quota.*OperationDenied\.QuotaExceed`),
			},
			{
				// the first pair is in the state, the second was asked for once
				PreConfig: func() {
					if n := creates(); n != 2 {
						t.Errorf("%d CreateDiskReplicaPair calls, want 2 (the quota error is not retried)", n)
					}
					if err := bd.SetQuota(ctx, lifecycle.ReplicationPair, 2); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					expectAt("dr_replication_pair.logs", "status", knownvalue.StringExact("configured")),
				},
			},
		},
	})
}
