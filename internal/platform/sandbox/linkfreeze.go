package sandbox

import (
	"context"
	"slices"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// A stalled replication link (physics, issue 27). A link_stall fault without an operation
// stops the whole link of the pairs and groups it matches: besides the running
// synchronisations (stall.go), the periodic copies a replicating object makes every RPO stop,
// so no new recovery point is cut and the standby copy ages — its replication lag grows past
// the recovery point objective, which readiness reports. Like a site outage (its DownSince),
// the stall is materialized when the link faults change (restall → relink): each pair and
// group records since when its link is stalled (LinkStalledSince), and the lazy recovery
// points stop there (freezeAt). Deleting the fault resumes the cycles: the next recovery point
// is the next cycle's. A fault scoped to an operation stalls only that operation's
// synchronisations. A fault on a member pair stalls its group's link too (the group copies
// through its pairs), and a group's stall is its members' (they mirror the group).

// linkFaultMatches reports whether a link_stall fault stops the link of the object (kind,
// id), or of one of the pairs it holds.
func linkFaultMatches(f *platform.Fault, kind lifecycle.Kind, id string, pairIDs []string) bool {
	if f.Op != "" {
		return false
	}
	sc := scopeOf(f)
	if sc.matches(callScope{kind: kind, id: id}) {
		return true
	}
	return slices.ContainsFunc(pairIDs, func(p string) bool {
		return sc.matches(callScope{kind: lifecycle.ReplicationPair, id: p})
	})
}

// relink records on every pair and group whether its link is stalled now (links: the
// link_stall faults), keeping the time the stall began.
func (s *Sandbox) relink(ctx context.Context, t *tx, now time.Time, links []*platform.Fault) error {
	since := func(stalled bool, cur time.Time) (time.Time, bool) {
		switch {
		case stalled && cur.IsZero():
			return now, true
		case !stalled && !cur.IsZero():
			return time.Time{}, true
		}
		return cur, false
	}
	stalled := func(kind lifecycle.Kind, id string, pairIDs []string) bool {
		return slices.ContainsFunc(links, func(f *platform.Fault) bool { return linkFaultMatches(f, kind, id, pairIDs) })
	}
	groups, _, err := listRecs[groupRec](ctx, t, kGroup)
	if err != nil {
		return err
	}
	groupStalled := map[string]bool{}
	for _, g := range groups {
		st := stalled(lifecycle.ProtectionGroup, g.ID, g.PairIDs)
		groupStalled[g.ID] = st
		if v, changed := since(st, g.LinkStalledSince); changed {
			rec, ver, err := s.loadGroup(ctx, t, g.ID, now)
			if err != nil {
				return err
			}
			rec.LastRecoveryPoint = s.recoveryPoint(rec.State, rec.LastRecoveryPoint, rec.ReplSince, now,
				freezeAt(loadSite(ctx, t, rec.SourceSiteID), loadSite(ctx, t, rec.TargetSiteID), rec.LinkStalledSince), defaultRPO)
			rec.LinkStalledSince = v
			if _, err := t.update(ctx, kGroup, rec.ID, ver, rec); err != nil {
				return err
			}
		}
	}
	pairs, _, err := listRecs[pairRec](ctx, t, kPair)
	if err != nil {
		return err
	}
	for _, p := range pairs {
		st := stalled(lifecycle.ReplicationPair, p.ID, nil) || groupStalled[p.GroupID]
		if v, changed := since(st, p.LinkStalledSince); changed {
			rec, ver, err := s.loadPair(ctx, t, p.ID, now)
			if platform.IsNotFound(err) {
				continue
			}
			if err != nil {
				return err
			}
			_, _, ps, ss := pairSites(ctx, t, rec)
			// the points cut up to now (or up to the stall) are kept before the freeze moves
			rec.LastRecoveryPoint = s.recoveryPoint(rec.State, rec.LastRecoveryPoint, rec.ReplSince, now,
				freezeAt(ps, ss, rec.LinkStalledSince), rec.RPOSeconds)
			rec.LinkStalledSince = v
			if _, err := t.update(ctx, kPair, rec.ID, ver, rec); err != nil {
				return err
			}
		}
	}
	return nil
}

// freezeAt is when an object's recovery points stop: the earliest of a site outage's start
// (freezePoint) and its link's stall; zero when neither.
func freezeAt(a, b *siteRec, linkStalled time.Time) time.Time {
	f := freezePoint(a, b)
	if !linkStalled.IsZero() && (f.IsZero() || linkStalled.Before(f)) {
		f = linkStalled
	}
	return f
}
