package acronis_test

// Driver contract tests (issue 23): every example of the corpus (testdata/corpus, Acronis'
// documented examples restated) is replayed into the driver through a local httptest server
// standing in for the Acronis cloud, and what the engine gets is asserted — state, failed and
// pending operation, facts (AdvertisedOps, BlockingIssues, LinkIssues, HasRecoveryPoint), which
// API operations lifecycle.Check then allows, the error class and code, last_error. Every request
// the driver sends is checked against the documented requests of its operation (method, path,
// query parameter names, body members, authorization scheme). The table is keyed by corpus file:
// a file without an entry fails TestContractCoversTheCorpus.

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/acronis"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/corpus"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/retry"
)

const corpusDir = "testdata/corpus"

// The corpus's own values the replays use as inputs (IDs of the restated examples).
const (
	cClientID      = "b7e2c0d4-5a61-4f3e-9c28-0d1e2f3a4b5c"
	cClientSecret  = "corpus-client-Secret-never-shown"
	cTenant        = "4f0c9e21-7b3d-4a6e-8d15-2c9b0a7e6f13"
	cOwnToken      = "eyJhbGciOiJSUzI1NiJ9.dGVzdC1jbGllbnQ.c2lnbmF0dXJl"
	cScopedToken   = "eyJhbGciOiJSUzI1NiJ9.dGVzdC1zY29wZWQ.c2lnbmF0dXJl"
	cExpiresOn     = 1798761600
	cSrvStandby    = "2d7f4c1a-9b3e-4e52-a6d0-51c8e7f90b34"
	cSrvProd       = "7a91e3c5-0f2d-4b8a-9e61-c4d25b7a8f02"
	cSrvTest       = "c3b58e27-6d14-4f9a-8b03-e9f71a2d4c65"
	cSrvBusy1      = "90e4a2f6-3c71-4d8b-b5e9-7f0a1c3d2e48"
	cSrvBusy2      = "f15d8b39-2a6c-4e07-9d4b-83e6c0a5f1d7"
	cMachine       = "3E8B0F4C-7A21-4D96-B5C3-0A9F2E61D7B8"
	cMachine2      = "D42A7C19-5E83-4F0B-9A6D-1C7E3B8F2054"
	cMachineFilter = "8c51e0a7-2d4f-4b63-9e18-7a0c5f3d9b24"
	cTaskFailed    = "8f2c6a14-d3e7-4b95-9a08-c1e5f7b2d436"
	cTask202       = "0d4b8e26-7c3f-4a19-b6e5-2f9a1c8d7e03"
	cAfterCursor   = "bmV4dC1wYWdlLTI"
)

func loadCorpus(t *testing.T) []corpus.Example {
	t.Helper()
	exs, err := corpus.Load(corpusDir)
	if err != nil {
		t.Fatal(err)
	}
	return exs
}

// ---- the cloud of corpus answers ----

// sent is one request the driver made.
type sent struct {
	route  string
	Method string
	Path   string
	Query  url.Values
	Header http.Header
	Body   string
}

// cloud answers each route from a queue of responses (the last one repeats) and records every
// request. Routes: "token:client_credentials", "token:jwt-bearer", "client", "list",
// "list:after", "get", "action", "task".
type cloud struct {
	t      *testing.T
	exs    []corpus.Example
	mu     sync.Mutex
	routes map[string][]corpus.Response
	reqs   []sent
	srv    *httptest.Server
}

func newCloud(t *testing.T, exs []corpus.Example) *cloud {
	t.Helper()
	c := &cloud{t: t, exs: exs, routes: map[string][]corpus.Response{}}
	c.serve("token:client_credentials", "IssueToken/guide-client-credentials")
	c.serve("token:jwt-bearer", "IssueToken/guide-jwt-bearer-customer-scope")
	c.serve("client", "GetClient/guide-client-tenant")
	c.srv = httptest.NewServer(c)
	t.Cleanup(c.srv.Close)
	return c
}

// response is the response section of a corpus file (without .txtar).
func (c *cloud) response(file string) corpus.Response {
	c.t.Helper()
	ex, ok := corpus.Find(c.exs, file+".txtar")
	if !ok || ex.Response == nil {
		c.t.Fatalf("corpus: no response in %s", file)
	}
	return *ex.Response
}

func (c *cloud) request(file string) corpus.Request {
	c.t.Helper()
	ex, ok := corpus.Find(c.exs, file+".txtar")
	if !ok || ex.Request == nil {
		c.t.Fatalf("corpus: no request in %s", file)
	}
	return *ex.Request
}

// serve answers route with the responses of the files, in order.
func (c *cloud) serve(route string, files ...string) {
	c.t.Helper()
	var rs []corpus.Response
	for _, f := range files {
		rs = append(rs, c.response(f))
	}
	c.mu.Lock()
	c.routes[route] = rs
	c.mu.Unlock()
}

// serveDerived answers route with a corpus response whose JSON body edit changed (a situation
// the corpus does not show whole, built from one that it does; the edit is named at the call).
func (c *cloud) serveDerived(route, file string, edit func(m map[string]any)) {
	c.t.Helper()
	r := c.response(file)
	var m map[string]any
	if err := json.Unmarshal([]byte(r.Body), &m); err != nil {
		c.t.Fatalf("%s: %v", file, err)
	}
	edit(m)
	b, _ := json.Marshal(m)
	r.Body = string(b)
	c.mu.Lock()
	c.routes[route] = []corpus.Response{r}
	c.mu.Unlock()
}

func routeOf(r *http.Request, form url.Values) string {
	p := r.URL.Path
	switch {
	case p == "/api/2/idp/token":
		if form.Get("grant_type") == "client_credentials" {
			return "token:client_credentials"
		}
		return "token:jwt-bearer"
	case strings.HasPrefix(p, "/api/2/clients/"):
		return "client"
	case p == "/api/dr/v2/servers" && r.URL.Query().Get("after") != "":
		return "list:after"
	case p == "/api/dr/v2/servers":
		return "list"
	case strings.HasPrefix(p, "/api/dr/v2/servers/") && r.Method == http.MethodPost:
		return "action"
	case strings.HasPrefix(p, "/api/dr/v2/servers/"):
		return "get"
	case strings.HasPrefix(p, "/api/task_manager/v2/tasks/"):
		return "task"
	}
	return ""
}

func (c *cloud) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	form, _ := url.ParseQuery(string(body))
	route := routeOf(r, form)
	c.mu.Lock()
	c.reqs = append(c.reqs, sent{route: route, Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Header: r.Header.Clone(), Body: string(body)})
	q := c.routes[route]
	var resp *corpus.Response
	if len(q) > 0 {
		resp = &q[0]
		if len(q) > 1 {
			c.routes[route] = q[1:]
		}
	}
	c.mu.Unlock()
	if resp == nil {
		http.Error(w, "the replay serves nothing on "+route+" "+r.URL.Path, http.StatusTeapot)
		return
	}
	for k, v := range resp.Headers {
		w.Header().Set(k, v)
	}
	w.WriteHeader(resp.Status)
	_, _ = io.WriteString(w, resp.Body)
}

// requests returns the requests made on a route ("" for all).
func (c *cloud) requests(route string) []sent {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []sent
	for _, s := range c.reqs {
		if route == "" || s.route == route {
			out = append(out, s)
		}
	}
	return out
}

// clock is the client's settable clock, pinned before the corpus tokens' expires_on.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (k *clock) Now() time.Time { k.mu.Lock(); defer k.mu.Unlock(); return k.now }
func (k *clock) Advance(d time.Duration) {
	k.mu.Lock()
	k.now = k.now.Add(d)
	k.mu.Unlock()
}

// replay is a driver on a cloud of corpus answers: a fixed clock (two hours before the corpus
// tokens expire), three attempts per call, waits recorded instead of slept.
type replay struct {
	*cloud
	clk   *clock
	drv   *acronis.Driver
	mu    sync.Mutex
	waits []time.Duration
}

func newReplay(t *testing.T, exs []corpus.Example) *replay {
	t.Helper()
	rp := &replay{cloud: newCloud(t, exs), clk: &clock{now: time.Unix(cExpiresOn, 0).Add(-2 * time.Hour)}}
	c, err := acronis.NewClient(acronis.Config{DatacenterURL: rp.srv.URL, ClientID: cClientID, ClientSecret: cClientSecret, Now: rp.clk.Now,
		Retry: retry.Policy{Attempts: 3, Sleep: func(ctx context.Context, d time.Duration) error {
			rp.mu.Lock()
			rp.waits = append(rp.waits, d)
			rp.mu.Unlock()
			return ctx.Err()
		}}})
	if err != nil {
		t.Fatal(err)
	}
	rp.drv = acronis.NewWithClient(c)
	t.Cleanup(func() { checkRequests(t, exs, rp.requests("")) })
	return rp
}

func (rp *replay) recordedWaits() []time.Duration {
	rp.mu.Lock()
	defer rp.mu.Unlock()
	return append([]time.Duration(nil), rp.waits...)
}

// ---- what the engine gets ----

// apiOps are the engine operations the DR API v2 can invoke on a recovery server.
var apiOps = []lifecycle.Op{lifecycle.OpFailover, lifecycle.OpTestFailover, lifecycle.OpStopTestFailover, lifecycle.OpCancelFailover}

// allowed returns which API operations lifecycle.Check allows on o (with the data-loss opt-in:
// R004-6 is the user's choice, not the platform's), and the refusal of each one it does not.
func allowed(o lifecycle.Observation) (map[lifecycle.Op]bool, map[lifecycle.Op]string) {
	ok, why := map[lifecycle.Op]bool{}, map[lifecycle.Op]string{}
	for _, op := range apiOps {
		vs := lifecycle.Blocking(lifecycle.Check(lifecycle.RecoveryServer, op, o, lifecycle.Options{AllowDataLoss: true, Platform: o.Platform}))
		if len(vs) == 0 {
			ok[op] = true
			continue
		}
		msgs := make([]string, len(vs))
		for i, v := range vs {
			msgs[i] = v.Rule + ": " + v.Message
		}
		why[op] = strings.Join(msgs, "; ")
	}
	return ok, why
}

// want is what the engine must get from one GetServer answer.
type want struct {
	state   lifecycle.State
	failed  lifecycle.Op
	pending lifecycle.Op
	adv     []lifecycle.Op // Facts.AdvertisedOps
	blocks  []string       // Facts.BlockingIssues (every operation)
	allow   []lifecycle.Op // the API operations lifecycle.Check allows
	// refusedFor: an API operation refused, and a text its refusal names (the issue's code)
	refusedFor map[lifecycle.Op]string
	rpKnown    bool // HasRecoveryPoint known and true
	lastErr    string
	machine    string
	vm         string
	testIP     string
	recIP      string
}

func ops(m map[lifecycle.Op]bool) []lifecycle.Op {
	var out []lifecycle.Op
	for op, v := range m {
		if v {
			out = append(out, op)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

func sameOps(a, b []lifecycle.Op) bool {
	a = append([]lifecycle.Op(nil), a...)
	b = append([]lifecycle.Op(nil), b...)
	sort.Slice(a, func(i, j int) bool { return a[i] < a[j] })
	sort.Slice(b, func(i, j int) bool { return b[i] < b[j] })
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func (w want) check(t *testing.T, rs platform.RecoveryServer) {
	t.Helper()
	o := rs.Observed
	if o.State != w.state || o.FailedOp != w.failed || rs.PendingOp != w.pending {
		t.Errorf("state %s pending %q, want %s pending %q (last error %q)", lifecycle.RenderState(o.State, o.FailedOp), rs.PendingOp,
			lifecycle.RenderState(w.state, w.failed), w.pending, rs.LastError)
	}
	if got := ops(o.Facts.AdvertisedOps); !sameOps(got, w.adv) {
		t.Errorf("AdvertisedOps %v, want %v", got, w.adv)
	}
	if strings.Join(o.Facts.BlockingIssues, ",") != strings.Join(w.blocks, ",") {
		t.Errorf("BlockingIssues %v, want %v", o.Facts.BlockingIssues, w.blocks)
	}
	ok, why := allowed(o)
	if got := ops(ok); !sameOps(got, w.allow) {
		t.Errorf("the engine allows %v, want %v (refusals: %v)", got, w.allow, why)
	}
	for op, text := range w.refusedFor {
		if !strings.Contains(why[op], text) {
			t.Errorf("the refusal of %s is %q, want it to name %q", op, why[op], text)
		}
	}
	if w.rpKnown && (!o.Facts.HasRecoveryPoint || o.Facts.Unknown[lifecycle.FactBackup]) {
		t.Errorf("HasRecoveryPoint %v (unknown %v), want known and true", o.Facts.HasRecoveryPoint, o.Facts.Unknown)
	}
	if w.lastErr == "" && rs.LastError != "" || w.lastErr != "" && !strings.Contains(rs.LastError, w.lastErr) {
		t.Errorf("last_error %q, want %q", rs.LastError, w.lastErr)
	}
	if w.machine != "" && rs.MachineID != w.machine {
		t.Errorf("machine %q, want %q", rs.MachineID, w.machine)
	}
	if w.vm != "" && rs.VMState != w.vm {
		t.Errorf("vm state %q, want %q", rs.VMState, w.vm)
	}
	if rs.TestIP != w.testIP || rs.RecoveryIP != w.recIP {
		t.Errorf("test IP %q recovery IP %q, want %q %q", rs.TestIP, rs.RecoveryIP, w.testIP, w.recIP)
	}
	if o.Platform == nil {
		t.Error("the read model carries no Capabilities (CapabilitiesOf)")
	}
}

// wantErr checks an error's class, code and a text of its message.
func wantErr(t *testing.T, err error, class platform.Class, code, text string) {
	t.Helper()
	var pe *platform.Error
	if !errorsAs(err, &pe) {
		t.Fatalf("error %v (%T), want a *platform.Error of class %s", err, err, class)
	}
	if platform.ClassOf(err) != class || (code != "" && !strings.Contains(err.Error(), "("+code+")")) || !strings.Contains(err.Error(), text) {
		t.Fatalf("error %q (class %s), want class %s, code %q, naming %q", err, platform.ClassOf(err), class, code, text)
	}
}

// ---- the documented requests ----

var idSegment = regexp.MustCompile(`/(servers|tasks|clients)/[^/:?]+`)

// template is a request path with its identifier replaced, and without the /bc prefix the
// guide's links carry (the DR API answers on both).
func template(p string) string {
	return idSegment.ReplaceAllString(strings.TrimPrefix(p, "/bc"), "/$1/{id}")
}

// documented is what the corpus documents of one call: its method and path template, the query
// parameter names, the body members, and the authorization scheme.
type documented struct {
	method, path string
	params       map[string]bool
	members      map[string]bool
	auth         string
	contentTypes map[string]bool
}

func documentedRequests(exs []corpus.Example) map[string]*documented {
	out := map[string]*documented{}
	for _, ex := range exs {
		r := ex.Request
		if r == nil {
			continue
		}
		key := requestKey(r.Method, r.Path, r.Headers["Content-Type"], r.Body)
		d := out[key]
		if d == nil {
			d = &documented{method: r.Method, path: template(r.Path), params: map[string]bool{}, members: map[string]bool{}, contentTypes: map[string]bool{}}
			out[key] = d
		}
		for k := range r.Query {
			d.params[k] = true
		}
		for k := range bodyMembers(r.Headers["Content-Type"], r.Body) {
			d.members[k] = true
		}
		d.contentTypes[r.Headers["Content-Type"]] = true
		if a := r.Headers["Authorization"]; a != "" {
			d.auth = strings.SplitN(a, " ", 2)[0]
		}
	}
	return out
}

// requestKey names a documented call: method and path template, and for the token endpoint the
// grant (its two calls differ in body and authorization).
func requestKey(method, p, ctype, body string) string {
	key := method + " " + template(p)
	if strings.HasPrefix(ctype, "application/x-www-form-urlencoded") {
		if g := mustQuery(body).Get("grant_type"); g != "" {
			key += " grant_type=" + g
		}
	}
	return key
}

// bodyMembers returns a body's members: form keys, or JSON members as dotted paths.
func bodyMembers(ctype, body string) map[string]bool {
	out := map[string]bool{}
	if strings.TrimSpace(body) == "" {
		return out
	}
	if strings.HasPrefix(ctype, "application/x-www-form-urlencoded") {
		v, _ := url.ParseQuery(body)
		for k := range v {
			out[k] = true
		}
		return out
	}
	var m map[string]any
	if json.Unmarshal([]byte(body), &m) != nil {
		out["<not JSON>"] = true
		return out
	}
	var walk func(prefix string, m map[string]any)
	walk = func(prefix string, m map[string]any) {
		for k, v := range m {
			out[prefix+k] = true
			if sub, ok := v.(map[string]any); ok {
				walk(prefix+k+".", sub)
			}
		}
	}
	walk("", m)
	return out
}

// checkRequests asserts that every request the driver sent is a documented one: its method and
// path, query parameters the reference defines, body members the documented bodies have, the
// documented content type and authorization scheme.
func checkRequests(t *testing.T, exs []corpus.Example, reqs []sent) {
	t.Helper()
	docs := documentedRequests(exs)
	for _, r := range reqs {
		key := requestKey(r.Method, r.Path, r.Header.Get("Content-Type"), r.Body)
		d := docs[key]
		if d == nil {
			t.Errorf("the driver sent %s %s: no documented request has that method and path", r.Method, r.Path)
			continue
		}
		for k := range r.Query {
			if !d.params[k] {
				t.Errorf("%s: query parameter %q is not documented (documented: %v)", key, k, d.params)
			}
		}
		ctype := r.Header.Get("Content-Type")
		if !d.contentTypes[ctype] && !(ctype == "" && r.Body == "") {
			t.Errorf("%s: Content-Type %q, documented %v", key, ctype, d.contentTypes)
		}
		for k := range bodyMembers(ctype, r.Body) {
			if !d.members[k] {
				t.Errorf("%s: body member %q is not documented (documented: %v)", key, k, d.members)
			}
		}
		if scheme := strings.SplitN(r.Header.Get("Authorization"), " ", 2)[0]; scheme != d.auth {
			t.Errorf("%s: authorization scheme %q, documented %q", key, scheme, d.auth)
		}
	}
}

// ---- the contract, file by file ----

// contract maps each corpus file to the replay that pins it.
var contract = map[string]func(t *testing.T, exs []corpus.Example){
	// IssueToken / GetClient: the token flow as the guides show it.
	"IssueToken/guide-client-credentials.txtar":        tokenFlow,
	"IssueToken/guide-jwt-bearer-customer-scope.txtar": tokenFlow,
	"GetClient/guide-client-tenant.txtar":              tokenFlow,
	"IssueToken/openapi-token-example.txtar": func(t *testing.T, exs []corpus.Example) {
		rp := newReplay(t, exs)
		rp.serve("token:jwt-bearer", "IssueToken/openapi-token-example")
		rp.serve("get", "GetServer/standby-ready")
		if _, err := rp.drv.GetRecoveryServer(t.Context(), cSrvStandby); err != nil {
			t.Fatal(err)
		}
		// expires_on (absolute) is two hours ahead: an hour later the token is still used
		rp.clk.Advance(time.Hour)
		if _, err := rp.drv.GetRecoveryServer(t.Context(), cSrvStandby); err != nil {
			t.Fatal(err)
		}
		if n := len(rp.requests("token:jwt-bearer")); n != 1 {
			t.Fatalf("%d scoped tokens within expires_on, want 1", n)
		}
	},
	// D9: the token schema requires neither expires_on nor expires_in: a lifetime given as
	// expires_in (seconds from now) alone is the token's lifetime
	"IssueToken/token-expires-in-only.txtar": func(t *testing.T, exs []corpus.Example) {
		rp := newReplay(t, exs)
		rp.serve("token:jwt-bearer", "IssueToken/token-expires-in-only")
		rp.serve("get", "GetServer/standby-ready")
		if _, err := rp.drv.GetRecoveryServer(t.Context(), cSrvStandby); err != nil {
			t.Fatalf("a token with expires_in only: %v", err)
		}
		rp.clk.Advance(time.Hour) // within the 7200 s lifetime
		if _, err := rp.drv.GetRecoveryServer(t.Context(), cSrvStandby); err != nil {
			t.Fatal(err)
		}
		if n := len(rp.requests("token:jwt-bearer")); n != 1 {
			t.Fatalf("%d scoped tokens within expires_in, want 1", n)
		}
		rp.clk.Advance(time.Hour + time.Minute) // past it
		if _, err := rp.drv.GetRecoveryServer(t.Context(), cSrvStandby); err != nil {
			t.Fatal(err)
		}
		if n := len(rp.requests("token:jwt-bearer")); n != 2 {
			t.Fatalf("%d scoped tokens after expires_in, want 2 (renewed once)", n)
		}
	},
	"IssueToken/error-401-authentication-failed.txtar": func(t *testing.T, exs []corpus.Example) {
		rp := newReplay(t, exs)
		rp.serve("token:client_credentials", "IssueToken/error-401-authentication-failed")
		err := rp.drv.Client().Authenticate(t.Context())
		wantErr(t, err, platform.ClassInvalid, "invalid_request", "client_secret")
		if !strings.Contains(err.Error(), "The client could not be authenticated") {
			t.Fatalf("%v: want the IdP's description", err)
		}
		if n := len(rp.requests("")); n != 1 {
			t.Fatalf("%d requests for refused credentials, want 1 (never retried)", n)
		}
	},
	"IssueToken/error-403-scope-not-allowed.txtar": func(t *testing.T, exs []corpus.Example) {
		rp := newReplay(t, exs)
		rp.serve("token:jwt-bearer", "IssueToken/error-403-scope-not-allowed")
		err := rp.drv.Client().Authenticate(t.Context())
		wantErr(t, err, platform.ClassInvalid, "access_denied", "customer-scoped token")
	},

	// GetServer: the read model of each documented situation.
	"GetServer/standby-ready.txtar": serverCase("GetServer/standby-ready", want{state: lifecycle.Standby,
		adv: []lifecycle.Op{lifecycle.OpFailover, lifecycle.OpTestFailover}, allow: []lifecycle.Op{lifecycle.OpFailover, lifecycle.OpTestFailover},
		rpKnown: true, machine: cMachine, vm: "not_ready"}),
	"GetServer/standby-atf-enabled-not-run-nulls.txtar": serverCase("GetServer/standby-atf-enabled-not-run-nulls", want{state: lifecycle.Standby,
		adv: []lifecycle.Op{lifecycle.OpFailover, lifecycle.OpTestFailover}, allow: []lifecycle.Op{lifecycle.OpFailover, lifecycle.OpTestFailover},
		rpKnown: true, machine: cMachine, vm: "not_ready"}),
	"GetServer/failover-prod.txtar": serverCase("GetServer/failover-prod", want{state: lifecycle.FailedOver,
		adv: []lifecycle.Op{lifecycle.OpCancelFailover}, allow: []lifecycle.Op{lifecycle.OpCancelFailover},
		rpKnown: true, machine: cMachine, vm: "started", recIP: "203.0.113.40"}),
	"GetServer/failover-test.txtar": serverCase("GetServer/failover-test", want{state: lifecycle.Testing,
		adv: []lifecycle.Op{lifecycle.OpStopTestFailover}, allow: []lifecycle.Op{lifecycle.OpStopTestFailover},
		rpKnown: true, machine: cMachine2, vm: "started", testIP: "198.51.100.25"}),
	"GetServer/guide-primary-server.txtar": func(t *testing.T, exs []corpus.Example) {
		rp := newReplay(t, exs)
		rp.serve("get", "GetServer/guide-primary-server")
		id := path(rp.request("GetServer/guide-primary-server").Path)
		_, err := rp.drv.GetRecoveryServer(t.Context(), id)
		wantErr(t, err, platform.ClassNotFound, "", "primary server")
		if got := rp.requests("get"); len(got) != 1 || got[0].Path != "/api/dr/v2/servers/"+id {
			t.Fatalf("requests %v, want GET /api/dr/v2/servers/%s", got, id)
		}
	},
	"GetServer/error-400-bad-request.txtar": func(t *testing.T, exs []corpus.Example) {
		rp := newReplay(t, exs)
		rp.serve("get", "GetServer/error-400-bad-request")
		_, err := rp.drv.GetRecoveryServer(t.Context(), "srv_7!")
		wantErr(t, err, platform.ClassInvalid, "BadRequest", "does not match the API schema")
		if got := rp.requests("get"); len(got) != 1 {
			t.Fatalf("%d requests, want 1: a 400 is not retried", len(got))
		}
	},
	"GetServer/error-401-unauthorized.txtar": func(t *testing.T, exs []corpus.Example) {
		rp := newReplay(t, exs)
		rp.serve("get", "GetServer/error-401-unauthorized", "GetServer/standby-ready")
		if _, err := rp.drv.GetRecoveryServer(t.Context(), cSrvStandby); err != nil {
			t.Fatalf("after a 401 the client renews its token and repeats: %v", err)
		}
		if n, g := len(rp.requests("token:jwt-bearer")), len(rp.requests("get")); n != 2 || g != 2 {
			t.Fatalf("%d scoped tokens and %d GETs, want 2 and 2 (one renewal)", n, g)
		}
	},
	"GetServer/error-404-server-not-found.txtar": func(t *testing.T, exs []corpus.Example) {
		rp := newReplay(t, exs)
		rp.serve("get", "GetServer/error-404-server-not-found")
		_, err := rp.drv.GetRecoveryServer(t.Context(), path(rp.request("GetServer/error-404-server-not-found").Path))
		wantErr(t, err, platform.ClassNotFound, "", "No cloud server has this identifier")
	},
	"GetServer/error-429-too-many-requests.txtar": func(t *testing.T, exs []corpus.Example) {
		rp := newReplay(t, exs)
		rp.serve("get", "GetServer/error-429-too-many-requests")
		_, err := rp.drv.GetRecoveryServer(t.Context(), cSrvStandby)
		wantErr(t, err, platform.ClassRetryable, "TooManyRequests", "try again in 45 seconds")
		if w := rp.recordedWaits(); len(w) != 2 || w[0] != 45*time.Second || w[1] != 45*time.Second {
			t.Fatalf("waits %v, want [45s 45s]: the documented Retry-After, between the policy's 3 attempts", w)
		}
	},
	"GetServer/error-429-retry-after-hour.txtar": func(t *testing.T, exs []corpus.Example) {
		// D6: the longest Retry-After the reference allows (an hour) is not slept inside one
		// call: the retry layer honours up to its MaxWait (2 minutes by default) and ends the
		// call at once with an error that names the wait
		rp := newReplay(t, exs)
		rp.serve("get", "GetServer/error-429-retry-after-hour")
		_, err := rp.drv.GetRecoveryServer(t.Context(), cSrvStandby)
		wantErr(t, err, platform.ClassRetryable, "TooManyRequests", "retry after 1h0m0s")
		if n, w := len(rp.requests("get")), rp.recordedWaits(); n != 1 || len(w) != 0 {
			t.Fatalf("%d requests and waits %v, want one request and no wait", n, w)
		}
	},
	"GetServer/error-500-internal.txtar": func(t *testing.T, exs []corpus.Example) {
		rp := newReplay(t, exs)
		rp.serve("get", "GetServer/error-500-internal", "GetServer/standby-ready")
		if _, err := rp.drv.GetRecoveryServer(t.Context(), cSrvStandby); err != nil {
			t.Fatalf("a 500 is retried: %v", err)
		}
		rp.serve("get", "GetServer/error-500-internal")
		_, err := rp.drv.GetRecoveryServer(t.Context(), cSrvStandby)
		wantErr(t, err, platform.ClassRetryable, "InternalError", "try again later")
	},
	"GetServer/error-504-gateway-timeout.txtar": func(t *testing.T, exs []corpus.Example) {
		rp := newReplay(t, exs)
		rp.serve("get", "GetServer/error-504-gateway-timeout", "GetServer/standby-ready")
		if _, err := rp.drv.GetRecoveryServer(t.Context(), cSrvStandby); err != nil {
			t.Fatalf("a 504 without a body is retried: %v", err)
		}
	},

	// ListServers: paging, filters, order.
	"ListServers/openapi-filters-request.txtar": func(t *testing.T, exs []corpus.Example) {
		rp := newReplay(t, exs)
		rp.serve("list", "ListServers/empty-no-cursors")
		doc := rp.request("ListServers/openapi-filters-request")
		if _, err := rp.drv.Client().ListServers(t.Context(), doc.Query["recovery.resource_id"]...); err != nil {
			t.Fatal(err)
		}
		got := rp.requests("list")
		if len(got) != 1 {
			t.Fatalf("%d list requests", len(got))
		}
		for k, v := range doc.Query {
			if strings.Join(got[0].Query[k], ",") != strings.Join(v, ",") {
				t.Errorf("%s = %v, documented %v", k, got[0].Query[k], v)
			}
		}
	},
	"ListServers/empty-no-cursors.txtar": func(t *testing.T, exs []corpus.Example) {
		rp := newReplay(t, exs)
		rp.serve("list", "ListServers/empty-no-cursors")
		list, err := rp.drv.ListRecoveryServers(t.Context())
		if err != nil || len(list) != 0 || len(rp.requests("list")) != 1 {
			t.Fatalf("an empty listing without cursors: %v %v, %d requests", list, err, len(rp.requests("list")))
		}
	},
	"ListServers/guide-recovery-servers-busy.txtar":  listStory,
	"ListServers/last-page-before-cursor-only.txtar": listStory,
	"ListServers/openapi-after-cursor-request.txtar": listStory,

	// Actions: the documented bodies, the 202, the documented 409s.
	"StartFailoverProd/openapi-202.txtar":                 actionAccepted("StartFailoverProd", "GetServer/standby-ready", cSrvStandby, lifecycle.OpFailover),
	"StartFailoverTest/openapi-202.txtar":                 actionAccepted("StartFailoverTest", "GetServer/standby-ready", cSrvStandby, lifecycle.OpTestFailover),
	"StopFailover/openapi-202.txtar":                      actionAccepted("StopFailover", "GetServer/failover-test", cSrvTest, lifecycle.OpStopTestFailover),
	"StartFailoverProd/request-latest-empty-object.txtar": actionBody("StartFailoverProd/request-latest-empty-object", lifecycle.OpFailover, "GetServer/standby-ready"),
	"StartFailoverTest/request-latest-empty-object.txtar": actionBody("StartFailoverTest/request-latest-empty-object", lifecycle.OpTestFailover, "GetServer/standby-ready"),
	"StartFailoverProd/request-recovery-point.txtar":      actionBody("StartFailoverProd/request-recovery-point", lifecycle.OpFailover, "GetServer/standby-ready"),
	"StartFailoverTest/request-recovery-point.txtar":      actionBody("StartFailoverTest/request-recovery-point", lifecycle.OpTestFailover, "GetServer/standby-ready"),
	"StopFailover/openapi-request-empty-object.txtar":     actionBody("StopFailover/openapi-request-empty-object", lifecycle.OpStopTestFailover, "GetServer/failover-test"),
	"StopFailover/guide-request-no-body.txtar": func(t *testing.T, exs []corpus.Example) {
		// the guide posts no body to the link's /bc/ href; the driver posts the reference's
		// example {} to the path it builds: the same action on the same server
		rp := newReplay(t, exs)
		rp.serve("get", "GetServer/failover-test")
		rp.serve("action", "StopFailover/openapi-202")
		doc := rp.request("StopFailover/guide-request-no-body")
		if err := rp.drv.Invoke(t.Context(), lifecycle.RecoveryServer, cSrvTest, lifecycle.OpStopTestFailover, "stop-1", nil); err != nil {
			t.Fatal(err)
		}
		got := rp.requests("action")
		if len(got) != 1 || got[0].Path != strings.TrimPrefix(doc.Path, "/bc") || strings.TrimSpace(got[0].Body) != "{}" {
			t.Fatalf("stop request %+v, want POST %s with {}", got, strings.TrimPrefix(doc.Path, "/bc"))
		}
	},
	"StartFailoverProd/error-409-server-not-ready.txtar": actionRefused("StartFailoverProd/error-409-server-not-ready", "GetServer/standby-ready", cSrvStandby,
		lifecycle.OpFailover, platform.ClassPreconditionFailed, "ServerNotReady", 1),
	"StopFailover/error-409-server-not-ready.txtar": actionRefused("StopFailover/error-409-server-not-ready", "GetServer/failover-test", cSrvTest,
		lifecycle.OpStopTestFailover, platform.ClassPreconditionFailed, "ServerNotReady", 1),
	"StartFailoverProd/error-409-quota-exceeded-compute-points.txtar": actionRefused("StartFailoverProd/error-409-quota-exceeded-compute-points", "GetServer/standby-ready", cSrvStandby,
		lifecycle.OpFailover, platform.ClassQuota, "QuotaExceededComputePoints", 1),
	"StartFailoverProd/error-409-resource-busy.txtar": actionRefused("StartFailoverProd/error-409-resource-busy", "GetServer/standby-ready", cSrvStandby,
		lifecycle.OpFailover, platform.ClassRetryable, "ResourceBusy", 3),

	// D7: the documented 409 codes and their classes: a subscription that is not enabled and the
	// test-failover limit of the DR pack are billing limits (Quota), not the server's state; a
	// second stop while one runs is the stop under way.
	"StartFailoverProd/error-409-subscription-not-found.txtar": actionRefused("StartFailoverProd/error-409-subscription-not-found", "GetServer/standby-ready", cSrvStandby,
		lifecycle.OpFailover, platform.ClassQuota, "SubscriptionNotFoundComputePoints", 1),
	"StartFailoverTest/error-409-test-failover-limit.txtar": actionRefused("StartFailoverTest/error-409-test-failover-limit", "GetServer/standby-ready", cSrvStandby,
		lifecycle.OpTestFailover, platform.ClassQuota, "BaseDrTestFailoverLimitReached", 1),
	"StopFailover/error-409-failover-cancellation-in-progress.txtar": func(t *testing.T, exs []corpus.Example) {
		rp := newReplay(t, exs)
		rp.serve("get", "GetServer/failover-test")
		rp.serve("task", "GetTask/guide-task-completed-ok") // the last test failover's task (its recovery.test_failover)
		rp.serve("action", "StopFailover/error-409-failover-cancellation-in-progress")
		if err := rp.drv.Invoke(t.Context(), lifecycle.RecoveryServer, cSrvTest, lifecycle.OpStopTestFailover, "stop-2", nil); !platform.IsPreconditionFailed(err) ||
			!strings.Contains(err.Error(), "FailoverCancellationAlreadyInProgress") {
			t.Fatalf("a stop refused while the server does not show one: %v, want PreconditionFailed naming the code", err)
		}
		// the server shows the stop under way (failover-test moved to STOPPING_FAILOVER): the
		// stop asked for is in effect, once
		rp.serveDerived("get", "GetServer/failover-test", func(m map[string]any) { m["status"] = "STOPPING_FAILOVER" })
		if err := rp.drv.Invoke(t.Context(), lifecycle.RecoveryServer, cSrvTest, lifecycle.OpStopTestFailover, "stop-3", nil); err != nil {
			t.Fatalf("a second stop while one runs: %v, want the stop under way", err)
		}
		if n := len(rp.requests("action")); n != 2 {
			t.Fatalf("%d POSTs, want one per Invoke", n)
		}
	},
	// GetTask: the tasks the driver reads.
	"GetTask/guide-task-completed-ok.txtar": func(t *testing.T, exs []corpus.Example) {
		rp := newReplay(t, exs)
		doc := rp.request("GetTask/guide-task-completed-ok")
		rp.serveDerived("get", "GetServer/standby-ready", func(m map[string]any) { m["task_uuid"] = path(doc.Path) }) // a server whose last task succeeded
		rp.serve("task", "GetTask/guide-task-completed-ok")
		rs, err := rp.drv.GetRecoveryServer(t.Context(), cSrvStandby)
		if err != nil {
			t.Fatal(err)
		}
		want{state: lifecycle.Standby, adv: []lifecycle.Op{lifecycle.OpFailover, lifecycle.OpTestFailover},
			allow: []lifecycle.Op{lifecycle.OpFailover, lifecycle.OpTestFailover}, rpKnown: true, machine: cMachine, vm: "not_ready"}.check(t, rs)
		if got := rp.requests("task"); len(got) != 1 || got[0].Path != doc.Path {
			t.Fatalf("task requests %+v, want GET %s", got, doc.Path)
		}
	},
	// D8: the Task Manager's errors are a bare domainError, not the DR API's {"error": ...}
	"GetTask/error-404-task-not-found.txtar": func(t *testing.T, exs []corpus.Example) {
		rp := newReplay(t, exs)
		rp.serve("task", "GetTask/error-404-task-not-found")
		_, err := rp.drv.Client().GetTask(t.Context(), cTaskFailed)
		wantErr(t, err, platform.ClassNotFound, "TaskNotFound", "TaskManager")
		// a server whose task is gone is what its status says
		rp.serve("get", "GetServer/standby-after-failed-failover")
		rs, err := rp.drv.GetRecoveryServer(t.Context(), cSrvStandby)
		if err != nil {
			t.Fatal(err)
		}
		want{state: lifecycle.Standby, adv: []lifecycle.Op{lifecycle.OpFailover, lifecycle.OpTestFailover},
			allow: []lifecycle.Op{lifecycle.OpFailover, lifecycle.OpTestFailover}, rpKnown: true, machine: cMachine, vm: "not_ready"}.check(t, rs)
	},
	"GetTask/task-started.txtar": func(t *testing.T, exs []corpus.Example) {
		rp := newReplay(t, exs)
		rp.serve("get", "GetServer/failover-test")
		rp.serve("task", "GetTask/task-started")
		rs, err := rp.drv.GetRecoveryServer(t.Context(), cSrvTest)
		if err != nil {
			t.Fatal(err)
		}
		want{state: lifecycle.Testing, adv: []lifecycle.Op{lifecycle.OpStopTestFailover}, allow: []lifecycle.Op{lifecycle.OpStopTestFailover},
			rpKnown: true, machine: cMachine2, vm: "started", testIP: "198.51.100.25"}.check(t, rs)
	},

	// D1, D2: a failed task is tied to the operation the driver started by the task_uuid it
	// received (a DR task's type is not a link relation), and its reason is the Task Manager's
	// result.error (domainError: domain and code, no message).
	"GetServer/standby-after-failed-failover.txtar": func(t *testing.T, exs []corpus.Example) {
		t.Run("own", func(t *testing.T) {
			rp := newReplay(t, exs)
			rp.serve("get", "GetServer/standby-ready")
			rp.serveDerived("action", "StartFailoverProd/openapi-202", func(m map[string]any) { m["task_uuid"] = cTaskFailed })
			if err := rp.drv.Invoke(t.Context(), lifecycle.RecoveryServer, cSrvStandby, lifecycle.OpFailover, "fo-1", nil); err != nil {
				t.Fatal(err)
			}
			rp.serve("get", "GetServer/standby-after-failed-failover")
			rp.serve("task", "GetTask/task-completed-error")
			rs, err := rp.drv.GetRecoveryServer(t.Context(), cSrvStandby)
			if err != nil {
				t.Fatal(err)
			}
			want{state: lifecycle.Error, failed: lifecycle.OpFailover, adv: []lifecycle.Op{lifecycle.OpFailover, lifecycle.OpTestFailover},
				allow: []lifecycle.Op{lifecycle.OpFailover, lifecycle.OpTestFailover}, rpKnown: true, machine: cMachine, vm: "not_ready",
				lastErr: "RunVmArchiveNotFound"}.check(t, rs)
			if rs.Observed.LastError != rs.LastError {
				t.Errorf("Observed.LastError %q, want the read model's %q", rs.Observed.LastError, rs.LastError)
			}
		})
		t.Run("another_process", func(t *testing.T) {
			// a task this driver did not start (another process, the console, an automated
			// test failover): the server is what its status says; the failure is reported
			rp := newReplay(t, exs)
			rp.serve("get", "GetServer/standby-after-failed-failover")
			rp.serve("task", "GetTask/task-completed-error")
			rs, err := rp.drv.GetRecoveryServer(t.Context(), cSrvStandby)
			if err != nil {
				t.Fatal(err)
			}
			want{state: lifecycle.Standby, adv: []lifecycle.Op{lifecycle.OpFailover, lifecycle.OpTestFailover},
				allow: []lifecycle.Op{lifecycle.OpFailover, lifecycle.OpTestFailover}, rpKnown: true, machine: cMachine, vm: "not_ready",
				lastErr: "RunVmArchiveNotFound"}.check(t, rs)
		})
	},
	"GetTask/task-completed-error.txtar": func(t *testing.T, exs []corpus.Example) {
		rp := newReplay(t, exs)
		rp.serve("task", "GetTask/task-completed-error")
		doc := rp.request("GetTask/task-completed-error")
		task, err := rp.drv.Client().GetTask(t.Context(), path(doc.Path))
		if err != nil {
			t.Fatal(err)
		}
		failed, msg := task.Failed()
		if !failed || !strings.Contains(msg, "RunVmArchiveNotFound") || !strings.Contains(msg, "DisasterRecovery") {
			t.Fatalf("failed %v %q, want the result's error code and domain", failed, msg)
		}
		if got := rp.requests("task"); len(got) != 1 || got[0].Path != doc.Path {
			t.Fatalf("task requests %+v, want GET %s", got, doc.Path)
		}
	},
	"GetServer/finalization-failed.txtar": func(t *testing.T, exs []corpus.Example) {
		// the status names the failed phase (error{finalize}, whose way out is a stop: cancel
		// failover); the task says why, whoever started it
		for _, own := range []bool{true, false} {
			rp := newReplay(t, exs)
			if own {
				rp.serve("get", "GetServer/standby-ready")
				rp.serveDerived("action", "StartFailoverProd/openapi-202", func(m map[string]any) { m["task_uuid"] = cTaskFailed })
				if err := rp.drv.Invoke(t.Context(), lifecycle.RecoveryServer, cSrvStandby, lifecycle.OpFailover, "", nil); err != nil {
					t.Fatal(err)
				}
			}
			rp.serve("get", "GetServer/finalization-failed")
			rp.serve("task", "GetTask/task-completed-error")
			rs, err := rp.drv.GetRecoveryServer(t.Context(), cSrvProd)
			if err != nil {
				t.Fatal(err)
			}
			want{state: lifecycle.Error, failed: lifecycle.OpFinalize, adv: []lifecycle.Op{lifecycle.OpCancelFailover},
				allow: []lifecycle.Op{lifecycle.OpCancelFailover}, rpKnown: true, machine: cMachine, vm: "started",
				lastErr: "RunVmArchiveNotFound"}.check(t, rs)
		}
	},

	// D3, D4: an _issues entry blocks only the operation of the link it names; an ERROR issue
	// naming no link blocks every operation; a WARNING blocks none; an issue on a navigation
	// link (the remote console) blocks no operation.
	"GetServer/standby-issue-on-stop-link.txtar": serverCase("GetServer/standby-issue-on-stop-link", want{state: lifecycle.Standby,
		adv: []lifecycle.Op{lifecycle.OpFailover, lifecycle.OpTestFailover}, allow: []lifecycle.Op{lifecycle.OpFailover, lifecycle.OpTestFailover},
		rpKnown: true, machine: cMachine, vm: "not_ready"}),
	"GetServer/standby-test-limit-on-test-link.txtar": serverCase("GetServer/standby-test-limit-on-test-link", want{state: lifecycle.Standby,
		adv: []lifecycle.Op{lifecycle.OpFailover, lifecycle.OpTestFailover}, allow: []lifecycle.Op{lifecycle.OpFailover},
		refusedFor: map[lifecycle.Op]string{lifecycle.OpTestFailover: "BaseDrTestFailoverLimitReached"},
		rpKnown:    true, machine: cMachine, vm: "not_ready"}),
	"GetServer/failover-prod-console-issue.txtar": serverCase("GetServer/failover-prod-console-issue", want{state: lifecycle.FailedOver,
		adv: []lifecycle.Op{lifecycle.OpCancelFailover}, allow: []lifecycle.Op{lifecycle.OpCancelFailover},
		rpKnown: true, machine: cMachine, vm: "stopped", recIP: "203.0.113.40"}),
	"GetServer/standby-site-not-ready-linkless.txtar": serverCase("GetServer/standby-site-not-ready-linkless", want{state: lifecycle.Standby,
		adv: []lifecycle.Op{lifecycle.OpFailover, lifecycle.OpTestFailover}, blocks: []string{"SiteNotReady"},
		refusedFor: map[lifecycle.Op]string{lifecycle.OpFailover: "SiteNotReady", lifecycle.OpTestFailover: "SiteNotReady"},
		rpKnown:    true, machine: cMachine, vm: "not_ready"}),
	"ListServers/error-codes-page-issue-warning.txtar": func(t *testing.T, exs []corpus.Example) {
		// the page prints a fragment (elided, not JSON, under a 400): its one issue is put on a
		// standby recovery server, whose actions a link-less WARNING must not block
		rp := newReplay(t, exs)
		frag := rp.response("ListServers/error-codes-page-issue-warning").Body
		i := strings.Index(frag, `"_issues":`)
		j := strings.Index(frag, `],"_links"`)
		if i < 0 || j < i {
			t.Fatalf("no _issues in the fragment %q", frag)
		}
		var issues []map[string]any
		if err := json.Unmarshal([]byte(frag[i+len(`"_issues":`):j+1]), &issues); err != nil || len(issues) != 1 || issues[0]["severity"] != "WARNING" || issues[0]["link"] != nil {
			t.Fatalf("the fragment's issues %v %v: want one link-less WARNING", issues, err)
		}
		rp.serveDerived("get", "GetServer/standby-ready", func(m map[string]any) { m["_issues"] = issues })
		rs, err := rp.drv.GetRecoveryServer(t.Context(), cSrvStandby)
		if err != nil {
			t.Fatal(err)
		}
		want{state: lifecycle.Standby, adv: []lifecycle.Op{lifecycle.OpFailover, lifecycle.OpTestFailover},
			allow: []lifecycle.Op{lifecycle.OpFailover, lifecycle.OpTestFailover}, rpKnown: true, machine: cMachine, vm: "not_ready"}.check(t, rs)
		// and the page's list answer itself, under its 400, is an error, not a list
		rp.serve("list", "ListServers/error-codes-page-issue-warning")
		if _, err := rp.drv.ListRecoveryServers(t.Context()); !platform.IsInvalid(err) {
			t.Fatalf("the page's answer as a list: %v, want Invalid (a 400)", err)
		}
	},
}

// notCalled are corpus files of operations the driver does not call, and why.
var notCalled = map[string]string{
	"ListRecoveryPoints/guide-vault-manager-backups.txtar": "the Vault Manager listing behind DR_CLOUD_SERVER_RECOVERY_POINTS: recovery-point choice is issue 27",
}

// TestContract replays the corpus into the driver, file by file.
func TestContract(t *testing.T) {
	t.Parallel()
	exs := loadCorpus(t)
	for _, ex := range exs {
		run, ok := contract[ex.File]
		if !ok {
			continue // TestContractCoversTheCorpus reports it
		}
		t.Run(ex.File, func(t *testing.T) {
			t.Parallel()
			run(t, exs)
		})
	}
}

// TestContractCoversTheCorpus: every corpus file has its replay (or names the operation the
// driver does not call), and every entry names a file.
func TestContractCoversTheCorpus(t *testing.T) {
	t.Parallel()
	exs := loadCorpus(t)
	files := map[string]bool{}
	for _, ex := range exs {
		files[ex.File] = true
		_, c := contract[ex.File]
		_, n := notCalled[ex.File]
		if !c && !n {
			t.Errorf("%s: no contract replay", ex.File)
		}
	}
	for f := range notCalled {
		if !files[f] {
			t.Errorf("%s is listed but is not in the corpus", f)
		}
	}
	for f := range contract {
		if !files[f] {
			t.Errorf("contract entry %s is not in the corpus", f)
		}
	}
}

// ---- replays shared by several files ----

func path(p string) string { return p[strings.LastIndex(p, "/")+1:] }

// tokenFlow: the guides' three authentication steps, as documented, and the scoped token on
// the DR call.
func tokenFlow(t *testing.T, exs []corpus.Example) {
	rp := newReplay(t, exs)
	rp.serve("get", "GetServer/standby-ready")
	if _, err := rp.drv.GetRecoveryServer(t.Context(), cSrvStandby); err != nil {
		t.Fatal(err)
	}
	all := rp.requests("")
	if len(all) != 4 || all[0].route != "token:client_credentials" || all[1].route != "client" || all[2].route != "token:jwt-bearer" || all[3].route != "get" {
		t.Fatalf("requests %v, want client credentials, the client's tenant, the scoped exchange, the GET", all)
	}
	cc := rp.request("IssueToken/guide-client-credentials")
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte(cClientID+":"+cClientSecret))
	if f, _ := url.ParseQuery(all[0].Body); f.Encode() != mustQuery(cc.Body).Encode() || all[0].Header.Get("Authorization") != basic {
		t.Errorf("client credentials: body %q auth %q, documented %q with Basic client_id:client_secret", all[0].Body, all[0].Header.Get("Authorization"), cc.Body)
	}
	gc := rp.request("GetClient/guide-client-tenant")
	if all[1].Path != gc.Path || all[1].Header.Get("Authorization") != gc.Headers["Authorization"] {
		t.Errorf("client: %s with %q, documented %s with %q", all[1].Path, all[1].Header.Get("Authorization"), gc.Path, gc.Headers["Authorization"])
	}
	jb := rp.request("IssueToken/guide-jwt-bearer-customer-scope")
	if f, _ := url.ParseQuery(all[2].Body); f.Encode() != mustQuery(jb.Body).Encode() || all[2].Header.Get("Authorization") != jb.Headers["Authorization"] {
		t.Errorf("scoped exchange: body %q auth %q, documented %q with %q", all[2].Body, all[2].Header.Get("Authorization"), jb.Body, jb.Headers["Authorization"])
	}
	if got := all[3].Header.Get("Authorization"); got != "Bearer "+cScopedToken {
		t.Errorf("the DR call carries %q, want the scoped token", got)
	}
}

func mustQuery(s string) url.Values {
	v, _ := url.ParseQuery(s)
	return v
}

// serverCase replays one GetServer answer through Observe and GetRecoveryServer.
func serverCase(file string, w want) func(t *testing.T, exs []corpus.Example) {
	return func(t *testing.T, exs []corpus.Example) {
		rp := newReplay(t, exs)
		rp.serve("get", file)
		rp.serve("task", "GetTask/guide-task-completed-ok") // the server's last task succeeded
		var m struct {
			UUID string `json:"uuid"`
		}
		_ = json.Unmarshal([]byte(rp.response(file).Body), &m)
		rs, err := rp.drv.GetRecoveryServer(t.Context(), m.UUID)
		if err != nil {
			t.Fatal(err)
		}
		w.check(t, rs)
		o, err := rp.drv.Observe(t.Context(), lifecycle.RecoveryServer, m.UUID)
		if err != nil || o.State != rs.Observed.State || o.FailedOp != rs.Observed.FailedOp {
			t.Fatalf("Observe: %s %v, GetRecoveryServer: %s", lifecycle.RenderState(o.State, o.FailedOp), err, lifecycle.RenderState(rs.State, rs.FailedOp))
		}
	}
}

// listStory: the guide's list (two busy servers, a next page), the last page asked for with
// its after cursor alone, the three servers in the vendor's order.
func listStory(t *testing.T, exs []corpus.Example) {
	rp := newReplay(t, exs)
	rp.serve("list", "ListServers/guide-recovery-servers-busy")
	rp.serve("list:after", "ListServers/last-page-before-cursor-only")
	rp.serve("task", "GetTask/guide-task-completed-ok") // a listed server's last test failover's task
	list, err := rp.drv.ListRecoveryServers(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, rs := range list {
		ids = append(ids, rs.ID)
	}
	if strings.Join(ids, ",") != cSrvBusy1+","+cSrvBusy2+","+cSrvStandby {
		t.Fatalf("listed %v, want the vendor's order across both pages", ids)
	}
	for _, rs := range list[:2] {
		if rs.State != acronis.StateBusy || rs.PendingOp != "" {
			t.Errorf("%s: %s pending %q, want busy (housekeeping)", rs.ID, rs.State, rs.PendingOp)
		}
		if ok, _ := allowed(rs.Observed); len(ok) != 0 {
			t.Errorf("%s (busy) allows %v", rs.ID, ops(ok))
		}
		// D11: the stop link of a housekeeping status is no cancel failover (a destructive
		// operation): it stands for nothing the engine does there
		if adv := rs.Observed.Facts.AdvertisedOps; adv[lifecycle.OpCancelFailover] || adv[lifecycle.OpStopTestFailover] {
			t.Errorf("%s (busy) advertises %v: the stop link read as a stop or cancel", rs.ID, ops(adv))
		}
		// D3: the ResourceBusy issues, one per link, block no operation beyond the housekeeping
		// task's end: the engine waits it out (none of them blocks every operation)
		if is := rs.Observed.Facts.OpIssues; len(is) != 0 || len(rs.Observed.Facts.BlockingIssues) != 0 {
			t.Errorf("%s (busy): OpIssues %v, BlockingIssues %v; want none (the running task is waited out)", rs.ID, is, rs.Observed.Facts.BlockingIssues)
		}
	}
	// D5: resource_id comes back as an upper-case GUID while filters are sent lower-case (as
	// the guide does): adoption matches the machine whatever its case
	rp.serve("list", "ListServers/guide-recovery-servers-busy")
	rs, err := rp.drv.CreateRecoveryServer(t.Context(), platform.RecoveryServerSpec{Name: "billing-recovery", MachineID: strings.ToLower(cMachine)}, "adopt-1")
	if err != nil || rs.ID != cSrvBusy1 {
		t.Errorf("adopting the server of machine %s: %s %v, want %s", strings.ToLower(cMachine), rs.ID, err, cSrvBusy1)
	}
	if f, err := rp.drv.ProposedRecoveryServerFacts(t.Context(), platform.RecoveryServerSpec{Name: "x", MachineID: strings.ToLower(cMachine2)}); err != nil || len(f.MissingRefs) != 0 {
		t.Errorf("the plan's facts for machine %s: %+v %v, want its server found", strings.ToLower(cMachine2), f.MissingRefs, err)
	}
	first, next := rp.requests("list")[:1], rp.requests("list:after")[:1]
	doc := rp.request("ListServers/openapi-after-cursor-request")
	if len(first) != 1 || first[0].Query.Get("type") != "RECOVERY" || first[0].Query.Get("limit") != "50" {
		t.Errorf("first page %+v, want type=RECOVERY&limit=50", first)
	}
	if len(next) != 1 || next[0].Query.Encode() != doc.Query.Encode() {
		t.Errorf("next page %+v, want %s (after alone, the cursor of the first page)", next, doc.RawURL)
	}
}

// actionAccepted: a documented 202 is the action accepted; the driver sends it once.
func actionAccepted(op, server, id string, eop lifecycle.Op) func(t *testing.T, exs []corpus.Example) {
	return func(t *testing.T, exs []corpus.Example) {
		rp := newReplay(t, exs)
		rp.serve("get", server)
		rp.serve("action", op+"/openapi-202")
		if err := rp.drv.Invoke(t.Context(), lifecycle.RecoveryServer, id, eop, "tok-"+string(eop), nil); err != nil {
			t.Fatal(err)
		}
		if err := rp.drv.Invoke(t.Context(), lifecycle.RecoveryServer, id, eop, "tok-"+string(eop), nil); err != nil {
			t.Fatalf("a replay of the same client token: %v", err)
		}
		if n := len(rp.requests("action")); n != 1 {
			t.Fatalf("%d POSTs for one client token", n)
		}
	}
}

// actionBody: the request the driver sends for an action is the documented one: method, path,
// content type, authorization and the body itself (the recovery point's three IDs given as
// vault_id/archive_id/backup_id).
func actionBody(file string, op lifecycle.Op, server string) func(t *testing.T, exs []corpus.Example) {
	return func(t *testing.T, exs []corpus.Example) {
		rp := newReplay(t, exs)
		doc := rp.request(file)
		rp.serve("get", server)
		rp.serve("action", strings.Split(file, "/")[0]+"/openapi-202")
		id := strings.SplitN(path(doc.Path), ":", 2)[0]
		var body struct {
			RP *acronis.RecoveryPoint `json:"recovery_point"`
		}
		_ = json.Unmarshal([]byte(doc.Body), &body)
		var params map[string]string
		if body.RP != nil {
			params = map[string]string{lifecycle.ParamRecoveryPoint: body.RP.VaultID + "/" + body.RP.ArchiveID + "/" + body.RP.BackupID}
		}
		if err := rp.drv.Invoke(t.Context(), lifecycle.RecoveryServer, id, op, "", params); err != nil {
			t.Fatal(err)
		}
		got := rp.requests("action")
		if len(got) != 1 {
			t.Fatalf("%d action requests", len(got))
		}
		r := got[0]
		if r.Method != doc.Method || r.Path != doc.Path || r.Header.Get("Content-Type") != doc.Headers["Content-Type"] || r.Header.Get("Authorization") != doc.Headers["Authorization"] {
			t.Errorf("sent %s %s (%s, %q), documented %s %s (%s, %q)", r.Method, r.Path, r.Header.Get("Content-Type"), r.Header.Get("Authorization"),
				doc.Method, doc.Path, doc.Headers["Content-Type"], doc.Headers["Authorization"])
		}
		var a, b any
		if json.Unmarshal([]byte(r.Body), &a) != nil || json.Unmarshal([]byte(doc.Body), &b) != nil || !jsonEqual(a, b) {
			t.Errorf("body %s, documented %s", r.Body, doc.Body)
		}
	}
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// actionRefused: a documented 409 becomes its class with the vendor's code, after the number of
// POSTs its class allows (a refusal once; ResourceBusy as often as the policy allows).
func actionRefused(file, server, id string, op lifecycle.Op, class platform.Class, code string, posts int) func(t *testing.T, exs []corpus.Example) {
	return func(t *testing.T, exs []corpus.Example) {
		rp := newReplay(t, exs)
		rp.serve("get", server)
		rp.serve("action", file)
		var e struct {
			Error struct {
				Message string `json:"message"`
			} `json:"error"`
		}
		_ = json.Unmarshal([]byte(rp.response(file).Body), &e)
		err := rp.drv.Invoke(t.Context(), lifecycle.RecoveryServer, id, op, "", nil)
		wantErr(t, err, class, code, e.Error.Message)
		if n := len(rp.requests("action")); n != posts {
			t.Fatalf("%d POSTs, want %d", n, posts)
		}
	}
}

func errorsAs(err error, target **platform.Error) bool {
	for err != nil {
		if pe, ok := err.(*platform.Error); ok {
			*target = pe
			return true
		}
		switch u := err.(type) {
		case interface{ Unwrap() error }:
			err = u.Unwrap()
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				if errorsAs(e, target) {
					return true
				}
			}
			return false
		default:
			return false
		}
	}
	return false
}

// TestContractErrorsAreClean: every documented error answer becomes an error that names the
// vendor's code and message and says what to do, and carries nothing else of the exchange: no
// token, no secret, no host (issue 23, item 6).
func TestContractErrorsAreClean(t *testing.T) {
	t.Parallel()
	exs := loadCorpus(t)
	routes := map[string]string{"IssueToken": "token:jwt-bearer", "GetServer": "get", "StartFailoverProd": "action",
		"StartFailoverTest": "action", "StopFailover": "action", "GetTask": "task"}
	for _, ex := range exs {
		route := routes[ex.Operation]
		if ex.Response == nil || ex.Response.Status < 400 || route == "" {
			continue
		}
		t.Run(ex.File, func(t *testing.T) {
			t.Parallel()
			rp := newReplay(t, exs)
			if route != "get" {
				rp.serve("get", "GetServer/standby-ready")
			}
			rp.serve(route, strings.TrimSuffix(ex.File, ".txtar"))
			var err error
			switch ex.Operation {
			case "IssueToken":
				err = rp.drv.Client().Authenticate(t.Context())
			case "GetServer":
				_, err = rp.drv.GetRecoveryServer(t.Context(), cSrvStandby)
			case "GetTask":
				_, err = rp.drv.Client().GetTask(t.Context(), cTaskFailed)
			default:
				op := map[string]lifecycle.Op{"StartFailoverProd": lifecycle.OpFailover, "StartFailoverTest": lifecycle.OpTestFailover, "StopFailover": lifecycle.OpCancelFailover}[ex.Operation]
				if op == lifecycle.OpCancelFailover {
					rp.serve("get", "GetServer/failover-prod") // the stop of a production failover
					rp.serve("task", "GetTask/guide-task-completed-ok")
				}
				err = rp.drv.Invoke(t.Context(), lifecycle.RecoveryServer, cSrvStandby, op, "", nil)
			}
			if err == nil {
				if ex.Response.Status == http.StatusUnauthorized || ex.Response.Status >= 500 {
					return // renewed or retried into the standby answer that follows
				}
				t.Fatal("no error")
			}
			text := err.Error()
			for _, secret := range []string{cClientSecret, cScopedToken, cOwnToken, strings.TrimPrefix(rp.srv.URL, "http://"), "Bearer", "Basic"} {
				if strings.Contains(text, secret) {
					t.Errorf("the error carries %q: %s", secret, text)
				}
			}
			var vendor struct {
				Error any    `json:"error"`
				Code  string `json:"code"`
			}
			_ = json.Unmarshal([]byte(ex.Response.Body), &vendor)
			code := vendor.Code
			switch e := vendor.Error.(type) {
			case string:
				code = e
			case map[string]any:
				code, _ = e["code"].(string)
			}
			if code != "" && !strings.Contains(text, code) {
				t.Errorf("the error does not name the vendor's code %q: %s", code, text)
			}
			var pe *platform.Error
			if errorsAs(err, &pe) && !regexp.MustCompile(`(check|wait|retried|refresh|raise|contact|Check|Wait|Raise|Contact)`).MatchString(pe.Message) {
				t.Errorf("the error says nothing to do: %s", pe.Message)
			}
		})
	}
}
