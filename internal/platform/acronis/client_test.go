package acronis_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/acronis"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/retry"
)

// logSink collects the client's log lines.
type logSink struct {
	mu    sync.Mutex
	lines []string
}

func (l *logSink) log(s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, s)
}

func (l *logSink) text() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

// machine puts a protected machine with an available backup and its console-made recovery
// server; it returns the server's ID.
func (e *env) machine(t *testing.T, name string) string {
	t.Helper()
	ctx := t.Context()
	inv := e.emu.Fixture()
	site, err := inv.PutSite(ctx, platform.Site{Region: "eu-central", Zone: "eu-central-a", Healthy: true, ReplicationCapable: true})
	if err != nil {
		t.Fatal(err)
	}
	m, err := inv.PutServer(ctx, platform.Server{SiteID: site.ID, Name: name, PowerState: platform.PowerRunning})
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
	rs, err := e.emu.Console().CreateRecoveryServer(ctx, platform.RecoveryServerSpec{Name: name + "-rs", MachineID: m.ID, SiteID: site.ID, CPU: 2, MemoryGB: 4})
	if err != nil {
		t.Fatal(err)
	}
	e.settle(t, rs.ID)
	return rs.ID
}

// settle advances the clock until the server is in a non-transitional state.
func (e *env) settle(t *testing.T, id string) lifecycle.Observation {
	t.Helper()
	for range 200 {
		o, err := e.drv.Observe(t.Context(), lifecycle.RecoveryServer, id)
		if err != nil {
			t.Fatal(err)
		}
		if lifecycle.Table(lifecycle.RecoveryServer).Class(o.State) != lifecycle.Transitional {
			return o
		}
		e.clk.Advance(time.Minute)
	}
	t.Fatalf("%s did not settle", id)
	return lifecycle.Observation{}
}

// A token that expires mid-run is renewed: proactively from expires_on on the client's
// clock, and after a 401 when the client's clock disagrees with the server's.
func TestTokenExpiresMidRun(t *testing.T) {
	t.Parallel()
	var logs logSink
	e := newEnv(t, acronis.Config{Log: logs.log})
	id := e.machine(t, "app")
	ctx := t.Context()
	if err := e.drv.Invoke(ctx, lifecycle.RecoveryServer, id, lifecycle.OpFailover, "tok-1", nil); err != nil {
		t.Fatal(err)
	}
	before := e.emu.Requests()["token"]
	e.clk.Advance(3 * time.Hour) // past the two-hour token, in the middle of the failover
	if o := e.settle(t, id); o.State != lifecycle.FailedOver {
		t.Fatalf("after the failover: %s", lifecycle.RenderState(o.State, o.FailedOp))
	}
	if got := e.emu.Requests()["token"]; got != before+2 { // client credentials + the scoped exchange
		t.Fatalf("token requests %d → %d, want one renewal (2 requests)", before, got)
	}

	// a client whose clock lags the server's: the server says 401, the client renews once
	lag := newEnvOn(t, e, func() time.Time { return time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC) })
	if _, err := lag.GetRecoveryServer(ctx, id); err != nil {
		t.Fatal(err)
	}
	e.clk.Advance(3 * time.Hour)
	n := e.emu.Requests()["token"]
	if _, err := lag.GetRecoveryServer(ctx, id); err != nil {
		t.Fatalf("after a 401 the client renews and repeats: %v", err)
	}
	if got := e.emu.Requests()["token"]; got != n+2 {
		t.Fatalf("token requests after a 401: %d → %d", n, got)
	}
	if strings.Contains(logs.text(), testClientSecret) {
		t.Fatal("the client secret is in the logs")
	}
}

func newEnvOn(t *testing.T, e *env, now func() time.Time) *acronis.Driver {
	t.Helper()
	c, err := acronis.NewClient(acronis.Config{DatacenterURL: e.srv.URL, ClientID: testClientID, ClientSecret: testClientSecret, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	return acronis.NewWithClient(c)
}

// scripted is a server answering from a script of statuses (then 200 {}).
type scripted struct {
	mu      sync.Mutex
	script  []int
	headers map[int]http.Header
	calls   atomic.Int32
}

func (s *scripted) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.calls.Add(1)
	if r.URL.Path == "/api/2/idp/token" {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"access_token":"tok-` + time.Now().Format("150405.000") + `","token_type":"bearer","expires_on":4102444800}`))
		return
	}
	if strings.HasPrefix(r.URL.Path, "/api/2/clients/") {
		_, _ = w.Write([]byte(`{"tenant_id":"tenant-1"}`))
		return
	}
	s.mu.Lock()
	status := http.StatusOK
	if len(s.script) > 0 {
		status, s.script = s.script[0], s.script[1:]
	}
	s.mu.Unlock()
	for k, v := range s.headers[status] {
		w.Header()[k] = v
	}
	w.WriteHeader(status)
	if status >= 400 {
		_, _ = w.Write([]byte(`{"error":{"domain":"DisasterRecovery","code":"X` + http.StatusText(status) + `","message":"m"}}`))
		return
	}
	_, _ = w.Write([]byte(`{"uuid":"s1","type":"RECOVERY","status":"STAND_BY","vm":{"cpu":1,"ram_mb":1024,"status":"NOT_READY"},"recovery":{"resource_id":"m1"},"_links":[],"_issues":[]}`))
}

func scriptedClient(t *testing.T, s *scripted) (*acronis.Client, *[]time.Duration, *logSink) {
	t.Helper()
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	var slept []time.Duration
	var mu sync.Mutex
	var logs logSink
	c, err := acronis.NewClient(acronis.Config{DatacenterURL: srv.URL, ClientID: "id", ClientSecret: "very-secret-value", Log: logs.log,
		Retry: retry.Policy{Sleep: func(ctx context.Context, d time.Duration) error {
			mu.Lock()
			slept = append(slept, d)
			mu.Unlock()
			return nil
		}}})
	if err != nil {
		t.Fatal(err)
	}
	return c, &slept, &logs
}

func TestRetries(t *testing.T) {
	t.Parallel()
	t.Run("429_retry_after_honoured", func(t *testing.T) {
		t.Parallel()
		s := &scripted{script: []int{429, 429}, headers: map[int]http.Header{429: {"Retry-After": {"7"}}}}
		c, slept, _ := scriptedClient(t, s)
		if _, err := c.GetServer(t.Context(), "s1"); err != nil {
			t.Fatal(err)
		}
		if len(*slept) != 2 || (*slept)[0] != 7*time.Second || (*slept)[1] != 7*time.Second {
			t.Fatalf("waits %v, want [7s 7s] (Retry-After)", *slept)
		}
	})
	t.Run("5xx_retried", func(t *testing.T) {
		t.Parallel()
		s := &scripted{script: []int{503, 500, 504}}
		c, slept, _ := scriptedClient(t, s)
		if _, err := c.GetServer(t.Context(), "s1"); err != nil {
			t.Fatal(err)
		}
		if len(*slept) != 3 {
			t.Fatalf("waits %v, want 3 backoffs", *slept)
		}
	})
	t.Run("4xx_not_retried", func(t *testing.T) {
		t.Parallel()
		for status, class := range map[int]platform.Class{400: platform.ClassInvalid, 404: platform.ClassNotFound, 409: platform.ClassPreconditionFailed, 403: platform.ClassInvalid} {
			s := &scripted{script: []int{status, status}}
			c, slept, _ := scriptedClient(t, s)
			_, err := c.GetServer(t.Context(), "s1")
			if platform.ClassOf(err) != class || len(*slept) != 0 {
				t.Fatalf("%d: %v (%s), waits %v: want %s and no retry", status, err, platform.ClassOf(err), *slept, class)
			}
		}
	})
	t.Run("429_exhausted_is_retryable", func(t *testing.T) {
		t.Parallel()
		s := &scripted{script: []int{429, 429, 429, 429, 429, 429, 429, 429, 429, 429, 429}, headers: map[int]http.Header{429: {"Retry-After": {"1"}}}}
		c, _, logs := scriptedClient(t, s)
		_, err := c.GetServer(t.Context(), "s1")
		if !platform.IsRetryable(err) {
			t.Fatalf("want Retryable after the retries, got %v", err)
		}
		if strings.Contains(logs.text(), "very-secret-value") || strings.Contains(logs.text(), "tok-") {
			t.Fatalf("a secret or token is in the logs:\n%s", logs.text())
		}
	})
}

// A bad secret fails at once with a clear, non-retryable error (one token request).
func TestBadSecret(t *testing.T) {
	t.Parallel()
	var logs logSink
	e := newEnv(t, acronis.Config{ClientSecret: "wrong-secret-value", Log: logs.log})
	err := e.drv.Client().Authenticate(t.Context())
	var pe *platform.Error
	if !errors.As(err, &pe) || pe.Class != platform.ClassInvalid || !strings.Contains(pe.Message, "client_secret") {
		t.Fatalf("want an Invalid credentials error naming client_secret, got %v", err)
	}
	if n := e.emu.Requests()["token"]; n != 1 {
		t.Fatalf("%d token requests: a 401 is not retried", n)
	}
	if strings.Contains(logs.text()+err.Error(), "wrong-secret-value") {
		t.Fatal("the secret leaked into a log line or the error")
	}
}

// What the suite checks only for pairs, for recovery servers: a failed task is error{op}
// with its message; a client token replays; links and issues become facts; console-only
// operations and other kinds are refused clearly.
func TestRecoveryServerDriver(t *testing.T) {
	t.Parallel()
	e := newEnv(t, acronis.Config{})
	ctx := t.Context()
	id := e.machine(t, "db")
	o := e.settle(t, id)
	if o.State != lifecycle.Standby || !o.Facts.AdvertisedOps[lifecycle.OpFailover] || !o.Facts.AdvertisedOps[lifecycle.OpTestFailover] || !o.Facts.HasRecoveryPoint {
		t.Fatalf("standby: %+v", o)
	}

	// a failed test failover → error{test_failover} with the task's message
	if err := e.sb.FailNext(ctx, lifecycle.RecoveryServer, lifecycle.OpTestFailover, 1); err != nil {
		t.Fatal(err)
	}
	if err := e.drv.Invoke(ctx, lifecycle.RecoveryServer, id, lifecycle.OpTestFailover, "t-1", nil); err != nil {
		t.Fatal(err)
	}
	if err := e.drv.Invoke(ctx, lifecycle.RecoveryServer, id, lifecycle.OpTestFailover, "t-1", nil); err != nil {
		t.Fatalf("a replay of the same token: %v", err)
	}
	if n := e.emu.Requests()["action"]; n != 1 {
		t.Fatalf("%d actions for one token", n)
	}
	o = e.settle(t, id)
	if o.State != lifecycle.Error || o.FailedOp != lifecycle.OpTestFailover || o.LastError == "" {
		t.Fatalf("failed test: %s %q", lifecycle.RenderState(o.State, o.FailedOp), o.LastError)
	}
	// the retry succeeds
	if err := e.drv.Invoke(ctx, lifecycle.RecoveryServer, id, lifecycle.OpTestFailover, "t-2", nil); err != nil {
		t.Fatal(err)
	}
	if o = e.settle(t, id); o.State != lifecycle.Testing || !o.Facts.AdvertisedOps[lifecycle.OpStopTestFailover] {
		t.Fatalf("testing: %+v", o)
	}

	// an action not offered now: 409 → PreconditionFailed, never retried
	err := e.drv.Invoke(ctx, lifecycle.RecoveryServer, id, lifecycle.OpFailover, "t-3", nil)
	if !platform.IsPreconditionFailed(err) {
		t.Fatalf("failover while testing: %v", err)
	}
	// console-only operation and unsupported kinds
	if err := e.drv.Invoke(ctx, lifecycle.RecoveryServer, id, lifecycle.OpFailback, "t-4", nil); platform.RuleOf(err) != "V-PLATFORM" || !strings.Contains(err.Error(), "Failback") {
		t.Fatalf("failback: %v", err)
	}
	if _, err := e.drv.Observe(ctx, lifecycle.ReplicationPair, "p"); !platform.IsInvalid(err) || !strings.Contains(err.Error(), "recovery servers only") {
		t.Fatalf("pairs: %v", err)
	}
	if k := platform.KindsOf(e.drv); len(k) != 1 || k[0] != lifecycle.RecoveryServer {
		t.Fatalf("kinds: %v", k)
	}
	if _, ok := platform.InventoryOf(e.drv); ok {
		t.Fatal("a vendor platform has no inventory")
	}

	// a blocking issue (the DR site is not ready): the issue on each link it blocks, 409
	if err := e.drv.Invoke(ctx, lifecycle.RecoveryServer, id, lifecycle.OpStopTestFailover, "t-5", nil); err != nil {
		t.Fatal(err)
	}
	e.settle(t, id)
	rs, _ := e.drv.GetRecoveryServer(ctx, id)
	if _, err := e.emu.Fixture().SetSiteHealth(ctx, rs.SiteID, false); err != nil {
		t.Fatal(err)
	}
	o = e.settle(t, id)
	// the start links stay listed (the machine has a recovery point), each with the issue
	if len(o.Facts.BlockingIssues) != 0 || o.Facts.OpIssues[lifecycle.OpFailover][0] != "SiteNotReady" || o.Facts.OpIssues[lifecycle.OpTestFailover][0] != "SiteNotReady" ||
		!o.Facts.AdvertisedOps[lifecycle.OpFailover] || !o.Facts.HasRecoveryPoint {
		t.Fatalf("site not ready: %+v", o.Facts)
	}
	if err := e.drv.Invoke(ctx, lifecycle.RecoveryServer, id, lifecycle.OpFailover, "t-6", nil); !platform.IsPreconditionFailed(err) || !strings.Contains(err.Error(), "SiteNotReady") {
		t.Fatalf("failover with a blocking issue: %v", err)
	}

	// create adopts the console's server; without one it names the console step
	got, err := e.drv.CreateRecoveryServer(ctx, platform.RecoveryServerSpec{Name: "db-rs", MachineID: rs.MachineID}, "c-1")
	if err != nil || got.ID != id {
		t.Fatalf("adopt: %v %v", got.ID, err)
	}
	_, err = e.drv.CreateRecoveryServer(ctx, platform.RecoveryServerSpec{Name: "x", MachineID: "no-such-machine"}, "c-2")
	if !platform.IsPreconditionFailed(err) || !strings.Contains(err.Error(), "console") {
		t.Fatalf("create without a console server: %v", err)
	}
}

// lostResponse forwards to the emulator but answers the first action with a 502 after the
// emulator started it (a lost response).
type lostResponse struct {
	next http.Handler
	done atomic.Bool
	hits atomic.Int32
}

func (l *lostResponse) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost && strings.Contains(r.URL.Path, ":start_failover") {
		l.hits.Add(1)
		if !l.done.Swap(true) {
			l.next.ServeHTTP(httptest.NewRecorder(), r)
			w.WriteHeader(http.StatusBadGateway)
			return
		}
	}
	l.next.ServeHTTP(w, r)
}

// An action is not repeated blindly after a 5xx (it may have started): the driver re-observes
// and, when the server shows the operation, the call took effect once.
func TestActionNotRepeatedAfter5xx(t *testing.T) {
	t.Parallel()
	e := newEnv(t, acronis.Config{})
	id := e.machine(t, "api")
	lr := &lostResponse{next: e.emu}
	srv := httptest.NewServer(lr)
	t.Cleanup(srv.Close)
	c, err := acronis.NewClient(acronis.Config{DatacenterURL: srv.URL, ClientID: testClientID, ClientSecret: testClientSecret, Now: e.clk.Now,
		Retry: retry.Policy{Sleep: func(ctx context.Context, d time.Duration) error { return nil }}})
	if err != nil {
		t.Fatal(err)
	}
	d := acronis.NewWithClient(c)
	if err := d.Invoke(t.Context(), lifecycle.RecoveryServer, id, lifecycle.OpTestFailover, "lost-1", nil); err != nil {
		t.Fatalf("the action started despite the 502: %v", err)
	}
	if n := lr.hits.Load(); n != 1 {
		t.Fatalf("%d POSTs: an action is not repeated after a 5xx", n)
	}
	if o := e.settle(t, id); o.State != lifecycle.Testing {
		t.Fatalf("after the action: %s", o.State)
	}
}

// A production failover whose task fails before finalization: the server is back in STAND_BY
// and only the task this driver started says so → error{failover} with the task's reason; the
// retry the links offer succeeds.
func TestFailoverTaskFailed(t *testing.T) {
	t.Parallel()
	e := newEnv(t, acronis.Config{})
	ctx := t.Context()
	id := e.machine(t, "erp")
	if err := e.sb.FailNext(ctx, lifecycle.RecoveryServer, lifecycle.OpFailover, 1); err != nil {
		t.Fatal(err)
	}
	if err := e.drv.Invoke(ctx, lifecycle.RecoveryServer, id, lifecycle.OpFailover, "f-1", nil); err != nil {
		t.Fatal(err)
	}
	o := e.settle(t, id)
	if o.State != lifecycle.Error || o.FailedOp != lifecycle.OpFailover || !strings.Contains(o.LastError, "RunVmArchiveNotFound") || !o.Facts.AdvertisedOps[lifecycle.OpFailover] {
		t.Fatalf("failed failover: %s %q %v", lifecycle.RenderState(o.State, o.FailedOp), o.LastError, o.Facts.AdvertisedOps)
	}
	// another driver (the next terraform run) did not start the task: standby, the failure
	// in the read model's last error
	rs, err := newEnvOn(t, e, e.clk.Now).GetRecoveryServer(ctx, id)
	if err != nil || rs.State != lifecycle.Standby || !strings.Contains(rs.LastError, "not started by this provider") {
		t.Fatalf("another process's view: %s %q %v", rs.State, rs.LastError, err)
	}
	if err := e.drv.Invoke(ctx, lifecycle.RecoveryServer, id, lifecycle.OpFailover, "f-2", nil); err != nil {
		t.Fatal(err)
	}
	if o := e.settle(t, id); o.State != lifecycle.FailedOver || o.LastError != "" {
		t.Fatalf("retried failover: %s %q", lifecycle.RenderState(o.State, o.FailedOp), o.LastError)
	}
}

// A production failover whose finalization fails: FINALIZATION_FAILED → error{finalize} with
// the task's reason; its way out is the stop link (cancel failover, with the data-loss
// opt-in), then a new failover.
func TestFinalizationFailed(t *testing.T) {
	t.Parallel()
	e := newEnv(t, acronis.Config{})
	ctx := t.Context()
	id := e.machine(t, "erp")
	if err := e.sb.FailNext(ctx, lifecycle.RecoveryServer, lifecycle.OpFinalize, 1); err != nil {
		t.Fatal(err)
	}
	if err := e.drv.Invoke(ctx, lifecycle.RecoveryServer, id, lifecycle.OpFailover, "f-1", nil); err != nil {
		t.Fatal(err)
	}
	o := e.settle(t, id)
	if o.State != lifecycle.Error || o.FailedOp != lifecycle.OpFinalize || !strings.Contains(o.LastError, "finalization failed") ||
		!strings.Contains(o.LastError, "DisasterRecovery/") || !o.Facts.AdvertisedOps[lifecycle.OpCancelFailover] {
		t.Fatalf("failed finalization: %s %q %v", lifecycle.RenderState(o.State, o.FailedOp), o.LastError, o.Facts.AdvertisedOps)
	}
	if err := e.drv.Invoke(ctx, lifecycle.RecoveryServer, id, lifecycle.OpCancelFailover, "f-2", nil); err != nil {
		t.Fatal(err)
	}
	if o := e.settle(t, id); o.State != lifecycle.Standby {
		t.Fatalf("cancelled: %s %q", lifecycle.RenderState(o.State, o.FailedOp), o.LastError)
	}
	if err := e.drv.Invoke(ctx, lifecycle.RecoveryServer, id, lifecycle.OpFailover, "f-3", nil); err != nil {
		t.Fatal(err)
	}
	if o := e.settle(t, id); o.State != lifecycle.FailedOver || o.LastError != "" {
		t.Fatalf("failover again: %s %q", lifecycle.RenderState(o.State, o.FailedOp), o.LastError)
	}
}

// A 429's Retry-After is the wait; one longer than the policy's MaxWait, or than the time
// left before the context's deadline, ends the call at once with an error that says so.
func TestRetryAfterHonoured(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var waits []time.Duration
	e := newEnv(t, acronis.Config{Retry: retry.Policy{Attempts: 3, MaxWait: time.Minute, Sleep: func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		waits = append(waits, d)
		mu.Unlock()
		return ctx.Err()
	}}})
	id := e.machine(t, "web")
	ctx := t.Context()
	if err := e.sb.SetTransientErrorRate(ctx, 1); err != nil {
		t.Fatal(err)
	}
	e.emu.SetRetryAfter(7)
	before := e.requests()
	_, err := e.drv.GetRecoveryServer(ctx, id)
	if n := e.requests() - before; !platform.IsRetryable(err) || n != 3 {
		t.Fatalf("throttled: %d requests, %v; want the policy's 3", n, err)
	}
	if len(waits) != 2 || waits[0] != 7*time.Second || waits[1] != 7*time.Second {
		t.Fatalf("waits %v, want [7s 7s]: the emulator's Retry-After", waits)
	}

	e.emu.SetRetryAfter(3600) // the DR API's largest
	waits, before = nil, e.requests()
	_, err = e.drv.GetRecoveryServer(ctx, id)
	if n := e.requests() - before; n != 1 || len(waits) != 0 || !strings.Contains(err.Error(), "retry after 1h0m0s") || !platform.IsRetryable(err) {
		t.Fatalf("an hour's Retry-After: %d requests, waits %v, %v; want one request and an error naming the wait", n, waits, err)
	}

	e.emu.SetRetryAfter(30)
	dctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	waits, before = nil, e.requests()
	_, err = e.drv.GetRecoveryServer(dctx, id)
	if n := e.requests() - before; n != 1 || len(waits) != 0 || !strings.Contains(err.Error(), "deadline") {
		t.Fatalf("a Retry-After beyond the deadline: %d requests, waits %v, %v", n, waits, err)
	}
}

// An error names the request ID the answer carries (X-Request-Id), so a user can quote it to
// Acronis support; nothing of the request itself (no URL, header or token).
func TestErrorNamesRequestID(t *testing.T) {
	t.Parallel()
	s := &scripted{script: []int{404}, headers: map[int]http.Header{404: {"X-Request-Id": {"req-5d1c9a"}}}}
	c, _, _ := scriptedClient(t, s)
	_, err := c.GetServer(t.Context(), "s1")
	if !platform.IsNotFound(err) || !strings.Contains(err.Error(), "request ID req-5d1c9a") || strings.Contains(err.Error(), "tok-") || strings.Contains(err.Error(), "127.0.0.1") {
		t.Fatalf("error %q: want NotFound naming the request ID and nothing of the request", err)
	}
}
