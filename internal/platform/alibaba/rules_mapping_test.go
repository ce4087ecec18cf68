package alibaba

import (
	"errors"
	"testing"

	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"

	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// The vendor's refusals that are the engine's rules carry the rule: PairsExceedInGroup is
// V-GRP-MEMBERS' member limit, ManualSyncLimit V-SYNC-ONCE's rate limit; both are precondition
// failures (never retried) and keep the vendor's code.
func TestVendorRefusalsCarryTheRule(t *testing.T) {
	for _, c := range []struct{ code, rule string }{
		{"OperationDenied.PairsExceedInGroup", "V-GRP-MEMBERS"},
		{"OperationDenied.ManualSyncLimit", "V-SYNC-ONCE"},
		{"OperationDenied.InvalidStatus", ""},
	} {
		se := sdkerrors.NewServerError(403, `{"Code":"`+c.code+`","Message":"denied","RequestId":"r-1"}`, "")
		err := (&Driver{}).convert("AddDiskReplicaPair", se)
		var pe *platform.Error
		if !errors.As(err, &pe) || pe.Class != platform.ClassPreconditionFailed || pe.Code != c.code || pe.Rule != c.rule || platform.IsRetryable(err) {
			t.Errorf("%s: %#v", c.code, err)
		}
	}
}
