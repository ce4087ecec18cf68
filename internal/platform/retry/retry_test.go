package retry_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/dr-provider/terraform-provider-dr/internal/platform"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/retry"
)

// recorder is a Policy.Sleep that records the waits and returns at once.
type recorder struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (r *recorder) sleep(ctx context.Context, d time.Duration) error {
	r.mu.Lock()
	r.waits = append(r.waits, d)
	r.mu.Unlock()
	return ctx.Err()
}

func fast(attempts int) (retry.Policy, *recorder) {
	r := &recorder{}
	return retry.Policy{Attempts: attempts, Initial: time.Millisecond, Max: 4 * time.Millisecond, Sleep: r.sleep}, r
}

var throttled = &platform.Error{Class: platform.ClassRetryable, Code: platform.CodeThrottling, Message: "slow down"}

// failsTwice is a call that fails twice with err, then returns 7; calls counts its calls.
func failsTwice(err error, calls *int) func(context.Context) (int, error) {
	return func(context.Context) (int, error) {
		if *calls++; *calls < 3 {
			return 0, err
		}
		return 7, nil
	}
}

// Only Retryable errors are retried (V-NO-RETRY): every other class is returned after the
// first attempt, as it is.
func TestOnlyRetryableIsRetried(t *testing.T) {
	t.Parallel()
	p, rec := fast(5)
	for name, fail := range map[string]error{
		"precondition": platform.PreconditionFailed("R001-1", "refused"),
		"conflict":     &platform.Error{Class: platform.ClassConflict, Code: platform.CodeVersionConflict},
		"not_found":    platform.NotFoundf("gone"),
		"invalid":      platform.Invalidf("", "bad"),
		"quota":        &platform.Error{Class: platform.ClassQuota},
		"unclassified": errors.New("boom"),
	} {
		calls := 0
		_, err := retry.Do(t.Context(), p, "Call", func(context.Context) (int, error) { calls++; return 0, fail })
		if calls != 1 || err != fail {
			t.Errorf("%s: %d calls, err %v: want one call and the error itself", name, calls, err)
		}
	}
	if len(rec.waits) != 0 {
		t.Fatalf("waited %v for errors that are not retried", rec.waits)
	}
}

func TestRetryableThenSuccess(t *testing.T) {
	t.Parallel()
	p, rec := fast(5)
	calls := 0
	v, err := retry.Do(t.Context(), p, "Call", failsTwice(throttled, &calls))
	if v != 7 || err != nil || calls != 3 || len(rec.waits) != 2 {
		t.Fatalf("got %d, %v after %d calls and waits %v; want 7 after 3 calls, 2 waits", v, err, calls, rec.waits)
	}
}

// A persistent retryable error costs exactly the policy's attempts; the error says so, names
// the call, and is still Retryable (its class) and final (an enclosing Do does not retry it).
func TestExhausted(t *testing.T) {
	t.Parallel()
	p, rec := fast(4)
	calls := 0
	_, err := retry.Do(t.Context(), p, "GetSite", func(context.Context) (int, error) { calls++; return 0, throttled })
	var re *retry.Error
	if calls != 4 || !errors.As(err, &re) || re.Attempts != 4 || re.Call != "GetSite" || !platform.IsRetryable(err) || !errors.Is(err, throttled) {
		t.Fatalf("%d calls, %v: want 4 calls and a retry.Error over the throttling", calls, err)
	}
	if !strings.Contains(err.Error(), "gave up after 4 attempts") || !strings.Contains(err.Error(), "slow down") {
		t.Fatalf("message %q", err)
	}
	if len(rec.waits) != 3 {
		t.Fatalf("waits %v, want 3", rec.waits)
	}
	// a final error is not retried again by another layer
	calls = 0
	_, err = retry.Do(t.Context(), p, "Again", func(ctx context.Context) (int, error) { calls++; return 0, re })
	if calls != 1 || !retry.Exhausted(err) || retry.Retryable(err) {
		t.Fatalf("a final error: %d calls, %v", calls, err)
	}
}

// Nested calls: the outermost Do owns the retries; a Do within an attempt makes one attempt
// and its error fails the enclosing attempt, which is repeated as a whole.
func TestNestedCallsRetryOnce(t *testing.T) {
	t.Parallel()
	p, _ := fast(4)
	outer, inner, after := 0, 0, 0
	_, err := retry.Do(t.Context(), p, "Unit", func(ctx context.Context) (int, error) {
		outer++
		if _, err := retry.Do(ctx, p, "Read", func(context.Context) (int, error) { inner++; return 0, throttled }); err != nil {
			return 0, err
		}
		after++
		return 1, nil
	})
	var re *retry.Error
	if outer != 4 || inner != 4 || after != 0 || !errors.As(err, &re) || re.Call != "Unit" {
		t.Fatalf("unit %d, inner %d, after %d: %v; want 4 attempts of the unit, one inner request each", outer, inner, after, err)
	}
	// outside an attempt, the same inner call retries on its own
	inner = 0
	_, _ = retry.Do(t.Context(), p, "Read", func(context.Context) (int, error) { inner++; return 0, throttled })
	if inner != 4 {
		t.Fatalf("alone: %d attempts", inner)
	}
}

// A cancelled context stops at once: no first attempt when it is already cancelled, and no
// further attempt once it ends during a call or a wait.
func TestCancelledContextStopsAtOnce(t *testing.T) {
	t.Parallel()
	p, _ := fast(10)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	calls := 0
	_, err := retry.Do(ctx, p, "Call", func(context.Context) (int, error) { calls++; return 0, throttled })
	if calls != 0 || !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled before: %d calls, %v", calls, err)
	}

	ctx, cancel = context.WithCancel(t.Context())
	calls = 0
	_, err = retry.Do(ctx, p, "Call", func(context.Context) (int, error) {
		calls++
		cancel() // the context ends during the call (Terraform interrupted)
		return 0, throttled
	})
	if calls != 1 || !errors.Is(err, context.Canceled) || !platform.IsRetryable(err) {
		t.Fatalf("cancelled during a call: %d calls, %v", calls, err)
	}

	ctx, cancel = context.WithCancel(t.Context())
	calls = 0
	wall := retry.Policy{Attempts: 10, Initial: time.Hour, Max: time.Hour} // the real timer
	go func() { time.Sleep(20 * time.Millisecond); cancel() }()
	start := time.Now()
	_, err = retry.Do(ctx, wall, "Call", func(context.Context) (int, error) { calls++; return 0, throttled })
	if calls != 1 || !errors.Is(err, context.Canceled) || time.Since(start) > 10*time.Second {
		t.Fatalf("cancelled during the wait: %d calls, %v after %s", calls, err, time.Since(start))
	}
}

// A platform's Retry-After is the wait; one longer than MaxWait, or than the time left before
// the context's deadline, ends the call at once with an error that says so.
func TestRetryAfter(t *testing.T) {
	t.Parallel()
	p, rec := fast(5)
	hinted := &platform.Error{Class: platform.ClassRetryable, Code: "TooManyRequests", RetryAfter: 7 * time.Second}
	calls := 0
	_, err := retry.Do(t.Context(), p, "Call", failsTwice(hinted, &calls))
	if err != nil || len(rec.waits) != 2 || rec.waits[0] != 7*time.Second || rec.waits[1] != 7*time.Second {
		t.Fatalf("%v, waits %v: want [7s 7s]", err, rec.waits)
	}

	p.MaxWait = time.Minute
	long := &platform.Error{Class: platform.ClassRetryable, RetryAfter: time.Hour}
	calls = 0
	_, err = retry.Do(t.Context(), p, "Call", func(context.Context) (int, error) { calls++; return 0, long })
	if calls != 1 || !strings.Contains(err.Error(), "retry after 1h0m0s") || !strings.Contains(err.Error(), "1m0s") || !platform.IsRetryable(err) {
		t.Fatalf("an hour's Retry-After: %d calls, %v", calls, err)
	}

	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
	defer cancel()
	calls = 0
	_, err = retry.Do(ctx, p, "Call", func(context.Context) (int, error) { calls++; return 0, hinted })
	if calls != 1 || !strings.Contains(err.Error(), "deadline") || !strings.Contains(err.Error(), "Retry-After") {
		t.Fatalf("a Retry-After beyond the deadline: %d calls, %v", calls, err)
	}
}

func TestBackoff(t *testing.T) {
	t.Parallel()
	p := retry.Policy{Initial: 100 * time.Millisecond, Max: time.Second}
	for n, want := range map[int]time.Duration{1: 100 * time.Millisecond, 2: 200 * time.Millisecond, 4: 800 * time.Millisecond, 5: time.Second, 30: time.Second} {
		for range 50 {
			if d := p.Backoff(n); d < want/2 || d > want {
				t.Fatalf("Backoff(%d) = %s, want within [%s, %s]", n, d, want/2, want)
			}
		}
	}
}

// Each retry is one debug line naming the call and the attempt.
func TestRetriesAreLogged(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	ctx := tflogtest.RootLogger(t.Context(), &buf)
	p, _ := fast(3)
	_, _ = retry.Do(ctx, p, "DescribeDisks", func(context.Context) (int, error) { return 0, throttled })
	lines, err := tflogtest.MultilineJSONDecode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 2 {
		t.Fatalf("%d log lines, want one per retry (2): %v", len(lines), lines)
	}
	for i, l := range lines {
		if l["@level"] != "debug" || l["call"] != "DescribeDisks" || l["attempt"] != float64(i+1) || l["max_attempts"] != float64(3) {
			t.Fatalf("log line %d: %v", i, l)
		}
	}
}
