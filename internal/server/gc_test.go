package server

import (
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

func TestRelativeLimit(t *testing.T) {
	for _, c := range []struct {
		live uint64
		want int64
	}{
		{0, 96 << 20},
		{40 << 20, 96 << 20},
		{48 << 20, 96 << 20},
		{100 << 20, 200 << 20},
	} {
		if got := relativeLimit(c.live); got != c.want {
			t.Errorf("relativeLimit(%d MiB) = %d MiB, want %d MiB", c.live>>20, got>>20, c.want>>20)
		}
	}
}

// A live heap above half the floor raises the soft limit after the next GC, so the GC never
// runs back to back on a heap it cannot free.
func TestTrackLiveHeapRaisesTheLimit(t *testing.T) {
	old := debug.SetMemoryLimit(memoryLimitFloor)
	defer debug.SetMemoryLimit(old)
	trackLiveHeap()
	live := make([]byte, 80<<20) // untouched pages: counted as live heap, barely any RSS
	deadline := time.Now().Add(5 * time.Second)
	for {
		runtime.GC()
		if got := debug.SetMemoryLimit(-1); got >= 160<<20 {
			break
		} else if time.Now().After(deadline) {
			t.Fatalf("soft limit %d MiB with an 80 MiB live heap, want >= 160 MiB", got>>20)
		}
		time.Sleep(10 * time.Millisecond)
	}
	runtime.KeepAlive(live)
	for deadline = time.Now().Add(5 * time.Second); ; {
		runtime.GC()
		if got := debug.SetMemoryLimit(-1); got == memoryLimitFloor {
			break
		} else if time.Now().After(deadline) {
			t.Fatalf("soft limit %d MiB after the live heap was freed, want the floor", got>>20)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
