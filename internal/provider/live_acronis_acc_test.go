package provider

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/livetest"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/acronis"
)

// The Acronis live smoke test (issue 23): one short story through the Terraform CLI — adopt the
// recovery server a person made in the Acronis console for a protected machine, observe it, and
// run a reversible operation (test failover start, then stop) — against the real cloud when
// TF_ACC_LIVE=1 and the credentials are set, against the emulator otherwise, with the same
// assertions. It creates nothing (the DR API v2 cannot create or delete a recovery server) and
// leaves the server in standby, under no Terraform management (a removed block).
//
// The estate, named by documented variables (livetest.Require; the live testing guide):
//
//	ACRONIS_CLIENT_ID, ACRONIS_CLIENT_SECRET, ACRONIS_DATACENTER_URL   the API client (the provider block's own)
//	ACRONIS_LIVE_MACHINE_ID    a protected machine (its resource ID) with a disk-image backup
//	ACRONIS_LIVE_SERVER_NAME   the name of the recovery server the console created for it
//
// VCR_MODE=RECORD_ONLY / REPLAY_ONLY with VCR_PATH records or replays the driver's HTTP
// interactions (internal/livetest, through the provider's VendorTransport hook), credentials
// and tokens scrubbed.

// Environment variables of the live Acronis estate.
const (
	EnvAcronisLiveMachine = "ACRONIS_LIVE_MACHINE_ID"
	EnvAcronisLiveServer  = "ACRONIS_LIVE_SERVER_NAME"
)

// acronisLiveVars are the variables a live run needs.
var acronisLiveVars = []string{"ACRONIS_CLIENT_ID", "ACRONIS_CLIENT_SECRET", "ACRONIS_DATACENTER_URL", EnvAcronisLiveMachine, EnvAcronisLiveServer}

// liveAcronis is where the story runs: the real cloud's estate, or the emulator's world.
type liveAcronis struct {
	provider string // the provider block
	machine  string
	name     string
	live     bool
}

func newLiveAcronis(t *testing.T) liveAcronis {
	t.Helper()
	if vars := livetest.Require(t, acronisLiveVars...); vars != nil {
		// credentials from the environment, as the provider reads them (never in the configuration)
		return liveAcronis{provider: "provider \"dr\" {\n  acronis {}\n}\n", machine: vars[EnvAcronisLiveMachine], name: vars[EnvAcronisLiveServer], live: true}
	}
	t.Setenv(EnvPollInterval, "50ms")
	w := newAcronisWorld(t)
	cfg := w.config(accAcronisSecret, "")
	return liveAcronis{provider: cfg, machine: w.mach, name: "web-recovery"}
}

func (l liveAcronis) server(mode string) string {
	return l.provider + fmt.Sprintf(`
resource "dr_recovery_server" "live" {
  name       = %q
  machine_id = %q
  mode       = %q
  timeouts {
    create = "10m"
    update = "60m"
  }
}
`, l.name, l.machine, mode)
}

func TestAccLiveAcronis_testFailoverStory(t *testing.T) {
	l := newLiveAcronis(t)
	s := &liveStory{addr: "dr_recovery_server.live", noun: "server"}
	addr := s.addr
	// nothing is destroyed: the removed block keeps the server
	kept := func(*terraform.State) error { return nil }
	s.run(t, kept,
		resource.TestStep{
			// adopt and observe: the console's server, in standby, offering a test failover
			Config: l.server("standby"),
			Check: resource.ComposeTestCheckFunc(s.status("standby"), s.sameID(),
				resource.TestCheckResourceAttr(addr, "machine_id", l.machine),
				resource.TestCheckTypeSetElemAttr(addr, "allowed_operations.*", "test_failover"),
				resource.TestCheckNoResourceAttr(addr, "last_error")),
		},
		resource.TestStep{
			// the reversible operation: a test failover…
			Config: l.server("test_failover"),
			Check: resource.ComposeTestCheckFunc(s.status("testing"), resource.TestCheckResourceAttr(addr, "vm_state", "started"),
				resource.TestCheckTypeSetElemAttr(addr, "allowed_operations.*", "stop_test_failover")),
		},
		resource.TestStep{
			// …stopped: back in standby, as found
			Config: l.server("standby"),
			Check:  resource.ComposeTestCheckFunc(s.status("standby"), resource.TestCheckNoResourceAttr(addr, "last_error")),
		},
		resource.TestStep{
			// the DR API v2 cannot delete a recovery server: Terraform lets go of it
			Config: l.provider + removedKeepHCL("dr_recovery_server.live"),
		},
	)
}

// ---- the sweeper ----

func init() {
	addLiveSweeper("acronis_test_failovers", "Acronis", acronisLiveVars, 10*time.Minute, "acronis", "stopped the test failover of",
		func(ctx context.Context) (*acronis.Driver, error) {
			return acronis.New(ctx, acronis.Config{DatacenterURL: os.Getenv("ACRONIS_DATACENTER_URL"),
				ClientID: os.Getenv("ACRONIS_CLIENT_ID"), ClientSecret: os.Getenv("ACRONIS_CLIENT_SECRET")})
		},
		func(ctx context.Context, d *acronis.Driver) ([]string, error) {
			return sweepAcronisTestFailovers(ctx, d, os.Getenv(EnvAcronisLiveMachine))
		})
}

// sweepAcronisTestFailovers stops a test failover a live story left running on the recovery
// server of the estate's machine (an interrupted story: its VM costs compute points until it is
// stopped). It touches no other server, and deletes nothing: Acronis recovery servers cannot be
// deleted through the DR API v2 (and the live story creates none). It returns the servers it
// stopped.
func sweepAcronisTestFailovers(ctx context.Context, d *acronis.Driver, machine string) ([]string, error) {
	list, err := d.ListRecoveryServers(ctx)
	if err != nil {
		return nil, err
	}
	var stopped []string
	for _, rs := range list {
		if !strings.EqualFold(rs.MachineID, machine) || rs.State != lifecycle.Testing {
			continue
		}
		if err := d.Invoke(ctx, lifecycle.RecoveryServer, rs.ID, lifecycle.OpStopTestFailover, livetest.Name("sweep"), nil); err != nil {
			return stopped, fmt.Errorf("stopping the test failover of %s: %w", rs.ID, err)
		}
		stopped = append(stopped, rs.ID)
	}
	return stopped, nil
}

// The sweeper's work, against the emulator: the story's test failover left running is stopped;
// another machine's is not touched.
func TestAcronisSweeperStopsTheStorysTestFailover(t *testing.T) {
	w := newAcronisWorld(t)
	other := w.another(t)
	d, err := acronis.New(w.ctx, acronis.Config{DatacenterURL: w.url, ClientID: accAcronisClient, ClientSecret: accAcronisSecret})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{w.rsID, other} {
		if err := d.Invoke(w.ctx, lifecycle.RecoveryServer, id, lifecycle.OpTestFailover, "", nil); err != nil {
			t.Fatal(err)
		}
	}
	w.waitState(t, lifecycle.Testing)
	waitServer(t, w, other, lifecycle.Testing)
	// the machine's ID matched whatever its case
	wantSweptOnly(t, "recovery server", w.rsID, func() ([]string, error) {
		return sweepAcronisTestFailovers(w.ctx, d, strings.ToUpper(w.mach))
	}, func() {
		w.waitState(t, lifecycle.Standby)
		if rs, _ := w.sb.GetRecoveryServer(w.ctx, other); rs.State != lifecycle.Testing {
			t.Fatalf("another machine's test failover was touched: %s", rs.State)
		}
	})
}

// another makes a second protected machine with its console-made recovery server, in standby.
func (w *acronisWorld) another(t *testing.T) string {
	t.Helper()
	inv := w.emu.Fixture()
	m0, err := inv.GetServer(w.ctx, w.mach)
	if err != nil {
		t.Fatal(err)
	}
	m, err := inv.PutServer(w.ctx, platform.Server{SiteID: m0.SiteID, Name: "db", PowerState: platform.PowerRunning})
	if err != nil {
		t.Fatal(err)
	}
	vs, err := inv.ListVaults(w.ctx)
	if err != nil || len(vs) == 0 {
		t.Fatal("no vault", err)
	}
	if _, err := inv.PutBackup(w.ctx, platform.Backup{Kind: platform.BackupKindServer, SourceID: m.ID, IncludesSystemDisk: true,
		Status: platform.BackupAvailable, Region: "eu-central", VaultID: vs[0].ID, SizeGB: 10}); err != nil {
		t.Fatal(err)
	}
	rs, err := w.emu.Console().CreateRecoveryServer(w.ctx, platform.RecoveryServerSpec{Name: "db-recovery", MachineID: m.ID, SiteID: m0.SiteID, CPU: 2, MemoryGB: 4})
	if err != nil {
		t.Fatal(err)
	}
	waitServer(t, w, rs.ID, lifecycle.Standby)
	return rs.ID
}

// waitServer waits until the sandbox shows server id in state.
func waitServer(t *testing.T, w *acronisWorld, id string, want lifecycle.State) {
	t.Helper()
	waitState(t, w.sb, lifecycle.RecoveryServer, id, want, 20*time.Millisecond)
}
