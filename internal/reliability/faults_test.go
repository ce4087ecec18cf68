package reliability

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
)

// quickstart returns the quickstart configuration (examples/quickstart/main.tf), unchanged:
// it configures the sandbox through DR_SANDBOX_PATH and DR_SANDBOX_TIME_SCALE.
func quickstart(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "examples", "quickstart", "main.tf"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var retryLine = regexp.MustCompile(`retryable error; retrying`)

// TestTransientFaultsConverge applies the quickstart with 30 % of all platform calls failing
// with a Retryable error and 20 ms of added latency per call: bounded retries absorb them and
// the configuration converges, then plans empty.
func TestTransientFaultsConverge(t *testing.T) {
	requireCLI(t)
	t.Parallel()
	db := newDB(t)
	w := newWorkdir(t, quickstart(t))
	sb := openSandbox(t, db, 3600)
	ctx := context.Background()
	if err := sb.SetTransientErrorRate(ctx, 0.3); err != nil {
		t.Fatal(err)
	}
	if err := sb.SetLatency(ctx, 20*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	logf := filepath.Join(t.TempDir(), "tf.log")
	env := []string{"DR_SANDBOX_PATH=" + db, "DR_SANDBOX_TIME_SCALE=3600", "TF_LOG_PROVIDER=DEBUG", "TF_LOG_PATH=" + logf}
	r := w.tfEnv(env, "apply", "-auto-approve")
	logs, _ := os.ReadFile(logf)
	retries := len(retryLine.FindAll(logs, -1))
	t.Logf("quickstart apply with 30%% transient errors + 20ms latency: exit %d in %s, %d retried calls", r.code, r.duration.Round(time.Millisecond), retries)
	if r.code != 0 {
		t.Fatalf("apply did not converge:\n%s", r.out)
	}
	if retries == 0 {
		t.Fatalf("no call was retried: was the fault injected?")
	}
	if p := w.tfEnv(env, "plan", "-detailed-exitcode"); p.code != 0 {
		t.Fatalf("plan after convergence: exit %d\n%s", p.code, p.out)
	}
	if err := sb.ClearFaults(ctx); err != nil {
		t.Fatal(err)
	}
	integrityOK(t, sb)
}

// TestPermanentFaultsFail: when every call fails (rate 1.0) the apply gives up within its
// bounded retry budget with a diagnostic naming the call, the attempts and the last error.
func TestPermanentFaultsFail(t *testing.T) {
	requireCLI(t)
	t.Parallel()
	db := newDB(t)
	w := newWorkdir(t, pairConfig(db))
	w.mustTF("apply", "-auto-approve")
	sb := openSandbox(t, db, 1000)
	if err := sb.SetTransientErrorRate(context.Background(), 1); err != nil {
		t.Fatal(err)
	}
	r := w.tf("apply", "-auto-approve", "-var", "active_site=secondary")
	t.Logf("apply with every call failing: exit %d after %s\n%s", r.code, r.duration.Round(time.Millisecond), tail(r.out, 8))
	if r.code == 0 {
		t.Fatal("apply succeeded although every platform call fails")
	}
	if r.duration > time.Minute {
		t.Errorf("giving up took %s; the retry budget should bound it to seconds", r.duration)
	}
	flat := strings.Join(strings.Fields(r.out), " ")
	for _, want := range []string{"gave up after 10 attempts", "last error: retryable (Throttling)", "injected transient error on"} {
		if !strings.Contains(flat, want) {
			t.Errorf("diagnostic lacks %q:\n%s", want, r.out)
		}
	}
	if !regexp.MustCompile(`(Get|Observe|Put)\w* gave up`).MatchString(flat) {
		t.Errorf("diagnostic does not name the call:\n%s", r.out)
	}
	if err := sb.ClearFaults(context.Background()); err != nil {
		t.Fatal(err)
	}
	w.mustTF("apply", "-auto-approve", "-var", "active_site=secondary")
	w.expectEmptyPlan("-var", "active_site=secondary")
}

// TestFailedOperation: an operation that fails on the platform (FailNext) fails the apply
// with a diagnostic naming the operation and the platform's message; the state records
// error{op}; the next plan proposes the retry, which converges once the fault is cleared.
func TestFailedOperation(t *testing.T) {
	requireCLI(t)
	t.Parallel()
	db := newDB(t)
	w := newWorkdir(t, pairConfig(db))
	w.mustTF("apply", "-auto-approve")
	sb := openSandbox(t, db, 1000)
	ctx := context.Background()
	if err := sb.FailNext(ctx, lifecycle.ReplicationPair, lifecycle.OpSwitchover, 1); err != nil {
		t.Fatal(err)
	}
	r := w.tf("apply", "-auto-approve", "-var", "active_site=secondary")
	if r.code == 0 {
		t.Fatalf("apply succeeded although the switchover was made to fail:\n%s", r.out)
	}
	flat := strings.Join(strings.Fields(r.out), " ")
	for _, want := range []string{"Error running switchover", "error{switchover}", "Platform message:"} {
		if !strings.Contains(flat, want) {
			t.Errorf("diagnostic lacks %q:\n%s", want, r.out)
		}
	}
	st := w.state()["dr_replication_pair.p"]
	if st["status"] != "error{switchover}" {
		t.Fatalf("state records status %v, want error{switchover}", st["status"])
	}
	p := w.tf("plan", "-detailed-exitcode", "-var", "active_site=secondary")
	if p.code != 2 || !strings.Contains(p.out, "switchover") {
		t.Fatalf("plan after the failure: exit %d (want 2, proposing the retry of the switchover)\n%s", p.code, p.out)
	}
	if err := sb.ClearFaults(ctx); err != nil {
		t.Fatal(err)
	}
	w.mustTF("apply", "-auto-approve", "-var", "active_site=secondary")
	w.expectEmptyPlan("-var", "active_site=secondary")
	integrityOK(t, sb)
}
