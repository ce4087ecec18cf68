package huaweicloud_test

import (
	"testing"

	emu "github.com/dr-provider/terraform-provider-dr/internal/emulator/huaweicloud"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/huaweicloud"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/platformtest"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/retry"
)

// TestOneRetryLayer: every SDRS, ECS and CBR request goes through the one retry layer — a
// persistent APIGW.0308 (HTTP 429) costs exactly the policy's attempts per call (counted by the
// emulator), a cancelled context no request, a context ending during a wait no further one.
// (The driver's reads used to make 3 attempts with a sleep that ignored the context, its
// waitJob a 10-minute wait of its own, and the provider repeated the whole call 10 times.)
func TestOneRetryLayer(t *testing.T) {
	t.Parallel()
	platformtest.RetryLayer(t, func(t *testing.T, p retry.Policy) platformtest.RetryHarness {
		s := emu.Start(t, true, 1)
		return platformtest.RetryHarness{
			Harness: platformtest.Harness{Platform: newDriverWith(t, s, -1, p), Fixture: s.Backdoor(), Advance: s.Advance,
				Unobservable: huaweicloud.Unobservable, GroupParams: groupParams(s)},
			Requests: func() int { return int(s.Requests()) },
		}
	})
}
