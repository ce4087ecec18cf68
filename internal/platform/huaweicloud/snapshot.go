package huaweicloud

import (
	"context"
	"sync"
	"time"
)

// Reads for a plan are shared. A plan reads every group (refresh, then the plan-time checks);
// one group read is three SDRS calls and two ECS calls per protected server. Instead, the
// driver takes a snapshot — the paginated lists of protection groups, protected instances and
// replication pairs (SDRS) and of servers (ECS ListServersDetails), up to 1,000 per page — and
// serves the reads of the next ReadCacheTTL from it (the provider: 30 s, a plan's read phase)
// and the polls of the next PollCacheTTL (at most the poll interval): a no-op plan of 1,000
// groups costs a handful of calls (bench/results.md, "Huawei Cloud API calls per no-op plan"). Every write by this driver invalidates the snapshot (a generation
// counter), so a driver always reads its own writes; a group not in the snapshot is read
// directly.

// serverLookup returns an ECS server; found is false for a deleted server.
type serverLookup func(ctx context.Context, id string) (srv obj, found bool, err error)

// readSnapshot is one snapshot of the lists (held by the driver's snapshot.Cache).
type readSnapshot struct {
	order   []string
	groups  map[string]obj
	insts   map[string][]obj
	reps    map[string][]obj
	servers map[string]obj
	zones   map[string]bool // AZ → available (ECS Querying AZs)
}

func (s *readSnapshot) server(_ context.Context, id string) (obj, bool, error) {
	o, ok := s.servers[id]
	return o, ok, nil
}

// snapshot returns the current read snapshot, loading it when missing, older than the last
// write, or older than maxAge (ReadCacheTTL for a plan's reads, PollCacheTTL for polls and the
// read before a write); nil when the cache is off (ReadCacheTTL < 0).
//
// Expiry is measured from when the caller asked, not from when it got the lock
// (internal/platform/snapshot's default rule): loads are serialized, and a load of 1,000
// groups takes longer than the TTL, so callers queued behind it would otherwise each find it
// expired and load again (at N = 1,000 a no-op plan made 1,452 calls in 265 s instead of a
// handful). A snapshot begun less than the TTL before the caller asked is still newer than
// anything the caller read one poll interval (≥ the TTL) earlier, so a wait never sees the
// same data twice.
func (p *Platform) snapshot(ctx context.Context, maxAge time.Duration) (*readSnapshot, error) {
	s, ok, err := p.snaps.Get(ctx, "", maxAge, p.loadSnapshot)
	if !ok {
		return nil, err
	}
	return s, nil
}

// loadSnapshot reads the lists in two rounds: the SDRS list of protection groups; then, when
// there is any group (protected instances and replication pairs exist only inside one), the
// lists of protected instances and replication pairs and ECS's availability zones and servers,
// at once. One after the other the five took five round trips, and every write makes the next
// poll load again: at 100 ms per call, 20 groups protected and failed over in parallel waited
// 0.6 s per load, one load per write (issue 28, bench/results.md "At cloud latency"). The
// groups come first alone so that a throttled or cancelled load costs one call's attempts.
func (p *Platform) loadSnapshot(ctx context.Context, _ int64) (*readSnapshot, error) {
	s := &readSnapshot{groups: map[string]obj{}, insts: map[string][]obj{}, reps: map[string][]obj{}, servers: map[string]obj{}}
	gs, err := p.listAll(ctx, "/v1/{project_id}/server-groups", "server_groups", "", "list protection groups")
	if err != nil {
		return nil, err
	}
	if len(gs) == 0 {
		return s, nil
	}
	for _, g := range gs {
		s.groups[g.str("id")] = g
		s.order = append(s.order, g.str("id"))
	}
	var insts, reps, srvs []obj
	err = together(
		func() (err error) {
			insts, err = p.listAll(ctx, "/v1/{project_id}/protected-instances", "protected_instances", "", "list protected instances")
			return err
		},
		func() (err error) {
			reps, err = p.listAll(ctx, "/v1/{project_id}/replications", "replications", "", "list replication pairs")
			return err
		},
		func() (err error) {
			s.zones, err = p.zones(ctx)
			return err
		},
		func() (err error) {
			srvs, err = p.listServers(ctx)
			return err
		})
	if err != nil {
		return nil, err
	}
	for _, in := range insts {
		s.insts[in.str("server_group_id")] = append(s.insts[in.str("server_group_id")], in)
	}
	for _, r := range reps {
		s.reps[r.str("server_group_id")] = append(s.reps[r.str("server_group_id")], r)
	}
	for _, v := range srvs {
		s.servers[v.str("id")] = v
	}
	return s, nil
}

// together runs fs at once and returns the first of their errors (in the order of fs).
func together(fs ...func() error) error {
	if len(fs) == 1 {
		return fs[0]()
	}
	errs := make([]error, len(fs))
	var wg sync.WaitGroup
	for i, f := range fs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = f()
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// wrote invalidates the read snapshot after a write.
func (p *Platform) wrote() { p.snaps.Wrote() }
