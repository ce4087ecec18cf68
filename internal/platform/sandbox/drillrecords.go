package sandbox

import (
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// The last drill on record (issue 27), kept on each pair, group and recovery server: when it
// started, became ready and ended, and how it went. A pair's or group's drill (start_drill)
// makes its test copy from the last recovery point at once, so it is ready when it starts; a
// recovery server's drill is its test failover, ready when the test VM runs (testing). The
// record outlives the drill: it is the last one until the next starts. Times are the
// sandbox's clock (wall time); the time to ready is reported in simulated time, at the
// sandbox's time scale, as every platform reports its own clock.

// drillStarted is the record of a drill starting at now; ready at once when ready.
func drillStarted(now time.Time, ready bool) *platform.DrillRecord {
	r := &platform.DrillRecord{ID: newID("drill"), StartedAt: now, Outcome: platform.DrillStarting}
	if ready {
		r.ReadyAt, r.Outcome = now, platform.DrillReady
	}
	return r
}

// drillFailed records that the drill never became ready.
func drillFailed(r *platform.DrillRecord, at time.Time, msg string) {
	if r == nil {
		return
	}
	r.EndedAt, r.Outcome, r.Message = at, platform.DrillFailed, msg
}

// drillBecameReady records that the drill's test copy is ready.
func drillBecameReady(r *platform.DrillRecord, at time.Time) {
	if r == nil || r.Outcome != platform.DrillStarting {
		return
	}
	r.ReadyAt, r.Outcome = at, platform.DrillReady
}

// drillEnded records the cleanup of the drill: succeeded once it was ready; a cleanup that
// failed keeps the drill's test resources.
func drillEnded(r *platform.DrillRecord, at time.Time, failed bool, msg string) {
	if r == nil {
		return
	}
	switch {
	case failed:
		r.Outcome, r.Message = platform.DrillCleanupFailed, msg
	case r.Outcome == platform.DrillReady || r.Outcome == platform.DrillCleanupFailed:
		r.EndedAt, r.Outcome, r.Message = at, platform.DrillSucceeded, ""
	case r.Outcome == platform.DrillStarting:
		drillFailed(r, at, "the drill was stopped before its test copy was ready")
	}
}

// drillView is the record as reported: a copy, with the time to ready in simulated time.
func (s *Sandbox) drillView(r *platform.DrillRecord) *platform.DrillRecord {
	if r == nil {
		return nil
	}
	out := *r
	if !r.ReadyAt.IsZero() {
		out.TimeToReady = time.Duration(float64(r.ReadyAt.Sub(r.StartedAt)) * s.scale)
	}
	return &out
}

// recordDrill applies a drill row's result to a pair's or group's record: start_drill starts
// one (ready at once) or fails it, stop_drill ends it.
func recordDrill(op lifecycle.Op, active *bool, last **platform.DrillRecord, now time.Time, fail bool, msg string) {
	switch op {
	case lifecycle.OpStartDrill:
		r := drillStarted(now, !fail)
		if fail {
			drillFailed(r, now, msg)
		} else {
			*active = true
		}
		*last = r
	case lifecycle.OpStopDrill:
		if !fail {
			*active = false
		}
		drillEnded(*last, now, fail, msg)
	}
}

// lagSeconds is how old the standby copy is, in simulated seconds (the platform's clock, in
// which the recovery point objective is given); 0 without a recovery point.
func (s *Sandbox) lagSeconds(now, lastPoint time.Time) int64 {
	if lastPoint.IsZero() || now.Before(lastPoint) {
		return 0
	}
	return int64(float64(now.Sub(lastPoint)) * s.scale / float64(time.Second))
}
