package server

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
)

// GC settings when the environment sets none (GOGC / GOMEMLIMIT keep precedence).
//
// The provider's live heap is small and flat (~6-12 MiB at any N, see releasingServer) but it
// allocates ~1 GiB in a no-op plan of 1,000 resources, so at the default GOGC=100 the GC
// runs every ~5 MiB: ~340 cycles and ~15 % of the provider's CPU in that plan, on a machine
// whose cores Terraform needs as well. GOGC=400 cuts the cycles ~4× (the provider's CPU in
// that plan by ~25 %) for ~20 MiB more peak RSS (~60 instead of ~41 MiB).
//
// The soft memory limit bounds what GOGC=400 (a heap of up to 5× the live heap) could cost
// if a live heap ever grew, but it is relative to the live heap: max(96 MiB, 2× the live heap
// after the last GC). A fixed limit cannot bound live memory; once the live heap nears it the
// GC runs back to back (measured, bench/notes.md "GOMEMLIMIT at 5,000 resources": a no-op plan
// of 2,000 resources under a limit just above its live heap ran 5,802 GC cycles instead of 40
// and took 10× the CPU). With the limit at least twice the live heap the GC always has one
// live heap of headroom, i.e. never runs more often than at GOGC=100. Measured at 2,000 and
// 5,000 resources the limit is never reached (peak RSS 48-81 MiB, the live heap stays small):
// it changes nothing there, with or without it.
const (
	defaultGCPercent   = 400
	memoryLimitFloor   = 96 << 20
	memoryLimitPerLive = 2
)

func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(defaultGCPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimitFloor)
		trackLiveHeap()
	}
}

// relativeLimit is the soft memory limit for a live heap of live bytes.
func relativeLimit(live uint64) int64 {
	return max(memoryLimitFloor, int64(min(live, 1<<60))*memoryLimitPerLive)
}

// gcTick is allocated once per GC cycle; its finalizer runs after the cycle that found it
// unreachable. (It holds a pointer so the tiny allocator never batches it with other objects.)
type gcTick struct{ _ *byte }

// trackLiveHeap re-sets the soft memory limit from the live heap after every GC cycle.
func trackLiveHeap() {
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	var arm func()
	arm = func() {
		runtime.SetFinalizer(&gcTick{}, func(*gcTick) {
			metrics.Read(sample)
			if sample[0].Value.Kind() == metrics.KindUint64 {
				debug.SetMemoryLimit(relativeLimit(sample[0].Value.Uint64()))
			}
			arm()
		})
	}
	arm()
}
