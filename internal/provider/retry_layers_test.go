package provider

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/sandbox"
)

// TestOneRetryLayer counts the platform calls a persistently retryable error costs one step:
// exactly the retry policy's attempts. The executor used to retry (5 times) on top of the
// retrying platform (10 attempts each): up to 60 calls per step.
func TestOneRetryLayer(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	sb, err := sandbox.Open(filepath.Join(t.TempDir(), "sandbox.db"), sandbox.Options{TimeScale: 1e6})
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
	policy := retryPolicy{Attempts: 10, Initial: time.Microsecond, Max: time.Microsecond}
	data := &ProviderData{Platform: &retryingPlatform{Platform: sb, p: policy}, PollInterval: time.Millisecond}
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
}
