package sandbox_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/platform/platformtest"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/retry"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/sandbox"
)

// TestConformance runs the platform conformance suite against the sandbox twice: on a fake
// clock the suite advances (how an emulator's backdoor drives time), and on the wall clock at
// a very high time scale (the suite polls, as it does for a driver without a clock backdoor).
func TestConformance(t *testing.T) {
	t.Parallel()
	platformtest.RunClocks(t, "time_scale", func(t *testing.T, fake bool) platformtest.Harness { return harness(t, fake, fastRetry) })
}

// TestOneRetryLayer: every API call of the sandbox goes through the one retry layer — a
// transient fault on every call costs exactly the policy's attempts per call (each attempt is
// one counted call), a cancelled context none, a context ending during a wait no further one.
func TestOneRetryLayer(t *testing.T) {
	t.Parallel()
	platformtest.RetryLayer(t, func(t *testing.T, p retry.Policy) platformtest.Harness { return harness(t, true, p) })
}

// fastRetry is the default policy's attempts with millisecond waits.
var fastRetry = retry.Policy{Initial: time.Millisecond, Max: 2 * time.Millisecond}

// harness is a fresh sandbox: on a fake clock the suite advances, or on the wall clock at a
// very high time scale; its requests are its counted calls.
func harness(t *testing.T, fakeClock bool, policy retry.Policy) platformtest.Harness {
	opts := sandbox.Options{Seed: 1, Retry: policy, TimeScale: 1e6}
	var clk *sandbox.FakeClock
	if fakeClock {
		clk = sandbox.NewFakeClock(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
		opts.Clock, opts.TimeScale = clk, 0
	}
	sb := open(t, opts)
	h := platformtest.Harness{Platform: sb, Fixture: sb, Cancels: true, Requests: func() int {
		n := 0
		for _, c := range sb.Counters() {
			n += int(c)
		}
		return n
	}}
	if clk != nil {
		h.Advance = clk.Advance
	}
	return h
}

// The sandbox enables the fault-driven checks.
var (
	_ platformtest.Fixture         = (*sandbox.Sandbox)(nil)
	_ platformtest.TransientFaults = (*sandbox.Sandbox)(nil)
	_ platformtest.OperationFaults = (*sandbox.Sandbox)(nil)
)

func open(t *testing.T, opts sandbox.Options) *sandbox.Sandbox {
	t.Helper()
	sb, err := sandbox.Open(filepath.Join(t.TempDir(), "sandbox.db"), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	return sb
}
