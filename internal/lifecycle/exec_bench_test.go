package lifecycle

import (
	"context"
	"testing"
)

// memDriver is an in-memory platform for executor benchmarks: an Invoke of a plan step puts
// the object in the step's transitional state (Via) and the next Observe completes it (To),
// so an invoked step costs one Observe before the call, one Invoke and one poll. Waited
// (platform-driven) steps complete on the next Observe.
type memDriver struct {
	cur      Observation
	steps    []Step
	next     int // index of the step the object is working on
	running  bool
	observes int
	invokes  int
}

func (d *memDriver) Observe(_ context.Context, _ Kind, _ string) (Observation, error) {
	d.observes++
	if d.next < len(d.steps) {
		st := d.steps[d.next]
		if d.running || st.Wait || st.Platform {
			d.cur.State = st.To
			if st.SiteFlip {
				d.cur.ActiveSite = st.ActiveSite
			}
			d.cur.Version++
			d.running = false
			d.next++
		}
	}
	return d.cur, nil
}

func (d *memDriver) Invoke(_ context.Context, _ Kind, _ string, op Op, _ string, _ map[string]string) error {
	d.invokes++
	for i := d.next; i < len(d.steps); i++ {
		if d.steps[i].Op == op {
			d.next = i
			break
		}
	}
	if st := d.steps[d.next]; st.Via != "" {
		d.cur.State = st.Via
	}
	d.cur.Version++
	d.running = true
	return nil
}

func (d *memDriver) Cancel(context.Context, Kind, string, Op) error { return nil }

// benchExec runs the planned path from start to goal against an in-memory driver; the clock
// is fake, so the numbers are the executor's own overhead per run (checks, tokens, events).
func benchExec(b *testing.B, k Kind, start Observation, goal Goal) {
	p, vs := Plan(k, start, goal, Options{})
	if HasBlocking(vs) || len(p.Steps) == 0 {
		b.Fatalf("plan: %v, %d steps", vs, len(p.Steps))
	}
	clk := newClock()
	events := 0
	ex := &Executor{Clock: clk, PollInterval: 1, OnProgress: func(Event) { events++ }}
	ctx := context.Background()
	var calls int
	b.ReportAllocs()
	for b.Loop() {
		d := &memDriver{cur: start, steps: p.Steps}
		ex.Driver = d
		if _, err := ex.Run(ctx, k, "id-1", p); err != nil {
			b.Fatal(err)
		}
		calls = d.observes + d.invokes
	}
	b.ReportMetric(float64(len(p.Steps)), "steps/run")
	b.ReportMetric(float64(calls), "driver-calls/run")
}

func BenchmarkExecutor_pair_failover(b *testing.B) {
	o := pair(Replicating)
	benchExec(b, ReplicationPair, o, Goal{States: []State{FailedOver}, ActiveSite: SiteTarget})
}

func BenchmarkExecutor_pair_paused_to_replicating_flipped(b *testing.B) {
	o := pair(Paused)
	o.Facts.ActiveSiteHealthy = true
	benchExec(b, ReplicationPair, o, Goal{States: []State{Replicating}, ActiveSite: SiteTarget})
}

func BenchmarkExecutor_recovery_server_failback(b *testing.B) {
	benchExec(b, RecoveryServer, srv(FailedOver), Goal{States: []State{Standby}})
}
