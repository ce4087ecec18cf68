// Package snapshot is the read cache the vendor drivers share (Alibaba EBS, Huawei SDRS): a
// plan reads every resource one by one, and a driver serves those reads from one snapshot of
// the platform's paginated lists instead of an object read each (bench/results.md, "API calls
// per no-op plan"). What the snapshot holds is the driver's (T); this package decides when one
// may serve a read:
//
//   - never across a write of this driver: every write bumps a generation counter after its
//     call returns (Wrote), a snapshot is served only at the generation it was loaded at, and
//     one loaded while a write was in flight is never served — a driver always reads its own
//     writes;
//   - within its Policy: TTL < 0 turns the cache off. The default rule (Huawei) serves a
//     snapshot younger than the age the caller asks for (a plan's reads: TTL; the executor's
//     polls and the read before a write: at most the poll interval), measured from when the
//     caller asked, not from when it got the lock — loads are serialized and a large one takes
//     longer than the TTL, so callers queued behind it would each find it expired and load
//     again. ReadPhase (Alibaba) serves a snapshot while reads of objects it has not served yet
//     keep coming at most TTL apart, for at most MaxAge in all (polling the same objects does
//     not extend it), and for TTL after a write (an apply) every read is direct.
package snapshot

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// Policy says when a snapshot may serve a read.
type Policy struct {
	// TTL: how old a snapshot may be (the default rule's age when the caller asks for none),
	// or how far apart a read phase's reads may come (ReadPhase). Negative: the cache is off.
	TTL time.Duration
	// ReadPhase selects the read-phase rule (see the package doc); MaxAge bounds its snapshot's
	// age.
	ReadPhase bool
	MaxAge    time.Duration
}

// Cache holds one snapshot of type T. Create it with New; it is safe for concurrent use.
type Cache[T any] struct {
	policy Policy
	// Now is the cache's clock (tests); nil: time.Now.
	Now func() time.Time

	gen       atomic.Int64
	lastWrite atomic.Int64 // unix nanoseconds of the last write (ReadPhase)

	mu  sync.Mutex
	cur *entry[T]
}

type entry[T any] struct {
	val    T
	gen    int64
	at     time.Time       // its load began
	used   time.Time       // it last served an object for the first time (ReadPhase)
	served map[string]bool // the objects it served (ReadPhase)
}

// New returns an empty cache with policy p.
func New[T any](p Policy) *Cache[T] { return &Cache[T]{policy: p} }

func (c *Cache[T]) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// Off reports whether the cache is off (every read goes to the API).
func (c *Cache[T]) Off() bool { return c.policy.TTL < 0 }

// Wrote records a write of this driver, after its call returned: no snapshot loaded before
// (or while the write was in flight) serves a read again.
func (c *Cache[T]) Wrote() {
	c.gen.Add(1)
	c.lastWrite.Store(c.now().UnixNano())
}

// Gen is the current write generation (what a load records).
func (c *Cache[T]) Gen() int64 { return c.gen.Load() }

// Get returns the snapshot that may serve a read of the object id ("" for a list), loading a
// new one with load when none may; ok is false when the cache is off, or (ReadPhase) in the
// write phase after a write: the caller then reads the object directly. maxAge bounds the
// snapshot's age under the default rule (0: the TTL); ReadPhase ignores it.
func (c *Cache[T]) Get(ctx context.Context, id string, maxAge time.Duration, load func(ctx context.Context, gen int64) (T, error)) (v T, ok bool, err error) {
	if c.Off() {
		return v, false, nil
	}
	asked := c.now()
	if c.policy.ReadPhase && asked.Sub(time.Unix(0, c.lastWrite.Load())) < c.policy.TTL {
		return v, false, nil // a write phase: reloading every list after each write would cost more than it saves
	}
	if maxAge <= 0 {
		maxAge = c.policy.TTL
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	gen := c.gen.Load()
	if e := c.cur; e != nil && e.gen == gen && c.fresh(e, asked, maxAge) {
		if c.policy.ReadPhase && id != "" && !e.served[id] {
			e.served[id] = true
			e.used = asked // a new object: the read phase goes on
		}
		return e.val, true, nil
	}
	at := c.now()
	val, err := load(ctx, gen)
	if err != nil {
		return v, false, err
	}
	e := &entry[T]{val: val, gen: gen, at: at, used: at, served: map[string]bool{}}
	if id != "" {
		e.served[id] = true
	}
	c.cur = e
	return val, true, nil
}

func (c *Cache[T]) fresh(e *entry[T], asked time.Time, maxAge time.Duration) bool {
	if c.policy.ReadPhase {
		return asked.Sub(e.used) < c.policy.TTL && asked.Sub(e.at) < c.policy.MaxAge
	}
	return asked.Sub(e.at) < maxAge
}

// Keep stores a snapshot the caller loaded itself at generation gen (a List answers with the
// platform's lists, never a cached copy, and its load then serves the reads that follow),
// unless the cache is off or a write came since.
func (c *Cache[T]) Keep(v T, gen int64) {
	if c.Off() {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen.Load() == gen {
		at := c.now()
		c.cur = &entry[T]{val: v, gen: gen, at: at, used: at, served: map[string]bool{}}
	}
}
