package lifecycle

import (
	"strings"
	"testing"
)

// The rules added for issue 11: V-SYNC-SITES, V-REFS, V-PAIR-VOLUMES, V-MANUAL-STEP.

func TestRule_V_SYNC_SITES(t *testing.T) {
	t.Parallel()
	// The reported data-loss path: a group whose protection was never enabled, source down,
	// goal "target active". Before the rule the planner proposed enable_protection → failover
	// and assumed the first sync would complete.
	g := grp(Configured)
	g.Facts.FirstSyncDone = false
	g.Facts.ActiveSiteHealthy, g.Facts.StandbySiteHealthy = false, true
	p, vs := Plan(ProtectionGroup, g, Goal{ActiveSite: SiteTarget}, Options{AllowDataLoss: true})
	// The refusal names the operation the goal asks for (the move of production: a failover,
	// the source being down) and the one on the way that the rule refuses (issue 26).
	if v := findRule(vs, "V-SYNC-SITES"); v == nil || len(p.Steps) != 0 || v.Op != OpFailover || v.Step != OpEnableProtection ||
		!strings.Contains(v.Message, "active site (source) down") || !strings.Contains(v.Message, "holds no data") ||
		!strings.Contains(v.Message, "failover of group \"app\" needs enable_protection first") {
		t.Fatalf("want a V-SYNC-SITES refusal of failover at enable_protection, got plan %q %v", p.Summary(), vs)
	}
	// each sync row refuses with either site down
	mustRefuse(t, ProtectionGroup, OpEnableProtection, g, Options{}, "V-SYNC-SITES", "down")
	h := syncable(grp(Paused))
	h.Facts.StandbySiteHealthy = false
	mustRefuse(t, ProtectionGroup, OpEnableProtection, h, Options{}, "V-SYNC-SITES", "standby site (target) down")
	mustAllow(t, ProtectionGroup, OpEnableProtection, syncable(grp(Paused)), Options{})
	mustRefuse(t, ReplicationPair, OpStart, pair(Paused), Options{}, "V-SYNC-SITES", "active site (source) down")
	mustAllow(t, ReplicationPair, OpStart, syncable(pair(Paused)), Options{})
	mustRefuse(t, ProtectionGroup, OpReprotect, grp(FailedOver), Options{}, "V-SYNC-SITES")
	mustAllow(t, ProtectionGroup, OpReprotect, syncable(grp(FailedOver)), Options{})
}

// TestSyncRowsRefuseSiteDown is the audit of every row's simulated effect: a row whose Effect
// claims a synchronisation completed (FirstSyncDone false → true) must be marked Syncs, and
// every Syncs row must refuse while either site is down, so the planner never assumes data
// reached a site it could not reach. The other effects were reviewed for the same mistake:
//   - swapSites (switchover, planned failover): both rows need both sites healthy already
//     (V-PAIR-SWITCH, V-GRP-SWITCH);
//   - effFailover: the servers at the failed site count as stopped (down or stopped by the
//     platform), the DR servers are not started (R002-4): possible with either site down;
//   - effNoFirstSync, add_member (first sync no longer done), remove_member, add/remove_server,
//     drills: they only remove assumptions or count members, which the platform checks;
//   - effUnknownLinks: marks the advertised operations unknown (re-read at apply).
func TestSyncRowsRefuseSiteDown(t *testing.T) {
	t.Parallel()
	n := 0
	for _, k := range Kinds {
		for _, op := range Table(k).Operations() {
			if op.Effect != nil {
				f := Facts{}
				op.Effect(&f)
				if f.FirstSyncDone && !op.Syncs {
					t.Errorf("%s %s: its effect completes a synchronisation but the row is not marked Syncs", k, op.Name)
				}
			}
			if !op.Syncs {
				continue
			}
			n++
			for _, down := range []string{"active", "standby"} {
				for _, ref := range op.From {
					o := goodObs(k, ref.State)
					if ref.State == Error {
						o.FailedOp = ref.FailedOp
					}
					o.Facts.ActiveSiteHealthy, o.Facts.StandbySiteHealthy = down != "active", down != "standby"
					vs := Blocking(Check(k, op.Name, o, Options{AllowDataLoss: true}))
					if len(vs) == 0 {
						t.Errorf("%s %s from %s with the %s site down: allowed; a synchronisation cannot complete then", k, op.Name, ref, down)
					}
					// and the planner does not step over it
					p, _ := Plan(k, o, Goal{States: []State{op.Target(o.State)}}, Options{AllowDataLoss: true})
					for _, s := range p.Steps {
						if s.Op == op.Name {
							t.Errorf("%s: planner proposes %s with the %s site down: %s", k, op.Name, down, p.Summary())
						}
					}
				}
			}
		}
	}
	if n < 3 {
		t.Fatalf("only %d sync rows; expected pair start, group enable_protection and reprotect", n)
	}
}

func TestRule_V_REFS(t *testing.T) {
	t.Parallel()
	o := syncable(Observation{Name: "p", Facts: goodFacts(ReplicationPair)})
	o.Facts.MissingRefs = map[string]string{"secondary_volume_id": "vol-x"}
	v := mustRefuse(t, ReplicationPair, OpCreate, o, Options{}, "V-REFS", `secondary_volume_id "vol-x" does not exist`)
	if len(v.Params) != 1 || v.Params[0] != "secondary_volume_id" {
		t.Fatalf("params %v", v.Params)
	}
	_, vs := Plan(ReplicationPair, o, Goal{States: []State{Replicating}}, Options{})
	if findRule(vs, "V-REFS") == nil {
		t.Fatal(vs)
	}
	// an identifier known at plan is checked on its own, even when another reference of the
	// create is not known yet (issue 26: the plan passed, the apply created the other volume
	// and then failed)
	o.Facts.Unknown = map[string]bool{FactRefs: true}
	vs = Check(ReplicationPair, OpCreate, o, Options{})
	if v := findRule(Blocking(vs), "V-REFS"); v == nil || len(v.Params) != 1 || v.Params[0] != "secondary_volume_id" {
		t.Fatal(vs)
	}
	// unknown references (created in the same apply) and none known missing: checked at apply
	o.Facts.MissingRefs = nil
	vs = Check(ReplicationPair, OpCreate, o, Options{})
	if HasBlocking(vs) || findRule(DeferredOnly(vs), "V-REFS") == nil {
		t.Fatal(vs)
	}
	rs := Observation{Name: "s", Facts: Facts{MissingRefs: map[string]string{"machine_id": "srv-9's recovery server"}}}
	mustRefuse(t, RecoveryServer, OpCreate, rs, Options{}, "V-REFS", "machine_id", "console")
	g := Observation{Name: "g", Facts: Facts{MissingRefs: map[string]string{"target_zone": "cn-x-z"}}}
	mustRefuse(t, ProtectionGroup, OpCreate, g, Options{}, "V-REFS", "target_zone")
}

func TestRule_V_GRP_SITES(t *testing.T) {
	t.Parallel()
	if err := ValidateGroupSites("cn-beijing", "a", "cn-beijing", "a"); err == nil || !strings.Contains(err.Error(), "V-GRP-SITES") {
		t.Fatal(err)
	}
	if ValidateGroupSites("cn-beijing", "a", "cn-beijing", "b") != nil || ValidateGroupSites("", "", "", "") != nil {
		t.Fatal("different or unset sites are fine")
	}
	g := Observation{Name: "g", Facts: Facts{SameSite: true}}
	v := mustRefuse(t, ProtectionGroup, OpCreate, g, Options{}, "V-GRP-SITES", "same site")
	if len(v.Params) != 1 || v.Params[0] != "target_zone" {
		t.Fatal(v.Params)
	}
	mustAllow(t, ProtectionGroup, OpCreate, Observation{Name: "g"}, Options{})
}

func TestPairVolumeFacts(t *testing.T) {
	t.Parallel()
	base := syncable(Observation{Name: "p", Facts: goodFacts(ReplicationPair)})
	base.Facts.PrimarySizeGB, base.Facts.SecondarySizeGB = 10, 10
	mustAllow(t, ReplicationPair, OpCreate, base, Options{})
	o := base
	o.Facts.PrimaryEncrypted = true
	mustRefuse(t, ReplicationPair, OpCreate, o, Options{}, "V-PAIR-VOLUMES", "encrypted")
	o = base
	o.Facts.SecondarySizeGB = 20
	mustRefuse(t, ReplicationPair, OpCreate, o, Options{}, "V-PAIR-VOLUMES", "10 GiB", "20 GiB")
	o = base
	o.Facts.VolumesInPair = map[string]string{"vol-2": "pair-1"}
	mustRefuse(t, ReplicationPair, OpCreate, o, Options{}, "V-PAIR-VOLUMES", `"vol-2" already belongs to pair "pair-1"`)
}

func TestServerMemberFacts(t *testing.T) {
	t.Parallel()
	o := grp(Replicating)
	o.Facts.CandidateServerID, o.Facts.CandidateServerSite = "srv-1", SiteSource
	mustAllow(t, ProtectionGroup, OpAddServer, o, Options{})
	at := o
	at.Facts.CandidateServerSite = SiteTarget
	mustRefuse(t, ProtectionGroup, OpAddServer, at, Options{}, "V-GRP-MEMBERS", "production", "SDRS.1304")
	tw := o
	tw.Facts.CandidateServerTwin = true
	mustRefuse(t, ProtectionGroup, OpAddServer, tw, Options{}, "V-GRP-MEMBERS", "twin")
	other := o
	other.Facts.CandidateServerGroupID = "pg-2"
	mustRefuse(t, ProtectionGroup, OpAddServer, other, Options{}, "V-GRP-MEMBERS", `"pg-2"`)
	// without a named candidate the group alone is checked
	mustAllow(t, ProtectionGroup, OpAddServer, grp(Replicating), Options{})
}

func TestRule_V_PAIR_VOLUMES(t *testing.T) {
	t.Parallel()
	err := ValidatePairVolumes("vol-1", "vol-1")
	fe, ok := err.(*FormatError)
	if !ok || fe.Rule != "V-PAIR-VOLUMES" || fe.Field != "secondary_volume_id" || !strings.Contains(fe.Message, `"vol-1"`) {
		t.Fatal(err)
	}
	if ValidatePairVolumes("vol-1", "vol-2") != nil || ValidatePairVolumes("", "") != nil {
		t.Fatal("distinct or unknown volumes are fine")
	}
}

func TestRule_V_MANUAL_STEP(t *testing.T) {
	t.Parallel()
	// failover → standby would be failback → confirm_failback, but the local machine must be
	// recovered from the recovery server's backup between the two.
	p, vs := Plan(RecoveryServer, srv(FailedOver), Goal{States: []State{Standby}}, Options{})
	v := findRule(vs, "V-MANUAL-STEP")
	if v == nil || len(p.Steps) != 0 || v.Op != OpConfirmFailback || !strings.Contains(v.Message, `mode = "ready_for_failback"`) ||
		!strings.Contains(v.Message, "recover the local machine") {
		t.Fatalf("got %q %v", p.Summary(), vs)
	}
	// the user asks for the stop: one step
	p, vs = Plan(RecoveryServer, srv(FailedOver), Goal{States: []State{ReadyForFailback}}, Options{})
	if len(vs) > 0 || p.Summary() != "failback" {
		t.Fatal(p.Summary(), vs)
	}
	// the second apply continues from there
	p, vs = Plan(RecoveryServer, srv(ReadyForFailback), Goal{States: []State{Standby}}, Options{})
	if len(vs) > 0 || p.Summary() != "confirm_failback" {
		t.Fatal(p.Summary(), vs)
	}
	// still failing back: wait for it, but nothing after it
	p, vs = Plan(RecoveryServer, srv(FailingBack), Goal{States: []State{ReadyForFailback}}, Options{})
	if len(vs) > 0 || p.Summary() != "wait(failback)" {
		t.Fatal(p.Summary(), vs)
	}
	if _, vs = Plan(RecoveryServer, srv(FailingBack), Goal{States: []State{Standby}}, Options{}); findRule(vs, "V-MANUAL-STEP") == nil {
		t.Fatal(vs)
	}
	// Every checkpoint row is followed, in its table, by an operation that depends on it.
	for _, k := range Kinds {
		for _, op := range Table(k).Operations() {
			if op.Checkpoint == "" {
				continue
			}
			next := 0
			for _, o2 := range Table(k).Operations() {
				if o2.Invocable && o2.IsFrom(op.OnSuccess, "") {
					next++
				}
			}
			if next == 0 {
				t.Errorf("%s %s: checkpoint with nothing after it", k, op.Name)
			}
		}
	}
}

// V-PARAMS: a platform-specific create parameter on a platform without it is refused (nil
// Capabilities and the sandbox have none); one the platform needs and cannot derive is
// refused with the platform's reason; each names its parameter.
func TestRule_V_PARAMS(t *testing.T) {
	t.Parallel()
	hw := &Capabilities{Platform: "huaweicloud", Params: map[Kind][]string{ProtectionGroup: {"domain_id", "source_vpc_id"}}}
	given := Observation{Name: "g", Facts: Facts{GivenParams: []string{"domain_id"}}}
	for _, caps := range []*Capabilities{nil, {Platform: "sandbox"}} {
		v := mustRefuse(t, ProtectionGroup, OpCreate, given, Options{Platform: caps}, "V-PARAMS", "domain_id is not a parameter")
		if len(v.Params) != 1 || v.Params[0] != "domain_id" {
			t.Fatalf("params %v", v.Params)
		}
	}
	if vs := Blocking(Check(ProtectionGroup, OpCreate, given, Options{Platform: hw})); len(vs) != 0 {
		t.Fatalf("a parameter the platform takes: %v", vs)
	}
	missing := Observation{Name: "g", Facts: Facts{MissingParams: map[string]string{"source_vpc_id": "SDRS needs the VPC"}}}
	v := mustRefuse(t, ProtectionGroup, OpCreate, missing, Options{Platform: hw}, "V-PARAMS", "source_vpc_id is required on the huaweicloud platform: SDRS needs the VPC")
	if len(v.Params) != 1 || v.Params[0] != "source_vpc_id" {
		t.Fatalf("params %v", v.Params)
	}
	// unknown at plan: checked at apply
	missing.Facts.Unknown = map[string]bool{FactParams: true}
	if vs := Check(ProtectionGroup, OpCreate, missing, Options{Platform: hw}); HasBlocking(vs) || findRule(DeferredOnly(vs), "V-PARAMS") == nil {
		t.Fatal(vs)
	}
}

// V-PARAMS on update: a parameter the platform cannot change (Capabilities.Fixed) is refused
// at that parameter with the platform's reason; one it can change, or any on a platform
// without Fixed (nil, the sandbox), is not.
func TestRule_V_PARAMS_update(t *testing.T) {
	t.Parallel()
	hw := &Capabilities{Platform: "huaweicloud", Fixed: map[Kind]map[string]string{ReplicationPair: {ParamDescription: "SDRS has no call that changes it."}}}
	o := pair(Replicating)
	vs := CheckUpdateParams(ReplicationPair, o, []string{ParamName, ParamDescription}, Options{Platform: hw})
	if len(vs) != 1 || vs[0].Rule != "V-PARAMS" || len(vs[0].Params) != 1 || vs[0].Params[0] != ParamDescription ||
		!strings.Contains(vs[0].Message, "huaweicloud platform cannot change the description of pair \"app\": SDRS has no call") {
		t.Fatalf("%+v", vs)
	}
	if vs := CheckUpdateParams(ReplicationPair, o, []string{ParamName}, Options{Platform: hw}); len(vs) != 0 {
		t.Fatalf("a rename: %+v", vs)
	}
	if vs := CheckUpdateParams(ProtectionGroup, grp(Replicating), []string{ParamDescription}, Options{Platform: hw}); len(vs) != 0 {
		t.Fatalf("another kind: %+v", vs)
	}
	for _, caps := range []*Capabilities{nil, {Platform: "sandbox"}} {
		if vs := CheckUpdateParams(ReplicationPair, o, []string{ParamDescription}, Options{Platform: caps}); len(vs) != 0 {
			t.Fatalf("%v: %+v", caps, vs)
		}
	}
}

// V-REPLACE: replacing a pair or group whose production runs at the target site needs the
// opt-in (the new object's first sync would overwrite production); at the source site, or for
// kinds that do not replicate from a source, nothing is added to the delete's own checks.
func TestRule_V_REPLACE(t *testing.T) {
	t.Parallel()
	for _, k := range []Kind{ReplicationPair, ProtectionGroup} {
		atTarget := Observation{Kind: k, Name: "x", State: Replicating, ActiveSite: SiteTarget}
		vs := CheckReplace(k, atTarget, Options{})
		if len(vs) != 1 || vs[0].Rule != "V-REPLACE" || !vs[0].DataLoss || !strings.Contains(vs[0].Message, "overwrite the data serving production") {
			t.Fatalf("%s at target: %+v", k, vs)
		}
		if vs := CheckReplace(k, atTarget, Options{AllowDataLoss: true}); len(vs) != 0 {
			t.Fatalf("%s with the opt-in: %+v", k, vs)
		}
		atSource := atTarget
		atSource.ActiveSite = SiteSource
		if vs := CheckReplace(k, atSource, Options{}); len(vs) != 0 {
			t.Fatalf("%s at source: %+v", k, vs)
		}
	}
	if vs := CheckReplace(RecoveryServer, Observation{Kind: RecoveryServer, ActiveSite: SiteTarget}, Options{}); len(vs) != 0 {
		t.Fatalf("recovery server: %+v", vs)
	}
}

// V-PLATFORM for operations outside the tables that one platform offers (Capabilities.Extra).
func TestCheckExtraOp(t *testing.T) {
	t.Parallel()
	const op Op = "clear_failure_jobs"
	hw := &Capabilities{Platform: "huaweicloud", Extra: map[Kind]map[Op]string{ProtectionGroup: {op: "deletes failure jobs"}}}
	if v := CheckExtraOp(ProtectionGroup, op, Observation{ID: "g-1"}, "why", Options{Platform: hw}); v != nil {
		t.Fatalf("offered: %+v", v)
	}
	for _, caps := range []*Capabilities{nil, {Platform: "sandbox"}} {
		v := CheckExtraOp(ProtectionGroup, op, Observation{ID: "g-1"}, "retried by the next apply", Options{Platform: caps})
		if v == nil || v.Rule != "V-PLATFORM" || v.Object != "g-1" || !strings.Contains(v.Message, "retried by the next apply") {
			t.Fatalf("%v: %+v", caps, v)
		}
	}
	if v := CheckExtraOp(ReplicationPair, op, Observation{}, "why", Options{Platform: hw}); v == nil {
		t.Fatal("offered on another kind")
	}
}
