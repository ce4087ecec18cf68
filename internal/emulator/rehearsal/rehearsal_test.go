package rehearsal_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dr-provider/terraform-provider-dr/internal/emulator/rehearsal"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/acronis"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/alibaba"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/huaweicloud"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/retry"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/sandbox"
)

func start(t *testing.T) (*rehearsal.Server, string) {
	t.Helper()
	cfg := rehearsal.Defaults()
	cfg.DB = filepath.Join(t.TempDir(), "sandbox.db")
	srv, err := rehearsal.Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	srv.SetBaseURL(hs.URL)
	t.Cleanup(func() { hs.Close(); srv.Close() })
	return srv, hs.URL
}

// The three drivers, each with its official SDK or client and the endpoint variables the
// server prints, reach their own emulator on the one address; a wrong credential gets the
// vendor's own refusal.
func TestDriversReachTheirEmulator(t *testing.T) {
	srv, url := start(t)
	ctx := context.Background()
	env := map[string]string{}
	for _, v := range srv.Env() {
		env[v.Name] = v.Value
	}
	ali, err := alibaba.New(alibaba.Config{AccessKeyID: env["ALICLOUD_ACCESS_KEY"], AccessKeySecret: env["ALICLOUD_SECRET_KEY"],
		Region: env["ALICLOUD_REGION"], EBSEndpoint: env["ALICLOUD_EBS_ENDPOINT"], ECSEndpoint: env["ALICLOUD_ECS_ENDPOINT"]})
	if err != nil {
		t.Fatal(err)
	}
	if err := ali.CheckCredentials(ctx); err != nil {
		t.Fatalf("alibaba: %v", err)
	}
	bad, _ := alibaba.New(alibaba.Config{AccessKeyID: env["ALICLOUD_ACCESS_KEY"], AccessKeySecret: "wrong", Region: "cn-shanghai", EBSEndpoint: url})
	if err := bad.CheckCredentials(ctx); err == nil || !strings.Contains(err.Error(), "SignatureDoesNotMatch") {
		t.Fatalf("alibaba, wrong secret: %v", err)
	}

	hw, err := huaweicloud.New(huaweicloud.Config{AccessKey: env["HW_ACCESS_KEY"], SecretKey: env["HW_SECRET_KEY"], Region: env["HW_REGION_NAME"],
		ProjectID: env["HW_PROJECT_ID"], SDRSEndpoint: env["HW_SDRS_ENDPOINT"], ECSEndpoint: env["HW_ECS_ENDPOINT"], CBREndpoint: env["HW_CBR_ENDPOINT"]})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := any(hw).(platform.Groups).ListGroups(ctx); err != nil {
		t.Fatalf("huaweicloud: %v", err)
	}
	hwBad, _ := huaweicloud.New(huaweicloud.Config{AccessKey: env["HW_ACCESS_KEY"], SecretKey: "wrong", Region: "cn-north-4", ProjectID: env["HW_PROJECT_ID"], SDRSEndpoint: url, ECSEndpoint: url})
	if _, err := any(hwBad).(platform.Groups).ListGroups(ctx); err == nil || !strings.Contains(err.Error(), "APIGW.0301") {
		t.Fatalf("huaweicloud, wrong secret: %v", err)
	}

	if _, err := acronis.New(ctx, acronis.Config{DatacenterURL: env["ACRONIS_DATACENTER_URL"], ClientID: env["ACRONIS_CLIENT_ID"], ClientSecret: env["ACRONIS_CLIENT_SECRET"]}); err != nil {
		t.Fatalf("acronis: %v", err)
	}
	if _, err := acronis.New(ctx, acronis.Config{DatacenterURL: url, ClientID: env["ACRONIS_CLIENT_ID"], ClientSecret: "wrong", Retry: retry.Once}); err == nil {
		t.Fatal("acronis accepted a wrong secret")
	}

	calls := func(vendor, op string) int { return srv.Gateway(vendor).Stats()[op].Calls }
	if calls("alibaba", "DescribeRegions") < 2 || calls("huaweicloud", "ListProtectionGroups") < 2 || calls("acronis", "token") < 2 {
		t.Fatalf("gateway counts: alibaba %v, huaweicloud %v, acronis %v", srv.Gateway("alibaba").Stats(), srv.Gateway("huaweicloud").Stats(), srv.Gateway("acronis").Stats())
	}
}

func call(t *testing.T, method, url, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var out map[string]any
	_ = json.Unmarshal(b, &out)
	return resp.StatusCode, out
}

// The admin endpoint: sites down and up by zone name (in the shared database, where a
// configuration on the sandbox platform sees it), gateway settings per vendor, one-shot
// failures, Huawei networking, and refusals of what it cannot do.
func TestAdminEndpoint(t *testing.T) {
	srv, url := start(t)
	ctx := context.Background()
	other, err := sandbox.Open(srv.DB(), sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	site, err := other.PutSite(ctx, platform.Site{Region: "cn-shanghai", Zone: "cn-shanghai-b", Healthy: true, ReplicationCapable: true})
	if err != nil {
		t.Fatal(err)
	}
	if code, out := call(t, "POST", url+"/_emulator/sites/cn-shanghai-b/down", ""); code != 200 || !strings.Contains(jsonOf(out), `"healthy":false`) {
		t.Fatalf("site down: %d %v", code, out)
	}
	if s, _ := other.GetSite(ctx, site.ID); s.Healthy {
		t.Fatal("the site is still healthy in the database")
	}
	if code, _ := call(t, "POST", url+"/_emulator/sites/"+site.ID+"/up", ""); code != 200 {
		t.Fatalf("site up: %d", code)
	}
	if s, _ := other.GetSite(ctx, site.ID); !s.Healthy {
		t.Fatal("the site is still down in the database")
	}
	if code, _ := call(t, "POST", url+"/_emulator/sites/nowhere/down", ""); code != 404 {
		t.Fatalf("unknown site: %d", code)
	}

	code, out := call(t, "PUT", url+"/_emulator/gateway", `{"vendor": "alibaba", "latency": "5ms", "rate_limits": ["DescribeRegions=1/h"], "throttle_rate": 0}`)
	if code != 200 {
		t.Fatalf("gateway: %d %v", code, out)
	}
	g := srv.Gateway("alibaba").Settings()
	if g.Latency != "5ms" || len(g.Limits) != 1 || g.Limits[0] != "DescribeRegions=1/h" {
		t.Fatalf("alibaba gateway %+v", g)
	}
	if h := srv.Gateway("huaweicloud").Settings(); h.Latency != "0s" || len(h.Limits) != 0 {
		t.Fatalf("the huaweicloud gateway changed too: %+v", h)
	}
	for _, body := range []string{`{"vendor": "gcp"}`, `{"latency": "fast"}`, `{"rate_limits": ["x"]}`, `{"throttle_rate": 3}`, `{"latncy": "1s"}`} {
		if code, _ := call(t, "PUT", url+"/_emulator/gateway", body); code != 400 {
			t.Errorf("PUT /_emulator/gateway %s: %d, want 400", body, code)
		}
	}
	if code, _ := call(t, "POST", url+"/_emulator/fail-next", `{"vendor": "acronis", "operation": "token", "count": 1}`); code != 200 {
		t.Fatalf("fail-next: %d", code)
	}
	if code, _ := call(t, "POST", url+"/api/2/idp/token", ""); code != 500 {
		t.Fatalf("the failed token call: %d", code)
	}
	if code, _ := call(t, "POST", url+"/_emulator/reset", ""); code != 200 || srv.Gateway("alibaba").Settings().Latency != "0s" {
		t.Fatalf("reset: %d %+v", code, srv.Gateway("alibaba").Settings())
	}

	if code, _ := call(t, "POST", url+"/_emulator/huaweicloud/vpcs", `{"id": "vpc-prod", "name": "prod"}`); code != 201 {
		t.Fatalf("vpc: %d", code)
	}
	if code, _ := call(t, "POST", url+"/_emulator/huaweicloud/vpcs", `{"id": "vpc-prod"}`); code != 409 {
		t.Fatalf("the same vpc again: %d", code)
	}
	if code, _ := call(t, "POST", url+"/_emulator/huaweicloud/domains", `{"id": "dom-1", "local_az": "cn-north-4a", "remote_az": "cn-north-4b"}`); code != 201 {
		t.Fatalf("domain: %d", code)
	}
	if code, _ := call(t, "PUT", url+"/_emulator/huaweicloud/projects", `{"region": "cn-east-3", "project_id": "e0b97bac532c4c5196fa4b3a32253be4"}`); code != 200 {
		t.Fatalf("project: %d", code)
	}
	if !strings.Contains(srv.EnvText(), "export HW_REGION_PROJECT_IDS=cn-east-3=e0b97bac532c4c5196fa4b3a32253be4") {
		t.Fatalf("env:\n%s", srv.EnvText())
	}
	if code, out := call(t, "GET", url+"/_emulator", ""); code != 200 || out["vendors"] == nil || out["env"] == nil {
		t.Fatalf("status: %d %v", code, out)
	}
	if code, _ := call(t, "GET", url+"/_emulator/nope", ""); code != 404 {
		t.Fatalf("unknown admin path: %d", code)
	}
}

func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
