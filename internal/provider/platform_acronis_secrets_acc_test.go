package provider

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	acronisemu "github.com/dr-provider/terraform-provider-dr/internal/emulator/acronis"
)

// Acronis errors reach the user with the vendor's code, message and what to do, and nothing of
// the exchange: no client secret, no bearer token, no internal name — in the CLI's output and in
// a TRACE-level log of the CLI and the provider (issue 23, item 6). Three failures through the
// Terraform CLI: a wrong secret (at Configure), an action Acronis refuses at plan (an issue on
// its link), and one that fails at apply (the API answers 500 until the retries are used up).
func TestAccAcronis_errorsKeepSecretsOut(t *testing.T) {
	t.Setenv(EnvPollInterval, "50ms")
	logPath := filepath.Join(t.TempDir(), "trace.log")
	t.Setenv("TF_LOG", "TRACE")
	t.Setenv("TF_ACC_LOG_PATH", logPath)
	w := newAcronisWorld(t)
	// the secret comes from the environment, as users are told to give it: the test harness
	// logs the configuration it writes, and a literal secret there would be the test's own
	provider := fmt.Sprintf("provider \"dr\" {\n  acronis {\n    client_id      = %q\n    datacenter_url = %q\n  }\n}\n", accAcronisClient, w.url)
	server := func(mode string) string {
		return provider + fmt.Sprintf("resource \"dr_recovery_server\" \"test\" {\n  name       = \"web-recovery\"\n  machine_id = %q\n  mode       = %q\n}\n", w.mach, mode)
	}
	var outputs []string
	// keep records the CLI's error output of a step that is meant to fail, checks its words and
	// lets the test go on
	keep := func(want ...string) func(error) error {
		return func(err error) error {
			if err == nil {
				return errors.New("the step did not fail")
			}
			text := err.Error()
			outputs = append(outputs, text)
			for _, re := range want {
				if !regexp.MustCompile(re).MatchString(text) {
					return fmt.Errorf("the CLI's output does not match %q:\n%s", re, text)
				}
			}
			return nil
		}
	}
	step := 0
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		ErrorCheck: func(err error) error {
			step++
			switch step {
			case 1:
				return keep(`(?s)refused the credentials.*invalid_request.*check client_id, client_secret and datacenter_url`)(err)
			case 2:
				return keep(`(?s)V-ACR-LINKS.*QuotaExceededComputePoints`)(err)
			case 3:
				return keep(`(?s)Acronis \(HTTP 500\).*InternalError|InternalError.*Acronis \(HTTP 500\)`, `(?s)contact\s+Acronis\s+support`)(err)
			}
			return err
		},
		Steps: []resource.TestStep{
			{
				PreConfig: func() { t.Setenv("ACRONIS_CLIENT_SECRET", "wrong-"+accAcronisSecret) },
				Config: provider + fmt.Sprintf(`
data "dr_recovery_server" "x" {
  id = %q
}
`, w.rsID),
			},
			{
				PreConfig: func() { t.Setenv("ACRONIS_CLIENT_SECRET", accAcronisSecret) },
				Config:    server("standby"), // adopted
			},
			{
				PreConfig: func() {
					w.emu.InjectIssue(w.rsID, acronisemu.RelStartFailoverPrd, "QuotaExceededComputePoints", nil)
				},
				Config: server("failover"),
			},
			{
				PreConfig: func() {
					w.emu.ClearIssues(w.rsID)
					w.emu.Gateway().FailNext("start_failover_prod", 1000)
				},
				Config: server("failover"),
			},
			{
				PreConfig: func() { w.emu.Gateway().Reset() },
				Config: provider + `
removed {
  from = dr_recovery_server.test
  lifecycle {
    destroy = false
  }
}
`,
			},
		},
	})
	for _, o := range outputs {
		t.Logf("CLI output:\n%s", o)
	}
	if len(outputs) != 3 {
		t.Fatalf("%d failing steps recorded, want 3", len(outputs))
	}
	log, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatalf("the TRACE log: %v", err)
	}
	if !strings.Contains(string(log), "TRACE") || !strings.Contains(string(log), "acronis") {
		t.Fatalf("the log at %s is not a TRACE log of the Acronis provider (%d bytes)", logPath, len(log))
	}
	secrets := append([]string{accAcronisSecret, "wrong-" + accAcronisSecret}, w.emu.IssuedTokens()...)
	for _, text := range append(outputs, string(log)) {
		for _, s := range secrets {
			if strings.Contains(text, s) {
				t.Errorf("a secret or token (%.6s…) is in the CLI's output or the TRACE log", s)
			}
		}
	}
	for _, text := range outputs {
		for _, internal := range []string{"platform.Error", "acronis.APIError", "*acronis", ".go:", "goroutine", "Bearer ", "Basic "} {
			if strings.Contains(text, internal) {
				t.Errorf("the CLI's output names an internal %q:\n%s", internal, text)
			}
		}
	}
	if len(w.emu.IssuedTokens()) == 0 {
		t.Fatal("the emulator issued no token: nothing was checked")
	}
}
