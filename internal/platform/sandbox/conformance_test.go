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
	t.Run("fake_clock", func(t *testing.T) {
		t.Parallel()
		platformtest.Run(t, func(t *testing.T) platformtest.Harness {
			clk := sandbox.NewFakeClock(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
			sb := open(t, sandbox.Options{Clock: clk, Seed: 1})
			return platformtest.Harness{Platform: sb, Fixture: sb, Advance: clk.Advance, Cancels: true}
		})
	})
	t.Run("time_scale", func(t *testing.T) {
		t.Parallel()
		platformtest.Run(t, func(t *testing.T) platformtest.Harness {
			sb := open(t, sandbox.Options{TimeScale: 1e6, Seed: 1})
			return platformtest.Harness{Platform: sb, Fixture: sb, Cancels: true}
		})
	})
}

// The sandbox enables the fault-driven checks (it has no quotas: errors/quota is skipped).
var (
	_ platformtest.Fixture         = (*sandbox.Sandbox)(nil)
	_ platformtest.TransientFaults = (*sandbox.Sandbox)(nil)
	_ platformtest.OperationFaults = (*sandbox.Sandbox)(nil)
)

func open(t *testing.T, opts sandbox.Options) *sandbox.Sandbox {
	t.Helper()
	if opts.Retry.Attempts == 0 {
		opts.Retry = retry.Policy{Initial: time.Millisecond, Max: 2 * time.Millisecond} // the default attempts, short waits
	}
	sb, err := sandbox.Open(filepath.Join(t.TempDir(), "sandbox.db"), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	return sb
}
