package acronis_test

// Emulator contract tests (issue 23): for each example of the driver's corpus
// (internal/platform/acronis/testdata/corpus, Acronis' documented examples restated), the
// emulator is put in the same situation and its answer must have the example's shape: HTTP
// status, member names and nesting, JSON types, null versus absent, the envelope, the values of
// the enums the situation fixes, the _links (by relation, with their href's path and query
// names) and _issues (by link and code), the list order. A member documented as present only in
// some situations is named optional in the case. Examples the emulator cannot produce are listed
// in notProduced with the reason (also in the package doc).

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	acronisemu "github.com/dr-provider/terraform-provider-dr/internal/emulator/acronis"
	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/corpus"
)

var corpusDir = filepath.Join("..", "..", "platform", "acronis", "testdata", "corpus")

// answer is one HTTP answer of the emulator.
type answer struct {
	status int
	header http.Header
	body   string
}

// world is a rig with a protected machine, its backup and its console-made recovery server in
// standby, and a customer-scoped token.
type world struct {
	*rig
	own, scoped string
	id, machine string
}

func newWorld(t *testing.T) *world {
	t.Helper()
	r := newRig(t)
	ctx := t.Context()
	inv := r.emu.Fixture()
	site, err := inv.PutSite(ctx, platform.Site{Region: "eu-central", Zone: "eu2", Healthy: true, ReplicationCapable: true})
	if err != nil {
		t.Fatal(err)
	}
	m, err := inv.PutServer(ctx, platform.Server{SiteID: site.ID, Name: "orders", PowerState: platform.PowerRunning})
	if err != nil {
		t.Fatal(err)
	}
	v, err := inv.PutVault(ctx, platform.Vault{Region: "eu-central", Purpose: platform.VaultBackup})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := inv.PutBackup(ctx, platform.Backup{Kind: platform.BackupKindServer, SourceID: m.ID, IncludesSystemDisk: true,
		Status: platform.BackupAvailable, Region: "eu-central", VaultID: v.ID, SizeGB: 1}); err != nil {
		t.Fatal(err)
	}
	rs, err := r.emu.Console().CreateRecoveryServer(ctx, platform.RecoveryServerSpec{Name: "orders-recovery", MachineID: m.ID, SiteID: site.ID,
		CPU: 2, MemoryGB: 4, IPAddress: "192.0.2.40"})
	if err != nil {
		t.Fatal(err)
	}
	w := &world{rig: r, id: rs.ID, machine: m.ID}
	w.own, w.scoped = r.token(t)
	w.settle(t)
	return w
}

// call sends a request with the scoped token and returns the emulator's raw answer.
func (w *world) call(t *testing.T, method, path, ctype, body string) answer {
	t.Helper()
	req, _ := http.NewRequest(method, w.srv.URL+path, strings.NewReader(body))
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	req.Header.Set("Authorization", "Bearer "+w.scoped)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return answer{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

func (w *world) get(t *testing.T) answer {
	return w.call(t, http.MethodGet, "/api/dr/v2/servers/"+w.id, "", "")
}

// post starts an action on the world's server and returns its answer.
func (w *world) post(t *testing.T, action string) answer {
	return w.call(t, http.MethodPost, "/api/dr/v2/servers/"+w.id+":"+action, "application/json", "{}")
}

// settle advances the clock until the server is in a status without a running task.
func (w *world) settle(t *testing.T) {
	t.Helper()
	for range 200 {
		rs, err := w.emu.Sandbox().GetRecoveryServer(t.Context(), w.id)
		if err != nil {
			t.Fatal(err)
		}
		if rs.PendingOp == "" && lifecycle.Table(lifecycle.RecoveryServer).Class(rs.State) != lifecycle.Transitional {
			return
		}
		w.clk.Advance(time.Minute)
	}
	t.Fatal("the server did not settle")
}

func (w *world) mustPost(t *testing.T, action string) string {
	t.Helper()
	a := w.post(t, action)
	var out struct {
		TaskUUID string `json:"task_uuid"`
	}
	if a.status != http.StatusAccepted || json.Unmarshal([]byte(a.body), &out) != nil || out.TaskUUID == "" {
		t.Fatalf("%s: %d %s", action, a.status, a.body)
	}
	return out.TaskUUID
}

// ---- shapes ----

// shape is how a case compares an example with the emulator's answer.
type shape struct {
	// optional are member paths ("items[].recovery.test_failover", "*" matching one path
	// segment) that may be present on one side and absent on the other.
	optional []string
	// values are member paths whose values must be equal (the enums the situation fixes).
	values []string
	// links are link relations that may be listed on one side only.
	links []string
}

func (s shape) isOptional(p string) bool {
	for _, o := range s.optional {
		if ok, _ := filepathMatch(o, p); ok {
			return true
		}
	}
	return false
}

func filepathMatch(pattern, p string) (bool, error) {
	re := "^" + strings.ReplaceAll(regexp.QuoteMeta(pattern), `\*`, `[^.]*`) + "$"
	return regexp.MatchString(re, p)
}

func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case json.Number:
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

var idInPath = regexp.MustCompile(`/servers/[^/:?]+`)

// hrefShape is a link's href as a shape: its path with the server's ID replaced, and the names
// of its query parameters.
func hrefShape(h string) string {
	u, err := url.Parse(h)
	if err != nil {
		return "<bad URL>"
	}
	var keys []string
	for k := range u.Query() {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return idInPath.ReplaceAllString(u.Path, "/servers/{id}") + "?" + strings.Join(keys, "&")
}

// diff compares the shape of doc (the example) and emu (the emulator's answer) at path p.
func (s shape) diff(p string, doc, emu any) []string {
	if jsonType(doc) != jsonType(emu) {
		return []string{fmt.Sprintf("%s: %s documented, the emulator has %s", orRoot(p), jsonType(doc), jsonType(emu))}
	}
	var out []string
	switch d := doc.(type) {
	case map[string]any:
		e := emu.(map[string]any)
		for k, dv := range d {
			ev, ok := e[k]
			switch {
			case !ok && !s.isOptional(join(p, k)):
				out = append(out, fmt.Sprintf("%s: documented, the emulator has none", join(p, k)))
			case ok:
				out = append(out, s.diff(join(p, k), dv, ev)...)
			}
		}
		for k := range e {
			if _, ok := d[k]; !ok && !s.isOptional(join(p, k)) {
				out = append(out, fmt.Sprintf("%s: the emulator has it, not documented here", join(p, k)))
			}
		}
	case []any:
		e := emu.([]any)
		switch {
		case strings.HasSuffix(p, "_links"):
			out = append(out, s.diffLinks(p, d, e)...)
		case strings.HasSuffix(p, "_issues"):
			out = append(out, s.diffIssues(p, d, e)...)
		case strings.HasSuffix(p, "items") && len(d) > 0:
			if len(d) != len(e) {
				out = append(out, fmt.Sprintf("%s: %d items documented, the emulator has %d", p, len(d), len(e)))
			}
			for i := 0; i < len(d) && i < len(e); i++ {
				out = append(out, s.diff(p+"[]", d[i], e[i])...)
			}
		case len(d) > 0 && len(e) > 0:
			out = append(out, s.diff(p+"[]", d[0], e[0])...)
		case len(d) != len(e) && !s.isOptional(p+"[]"):
			out = append(out, fmt.Sprintf("%s: %d elements documented, the emulator has %d", p, len(d), len(e)))
		}
	default:
		for _, v := range s.values {
			if ok, _ := filepathMatch(v, p); ok && fmt.Sprint(doc) != fmt.Sprint(emu) {
				out = append(out, fmt.Sprintf("%s: %v documented, the emulator has %v", p, doc, emu))
			}
		}
	}
	return out
}

func (s shape) diffLinks(p string, doc, emu []any) []string {
	byRel := func(ls []any) map[string]map[string]any {
		m := map[string]map[string]any{}
		for _, l := range ls {
			if o, ok := l.(map[string]any); ok {
				m[fmt.Sprint(o["rel"])] = o
			}
		}
		return m
	}
	d, e := byRel(doc), byRel(emu)
	var out []string
	for rel, dl := range d {
		el, ok := e[rel]
		if !ok {
			if !slices(s.links, rel) {
				out = append(out, fmt.Sprintf("%s: link %s documented, not listed by the emulator", p, rel))
			}
			continue
		}
		out = append(out, s.diff(p+"[]", without(dl, "href"), without(el, "href"))...)
		if rel != "DR_CLOUD_SERVER_PAGE" && rel != "DR_CLOUD_SERVER_REMOTE_CONSOLE_PAGE" && hrefShape(fmt.Sprint(dl["href"])) != hrefShape(fmt.Sprint(el["href"])) {
			out = append(out, fmt.Sprintf("%s: %s href %s documented, the emulator has %s", p, rel, hrefShape(fmt.Sprint(dl["href"])), hrefShape(fmt.Sprint(el["href"]))))
		}
	}
	for rel := range e {
		if _, ok := d[rel]; !ok && !slices(s.links, rel) {
			out = append(out, fmt.Sprintf("%s: the emulator lists link %s, not documented here", p, rel))
		}
	}
	return out
}

func (s shape) diffIssues(p string, doc, emu []any) []string {
	key := func(o map[string]any) string {
		e, _ := o["error"].(map[string]any)
		return fmt.Sprint(o["link"], "/", e["code"])
	}
	byKey := func(is []any) map[string]map[string]any {
		m := map[string]map[string]any{}
		for _, i := range is {
			if o, ok := i.(map[string]any); ok {
				m[key(o)] = o
			}
		}
		return m
	}
	d, e := byKey(doc), byKey(emu)
	var out []string
	for k, di := range d {
		ei, ok := e[k]
		if !ok {
			if !slices(s.links, strings.SplitN(k, "/", 2)[0]) {
				out = append(out, fmt.Sprintf("%s: issue %s documented, the emulator reports none", p, k))
			}
			continue
		}
		out = append(out, s.diff(p+"[]", di, ei)...)
	}
	for k := range e {
		if _, ok := d[k]; !ok && !slices(s.links, strings.SplitN(k, "/", 2)[0]) {
			out = append(out, fmt.Sprintf("%s: the emulator reports issue %s, not documented here", p, k))
		}
	}
	return out
}

func slices(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func without(m map[string]any, k string) map[string]any {
	out := map[string]any{}
	for kk, v := range m {
		if kk != k {
			out[kk] = v
		}
	}
	return out
}

func join(p, k string) string {
	if p == "" {
		return k
	}
	return p + "." + k
}

func orRoot(p string) string {
	if p == "" {
		return "(body)"
	}
	return p
}

func decode(t *testing.T, what, body string) any {
	t.Helper()
	if strings.TrimSpace(body) == "" {
		return nil
	}
	d := json.NewDecoder(strings.NewReader(body))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		t.Fatalf("%s: not JSON: %v\n%s", what, err, body)
	}
	return v
}

// compare checks the emulator's answer against the example's response.
func compare(t *testing.T, ex corpus.Example, got answer, s shape) {
	t.Helper()
	doc := ex.Response
	if got.status != doc.Status {
		t.Fatalf("HTTP %d documented, the emulator answers %d: %s", doc.Status, got.status, got.body)
	}
	for h := range doc.Headers {
		if got.header.Get(h) == "" {
			t.Errorf("header %s documented, the emulator sends none", h)
		}
	}
	if ra := doc.Headers["Retry-After"]; ra != "" {
		if n, err := strconv.Atoi(got.header.Get("Retry-After")); err != nil || n < 1 || n > 3600 {
			t.Errorf("Retry-After %q: want whole seconds from 1 to 3600", got.header.Get("Retry-After"))
		}
	}
	for _, d := range s.diff("", decode(t, ex.File, doc.Body), decode(t, "the emulator's answer", got.body)) {
		t.Error(d)
	}
}

// ---- the cases ----

var serverValues = []string{"status", "type", "_links[].rel", "_links[].type", "_issues[].link", "_issues[].severity", "_issues[].error.code",
	"_issues[].error.domain", "recovery.automated_test_failover.schedule", "items[].type"}

type contractCase func(t *testing.T, ex corpus.Example)

var contract = map[string]contractCase{
	// IssueToken, GetClient
	"IssueToken/guide-client-credentials.txtar": func(t *testing.T, ex corpus.Example) {
		r := newRig(t)
		req, _ := http.NewRequest(http.MethodPost, r.srv.URL+"/api/2/idp/token", strings.NewReader("grant_type=client_credentials"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth("cid", "csecret")
		compare(t, ex, send(t, req), shape{values: []string{"token_type"}})
	},
	"IssueToken/guide-jwt-bearer-customer-scope.txtar": func(t *testing.T, ex corpus.Example) {
		compare(t, ex, scopedAnswer(t, newRig(t), ""), shape{values: []string{"token_type"}})
	},
	"IssueToken/openapi-token-example.txtar": func(t *testing.T, ex corpus.Example) {
		compare(t, ex, scopedAnswer(t, newRig(t), ""), shape{values: []string{"token_type"}, optional: []string{"expires_in", "refresh_token"}})
	},
	"IssueToken/token-expires-in-only.txtar": func(t *testing.T, ex corpus.Example) {
		// the schema's other lifetime: the emulator answers as the guides do (expires_on)
		compare(t, ex, scopedAnswer(t, newRig(t), ""), shape{values: []string{"token_type"}, optional: []string{"expires_in", "expires_on"}})
	},
	"IssueToken/error-401-authentication-failed.txtar": func(t *testing.T, ex corpus.Example) {
		r := newRig(t)
		st, h, body := r.do(t, http.MethodPost, "/api/2/idp/token", "", url.Values{"grant_type": {"client_credentials"}, "client_id": {"cid"}, "client_secret": {"wrong"}})
		b, _ := json.Marshal(body)
		compare(t, ex, answer{st, h, string(b)}, shape{values: []string{"error"}})
	},
	"IssueToken/error-403-scope-not-allowed.txtar": func(t *testing.T, ex corpus.Example) {
		compare(t, ex, scopedAnswer(t, newRig(t), "4f0c9e21-7b3d-4a6e-8d15-2c9b0a7e6f13"), shape{values: []string{"error"}})
	},
	"GetClient/guide-client-tenant.txtar": func(t *testing.T, ex corpus.Example) {
		r := newRig(t)
		own, _ := r.token(t)
		req, _ := http.NewRequest(http.MethodGet, r.srv.URL+"/api/2/clients/cid", nil)
		req.Header.Set("Authorization", "Bearer "+own)
		// the page elides the client's other members
		compare(t, ex, send(t, req), shape{values: []string{"type"}, optional: []string{"id", "status"}})
	},

	// GetServer: the situations of the documented answers
	"GetServer/standby-ready.txtar": func(t *testing.T, ex corpus.Example) {
		w := newWorld(t)
		compare(t, ex, w.get(t), shape{values: append(serverValues, "vm.status")})
	},
	"GetServer/standby-after-failed-failover.txtar": func(t *testing.T, ex corpus.Example) {
		w := newWorld(t)
		if err := w.emu.Fixture().FailNext(t.Context(), lifecycle.RecoveryServer, lifecycle.OpFailover, 1); err != nil {
			t.Fatal(err)
		}
		w.mustPost(t, "start_failover_prod")
		w.settle(t)
		compare(t, ex, w.get(t), shape{values: append(serverValues, "vm.status")})
	},
	"GetServer/standby-test-limit-on-test-link.txtar": func(t *testing.T, ex corpus.Example) {
		w := newWorld(t)
		w.emu.InjectIssue(w.id, acronisemu.RelStartFailoverTst, "BaseDrTestFailoverLimitReached", map[string]any{"testFailoverMaxNumber": 3})
		compare(t, ex, w.get(t), shape{values: append(serverValues, "vm.status")})
	},
	"GetServer/failover-prod.txtar": func(t *testing.T, ex corpus.Example) {
		w := newWorld(t)
		w.mustPost(t, "start_failover_prod")
		w.settle(t)
		compare(t, ex, w.get(t), shape{values: append(serverValues, "vm.status")})
	},
	"GetServer/failover-prod-console-issue.txtar": func(t *testing.T, ex corpus.Example) {
		w := newWorld(t)
		w.mustPost(t, "start_failover_prod")
		w.settle(t)
		w.emu.InjectIssue(w.id, acronisemu.RelRemoteConsole, "ServerNotReady", nil)
		compare(t, ex, w.get(t), shape{values: serverValues}) // the example's VM is stopped, the emulator's runs
	},
	"GetServer/failover-test.txtar": func(t *testing.T, ex corpus.Example) {
		w := newWorld(t)
		w.mustPost(t, "start_failover_test")
		w.settle(t)
		compare(t, ex, w.get(t), shape{values: append(serverValues, "vm.status"), optional: []string{"recovery.active_failover.archive_credentials_id"}})
	},
	"GetServer/finalization-failed.txtar": func(t *testing.T, ex corpus.Example) {
		w := newWorld(t)
		if err := w.emu.Fixture().FailNext(t.Context(), lifecycle.RecoveryServer, lifecycle.OpFinalize, 1); err != nil {
			t.Fatal(err)
		}
		w.mustPost(t, "start_failover_prod")
		w.settle(t)
		compare(t, ex, w.get(t), shape{values: append(serverValues, "vm.status")})
	},
	"GetServer/error-400-bad-request.txtar": func(t *testing.T, ex corpus.Example) {
		compare(t, ex, newWorld(t).call(t, http.MethodGet, "/api/dr/v2/servers/srv_7%21", "", ""), shape{values: []string{"error.code", "error.domain"}})
	},
	"GetServer/error-401-unauthorized.txtar": func(t *testing.T, ex corpus.Example) {
		w := newWorld(t)
		w.clk.Advance(acronisemu.DefaultTokenTTL) // the token expired
		compare(t, ex, w.get(t), shape{values: []string{"error.code", "error.domain"}})
	},
	"GetServer/error-404-server-not-found.txtar": func(t *testing.T, ex corpus.Example) {
		compare(t, ex, newWorld(t).call(t, http.MethodGet, "/api/dr/v2/servers/rs-0000000000", "", ""), shape{values: []string{"error.code", "error.domain"}})
	},
	"GetServer/error-429-too-many-requests.txtar": func(t *testing.T, ex corpus.Example) {
		w := newWorld(t)
		w.emu.SetRetryAfter(45)
		if err := w.emu.Fixture().SetTransientErrorRate(t.Context(), 1); err != nil {
			t.Fatal(err)
		}
		got := w.get(t)
		if got.header.Get("Retry-After") != "45" {
			t.Errorf("Retry-After %q, want the 45 s set", got.header.Get("Retry-After"))
		}
		compare(t, ex, got, shape{values: []string{"error.code", "error.domain"}})
	},
	"GetServer/error-429-retry-after-hour.txtar": func(t *testing.T, ex corpus.Example) {
		w := newWorld(t)
		w.emu.SetRetryAfter(3600)
		if err := w.emu.Fixture().SetTransientErrorRate(t.Context(), 1); err != nil {
			t.Fatal(err)
		}
		got := w.get(t)
		if got.header.Get("Retry-After") != "3600" {
			t.Errorf("Retry-After %q, want 3600", got.header.Get("Retry-After"))
		}
		compare(t, ex, got, shape{values: []string{"error.code", "error.domain"}})
	},
	"GetServer/error-500-internal.txtar": func(t *testing.T, ex corpus.Example) {
		w := newWorld(t)
		w.emu.Gateway().FailNext("get_server", 1)
		compare(t, ex, w.get(t), shape{values: []string{"error.code", "error.domain"}})
	},

	// ListServers: the pages of a listing
	"ListServers/guide-recovery-servers-busy.txtar": func(t *testing.T, ex corpus.Example) {
		// the published busy servers are in housekeeping statuses the sandbox has no physics
		// for; two servers whose task runs (a test failover starting) are busy the same way
		w := newWorld(t)
		for _, id := range []string{w.id, w.another(t), w.another(t)} {
			if a := w.call(t, http.MethodPost, "/api/dr/v2/servers/"+id+":start_failover_test", "application/json", "{}"); a.status != http.StatusAccepted {
				t.Fatalf("test failover of %s: %d %s", id, a.status, a.body)
			}
		}
		got := w.call(t, http.MethodGet, "/api/dr/v2/servers?type=RECOVERY&limit=2", "", "")
		compare(t, ex, got, shape{values: []string{"items[].type", "items[]._links[].rel", "items[]._issues[].link", "items[]._issues[].error.code", "items[]._issues[].severity"},
			optional: []string{"items[].recovery.automated_test_failover.*", "items[].recovery.test_failover", "items[].recovery.ip_mapped",
				"items[].vm.os", "items[].recovery.active_failover", "items[].recovery.active_failover.archive_credentials_id"},
			links: []string{"DR_CLOUD_SERVER_REMOTE_CONSOLE_PAGE"}})
	},
	"ListServers/last-page-before-cursor-only.txtar": func(t *testing.T, ex corpus.Example) {
		w := newWorld(t)
		w.another(t)
		w.another(t)
		first := w.call(t, http.MethodGet, "/api/dr/v2/servers?type=RECOVERY&limit=2", "", "")
		var page struct {
			Paging struct {
				Cursors struct {
					After string `json:"after"`
				} `json:"cursors"`
			} `json:"paging"`
		}
		_ = json.Unmarshal([]byte(first.body), &page)
		compare(t, ex, w.call(t, http.MethodGet, "/api/dr/v2/servers?after="+url.QueryEscape(page.Paging.Cursors.After), "", ""),
			shape{values: append([]string{"items[].status"}, prefixed("items[].", serverValues)...)})
	},
	"ListServers/empty-no-cursors.txtar": func(t *testing.T, ex corpus.Example) {
		compare(t, ex, newWorld(t).call(t, http.MethodGet, "/api/dr/v2/servers?type=RECOVERY&recovery.resource_id=no-such-machine", "", ""), shape{})
	},
	"ListServers/openapi-filters-request.txtar": acceptsRequest,
	"ListServers/openapi-after-cursor-request.txtar": func(t *testing.T, ex corpus.Example) {
		// after alone, with a cursor of the emulator's (cursors are opaque to a client)
		w := newWorld(t)
		w.another(t)
		first := w.call(t, http.MethodGet, "/api/dr/v2/servers?limit=1", "", "")
		var page struct {
			Paging struct {
				Cursors map[string]string `json:"cursors"`
			} `json:"paging"`
		}
		_ = json.Unmarshal([]byte(first.body), &page)
		if keys := queryKeys(ex.Request.Query); keys != "after" {
			t.Fatalf("the documented request has %s", keys)
		}
		if a := w.call(t, http.MethodGet, "/api/dr/v2/servers?after="+url.QueryEscape(page.Paging.Cursors["after"]), "", ""); a.status != http.StatusOK {
			t.Fatalf("after alone: %d %s", a.status, a.body)
		}
	},

	// the actions
	"StartFailoverProd/openapi-202.txtar": func(t *testing.T, ex corpus.Example) {
		compare(t, ex, newWorld(t).post(t, "start_failover_prod"), shape{})
	},
	"StartFailoverTest/openapi-202.txtar": func(t *testing.T, ex corpus.Example) {
		compare(t, ex, newWorld(t).post(t, "start_failover_test"), shape{})
	},
	"StopFailover/openapi-202.txtar": func(t *testing.T, ex corpus.Example) {
		w := newWorld(t)
		w.mustPost(t, "start_failover_test")
		w.settle(t)
		compare(t, ex, w.post(t, "stop_failover"), shape{})
	},
	"StartFailoverProd/request-latest-empty-object.txtar": acceptsRequest,
	"StartFailoverTest/request-latest-empty-object.txtar": acceptsRequest,
	"StartFailoverProd/request-recovery-point.txtar":      acceptsRequest,
	"StartFailoverTest/request-recovery-point.txtar":      acceptsRequest,
	"StopFailover/openapi-request-empty-object.txtar":     acceptsRequest,
	"StopFailover/guide-request-no-body.txtar":            acceptsRequest,
	"StartFailoverProd/error-409-resource-busy.txtar": func(t *testing.T, ex corpus.Example) {
		w := newWorld(t)
		w.mustPost(t, "start_failover_test") // a task runs
		compare(t, ex, w.post(t, "start_failover_prod"), shape{values: []string{"error.code", "error.domain"}})
	},
	"StartFailoverProd/error-409-server-not-ready.txtar": func(t *testing.T, ex corpus.Example) {
		w := newWorld(t)
		w.mustPost(t, "start_failover_prod")
		w.settle(t)
		compare(t, ex, w.post(t, "start_failover_prod"), shape{values: []string{"error.code", "error.domain"}})
	},
	"StartFailoverProd/error-409-quota-exceeded-compute-points.txtar": refusedByIssue(acronisemu.RelStartFailoverPrd, "start_failover_prod", "QuotaExceededComputePoints", nil),
	"StartFailoverProd/error-409-subscription-not-found.txtar":        refusedByIssue(acronisemu.RelStartFailoverPrd, "start_failover_prod", "SubscriptionNotFoundComputePoints", nil),
	"StartFailoverTest/error-409-test-failover-limit.txtar": refusedByIssue(acronisemu.RelStartFailoverTst, "start_failover_test", "BaseDrTestFailoverLimitReached",
		map[string]any{"testFailoverMaxNumber": 3}),
	"StopFailover/error-409-server-not-ready.txtar": func(t *testing.T, ex corpus.Example) {
		compare(t, ex, newWorld(t).post(t, "stop_failover"), shape{values: []string{"error.code", "error.domain"}})
	},
	"StopFailover/error-409-failover-cancellation-in-progress.txtar": func(t *testing.T, ex corpus.Example) {
		w := newWorld(t)
		w.mustPost(t, "start_failover_test")
		w.settle(t)
		w.mustPost(t, "stop_failover")
		compare(t, ex, w.post(t, "stop_failover"), shape{values: []string{"error.code", "error.domain"}})
	},

	// GetTask
	"GetTask/guide-task-completed-ok.txtar": func(t *testing.T, ex corpus.Example) {
		w := newWorld(t)
		task := w.mustPost(t, "start_failover_test")
		w.settle(t)
		compare(t, ex, w.call(t, http.MethodGet, "/api/task_manager/v2/tasks/"+task, "", ""),
			shape{values: []string{"state", "result.code", "priority"}, optional: []string{"context", "startedByUser", "result.payload"}})
	},
	"GetTask/task-started.txtar": func(t *testing.T, ex corpus.Example) {
		w := newWorld(t)
		task := w.mustPost(t, "start_failover_test")
		compare(t, ex, w.call(t, http.MethodGet, "/api/task_manager/v2/tasks/"+task, "", ""), shape{values: []string{"state", "queue", "priority"}})
	},
	"GetTask/task-completed-error.txtar": func(t *testing.T, ex corpus.Example) {
		w := newWorld(t)
		if err := w.emu.Fixture().FailNext(t.Context(), lifecycle.RecoveryServer, lifecycle.OpFailover, 1); err != nil {
			t.Fatal(err)
		}
		task := w.mustPost(t, "start_failover_prod")
		w.settle(t)
		compare(t, ex, w.call(t, http.MethodGet, "/api/task_manager/v2/tasks/"+task, "", ""),
			shape{values: []string{"state", "result.code", "result.error.domain", "result.error.code", "queue"}})
	},
	// the Vault Manager listing behind DR_CLOUD_SERVER_RECOVERY_POINTS (recovery_points.go): the
	// world's machine's backups, with the example's query; the cursors depend on the page
	"ListRecoveryPoints/guide-vault-manager-backups.txtar": func(t *testing.T, ex corpus.Example) {
		w := newWorld(t)
		q := url.Values{}
		for k, vs := range ex.Request.Query {
			for _, v := range vs {
				if k == "resourceId" {
					v = w.machine
				}
				q.Add(k, v)
			}
		}
		a := w.call(t, http.MethodGet, ex.Request.Path+"?"+q.Encode(), "", "")
		compare(t, ex, a, shape{optional: []string{"paging.cursors.before", "paging.cursors.after", "items[].tapes[]", "items[].tapes_for_restore[]"}, values: []string{"items[].type", "items[].deleted"}})
	},
	"GetTask/error-404-task-not-found.txtar": func(t *testing.T, ex corpus.Example) {
		compare(t, ex, newWorld(t).call(t, http.MethodGet, "/api/task_manager/v2/tasks/0d4b8e26-7c3f-4a19-b6e5-2f9a1c8d7e03", "", ""), shape{values: []string{"domain"}})
	},
}

// notProduced are the examples the emulator cannot put itself in, and why (listed in the
// package doc too).
var notProduced = map[string]string{
	"GetServer/guide-primary-server.txtar":              "a PRIMARY server: the sandbox has recovery servers only",
	"GetServer/standby-atf-enabled-not-run-nulls.txtar": "an automated test failover schedule: the sandbox has no scheduled test failovers",
	"GetServer/standby-issue-on-stop-link.txtar":        "an issue on a link the server does not list: the emulator lists only the links of its status and reports issues on those",
	"GetServer/standby-site-not-ready-linkless.txtar":   "a link-less SiteNotReady: the emulator puts a site outage on each link it blocks, as the reference's issue variants do",
	"GetServer/error-504-gateway-timeout.txtar":         "a gateway timeout: the emulator's gateway injects 500s and 429s, not 504s",
	"ListServers/error-codes-page-issue-warning.txtar":  "a WARNING issue (most likely a DR site's): the emulator reports ERROR issues of servers only",
}

// TestEmulatorContract puts the emulator in each example's situation and compares shapes.
func TestEmulatorContract(t *testing.T) {
	t.Parallel()
	exs, err := corpus.Load(corpusDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, ex := range exs {
		run, ok := contract[ex.File]
		_, skip := notProduced[ex.File]
		switch {
		case ok && skip:
			t.Errorf("%s: both compared and listed as not produced", ex.File)
		case !ok && !skip:
			t.Errorf("%s: no emulator contract case (compare it, or say in notProduced why the emulator cannot produce it)", ex.File)
		case ok:
			t.Run(ex.File, func(t *testing.T) {
				t.Parallel()
				run(t, ex)
			})
		}
	}
}

// ---- helpers ----

func send(t *testing.T, req *http.Request) answer {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return answer{resp.StatusCode, resp.Header, string(b)}
}

// scopedAnswer is the emulator's answer to the customer-scoped exchange (for tenant, or the
// emulator's own when "").
func scopedAnswer(t *testing.T, r *rig, tenant string) answer {
	t.Helper()
	own, _ := r.token(t)
	if tenant == "" {
		tenant = r.emu.TenantID()
	}
	form := url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"}, "assertion": {own}, "scope": {"urn:acronis.com:tenant-id:" + tenant}}
	req, _ := http.NewRequest(http.MethodPost, r.srv.URL+"/api/2/idp/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Bearer "+own)
	return send(t, req)
}

// another makes a second protected machine with its recovery server (in standby), returning it.
func (w *world) another(t *testing.T) string {
	t.Helper()
	ctx := t.Context()
	inv := w.emu.Fixture()
	sites, _ := inv.ListSites(ctx)
	m, err := inv.PutServer(ctx, platform.Server{SiteID: sites[0].ID, Name: "billing", PowerState: platform.PowerRunning})
	if err != nil {
		t.Fatal(err)
	}
	vs, _ := inv.ListVaults(ctx)
	if _, err := inv.PutBackup(ctx, platform.Backup{Kind: platform.BackupKindServer, SourceID: m.ID, IncludesSystemDisk: true,
		Status: platform.BackupAvailable, Region: "eu-central", VaultID: vs[0].ID, SizeGB: 1}); err != nil {
		t.Fatal(err)
	}
	rs, err := w.emu.Console().CreateRecoveryServer(ctx, platform.RecoveryServerSpec{Name: "billing-recovery", MachineID: m.ID, CPU: 2, MemoryGB: 4, IPAddress: "192.0.2.41"})
	if err != nil {
		t.Fatal(err)
	}
	w.clk.Advance(10 * time.Minute) // created
	return rs.ID
}

func prefixed(p string, xs []string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = p + x
	}
	return out
}

func queryKeys(q url.Values) string {
	var ks []string
	for k := range q {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return strings.Join(ks, ",")
}

// acceptsRequest: the emulator accepts the documented request as it is written (method, path
// prefix, query, content type and body), on the world's server.
func acceptsRequest(t *testing.T, ex corpus.Example) {
	w := newWorld(t)
	r := ex.Request
	path := idInPath.ReplaceAllString(r.Path, "/servers/"+w.id)
	if strings.HasSuffix(r.Path, ":stop_failover") {
		w.mustPost(t, "start_failover_test")
		w.settle(t)
	}
	target := path
	if len(r.Query) > 0 {
		q := url.Values{}
		for k, vs := range r.Query {
			for _, v := range vs {
				if k == "recovery.resource_id" {
					v = strings.ToUpper(w.machine) // a machine of the world, in another case
				}
				q.Add(k, v)
			}
		}
		target += "?" + q.Encode()
	}
	body := r.Body
	if strings.Contains(body, `"recovery_point"`) {
		body = w.ownRecoveryPoint(t, body)
	}
	a := w.call(t, r.Method, target, r.Headers["Content-Type"], body)
	want := http.StatusOK
	if r.Method == http.MethodPost {
		want = http.StatusAccepted
	}
	if a.status != want {
		t.Fatalf("%s %s: %d %s, want %d", r.Method, target, a.status, a.body, want)
	}
}

// ownRecoveryPoint puts, in a documented body's recovery_point, the three IDs of the world's
// machine's newest recovery point as its DR_CLOUD_SERVER_RECOVERY_POINTS link lists them (the
// example's IDs are another tenant's; a point the machine lacks is refused).
func (w *world) ownRecoveryPoint(t *testing.T, body string) string {
	t.Helper()
	a := w.call(t, http.MethodGet, "/bc/api/vault_manager/v1/backups?type=image&order=desc(created)&resourceId="+url.QueryEscape(w.machine), "", "")
	var list struct {
		Items []map[string]any `json:"items"`
	}
	if a.status != http.StatusOK || json.Unmarshal([]byte(a.body), &list) != nil || len(list.Items) == 0 {
		t.Fatalf("the machine's recovery points: %d %s", a.status, a.body)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatalf("the documented body: %v", err)
	}
	rp, _ := doc["recovery_point"].(map[string]any)
	for _, k := range []string{"archive_id", "backup_id", "vault_id"} {
		if _, ok := rp[k]; !ok {
			t.Fatalf("the documented recovery_point has no %s: %s", k, body)
		}
		rp[k] = list.Items[0][k]
	}
	out, _ := json.Marshal(doc)
	return string(out)
}

// refusedByIssue: an issue the tenant's situation puts on a link refuses the action with the
// issue's error.
func refusedByIssue(link, action, code string, context map[string]any) contractCase {
	return func(t *testing.T, ex corpus.Example) {
		w := newWorld(t)
		w.emu.InjectIssue(w.id, link, code, context)
		compare(t, ex, w.post(t, action), shape{values: []string{"error.code", "error.domain"}})
	}
}
