package huaweicloud

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	emu "github.com/dr-provider/terraform-provider-dr/internal/emulator/huaweicloud"
	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/sandbox"
)

// The read phase of a no-op plan over N groups (each with a protected server): every group is
// read twice (refresh, then the plan's observation), ten at a time, as Terraform does. The
// shared snapshot serves them with a fixed number of paginated list calls (three SDRS lists, the
// ECS AZ list and server list), so at N = 1,000 it is one call per 200 groups (the target: at
// most one per 50; the CLI measurement is drbench huaweicloud, bench/results.md). N is 100 by default (setting up the sandbox dominates the run);
// DR_HW_COST_N=1000 measures the target (about 45 s). A write is read back at once.
func TestReadCostPerPlan(t *testing.T) {
	n := 100
	if v, err := strconv.Atoi(os.Getenv("DR_HW_COST_N")); err == nil && v > 0 {
		n = v
	}
	sb, err := sandbox.Open(filepath.Join(t.TempDir(), "cost.db"), sandbox.Options{TimeScale: 1e6, Seed: 1})
	must(t, err)
	defer sb.Close()
	ctx := context.Background()
	src, err := sb.PutSite(ctx, platform.Site{Region: "cn-north-4", Zone: "cn-north-4a", Healthy: true, ReplicationCapable: true})
	must(t, err)
	dst, err := sb.PutSite(ctx, platform.Site{Region: "cn-north-4", Zone: "cn-north-4b", Healthy: true, ReplicationCapable: true})
	must(t, err)
	ids := make([]string, n)
	for i := range ids {
		g, err := sb.CreateGroup(ctx, platform.GroupSpec{Name: "g" + itoa(i), SourceRegion: src.Region, SourceZone: src.Zone,
			TargetRegion: dst.Region, TargetZone: dst.Zone}, "")
		must(t, err)
		ids[i] = g.ID
	}
	time.Sleep(10 * time.Millisecond) // creating → configured (time scale 1e6)
	for i, id := range ids {
		srv, err := sb.PutServer(ctx, platform.Server{SiteID: src.ID, Name: "s" + itoa(i), PowerState: platform.PowerRunning})
		must(t, err)
		must(t, sb.Invoke(ctx, lifecycle.ProtectionGroup, id, lifecycle.OpAddServer, "", map[string]string{lifecycle.ParamServerID: srv.ID}))
	}
	e := emu.New(sb, emu.Options{AccessKey: emu.TestAccessKey, SecretKey: emu.TestSecretKey, ProjectID: emu.TestProjectID})
	var calls atomic.Int64
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { calls.Add(1); e.ServeHTTP(w, r) }))
	defer hs.Close()
	p, err := New(Config{Retry: testRetry, AccessKey: emu.TestAccessKey, SecretKey: emu.TestSecretKey, Region: "cn-north-4", ProjectID: emu.TestProjectID,
		SDRSEndpoint: hs.URL, ECSEndpoint: hs.URL, ReadCacheTTL: time.Minute,
		// the polls' snapshot age as long as the plan's: what is measured is whether reads are
		// shared, and on a loaded machine the reads take longer than the default 1 s (each
		// Observe then reloaded, and the count grew with the run's wall time)
		PollCacheTTL: time.Minute})
	must(t, err)
	start := time.Now()
	work := make(chan string)
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := range work {
				if _, err := p.GetGroup(ctx, id); err != nil {
					t.Error(err)
				}
				if o, err := p.Observe(ctx, lifecycle.ProtectionGroup, id); err != nil || o.Facts.ServerCount != 1 {
					t.Errorf("observe %s: %+v %v", id, o.Facts, err)
				}
			}
		}()
	}
	for _, id := range ids {
		work <- id
	}
	close(work)
	wg.Wait()
	got := calls.Load()
	t.Logf("%d groups read twice: %d API calls in %v (%.1f groups per call)", n, got, time.Since(start), float64(n)/float64(got))
	if got > int64(5+n/50) {
		t.Fatalf("%d API calls for %d groups: the reads are not shared", got, n)
	}
	// a write is read back at once (the snapshot is invalidated)
	if err := p.Invoke(ctx, lifecycle.ProtectionGroup, ids[0], lifecycle.OpAddServer, "t-w", map[string]string{lifecycle.ParamServerID: "missing"}); err == nil {
		t.Fatal("protecting a missing server succeeded")
	}
	if _, err := p.UpdateGroup(ctx, ids[1], platform.GroupSpec{Name: "renamed"}); err != nil {
		t.Fatal(err)
	}
	if g, err := p.GetGroup(ctx, ids[1]); err != nil || g.Name != "renamed" {
		t.Fatalf("read after write: %q %v", g.Name, err)
	}
}

func itoa(i int) string {
	const digits = "0123456789"
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{digits[i%10]}, b...)
	}
	return string(b)
}
