package livetest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A recorded run keeps no credential, and its cassette replays without the server: the
// signature and nonce differ on replay (they are per request) and still match.
func TestRecordScrubReplay(t *testing.T) {
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"access_token":"tok-secret-1","RequestId":"r1","Message":"Specified signature is not matched with our calculation. server string to sign is:GET&%2F&AccessKeyId%3DAKIDsecret"}`)
	}))
	defer srv.Close()
	dir := t.TempDir()
	cas := filepath.Join(dir, "c")
	get := func(rt http.RoundTripper, nonce string) string {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/?Action=DescribeRegions&AccessKeyId=AKIDsecret&Signature="+nonce+"&SignatureNonce="+nonce,
			strings.NewReader("client_secret=s3cr3t&grant_type=client_credentials"))
		req.Header.Set("Authorization", "Bearer tok-secret-0")
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := (&http.Client{Transport: rt}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	rt, stop, err := NewRecorder(cas, "RECORD_ONLY", http.DefaultTransport)
	if err != nil {
		t.Fatal(err)
	}
	if got := get(rt, "n1"); !strings.Contains(got, "tok-secret-1") {
		t.Fatalf("recording changed the live answer: %s", got)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(cas + ".yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"AKIDsecret", "tok-secret-0", "tok-secret-1", "s3cr3t", "n1"} {
		if strings.Contains(string(raw), secret) {
			t.Errorf("cassette keeps %q", secret)
		}
	}
	srv.Close()
	rt, stop, err = NewRecorder(cas, "REPLAY_ONLY", http.DefaultTransport)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	if got := get(rt, "n2"); !strings.Contains(got, `"RequestId":"r1"`) || strings.Contains(got, "tok-secret-1") {
		t.Fatalf("replay: %s", got)
	}
	if calls != 1 {
		t.Fatalf("the server got %d calls, want 1 (the replay made none)", calls)
	}
}

func TestRequireSkipsNamingWhatIsUnset(t *testing.T) {
	t.Setenv(EnvLive, "1")
	t.Setenv("LIVETEST_SET", "x")
	var skipped string
	ok := t.Run("sub", func(t *testing.T) {
		defer func() { skipped = "ran" }()
		Require(t, "LIVETEST_SET", "LIVETEST_UNSET_A", "LIVETEST_UNSET_B")
		t.Fatal("not skipped")
	})
	if !ok || skipped != "ran" {
		t.Fatal("Require did not skip")
	}
	t.Setenv(EnvLive, "")
	if Require(t, "LIVETEST_UNSET_A") != nil {
		t.Fatal("not live: want nil")
	}
}

func TestName(t *testing.T) {
	n := Name("Alibaba pair story!")
	if !strings.HasPrefix(n, Prefix+"alibaba-pair-sto") || len(n) > 40 || n == Name("Alibaba pair story!") {
		t.Fatal(n)
	}
}
