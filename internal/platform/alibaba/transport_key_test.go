package alibaba_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	alibabaemu "github.com/dr-provider/terraform-provider-dr/internal/emulator/alibaba"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/alibaba"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/sandbox"
)

// funcTransport is a RoundTripper of a type that cannot key a map (a struct value holding a func).
type funcTransport struct {
	rt func(*http.Request) (*http.Response, error)
}

func (f funcTransport) RoundTrip(r *http.Request) (*http.Response, error) { return f.rt(r) }

// A configured transport of any type works: the per-process caches are keyed by it only when
// it can key a map (a struct value holding a func made the driver panic: "unhashable type").
func TestTransportOfAnyType(t *testing.T) {
	emu := alibabaemu.Start(t, sandbox.Options{Seed: 1})
	hs := httptest.NewServer(emu.Emulator)
	t.Cleanup(hs.Close)
	calls := 0
	tr := funcTransport{rt: func(r *http.Request) (*http.Response, error) { calls++; return http.DefaultTransport.RoundTrip(r) }}
	d, err := alibaba.New(alibaba.Config{AccessKeyID: alibabaemu.TestAccessKeyID, AccessKeySecret: alibabaemu.TestAccessKeySecret,
		Region: "cn-shanghai", EBSEndpoint: hs.URL, ECSEndpoint: hs.URL, ReadCacheTTL: -1, Transport: tr})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.CheckCredentials(context.Background()); err != nil {
		t.Fatal(err)
	}
	if calls == 0 {
		t.Fatal("the configured transport carried no request")
	}
}
