// Package livetest is the opt-in harness of the vendors' live smoke tests (issue 23): one short
// story per vendor that runs against the real cloud when a user asks for it, and against the
// vendor's emulator otherwise, with the same assertions.
//
// A live run needs TF_ACC_LIVE=1 and the vendor's credentials (its own environment variables,
// as the provider block reads them); the estate it needs (disks, servers, backups) is named by
// documented variables, each checked by Require, which skips the test naming what is unset.
// Nothing in this repository's test suite calls a real cloud: without TF_ACC_LIVE=1 a story
// runs on the emulator.
//
// A live run can also record its HTTP interactions (go-vcr): VCR_MODE=RECORD_ONLY writes a
// cassette per test under VCR_PATH, with credentials, signatures and tokens scrubbed (Scrub),
// so a user with an account can hand back the cloud's real answers; VCR_MODE=REPLAY_ONLY
// replays them (then no network is used). Replayed answers join the driver's corpus of
// documented examples (internal/platform/corpus) as recorded evidence.
//
// Objects a story creates carry Prefix in their names, so the sweepers (resource.AddTestSweepers,
// run with `go test ./internal/... -sweep=<region>`) can delete what an interrupted run left.
package livetest

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"
	"gopkg.in/dnaeon/go-vcr.v4/pkg/recorder"
)

// Environment variables of a live run.
const (
	// EnvLive opts in: "1" runs the stories against the real cloud.
	EnvLive = "TF_ACC_LIVE"
	// EnvVCRMode is RECORD_ONLY or REPLAY_ONLY (unset: no recording).
	EnvVCRMode = "VCR_MODE"
	// EnvVCRPath is the directory of the cassettes.
	EnvVCRPath = "VCR_PATH"
)

// Prefix starts the name of every object a live story creates (the sweepers' filter).
const Prefix = "tf-acc-live-"

// Live reports whether the user asked for live runs (TF_ACC_LIVE=1).
func Live() bool { return os.Getenv(EnvLive) == "1" }

// Require returns the values of the named environment variables for a live run. When a run is
// not live it returns nil (the story runs on the emulator); when it is live and a variable is
// unset, the test is skipped naming every missing one (the estate a live story needs is the
// user's to name; the story creates only DR objects).
func Require(t testing.TB, names ...string) map[string]string {
	t.Helper()
	if !Live() {
		return nil
	}
	vals := map[string]string{}
	var missing []string
	for _, n := range names {
		v := os.Getenv(n)
		if v == "" {
			missing = append(missing, n)
		}
		vals[n] = v
	}
	if len(missing) > 0 {
		t.Skipf("live run (%s=1) skipped: set %s (see the live testing guide)", EnvLive, strings.Join(missing, ", "))
	}
	return vals
}

// Name returns a fresh object name for a live story: Prefix, the story, and a random suffix.
// Vendors' name rules vary; it uses only lower-case letters, digits and '-' and stays under
// 40 characters.
func Name(story string) string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	s := strings.ToLower(regexp.MustCompile(`[^A-Za-z0-9]+`).ReplaceAllString(story, "-"))
	if len(s) > 16 {
		s = s[:16]
	}
	return Prefix + strings.Trim(s, "-") + "-" + hex.EncodeToString(b)
}

// Transport returns the round tripper a driver should use in test t: base itself, or a go-vcr
// recorder in VCR_MODE (RECORD_ONLY: calls go to base and are written to
// VCR_PATH/<vendor>/<test>.yaml, scrubbed; REPLAY_ONLY: answered from that cassette, no call
// made). The recorder is stopped (the cassette saved) when the test ends.
func Transport(t testing.TB, vendor string, base http.RoundTripper) http.RoundTripper {
	t.Helper()
	mode := os.Getenv(EnvVCRMode)
	if mode == "" {
		return base
	}
	dir := os.Getenv(EnvVCRPath)
	if dir == "" {
		t.Fatalf("%s=%s needs %s (the cassettes' directory)", EnvVCRMode, mode, EnvVCRPath)
	}
	rt, stop, err := NewRecorder(filepath.Join(dir, vendor, sanitize(t.Name())), mode, base)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := stop(); err != nil {
			t.Errorf("saving the cassette: %v", err)
		}
	})
	return rt
}

// NewRecorder builds a recorder for the cassette (a path without its .yaml) in mode
// (RECORD_ONLY or REPLAY_ONLY) over base; stop saves the cassette.
func NewRecorder(cassettePath, mode string, base http.RoundTripper) (http.RoundTripper, func() error, error) {
	var m recorder.Mode
	switch mode {
	case "RECORD_ONLY":
		m = recorder.ModeRecordOnly
	case "REPLAY_ONLY":
		m = recorder.ModeReplayOnly
	default:
		return nil, nil, fmt.Errorf("%s=%q: want RECORD_ONLY or REPLAY_ONLY", EnvVCRMode, mode)
	}
	if base == nil {
		base = http.DefaultTransport
	}
	r, err := recorder.New(cassettePath,
		recorder.WithMode(m),
		recorder.WithRealTransport(base),
		recorder.WithSkipRequestLatency(true),
		recorder.WithMatcher(Match),
		recorder.WithHook(Scrub, recorder.BeforeSaveHook),
	)
	if err != nil {
		return nil, nil, fmt.Errorf("cassette %s: %w", cassettePath, err)
	}
	return r, r.Stop, nil
}

func sanitize(name string) string {
	return regexp.MustCompile(`[^A-Za-z0-9_.-]+`).ReplaceAllString(name, "_")
}

// Scrubbed is what replaces a secret in a cassette.
const Scrubbed = "REDACTED"

// secretHeaders are the request and response headers that carry credentials or signatures.
var secretHeaders = []string{"Authorization", "X-Auth-Token", "X-Security-Token", "X-Acs-Security-Token",
	"X-Acs-Accesskey-Id", "X-Acs-Signature-Nonce", "Cookie", "Set-Cookie", "Proxy-Authorization"}

// secretParams are query or form parameters that carry credentials or signatures, and
// volatile ones a replay must ignore (signature nonces, timestamps).
var secretParams = []string{"AccessKeyId", "Signature", "SignatureNonce", "SecurityToken", "Timestamp",
	"client_secret", "client_id", "assertion", "access_token", "refresh_token"}

// secretJSON matches JSON members that carry tokens or secrets in bodies (token responses,
// credentials echoed in errors).
var secretJSON = regexp.MustCompile(`("(?:access_token|refresh_token|id_token|client_secret|password|secret|SecurityToken|AccessKeyId)"\s*:\s*)"[^"]*"`)

// signedString matches the string-to-sign Alibaba echoes in a SignatureDoesNotMatch message
// (it names the AccessKeyId and the STS token).
var signedString = regexp.MustCompile(`(?i)(server string to sign is:|StringToSign)[^"]*`)

// Scrub removes credentials, signatures and tokens from a recorded interaction: headers,
// query and form parameters, and JSON members that carry them. It is a go-vcr hook.
func Scrub(i *cassette.Interaction) error {
	for _, h := range secretHeaders {
		if i.Request.Headers.Get(h) != "" {
			i.Request.Headers.Set(h, Scrubbed)
		}
		if i.Response.Headers.Get(h) != "" {
			i.Response.Headers.Set(h, Scrubbed)
		}
	}
	if u, err := url.Parse(i.Request.URL); err == nil {
		q := u.Query()
		if scrubValues(q) {
			u.RawQuery = q.Encode()
			i.Request.URL = u.String()
		}
	}
	scrubValues(i.Request.Form)
	if vals, err := url.ParseQuery(i.Request.Body); err == nil && strings.Contains(i.Request.Body, "=") && !strings.HasPrefix(strings.TrimSpace(i.Request.Body), "{") && scrubValues(vals) {
		i.Request.Body = vals.Encode()
	}
	i.Request.Body = scrubBody(i.Request.Body)
	i.Response.Body = scrubBody(i.Response.Body)
	return nil
}

func scrubValues(v url.Values) bool {
	changed := false
	for _, p := range secretParams {
		if _, ok := v[p]; ok {
			v.Set(p, Scrubbed)
			changed = true
		}
	}
	return changed
}

func scrubBody(b string) string {
	b = secretJSON.ReplaceAllString(b, `${1}"`+Scrubbed+`"`)
	return signedString.ReplaceAllString(b, "${1} "+Scrubbed)
}

// Match is the replay matcher: method, host, path, the query without the scrubbed and
// volatile parameters, and the body with them scrubbed the same way.
func Match(r *http.Request, rec cassette.Request) bool {
	if r.Method != rec.Method {
		return false
	}
	u, err := url.Parse(rec.URL)
	if err != nil || u.Host != r.URL.Host || u.Path != r.URL.Path {
		return false
	}
	if normQuery(r.URL.Query()) != normQuery(u.Query()) {
		return false
	}
	var body string
	if r.Body != nil && r.GetBody != nil {
		if rc, err := r.GetBody(); err == nil {
			var sb strings.Builder
			buf := make([]byte, 4096)
			for {
				n, err := rc.Read(buf)
				sb.Write(buf[:n])
				if err != nil {
					break
				}
			}
			_ = rc.Close()
			body = sb.String()
		}
	}
	probe := cassette.Interaction{Request: cassette.Request{Body: body, Headers: http.Header{}, URL: "http://x/"}}
	_ = Scrub(&probe)
	return probe.Request.Body == rec.Body
}

func normQuery(q url.Values) string {
	scrubValues(q)
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(k + "=" + strings.Join(q[k], ",") + "&")
	}
	return b.String()
}
