package sandbox

import (
	"context"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// loadPair loads a pair and applies its due operation (lazy advancement). In a read
// transaction a due operation yields errNeedWrite.
func (s *Sandbox) loadPair(ctx context.Context, t *tx, id string, now time.Time) (*pairRec, int64, error) {
	rec, ver, err := getRec[pairRec](ctx, t, kPair, id)
	if err != nil {
		return nil, 0, err
	}
	c := rec.core()
	if !c.due(now) {
		return rec, ver, nil
	}
	if !t.writable {
		return nil, 0, errNeedWrite
	}
	p := rec.P
	r, err := row(lifecycle.ReplicationPair, p.Op)
	if err != nil {
		return nil, 0, err
	}
	c.complete(r)
	if !p.fails() {
		switch p.Op {
		case lifecycle.OpStart:
			rec.FirstSync = true
			rec.ReplSince = p.Due
			rec.LastRecoveryPoint = p.Due
		case lifecycle.OpSyncOnce:
			// one copy, then paused: a recovery point, no schedule (ReplSince stays zero)
			rec.FirstSync = true
			rec.LastRecoveryPoint = p.Due
		case lifecycle.OpSwitchover:
			rec.ReplSince = p.Due
			rec.LastRecoveryPoint = p.Due
		case lifecycle.OpReprotect:
			// the reversed direction needs a new (delta) synchronisation before failover
			rec.FirstSync = false
		case lifecycle.OpRevertFailover:
			// back in the original direction (the row flips the active site); the standby holds
			// writes the primary never had: a synchronisation runs again before a failover
			rec.FirstSync = false
			rec.ReplSince = time.Time{}
		case lifecycle.OpDelete:
			if err := t.remove(ctx, kPair, id); err != nil {
				return nil, 0, err
			}
			if rec.GroupID != "" {
				if err := s.dropGroupMember(ctx, t, rec.GroupID, id, ""); err != nil {
					return nil, 0, err
				}
			}
			return nil, 0, gone(kPair, id)
		}
	}
	ver, err = t.update(ctx, kPair, id, ver, rec)
	return rec, ver, err
}

// pairSites returns the primary and secondary volumes and sites.
func pairSites(ctx context.Context, t *tx, rec *pairRec) (pv, sv *platform.Volume, ps, ss *siteRec) {
	pv = loadVolume(ctx, t, rec.PrimaryVolumeID)
	sv = loadVolume(ctx, t, rec.SecondaryVolumeID)
	if pv != nil {
		ps = loadSite(ctx, t, pv.SiteID)
	}
	if sv != nil {
		ss = loadSite(ctx, t, sv.SiteID)
	}
	return
}

// pairView builds the normalized pair and its observation. A member of a group mirrors the
// group's state, active site and progress.
func (s *Sandbox) pairView(ctx context.Context, t *tx, rec *pairRec, ver int64, now time.Time) (platform.ReplicationPair, lifecycle.Observation, error) {
	out := rec.ReplicationPair
	out.Version = ver
	out.PendingOp = pendingOp(rec.P)
	pv, sv, ps, ss := pairSites(ctx, t, rec)
	firstSync := rec.FirstSync
	drill := rec.DrillActive
	rpo := rec.RPOSeconds
	if rpo <= 0 {
		rpo = defaultRPO
	}
	var busy bool
	if rec.GroupID != "" {
		g, gver, err := s.loadGroup(ctx, t, rec.GroupID, now)
		if err != nil && !platform.IsNotFound(err) {
			return out, lifecycle.Observation{}, err
		}
		if g != nil {
			gv, gobs, err := s.groupView(ctx, t, g, gver, now)
			if err != nil {
				return out, lifecycle.Observation{}, err
			}
			out.State, out.FailedOp, out.ActiveSite, out.PendingOp = gv.State, gv.FailedOp, gv.ActiveSite, gv.PendingOp
			out.LastRecoveryPoint, out.SyncProgress, out.LastError = gv.LastRecoveryPoint, gv.SyncProgress, gv.LastError
			firstSync, drill, busy = gv.FirstSyncDone, gv.DrillActive, gobs.Facts.ServersBusy
		}
	} else {
		c := rec.core()
		switch rec.P.opOr() {
		case lifecycle.OpStart, lifecycle.OpReprotect, lifecycle.OpSyncOnce:
			out.SyncProgress = int(c.progress(now) * 100)
			if out.SyncProgress > 99 {
				out.SyncProgress = 99
			}
		}
		if rec.P == nil && rec.State == lifecycle.Replicating {
			out.SyncProgress = 100
		}
		out.LastRecoveryPoint = s.recoveryPoint(rec.State, rec.LastRecoveryPoint, rec.ReplSince, now, freezeAt(ps, ss, rec.LinkStalledSince), rec.RPOSeconds)
	}
	if !out.LastRecoveryPoint.IsZero() && out.State != lifecycle.FailedOver {
		out.LagSeconds = s.lagSeconds(now, out.LastRecoveryPoint) // simulated seconds, as the RPO
	}
	out.DrillActive = drill
	out.LastDrill = s.drillView(rec.LastDrill)
	if pv != nil && ps != nil {
		out.PrimaryRegion, out.PrimaryZone = ps.Region, ps.Zone
	}
	if sv != nil && ss != nil {
		out.SecondaryRegion, out.SecondaryZone = ss.Region, ss.Zone
	}

	activeVol, standbyVol, activeSite, standbySite := pv, sv, ps, ss
	if out.ActiveSite == lifecycle.SiteTarget {
		activeVol, standbyVol, activeSite, standbySite = sv, pv, ss, ps
	}
	attachedIDs := func(v *platform.Volume) []string {
		if v == nil || v.ServerID == "" {
			return nil
		}
		return []string{v.ServerID}
	}
	asum := summarize(ctx, t, attachedIDs(activeVol))
	ssum := summarize(ctx, t, attachedIDs(standbyVol))
	f := lifecycle.Facts{
		MemberCount:           1,
		InGroup:               rec.GroupID != "",
		GroupID:               rec.GroupID,
		FirstSyncDone:         firstSync,
		DrillActive:           drill,
		ActiveSiteHealthy:     healthy(activeSite),
		StandbySiteHealthy:    healthy(standbySite),
		ActiveServersStopped:  asum.allStopped,
		StandbyServersStopped: ssum.allStopped,
		ActiveVolumeAttached:  activeVol != nil && activeVol.ServerID != "",
		StandbyVolumeAttached: standbyVol != nil && standbyVol.ServerID != "",
		ReplicationCapable:    capable(ps) && capable(ss),
		UnsyncedChanges:       unsynced(healthy(activeSite), asum, out.LastRecoveryPoint),
		ServersBusy:           busy,
		SyncOnceWait:          s.syncOnceWait(rec.OneShotAt, rec.RPOSeconds, now),
		ActiveRegion:          regionOf(activeSite),
		StandbyRegion:         regionOf(standbySite),
		LagSeconds:            out.LagSeconds,
		RPOSeconds:            rpo,
	}
	obs := lifecycle.Observation{Kind: lifecycle.ReplicationPair, ID: rec.ID, Name: rec.Name, State: out.State,
		FailedOp: out.FailedOp, ActiveSite: out.ActiveSite, Facts: f, Version: ver, LastError: out.LastError}
	obs.Platform = platform.CapabilitiesOf(s)
	out.Observed = obs
	return out, obs, nil
}

func (p *pending) opOr() lifecycle.Op {
	if p == nil {
		return ""
	}
	return p.Op
}

// pairDuration is the simulated duration of op on a pair.
func (s *Sandbox) pairDuration(ctx context.Context, t *tx, rec *pairRec, op lifecycle.Op) time.Duration {
	size := int64(0)
	if v := loadVolume(ctx, t, rec.PrimaryVolumeID); v != nil {
		size = v.SizeGB
	}
	initial := syncDuration(size, rec.BandwidthKbps)
	switch op {
	case lifecycle.OpCreate:
		return durCreate
	case lifecycle.OpStart, lifecycle.OpSyncOnce:
		if rec.FirstSync {
			return resyncDuration(initial)
		}
		return initial
	case lifecycle.OpReprotect:
		return resyncDuration(initial)
	case lifecycle.OpStop:
		return durStop
	case lifecycle.OpFailover, lifecycle.OpRevertFailover: // no data is copied
		return durFailover
	case lifecycle.OpSwitchover:
		return durSwitchover
	case lifecycle.OpDelete:
		return durDelete
	}
	return durUpdate
}

// ---- Platform: pairs ----

// CreatePair creates a replication pair between two existing volumes (creating → configured).
func (s *Sandbox) CreatePair(ctx context.Context, spec platform.PairSpec, token string) (platform.ReplicationPair, error) {
	return call(s, ctx, "CreatePair", callScope{kind: lifecycle.ReplicationPair, op: lifecycle.OpCreate}, func(ctx context.Context) (platform.ReplicationPair, error) {
		if err := validateToken(token); err != nil {
			return platform.ReplicationPair{}, err
		}
		if err := s.checkTags(ctx, lifecycle.ReplicationPair, lifecycle.OpCreate, lifecycle.Observation{Kind: lifecycle.ReplicationPair, Name: spec.Name}, spec.Tags); err != nil {
			return platform.ReplicationPair{}, err
		}
		if err := s.checkResourceGroup(ctx, lifecycle.ReplicationPair, lifecycle.OpCreate, lifecycle.Observation{Kind: lifecycle.ReplicationPair, Name: spec.Name}, spec.ResourceGroupID); err != nil {
			return platform.ReplicationPair{}, err
		}
		if err := s.checkBilling(ctx, lifecycle.Observation{Kind: lifecycle.ReplicationPair, Name: spec.Name}, spec.Billing); err != nil {
			return platform.ReplicationPair{}, err
		}
		if spec.RPOSeconds == 0 {
			spec.RPOSeconds = defaultRPO
		}
		if spec.BandwidthKbps < 0 {
			return platform.ReplicationPair{}, platform.Invalidf("", "bandwidth must be >= 0")
		}
		if spec.BandwidthKbps == 0 && spec.Version == 0 {
			spec.BandwidthKbps = defaultBWKbps
		}
		if spec.PrimaryVolumeID == "" || spec.SecondaryVolumeID == "" {
			return platform.ReplicationPair{}, platform.Invalidf("", "a pair needs two volumes")
		}
		if err := formatErr(lifecycle.ValidatePairVolumes(spec.PrimaryVolumeID, spec.SecondaryVolumeID), ""); err != nil {
			return platform.ReplicationPair{}, err
		}
		params := map[string]string{"primary": spec.PrimaryVolumeID, "secondary": spec.SecondaryVolumeID, "name": spec.Name,
			"description": spec.Description, "rpo": itoa(spec.RPOSeconds), "bw": itoa(spec.BandwidthKbps)}
		hash := paramsHash(lifecycle.OpCreate, params)
		var out platform.ReplicationPair
		err := s.db.write(ctx, func(t *tx) error {
			now := s.now()
			if res, found, err := checkToken(ctx, t, "create:"+kPair, token, lifecycle.OpCreate, hash); err != nil {
				return err
			} else if found {
				rec, ver, err := s.loadPair(ctx, t, res, now)
				if err != nil {
					return err
				}
				out, _, err = s.pairView(ctx, t, rec, ver, now)
				return err
			}
			facts, err := s.proposedPairFacts(ctx, t, spec)
			if err != nil {
				return err
			}
			if err := check(ctx, lifecycle.ReplicationPair, lifecycle.OpCreate, lifecycle.Observation{Kind: lifecycle.ReplicationPair, Name: spec.Name, ActiveSite: lifecycle.SiteSource, Facts: facts}, true); err != nil {
				return err
			}
			// the volumes' facts (size, encryption, other pairs) were checked by the engine above
			if err := s.checkQuota(ctx, t, lifecycle.ReplicationPair, now); err != nil {
				return err
			}
			rec := &pairRec{ReplicationPair: platform.ReplicationPair{
				ID: newID("pair"), Name: spec.Name, Description: spec.Description,
				PrimaryVolumeID: spec.PrimaryVolumeID, SecondaryVolumeID: spec.SecondaryVolumeID,
				RPOSeconds: spec.RPOSeconds, BandwidthKbps: spec.BandwidthKbps, ActiveSite: lifecycle.SiteSource,
				Tags: spec.Tags, ResourceGroupID: resourceGroupOr(spec.ResourceGroupID),
				PaymentType: spec.Billing.PaymentType, ExpiresAt: subscriptionEnd(now, spec.Billing),
			}}
			r, err := row(lifecycle.ReplicationPair, lifecycle.OpCreate)
			if err != nil {
				return err
			}
			fail, err := takeFailNext(ctx, t, lifecycle.ReplicationPair, lifecycle.OpCreate)
			if err != nil {
				return err
			}
			rec.core().begin(r, now, s.scaled(durCreate), fail, "", nil)
			if err := t.insert(ctx, kPair, rec.ID, rec); err != nil {
				return err
			}
			if err := saveToken(ctx, t, "create:"+kPair, token, lifecycle.OpCreate, hash, rec.ID, now); err != nil {
				return err
			}
			out, _, err = s.pairView(ctx, t, rec, 1, now)
			return err
		})
		return out, err
	})
}

// proposedPairFacts are the facts of a pair that does not exist yet.
func (s *Sandbox) proposedPairFacts(ctx context.Context, t *tx, spec platform.PairSpec) (lifecycle.Facts, error) {
	// An empty volume id is one not known yet (a volume created in the same apply): the facts
	// it decides are unknown, and the engine defers their checks to apply time. A volume id
	// that names nothing is a missing reference (V-REFS).
	pv, sv := loadVolume(ctx, t, spec.PrimaryVolumeID), loadVolume(ctx, t, spec.SecondaryVolumeID)
	// a volume a volume_lost fault holds is gone as far as replication can tell
	if pv != nil {
		if lost, err := volumeLost(ctx, t, pv.ID); err != nil {
			return lifecycle.Facts{}, err
		} else if lost {
			pv = nil
		}
	}
	if sv != nil {
		if lost, err := volumeLost(ctx, t, sv.ID); err != nil {
			return lifecycle.Facts{}, err
		} else if lost {
			sv = nil
		}
	}
	missing := map[string]string{}
	if pv == nil && spec.PrimaryVolumeID != "" {
		missing["primary_volume_id"] = spec.PrimaryVolumeID
	}
	if sv == nil && spec.SecondaryVolumeID != "" {
		missing["secondary_volume_id"] = spec.SecondaryVolumeID
	}
	if pv == nil || sv == nil {
		f := lifecycle.Facts{MemberCount: 1, ActiveServersStopped: true, StandbyServersStopped: true, MissingRefs: missing,
			Unknown: map[string]bool{lifecycle.FactSiteHealth: true, lifecycle.FactCapability: true, lifecycle.FactVolumeAttachment: true}}
		if spec.PrimaryVolumeID == "" || spec.SecondaryVolumeID == "" {
			f.Unknown[lifecycle.FactRefs] = true
		}
		return f, nil
	}
	ps, ss := loadSite(ctx, t, pv.SiteID), loadSite(ctx, t, sv.SiteID)
	inPair := map[string]string{}
	pairs, err := pairsOfVolumes(ctx, t, pv.ID, sv.ID)
	if err != nil {
		return lifecycle.Facts{}, err
	}
	for _, p := range pairs {
		for _, v := range []string{p.PrimaryVolumeID, p.SecondaryVolumeID} {
			if v == pv.ID || v == sv.ID {
				inPair[v] = p.ID
			}
		}
	}
	return lifecycle.Facts{
		PrimarySizeGB: pv.SizeGB, SecondarySizeGB: sv.SizeGB, PrimaryEncrypted: pv.Encrypted, VolumesInPair: inPair,
		MemberCount:           1,
		ActiveSiteHealthy:     healthy(ps),
		StandbySiteHealthy:    healthy(ss),
		ActiveVolumeAttached:  pv.ServerID != "",
		StandbyVolumeAttached: sv.ServerID != "",
		ActiveServersStopped:  true,
		StandbyServersStopped: true,
		ReplicationCapable:    capable(ps) && capable(ss),
		ActiveRegion:          regionOf(ps),
		StandbyRegion:         regionOf(ss),
	}, nil
}

// ProposedPairFacts returns the facts a pair created from spec would have (plan-time checks).
func (s *Sandbox) ProposedPairFacts(ctx context.Context, spec platform.PairSpec) (lifecycle.Facts, error) {
	return call(s, ctx, "ProposedPairFacts", callScope{kind: lifecycle.ReplicationPair}, func(ctx context.Context) (lifecycle.Facts, error) {
		var f lifecycle.Facts
		err := s.db.read(ctx, func(t *tx) error {
			var err error
			f, err = s.proposedPairFacts(ctx, t, spec)
			return err
		})
		return f, err
	})
}

// GetPair reads a pair (applying any due operation).
func (s *Sandbox) GetPair(ctx context.Context, id string) (platform.ReplicationPair, error) {
	return getDR(s, ctx, "GetPair", id, s.pairAccess())
}

// ListPairs lists every pair.
func (s *Sandbox) ListPairs(ctx context.Context) ([]platform.ReplicationPair, error) {
	return listDR(s, ctx, "ListPairs", s.pairAccess())
}

func (s *Sandbox) pairAccess() drAccess[pairRec, platform.ReplicationPair] {
	return drAccess[pairRec, platform.ReplicationPair]{kind: kPair, load: s.loadPair, id: func(r *pairRec) string { return r.ID },
		view: func(ctx context.Context, t *tx, r *pairRec, ver int64, now time.Time) (platform.ReplicationPair, error) {
			v, _, err := s.pairView(ctx, t, r, ver, now)
			return v, err
		}}
}

// UpdatePair changes a pair's name, description, RPO and bandwidth (the update operation).
func (s *Sandbox) UpdatePair(ctx context.Context, id string, spec platform.PairSpec) (platform.ReplicationPair, error) {
	return call(s, ctx, "UpdatePair", callScope{kind: lifecycle.ReplicationPair, id: id, op: lifecycle.OpUpdate}, func(ctx context.Context) (platform.ReplicationPair, error) {
		if spec.BandwidthKbps < 0 || spec.RPOSeconds < 0 {
			return platform.ReplicationPair{}, platform.Invalidf("", "bandwidth and RPO must be >= 0")
		}
		var out platform.ReplicationPair
		err := s.db.write(ctx, func(t *tx) error {
			now := s.now()
			rec, ver, err := s.loadPair(ctx, t, id, now)
			if err != nil {
				return err
			}
			if spec.Version != 0 && spec.Version != ver {
				return &platform.Error{Class: platform.ClassConflict, Code: platform.CodeVersionConflict,
					Message: "replication pair " + id + " changed since version " + itoa(spec.Version)}
			}
			_, obs, err := s.pairView(ctx, t, rec, ver, now)
			if err != nil {
				return err
			}
			if err := check(ctx, lifecycle.ReplicationPair, lifecycle.OpUpdate, obs, true); err != nil {
				return err
			}
			rec.Name, rec.Description = spec.Name, spec.Description
			if spec.RPOSeconds > 0 {
				rec.RPOSeconds = spec.RPOSeconds
			}
			rec.BandwidthKbps = spec.BandwidthKbps
			ver, err = t.update(ctx, kPair, id, ver, rec)
			if err != nil {
				return err
			}
			out, _, err = s.pairView(ctx, t, rec, ver, now)
			return err
		})
		return out, err
	})
}
