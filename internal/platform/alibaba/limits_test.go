package alibaba_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
)

// The PairName and Description limits the driver declares (Capabilities.Limits, refused at
// plan under V-PARAMS) are exactly what EBS — here the emulator — accepts on
// ModifyDiskReplicaPair: a value the limit allows is set, one it refuses is answered
// InvalidParameter.
func TestNameLimitsMatchEBS(t *testing.T) {
	d, _, emu, p := recordedWorld(t)
	settle(t, d, emu, p.ID)
	ctx := context.Background()
	limits := d.Capabilities().Limits[lifecycle.ReplicationPair]
	cases := []struct{ param, value string }{}
	for _, n := range []string{"a", "ab", strings.Repeat("a", 128), strings.Repeat("a", 129), "9ab", "_ab", "http://x", "https://x",
		"名字", "ab:c.d_e-f"} {
		cases = append(cases, struct{ param, value string }{lifecycle.ParamName, n})
	}
	for _, v := range []string{"x", "xy", "http://example.com", "https://example.com", strings.Repeat("d", 256), strings.Repeat("d", 257), "1 desc"} {
		cases = append(cases, struct{ param, value string }{lifecycle.ParamDescription, v})
	}
	for i, c := range cases {
		err := d.Invoke(ctx, lifecycle.ReplicationPair, p.ID, lifecycle.OpUpdate, fmt.Sprint("tok-limit-", i), map[string]string{c.param: c.value})
		if allowed := limits[c.param].Problem(c.value) == ""; allowed != (err == nil) {
			t.Errorf("%s %q: the limit allows it %v, EBS answered %v", c.param, c.value, allowed, err)
		}
	}
}
