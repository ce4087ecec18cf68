package provider

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// exchangeLog is what a vendor driver sent and was answered, seen through the provider's
// VendorTransport hook: the secrets a test then looks for in the CLI's output and the TRACE
// log (signatures, which only the wire shows) and the answers' request IDs.
type exchangeLog struct {
	mu         sync.Mutex
	secrets    []string // signatures and tokens sent
	requestIDs []string
	requests   int
}

type capturingTransport struct {
	base http.RoundTripper
	log  *exchangeLog
	// sent returns the secrets a request carries; answered the request ID of an answer (its
	// body is given, the response's own body stays readable)
	sent     func(r *http.Request, body []byte) []string
	answered func(resp *http.Response, body []byte) string
}

func (c *capturingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	var body []byte
	if r.Body != nil && r.GetBody != nil {
		if rc, err := r.GetBody(); err == nil {
			body, _ = io.ReadAll(rc)
			_ = rc.Close()
		}
	}
	secrets := c.sent(r, body)
	resp, err := c.base.RoundTrip(r)
	c.log.mu.Lock()
	defer c.log.mu.Unlock()
	c.log.requests++
	c.log.secrets = append(c.log.secrets, secrets...)
	if err != nil {
		return resp, err
	}
	rb, rerr := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(rb))
	if rerr == nil {
		if id := c.answered(resp, rb); id != "" {
			c.log.requestIDs = append(c.log.requestIDs, id)
		}
	}
	return resp, nil
}

// captureVendor routes block's driver through a capturing transport for the test's duration.
func captureVendor(t *testing.T, block string, sent func(*http.Request, []byte) []string, answered func(*http.Response, []byte) string) *exchangeLog {
	t.Helper()
	l := &exchangeLog{}
	prev := VendorTransport
	VendorTransport = func(b string, base http.RoundTripper) http.RoundTripper {
		if b != block {
			return base
		}
		return &capturingTransport{base: base, log: l, sent: sent, answered: answered}
	}
	t.Cleanup(func() { VendorTransport = prev })
	return l
}

// wrongSecretThroughCLI runs config (whose provider block is refused by the vendor) through
// the Terraform CLI with TF_LOG=TRACE written to a file, and returns the CLI's error output
// and the log.
func wrongSecretThroughCLI(t *testing.T, config string) (string, string) {
	t.Helper()
	logPath := filepath.Join(t.TempDir(), "trace.log")
	t.Setenv("TF_LOG", "TRACE")
	t.Setenv("TF_ACC_LOG_PATH", logPath)
	var output string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		ErrorCheck: func(err error) error {
			if err == nil {
				return errors.New("the step did not fail")
			}
			output = err.Error()
			return nil
		},
		Steps: []resource.TestStep{{Config: config}},
	})
	if output == "" {
		t.Fatal("the CLI reported no error")
	}
	log, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatalf("the TRACE log: %v", err)
	}
	return output, string(log)
}

// assertNoSecrets fails when any secret (raw or URL-escaped) is in the CLI's output or the
// TRACE log, or when the output names one of internals.
func assertNoSecrets(t *testing.T, output, log string, secrets, internals []string) {
	t.Helper()
	for where, text := range map[string]string{"the CLI's output": output, "the TRACE log": log} {
		for _, s := range secrets {
			if len(s) < 6 {
				t.Fatalf("secret %q too short to look for", s)
			}
			for _, form := range []string{s, url.QueryEscape(s), url.PathEscape(s)} {
				if strings.Contains(text, form) {
					t.Errorf("a secret (%.4s…) is in %s", s, where)
				}
			}
		}
	}
	for _, internal := range internals {
		if strings.Contains(output, internal) {
			t.Errorf("the CLI's output names an internal %q:\n%s", internal, output)
		}
	}
}
