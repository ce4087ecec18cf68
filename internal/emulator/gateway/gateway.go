// Package gateway is the API gateway every vendor emulator (internal/emulator/<vendor>) sits
// behind: what a real cloud's front door adds to every call before the service answers —
// time (a per-call latency, fixed or drawn from a distribution), per-operation rate limits,
// a throttling rate, and one-shot failures of the next calls of an operation — each answered
// in the vendor's own words (its throttling error, its internal error), which the vendor
// package supplies through Vendor.
//
// The zero Config is instant and unlimited: the test suite runs at full speed unless a test
// (or the dr-emulator command's flags, or its admin endpoint) asks for latency or limits.
// Every call is counted per operation (Stats), throttled or not.
//
// The gateway keeps no DR state: legality, faults of the DR objects (an operation that ends
// in error{op}, a site outage) stay the sandbox's (its fault settings and dr_sandbox_fault).
//
// Rate limits are token buckets (golang.org/x/time/rate), one per operation: "N/s" allows N
// calls at once and N per second after that. A limit on "*" gives every operation without
// its own limit a bucket of that size (each its own bucket, as a cloud's per-API quotas).
package gateway

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Vendor is a vendor emulator's side of the gateway: how its API names the operation of a
// request, and how it answers a throttled or failed call.
type Vendor interface {
	// Operation names the API operation r calls, in the vendor's own naming (the Action of
	// an Alibaba RPC call, the SDK operation of a Huawei Cloud path, …); "" when r is none
	// of the vendor's operations (the emulator answers it as it would).
	Operation(r *http.Request) string
	// Throttle writes the vendor's documented throttling answer. retryAfter is when the
	// operation's bucket holds a call again (0 when the call was throttled by the
	// throttling rate, which has no such time).
	Throttle(w http.ResponseWriter, r *http.Request, op string, retryAfter time.Duration)
	// Fail writes the vendor's answer to an injected failure of one call (its internal
	// server error, which clients retry).
	Fail(w http.ResponseWriter, r *http.Request, op string)
}

// Config configures a gateway. The zero Config is instant and unlimited.
type Config struct {
	// Latency is added to every call before the emulator answers (zero: none).
	Latency Latency
	// Limits are the per-operation rate limits (none: unlimited).
	Limits []Limit
	// ThrottleRate is the fraction of calls throttled at random (0–1), besides the limits.
	ThrottleRate float64
	// Seed seeds the latency and throttling draws (0: random).
	Seed uint64
	// Sleep waits d, or until ctx ends (tests inject one); nil: a timer.
	Sleep func(ctx context.Context, d time.Duration)
	// Now is the time of the rate limiters (tests inject one); nil: time.Now.
	Now func() time.Time
}

// Stats counts the calls of one operation.
type Stats struct {
	Calls     int `json:"calls"`
	Throttled int `json:"throttled"`
	Failed    int `json:"failed"`
}

// Gateway admits the calls of one vendor's emulator. Create it with New; it is safe for
// concurrent use, and its settings can change while it serves.
type Gateway struct {
	v Vendor

	mu       sync.Mutex
	cfg      Config
	rng      *rand.Rand
	buckets  map[string]*rate.Limiter
	failNext map[string]int
	stats    map[string]*Stats
}

// New returns a gateway in front of v's emulator.
func New(v Vendor, cfg Config) *Gateway {
	seed := cfg.Seed
	if seed == 0 {
		seed = rand.Uint64()
	}
	g := &Gateway{v: v, rng: rand.New(rand.NewPCG(seed, seed^0x5bd1e995)), failNext: map[string]int{}, stats: map[string]*Stats{}}
	g.set(func(c *Config) { *c = cfg })
	return g
}

func (g *Gateway) set(f func(*Config)) {
	g.mu.Lock()
	defer g.mu.Unlock()
	f(&g.cfg)
	g.buckets = map[string]*rate.Limiter{} // new limits start with full buckets
}

// SetLatency changes the latency of the calls from now on.
func (g *Gateway) SetLatency(l Latency) { g.set(func(c *Config) { c.Latency = l }) }

// SetLimits replaces the rate limits.
func (g *Gateway) SetLimits(ls []Limit) {
	g.set(func(c *Config) { c.Limits = append([]Limit(nil), ls...) })
}

// SetThrottleRate throttles that fraction of the calls at random (0: none).
func (g *Gateway) SetThrottleRate(p float64) error {
	if p < 0 || p > 1 || math.IsNaN(p) {
		return fmt.Errorf("throttle rate %v is outside [0, 1]", p)
	}
	g.set(func(c *Config) { c.ThrottleRate = p })
	return nil
}

// FailNext makes the next n calls of op (an operation name) fail with the vendor's internal
// error; n = 0 disarms it.
func (g *Gateway) FailNext(op string, n int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if n <= 0 {
		delete(g.failNext, op)
		return
	}
	g.failNext[op] = n
}

// Reset returns the gateway to instant and unlimited, with nothing armed (the counts stay).
func (g *Gateway) Reset() {
	g.set(func(c *Config) { c.Latency, c.Limits, c.ThrottleRate = Latency{}, nil, 0 })
	g.mu.Lock()
	g.failNext = map[string]int{}
	g.mu.Unlock()
}

// Settings is what a gateway does now (the admin endpoint shows it).
type Settings struct {
	Latency      string         `json:"latency"`
	Limits       []string       `json:"rate_limits"`
	ThrottleRate float64        `json:"throttle_rate"`
	FailNext     map[string]int `json:"fail_next"`
}

// Settings returns the current settings.
func (g *Gateway) Settings() Settings {
	g.mu.Lock()
	defer g.mu.Unlock()
	s := Settings{Latency: g.cfg.Latency.String(), Limits: []string{}, ThrottleRate: g.cfg.ThrottleRate, FailNext: map[string]int{}}
	for _, l := range g.cfg.Limits {
		s.Limits = append(s.Limits, l.String())
	}
	for k, v := range g.failNext {
		s.FailNext[k] = v
	}
	return s
}

// Stats returns the calls counted per operation since the gateway started.
func (g *Gateway) Stats() map[string]Stats {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := make(map[string]Stats, len(g.stats))
	for k, v := range g.stats {
		out[k] = *v
	}
	return out
}

// verdict is what Admit decided for one call.
type verdict int

const (
	pass verdict = iota
	throttle
	fail
)

// Admit runs the gateway for one call: it waits the latency, then answers the call itself
// (throttled or failed, in the vendor's words) and returns false, or returns true for the
// emulator to answer it. A nil gateway admits everything.
func (g *Gateway) Admit(w http.ResponseWriter, r *http.Request) bool {
	if g == nil {
		return true
	}
	op := g.v.Operation(r)
	key := op
	if key == "" {
		key = "(other)"
	}
	g.mu.Lock()
	st := g.stats[key]
	if st == nil {
		st = &Stats{}
		g.stats[key] = st
	}
	st.Calls++
	delay := g.cfg.Latency.sample(g.rng)
	sleep := g.cfg.Sleep
	g.mu.Unlock()

	if delay > 0 {
		if sleep != nil {
			sleep(r.Context(), delay)
		} else {
			t := time.NewTimer(delay)
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
			}
		}
	}

	v, retryAfter := g.decide(op, st)
	switch v {
	case fail:
		g.v.Fail(w, r, op)
		return false
	case throttle:
		g.v.Throttle(w, r, op, retryAfter)
		return false
	}
	return true
}

func (g *Gateway) decide(op string, st *Stats) (verdict, time.Duration) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if op != "" {
		if n := g.failNext[op]; n > 0 {
			if n == 1 {
				delete(g.failNext, op)
			} else {
				g.failNext[op] = n - 1
			}
			st.Failed++
			return fail, 0
		}
	}
	if p := g.cfg.ThrottleRate; p > 0 && g.rng.Float64() < p {
		st.Throttled++
		return throttle, 0
	}
	if b := g.bucket(op); b != nil {
		now := time.Now()
		if g.cfg.Now != nil {
			now = g.cfg.Now()
		}
		res := b.ReserveN(now, 1)
		if d := res.DelayFrom(now); d > 0 || !res.OK() {
			res.CancelAt(now)
			st.Throttled++
			return throttle, d
		}
	}
	return pass, 0
}

// bucket is op's token bucket (nil: unlimited); mu is held.
func (g *Gateway) bucket(op string) *rate.Limiter {
	if b, ok := g.buckets[op]; ok {
		return b
	}
	var lim *Limit
	for i := range g.cfg.Limits {
		l := &g.cfg.Limits[i]
		if l.Operation == op {
			lim = l
			break
		}
		if l.Operation == "*" && lim == nil {
			lim = l
		}
	}
	var b *rate.Limiter
	if lim != nil {
		b = rate.NewLimiter(rate.Every(lim.Per/time.Duration(lim.Calls)), lim.Calls)
	}
	g.buckets[op] = b
	return b
}

// Limit is a rate limit: at most Calls calls of Operation per Per ("*": every operation
// without its own limit, each in its own bucket).
type Limit struct {
	Operation string
	Calls     int
	Per       time.Duration
}

// String is the limit as ParseLimit reads it.
func (l Limit) String() string {
	return l.Operation + "=" + strconv.Itoa(l.Calls) + "/" + perString(l.Per)
}

func perString(d time.Duration) string {
	switch d {
	case time.Second:
		return "s"
	case time.Minute:
		return "min"
	case time.Hour:
		return "h"
	}
	return d.String()
}

// ParseLimit reads "OPERATION=N/UNIT": N calls per UNIT, where UNIT is s, min, h or a Go
// duration ("10s"); OPERATION is an operation name or "*".
func ParseLimit(s string) (Limit, error) {
	op, rest, ok := strings.Cut(strings.TrimSpace(s), "=")
	n, unit, ok2 := strings.Cut(rest, "/")
	if !ok || !ok2 || strings.TrimSpace(op) == "" {
		return Limit{}, fmt.Errorf("rate limit %q: want OPERATION=N/UNIT, e.g. DescribeDisks=10/s or *=100/min", s)
	}
	calls, err := strconv.Atoi(strings.TrimSpace(n))
	if err != nil || calls <= 0 {
		return Limit{}, fmt.Errorf("rate limit %q: %q is not a positive number of calls", s, n)
	}
	var per time.Duration
	switch u := strings.TrimSpace(unit); u {
	case "s", "sec", "second":
		per = time.Second
	case "m", "min", "minute":
		per = time.Minute
	case "h", "hour":
		per = time.Hour
	default:
		d, err := time.ParseDuration(u)
		if err != nil || d <= 0 {
			return Limit{}, fmt.Errorf("rate limit %q: unit %q is not s, min, h or a duration like 10s", s, u)
		}
		per = d
	}
	return Limit{Operation: strings.TrimSpace(op), Calls: calls, Per: per}, nil
}
