package reliability

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/sandbox"
)

// pairConfig is two sites, two volumes and a replication pair whose active site and
// replication are declared.
func pairConfig(db string) string {
	return providerBlock(db) + `
variable "active_site" {
  type    = string
  default = "primary"
}

resource "dr_sandbox_site" "prod" {
  region = "cn-shanghai"
  zone   = "cn-shanghai-a"
}

resource "dr_sandbox_site" "dr" {
  region = "cn-shanghai"
  zone   = "cn-shanghai-b"
}

resource "dr_sandbox_volume" "a" {
  site_id = dr_sandbox_site.prod.id
  size_gb = 10
}

resource "dr_sandbox_volume" "b" {
  site_id = dr_sandbox_site.dr.id
  size_gb = 10
}

resource "dr_replication_pair" "p" {
  name                = "interrupted"
  primary_volume_id   = dr_sandbox_volume.a.id
  secondary_volume_id = dr_sandbox_volume.b.id
  replication         = "running"
  active_site         = var.active_site
  allow_data_loss     = true
}

output "pair_id" {
  value = dr_replication_pair.p.id
}
`
}

// failedOverPair applies pairConfig and fails the pair over behind Terraform's back, so the
// next apply (active_site = primary) runs reprotect → start → switchover.
func failedOverPair(t *testing.T) (*workdir, *sandbox.Sandbox, string) {
	t.Helper()
	db := newDB(t)
	w := newWorkdir(t, pairConfig(db))
	w.mustTF("apply", "-auto-approve")
	id := strings.TrimSpace(w.mustTF("output", "-raw", "pair_id").out)
	sb := openSandbox(t, db, 1000)
	ctx := context.Background()
	if err := sb.Invoke(ctx, lifecycle.ReplicationPair, id, lifecycle.OpFailover, "oob-failover-"+t.Name(), nil); err != nil {
		t.Fatalf("out-of-band failover: %v", err)
	}
	waitFor(t, 30*time.Second, "the out-of-band failover", func() bool {
		o, err := sb.Observe(ctx, lifecycle.ReplicationPair, id)
		return err == nil && o.State == lifecycle.FailedOver
	})
	return w, sb, id
}

// TestInterruptedApplyKill kills terraform and its provider (SIGKILL to the process group)
// in the middle of a three-step path, then shows that the next apply resumes from the
// platform's truth: it converges, every operation took effect exactly once, the database is
// intact and the following plan is empty.
func TestInterruptedApplyKill(t *testing.T) {
	requireCLI(t)
	t.Parallel()
	w, sb, id := failedOverPair(t)
	before := opCounts(t, sb, id)

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd, out := w.command(ctx, nil, "apply", "-auto-approve", "-var", "time_scale=10")
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Kill while the reprotect (step 1 of 3) runs on the platform.
	waitFor(t, time.Minute, "the reprotect to start", func() bool { return opCounts(t, sb, id)["reprotect"] == 1 })
	obs, _ := sb.Observe(context.Background(), lifecycle.ReplicationPair, id)
	if err := syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	t.Logf("killed terraform and the provider %s into the apply; pair was %s", time.Since(start).Round(time.Millisecond), obs.State)
	if cmd.ProcessState.Success() {
		t.Fatalf("terraform survived SIGKILL:\n%s", out.String())
	}
	// No provider process of that group is left (once init has reaped the orphans).
	waitFor(t, 10*time.Second, "the provider process to be gone", func() bool {
		return syscall.Kill(-cmd.Process.Pid, 0) == syscall.ESRCH
	})

	r := w.mustTF("apply", "-auto-approve", "-var", "time_scale=10")
	t.Logf("re-apply converged in %s", r.duration.Round(time.Millisecond))
	got := diffCounts(before, opCounts(t, sb, id))
	want := map[string]int{"reprotect": 1, "start": 1, "switchover": 1}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("operations that took effect across the killed and the resumed apply = %v, want each exactly once: %v", got, want)
	}
	p, err := sb.GetPair(context.Background(), id)
	if err != nil || p.State != lifecycle.Replicating || p.ActiveSite != lifecycle.SiteSource {
		t.Fatalf("pair after convergence: %s active %s (%v), want replicating at the primary", p.State, p.ActiveSite, err)
	}
	integrityOK(t, sb)
	w.expectEmptyPlan("-var", "time_scale=10")
}

// TestInterruptedApplySigint interrupts terraform (SIGINT to the process group, like Ctrl-C)
// during the switchover: terraform stops cleanly with the operation cancelled or completed,
// the state is saved, and the next apply converges.
func TestInterruptedApplySigint(t *testing.T) {
	requireCLI(t)
	t.Parallel()
	w, sb, id := failedOverPair(t)
	before := opCounts(t, sb, id)

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd, out := w.command(ctx, nil, "apply", "-auto-approve", "-var", "time_scale=10")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, time.Minute, "the switchover to start", func() bool { return opCounts(t, sb, id)["switchover"] == 1 })
	if err := syscall.Kill(-cmd.Process.Pid, syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	stopped := time.Now()
	err := cmd.Wait()
	t.Logf("terraform exited %v %s after SIGINT\n%s", err, time.Since(stopped).Round(time.Millisecond), tail(out.String(), 15))
	if !strings.Contains(out.String(), "Interrupt received") {
		t.Errorf("terraform did not report the interrupt:\n%s", out.String())
	}
	// The state was saved, and it is valid JSON Terraform can read.
	if _, err := os.Stat(filepath.Join(w.dir, "terraform.tfstate")); err != nil {
		t.Fatalf("no state saved: %v", err)
	}
	st := w.state()
	t.Logf("saved state: pair status %v, active_site %v", st["dr_replication_pair.p"]["status"], st["dr_replication_pair.p"]["active_site"])
	o, err := sb.Observe(context.Background(), lifecycle.ReplicationPair, id)
	if err != nil {
		t.Fatal(err)
	}
	if lifecycle.Table(lifecycle.ReplicationPair).Class(o.State) != lifecycle.Stable {
		t.Errorf("after the interrupt the pair is %s: the operation was neither cancelled nor completed", o.State)
	}
	// The saved state is what the platform observed, not the plan.
	sp := st["dr_replication_pair.p"]
	wantSite := "primary"
	if o.ActiveSite == lifecycle.SiteTarget {
		wantSite = "secondary"
	}
	if sp["status"] != lifecycle.RenderState(o.State, o.FailedOp) || sp["active_site"] != wantSite {
		t.Errorf("saved state says %v at %v; the platform says %s at %s", sp["status"], sp["active_site"], o.State, wantSite)
	}

	w.mustTF("apply", "-auto-approve", "-var", "time_scale=10")
	got := diffCounts(before, opCounts(t, sb, id))
	if got["reprotect"] != 1 || got["start"] != 1 || got["switchover"] < 1 || got["switchover"] > 2 || len(got) != 3 {
		t.Fatalf("operations = %v: want reprotect and start once, switchover once (twice only when the interrupt cancelled the first)", got)
	}
	p, err := sb.GetPair(context.Background(), id)
	if err != nil || p.State != lifecycle.Replicating || p.ActiveSite != lifecycle.SiteSource {
		t.Fatalf("pair after convergence: %s active %s (%v)", p.State, p.ActiveSite, err)
	}
	integrityOK(t, sb)
	w.expectEmptyPlan("-var", "time_scale=10")
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
