package platformtest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/retry"
)

// RetryAttempts is the attempts of the policy RetryLayer builds platforms with.
const RetryAttempts = 4

// RetryLayer checks the platform's one retry layer (internal/platform/retry), for every kind it
// serves, on an object of that kind with every API call throttled:
//
//   - a persistent retryable error costs exactly the policy's attempts per call — Observe, the
//     kind's Get and List, and Invoke of its next operation (the first a step would run) —
//     then the call gives up with the layer's error (retry.Error, still Retryable): no second
//     layer repeats it;
//   - a context cancelled before the call makes no request;
//   - a context that ends while the layer waits makes no further request.
//
// newHarness builds a fresh platform with the policy it is given (every call of the platform
// goes through it), over a fixture that can throttle every call (TransientFaults), with read
// caches off (every read reaches the API) and Harness.Requests set.
func RetryLayer(t *testing.T, newHarness func(t *testing.T, p retry.Policy) Harness) {
	t.Helper()
	var probe retryProbe
	kinds := platform.KindsOf(newHarness(t, probe.policy()).Platform)
	for _, k := range kinds {
		t.Run(string(k), func(t *testing.T) {
			t.Parallel()
			probe := &retryProbe{}
			h := newHarness(t, probe.policy())
			tf, ok := h.Fixture.(TransientFaults)
			if !ok || h.Requests == nil {
				t.Fatal("RetryLayer needs a fixture that throttles (TransientFaults) and the platform's request count")
			}
			r := newRunner(t, h)
			s := r.make(k, "pt-retry-layer")
			op := r.nextOp(k, s.obs)
			r.ok(tf.SetTransientErrorRate(r.ctx, 1), "throttle every call")
			calls := []struct {
				name string
				call func(ctx context.Context) error
			}{
				{"Observe", func(ctx context.Context) error { _, err := r.p.Observe(ctx, k, s.id); return err }},
				{"Get", func(ctx context.Context) error { _, err := r.typedIn(ctx, k, s.id); return err }},
				{"List", func(ctx context.Context) error { return r.listIn(ctx, k) }},
			}
			if op != nil && s.group == "" {
				params := r.withRegion(op, s.obs, nil)
				calls = append(calls, struct {
					name string
					call func(ctx context.Context) error
				}{"Invoke " + string(op.Name), func(ctx context.Context) error {
					return r.p.Invoke(ctx, k, s.id, op.Name, token(), params)
				}})
			}
			for _, c := range calls {
				before := h.Requests()
				err := c.call(r.ctx)
				if n := h.Requests() - before; n != RetryAttempts {
					t.Errorf("%s of a %s throttled: %d requests; want the policy's %d attempts (one retry layer): %v", c.name, k, n, RetryAttempts, err)
				}
				var re *retry.Error
				if !platform.IsRetryable(err) || !errors.As(err, &re) || re.Attempts != RetryAttempts {
					t.Errorf("%s of a %s throttled: %v; want the layer's error after %d attempts, still Retryable", c.name, k, err, RetryAttempts)
				}

				ctx, cancel := context.WithCancel(r.ctx)
				cancel()
				before = h.Requests()
				if err := c.call(ctx); !errors.Is(err, context.Canceled) || h.Requests() != before {
					t.Errorf("%s with a cancelled context: %d requests, %v; want none and the context's error", c.name, h.Requests()-before, err)
				}

				ctx, cancel = context.WithCancel(r.ctx)
				probe.onWait(cancel) // the context ends during the first wait
				before = h.Requests()
				err = c.call(ctx)
				probe.onWait(nil)
				cancel()
				if n := h.Requests() - before; n != 1 || !errors.Is(err, context.Canceled) {
					t.Errorf("%s cancelled while the layer waits: %d requests, %v; want one and the context's error", c.name, n, err)
				}
			}
		})
	}
}

// retryProbe is the policy's Sleep: it returns at once, after calling the check's hook.
type retryProbe struct {
	mu   sync.Mutex
	hook func()
}

func (p *retryProbe) policy() retry.Policy {
	return retry.Policy{Attempts: RetryAttempts, Initial: time.Millisecond, Max: time.Millisecond, Sleep: p.sleep}
}

func (p *retryProbe) onWait(hook func()) {
	p.mu.Lock()
	p.hook = hook
	p.mu.Unlock()
}

func (p *retryProbe) sleep(ctx context.Context, _ time.Duration) error {
	p.mu.Lock()
	hook := p.hook
	p.mu.Unlock()
	if hook != nil {
		hook()
	}
	return ctx.Err()
}

// typedIn reads the object through its typed Get* method with ctx.
func (r *runner) typedIn(ctx context.Context, kind lifecycle.Kind, id string) (lifecycle.State, error) {
	switch kind {
	case pairK:
		v, err := r.pairs().GetPair(ctx, id)
		return v.State, err
	case groupK:
		v, err := r.groups().GetGroup(ctx, id)
		return v.State, err
	case replicaK:
		v, err := r.replicas().GetReplica(ctx, id)
		return v.State, err
	}
	v, err := r.servers().GetRecoveryServer(ctx, id)
	return v.State, err
}

// listIn lists the objects of kind with ctx.
func (r *runner) listIn(ctx context.Context, kind lifecycle.Kind) error {
	var err error
	switch kind {
	case pairK:
		_, err = r.pairs().ListPairs(ctx)
	case groupK:
		_, err = r.groups().ListGroups(ctx)
	case replicaK:
		_, err = r.replicas().ListReplicas(ctx)
	default:
		_, err = r.servers().ListRecoveryServers(ctx)
	}
	return err
}
