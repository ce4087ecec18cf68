package lifecycle

import (
	"strings"
	"testing"
)

func ruleIDs(vs []Violation) string {
	ids := make([]string, len(vs))
	for i, v := range vs {
		ids[i] = v.Rule
	}
	return strings.Join(ids, ",")
}

// ReadinessOps are read from the tables: failover, and the lossless move of production.
func TestReadinessOps(t *testing.T) {
	t.Parallel()
	want := map[Kind]string{
		ReplicationPair: "failover:failover planned_failover:switchover",
		ProtectionGroup: "failover:failover planned_failover:planned_failover",
		RecoveryServer:  "failover:failover",
		BackupReplica:   "",
	}
	for k, w := range want {
		var parts []string
		for _, ro := range ReadinessOps(k) {
			parts = append(parts, string(ro.Role)+":"+string(ro.Op))
		}
		if got := strings.Join(parts, " "); got != w {
			t.Errorf("%s: %q, want %q", k, got, w)
		}
	}
	if !HasRPO(ReplicationPair) || !HasRPO(ProtectionGroup) || HasRPO(RecoveryServer) || HasRPO(BackupReplica) {
		t.Error("HasRPO")
	}
}

// Readiness is Check's verdict, the data-loss opt-in left out: a healthy replicating group is
// ready to fail over (forced: production is healthy) and to fail over as planned.
func TestReadinessReadyAndBlocked(t *testing.T) {
	t.Parallel()
	g := syncable(grp(Replicating))
	g.Facts.LagSeconds, g.Facts.RPOSeconds = 300, 900
	r := ReadinessOf(ProtectionGroup, g, Options{})
	for _, role := range []ReadinessRole{RoleFailover, RolePlannedFailover} {
		o, ok := r.Op(role)
		if !ok || !o.Known || !o.Ready || len(o.Blocking) > 0 {
			t.Fatalf("%s: %+v", role, o)
		}
	}
	if r.RPO == nil || !r.RPO.Known || !r.RPO.Within || r.RPO.LagSeconds != 300 || r.RPO.RPOSeconds != 900 {
		t.Fatalf("rpo %+v", r.RPO)
	}

	// a drill running: both refused by V-DRILL, with the engine's message
	g.Facts.DrillActive = true
	r = ReadinessOf(ProtectionGroup, g, Options{})
	for _, role := range []ReadinessRole{RoleFailover, RolePlannedFailover} {
		o, _ := r.Op(role)
		if !o.Known || o.Ready || findRule(o.Blocking, "V-DRILL") == nil || !strings.Contains(o.Blocking[0].Message, "drill is running") {
			t.Fatalf("%s during a drill: %+v", role, o)
		}
	}
}

// A group that never synchronised names its from-state rule and V-FIRST-SYNC (the
// preconditions are reported beside a refusal by state); its copy is not within the RPO.
func TestReadinessNeverSynchronised(t *testing.T) {
	t.Parallel()
	g := grp(Configured)
	g.Facts.FirstSyncDone = false
	r := ReadinessOf(ProtectionGroup, g, Options{})
	fo, _ := r.Op(RoleFailover)
	if fo.Ready || !fo.Known || ruleIDs(fo.Blocking) != "R002-2,V-FIRST-SYNC" {
		t.Fatalf("failover: %s %+v", ruleIDs(fo.Blocking), fo)
	}
	pf, _ := r.Op(RolePlannedFailover)
	if pf.Ready || findRule(pf.Blocking, "V-GRP-SWITCH") == nil || findRule(pf.Blocking, "V-FIRST-SYNC") == nil {
		t.Fatalf("planned failover: %s", ruleIDs(pf.Blocking))
	}
	if !r.RPO.Known || r.RPO.Within || !strings.Contains(r.RPO.Why, "first synchronisation") {
		t.Fatalf("rpo %+v", r.RPO)
	}
	// the pair's switchover after a failover: refused by state, and (failed over) over RPO
	p := pair(FailedOver)
	rp := ReadinessOf(ReplicationPair, p, Options{})
	if o, _ := rp.Op(RolePlannedFailover); o.Op != OpSwitchover || findRule(o.Blocking, "V-PAIR-SWITCH") == nil {
		t.Fatalf("switchover %+v", o)
	}
	if rp.RPO.Within || !rp.RPO.Known || !strings.Contains(rp.RPO.Why, "failed_over") {
		t.Fatalf("rpo after failover %+v", rp.RPO)
	}
}

// Lag over the objective is not within it, and says how old the copy is.
func TestReadinessLagOverRPO(t *testing.T) {
	t.Parallel()
	p := pair(Replicating)
	p.Facts.LagSeconds, p.Facts.RPOSeconds = 3600, 900
	r := ReadinessOf(ReplicationPair, p, Options{})
	if !r.RPO.Known || r.RPO.Within || !r.RPO.Measured || !strings.Contains(r.RPO.Why, "3600s old, over its recovery point objective of 900s") {
		t.Fatalf("%+v", r.RPO)
	}
	p.Facts.LagSeconds = 900
	if r := ReadinessOf(ReplicationPair, p, Options{}); !r.RPO.Within {
		t.Fatalf("lag = RPO is within: %+v", r.RPO)
	}
}

// Unknown facts make the verdict unknown, with why: a fact not known now, and a fact the
// platform never reports (Capabilities.Unobservable) — unless another check refuses.
func TestReadinessUnknown(t *testing.T) {
	t.Parallel()
	g := grp(Replicating)
	g.Facts.Unknown = map[string]bool{FactDrill: true, FactLag: true}
	r := ReadinessOf(ProtectionGroup, g, Options{})
	fo, _ := r.Op(RoleFailover)
	if fo.Known || fo.Ready || !strings.Contains(fo.Why(), "not known at plan time (drill)") {
		t.Fatalf("failover with the drill unknown: %+v %q", fo, fo.Why())
	}
	if r.RPO.Known || !strings.Contains(r.RPO.Why, "not known now") {
		t.Fatalf("rpo %+v", r.RPO)
	}
	caps := &Capabilities{Platform: "vendor", Unobservable: []string{FactDrill, FactLag}}
	r = ReadinessOf(ProtectionGroup, g, Options{Platform: caps})
	fo, _ = r.Op(RoleFailover)
	if fo.Known || !strings.Contains(fo.Why(), "the vendor platform does not report drill") {
		t.Fatalf("unobservable drill: %q", fo.Why())
	}
	if !strings.Contains(r.RPO.Why, "the vendor platform does not report the replication lag") {
		t.Fatalf("unobservable lag: %q", r.RPO.Why)
	}
	// a refusal decides even with an unknown fact
	g.Facts.FirstSyncDone = false
	fo, _ = ReadinessOf(ProtectionGroup, g, Options{}).Op(RoleFailover)
	if !fo.Known || fo.Ready || findRule(fo.Blocking, "V-FIRST-SYNC") == nil || len(fo.Unknown) != 0 {
		t.Fatalf("refused with an unknown fact: %+v", fo)
	}
	// so does the RPO judgement: no complete copy is not within the objective, lag or not
	if r := ReadinessOf(ProtectionGroup, g, Options{Platform: caps}); !r.RPO.Known || r.RPO.Within || !strings.Contains(r.RPO.Why, "first synchronisation has not completed") {
		t.Fatalf("rpo before the first sync, the lag unobservable: %+v", r.RPO)
	}
	g.Facts.Unknown[FactFirstSync] = true
	if r := ReadinessOf(ProtectionGroup, g, Options{Platform: caps}); r.RPO.Known || !strings.Contains(r.RPO.Why, "does not report the replication lag") {
		t.Fatalf("rpo with the first sync unknown and the lag unobservable: %+v", r.RPO)
	}
	if r := ReadinessOf(ProtectionGroup, grpWith(FailedOver, map[string]bool{FactLag: true}), Options{Platform: caps}); !r.RPO.Known || r.RPO.Within || !strings.Contains(r.RPO.Why, "failed_over") {
		t.Fatalf("rpo of a failed-over group, the lag unobservable: %+v", r.RPO)
	}
	f := grpWith(Replicating, map[string]bool{FactFirstSync: true})
	if r := ReadinessOf(ProtectionGroup, f, Options{}); r.RPO.Known || !strings.Contains(r.RPO.Why, "completed its first synchronisation is not known now") {
		t.Fatalf("rpo with the first sync unknown: %+v", r.RPO)
	}
}

// A platform without the operation (Capabilities.Manual) blocks it with V-PLATFORM naming the
// console step; the data-loss opt-in never blocks readiness (Alibaba: site health is
// unobservable, so every failover needs allow_data_loss at plan, yet is ready).
func TestReadinessPlatform(t *testing.T) {
	t.Parallel()
	caps := &Capabilities{Platform: "alibaba", Unobservable: []string{FactSiteHealth},
		Manual: map[Kind]map[Op]string{ReplicationPair: {OpSwitchover: "EBS has no planned-switchover call."}}}
	p := pair(Replicating)
	p.Facts.Unknown = map[string]bool{FactSiteHealth: true}
	p.Platform = caps
	r := ReadinessOf(ReplicationPair, p, Options{})
	fo, _ := r.Op(RoleFailover)
	if !fo.Ready {
		t.Fatalf("failover: %+v", fo)
	}
	mustRefuse(t, ReplicationPair, OpFailover, p, Options{Platform: caps}, "R002-8") // the plan still needs the opt-in
	sw, _ := r.Op(RolePlannedFailover)
	if sw.Ready || !sw.Known || sw.Blocking[0].Rule != "V-PLATFORM" || !strings.Contains(sw.Blocking[0].Message, "no planned-switchover call") {
		t.Fatalf("switchover: %+v", sw)
	}
}

// The generated table lists, per readiness operation, every rule of its row and V-PLATFORM,
// and nothing for the data-loss opt-in.
func TestReadinessMarkdown(t *testing.T) {
	t.Parallel()
	md := ReadinessMarkdown()
	for _, k := range Kinds {
		for _, ro := range ReadinessOps(k) {
			row, _ := Table(k).Operation(ro.Op)
			prefix := "| `dr_" + string(k) + "` | `" + string(ro.Role) + "` | "
			for _, p := range row.Preconditions {
				if !strings.Contains(md, prefix+ruleLabel(p.Rule, p.Also)+" | `"+string(ro.Op)+"` "+p.Requirement+" |") {
					t.Errorf("%s %s: no line for %s", k, ro.Op, p.Rule)
				}
			}
			for _, rule := range []string{row.FromRule, "V-PLATFORM"} {
				if !strings.Contains(md, prefix+rule+" | ") {
					t.Errorf("%s %s: no %s line", k, ro.Op, rule)
				}
			}
		}
	}
	if strings.Contains(md, "R002-8") || strings.Contains(md, "dr_backup_replica") || strings.Count(md, "| `rpo` |") != 2 {
		t.Errorf("the opt-in, a kind without failover, or not one RPO line per replicating kind:\n%s", md)
	}
	if only := ReadinessMarkdown(RecoveryServer); strings.Contains(only, "dr_protection_group") || !strings.Contains(only, "R004-2") {
		t.Errorf("one kind's table:\n%s", only)
	}
}

func TestCheckRecoveryPoint(t *testing.T) {
	t.Parallel()
	o := srv(Standby)
	points := []string{"rp-new", "rp-old"}
	if vs := CheckRecoveryPoint(OpFailover, o, "rp-old", points); vs != nil {
		t.Fatal(vs)
	}
	if vs := CheckRecoveryPoint(OpFailover, o, "", nil); vs != nil {
		t.Fatal("the latest needs none:", vs)
	}
	if vs := CheckRecoveryPoint(OpStopTestFailover, o, "gone", points); vs != nil {
		t.Fatal("stop takes no recovery point:", vs)
	}
	vs := CheckRecoveryPoint(OpTestFailover, o, "gone", points)
	if len(vs) != 1 || vs[0].Rule != "V-REFS" || vs[0].Params[0] != ParamRecoveryPoint || vs[0].Op != OpTestFailover ||
		!strings.Contains(vs[0].Message, `recovery point "gone"`) || !strings.Contains(vs[0].Message, `2 listed, the newest "rp-new"`) {
		t.Fatalf("%+v", vs)
	}
	if vs := CheckRecoveryPoint(OpFailover, o, "x", nil); !strings.Contains(vs[0].Message, "the machine has none") {
		t.Fatal(vs[0].Message)
	}
}

// A pair in a group fails over with it: its own failover is refused (V-PAIR-IN-GROUP) and its
// readiness names the group whose readiness it is.
func TestReadinessGroupedPair(t *testing.T) {
	t.Parallel()
	p := pair(Replicating)
	p.Facts.InGroup, p.Facts.GroupID = true, "pg-1"
	r := ReadinessOf(ReplicationPair, p, Options{})
	fo, _ := r.Op(RoleFailover)
	if r.Group != "pg-1" || fo.Ready || fo.Blocking[0].Rule != "V-PAIR-IN-GROUP" {
		t.Fatalf("grouped pair: group %q %+v", r.Group, fo)
	}
	if ReadinessOf(ReplicationPair, pair(Replicating), Options{}).Group != "" {
		t.Fatal("a pair on its own has no group")
	}
}

// grpWith is grp(state) with the given facts unknown.
func grpWith(state State, unknown map[string]bool) Observation {
	g := grp(state)
	g.Facts.Unknown = unknown
	return g
}
