package sandbox

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"sort"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// pending is an operation in flight: the object sits in the row's Via state until Due.
type pending struct {
	Op         lifecycle.Op      `json:"op"`
	Started    time.Time         `json:"started"`
	Due        time.Time         `json:"due"`
	Fail       bool              `json:"fail,omitempty"`    // armed by FailNext at invoke time
	FailOp     lifecycle.Op      `json:"fail_op,omitempty"` // the op named in error{op} (finalize for a failover)
	Params     map[string]string `json:"params,omitempty"`
	Prev       lifecycle.State   `json:"prev"`
	PrevFailed lifecycle.Op      `json:"prev_failed,omitempty"`

	// A synchronisation (Sync) makes progress only while the sites it copies between are up
	// and its replication link moves (see stall.go). While it does not, StalledSince is set,
	// StallCause says why, and Due is pushed back by the stall when it ends (Stalled sums the
	// stalls so far, for progress). FailAt, when set, is when the platform gives up on a
	// stall it detects (a site outage): the op then ends in error{op}.
	Sync         bool          `json:"sync,omitempty"`
	StalledSince time.Time     `json:"stalled_since,omitempty"`
	StallCause   string        `json:"stall_cause,omitempty"`
	StallLimit   string        `json:"stall_limit,omitempty"` // the simulated limit, for the message
	FailAt       time.Time     `json:"fail_at,omitempty"`
	Stalled      time.Duration `json:"stalled,omitempty"`
}

// stalled reports whether the op is not progressing now.
func (p *pending) stalled() bool { return p != nil && !p.StalledSince.IsZero() }

// fails reports whether completing the op now is a failure: a FailNext fault was armed, or
// the platform gave up on a stalled synchronisation.
func (p *pending) fails() bool { return p.Fail || p.stalled() }

// core points into a record's lifecycle fields so the generic machinery can drive any kind.
type core struct {
	kind    lifecycle.Kind
	state   *lifecycle.State
	failed  *lifecycle.Op
	site    *lifecycle.Site // nil for kinds without sites
	lastErr *string
	p       **pending
}

type siteRec struct {
	platform.Site
	DownSince time.Time `json:"down_since,omitempty"`
}

type serverRec struct {
	platform.Server
	StoppedAt time.Time `json:"stopped_at,omitempty"`
}

type pairRec struct {
	platform.ReplicationPair
	P         *pending  `json:"p,omitempty"`
	FirstSync bool      `json:"first_sync,omitempty"`
	ReplSince time.Time `json:"repl_since,omitempty"` // replication cycles run from here
	// OneShotAt is when the last one-shot synchronisation (sync_once) started.
	OneShotAt time.Time `json:"one_shot_at,omitempty"`
	// LinkStalledSince: a link_stall fault stops the pair's replication link since then, so no
	// recovery point is cut (linkfreeze.go).
	LinkStalledSince time.Time `json:"link_stalled_since,omitempty"`
}

func (r *pairRec) core() core {
	return core{lifecycle.ReplicationPair, &r.State, &r.FailedOp, &r.ActiveSite, &r.LastError, &r.P}
}

type groupRec struct {
	platform.ProtectionGroup
	P            *pending  `json:"p,omitempty"`
	SourceSiteID string    `json:"source_site_id"`
	TargetSiteID string    `json:"target_site_id"`
	ReplSince    time.Time `json:"repl_since,omitempty"`
	OneShotAt    time.Time `json:"one_shot_at,omitempty"` // the last sync_once started
	// LinkStalledSince: a link_stall fault stops the group's link since then (linkfreeze.go).
	LinkStalledSince time.Time `json:"link_stalled_since,omitempty"`
}

func (r *groupRec) core() core {
	return core{lifecycle.ProtectionGroup, &r.State, &r.FailedOp, &r.ActiveSite, &r.LastError, &r.P}
}

type replicaRec struct {
	platform.BackupReplica
	P      *pending `json:"p,omitempty"`
	Policy bool     `json:"policy,omitempty"`
}

func (r *replicaRec) core() core {
	return core{lifecycle.BackupReplica, &r.State, &r.FailedOp, nil, &r.LastError, &r.P}
}

type rsRec struct {
	platform.RecoveryServer
	P *pending `json:"p,omitempty"`
}

func (r *rsRec) core() core {
	return core{lifecycle.RecoveryServer, &r.State, &r.FailedOp, nil, &r.LastError, &r.P}
}

// ---- generic lifecycle mechanics (states come from the table rows) ----

// begin puts the object into op's transitional state (or applies an immediate op). It
// returns true when the op completed at once (no Via state).
func (c core) begin(r *lifecycle.Operation, now time.Time, dur time.Duration, fail bool, failOp lifecycle.Op, params map[string]string) bool {
	p := &pending{Op: r.Name, Started: now, Due: now.Add(dur), Fail: fail, FailOp: failOp, Params: params, Prev: *c.state, PrevFailed: *c.failed}
	if failOp == "" {
		p.FailOp = r.Name
	}
	if r.Via == "" {
		*c.p = p
		c.complete(r)
		return true
	}
	*c.p = p
	*c.state = r.Via
	*c.failed = ""
	return false
}

// complete applies the pending op's result: OnSuccess and the site effect, or its failure
// state error{op}.
func (c core) complete(r *lifecycle.Operation) {
	p := *c.p
	*c.p = nil
	if p.stalled() {
		*c.state = lifecycle.Error
		*c.failed = p.FailOp
		*c.lastErr = stallMessage(p)
		return
	}
	if p.Fail {
		*c.state = lifecycle.Error
		*c.failed = p.FailOp
		*c.lastErr = fmt.Sprintf("sandbox: %s failed (injected fault)", p.FailOp)
		return
	}
	*c.state = r.Target(p.Prev)
	*c.failed = ""
	*c.lastErr = ""
	if r.Site == lifecycle.SiteFlip && c.site != nil {
		*c.site = c.site.Other()
	}
}

// cancel abandons a running op: the object returns to where it was.
func (c core) cancel() {
	p := *c.p
	*c.p = nil
	*c.state = p.Prev
	*c.failed = p.PrevFailed
}

// due reports whether the running op has a result to apply at now: it ran its course, or it
// is a stalled synchronisation the platform gives up on (FailAt). A stall without FailAt
// never completes on its own.
func (c core) due(now time.Time) bool {
	p := *c.p
	if p == nil {
		return false
	}
	if p.stalled() {
		return !p.FailAt.IsZero() && !now.Before(p.FailAt)
	}
	return !now.Before(p.Due)
}

// progress is the fraction of the running op's work done, 0..1; it does not advance while
// the op is stalled.
func (c core) progress(now time.Time) float64 {
	p := *c.p
	if p == nil {
		return 0
	}
	total := p.Due.Sub(p.Started) - p.Stalled
	if total <= 0 {
		return 1
	}
	elapsed := now.Sub(p.Started) - p.Stalled
	if p.stalled() {
		elapsed = p.StalledSince.Sub(p.Started) - p.Stalled
	}
	f := float64(elapsed) / float64(total)
	if f < 0 {
		f = 0
	}
	if f > 1 {
		f = 1
	}
	return f
}

func pendingOp(p *pending) lifecycle.Op {
	if p == nil {
		return ""
	}
	return p.Op
}

// ---- typed access to the objects table ----

func getRec[T any](ctx context.Context, t *tx, kind, id string) (*T, int64, error) {
	v := new(T)
	ver, err := t.get(ctx, kind, id, v)
	if err != nil {
		return nil, 0, err
	}
	return v, ver, nil
}

func listRecs[T any](ctx context.Context, t *tx, kind string) ([]*T, []int64, error) {
	return listRecsBy[T](ctx, t, qList, kind)
}

// listRecsBy decodes the (version, body) rows of q run with arg (one of the q* lookups).
func listRecsBy[T any](ctx context.Context, t *tx, q, arg string) ([]*T, []int64, error) {
	var out []*T
	var vers []int64
	err := t.listQuery(ctx, q, arg, func(ver int64, body []byte) error {
		v := new(T)
		if err := json.Unmarshal(body, v); err != nil {
			return err
		}
		out = append(out, v)
		vers = append(vers, ver)
		return nil
	})
	return out, vers, err
}

// pairsOfVolumes returns the pairs whose primary or secondary volume is one of ids, each once,
// in id order (the order a listRecs of every pair would visit them), by the indexes of
// migration 3. Empty ids match nothing.
func pairsOfVolumes(ctx context.Context, t *tx, ids ...string) ([]*pairRec, error) {
	seen := map[string]bool{}
	var out []*pairRec
	for _, id := range ids {
		if id == "" {
			continue
		}
		for _, q := range []string{qPairsOfPrimary, qPairsOfSecondary} {
			ps, _, err := listRecsBy[pairRec](ctx, t, q, id)
			if err != nil {
				return nil, err
			}
			for _, p := range ps {
				if !seen[p.ID] {
					seen[p.ID] = true
					out = append(out, p)
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// addrFor derives a stable fake address for an object.
func addrFor(prefix, id string) string {
	h := fnv.New32a()
	h.Write([]byte(id))
	v := h.Sum32()
	return fmt.Sprintf("%s.%d.%d", prefix, (v>>8)&0xff, v&0xfe+1)
}

func macFor(id string) string {
	h := fnv.New64a()
	h.Write([]byte(id))
	v := h.Sum64()
	return fmt.Sprintf("fa:16:3e:%02x:%02x:%02x", (v>>16)&0xff, (v>>8)&0xff, v&0xff)
}
