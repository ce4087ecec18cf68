package alibaba

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

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
