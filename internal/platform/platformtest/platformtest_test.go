package platformtest_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/platformtest"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/retry"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/sandbox"
)

// The suite itself is tested by running it against broken drivers (the sandbox wrapped so it
// breaks one contract) in a child process, and checking that the checks guarding that
// contract fail. (The sandbox's own conformance run is sandbox.TestConformance.)

const envMutant = "PLATFORMTEST_MUTANT"

// perKind names checks for every kind ("idempotency/invoke" → "idempotency/invoke/<kind>").
func perKind(checks ...string) []string {
	var out []string
	for _, c := range checks {
		for _, k := range lifecycle.Kinds {
			out = append(out, c+"/"+string(k))
		}
	}
	return out
}

// mutants wrap a sandbox so it breaks one contract.
var mutants = map[string]struct {
	wrap func(*sandbox.Sandbox) platform.Platform
	// failing lists checks that must fail against the mutant.
	failing []string
}{
	// ignores client tokens: a replay takes effect twice, a reuse is not detected (R001-4)
	"no_tokens": {func(sb *sandbox.Sandbox) platform.Platform { return noTokens{sb} },
		perKind("idempotency/invoke", "errors/retryable", "errors/invalid")},
	// returns unclassified errors (fmt.Errorf) from Observe
	"unclassified": {func(sb *sandbox.Sandbox) platform.Platform { return unclassified{sb} },
		perKind("errors/not_found", "state_mapping")},
	// serves the observation from before an Invoke to the first read after it (a cache)
	"stale_read": {func(sb *sandbox.Sandbox) platform.Platform {
		return &staleRead{Sandbox: sb, last: map[string]lifecycle.Observation{}}
	},
		perKind("observe_after_invoke", "state_mapping")},
	// read models without the platform's capabilities (Observation.Platform): allowed_operations
	// would list what the platform cannot invoke
	"no_capabilities": {func(sb *sandbox.Sandbox) platform.Platform { return noCapabilities{sb} },
		[]string{"state_mapping/protection_group", "facts/unknown/protection_group"}},
	// Cancel is a no-op, but the harness claims the platform cancels
	"no_cancel": {func(sb *sandbox.Sandbox) platform.Platform { return noCancel{sb} },
		[]string{"cancel/running/replication_pair", "cancel/running/protection_group", "cancel/running/recovery_server"}},
}

func TestSuiteCatchesBrokenDrivers(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the suite in child processes")
	}
	if name := os.Getenv(envMutant); name != "" {
		m := mutants[name]
		platformtest.Run(t, func(t *testing.T) platformtest.Harness {
			clk := sandbox.NewFakeClock(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
			sb, err := sandbox.Open(filepath.Join(t.TempDir(), "s.db"), sandbox.Options{Clock: clk, Seed: 1,
				Retry: retry.Policy{Initial: time.Millisecond, Max: 2 * time.Millisecond}})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { sb.Close() })
			return platformtest.Harness{Platform: m.wrap(sb), Fixture: sb, Advance: clk.Advance, Cancels: true}
		})
		return
	}
	for name, m := range mutants {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command(os.Args[0], "-test.run=^TestSuiteCatchesBrokenDrivers$", "-test.v")
			cmd.Env = append(os.Environ(), envMutant+"="+name)
			out, err := cmd.CombinedOutput()
			if err == nil {
				t.Fatalf("the suite passed a driver that breaks %s", name)
			}
			for _, c := range m.failing {
				if !strings.Contains(string(out), "--- FAIL: TestSuiteCatchesBrokenDrivers/"+c+" ") {
					t.Errorf("check %s did not catch mutant %s:\n%s", c, name, out)
				}
			}
		})
	}
}

type noTokens struct{ *sandbox.Sandbox }

func (m noTokens) Invoke(ctx context.Context, k lifecycle.Kind, id string, op lifecycle.Op, _ string, p map[string]string) error {
	return m.Sandbox.Invoke(ctx, k, id, op, "", p)
}

type unclassified struct{ *sandbox.Sandbox }

func (m unclassified) Observe(ctx context.Context, k lifecycle.Kind, id string) (lifecycle.Observation, error) {
	o, err := m.Sandbox.Observe(ctx, k, id)
	if err != nil {
		err = fmt.Errorf("driver: %s", err.Error())
	}
	return o, err
}

type staleRead struct {
	*sandbox.Sandbox
	mu   sync.Mutex
	last map[string]lifecycle.Observation
}

func (m *staleRead) Observe(ctx context.Context, k lifecycle.Kind, id string) (lifecycle.Observation, error) {
	m.mu.Lock()
	o, ok := m.last[id]
	delete(m.last, id)
	m.mu.Unlock()
	if ok {
		return o, nil
	}
	return m.Sandbox.Observe(ctx, k, id)
}

func (m *staleRead) Invoke(ctx context.Context, k lifecycle.Kind, id string, op lifecycle.Op, tok string, p map[string]string) error {
	if o, err := m.Sandbox.Observe(ctx, k, id); err == nil {
		m.mu.Lock()
		m.last[id] = o
		m.mu.Unlock()
	}
	return m.Sandbox.Invoke(ctx, k, id, op, tok, p)
}

type noCancel struct{ *sandbox.Sandbox }

func (noCancel) Cancel(context.Context, lifecycle.Kind, string, lifecycle.Op) error { return nil }

type noCapabilities struct{ *sandbox.Sandbox }

func (m noCapabilities) GetGroup(ctx context.Context, id string) (platform.ProtectionGroup, error) {
	g, err := m.Sandbox.GetGroup(ctx, id)
	g.Observed.Platform = nil
	return g, err
}
