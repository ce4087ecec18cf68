package acronis_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/acronis"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/platformtest"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/retry"
)

// requests is how many requests the emulator served.
func (e *env) requests() int {
	n := 0
	for _, c := range e.emu.Requests() {
		n += c
	}
	return n
}

// TestOneRetryLayer: every DR API request goes through the one retry layer — a persistent 429
// costs exactly the policy's attempts per call (counted by the emulator), a cancelled context
// no request, a context ending during a wait no further one. (The client used to make 6
// attempts of its own, and the provider repeated the whole call 10 times: a persistent 503
// cost about 60 requests.)
func TestOneRetryLayer(t *testing.T) {
	t.Parallel()
	platformtest.RetryLayer(t, func(t *testing.T, p retry.Policy) platformtest.RetryHarness {
		e := newEnv(t, acronis.Config{Retry: p})
		return platformtest.RetryHarness{
			Harness: platformtest.Harness{Platform: e.drv, Fixture: faultFixture{consoleFixture{e.emu.Fixture(), e.emu}}, Advance: e.clk.Advance,
				Unobservable: []string{lifecycle.FactBackup}},
			Requests: e.requests,
		}
	})
}

// A 429's Retry-After is the wait; one longer than the policy's MaxWait, or than the time
// left before the context's deadline, ends the call at once with an error that says so.
func TestRetryAfterHonoured(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var waits []time.Duration
	e := newEnv(t, acronis.Config{Retry: retry.Policy{Attempts: 3, MaxWait: time.Minute, Sleep: func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		waits = append(waits, d)
		mu.Unlock()
		return ctx.Err()
	}}})
	id := e.machine(t, "web")
	ctx := t.Context()
	if err := e.sb.SetTransientErrorRate(ctx, 1); err != nil {
		t.Fatal(err)
	}
	e.emu.SetRetryAfter(7)
	before := e.requests()
	_, err := e.drv.GetRecoveryServer(ctx, id)
	if n := e.requests() - before; !platform.IsRetryable(err) || n != 3 {
		t.Fatalf("throttled: %d requests, %v; want the policy's 3", n, err)
	}
	if len(waits) != 2 || waits[0] != 7*time.Second || waits[1] != 7*time.Second {
		t.Fatalf("waits %v, want [7s 7s]: the emulator's Retry-After", waits)
	}

	e.emu.SetRetryAfter(3600) // the DR API's largest
	waits, before = nil, e.requests()
	_, err = e.drv.GetRecoveryServer(ctx, id)
	if n := e.requests() - before; n != 1 || len(waits) != 0 || !strings.Contains(err.Error(), "retry after 1h0m0s") || !platform.IsRetryable(err) {
		t.Fatalf("an hour's Retry-After: %d requests, waits %v, %v; want one request and an error naming the wait", n, waits, err)
	}

	e.emu.SetRetryAfter(30)
	dctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	waits, before = nil, e.requests()
	_, err = e.drv.GetRecoveryServer(dctx, id)
	if n := e.requests() - before; n != 1 || len(waits) != 0 || !strings.Contains(err.Error(), "deadline") {
		t.Fatalf("a Retry-After beyond the deadline: %d requests, waits %v, %v", n, waits, err)
	}
}
