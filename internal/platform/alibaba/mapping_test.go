package alibaba

import (
	"testing"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// Every status of the DescribeDiskReplicaPairs/Groups enum maps as vendor-lifecycles.md §7.2 says.
func TestStatusMapping(t *testing.T) {
	for _, c := range []struct {
		status      string
		state       lifecycle.State
		pair, group lifecycle.Op
	}{
		{"creating", lifecycle.Creating, "", ""},
		{"created", lifecycle.Configured, "", ""},
		{"create_failed", lifecycle.Error, lifecycle.OpCreate, lifecycle.OpCreate},
		{"initial_syncing", lifecycle.Starting, "", ""},
		{"syncing", lifecycle.Replicating, "", ""},
		{"normal", lifecycle.Replicating, "", ""},
		{"stopping", lifecycle.Stopping, "", ""},
		{"stopped", lifecycle.Paused, "", ""},
		{"stop_failed", lifecycle.Error, lifecycle.OpStop, lifecycle.OpDisableProtection},
		{"failovering", lifecycle.FailingOver, "", ""},
		{"failovered", lifecycle.FailedOver, "", ""},
		{"failover_failed", lifecycle.Error, lifecycle.OpFailover, lifecycle.OpFailover},
		{"reprotecting", lifecycle.Reprotecting, "", ""},
		{"reprotect_failed", lifecycle.Error, lifecycle.OpReprotect, lifecycle.OpReprotect},
		{"deleting", lifecycle.Deleting, "", ""},
		{"delete_failed", lifecycle.Error, lifecycle.OpDelete, lifecycle.OpDelete},
		{"deleted", lifecycle.Deleted, "", ""},
		{"invalid", lifecycle.Invalid, "", ""},
		{"manual_syncing", lifecycle.SyncingOnce, "", ""},
		{"something_new", StateUnknown, "", ""},
	} {
		s, op, msg := pairState(c.status, "DeviceRemoved")
		if s != c.state || op != c.pair {
			t.Errorf("pair %s → %s{%s}, want %s{%s}", c.status, s, op, c.state, c.pair)
		}
		if (s == lifecycle.Error || s == lifecycle.Invalid || s == StateUnknown) && msg == "" {
			t.Errorf("pair %s: no last error", c.status)
		}
		if s == StateUnknown && !contains(msg, c.status) {
			t.Errorf("unknown status %s: last error %q does not carry the raw value", c.status, msg)
		}
		if s, op, _ := groupState(c.status, ""); s != c.state || op != c.group {
			t.Errorf("group %s → %s{%s}, want %s{%s}", c.status, s, op, c.state, c.group)
		}
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

// Error codes → classes (vendor-lifecycles.md §1.5, §7.1).
func TestErrorClasses(t *testing.T) {
	for _, c := range []struct {
		code   string
		status int
		class  platform.Class
	}{
		{"OperationDenied.InvalidStatus", 403, platform.ClassPreconditionFailed},
		{"OperationDenied", 403, platform.ClassPreconditionFailed},
		{"OperationDenied.StandbyDeviceAttached", 400, platform.ClassPreconditionFailed},
		{"OperationDenied.ManualSyncLimit", 403, platform.ClassPreconditionFailed},
		{"OperationDenied.PairInAnotherGroup", 403, platform.ClassPreconditionFailed},
		{"OperationDenied.GroupHasPair", 403, platform.ClassPreconditionFailed},
		{"OperationDenied.QuotaExceed", 403, platform.ClassQuota},
		{"InvalidAccountStatus.NotEnoughBalance", 403, platform.ClassQuota},
		{"OperationDenied.PairsExceedInGroup", 403, platform.ClassPreconditionFailed},
		{"LastTokenProcessing", 403, platform.ClassRetryable},
		{"Throttling", 400, platform.ClassRetryable},
		{"Throttling.User", 400, platform.ClassRetryable},
		{"InternalError", 500, platform.ClassRetryable},
		{"ServiceUnavailable", 503, platform.ClassRetryable},
		{"RequestTimeout", 504, platform.ClassRetryable},
		{"IdempotentParameterMismatch", 400, platform.ClassInvalid},
		{"OperationDenied.OperateNotAllowedForPrimary", 403, platform.ClassInvalid},
		{"SignatureDoesNotMatch", 400, platform.ClassInvalid},
		{"InvalidAccessKeyId.NotFound", 404, platform.ClassInvalid},
		{"Forbidden.Action", 403, platform.ClassInvalid},
		{"InvalidParameter", 400, platform.ClassInvalid},
		{"MissingParameter", 400, platform.ClassInvalid},
		{"NoSuchResource", 404, platform.ClassNotFound},
		{"", 404, platform.ClassNotFound},
		{"", 502, platform.ClassRetryable},
		{"", 429, platform.ClassRetryable},
		{"SomethingElse", 418, platform.ClassInvalid},
	} {
		if got := classOf(c.code, c.status); got != c.class {
			t.Errorf("%q/%d → %s, want %s", c.code, c.status, got, c.class)
		}
	}
}

func TestClientToken(t *testing.T) {
	if tok, err := clientToken("dr-abc"); err != nil || tok != "dr-abc" {
		t.Fatalf("a valid engine token passes unchanged: %q %v", tok, err)
	}
	for _, bad := range []string{"tök", string(make([]byte, 65))} {
		if _, err := clientToken(bad); platform.ClassOf(err) != platform.ClassInvalid {
			t.Errorf("token %q: %v, want invalid", bad, err)
		}
	}
}

func TestObservedVersion(t *testing.T) {
	created := observedVersion("created", 0, "db")
	starting := observedVersion("initial_syncing", 0, "db")
	if created <= 0 || starting <= created {
		t.Fatalf("versions created %d, starting %d: want 0 < created < starting", created, starting)
	}
	// two stops in different plans: the pair replicated in between, so its recovery point moved
	if observedVersion("normal", 1000, "db") == observedVersion("normal", 2000, "db") {
		t.Fatal("a new recovery point does not change the version")
	}
	if observedVersion("stopped", 1000, "db") == observedVersion("stopped", 1000, "db2") {
		t.Fatal("a rename does not change the version")
	}
}
