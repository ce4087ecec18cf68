package platformtest

import (
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// The harness side of "conformance per kind": every check takes the kind under test and makes
// its object through the platform the way the platform makes that kind — a pair (CreatePair,
// or, where creating one is a manual step, the pair a protection group makes for a protected
// server's disk), a group with members (a pair, and a protected server where the platform
// protects servers), a replica of a server backup, a recovery server for a protected machine
// — so a driver runs every check for every kind it serves. Which operation a check invokes is
// read from the kind's lifecycle table (nextOp, refusedOp), never restated here.

// subject is one object of the kind under test, settled in the state its create leads to.
type subject struct {
	kind lifecycle.Kind
	id   string
	w    world
	obs  lifecycle.Observation
	// group is the group a group-made pair belongs to (Huawei SDRS), "" otherwise.
	group string
}

// make creates an object of kind in a fresh world and waits until it settles.
func (r *runner) make(kind lifecycle.Kind, name string) subject {
	r.t.Helper()
	w := r.world()
	s := subject{kind: kind, w: w}
	switch kind {
	case pairK:
		if _, manual := r.pairCreateManual(); manual {
			p, g := r.groupPair(w, name)
			s.id, s.group = p.ID, g.ID
		} else {
			s.id = r.newPair(w, name).ID
		}
	case groupK:
		s.id = r.memberGroup(w, name).ID
	case replicaK:
		b, v := r.backupWorld(w)
		s.id = must(r.replicas().CreateReplica(r.ctx, r.replicaSpec(w, b, v), token()))(r).ID
	case rsK:
		r.backupWorld(w) // the machine's backup: its recovery point (R004-2)
		s.id = r.createSpec(rsK, w, name, "")(r)
	default:
		r.t.Fatalf("unknown kind %s", kind)
	}
	s.obs = r.wantSettled(kind, s.id, created(kind), "")
	return s
}

// created is the state a new object of kind settles in (its create row's result).
func created(kind lifecycle.Kind) lifecycle.State {
	return lifecycle.Table(kind).CreateOperation().OnSuccess
}

// memberGroup creates a protection group with one member pair (and the protected server where
// the platform protects servers), settled in configured. On a platform that makes pairs inside
// groups (Huawei SDRS) the pair comes with the protected server's disk.
func (r *runner) memberGroup(w world, name string) platform.ProtectionGroup {
	r.t.Helper()
	_, madeInGroups := r.pairCreateManual()
	pairs := r.supports(pairK) && !madeInGroups
	var p platform.ReplicationPair
	if pairs {
		p = r.newPair(w, name+"-member")
	} else {
		v := must(r.fx.PutVolume(r.ctx, platform.Volume{SiteID: w.src.ID, SizeGB: 10}))(r)
		must(r.fx.AttachVolume(r.ctx, v.ID, w.server.ID))(r)
	}
	g := must(r.groups().CreateGroup(r.ctx, r.groupSpec(name, w), token()))(r)
	r.wantSettled(groupK, g.ID, lifecycle.Configured, "")
	if pairs {
		r.run(groupK, g.ID, lifecycle.OpAddMember, map[string]string{lifecycle.ParamPairID: p.ID})
	}
	if !r.noServers() {
		r.run(groupK, g.ID, lifecycle.OpAddServer, map[string]string{lifecycle.ParamServerID: w.server.ID})
	}
	gr := r.wantMembers(g.ID)
	if len(gr.PairIDs) != 1 || (pairs && gr.PairIDs[0] != p.ID) {
		r.t.Fatalf("group %s: pairs %v, want its one member", g.ID, gr.PairIDs)
	}
	return gr
}

// noServers reports whether the platform's groups hold no servers (Alibaba replica groups
// declare add_server a manual step).
func (r *runner) noServers() bool {
	_, manual := r.p.Capabilities().ManualStep(groupK, lifecycle.OpAddServer)
	return manual
}

// createSpec creates an object of kind from a fresh spec named name in w, with a client token
// (a fresh one when tok is ""), and returns a func giving its ID (failing the check on an
// error).
func (r *runner) createSpec(kind lifecycle.Kind, w world, name, tok string) func(r *runner) string {
	id, err := r.create(kind, w, name, tok)
	return must(id, err)
}

// create is createSpec returning the error.
func (r *runner) create(kind lifecycle.Kind, w world, name, tok string) (string, error) {
	return r.creator(kind, w)(name, tok)
}

// creator returns the create of kind from one spec, made now, whose name each call sets, with
// a client token (a fresh one when tok is ""): a pair between two fresh volumes, a group
// between the world's sites (empty), a replica of a fresh server backup, a recovery server for
// the world's machine. The same name and token are the same request (a replay).
func (r *runner) creator(kind lifecycle.Kind, w world) func(name, tok string) (string, error) {
	r.t.Helper()
	switch kind {
	case pairK:
		return named(r.pairSpec(w, ""), func(s *platform.PairSpec, n string) { s.Name = n },
			func(s platform.PairSpec, tok string) (string, error) {
				p, err := r.pairs().CreatePair(r.ctx, s, tok)
				return p.ID, err
			})
	case groupK:
		return named(r.groupSpec("pt-group", w), func(s *platform.GroupSpec, n string) { s.Name = n },
			func(s platform.GroupSpec, tok string) (string, error) {
				g, err := r.groups().CreateGroup(r.ctx, s, tok)
				return g.ID, err
			})
	case replicaK:
		b, v := r.backupWorld(w)
		return named(r.replicaSpec(w, b, v), func(s *platform.ReplicaSpec, n string) { s.Name = n },
			func(s platform.ReplicaSpec, tok string) (string, error) {
				x, err := r.replicas().CreateReplica(r.ctx, s, tok)
				return x.ID, err
			})
	case rsK:
		return named(r.rsSpec(w, ""), func(s *platform.RecoveryServerSpec, n string) { s.Name = n },
			func(s platform.RecoveryServerSpec, tok string) (string, error) {
				x, err := r.servers().CreateRecoveryServer(r.ctx, s, tok)
				return x.ID, err
			})
	}
	r.t.Fatalf("unknown kind %s", kind)
	return nil
}

// named is a create from spec with the name and token of each call (a fresh token for "").
func named[S any](spec S, setName func(*S, string), create func(S, string) (string, error)) func(name, tok string) (string, error) {
	return func(name, tok string) (string, error) {
		s := spec
		setName(&s, name)
		if tok == "" {
			tok = token()
		}
		return create(s, tok)
	}
}

// dispose deletes the object the way its table allows: a group's members leave first
// (V-GRP-DELETE), a pair a group made goes with its protected server.
func (r *runner) dispose(s subject) {
	r.t.Helper()
	if s.group != "" {
		r.run(groupK, s.group, lifecycle.OpRemoveServer, map[string]string{lifecycle.ParamServerID: s.w.server.ID})
		r.wantGone(s.kind, s.id)
		return
	}
	if s.kind == groupK {
		g := must(r.groups().GetGroup(r.ctx, s.id))(r)
		if _, madeInGroups := r.pairCreateManual(); !madeInGroups {
			for _, pid := range g.PairIDs {
				r.run(groupK, s.id, lifecycle.OpRemoveMember, map[string]string{lifecycle.ParamPairID: pid})
			}
		}
		for _, sid := range g.ServerIDs {
			r.run(groupK, s.id, lifecycle.OpRemoveServer, map[string]string{lifecycle.ParamServerID: sid})
		}
		r.wantEmpty(s.id)
	}
	r.run(s.kind, s.id, lifecycle.OpDelete, nil)
}

// wantEmpty waits until the group holds no pair and no server (a platform may delete a
// protected server's pairs asynchronously).
func (r *runner) wantEmpty(id string) {
	r.t.Helper()
	deadline := time.Now().Add(r.h.SettleTimeout)
	for step := time.Second; ; step = min(2*step, time.Hour) {
		g := must(r.groups().GetGroup(r.ctx, id))(r)
		if len(g.PairIDs) == 0 && len(g.ServerIDs) == 0 {
			return
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("group %s still holds pairs %v and servers %v after they were removed", id, g.PairIDs, g.ServerIDs)
		}
		r.pause(step)
	}
}

// rsSpec is a recovery server of the world's machine at the DR site.
func (r *runner) rsSpec(w world, name string) platform.RecoveryServerSpec {
	return platform.RecoveryServerSpec{Name: name, MachineID: w.server.ID, RecoveryPointID: "pt-rp", SiteID: w.dst.ID, CPU: 2, MemoryGB: 4}
}

// creatable reports whether the platform creates kind through its API; else the check skips,
// naming the manual step (Capabilities.Manual).
func (r *runner) creatable(kind lifecycle.Kind) {
	r.t.Helper()
	create := lifecycle.Table(kind).CreateOperation().Name
	if step, manual := r.p.Capabilities().ManualStep(kind, create); manual {
		r.t.Skipf("Capabilities.Manual: creating a %s is a manual step on %s (%s)", kind, r.p.Name(), step)
	}
}

// nextOp is the operation a check invokes on an object observed in o: the first row of the
// kind's table, in table order, that the platform can invoke from o's state and that moves the
// object on — invocable, not the create, not on request (membership, metadata and drills need
// parameters the user gives), not a manual step on this platform — delete when nothing else
// is left (a replica). Nil when there is none.
func (r *runner) nextOp(kind lifecycle.Kind, o lifecycle.Observation) *lifecycle.Operation {
	var del *lifecycle.Operation
	for _, op := range lifecycle.Table(kind).Operations() {
		if !op.Invocable || op.Create || op.OnRequest || !op.IsFrom(o.State, o.FailedOp) {
			continue
		}
		if _, manual := r.p.Capabilities().ManualStep(kind, op.Name); manual {
			continue
		}
		if _, refused := r.p.Capabilities().RefusedFrom(kind, op.Name, o.State, o.FailedOp); refused {
			continue // the platform's allow-list refuses it there (Capabilities.Refused)
		}
		if op.Name == lifecycle.OpDelete {
			del = op
			continue
		}
		return op
	}
	return del
}

// refusedOp is an operation the kind's table refuses from state s (a from-state it does not
// list): invocable, not the create, not on request, not a manual step, and one that a driver
// reading before it writes cannot take for already done (platform.Underway). Nil when every
// such operation is allowed from s.
func (r *runner) refusedOp(kind lifecycle.Kind, s lifecycle.State) *lifecycle.Operation {
	for _, op := range lifecycle.Table(kind).Operations() {
		if !op.Invocable || op.Create || op.OnRequest || op.IsFrom(s, "") || platform.Underway(kind, op.Name, s) {
			continue
		}
		if _, manual := r.p.Capabilities().ManualStep(kind, op.Name); manual {
			continue
		}
		return op
	}
	return nil
}

// refusable reports, from the table alone, whether some operation is refused from the state a
// new object of kind is in (the precondition_failed check applies to the kind).
func refusable(kind lifecycle.Kind) bool {
	s := created(kind)
	for _, op := range lifecycle.Table(kind).Operations() {
		if op.Invocable && !op.Create && !op.OnRequest && !op.IsFrom(s, "") && !platform.Underway(kind, op.Name, s) {
			return true
		}
	}
	return false
}

// updatable reports whether the kind's table has an update operation (metadata with a
// version: the conflict checks apply).
func updatable(kind lifecycle.Kind) bool {
	_, ok := lifecycle.Table(kind).Operation(lifecycle.OpUpdate)
	return ok
}

// update renames an object from the version the caller last observed.
func (r *runner) update(kind lifecycle.Kind, id, name string, version int64) (int64, error) {
	switch kind {
	case pairK:
		cur := must(r.pairs().GetPair(r.ctx, id))(r)
		p, err := r.pairs().UpdatePair(r.ctx, id, platform.PairSpec{Name: name, Description: cur.Description, Version: version})
		return p.Version, err
	case groupK:
		cur := must(r.groups().GetGroup(r.ctx, id))(r)
		g, err := r.groups().UpdateGroup(r.ctx, id, platform.GroupSpec{Name: name, Description: cur.Description, Version: version})
		return g.Version, err
	}
	r.t.Fatalf("%s has no update", kind)
	return 0, nil
}

// renamable skips a check that renames an object where the platform cannot change names
// (Capabilities.Fixed).
func (r *runner) renamable(kind lifecycle.Kind) {
	r.t.Helper()
	if c := r.p.Capabilities(); c != nil {
		if why, fixed := c.Fixed[kind][lifecycle.ParamName]; fixed {
			r.t.Skipf("Capabilities.Fixed: %s cannot change a %s's name (%s)", r.p.Name(), kind, why)
		}
	}
}

// name returns the object's name as the platform reads it.
func (r *runner) name(kind lifecycle.Kind, id string) string {
	r.t.Helper()
	switch kind {
	case pairK:
		return must(r.pairs().GetPair(r.ctx, id))(r).Name
	case groupK:
		return must(r.groups().GetGroup(r.ctx, id))(r).Name
	case replicaK:
		return must(r.replicas().GetReplica(r.ctx, id))(r).Name
	case rsK:
		return must(r.servers().GetRecoveryServer(r.ctx, id))(r).Name
	}
	return ""
}

// count is how many objects of kind the platform lists.
func (r *runner) count(kind lifecycle.Kind) int {
	r.t.Helper()
	switch kind {
	case pairK:
		return len(must(r.pairs().ListPairs(r.ctx))(r))
	case groupK:
		return len(must(r.groups().ListGroups(r.ctx))(r))
	case replicaK:
		return len(must(r.replicas().ListReplicas(r.ctx))(r))
	case rsK:
		return len(must(r.servers().ListRecoveryServers(r.ctx))(r))
	}
	return 0
}
