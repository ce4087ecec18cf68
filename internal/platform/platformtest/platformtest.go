// Package platformtest is the conformance suite every platform.Platform must pass: the
// embedded sandbox (internal/platform/sandbox) and each vendor driver over its emulator
// (internal/emulator/<vendor>), each in its TestConformance.
//
// A driver's test calls Run with a constructor that builds a fresh, isolated platform per
// check (a new sandbox file, a new emulator instance):
//
//	func TestConformance(t *testing.T) {
//		platformtest.Run(t, func(t *testing.T) platformtest.Harness {
//			emu := alibabaemu.Start(t, sandbox.Options{}) // http.Handler over the sandbox physics
//			return platformtest.Harness{Platform: alibaba.New(…emu.URL…), Fixture: emu.Backdoor(), Advance: emu.Advance}
//		})
//	}
//
// # Per kind
//
// Every check runs once for every kind the platform serves (platform.KindsOf: the kind
// interfaces it implements), as "<check>/<kind>". The harness makes the object of that kind
// the way the platform makes it (subjects.go): a pair (CreatePair, or on a platform where that
// is a manual step the pair a protection group makes for a protected server's disk), a group
// with members (a pair, and a protected server where groups hold servers), a replica of a
// server backup, a recovery server for a protected machine with a backup. The operation a check
// invokes comes from the kind's lifecycle table (nextOp: the first invocable row from the
// object's state; refusedOp: one the table refuses there), never from a list in the suite.
// Which checks concern a kind is read from the table alone: errors/precondition_failed where
// some operation is refused from the new object's state, errors/conflict and
// concurrency/update where the table has an update.
//
// A check skips only where the platform declares an operation absent — Capabilities.Manual (a
// create, an operation that is a console step), Capabilities.Fixed (a name it cannot change)
// — or where the fixture lacks the fault the check injects (OperationFaults, TransientFaults,
// Quotas); every skip says which. Where a platform's documented allow-list refuses an operation
// from a state the table allows (Capabilities.Refused), nextOp passes over it there, and a
// delete first runs the engine's path to a state the platform deletes from.
//
// Drivers have no sandbox inventory, so the suite sets up its prerequisites (sites, volumes,
// servers, vaults, backups) through Fixture, a small subset of platform.Inventory: the
// sandbox passes itself, an emulator its backdoor.
//
// The expected states come from the lifecycle tables (lifecycle.Table): an operation must be
// observed in its Via (or a Pending) state or its result right after Invoke returns, and must
// settle in the row's OnSuccess state — the tables are the contract, the suite restates
// nothing.
//
// # Checks
//
//   - state_mapping: the kind's walkthrough — objects created and operated reach the engine's
//     states (create, start/stop, failover in the standby region, reprotect, membership, test
//     failover, replicate, delete → not found); Get*, List* and Observe agree, and every read
//     model carries the platform's complete capabilities (Observation.Platform).
//   - error_state: an operation that fails on the platform is observed as error{op} with a
//     message; the retry from error{op} succeeds.
//   - idempotency/invoke, idempotency/create: the same client token and parameters take effect
//     once (no new version, one object); the same token with other parameters is Invalid /
//     IdempotentParameterMismatch (R001-4).
//   - errors/not_found, errors/precondition_failed, errors/conflict (stale version),
//     errors/retryable (injected throttling, safe to repeat with the token), errors/quota,
//     errors/invalid (malformed client tokens, an unknown operation): every error is a
//     classified *platform.Error the executor can read (Retryable()/NotFound()).
//   - observe_after_invoke: the observation right after Invoke shows the operation, and its
//     version changed.
//   - cancel/running, cancel/idle: Cancel of a running operation returns it to its from-state
//     (or, on a platform that cannot cancel, lets it finish) and never fails; Cancel with
//     nothing running is a no-op.
//   - concurrency/invoke, concurrency/update: conflicting calls race; the losers get
//     PreconditionFailed or Conflict, never Internal, and the operation takes effect once;
//     exactly one update from one version wins.
//   - facts/observed, facts/proposed, facts/unknown: observed facts match the fixture's world;
//     plan-time (Proposed*, MemberFacts) facts match what is observed after the create; a fact
//     is only reported Unknown when the Harness declares the platform cannot observe it.
//
// The retry layer has its own check, RetryLayer (retrylayer.go), which each platform's
// TestOneRetryLayer runs.
package platformtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// Fixture sets up what the suite needs around the DR objects. platform.Inventory (the
// sandbox) implements it; an emulator implements it through its own backdoor. Put* with an
// empty ID creates the object with a generated ID and returns it.
type Fixture interface {
	PutSite(ctx context.Context, s platform.Site) (platform.Site, error)
	PutVolume(ctx context.Context, v platform.Volume) (platform.Volume, error)
	// AttachVolume attaches a volume to a server ("" detaches).
	AttachVolume(ctx context.Context, volumeID, serverID string) (platform.Volume, error)
	PutServer(ctx context.Context, s platform.Server) (platform.Server, error)
	// SetServerPower starts (running) or stops (stopped) a server.
	SetServerPower(ctx context.Context, id, power string) (platform.Server, error)
	PutVault(ctx context.Context, v platform.Vault) (platform.Vault, error)
	PutBackup(ctx context.Context, b platform.Backup) (platform.Backup, error)
}

// The sandbox's inventory is a Fixture (and must stay one).
var _ Fixture = platform.Inventory(nil)

// TransientFaults is implemented by fixtures that can make the platform's API calls fail
// with a throttling / busy error (HTTP 429, Throttling, ResourceBusy) at the given rate (0..1).
type TransientFaults interface {
	SetTransientErrorRate(ctx context.Context, rate float64) error
}

// OperationFaults is implemented by fixtures that can make the next n runs of an operation
// end in the platform's failed state (Alibaba *_failed, SDRS error-*, CBR fail, Acronis
// FINALIZATION_FAILED).
type OperationFaults interface {
	FailNext(ctx context.Context, kind lifecycle.Kind, op lifecycle.Op, n int) error
}

// Quotas is implemented by fixtures that can limit how many objects of a kind may exist
// (Alibaba QuotaExceed, SDRS.0305, CBR 1012). The sandbox has no quotas.
type Quotas interface {
	SetQuota(ctx context.Context, kind lifecycle.Kind, n int) error
}

// Harness is one fresh platform under test.
type Harness struct {
	Platform platform.Platform
	Fixture  Fixture
	// Advance lets the platform's simulated time pass (a fake clock: the sandbox's FakeClock,
	// an emulator's backdoor). Nil: the platform runs on the wall clock (a high time scale)
	// and the suite polls; the check of cancelling a running operation then accepts either
	// outcome of the race.
	Advance func(d time.Duration)
	// Regions are two replication-capable regions the fixture can create sites in; zero
	// values default to cn-shanghai and cn-beijing.
	Regions [2]string
	// Cancels is true when the platform really cancels a running operation (the sandbox);
	// false when Cancel is a documented no-op (Alibaba EBS has no cancel).
	Cancels bool
	// Unobservable names the facts (lifecycle.FactXxx) the platform cannot observe; it must
	// report exactly those in Facts.Unknown and never guess them.
	Unobservable []string
	// SettleTimeout bounds (wall time) each wait for a transitional state to settle; default 20 s.
	SettleTimeout time.Duration
	// Console performs an operation the platform declares manual in its Capabilities (a
	// console-only step, e.g. Acronis failback or delete) the way a person would, through the
	// fixture's backdoor. Nil: the checks that need a manual step are skipped with the step.
	Console func(ctx context.Context, kind lifecycle.Kind, id string, op lifecycle.Op) error
	// Requests returns how many requests the platform's API has received so far (an emulator's
	// count; the sandbox's call counters): RetryLayer counts them. Nil elsewhere.
	Requests func() int
	// GroupParams completes a group spec with the create parameters only this platform has
	// (lifecycle.Capabilities.Params: Huawei SDRS's active-active domain and VPC), set up
	// through the fixture's backdoor. Nil: the spec is used as the suite builds it.
	GroupParams func(spec platform.GroupSpec) platform.GroupSpec
	// VersionKey is the part of a version that changes only when the object's record does.
	// Nil: the whole version. A platform whose versions also move on their own puts that
	// part aside here (Alibaba: the last recovery point, in the high bits, moves with
	// replication on the wall clock), so "nothing changed the object" is judged on the rest.
	VersionKey func(v int64) int64
}

// sameRecord reports whether two versions of an object are the same record.
func (h Harness) sameRecord(a, b int64) bool {
	if h.VersionKey != nil {
		return h.VersionKey(a) == h.VersionKey(b)
	}
	return a == b
}

// groupSpec is the suite's group spec between the world's two sites, with the platform's own
// parameters (Harness.GroupParams).
func (r *runner) groupSpec(name string, w world) platform.GroupSpec {
	s := platform.GroupSpec{Name: name, SourceRegion: w.src.Region, SourceZone: w.src.Zone, TargetRegion: w.dst.Region, TargetZone: w.dst.Zone}
	if r.h.GroupParams != nil {
		s = r.h.GroupParams(s)
	}
	return s
}

// Run runs every check for every kind the platform serves (platform.KindsOf), each as a
// parallel subtest "<check>/<kind>" with its own harness from newHarness. Which checks apply to a
// kind is read from the kind's lifecycle table alone (a replica has no update, so no conflict
// check); a check skips only where the platform declares an operation absent
// (Capabilities.Manual, Capabilities.Fixed) or the fixture lacks the fault it injects, and
// says which.
func Run(t *testing.T, newHarness func(t *testing.T) Harness) {
	t.Helper()
	probe := newHarness(t) // the kinds the platform serves
	if probe.Platform == nil || probe.Fixture == nil {
		t.Fatal("platformtest: the harness needs a Platform and a Fixture")
	}
	kinds := platform.KindsOf(probe.Platform)
	if len(kinds) == 0 {
		t.Fatalf("platformtest: %s serves no kind (it implements none of platform.Pairs, Groups, Replicas, RecoveryServers)", probe.Platform.Name())
	}
	for _, c := range checks {
		for _, k := range kinds {
			if c.applies != nil && !c.applies(k) {
				continue
			}
			t.Run(c.name+"/"+string(k), func(t *testing.T) {
				t.Parallel()
				h := newHarness(t)
				if h.Platform == nil || h.Fixture == nil {
					t.Fatal("platformtest: the harness needs a Platform and a Fixture")
				}
				c.fn(newRunner(t, h), k)
			})
		}
	}
}

// RunClocks runs the suite twice, as a platform meets time: on a fake clock the suite
// advances (harness(t, true): Harness.Advance set, "fake_clock") and on the wall clock at a
// high time scale (harness(t, false): the suite polls, read caches on as the provider runs
// them, named wall).
func RunClocks(t *testing.T, wall string, harness func(t *testing.T, fakeClock bool) Harness) {
	t.Helper()
	for _, fake := range []bool{true, false} {
		name := "fake_clock"
		if !fake {
			name = wall
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			Run(t, func(t *testing.T) Harness { return harness(t, fake) })
		})
	}
}

type check struct {
	name string
	// applies says, from the kind's lifecycle table alone, whether the check concerns a kind
	// (nil: every kind).
	applies func(k lifecycle.Kind) bool
	fn      func(r *runner, k lifecycle.Kind)
}

var checks = []check{
	{"state_mapping", nil, checkStates},
	{"error_state", nil, checkErrorState},
	{"idempotency/invoke", nil, checkIdempotentInvoke},
	{"idempotency/create", nil, checkIdempotentCreate},
	{"errors/not_found", nil, checkNotFound},
	{"errors/precondition_failed", refusable, checkPreconditionFailed},
	{"errors/conflict", updatable, checkConflict},
	{"errors/retryable", nil, checkRetryable},
	{"errors/quota", nil, checkQuota},
	{"errors/invalid", nil, checkInvalid},
	{"observe_after_invoke", nil, checkObserveAfterInvoke},
	{"cancel/running", nil, checkCancelRunning},
	{"cancel/idle", nil, checkCancelIdle},
	{"concurrency/invoke", nil, checkConcurrentInvoke},
	{"concurrency/update", updatable, checkConcurrentUpdate},
	{"facts/observed", nil, checkObservedFacts},
	{"facts/proposed", nil, checkProposedFacts},
	{"facts/unknown", nil, checkUnknownFacts},
}

// runner carries one check's harness and helpers.
type runner struct {
	t   *testing.T
	h   Harness
	p   platform.Platform
	fx  Fixture
	ctx context.Context
}

func newRunner(t *testing.T, h Harness) *runner {
	if h.Regions[0] == "" {
		h.Regions[0] = "cn-shanghai"
	}
	if h.Regions[1] == "" {
		h.Regions[1] = "cn-beijing"
	}
	if h.SettleTimeout <= 0 {
		h.SettleTimeout = 20 * time.Second
	}
	return &runner{t: t, h: h, p: h.Platform, fx: h.Fixture, ctx: t.Context()}
}

// pairs, groups, replicas and servers return the platform's kind interface; a check that
// reaches one the platform does not serve fails (checks of a kind run only when the harness
// lists it).
func (r *runner) pairs() platform.Pairs {
	k, ok := platform.PairsOf(r.p)
	if !ok {
		r.t.Fatalf("%s does not serve replication pairs", r.p.Name())
	}
	return k
}

func (r *runner) groups() platform.Groups {
	k, ok := platform.GroupsOf(r.p)
	if !ok {
		r.t.Fatalf("%s does not serve protection groups", r.p.Name())
	}
	return k
}

func (r *runner) replicas() platform.Replicas {
	k, ok := platform.ReplicasOf(r.p)
	if !ok {
		r.t.Fatalf("%s does not serve backup replicas", r.p.Name())
	}
	return k
}

func (r *runner) servers() platform.RecoveryServers {
	k, ok := platform.RecoveryServersOf(r.p)
	if !ok {
		r.t.Fatalf("%s does not serve recovery servers", r.p.Name())
	}
	return k
}

// pairCreateManual reports whether the platform manages pairs but cannot create one with
// CreatePair (Capabilities.Manual: Huawei SDRS makes pairs inside protection groups), and the
// step that replaces it.
func (r *runner) pairCreateManual() (string, bool) {
	if !r.supports(pairK) {
		return "", false
	}
	return r.p.Capabilities().ManualStep(pairK, lifecycle.OpCreate)
}

// supports reports whether the platform serves kind k (platform.Serves).
func (r *runner) supports(k lifecycle.Kind) bool { return platform.Serves(r.p, k) }

var tokenSeq atomic.Int64

// token returns a fresh client token (ASCII, at most 64 characters: R001-4).
func token() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return "pt-" + hex.EncodeToString(b[:]) + "-" + itoa(tokenSeq.Add(1))
}

func itoa(n int64) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for ; n > 0; n /= 10 {
		i--
		b[i] = byte('0' + n%10)
	}
	return string(b[i:])
}

// must(v, err)(r) fails the check on err and returns v.
func must[T any](v T, err error) func(r *runner) T {
	return func(r *runner) T {
		r.t.Helper()
		if err != nil {
			r.t.Fatal(err)
		}
		return v
	}
}

func (r *runner) ok(err error, what string) {
	r.t.Helper()
	if err != nil {
		r.t.Fatalf("%s: %v", what, err)
	}
}

// wantClass asserts err is a classified *platform.Error of class (any of classes).
func (r *runner) wantClass(err error, what string, classes ...platform.Class) *platform.Error {
	r.t.Helper()
	if err == nil {
		r.t.Fatalf("%s: want %v, got success", what, classes)
	}
	var pe *platform.Error
	if !errors.As(err, &pe) {
		r.t.Fatalf("%s: want a classified *platform.Error %v, got %T: %v", what, classes, err, err)
	}
	for _, c := range classes {
		if pe.Class == c {
			return pe
		}
	}
	r.t.Fatalf("%s: want %v, got %s: %v", what, classes, pe.Class, err)
	return nil
}
