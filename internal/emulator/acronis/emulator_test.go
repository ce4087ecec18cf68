package acronis_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	acronisemu "github.com/dr-provider/terraform-provider-dr/internal/emulator/acronis"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/sandbox"
)

type rig struct {
	clk *sandbox.FakeClock
	emu *acronisemu.Emulator
	srv *httptest.Server
}

func newRig(t *testing.T) *rig {
	t.Helper()
	clk := sandbox.NewFakeClock(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
	sb, err := sandbox.Open(filepath.Join(t.TempDir(), "sb.db"), sandbox.Options{Clock: clk, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	emu := acronisemu.New(sb, "cid", "csecret", acronisemu.Options{Clock: clk})
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	return &rig{clk: clk, emu: emu, srv: srv}
}

func (r *rig) do(t *testing.T, method, path, auth string, form url.Values) (int, http.Header, map[string]any) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, r.srv.URL+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, resp.Header, out
}

// token runs the two-step authentication and returns the unscoped and the scoped token.
func (r *rig) token(t *testing.T) (string, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, r.srv.URL+"/api/2/idp/token", strings.NewReader("grant_type=client_credentials"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth("cid", "csecret")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var tok map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	own, _ := tok["access_token"].(string)
	exp, _ := tok["expires_on"].(float64)
	if own == "" || int64(exp) != r.clk.Now().Add(acronisemu.DefaultTokenTTL).Unix() {
		t.Fatalf("token response %v: want access_token and expires_on (absolute)", tok)
	}
	st, _, scoped := r.do(t, http.MethodPost, "/api/2/idp/token", "Bearer "+own, url.Values{
		"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"}, "assertion": {own},
		"scope": {"urn:acronis.com:tenant-id:" + r.emu.TenantID()}})
	if st != 200 {
		t.Fatalf("scoped exchange: %d %v", st, scoped)
	}
	return own, scoped["access_token"].(string)
}

func TestEmulatorAuthAndErrors(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	if st, _, body := r.do(t, http.MethodPost, "/api/2/idp/token", "", url.Values{"grant_type": {"client_credentials"}, "client_id": {"cid"}, "client_secret": {"nope"}}); st != 401 || body["error"] != "invalid_request" {
		t.Fatalf("bad secret: %d %v", st, body)
	}
	own, scoped := r.token(t)
	if st, _, _ := r.do(t, http.MethodGet, "/api/dr/v2/servers", "", nil); st != 401 {
		t.Fatalf("no token: %d", st)
	}
	if st, _, _ := r.do(t, http.MethodGet, "/api/dr/v2/servers", "Bearer "+own, nil); st != 403 {
		t.Fatalf("unscoped token: %d", st)
	}
	if st, _, body := r.do(t, http.MethodGet, "/api/dr/v2/servers/missing-1", "Bearer "+scoped, nil); st != 404 || body["error"].(map[string]any)["code"] != "ServerNotFound" {
		t.Fatalf("missing server: %d %v", st, body)
	}
	if st, _, _ := r.do(t, http.MethodGet, "/api/dr/v2/servers?limit=51", "Bearer "+scoped, nil); st != 400 {
		t.Fatalf("limit 51: %d", st)
	}
	if st, _, _ := r.do(t, http.MethodPost, "/api/dr/v2/servers/x-1:failback", "Bearer "+scoped, nil); st != 404 {
		t.Fatalf("failback is no API action: %d", st)
	}
	// throttling: 429 with Retry-After in 1..3600
	if err := r.emu.Fixture().SetTransientErrorRate(t.Context(), 1); err != nil {
		t.Fatal(err)
	}
	st, h, _ := r.do(t, http.MethodGet, "/api/dr/v2/servers", "Bearer "+scoped, nil)
	if n, _ := strconv.Atoi(h.Get("Retry-After")); st != 429 || n < 1 || n > 3600 {
		t.Fatalf("throttled: %d Retry-After %q", st, h.Get("Retry-After"))
	}
	_ = r.emu.Fixture().SetTransientErrorRate(t.Context(), 0)
	// the token expires on the emulator's clock
	r.clk.Advance(acronisemu.DefaultTokenTTL)
	if st, _, _ := r.do(t, http.MethodGet, "/api/dr/v2/servers", "Bearer "+scoped, nil); st != 401 {
		t.Fatalf("expired token: %d", st)
	}
}

func TestEmulatorPaging(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	ctx := t.Context()
	for i := range 3 {
		if _, err := r.emu.Console().CreateRecoveryServer(ctx, platform.RecoveryServerSpec{Name: "rs", MachineID: "m-" + strconv.Itoa(i), CPU: 1, MemoryGB: 1}); err != nil {
			t.Fatal(err)
		}
	}
	_, scoped := r.token(t)
	seen := map[string]bool{}
	path := "/api/dr/v2/servers?type=RECOVERY&limit=1"
	for range 5 {
		st, _, page := r.do(t, http.MethodGet, path, "Bearer "+scoped, nil)
		if st != 200 {
			t.Fatalf("list: %d %v", st, page)
		}
		for _, it := range page["items"].([]any) {
			s := it.(map[string]any)
			seen[s["uuid"].(string)] = true
			if s["status"] == "" || s["_links"] == nil || s["_issues"] == nil || s["vm"] == nil {
				t.Fatalf("server without status/_links/_issues/vm: %v", s)
			}
		}
		paging := page["paging"].(map[string]any)
		if paging["total"].(float64) != 3 {
			t.Fatalf("paging %v", paging)
		}
		after, _ := paging["cursors"].(map[string]any)["after"].(string)
		if after == "" {
			break
		}
		path = "/api/dr/v2/servers?after=" + url.QueryEscape(after)
	}
	if len(seen) != 3 {
		t.Fatalf("paged through %d of 3 servers", len(seen))
	}
	st, _, page := r.do(t, http.MethodGet, "/api/dr/v2/servers?recovery.resource_id=m-1", "Bearer "+scoped, nil)
	if st != 200 || len(page["items"].([]any)) != 1 {
		t.Fatalf("filter by resource: %d %v", st, page)
	}
}

// The emulator serves what another process wrote to the same sandbox database (the offline
// rehearsal: a sandbox-platform configuration makes the machine, its backup and the recovery
// server "made in the console").
func TestEmulatorSharedDatabase(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "shared.db")
	other, err := sandbox.Open(db, sandbox.Options{TimeScale: 1e6})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	ctx := t.Context()
	site, err := other.PutSite(ctx, platform.Site{Region: "eu-central", Zone: "eu2", Healthy: true, ReplicationCapable: true})
	if err != nil {
		t.Fatal(err)
	}
	m, err := other.PutServer(ctx, platform.Server{SiteID: site.ID, Name: "web", PowerState: platform.PowerRunning})
	if err != nil {
		t.Fatal(err)
	}
	rs, err := other.CreateRecoveryServer(ctx, platform.RecoveryServerSpec{Name: "web-recovery", MachineID: m.ID}, "tok-shared-1")
	if err != nil {
		t.Fatal(err)
	}
	sb, err := sandbox.Open(db, sandbox.Options{TimeScale: 1e6})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	emu := acronisemu.New(sb, "cid", "csecret", acronisemu.Options{})
	srv := httptest.NewServer(emu)
	defer srv.Close()
	r := &rig{emu: emu, srv: srv}
	_, scoped := tokenOn(t, srv.URL, emu)
	st, _, page := r.do(t, http.MethodGet, "/api/dr/v2/servers?recovery.resource_id="+m.ID, "Bearer "+scoped, nil)
	if st != 200 || len(page["items"].([]any)) != 1 || page["items"].([]any)[0].(map[string]any)["uuid"] != rs.ID {
		t.Fatalf("the other process's recovery server: %d %v", st, page)
	}
}

func tokenOn(t *testing.T, base string, emu *acronisemu.Emulator) (string, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, base+"/api/2/idp/token", strings.NewReader("grant_type=client_credentials"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth("cid", "csecret")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var tok map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	own, _ := tok["access_token"].(string)
	form := url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"}, "assertion": {own},
		"scope": {"urn:acronis.com:tenant-id:" + emu.TenantID()}}
	resp, err = http.PostForm(base+"/api/2/idp/token", form)
	if err != nil {
		t.Fatal(err)
	}
	var scoped map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&scoped)
	resp.Body.Close()
	s, _ := scoped["access_token"].(string)
	if s == "" {
		t.Fatalf("scoped token: %v", scoped)
	}
	return own, s
}
