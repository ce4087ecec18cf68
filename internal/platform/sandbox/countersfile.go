package sandbox

import (
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"sync"
)

// EnvCountersFile names a file to which the sandbox writes its call counters (JSON, method →
// calls) after every API call, so benchmarks can count the platform calls of a provider
// process Terraform starts and stops. "%p" in the name is replaced with the process ID, so
// every provider process of a Terraform run keeps its own file. Off (no cost beyond one nil
// check per call) when the variable is unset; meant for benchmarks, not production.
const EnvCountersFile = "DR_SANDBOX_COUNTERS_FILE"

// countersOut is this process's counters file, or nil.
var countersOut = func() *countersFile {
	p := os.Getenv(EnvCountersFile)
	if p == "" {
		return nil
	}
	return &countersFile{path: strings.ReplaceAll(p, "%p", strconv.Itoa(os.Getpid()))}
}()

type countersFile struct {
	mu   sync.Mutex
	path string
}

// persistCounters rewrites the counters file (write to a temporary file, then rename, so a
// reader never sees a partial file). Errors are ignored: the counters are a diagnostic.
func (s *Sandbox) persistCounters() {
	f := countersOut
	if f == nil {
		return
	}
	b, err := json.Marshal(s.Counters())
	if err != nil {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	tmp := f.path + ".tmp"
	if os.WriteFile(tmp, b, 0o600) == nil {
		_ = os.Rename(tmp, f.path)
	}
}
