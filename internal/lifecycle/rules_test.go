package lifecycle

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// Every rule in the catalog has a test named after it.
func TestEveryRuleHasATest(t *testing.T) {
	t.Parallel()
	files, _ := filepath.Glob("*_test.go")
	var src strings.Builder
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		src.Write(b)
	}
	for _, r := range Rules() {
		name := "func TestRule_" + regexp.MustCompile(`[^A-Za-z0-9]`).ReplaceAllString(r.ID, "_") + "("
		if !strings.Contains(src.String(), name) {
			t.Errorf("rule %s has no test %s…)", r.ID, name)
		}
	}
}

// Every rule named by a table exists in the catalog, and RULES.md's IDs are all in it.
func TestRulesCatalogConsistent(t *testing.T) {
	t.Parallel()
	for _, k := range Kinds {
		for _, o := range Table(k).Operations() {
			for _, id := range o.Rules() {
				if _, ok := RuleByID(id); !ok {
					t.Errorf("%s %s names unknown rule %s", k, o.Name, id)
				}
			}
		}
		if len(RulesFor(k)) == 0 {
			t.Errorf("no rules for %s", k)
		}
	}
	b, err := os.ReadFile("../../../shared/RULES.md")
	if err != nil {
		t.Skip("RULES.md not available:", err)
	}
	for _, m := range regexp.MustCompile(`(?m)^- (R\d{3}-\d+|V-[A-Z0-9-]+)`).FindAllStringSubmatch(string(b), -1) {
		if _, ok := RuleByID(m[1]); !ok {
			t.Errorf("RULES.md rule %s is not in the catalog", m[1])
		}
	}
}

func grp(s State) Observation  { return goodObs(ProtectionGroup, s) }
func pair(s State) Observation { return goodObs(ReplicationPair, s) }
func rep() Observation {
	return Observation{Kind: BackupReplica, Name: "r1", Facts: goodFacts(BackupReplica)}
}
func srv(s State) Observation { return goodObs(RecoveryServer, s) }

func TestRule_R000_1(t *testing.T) {
	t.Parallel()
	mustRefuse(t, ProtectionGroup, OpReprotect, grp(Replicating), Options{}, "R000-1", `group "app"`, "replicating", "fail the group over first")
	mustAllow(t, ProtectionGroup, OpReprotect, syncable(grp(FailedOver)), Options{})
	e := syncable(grp(Error))
	e.FailedOp = OpReprotect
	mustAllow(t, ProtectionGroup, OpReprotect, e, Options{})
}

func TestRule_R000_2(t *testing.T) {
	t.Parallel()
	o := grp(FailedOver)
	o.Facts.StandbySiteHealthy = false
	mustRefuse(t, ProtectionGroup, OpReprotect, o, Options{}, "R000-2", "standby site (target)", "down", "healthy again")
	p := pair(FailedOver)
	p.Facts.StandbySiteHealthy = false
	mustRefuse(t, ReplicationPair, OpReprotect, p, Options{}, "R000-2", `pair "app"`)
}

func TestRule_R000_3(t *testing.T) {
	t.Parallel()
	o := grp(FailedOver)
	o.Facts.ServersBusy = true
	mustRefuse(t, ProtectionGroup, OpReprotect, o, Options{}, "R000-3", "operation is running", "Wait")
	mustRefuse(t, ProtectionGroup, OpReprotect, grp(FailingOver), Options{}, "R000-3", "failing_over", "Wait")
}

func TestRule_R000_4(t *testing.T) {
	t.Parallel()
	o := grp(FailedOver)
	o.Facts.StandbyServersStopped = false
	mustRefuse(t, ProtectionGroup, OpReprotect, o, Options{}, "R000-4", "V-GRP-REPROT", "are running", "Stop the servers")
}

func TestRule_R000_5(t *testing.T) {
	t.Parallel()
	op, _ := Table(ProtectionGroup).Operation(OpReprotect)
	if op.Via != Reprotecting || op.OnSuccess != Replicating || op.Site != SiteKeep || !strings.Contains(op.Afterwards, "R000-5") {
		t.Fatalf("reprotect row: %+v", op)
	}
}

func TestRule_R000_6(t *testing.T) {
	t.Parallel()
	op, _ := Table(ProtectionGroup).Operation(OpReprotect)
	if !strings.Contains(op.Afterwards, "R000-6") || !strings.Contains(op.Afterwards, "planned failover") {
		t.Fatal(op.Afterwards)
	}
	// and the planner uses it: after reprotect, moving back is a planned failover.
	o := grp(Replicating)
	o.ActiveSite = SiteTarget
	o.Facts.ActiveSiteHealthy = true
	p, vs := Plan(ProtectionGroup, o, Goal{States: []State{Replicating}, ActiveSite: SiteSource}, Options{})
	if len(vs) > 0 || p.Summary() != "planned_failover" {
		t.Fatal(p.Summary(), vs)
	}
}

func TestRule_R001_1(t *testing.T) {
	t.Parallel()
	mustRefuse(t, ReplicationPair, OpFailover, pair(Invalid), Options{}, "R001-1", "invalid")
	mustRefuse(t, ReplicationPair, OpFailover, pair(Deleted), Options{}, "R001-1", "deleted")
	mustAllow(t, ReplicationPair, OpFailover, pair(Replicating), Options{})
	mustAllow(t, ReplicationPair, OpFailover, pair(Paused), Options{})
}

func TestRule_R001_2(t *testing.T) {
	t.Parallel()
	op, _ := Table(ReplicationPair).Operation(OpFailover)
	if op.OnSuccess != FailedOver || op.Site != SiteFlip || !strings.Contains(op.Afterwards, "read/write") {
		t.Fatalf("%+v", op)
	}
}

func TestRule_R001_3(t *testing.T) {
	t.Parallel()
	// failover and reprotect are called in the target (secondary) site's region, delete in the
	// source (primary) site's region: roles a failover does not swap (Alibaba EBS §1.6)
	for _, k := range []Kind{ReplicationPair, ProtectionGroup} {
		for _, opName := range []Op{OpFailover, OpReprotect} {
			op, _ := Table(k).Operation(opName)
			if op.Region != RegionTarget {
				t.Fatalf("%s %s region %s", k, opName, op.Region)
			}
			// before a failover the target is the standby site …
			if got := op.RegionFor(goodObs(k, Replicating)); got != goodFacts(k).StandbyRegion {
				t.Fatalf("RegionFor = %q", got)
			}
			// … after it, the active one: reprotect still goes to the secondary's region
			after := goodObs(k, FailedOver)
			after.ActiveSite = SiteTarget
			if got := op.RegionFor(after); got != goodFacts(k).ActiveRegion {
				t.Fatalf("%s %s after failover: RegionFor = %q, want the target's %q", k, opName, got, goodFacts(k).ActiveRegion)
			}
		}
	}
	p, _ := Plan(ReplicationPair, pair(Replicating), Goal{States: []State{FailedOver}}, Options{})
	if len(p.Steps) != 1 || p.Steps[0].Region != RegionTarget {
		t.Fatal(p.Steps)
	}
	st, _ := Table(ReplicationPair).Operation(OpStart)
	if st.Region != RegionEither || st.RegionFor(pair(Paused)) != "" {
		t.Fatal(st.Region)
	}
	del, _ := Table(ReplicationPair).Operation(OpDelete)
	if del.RegionFor(pair(Paused)) != "cn-shanghai" {
		t.Fatal(del.Region)
	}
	failed := pair(FailedOver)
	failed.ActiveSite = SiteTarget
	failed.Facts.ActiveRegion, failed.Facts.StandbyRegion = "cn-beijing", "cn-shanghai"
	if del.RegionFor(failed) != "cn-shanghai" {
		t.Fatalf("delete after failover goes to the primary's region, got %q", del.RegionFor(failed))
	}
}

func TestRule_R001_4(t *testing.T) {
	t.Parallel()
	tok := ClientToken(ReplicationPair, "pair-1", 3, 0, OpFailover)
	if err := ValidateClientToken(tok); err != nil {
		t.Fatal(err)
	}
	if tok != ClientToken(ReplicationPair, "pair-1", 3, 0, OpFailover) || tok == ClientToken(ReplicationPair, "pair-1", 3, 1, OpFailover) {
		t.Fatal("token not deterministic per step")
	}
	for _, bad := range []string{"", strings.Repeat("a", 65), "tökén", "a\x01"} {
		err := ValidateClientToken(bad)
		if err == nil || !strings.Contains(err.Error(), "R001-4") {
			t.Errorf("%q: %v", bad, err)
		}
	}
	if err := ValidateClientToken(strings.Repeat("a", 64)); err != nil {
		t.Fatal(err)
	}
}

func TestRule_R001_5(t *testing.T) {
	t.Parallel()
	o := pair(Paused)
	o.Facts.ReplicationCapable = false
	mustRefuse(t, ReplicationPair, OpStart, o, Options{}, "R001-5", "cn-shanghai", "do not both offer replication")
	o.State = ""
	mustRefuse(t, ReplicationPair, OpCreate, o, Options{}, "R001-5")
}

func TestRule_R002_1(t *testing.T) {
	t.Parallel()
	o := grp(Replicating)
	o.Facts.MemberCount = 0
	v := mustRefuse(t, ProtectionGroup, OpFailover, o, Options{}, "R002-1")
	want := `R002-1: failover needs replication pairs in the group; group "app" has none. Add a dr_replication_pair to it first.`
	if v.Message != want {
		t.Fatalf("got %q", v.Message)
	}
	o.State = Paused
	mustRefuse(t, ProtectionGroup, OpEnableProtection, o, Options{}, "R002-1")
	// unknown at plan time: deferred, not refused
	o.State = Replicating
	o.Facts.Unknown = map[string]bool{FactMembers: true}
	vs := Check(ProtectionGroup, OpFailover, o, Options{})
	d := findRule(vs, "R002-1")
	if d == nil || !d.Deferred || HasBlocking(vs) || !strings.Contains(d.Message, "apply time") {
		t.Fatalf("%+v", vs)
	}
}

func TestRule_R002_2(t *testing.T) {
	t.Parallel()
	for _, s := range []State{Configured, Paused, FailedOver, Starting} {
		mustRefuse(t, ProtectionGroup, OpFailover, grp(s), Options{}, "R002-2", string(s), "replicating, error{planned_failover}, error{failover}")
	}
	for _, f := range []Op{OpPlannedFailover, OpFailover} {
		o := grp(Error)
		o.FailedOp = f
		mustAllow(t, ProtectionGroup, OpFailover, o, Options{})
	}
	o := grp(Error)
	o.FailedOp = OpReprotect
	mustRefuse(t, ProtectionGroup, OpFailover, o, Options{}, "R002-2", "error{reprotect}")
}

func TestRule_R002_3(t *testing.T) {
	t.Parallel()
	op, _ := Table(ProtectionGroup).Operation(OpFailover)
	if op.OnSuccess != FailedOver || !strings.Contains(op.Afterwards, "R002-3") {
		t.Fatal(op)
	}
	if AllowedOperations(ProtectionGroup, grp(FailedOver), Options{}) == nil {
		t.Fatal("nothing allowed after failover")
	}
	if slices.Contains(AllowedOperations(ProtectionGroup, grp(FailedOver), Options{}), OpDisableProtection) {
		t.Fatal("protection is already disabled after failover")
	}
}

func TestRule_R002_4(t *testing.T) {
	t.Parallel()
	o := grp(Replicating)
	o.Facts.ActiveSiteHealthy = false
	p, vs := Plan(ProtectionGroup, o, Goal{States: []State{FailedOver}, ActiveSite: SiteTarget}, Options{})
	if len(vs) > 0 || len(p.Steps) != 1 || !strings.Contains(p.Steps[0].Afterwards, "start the DR-site servers") || !strings.Contains(p.Steps[0].Afterwards, "R002-4") {
		t.Fatal(p, vs)
	}
}

func TestRule_R002_5(t *testing.T) {
	t.Parallel()
	op, _ := Table(ProtectionGroup).Operation(OpFailover)
	if !strings.Contains(op.Afterwards, "R002-5") || !strings.Contains(op.Afterwards, "MAC") {
		t.Fatal(op.Afterwards)
	}
}

func TestRule_R002_6(t *testing.T) {
	t.Parallel()
	mustRefuse(t, ProtectionGroup, OpEnableProtection, grp(FailedOver), Options{}, "R002-6", "failed_over", "reprotect")
	// the planner goes through reprotect
	p, vs := Plan(ProtectionGroup, syncable(grp(FailedOver)), Goal{States: []State{Replicating}}, Options{})
	if len(vs) > 0 || p.Summary() != "reprotect" {
		t.Fatal(p.Summary(), vs)
	}
}

func TestRule_R002_7(t *testing.T) {
	t.Parallel()
	for _, s := range []State{FailingOver, SwitchingOver, Reprotecting} {
		v := CheckServerPowerChange(grp(s))
		if v == nil || v.Rule != "R002-7" || !strings.Contains(v.Message, string(s)) || !strings.Contains(v.Message, `group "app"`) {
			t.Fatalf("%s: %v", s, v)
		}
	}
	busy := grp(Replicating)
	busy.Facts.ServersBusy = true
	if v := CheckServerPowerChange(busy); v == nil || !strings.Contains(v.Message, "an operation") {
		t.Fatal(v)
	}
	if v := CheckServerPowerChange(grp(Replicating)); v != nil {
		t.Fatal(v)
	}
}

func TestRule_R002_8(t *testing.T) {
	t.Parallel()
	o := grp(Replicating)
	o.Facts.ActiveSiteHealthy = true
	o.Facts.UnsyncedChanges = true
	v := mustRefuse(t, ProtectionGroup, OpFailover, o, Options{}, "R002-8", "active site (source)", "healthy", "planned_failover", "allow_data_loss = true", "not yet replicated")
	if !v.DataLoss {
		t.Fatal("not marked data loss")
	}
	mustAllow(t, ProtectionGroup, OpFailover, o, Options{AllowDataLoss: true})
	p := pair(Replicating)
	p.Facts.ActiveSiteHealthy = true
	mustRefuse(t, ReplicationPair, OpFailover, p, Options{}, "R002-8", "switchover")
	// planner: failed_over goal with a healthy site needs the opt-in
	_, vs := Plan(ProtectionGroup, o, Goal{States: []State{FailedOver}}, Options{})
	if findRule(vs, "R002-8") == nil {
		t.Fatal(vs)
	}
	pl, vs := Plan(ProtectionGroup, o, Goal{States: []State{FailedOver}}, Options{AllowDataLoss: true})
	if len(vs) > 0 || !pl.DataLoss() {
		t.Fatal(pl, vs)
	}
	// site health unknown: deferred
	o.Facts.Unknown = map[string]bool{FactSiteHealth: true}
	vs = Check(ProtectionGroup, OpFailover, o, Options{})
	if d := findRule(vs, "R002-8"); d == nil || !d.Deferred || HasBlocking(vs) {
		t.Fatal(vs)
	}
	// … and still unknown before the platform call at apply: refused without the opt-in (a
	// deferred data-loss check never lets the step through)
	if r := ApplyTimeRefusals(vs); findRule(r, "R002-8") == nil || r[0].Deferred || !strings.Contains(r[0].Message, "still not known") {
		t.Fatal(r)
	}
	if r := ApplyTimeRefusals(Check(ProtectionGroup, OpFailover, o, Options{AllowDataLoss: true})); len(r) > 0 {
		t.Fatal(r)
	}
	// a platform that never reports site health (Alibaba): decided at plan, for pairs and groups
	never := &Capabilities{Platform: "alibaba", Unobservable: []string{FactSiteHealth}}
	p.Facts.Unknown = map[string]bool{FactSiteHealth: true}
	for _, x := range []struct {
		kind Kind
		obs  Observation
	}{{ProtectionGroup, o}, {ReplicationPair, p}} {
		v := mustRefuse(t, x.kind, OpFailover, x.obs, Options{Platform: never}, "R002-8", "cannot tell", "site_health", "allow_data_loss = true")
		if v.Deferred || !v.DataLoss {
			t.Fatal(v)
		}
		mustAllow(t, x.kind, OpFailover, x.obs, Options{Platform: never, AllowDataLoss: true})
		if _, vs := Plan(x.kind, x.obs, Goal{States: []State{FailedOver}}, Options{Platform: never}); findRule(vs, "R002-8") == nil || !HasBlocking(vs) {
			t.Fatal(x.kind, vs)
		}
	}
}

func TestRule_R003_1(t *testing.T) {
	t.Parallel()
	o := rep()
	o.Facts.BackupType = "disk"
	mustRefuse(t, BackupReplica, OpReplicate, o, Options{}, "R003-1", "cloud disk")
	if vs := Blocking(Check(BackupReplica, OpReplicate, o, Options{})); len(vs) != 1 {
		t.Fatalf("a disk backup should be refused by R003-1 only: %v", vs)
	}
	mustAllow(t, BackupReplica, OpReplicate, rep(), Options{})
}

func TestRule_R003_2(t *testing.T) {
	t.Parallel()
	o := rep()
	o.Facts.DestinationCapable = false
	mustRefuse(t, BackupReplica, OpReplicate, o, Options{}, "R003-2", `destination region "ap-southeast-1"`)
	o = rep()
	o.Facts.SourceRegionCapable = false
	mustRefuse(t, BackupReplica, OpReplicate, o, Options{}, "R003-2", "source region")
}

func TestRule_R003_3(t *testing.T) {
	t.Parallel()
	o := rep()
	o.Facts.BackupType = "sfs"
	mustRefuse(t, BackupReplica, OpReplicate, o, Options{}, "R003-3", `"sfs"`)
	o = rep()
	o.Facts.BackupExists = false
	mustRefuse(t, BackupReplica, OpReplicate, o, Options{}, "R003-3", "does not exist")
}

func TestRule_R003_4(t *testing.T) {
	t.Parallel()
	o := rep()
	o.Facts.BackupHasSystemDisk = false
	mustRefuse(t, BackupReplica, OpReplicate, o, Options{}, "R003-4", "system-disk")
}

func TestRule_R003_5(t *testing.T) {
	t.Parallel()
	o := rep()
	o.Facts.BackupStatus = "creating"
	mustRefuse(t, BackupReplica, OpReplicate, o, Options{}, "R003-5", `"creating"`)
}

func TestRule_R003_6(t *testing.T) {
	t.Parallel()
	o := rep()
	o.Facts.BackupIsReplica = true
	mustRefuse(t, BackupReplica, OpReplicate, o, Options{}, "R003-6", "itself a replica")
}

func TestRule_R003_7(t *testing.T) {
	t.Parallel()
	o := rep()
	o.Facts.ReplicaInDestination = true
	mustRefuse(t, BackupReplica, OpReplicate, o, Options{}, "R003-7", "already has a replica")
	a := rep()
	a.State = Available
	mustRefuse(t, BackupReplica, OpReplicate, a, Options{}, "R003-7", "available")
	// after the replica is deleted a manual replication is allowed again
	d := rep()
	d.State = Deleted
	mustAllow(t, BackupReplica, OpReplicate, d, Options{})
	// unknown replicas: deferred
	u := rep()
	u.Facts.Unknown = map[string]bool{FactReplicas: true}
	if vs := Check(BackupReplica, OpReplicate, u, Options{}); HasBlocking(vs) || findRule(vs, "R003-7") == nil {
		t.Fatal(vs)
	}
}

func TestRule_R003_8(t *testing.T) {
	t.Parallel()
	o := rep()
	o.Facts.ReplicationMethodPolicy = true
	o.Facts.PolicyReplicatedBefore = true
	mustRefuse(t, BackupReplica, OpReplicate, o, Options{}, "R003-8", "once")
	o.Facts.ReplicationMethodPolicy = false // manual replication is fine
	mustAllow(t, BackupReplica, OpReplicate, o, Options{})
}

func TestRule_R003_9(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"a", "db_replica-01", strings.Repeat("x", 64)} {
		if err := ValidateReplicaName(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{"", strings.Repeat("x", 65), "has space", "dot.name", "ünï"} {
		if err := ValidateReplicaName(bad); err == nil || !strings.Contains(err.Error(), "R003-9") {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func TestRule_R003_10(t *testing.T) {
	t.Parallel()
	if err := ValidateReplicaDescription(strings.Repeat("d", 255)); err != nil {
		t.Fatal(err)
	}
	if err := ValidateReplicaDescription(""); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{strings.Repeat("d", 256), "a <b>"} {
		if err := ValidateReplicaDescription(bad); err == nil || !strings.Contains(err.Error(), "R003-10") {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func TestRule_R003_11(t *testing.T) {
	t.Parallel()
	o := rep()
	o.Facts.VaultPurpose = "backup"
	mustRefuse(t, BackupReplica, OpReplicate, o, Options{}, "R003-11", `purpose "backup"`)
	o = rep()
	o.Facts.VaultRegion = "cn-north-4"
	mustRefuse(t, BackupReplica, OpReplicate, o, Options{}, "R003-11", `"cn-north-4"`)
}

func TestRule_R004_1(t *testing.T) {
	t.Parallel()
	c := Table(RecoveryServer).CreateOperation()
	if c == nil || c.OnSuccess != Standby {
		t.Fatal(c)
	}
	p, vs := Plan(RecoveryServer, Observation{Name: "s"}, Goal{States: []State{Standby}}, Options{})
	if len(vs) > 0 || p.Summary() != "create" {
		t.Fatal(p.Summary(), vs)
	}
}

func TestRule_R004_2(t *testing.T) {
	t.Parallel()
	p, vs := Plan(RecoveryServer, srv(Standby), Goal{States: []State{FailedOver}}, Options{})
	if len(vs) > 0 || len(p.Steps) != 1 || p.Steps[0].Op != OpFailover || p.Steps[0].Via != Finalizing || p.Steps[0].To != FailedOver {
		t.Fatal(p.Steps, vs)
	}
	fin, _ := Table(RecoveryServer).Operation(OpFinalize)
	if fin.Invocable || !fin.IsFrom(Finalizing, "") || fin.OnSuccess != FailedOver {
		t.Fatal(fin)
	}
	p, _ = Plan(RecoveryServer, srv(Finalizing), Goal{States: []State{FailedOver}}, Options{})
	if len(p.Steps) != 1 || !p.Steps[0].Wait {
		t.Fatal(p.Steps)
	}
	if slices.Contains(AllowedOperations(RecoveryServer, srv(Finalizing), Options{}), OpFinalize) {
		t.Fatal("finalize is platform-driven")
	}
}

func TestRule_R004_3(t *testing.T) {
	t.Parallel()
	mustAllow(t, RecoveryServer, OpFailback, srv(FailedOver), Options{})
	mustRefuse(t, RecoveryServer, OpFailback, srv(Standby), Options{}, "R004-8")
	op, _ := Table(RecoveryServer).Operation(OpFailback)
	if op.OnSuccess != ReadyForFailback || op.Via != FailingBack {
		t.Fatal(op)
	}
}

func TestRule_R004_4(t *testing.T) {
	t.Parallel()
	mustAllow(t, RecoveryServer, OpConfirmFailback, srv(ReadyForFailback), Options{})
	op, _ := Table(RecoveryServer).Operation(OpConfirmFailback)
	if op.OnSuccess != Standby {
		t.Fatal(op)
	}
}

func TestRule_R004_5(t *testing.T) {
	t.Parallel()
	mustAllow(t, RecoveryServer, OpCancelFailback, srv(ReadyForFailback), Options{})
	op, _ := Table(RecoveryServer).Operation(OpCancelFailback)
	if op.OnSuccess != FailedOver {
		t.Fatal(op)
	}
	p, vs := Plan(RecoveryServer, srv(ReadyForFailback), Goal{States: []State{FailedOver}}, Options{})
	if len(vs) > 0 || p.Summary() != "cancel_failback" {
		t.Fatal(p.Summary(), vs)
	}
}

func TestRule_R004_6(t *testing.T) {
	t.Parallel()
	mustRefuse(t, RecoveryServer, OpCancelFailover, srv(FailedOver), Options{}, "R004-6", "cloud VM", "failback", "allow_data_loss = true")
	mustAllow(t, RecoveryServer, OpCancelFailover, srv(FailedOver), Options{AllowDataLoss: true})
	// without the opt-in the lossless way takes two applies (a manual step lies between
	// failback and confirm_failback): refused naming it (V-MANUAL-STEP)
	_, vs := Plan(RecoveryServer, srv(FailedOver), Goal{States: []State{Standby}}, Options{})
	if findRule(vs, "V-MANUAL-STEP") == nil {
		t.Fatal(vs)
	}
	// with it the user chose to lose the cloud VM's changes: cancel_failover, one apply, and
	// the path says it loses data (the plan warns)
	p, vs := Plan(RecoveryServer, srv(FailedOver), Goal{States: []State{Standby}}, Options{AllowDataLoss: true})
	if len(vs) > 0 || p.Summary() != "cancel_failover" || !p.DataLoss() {
		t.Fatal(p.Summary(), vs)
	}
	// destroying it: the same choice
	if _, vs = Plan(RecoveryServer, ForDestroy(srv(FailedOver)), Goal{States: []State{Deleted}}, Options{}); findRule(vs, "V-MANUAL-STEP") == nil {
		t.Fatal(vs)
	}
	p, vs = Plan(RecoveryServer, ForDestroy(srv(FailedOver)), Goal{States: []State{Deleted}}, Options{AllowDataLoss: true})
	if len(vs) > 0 || p.Summary() != "cancel_failover → delete" {
		t.Fatal(p.Summary(), vs)
	}
	p, vs = Plan(RecoveryServer, srv(FailedOver), Goal{States: []State{ReadyForFailback}}, Options{AllowDataLoss: true})
	if len(vs) > 0 || p.Summary() != "failback" {
		t.Fatal(p.Summary(), vs)
	}
}

func TestRule_R004_7(t *testing.T) {
	t.Parallel()
	p, vs := Plan(RecoveryServer, srv(Standby), Goal{States: []State{Testing}}, Options{})
	if len(vs) > 0 || p.Summary() != "test_failover" {
		t.Fatal(p.Summary(), vs)
	}
	p, vs = Plan(RecoveryServer, srv(Testing), Goal{States: []State{Standby}}, Options{})
	if len(vs) > 0 || p.Summary() != "stop_test_failover" {
		t.Fatal(p.Summary(), vs)
	}
}

func TestRule_R004_8(t *testing.T) {
	t.Parallel()
	mustRefuse(t, RecoveryServer, OpFailover, srv(Testing), Options{}, "R004-8", "testing", "standby")
	mustRefuse(t, RecoveryServer, OpConfirmFailback, srv(FailedOver), Options{}, "R004-8")
	mustRefuse(t, RecoveryServer, OpDelete, srv(FailedOver), Options{}, "R004-8", "Return the server to standby")
	_, vs := Plan(RecoveryServer, srv(Deleted), Goal{States: []State{Standby}}, Options{})
	if findRule(vs, "R004-8") == nil || !strings.Contains(vs[0].Message, "no sequence") {
		t.Fatal(vs)
	}
}

func TestRule_V_PAIR_START(t *testing.T) {
	t.Parallel()
	mustRefuse(t, ReplicationPair, OpStart, pair(Replicating), Options{}, "V-PAIR-START", "configured, paused, error{start}")
	o := pair(Paused)
	o.Facts.StandbyVolumeAttached = true
	mustRefuse(t, ReplicationPair, OpStart, o, Options{}, "V-PAIR-START", "attached", "Detach")
	o = pair(Configured)
	o.Facts.StandbySiteHealthy = false
	mustRefuse(t, ReplicationPair, OpStart, o, Options{}, "V-PAIR-START", "down")
}

func TestRule_V_PAIR_STOP(t *testing.T) {
	t.Parallel()
	mustRefuse(t, ReplicationPair, OpStop, pair(Paused), Options{}, "V-PAIR-STOP", "paused")
	mustAllow(t, ReplicationPair, OpStop, pair(Starting), Options{})
	mustAllow(t, ReplicationPair, OpStop, pair(Replicating), Options{})
}

func TestRule_V_PAIR_REPROT(t *testing.T) {
	t.Parallel()
	mustRefuse(t, ReplicationPair, OpReprotect, pair(Replicating), Options{}, "V-PAIR-REPROT", "failed_over")
	o := pair(FailedOver)
	o.Facts.StandbyVolumeAttached = true
	mustRefuse(t, ReplicationPair, OpReprotect, o, Options{}, "V-PAIR-REPROT", "attached", "Detach")
	op, _ := Table(ReplicationPair).Operation(OpReprotect)
	if op.OnSuccess != Paused || op.Site != SiteKeep {
		t.Fatal(op)
	}
	// failover → reprotect → start replicates from the new active site
	p, vs := Plan(ReplicationPair, syncable(pair(FailedOver)), Goal{States: []State{Replicating}}, Options{})
	if len(vs) > 0 || p.Summary() != "reprotect → start" || p.ActiveSite != SiteSource {
		t.Fatal(p.Summary(), vs)
	}
}

func TestRule_V_PAIR_DELETE(t *testing.T) {
	t.Parallel()
	mustRefuse(t, ReplicationPair, OpDelete, pair(Replicating), Options{}, "V-PAIR-DELETE", "replicating", "stop")
	mustRefuse(t, ReplicationPair, OpDelete, pair(FailedOver), Options{}, "V-PAIR-DELETE", "failed over", "allow_data_loss = true", "eprotect")
	mustAllow(t, ReplicationPair, OpDelete, pair(FailedOver), Options{AllowDataLoss: true})
	mustAllow(t, ReplicationPair, OpDelete, pair(Invalid), Options{})
	p, vs := Plan(ReplicationPair, pair(Replicating), Goal{States: []State{Deleted}}, Options{})
	if len(vs) > 0 || p.Summary() != "stop → delete" {
		t.Fatal(p.Summary(), vs)
	}
}

func TestRule_V_FIRST_SYNC(t *testing.T) {
	t.Parallel()
	o := grp(Replicating)
	o.Facts.FirstSyncDone = false
	mustRefuse(t, ProtectionGroup, OpFailover, o, Options{}, "V-FIRST-SYNC", "first synchronisation")
	mustRefuse(t, ProtectionGroup, OpStartDrill, o, Options{}, "V-FIRST-SYNC")
	mustRefuse(t, ProtectionGroup, OpPlannedFailover, o, Options{}, "V-FIRST-SYNC")
	p := pair(Replicating)
	p.Facts.FirstSyncDone = false
	mustRefuse(t, ReplicationPair, OpFailover, p, Options{}, "V-FIRST-SYNC")
}

func TestRule_V_GRP_SWITCH(t *testing.T) {
	t.Parallel()
	o := grp(Replicating)
	o.Facts.ActiveSiteHealthy = true
	o.Facts.ActiveServersStopped = false
	mustRefuse(t, ProtectionGroup, OpPlannedFailover, o, Options{}, "V-GRP-SWITCH", "production site (source)", "running", "Stop the production servers")
	o.Facts.ActiveServersStopped = true
	mustAllow(t, ProtectionGroup, OpPlannedFailover, o, Options{})
	o.Facts.MemberCount = 0
	mustRefuse(t, ProtectionGroup, OpPlannedFailover, o, Options{}, "V-GRP-SWITCH", "has none")
	mustRefuse(t, ProtectionGroup, OpPlannedFailover, grp(Paused), Options{}, "V-GRP-SWITCH", "paused")
	// the planner names it when a switch is wanted
	o = grp(Replicating)
	o.Facts.ActiveSiteHealthy = true
	o.Facts.ActiveServersStopped = false
	_, vs := Plan(ProtectionGroup, o, Goal{States: []State{Replicating}, ActiveSite: SiteTarget}, Options{})
	if findRule(vs, "V-GRP-SWITCH") == nil || findRule(vs, "R002-8") == nil {
		t.Fatal(vs)
	}
}

func TestRule_V_GRP_REPROT(t *testing.T) {
	t.Parallel()
	o := grp(FailedOver)
	o.Facts.StandbyServersStopped = false
	v := mustRefuse(t, ProtectionGroup, OpReprotect, o, Options{}, "V-GRP-REPROT")
	if v.Rule != "R000-4" {
		t.Fatal(v.Rule)
	}
}

func TestRule_V_GRP_MEMBERS(t *testing.T) {
	t.Parallel()
	mustRefuse(t, ProtectionGroup, OpAddMember, grp(Replicating), Options{}, "V-GRP-MEMBERS", "Disable protection first")
	o := grp(Paused)
	o.ID = "g1"
	o.Facts.CandidatePairID = "p9"
	o.Facts.CandidateGroupID = "g2"
	o.Facts.CandidateSameSites = true
	mustRefuse(t, ProtectionGroup, OpAddMember, o, Options{}, "V-GRP-MEMBERS", `"p9"`, `"g2"`)
	o.Facts.CandidateGroupID = ""
	o.Facts.CandidateSameSites = false
	mustRefuse(t, ProtectionGroup, OpAddMember, o, Options{}, "V-GRP-MEMBERS", "direction")
	o.Facts.CandidateSameSites = true
	mustAllow(t, ProtectionGroup, OpAddMember, o, Options{})
	e := grp(Paused)
	e.Facts.MemberCount = 0
	mustRefuse(t, ProtectionGroup, OpRemoveMember, e, Options{}, "V-GRP-MEMBERS")
	mustAllow(t, ProtectionGroup, OpRemoveMember, grp(Invalid), Options{})
	// planner: replicating group + add_member → disable, add, enable
	p, vs := Plan(ProtectionGroup, syncable(grp(Replicating)), Goal{States: []State{Replicating}, Required: []OpRequest{{OpAddMember, map[string]string{"pair_id": "p9"}}}}, Options{})
	if len(vs) > 0 || p.Summary() != "disable_protection → add_member → enable_protection" || p.Steps[1].Params["pair_id"] != "p9" {
		t.Fatal(p.Summary(), vs)
	}
}

func TestRule_V_GRP_DELETE(t *testing.T) {
	t.Parallel()
	o := grp(Paused)
	mustRefuse(t, ProtectionGroup, OpDelete, o, Options{}, "V-GRP-DELETE", "2 pair(s)")
	o.Facts.MemberCount = 0
	o.Facts.ServerCount = 3
	mustRefuse(t, ProtectionGroup, OpDelete, o, Options{}, "V-GRP-DELETE", "3 protected server(s)")
	o.Facts.ServerCount = 0
	o.Facts.DrillActive = true
	mustRefuse(t, ProtectionGroup, OpDelete, o, Options{}, "V-GRP-DELETE", "drill")
	o.Facts.DrillActive = false
	mustAllow(t, ProtectionGroup, OpDelete, o, Options{})
}

func TestRule_V_DRILL(t *testing.T) {
	t.Parallel()
	o := grp(Replicating)
	o.Facts.DrillActive = true
	mustRefuse(t, ProtectionGroup, OpFailover, o, Options{}, "V-DRILL", "drill is running", "stop_drill")
	o.State = FailedOver
	mustRefuse(t, ProtectionGroup, OpReprotect, o, Options{}, "V-DRILL")
	mustRefuse(t, ProtectionGroup, OpStartDrill, grp(Paused), Options{}, "V-DRILL", "paused")
	mustRefuse(t, ProtectionGroup, OpStopDrill, grp(Replicating), Options{}, "V-DRILL", "no drill")
	// The planner never ends a running drill on its own to reach a goal: the failover is
	// refused (V-DRILL) until the drill is stopped or the goal asks for stop_drill.
	f := grp(Replicating)
	f.Facts.DrillActive = true
	if _, vs := Plan(ProtectionGroup, f, Goal{States: []State{FailedOver}}, Options{AllowDataLoss: true}); !HasBlocking(vs) || vs[0].Rule != "V-DRILL" {
		t.Fatalf("failover during a drill planned: %v", vs)
	}
	p, vs := Plan(ProtectionGroup, f, Goal{States: []State{FailedOver}, Required: []OpRequest{{Op: OpStopDrill}}}, Options{AllowDataLoss: true})
	if len(vs) > 0 || p.Summary() != "stop_drill → failover" {
		t.Fatal(p.Summary(), vs)
	}

	// Pair drills (Alibaba StartPairDrill/ClearPairDrill): the same rule on a pair — a drill
	// needs the first sync, one at a time, and no failover, switchover, reprotect, revert or
	// delete while it runs; a pair in a group is drilled through its group.
	pd := pair(Replicating)
	mustAllow(t, ReplicationPair, OpStartDrill, pd, Options{})
	nf := pd
	nf.Facts.FirstSyncDone = false
	mustRefuse(t, ReplicationPair, OpStartDrill, nf, Options{}, "V-FIRST-SYNC")
	mustRefuse(t, ReplicationPair, OpStartDrill, pair(Paused), Options{}, "V-DRILL", "paused")
	pd.Facts.DrillActive = true
	mustRefuse(t, ReplicationPair, OpStartDrill, pd, Options{}, "V-DRILL", "drill is running")
	mustRefuse(t, ReplicationPair, OpFailover, pd, Options{AllowDataLoss: true}, "V-DRILL", "stop_drill")
	both := syncable(pd)
	mustRefuse(t, ReplicationPair, OpSwitchover, both, Options{}, "V-DRILL")
	fo := pd
	fo.State = FailedOver
	mustRefuse(t, ReplicationPair, OpReprotect, fo, Options{}, "V-DRILL")
	mustRefuse(t, ReplicationPair, OpRevertFailover, fo, Options{AllowDataLoss: true}, "V-DRILL")
	mustRefuse(t, ReplicationPair, OpDelete, fo, Options{AllowDataLoss: true}, "V-DRILL", "left behind")
	mustAllow(t, ReplicationPair, OpStopDrill, fo, Options{})
	mustRefuse(t, ReplicationPair, OpStopDrill, pair(Replicating), Options{}, "V-DRILL", "no drill")
	in := pd
	in.Facts.InGroup, in.Facts.GroupID = true, "pg-1"
	mustRefuse(t, ReplicationPair, OpStopDrill, in, Options{}, "V-PAIR-IN-GROUP")
	if row, _ := Table(ReplicationPair).Operation(OpStartDrill); row.Region != RegionStandby {
		t.Error("StartPairDrill is called in the standby (secondary) region")
	}
	// the planner stops a pair's drill only when the goal asks for it
	if _, vs := Plan(ReplicationPair, pd, Goal{States: []State{FailedOver}}, Options{AllowDataLoss: true}); !HasBlocking(vs) || vs[0].Rule != "V-DRILL" {
		t.Fatalf("pair failover during a drill planned: %v", vs)
	}
	p, vs = Plan(ReplicationPair, pd, Goal{States: []State{Deleted}, Required: []OpRequest{{Op: OpStopDrill}}}, Options{AllowDataLoss: true})
	if len(vs) > 0 || p.Summary() != "stop → stop_drill → delete" {
		t.Fatal(p.Summary(), vs)
	}
}

func TestRule_V_ACR_LINKS(t *testing.T) {
	t.Parallel()
	o := srv(Standby)
	o.Facts.AdvertisedOps = map[Op]bool{OpTestFailover: true}
	mustRefuse(t, RecoveryServer, OpFailover, o, Options{}, "V-ACR-LINKS", "does not offer failover")
	mustAllow(t, RecoveryServer, OpTestFailover, o, Options{})
	o.Facts.BlockingIssues = []string{"QuotaExceededCloudServers"}
	mustRefuse(t, RecoveryServer, OpTestFailover, o, Options{}, "V-ACR-LINKS", "QuotaExceededCloudServers")
	// an issue tied to one operation (Acronis: to its link) blocks that operation only
	o.Facts.BlockingIssues = nil
	o.Facts.AdvertisedOps[OpFailover] = true
	o.Facts.OpIssues = map[Op][]string{OpTestFailover: {"BaseDrTestFailoverLimitReached"}}
	mustRefuse(t, RecoveryServer, OpTestFailover, o, Options{}, "V-ACR-LINKS", "BaseDrTestFailoverLimitReached")
	mustAllow(t, RecoveryServer, OpFailover, o, Options{})
	// the plan does not route around it: test_failover is no way to a test failover's limit's
	// end, nor a failover's quota's
	o.Facts.OpIssues = map[Op][]string{OpFailover: {"QuotaExceededComputePoints"}}
	if p, vs := Plan(RecoveryServer, o, Goal{States: []State{FailedOver}}, Options{}); !HasBlocking(vs) || vs[0].Rule != "V-ACR-LINKS" {
		t.Fatalf("a failover blocked by its link's issue planned as %s (%v)", p.Summary(), vs)
	}
	o.Facts.OpIssues = nil
	// later steps of a plan are deferred to apply time
	o.Facts.BlockingIssues = nil
	o.Facts.AdvertisedOps = map[Op]bool{OpTestFailover: true, OpFailover: true}
	p, vs := Plan(RecoveryServer, o, Goal{States: []State{ReadyForFailback}}, Options{})
	if len(vs) > 0 || len(p.Steps) != 2 || len(p.Steps[1].Deferred) == 0 || p.Steps[1].Deferred[0].Rule != "V-ACR-LINKS" {
		t.Fatal(p.Steps, vs)
	}
}

func TestRule_V_NO_RETRY(t *testing.T) {
	t.Parallel()
	testPreconditionNotRetried(t)
}

func TestRule_V_PAIR_IN_GROUP(t *testing.T) {
	t.Parallel()
	o := pair(Replicating)
	o.Facts.InGroup = true
	o.Facts.GroupID = "grp-1"
	for _, op := range []Op{OpStart, OpStop, OpSwitchover, OpFailover, OpReprotect} {
		mustRefuse(t, ReplicationPair, op, o, Options{}, "V-PAIR-IN-GROUP", `"grp-1"`, "dr_protection_group")
	}
	// a grouped pair is deleted only after it leaves its group
	o.State = Paused
	mustRefuse(t, ReplicationPair, OpDelete, o, Options{}, "V-PAIR-IN-GROUP", "remove the pair from the group first")
	o.Facts.InGroup, o.Facts.GroupID = false, ""
	mustAllow(t, ReplicationPair, OpDelete, o, Options{})
}

func TestRule_V_PAIR_SWITCH(t *testing.T) {
	t.Parallel()
	o := pair(Replicating)
	mustRefuse(t, ReplicationPair, OpSwitchover, o, Options{}, "V-PAIR-SWITCH", "active site (source) down")
	o.Facts.ActiveSiteHealthy = true
	mustAllow(t, ReplicationPair, OpSwitchover, o, Options{})
	mustRefuse(t, ReplicationPair, OpSwitchover, pair(Paused), Options{}, "V-PAIR-SWITCH", "paused")
}

func TestRule_V_STATE(t *testing.T) {
	t.Parallel()
	mustRefuse(t, ProtectionGroup, OpDisableProtection, grp(Paused), Options{}, "V-STATE", "paused")
	vs := Check(ProtectionGroup, OpTestFailover, grp(Paused), Options{})
	if len(vs) != 1 || vs[0].Rule != "V-STATE" {
		t.Fatal(vs)
	}
	vs = Check("nope", OpStart, Observation{}, Options{})
	if len(vs) != 1 || vs[0].Rule != "V-STATE" {
		t.Fatal(vs)
	}
	_, vs = Plan(ProtectionGroup, grp("bogus"), Goal{States: []State{"nah"}, Required: []OpRequest{{Op: "zap"}}}, Options{})
	if len(vs) != 3 {
		t.Fatal(vs)
	}
}

// A precondition on a fact the platform never reports is not deferred to an apply that would
// know no more: it is marked unobservable (the platform decides) and never blocks.
func TestUnobservablePrecondition(t *testing.T) {
	t.Parallel()
	never := &Capabilities{Platform: "alibaba", Unobservable: []string{FactSiteHealth}}
	p := pair(Paused)
	p.Facts.Unknown = map[string]bool{FactSiteHealth: true}
	vs := Check(ReplicationPair, OpStart, p, Options{Platform: never})
	v := findRule(vs, "V-PAIR-START")
	if v == nil || !v.Deferred || !v.Unobservable || !strings.Contains(v.Message, "the platform decides") || HasBlocking(vs) {
		t.Fatal(vs)
	}
	if r := ApplyTimeRefusals(vs); len(r) > 0 {
		t.Fatal(r)
	}
	// without the declaration it is an ordinary deferred check
	if v := findRule(Check(ReplicationPair, OpStart, p, Options{}), "V-PAIR-START"); v == nil || v.Unobservable || !strings.Contains(v.Message, "checked at apply time") {
		t.Fatal(v)
	}
}
