package lifecycle

import (
	"context"
	"slices"
	"testing"
	"time"
)

// clockedPair is a pair whose failover, once invoked, is done after took on the fake clock;
// it records when it was observed (relative to the invoke).
type clockedPair struct {
	clk      *fakeClock
	took     time.Duration
	invoked  time.Time
	obs      Observation
	observed []time.Duration
}

func (d *clockedPair) Observe(ctx context.Context, k Kind, id string) (Observation, error) {
	now := d.clk.Now()
	if d.invoked.IsZero() {
		return d.obs, nil
	}
	d.observed = append(d.observed, now.Sub(d.invoked))
	if now.Sub(d.invoked) >= d.took {
		return withState(d.obs, FailedOver, SiteTarget), nil
	}
	return withState(d.obs, FailingOver, SiteSource), nil
}

func (d *clockedPair) Invoke(ctx context.Context, k Kind, id string, op Op, token string, params map[string]string) error {
	d.invoked = d.clk.Now()
	return nil
}

func (d *clockedPair) Cancel(ctx context.Context, k Kind, id string, op Op) error { return nil }

func TestPacingObservesWhenTheOperationIsDue(t *testing.T) {
	t.Parallel()
	s := time.Second
	for _, tc := range []struct {
		name string
		pace Pacing
		took time.Duration
		want []time.Duration // observations after the invoke, from the invoke
	}{
		{"on time: one observation, when due", Pacing{Expected: 15 * s, Min: s, Max: 30 * s}, 15 * s, []time.Duration{15 * s}},
		{"late: backoff from Expected/4", Pacing{Expected: 15 * s, Min: s, Max: 30 * s}, 40 * s,
			[]time.Duration{15 * s, 18750 * time.Millisecond, 26250 * time.Millisecond, 41250 * time.Millisecond}},
		{"the backoff stops at Max", Pacing{Expected: 4 * s, Min: s, Max: 3 * s}, 20 * s,
			[]time.Duration{3 * s, 4 * s, 5 * s, 7 * s, 10 * s, 13 * s, 16 * s, 19 * s, 22 * s}},
		{"Max still caps the waits before it is due", Pacing{Expected: 15 * s, Min: s, Max: 5 * s}, 15 * s, []time.Duration{5 * s, 10 * s, 15 * s}},
		{"unknown: at once, then from Min", Pacing{Min: s, Max: 30 * s}, 10 * s, []time.Duration{0, s, 3 * s, 7 * s, 15 * s}},
		{"below Min counts as unknown", Pacing{Expected: 500 * time.Millisecond, Min: s, Max: 30 * s}, 0, []time.Duration{0}},
		{"no Min: the backoff starts at Max", Pacing{Max: 2 * s}, 5 * s, []time.Duration{0, 2 * s, 4 * s, 6 * s}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clk := newClock()
			start := pair(Replicating)
			p, vs := Plan(ReplicationPair, start, Goal{States: []State{FailedOver}, ActiveSite: SiteTarget}, Options{})
			if len(vs) > 0 {
				t.Fatal(vs)
			}
			d := &clockedPair{clk: clk, took: tc.took, obs: start}
			var asked []Op
			ex := &Executor{Driver: d, Clock: clk, MaxRetries: -1, PollInterval: time.Hour,
				Pace: func(k Kind, op Op) Pacing { asked = append(asked, op); return tc.pace }}
			if _, err := ex.Run(context.Background(), ReplicationPair, "p", p); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(d.observed, tc.want) {
				t.Fatalf("observed at %v after the invoke, want %v", d.observed, tc.want)
			}
			if !slices.Equal(asked, []Op{OpFailover}) {
				t.Fatalf("paced %v, want the failover it waited for", asked)
			}
		})
	}
}

// Without Pace the executor keeps its fixed interval: at once after the invoke, then every
// PollInterval.
func TestPacingNilIsTheFixedInterval(t *testing.T) {
	t.Parallel()
	clk := newClock()
	start := pair(Replicating)
	p, _ := Plan(ReplicationPair, start, Goal{States: []State{FailedOver}, ActiveSite: SiteTarget}, Options{})
	d := &clockedPair{clk: clk, took: 12 * time.Second, obs: start}
	ex := &Executor{Driver: d, Clock: clk, MaxRetries: -1, PollInterval: 5 * time.Second}
	if _, err := ex.Run(context.Background(), ReplicationPair, "p", p); err != nil {
		t.Fatal(err)
	}
	if want := []time.Duration{0, 5 * time.Second, 10 * time.Second, 15 * time.Second}; !slices.Equal(d.observed, want) {
		t.Fatalf("observed at %v, want %v", d.observed, want)
	}
}

// A wait for an operation already running (a Wait step) is paced from when the wait began.
func TestPacingOfARunningOperation(t *testing.T) {
	t.Parallel()
	clk := newClock()
	running := withState(pair(Replicating), FailingOver, SiteSource)
	p, vs := Plan(ReplicationPair, running, Goal{States: []State{FailedOver}, ActiveSite: SiteTarget}, Options{})
	if len(vs) > 0 || len(p.Steps) != 1 || !p.Steps[0].Wait {
		t.Fatalf("plan %+v %v: want one wait", p.Steps, vs)
	}
	d := &clockedPair{clk: clk, took: 6 * time.Second, obs: running, invoked: clk.Now()}
	ex := &Executor{Driver: d, Clock: clk, MaxRetries: -1,
		Pace: func(k Kind, op Op) Pacing {
			return Pacing{Expected: 6 * time.Second, Min: time.Second, Max: time.Minute}
		}}
	if _, err := ex.Run(context.Background(), ReplicationPair, "p", p); err != nil {
		t.Fatal(err)
	}
	// the first observation is the run's own (step start), then one when due
	if want := []time.Duration{0, 6 * time.Second}; !slices.Equal(d.observed, want) {
		t.Fatalf("observed at %v, want %v", d.observed, want)
	}
}
