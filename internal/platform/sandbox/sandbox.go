package sandbox

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	mrand "math/rand/v2"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/retry"
)

// Options configure a sandbox.
type Options struct {
	// TimeScale divides every simulated duration (e.g. 60 makes a 5-minute initial sync take
	// 5 seconds). Zero or negative means 1.
	TimeScale float64
	// Clock is the time source; nil means the wall clock. Tests inject a FakeClock.
	Clock lifecycle.Clock
	// Seed seeds the transient-fault RNG (deterministic tests); 0 picks a random seed.
	Seed uint64
	// Retry is the retry policy of the sandbox's API calls (internal/platform/retry); its zero
	// value is retry.Default. An emulator sets retry.Once (SetRetryPolicy): it answers each
	// request once, and the driver's own layer retries.
	Retry retry.Policy
}

// Sandbox is the embedded DR platform. It implements platform.Platform and platform.Inventory.
type Sandbox struct {
	db    *store
	path  string
	clock lifecycle.Clock
	scale float64

	rngMu sync.Mutex
	rng   *mrand.Rand

	ctrMu    sync.Mutex
	counters map[string]*atomic.Int64

	// faults are re-read from the database at most every faultsTTL (wall time) so that reads
	// stay one transaction; this process's own fault changes invalidate the cache at once.
	faultsMu sync.Mutex
	faults   faultState
	scoped   scopedFaults
	faultsAt time.Time

	// memberLimit is the most pairs one protection group holds (0: no limit; SetMemberLimit).
	memberLimit atomic.Int64

	// retry is the retry policy of every API call (Options.Retry, SetRetryPolicy).
	retryMu sync.Mutex
	retry   retry.Policy
}

const faultsTTL = 250 * time.Millisecond

var (
	_ platform.Platform  = (*Sandbox)(nil)
	_ platform.Inventory = (*Sandbox)(nil)
)

// Open opens (creating if needed) the sandbox database at path. The directory is created 0700
// when missing and the file 0600.
func Open(path string, opts Options) (*Sandbox, error) {
	st, err := openStore(path)
	if err != nil {
		return nil, err
	}
	s := &Sandbox{db: st, path: path, clock: opts.Clock, scale: opts.TimeScale, counters: map[string]*atomic.Int64{}, retry: opts.Retry}
	if s.clock == nil {
		s.clock = RealClock{}
	}
	if s.scale <= 0 {
		s.scale = 1
	}
	seed := opts.Seed
	if seed == 0 {
		var b [8]byte
		_, _ = rand.Read(b[:])
		for _, x := range b {
			seed = seed<<8 | uint64(x)
		}
	}
	s.rng = mrand.New(mrand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	return s, nil
}

// Close closes the database.
func (s *Sandbox) Close() error { return s.db.close() }

// Name returns "sandbox".
func (s *Sandbox) Name() string { return "sandbox" }

// Path returns the database file.
func (s *Sandbox) Path() string { return s.path }

// Inventory returns the sandbox itself.
func (s *Sandbox) Inventory() platform.Inventory { return s }

// SetSeed reseeds the transient-fault RNG.
func (s *Sandbox) SetSeed(seed uint64) {
	s.rngMu.Lock()
	s.rng = mrand.New(mrand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	s.rngMu.Unlock()
}

// Counters returns the calls per method since the last reset.
func (s *Sandbox) Counters() map[string]int64 {
	s.ctrMu.Lock()
	defer s.ctrMu.Unlock()
	out := make(map[string]int64, len(s.counters))
	for k, v := range s.counters {
		if n := v.Load(); n != 0 {
			out[k] = n
		}
	}
	return out
}

// ResetCounters zeroes every counter.
func (s *Sandbox) ResetCounters() {
	s.ctrMu.Lock()
	defer s.ctrMu.Unlock()
	for _, v := range s.counters {
		v.Store(0)
	}
}

func (s *Sandbox) count(method string) {
	s.ctrMu.Lock()
	c, ok := s.counters[method]
	if !ok {
		c = new(atomic.Int64)
		s.counters[method] = c
	}
	s.ctrMu.Unlock()
	c.Add(1)
	if countersOut != nil {
		s.persistCounters()
	}
}

// now is the simulated "now".
func (s *Sandbox) now() time.Time { return s.clock.Now().UTC() }

// scaled divides a simulated duration by the time scale.
func (s *Sandbox) scaled(d time.Duration) time.Duration {
	out := time.Duration(float64(d) / s.scale)
	if out < time.Millisecond && d > 0 {
		out = time.Millisecond
	}
	return out
}

// faultState is persisted in settings["faults"].
type faultState struct {
	TransientErrorRate float64        `json:"transient_error_rate,omitempty"`
	LatencyNS          int64          `json:"latency_ns,omitempty"`
	FailNext           map[string]int `json:"fail_next,omitempty"`
	// Quotas: how many objects of a kind (replication_pair, protection_group) the account
	// may hold; absent or 0 means no limit.
	Quotas map[string]int `json:"quotas,omitempty"`
}

const faultsKey = "faults"

func loadFaults(ctx context.Context, t *tx) (faultState, error) {
	var f faultState
	v, err := t.setting(ctx, faultsKey)
	if err != nil || v == "" {
		return f, err
	}
	err = json.Unmarshal([]byte(v), &f)
	return f, err
}

func (s *Sandbox) invalidateFaults() {
	s.faultsMu.Lock()
	s.faultsAt = time.Time{}
	s.faultsMu.Unlock()
}

func saveFaults(ctx context.Context, t *tx, f faultState) error {
	b, _ := json.Marshal(f)
	return t.setSetting(ctx, faultsKey, string(b))
}

// call runs one API call of the sandbox through the retry layer (internal/platform/retry, the
// sandbox's policy): every attempt counts as a call and meets the faults first (beginOn), then
// runs fn. Calls that work on no DR object (callScope{}) match only unscoped faults.
func call[T any](s *Sandbox, ctx context.Context, method string, sc callScope, fn func(ctx context.Context) (T, error)) (T, error) {
	return retry.Do(ctx, s.retryPolicy(), method, func(ctx context.Context) (T, error) {
		if err := s.beginOn(ctx, method, sc); err != nil {
			var zero T
			return zero, err
		}
		return fn(ctx)
	})
}

// call0 is call for a call without a result.
func call0(s *Sandbox, ctx context.Context, method string, sc callScope, fn func(ctx context.Context) error) error {
	_, err := call(s, ctx, method, sc, func(ctx context.Context) (struct{}, error) { return struct{}{}, fn(ctx) })
	return err
}

// beginOn starts one attempt of an API call on a DR kind, object and operation: it counts the
// call, then applies the configured latency and transient-error faults (scoped faults match
// the call's scope) before anything else happens.
func (s *Sandbox) beginOn(ctx context.Context, method string, sc callScope) error {
	if isLookup(ctx) {
		return ctx.Err() // part of the call an emulator is deciding (Lookup)
	}
	s.count(method)
	if err := ctx.Err(); err != nil {
		return err
	}
	s.faultsMu.Lock()
	f, sf, fresh := s.faults, s.scoped, !s.faultsAt.IsZero() && time.Since(s.faultsAt) < faultsTTL
	s.faultsMu.Unlock()
	if !fresh {
		if err := s.db.read(ctx, func(t *tx) error {
			var err error
			if f, err = loadFaults(ctx, t); err != nil {
				return err
			}
			sf, err = loadScopedFaults(ctx, t)
			return err
		}); err != nil {
			return err
		}
		s.faultsMu.Lock()
		s.faults, s.scoped, s.faultsAt = f, sf, time.Now()
		s.faultsMu.Unlock()
	}
	latency, rate := callFaults(f, sf, sc)
	if latency > 0 {
		if err := s.clock.Sleep(ctx, latency); err != nil {
			return err
		}
	}
	if rate > 0 {
		s.rngMu.Lock()
		roll := s.rng.Float64()
		s.rngMu.Unlock()
		if roll < rate {
			return &platform.Error{Class: platform.ClassRetryable, Code: platform.CodeThrottling,
				Message: fmt.Sprintf("sandbox: injected transient error on %s", method)}
		}
	}
	return nil
}

// FailNext arms the next n operations op on objects of kind to end in error{op}.
func (s *Sandbox) FailNext(ctx context.Context, kind lifecycle.Kind, op lifecycle.Op, n int) error {
	s.count("FailNext")
	defer s.invalidateFaults()
	if n < 0 {
		return platform.Invalidf("", "n must be >= 0")
	}
	return s.settings(ctx, "FailNext", func(t *tx) error {
		f, err := loadFaults(ctx, t)
		if err != nil {
			return err
		}
		if f.FailNext == nil {
			f.FailNext = map[string]int{}
		}
		key := string(kind) + "/" + string(op)
		if n == 0 {
			delete(f.FailNext, key)
		} else {
			f.FailNext[key] = n
		}
		return saveFaults(ctx, t, f)
	})
}

// SetTransientErrorRate makes that fraction (0..1) of API calls fail with a Retryable error.
func (s *Sandbox) SetTransientErrorRate(ctx context.Context, rate float64) error {
	s.count("SetTransientErrorRate")
	defer s.invalidateFaults()
	if rate < 0 || rate > 1 {
		return platform.Invalidf("", "transient error rate %v is outside 0..1", rate)
	}
	return s.settings(ctx, "SetTransientErrorRate", func(t *tx) error {
		f, err := loadFaults(ctx, t)
		if err != nil {
			return err
		}
		f.TransientErrorRate = rate
		return saveFaults(ctx, t, f)
	})
}

// SetQuota limits how many objects of kind (that are not deleted) the account may hold; limit
// 0 removes the limit. A create beyond it fails
// with a quota error (ClassQuota, CodeQuotaExceeded), as a cloud account's quota does; it is
// not a lifecycle rule (no plan can see an account's quota) and never retried.
func (s *Sandbox) SetQuota(ctx context.Context, kind lifecycle.Kind, limit int) error {
	s.count("SetQuota")
	defer s.invalidateFaults()
	if lifecycle.Table(kind) == nil {
		return platform.Invalidf("", "quotas limit the DR kinds, not %q", kind)
	}
	if limit < 0 {
		return platform.Invalidf("", "quota must be >= 0")
	}
	return s.settings(ctx, "SetQuota", func(t *tx) error {
		f, err := loadFaults(ctx, t)
		if err != nil {
			return err
		}
		if f.Quotas == nil {
			f.Quotas = map[string]int{}
		}
		if limit == 0 {
			delete(f.Quotas, string(kind))
		} else {
			f.Quotas[string(kind)] = limit
		}
		return saveFaults(ctx, t, f)
	})
}

// checkQuota refuses a create of kind beyond its quota (SetQuota). Objects are counted as
// they are now (a delete that has completed since the last read frees its place).
func (s *Sandbox) checkQuota(ctx context.Context, t *tx, kind lifecycle.Kind, now time.Time) error {
	f, err := loadFaults(ctx, t)
	if err != nil || f.Quotas[string(kind)] == 0 {
		return err
	}
	limit, n := f.Quotas[string(kind)], 0
	switch kind {
	case lifecycle.ReplicationPair:
		n, err = countLive(ctx, t, s.pairAccess(), now)
	case lifecycle.ProtectionGroup:
		n, err = countLive(ctx, t, s.groupAccess(), now)
	case lifecycle.BackupReplica:
		n, err = countLive(ctx, t, s.replicaAccess(), now)
	case lifecycle.RecoveryServer:
		n, err = countLive(ctx, t, s.rsAccess(), now)
	}
	if err != nil || n < limit {
		return err
	}
	return &platform.Error{Class: platform.ClassQuota, Code: platform.CodeQuotaExceeded,
		Message: fmt.Sprintf("the quota of %d %s objects is used up (%d exist); delete one or raise the quota", limit, kind, n)}
}

// countLive counts the objects of a DR kind that are not deleted.
func countLive[R any, V any, PR interface {
	*R
	core() core
}](ctx context.Context, t *tx, a drAccess[R, V], now time.Time) (int, error) {
	recs, _, err := listRecs[R](ctx, t, a.kind)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, r := range recs {
		cur, _, err := a.load(ctx, t, a.id(r), now)
		if err == nil && *PR(cur).core().state != lifecycle.Deleted {
			n++
		}
	}
	return n, nil
}

// SetLatency adds d (on the sandbox clock) to every API call.
func (s *Sandbox) SetLatency(ctx context.Context, d time.Duration) error {
	s.count("SetLatency")
	defer s.invalidateFaults()
	if d < 0 {
		return platform.Invalidf("", "latency must be >= 0")
	}
	return s.settings(ctx, "SetLatency", func(t *tx) error {
		f, err := loadFaults(ctx, t)
		if err != nil {
			return err
		}
		f.LatencyNS = int64(d)
		return saveFaults(ctx, t, f)
	})
}

// ClearFaults removes every fault setting and every scoped fault.
func (s *Sandbox) ClearFaults(ctx context.Context) error {
	s.count("ClearFaults")
	defer s.invalidateFaults()
	return s.settings(ctx, "ClearFaults", func(t *tx) error {
		if err := saveFaults(ctx, t, faultState{}); err != nil {
			return err
		}
		fs, _, err := listRecs[platform.Fault](ctx, t, kFault)
		if err != nil {
			return err
		}
		for _, f := range fs {
			if err := t.remove(ctx, kFault, f.ID); err != nil {
				return err
			}
		}
		return s.restall(ctx, t, s.now())
	})
}

// Faults returns the persisted fault configuration.
func (s *Sandbox) Faults(ctx context.Context) (platform.Faults, error) {
	s.count("Faults")
	var f faultState
	err := s.audit(ctx, "Faults", func(t *tx) error {
		var err error
		f, err = loadFaults(ctx, t)
		return err
	})
	out := platform.Faults{TransientErrorRate: f.TransientErrorRate, Latency: time.Duration(f.LatencyNS), FailNext: map[string]int{}}
	for k, v := range f.FailNext {
		out.FailNext[k] = v
	}
	return out, err
}

// takeFailNext consumes one armed failure for kind/op (inside the operation's transaction),
// of the sandbox-wide settings or of a fail_next fault.
func takeFailNext(ctx context.Context, t *tx, kind lifecycle.Kind, op lifecycle.Op) (bool, error) {
	return takeFailNextOn(ctx, t, kind, op, "")
}

// takeFailNextOn is takeFailNext for an operation on the object id.
func takeFailNextOn(ctx context.Context, t *tx, kind lifecycle.Kind, op lifecycle.Op, id string) (bool, error) {
	f, err := loadFaults(ctx, t)
	if err != nil {
		return false, err
	}
	key := string(kind) + "/" + string(op)
	if f.FailNext[key] <= 0 {
		return takeScopedFailNext(ctx, t, kind, op, id)
	}
	f.FailNext[key]--
	if f.FailNext[key] == 0 {
		delete(f.FailNext, key)
	}
	return true, saveFaults(ctx, t, f)
}

// ---- idempotency ----

func paramsHash(op lifecycle.Op, params map[string]string) string {
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	h := sha256.New()
	h.Write([]byte(op))
	for _, k := range keys {
		h.Write([]byte{0})
		h.Write([]byte(k))
		h.Write([]byte{1})
		h.Write([]byte(params[k]))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// checkToken looks a client token up for scope (an object ID, or "create:<kind>"). found
// reports a replay of the same op/params (result is the remembered result); a reuse with
// different parameters is Invalid/IdempotentParameterMismatch (R001-4).
func checkToken(ctx context.Context, t *tx, scope, token string, op lifecycle.Op, hash string) (result string, found bool, err error) {
	if token == "" {
		return "", false, nil
	}
	var gotOp, gotHash string
	err = t.QueryRowContext(ctx, qTokenGet, scope, token).Scan(&gotOp, &gotHash, &result)
	if err != nil {
		if err.Error() == "sql: no rows in result set" {
			return "", false, nil
		}
		return "", false, err
	}
	if kind, ok := strings.CutPrefix(scope, "create:"); ok {
		// A create token is remembered with the object it made: once that object is deleted,
		// the token is free again and a create with it makes a new object.
		if live, err := t.exists(ctx, kind, result); err != nil {
			return "", false, err
		} else if !live {
			if !t.writable {
				return "", false, errNeedWrite
			}
			_, err := t.ExecContext(ctx, qTokenDelete, scope, token)
			return "", false, err
		}
	}
	if gotOp != string(op) || gotHash != hash {
		return "", false, &platform.Error{Class: platform.ClassInvalid, Code: platform.CodeIdempotentParameterMismatch,
			Rule: "R001-4", Message: fmt.Sprintf("client token %q was already used with different parameters (operation %s)", token, gotOp)}
	}
	return result, true, nil
}

func saveToken(ctx context.Context, t *tx, scope, token string, op lifecycle.Op, hash, result string, now time.Time) error {
	if token == "" {
		return nil
	}
	if !t.writable {
		return errNeedWrite
	}
	_, err := t.ExecContext(ctx, qTokenInsert,
		scope, token, string(op), hash, result, now.Unix())
	return err
}

// newID returns a fresh object ID with a kind prefix.
func newID(prefix string) string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return prefix + "-" + hex.EncodeToString(b[:])
}

// settings writes the sandbox's own configuration (fault settings, quotas) in one
// transaction, through the retry layer (a busy database): never failed by an injected fault,
// so faults can be switched off while they strike.
func (s *Sandbox) settings(ctx context.Context, method string, fn func(t *tx) error) error {
	return retry.Do0(ctx, s.retryPolicy(), method, func(ctx context.Context) error { return s.db.write(ctx, fn) })
}

// audit reads the sandbox's own records (fault settings, tokens, integrity) like settings.
func (s *Sandbox) audit(ctx context.Context, method string, fn func(t *tx) error) error {
	return retry.Do0(ctx, s.retryPolicy(), method, func(ctx context.Context) error { return s.db.read(ctx, fn) })
}

// view runs fn in a read transaction; when fn finds due work (errNeedWrite) it runs again in
// a write transaction, which applies the work (lazy advancement) atomically.
func (s *Sandbox) view(ctx context.Context, fn func(t *tx) error) error {
	err := s.db.read(ctx, fn)
	if err == errNeedWrite {
		err = s.db.write(ctx, fn)
	}
	return err
}

// Capabilities: the sandbox manages every kind and invokes every operation. It limits the
// pairs of a group only when SetMemberLimit set one (an emulator of a platform that has one).
// Every read model's Observed.Platform is platform.CapabilitiesOf(s).
func (s *Sandbox) Capabilities() *lifecycle.Capabilities {
	c := &lifecycle.Capabilities{Platform: "sandbox", Tags: sandboxTagKinds(), ResourceGroups: sandboxResourceGroupKinds()}
	if n := s.memberLimit.Load(); n > 0 {
		c.MemberLimit = map[lifecycle.Kind]int{lifecycle.ProtectionGroup: int(n)}
	}
	return c
}

// SetRetryPolicy sets the retry policy of the sandbox's API calls for this process's handle
// on the database. An emulator sets retry.Once: the vendor API it speaks answers each request
// once, with the platform's throttling error when a transient fault strikes, and the driver
// under test retries through its own layer.
func (s *Sandbox) SetRetryPolicy(p retry.Policy) {
	s.retryMu.Lock()
	s.retry = p
	s.retryMu.Unlock()
}

func (s *Sandbox) retryPolicy() retry.Policy {
	s.retryMu.Lock()
	defer s.retryMu.Unlock()
	return s.retry
}

// SetMemberLimit makes the sandbox's physics hold at most limit pairs per protection group
// (0: no limit, the default), as a platform with such a limit does (Alibaba EBS: 17 per
// replica group). The limit is a platform capability (Capabilities.MemberLimit): an add_member
// beyond it is refused by the engine's V-GRP-MEMBERS with the code CodeMemberLimit. It holds
// for this process's handle on the database (an emulator sets it for the platform it speaks).
func (s *Sandbox) SetMemberLimit(limit int) {
	s.memberLimit.Store(int64(max(limit, 0)))
}
