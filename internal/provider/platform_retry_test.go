package provider

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// Only Retryable errors are retried (V-NO-RETRY): a precondition failure or a conflict is
// returned after the first attempt; a retryable one is retried up to the policy's attempts.
func TestRetryOnlyRetryable(t *testing.T) {
	t.Parallel()
	p := retryPolicy{Attempts: 4, Initial: time.Millisecond, Max: time.Millisecond}
	for name, fail := range map[string]error{
		"precondition": platform.PreconditionFailed("R001-1", "refused"),
		"conflict":     &platform.Error{Class: platform.ClassConflict, Code: platform.CodeVersionConflict, Message: "changed"},
	} {
		calls := 0
		_, err := retry(context.Background(), p, "Call", func() (int, error) { calls++; return 0, fail })
		if calls != 1 || !errors.Is(err, fail) {
			t.Errorf("%s: %d calls, err %v (want one call, the error itself)", name, calls, err)
		}
	}
	transient := &platform.Error{Class: platform.ClassRetryable, Code: platform.CodeThrottling, Message: "slow down"}
	calls := 0
	v, err := retry(context.Background(), p, "Call", func() (int, error) {
		calls++
		if calls < 3 {
			return 0, transient
		}
		return 7, nil
	})
	if v != 7 || err != nil || calls != 3 {
		t.Fatalf("retryable then success: %d, %v after %d calls", v, err, calls)
	}
	calls = 0
	_, err = retry(context.Background(), p, "GetSite", func() (int, error) { calls++; return 0, transient })
	var re *RetryError
	if calls != 4 || !errors.As(err, &re) || re.Attempts != 4 || !platform.IsRetryable(err) {
		t.Fatalf("exhausted: %d calls, %v", calls, err)
	}
}
