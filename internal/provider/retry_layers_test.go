package provider

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/retry"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/sandbox"
)

// TestOneRetryLayer counts the platform calls a persistently retryable error costs one step
// run by the provider: exactly the platform's retry policy's attempts — the provider and the
// engine's executor add no layer of their own. The executor used to retry (5 times) on top of
// a retrying platform wrapper in the provider (10 attempts each), itself on top of each
// driver's own loop: up to 60 calls per step. (Each platform's own layer is counted by the
// TestOneRetryLayer of its package.)
func TestOneRetryLayer(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	policy := retry.Policy{Attempts: 7, Initial: time.Microsecond, Max: time.Microsecond}
	sb, err := sandbox.Open(filepath.Join(t.TempDir(), "sandbox.db"), sandbox.Options{TimeScale: 1e6, Retry: policy})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sb.Close() })
	for _, s := range []platform.Site{
		{ID: "a", Region: "cn-shanghai", Zone: "cn-shanghai-a", Healthy: true, ReplicationCapable: true},
		{ID: "b", Region: "cn-shanghai", Zone: "cn-shanghai-b", Healthy: true, ReplicationCapable: true},
	} {
		if _, err := sb.PutSite(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	for _, v := range []platform.Volume{{ID: "va", SiteID: "a", SizeGB: 1}, {ID: "vb", SiteID: "b", SizeGB: 1}} {
		if _, err := sb.PutVolume(ctx, v); err != nil {
			t.Fatal(err)
		}
	}
	pair, err := sb.CreatePair(ctx, platform.PairSpec{Name: "db", PrimaryVolumeID: "va", SecondaryVolumeID: "vb"}, "")
	if err != nil {
		t.Fatal(err)
	}
	data := newProviderData(sb, "sandbox", time.Millisecond, 1e6)
	var obs lifecycle.Observation
	for obs.State != lifecycle.Configured {
		if obs, err = sb.Observe(ctx, lifecycle.ReplicationPair, pair.ID); err != nil {
			t.Fatal(err)
		}
	}
	p, vs := lifecycle.Plan(lifecycle.ReplicationPair, obs, lifecycle.Goal{States: []lifecycle.State{lifecycle.Replicating}}, lifecycle.Options{})
	if len(vs) > 0 || p.Summary() != "start" {
		t.Fatal(p.Summary(), vs)
	}
	if err := sb.SetTransientErrorRate(ctx, 1); err != nil {
		t.Fatal(err)
	}
	sb.ResetCounters()
	_, err = runPathObserved(ctx, data, p, &obs)
	if err == nil || !platform.IsRetryable(err) {
		t.Fatalf("want the retryable error after the attempts, got %v", err)
	}
	if n := sb.Counters()["Invoke"]; n != int64(policy.Attempts) {
		t.Fatalf("Invoke called %d times for one step; want the policy's %d attempts (one retry layer)", n, policy.Attempts)
	}
	if !strings.Contains(err.Error(), "gave up after 7 attempts") {
		t.Fatalf("the step's error does not say what the layer did: %v", err)
	}
}
