package provider

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	alibabaemu "github.com/dr-provider/terraform-provider-dr/internal/emulator/alibaba"
	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/livetest"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/alibaba"
)

// The Alibaba Cloud EBS live smoke test (issue 23): one short story through the Terraform CLI —
// create an asynchronous replication pair between two existing disks, observe it replicating,
// stop it and start it again (the reversible operation), and destroy it — against the real
// cloud when TF_ACC_LIVE=1 and the credentials are set, against the EBS emulator otherwise,
// with the same assertions. It creates one replica pair (named livetest.Prefix…) and nothing
// else; the disks are the user's and are left as found.
//
// The estate, named by documented variables (livetest.Require; the live testing guide):
//
//	ALICLOUD_ACCESS_KEY, ALICLOUD_SECRET_KEY, ALICLOUD_REGION   the provider block's own credentials and region
//	ALICLOUD_LIVE_PRIMARY_DISK_ID     the production disk (an ESSD in a zone that supports async replication)
//	ALICLOUD_LIVE_SECONDARY_DISK_ID   the DR disk, in another region, unattached, of the same size
//
// VCR_MODE=RECORD_ONLY / REPLAY_ONLY with VCR_PATH records or replays the driver's HTTP
// interactions (internal/livetest, through the provider's VendorTransport hook), AccessKeyId,
// Signature, SignatureNonce and SecurityToken scrubbed.

// Environment variables of the live Alibaba estate.
const (
	EnvAlibabaLivePrimaryDisk   = "ALICLOUD_LIVE_PRIMARY_DISK_ID"
	EnvAlibabaLiveSecondaryDisk = "ALICLOUD_LIVE_SECONDARY_DISK_ID"
)

// alibabaLiveCreds are the credentials and region a live run (and the sweeper) needs.
var alibabaLiveCreds = []string{"ALICLOUD_ACCESS_KEY", "ALICLOUD_SECRET_KEY", "ALICLOUD_REGION"}

// alibabaLiveVars are the variables a live run needs.
var alibabaLiveVars = append(append([]string{}, alibabaLiveCreds...), EnvAlibabaLivePrimaryDisk, EnvAlibabaLiveSecondaryDisk)

// liveAlibabaDriverConfig is the driver configuration of a live run, from the provider's own
// environment variables.
func liveAlibabaDriverConfig() alibaba.Config {
	return alibaba.Config{AccessKeyID: os.Getenv("ALICLOUD_ACCESS_KEY"), AccessKeySecret: os.Getenv("ALICLOUD_SECRET_KEY"),
		SecurityToken: os.Getenv("ALICLOUD_SECURITY_TOKEN"), Region: os.Getenv("ALICLOUD_REGION")}
}

// liveAlibaba is where the story runs: the real cloud's estate, or the emulator's world.
type liveAlibaba struct {
	provider           string // the provider block
	primary, secondary string
	driver             alibaba.Config // a driver of the same account, for CheckDestroy
}

func newLiveAlibaba(t *testing.T) liveAlibaba {
	t.Helper()
	if vars := livetest.Require(t, alibabaLiveVars...); vars != nil {
		// credentials from the environment, as the provider reads them (never in the configuration)
		return liveAlibaba{provider: "provider \"dr\" {\n  alibaba {}\n}\n", primary: vars[EnvAlibabaLivePrimaryDisk],
			secondary: vars[EnvAlibabaLiveSecondaryDisk], driver: liveAlibabaDriverConfig()}
	}
	w, _ := newAliStoryWorld(t, 11)
	a, b := w.disk(w.sh, 40, false), w.disk(w.bj, 40, false)
	return liveAlibaba{provider: w.provider(), primary: a, secondary: b,
		driver: alibaba.Config{AccessKeyID: alibabaemu.TestAccessKeyID, AccessKeySecret: alibabaemu.TestAccessKeySecret,
			Region: "cn-shanghai", EBSEndpoint: w.emu.URL}}
}

func (l liveAlibaba) pair(name, replication string) string {
	return l.provider + fmt.Sprintf(`
resource "dr_replication_pair" "live" {
  name                = %q
  primary_volume_id   = %q
  secondary_volume_id = %q
  replication         = %q
  timeouts {
    create = "2h"
    update = "1h"
    delete = "1h"
  }
}
`, name, l.primary, l.secondary, replication)
}

func TestAccLiveAlibaba_pairStory(t *testing.T) {
	l := newLiveAlibaba(t)
	name := livetest.Name("ali-pair")
	s := &liveStory{addr: "dr_replication_pair.live", noun: "pair"}
	addr := s.addr
	// the same check live and on the emulator: the account's EBS no longer knows the pair
	gone := s.goneAfterDestroy(lifecycle.ReplicationPair, func(ctx context.Context, id string) (lifecycle.State, error) {
		d, err := alibaba.New(l.driver)
		if err != nil {
			return "", err
		}
		defer d.Close()
		p, err := d.GetPair(ctx, id)
		return p.State, err
	})
	s.run(t, gone,
		resource.TestStep{
			// create and observe: replicating from the primary disk's region to the secondary's
			Config: l.pair(name, "running"),
			Check: resource.ComposeTestCheckFunc(s.status("replicating"), s.sameID(),
				resource.TestCheckResourceAttr(addr, "name", name),
				resource.TestCheckResourceAttr(addr, "primary_volume_id", l.primary),
				resource.TestCheckResourceAttr(addr, "secondary_volume_id", l.secondary),
				resource.TestCheckResourceAttr(addr, "active_site", "primary"),
				resource.TestCheckResourceAttrSet(addr, "primary_region"),
				resource.TestCheckResourceAttrSet(addr, "secondary_region"),
				resource.TestCheckTypeSetElemAttr(addr, "allowed_operations.*", "stop"),
				resource.TestCheckNoResourceAttr(addr, "last_error")),
		},
		resource.TestStep{
			// the reversible operation: stop the replication…
			Config: l.pair(name, "paused"),
			Check: resource.ComposeTestCheckFunc(s.status("paused"), s.sameID(),
				resource.TestCheckTypeSetElemAttr(addr, "allowed_operations.*", "start")),
		},
		resource.TestStep{
			// …and start it again: replicating, as created
			Config: l.pair(name, "running"),
			Check:  resource.ComposeTestCheckFunc(s.status("replicating"), s.sameID(), resource.TestCheckNoResourceAttr(addr, "last_error")),
		},
		// nothing left to do; the closing destroy stops the pair and deletes it (gone)
		resource.TestStep{Config: l.pair(name, "running"), PlanOnly: true},
	)
}

// ---- the sweeper ----

func init() {
	addLiveSweeper("alibaba_replica_pairs", "Alibaba", alibabaLiveCreds, time.Hour, "alibaba", "deleted the replica pairs",
		func(context.Context) (*alibaba.Driver, error) { return alibaba.New(liveAlibabaDriverConfig()) },
		func(ctx context.Context, d *alibaba.Driver) ([]string, error) {
			return sweepAlibabaPairs(ctx, d, livePollInterval)
		})
}

// sweepAlibabaPairs deletes the replica pairs whose names carry livetest.Prefix (left by an
// interrupted live story: a pair is billed while it exists), stopping a replicating one first
// (the engine's way to deleted). It touches no other pair and no disk. It returns the pairs it
// deleted.
func sweepAlibabaPairs(ctx context.Context, d *alibaba.Driver, poll time.Duration) ([]string, error) {
	list, err := d.ListPairs(ctx)
	return sweepLeftovers(ctx, d, lifecycle.ReplicationPair, list, err,
		func(p platform.ReplicationPair) leftover { return leftover{ID: p.ID, Name: p.Name, State: p.State} }, poll)
}

// The sweeper's work, against the emulator: the story's replicating pair is stopped and
// deleted; a pair without the prefix is not touched.
func TestAlibabaSweeperDeletesTheStorysPairs(t *testing.T) {
	w, _ := newAliStoryWorld(t, 12)
	story := replicatingPair(t, w, livetest.Name("ali-pair"))
	other := replicatingPair(t, w, "keep-me")
	d, err := alibaba.New(alibaba.Config{AccessKeyID: alibabaemu.TestAccessKeyID, AccessKeySecret: alibabaemu.TestAccessKeySecret,
		Region: "cn-shanghai", EBSEndpoint: w.emu.URL})
	w.must(err)
	defer d.Close()
	ctx, cancel := context.WithTimeout(w.ctx, time.Minute)
	defer cancel()
	wantSweptOnly(t, "pair", story, func() ([]string, error) { return sweepAlibabaPairs(ctx, d, 5*time.Millisecond) }, func() {
		if p, err := w.sb.GetPair(w.ctx, story); err == nil && !lifecycle.Gone(lifecycle.ReplicationPair, p.State) {
			t.Fatalf("the story's pair is %s after the sweep, want deleted", p.State)
		}
		if p, err := w.sb.GetPair(w.ctx, other); err != nil || p.State != lifecycle.Replicating {
			t.Fatalf("another pair was touched: %s %v", p.State, err)
		}
	})
}

// replicatingPair creates a replicating pair between two new disks in the emulator's sandbox
// (on the accelerated wall clock).
func replicatingPair(t *testing.T, w *aliWorld, name string) string {
	t.Helper()
	p, err := w.sb.CreatePair(w.ctx, platform.PairSpec{Name: name, PrimaryVolumeID: w.disk(w.sh, 20, false),
		SecondaryVolumeID: w.disk(w.bj, 20, false), RPOSeconds: 900, BandwidthKbps: 10240}, "")
	w.must(err)
	waitPair(t, w, p.ID, lifecycle.Configured)
	w.must(w.sb.Invoke(w.ctx, lifecycle.ReplicationPair, p.ID, lifecycle.OpStart, "", nil))
	waitPair(t, w, p.ID, lifecycle.Replicating)
	return p.ID
}

// waitPair waits until the sandbox shows pair id in state.
func waitPair(t *testing.T, w *aliWorld, id string, want lifecycle.State) {
	t.Helper()
	waitState(t, w.sb, lifecycle.ReplicationPair, id, want, 5*time.Millisecond)
}
