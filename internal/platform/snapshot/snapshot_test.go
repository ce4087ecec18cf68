package snapshot_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/platform/snapshot"
)

// clock is a manual clock for the cache.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

// loader counts its loads; each load returns its number.
type loader struct{ n int }

func (l *loader) load(context.Context, int64) (int, error) { l.n++; return l.n, nil }

func newCache(p snapshot.Policy) (*snapshot.Cache[int], *clock, *loader) {
	c := snapshot.New[int](p)
	clk := &clock{t: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}
	c.Now = clk.now
	return c, clk, &loader{}
}

func get(t *testing.T, c *snapshot.Cache[int], id string, maxAge time.Duration, l *loader) (int, bool) {
	t.Helper()
	v, ok, err := c.Get(t.Context(), id, maxAge, l.load)
	if err != nil {
		t.Fatal(err)
	}
	return v, ok
}

func TestOff(t *testing.T) {
	t.Parallel()
	c, _, l := newCache(snapshot.Policy{TTL: -1})
	if _, ok := get(t, c, "a", 0, l); ok || l.n != 0 || !c.Off() {
		t.Fatalf("off: ok %v, %d loads", ok, l.n)
	}
	c.Keep(7, c.Gen())
	if _, ok := get(t, c, "", 0, l); ok {
		t.Fatal("an off cache kept a snapshot")
	}
}

// The default rule (Huawei): a snapshot serves reads younger than the caller's age, never
// across a write; one loaded while a write was in flight is never served.
func TestAge(t *testing.T) {
	t.Parallel()
	c, clk, l := newCache(snapshot.Policy{TTL: 30 * time.Second})
	if v, ok := get(t, c, "g1", 0, l); !ok || v != 1 {
		t.Fatalf("first read: %d %v", v, ok)
	}
	clk.advance(10 * time.Second)
	if v, _ := get(t, c, "g2", 0, l); v != 1 {
		t.Fatalf("a plan's read 10 s later: snapshot %d, want the first", v)
	}
	if v, _ := get(t, c, "g1", time.Second, l); v != 2 {
		t.Fatalf("a poll asking for 1 s: snapshot %d, want a new one", v)
	}
	c.Wrote()
	if v, _ := get(t, c, "g1", 0, l); v != 3 {
		t.Fatalf("after a write: snapshot %d, want a new one", v)
	}
	clk.advance(31 * time.Second)
	if v, _ := get(t, c, "", 0, l); v != 4 {
		t.Fatalf("past the TTL: snapshot %d, want a new one", v)
	}
	// a write during the load: that snapshot answers its caller, never the next read
	writing := func(ctx context.Context, gen int64) (int, error) { c.Wrote(); return l.load(ctx, gen) }
	clk.advance(time.Hour)
	if _, _, err := c.Get(t.Context(), "", 0, writing); err != nil {
		t.Fatal(err)
	}
	if v, _ := get(t, c, "", 0, l); v != 6 {
		t.Fatalf("after a load a write overtook: snapshot %d, want a new one", v)
	}
	boom := errors.New("throttled")
	clk.advance(time.Hour)
	if _, ok, err := c.Get(t.Context(), "", 0, func(context.Context, int64) (int, error) { return 0, boom }); ok || err != boom {
		t.Fatalf("a failed load: %v %v", ok, err)
	}
}

// The read-phase rule (Alibaba): served while new objects keep being read at most TTL apart,
// for at most MaxAge; polling the same object does not extend it; reads are direct for TTL
// after a write.
func TestReadPhase(t *testing.T) {
	t.Parallel()
	c, clk, l := newCache(snapshot.Policy{TTL: 5 * time.Second, ReadPhase: true, MaxAge: 2 * time.Minute})
	get(t, c, "p1", 0, l)
	for i := range 10 { // a plan reading new objects every 4 s keeps it
		clk.advance(4 * time.Second)
		if v, _ := get(t, c, string(rune('a'+i)), 0, l); v != 1 {
			t.Fatalf("read %d of a read phase: snapshot %d", i, v)
		}
	}
	clk.advance(4 * time.Second)
	get(t, c, "p1", 0, l) // an object it served: no extension
	clk.advance(4 * time.Second)
	if v, _ := get(t, c, "p1", 0, l); v != 2 {
		t.Fatalf("polling served objects: snapshot %d, want a new one after the TTL", v)
	}
	for range 40 { // new objects 4 s apart, but MaxAge bounds the snapshot
		clk.advance(4 * time.Second)
		get(t, c, clk.t.String(), 0, l)
	}
	if l.n < 3 {
		t.Fatalf("%d loads over 160 s of reads; MaxAge 2 min bounds one snapshot", l.n)
	}
	c.Wrote()
	if _, ok := get(t, c, "p9", 0, l); ok {
		t.Fatal("a read right after a write was served from a snapshot")
	}
	clk.advance(6 * time.Second)
	if _, ok := get(t, c, "p9", 0, l); !ok {
		t.Fatal("the write phase did not end after the TTL")
	}
	// Keep: a list's own load serves the reads that follow, unless a write came since
	gen := c.Gen()
	c.Keep(100, gen)
	if v, _ := get(t, c, "x", 0, l); v != 100 {
		t.Fatalf("kept snapshot not served: %d", v)
	}
	gen = c.Gen()
	clk.advance(time.Minute)
	c.Wrote()
	clk.advance(time.Minute)
	c.Keep(200, gen)
	if v, _ := get(t, c, "y", 0, l); v == 200 {
		t.Fatal("a snapshot loaded before a write was kept")
	}
}
