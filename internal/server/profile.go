package server

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"
)

// EnvCPUProfile names a file for a CPU profile of this provider process (for make bench
// investigations; "%p" is replaced with the process ID). Unset: no profiling.
const EnvCPUProfile = "DR_PROVIDER_CPUPROFILE"

// EnvHeapProfile names a file for heap profiles ("%p" as above): FILE is written when the
// provider exits (alloc_space/alloc_objects cover the whole process life), FILE.peak each
// time the sampled heap (every 50 ms) grows 10 % past its previous peak, so it holds the
// live objects near the peak. FILE.memstats summarises runtime.MemStats at exit, with the
// sampled peaks of HeapInuse and of the goroutine count.
const EnvHeapProfile = "DR_PROVIDER_HEAPPROFILE"

// EnvBlockProfile and EnvMutexProfile name files for the block and mutex profiles of this
// provider process ("%p" as above), written when it exits: where goroutines waited (channel,
// select, sync and database/sql connection waits; every blocking event is sampled) and which
// mutexes were contended. Unset: the runtime does not record them.
const (
	EnvBlockProfile = "DR_PROVIDER_BLOCKPROFILE"
	EnvMutexProfile = "DR_PROVIDER_MUTEXPROFILE"
)

func profilePath(p string) string { return strings.ReplaceAll(p, "%p", strconv.Itoa(os.Getpid())) }

// startProfile starts the profiles asked for and returns the function that writes them.
func startProfile() func() {
	stopCPU := startCPUProfile()
	if stop := startContentionProfiles(); stop != nil {
		prev := stopCPU
		stopCPU = func() { prev(); stop() }
	}
	heap := os.Getenv(EnvHeapProfile)
	if heap == "" {
		return stopCPU
	}
	path := profilePath(heap)
	stop := make(chan struct{})
	done := make(chan peaks)
	go samplePeaks(path+".peak", stop, done)
	return func() {
		stopCPU()
		close(stop)
		writeHeapProfile(path, <-done)
	}
}

type peaks struct {
	heapInuse  uint64
	goroutines int
}

// samplePeaks samples the heap and the goroutine count until stop, writing a heap profile
// (live objects at the last GC) whenever HeapInuse exceeds its previous peak by 10 %.
func samplePeaks(path string, stop <-chan struct{}, done chan<- peaks) {
	var p peaks
	var written uint64
	t := time.NewTicker(50 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-stop:
			done <- p
			return
		case <-t.C:
		}
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		p.heapInuse = max(p.heapInuse, m.HeapInuse)
		p.goroutines = max(p.goroutines, runtime.NumGoroutine())
		if m.HeapInuse > written+written/10 {
			written = m.HeapInuse
			if f, err := os.Create(path); err == nil {
				_ = pprof.Lookup("heap").WriteTo(f, 0)
				f.Close()
			}
		}
	}
}

func startCPUProfile() func() {
	p := os.Getenv(EnvCPUProfile)
	if p == "" {
		return func() {}
	}
	f, err := os.Create(profilePath(p))
	if err != nil {
		return func() {}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return func() {}
	}
	return func() { pprof.StopCPUProfile(); f.Close() }
}

func writeHeapProfile(path string, p peaks) {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	if f, err := os.Create(path + ".memstats"); err == nil {
		fmt.Fprintf(f, "peak HeapInuse %d MiB\npeak goroutines %d\n", p.heapInuse>>20, p.goroutines)
		fmt.Fprintf(f, "HeapSys %d MiB\nHeapInuse %d MiB\nHeapReleased %d MiB\nStackSys %d MiB\nSys %d MiB\nTotalAlloc %d MiB\nNumGC %d\nNextGC %d MiB\nGCCPUFraction %.3f\n",
			m.HeapSys>>20, m.HeapInuse>>20, m.HeapReleased>>20, m.StackSys>>20, m.Sys>>20, m.TotalAlloc>>20, m.NumGC, m.NextGC>>20, m.GCCPUFraction)
		f.Close()
	}
	f, err := os.Create(path)
	if err != nil {
		return
	}
	defer f.Close()
	_ = pprof.Lookup("heap").WriteTo(f, 0)
}

// startContentionProfiles turns on the block and mutex profiles asked for and returns the
// function that writes them, or nil when neither is asked for.
func startContentionProfiles() func() {
	block, mutex := os.Getenv(EnvBlockProfile), os.Getenv(EnvMutexProfile)
	if block == "" && mutex == "" {
		return nil
	}
	if block != "" {
		runtime.SetBlockProfileRate(1)
	}
	if mutex != "" {
		runtime.SetMutexProfileFraction(1)
	}
	return func() {
		for _, p := range []struct{ env, name string }{{block, "block"}, {mutex, "mutex"}} {
			if p.env == "" {
				continue
			}
			if f, err := os.Create(profilePath(p.env)); err == nil {
				_ = pprof.Lookup(p.name).WriteTo(f, 0)
				f.Close()
			}
		}
	}
}
