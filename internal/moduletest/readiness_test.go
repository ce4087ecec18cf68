package moduletest

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/sandbox"
)

// readinessDir is examples/readiness-checks: a protection group with check blocks on its
// failover readiness, and a terraform test file asserting the same (issue 27).
func readinessDir(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "examples", "readiness-checks"))
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

const checkFailed = "Check block assertion failed"

// wantChecks asserts that a CLI run warned (check blocks never fail a plan) with every want,
// or warned nothing when want is empty.
func wantChecks(t *testing.T, what, out string, code int, want ...string) {
	t.Helper()
	if code != 0 {
		t.Fatalf("%s: exit %d (a check block only warns)\n%s", what, code, out)
	}
	if len(want) == 0 {
		if strings.Contains(out, checkFailed) {
			t.Fatalf("%s: a readiness check tripped on a ready group:\n%s", what, out)
		}
		return
	}
	if !strings.Contains(out, "Warning: "+checkFailed) {
		t.Fatalf("%s: no check warning:\n%s", what, out)
	}
	flat := strings.Join(strings.Fields(out), " ")
	for _, w := range want {
		if !strings.Contains(flat, w) {
			t.Fatalf("%s: the warning does not say %q:\n%s", what, w, out)
		}
	}
}

// The example's check blocks turn lost readiness into a plan warning naming the rule: the DR
// site down before the first synchronisation (V-FIRST-SYNC, beside the group's state rule
// R002-2, and no copy within the RPO), a stalled replication link (the copy ages past the RPO)
// and a DR drill started out of band (V-DRILL); a ready group warns nothing.
func TestReadinessChecksWarn(t *testing.T) {
	t.Run("site_down_before_first_sync", func(t *testing.T) {
		t.Parallel()
		w := newWorkdirOf(t, readinessDir(t))
		out, code := w.run("apply", "-auto-approve", "-var", "dr_site_healthy=false", "-var", "protect=false")
		wantChecks(t, "apply with the DR site down", out, code, `check "crm_can_fail_over"`, "R002-2", "V-FIRST-SYNC",
			`group "crm" has not completed its first synchronisation`, `check "crm_within_rpo"`, "has no complete copy at the standby site")
		out, code = w.run("plan", "-var", "dr_site_healthy=false", "-var", "protect=false")
		wantChecks(t, "the next plan", out, code, "V-FIRST-SYNC", `check "estate_can_fail_over"`, "failover refused: R002-2, V-FIRST-SYNC")
	})
	t.Run("link_stalled", func(t *testing.T) {
		t.Parallel()
		w := newWorkdirOf(t, readinessDir(t))
		out, code := w.run("apply", "-auto-approve")
		wantChecks(t, "apply", out, code)
		out, code = w.run("apply", "-auto-approve", "-var", "link_stalled=true")
		if code != 0 {
			t.Fatalf("stalling the link: exit %d\n%s", code, out)
		}
		time.Sleep(time.Second) // 3600 s of simulated time: four RPO cycles without a recovery point
		out, code = w.run("plan", "-var", "link_stalled=true")
		wantChecks(t, "the plan after the link stalled", out, code, `check "crm_within_rpo"`, "over its recovery point objective of 900s",
			"its replication link is stalled or too slow")
		if strings.Contains(out, `check "crm_can_fail_over"`) {
			t.Fatalf("a stalled link does not block the failover itself:\n%s", out)
		}
	})
	t.Run("drill_running", func(t *testing.T) {
		t.Parallel()
		w := newWorkdirOf(t, readinessDir(t))
		out, code := w.run("apply", "-auto-approve")
		wantChecks(t, "apply", out, code)
		// a drill started outside Terraform (the console, another pipeline)
		sb, err := sandbox.Open(w.db, sandbox.Options{TimeScale: 3600})
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		gs, err := sb.ListGroups(ctx)
		if err != nil || len(gs) != 1 {
			t.Fatalf("groups %v %v", gs, err)
		}
		if err := sb.Invoke(ctx, lifecycle.ProtectionGroup, gs[0].ID, lifecycle.OpStartDrill, "", nil); err != nil {
			t.Fatal(err)
		}
		sb.Close()
		out, code = w.run("plan")
		wantChecks(t, "the plan during a drill", out, code, `check "crm_can_fail_over"`, "V-DRILL", `a DR drill is running on group "crm"`)
	})
}

// The example's terraform test file turns the same facts into a failing test, naming the rule:
// it passes on a ready group, fails with V-FIRST-SYNC when the DR site is down before the first
// synchronisation, and fails with the copy over its RPO when the link stalls.
func TestReadinessTestFails(t *testing.T) {
	for _, c := range []struct {
		name string
		vars []string
		want []string
	}{
		{"ready", nil, nil},
		{"site_down_before_first_sync", []string{"-var", "dr_site_healthy=false", "-var", "protect=false"}, []string{"V-FIRST-SYNC", "R002-2"}},
		{"link_stalled", []string{"-var", "link_stalled=true"}, []string{"over its recovery point objective of 900s"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			w := newWorkdirOf(t, readinessDir(t))
			out, code := w.run(append([]string{"test"}, c.vars...)...)
			t.Logf("test %v: exit %d\n%s", c.vars, code, summary(out))
			if len(c.want) == 0 {
				if code != 0 || !strings.Contains(out, "Success!") {
					t.Fatalf("a ready group fails the test (exit %d):\n%s", code, out)
				}
				return
			}
			flat := strings.Join(strings.Fields(out), " ")
			if code == 0 || !strings.Contains(out, "Failure!") {
				t.Fatalf("lost readiness passed the test (exit %d):\n%s", code, out)
			}
			for _, want := range c.want {
				if !strings.Contains(flat, want) {
					t.Fatalf("the failure does not say %q:\n%s", want, out)
				}
			}
		})
	}
}
