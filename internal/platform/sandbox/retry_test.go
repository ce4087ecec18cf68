package sandbox_test

import (
	"testing"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/platform/platformtest"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/retry"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/sandbox"
)

// TestOneRetryLayer: every API call of the sandbox goes through the one retry layer — a
// transient fault on every call costs exactly the policy's attempts per call (each attempt is
// one counted call), a cancelled context none, a context ending during a wait no further one.
func TestOneRetryLayer(t *testing.T) {
	t.Parallel()
	platformtest.RetryLayer(t, func(t *testing.T, p retry.Policy) platformtest.RetryHarness {
		clk := sandbox.NewFakeClock(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
		sb := open(t, sandbox.Options{Clock: clk, Seed: 1, Retry: p})
		return platformtest.RetryHarness{
			Harness: platformtest.Harness{Platform: sb, Fixture: sb, Advance: clk.Advance, Cancels: true},
			Requests: func() int {
				n := 0
				for _, c := range sb.Counters() {
					n += int(c)
				}
				return n
			},
		}
	})
}
