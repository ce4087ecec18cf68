package alibaba

import (
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/emulator/gateway"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/sandbox"
)

// The gateway answers in EBS's words: a rate-limited Action gets Throttling.User (400) in the
// error envelope, other Actions keep their own bucket, an injected failure is InternalError.
func TestGatewayThrottlingEnvelope(t *testing.T) {
	sb, err := sandbox.Open(filepath.Join(t.TempDir(), "ebs.db"), sandbox.Options{TimeScale: 600})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	emu := New(sb, Options{Gateway: gateway.Config{Limits: []gateway.Limit{{Operation: "DescribeRegions", Calls: 1, Per: time.Hour}}}})
	hs := httptest.NewServer(emu)
	t.Cleanup(hs.Close)
	srv := &Server{Emulator: emu, URL: hs.URL}
	if code, out := post(t, srv, map[string]string{"Action": "DescribeRegions"}, TestAccessKeySecret); code != 200 {
		t.Fatalf("first call: %d %v", code, out)
	}
	code, out := post(t, srv, map[string]string{"Action": "DescribeRegions"}, TestAccessKeySecret)
	if code != 400 || out["Code"] != "Throttling.User" || out["RequestId"] == nil || out["Message"] == "" || out["HostId"] != "ebs.cn-shanghai.aliyuncs.com" {
		t.Fatalf("second call in the hour: %d %v", code, out)
	}
	if code, out := post(t, srv, map[string]string{"Action": "DescribeDiskReplicaPairs"}, TestAccessKeySecret); code != 200 {
		t.Fatalf("another Action: %d %v", code, out)
	}
	emu.Gateway().FailNext("DescribeDiskReplicaPairs", 1)
	if code, out := post(t, srv, map[string]string{"Action": "DescribeDiskReplicaPairs"}, TestAccessKeySecret); code != 500 || out["Code"] != "InternalError" {
		t.Fatalf("injected failure: %d %v", code, out)
	}
	if s := emu.Gateway().Stats()["DescribeRegions"]; s.Calls != 2 || s.Throttled != 1 {
		t.Fatalf("stats %+v", s)
	}
}
