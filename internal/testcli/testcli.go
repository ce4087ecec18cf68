// Package testcli is the setup shared by the test packages that drive the Terraform (or
// OpenTofu) CLI against a provider binary they build themselves (internal/reliability,
// internal/moduletest): which CLI to run, whether the tests can run here, and the build.
package testcli

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// Setup is the result of Prepare.
type Setup struct {
	// CLI is TF_ACC_TERRAFORM_PATH when set (as terraform-plugin-testing does; make
	// test-matrix sets it per pass), else terraform on PATH.
	CLI string
	// PluginDir holds the provider binary ("" when the tests are skipped).
	PluginDir string
	// SkipReason says why the CLI tests cannot run here ("" when they can).
	SkipReason string
}

// Prepare decides whether the CLI tests of package name run (TF_ACC set, not -short, a CLI
// found) and builds the provider once into a temporary directory. cleanup removes it; a
// non-nil error fails the test binary.
func Prepare(name string) (s Setup, cleanup func(), err error) {
	cleanup = func() {}
	switch {
	case os.Getenv("TF_ACC") == "":
		s.SkipReason = "TF_ACC not set (make test sets it)"
	case isShort():
		s.SkipReason = "-short: the " + name + " tests build the provider and run the CLI"
	}
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		s.CLI = p
		if _, err := os.Stat(p); err != nil && s.SkipReason == "" {
			return s, cleanup, fmt.Errorf("%s: TF_ACC_TERRAFORM_PATH: %w", name, err)
		}
	} else if p, err := exec.LookPath("terraform"); err != nil {
		if s.SkipReason == "" {
			s.SkipReason = "terraform CLI not on PATH"
		}
	} else {
		s.CLI = p
	}
	if s.SkipReason != "" {
		return s, cleanup, nil
	}
	dir, err := os.MkdirTemp("", "dr-"+name+"-bin-")
	if err != nil {
		return s, cleanup, fmt.Errorf("%s: temp dir: %w", name, err)
	}
	cleanup = func() { os.RemoveAll(dir) }
	build := exec.Command("go", "build", "-o", filepath.Join(dir, "terraform-provider-dr"), "github.com/dr-provider/terraform-provider-dr")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		return s, cleanup, fmt.Errorf("%s: go build of the provider failed: %v\n%s", name, err, out)
	}
	s.PluginDir = dir
	return s, cleanup, nil
}

func isShort() bool {
	for _, a := range os.Args[1:] {
		if a == "-test.short" || a == "-test.short=true" {
			return true
		}
	}
	return false
}
