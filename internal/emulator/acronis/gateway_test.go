package acronis_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/emulator/gateway"
)

// The gateway answers in the Acronis platform's words: 429 with Retry-After (whole seconds,
// when the operation's bucket refills) and the error envelope; the latency delays every call.
func TestGatewayThrottlingAndLatency(t *testing.T) {
	r := newRig(t)
	var slept time.Duration
	gw := r.emu.Gateway()
	gw.SetLimits([]gateway.Limit{{Operation: "token", Calls: 1, Per: 10 * time.Second}})
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {"cid"}, "client_secret": {"csecret"}}
	if code, _, out := r.do(t, http.MethodPost, "/api/2/idp/token", "", form); code != 200 {
		t.Fatalf("first token: %d %v", code, out)
	}
	code, h, out := r.do(t, http.MethodPost, "/api/2/idp/token", "", form)
	errObj, _ := out["error"].(map[string]any)
	if code != 429 || h.Get("Retry-After") != "10" || errObj["code"] != "TooManyRequests" {
		t.Fatalf("second token in 10s: %d Retry-After %q %v", code, h.Get("Retry-After"), out)
	}
	gw.SetLimits(nil)
	gw.SetLatency(gateway.Fixed(25 * time.Millisecond))
	start := time.Now()
	if code, _, _ := r.do(t, http.MethodGet, "/api/dr/v2/servers", "", nil); code != 401 {
		t.Fatalf("unauthenticated list: %d", code)
	}
	slept = time.Since(start)
	if slept < 25*time.Millisecond {
		t.Fatalf("a 25ms latency answered after %s", slept)
	}
	if st := gw.Stats(); st["token"].Calls != 2 || st["token"].Throttled != 1 || st["list_servers"].Calls != 1 {
		t.Fatalf("stats %+v", st)
	}
}
