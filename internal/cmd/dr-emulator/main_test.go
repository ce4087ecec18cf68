package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the command's goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func runArgs(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut syncBuffer
	code := run(context.Background(), args, &out, &errOut, func(string) { t.Fatal("served although it should not") })
	return code, out.String(), errOut.String()
}

// Bad flags, a busy port and an unusable database: a clear message and a non-zero exit.
func TestRefusals(t *testing.T) {
	dir := t.TempDir()
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	notDB := filepath.Join(dir, "garbage.db")
	if err := os.WriteFile(notDB, []byte("this is not a database, it is a text file long enough to matter"), 0o600); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "ok.db")
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"-bogus"}, 2, "flag provided but not defined: -bogus"},
		{[]string{"-latency", "fast"}, 2, `-latency: latency "fast"`},
		{[]string{"-rate-limit", "x=0/s"}, 2, "-rate-limit:"},
		{[]string{"-rate-limit", "gcp:x=1/s"}, 2, `unknown vendor "gcp"`},
		{[]string{"-time-scale", "0"}, 2, "-time-scale 0"},
		{[]string{"-throttle-rate", "2"}, 2, "-throttle-rate 2"},
		{[]string{"-huaweicloud-domain", "d1=cn-north-4a"}, 2, "want ID=AZ1,AZ2"},
		{[]string{"-db", db, "extra"}, 2, `unexpected argument "extra"`},
		{[]string{"-db", db, "-listen", busy.Addr().String()}, 1, "cannot listen on " + busy.Addr().String()},
		{[]string{"-db", notDB, "-listen", "127.0.0.1:0"}, 1, "cannot open the sandbox database " + notDB},
		{[]string{"-db", dir, "-listen", "127.0.0.1:0"}, 1, "cannot open the sandbox database"},
	} {
		code, _, stderr := runArgs(t, c.args...)
		if code != c.code || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d mentioning %q", c.args, code, stderr, c.code, c.want)
		}
	}
	if code, _, stderr := runArgs(t, "-h"); code != 0 || !strings.Contains(stderr, "-rate-limit") || !strings.Contains(stderr, "Admin endpoint") {
		t.Errorf("-h: exit %d, %q", code, stderr)
	}
}

// Once serving, the command writes the endpoint variables (stdout and -env-file), answers
// each vendor in its own words, and stops cleanly on its context (SIGINT/SIGTERM).
func TestServesAndStops(t *testing.T) {
	dir := t.TempDir()
	env := filepath.Join(dir, "emu.env")
	ctx, cancel := context.WithCancel(context.Background())
	var out, errOut syncBuffer
	urls := make(chan string, 1)
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"-db", filepath.Join(dir, "sb", "sandbox.db"), "-listen", "127.0.0.1:0", "-env-file", env,
			"-huaweicloud-vpc", "vpc-prod", "-huaweicloud-domain", "dom-1=cn-north-4a,cn-north-4b",
			"-huaweicloud-region-project", "cn-east-3=e0b97bac532c4c5196fa4b3a32253be4"}, &out, &errOut, func(u string) { urls <- u })
	}()
	var url string
	select {
	case url = <-urls:
	case code := <-done:
		t.Fatalf("exited %d: %s", code, errOut.String())
	case <-time.After(20 * time.Second):
		t.Fatal("not serving after 20s")
	}
	b, err := os.ReadFile(env)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"export ALICLOUD_EBS_ENDPOINT=" + url, "export HW_SDRS_ENDPOINT=" + url, "export ACRONIS_DATACENTER_URL=" + url,
		"export HW_REGION_PROJECT_IDS=cn-east-3=e0b97bac532c4c5196fa4b3a32253be4", "export DR_SANDBOX_PATH=" + filepath.Join(dir, "sb", "sandbox.db")} {
		if !strings.Contains(string(b), want) || !strings.Contains(out.String(), want) {
			t.Errorf("the env file / stdout lack %q:\n%s", want, b)
		}
	}
	get := func(path string) (int, string) {
		resp, err := http.Get(url + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	for path, want := range map[string]string{
		"/?Action=DescribeRegions&Version=2021-07-30": `"Code":"MissingAccessKeyId"`,
		"/v1/x/server-groups":                         `"error_code":"APIGW.0301"`,
		"/api/dr/v2/servers":                          `"code":"Unauthorized"`,
		"/_emulator/health":                           "ok",
		"/":                                           "export HW_CBR_ENDPOINT=" + url,
	} {
		if _, body := get(path); !strings.Contains(body, want) {
			t.Errorf("GET %s: %s; want %s", path, body, want)
		}
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("exit %d after the signal: %s", code, errOut.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("still running 10s after the signal")
	}
	if _, err := os.Stat(env); !os.IsNotExist(err) {
		t.Errorf("the env file outlived the emulator: %v", err)
	}
}
