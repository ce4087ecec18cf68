package huaweicloud

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	emu "github.com/dr-provider/terraform-provider-dr/internal/emulator/huaweicloud"
	"github.com/dr-provider/terraform-provider-dr/internal/livetest"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/sandbox"
)

// roundTripCounter counts the requests it carries.
type roundTripCounter struct{ n atomic.Int64 }

func (c *roundTripCounter) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return http.DefaultTransport.RoundTrip(r)
}

// Config.Transport carries every request of the driver — SDRS, ECS, VPC and CBR — (the live
// smoke tests record and replay through it): the transport carried as many requests as the
// endpoint received.
func TestConfigTransportCarriesEveryRequest(t *testing.T) {
	clk := sandbox.NewFakeClock(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
	sb, err := sandbox.Open(filepath.Join(t.TempDir(), "sdrs.db"), sandbox.Options{Clock: clk, Seed: 1})
	must(t, err)
	e := emu.New(sb, emu.Options{AccessKey: emu.TestAccessKey, SecretKey: emu.TestSecretKey, ProjectID: emu.TestProjectID})
	vpc := e.PutVPC("prod")
	var served atomic.Int64
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		served.Add(1)
		e.ServeHTTP(w, r)
	}))
	t.Cleanup(func() { hs.Close(); sb.Close() })
	ctx := context.Background()
	for _, z := range []string{"cn-north-4a", "cn-north-4b"} {
		_, err := sb.PutSite(ctx, platform.Site{Region: "cn-north-4", Zone: z, Healthy: true, ReplicationCapable: true})
		must(t, err)
	}
	e.PutDomain("az-a-b", "cn-north-4a", "cn-north-4b")
	rt := &roundTripCounter{}
	p, err := New(Config{Retry: testRetry, AccessKey: emu.TestAccessKey, SecretKey: emu.TestSecretKey, Region: "cn-north-4", ProjectID: emu.TestProjectID,
		SDRSEndpoint: hs.URL, ECSEndpoint: hs.URL, CBREndpoint: hs.URL, ReadCacheTTL: -1, Transport: rt})
	must(t, err)
	if _, err := p.ListGroups(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := p.ProposedGroupFacts(ctx, platform.GroupSpec{Name: "g", SourceRegion: "cn-north-4", SourceZone: "cn-north-4a",
		TargetRegion: "cn-north-4", TargetZone: "cn-north-4b", SourceVPCID: vpc}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.ListReplicas(ctx); err != nil {
		t.Fatal(err)
	}
	if rt.n.Load() == 0 || rt.n.Load() != served.Load() {
		t.Fatalf("the transport carried %d requests, the endpoint served %d: want all of them, at least one", rt.n.Load(), served.Load())
	}
}

// A live run's recording works for this driver (issue 23, item 5): its calls, made through
// Config.Transport into a go-vcr recorder (internal/livetest), are written with the
// Authorization header (AK and signature) scrubbed, and replay with the endpoint gone, the
// driver reading the same groups.
func TestRecordScrubReplayThroughConfigTransport(t *testing.T) {
	clk := sandbox.NewFakeClock(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
	sb, err := sandbox.Open(filepath.Join(t.TempDir(), "sdrs.db"), sandbox.Options{Clock: clk, Seed: 1})
	must(t, err)
	e := emu.New(sb, emu.Options{AccessKey: emu.TestAccessKey, SecretKey: emu.TestSecretKey, ProjectID: emu.TestProjectID})
	vpc := e.PutVPC("prod")
	hs := httptest.NewServer(e)
	t.Cleanup(func() { hs.Close(); sb.Close() })
	ctx := context.Background()
	for _, z := range []string{"cn-north-4a", "cn-north-4b"} {
		_, err := sb.PutSite(ctx, platform.Site{Region: "cn-north-4", Zone: z, Healthy: true, ReplicationCapable: true})
		must(t, err)
	}
	e.PutDomain("az-a-b", "cn-north-4a", "cn-north-4b")
	drv := func(rt http.RoundTripper) *Platform {
		p, err := New(Config{Retry: testRetry, AccessKey: emu.TestAccessKey, SecretKey: emu.TestSecretKey, Region: "cn-north-4", ProjectID: emu.TestProjectID,
			SDRSEndpoint: hs.URL, ECSEndpoint: hs.URL, ReadCacheTTL: -1, Transport: rt})
		must(t, err)
		return p
	}
	g, err := drv(nil).CreateGroup(ctx, platform.GroupSpec{Name: "tf-acc-live-rec", SourceRegion: "cn-north-4", SourceZone: "cn-north-4a",
		TargetRegion: "cn-north-4", TargetZone: "cn-north-4b", SourceVPCID: vpc}, "")
	must(t, err)
	cassette := filepath.Join(t.TempDir(), "huaweicloud", "story")
	read := func(mode string) platform.ProtectionGroup {
		t.Helper()
		rt, stop, err := livetest.NewRecorder(cassette, mode, nil)
		must(t, err)
		got, err := drv(rt).GetGroup(ctx, g.ID)
		if err != nil {
			t.Fatalf("%s: %v", mode, err)
		}
		must(t, stop())
		return got
	}
	recorded := read("RECORD_ONLY")
	hs.Close() // the replay uses no network
	replayed := read("REPLAY_ONLY")
	if recorded.ID != g.ID || replayed.ID != g.ID || replayed.Name != "tf-acc-live-rec" || replayed.State != recorded.State {
		t.Fatalf("recorded %+v, replayed %+v", recorded, replayed)
	}
	y, err := os.ReadFile(cassette + ".yaml")
	must(t, err)
	text := string(y)
	if !strings.Contains(text, "server-groups") || !strings.Contains(text, livetest.Scrubbed) {
		t.Fatalf("the cassette holds no scrubbed SDRS call:\n%.2000s", text)
	}
	for _, secret := range []string{emu.TestSecretKey, emu.TestAccessKey, "SDK-HMAC", "Signature="} {
		if strings.Contains(text, secret) {
			t.Errorf("the cassette holds %q", secret)
		}
	}
}
