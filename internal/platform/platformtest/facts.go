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

// checkObservedFacts: the facts an object of the kind reports match the fixture's world.
func checkObservedFacts(r *runner, k lifecycle.Kind) {
	switch k {
	case pairK:
		r.creatable(pairK)
		checkObservedPairFacts(r)
	case groupK:
		s := r.make(groupK, "pt-facts")
		f := s.obs.Facts
		if f.ActiveRegion != s.w.src.Region {
			r.t.Fatalf("a new group's active region %q, want the production site's %q (R001-3 needs it)", f.ActiveRegion, s.w.src.Region)
		}
		r.wantFact("active site healthy", f, lifecycle.FactSiteHealth, f.ActiveSiteHealthy, true)
		r.wantFact("standby site healthy", f, lifecycle.FactSiteHealth, f.StandbySiteHealthy, true)
		r.wantFact("first sync done", f, lifecycle.FactFirstSync, f.FirstSyncDone, false)
		r.wantFact("drill active", f, lifecycle.FactDrill, f.DrillActive, false)
		if known(f, lifecycle.FactMembers) && f.MemberCount != 1 {
			r.t.Fatalf("a group with one pair has MemberCount %d", f.MemberCount)
		}
		if want := map[bool]int{true: 0, false: 1}[r.noServers()]; known(f, lifecycle.FactServers) && f.ServerCount != want {
			r.t.Fatalf("a group protecting %d servers has ServerCount %d", want, f.ServerCount)
		}
	case replicaK:
		s := r.make(replicaK, "pt-facts")
		if s.obs.Facts.DestinationRegion != s.w.dst.Region {
			r.t.Fatalf("a replica's destination region %q, want %q", s.obs.Facts.DestinationRegion, s.w.dst.Region)
		}
	case rsK:
		s := r.make(rsK, "pt-facts")
		f := s.obs.Facts
		if known(f, lifecycle.FactBackup) && !f.HasRecoveryPoint {
			r.t.Fatal("a recovery server of a machine with a backup reports no recovery point (R004-2)")
		}
		if op := r.nextOp(rsK, s.obs); known(f, lifecycle.FactAdvertised) && op != nil && !f.AdvertisedOps[op.Name] {
			r.t.Fatalf("a standby recovery server does not advertise %s: %v (V-ACR-LINKS)", op.Name, f.AdvertisedOps)
		}
	}
}

func checkObservedPairFacts(r *runner) {
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

// checkProposedFacts: the plan-time facts of an object the configuration would create
// (Proposed*Facts, MemberFacts) match what is observed once it exists.
func checkProposedFacts(r *runner, k lifecycle.Kind) {
	switch k {
	case pairK:
		r.creatable(pairK)
		checkProposedPairFacts(r)
	case groupK:
		checkProposedGroupFacts(r)
	case replicaK:
		checkProposedReplicaFacts(r)
	case rsK:
		w := r.world()
		spec := r.rsSpec(w, "pt-proposed")
		pf := must(r.servers().ProposedRecoveryServerFacts(r.ctx, spec))(r)
		if len(pf.MissingRefs) > 0 {
			r.t.Fatalf("proposed facts of a recovery server for an existing machine name missing references: %v", pf.MissingRefs)
		}
		id := r.createSpec(rsK, w, "pt-proposed", "")(r)
		of := r.wantSettled(rsK, id, lifecycle.Standby, "").Facts
		if known(pf, lifecycle.FactBackup) && known(of, lifecycle.FactBackup) && pf.HasRecoveryPoint != of.HasRecoveryPoint {
			r.t.Fatalf("recovery point at plan time %v, once created %v", pf.HasRecoveryPoint, of.HasRecoveryPoint)
		}
		missing := must(r.servers().ProposedRecoveryServerFacts(r.ctx, platform.RecoveryServerSpec{Name: "pt-missing", MachineID: "pt-missing-machine", CPU: 1, MemoryGB: 1}))(r)
		if len(missing.MissingRefs) == 0 && !(known(missing, lifecycle.FactBackup) && !missing.HasRecoveryPoint) {
			r.t.Fatalf("proposed facts of a recovery server for a machine that does not exist: %+v (want it named in MissingRefs, or no recovery point)", missing)
		}
	}
}

func checkProposedPairFacts(r *runner) {
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
	// the pair proposed again: its volumes now belong to a pair (V-PAIR-VOLUMES)
	if again := must(r.pairs().ProposedPairFacts(r.ctx, spec))(r); again.VolumesInPair[spec.PrimaryVolumeID] != p.ID {
		r.t.Fatalf("proposed facts of a pair whose volumes are in pair %s: %v", p.ID, again.VolumesInPair)
	}
}

// checkProposedGroupFacts: a group's plan-time facts (its sites) match the created group's; the
// candidate facts of a member it would add (MemberFacts) describe that member.
func checkProposedGroupFacts(r *runner) {
	w := r.world()
	spec := r.groupSpec("pt-proposed", w)
	pf := must(r.groups().ProposedGroupFacts(r.ctx, spec))(r)
	if pf.SameSite || len(pf.MissingRefs) > 0 || len(pf.MissingParams) > 0 {
		r.t.Fatalf("proposed facts of a group between two existing sites: same site %v, missing refs %v, missing params %v", pf.SameSite, pf.MissingRefs, pf.MissingParams)
	}
	g := must(r.groups().CreateGroup(r.ctx, spec, token()))(r)
	of := r.wantSettled(groupK, g.ID, lifecycle.Configured, "").Facts
	for _, c := range []struct {
		name      string
		plan, obs bool
	}{{"active site healthy", pf.ActiveSiteHealthy, of.ActiveSiteHealthy}, {"standby site healthy", pf.StandbySiteHealthy, of.StandbySiteHealthy}} {
		if known(pf, lifecycle.FactSiteHealth) && known(of, lifecycle.FactSiteHealth) && c.plan != c.obs {
			r.t.Fatalf("fact %s: %v at plan time (Proposed), %v once created", c.name, c.plan, c.obs)
		}
	}
	same := spec
	same.Name, same.TargetRegion, same.TargetZone = "pt-same", spec.SourceRegion, spec.SourceZone
	if sf := must(r.groups().ProposedGroupFacts(r.ctx, same))(r); !sf.SameSite {
		r.t.Fatal("proposed facts of a group from a site to itself: SameSite false (V-GRP-SITES needs it)")
	}
	if _, madeInGroups := r.pairCreateManual(); r.supports(pairK) && !madeInGroups {
		p := r.newPair(w, "pt-candidate")
		mf := must(r.groups().MemberFacts(r.ctx, g.ID, map[string]string{lifecycle.ParamPairID: p.ID}))(r)
		if known(mf, lifecycle.FactCandidate) && (mf.CandidatePairID != p.ID || mf.CandidateGroupID != "" || !mf.CandidateSameSites || mf.CandidateState != lifecycle.Configured) {
			r.t.Fatalf("member facts of a free, idle pair between the group's sites: %+v", mf)
		}
	}
	if !r.noServers() {
		mf := must(r.groups().MemberFacts(r.ctx, g.ID, map[string]string{lifecycle.ParamServerID: w.server.ID}))(r)
		if mf.CandidateServerID != w.server.ID || mf.CandidateServerGroupID != "" || mf.CandidateServerTwin || len(mf.MissingRefs) > 0 {
			r.t.Fatalf("member facts of a free production server: %+v", mf)
		}
		if known(mf, lifecycle.FactCandidate) && mf.CandidateServerSite != lifecycle.SiteSource {
			r.t.Fatalf("member facts of a server at the production site: site %q", mf.CandidateServerSite)
		}
	}
}

func checkProposedReplicaFacts(r *runner) {
	w := r.world()
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

// checkUnknownFacts: a platform names in Facts.Unknown only the facts the harness declares it
// cannot observe, and only known fact names: in the observation of an object of the kind and in
// the kind's plan-time facts.
func checkUnknownFacts(r *runner, k lifecycle.Kind) {
	declared := map[string]bool{}
	for _, f := range r.h.Unobservable {
		declared[f] = true
	}
	valid := map[string]bool{}
	for _, f := range []string{lifecycle.FactMembers, lifecycle.FactServers, lifecycle.FactFirstSync, lifecycle.FactDrill,
		lifecycle.FactSiteHealth, lifecycle.FactServerPower, lifecycle.FactVolumeAttachment, lifecycle.FactCapability,
		lifecycle.FactBackup, lifecycle.FactReplicas, lifecycle.FactVault, lifecycle.FactAdvertised, lifecycle.FactCandidate, lifecycle.FactSyncOnce, lifecycle.FactLag} {
		valid[f] = true
	}
	for f := range declared {
		if !valid[f] {
			r.t.Fatalf("Harness.Unobservable names %q, which is no lifecycle fact", f)
		}
	}
	s := r.make(k, "pt-unknown")
	r.onlyDeclared("Observe("+string(k)+")", must(r.p.Observe(r.ctx, k, s.id))(r), declared)
	r.onlyDeclared("Get("+string(k)+")", r.typedObs(k, s.id), declared)
	w := s.w
	switch k {
	case pairK:
		r.onlyDeclared("ProposedPairFacts", must(r.pairs().ProposedPairFacts(r.ctx, r.pairSpec(w, "pt-unknown-2")))(r), declared)
	case groupK:
		r.onlyDeclared("ProposedGroupFacts", must(r.groups().ProposedGroupFacts(r.ctx, r.groupSpec("pt-unknown-2", w)))(r), declared)
		g := must(r.groups().GetGroup(r.ctx, s.id))(r)
		r.onlyDeclared("MemberFacts", must(r.groups().MemberFacts(r.ctx, s.id, map[string]string{lifecycle.ParamPairID: g.PairIDs[0]}))(r), declared)
	case replicaK:
		b, v := r.backupWorld(w)
		r.onlyDeclared("ProposedReplicaFacts", must(r.replicas().ProposedReplicaFacts(r.ctx, r.replicaSpec(w, b, v)))(r), declared)
	case rsK:
		r.onlyDeclared("ProposedRecoveryServerFacts", must(r.servers().ProposedRecoveryServerFacts(r.ctx, r.rsSpec(w, "pt-unknown-2")))(r), declared)
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
