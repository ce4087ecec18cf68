package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	alibabaemu "github.com/dr-provider/terraform-provider-dr/internal/emulator/alibaba"
	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/sandbox"
)

// aliWorld is an EBS emulator on a fake clock with two replication-capable zones, cn-shanghai-a
// (sh) and cn-beijing-a (bj), and a zone of a region DescribeRegions does not list (legacy).
// Objects are put in place through the emulator's sandbox — the physics the emulator speaks
// for — so a test starts from any state without applies, and the Terraform configuration
// imports what it needs (import blocks: reads only).
type aliWorld struct {
	t           *testing.T
	ctx         context.Context
	emu         *alibabaemu.Server
	sb          *sandbox.Sandbox
	sh, bj, old platform.Site
}

func newAliWorld(t *testing.T) *aliWorld {
	t.Helper()
	emu := alibabaemu.Start(t, sandbox.Options{Seed: 1})
	w := &aliWorld{t: t, ctx: t.Context(), emu: emu, sb: emu.Sandbox()}
	w.sh = w.site(platform.Site{Region: "cn-shanghai", Zone: "cn-shanghai-a", Healthy: true, ReplicationCapable: true})
	w.bj = w.site(platform.Site{Region: "cn-beijing", Zone: "cn-beijing-a", Healthy: true, ReplicationCapable: true})
	w.old = w.site(platform.Site{Region: "cn-legacy", Zone: "cn-legacy-a", Healthy: true, ReplicationCapable: false})
	return w
}

// newAliStoryWorld is newAliWorld for the CLI stories that apply and destroy: the emulator's
// sandbox on the accelerated wall clock (terraform-plugin-testing's closing destroy would never
// finish on a fake clock), seeded for its transient faults, the executor polling every 5 ms;
// the two replication-capable zones only. Not parallel (t.Setenv).
func newAliStoryWorld(t *testing.T, seed uint64) (*aliWorld, *alibabaemu.Backdoor) {
	t.Helper()
	t.Setenv(EnvPollInterval, "5ms")
	emu := alibabaemu.Start(t, sandbox.Options{TimeScale: accTimeScale, Seed: seed})
	w := &aliWorld{t: t, ctx: t.Context(), emu: emu, sb: emu.Sandbox()}
	w.sh = w.site(platform.Site{Region: "cn-shanghai", Zone: "cn-shanghai-a", Healthy: true, ReplicationCapable: true})
	w.bj = w.site(platform.Site{Region: "cn-beijing", Zone: "cn-beijing-a", Healthy: true, ReplicationCapable: true})
	return w, emu.Backdoor()
}

func (w *aliWorld) must(err error) {
	w.t.Helper()
	if err != nil {
		w.t.Fatal(err)
	}
}

func (w *aliWorld) site(s platform.Site) platform.Site {
	w.t.Helper()
	s, err := w.sb.PutSite(w.ctx, s)
	w.must(err)
	return s
}

func (w *aliWorld) disk(s platform.Site, sizeGB int64, encrypted bool) string {
	w.t.Helper()
	v, err := w.sb.PutVolume(w.ctx, platform.Volume{SiteID: s.ID, SizeGB: sizeGB, Encrypted: encrypted})
	w.must(err)
	return v.ID
}

func (w *aliWorld) server(s platform.Site, power string) string {
	w.t.Helper()
	x, err := w.sb.PutServer(w.ctx, platform.Server{SiteID: s.ID, Name: "host", PowerState: power})
	w.must(err)
	return x.ID
}

func (w *aliWorld) attach(disk, server string) {
	w.t.Helper()
	_, err := w.sb.AttachVolume(w.ctx, disk, server)
	w.must(err)
}

// pair creates a replica pair a → b (created; ops run in order, each to its end).
func (w *aliWorld) pair(name, a, b string, ops ...lifecycle.Op) string {
	w.t.Helper()
	p, err := w.sb.CreatePair(w.ctx, platform.PairSpec{Name: name, PrimaryVolumeID: a, SecondaryVolumeID: b, RPOSeconds: 900, BandwidthKbps: 10240}, "")
	w.must(err)
	w.emu.Advance(time.Hour)
	for _, op := range ops {
		w.run(lifecycle.ReplicationPair, p.ID, op, nil)
	}
	return p.ID
}

// dbPair creates the pair "db" sh → bj of two new 20 GB disks (ops as in pair) and returns
// the primary disk, the secondary disk and the pair.
func (w *aliWorld) dbPair(ops ...lifecycle.Op) (a, b, p string) {
	w.t.Helper()
	a, b = w.disk(w.sh, 20, false), w.disk(w.bj, 20, false)
	return a, b, w.pair("db", a, b, ops...)
}

func (w *aliWorld) run(kind lifecycle.Kind, id string, op lifecycle.Op, params map[string]string) {
	w.t.Helper()
	w.must(w.sb.Invoke(w.ctx, kind, id, op, "", params))
	w.emu.Advance(24 * time.Hour)
}

// group creates a replica group sh → bj holding the pairs.
func (w *aliWorld) group(name string, pairs ...string) string {
	w.t.Helper()
	g, err := w.sb.CreateGroup(w.ctx, platform.GroupSpec{Name: name, SourceRegion: w.sh.Region, SourceZone: w.sh.Zone,
		TargetRegion: w.bj.Region, TargetZone: w.bj.Zone}, "")
	w.must(err)
	w.emu.Advance(time.Hour)
	for _, p := range pairs {
		w.run(lifecycle.ProtectionGroup, g.ID, lifecycle.OpAddMember, map[string]string{lifecycle.ParamPairID: p})
	}
	return g.ID
}

func (w *aliWorld) provider() string {
	return fmt.Sprintf(`
provider "dr" {
  alibaba {
    access_key   = %q
    secret_key   = %q
    region       = "cn-shanghai"
    ebs_endpoint = %q
  }
}
`, alibabaemu.TestAccessKeyID, alibabaemu.TestAccessKeySecret, w.emu.URL)
}

// pairHCL is a dr_replication_pair named label (pair name = label) with extra attributes;
// with importID it is imported.
func pairHCL(label, importID, a, b, attrs string) string {
	s := fmt.Sprintf(`
resource "dr_replication_pair" %q {
  name                = %q
  primary_volume_id   = %q
  secondary_volume_id = %q
%s
}
`, label, label, a, b, attrs)
	if importID != "" {
		s += fmt.Sprintf("\nimport {\n  to = dr_replication_pair.%s\n  id = %q\n}\n", label, importID)
	}
	return s
}

// groupHCL is the dr_protection_group "app" sh → bj with the listed pair resources.
func (w *aliWorld) groupHCL(importID string, pairLabels []string, attrs string) string {
	refs := make([]string, len(pairLabels))
	for i, l := range pairLabels {
		refs[i] = "dr_replication_pair." + l + ".id"
	}
	s := fmt.Sprintf(`
resource "dr_protection_group" "app" {
  name                 = "app"
  source_region        = %q
  source_zone          = %q
  target_region        = %q
  target_zone          = %q
  replication_pair_ids = [%s]
%s
}
`, w.sh.Region, w.sh.Zone, w.bj.Region, w.bj.Zone, strings.Join(refs, ", "), attrs)
	if importID != "" {
		s += fmt.Sprintf("\nimport {\n  to = dr_protection_group.app\n  id = %q\n}\n", importID)
	}
	return s
}

// Every Alibaba rule that a plan can decide is refused by `terraform plan` against the EBS
// emulator, naming the rule, before any call that changes something. The facts come from the
// driver (EBS DescribeDiskReplicaPairs/Groups, DescribeRegions, ECS DescribeDisks), the
// decision from the engine. Rules no plan can decide are asserted where the user sees them:
// R001-2 (a postcondition: the state after a failover, TestAccAlibaba_pairStory and
// TestAccAlibaba_groupStory), R001-3 (the call's region: the emulator answers a failover in
// the primary region with OperationDenied.OperateNotAllowedForPrimary, TestRegionRouting in
// internal/platform/alibaba), R001-4 (the token's format and reuse: TestClientToken and
// TestClientTokenReusedOnRetry there). Not refusable at plan on Alibaba: what reads zone
// health (V-SYNC-SITES, the health parts of V-PAIR-START and R000-2) — no EBS or ECS API
// reports it (Capabilities.Unobservable), so the platform decides; the data-loss side of it
// (R002-8) is refused at plan without the opt-in instead of being deferred.
// aliRefusal is a rule refused at plan: world builds the platform's side and returns the
// configuration.
type aliRefusal struct {
	name  string
	world func(w *aliWorld) string
	rule  string
}

// refuseEach plans each case's configuration in a world of its own and wants the plan refused,
// naming the case's rule on a resource of type typ.
func refuseEach(t *testing.T, typ string, cases []aliRefusal) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := newAliWorld(t)
			config := w.provider() + c.world(w)
			resource.ParallelTest(t, refusedPlanCase(config, regexp.MustCompile(`(`+c.rule+`): (`+typ+` \w+ (refused|can lose data)|invalid `+typ+`)`)))
		})
	}
}

func TestAccAlibaba_refusedAtPlan(t *testing.T) {
	refuseEach(t, "dr_replication_pair", []aliRefusal{
		{
			// the primary disk is lost out of band: the pair is invalid; failing over to the
			// secondary is refused (R001-1)
			name: "R001-1 failover of an invalid pair",
			world: func(w *aliWorld) string {
				a, b, p := w.dbPair(lifecycle.OpStart)
				w.must(w.emu.Backdoor().LoseVolume(w.ctx, a))
				return pairHCL("db", p, a, b, "  active_site = \"secondary\"\n  allow_data_loss = true")
			},
			rule: "R001-1",
		},
		{
			name: "R001-5 secondary disk in a region without replication",
			world: func(w *aliWorld) string {
				return pairHCL("db", "", w.disk(w.sh, 20, false), w.disk(w.old, 20, false), "")
			},
			rule: "R001-5",
		},
		{
			name: "V-REFS missing secondary disk",
			world: func(w *aliWorld) string {
				return pairHCL("db", "", w.disk(w.sh, 20, false), "d-doesnotexist0000", "")
			},
			rule: "V-REFS",
		},
		{
			name: "V-PAIR-VOLUMES same disk twice",
			world: func(w *aliWorld) string {
				a := w.disk(w.sh, 20, false)
				return pairHCL("db", "", a, a, "")
			},
			rule: "V-PAIR-VOLUMES",
		},
		{
			name: "V-PAIR-VOLUMES sizes differ",
			world: func(w *aliWorld) string {
				return pairHCL("db", "", w.disk(w.sh, 20, false), w.disk(w.bj, 40, false), "")
			},
			rule: "V-PAIR-VOLUMES",
		},
		{
			name: "V-PAIR-VOLUMES encrypted primary",
			world: func(w *aliWorld) string {
				return pairHCL("db", "", w.disk(w.sh, 20, true), w.disk(w.bj, 20, false), "")
			},
			rule: "V-PAIR-VOLUMES",
		},
		{
			name: "V-PAIR-VOLUMES disk already in a pair",
			world: func(w *aliWorld) string {
				a, b := w.disk(w.sh, 20, false), w.disk(w.bj, 20, false)
				w.pair("other", a, b)
				return pairHCL("db", "", a, w.disk(w.bj, 20, false), "")
			},
			rule: "V-PAIR-VOLUMES",
		},
		{
			name: "V-PAIR-START secondary disk attached",
			world: func(w *aliWorld) string {
				b := w.disk(w.bj, 20, false)
				w.attach(b, w.server(w.bj, platform.PowerStopped))
				return pairHCL("db", "", w.disk(w.sh, 20, false), b, "  replication = \"running\"")
			},
			rule: "V-PAIR-START",
		},
		{
			name: "V-PAIR-REPROT original primary disk attached",
			world: func(w *aliWorld) string {
				a, b, p := w.dbPair(lifecycle.OpStart)
				w.run(lifecycle.ReplicationPair, p, lifecycle.OpFailover, map[string]string{lifecycle.ParamRegion: w.bj.Region})
				w.attach(a, w.server(w.sh, platform.PowerStopped))
				return pairHCL("db", p, a, b, "  active_site = \"secondary\"\n  replication = \"running\"")
			},
			rule: "V-PAIR-REPROT",
		},
		{
			// a move of a replicating pair's production with both zones up is a planned
			// switchover, which EBS has no call for: refused naming the manual step
			name: "V-PLATFORM planned switchover is a manual step on EBS",
			world: func(w *aliWorld) string {
				a, b, p := w.dbPair(lifecycle.OpStart)
				return pairHCL("db", p, a, b, "  active_site = \"secondary\"\n  replication = \"running\"")
			},
			rule: "V-PLATFORM",
		},
		{
			// no EBS or ECS API says whether the primary zone is down, so a failover is never
			// known to be unforced: without the opt-in it is refused at plan, not deferred to
			// an apply that would know no more
			name: "R002-8 failover needs allow_data_loss (zone health unobservable)",
			world: func(w *aliWorld) string {
				a, b, p := w.dbPair(lifecycle.OpStart)
				// a failover failed (failover_failed): the way on is failover again (a
				// switchover cannot start from there)
				_, err := w.sb.CreateFault(w.ctx, platform.Fault{Type: platform.FaultFailNext, Kind: lifecycle.ReplicationPair,
					Op: lifecycle.OpFailover, ObjectID: p, Count: 1})
				w.must(err)
				w.run(lifecycle.ReplicationPair, p, lifecycle.OpFailover, map[string]string{lifecycle.ParamRegion: w.bj.Region})
				return pairHCL("db", p, a, b, "  active_site = \"secondary\"")
			},
			rule: "R002-8",
		},
		{
			name: "V-FIRST-SYNC failover without a completed initial synchronisation",
			world: func(w *aliWorld) string {
				a, b, p := w.dbPair()
				// started and stopped before the initial synchronisation completed: stopped,
				// with no recovery point (LastRecoverPoint 0)
				w.must(w.sb.Invoke(w.ctx, lifecycle.ReplicationPair, p, lifecycle.OpStart, "", nil))
				w.run(lifecycle.ReplicationPair, p, lifecycle.OpStop, nil)
				// and the DR host holds the secondary disk: no start can complete it first
				w.attach(b, w.server(w.bj, platform.PowerStopped))
				return pairHCL("db", p, a, b, "  replication = \"paused\"\n  active_site = \"secondary\"\n  allow_data_loss = true")
			},
			rule: "V-FIRST-SYNC",
		},
		{
			name: "V-PAIR-IN-GROUP a member pair is stopped through its group",
			world: func(w *aliWorld) string {
				a, b, p := w.dbPair()
				w.group("app", p)
				return pairHCL("db", p, a, b, "  replication = \"running\"")
			},
			rule: "V-PAIR-IN-GROUP",
		},
	})
}

// The replica-group rules a plan decides on Alibaba, the same way: R002-1 (protection needs
// pairs: StartDiskReplicaGroup's NoPairInGroup), V-GRP-SITES, V-REFS (a zone DescribeRegions
// does not list), V-GRP-MEMBERS (AddDiskReplicaPair: same direction and zones, in no other
// group, the pair idle). Not here: V-GRP-DELETE (DeleteDiskReplicaGroup:
// OperationDenied.GroupHasPair) — dropping a group plans the removal of the members its state
// lists first, so only a pair added out of band could reach it, and setting that up needs an
// apply these fake-clock worlds cannot finish; V-GRP-REPROT and the server parts of
// V-GRP-MEMBERS — replica groups hold no servers (V-PLATFORM, TestAccAlibaba_group); V-DRILL —
// a drill needs an apply to protect the group first: TestAccAlibaba_groupDrill and
// TestActionInvoke_alibabaGroupDrill.
func TestAccAlibaba_groupRefusedAtPlan(t *testing.T) {
	refuseEach(t, "dr_protection_group", []aliRefusal{
		{
			name: "R002-1 protection without pairs",
			world: func(w *aliWorld) string {
				return w.groupHCL("", nil, `  protection = "enabled"`)
			},
			rule: "R002-1",
		},
		{
			name: "V-GRP-SITES source and target the same zone",
			world: func(w *aliWorld) string {
				return strings.Replace(w.groupHCL("", nil, ""), `target_region        = "cn-beijing"
  target_zone          = "cn-beijing-a"`, `target_region        = "cn-shanghai"
  target_zone          = "cn-shanghai-a"`, 1)
			},
			rule: "V-GRP-SITES",
		},
		{
			name: "V-REFS a zone DescribeRegions does not list",
			world: func(w *aliWorld) string {
				return strings.Replace(w.groupHCL("", nil, ""), `"cn-beijing-a"`, `"cn-beijing-z"`, 1)
			},
			rule: "V-REFS",
		},
		{
			name: "V-GRP-MEMBERS a pair in the other direction",
			world: func(w *aliWorld) string {
				a, b := w.disk(w.bj, 20, false), w.disk(w.sh, 20, false)
				p := w.pair("db", a, b)
				g := w.group("app")
				return pairHCL("db", p, a, b, "") + w.groupHCL(g, []string{"db"}, "")
			},
			rule: "V-GRP-MEMBERS",
		},
		{
			name: "V-GRP-MEMBERS a pair in another group",
			world: func(w *aliWorld) string {
				a, b, p := w.dbPair()
				w.group("other", p)
				g := w.group("app")
				return pairHCL("db", p, a, b, "") + w.groupHCL(g, []string{"db"}, "")
			},
			rule: "V-GRP-MEMBERS",
		},
		{
			name: "V-GRP-MEMBERS a replicating pair",
			world: func(w *aliWorld) string {
				a, b, p := w.dbPair(lifecycle.OpStart)
				g := w.group("app")
				return pairHCL("db", p, a, b, "") + w.groupHCL(g, []string{"db"}, "")
			},
			rule: "V-GRP-MEMBERS",
		},
	})
}
