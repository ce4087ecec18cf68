package server

import (
	"context"
	"errors"
	"runtime"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/dr-provider/terraform-provider-dr/internal/provider"
)

type testKey struct{}

func TestReleasableContext(t *testing.T) {
	parent, cancel := context.WithCancel(context.WithValue(context.Background(), testKey{}, "v"))
	rc := newReleasableContext(parent)
	if rc.Value(testKey{}) != "v" || rc.Err() != nil {
		t.Fatalf("before release: value %v, err %v", rc.Value(testKey{}), rc.Err())
	}
	child, cancelChild := context.WithCancel(rc) // what the framework does with it
	defer cancelChild()
	cancel()
	<-child.Done() // cancelling the request cancels what the framework derived
	if !errors.Is(rc.Err(), context.Canceled) {
		t.Fatalf("err after the parent's cancel: %v", rc.Err())
	}
	rc.release()
	if rc.Value(testKey{}) != nil || !errors.Is(rc.Err(), context.Canceled) {
		t.Fatalf("after release: value %v, err %v", rc.Value(testKey{}), rc.Err())
	}
	select {
	case <-rc.Done():
	default:
		t.Fatal("a released context is not done")
	}
}

// retainedPerRPC calls ValidateResourceConfig n times with request contexts carrying a
// payload of size bytes, cancelled after each call like gRPC's, and returns the heap still
// live afterwards per call.
func retainedPerRPC(tb testing.TB, s tfprotov6.ProviderServer, n, size int) float64 {
	tb.Helper()
	req := &tfprotov6.ValidateResourceConfigRequest{TypeName: "dr_sandbox_site"}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for i := 0; i < n; i++ {
		ctx, cancel := context.WithCancel(context.WithValue(context.Background(), testKey{}, make([]byte, size)))
		if _, err := s.ValidateResourceConfig(ctx, req); err != nil {
			tb.Fatal(err)
		}
		cancel()
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(s)
	return (float64(after.HeapAlloc) - float64(before.HeapAlloc)) / float64(n)
}

// newFrameworkServer is the framework's own protocol 6 server for the provider, unwrapped.
func newFrameworkServer() tfprotov6.ProviderServer {
	return providerserver.NewProtocol6(provider.New("test", "none")())()
}

// The framework keeps every request's context reachable (proto6server registerContext);
// through releasingServer what it keeps is a few hundred bytes per RPC whatever the request
// context holds.
func TestReleasingServerReleasesRequestContexts(t *testing.T) {
	const n, size = 500, 16 << 10
	releasing := retainedPerRPC(t, newReleasingServer(newFrameworkServer()), n, size)
	t.Logf("heap retained per RPC with a %d-byte request context through releasingServer: %.0f B", size, releasing)
	if releasing > size/4 {
		t.Fatalf("releasingServer retains %.0f B per RPC", releasing)
	}
}

// TestFrameworkStillRetainsRequestContexts is the canary for releasingServer: it passes while
// the framework's own server (terraform-plugin-framework v1.19.0) keeps each request's
// context, payload included, reachable after the RPC returned. When it fails after a framework
// upgrade, the framework has stopped doing that: delete releasingServer (serve wraps the
// framework's server in it) together with this test and TestReleasingServerReleasesRequestContexts.
func TestFrameworkStillRetainsRequestContexts(t *testing.T) {
	const n, size = 500, 16 << 10
	framework := retainedPerRPC(t, newFrameworkServer(), n, size)
	t.Logf("heap retained per RPC with a %d-byte request context by the framework's own server: %.0f B", size, framework)
	if framework < size/2 {
		t.Fatalf("the framework's server retains only %.0f B per RPC with a %d-byte request context: "+
			"it no longer keeps request contexts, so releasingServer (internal/server/serve.go) can be removed", framework, size)
	}
}

// BenchmarkRetainedPerRPC reports the heap retained per RPC (a 16 KiB request context).
func BenchmarkRetainedPerRPC(b *testing.B) {
	for _, c := range []struct {
		name string
		wrap func(tfprotov6.ProviderServer) tfprotov6.ProviderServer
	}{
		{"framework", func(s tfprotov6.ProviderServer) tfprotov6.ProviderServer { return s }},
		{"releasing", newReleasingServer},
	} {
		b.Run(c.name, func(b *testing.B) {
			s := c.wrap(newFrameworkServer())
			b.ReportMetric(retainedPerRPC(b, s, b.N, 16<<10), "retained-B/op")
		})
	}
}
