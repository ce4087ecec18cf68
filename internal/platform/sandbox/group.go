package sandbox

import (
	"context"
	"slices"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// loadGroup loads a group and applies its due operation.
func (s *Sandbox) loadGroup(ctx context.Context, t *tx, id string, now time.Time) (*groupRec, int64, error) {
	rec, ver, err := getRec[groupRec](ctx, t, kGroup, id)
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
	r, err := row(lifecycle.ProtectionGroup, p.Op)
	if err != nil {
		return nil, 0, err
	}
	oldActive := rec.ActiveSite
	c.complete(r)
	if !p.fails() {
		switch p.Op {
		case lifecycle.OpEnableProtection:
			rec.FirstSyncDone = true
			rec.ReplSince, rec.LastRecoveryPoint = p.Due, p.Due
		case lifecycle.OpSyncOnce:
			// one copy of every pair, then paused (no schedule)
			rec.FirstSyncDone = true
			rec.LastRecoveryPoint = p.Due
		case lifecycle.OpReprotect:
			// R000-5: the active site has been synchronised to the restored one; the data
			// direction is now active → restored site.
			rec.FirstSyncDone = true
			rec.ReplSince, rec.LastRecoveryPoint = p.Due, p.Due
		case lifecycle.OpPlannedFailover:
			rec.ReplSince, rec.LastRecoveryPoint = p.Due, p.Due
			if err := s.moveAddresses(ctx, t, rec, oldActive, false); err != nil {
				return nil, 0, err
			}
		case lifecycle.OpFailover:
			// R002-3: synchronisation stopped; R002-5: addresses moved; R002-4: twins stay stopped.
			rec.ReplSince = time.Time{}
			if err := s.moveAddresses(ctx, t, rec, oldActive, true); err != nil {
				return nil, 0, err
			}
		case lifecycle.OpRevertFailover:
			// the failover is cancelled: production and the servers' addresses are back at the
			// original site, replication paused; the standby must synchronise again
			rec.FirstSyncDone, rec.ReplSince = false, time.Time{}
			if err := s.moveAddresses(ctx, t, rec, oldActive, false); err != nil {
				return nil, 0, err
			}
		case lifecycle.OpDelete:
			return nil, 0, s.removeGroup(ctx, t, rec)
		}
	}
	ver, err = t.update(ctx, kGroup, id, ver, rec)
	return rec, ver, err
}

func (s *Sandbox) removeGroup(ctx context.Context, t *tx, rec *groupRec) error {
	for _, tw := range rec.DRServers {
		if err := t.remove(ctx, kServer, tw.TwinServerID); err != nil {
			return err
		}
	}
	if err := t.remove(ctx, kGroup, rec.ID); err != nil {
		return err
	}
	return gone(kGroup, rec.ID)
}

// siteServers returns the group's protected servers at the given site (role-neutral) and
// at the other one.
func (rec *groupRec) serversAt(site lifecycle.Site) []string {
	var out []string
	for _, tw := range rec.DRServers {
		if site == lifecycle.SiteSource {
			out = append(out, tw.SourceServerID)
		} else {
			out = append(out, tw.TwinServerID)
		}
	}
	return out
}

// moveAddresses moves IP, EIP and MAC of the servers at the previously active site to their
// twins at the new active site (R002-5). On a failover the old production servers are forcibly
// stopped; the servers at the new site are left stopped (R002-4).
func (s *Sandbox) moveAddresses(ctx context.Context, t *tx, rec *groupRec, oldActive lifecycle.Site, force bool) error {
	now := s.now()
	from, to := rec.serversAt(oldActive), rec.serversAt(oldActive.Other())
	for i := range from {
		a, av := loadServer(ctx, t, from[i])
		b, bv := loadServer(ctx, t, to[i])
		if a == nil || b == nil {
			continue
		}
		b.IP, b.EIP, b.MAC = a.IP, a.EIP, a.MAC
		a.IP, a.EIP, a.MAC = "", "", ""
		if force && a.PowerState != platform.PowerStopped {
			a.PowerState, a.StoppedAt = platform.PowerStopped, now
		}
		if _, err := t.update(ctx, kServer, a.ID, av, a); err != nil {
			return err
		}
		if _, err := t.update(ctx, kServer, b.ID, bv, b); err != nil {
			return err
		}
	}
	return nil
}

// dropGroupMember removes a pair (or server) from a group's lists.
func (s *Sandbox) dropGroupMember(ctx context.Context, t *tx, groupID, pairID, serverID string) error {
	g, ver, err := getRec[groupRec](ctx, t, kGroup, groupID)
	if platform.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if pairID != "" {
		g.PairIDs = slices.DeleteFunc(g.PairIDs, func(x string) bool { return x == pairID })
	}
	if serverID != "" {
		g.ServerIDs = slices.DeleteFunc(g.ServerIDs, func(x string) bool { return x == serverID })
		g.DRServers = slices.DeleteFunc(g.DRServers, func(tw platform.ServerTwin) bool { return tw.SourceServerID == serverID })
	}
	_, err = t.update(ctx, kGroup, groupID, ver, g)
	return err
}

// groupDuration is the simulated duration of op on a group.
func (s *Sandbox) groupDuration(ctx context.Context, t *tx, rec *groupRec, op lifecycle.Op) time.Duration {
	var initial time.Duration
	for _, pid := range rec.PairIDs {
		p, _, err := getRec[pairRec](ctx, t, kPair, pid)
		if err != nil {
			continue
		}
		size := int64(0)
		if v := loadVolume(ctx, t, p.PrimaryVolumeID); v != nil {
			size = v.SizeGB
		}
		if d := syncDuration(size, p.BandwidthKbps); d > initial { // pairs copy in parallel
			initial = d
		}
	}
	if initial < minSync {
		initial = minSync
	}
	switch op {
	case lifecycle.OpCreate:
		return durCreate
	case lifecycle.OpEnableProtection, lifecycle.OpSyncOnce:
		if rec.FirstSyncDone {
			return resyncDuration(initial)
		}
		return initial
	case lifecycle.OpReprotect:
		return resyncDuration(initial)
	case lifecycle.OpDisableProtection:
		return durStop
	case lifecycle.OpFailover, lifecycle.OpRevertFailover: // no data is copied
		return durFailover
	case lifecycle.OpPlannedFailover:
		return durSwitchover
	case lifecycle.OpDelete:
		return durDelete
	}
	return durUpdate
}

// groupView builds the normalized group and its observation (facts from the store).
func (s *Sandbox) groupView(ctx context.Context, t *tx, rec *groupRec, ver int64, now time.Time) (platform.ProtectionGroup, lifecycle.Observation, error) {
	out := rec.ProtectionGroup
	out.Version = ver
	out.PendingOp = pendingOp(rec.P)
	out.PairIDs = slices.Clone(rec.PairIDs)
	out.ServerIDs = slices.Clone(rec.ServerIDs)
	src, dst := loadSite(ctx, t, rec.SourceSiteID), loadSite(ctx, t, rec.TargetSiteID)
	activeSite, standbySite := src, dst
	if rec.ActiveSite == lifecycle.SiteTarget {
		activeSite, standbySite = dst, src
	}
	c := rec.core()
	out.LastRecoveryPoint = s.recoveryPoint(rec.State, rec.LastRecoveryPoint, rec.ReplSince, now, freezeAt(src, dst, rec.LinkStalledSince), defaultRPO)
	out.LastDrill = s.drillView(rec.LastDrill)
	switch {
	case rec.P != nil && (rec.P.Op == lifecycle.OpEnableProtection || rec.P.Op == lifecycle.OpReprotect || rec.P.Op == lifecycle.OpSyncOnce):
		out.ReplicationStatus = platform.ReplicationCopying
		out.SyncProgress = min(int(c.progress(now)*100), 99)
	case rec.State == lifecycle.Replicating || rec.State == lifecycle.SwitchingOver:
		out.ReplicationStatus = platform.ReplicationActive
		out.SyncProgress = 100
	case rec.State == lifecycle.Configured || rec.State == lifecycle.Creating || !rec.FirstSyncDone:
		out.ReplicationStatus = platform.ReplicationInactive
	default:
		out.ReplicationStatus = platform.ReplicationActiveStopped
	}
	out.ProtectionEnabled = rec.State == lifecycle.Replicating || rec.State == lifecycle.SwitchingOver ||
		(rec.P != nil && rec.P.Op == lifecycle.OpEnableProtection) || (rec.P != nil && rec.P.Op == lifecycle.OpReprotect)
	out.Health = platform.HealthNormal
	if rec.State == lifecycle.Error || !healthy(src) || !healthy(dst) {
		out.Health = platform.HealthAbnormal
	}
	// DR servers with their current addresses
	out.DRServers = make([]platform.ServerTwin, len(rec.DRServers))
	for i, tw := range rec.DRServers {
		out.DRServers[i] = tw
		if a, _ := loadServer(ctx, t, tw.SourceServerID); a != nil {
			out.DRServers[i].SourceIP, out.DRServers[i].SourceEIP, out.DRServers[i].SourceMAC = a.IP, a.EIP, a.MAC
		}
		if b, _ := loadServer(ctx, t, tw.TwinServerID); b != nil {
			out.DRServers[i].TwinIP, out.DRServers[i].TwinEIP, out.DRServers[i].TwinMAC = b.IP, b.EIP, b.MAC
		}
	}

	// servers at each site: protected servers and their twins, plus servers attached to the
	// member pairs' volumes there
	activeIDs := rec.serversAt(rec.ActiveSite)
	standbyIDs := rec.serversAt(rec.ActiveSite.Other())
	activeAttached, standbyAttached := false, false
	for _, pid := range rec.PairIDs {
		p, _, err := getRec[pairRec](ctx, t, kPair, pid)
		if err != nil {
			continue
		}
		av, sv := loadVolume(ctx, t, p.PrimaryVolumeID), loadVolume(ctx, t, p.SecondaryVolumeID)
		if rec.ActiveSite == lifecycle.SiteTarget {
			av, sv = sv, av
		}
		if av != nil && av.ServerID != "" {
			activeAttached = true
			if !slices.Contains(activeIDs, av.ServerID) {
				activeIDs = append(activeIDs, av.ServerID)
			}
		}
		if sv != nil && sv.ServerID != "" {
			standbyAttached = true
			if !slices.Contains(standbyIDs, sv.ServerID) {
				standbyIDs = append(standbyIDs, sv.ServerID)
			}
		}
	}
	asum, ssum := summarize(ctx, t, activeIDs), summarize(ctx, t, standbyIDs)
	// R002-7/R000-3: a failover, planned failover or reprotect is working on the servers
	busy := false
	if rec.P != nil {
		switch rec.P.Op {
		case lifecycle.OpFailover, lifecycle.OpPlannedFailover, lifecycle.OpReprotect, lifecycle.OpRevertFailover:
			busy = true
		}
	}
	f := lifecycle.Facts{
		MemberCount:           len(rec.PairIDs),
		ServerCount:           len(rec.ServerIDs),
		FirstSyncDone:         rec.FirstSyncDone,
		DrillActive:           rec.DrillActive,
		ActiveSiteHealthy:     healthy(activeSite),
		StandbySiteHealthy:    healthy(standbySite),
		ActiveServersStopped:  asum.allStopped,
		StandbyServersStopped: ssum.allStopped,
		ActiveVolumeAttached:  activeAttached,
		StandbyVolumeAttached: standbyAttached,
		ReplicationCapable:    capable(src) && capable(dst),
		UnsyncedChanges:       unsynced(healthy(activeSite), asum, out.LastRecoveryPoint),
		ServersBusy:           busy,
		SyncOnceWait:          s.syncOnceWait(rec.OneShotAt, defaultRPO, now),
		ActiveRegion:          regionOf(activeSite),
		StandbyRegion:         regionOf(standbySite),
		LagSeconds:            s.lagSeconds(now, out.LastRecoveryPoint),
		RPOSeconds:            defaultRPO, // a group's pairs replicate on the default cycle
	}
	obs := lifecycle.Observation{Kind: lifecycle.ProtectionGroup, ID: rec.ID, Name: rec.Name, State: rec.State,
		FailedOp: rec.FailedOp, ActiveSite: rec.ActiveSite, Facts: f, Version: ver, LastError: rec.LastError}
	obs.Platform = platform.CapabilitiesOf(s)
	out.Observed = obs
	return out, obs, nil
}

// ---- Platform: groups ----

// CreateGroup creates a protection group between two sandbox sites (creating → configured).
func (s *Sandbox) CreateGroup(ctx context.Context, spec platform.GroupSpec, token string) (platform.ProtectionGroup, error) {
	return call(s, ctx, "CreateGroup", callScope{kind: lifecycle.ProtectionGroup, op: lifecycle.OpCreate}, func(ctx context.Context) (platform.ProtectionGroup, error) {
		if err := validateToken(token); err != nil {
			return platform.ProtectionGroup{}, err
		}
		if err := s.checkTags(ctx, lifecycle.ProtectionGroup, lifecycle.OpCreate, lifecycle.Observation{Kind: lifecycle.ProtectionGroup, Name: spec.Name}, spec.Tags); err != nil {
			return platform.ProtectionGroup{}, err
		}
		if err := s.checkResourceGroup(ctx, lifecycle.ProtectionGroup, lifecycle.OpCreate, lifecycle.Observation{Kind: lifecycle.ProtectionGroup, Name: spec.Name}, spec.ResourceGroupID); err != nil {
			return platform.ProtectionGroup{}, err
		}
		params := map[string]string{"name": spec.Name, "description": spec.Description, "sr": spec.SourceRegion,
			"sz": spec.SourceZone, "tr": spec.TargetRegion, "tz": spec.TargetZone}
		hash := paramsHash(lifecycle.OpCreate, params)
		var out platform.ProtectionGroup
		err := s.db.write(ctx, func(t *tx) error {
			now := s.now()
			if res, found, err := checkToken(ctx, t, "create:"+kGroup, token, lifecycle.OpCreate, hash); err != nil {
				return err
			} else if found {
				rec, ver, err := s.loadGroup(ctx, t, res, now)
				if err != nil {
					return err
				}
				out, _, err = s.groupView(ctx, t, rec, ver, now)
				return err
			}
			src, dst, pf, err := groupSites(ctx, t, spec)
			if err != nil {
				return err
			}
			if err := check(ctx, lifecycle.ProtectionGroup, lifecycle.OpCreate, lifecycle.Observation{Kind: lifecycle.ProtectionGroup, Name: spec.Name, Facts: pf}, true); err != nil {
				return err
			}
			if err := s.checkQuota(ctx, t, lifecycle.ProtectionGroup, now); err != nil {
				return err
			}
			rec := &groupRec{ProtectionGroup: platform.ProtectionGroup{
				ID: newID("pg"), Name: spec.Name, Description: spec.Description,
				SourceRegion: src.Region, SourceZone: src.Zone, TargetRegion: dst.Region, TargetZone: dst.Zone,
				ActiveSite: lifecycle.SiteSource, Tags: spec.Tags, ResourceGroupID: resourceGroupOr(spec.ResourceGroupID),
			}, SourceSiteID: src.ID, TargetSiteID: dst.ID}
			_, obs, err := s.groupView(ctx, t, rec, 0, now)
			if err != nil {
				return err
			}
			obs.State = ""
			if err := check(ctx, lifecycle.ProtectionGroup, lifecycle.OpCreate, obs, true); err != nil {
				return err
			}
			r, err := row(lifecycle.ProtectionGroup, lifecycle.OpCreate)
			if err != nil {
				return err
			}
			fail, err := takeFailNext(ctx, t, lifecycle.ProtectionGroup, lifecycle.OpCreate)
			if err != nil {
				return err
			}
			rec.core().begin(r, now, s.scaled(durCreate), fail, "", nil)
			if err := t.insert(ctx, kGroup, rec.ID, rec); err != nil {
				return err
			}
			if err := saveToken(ctx, t, "create:"+kGroup, token, lifecycle.OpCreate, hash, rec.ID, now); err != nil {
				return err
			}
			out, _, err = s.groupView(ctx, t, rec, 1, now)
			return err
		})
		return out, err
	})
}

// GetGroup reads a group.
func (s *Sandbox) GetGroup(ctx context.Context, id string) (platform.ProtectionGroup, error) {
	return getDR(s, ctx, "GetGroup", id, s.groupAccess())
}

// ListGroups lists every group.
func (s *Sandbox) ListGroups(ctx context.Context) ([]platform.ProtectionGroup, error) {
	return listDR(s, ctx, "ListGroups", s.groupAccess())
}

func (s *Sandbox) groupAccess() drAccess[groupRec, platform.ProtectionGroup] {
	return drAccess[groupRec, platform.ProtectionGroup]{kind: kGroup, load: s.loadGroup, id: func(r *groupRec) string { return r.ID },
		view: func(ctx context.Context, t *tx, r *groupRec, ver int64, now time.Time) (platform.ProtectionGroup, error) {
			v, _, err := s.groupView(ctx, t, r, ver, now)
			return v, err
		}}
}

// UpdateGroup changes a group's name and description.
func (s *Sandbox) UpdateGroup(ctx context.Context, id string, spec platform.GroupSpec) (platform.ProtectionGroup, error) {
	return call(s, ctx, "UpdateGroup", callScope{kind: lifecycle.ProtectionGroup, id: id, op: lifecycle.OpUpdate}, func(ctx context.Context) (platform.ProtectionGroup, error) {
		var out platform.ProtectionGroup
		err := s.db.write(ctx, func(t *tx) error {
			now := s.now()
			rec, ver, err := s.loadGroup(ctx, t, id, now)
			if err != nil {
				return err
			}
			if spec.Version != 0 && spec.Version != ver {
				return &platform.Error{Class: platform.ClassConflict, Code: platform.CodeVersionConflict,
					Message: "protection group " + id + " changed since version " + itoa(spec.Version)}
			}
			_, obs, err := s.groupView(ctx, t, rec, ver, now)
			if err != nil {
				return err
			}
			if err := check(ctx, lifecycle.ProtectionGroup, lifecycle.OpUpdate, obs, true); err != nil {
				return err
			}
			rec.Name, rec.Description = spec.Name, spec.Description
			ver, err = t.update(ctx, kGroup, id, ver, rec)
			if err != nil {
				return err
			}
			out, _, err = s.groupView(ctx, t, rec, ver, now)
			return err
		})
		return out, err
	})
}

// groupSites resolves a group's sites; the facts report missing sites (V-REFS) and one site
// named twice (V-GRP-SITES) for the engine to judge.
func groupSites(ctx context.Context, t *tx, spec platform.GroupSpec) (src, dst *siteRec, f lifecycle.Facts, err error) {
	missing := map[string]string{}
	if src, err = findSite(ctx, t, spec.SourceRegion, spec.SourceZone); err != nil {
		if !platform.IsInvalid(err) {
			return nil, nil, f, err
		}
		missing["source_zone"] = spec.SourceRegion + "/" + spec.SourceZone
	}
	if dst, err = findSite(ctx, t, spec.TargetRegion, spec.TargetZone); err != nil {
		if !platform.IsInvalid(err) {
			return nil, nil, f, err
		}
		missing["target_zone"] = spec.TargetRegion + "/" + spec.TargetZone
	}
	f.MissingRefs = missing
	f.SameSite = src != nil && dst != nil && src.ID == dst.ID
	if src != nil && dst != nil {
		f.ActiveSiteHealthy, f.StandbySiteHealthy = src.Healthy, dst.Healthy
		f.ActiveRegion, f.StandbyRegion = src.Region, dst.Region
	} else {
		f.Unknown = map[string]bool{lifecycle.FactSiteHealth: true} // a site that does not exist (yet)
	}
	return src, dst, f, nil
}

// ProposedGroupFacts returns the facts of a group created from spec (plan-time checks).
func (s *Sandbox) ProposedGroupFacts(ctx context.Context, spec platform.GroupSpec) (lifecycle.Facts, error) {
	return call(s, ctx, "ProposedGroupFacts", callScope{}, func(ctx context.Context) (lifecycle.Facts, error) {
		var f lifecycle.Facts
		err := s.db.read(ctx, func(t *tx) error {
			var err error
			_, _, f, err = groupSites(ctx, t, spec)
			return err
		})
		return f, err
	})
}
