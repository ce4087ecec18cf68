package alibaba

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/dr-provider/terraform-provider-dr/internal/platform"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/sandbox"
)

// post signs params with secret (the RPC HMAC-SHA1 signature) and posts them.
func post(t *testing.T, srv *Server, params map[string]string, secret string) (int, map[string]any) {
	t.Helper()
	base := map[string]string{"Version": APIVersion, "Format": "JSON", "SignatureMethod": "HMAC-SHA1", "SignatureVersion": "1.0",
		"SignatureNonce": "n1", "Timestamp": "2030-01-01T00:00:00Z", "AccessKeyId": TestAccessKeyID, "RegionId": "cn-shanghai"}
	for k, v := range params {
		base[k] = v
	}
	base["Signature"], _ = Sign("POST", base, secret)
	form := url.Values{}
	for k, v := range base {
		form.Set(k, v)
	}
	resp, err := http.Post(srv.URL, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, out
}

func TestSignatureAndEnvelope(t *testing.T) {
	srv := Start(t, sandbox.Options{Seed: 1})
	if code, out := post(t, srv, map[string]string{"Action": "DescribeRegions"}, TestAccessKeySecret); code != 200 || out["RequestId"] == "" {
		t.Fatalf("signed call: %d %v", code, out)
	}
	code, out := post(t, srv, map[string]string{"Action": "DescribeRegions"}, "wrong")
	if code != 400 || out["Code"] != "SignatureDoesNotMatch" || out["RequestId"] == nil || out["Message"] == nil {
		t.Fatalf("wrong secret: %d %v", code, out)
	}
	if code, out := post(t, srv, map[string]string{"Action": "DescribeRegions", "AccessKeyId": "nobody"}, TestAccessKeySecret); code != 404 || out["Code"] != "InvalidAccessKeyId.NotFound" {
		t.Fatalf("unknown key: %d %v", code, out)
	}
	if code, out := post(t, srv, map[string]string{"Action": "NoSuchAction"}, TestAccessKeySecret); code != 404 || out["Code"] != "InvalidAction.NotFound" {
		t.Fatalf("unknown action: %d %v", code, out)
	}
	if code, out := post(t, srv, map[string]string{"Action": "DescribeDiskReplicaPairs", "ReplicaPairId": "x", "RegionId": ""}, TestAccessKeySecret); code != 400 || out["Code"] != "MissingParameter" {
		t.Fatalf("missing RegionId: %d %v", code, out)
	}
	if code, out := post(t, srv, map[string]string{"Action": "StartDiskReplicaPair", "ReplicaPairId": "pair-nope"}, TestAccessKeySecret); code != 404 || out["Code"] != "NoSuchResource" {
		t.Fatalf("missing pair: %d %v", code, out)
	}
	if code, out := post(t, srv, map[string]string{"Action": "StartDiskReplicaPair", "ReplicaPairId": "p", "ClientToken": strings.Repeat("x", 65)}, TestAccessKeySecret); code != 400 || out["Code"] != "InvalidParameter" {
		t.Fatalf("long token: %d %v", code, out)
	}
}

// startTwoSites starts an emulator with two replication-capable sites, sh-a (cn-shanghai-a)
// and bj-a (cn-beijing-a), and one disk of sizeGB on each, d-p and d-s (sizeGB 0: no disks).
func startTwoSites(t *testing.T, sizeGB int64) (*Server, context.Context, *sandbox.Sandbox) {
	t.Helper()
	srv := Start(t, sandbox.Options{Seed: 1})
	ctx, sb := context.Background(), srv.Sandbox()
	for _, s := range []platform.Site{
		{ID: "sh-a", Region: "cn-shanghai", Zone: "cn-shanghai-a", Healthy: true, ReplicationCapable: true},
		{ID: "bj-a", Region: "cn-beijing", Zone: "cn-beijing-a", Healthy: true, ReplicationCapable: true},
	} {
		if _, err := sb.PutSite(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	if sizeGB == 0 {
		return srv, ctx, sb
	}
	for _, v := range []platform.Volume{{ID: "d-p", SiteID: "sh-a", SizeGB: sizeGB}, {ID: "d-s", SiteID: "bj-a", SizeGB: sizeGB}} {
		if _, err := sb.PutVolume(ctx, v); err != nil {
			t.Fatal(err)
		}
	}
	return srv, ctx, sb
}

// engineRuleID matches the engine's rule IDs (V-DRILL, R004-8, …), which no vendor answer carries.
var engineRuleID = regexp.MustCompile(`\b(V-[A-Z]+|R\d{3}-\d+)\b`)

// wireCalls are signed calls that must succeed (ok: the answer) or be refused with an HTTP
// status and the vendor's code, whose message names no engine rule (refused).
func wireCalls(t *testing.T, srv *Server) (ok func(map[string]string) map[string]any, refused func(map[string]string, int, string)) {
	ok = func(params map[string]string) map[string]any {
		t.Helper()
		code, out := post(t, srv, params, TestAccessKeySecret)
		if code != 200 {
			t.Fatalf("%s: %d %v", params["Action"], code, out)
		}
		return out
	}
	refused = func(params map[string]string, status int, want string) {
		t.Helper()
		code, out := post(t, srv, params, TestAccessKeySecret)
		if code != status || out["Code"] != want {
			t.Fatalf("%s %v: %d %v, want %d %s", params["Action"], params, code, out, status, want)
		}
		if msg, _ := out["Message"].(string); engineRuleID.MatchString(msg) {
			t.Fatalf("%s: the vendor's answer names an engine rule: %q", params["Action"], msg)
		}
	}
	return ok, refused
}
