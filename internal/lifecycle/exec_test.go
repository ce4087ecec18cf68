package lifecycle

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

type fakeClock struct {
	mu       sync.Mutex
	now      time.Time
	cancelAt time.Time
	cancel   context.CancelFunc
	slept    []time.Duration
}

func newClock() *fakeClock { return &fakeClock{now: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.slept = append(c.slept, d)
	hit := c.cancel != nil && !c.cancelAt.IsZero() && !c.now.Before(c.cancelAt)
	c.mu.Unlock()
	if hit {
		c.cancel()
	}
	return ctx.Err()
}

type drvErr struct {
	msg       string
	retryable bool
	notFound  bool
}

func (e *drvErr) Error() string   { return e.msg }
func (e *drvErr) Retryable() bool { return e.retryable }
func (e *drvErr) NotFound() bool  { return e.notFound }

type call struct {
	op    Op
	token string
}

// fakeDriver returns cur until an Invoke; each Invoke appends its script to the queue of
// observations returned by the next Observe calls (the last one sticks).
type fakeDriver struct {
	mu          sync.Mutex
	cur         Observation
	queue       []Observation
	scripts     map[Op][]Observation
	invokeErrs  []error // consumed per Invoke call
	observeErrs []error // consumed per Observe call (nil entries = no error)
	invokes     []call
	cancels     []Op
	observes    int
}

func (d *fakeDriver) Observe(ctx context.Context, k Kind, id string) (Observation, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.observes++
	if len(d.observeErrs) > 0 {
		e := d.observeErrs[0]
		d.observeErrs = d.observeErrs[1:]
		if e != nil {
			return Observation{}, e
		}
	}
	if len(d.queue) > 0 {
		d.cur = d.queue[0]
		d.queue = d.queue[1:]
	}
	return d.cur, nil
}

func (d *fakeDriver) Invoke(ctx context.Context, k Kind, id string, op Op, token string, params map[string]string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.invokes = append(d.invokes, call{op, token})
	if len(d.invokeErrs) > 0 {
		e := d.invokeErrs[0]
		d.invokeErrs = d.invokeErrs[1:]
		if e != nil {
			return e
		}
	}
	d.queue = append(d.queue, d.scripts[op]...)
	return nil
}

func (d *fakeDriver) Cancel(ctx context.Context, k Kind, id string, op Op) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, ok := ctx.Deadline(); !ok || ctx.Err() != nil {
		panic("Cancel needs a fresh context with a deadline")
	}
	d.cancels = append(d.cancels, op)
	return nil
}

func withState(o Observation, s State, site Site) Observation {
	o.State, o.ActiveSite, o.FailedOp = s, site, ""
	o.Version++
	return o
}

func newExec(d Driver, c Clock, events *[]Event) *Executor {
	return &Executor{Driver: d, Clock: c, Backoff: Backoff{Initial: time.Second, Max: 4 * time.Second, Multiplier: 2, Jitter: 0.5},
		Rand: func() float64 { return 0.5 }, MaxRetries: 3, PollInterval: 5 * time.Second,
		OnProgress: func(e Event) { *events = append(*events, e) }}
}

func pairFailoverSetup() (*fakeDriver, Path) {
	start := pair(Replicating)
	p, vs := Plan(ReplicationPair, start, Goal{States: []State{FailedOver}, ActiveSite: SiteTarget}, Options{})
	if len(vs) > 0 {
		panic(vs)
	}
	fo := withState(start, FailingOver, SiteSource)
	done := withState(fo, FailedOver, SiteTarget)
	return &fakeDriver{cur: start, scripts: map[Op][]Observation{OpFailover: {fo, fo, fo, fo, fo, fo, fo, fo, done}}}, p
}

func TestExecutorTransientErrorsRetriedWithSameToken(t *testing.T) {
	t.Parallel()
	d, p := pairFailoverSetup()
	d.invokeErrs = []error{&drvErr{msg: "busy", retryable: true}, &drvErr{msg: "busy", retryable: true}}
	var ev []Event
	c := newClock()
	res, err := newExec(d, c, &ev).Run(context.Background(), ReplicationPair, "id-1", p)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.invokes) != 3 || d.invokes[0].token != d.invokes[2].token || d.invokes[0].token != ClientToken(ReplicationPair, "id-1", 7, 0, OpFailover) {
		t.Fatalf("invokes %+v", d.invokes)
	}
	if err := ValidateClientToken(d.invokes[0].token); err != nil {
		t.Fatal(err)
	}
	if c.slept[0] != time.Second || c.slept[1] != 2*time.Second { // capped exponential, jitter centred
		t.Fatalf("backoff %v", c.slept)
	}
	if res.FailedStep != -1 || len(res.Completed) != 1 || res.Last.State != FailedOver {
		t.Fatalf("%+v", res)
	}
	// progress: a state change and at least every 30 s of waiting
	var still, change bool
	for _, e := range ev {
		still = still || strings.Contains(e.Message, "still failing_over")
		change = change || e.Message == "failover: failing_over"
	}
	if !still || !change {
		t.Fatalf("events %+v", ev)
	}
}

func TestExecutorRetriesExhausted(t *testing.T) {
	t.Parallel()
	d, p := pairFailoverSetup()
	busy := &drvErr{msg: "busy", retryable: true}
	d.invokeErrs = []error{busy, busy, busy, busy, busy}
	var ev []Event
	res, err := newExec(d, newClock(), &ev).Run(context.Background(), ReplicationPair, "id-1", p)
	var se *StepError
	if !errors.As(err, &se) || se.Reason != "invoke" || len(d.invokes) != 4 || res.FailedStep != 0 {
		t.Fatalf("%v %+v %d", err, res, len(d.invokes))
	}
	if !strings.Contains(err.Error(), "busy") {
		t.Fatal(err)
	}
}

func TestExecutorNonRetryableInvokeError(t *testing.T) {
	t.Parallel()
	d, p := pairFailoverSetup()
	d.invokeErrs = []error{&drvErr{msg: "conflict"}}
	var ev []Event
	_, err := newExec(d, newClock(), &ev).Run(context.Background(), ReplicationPair, "id-1", p)
	if err == nil || len(d.invokes) != 1 {
		t.Fatal(err, d.invokes)
	}
}

func testPreconditionNotRetried(t *testing.T) {
	d, p := pairFailoverSetup()
	// between plan and apply the first sync turns out not done (fresh facts)
	d.cur.Facts.FirstSyncDone = false
	var ev []Event
	res, err := newExec(d, newClock(), &ev).Run(context.Background(), ReplicationPair, "id-1", p)
	var se *StepError
	var vs Violations
	if !errors.As(err, &se) || se.Reason != "precondition" || !errors.As(err, &vs) || vs[0].Rule != "V-FIRST-SYNC" {
		t.Fatalf("%v", err)
	}
	if len(d.invokes) != 0 || d.observes != 1 || res.FailedStep != 0 {
		t.Fatalf("retried or invoked: %+v %d", d.invokes, d.observes)
	}
	if !strings.Contains(err.Error(), "not retried") {
		t.Fatal(err)
	}
}

func TestExecutorFailureState(t *testing.T) {
	t.Parallel()
	d, p := pairFailoverSetup()
	fo := withState(d.cur, FailingOver, SiteSource)
	failed := withState(fo, Error, SiteSource)
	failed.FailedOp = OpFailover
	failed.LastError = "secondary disk unreachable"
	d.scripts[OpFailover] = []Observation{fo, failed}
	var ev []Event
	res, err := newExec(d, newClock(), &ev).Run(context.Background(), ReplicationPair, "id-1", p)
	var se *StepError
	if !errors.As(err, &se) || se.Reason != "failed" || se.State != "error{failover}" || !strings.Contains(err.Error(), "secondary disk unreachable") {
		t.Fatal(err)
	}
	if res.Last.State != Error || res.Last.FailedOp != OpFailover || res.FailedStep != 0 {
		t.Fatalf("%+v", res)
	}
}

func TestExecutorUnexpectedState(t *testing.T) {
	t.Parallel()
	d, p := pairFailoverSetup()
	d.scripts[OpFailover] = []Observation{withState(d.cur, Invalid, SiteSource)}
	var ev []Event
	_, err := newExec(d, newClock(), &ev).Run(context.Background(), ReplicationPair, "id-1", p)
	var se *StepError
	if !errors.As(err, &se) || se.Reason != "unexpected_state" {
		t.Fatal(err)
	}
	for _, w := range []string{"invalid", "pending: failing_over", "target: failed_over", "failure: error{failover}"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("%q lacks %q", err, w)
		}
	}
}

func TestExecutorDeadlineCancels(t *testing.T) {
	t.Parallel()
	d, p := pairFailoverSetup()
	fo := withState(d.cur, FailingOver, SiteSource)
	d.scripts[OpFailover] = []Observation{fo} // never finishes
	c := newClock()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c.cancel, c.cancelAt = cancel, c.now.Add(10*time.Minute)
	var ev []Event
	res, err := newExec(d, c, &ev).Run(ctx, ReplicationPair, "id-1", p)
	var se *StepError
	if !errors.As(err, &se) || se.Reason != "timeout" || !errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
	if len(d.cancels) != 1 || d.cancels[0] != OpFailover {
		t.Fatal(d.cancels)
	}
	if !strings.Contains(err.Error(), "failing_over") || !strings.Contains(err.Error(), "step 1 (failover)") {
		t.Fatal(err)
	}
	if res.Last.State != FailingOver {
		t.Fatal(res.Last)
	}
	n := 0
	for _, e := range ev {
		if strings.Contains(e.Message, "still") {
			n++
		}
	}
	if n < 10*60/30-1 {
		t.Fatalf("only %d progress events in 10 min", n)
	}
}

func TestExecutorSkipsStepAtTarget(t *testing.T) {
	t.Parallel()
	start := pair(Replicating)
	p, _ := Plan(ReplicationPair, start, Goal{States: []State{Deleted}}, Options{}) // stop → delete
	if p.Summary() != "stop → delete" {
		t.Fatal(p.Summary())
	}
	// a re-run after an interrupted apply: the pair is already paused
	d := &fakeDriver{cur: withState(start, Paused, SiteSource), scripts: map[Op][]Observation{
		OpDelete: {withState(start, Deleting, SiteSource)}}}
	d.observeErrs = []error{nil, nil, &drvErr{msg: "gone", notFound: true}}
	var ev []Event
	res, err := newExec(d, newClock(), &ev).Run(context.Background(), ReplicationPair, "id-1", p)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Skipped) != 1 || res.Skipped[0] != 0 || len(d.invokes) != 1 || d.invokes[0].op != OpDelete || res.Last.State != Deleted {
		t.Fatalf("%+v %+v", res, d.invokes)
	}
	if !strings.Contains(ev[0].Message, "skipped") {
		t.Fatal(ev)
	}
}

func TestExecutorWaitsThroughTransitionalAndPlatformSteps(t *testing.T) {
	t.Parallel()
	start := srv(Finalizing)
	p, vs := Plan(RecoveryServer, start, Goal{States: []State{ReadyForFailback}}, Options{})
	if len(vs) > 0 || p.Summary() != "wait(failover) → failback" {
		t.Fatal(p.Summary(), vs)
	}
	fo := withState(start, FailedOver, "")
	fb := withState(fo, FailingBack, "")
	rdy := withState(fb, ReadyForFailback, "")
	rel := withState(rdy, Releasing, "")
	sb := withState(rel, Standby, "")
	d := &fakeDriver{cur: start, queue: []Observation{start, start, fo}, scripts: map[Op][]Observation{
		OpFailback: {fb, rdy}, OpConfirmFailback: {rel, sb}}}
	var ev []Event
	res, err := newExec(d, newClock(), &ev).Run(context.Background(), RecoveryServer, "id-1", p)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.invokes) != 1 || d.invokes[0].op != OpFailback || res.Last.State != ReadyForFailback || len(res.Completed) != 2 {
		t.Fatalf("%+v %+v", d.invokes, res)
	}
}

func TestExecutorRetryFromErrorState(t *testing.T) {
	t.Parallel()
	start := syncable(grp(Error))
	start.FailedOp = OpEnableProtection
	p, vs := Plan(ProtectionGroup, start, Goal{States: []State{Replicating}}, Options{})
	if len(vs) > 0 || p.Summary() != "enable_protection" {
		t.Fatal(p.Summary(), vs)
	}
	same := start // the platform has not reflected the retry yet
	d := &fakeDriver{cur: start, scripts: map[Op][]Observation{OpEnableProtection: {same, withState(start, Starting, SiteSource), withState(start, Replicating, SiteSource)}}}
	var ev []Event
	if _, err := newExec(d, newClock(), &ev).Run(context.Background(), ProtectionGroup, "id-1", p); err != nil {
		t.Fatal(err)
	}
}

func TestExecutorObserveErrors(t *testing.T) {
	t.Parallel()
	d, p := pairFailoverSetup()
	d.observeErrs = []error{&drvErr{msg: "throttled", retryable: true}, nil, &drvErr{msg: "boom"}}
	var ev []Event
	_, err := newExec(d, newClock(), &ev).Run(context.Background(), ReplicationPair, "id-1", p)
	var se *StepError
	if !errors.As(err, &se) || se.Reason != "observe" || !strings.Contains(err.Error(), "boom") {
		t.Fatal(err)
	}
	d2, p2 := pairFailoverSetup()
	d2.observeErrs = []error{&drvErr{msg: "gone", notFound: true}}
	_, err = newExec(d2, newClock(), &ev).Run(context.Background(), ReplicationPair, "id-1", p2)
	if !errors.As(err, &se) || se.Reason != "not_found" {
		t.Fatal(err)
	}
}

func TestExecutorMisc(t *testing.T) {
	t.Parallel()
	e := &Executor{}
	if e.retries() != 5 || e.clock() != RealClock {
		t.Fatal("defaults")
	}
	e.MaxRetries = -1
	if e.retries() != 0 {
		t.Fatal("negative")
	}
	if d := e.delay(10); d < 24*time.Second || d > 36*time.Second {
		t.Fatalf("default delay %v", d)
	}
	if _, err := e.Run(context.Background(), ReplicationPair, "x", Path{Kind: ProtectionGroup}); err == nil {
		t.Fatal("kind mismatch accepted")
	}
	if _, err := e.Run(context.Background(), "nope", "x", Path{}); err == nil {
		t.Fatal("unknown kind accepted")
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := RealClock.Sleep(ctx, time.Millisecond); err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := RealClock.Sleep(ctx, time.Hour); err == nil {
		t.Fatal("sleep ignored ctx")
	}
	if !IsRetryable(&drvErr{retryable: true}) || IsRetryable(errors.New("x")) || !IsNotFound(&drvErr{notFound: true}) {
		t.Fatal("classification")
	}
	se := &StepError{Reason: "observe", Err: errors.New("x"), Step: Step{Op: OpStart}}
	if !strings.Contains(se.Error(), "observe error") || se.Unwrap() == nil {
		t.Fatal(se.Error())
	}
}

// RunObserved uses the caller's fresh observation for the first step (no extra Observe), and
// the first re-observation after an Invoke is made at once, without sleeping PollInterval.
func TestExecutorRunObservedImmediateReobserve(t *testing.T) {
	t.Parallel()
	start := pair(Replicating)
	p, vs := Plan(ReplicationPair, start, Goal{States: []State{FailedOver}, ActiveSite: SiteTarget}, Options{})
	if len(vs) > 0 {
		t.Fatal(vs)
	}
	done := withState(withState(start, FailingOver, SiteSource), FailedOver, SiteTarget)
	d := &fakeDriver{cur: start, scripts: map[Op][]Observation{OpFailover: {done}}}
	var ev []Event
	c := newClock()
	res, err := newExec(d, c, &ev).RunObserved(context.Background(), ReplicationPair, start.ID, p, start)
	if err != nil {
		t.Fatal(err)
	}
	if d.observes != 1 || len(d.invokes) != 1 || len(c.slept) != 0 || res.Last.State != FailedOver {
		t.Fatalf("observes %d invokes %d slept %v last %+v", d.observes, len(d.invokes), c.slept, res.Last)
	}

	// An observation of another object is not used; a context that ends right after the
	// Invoke stops the wait (and cancels) before the immediate re-observation.
	d = &fakeDriver{cur: start, scripts: map[Op][]Observation{OpFailover: {start}}}
	ctx, cancel := context.WithCancel(context.Background())
	drv := &cancelOnInvoke{fakeDriver: d, cancel: cancel}
	other := start
	other.ID = "another"
	_, err = newExec(drv, newClock(), &ev).RunObserved(ctx, ReplicationPair, start.ID, p, other)
	var se *StepError
	if !errors.As(err, &se) || se.Reason != "timeout" || d.observes != 1 || len(d.cancels) != 1 {
		t.Fatalf("%v observes %d cancels %v", err, d.observes, d.cancels)
	}
}

type cancelOnInvoke struct {
	*fakeDriver
	cancel context.CancelFunc
}

func (d *cancelOnInvoke) Invoke(ctx context.Context, k Kind, id string, op Op, token string, params map[string]string) error {
	err := d.fakeDriver.Invoke(ctx, k, id, op, token, params)
	d.cancel()
	return err
}
