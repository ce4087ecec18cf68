package provider

import (
	"strings"
	"testing"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
)

// A vendor platform's executor observes an operation when it is due on the platform's clock:
// the operation's typical duration divided by DR_EMULATOR_TIME_SCALE (1 against a real
// cloud), and at least every DR_POLL_INTERVAL (30 s unless set); a bad time scale is a
// configuration error naming the variable.
func TestVendorPacing(t *testing.T) {
	for _, tc := range []struct {
		name, scale, poll string
		want              lifecycle.Pacing
		err               string
	}{
		{name: "a real cloud", want: lifecycle.Pacing{Expected: 15 * time.Second, Min: 3 * time.Second, Max: 30 * time.Second}},
		{name: "an emulator at time scale 10", scale: "10", poll: "500ms",
			want: lifecycle.Pacing{Expected: 1500 * time.Millisecond, Min: 50 * time.Millisecond, Max: 500 * time.Millisecond}},
		{name: "not a number", scale: "fast", err: EnvEmulatorTimeScale},
		{name: "zero", scale: "0", err: EnvEmulatorTimeScale},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(EnvEmulatorTimeScale, tc.scale)
			t.Setenv(EnvPollInterval, tc.poll)
			p, err := vendorPacing()
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want one naming %s", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			d := &ProviderData{pacing: p}
			if got := d.pace(lifecycle.ReplicationPair, lifecycle.OpFailover); got != tc.want {
				t.Fatalf("a pair's failover is paced %+v, want %+v", got, tc.want)
			}
		})
	}
}
