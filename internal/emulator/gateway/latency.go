package gateway

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"
)

// MaxLatency bounds one call's latency (a draw from a long tail included).
const MaxLatency = 10 * time.Minute

// Latency is the time the gateway adds to a call: none (the zero value), a fixed duration,
// a uniform draw between two durations, or a log-normal draw given its median and 99th
// percentile (the long-tailed shape of a real API's response times).
type Latency struct {
	kind latencyKind
	a, b time.Duration
}

type latencyKind int

const (
	latencyNone latencyKind = iota
	latencyFixed
	latencyUniform
	latencyLogNormal
)

// Fixed is a latency of d on every call.
func Fixed(d time.Duration) Latency {
	if d <= 0 {
		return Latency{}
	}
	return Latency{kind: latencyFixed, a: d}
}

// Uniform is a latency drawn uniformly from [lo, hi].
func Uniform(lo, hi time.Duration) Latency { return Latency{kind: latencyUniform, a: lo, b: hi} }

// LogNormal is a log-normal latency with the given median and 99th percentile.
func LogNormal(median, p99 time.Duration) Latency {
	return Latency{kind: latencyLogNormal, a: median, b: p99}
}

// z99 is the standard normal's 99th percentile.
const z99 = 2.3263478740408408

func (l Latency) sample(r *rand.Rand) time.Duration {
	var d time.Duration
	switch l.kind {
	case latencyFixed:
		d = l.a
	case latencyUniform:
		d = l.a + time.Duration(r.Int64N(int64(l.b-l.a)+1))
	case latencyLogNormal:
		sigma := math.Log(float64(l.b)/float64(l.a)) / z99
		d = time.Duration(float64(l.a) * math.Exp(sigma*r.NormFloat64()))
	}
	return min(max(d, 0), MaxLatency)
}

// String is the latency as ParseLatency reads it ("0s" for none).
func (l Latency) String() string {
	switch l.kind {
	case latencyFixed:
		return l.a.String()
	case latencyUniform:
		return l.a.String() + ".." + l.b.String()
	case latencyLogNormal:
		return "lognormal:" + l.a.String() + "," + l.b.String()
	}
	return "0s"
}

// IsZero reports whether the latency adds nothing.
func (l Latency) IsZero() bool { return l.kind == latencyNone }

// ParseLatency reads a latency: "" or "0" (none), a duration ("100ms": every call), a range
// "50ms..200ms" (uniform), or "lognormal:MEDIAN,P99" (e.g. "lognormal:80ms,400ms").
func ParseLatency(s string) (Latency, error) {
	s = strings.TrimSpace(s)
	bad := func(format string, args ...any) (Latency, error) {
		return Latency{}, fmt.Errorf("latency %q: "+format+" (want 100ms, 50ms..200ms or lognormal:80ms,400ms)", append([]any{s}, args...)...)
	}
	dur := func(x string) (time.Duration, error) {
		d, err := time.ParseDuration(strings.TrimSpace(x))
		if err != nil {
			return 0, err
		}
		if d < 0 || d > MaxLatency {
			return 0, fmt.Errorf("%s is outside [0, %s]", d, MaxLatency)
		}
		return d, nil
	}
	switch {
	case s == "" || s == "0":
		return Latency{}, nil
	case strings.HasPrefix(s, "lognormal:"):
		m, p, ok := strings.Cut(strings.TrimPrefix(s, "lognormal:"), ",")
		if !ok {
			return bad("a log-normal latency names its median and 99th percentile")
		}
		median, err := dur(m)
		if err != nil {
			return bad("%v", err)
		}
		p99, err := dur(p)
		if err != nil {
			return bad("%v", err)
		}
		if median <= 0 || p99 < median {
			return bad("want 0 < median <= p99")
		}
		return LogNormal(median, p99), nil
	case strings.Contains(s, ".."):
		lo, hi, _ := strings.Cut(s, "..")
		a, err := dur(lo)
		if err != nil {
			return bad("%v", err)
		}
		b, err := dur(hi)
		if err != nil {
			return bad("%v", err)
		}
		if b < a {
			return bad("the range is empty")
		}
		return Uniform(a, b), nil
	}
	d, err := dur(s)
	if err != nil {
		return bad("%v", err)
	}
	return Fixed(d), nil
}
