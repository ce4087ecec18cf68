// Package acronis is a local emulator of the Acronis Cyber Protect Cloud APIs the Acronis DR
// driver (internal/platform/acronis) uses, as an http.Handler over the sandbox's DR physics
// (internal/platform/sandbox): it translates requests and states, it keeps no second state
// model. The recovery servers, their lifecycle, the clock and the faults are the sandbox's.
//
// Endpoints (each follows the Acronis developer documentation cited at its handler):
//
//	POST /api/2/idp/token                             client credentials, and the customer-scoped
//	                                                  token exchange (jwt-bearer)
//	GET  /api/2/clients/{client_id}                    the API client's tenant
//	GET  /api/dr/v2/servers                            list (type, recovery.resource_id, cursor paging)
//	GET  /api/dr/v2/servers/{uuid}                     one server, with _links and _issues
//	POST /api/dr/v2/servers/{uuid}:start_failover_prod 202 {task_uuid}
//	POST /api/dr/v2/servers/{uuid}:start_failover_test 202 {task_uuid}
//	POST /api/dr/v2/servers/{uuid}:stop_failover       202 {task_uuid}
//	GET  /api/task_manager/v2/tasks/{task_uuid}        the task of an action
//
// The DR API also answers under /bc/api/dr/v2, the prefix its links carry (the guides post to a
// link's href).
//
// # Legality: Acronis' allow-list, not the engine's
//
// Acronis advertises what a server can do now in _links and what blocks it in _issues, each
// issue naming the one link it blocks. The emulator computes both from its allow-list
// (allowlist.go: a row per status of the DR API's enum, each citing Acronis' page or saying
// what is assumed where nothing is published; the links each documented issue blocks; the 409
// each refusal answers) and the sandbox's physics (the server's state, its machine's backups,
// its site's health), and decides a POST from them: a link the server does not list is
// ServerNotReady, an issue on the link is answered with the error (ResourceBusy while a
// task runs, SiteNotReady, a quota, the test-failover limit, …), a second stop is
// FailoverCancellationAlreadyInProgress. An allowed action runs on the sandbox with
// sandbox.PhysicsOnly: the sandbox applies its physics and skips the engine's checks. Nothing
// here calls internal/lifecycle's checks (TestLegalityIsNotTheEngines), so the driver's tests
// against the emulator test the driver against Acronis' rules, and the cross-check
// (internal/platform/acronis, TestVendorAllowListCrossCheck) lists where engine and vendor
// differ. InjectIssue puts a documented issue on a link, as a tenant's quota or pack would.
//
// # Shapes
//
// The answers have the documented shapes, pinned by TestEmulatorContract against every example
// of the driver's corpus (internal/platform/acronis/testdata/corpus): the DR error envelope with
// the error-codes page's codes (BadRequest, Unauthorized, ServerNotFound, EntityNotFound,
// TooManyRequests, InternalError, the 409 codes), the IdP's flat errors with Acronis' enum
// (invalid_request, access_denied), the Task Manager's bare domainError; tokens with
// expires_on and id_token and no scope; links with the /bc/ prefix and the Vault Manager's
// recovery-points href, the remote console listed for a stopped VM too, action links listed
// with the issues that block them; tasks with an opaque type (never the link relation), a
// 64-bit id with idString, tenant, queue, issuer and priority, and result {code, error:
// domainError} (no result_code, no message); a failover whose task fails before finalization
// shows STAND_BY with its failed task, a failed finalization FINALIZATION_FAILED, a failover's
// first five seconds STARTING_FAILOVER_PROD; paging without cursors on a single page.
//
// Differences that remain, and why:
//
//   - IDs are the sandbox's (rs-…, site-…; a recovery point's backup ID, or latest-<machine>),
//     not UUIDs: the sandbox names its objects; they match the API's ID patterns. The DR site of
//     a server the sandbox gives none is one UUID per emulator.
//   - Statuses without sandbox physics are never shown: PRIMARY servers, the automated test
//     failover (FAILOVER_TEST_AUTO, STARTING_FAILOVER_TEST_AUTO, a schedule other than NEVER),
//     the housekeeping statuses (POWERING_*, RECONFIGURING, *RESTORE_FROM_BACKUP), and the automated failback's
//     phases (FAILBACK_DATA_TRANSFER, FAILBACK_SWITCHOVER and their STARTING_*): the console's
//     failback is the sandbox's single phase, FAILING_BACK. Their allow-list rows are written
//     all the same (the cross-check reads them).
//   - Issues are ERROR issues on links the server lists: no WARNING, no link-less issue, no
//     issue on an unlisted link (the reference's issue variants tie each code to links).
//   - ip_mapped is the test VM's address while testing (the sandbox has no IP-mapping setting);
//     active_failover has no archive_credentials_id (no encrypted archives); backup_uri and the
//     recovery points name the sandbox's objects; the page and console hrefs are the
//     emulator's own login URLs; created_at is fixed and description empty.
//   - A failed task's code is the emulator's choice (RunVmArchiveNotFound for a start,
//     InternalError otherwise): the sandbox's injected failures have no vendor reason. Task
//     types are the emulator's opaque GUIDs: DR task types are not published.
//   - A 403 says Forbidden: no code is documented for it. No 504 is ever answered.
//   - The DR_CLOUD_SERVER_RECOVERY_POINTS link's Vault Manager listing
//     (recovery_points.go) serves the sandbox's backups of the machine in the guide's item
//     shape, without tapes, catalogues or notarisation; a start's recovery_point the machine
//     lacks is refused 400 BadRequest (the message is ours: Acronis documents none for it).
//
// Every request passes the shared API gateway first (internal/emulator/gateway;
// Options.Gateway, Emulator.Gateway): latency, per-operation rate limits answered 429 with
// Retry-After, injected 500s. The zero configuration is instant and unlimited.
//
// The DR API v2 has no call to create, reconfigure or delete a recovery server, nor to fail
// back, confirm or cancel a failback: a person does those in the console. The emulator's
// Console performs them on the sandbox, so tests can play that person.
package acronis

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"sync"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/emulator/gateway"
	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/retry"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/sandbox"
)

// DefaultTokenTTL is the lifetime of an issued access token (Acronis issues two-hour tokens).
const DefaultTokenTTL = 2 * time.Hour

// Emulator is the Acronis API emulator. Create it with New; it is an http.Handler.
type Emulator struct {
	sb    *sandbox.Sandbox
	clock lifecycle.Clock
	mux   *http.ServeMux
	gw    *gateway.Gateway

	mu       sync.Mutex
	clients  map[string]string // client_id → client_secret
	tenantID string            // the customer tenant the API clients belong to
	ttl      time.Duration
	tokens   map[string]issued
	tasks    map[string]*task
	lastTask map[string]string // server uuid → uuid of its last task
	requests map[string]int    // "METHOD path-pattern" → count
	injected map[string][]injected
	siteUUID string // the DR site of servers the sandbox gives none
	taskSeq  uint64 // the last task's 64-bit id
	// retryAfter is the Retry-After (seconds) of a throttled request (SetRetryAfter); 0: 1.
	retryAfter int
}

type issued struct {
	clientID string
	expires  time.Time
	scoped   string // the tenant the token is scoped to ("" = the client's own, unscoped)
}

// Options configure an emulator.
type Options struct {
	// Clock is the emulator's time (token expiry); it must be the sandbox's clock. Nil: the
	// wall clock.
	Clock lifecycle.Clock
	// TokenTTL is the lifetime of issued tokens; zero: DefaultTokenTTL.
	TokenTTL time.Duration
	// Gateway is the API gateway in front of the emulator: latency, rate limits answered
	// 429 with Retry-After, injected failures (the zero value: instant and unlimited).
	Gateway gateway.Config
}

// New returns an emulator over sb with one registered API client (clientID, clientSecret).
// The sandbox answers each request once (retry.Once): the client retries, not the server.
func New(sb *sandbox.Sandbox, clientID, clientSecret string, opts Options) *Emulator {
	sb.SetRetryPolicy(retry.Once)
	e := &Emulator{sb: sb, clock: opts.Clock, clients: map[string]string{clientID: clientSecret},
		tenantID: "6c1fa4a6-0f9b-4b3e-9d7e-" + randHex(6), ttl: opts.TokenTTL,
		tokens: map[string]issued{}, tasks: map[string]*task{}, lastTask: map[string]string{}, requests: map[string]int{},
		injected: map[string][]injected{}, siteUUID: uuid(), taskSeq: 1187240063914590000}
	if e.clock == nil {
		e.clock = sandbox.RealClock{}
	}
	if e.ttl <= 0 {
		e.ttl = DefaultTokenTTL
	}
	m := http.NewServeMux()
	m.HandleFunc("POST /api/2/idp/token", e.count("token", e.handleToken))
	m.HandleFunc("GET /api/2/clients/{client_id}", e.count("client", e.handleClient))
	// the DR API answers on its base path and on the /bc/ prefix its links carry (the guides
	// post to a link's href)
	for _, base := range []string{"/api/dr/v2", "/bc/api/dr/v2"} {
		m.HandleFunc("GET "+base+"/servers", e.count("list", e.dr(e.handleList)))
		m.HandleFunc("GET "+base+"/servers/{ref}", e.count("get", e.dr(e.handleGet)))
		m.HandleFunc("POST "+base+"/servers/{ref}", e.count("action", e.dr(e.handleAction)))
	}
	m.HandleFunc("GET /api/task_manager/v2/tasks/{task_uuid}", e.count("task", e.dr(e.handleTask)))
	m.HandleFunc("GET /bc/api/vault_manager/v1/backups", e.count("backups", e.dr(e.handleBackups))) // recovery_points.go
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "DisasterRecovery", "EntityNotFound", "no such endpoint: "+r.Method+" "+r.URL.Path)
	})
	e.mux = m
	e.gw = gateway.New(platformGateway{}, opts.Gateway)
	return e
}

// ServeHTTP serves the emulated APIs.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !e.gw.Admit(w, r) {
		return
	}
	e.mux.ServeHTTP(w, r)
}

// Gateway is the API gateway in front of the emulator (latency, rate limits, injected
// failures; its Stats count the calls per operation).
func (e *Emulator) Gateway() *gateway.Gateway { return e.gw }

// TenantID is the customer tenant of the registered API clients.
func (e *Emulator) TenantID() string { return e.tenantID }

// SetTokenTTL changes the lifetime of the tokens issued from now on.
func (e *Emulator) SetTokenTTL(d time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.ttl = d
}

// SetRetryAfter sets the Retry-After of a throttled request (a 429 when the sandbox's
// transient faults strike), in seconds: the DR API allows 1 to 3600; the default is 1.
func (e *Emulator) SetRetryAfter(seconds int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.retryAfter = min(max(seconds, 1), 3600)
}

func (e *Emulator) retryAfterSeconds() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return max(e.retryAfter, 1)
}

// Requests returns how many requests each endpoint served ("token", "client", "list", "get",
// "action", "task").
func (e *Emulator) Requests() map[string]int {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := map[string]int{}
	for k, v := range e.requests {
		out[k] = v
	}
	return out
}

// Fixture is the sandbox's inventory: the platformtest Fixture (sites, servers, backups) and
// its faults (throttling → 429, failing operations → failed tasks).
func (e *Emulator) Fixture() platform.Inventory {
	return e.sb.Inventory()
}

// Sandbox is the physics behind the emulator.
func (e *Emulator) Sandbox() *sandbox.Sandbox { return e.sb }

func (e *Emulator) now() time.Time { return e.clock.Now().UTC() }

func (e *Emulator) count(name string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		e.mu.Lock()
		e.requests[name]++
		e.mu.Unlock()
		h(w, r)
	}
}

// ---- the console (what a person does in the Acronis web console) ----

// Console performs the steps the DR API v2 does not offer, as a person in the console would.
type Console struct{ e *Emulator }

// Console returns the emulator's console backdoor.
func (e *Emulator) Console() Console { return Console{e} }

// CreateRecoveryServer creates a recovery server for a protected machine (console: Disaster
// Recovery > Servers > Recovery servers > Create); it is CREATING, then STAND_BY.
func (c Console) CreateRecoveryServer(ctx context.Context, spec platform.RecoveryServerSpec) (platform.RecoveryServer, error) {
	return c.e.sb.CreateRecoveryServer(ctx, spec, "console-"+randHex(8))
}

// Failback starts the failback of a failed-over server (console: Failback): the server is
// turned off and backed up, FAILING_BACK → FAILBACK_VALIDATION ("ready for failback").
func (c Console) Failback(ctx context.Context, id string) error {
	return c.run(ctx, id, lifecycle.OpFailback)
}

// ConfirmFailback releases the cloud resources (console: Confirm failback) → STAND_BY.
func (c Console) ConfirmFailback(ctx context.Context, id string) error {
	return c.run(ctx, id, lifecycle.OpConfirmFailback)
}

// CancelFailback returns the server to FAILOVER_PROD (console: Cancel failback).
func (c Console) CancelFailback(ctx context.Context, id string) error {
	return c.run(ctx, id, lifecycle.OpCancelFailback)
}

// Delete deletes a recovery server (console: Delete).
func (c Console) Delete(ctx context.Context, id string) error {
	return c.run(ctx, id, lifecycle.OpDelete)
}

// Do performs any console step by its engine operation.
func (c Console) Do(ctx context.Context, id string, op lifecycle.Op) error { return c.run(ctx, id, op) }

func (c Console) run(ctx context.Context, id string, op lifecycle.Op) error {
	return c.e.sb.Invoke(ctx, lifecycle.RecoveryServer, id, op, "console-"+randHex(8), nil)
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// uuid returns a random RFC 4122 version 4 UUID (task UUIDs are UUIDs in the DR API schema).
func uuid() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}
