package alibaba_test

import (
	"testing"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/platformtest"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/retry"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/sandbox"
)

// TestOneRetryLayer: every EBS request goes through the one retry layer — a persistent
// Throttling costs exactly the policy's attempts per call (counted by the emulator), a
// cancelled context no request, a context ending during a wait no further one. (The driver
// used to retry a throttled Describe 3 times, and the provider the whole call 10 times.)
func TestOneRetryLayer(t *testing.T) {
	t.Parallel()
	platformtest.RetryLayer(t, func(t *testing.T, p retry.Policy) platformtest.RetryHarness {
		d, emu := newDriverWith(t, sandbox.Options{Seed: 1}, -1, p)
		return platformtest.RetryHarness{
			Harness:  platformtest.Harness{Platform: d, Fixture: emu.Backdoor(), Advance: emu.Advance, Unobservable: []string{lifecycle.FactSiteHealth, lifecycle.FactSyncOnce}},
			Requests: func() int { return int(emu.Requests()) },
		}
	})
}
