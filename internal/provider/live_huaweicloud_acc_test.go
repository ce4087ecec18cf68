package provider

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	hwemu "github.com/dr-provider/terraform-provider-dr/internal/emulator/huaweicloud"
	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/livetest"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/huaweicloud"
)

// The Huawei Cloud SDRS live smoke test (issue 23): one short story through the Terraform CLI —
// create a protection group between two availability zones of the user's VPC, observe it,
// rename it and rename it back (the reversible operation), and destroy it — against the real
// cloud when TF_ACC_LIVE=1 and the credentials are set, against the SDRS emulator otherwise,
// with the same assertions. It creates one empty protection group (named livetest.Prefix…) and
// nothing else: no server is protected, so SDRS creates no DR-site server or disk.
//
// The estate, named by documented variables (livetest.Require; the live testing guide):
//
//	HW_ACCESS_KEY, HW_SECRET_KEY, HW_REGION_NAME, HW_PROJECT_ID   the provider block's own
//	HW_LIVE_SOURCE_AZ, HW_LIVE_TARGET_AZ   the production and DR availability zones (one active-active domain)
//	HW_LIVE_VPC_ID                         the production VPC (source_vpc_id)
//	HW_LIVE_DOMAIN_ID                      optional: the active-active domain, when the zones have several
//
// VCR_MODE=RECORD_ONLY / REPLAY_ONLY with VCR_PATH records or replays the driver's HTTP
// interactions (internal/livetest, through the provider's VendorTransport hook), the
// Authorization header (AK and signature) and X-Auth-Token / X-Security-Token scrubbed.

// Environment variables of the live Huawei Cloud estate.
const (
	EnvHuaweiLiveSourceAZ = "HW_LIVE_SOURCE_AZ"
	EnvHuaweiLiveTargetAZ = "HW_LIVE_TARGET_AZ"
	EnvHuaweiLiveVPC      = "HW_LIVE_VPC_ID"
	EnvHuaweiLiveDomain   = "HW_LIVE_DOMAIN_ID" // optional
)

// huaweiLiveCreds are the credentials a live run (and the sweeper) needs.
var huaweiLiveCreds = []string{"HW_ACCESS_KEY", "HW_SECRET_KEY", "HW_REGION_NAME", "HW_PROJECT_ID"}

// huaweiLiveVars are the variables a live run needs.
var huaweiLiveVars = append(append([]string{}, huaweiLiveCreds...), EnvHuaweiLiveSourceAZ, EnvHuaweiLiveTargetAZ, EnvHuaweiLiveVPC)

// liveHuaweiDriverConfig is the driver configuration of a live run, from the provider's own
// environment variables.
func liveHuaweiDriverConfig() huaweicloud.Config {
	return huaweicloud.Config{AccessKey: os.Getenv("HW_ACCESS_KEY"), SecretKey: os.Getenv("HW_SECRET_KEY"),
		Region: os.Getenv("HW_REGION_NAME"), ProjectID: os.Getenv("HW_PROJECT_ID")}
}

// liveHuawei is where the story runs: the real cloud's estate, or the emulator's world.
type liveHuawei struct {
	provider                    string // the provider block
	region, source, target, vpc string
	domain                      string // "" when the zones' only domain is meant
	driver                      huaweicloud.Config
}

func newLiveHuawei(t *testing.T) liveHuawei {
	t.Helper()
	if vars := livetest.Require(t, huaweiLiveVars...); vars != nil {
		// credentials from the environment, as the provider reads them (never in the configuration)
		return liveHuawei{provider: "provider \"dr\" {\n  huaweicloud {}\n}\n", region: vars["HW_REGION_NAME"],
			source: vars[EnvHuaweiLiveSourceAZ], target: vars[EnvHuaweiLiveTargetAZ], vpc: vars[EnvHuaweiLiveVPC],
			domain: os.Getenv(EnvHuaweiLiveDomain), driver: liveHuaweiDriverConfig()}
	}
	w := newHWGroupWorld(t)
	return liveHuawei{provider: hwEmulatorProvider(w.url), region: "cn-north-4", source: "cn-north-4a", target: "cn-north-4b", vpc: w.vpc,
		driver: huaweicloud.Config{AccessKey: hwemu.TestAccessKey, SecretKey: hwemu.TestSecretKey, Region: "cn-north-4",
			ProjectID: hwemu.TestProjectID, SDRSEndpoint: w.url, ECSEndpoint: w.url}}
}

// hwEmulatorProvider is the provider block of the SDRS emulator at url.
func hwEmulatorProvider(url string) string {
	return fmt.Sprintf(`
provider "dr" {
  huaweicloud {
    access_key    = %[1]q
    secret_key    = %[2]q
    region        = "cn-north-4"
    project_id    = %[3]q
    sdrs_endpoint = %[4]q
    ecs_endpoint  = %[4]q
  }
}
`, hwemu.TestAccessKey, hwemu.TestSecretKey, hwemu.TestProjectID, url)
}

func (l liveHuawei) group(name string) string {
	domain := ""
	if l.domain != "" {
		domain = fmt.Sprintf("  domain_id     = %q\n", l.domain)
	}
	return l.provider + fmt.Sprintf(`
resource "dr_protection_group" "live" {
  name          = %q
  source_region = %q
  source_zone   = %q
  target_region = %q
  target_zone   = %q
  source_vpc_id = %q
  server_ids    = []
%s  timeouts {
    create = "30m"
    update = "30m"
    delete = "30m"
  }
}
`, name, l.region, l.source, l.region, l.target, l.vpc, domain)
}

func TestAccLiveHuaweiCloud_protectionGroupStory(t *testing.T) {
	l := newLiveHuawei(t)
	name := livetest.Name("hw-group")
	renamed := name + "-renamed"
	s := &liveStory{addr: "dr_protection_group.live", noun: "group"}
	addr := s.addr
	observed := func(n string) resource.TestCheckFunc {
		return resource.ComposeTestCheckFunc(s.sameID(), s.status("configured"),
			resource.TestCheckResourceAttr(addr, "name", n),
			resource.TestCheckResourceAttr(addr, "source_zone", l.source),
			resource.TestCheckResourceAttr(addr, "target_zone", l.target),
			resource.TestCheckResourceAttr(addr, "source_vpc_id", l.vpc),
			resource.TestCheckResourceAttr(addr, "server_ids.#", "0"),
			resource.TestCheckResourceAttr(addr, "active_site", "source"),
			resource.TestCheckNoResourceAttr(addr, "last_error"))
	}
	// the same check live and on the emulator: SDRS no longer knows the group
	gone := s.goneAfterDestroy(lifecycle.ProtectionGroup, func(ctx context.Context, id string) (lifecycle.State, error) {
		p, err := huaweicloud.New(l.driver)
		if err != nil {
			return "", err
		}
		defer p.Close()
		g, err := p.GetGroup(ctx, id)
		return g.State, err
	})
	s.run(t, gone,
		// create and observe: an empty group between the two zones, production at the source
		resource.TestStep{Config: l.group(name), Check: observed(name)},
		// the reversible operation: a rename in place (Modifying the Name of a Protection Group)…
		resource.TestStep{Config: l.group(renamed), Check: observed(renamed)},
		// …and back
		resource.TestStep{Config: l.group(name), Check: observed(name)},
		// the closing destroy deletes the group (gone)
		resource.TestStep{Config: l.group(name), PlanOnly: true},
	)
}

// ---- the sweeper ----

func init() {
	addLiveSweeper("huaweicloud_protection_groups", "Huawei Cloud", huaweiLiveCreds, time.Hour, "huaweicloud", "deleted the protection groups",
		func(context.Context) (*huaweicloud.Platform, error) { return huaweicloud.New(liveHuaweiDriverConfig()) },
		func(ctx context.Context, p *huaweicloud.Platform) ([]string, error) {
			return sweepHuaweiGroups(ctx, p, livePollInterval)
		})
}

// sweepHuaweiGroups deletes the protection groups whose names carry livetest.Prefix (left by
// an interrupted live story), the engine's way to deleted. It touches no other group, and no
// server or disk. It returns the groups it deleted.
func sweepHuaweiGroups(ctx context.Context, p *huaweicloud.Platform, poll time.Duration) ([]string, error) {
	list, err := p.ListGroups(ctx)
	return sweepLeftovers(ctx, p, lifecycle.ProtectionGroup, list, err,
		func(g platform.ProtectionGroup) leftover { return leftover{ID: g.ID, Name: g.Name, State: g.State} }, poll)
}

// The sweeper's work, against the emulator: the story's group is deleted; a group without the
// prefix is not touched.
func TestHuaweiSweeperDeletesTheStorysGroups(t *testing.T) {
	w := newHWGroupWorld(t)
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	p, err := huaweicloud.New(huaweicloud.Config{AccessKey: hwemu.TestAccessKey, SecretKey: hwemu.TestSecretKey, Region: "cn-north-4",
		ProjectID: hwemu.TestProjectID, SDRSEndpoint: w.url, ECSEndpoint: w.url, ReadCacheTTL: -1})
	if err != nil {
		t.Fatal(err)
	}
	mk := func(name string) string {
		g, err := p.CreateGroup(ctx, platform.GroupSpec{Name: name, SourceRegion: "cn-north-4", SourceZone: "cn-north-4a",
			TargetRegion: "cn-north-4", TargetZone: "cn-north-4b", SourceVPCID: w.vpc}, "")
		if err != nil {
			t.Fatal(err)
		}
		return g.ID
	}
	story, other := mk(livetest.Name("hw-group")), mk("keep-me")
	wantSweptOnly(t, "group", story, func() ([]string, error) { return sweepHuaweiGroups(ctx, p, 20*time.Millisecond) }, func() {
		if g, err := p.GetGroup(ctx, story); err == nil && !lifecycle.Gone(lifecycle.ProtectionGroup, g.State) {
			t.Fatalf("the story's group is %s after the sweep, want deleted", g.State)
		} else if err != nil && !platform.IsNotFound(err) {
			t.Fatal(err)
		}
		if g, err := p.GetGroup(ctx, other); err != nil || lifecycle.Gone(lifecycle.ProtectionGroup, g.State) {
			t.Fatalf("another group was touched: %s %v", g.State, err)
		}
	})
}
