package sandbox

import (
	"context"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// Billing: the sandbox offers no billing choice (Capabilities.Billing is empty), so a
// configuration that makes one is refused at plan there. Its physics keeps the choice an
// emulator of a platform with billing makes (PhysicsOnly: Alibaba EBS's PREPAY pairs): the
// payment type, and the end of a subscription, Period months after the create.

// checkBilling refuses a billing choice the sandbox does not offer (V-PARAMS), as the engine
// decides it with the sandbox's capabilities; an emulator that decides from its vendor's
// rules skips it.
func (s *Sandbox) checkBilling(ctx context.Context, o lifecycle.Observation, b lifecycle.Billing) error {
	if IsPhysicsOnly(ctx) {
		return nil
	}
	vs := lifecycle.CheckBilling(o.Kind, lifecycle.OpCreate, o, b, nil, lifecycle.Options{Platform: s.Capabilities()})
	if len(vs) == 0 {
		return nil
	}
	return platform.PreconditionFailed(vs[0].Rule, vs[0].Message)
}

// subscriptionEnd is when a subscription bought at now for b's period ends (zero: none). The
// sandbox counts months (the only unit the vendors offer for these objects).
func subscriptionEnd(now time.Time, b lifecycle.Billing) time.Time {
	if b.PaymentType != lifecycle.Subscription || b.Period <= 0 {
		return time.Time{}
	}
	return now.AddDate(0, int(b.Period), 0).UTC()
}
