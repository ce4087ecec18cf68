// Package huaweicloud is a local emulator of the Huawei Cloud Storage Disaster Recovery Service
// (SDRS) API v1, an http.Handler over the sandbox's DR physics (internal/platform/sandbox): the
// sandbox's state machines, clock and faults decide what happens; what is legal is decided
// here, from Huawei's own documented rules (allowlist.go: which statuses accept which
// operation, and the error code of each refusal, every row citing its page), never from the
// lifecycle engine — the sandbox is called with sandbox.PhysicsOnly once the allow-list let an
// operation through. Answers take the shapes of Huawei's documented examples (the driver's
// corpus, internal/platform/huaweicloud/testdata/corpus; the driver package's
// TestEmulatorAnswersHaveTheDocumentedShapes compares them field by field, and lists the
// differences that stay — ECS and CBR attributes the sandbox does not model, examples that
// disagree with each other — with the reason): a new
// group's protected_status, replication_status and health_status null, fault_level on each
// pair, jobs' fail_reason "<Task>-fail:<reason>", newest-first failure jobs, each service's
// error envelope. This package never keeps a second model of the DR objects. The only state of its own is
// the job table an asynchronous API needs (a job's status is derived from its entity) and the
// steps of a protected-instance job that wait for the sandbox (a new pair joins the group once
// it is created).
//
// Operations follow Huawei Cloud's SDRS API reference
// (https://support.huaweicloud.com/intl/en-us/api-sdrs/): each handler names the page.
// Requests must carry a valid SDK-HMAC-SHA256 signature with the emulator's access key.
//
// Every request passes the shared API gateway first (internal/emulator/gateway;
// Options.Gateway, Emulator.Gateway): latency, per-operation rate limits answered as APIG's
// flow control (429 APIGW.0308), injected SDRS.0500 failures; operations are named as the
// official SDK names them (gateway.go). The zero configuration is instant and unlimited.
//
// Backdoor: the sandbox itself (sites = availability zones, volumes = EVS disks, servers =
// ECS servers, faults) is the platformtest Fixture; Advance moves the fake clock.
package huaweicloud

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/emulator/gateway"
	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/retry"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/sandbox"
)

// Test credentials and project of an emulator started by Start.
const (
	TestAccessKey = "EMULATORAK0000000000"
	TestSecretKey = "emulator-secret-key-0000000000000000000"
	TestProjectID = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
)

// Options configure an emulator.
type Options struct {
	AccessKey, SecretKey, ProjectID string
	// Gateway is the API gateway in front of the emulator: latency, rate limits answered
	// APIGW.0308 (429), injected failures (the zero value: instant and unlimited).
	Gateway gateway.Config
}

// Emulator is the SDRS API over a sandbox.
type Emulator struct {
	sb   *sandbox.Sandbox
	opts Options
	gw   *gateway.Gateway

	mu   sync.Mutex
	jobs map[string]*job
	seq  int

	// throttle is the fraction of requests answered 429 APIGW.0308 (Backdoor.SetTransientErrorRate):
	// a fault of the API gateway, one draw per request (the sandbox's own transient faults
	// would draw once per sandbox call, several per request).
	throttle float64
	rng      *rand.Rand
	// requests counts every request received (Requests), as the vendor's API meters them
	requests atomic.Int64

	// The account's networking that SDRS refers to but does not manage: active-active domains
	// (Querying an Active-Active Domain) and VPCs (the VPC service), put by the backdoor; and
	// the domain and VPC each group was created with (SDRS reports them with the group).
	domains     []Domain
	vpcs        map[string]string // id → name
	groupParams map[string][2]string
	created     map[string]time.Time // group id → when it was created (created_at)
	started     time.Time
	drillNames  map[string]string // group id → its drill's name
	// projects are the account's projects of other regions (region → project ID; a project
	// ID is per region, as in IAM); a region not listed is served by Options.ProjectID.
	projects map[string]string
}

// SetRegionProject gives region its own project ID (CBR then serves that region, at its own
// endpoint, under that project only, and a replication to it must name it).
func (b *Backdoor) SetRegionProject(region, projectID string) {
	b.e.SetRegionProject(region, projectID)
}

// SetRegionProject gives region its own project ID.
func (e *Emulator) SetRegionProject(region, projectID string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.projects[region] = projectID
}

// projectOf is region's project ID.
func (e *Emulator) projectOf(region string) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	if p := e.projects[region]; p != "" {
		return p
	}
	return e.opts.ProjectID
}

// regionOfProject is the region whose own project id is (SetRegionProject); "" for the
// account's default project or an unknown one.
func (e *Emulator) regionOfProject(id string) (region string, known bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for r, p := range e.projects {
		if p == id {
			return r, true
		}
	}
	return "", id == e.opts.ProjectID
}

// Domain is an SDRS active-active domain: two AZs whose storage replicates synchronously.
type Domain struct {
	ID, Name string
	LocalAZ  string
	RemoteAZ string
	SoldOut  bool
}

// PutDomain adds an active-active domain between two AZs and returns its id.
func (b *Backdoor) PutDomain(name, localAZ, remoteAZ string) string {
	return b.e.PutDomain(name, localAZ, remoteAZ)
}

// PutVPC adds a VPC and returns its id.
func (b *Backdoor) PutVPC(name string) string { return b.e.PutVPC(name) }

// PutDomain adds an active-active domain between two AZs and returns its id.
func (e *Emulator) PutDomain(name, localAZ, remoteAZ string) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.seq++
	d := Domain{ID: fmt.Sprintf("domain-%04d", e.seq), Name: name, LocalAZ: localAZ, RemoteAZ: remoteAZ}
	e.domains = append(e.domains, d)
	return d.ID
}

// DefineVPC adds a VPC with the given id (a rehearsal's configuration names its VPC before
// the emulator starts); an id already defined is an error.
func (e *Emulator) DefineVPC(id, name string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if id == "" {
		return fmt.Errorf("a VPC needs an id")
	}
	if _, dup := e.vpcs[id]; dup {
		return fmt.Errorf("VPC %s is already defined", id)
	}
	e.vpcs[id] = name
	return nil
}

// DefineDomain adds an active-active domain with the given id; an id already defined is an
// error.
func (e *Emulator) DefineDomain(d Domain) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if d.ID == "" || d.LocalAZ == "" || d.RemoteAZ == "" || d.LocalAZ == d.RemoteAZ {
		return fmt.Errorf("an active-active domain needs an id and two different AZs")
	}
	for _, x := range e.domains {
		if x.ID == d.ID {
			return fmt.Errorf("active-active domain %s is already defined", d.ID)
		}
	}
	if d.Name == "" {
		d.Name = d.ID
	}
	e.domains = append(e.domains, d)
	return nil
}

// Domains are the active-active domains.
func (e *Emulator) Domains() []Domain {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]Domain(nil), e.domains...)
}

// VPCs are the VPCs (id → name).
func (e *Emulator) VPCs() map[string]string {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make(map[string]string, len(e.vpcs))
	for k, v := range e.vpcs {
		out[k] = v
	}
	return out
}

// RegionProjects are the regions with a project of their own (region → project ID).
func (e *Emulator) RegionProjects() map[string]string {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make(map[string]string, len(e.projects))
	for k, v := range e.projects {
		out[k] = v
	}
	return out
}

// PutVPC adds a VPC and returns its id.
func (e *Emulator) PutVPC(name string) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.seq++
	id := fmt.Sprintf("vpc-%04d", e.seq)
	e.vpcs[id] = name
	return id
}

// job is an SDRS asynchronous job (Querying the Job Status). Its status is derived from the
// entity it works on; joins are the pairs a protected-instance job still has to add to the
// group once the sandbox has created them.
type job struct {
	ID, Type     string
	Kind         lifecycle.Kind
	EntityID     string // group id (protected-instance jobs: the group too)
	Op           lifecycle.Op
	InstanceID   string
	ResourceName string // the protected instance's name (instance jobs)
	Joins        []string
	FailCode     string
	FailReason   string
	Begin, End   time.Time
	Done         bool
}

// New builds an emulator over sb. The sandbox answers each request once (retry.Once): a
// transient fault of its physics is the request's error, and the driver retries, not the
// server.
func New(sb *sandbox.Sandbox, opts Options) *Emulator {
	sb.SetRetryPolicy(retry.Once)
	return &Emulator{sb: sb, opts: opts, jobs: map[string]*job{}, rng: rand.New(rand.NewPCG(1, 2)),
		vpcs: map[string]string{}, groupParams: map[string][2]string{}, projects: map[string]string{}, created: map[string]time.Time{}, drillNames: map[string]string{}, started: time.Now(),
		gw: gateway.New(apigw{}, opts.Gateway)}
}

// Gateway is the API gateway in front of the emulator (latency, rate limits, injected
// failures; its Stats count the calls per SDK operation).
func (e *Emulator) Gateway() *gateway.Gateway { return e.gw }

// Backdoor is the test fixture: the sandbox (inventory, operation faults) with throttling at
// the emulator's API gateway.
type Backdoor struct {
	*sandbox.Sandbox
	e *Emulator
}

// SetTransientErrorRate throttles that fraction of the emulator's requests (HTTP 429, APIGW.0308).
func (b *Backdoor) SetTransientErrorRate(ctx context.Context, rate float64) error {
	b.e.mu.Lock()
	b.e.throttle = rate
	b.e.mu.Unlock()
	return nil
}

func (e *Emulator) throttled() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.throttle > 0 && e.rng.Float64() < e.throttle
}

// Sandbox returns the physics under the emulator (its backdoor: inventory and faults).
func (e *Emulator) Sandbox() *sandbox.Sandbox { return e.sb }

// Server is a running emulator (Start).
type Server struct {
	*Emulator
	URL   string
	Clock *sandbox.FakeClock // nil on the wall clock
	t     testing.TB
}

// RegionURL is the address of one region's own endpoint (a CBR endpoint per region, as in
// the real cloud: CBRRegionEndpoints): the same API, where a vault of another region is not
// found. Each call starts a server, closed with the test.
func (s *Server) RegionURL(region string) string {
	hs := httptest.NewServer(RegionHandler(s.Emulator, region))
	s.t.Cleanup(hs.Close)
	return hs.URL
}

// RegionHandler serves e as one region's endpoint.
func RegionHandler(e *Emulator, region string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), regionKey{}, region)))
	})
}

// Advance lets simulated time pass (fake clock only).
func (s *Server) Advance(d time.Duration) {
	if s.Clock != nil {
		s.Clock.Advance(d)
	}
}

// Backdoor is the platformtest Fixture (and TransientFaults, OperationFaults).
func (s *Server) Backdoor() *Backdoor { return &Backdoor{Sandbox: s.sb, e: s.Emulator} }

// Start runs an emulator with the test credentials on an httptest.Server over a fresh sandbox
// in t.TempDir(). fake selects a fake clock (Advance); otherwise the wall clock runs at
// timeScale.
func Start(t testing.TB, fake bool, timeScale float64) *Server {
	t.Helper()
	opts := sandbox.Options{TimeScale: timeScale, Seed: 1}
	var clk *sandbox.FakeClock
	if fake {
		clk = sandbox.NewFakeClock(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
		opts.Clock = clk
	}
	sb, err := sandbox.Open(filepath.Join(t.TempDir(), "sdrs.db"), opts)
	if err != nil {
		t.Fatal(err)
	}
	e := New(sb, Options{AccessKey: TestAccessKey, SecretKey: TestSecretKey, ProjectID: TestProjectID})
	hs := httptest.NewServer(e)
	t.Cleanup(func() { hs.Close(); sb.Close() })
	return &Server{Emulator: e, URL: hs.URL, Clock: clk, t: t}
}

// ---- HTTP ----

type apiError struct {
	status   int
	code     string
	message  string
	envelope envelope
}

// envelope is the shape of an error answer: each service has its own (corpus README, "Error
// envelopes").
type envelope int

const (
	envSDRS  envelope = iota // {"error": {"message", "code"}} (SDRS, ECS)
	envAPIGW                 // {"error_msg", "error_code", "request_id"} (the API gateway)
	envFlat                  // {"code", "message"} (VPC)
	envCBR                   // {"error_code", "error_msg"} (CBR)
)

func (a *apiError) Error() string { return a.code + ": " + a.message }

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	if w.Header().Get("X-Request-Id") == "" {
		w.Header().Set("X-Request-Id", strconv.FormatInt(time.Now().UnixNano(), 36))
	}
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeErr(w http.ResponseWriter, err error) {
	var a *apiError
	if !errors.As(err, &a) {
		a = translate(err, "")
	}
	switch a.envelope {
	case envAPIGW: // the API gateway's flat envelope
		writeJSON(w, a.status, map[string]string{"error_code": a.code, "error_msg": a.message, "request_id": w.Header().Get("X-Request-Id")})
	case envFlat: // VPC's flat {"code", "message"}
		writeJSON(w, a.status, map[string]string{"code": a.code, "message": a.message})
	case envCBR: // CBR's flat {"error_code", "error_msg"}
		writeJSON(w, a.status, map[string]string{"error_code": a.code, "error_msg": a.message})
	default: // SDRS's and ECS's {"error": {"message", "code"}}
		writeJSON(w, a.status, map[string]any{"error": map[string]string{"code": a.code, "message": a.message}})
	}
}

// translate maps a sandbox error onto SDRS's error codes (Error Codes,
// https://support.huaweicloud.com/intl/en-us/api-sdrs/en-us_topic_0113127626.html). notFound
// is the entity's own not-found code (SDRS.1013 group, SDRS.1608 pair, SDRS.1320 instance).
// Legality is the allow-lists' (allowlist.go): what reaches here is physics (an object that
// does not exist, an injected transient fault, a quota), never an engine rule.
func translate(err error, notFound string) *apiError {
	var pe *platform.Error
	if !errors.As(err, &pe) {
		return &apiError{500, "SDRS.0500", err.Error(), envSDRS}
	}
	msg := pe.Message
	switch pe.Class {
	case platform.ClassNotFound:
		if notFound == "" {
			notFound = "SDRS.1013"
		}
		return &apiError{400, notFound, msg, envSDRS}
	case platform.ClassPreconditionFailed, platform.ClassConflict:
		// SDRS.1002: the operation is not allowed for the group in its current state.
		return &apiError{400, "SDRS.1002", msg, envSDRS}
	case platform.ClassRetryable:
		// API Gateway flow control (APIGW.0308, 429).
		return &apiError{429, "APIGW.0308", "The throttling threshold has been reached: " + msg, envAPIGW}
	case platform.ClassQuota:
		return &apiError{400, "SDRS.0305", msg, envSDRS}
	case platform.ClassInvalid:
		return &apiError{400, "SDRS.0201", "Invalid request parameters: " + msg, envSDRS}
	}
	return &apiError{500, "SDRS.0500", msg, envSDRS}
}

func badRequest(format string, args ...any) *apiError {
	return &apiError{400, "SDRS.0201", "Invalid request parameters: " + fmt.Sprintf(format, args...), envSDRS}
}

// ServeHTTP routes /v1/{project_id}/… after checking the signature and the project.
// Requests returns how many requests the emulator has received (every API call the driver
// made, throttled or not).
func (e *Emulator) Requests() int64 { return e.requests.Load() }

func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	e.requests.Add(1)
	if !e.gw.Admit(w, r) {
		return
	}
	if err := verifySignature(r, e.opts.AccessKey, e.opts.SecretKey, time.Now()); err != nil {
		writeErr(w, &apiError{401, "APIGW.0301", "Incorrect IAM authentication information: " + err.Error(), envAPIGW})
		return
	}
	if e.throttled() {
		writeErr(w, &apiError{429, "APIGW.0308", "The throttling threshold has been reached", envAPIGW})
		return
	}
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	if len(parts) >= 3 && parts[0] == "v3" {
		e.serveCBR(w, r, parts)
		return
	}
	if len(parts) == 3 && parts[0] == "v2.1" && parts[2] == "os-availability-zone" && r.Method == http.MethodGet {
		res, status, err := e.listZones(r.Context())
		if err != nil {
			writeErr(w, err)
			return
		}
		writeJSON(w, status, res)
		return
	}
	if len(parts) < 3 || parts[0] != "v1" {
		writeErr(w, &apiError{404, "APIGW.0101", "The API does not exist or has not been published in the environment", envAPIGW})
		return
	}
	if parts[1] != e.opts.ProjectID {
		writeErr(w, &apiError{400, "SDRS.0001", "Invalid tenant ID", envSDRS})
		return
	}
	ctx := r.Context()
	e.advanceJobs(ctx)
	var body map[string]json.RawMessage
	if r.Method == http.MethodPost || r.Method == http.MethodPut || (r.Method == http.MethodDelete && r.ContentLength > 0) {
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil && r.Method != http.MethodDelete {
			writeErr(w, badRequest("the body is not a JSON object: %v", err))
			return
		}
	}
	res, status, err := e.route(ctx, r, parts[2:], body)
	if err != nil {
		writeErr(w, err)
		return
	}
	writeJSON(w, status, res)
}

func (e *Emulator) route(ctx context.Context, r *http.Request, p []string, body map[string]json.RawMessage) (any, int, error) {
	m := r.Method
	switch {
	case p[0] == "server-groups" && len(p) == 1 && m == http.MethodPost:
		return e.createGroup(ctx, body)
	case p[0] == "server-groups" && len(p) == 1 && m == http.MethodGet:
		return e.listGroups(ctx, r)
	case p[0] == "server-groups" && len(p) == 2 && m == http.MethodGet:
		return e.showGroup(ctx, p[1])
	case p[0] == "server-groups" && len(p) == 2 && m == http.MethodPut:
		return e.updateGroup(ctx, p[1], body)
	case p[0] == "server-groups" && len(p) == 2 && m == http.MethodDelete:
		return e.deleteGroup(ctx, p[1])
	case p[0] == "server-groups" && len(p) == 3 && p[2] == "action" && m == http.MethodPost:
		return e.groupAction(ctx, p[1], body)
	case p[0] == "protected-instances" && len(p) == 1 && m == http.MethodPost:
		return e.createInstance(ctx, body)
	case p[0] == "protected-instances" && len(p) == 1 && m == http.MethodGet:
		return e.listInstances(ctx, r)
	case p[0] == "protected-instances" && len(p) == 2 && m == http.MethodGet:
		return e.showInstance(ctx, p[1])
	case p[0] == "protected-instances" && len(p) == 2 && m == http.MethodDelete:
		return e.deleteInstance(ctx, p[1], body)
	case p[0] == "replications" && len(p) == 1 && m == http.MethodGet:
		return e.listReplications(ctx, r)
	case p[0] == "replications" && len(p) == 2 && m == http.MethodGet:
		return e.showReplication(ctx, p[1])
	case p[0] == "replications" && len(p) == 2 && m == http.MethodDelete:
		return e.deleteReplication(ctx, p[1])
	case p[0] == "replications" && len(p) == 2 && m == http.MethodPut:
		return e.renameReplication(ctx, p[1], body)
	case p[0] == "protected-instances" && len(p) == 4 && p[2] == "detachreplication" && m == http.MethodDelete:
		return e.detachReplication(ctx, p[1], p[3])
	case p[0] == "disaster-recovery-drills" && len(p) == 1 && m == http.MethodPost:
		return e.createDrill(ctx, body)
	case p[0] == "disaster-recovery-drills" && len(p) == 1 && m == http.MethodGet:
		return e.listDrills(ctx, r)
	case p[0] == "disaster-recovery-drills" && len(p) == 2 && m == http.MethodDelete:
		return e.deleteDrill(ctx, p[1])
	case p[0] == "jobs" && len(p) == 2 && m == http.MethodGet:
		return e.showJob(ctx, p[1])
	case p[0] == "cloudservers" && len(p) == 2 && p[1] == "detail" && m == http.MethodGet:
		return e.listServers(ctx, r)
	case p[0] == "cloudservers" && len(p) == 2 && m == http.MethodGet:
		return e.showServer(ctx, p[1])
	case p[0] == "active-domains" && len(p) == 1 && m == http.MethodGet:
		return e.listDomains()
	case p[0] == "vpcs" && len(p) == 2 && m == http.MethodGet:
		return e.showVPC(p[1])
	case p[0] == "task-center" && len(p) == 2 && p[1] == "failure-jobs" && m == http.MethodGet:
		return e.listFailureJobs(ctx, r)
	case p[0] == "task-center" && len(p) == 3 && p[1] == "failure-jobs" && m == http.MethodDelete:
		if p[2] == "batch" {
			return e.deleteFailureJobs(ctx, "", "") // Deleting All Failure Tasks
		}
		return e.deleteFailureJobs(ctx, "", p[2]) // Deleting a Failure Task
	case p[0] == "task-center" && len(p) == 4 && p[2] == "failure-jobs" && p[3] == "batch" && m == http.MethodDelete:
		return e.deleteFailureJobs(ctx, p[1], "") // Deleting All Failure Tasks of a Protection Group
	}
	return nil, 0, &apiError{404, "APIGW.0101", "The API does not exist or has not been published in the environment", envAPIGW}
}

// ---- status translation (Protection Group Status, Replication Pair Status) ----

// sdrsStatus is the SDRS status of a sandbox state (groups, and pairs and instances that mirror
// them). configured and paused are both "available": replication_status tells them apart.
func sdrsStatus(s lifecycle.State, failed lifecycle.Op) string {
	switch s {
	case lifecycle.Creating:
		return "creating"
	case lifecycle.Configured, lifecycle.Paused:
		return "available"
	case lifecycle.Starting:
		return "starting"
	case lifecycle.Replicating:
		return "protected"
	case lifecycle.Stopping:
		return "stopping"
	case lifecycle.SwitchingOver:
		return "reversing"
	case lifecycle.FailingOver:
		return "failing-over"
	case lifecycle.FailedOver:
		return "failed-over"
	case lifecycle.Reprotecting:
		return "reprotecting"
	case lifecycle.Deleting:
		return "deleting"
	case lifecycle.Invalid:
		return "invalid"
	case lifecycle.Error:
		switch failed {
		case lifecycle.OpEnableProtection, lifecycle.OpStart:
			return "error-starting"
		case lifecycle.OpDisableProtection, lifecycle.OpStop:
			return "error-stopping"
		case lifecycle.OpPlannedFailover, lifecycle.OpSwitchover:
			return "error-reversing"
		case lifecycle.OpFailover:
			return "error-failing-over"
		case lifecycle.OpReprotect:
			return "error-reprotecting"
		case lifecycle.OpDelete:
			return "error-deleting"
		}
		return "error"
	}
	return string(s)
}

func station(s lifecycle.Site) string {
	if s == lifecycle.SiteTarget {
		return "target"
	}
	return "source"
}

// The time formats SDRS answers in (the corpus's examples): a group's, an instance's or a
// drill's "yyyy-MM-dd HH:mm:ss.SSS"; a pair's "yyyy-MM-ddTHH:mm:ss.SSSSSS"; a job's
// "yyyy-MM-ddTHH:mm:ss.SSSZ".
func sdrsTime(t time.Time) string   { return t.UTC().Format("2006-01-02 15:04:05.000") }
func vendorTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000") }
func jobTime(t time.Time) string    { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// createdAt is when the emulator created a group (its start, for one it did not create).
func (e *Emulator) createdAt(id string) time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	if t, ok := e.created[id]; ok {
		return t
	}
	return e.started
}

// checkPage refuses a paging query the SDRS lists refuse: limit outside 1-1000 (SDRS.0221;
// the list pages document 0-1000 with default 1000, the Error Codes table "greater than 0 or
// less than 1000": the emulator takes the pages' upper bound) and a negative offset (SDRS.0222).
func checkPage(r *http.Request) error {
	q := r.URL.Query()
	if v := q.Get("limit"); v != "" {
		if n, err := strconv.Atoi(v); err != nil || n <= 0 || n > 1000 {
			return &apiError{400, "SDRS.0221", "limit value must be greater than 0 or less than 1000", envSDRS}
		}
	}
	if v := q.Get("offset"); v != "" {
		if n, err := strconv.Atoi(v); err != nil || n < 0 {
			return &apiError{400, "SDRS.0222", "offset value cannot be negative, and must be an integer", envSDRS}
		}
	}
	return nil
}

// ---- protection groups ----

// zoneSite finds the sandbox site of an availability zone.
func (e *Emulator) zoneSite(ctx context.Context, az string) (platform.Site, error) {
	sites, err := e.sb.ListSites(ctx)
	if err != nil {
		return platform.Site{}, err
	}
	for _, s := range sites {
		if s.Zone == az {
			return s, nil
		}
	}
	return platform.Site{}, &apiError{400, "SDRS.0203", "Invalid AZ: " + az, envSDRS}
}

// groupJSON is a protection group as SDRS shows a group created after its upgrade:
// protected_status, replication_status and health_status null ("for newly protection groups,
// the value of this parameter is null"; the replication state is on the pairs), description
// null when there is none, test_vpc_id and replication_model null.
func (e *Emulator) groupJSON(ctx context.Context, g platform.ProtectionGroup) map[string]any {
	e.mu.Lock()
	params := e.groupParams[g.ID]
	e.mu.Unlock()
	drills := 0
	if g.DrillActive {
		drills = 1
	}
	description := any(g.Description)
	if g.Description == "" {
		description = nil
	}
	created := sdrsTime(e.createdAt(g.ID))
	return map[string]any{
		"id": g.ID, "name": g.Name, "description": description,
		"source_availability_zone": g.SourceZone, "target_availability_zone": g.TargetZone,
		"domain_id": params[0], "domain_name": e.domainName(params[0]),
		"status": sdrsStatus(g.State, g.FailedOp), "protected_status": nil, "replication_status": nil, "health_status": nil,
		"progress": groupProgress(g), "priority_station": station(g.ActiveSite),
		"protected_instance_num": len(g.ServerIDs), "replication_num": len(g.PairIDs), "disaster_recovery_drill_num": drills,
		"source_vpc_id": params[1], "target_vpc_id": params[1], "test_vpc_id": nil, "dr_type": "migration", "server_type": "ECS",
		"created_at": created, "updated_at": created, "protection_type": "replication-pair", "replication_model": nil,
	}
}

// groupProgress is a group's synchronisation progress: the running copy's, else 100 once a
// full synchronisation has completed (it stays so while protection is disabled), else 0.
func groupProgress(g platform.ProtectionGroup) int {
	if g.ReplicationStatus == platform.ReplicationCopying || !g.FirstSyncDone {
		return g.SyncProgress
	}
	return 100
}

// domainName is an active-active domain's name.
func (e *Emulator) domainName(id string) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, d := range e.domains {
		if d.ID == id {
			return d.Name
		}
	}
	return ""
}

func str(body map[string]json.RawMessage, key string, out any) error {
	raw, ok := body[key]
	if !ok {
		return badRequest("%q is required", key)
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return badRequest("%q: %v", key, err)
	}
	return nil
}

// createGroup: Creating a Protection Group, POST /v1/{project_id}/server-groups.
func (e *Emulator) createGroup(ctx context.Context, body map[string]json.RawMessage) (any, int, error) {
	var in struct {
		Name                   string `json:"name"`
		Description            string `json:"description"`
		SourceAvailabilityZone string `json:"source_availability_zone"`
		TargetAvailabilityZone string `json:"target_availability_zone"`
		DomainID               string `json:"domain_id"`
		SourceVpcID            string `json:"source_vpc_id"`
		DrType                 string `json:"dr_type"`
	}
	if err := str(body, "server_group", &in); err != nil {
		return nil, 0, err
	}
	if err := decide("CreateProtectionGroup", Situation{NameValid: sdrsName(in.Name),
		DescriptionValid: len(in.Description) <= 64 && !strings.ContainsAny(in.Description, "<>")}); err != nil {
		return nil, 0, err
	}
	src, err := e.zoneSite(ctx, in.SourceAvailabilityZone)
	if err != nil {
		return nil, 0, err
	}
	dst, err := e.zoneSite(ctx, in.TargetAvailabilityZone)
	if err != nil {
		return nil, 0, err
	}
	// domain_id and source_vpc_id are mandatory; the domain must join the two AZs (SDRS.0205,
	// Invalid domain ID) and the VPC exist (SDRS.0204, Invalid VPC)
	if in.DomainID == "" || in.SourceVpcID == "" {
		return nil, 0, badRequest("domain_id and source_vpc_id are required")
	}
	if err := e.checkDomainVPC(in.DomainID, in.SourceVpcID, src.Zone, dst.Zone); err != nil {
		return nil, 0, err
	}
	g, err := e.sb.CreateGroup(physics(ctx), platform.GroupSpec{Name: in.Name, Description: in.Description,
		SourceRegion: src.Region, SourceZone: src.Zone, TargetRegion: dst.Region, TargetZone: dst.Zone}, "")
	if err != nil {
		return nil, 0, translate(err, "")
	}
	e.mu.Lock()
	e.groupParams[g.ID] = [2]string{in.DomainID, in.SourceVpcID}
	e.created[g.ID] = time.Now()
	e.mu.Unlock()
	j := e.newJob("createProtectionGroupNoCG", lifecycle.ProtectionGroup, g.ID, lifecycle.OpCreate)
	return map[string]string{"job_id": j.ID}, http.StatusOK, nil
}

// checkDomainVPC: the domain exists, joins the two AZs and is not sold out (SDRS.0205; which
// code a sold-out domain answers is not documented); the VPC exists (SDRS.0204).
func (e *Emulator) checkDomainVPC(domain, vpc, az1, az2 string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, ok := e.vpcs[vpc]; !ok {
		return &apiError{400, "SDRS.0204", "Invalid VPC", envSDRS}
	}
	for _, d := range e.domains {
		if d.ID == domain {
			if ((d.LocalAZ == az1 && d.RemoteAZ == az2) || (d.LocalAZ == az2 && d.RemoteAZ == az1)) && !d.SoldOut {
				return nil
			}
			return &apiError{400, "SDRS.0205", "Invalid domain ID", envSDRS}
		}
	}
	return &apiError{400, "SDRS.0205", "Invalid domain ID", envSDRS}
}

// listDomains: Querying an Active-Active Domain, GET /v1/{project_id}/active-domains
// (https://support.huaweicloud.com/intl/en-us/api-sdrs/sdrs_05_0301.html).
func (e *Emulator) listDomains() (any, int, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := []map[string]any{}
	for _, d := range e.domains {
		out = append(out, map[string]any{"id": d.ID, "name": d.Name, "description": "", "sold_out": d.SoldOut,
			"local_replication_cluster":  map[string]string{"availability_zone": d.LocalAZ},
			"remote_replication_cluster": map[string]string{"availability_zone": d.RemoteAZ}})
	}
	return map[string]any{"domains": out}, http.StatusOK, nil
}

// listZones: ECS Querying AZs (native OpenStack API), GET /v2.1/{project_id}/os-availability-zone
// (https://support.huaweicloud.com/intl/en-us/api-ecs/ecs_03_1801.html): every sandbox site
// is an AZ, available while the site is healthy.
func (e *Emulator) listZones(ctx context.Context) (any, int, error) {
	sites, err := e.sb.ListSites(ctx)
	if err != nil {
		return nil, 0, translate(err, "")
	}
	out := []map[string]any{}
	for _, s := range sites {
		out = append(out, map[string]any{"zoneName": s.Zone, "hosts": nil, "zoneState": map[string]any{"available": s.Healthy}})
	}
	return map[string]any{"availabilityZoneInfo": out}, http.StatusOK, nil
}

// showVPC: the VPC service's Querying VPC Details, GET /v1/{project_id}/vpcs/{vpc_id}
// (https://support.huaweicloud.com/intl/en-us/api-vpc/vpc_api01_0002.html), served at the
// same address; a missing VPC is 404 VPC.0105 in the VPC API's flat {"code", "message"}
// envelope (the VPC reference has no not-found code of its own).
func (e *Emulator) showVPC(id string) (any, int, error) {
	e.mu.Lock()
	name, ok := e.vpcs[id]
	e.mu.Unlock()
	if !ok {
		return nil, 0, &apiError{404, "VPC.0105", "The VPC does not exist.", envFlat}
	}
	return map[string]any{"vpc": map[string]any{"id": id, "name": name, "description": "", "cidr": "192.168.0.0/16", "status": "OK",
		"routes": []any{}, "enable_shared_snat": false}}, http.StatusOK, nil
}

func pageOf(r *http.Request, n int) (lo, hi int) {
	limit, offset := 1000, 0
	if v, err := strconv.Atoi(r.URL.Query().Get("limit")); err == nil && v > 0 {
		limit = v
	}
	if v, err := strconv.Atoi(r.URL.Query().Get("offset")); err == nil && v >= 0 {
		offset = v
	}
	lo, hi = min(offset, n), min(offset+limit, n)
	return lo, hi
}

// listGroups: Querying Protection Groups, GET /v1/{project_id}/server-groups?limit&offset&name&status.
func (e *Emulator) listGroups(ctx context.Context, r *http.Request) (any, int, error) {
	if err := checkPage(r); err != nil {
		return nil, 0, err
	}
	gs, err := e.sb.ListGroups(ctx)
	if err != nil {
		return nil, 0, translate(err, "")
	}
	q := r.URL.Query()
	var out []map[string]any
	for _, g := range gs {
		j := e.groupJSON(ctx, g)
		if (q.Get("name") != "" && q.Get("name") != g.Name) || (q.Get("status") != "" && q.Get("status") != j["status"]) {
			continue
		}
		out = append(out, j)
	}
	lo, hi := pageOf(r, len(out))
	return map[string]any{"count": len(out), "server_groups": nonNil(out[lo:hi])}, http.StatusOK, nil
}

func nonNil(s []map[string]any) []map[string]any {
	if s == nil {
		return []map[string]any{}
	}
	return s
}

// showGroup: Querying the Details of a Protection Group, GET /v1/{project_id}/server-groups/{id}.
func (e *Emulator) showGroup(ctx context.Context, id string) (any, int, error) {
	g, err := e.sb.GetGroup(ctx, id)
	if err != nil {
		return nil, 0, translate(err, "SDRS.1013")
	}
	return map[string]any{"server_group": e.groupJSON(ctx, g)}, http.StatusOK, nil
}

// updateGroup: Changing the Name of a Protection Group, PUT /v1/{project_id}/server-groups/{id}
// (no constraint on the status).
func (e *Emulator) updateGroup(ctx context.Context, id string, body map[string]json.RawMessage) (any, int, error) {
	var in struct {
		Name string `json:"name"`
	}
	if err := str(body, "server_group", &in); err != nil {
		return nil, 0, err
	}
	if err := decide("UpdateProtectionGroupName", Situation{NameValid: sdrsName(in.Name)}); err != nil {
		return nil, 0, err
	}
	g, err := e.sb.GetGroup(ctx, id)
	if err != nil {
		return nil, 0, translate(err, "SDRS.1013")
	}
	g, err = e.sb.UpdateGroup(physics(ctx), id, platform.GroupSpec{Name: in.Name, Description: g.Description})
	if err != nil {
		return nil, 0, translate(err, "SDRS.1013")
	}
	return map[string]any{"server_group": e.groupJSON(ctx, g)}, http.StatusOK, nil
}

// deleteGroup: Deleting a Protection Group, DELETE /v1/{project_id}/server-groups/{id}: the
// allow-list (no protected instance SDRS.1001, replication pair SDRS.1010, drill SDRS.1003).
func (e *Emulator) deleteGroup(ctx context.Context, id string) (any, int, error) {
	g, err := e.sb.GetGroup(ctx, id)
	if err != nil {
		return nil, 0, translate(err, "SDRS.1013")
	}
	if err := decide("DeleteProtectionGroup", e.groupSituation(ctx, g)); err != nil {
		return nil, 0, err
	}
	if err := e.sb.Invoke(physics(ctx), lifecycle.ProtectionGroup, id, lifecycle.OpDelete, "", nil); err != nil {
		return nil, 0, translate(err, "SDRS.1013")
	}
	j := e.newJob("deleteProtectionGroupNoCG", lifecycle.ProtectionGroup, id, lifecycle.OpDelete)
	return map[string]string{"job_id": j.ID}, http.StatusOK, nil
}

// groupAction: POST /v1/{project_id}/server-groups/{id}/action, one key:
//   - start-server-group: Enabling Protection (from available, error-starting) or Enabling
//     Protection Again (from failed-over, error-reprotecting) (StartProtectionGroup);
//   - stop-server-group: Disabling Protection (StopProtectionGroup);
//   - reverse-server-group {priority_station}: Performing a Planned Failover (StartReverseProtectionGroup);
//   - failover-server-group: Performing a Failover (StartFailoverProtectionGroup).
//
// The action's value must be a JSON object ({} for the three without parameters): null is
// refused (SDRS.0206), as the service does. Each is decided by its allow-list.
func (e *Emulator) groupAction(ctx context.Context, id string, body map[string]json.RawMessage) (any, int, error) {
	if len(body) != 1 {
		return nil, 0, &apiError{400, "SDRS.0206", "Invalid action", envSDRS}
	}
	var action string
	var raw json.RawMessage
	for k, v := range body {
		action, raw = k, v
	}
	var params map[string]any
	if err := json.Unmarshal(raw, &params); err != nil || params == nil {
		return nil, 0, &apiError{400, "SDRS.0206", "Invalid action", envSDRS}
	}
	g, err := e.sb.GetGroup(ctx, id)
	if err != nil {
		return nil, 0, translate(err, "SDRS.1013")
	}
	s := e.groupSituation(ctx, g)
	var rule, jt string
	var op lifecycle.Op
	switch action {
	case "start-server-group":
		rule, op, jt = "StartProtectionGroup/enable", lifecycle.OpEnableProtection, "startProtectionGroupNoCG"
		if RuleOf("StartProtectionGroup/reprotect").Allows(s.GroupStatus) {
			rule, op, jt = "StartProtectionGroup/reprotect", lifecycle.OpReprotect, "reprotectProtectionGroupNoCG"
		}
	case "stop-server-group":
		rule, op, jt = "StopProtectionGroup", lifecycle.OpDisableProtection, "stopProtectionGroupNoCG"
	case "failover-server-group":
		rule, op, jt = "StartFailoverProtectionGroup", lifecycle.OpFailover, "failoverProtectionGroupNoCG"
	case "reverse-server-group":
		ps, _ := params["priority_station"].(string)
		if ps != "source" && ps != "target" {
			return nil, 0, badRequest("priority_station must be source or target")
		}
		s.RequestedStation = ps
		rule, op, jt = "StartReverseProtectionGroup", lifecycle.OpPlannedFailover, "reverseProtectionGroupNoCG"
	default:
		return nil, 0, &apiError{400, "SDRS.0206", "Invalid action", envSDRS}
	}
	if err := decide(rule, s); err != nil {
		return nil, 0, err
	}
	if err := e.sb.Invoke(physics(ctx), lifecycle.ProtectionGroup, id, op, "", nil); err != nil {
		return nil, 0, translate(err, "SDRS.1013")
	}
	j := e.newJob(jt, lifecycle.ProtectionGroup, id, op)
	return map[string]string{"job_id": j.ID}, http.StatusOK, nil
}

// ---- jobs ----

func (e *Emulator) newJob(typ string, kind lifecycle.Kind, id string, op lifecycle.Op) *job {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.seq++
	j := &job{ID: fmt.Sprintf("ff808082%024x", e.seq), Type: typ, Kind: kind, EntityID: id, Op: op, Begin: time.Now()}
	e.jobs[j.ID] = j
	return j
}

// jobStatus derives a job's status from its entity: RUNNING while the entity is in the
// operation's transitional state or a protected-instance job still waits for its pairs,
// FAIL when the entity ended in error{op} (with the sandbox's message as fail_reason),
// SUCCESS otherwise. A finished job's status is final (as SDRS's: a failed job stays in the
// task center until deleted), so it is recorded the first time it is derived: a retry that
// moves the entity on does not turn the failed job into a running or successful one.
func (e *Emulator) jobStatus(ctx context.Context, j *job) (status, code, reason string) {
	status, code, reason = e.deriveJobStatus(ctx, j)
	if status == "FAIL" || status == "SUCCESS" {
		e.mu.Lock()
		if stored := e.jobs[j.ID]; stored != nil && stored.FailCode == "" && !stored.Done {
			if status == "FAIL" {
				stored.FailCode, stored.FailReason = code, reason
			} else {
				stored.Done = true
			}
		}
		e.mu.Unlock()
	}
	return status, code, reason
}

func (e *Emulator) deriveJobStatus(ctx context.Context, j *job) (status, code, reason string) {
	if j.FailCode != "" {
		return "FAIL", j.FailCode, j.FailReason
	}
	if len(j.Joins) > 0 {
		return "RUNNING", "", ""
	}
	if j.Done {
		return "SUCCESS", "", ""
	}
	g, err := e.sb.GetGroup(ctx, j.EntityID)
	if platform.IsNotFound(err) {
		if j.Op == lifecycle.OpDelete {
			return "SUCCESS", "", ""
		}
		return "FAIL", "SDRS.1013", jobTask(j.Op) + "-fail:protection group not found"
	}
	if err != nil {
		return "RUNNING", "", ""
	}
	status = sdrsStatus(g.State, g.FailedOp)
	if g.State == lifecycle.Error && g.FailedOp == j.Op {
		return "FAIL", failCode(j.Op), jobTask(j.Op) + "-fail:" + failReason(g.LastError)
	}
	if transitional(status) {
		return "RUNNING", "", ""
	}
	return "SUCCESS", "", ""
}

// jobTask is the name of the SDRS task an operation's job runs (a failed job's fail_reason
// starts with it: "<Task>-fail:<reason>", as the task center's example shows).
func jobTask(op lifecycle.Op) string {
	switch op {
	case lifecycle.OpEnableProtection:
		return "SdrsStartProtectionGroupTask"
	case lifecycle.OpDisableProtection:
		return "SdrsStopProtectionGroupTask"
	case lifecycle.OpPlannedFailover:
		return "SdrsReverseProtectionGroupTask"
	case lifecycle.OpFailover:
		return "SdrsFailoverProtectionGroupTask"
	case lifecycle.OpReprotect:
		return "SdrsReprotectProtectionGroupTask"
	case lifecycle.OpCreate:
		return "SdrsCreateProtectionGroupTask"
	case lifecycle.OpDelete:
		return "SdrsDeleteProtectionGroupTask"
	case lifecycle.OpAddServer:
		return "SdrsCreateProtectedInstanceTask"
	}
	return "SdrsTask"
}

// failReason words why the sandbox's operation failed as SDRS would: a stalled synchronisation
// is an unreachable peer AZ; anything else failed replication — never the sandbox's own text.
func failReason(lastError string) string {
	if strings.Contains(lastError, "no progress") || strings.Contains(lastError, "down") {
		return "the peer AZ is unreachable!"
	}
	return "the replication of the disks failed!"
}

// failCode is the operation-failure code of a failed SDRS job (Error Codes: SDRS.1027 enable,
// 1028 disable, 1029 planned failover, 1030 failover, 1032 enable again; 1014/1016 create and
// delete a group; 1350 create a protected instance).
func failCode(op lifecycle.Op) string {
	switch op {
	case lifecycle.OpEnableProtection:
		return "SDRS.1027"
	case lifecycle.OpDisableProtection:
		return "SDRS.1028"
	case lifecycle.OpPlannedFailover:
		return "SDRS.1029"
	case lifecycle.OpFailover:
		return "SDRS.1030"
	case lifecycle.OpReprotect:
		return "SDRS.1032"
	case lifecycle.OpCreate:
		return "SDRS.1014"
	case lifecycle.OpDelete:
		return "SDRS.1016"
	case lifecycle.OpAddServer:
		return "SDRS.1350"
	case lifecycle.OpRemoveServer:
		return "SDRS.1351"
	}
	return "SDRS.0405"
}

// showJob: Querying the Job Status, GET /v1/{project_id}/jobs/{job_id}: error_code and
// fail_reason null unless the job failed; times "yyyy-MM-ddTHH:mm:ss.SSSZ".
func (e *Emulator) showJob(ctx context.Context, id string) (any, int, error) {
	e.mu.Lock()
	j, ok := e.jobs[id]
	var cp job
	if ok {
		cp = *j
	}
	e.mu.Unlock()
	if !ok {
		return nil, 0, badRequest("job_id")
	}
	status, code, reason := e.jobStatus(ctx, &cp)
	ent := map[string]any{"server_group_id": cp.EntityID}
	if cp.InstanceID != "" {
		ent["protected_instance_id"] = cp.InstanceID
	}
	out := map[string]any{"status": status, "entities": ent, "job_id": cp.ID, "job_type": cp.Type,
		"begin_time": jobTime(cp.Begin), "end_time": nil, "error_code": nil, "fail_reason": nil}
	if status == "SUCCESS" || status == "FAIL" {
		out["end_time"] = jobTime(time.Now())
	}
	if status == "FAIL" {
		out["error_code"], out["fail_reason"] = code, reason
	}
	return out, http.StatusOK, nil
}

// listFailureJobs: Querying Failed Tasks (task center), GET
// /v1/{project_id}/task-center/failure-jobs?server_group_id&limit&offset: newest first, a
// protected instance's failures listed with its group's (resource_id the instance,
// resource_type protectedInstance, as the page's example), failure_status camel case, the
// job_type without the job API's NoCG suffix.
func (e *Emulator) listFailureJobs(ctx context.Context, r *http.Request) (any, int, error) {
	if err := checkPage(r); err != nil {
		return nil, 0, err
	}
	gid := r.URL.Query().Get("server_group_id")
	e.mu.Lock()
	var js []job
	for _, j := range e.jobs {
		if gid == "" || j.EntityID == gid {
			js = append(js, *j)
		}
	}
	e.mu.Unlock()
	slices.SortFunc(js, func(a, b job) int { return -strings.Compare(a.ID, b.ID) }) // newest first
	groups := map[string]string{}
	var out []map[string]any
	for i := range js {
		status, code, reason := e.jobStatus(ctx, &js[i])
		if status != "FAIL" {
			continue
		}
		rid, rname, rt := js[i].EntityID, "", "server_groups"
		if js[i].InstanceID != "" {
			rid, rname, rt = js[i].InstanceID, js[i].ResourceName, "protectedInstance"
		} else {
			if _, ok := groups[rid]; !ok {
				if g, err := e.sb.GetGroup(ctx, rid); err == nil {
					groups[rid] = g.Name
				}
			}
			rname = groups[rid]
		}
		out = append(out, map[string]any{"job_status": "FAIL", "resource_id": rid, "resource_name": rname, "resource_type": rt,
			"failure_status": failureStatus(js[i].Op), "job_id": js[i].ID, "job_type": strings.TrimSuffix(js[i].Type, "NoCG"),
			"begin_time": jobTime(js[i].Begin), "error_code": code, "fail_reason": reason})
	}
	lo, hi := pageOf(r, len(out))
	return map[string]any{"count": len(out), "failure_jobs": nonNil(out[lo:hi])}, http.StatusOK, nil
}

// deleteFailureJobs: Deleting a Failure Task (DELETE /v1/{project_id}/task-center/failure-jobs/{id}),
// Deleting All Failure Tasks (…/failure-jobs/batch) and Deleting All Failure Tasks of a
// Protection Group (…/task-center/{server_group_id}/failure-jobs/batch): 204. Only the failed
// jobs' records go; the objects keep their status. An unknown failure job is 400 SDRS.0201.
func (e *Emulator) deleteFailureJobs(ctx context.Context, groupID, jobID string) (any, int, error) {
	e.mu.Lock()
	var js []job
	for _, j := range e.jobs {
		if (jobID == "" || j.ID == jobID) && (groupID == "" || j.EntityID == groupID) {
			js = append(js, *j)
		}
	}
	e.mu.Unlock()
	var failed []string
	for i := range js {
		if status, _, _ := e.jobStatus(ctx, &js[i]); status == "FAIL" {
			failed = append(failed, js[i].ID)
		}
	}
	if jobID != "" && len(failed) == 0 {
		return nil, 0, badRequest("the failure job %s does not exist", jobID)
	}
	e.mu.Lock()
	for _, id := range failed {
		delete(e.jobs, id)
	}
	e.mu.Unlock()
	return nil, http.StatusNoContent, nil
}

// failureStatus is a failed job's failure_status (Querying Failed Tasks: createFail,
// deleteFail, startFail, stopFail, reverseFail, failoverFail, reprotectFail, …).
func failureStatus(op lifecycle.Op) string {
	switch op {
	case lifecycle.OpCreate, lifecycle.OpAddServer:
		return "createFail"
	case lifecycle.OpDelete, lifecycle.OpRemoveServer:
		return "deleteFail"
	case lifecycle.OpEnableProtection:
		return "startFail"
	case lifecycle.OpDisableProtection:
		return "stopFail"
	case lifecycle.OpPlannedFailover:
		return "reverseFail"
	case lifecycle.OpFailover:
		return "failoverFail"
	case lifecycle.OpReprotect:
		return "reprotectFail"
	case lifecycle.OpRemoveMember:
		return "detachFail"
	}
	return "createFail"
}

// advanceJobs runs the waiting steps of protected-instance jobs: a pair the sandbox has
// finished creating joins the group (add_member).
func (e *Emulator) advanceJobs(ctx context.Context) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, j := range e.jobs {
		if len(j.Joins) == 0 || j.FailCode != "" {
			continue
		}
		var left []string
		for _, pid := range j.Joins {
			o, err := e.sb.Observe(ctx, lifecycle.ReplicationPair, pid)
			switch {
			case err != nil && platform.IsRetryable(err):
				left = append(left, pid)
			case err != nil:
				j.FailCode, j.FailReason = "SDRS.1802", err.Error()
			case o.State == lifecycle.Creating:
				left = append(left, pid)
			case o.State == lifecycle.Configured:
				if err := e.sb.Invoke(physics(ctx), lifecycle.ProtectionGroup, j.EntityID, lifecycle.OpAddMember, "", map[string]string{lifecycle.ParamPairID: pid}); err != nil {
					if platform.IsRetryable(err) {
						left = append(left, pid)
						continue
					}
					j.FailCode, j.FailReason = "SDRS.1811", err.Error()
				}
			default:
				j.FailCode, j.FailReason = "SDRS.1802", fmt.Sprintf("replication pair %s is %s", pid, lifecycle.RenderState(o.State, o.FailedOp))
			}
		}
		j.Joins = left
		if len(left) == 0 && j.FailCode == "" {
			j.Done = true
		}
	}
}

// pendingPairs are pairs created for protected instances that have not joined their group yet.
func (e *Emulator) pendingPairs() map[string]string {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := map[string]string{}
	for _, j := range e.jobs {
		for _, p := range j.Joins {
			out[p] = j.EntityID
		}
	}
	return out
}

// listServers: ECS Querying Details About ECSs (ListServersDetails),
// GET /v1/{project_id}/cloudservers/detail?limit&offset (offset: the page, from 1), in the ECS
// API reference (https://support.huaweicloud.com/intl/en-us/api-ecs/).
func (e *Emulator) listServers(ctx context.Context, r *http.Request) (any, int, error) {
	srvs, err := e.sb.ListServers(ctx)
	if err != nil {
		return nil, 0, translate(err, "")
	}
	limit, page := 25, 1
	if v, err := strconv.Atoi(r.URL.Query().Get("limit")); err == nil && v > 0 {
		limit = min(v, 1000)
	}
	if v, err := strconv.Atoi(r.URL.Query().Get("offset")); err == nil && v > 0 {
		page = v
	}
	lo, hi := min((page-1)*limit, len(srvs)), min(page*limit, len(srvs))
	sites, err := e.sb.ListSites(ctx)
	if err != nil {
		return nil, 0, translate(err, "")
	}
	zone := map[string]string{}
	for _, st := range sites {
		zone[st.ID] = st.Zone
	}
	out := []map[string]any{}
	for _, s := range srvs[lo:hi] {
		out = append(out, serverJSON(s, zone[s.SiteID]))
	}
	return map[string]any{"servers": out, "count": len(srvs)}, http.StatusOK, nil
}

// showServer: ECS Querying Details About an ECS (ShowServer), GET /v1/{project_id}/cloudservers/{server_id}
// in the ECS API reference: the sandbox server with status ACTIVE (running) or SHUTOFF
// (stopped) and its AZ. Served at the same address as SDRS. A missing server: 404 Ecs.0114
// "ECS [%s] could not be found." (ECS Error Codes).
func (e *Emulator) showServer(ctx context.Context, id string) (any, int, error) {
	s, err := e.sb.GetServer(ctx, id)
	if err != nil {
		return nil, 0, &apiError{404, "Ecs.0114", "ECS [" + id + "] could not be found.", envSDRS}
	}
	az := ""
	if site, err := e.sb.GetSite(ctx, s.SiteID); err == nil {
		az = site.Zone
	}
	return map[string]any{"server": serverJSON(s, az)}, http.StatusOK, nil
}

// serverJSON is an ECS server: status ACTIVE (running) or SHUTOFF (stopped) with its vm_state,
// its AZ, and its addresses keyed by network (version a string, as ECS writes it).
func serverJSON(s platform.Server, az string) map[string]any {
	status, vm := "ACTIVE", "active"
	if s.PowerState == platform.PowerStopped {
		status, vm = "SHUTOFF", "stopped"
	}
	addrs := map[string]any{}
	var list []map[string]any
	if s.IP != "" || s.MAC != "" {
		list = append(list, map[string]any{"addr": s.IP, "version": "4", "OS-EXT-IPS-MAC:mac_addr": s.MAC, "OS-EXT-IPS:type": "fixed"})
	}
	if s.EIP != "" {
		list = append(list, map[string]any{"addr": s.EIP, "version": "4", "OS-EXT-IPS-MAC:mac_addr": s.MAC, "OS-EXT-IPS:type": "floating"})
	}
	if len(list) > 0 {
		addrs["vpc"] = list
	}
	return map[string]any{"id": s.ID, "name": s.Name, "status": status, "OS-EXT-STS:vm_state": vm,
		"OS-EXT-AZ:availability_zone": az, "addresses": addrs}
}
