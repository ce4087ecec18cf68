package huaweicloud_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/emulator/gateway"
	emu "github.com/dr-provider/terraform-provider-dr/internal/emulator/huaweicloud"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/sandbox"
)

// The gateway answers in API Gateway's words: a rate-limited operation (named as the SDK
// names it; a group action by its body) gets 429 APIGW.0308 in APIG's envelope, before the
// signature is checked, as at the real gateway's flow control.
func TestGatewayThrottlingEnvelope(t *testing.T) {
	sb, err := sandbox.Open(filepath.Join(t.TempDir(), "sdrs.db"), sandbox.Options{TimeScale: 600})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	e := emu.New(sb, emu.Options{AccessKey: emu.TestAccessKey, SecretKey: emu.TestSecretKey, ProjectID: emu.TestProjectID,
		Gateway: gateway.Config{Limits: []gateway.Limit{{Operation: "*", Calls: 1, Per: time.Hour}}}})
	hs := httptest.NewServer(e)
	t.Cleanup(hs.Close)
	do := func(method, path, body string) (int, string) {
		req, _ := http.NewRequest(method, hs.URL+path, strings.NewReader(body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		var env struct {
			Code string `json:"error_code"`
		}
		_ = json.Unmarshal(b, &env)
		return resp.StatusCode, env.Code
	}
	groups := "/v1/" + emu.TestProjectID + "/server-groups"
	if code, env := do(http.MethodGet, groups, ""); code != 401 || env != "APIGW.0301" {
		t.Fatalf("first (unsigned) call: %d %s", code, env)
	}
	if code, env := do(http.MethodGet, groups, ""); code != 429 || env != "APIGW.0308" {
		t.Fatalf("second call in the hour: %d %s", code, env)
	}
	for _, a := range []string{"failover-server-group", "start-server-group"} {
		if code, _ := do(http.MethodPost, groups+"/g1/action", `{"`+a+`":{}}`); code != 401 {
			t.Fatalf("%s shares another operation's bucket: %d", a, code)
		}
	}
	st := e.Gateway().Stats()
	if st["ListProtectionGroups"].Calls != 2 || st["StartFailoverProtectionGroup"].Calls != 1 || st["StartProtectionGroup"].Calls != 1 {
		t.Fatalf("stats %+v", st)
	}
}
