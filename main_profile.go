package main

import (
	"os"
	"runtime/pprof"
	"strconv"
	"strings"
)

// EnvCPUProfile names a file for a CPU profile of this provider process (for make bench
// investigations; "%p" is replaced with the process ID). Unset: no profiling.
const EnvCPUProfile = "DR_PROVIDER_CPUPROFILE"

// startProfile starts the CPU profile when asked and returns the function that writes it.
func startProfile() func() {
	p := os.Getenv(EnvCPUProfile)
	if p == "" {
		return func() {}
	}
	f, err := os.Create(strings.ReplaceAll(p, "%p", strconv.Itoa(os.Getpid())))
	if err != nil {
		return func() {}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return func() {}
	}
	return func() { pprof.StopCPUProfile(); f.Close() }
}
