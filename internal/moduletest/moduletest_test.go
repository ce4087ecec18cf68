package moduletest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/testcli"
)

// pluginDir holds the provider binary built once by TestMain ("" when the tests are skipped).
var pluginDir string

// skipReason is why the tests cannot run here, if they cannot.
var skipReason string

// cli is TF_ACC_TERRAFORM_PATH when set (as terraform-plugin-testing does), else terraform on
// PATH.
var cli string

// moduleDir is examples/module-test in this checkout.
var moduleDir string

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	// go test runs in the package directory.
	dir, err := filepath.Abs(filepath.Join("..", "..", "examples", "module-test"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "moduletest:", err)
		return 1
	}
	moduleDir = dir
	setup, cleanup, err := testcli.Prepare("moduletest")
	defer cleanup()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	cli, pluginDir, skipReason = setup.CLI, setup.PluginDir, setup.SkipReason
	return m.Run()
}

// workdir is a copy of the module with its own sandbox database and a CLI configuration
// that points the provider's address at the build (dev_overrides: no init, no registry).
type workdir struct {
	t   *testing.T
	dir string
	env []string
	db  string // the sandbox database the CLI's provider uses
}

func newWorkdir(t *testing.T) *workdir {
	t.Helper()
	return newWorkdirOf(t, moduleDir)
}

// newWorkdirOf is a workdir of another example module (src: its directory).
func newWorkdirOf(t *testing.T, src string) *workdir {
	t.Helper()
	if skipReason != "" {
		t.Skip(skipReason)
	}
	root := t.TempDir()
	dir := filepath.Join(root, "module")
	if err := os.CopyFS(dir, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	for _, junk := range []string{".terraform", "terraform.tfstate", "terraform.tfstate.backup", ".terraform.lock.hcl"} {
		_ = os.RemoveAll(filepath.Join(dir, junk))
	}
	// "dr-provider/dr" is registry.terraform.io/dr-provider/dr on Terraform and
	// registry.opentofu.org/dr-provider/dr on OpenTofu: the short form matches both.
	rc := filepath.Join(root, "terraformrc")
	if err := os.WriteFile(rc, []byte(fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"dr-provider/dr\" = %q\n  }\n  direct {}\n}\n", pluginDir)), 0o600); err != nil {
		t.Fatal(err)
	}
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "TF_") || strings.HasPrefix(kv, "TOFU_") || strings.HasPrefix(kv, "DR_SANDBOX_") {
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "TF_CLI_CONFIG_FILE="+rc, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1", "TF_INPUT=0",
		"DR_SANDBOX_PATH="+filepath.Join(root, "sandbox", "sandbox.db"), "DR_SANDBOX_TIME_SCALE=3600")
	return &workdir{t: t, dir: dir, env: env, db: filepath.Join(root, "sandbox", "sandbox.db")}
}

// run runs one CLI command (at most 5 minutes) and returns its combined output and exit code.
func (w *workdir) run(args ...string) (string, int) {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, cli, append(args[:1:1], append([]string{"-no-color"}, args[1:]...)...)...)
	cmd.Dir = w.dir
	cmd.Env = w.env
	out, err := cmd.CombinedOutput()
	code := 0
	if err != nil {
		code = -1
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		}
	}
	return string(out), code
}

// TestModuleRehearsal runs each tests/*.tftest.hcl of the module with the CLI's test command,
// each in a fresh copy with its own sandbox.
func TestModuleRehearsal(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(moduleDir, "tests", "*.tftest.hcl"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no tests/*.tftest.hcl in %s (%v)", moduleDir, err)
	}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(strings.TrimSuffix(name, ".tftest.hcl"), func(t *testing.T) {
			t.Parallel()
			w := newWorkdir(t)
			out, code := w.run("test", "-filter=tests/"+name)
			t.Logf("%s test -filter=tests/%s: exit %d\n%s", filepath.Base(cli), name, code, summary(out))
			if code != 0 || !strings.Contains(out, "Success!") {
				t.Fatalf("%s test failed (exit %d):\n%s", filepath.Base(cli), code, out)
			}
		})
	}
}

// TestModuleRefusedChange rehearses a change the provider refuses at plan time: reprotecting
// while the production site is still down (R000-2). A .tftest.hcl cannot express it (no CLI's
// expect_failures catches a provider error), so this drives plan and apply directly: the plan
// must fail naming the rule, and nothing may have changed.
func TestModuleRefusedChange(t *testing.T) {
	t.Parallel()
	w := newWorkdir(t)
	steps := [][]string{
		{"apply", "-auto-approve"},
		{"apply", "-auto-approve", "-var", "source_site_healthy=false"},
		{"apply", "-auto-approve", "-var", "source_site_healthy=false", "-var", "active_site=target", "-var", "protection=disabled"},
	}
	for _, s := range steps {
		if out, code := w.run(s...); code != 0 {
			t.Fatalf("%s: exit %d\n%s", strings.Join(s, " "), code, out)
		}
	}
	refused := []string{"plan", "-detailed-exitcode", "-var", "source_site_healthy=false", "-var", "active_site=target", "-var", "server_power=stopped"}
	out, code := w.run(refused...)
	if code != 1 || !strings.Contains(out, "R000-2") {
		t.Fatalf("reprotect with the production site down: want the plan refused with R000-2 (exit 1), got exit %d:\n%s", code, out)
	}
	// Nothing changed: the group is still failed over with protection disabled.
	out, code = w.run("output", "-json")
	if code != 0 || !strings.Contains(out, `"failed_over"`) {
		t.Fatalf("after the refused plan: exit %d, want the group still failed_over:\n%s", code, out)
	}
	// Restore, so the sandbox is left consistent (its directory is removed anyway).
	if out, code := w.run("apply", "-auto-approve", "-var", "active_site=target", "-var", "protection=disabled", "-var", "server_power=stopped"); code != 0 {
		t.Fatalf("restore: exit %d\n%s", code, out)
	}
}

// summary keeps the run/pass/fail lines of a test command's output.
func summary(out string) string {
	var b strings.Builder
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, "run \"") || strings.Contains(l, ".tftest.hcl") || strings.HasPrefix(l, "Success!") || strings.HasPrefix(l, "Failure!") {
			b.WriteString(l + "\n")
		}
	}
	return b.String()
}
