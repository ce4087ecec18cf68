package alibaba_test

import (
	"testing"
	"time"

	alibabaemu "github.com/dr-provider/terraform-provider-dr/internal/emulator/alibaba"
	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/alibaba"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/platformtest"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/retry"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/sandbox"
)

// newDriver starts an emulator and a driver pointed at it: on the fake clock (opts.TimeScale
// 0) with the shared read snapshot off, as its TTL is wall time; else with cacheTTL.
func newDriverWith(t *testing.T, opts sandbox.Options, cacheTTL time.Duration, policy retry.Policy) (*alibaba.Driver, *alibabaemu.Server) {
	t.Helper()
	emu := alibabaemu.Start(t, opts)
	if opts.TimeScale <= 0 {
		cacheTTL = -1
	}
	d, err := alibaba.New(alibaba.Config{Retry: policy, AccessKeyID: alibabaemu.TestAccessKeyID, AccessKeySecret: alibabaemu.TestAccessKeySecret,
		Region: "cn-shanghai", EBSEndpoint: emu.URL, ReadCacheTTL: cacheTTL})
	if err != nil {
		t.Fatal(err)
	}
	return d, emu
}

// TestConformance runs the platform conformance suite against the driver over the emulator.
// What the EBS API cannot do is declared: no cancel (Cancels false), zone health and the
// next one-shot sync are not observable (drills are: DescribeReplicaGroupDrills), and the fixture offers no OperationFaults (a failed start has no EBS
// status). Its quotas (Backdoor.SetQuota) answer OperationDenied.QuotaExceed.
//
// It runs twice: on the fake clock the suite advances, with the shared read snapshot off; and
// on the wall clock at a high time scale with the snapshot on, as the provider runs the
// driver (reads of its own writes, polling through the snapshot).
func TestConformance(t *testing.T) {
	t.Parallel()
	platformtest.RunClocks(t, "time_scale_cached_reads", func(t *testing.T, fake bool) platformtest.Harness {
		if fake {
			return harness(t, 0, fastRetry)
		}
		return harness(t, 1e6, fastRetry)
	})
}

// TestOneRetryLayer: every EBS request goes through the one retry layer — a persistent
// Throttling costs exactly the policy's attempts per call (counted by the emulator), a
// cancelled context no request, a context ending during a wait no further one. (The driver
// used to retry a throttled Describe 3 times, and the provider the whole call 10 times.)
func TestOneRetryLayer(t *testing.T) {
	t.Parallel()
	platformtest.RetryLayer(t, func(t *testing.T, p retry.Policy) platformtest.Harness { return harness(t, 0, p) })
}

// harness is a fresh driver over a fresh emulator: on the emulator's fake clock with the read
// snapshot off (timeScale 0), or on the wall clock at timeScale with the snapshot on.
func harness(t *testing.T, timeScale float64, policy retry.Policy) platformtest.Harness {
	d, emu := newDriverWith(t, sandbox.Options{Seed: 1, TimeScale: timeScale}, 20*time.Millisecond, policy)
	h := platformtest.Harness{Platform: d, Fixture: emu.Backdoor(), Cancels: false, Requests: func() int { return int(emu.Requests()) },
		Unobservable: []string{lifecycle.FactSiteHealth, lifecycle.FactSyncOnce},
		// on the wall clock the last recovery point moves the version's high bits on its own
		VersionKey: alibaba.RecordVersion}
	if timeScale <= 0 {
		h.Advance = emu.Advance
	}
	return h
}

// fastRetry is the default policy's attempts with millisecond waits: the tests that throttle
// every call stay fast (TestOneRetryLayer counts the attempts).
var fastRetry = retry.Policy{Initial: time.Millisecond, Max: 2 * time.Millisecond}
