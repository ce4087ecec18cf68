package reliability

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/platform/sandbox"
	"github.com/dr-provider/terraform-provider-dr/internal/testcli"
)

// pluginDir holds the provider binary built once by TestMain ("" when the tests are skipped).
var pluginDir string

// skipReason is why the CLI tests cannot run here, if they cannot.
var skipReason string

// cli is the Terraform (or OpenTofu) CLI the tests run: TF_ACC_TERRAFORM_PATH when set (as
// terraform-plugin-testing does; make test-matrix sets it per pass), else terraform on PATH.
var cli string

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	setup, cleanup, err := testcli.Prepare("reliability")
	defer cleanup()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	cli, pluginDir, skipReason = setup.CLI, setup.PluginDir, setup.SkipReason
	return m.Run()
}

func requireCLI(t *testing.T) {
	t.Helper()
	if skipReason != "" {
		t.Skip(skipReason)
	}
}

// workdir is one Terraform working directory (its own state) using the built provider.
type workdir struct {
	t   *testing.T
	dir string
	env []string
}

// newWorkdir writes main.tf into a fresh directory with a CLI configuration that points the
// provider's address at the build (no init, no registry, no network).
func newWorkdir(t *testing.T, config string) *workdir {
	t.Helper()
	dir := t.TempDir()
	rc := filepath.Join(dir, "terraformrc")
	if err := os.WriteFile(rc, []byte(fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"dr-provider/dr\" = %q\n  }\n  direct {}\n}\n", pluginDir)), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "TF_") || strings.HasPrefix(kv, "DR_SANDBOX_") {
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "TF_CLI_CONFIG_FILE="+rc, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1", "TF_INPUT=0")
	return &workdir{t: t, dir: dir, env: env}
}

// result of one terraform command.
type result struct {
	out      string
	code     int
	duration time.Duration
}

func (w *workdir) command(ctx context.Context, extraEnv []string, args ...string) (*exec.Cmd, *syncBuffer) {
	cmd := exec.CommandContext(ctx, cli, append(args[:1:1], append([]string{"-no-color"}, args[1:]...)...)...)
	cmd.Dir = w.dir
	cmd.Env = append(append([]string(nil), w.env...), extraEnv...)
	buf := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = buf, buf
	// Own process group, so the provider child can be killed with terraform.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	return cmd, buf
}

// tf runs a terraform command to completion (at most 3 minutes).
func (w *workdir) tf(args ...string) result {
	return w.tfEnv(nil, args...)
}

func (w *workdir) tfEnv(extraEnv []string, args ...string) result {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd, buf := w.command(ctx, extraEnv, args...)
	start := time.Now()
	err := cmd.Run()
	res := result{out: buf.String(), duration: time.Since(start)}
	if err != nil {
		res.code = -1
		if ee, ok := err.(*exec.ExitError); ok {
			res.code = ee.ExitCode()
		}
	}
	return res
}

// mustTF runs a terraform command that must succeed.
func (w *workdir) mustTF(args ...string) result {
	w.t.Helper()
	r := w.tf(args...)
	if r.code != 0 {
		w.t.Fatalf("terraform %s: exit %d after %s\n%s", strings.Join(args, " "), r.code, r.duration, r.out)
	}
	return r
}

// expectEmptyPlan asserts that the state matches the platform and the configuration.
func (w *workdir) expectEmptyPlan(vars ...string) {
	w.t.Helper()
	r := w.tf(append([]string{"plan", "-detailed-exitcode"}, vars...)...)
	if r.code != 0 {
		w.t.Fatalf("plan -detailed-exitcode: exit %d (2 = changes pending), want 0\n%s", r.code, r.out)
	}
}

// state returns terraform show -json's resources by address.
func (w *workdir) state() map[string]map[string]any {
	w.t.Helper()
	r := w.mustTF("show", "-json")
	var doc struct {
		Values struct {
			RootModule struct {
				Resources []struct {
					Address string         `json:"address"`
					Values  map[string]any `json:"values"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal([]byte(r.out), &doc); err != nil {
		w.t.Fatalf("show -json: %v\n%s", err, r.out)
	}
	out := map[string]map[string]any{}
	for _, res := range doc.Values.RootModule.Resources {
		out[res.Address] = res.Values
	}
	return out
}

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

// providerBlock configures the sandbox at db with a time scale taken from var.time_scale.
func providerBlock(db string) string {
	return fmt.Sprintf(`
terraform {
  required_providers {
    dr = {
      source = "dr-provider/dr"
    }
  }
}

variable "time_scale" {
  type    = number
  default = 1000
}

provider "dr" {
  sandbox {
    path       = %q
    time_scale = var.time_scale
  }
}
`, db)
}

// newDB returns a sandbox database path in a fresh directory.
func newDB(t *testing.T) string {
	return filepath.Join(t.TempDir(), "sandbox", "sandbox.db")
}

// openSandbox opens the test's database from the test process (another process, as far as
// the provider is concerned).
func openSandbox(t *testing.T, db string, scale float64) *sandbox.Sandbox {
	t.Helper()
	sb, err := sandbox.Open(db, sandbox.Options{TimeScale: scale})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sb.Close() })
	return sb
}

// waitFor polls cond every 10 ms until it holds or timeout passes.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		<-tick.C
	}
}

// opCounts counts the accepted client tokens per operation on object id: every operation that
// took effect left exactly one.
func opCounts(t *testing.T, sb *sandbox.Sandbox, id string) map[string]int {
	t.Helper()
	toks, err := sb.Tokens(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, tk := range toks {
		if tk.Scope == id {
			out[tk.Op]++
		}
	}
	return out
}

func diffCounts(before, after map[string]int) map[string]int {
	out := map[string]int{}
	for k, v := range after {
		if d := v - before[k]; d != 0 {
			out[k] = d
		}
	}
	for k, v := range before {
		if _, ok := after[k]; !ok {
			out[k] = -v
		}
	}
	return out
}

func integrityOK(t *testing.T, sb *sandbox.Sandbox) {
	t.Helper()
	got, err := sb.IntegrityCheck(context.Background())
	if err != nil || got != "ok" {
		t.Fatalf("PRAGMA integrity_check = %q, %v; want ok", got, err)
	}
}
