package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

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
