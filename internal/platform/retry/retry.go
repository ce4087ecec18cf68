// Package retry is the one retry layer of every platform call: the sandbox's API methods and
// each vendor driver's single requests (an HTTP request, one SDK call) go through Do with a
// Policy, and nothing else in the platforms retries or sleeps. Its model is the AWS
// provider's internal/retry: the caller names the call, the layer decides from the error
// whether to try again.
//
// What it retries: only errors platform.IsRetryable says may be repeated (throttling, busy,
// transient server errors — each driver classifies its vendor's codes: Alibaba Throttling*,
// ServiceUnavailable; Huawei APIGW.0308, HTTP 429/5xx; Acronis 429/5xx, ResourceBusy). A
// precondition failure, a conflict, an invalid request or a missing object is returned after
// the first attempt (V-NO-RETRY). Every retried call is safe to repeat: reads trivially,
// creates and operations because they carry their client token, updates because they replace
// the whole object; a driver whose vendor has no idempotency key makes the attempt itself
// safe (it re-reads before it repeats a write).
//
// How: at most Policy.Attempts attempts, the waits between them a capped exponential backoff
// with jitter, or what the platform asked for (platform.Error.RetryAfter, an HTTP
// Retry-After) when it did — up to Policy.MaxWait; a longer request ends the call at once
// with an error that says so, and so does a wait that would outlast the context's deadline.
// A context that ends stops the call at once: no further attempt is made. Each retry is
// logged at debug level (tflog) with the call, the attempt and the error.
//
// When it gives up it returns an *Error naming the call, the attempts and why, which unwraps
// to the last error (its class stays Retryable, for a caller with a budget of its own) and to
// the context's error when the context ended.
//
// Nesting: the outermost Do owns the retries. A Do inside another call's attempt (its fn's
// context) makes one attempt and returns its error as it is, so that the enclosing attempt
// fails and is repeated as a whole: a driver may make a unit of several requests its retried
// call (Acronis re-reads a server before it repeats an action the vendor may have started)
// while every request keeps its own Do for the times it is called alone. An error that
// already went through the layer (*Error) is never retried again either. A persistent error
// therefore costs exactly Attempts attempts of the outermost call, never Attempts squared.
//
// The lifecycle engine's executor adds no retries of its own (the provider sets its
// MaxRetries to -1): its waits are on the object's transitional states, not on errors.
package retry

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// Policy bounds the retries of one call. A zero field takes Default's value.
type Policy struct {
	// Attempts is the most attempts of one call, the first included.
	Attempts int
	// Initial is the backoff before the first retry; it doubles per retry up to Max. The wait
	// is drawn at random from the upper half of the backoff (equal jitter), so concurrent
	// callers spread out.
	Initial time.Duration
	Max     time.Duration
	// MaxWait is the longest a platform's Retry-After is honoured; a platform asking for more
	// ends the call (the error names what it asked for).
	MaxWait time.Duration
	// Sleep waits d or until ctx ends (nil: a timer). Tests inject a recorder.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Default is the policy of every platform unless configured otherwise: 10 attempts, 100 ms
// doubling to 2 s between them (at most 11 s of waiting per call, about 8 s on average),
// Retry-After honoured up to 2 minutes. At a 30 % transient error rate a call fails for good
// with probability 6e-6.
var Default = Policy{Attempts: 10, Initial: 100 * time.Millisecond, Max: 2 * time.Second, MaxWait: 2 * time.Minute}

// Once makes one attempt: the policy of an emulator's physics (internal/emulator), which
// answers each request once and leaves retrying to the client's own layer.
var Once = Policy{Attempts: 1}

// withDefaults fills the zero fields from Default.
func (p Policy) withDefaults() Policy {
	if p.Attempts <= 0 {
		p.Attempts = Default.Attempts
	}
	if p.Initial <= 0 {
		p.Initial = Default.Initial
	}
	if p.Max <= 0 {
		p.Max = Default.Max
	}
	if p.MaxWait <= 0 {
		p.MaxWait = Default.MaxWait
	}
	if p.Sleep == nil {
		p.Sleep = lifecycle.RealClock.Sleep
	}
	return p
}

// Backoff is the wait before retry n (1 for the first retry): Initial doubled n-1 times, at
// most Max, jittered into its upper half.
func (p Policy) Backoff(n int) time.Duration {
	p = p.withDefaults()
	d := p.Initial
	for i := 1; i < n && d < p.Max; i++ {
		d *= 2
	}
	d = min(d, p.Max)
	return d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
}

// Error is a retryable error the layer gave up on.
type Error struct {
	Call     string
	Attempts int
	Elapsed  time.Duration
	// Reason says why no further attempt was made.
	Reason string
	// Err is the last attempt's error; Cause the context's error when the context ended.
	Err   error
	Cause error
}

func (e *Error) Error() string {
	s := fmt.Sprintf("%s gave up after %d attempt", e.Call, e.Attempts)
	if e.Attempts != 1 {
		s += "s"
	}
	s += fmt.Sprintf(" in %s (%s); last error: %v", e.Elapsed.Round(time.Millisecond), e.Reason, e.Err)
	return s
}

// Unwrap returns the last error and, when the context ended, its error.
func (e *Error) Unwrap() []error {
	if e.Cause != nil {
		return []error{e.Err, e.Cause}
	}
	return []error{e.Err}
}

// Do runs fn, again while it fails with a retryable error, per the policy. call names it in
// logs and errors (an API operation: "DescribeDiskReplicaPairs", "GET /v1/…/server-groups").
func Do[T any](ctx context.Context, p Policy, call string, fn func(ctx context.Context) (T, error)) (T, error) {
	var zero T
	if err := ctx.Err(); err != nil {
		return zero, err
	}
	if ctx.Value(attemptKey{}) != nil { // within another call's attempt: that call retries
		return fn(ctx)
	}
	p = p.withDefaults()
	start := time.Now()
	ctx = context.WithValue(ctx, attemptKey{}, call)
	for attempt := 1; ; attempt++ {
		v, err := fn(ctx)
		if err == nil || !Retryable(err) {
			return v, err
		}
		giveUp := func(reason string, cause error) (T, error) {
			return v, &Error{Call: call, Attempts: attempt, Elapsed: time.Since(start), Reason: reason, Err: err, Cause: cause}
		}
		if cerr := ctx.Err(); cerr != nil {
			return giveUp("the context ended", cerr)
		}
		if attempt >= p.Attempts {
			return giveUp("attempts used up", nil)
		}
		wait := p.Backoff(attempt)
		hint := platform.RetryAfterOf(err)
		if hint > 0 {
			if hint > p.MaxWait {
				return giveUp(fmt.Sprintf("the platform asked to retry after %s (Retry-After), longer than the %s one call waits: try again later", hint, p.MaxWait), nil)
			}
			wait = hint
		}
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
			what := "the next attempt"
			if hint > 0 {
				what = "the platform's Retry-After"
			}
			return giveUp(fmt.Sprintf("%s (in %s) would come after the deadline (%s left)", what, wait, time.Until(dl).Round(time.Millisecond)), nil)
		}
		tflog.Debug(ctx, "dr platform call failed with a retryable error; retrying", map[string]any{
			"call": call, "attempt": attempt, "max_attempts": p.Attempts, "retry_in": wait.String(), "retry_after": hint > 0, "error": err.Error(),
		})
		if serr := p.Sleep(ctx, wait); serr != nil {
			return giveUp("the context ended", serr)
		}
	}
}

// attemptKey marks the context of an attempt (its value: the call's name).
type attemptKey struct{}

// Do0 is Do for a call without a result.
func Do0(ctx context.Context, p Policy, call string, fn func(ctx context.Context) error) error {
	_, err := Do(ctx, p, call, func(ctx context.Context) (struct{}, error) { return struct{}{}, fn(ctx) })
	return err
}

// Retryable reports whether the layer retries err: a retryable platform error that has not
// been through the layer already (an *Error is final).
func Retryable(err error) bool {
	var done *Error
	return platform.IsRetryable(err) && !errors.As(err, &done)
}

// Exhausted reports whether err is the layer giving up (an *Error).
func Exhausted(err error) bool {
	var done *Error
	return errors.As(err, &done)
}
