package provider

import (
	"context"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	acronisemu "github.com/dr-provider/terraform-provider-dr/internal/emulator/acronis"
	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/sandbox"
)

const (
	accAcronisClient = "acc-client-id"
	accAcronisSecret = "acc-Secret-never-logged"
)

// acronisWorld is the Acronis emulator in-process (over a sandbox at time scale 10, so a
// production failover finalizes in 3 s) and, made through its backdoor and console, a
// protected machine with a backup and the recovery server a person created for it.
type acronisWorld struct {
	sb   *sandbox.Sandbox
	emu  *acronisemu.Emulator
	url  string
	rsID string
	mach string
	ctx  context.Context
}

func newAcronisWorld(t *testing.T) *acronisWorld {
	t.Helper()
	sb, err := sandbox.Open(filepath.Join(t.TempDir(), "acronis.db"), sandbox.Options{TimeScale: 10})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sb.Close() })
	emu := acronisemu.New(sb, accAcronisClient, accAcronisSecret, acronisemu.Options{})
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	w := &acronisWorld{sb: sb, emu: emu, url: srv.URL, ctx: t.Context()}
	inv := emu.Fixture()
	site, err := inv.PutSite(w.ctx, platform.Site{Region: "eu-central", Zone: "eu2", Healthy: true, ReplicationCapable: true})
	if err != nil {
		t.Fatal(err)
	}
	m, err := inv.PutServer(w.ctx, platform.Server{SiteID: site.ID, Name: "web", PowerState: platform.PowerRunning})
	if err != nil {
		t.Fatal(err)
	}
	v, err := inv.PutVault(w.ctx, platform.Vault{Region: "eu-central", Purpose: platform.VaultBackup})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := inv.PutBackup(w.ctx, platform.Backup{Kind: platform.BackupKindServer, SourceID: m.ID, IncludesSystemDisk: true,
		Status: platform.BackupAvailable, Region: "eu-central", VaultID: v.ID, SizeGB: 10}); err != nil {
		t.Fatal(err)
	}
	rs, err := emu.Console().CreateRecoveryServer(w.ctx, platform.RecoveryServerSpec{Name: "web-recovery", MachineID: m.ID, SiteID: site.ID, CPU: 2, MemoryGB: 4})
	if err != nil {
		t.Fatal(err)
	}
	w.rsID, w.mach = rs.ID, m.ID
	w.waitState(t, lifecycle.Standby) // the person waits for the console's server to be ready
	return w
}

// waitState waits (wall time) until the sandbox shows the server in state.
func (w *acronisWorld) waitState(t *testing.T, want lifecycle.State) {
	t.Helper()
	waitServer(t, w, w.rsID, want)
}

func (w *acronisWorld) config(secret, body string) string {
	return fmt.Sprintf(`
provider "dr" {
  acronis {
    client_id      = %q
    client_secret  = %q
    datacenter_url = %q
  }
}
%s`, accAcronisClient, secret, w.url, body)
}

func (w *acronisWorld) server(mode string) string {
	return w.config(accAcronisSecret, fmt.Sprintf(`
resource "dr_recovery_server" "test" {
  name       = "web-recovery"
  machine_id = %q
  mode       = %q
}
`, w.mach, mode))
}

// The Acronis story through the Terraform CLI against the emulator: the recovery server a
// person created in the console is taken under management; a test failover and back; a
// production failover (its token expires during the apply: two-second tokens); the failback
// goal refused at plan as a console step (V-PLATFORM); a person fails back in the console; the
// next plan shows the server ready for failback with no error; the server leaves Terraform's
// management with a removed block (the DR API v2 cannot delete it).
// removedKeepHCL lets Terraform go of addr without destroying it (a removed block): the DR API
// v2 cannot delete a recovery server.
func removedKeepHCL(addr string) string {
	return fmt.Sprintf(`
removed {
  from = %s
  lifecycle {
    destroy = false
  }
}
`, addr)
}

func TestAccAcronis_recoveryServerStory(t *testing.T) {
	t.Setenv(EnvPollInterval, "50ms")
	w := newAcronisWorld(t)
	w.emu.SetTokenTTL(2 * time.Second)
	status := func(s string) resource.TestCheckFunc { return resource.TestCheckResourceAttr(rsAddr, "status", s) }
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: w.server("standby"), Check: resource.ComposeTestCheckFunc(status("standby"),
				resource.TestCheckResourceAttr(rsAddr, "id", w.rsID),
				resource.TestCheckTypeSetElemAttr(rsAddr, "allowed_operations.*", "failover"))},
			{Config: w.server("test_failover"), Check: resource.ComposeTestCheckFunc(status("testing"),
				resource.TestCheckResourceAttr(rsAddr, "vm_state", "started"))},
			{Config: w.server("standby"), Check: status("standby")},
			{Config: w.server("failover"), Check: resource.ComposeTestCheckFunc(status("failed_over"),
				resource.TestCheckNoResourceAttr(rsAddr, "last_error"))},
			{
				Config:      w.server("ready_for_failback"),
				ExpectError: regexp.MustCompile(`(?s)V-PLATFORM.*failback.*Acronis.*console`),
			},
			{
				PreConfig: func() {
					if err := w.emu.Console().Failback(w.ctx, w.rsID); err != nil {
						t.Fatal(err)
					}
					w.waitState(t, lifecycle.ReadyForFailback)
				},
				Config: w.server("ready_for_failback"),
				Check:  resource.ComposeTestCheckFunc(status("ready_for_failback"), resource.TestCheckNoResourceAttr(rsAddr, "last_error")),
			},
			{
				// the person confirms the failback; Terraform forgets the server (no delete in v2)
				PreConfig: func() {
					if err := w.emu.Console().ConfirmFailback(w.ctx, w.rsID); err != nil {
						t.Fatal(err)
					}
					w.waitState(t, lifecycle.Standby)
				},
				Config: w.config(accAcronisSecret, removedKeepHCL("dr_recovery_server.test")),
			},
		},
	})
	// the two-second tokens were renewed during the applies (client credentials + exchange)
	if n := w.emu.Requests()["token"]; n < 8 {
		t.Fatalf("%d token requests: the tokens were not renewed during the run", n)
	}
}

// A wrong client secret fails at Configure with a clear message, once (no retry loop).
func TestAccAcronis_badSecret(t *testing.T) {
	w := newAcronisWorld(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: w.config("wrong-secret", fmt.Sprintf(`
data "dr_recovery_server" "x" {
  id = %q
}
`, w.rsID)),
			ExpectError: regexp.MustCompile(`(?s)Cannot configure the acronis platform.*refused the credentials.*client_secret`),
		}},
	})
	if n := w.emu.Requests()["token"]; n > 3 {
		t.Fatalf("%d token requests for a wrong secret: want no retry loop", n)
	}
}

// With 30% of the DR API calls throttled (429, Retry-After: 1), the story still converges:
// the client waits as told and retries.
func TestAccAcronis_throttledConverges(t *testing.T) {
	t.Setenv(EnvPollInterval, "50ms")
	w := newAcronisWorld(t)
	if err := w.sb.SetTransientErrorRate(w.ctx, 0.3); err != nil {
		t.Fatal(err)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: w.server("test_failover"), Check: resource.TestCheckResourceAttr(rsAddr, "status", "testing")},
			{Config: w.server("standby"), Check: resource.TestCheckResourceAttr(rsAddr, "status", "standby")},
			{
				PreConfig: func() { _ = w.sb.SetTransientErrorRate(w.ctx, 0) },
				Config:    w.config(accAcronisSecret, removedKeepHCL("dr_recovery_server.test")),
			},
		},
	})
}

// A recovery server for a machine that has none in the Acronis console is refused at plan
// (V-REFS, naming the console step), not after "Creating…": the DR API v2 cannot create one.
func TestAccAcronis_noConsoleServerRefusedAtPlan(t *testing.T) {
	w := newAcronisWorld(t)
	m, err := w.emu.Fixture().GetServer(w.ctx, w.mach)
	if err != nil {
		t.Fatal(err)
	}
	other, err := w.emu.Fixture().PutServer(w.ctx, platform.Server{SiteID: m.SiteID, Name: "db", PowerState: platform.PowerRunning})
	if err != nil {
		t.Fatal(err)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: w.config(accAcronisSecret, fmt.Sprintf(`
resource "dr_recovery_server" "db" {
  name       = "db-recovery"
  machine_id = %q
}
`, other.ID)),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)V-REFS: dr_recovery_server create refused.*machine_id.*recovery server.*console`),
		}},
	})
}
