package platformtest

import (
	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// known reports whether the observation knows fact (it is not in Facts.Unknown).
func known(f lifecycle.Facts, fact string) bool { return !f.Unknown[fact] }

// wantFact asserts a boolean fact, unless the facts say it is unknown.
func (r *runner) wantFact(what string, f lifecycle.Facts, fact string, got, want bool) {
	r.t.Helper()
	if known(f, fact) && got != want {
		r.t.Fatalf("fact %s (%s) is %v, want %v", what, fact, got, want)
	}
}

// pairFacts checks a pair's facts against the fixture's world; flipped after a failover.
func (r *runner) pairFacts(f lifecycle.Facts, w world, flipped, firstSync bool) {
	r.t.Helper()
	active, standby := w.src, w.dst
	if flipped {
		active, standby = standby, active
	}
	if f.ActiveRegion != active.Region || f.StandbyRegion != standby.Region {
		r.t.Fatalf("regions: active %q standby %q, want %q and %q (R001-3 needs them)", f.ActiveRegion, f.StandbyRegion, active.Region, standby.Region)
	}
	r.wantFact("replication capable", f, lifecycle.FactCapability, f.ReplicationCapable, true)
	r.wantFact("active site healthy", f, lifecycle.FactSiteHealth, f.ActiveSiteHealthy, true)
	r.wantFact("standby site healthy", f, lifecycle.FactSiteHealth, f.StandbySiteHealthy, true)
	// the production volume is attached to the production server; the DR volume is not
	r.wantFact("active volume attached", f, lifecycle.FactVolumeAttachment, f.ActiveVolumeAttached, !flipped)
	r.wantFact("standby volume attached", f, lifecycle.FactVolumeAttachment, f.StandbyVolumeAttached, flipped)
	r.wantFact("first sync done", f, lifecycle.FactFirstSync, f.FirstSyncDone, firstSync)
	if f.MemberCount != 1 && known(f, lifecycle.FactMembers) {
		r.t.Fatalf("a pair's MemberCount is %d, want 1", f.MemberCount)
	}
}

// attachedPairSpec is a pair spec whose primary volume is attached to the production server.
func (r *runner) attachedPairSpec(w world, name string) platform.PairSpec {
	r.t.Helper()
	spec := r.pairSpec(w, name)
	must(r.fx.AttachVolume(r.ctx, spec.PrimaryVolumeID, w.server.ID))(r)
	return spec
}

func checkObservedFacts(r *runner) {
	w := r.world()
	p := must(r.pairs().CreatePair(r.ctx, r.attachedPairSpec(w, "pt-facts"), token()))(r)
	o := r.wantSettled(pairK, p.ID, lifecycle.Configured, "")
	r.pairFacts(o.Facts, w, false, false)
	if got := must(r.pairs().GetPair(r.ctx, p.ID))(r); !got.LastRecoveryPoint.IsZero() {
		r.t.Fatalf("a never-started pair has a recovery point %v", got.LastRecoveryPoint)
	}
	o = r.run(pairK, p.ID, lifecycle.OpStart, nil)
	r.pairFacts(o.Facts, w, false, true)
	got := must(r.pairs().GetPair(r.ctx, p.ID))(r)
	if got.LastRecoveryPoint.IsZero() || got.PrimaryRegion != w.src.Region || got.SecondaryRegion != w.dst.Region {
		r.t.Fatalf("a replicating pair: recovery point %v, regions %q → %q", got.LastRecoveryPoint, got.PrimaryRegion, got.SecondaryRegion)
	}
	o = r.run(pairK, p.ID, lifecycle.OpFailover, nil)
	r.pairFacts(o.Facts, w, true, true)
	if o.ActiveSite != lifecycle.SiteTarget {
		r.t.Fatalf("after failover the active site is %q", o.ActiveSite)
	}
	// role-neutral identity: the sides keep their names, the active site moved
	if got := must(r.pairs().GetPair(r.ctx, p.ID))(r); got.PrimaryVolumeID != p.PrimaryVolumeID || got.ActiveSite != lifecycle.SiteTarget {
		r.t.Fatalf("after failover: primary volume %q (was %q), active site %q", got.PrimaryVolumeID, p.PrimaryVolumeID, got.ActiveSite)
	}
}

func checkProposedFacts(r *runner) {
	w := r.world()
	spec := r.attachedPairSpec(w, "pt-proposed")
	pf := must(r.pairs().ProposedPairFacts(r.ctx, spec))(r)
	p := must(r.pairs().CreatePair(r.ctx, spec, token()))(r)
	o := r.wantSettled(pairK, p.ID, lifecycle.Configured, "")
	r.pairFacts(pf, w, false, false)
	of := o.Facts
	for _, c := range []struct {
		name, fact string
		plan, obs  bool
	}{
		{"replication capable", lifecycle.FactCapability, pf.ReplicationCapable, of.ReplicationCapable},
		{"active site healthy", lifecycle.FactSiteHealth, pf.ActiveSiteHealthy, of.ActiveSiteHealthy},
		{"standby site healthy", lifecycle.FactSiteHealth, pf.StandbySiteHealthy, of.StandbySiteHealthy},
		{"active volume attached", lifecycle.FactVolumeAttachment, pf.ActiveVolumeAttached, of.ActiveVolumeAttached},
		{"standby volume attached", lifecycle.FactVolumeAttachment, pf.StandbyVolumeAttached, of.StandbyVolumeAttached},
	} {
		if known(pf, c.fact) && known(of, c.fact) && c.plan != c.obs {
			r.t.Fatalf("fact %s: %v at plan time (Proposed), %v once created", c.name, c.plan, c.obs)
		}
	}
	if pf.ActiveRegion != of.ActiveRegion || pf.StandbyRegion != of.StandbyRegion {
		r.t.Fatalf("regions at plan time %q/%q, once created %q/%q", pf.ActiveRegion, pf.StandbyRegion, of.ActiveRegion, of.StandbyRegion)
	}

	if r.supports(groupK) {
		g := must(r.groups().CreateGroup(r.ctx, r.groupSpec("pt-candidates", w), token()))(r)
		r.wantSettled(groupK, g.ID, lifecycle.Configured, "")
		mf := must(r.groups().MemberFacts(r.ctx, g.ID, map[string]string{lifecycle.ParamPairID: p.ID}))(r)
		if known(mf, lifecycle.FactCandidate) && (mf.CandidatePairID != p.ID || mf.CandidateGroupID != "" || !mf.CandidateSameSites || mf.CandidateState != lifecycle.Configured) {
			r.t.Fatalf("member facts of a free, idle pair between the group's sites: %+v", mf)
		}
	}

	if r.supports(replicaK) {
		b, v := r.backupWorld(w)
		spec := r.replicaSpec(w, b, v)
		rf := must(r.replicas().ProposedReplicaFacts(r.ctx, spec))(r)
		if known(rf, lifecycle.FactBackup) && (!rf.BackupExists || rf.BackupType != platform.BackupKindServer || !rf.BackupHasSystemDisk ||
			rf.BackupStatus != platform.BackupAvailable || rf.BackupIsReplica) {
			r.t.Fatalf("proposed replica facts of an available server backup: %+v", rf)
		}
		if known(rf, lifecycle.FactVault) && (rf.VaultPurpose != platform.VaultReplication || rf.VaultRegion != w.dst.Region) {
			r.t.Fatalf("proposed replica facts of the destination vault: purpose %q region %q", rf.VaultPurpose, rf.VaultRegion)
		}
		if known(rf, lifecycle.FactReplicas) && rf.ReplicaInDestination {
			r.t.Fatal("a replica in the destination is reported before any was made")
		}
		missing := spec
		missing.BackupID = "pt-missing-backup"
		mf, err := r.replicas().ProposedReplicaFacts(r.ctx, missing)
		if err != nil {
			r.t.Fatalf("proposed facts for a backup that does not exist (yet) must not fail: %v", err)
		}
		if known(mf, lifecycle.FactBackup) && mf.BackupExists {
			r.t.Fatal("a missing backup is reported to exist")
		}
		rep := must(r.replicas().CreateReplica(r.ctx, spec, token()))(r)
		r.wantSettled(replicaK, rep.ID, lifecycle.Available, "")
		rf = must(r.replicas().ProposedReplicaFacts(r.ctx, spec))(r)
		if known(rf, lifecycle.FactReplicas) && !rf.ReplicaInDestination {
			r.t.Fatal("a second replica to the same region is not seen (R003-7 needs ReplicaInDestination)")
		}
	}
}

// checkUnknownFacts: a platform names in Facts.Unknown only the facts the harness declares it
// cannot observe, and only known fact names.
func checkUnknownFacts(r *runner) {
	declared := map[string]bool{}
	for _, f := range r.h.Unobservable {
		declared[f] = true
	}
	valid := map[string]bool{}
	for _, f := range []string{lifecycle.FactMembers, lifecycle.FactServers, lifecycle.FactFirstSync, lifecycle.FactDrill,
		lifecycle.FactSiteHealth, lifecycle.FactServerPower, lifecycle.FactVolumeAttachment, lifecycle.FactCapability,
		lifecycle.FactBackup, lifecycle.FactReplicas, lifecycle.FactVault, lifecycle.FactAdvertised, lifecycle.FactCandidate, lifecycle.FactSyncOnce} {
		valid[f] = true
	}
	for f := range declared {
		if !valid[f] {
			r.t.Fatalf("Harness.Unobservable names %q, which is no lifecycle fact", f)
		}
	}
	w := r.world()
	var objs []struct {
		kind lifecycle.Kind
		id   string
	}
	add := func(k lifecycle.Kind, id string) {
		objs = append(objs, struct {
			kind lifecycle.Kind
			id   string
		}{k, id})
	}
	if _, madeInGroups := r.pairCreateManual(); madeInGroups {
		p, g := r.groupPair(w, "pt-unknown")
		add(pairK, p.ID)
		add(groupK, g.ID)
		r.onlyDeclared("ProposedPairFacts", must(r.pairs().ProposedPairFacts(r.ctx, r.pairSpec(w, "pt-unknown-2")))(r), declared)
		r.onlyDeclared("MemberFacts", must(r.groups().MemberFacts(r.ctx, g.ID, map[string]string{lifecycle.ParamPairID: p.ID}))(r), declared)
	} else if r.supports(pairK) {
		p := r.newPair(w, "pt-unknown")
		add(pairK, p.ID)
		pf := must(r.pairs().ProposedPairFacts(r.ctx, r.pairSpec(w, "pt-unknown-2")))(r)
		r.onlyDeclared("ProposedPairFacts", pf, declared)
		if r.supports(groupK) {
			g := must(r.groups().CreateGroup(r.ctx, r.groupSpec("pt-unknown", w), token()))(r)
			r.wantSettled(groupK, g.ID, lifecycle.Configured, "")
			add(groupK, g.ID)
			r.onlyDeclared("MemberFacts", must(r.groups().MemberFacts(r.ctx, g.ID, map[string]string{lifecycle.ParamPairID: p.ID}))(r), declared)
		}
	}
	if r.supports(rsK) {
		rs := must(r.servers().CreateRecoveryServer(r.ctx, platform.RecoveryServerSpec{Name: "pt-unknown", MachineID: w.server.ID, RecoveryPointID: "pt-rp",
			SiteID: w.dst.ID, CPU: 1, MemoryGB: 1}, token()))(r)
		r.wantSettled(rsK, rs.ID, lifecycle.Standby, "")
		add(rsK, rs.ID)
	}
	for _, o := range objs {
		r.onlyDeclared("Observe("+string(o.kind)+")", must(r.p.Observe(r.ctx, o.kind, o.id))(r), declared)
	}
}

func (r *runner) onlyDeclared(what string, x any, declared map[string]bool) {
	r.t.Helper()
	var f lifecycle.Facts
	switch v := x.(type) {
	case lifecycle.Facts:
		f = v
	case lifecycle.Observation:
		f = v.Facts
	}
	for name, unknown := range f.Unknown {
		if unknown && !declared[name] {
			r.t.Fatalf("%s reports fact %q as unknown; a platform may only do so for facts it declares unobservable (Harness.Unobservable)", what, name)
		}
	}
}
