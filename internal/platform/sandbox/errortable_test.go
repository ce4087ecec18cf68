package sandbox

import (
	"testing"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// TestPlatformErrorsReportedAtPlan is the table of the errors the platform returns for a
// create or an operation, per kind. Each is marked "plan" (the plan-time check — the engine on
// what the platform reports before the call: Observe, Proposed*Facts, MemberFacts — refuses
// with the same rule, so `terraform plan` shows it and the apply never meets it) or "race"
// (it needs another writer between plan and apply, so no plan can see it; the apply fails
// with a clear class instead). One row is "apply": the check exists but the provider runs it
// at apply, for the reason its comment gives. A new platform error belongs in this table.
func TestPlatformErrorsReportedAtPlan(t *testing.T) {
	t.Parallel()
	allow := map[string]string{ParamAllowDataLoss: "false"}
	created := func(e *env, spec platform.PairSpec) string {
		p := must(e.sb.CreatePair(e.ctx, spec, ""))(e.t)
		e.clk.Advance(time.Minute)
		return p.ID
	}
	pairCheck := func(e *env, spec platform.PairSpec) []lifecycle.Violation {
		if err := lifecycle.ValidatePairVolumes(spec.PrimaryVolumeID, spec.SecondaryVolumeID); err != nil {
			fe := err.(*lifecycle.FormatError)
			return []lifecycle.Violation{{Rule: fe.Rule, Message: fe.Message}}
		}
		f := must(e.sb.ProposedPairFacts(e.ctx, spec))(e.t)
		return lifecycle.Check(lifecycle.ReplicationPair, lifecycle.OpCreate, lifecycle.Observation{Name: spec.Name, Facts: f}, lifecycle.Options{})
	}
	opCheck := func(e *env, kind lifecycle.Kind, id string, op lifecycle.Op) []lifecycle.Violation {
		o := must(e.sb.Observe(e.ctx, kind, id))(e.t)
		return lifecycle.Check(kind, op, o, lifecycle.Options{})
	}
	memberCheck := func(e *env, gid string, op lifecycle.Op, params map[string]string) []lifecycle.Violation {
		f := must(e.sb.MemberFacts(e.ctx, gid, params))(e.t)
		g := e.group(gid)
		return lifecycle.CheckPreconditions(lifecycle.ProtectionGroup, op, lifecycle.Observation{Kind: lifecycle.ProtectionGroup, ID: gid, ActiveSite: g.ActiveSite, Facts: f})
	}
	newGroup := func(e *env) string {
		g := must(e.sb.CreateGroup(e.ctx, platform.GroupSpec{Name: "g", SourceRegion: "cn-shanghai", SourceZone: "cn-shanghai-a", TargetRegion: "cn-beijing", TargetZone: "cn-beijing-a"}, ""))(e.t)
		e.clk.Advance(time.Minute)
		return g.ID
	}
	vol := func(e *env, id, site string, size int64, enc bool) {
		must(e.sb.PutVolume(e.ctx, platform.Volume{ID: id, SiteID: site, SizeGB: size, Encrypted: enc}))(e.t)
	}
	type row struct {
		name  string
		when  string // "plan" or "race"
		rule  string // the rule both name ("plan" rows)
		class platform.Class
		// check is the plan-time check; call is the platform call at apply.
		check func(e *env) []lifecycle.Violation
		call  func(e *env) error
	}
	spec := func(p, s string) platform.PairSpec {
		return platform.PairSpec{Name: "p2", PrimaryVolumeID: p, SecondaryVolumeID: s}
	}
	pairRows := []row{
		{"pair create: missing volume", "plan", "V-REFS", platform.ClassPreconditionFailed,
			func(e *env) []lifecycle.Violation { return pairCheck(e, spec("vol-p", "vol-nope")) },
			func(e *env) error { _, err := e.sb.CreatePair(e.ctx, spec("vol-p", "vol-nope"), ""); return err }},
		{"pair create: one volume twice", "plan", "V-PAIR-VOLUMES", platform.ClassInvalid,
			func(e *env) []lifecycle.Violation { return pairCheck(e, spec("vol-p", "vol-p")) },
			func(e *env) error { _, err := e.sb.CreatePair(e.ctx, spec("vol-p", "vol-p"), ""); return err }},
		{"pair create: sizes differ", "plan", "V-PAIR-VOLUMES", platform.ClassPreconditionFailed,
			func(e *env) []lifecycle.Violation {
				vol(e, "v20", "bj-a", 20, false)
				return pairCheck(e, spec("vol-p", "v20"))
			},
			func(e *env) error { _, err := e.sb.CreatePair(e.ctx, spec("vol-p", "v20"), ""); return err }},
		{"pair create: encrypted", "plan", "V-PAIR-VOLUMES", platform.ClassPreconditionFailed,
			func(e *env) []lifecycle.Violation {
				vol(e, "venc", "sh-a", 100, true)
				return pairCheck(e, spec("venc", "vol-s"))
			},
			func(e *env) error { _, err := e.sb.CreatePair(e.ctx, spec("venc", "vol-s"), ""); return err }},
		{"pair create: volume in another pair", "plan", "V-PAIR-VOLUMES", platform.ClassPreconditionFailed,
			func(e *env) []lifecycle.Violation {
				created(e, spec("vol-p", "vol-s"))
				vol(e, "v3", "bj-a", 100, false)
				return pairCheck(e, spec("vol-p", "v3"))
			},
			func(e *env) error { _, err := e.sb.CreatePair(e.ctx, spec("vol-p", "v3"), ""); return err }},
		{"pair create: region without replication", "plan", "R001-5", platform.ClassPreconditionFailed,
			func(e *env) []lifecycle.Violation {
				must(e.sb.PutSite(e.ctx, platform.Site{ID: "x-a", Region: "x", Zone: "x-a", Healthy: true}))(e.t)
				vol(e, "vx", "x-a", 100, false)
				return pairCheck(e, spec("vol-p", "vx"))
			},
			func(e *env) error { _, err := e.sb.CreatePair(e.ctx, spec("vol-p", "vx"), ""); return err }},
		{"pair start: standby volume attached", "plan", "V-PAIR-START", platform.ClassPreconditionFailed,
			func(e *env) []lifecycle.Violation {
				id := created(e, spec("vol-p", "vol-s"))
				must(e.sb.PutServer(e.ctx, platform.Server{ID: "dr", SiteID: "bj-a", Name: "dr"}))(e.t)
				must(e.sb.AttachVolume(e.ctx, "vol-s", "dr"))(e.t)
				return opCheck(e, lifecycle.ReplicationPair, id, lifecycle.OpStart)
			},
			func(e *env) error { return e.invoke(lifecycle.ReplicationPair, e.only(), lifecycle.OpStart, nil) }},
		{"pair start: source site down", "plan", "V-SYNC-SITES", platform.ClassPreconditionFailed,
			func(e *env) []lifecycle.Violation {
				id := created(e, spec("vol-p", "vol-s"))
				must(e.sb.SetSiteHealth(e.ctx, "sh-a", false))(e.t)
				return opCheck(e, lifecycle.ReplicationPair, id, lifecycle.OpStart)
			},
			func(e *env) error { return e.invoke(lifecycle.ReplicationPair, e.only(), lifecycle.OpStart, nil) }},
		{"pair failover: never started", "plan", "R001-1", platform.ClassPreconditionFailed,
			func(e *env) []lifecycle.Violation {
				id := created(e, spec("vol-p", "vol-s"))
				return opCheck(e, lifecycle.ReplicationPair, id, lifecycle.OpFailover)
			},
			func(e *env) error { return e.invoke(lifecycle.ReplicationPair, e.only(), lifecycle.OpFailover, nil) }},
		{"pair reprotect: not failed over", "plan", "V-PAIR-REPROT", platform.ClassPreconditionFailed,
			func(e *env) []lifecycle.Violation {
				id := created(e, spec("vol-p", "vol-s"))
				return opCheck(e, lifecycle.ReplicationPair, id, lifecycle.OpReprotect)
			},
			func(e *env) error { return e.invoke(lifecycle.ReplicationPair, e.only(), lifecycle.OpReprotect, nil) }},
	}
	groupRows := []row{
		// "apply": the platform can tell at plan (ProposedGroupFacts), but the provider does
		// not refuse then, because a sandbox's sites are usually declared in the same
		// configuration and at plan a missing site looks like one this apply creates. The
		// apply refuses before the group exists.
		{"group create: unknown site", "apply", "V-REFS", platform.ClassPreconditionFailed,
			func(e *env) []lifecycle.Violation {
				f := must(e.sb.ProposedGroupFacts(e.ctx, platform.GroupSpec{Name: "g", SourceRegion: "nowhere", TargetRegion: "cn-beijing"}))(e.t)
				return lifecycle.Check(lifecycle.ProtectionGroup, lifecycle.OpCreate, lifecycle.Observation{Facts: f}, lifecycle.Options{})
			},
			func(e *env) error {
				_, err := e.sb.CreateGroup(e.ctx, platform.GroupSpec{Name: "g", SourceRegion: "nowhere", TargetRegion: "cn-beijing"}, "")
				return err
			}},
		{"group create: one site twice", "plan", "V-GRP-SITES", platform.ClassPreconditionFailed,
			func(e *env) []lifecycle.Violation {
				f := must(e.sb.ProposedGroupFacts(e.ctx, platform.GroupSpec{Name: "g", SourceRegion: "cn-beijing", TargetRegion: "cn-beijing"}))(e.t)
				return lifecycle.Check(lifecycle.ProtectionGroup, lifecycle.OpCreate, lifecycle.Observation{Facts: f}, lifecycle.Options{})
			},
			func(e *env) error {
				_, err := e.sb.CreateGroup(e.ctx, platform.GroupSpec{Name: "g", SourceRegion: "cn-beijing", TargetRegion: "cn-beijing"}, "")
				return err
			}},
		{"group enable: no pairs", "plan", "R002-1", platform.ClassPreconditionFailed,
			func(e *env) []lifecycle.Violation {
				return opCheck(e, lifecycle.ProtectionGroup, newGroup(e), lifecycle.OpEnableProtection)
			},
			func(e *env) error {
				return e.invoke(lifecycle.ProtectionGroup, e.onlyGroup(), lifecycle.OpEnableProtection, nil)
			}},
		{"group enable: source site down", "plan", "V-SYNC-SITES", platform.ClassPreconditionFailed,
			func(e *env) []lifecycle.Violation {
				gid := newGroup(e)
				pid := created(e, spec("vol-p", "vol-s"))
				e.ok(e.invoke(lifecycle.ProtectionGroup, gid, lifecycle.OpAddMember, map[string]string{ParamPairID: pid}))
				must(e.sb.SetSiteHealth(e.ctx, "sh-a", false))(e.t)
				return opCheck(e, lifecycle.ProtectionGroup, gid, lifecycle.OpEnableProtection)
			},
			func(e *env) error {
				return e.invoke(lifecycle.ProtectionGroup, e.onlyGroup(), lifecycle.OpEnableProtection, nil)
			}},
		{"group add_server: at the DR site", "plan", "V-GRP-MEMBERS", platform.ClassPreconditionFailed,
			func(e *env) []lifecycle.Violation {
				gid := newGroup(e)
				must(e.sb.PutServer(e.ctx, platform.Server{ID: "drs", SiteID: "bj-a", Name: "drs"}))(e.t)
				return memberCheck(e, gid, lifecycle.OpAddServer, map[string]string{ParamServerID: "drs"})
			},
			func(e *env) error {
				return e.invoke(lifecycle.ProtectionGroup, e.onlyGroup(), lifecycle.OpAddServer, map[string]string{ParamServerID: "drs"})
			}},
		{"group add_server: a DR twin", "plan", "V-GRP-MEMBERS", platform.ClassPreconditionFailed,
			func(e *env) []lifecycle.Violation {
				gid := newGroup(e)
				e.ok(e.invoke(lifecycle.ProtectionGroup, gid, lifecycle.OpAddServer, map[string]string{ParamServerID: "web"}))
				twin := e.group(gid).DRServers[0].TwinServerID
				g2 := must(e.sb.CreateGroup(e.ctx, platform.GroupSpec{Name: "g2", SourceRegion: "cn-beijing", TargetRegion: "cn-shanghai"}, ""))(e.t)
				e.clk.Advance(time.Minute)
				e.extra = map[string]string{"g2": g2.ID, "twin": twin}
				return memberCheck(e, g2.ID, lifecycle.OpAddServer, map[string]string{ParamServerID: twin})
			},
			func(e *env) error {
				return e.invoke(lifecycle.ProtectionGroup, e.extra["g2"], lifecycle.OpAddServer, map[string]string{ParamServerID: e.extra["twin"]})
			}},
		{"group add_server: protected by another group", "plan", "V-GRP-MEMBERS", platform.ClassPreconditionFailed,
			func(e *env) []lifecycle.Violation {
				gid := newGroup(e)
				e.ok(e.invoke(lifecycle.ProtectionGroup, gid, lifecycle.OpAddServer, map[string]string{ParamServerID: "web"}))
				g2 := must(e.sb.CreateGroup(e.ctx, platform.GroupSpec{Name: "g2", SourceRegion: "cn-shanghai", TargetRegion: "cn-beijing"}, ""))(e.t)
				e.clk.Advance(time.Minute)
				e.extra = map[string]string{"g2": g2.ID}
				return memberCheck(e, g2.ID, lifecycle.OpAddServer, map[string]string{ParamServerID: "web"})
			},
			func(e *env) error {
				return e.invoke(lifecycle.ProtectionGroup, e.extra["g2"], lifecycle.OpAddServer, map[string]string{ParamServerID: "web"})
			}},
	}
	otherRows := []row{
		{"replica: disk backup", "plan", "R003-1", platform.ClassPreconditionFailed,
			func(e *env) []lifecycle.Violation {
				must(e.sb.PutVault(e.ctx, platform.Vault{ID: "rv", Region: "cn-beijing", Purpose: "replication"}))(e.t)
				must(e.sb.PutBackup(e.ctx, platform.Backup{ID: "bk", Kind: platform.BackupKindDisk, SourceID: "vol-p", Region: "cn-shanghai"}))(e.t)
				f := must(e.sb.ProposedReplicaFacts(e.ctx, e.replicaSpec()))(e.t)
				return lifecycle.Check(lifecycle.BackupReplica, lifecycle.OpReplicate, lifecycle.Observation{Facts: f}, lifecycle.Options{})
			},
			func(e *env) error { _, err := e.sb.CreateReplica(e.ctx, e.replicaSpec(), ""); return err }},
		{"recovery server failover: no recovery point", "plan", "R004-2", platform.ClassPreconditionFailed,
			func(e *env) []lifecycle.Violation {
				rs := must(e.sb.CreateRecoveryServer(e.ctx, platform.RecoveryServerSpec{Name: "rs", MachineID: "web"}, ""))(e.t)
				e.clk.Advance(time.Hour)
				return opCheck(e, lifecycle.RecoveryServer, rs.ID, lifecycle.OpFailover)
			},
			func(e *env) error {
				rs := must(e.sb.ListRecoveryServers(e.ctx))(e.t)
				return e.invoke(lifecycle.RecoveryServer, rs[0].ID, lifecycle.OpFailover, nil)
			}},
		// Races: another writer between plan and apply. The provider refuses to act on an
		// object changed since it was read, and a version conflict or a vanished object is
		// reported with its class.
		{"pair update: stale version", "race", "", platform.ClassConflict,
			nil,
			func(e *env) error {
				id := created(e, spec("vol-p", "vol-s"))
				v := e.pair(id).Version
				_, err := e.sb.UpdatePair(e.ctx, id, platform.PairSpec{Name: "a", Version: v})
				e.ok(err)
				_, err = e.sb.UpdatePair(e.ctx, id, platform.PairSpec{Name: "b", Version: v})
				return err
			}},
		{"pair operation: deleted meanwhile", "race", "", platform.ClassNotFound,
			nil,
			func(e *env) error {
				id := created(e, spec("vol-p", "vol-s"))
				e.ok(e.invoke(lifecycle.ReplicationPair, id, lifecycle.OpDelete, nil))
				e.clk.Advance(time.Hour)
				return e.invoke(lifecycle.ReplicationPair, id, lifecycle.OpStart, nil)
			}},
		{"pair delete: failed over, data loss", "plan", "V-PAIR-DELETE", platform.ClassPreconditionFailed,
			func(e *env) []lifecycle.Violation {
				id := created(e, spec("vol-p", "vol-s"))
				e.ok(e.invoke(lifecycle.ReplicationPair, id, lifecycle.OpStart, nil))
				e.clk.Advance(time.Hour)
				must(e.sb.AttachVolume(e.ctx, "vol-p", ""))(e.t)
				e.ok(e.invoke(lifecycle.ReplicationPair, id, lifecycle.OpFailover, nil))
				e.clk.Advance(time.Hour)
				return opCheck(e, lifecycle.ReplicationPair, id, lifecycle.OpDelete)
			},
			func(e *env) error { return e.invoke(lifecycle.ReplicationPair, e.only(), lifecycle.OpDelete, allow) }},
	}
	var rows []row
	rows = append(append(append(rows, pairRows...), groupRows...), otherRows...)
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			if r.when == "plan" || r.when == "apply" {
				vs := lifecycle.Blocking(r.check(e))
				found := false
				for _, v := range vs {
					found = found || v.Rule == r.rule
				}
				if !found {
					t.Fatalf("plan-time check: want %s, got %v", r.rule, vs)
				}
			}
			err := r.call(e)
			if err == nil {
				t.Fatalf("the platform accepted the call")
			}
			if platform.ClassOf(err) != r.class || (r.rule != "" && platform.RuleOf(err) != r.rule) {
				t.Fatalf("platform error: want %s [%s], got %v (class %s, rule %s)", r.class, r.rule, err, platform.ClassOf(err), platform.RuleOf(err))
			}
		})
	}
}

// only returns the one pair of the env.
func (e *env) only() string {
	e.t.Helper()
	ps := must(e.sb.ListPairs(e.ctx))(e.t)
	if len(ps) == 0 {
		e.t.Fatal("no pair")
	}
	return ps[0].ID
}

func (e *env) onlyGroup() string {
	e.t.Helper()
	gs := must(e.sb.ListGroups(e.ctx))(e.t)
	if len(gs) == 0 {
		e.t.Fatal("no group")
	}
	return gs[0].ID
}

func (e *env) replicaSpec() platform.ReplicaSpec {
	return platform.ReplicaSpec{Name: "r", BackupID: "bk", DestinationRegion: "cn-beijing", DestinationVaultID: "rv"}
}
