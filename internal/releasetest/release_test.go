package releasetest

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-version"
)

// setup is what TestMain prepared (by `make install` into a temporary HOME).
var setup struct {
	skip     string // why the tests cannot run here ("" when they can)
	cli      string // TF_ACC_TERRAFORM_PATH, else terraform on PATH
	tofu     bool   // the CLI is OpenTofu
	version  *version.Version
	repo     string // the repository root
	home     string // the temporary HOME holding .terraform.d/plugins
	bin      string // GOBIN of the install: dr-emulator
	cliRC    string // an empty CLI configuration file (no provider_installation: the implied mirror)
	install  time.Duration
	examples string
}

func TestMain(m *testing.M) {
	code, cleanup := prepare()
	if code != 0 {
		os.Exit(code)
	}
	code = m.Run()
	cleanup()
	os.Exit(code)
}

func prepare() (int, func()) {
	nothing := func() {}
	repo, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		fmt.Fprintln(os.Stderr, "releasetest:", err)
		return 1, nothing
	}
	setup.repo, setup.examples = repo, filepath.Join(repo, "examples")
	switch {
	case os.Getenv("TF_ACC") == "":
		setup.skip = "TF_ACC not set (make test sets it)"
		return 0, nothing
	case isShort():
		setup.skip = "-short: these tests install the provider and run the CLI"
		return 0, nothing
	}
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		setup.cli = p
	} else if p, err := exec.LookPath("terraform"); err == nil {
		setup.cli = p
	} else {
		setup.skip = "terraform CLI not on PATH"
		return 0, nothing
	}
	if _, err := exec.LookPath("make"); err != nil {
		setup.skip = "make not on PATH (these tests run `make install`)"
		return 0, nothing
	}
	out, err := exec.Command(setup.cli, "version").Output()
	if err != nil {
		fmt.Fprintf(os.Stderr, "releasetest: %s version: %v\n", setup.cli, err)
		return 1, nothing
	}
	setup.tofu = strings.HasPrefix(string(out), "OpenTofu")
	if m := regexp.MustCompile(`v(\d+\.\d+\.\d+)`).FindStringSubmatch(string(out)); m != nil {
		setup.version, _ = version.NewVersion(m[1])
	}
	tmp, err := os.MkdirTemp("", "dr-releasetest-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "releasetest:", err)
		return 1, nothing
	}
	cleanup := func() { os.RemoveAll(tmp) }
	setup.home, setup.bin = filepath.Join(tmp, "home"), filepath.Join(tmp, "bin")
	setup.cliRC = filepath.Join(tmp, "empty.tfrc")
	if err := os.WriteFile(setup.cliRC, nil, 0o600); err != nil {
		fmt.Fprintln(os.Stderr, "releasetest:", err)
		return 1, cleanup
	}
	// make install as a user runs it, into a temporary HOME; the Go caches stay the real
	// ones (a cold build cache would rebuild everything).
	goenv := map[string]string{}
	for _, k := range []string{"GOCACHE", "GOMODCACHE", "GOPATH", "GOFLAGS", "GOPROXY", "GOTOOLCHAIN"} {
		v, err := exec.Command("go", "env", k).Output()
		if err != nil {
			fmt.Fprintln(os.Stderr, "releasetest: go env:", err)
			return 1, cleanup
		}
		goenv[k] = strings.TrimSpace(string(v))
	}
	install := exec.Command("make", "-C", repo, "install")
	install.Env = append(cleanEnv(), "HOME="+setup.home, "GOBIN="+setup.bin)
	for k, v := range goenv {
		install.Env = append(install.Env, k+"="+v)
	}
	start := time.Now()
	if out, err := install.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "releasetest: make install failed: %v\n%s", err, out)
		return 1, cleanup
	}
	setup.install = time.Since(start)
	return 0, cleanup
}

func isShort() bool {
	for _, a := range os.Args[1:] {
		if a == "-test.short" || a == "-test.short=true" {
			return true
		}
	}
	return false
}

// cleanEnv is the environment without what would steer the CLI or the provider elsewhere
// (a CLI configuration, a plugin cache, the tests' own TF_ACC settings, a sandbox, vendor
// endpoints and credentials).
func cleanEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch {
		case strings.HasPrefix(k, "TF_"), strings.HasPrefix(k, "TOFU_"), strings.HasPrefix(k, "DR_"),
			strings.HasPrefix(k, "ALICLOUD_"), strings.HasPrefix(k, "ALIBABA_CLOUD_"), strings.HasPrefix(k, "HW_"),
			strings.HasPrefix(k, "ACRONIS_"), k == "HOME", k == "CHECKPOINT_DISABLE":
			continue
		}
		out = append(out, kv)
	}
	return out
}

// userEnv is a user's shell after `make install`: HOME holds the installed provider, GOBIN
// (dr-emulator) is on PATH, TF names the CLI for the examples' scripts, no network.
func userEnv(extra ...string) []string {
	env := cleanEnv()
	for i, kv := range env {
		if strings.HasPrefix(kv, "PATH=") {
			env[i] = "PATH=" + setup.bin + string(os.PathListSeparator) + strings.TrimPrefix(kv, "PATH=")
		}
	}
	return append(append(env, "HOME="+setup.home, "TF_CLI_CONFIG_FILE="+setup.cliRC, "CHECKPOINT_DISABLE=1",
		"TF_IN_AUTOMATION=1", "TF_INPUT=0", "TF="+setup.cli), extra...)
}

func need(t *testing.T) {
	t.Helper()
	if setup.skip != "" {
		t.Skip(setup.skip)
	}
}

// copyExample copies examples/<name> into a temporary directory, as a user copies it.
func copyExample(t *testing.T, name string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), name)
	if err := os.CopyFS(dir, os.DirFS(filepath.Join(setup.examples, name))); err != nil {
		t.Fatal(err)
	}
	for _, junk := range []string{".terraform", ".terraform.lock.hcl", "terraform.tfstate", ".dr-sandbox", ".sandbox"} {
		_ = os.RemoveAll(filepath.Join(dir, junk))
	}
	return dir
}

// run runs a command in dir with the user's environment (at most 10 minutes) and returns
// its combined output; a failure fails the test with the output.
func run(t *testing.T, dir string, env []string, name string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir, cmd.Env = dir, env
	start := time.Now()
	out, err := cmd.CombinedOutput()
	t.Logf("%s %s: %s", filepath.Base(name), strings.Join(args, " "), time.Since(start).Round(10*time.Millisecond))
	if err != nil {
		t.Fatalf("%s %s in %s: %v\n%s", name, strings.Join(args, " "), dir, err, out)
	}
	return string(out)
}

// The installed provider is where both CLIs' implied local mirror looks, under a release
// version (a pre-release would need an exact constraint), and dr-emulator is in GOBIN.
func TestInstallLayout(t *testing.T) {
	need(t)
	t.Parallel()
	t.Logf("make install: %s", setup.install.Round(10*time.Millisecond))
	for _, host := range []string{"registry.terraform.io", "registry.opentofu.org"} {
		m, _ := filepath.Glob(filepath.Join(setup.home, ".terraform.d", "plugins", host, "dr-provider", "dr", "*", "*_*", "terraform-provider-dr_v*"))
		if len(m) != 1 {
			t.Fatalf("%s: %v, want one installed provider binary", host, m)
		}
		v := filepath.Base(filepath.Dir(filepath.Dir(m[0])))
		if pv, err := version.NewVersion(v); err != nil || pv.Prerelease() != "" || filepath.Base(m[0]) != "terraform-provider-dr_v"+v {
			t.Fatalf("%s: installed as %s (version %q): want a release version in the directory and the file name", host, m[0], v)
		}
	}
	if _, err := os.Stat(filepath.Join(setup.bin, "dr-emulator")); err != nil {
		t.Fatal(err)
	}
}

// runnable are the example directories a user runs as they are (they declare the provider's
// source), and the test that runs each.
var runnable = map[string]string{
	"quickstart":       "TestInstalledExamples/quickstart",
	"module-test":      "TestInstalledExamples/module-test",
	"adopting":         "TestInstalledExamples/adopting",
	"readiness-checks": "TestInstalledExamples/readiness-checks",
	"alibaba":          "TestRehearsals/alibaba and TestCIGuideJob",
	"huaweicloud":      "TestRehearsals/huaweicloud",
	"acronis":          "TestRehearsals/acronis",
}

// Every example directory with a required_providers block is covered here.
func TestEveryRunnableExampleIsCovered(t *testing.T) {
	entries, err := os.ReadDir(setup.examples)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		tfs, _ := filepath.Glob(filepath.Join(setup.examples, e.Name(), "*.tf"))
		for _, f := range tfs {
			b, _ := os.ReadFile(f)
			if strings.Contains(string(b), "required_providers") {
				if runnable[e.Name()] == "" {
					t.Errorf("examples/%s declares the provider's source but no test here runs it after make install", e.Name())
				}
				break
			}
		}
	}
}

// In a copy of each runnable sandbox example, `init` then `apply` (quickstart), `test`
// (module-test: the CI guide's commands, examples/module-test/ci.sh) or `plan` (adopting,
// whose resources come from `terraform query`) work with the installed provider.
func TestInstalledExamples(t *testing.T) {
	need(t)
	t.Parallel()
	t.Run("quickstart", func(t *testing.T) {
		t.Parallel()
		dir := copyExample(t, "quickstart")
		env := userEnv()
		run(t, dir, env, setup.cli, "init", "-no-color")
		out := run(t, dir, env, setup.cli, "apply", "-auto-approve", "-no-color")
		if !strings.Contains(out, "Apply complete!") {
			t.Fatalf("apply:\n%s", out)
		}
		lock, err := os.ReadFile(filepath.Join(dir, ".terraform.lock.hcl"))
		if err != nil || !strings.Contains(string(lock), "/dr-provider/dr") {
			t.Fatalf("the lock file does not record the installed provider: %v\n%s", err, lock)
		}
		run(t, dir, env, setup.cli, "destroy", "-auto-approve", "-no-color")
	})
	t.Run("module-test", func(t *testing.T) {
		t.Parallel()
		dir := copyExample(t, "module-test")
		out := run(t, dir, userEnv(), "bash", "ci.sh")
		if !strings.Contains(out, "Success!") {
			t.Fatalf("ci.sh:\n%s", out)
		}
	})
	t.Run("readiness-checks", func(t *testing.T) {
		t.Parallel()
		dir := copyExample(t, "readiness-checks")
		env := userEnv()
		run(t, dir, env, setup.cli, "init", "-no-color")
		if out := run(t, dir, env, setup.cli, "test", "-no-color"); !strings.Contains(out, "Success!") {
			t.Fatalf("test:\n%s", out)
		}
	})
	t.Run("adopting", func(t *testing.T) {
		t.Parallel()
		if setup.tofu || setup.version == nil || setup.version.LessThan(version.Must(version.NewVersion("1.14.0"))) {
			t.Skipf("examples/adopting requires Terraform >= 1.14 (terraform query); the CLI is %s", setup.version)
		}
		dir := copyExample(t, "adopting")
		env := userEnv("DR_SANDBOX_PATH=" + filepath.Join(t.TempDir(), "sandbox.db"))
		run(t, dir, env, setup.cli, "init", "-no-color")
		run(t, dir, env, setup.cli, "plan", "-no-color")
	})
}

// Each vendor example's rehearsal, as a user runs it: rehearse.sh starts the built
// dr-emulator as its own process, seeds the estate and runs the story through the CLI.
func TestRehearsals(t *testing.T) {
	need(t)
	t.Parallel()
	for _, vendor := range []string{"alibaba", "huaweicloud", "acronis"} {
		t.Run(vendor, func(t *testing.T) {
			t.Parallel()
			dir := copyExample(t, vendor)
			start := time.Now()
			out := run(t, dir, userEnv(), "bash", "rehearse.sh")
			t.Logf("%s rehearsal: %s\n%s", vendor, time.Since(start).Round(10*time.Millisecond), out)
			if !strings.Contains(out, "Rehearsal passed") {
				t.Fatalf("rehearse.sh:\n%s", out)
			}
		})
	}
}

// The CI job of the "Rehearse your vendor configuration in CI" guide (examples/alibaba/ci.sh,
// which the guide shows): dr-emulator as a service process, `init` and `test`.
func TestCIGuideJob(t *testing.T) {
	need(t)
	t.Parallel()
	dir := copyExample(t, "alibaba")
	out := run(t, dir, userEnv(), "bash", "ci.sh")
	if !strings.Contains(out, "Success!") || !strings.Contains(out, "8 passed, 0 failed") {
		t.Fatalf("ci.sh:\n%s", out)
	}
}

// startEmulator starts the installed dr-emulator as its own process and returns its base URL
// once it has served a first request, and how long that took.
func startEmulator(t *testing.T, flags ...string) (string, time.Duration) {
	t.Helper()
	dir := t.TempDir()
	start := time.Now()
	cmd := exec.Command(filepath.Join(setup.bin, "dr-emulator"), append([]string{"-db", filepath.Join(dir, "sandbox.db"), "-listen", "127.0.0.1:0"}, flags...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Signal(os.Interrupt); _ = cmd.Wait() })
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), "export DR_EMULATOR_URL="); ok {
				urls <- u
			}
		}
	}()
	select {
	case u := <-urls:
		resp, err := http.Get(u + "/_emulator/health")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return u, time.Since(start)
	case <-time.After(60 * time.Second):
		t.Fatalf("dr-emulator printed no DR_EMULATOR_URL within 60s:\n%s", stderr.String())
	}
	return "", 0
}

// Two rehearsals (separate states, the same story and names) run at once against one
// dr-emulator process without interfering — with a tenth of the calls throttled and every
// call slowed, so the vendor's throttling answer is shown to be the one the driver retries.
func TestTwoRehearsalsOneEmulator(t *testing.T) {
	need(t)
	t.Parallel()
	url, startup := startEmulator(t, "-throttle-rate", "0.1", "-latency", "1ms..10ms")
	t.Logf("dr-emulator startup (process start to first served request): %s", startup.Round(time.Millisecond))
	start := time.Now()
	var wg sync.WaitGroup
	outs := make([]string, 2)
	errs := make([]error, 2)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			dir := copyExample(t, "alibaba")
			cmd := exec.Command("bash", "rehearse.sh")
			cmd.Dir, cmd.Env = dir, userEnv("DR_EMULATOR_URL="+url)
			out, err := cmd.CombinedOutput()
			outs[i], errs[i] = string(out), err
		}()
	}
	wg.Wait()
	t.Logf("two rehearsals at once on one emulator: %s", time.Since(start).Round(10*time.Millisecond))
	for i := range 2 {
		if errs[i] != nil || !strings.Contains(outs[i], "Rehearsal passed") {
			t.Errorf("rehearsal %d: %v\n%s", i+1, errs[i], outs[i])
		}
	}
	resp, err := http.Get(url + "/_emulator")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var status struct {
		Vendors map[string]struct {
			Calls map[string]struct{ Calls, Throttled int }
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&status); err != nil {
		t.Fatal(err)
	}
	calls, throttled := 0, 0
	for _, c := range status.Vendors["alibaba"].Calls {
		calls, throttled = calls+c.Calls, throttled+c.Throttled
	}
	t.Logf("EBS calls: %d, of which throttled (Throttling.User) and retried: %d", calls, throttled)
	if throttled == 0 {
		t.Error("no call was throttled: the throttling rate did not apply")
	}
}

// The part of rehearse.sh every vendor example shares (the emulator, the scratch copy, the
// helpers) is the same text in each: a fix in one is made in all.
func TestRehearseScriptsShareTheirCommonPart(t *testing.T) {
	const begin, end = "# ---- the emulator, the scratch copy and the helpers", "# ---- end of the common part ----"
	var first, firstName string
	for _, vendor := range []string{"alibaba", "huaweicloud", "acronis"} {
		b, err := os.ReadFile(filepath.Join(setup.examples, vendor, "rehearse.sh"))
		if err != nil {
			t.Fatal(err)
		}
		s := string(b)
		i, j := strings.Index(s, begin), strings.Index(s, end)
		if i < 0 || j < i {
			t.Fatalf("examples/%s/rehearse.sh has no common part (%q … %q)", vendor, begin, end)
		}
		if common := s[i:j]; first == "" {
			first, firstName = common, vendor
		} else if common != first {
			t.Errorf("the common part of examples/%s/rehearse.sh differs from examples/%s/rehearse.sh", vendor, firstName)
		}
	}
}
