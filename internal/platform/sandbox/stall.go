package sandbox

import (
	"context"
	"fmt"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// Stalled synchronisations (physics, not rules).
//
// A synchronisation copies data from one site to the other: a pair's start (first sync or
// resync) and reprotect, a group's enable_protection and reprotect. It makes progress only
// while both sites are up and its replication link moves. Otherwise it stalls: it stays in
// its transitional state and its progress stops. What happens next depends on the cause:
//
//   - a site outage is detected by the platform (SDRS health_status abnormal; EVS
//     failure_detail 37100043 "peer AZ unreachable"): if the site is not back within
//     stallLimit (simulated time, divided by the time scale) the operation ends in error{op}
//     with a last_error in the vendors' words (error-starting, error-reprotecting). If the
//     site comes back before that, the copy resumes where it stopped.
//   - a stalled link (a link_stall fault) is not detected: the copy hangs until the fault is
//     switched off, and the user's timeouts decide (the engine then cancels the operation).
//
// Site health and link faults change only through sandbox calls, so the stall is
// materialized at those moments (restall), and at invoke time; between them the lazy
// advancement needs no history.

// stallLimit is how long the platform waits for a site it needs before it fails the
// synchronisation.
const stallLimit = 30 * time.Minute

// stallOf says whether a running synchronisation of a pair or group is stalled now, why, and
// whether the platform detects it (limited: it fails the operation after stallLimit).
func (s *Sandbox) stallOf(ctx context.Context, t *tx, kind lifecycle.Kind, id string, op lifecycle.Op, siteIDs []string, pairIDs []string, links []*platform.Fault) (cause string, limited bool) {
	for _, sid := range siteIDs {
		site := loadSite(ctx, t, sid)
		if site != nil && !site.Healthy {
			return fmt.Sprintf("site %q (%s/%s) is down (peer AZ unreachable)", site.ID, site.Region, site.Zone), true
		}
	}
	scopes := []callScope{{kind: kind, id: id, op: op}}
	for _, pid := range pairIDs {
		scopes = append(scopes, callScope{kind: lifecycle.ReplicationPair, id: pid, op: op})
	}
	for _, f := range links {
		for _, c := range scopes {
			if scopeOf(f).matches(c) {
				return fmt.Sprintf("the replication link is stalled (sandbox fault %s)", f.ID), false
			}
		}
	}
	return "", false
}

// setStall records the stall state of a running synchronisation at now; it reports whether
// anything changed.
func (s *Sandbox) setStall(p *pending, now time.Time, cause string, limited bool) bool {
	if p == nil || !p.Sync {
		return false
	}
	if cause == "" {
		if !p.stalled() {
			return false
		}
		d := now.Sub(p.StalledSince)
		p.Due, p.Stalled = p.Due.Add(d), p.Stalled+d
		p.StalledSince, p.StallCause, p.StallLimit, p.FailAt = time.Time{}, "", "", time.Time{}
		return true
	}
	changed := false
	if !p.stalled() {
		p.StalledSince, changed = now, true
	}
	if p.StallCause != cause {
		p.StallCause, changed = cause, true
	}
	switch {
	case limited && p.FailAt.IsZero():
		p.FailAt, p.StallLimit, changed = now.Add(s.scaled(stallLimit)), stallLimit.String(), true
	case !limited && !p.FailAt.IsZero():
		p.FailAt, p.StallLimit, changed = time.Time{}, "", true
	}
	return changed
}

// stallMessage is the last_error of a synchronisation the platform gave up on.
func stallMessage(p *pending) string {
	word := "error-starting" // SDRS: enable protection failed
	if p.Op == lifecycle.OpReprotect {
		word = "error-reprotecting"
	}
	return fmt.Sprintf("%s: the synchronisation made no progress for %s and was abandoned: %s", word, p.StallLimit, p.StallCause)
}

// stallPair updates the stall state of a pair's running synchronisation (no-op otherwise).
func (s *Sandbox) stallPair(ctx context.Context, t *tx, rec *pairRec, now time.Time, links []*platform.Fault) bool {
	if rec.P == nil || !rec.P.Sync {
		return false
	}
	pv, sv := loadVolume(ctx, t, rec.PrimaryVolumeID), loadVolume(ctx, t, rec.SecondaryVolumeID)
	var sites []string
	for _, v := range []*platform.Volume{pv, sv} {
		if v != nil {
			sites = append(sites, v.SiteID)
		}
	}
	cause, limited := s.stallOf(ctx, t, lifecycle.ReplicationPair, rec.ID, rec.P.Op, sites, nil, links)
	return s.setStall(rec.P, now, cause, limited)
}

// stallGroup updates the stall state of a group's running synchronisation.
func (s *Sandbox) stallGroup(ctx context.Context, t *tx, rec *groupRec, now time.Time, links []*platform.Fault) bool {
	if rec.P == nil || !rec.P.Sync {
		return false
	}
	cause, limited := s.stallOf(ctx, t, lifecycle.ProtectionGroup, rec.ID, rec.P.Op,
		[]string{rec.SourceSiteID, rec.TargetSiteID}, rec.PairIDs, links)
	return s.setStall(rec.P, now, cause, limited)
}

// restall re-evaluates every running synchronisation at now, after a change of site health
// or of the link faults (in the same transaction). Operations due before now complete first
// (they finished before the change).
func (s *Sandbox) restall(ctx context.Context, t *tx, now time.Time) error {
	links, _, err := faultsOf(ctx, t, platform.FaultLinkStall)
	if err != nil {
		return err
	}
	pairs, _, err := listRecs[pairRec](ctx, t, kPair)
	if err != nil {
		return err
	}
	for _, p := range pairs {
		if p.P == nil || !p.P.Sync {
			continue
		}
		rec, ver, err := s.loadPair(ctx, t, p.ID, now)
		if platform.IsNotFound(err) {
			continue
		}
		if err != nil {
			return err
		}
		if s.stallPair(ctx, t, rec, now, links) {
			if _, err := t.update(ctx, kPair, rec.ID, ver, rec); err != nil {
				return err
			}
		}
	}
	groups, _, err := listRecs[groupRec](ctx, t, kGroup)
	if err != nil {
		return err
	}
	for _, g := range groups {
		if g.P == nil || !g.P.Sync {
			continue
		}
		rec, ver, err := s.loadGroup(ctx, t, g.ID, now)
		if platform.IsNotFound(err) {
			continue
		}
		if err != nil {
			return err
		}
		if s.stallGroup(ctx, t, rec, now, links) {
			if _, err := t.update(ctx, kGroup, rec.ID, ver, rec); err != nil {
				return err
			}
		}
	}
	return s.relink(ctx, t, now, links)
}

// beginSync marks a just-invoked operation as a synchronisation when it is one, and stalls it
// at once when a site it needs is down or its link is stalled.
func (s *Sandbox) beginSync(ctx context.Context, t *tx, kind lifecycle.Kind, p *pending, stall func(links []*platform.Fault) bool) error {
	if p == nil || !isSyncOp(kind, p.Op) {
		return nil
	}
	p.Sync = true
	links, _, err := faultsOf(ctx, t, platform.FaultLinkStall)
	if err != nil {
		return err
	}
	stall(links)
	return nil
}
