package gateway

import (
	"context"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"testing"
	"time"
)

// fakeVendor names the operation by the path and answers 429/500 with the operation.
type fakeVendor struct{}

func (fakeVendor) Operation(r *http.Request) string { return r.URL.Path[1:] }
func (fakeVendor) Throttle(w http.ResponseWriter, r *http.Request, op string, after time.Duration) {
	w.Header().Set("Retry-After", strconv.FormatInt(int64(after/time.Millisecond), 10))
	w.WriteHeader(http.StatusTooManyRequests)
}
func (fakeVendor) Fail(w http.ResponseWriter, r *http.Request, op string) {
	w.WriteHeader(http.StatusInternalServerError)
}

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func call(g *Gateway, op string) (int, string) {
	w := httptest.NewRecorder()
	if g.Admit(w, httptest.NewRequest(http.MethodGet, "/"+op, nil)) {
		return http.StatusOK, ""
	}
	return w.Code, w.Header().Get("Retry-After")
}

func TestZeroConfigAdmitsAndCounts(t *testing.T) {
	slept := false
	g := New(fakeVendor{}, Config{Sleep: func(context.Context, time.Duration) { slept = true }})
	for range 100 {
		if code, _ := call(g, "Describe"); code != http.StatusOK {
			t.Fatalf("the zero config answered %d", code)
		}
	}
	if slept {
		t.Fatal("the zero config slept")
	}
	if s := g.Stats()["Describe"]; s.Calls != 100 || s.Throttled != 0 {
		t.Fatalf("stats %+v, want 100 calls", s)
	}
	var nilGW *Gateway
	if !nilGW.Admit(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/x", nil)) {
		t.Fatal("a nil gateway refused a call")
	}
}

func TestLatencyIsSleptPerCall(t *testing.T) {
	var slept []time.Duration
	g := New(fakeVendor{}, Config{Latency: Fixed(100 * time.Millisecond), Sleep: func(_ context.Context, d time.Duration) { slept = append(slept, d) }})
	call(g, "A")
	call(g, "B")
	if !slices.Equal(slept, []time.Duration{100 * time.Millisecond, 100 * time.Millisecond}) {
		t.Fatalf("slept %v", slept)
	}
	g.SetLatency(Uniform(10*time.Millisecond, 20*time.Millisecond))
	for range 50 {
		call(g, "A")
	}
	for _, d := range slept[2:] {
		if d < 10*time.Millisecond || d > 20*time.Millisecond {
			t.Fatalf("uniform draw %s outside [10ms, 20ms]", d)
		}
	}
	// the real timer: a fixed latency delays the answer
	g = New(fakeVendor{}, Config{Latency: Fixed(30 * time.Millisecond)})
	start := time.Now()
	call(g, "A")
	if d := time.Since(start); d < 30*time.Millisecond {
		t.Fatalf("a 30ms latency answered after %s", d)
	}
}

func TestLogNormalMedianAndTail(t *testing.T) {
	l := LogNormal(100*time.Millisecond, 400*time.Millisecond)
	r := rand.New(rand.NewPCG(1, 2))
	var ds []time.Duration
	for range 20000 {
		ds = append(ds, l.sample(r))
	}
	slices.Sort(ds)
	med, p99 := ds[len(ds)/2], ds[len(ds)*99/100]
	if med < 90*time.Millisecond || med > 110*time.Millisecond || p99 < 350*time.Millisecond || p99 > 450*time.Millisecond {
		t.Fatalf("median %s, p99 %s; want about 100ms and 400ms", med, p99)
	}
}

func TestRateLimitPerOperation(t *testing.T) {
	c := &clock{t: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}
	g := New(fakeVendor{}, Config{Now: c.now, Limits: []Limit{{Operation: "Failover", Calls: 2, Per: time.Second}, {Operation: "*", Calls: 1, Per: time.Minute}}})
	for i := range 2 {
		if code, _ := call(g, "Failover"); code != http.StatusOK {
			t.Fatalf("call %d within the burst answered %d", i, code)
		}
	}
	code, after := call(g, "Failover")
	if code != http.StatusTooManyRequests || after != "500" {
		t.Fatalf("the third call in a second: %d, retry after %sms; want 429 after 500ms", code, after)
	}
	c.t = c.t.Add(500 * time.Millisecond)
	if code, _ := call(g, "Failover"); code != http.StatusOK {
		t.Fatalf("after the refill: %d", code)
	}
	// "*": every other operation has its own bucket of one call a minute
	if code, _ := call(g, "Describe"); code != http.StatusOK {
		t.Fatal("Describe's first call was throttled")
	}
	if code, _ := call(g, "Start"); code != http.StatusOK {
		t.Fatal("Start shares Describe's bucket")
	}
	if code, _ := call(g, "Describe"); code != http.StatusTooManyRequests {
		t.Fatal("Describe's second call in a minute was not throttled")
	}
	if s := g.Stats()["Describe"]; s.Calls != 2 || s.Throttled != 1 {
		t.Fatalf("Describe stats %+v", s)
	}
	g.SetLimits(nil)
	if code, _ := call(g, "Describe"); code != http.StatusOK {
		t.Fatal("throttled after the limits were removed")
	}
}

func TestFailNextAndThrottleRate(t *testing.T) {
	g := New(fakeVendor{}, Config{Seed: 1})
	g.FailNext("Failover", 2)
	for i, want := range []int{500, 500, 200} {
		if code, _ := call(g, "Failover"); code != want {
			t.Fatalf("call %d: %d, want %d", i, code, want)
		}
	}
	if err := g.SetThrottleRate(1); err != nil {
		t.Fatal(err)
	}
	if code, _ := call(g, "Describe"); code != http.StatusTooManyRequests {
		t.Fatalf("throttle rate 1: %d", code)
	}
	if err := g.SetThrottleRate(1.5); err == nil {
		t.Fatal("a throttle rate of 1.5 was accepted")
	}
	g.Reset()
	if code, _ := call(g, "Describe"); code != http.StatusOK {
		t.Fatalf("after Reset: %d", code)
	}
}

func TestParse(t *testing.T) {
	for in, want := range map[string]string{"": "0s", "0": "0s", "100ms": "100ms", "50ms..200ms": "50ms..200ms",
		"lognormal:80ms,400ms": "lognormal:80ms,400ms", " 1s ": "1s"} {
		l, err := ParseLatency(in)
		if err != nil || l.String() != want {
			t.Errorf("ParseLatency(%q) = %v, %v; want %s", in, l, err, want)
		}
	}
	for _, in := range []string{"fast", "-1s", "200ms..50ms", "lognormal:80ms", "lognormal:400ms,80ms", "11m"} {
		if _, err := ParseLatency(in); err == nil {
			t.Errorf("ParseLatency(%q) accepted", in)
		}
	}
	for in, want := range map[string]string{"DescribeDisks=10/s": "DescribeDisks=10/s", "*=100/min": "*=100/min",
		"huaweicloud:ShowServer=5/10s": "huaweicloud:ShowServer=5/10s", "x=1/h": "x=1/h"} {
		l, err := ParseLimit(in)
		if err != nil || l.String() != want {
			t.Errorf("ParseLimit(%q) = %v, %v; want %s", in, l, err, want)
		}
	}
	for _, in := range []string{"x", "x=1", "=1/s", "x=0/s", "x=1/fortnight", "x=a/s"} {
		if _, err := ParseLimit(in); err == nil {
			t.Errorf("ParseLimit(%q) accepted", in)
		}
	}
}
