package sandbox

import (
	"context"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// Simulated durations (before TimeScale). These are sandbox physics, not lifecycle rules.
const (
	durCreate      = 3 * time.Second
	durStop        = 3 * time.Second
	durFailover    = 15 * time.Second
	durSwitchover  = 30 * time.Second
	durDelete      = 3 * time.Second
	durUpdate      = 1 * time.Second
	durRSCreate    = 5 * time.Second
	durFinalize    = 30 * time.Second
	durTestStart   = 10 * time.Second
	durRSStop      = 5 * time.Second
	durFailback    = 20 * time.Second
	durRelease     = 5 * time.Second
	minSync        = 5 * time.Second
	defaultRPO     = 900
	defaultBWKbps  = 10240
	dynamicBWKbps  = 102400 // bandwidth 0 = dynamic: the sandbox assumes the top tier
	replicaPerGiB  = 2 * time.Second
	requestedShare = 0.1 // a replica shows "requested" for the first 10% of its copy
)

// dataRatio: sandbox volumes are modelled as sparsely filled, so an initial sync copies
// 1/256 of the capacity. 100 GiB at 10240 kbps then takes 320 s (~5 minutes) of simulated
// time instead of the 22 hours a full copy would need.
const dataRatio = 1.0 / 256

// syncDuration is the simulated initial-sync time of sizeGB over bandwidthKbps.
func syncDuration(sizeGB, bandwidthKbps int64) time.Duration {
	if bandwidthKbps <= 0 {
		bandwidthKbps = dynamicBWKbps
	}
	kbit := float64(sizeGB) * 1024 * 1024 * 8 * dataRatio
	d := time.Duration(kbit / float64(bandwidthKbps) * float64(time.Second))
	if d < minSync {
		d = minSync
	}
	return d
}

// resyncDuration: a delta resync (after reprotect, or a restart after the first sync) copies
// about a quarter of what the initial sync did.
func resyncDuration(initial time.Duration) time.Duration {
	d := initial / 4
	if d < minSync {
		d = minSync
	}
	return d
}

// siteHealth returns the site's record (nil, false if it does not exist).
func loadSite(ctx context.Context, t *tx, id string) *siteRec {
	if id == "" {
		return nil
	}
	s, _, err := getCached[siteRec](ctx, t, kSite, id)
	if err != nil {
		return nil
	}
	return s
}

func healthy(s *siteRec) bool { return s != nil && s.Healthy }
func capable(s *siteRec) bool { return s != nil && s.ReplicationCapable }
func regionOf(s *siteRec) string {
	if s == nil {
		return ""
	}
	return s.Region
}

// freezePoint is when replication between two sites stopped making progress (the earliest
// outage of either), or the zero time when both are up.
func freezePoint(a, b *siteRec) time.Time {
	var f time.Time
	for _, s := range []*siteRec{a, b} {
		if s != nil && !s.Healthy && !s.DownSince.IsZero() && (f.IsZero() || s.DownSince.Before(f)) {
			f = s.DownSince
		}
	}
	return f
}

// recoveryPoint: while replicating, a recovery point is cut every RPO (scaled) since
// replSince, up to now or the moment a site went down.
func (s *Sandbox) recoveryPoint(state lifecycle.State, stored, replSince, now, freeze time.Time, rpoSeconds int64) time.Time {
	if state != lifecycle.Replicating || replSince.IsZero() {
		return stored
	}
	if rpoSeconds <= 0 {
		rpoSeconds = defaultRPO
	}
	end := now
	if !freeze.IsZero() && freeze.Before(end) {
		end = freeze
	}
	if end.Before(replSince) {
		return stored
	}
	cycle := s.scaled(time.Duration(rpoSeconds) * time.Second)
	k := end.Sub(replSince) / cycle
	rp := replSince.Add(k * cycle)
	if rp.After(stored) {
		return rp
	}
	return stored
}

// syncOnceWait is how long until another one-shot synchronisation is allowed after one that
// started at last: half the RPO (StartDiskReplicaGroup: "the interval between one-shot
// synchronisations must be greater than half the RPO"; the pair's limit, ManualSyncLimit, is
// undocumented and taken to be the same), on the sandbox clock.
func (s *Sandbox) syncOnceWait(last time.Time, rpoSeconds int64, now time.Time) time.Duration {
	if last.IsZero() {
		return 0
	}
	if rpoSeconds <= 0 {
		rpoSeconds = defaultRPO
	}
	return max(0, last.Add(s.scaled(time.Duration(rpoSeconds)*time.Second/2)).Sub(now))
}

// loadServer loads a server record (nil if missing).
func loadServer(ctx context.Context, t *tx, id string) (*serverRec, int64) {
	if id == "" {
		return nil, 0
	}
	s, v, err := getRec[serverRec](ctx, t, kServer, id)
	if err != nil {
		return nil, 0
	}
	return s, v
}

func loadVolume(ctx context.Context, t *tx, id string) *platform.Volume {
	if id == "" {
		return nil
	}
	v, _, err := getCached[platform.Volume](ctx, t, kVolume, id)
	if err != nil {
		return nil
	}
	return v
}

// serverSummary aggregates power facts over a set of servers.
type serverSummary struct {
	allStopped  bool
	lastStopped time.Time
}

func summarize(ctx context.Context, t *tx, ids []string) serverSummary {
	out := serverSummary{allStopped: true}
	for _, id := range ids {
		srv, _ := loadServer(ctx, t, id)
		if srv == nil {
			continue
		}
		if srv.PowerState != platform.PowerStopped {
			out.allStopped = false
		}
		if srv.StoppedAt.After(out.lastStopped) {
			out.lastStopped = srv.StoppedAt
		}
	}
	return out
}

// unsynced: changes at the active site not yet replicated — the active site is up and a
// server there is running (async replication always lags) or stopped after the last
// recovery point.
func unsynced(activeHealthy bool, sum serverSummary, lrp time.Time) bool {
	if !activeHealthy {
		return false
	}
	if !sum.allStopped {
		return true
	}
	return !sum.lastStopped.IsZero() && lrp.Before(sum.lastStopped)
}

func regionCapable(ctx context.Context, t *tx, region string) (bool, error) {
	sites, _, err := listRecs[siteRec](ctx, t, kSite)
	if err != nil {
		return false, err
	}
	for _, s := range sites {
		if s.Region == region && s.ReplicationCapable {
			return true, nil
		}
	}
	return false, nil
}

func findSite(ctx context.Context, t *tx, region, zone string) (*siteRec, error) {
	sites, _, err := listRecs[siteRec](ctx, t, kSite)
	if err != nil {
		return nil, err
	}
	for _, s := range sites {
		if s.Region == region && (zone == "" || s.Zone == zone) {
			return s, nil
		}
	}
	return nil, platform.Invalidf("", "no sandbox site in region %q zone %q (create one with dr_sandbox_site)", region, zone)
}
