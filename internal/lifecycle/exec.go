package lifecycle

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Backoff is a capped exponential backoff with jitter (a fraction: 0.2 = ±20 %).
type Backoff struct {
	Initial    time.Duration
	Max        time.Duration
	Multiplier float64
	Jitter     float64
}

// DefaultBackoff is used for zero fields of Executor.Backoff.
var DefaultBackoff = Backoff{Initial: time.Second, Max: 30 * time.Second, Multiplier: 2, Jitter: 0.2}

// Event is a progress report from the executor.
type Event struct {
	Kind     Kind
	ID       string
	Step     int
	Op       Op
	State    State
	FailedOp Op
	Time     time.Time
	Elapsed  time.Duration // since the step started
	Message  string
}

// Executor runs plans against a Driver.
type Executor struct {
	Driver  Driver
	Clock   Clock   // nil: the real clock
	Backoff Backoff // zero fields take DefaultBackoff's
	// MaxRetries bounds the retries of a retryable Invoke (and of consecutive retryable
	// Observe errors while waiting). 0 means 5; negative means none.
	MaxRetries int
	// PollInterval is the wait between observations of a transitional state (default 5 s)
	// when Pace is nil.
	PollInterval time.Duration
	// Pace, when set, paces the observations of the operation a step waits for (see Pacing):
	// the first one when the operation is expected to be done, then a backoff.
	Pace func(kind Kind, op Op) Pacing
	// ProgressEvery is the longest time between progress events while waiting (default 30 s).
	ProgressEvery time.Duration
	// CancelTimeout bounds the Driver.Cancel call made after ctx ends (default 30 s).
	CancelTimeout time.Duration
	// Rand returns a number in [0,1) for jitter; nil: math/rand/v2.
	Rand       func() float64
	OnProgress func(Event)
}

// Result is what a run did.
type Result struct {
	Completed  []Step // steps done (including skipped ones), in order
	Skipped    []int  // indexes of steps skipped because the object already was at their target
	FailedStep int    // index of the failed step, -1 when every step succeeded
	Last       Observation
}

// StepError is why a step failed. It wraps the cause (a Violations for a precondition refusal,
// the driver's error, or the context's error).
type StepError struct {
	Kind  Kind
	ID    string
	Index int
	Step  Step
	// Reason: "precondition" (never retried, V-NO-RETRY), "invoke", "observe", "failed" (the
	// object reached its failure state), "unexpected_state", "timeout" (ctx ended), "not_found".
	Reason    string
	State     string // the last observed state, rendered
	LastError string // the platform's last_error, when it reported one
	Err       error
}

func (e *StepError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "step %d (%s) of %s %q: ", e.Index+1, e.Step.Op, e.Kind, e.ID)
	switch e.Reason {
	case "precondition":
		b.WriteString("refused before calling the platform (not retried): ")
		b.WriteString(e.Err.Error())
	case "failed":
		fmt.Fprintf(&b, "the operation failed; the object is %s", e.State)
		if e.LastError != "" {
			b.WriteString(": " + e.LastError)
		}
	case "unexpected_state":
		b.WriteString(e.Err.Error())
	case "timeout":
		fmt.Fprintf(&b, "stopped waiting (%v); last observed state %s; waiting for %s", e.Err, e.State, e.Step.To)
	default:
		fmt.Fprintf(&b, "%s error (last observed state %s): %v", e.Reason, e.State, e.Err)
	}
	return b.String()
}

func (e *StepError) Unwrap() error { return e.Err }

// ClientToken derives the idempotency token of a step (R001-4): deterministic in (kind, id,
// plan-time version, step index, op), ASCII, 43 characters.
func ClientToken(kind Kind, id string, version int64, step int, op Op) string {
	sum := sha256.Sum256([]byte(string(kind) + "\x00" + id + "\x00" + strconv.FormatInt(version, 10) + "\x00" + strconv.Itoa(step) + "\x00" + string(op)))
	return "dr-" + hex.EncodeToString(sum[:20])
}

// IsRetryable reports whether err (or an error it wraps) says Retryable() == true.
func IsRetryable(err error) bool {
	var r retryableError
	return errors.As(err, &r) && r.Retryable()
}

// IsNotFound reports whether err (or an error it wraps) says NotFound() == true.
func IsNotFound(err error) bool {
	var n notFoundError
	return errors.As(err, &n) && n.NotFound()
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }
func (realClock) Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// RealClock is the wall clock.
var RealClock Clock = realClock{}

func (e *Executor) clock() Clock {
	if e.Clock == nil {
		return RealClock
	}
	return e.Clock
}

func (e *Executor) retries() int {
	switch {
	case e.MaxRetries == 0:
		return 5
	case e.MaxRetries < 0:
		return 0
	}
	return e.MaxRetries
}

func durOr(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

func (e *Executor) backoff() Backoff {
	b := e.Backoff
	b.Initial = durOr(b.Initial, DefaultBackoff.Initial)
	b.Max = durOr(b.Max, DefaultBackoff.Max)
	if b.Multiplier < 1 {
		b.Multiplier = DefaultBackoff.Multiplier
	}
	if b.Jitter < 0 || b.Jitter > 1 {
		b.Jitter = DefaultBackoff.Jitter
	}
	return b
}

// delay returns the jittered backoff delay of the n-th retry (0-based).
func (e *Executor) delay(n int) time.Duration {
	b := e.backoff()
	d := float64(b.Initial)
	for i := 0; i < n && d < float64(b.Max); i++ {
		d *= b.Multiplier
	}
	d = min(d, float64(b.Max))
	if b.Jitter > 0 {
		r := rand.Float64
		if e.Rand != nil {
			r = e.Rand
		}
		d *= 1 - b.Jitter + 2*b.Jitter*r()
	}
	return time.Duration(d)
}

func (e *Executor) emit(ev Event) {
	if e.OnProgress != nil {
		e.OnProgress(ev)
	}
}

// Run executes the plan's steps in order on object id, stopping at the first failure. For each
// step it re-observes, skips a step whose target is already reached, re-checks the step's
// preconditions with fresh facts (a refusal is returned at once, never retried), invokes the
// operation with a deterministic client token (retrying only retryable errors, with backoff),
// and waits until the step's target state, its failure state, an unexpected state, or the end
// of ctx (then it asks the driver to cancel the operation).
func (e *Executor) Run(ctx context.Context, kind Kind, id string, plan Path) (Result, error) {
	return e.run(ctx, kind, id, plan, nil)
}

// RunObserved is Run when the caller has just observed the object (for example to plan the
// path it runs): that observation stands in for the first step's own re-observation, saving
// a platform read. Later steps re-observe as in Run.
func (e *Executor) RunObserved(ctx context.Context, kind Kind, id string, plan Path, first Observation) (Result, error) {
	return e.run(ctx, kind, id, plan, &first)
}

func (e *Executor) run(ctx context.Context, kind Kind, id string, plan Path, first *Observation) (Result, error) {
	res := Result{FailedStep: -1}
	if plan.Kind != "" && plan.Kind != kind {
		return res, fmt.Errorf("lifecycle: plan for %s run on a %s", plan.Kind, kind)
	}
	if Table(kind) == nil {
		return res, fmt.Errorf("lifecycle: unknown kind %q", kind)
	}
	for i, st := range plan.Steps {
		last, skipped, err := e.runStep(ctx, kind, id, plan, i, st, first)
		first = nil
		res.Last = last
		if err != nil {
			res.FailedStep = i
			return res, err
		}
		res.Completed = append(res.Completed, st)
		if skipped {
			res.Skipped = append(res.Skipped, i)
		}
	}
	return res, nil
}

func (e *Executor) stepErr(kind Kind, id string, i int, st Step, reason string, obs Observation, err error) *StepError {
	return &StepError{Kind: kind, ID: id, Index: i, Step: st, Reason: reason, State: RenderState(obs.State, obs.FailedOp), LastError: obs.LastError, Err: err}
}

func atTarget(st Step, obs Observation) bool {
	if obs.State != st.To {
		return false
	}
	if st.SiteFlip {
		return obs.ActiveSite == st.ActiveSite
	}
	return st.From.State != st.To
}

func (e *Executor) runStep(ctx context.Context, kind Kind, id string, plan Path, i int, st Step, first *Observation) (Observation, bool, error) {
	clk := e.clock()
	started := clk.Now()
	var obs Observation
	var err error
	if first != nil && first.ID == id && first.Kind == kind {
		obs = *first
	} else {
		obs, err = e.observe(ctx, kind, id)
	}
	if err != nil {
		if IsNotFound(err) && st.To == Deleted {
			e.emit(Event{Kind: kind, ID: id, Step: i, Op: st.Op, State: Deleted, Time: clk.Now(), Message: "already deleted"})
			return Observation{Kind: kind, ID: id, State: Deleted}, true, nil
		}
		reason := "observe"
		if IsNotFound(err) {
			reason = "not_found"
		}
		return obs, false, e.stepErr(kind, id, i, st, reason, obs, err)
	}
	if atTarget(st, obs) {
		e.emit(Event{Kind: kind, ID: id, Step: i, Op: st.Op, State: obs.State, Time: clk.Now(), Message: fmt.Sprintf("%s: already %s, skipped", st.Op, obs.State)})
		return obs, true, nil
	}
	running := st.Wait || st.Platform || (st.Via != "" && obs.State == st.Via) || slices.Contains(st.Pending, obs.State)
	invokedAt := obs.Version
	if !running {
		if vs := ApplyTimeRefusals(Check(kind, st.Op, obs, plan.Options)); len(vs) > 0 {
			return obs, false, e.stepErr(kind, id, i, st, "precondition", obs, Violations(vs))
		}
		token := ClientToken(kind, id, plan.Version, i, st.Op)
		if err := e.invoke(ctx, kind, id, st, callParams(kind, st, obs), token); err != nil {
			reason := "invoke"
			if ctx.Err() != nil {
				reason = "timeout"
			}
			return obs, false, e.stepErr(kind, id, i, st, reason, obs, err)
		}
		e.emit(Event{Kind: kind, ID: id, Step: i, Op: st.Op, State: obs.State, FailedOp: obs.FailedOp, Time: clk.Now(), Elapsed: clk.Now().Sub(started),
			Message: fmt.Sprintf("%s: started (token %s)", st.Op, token)})
	}
	obs, err = e.wait(ctx, kind, id, i, st, obs, invokedAt, started, !running)
	return obs, false, err
}

// callParams adds the region the call must be issued in (R001-3), from the fresh observation,
// to the step's parameters.
func callParams(kind Kind, st Step, obs Observation) map[string]string {
	row, ok := Table(kind).Operation(st.Op)
	if !ok {
		return st.Params
	}
	region := row.RegionFor(obs)
	if region == "" {
		return st.Params
	}
	params := make(map[string]string, len(st.Params)+1)
	for k, v := range st.Params {
		params[k] = v
	}
	params[ParamRegion] = region
	return params
}

// The parameters of Invoke, named in one place: the table rows list them (Operation.Params),
// the executor adds the call region, the provider fills them, the drivers read them.
const (
	// ParamRegion is the region a call is issued in (R001-3), from Operation.Region.
	ParamRegion = "region"
	// ParamPairID / ParamServerID name the member of add_member / remove_member and
	// add_server / remove_server.
	ParamPairID   = "pair_id"
	ParamServerID = "server_id"
	// ParamRecoveryPoint is the recovery point of a recovery server's failover or test
	// failover ("" = the latest).
	ParamRecoveryPoint = "recovery_point"
	// ParamName / ParamDescription are the update operation's metadata.
	ParamName        = "name"
	ParamDescription = "description"
	// ParamAllowDataLoss = "false" asks a platform to refuse a data-loss operation itself (the
	// opt-in is the engine's plan-time policy; platforms accept such operations by default).
	ParamAllowDataLoss = "allow_data_loss"
)

func (e *Executor) invoke(ctx context.Context, kind Kind, id string, st Step, params map[string]string, token string) error {
	for attempt := 0; ; attempt++ {
		err := e.Driver.Invoke(ctx, kind, id, st.Op, token, params)
		if err == nil {
			return nil
		}
		if !IsRetryable(err) || attempt >= e.retries() {
			return err
		}
		if serr := e.clock().Sleep(ctx, e.delay(attempt)); serr != nil {
			return errors.Join(serr, err)
		}
	}
}

// observe reads the object, retrying retryable errors.
func (e *Executor) observe(ctx context.Context, kind Kind, id string) (Observation, error) {
	for attempt := 0; ; attempt++ {
		obs, err := e.Driver.Observe(ctx, kind, id)
		if err == nil {
			return obs, nil
		}
		if !IsRetryable(err) || attempt >= e.retries() {
			return obs, err
		}
		if serr := e.clock().Sleep(ctx, e.delay(attempt)); serr != nil {
			return obs, errors.Join(serr, err)
		}
	}
}

func (e *Executor) cancel(kind Kind, id string, st Step) {
	if st.Platform {
		return
	}
	cctx, done := context.WithTimeout(context.Background(), durOr(e.CancelTimeout, 30*time.Second))
	defer done()
	_ = e.Driver.Cancel(cctx, kind, id, st.Op)
}

// wait polls until the step's target, spacing the observations as the step's pacer says.
// invoked says the operation was just invoked (see pacer).
func (e *Executor) wait(ctx context.Context, kind Kind, id string, i int, st Step, obs Observation, invokedAt int64, started time.Time, invoked bool) (Observation, error) {
	clk := e.clock()
	pending := []State{}
	if st.Via != "" {
		pending = append(pending, st.Via)
	}
	pending = append(pending, st.Pending...)
	if st.From.State != "" && st.From.State != Error {
		pending = append(pending, st.From.State) // the platform has not reflected the call yet
	}
	pace := e.pacer(kind, st.Op, clk.Now(), invoked)
	every := durOr(e.ProgressEvery, 30*time.Second)
	lastEvent := clk.Now()
	prev := RenderState(obs.State, obs.FailedOp)
	for {
		switch {
		case obs.State == st.To && (!st.SiteFlip || obs.ActiveSite == st.ActiveSite):
			e.emit(Event{Kind: kind, ID: id, Step: i, Op: st.Op, State: obs.State, Time: clk.Now(), Elapsed: clk.Now().Sub(started),
				Message: fmt.Sprintf("%s: done, %s", st.Op, obs.State)})
			return obs, nil
		case obs.State == Error && !(st.From.State == Error && obs.Version == invokedAt):
			return obs, e.stepErr(kind, id, i, st, "failed", obs, fmt.Errorf("%s ended in %s", st.Op, RenderState(obs.State, obs.FailedOp)))
		case obs.State == Error || slices.Contains(pending, obs.State):
			// still running (an error{op} being retried counts until the platform moves on)
		default:
			ps := make([]string, len(pending))
			for j, p := range pending {
				ps[j] = string(p)
			}
			return obs, e.stepErr(kind, id, i, st, "unexpected_state", obs, fmt.Errorf(
				"unexpected state %s while waiting for %s (pending: %s; target: %s; failure: error{%s})",
				RenderState(obs.State, obs.FailedOp), st.Op, strings.Join(ps, ", "), st.To, st.Op))
		}
		if d := pace.next(clk.Now()); d <= 0 {
			if err := ctx.Err(); err != nil {
				e.cancel(kind, id, st)
				return obs, e.stepErr(kind, id, i, st, "timeout", obs, err)
			}
		} else if err := clk.Sleep(ctx, d); err != nil {
			e.cancel(kind, id, st)
			return obs, e.stepErr(kind, id, i, st, "timeout", obs, err)
		}
		next, err := e.observe(ctx, kind, id)
		if err != nil {
			if IsNotFound(err) && st.To == Deleted {
				obs = Observation{Kind: kind, ID: id, State: Deleted}
				continue
			}
			if ctx.Err() != nil {
				e.cancel(kind, id, st)
				return obs, e.stepErr(kind, id, i, st, "timeout", obs, ctx.Err())
			}
			return obs, e.stepErr(kind, id, i, st, "observe", obs, err)
		}
		obs = next
		now := clk.Now()
		if cur := RenderState(obs.State, obs.FailedOp); cur != prev {
			prev = cur
			lastEvent = now
			e.emit(Event{Kind: kind, ID: id, Step: i, Op: st.Op, State: obs.State, FailedOp: obs.FailedOp, Time: now, Elapsed: now.Sub(started),
				Message: fmt.Sprintf("%s: %s", st.Op, cur)})
		} else if now.Sub(lastEvent) >= every {
			lastEvent = now
			e.emit(Event{Kind: kind, ID: id, Step: i, Op: st.Op, State: obs.State, FailedOp: obs.FailedOp, Time: now, Elapsed: now.Sub(started),
				Message: fmt.Sprintf("%s: still %s after %s", st.Op, cur, now.Sub(started).Round(time.Second))})
		}
	}
}

// Pacing spaces the observations of one operation the executor waits for (Executor.Pace).
// Expected is how long the operation usually takes (on the wall clock: a platform whose clock
// runs faster divides its durations by its speed); 0 when unknown. Min and Max bound every
// wait between two observations.
//
// With an Expected above Min, the executor observes the operation when it is due — Expected
// after it was invoked, or after the wait began for one already running — in waits of at
// most Max (so a caller's Max still says "at least this often"), then, while it still runs,
// backs off from Expected/4, doubling, within [Min, Max]: an operation that takes k times
// its expected duration costs about log2(k) + 1 observations after it is due, where a fixed
// interval costs k·Expected/interval. Otherwise (unknown or below Min) it observes a just
// invoked operation at once — a fast platform, or an idempotent call that found the work
// done, has often finished already — and then backs off from Min, doubling up to Max.
type Pacing struct {
	Expected time.Duration
	Min, Max time.Duration
}

// pacer is the schedule of one wait's observations.
type pacer struct {
	p       Pacing
	start   time.Time
	backoff time.Duration // the next wait past Expected (0: not started)
	now     bool          // observe at once (first call only)
}

// pacer returns the schedule of a wait for op begun at start; invoked says the operation was
// just invoked. Without Pace every wait is PollInterval (default 5 s), the first one skipped
// after an invoke.
func (e *Executor) pacer(kind Kind, op Op, start time.Time, invoked bool) *pacer {
	var p Pacing
	if e.Pace != nil {
		p = e.Pace(kind, op)
	} else {
		poll := durOr(e.PollInterval, 5*time.Second)
		p = Pacing{Min: poll, Max: poll}
	}
	if p.Max <= 0 {
		p.Max = durOr(e.PollInterval, 5*time.Second)
	}
	p.Min = min(max(p.Min, 0), p.Max)
	if p.Expected <= p.Min {
		p.Expected = 0
	}
	return &pacer{p: p, start: start, now: invoked && p.Expected == 0}
}

// next is how long to wait before the next observation (0: observe now).
func (pc *pacer) next(now time.Time) time.Duration {
	if pc.now {
		pc.now = false
		return 0
	}
	p := pc.p
	if p.Expected > 0 {
		if left := p.Expected - now.Sub(pc.start); left > 0 {
			return min(left, p.Max)
		}
	}
	if pc.backoff == 0 {
		pc.backoff = max(p.Expected/4, p.Min)
		if pc.backoff <= 0 {
			pc.backoff = p.Max
		}
	} else {
		pc.backoff *= 2
	}
	pc.backoff = min(pc.backoff, p.Max)
	return pc.backoff
}
