package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// Issue 26: the dead ends of every seed story, through the Terraform CLI. Each refused plan
// prints one error (onlyError), naming the rule and the operation the configuration asks for,
// and says what is reachable now instead, as configuration to write — or that nothing is.

// refusedAt is a plan-only step refused with exactly one error: its summary, then the phrases
// of its detail in order (each matched across the CLI's line wrapping).
func refusedAt(config, summary string, phrases ...string) resource.TestStep {
	re := regexp.QuoteMeta(summary)
	for _, p := range phrases {
		re += `(.|\n)*` + phrase(p)
	}
	return resource.TestStep{Config: config, PlanOnly: true, ExpectError: onlyError(re)}
}

// phrase matches text as the CLI prints it: wrapped at any space.
func phrase(text string) string {
	words := strings.Fields(text)
	for i, w := range words {
		words[i] = regexp.QuoteMeta(w)
	}
	return strings.Join(words, `\s+`)
}

// Seeds 002 and 000: a protection group's failover and reprotect.
func TestAccGoalRefusal_groupStory(t *testing.T) {
	db := testAccSandbox(t)
	cfg := func(prodHealthy bool, power, attrs string) string {
		return testAccGroupConfig(db, groupCfg{prodHealthy: prodHealthy, pairs: true, webPower: power, attrs: attrs})
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            cfg(true, "", enabledSource),
				ConfigStateChecks: []statecheck.StateCheck{expectGroup("status", knownvalue.StringExact("replicating"))},
			},
			// healthy source, production servers running: the planned failover needs them stopped
			// (V-GRP-SWITCH) and a failover would be a forced one (R002-8): one error for both
			refusedAt(cfg(true, "", disabledTarget), "V-GRP-SWITCH: dr_protection_group planned_failover refused",
				"needs every protected server at the current production site stopped",
				`Also: R002-8: failover`, "forced failover",
				`Nothing else is reachable now: protection = "enabled" with active_site = "source" keeps it as it is.`,
				`Reachable with allow_data_loss = true: protection = "disabled" with active_site = "target" (apply runs failover, which can lose data).`),
			// a drill blocks a real failover (V-DRILL); stopping it is the user's call
			{
				PreConfig: func() { testAccInvoke(t, db, lifecycle.ProtectionGroup, lifecycle.OpStartDrill) },
				Config:    cfg(true, "stopped", enabledSource),
			},
			refusedAt(cfg(true, "stopped", enabledTarget), "V-DRILL: dr_protection_group planned_failover refused",
				`Nothing else is reachable now: protection = "enabled" with active_site = "source" keeps it as it is.`),
			{
				PreConfig: func() { testAccInvoke(t, db, lifecycle.ProtectionGroup, lifecycle.OpStopDrill) },
				Config:    cfg(false, "", enabledSource), // the outage
			},
			// the dead end: the source site is down and the configuration keeps
			// protection enabled while asking for the target site. A failover leaves protection
			// disabled (R002-3): that is the goal offered.
			refusedAt(cfg(false, "", enabledTarget), "V-GRP-SWITCH: dr_protection_group planned_failover refused",
				"needs both sites healthy", "active site (source) down",
				`Reachable now instead: protection = "disabled" with active_site = "target" (apply runs failover).`),
			{
				Config:            cfg(false, "", disabledTarget), // the offer, written
				ConfigStateChecks: []statecheck.StateCheck{expectGroup("status", knownvalue.StringExact("failed_over"))},
			},
			// seed 000: reprotect needs the faulty site restored (R000-2), and so does the move back
			refusedAt(cfg(false, "", enabledTarget), "R000-2: dr_protection_group reprotect refused",
				"needs the faulty site (the standby now) restored",
				`Nothing else is reachable now: protection = "disabled" with active_site = "target" keeps it as it is.`),
			refusedAt(cfg(false, "", enabledSource), "R000-2: dr_protection_group planned_failover refused",
				`planned_failover of group "app" needs reprotect first, which is refused`,
				`Nothing else is reachable now: protection = "disabled" with active_site = "target" keeps it as it is.`),
			{Config: cfg(true, "stopped", disabledTarget)}, // the site is restored
			// R000-4: the restored production servers must be stopped
			{
				PreConfig: func() { testAccServerPower(t, db, "web", platform.PowerRunning) },
				Config:    cfg(true, "running", disabledTarget),
			},
			refusedAt(cfg(true, "running", enabledTarget), "R000-4: dr_protection_group reprotect refused", "R000-4 (V-GRP-REPROT):",
				"needs the restored production servers (at the standby site) stopped",
				`Nothing else is reachable now: protection = "disabled" with active_site = "target" keeps it as it is.`),
			{
				PreConfig:         func() { testAccServerPower(t, db, "web", platform.PowerStopped) },
				Config:            cfg(true, "stopped", enabledTarget),
				ConfigStateChecks: []statecheck.StateCheck{expectGroup("status", knownvalue.StringExact("replicating"))},
			},
		},
	})
}

// Seed 002's group that never synchronised, and one without pairs: refused naming the
// operation asked for (the failover, the planned failover), not a step on the way.
func TestAccGoalRefusal_groupNeverSynchronised(t *testing.T) {
	db := testAccSandbox(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			// no pairs: R002-1 on the way to the planned failover
			{Config: testAccGroupConfig(db, groupCfg{prodHealthy: true})},
			refusedAt(testAccGroupConfig(db, groupCfg{prodHealthy: true, attrs: `  active_site = "target"`}),
				"R002-1: dr_protection_group planned_failover refused",
				`planned_failover of group "app" needs enable_protection first, which is refused`, "has none",
				`Nothing else is reachable now: active_site = "source" keeps it as it is.`),
			// pairs, never protected, source down
			{Config: testAccGroupConfig(db, groupCfg{prodHealthy: true, pairs: true})},
			{Config: testAccGroupConfig(db, groupCfg{prodHealthy: false, pairs: true})},
			refusedAt(testAccGroupConfig(db, groupCfg{prodHealthy: false, pairs: true, attrs: disabledTarget + "\n  allow_data_loss = true"}),
				"V-SYNC-SITES: dr_protection_group failover refused",
				`failover of group "app" needs enable_protection first, which is refused`, "holds no data to fail over to",
				`Nothing else is reachable now: protection = "disabled" with active_site = "source" keeps it as it is.`),
		},
	})
}

// Seed 001: a replication pair's failover, reprotect and delete.
func TestAccGoalRefusal_pairStory(t *testing.T) {
	db := testAccSandbox(t)
	cfg := func(prodHealthy, attached bool, attrs string) string {
		return testAccPairConfigAttached(db, prodHealthy, attached, attrs)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: testAccProvider(db) + testAccTwoSitesAttached(true, true)},
			// the secondary volume attached: replication cannot start (V-PAIR-START); the pair
			// can be created paused
			refusedAt(cfg(true, true, `  replication = "running"`), "V-PAIR-START: dr_replication_pair start refused",
				"needs the standby (secondary) volume detached",
				`Reachable now instead: replication = "paused" (apply only creates it).`),
			{Config: testAccProvider(db) + testAccTwoSitesAttached(true, false)},
			{Config: cfg(true, false, `  replication = "running"`)},
			{Config: cfg(false, false, `  replication = "running"`)}, // the outage
			{Config: cfg(false, false, "  replication = \"paused\"\n  active_site = \"secondary\"")},
			// replication back on while the primary site is still down: reprotect first (R000-2)
			refusedAt(cfg(false, false, "  replication = \"running\"\n  active_site = \"secondary\""),
				"R000-2: dr_replication_pair start refused", `start of pair "db" needs reprotect first, which is refused`,
				`Nothing else is reachable now: replication = "paused" with active_site = "secondary" keeps it as it is.`),
			// destroying it while it is failed over and reprotect cannot run: refused, with the
			// opt-in offered (V-PAIR-DELETE)
			{
				Config:      cfg(false, false, "  replication = \"paused\"\n  active_site = \"secondary\""),
				Destroy:     true,
				ExpectError: onlyError(`R000-2: dr_replication_pair delete refused(.|\n)*` + phrase("Also: V-PAIR-DELETE") + `(.|\n)*` + phrase("With allow_data_loss = true (set it and apply, then destroy), the delete runs delete, which can lose data.")),
			},
			{Config: cfg(true, false, "  replication = \"paused\"\n  active_site = \"secondary\"")}, // the site is back
			{Config: cfg(true, false, "  replication = \"running\"\n  active_site = \"primary\"")},
		},
	})
}

// Seed 003: a replica the backup cannot give — one error with every cause, and nothing else to
// offer (the create itself is refused).
func TestAccGoalRefusal_replica(t *testing.T) {
	db := testAccSandbox(t)
	inv := testAccReplicaInventory(db)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: inv},
			refusedAt(inv+testAccReplica("incapable", "dr_sandbox_backup.no_system_disk.id", "dr_sandbox_vault.gz_replicas", ""),
				"R003-2: dr_backup_replica replicate refused", `the destination region "cn-guangzhou" does not support replication`,
				"Also: R003-4", "Nothing else is reachable: the create itself is refused."),
			refusedAt(inv+testAccReplica("disk", "dr_sandbox_backup.disk.id", "dr_sandbox_vault.bj_replicas", ""),
				"R003-1: dr_backup_replica replicate refused", "Nothing else is reachable: the create itself is refused."),
		},
	})
}

// Seed 004: a recovery server without a recovery point, and the failback's manual step.
func TestAccGoalRefusal_recoveryServerStory(t *testing.T) {
	db := testAccSandbox(t)
	machine, withBackup := testAccProvider(db)+testAccMachine(false), testAccProvider(db)+testAccMachine(true)
	rs := func(mode string) string {
		return fmt.Sprintf(`
resource "dr_recovery_server" "test" {
  name       = "web-recovery"
  machine_id = dr_sandbox_server.web.id
  mode       = %q
}
`, mode)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: machine},
			// a new server: R004-2, and the server can be created in standby
			refusedAt(machine+rs("failover"), "R004-2: dr_recovery_server failover refused", "no recovery point",
				`Reachable now instead: mode = "standby" (apply only creates it).`),
			{Config: machine + rs("standby")},
			// an existing one: R004-2 once — not also V-ACR-LINKS (the platform withholds the
			// failover for that very reason)
			refusedAt(machine+rs("failover"), "R004-2: dr_recovery_server failover refused", "no recovery point",
				`Nothing else is reachable now: mode = "standby" keeps it as it is.`),
			refusedAt(machine+rs("test_failover"), "R004-2: dr_recovery_server test_failover refused",
				`Nothing else is reachable now: mode = "standby" keeps it as it is.`),
			{Config: withBackup + rs("standby")}, // the machine's backup: a recovery point
			{Config: withBackup + rs("failover")},
			// from failover, a test failover lies beyond the failback's manual step (V-MANUAL-STEP)
			refusedAt(withBackup+rs("test_failover"), "V-MANUAL-STEP: dr_recovery_server test_failover refused",
				`set mode = "ready_for_failback" and apply`,
				`Reachable now instead: mode = "ready_for_failback" (apply runs failback).`,
				`Reachable with allow_data_loss = true: mode = "test_failover" (apply runs cancel_failover → test_failover, which can lose data).`),
			refusedAt(withBackup+rs("standby"), "V-MANUAL-STEP: dr_recovery_server confirm_failback refused",
				`Reachable now instead: mode = "ready_for_failback" (apply runs failback).`,
				`Reachable with allow_data_loss = true: mode = "standby" (apply runs cancel_failover, which can lose data).`),
			{Config: withBackup + rs("ready_for_failback")},
			{Config: withBackup + rs("standby")},
		},
	})
}

// Issue 26: warnings that mean something. Only data loss, manual steps that are truly manual
// and checks deferred to apply are warned about, once per cause: a reprotect (its move back is
// an optional planned failover), a pair's stop (it drops in-flight changes nothing needed) and
// a test failover (stopping it is the next configuration change) are not manual steps. The
// CLI's own output is read (terraform-plugin-testing does not expose warnings).
func TestAccWarnings_onlyWhatNeedsAttention(t *testing.T) {
	t.Parallel()
	c := newAdoptCLI(t)
	db := testAccSandbox(t)
	type world struct {
		prodHealthy     bool
		group, pair, rs string
	}
	write := func(w world) {
		var b strings.Builder
		// fully qualified: see TestAccPlannedOperations_warningsOnlyForAttention
		b.WriteString("terraform {\n  required_providers {\n    dr = { source = \"registry.terraform.io/dr-provider/dr\" }\n  }\n}\n")
		b.WriteString(strings.TrimPrefix(testAccGroupConfig(db, groupCfg{prodHealthy: w.prodHealthy, pairs: true, attrs: w.group}), "\n"))
		b.WriteString(sbVolume("c", "prod", 10) + sbVolume("d", "dr", 10))
		fmt.Fprintf(&b, `
resource "dr_replication_pair" "db" {
  name                = "db"
  primary_volume_id   = dr_sandbox_volume.c.id
  secondary_volume_id = dr_sandbox_volume.d.id
%s
}
`, w.pair)
		b.WriteString(sbVault("backups", "cn-shanghai", "backup") +
			sbBackup("web", "server", "dr_sandbox_server.web.id", "backups", "includes_system_disk = true"))
		fmt.Fprintf(&b, `
resource "dr_recovery_server" "web" {
  name       = "web-recovery"
  machine_id = dr_sandbox_server.web.id
%s
  depends_on = [dr_sandbox_backup.web]
}
`, w.rs)
		if err := os.WriteFile(filepath.Join(c.dir, "main.tf"), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// warned checks the output holds exactly the warnings wanted (their summaries).
	warned := func(what, out string, want ...string) {
		t.Helper()
		got := regexp.MustCompile(`(?m)^Warning: (.*)$`).FindAllStringSubmatch(out, -1)
		var sums []string
		for _, g := range got {
			sums = append(sums, g[1])
		}
		if strings.Join(sums, "\n") != strings.Join(want, "\n") {
			t.Errorf("%s: warnings %q, want %q", what, sums, want)
		}
		if strings.Contains(out, "a manual step follows stop") || strings.Contains(out, "a manual step follows reprotect") ||
			strings.Contains(out, "a manual step follows test_failover") {
			t.Errorf("%s: an afterwards note warned as a manual step", what)
		}
	}
	const (
		rsStandby = `  mode = "standby"`
		running   = `  replication = "running"`
	)
	w := world{prodHealthy: true, group: enabledSource, pair: running, rs: rsStandby}
	write(w)
	c.must("init")
	c.must("apply", "-auto-approve")

	// a switchover then a stop: the switchover leaves a manual step; the stop does not
	w.pair = "  replication = \"paused\"\n  active_site = \"secondary\""
	write(w)
	warned("pair switchover → stop, plan", c.must("plan"), `dr_replication_pair "db": a manual step follows switchover`)
	c.must("apply", "-auto-approve")

	// the group fails over (the source site is down): start the DR-site servers (R002-4)
	w.prodHealthy = false
	write(w)
	c.must("apply", "-auto-approve")
	w.group = disabledTarget
	write(w)
	warned("group failover, plan", c.must("plan"), `dr_protection_group "app": a manual step follows failover`)
	// one warning in the apply's output: Terraform folds the apply-time plan's repeat into it
	out := c.must("apply", "-auto-approve")
	if n := strings.Count(out, `Warning: dr_protection_group "app": a manual step follows failover`); n != 1 {
		t.Errorf("the failover's warning shown %d times by apply, want once", n)
	}

	// the site is back: reprotect, no warning
	w.prodHealthy = true
	write(w)
	c.must("apply", "-auto-approve")
	w.group = enabledTarget
	write(w)
	warned("group reprotect, plan", c.must("plan"))
	warned("group reprotect, apply", c.must("apply", "-auto-approve"))

	// a recovery server's test failover: none; a failover, then back to standby with the
	// opt-in: cancel_failover loses the cloud VM's changes (R004-6), warned once
	w.rs = `  mode = "test_failover"`
	write(w)
	warned("test failover, plan", c.must("plan"))
	c.must("apply", "-auto-approve")
	w.rs = `  mode = "failover"`
	write(w)
	warned("recovery server failover, plan", c.must("plan"))
	c.must("apply", "-auto-approve")
	w.rs = "  mode            = \"standby\"\n  allow_data_loss = true"
	write(w)
	out = c.must("plan")
	warned("cancel failover, plan", out, `dr_recovery_server "web-recovery": cancel_failover can lose data`)
	if !strings.Contains(strings.Join(strings.Fields(out), " "), "discards every change made on the cloud VM") {
		t.Error("the data-loss warning does not say what is lost")
	}
	c.must("apply", "-auto-approve")
	if out, code := c.run("plan", "-detailed-exitcode"); code != 0 {
		t.Errorf("the plan after the story is not empty (exit %d):\n%s", code, out)
	}
}
