package platformtest

import (
	"maps"
	"slices"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// world is the fixture's set-up for one check: a production site and a DR site in two
// replication-capable regions, and a production server.
type world struct {
	src, dst platform.Site
	server   platform.Server
}

func (r *runner) world() world {
	r.t.Helper()
	var w world
	w.src = must(r.fx.PutSite(r.ctx, platform.Site{Region: r.h.Regions[0], Zone: r.h.Regions[0] + "-a", Healthy: true, ReplicationCapable: true}))(r)
	w.dst = must(r.fx.PutSite(r.ctx, platform.Site{Region: r.h.Regions[1], Zone: r.h.Regions[1] + "-a", Healthy: true, ReplicationCapable: true}))(r)
	w.server = must(r.fx.PutServer(r.ctx, platform.Server{SiteID: w.src.ID, Name: "app", PowerState: platform.PowerRunning}))(r)
	return w
}

// volumes returns a fresh volume at each site, of one size.
func (r *runner) volumes(w world) (primary, secondary platform.Volume) {
	r.t.Helper()
	primary = must(r.fx.PutVolume(r.ctx, platform.Volume{SiteID: w.src.ID, SizeGB: 10}))(r)
	secondary = must(r.fx.PutVolume(r.ctx, platform.Volume{SiteID: w.dst.ID, SizeGB: 10}))(r)
	return primary, secondary
}

// pairSpec returns the spec of a pair between two fresh volumes.
func (r *runner) pairSpec(w world, name string) platform.PairSpec {
	pv, sv := r.volumes(w)
	return platform.PairSpec{Name: name, PrimaryVolumeID: pv.ID, SecondaryVolumeID: sv.ID}
}

// newPair creates a pair and waits until it is configured.
func (r *runner) newPair(w world, name string) platform.ReplicationPair {
	r.t.Helper()
	p := must(r.pairs().CreatePair(r.ctx, r.pairSpec(w, name), token()))(r)
	r.wantSettled(lifecycle.ReplicationPair, p.ID, lifecycle.Configured, "")
	return must(r.pairs().GetPair(r.ctx, p.ID))(r)
}

// groupPair makes a pair the way a platform that creates pairs inside protection groups does
// (Huawei SDRS: protecting a server creates a pair per disk of it): a disk attached to the
// world's server, a group, the server protected. It returns the group's one pair and the group.
func (r *runner) groupPair(w world, name string) (platform.ReplicationPair, platform.ProtectionGroup) {
	r.t.Helper()
	v := must(r.fx.PutVolume(r.ctx, platform.Volume{SiteID: w.src.ID, SizeGB: 10}))(r)
	must(r.fx.AttachVolume(r.ctx, v.ID, w.server.ID))(r)
	g := must(r.groups().CreateGroup(r.ctx, r.groupSpec(name, w), token()))(r)
	r.wantSettled(lifecycle.ProtectionGroup, g.ID, lifecycle.Configured, "")
	r.run(lifecycle.ProtectionGroup, g.ID, lifecycle.OpAddServer, map[string]string{"server_id": w.server.ID})
	gr := r.wantMembers(g.ID)
	if len(gr.PairIDs) != 1 {
		r.t.Fatalf("a group protecting a server with one disk has pairs %v", gr.PairIDs)
	}
	p := must(r.pairs().GetPair(r.ctx, gr.PairIDs[0]))(r)
	if p.PrimaryVolumeID != v.ID {
		r.t.Fatalf("the group's pair replicates %q, want the server's disk %q", p.PrimaryVolumeID, v.ID)
	}
	return p, gr
}

// ---- time ----

// pause lets a little time pass between polls: simulated time with Advance, wall time
// otherwise.
func (r *runner) pause(d time.Duration) {
	if r.h.Advance != nil {
		r.h.Advance(d)
		return
	}
	time.Sleep(2 * time.Millisecond)
}

// settle observes the object until it is in a stable, failed or terminal state, or gone
// (the returned bool is false when the object no longer exists).
func (r *runner) settle(kind lifecycle.Kind, id string) (lifecycle.Observation, bool) {
	r.t.Helper()
	tbl := lifecycle.Table(kind)
	deadline := time.Now().Add(r.h.SettleTimeout)
	step := time.Second
	for {
		o, err := r.p.Observe(r.ctx, kind, id)
		if platform.IsNotFound(err) {
			return o, false
		}
		if err != nil && !platform.IsRetryable(err) {
			r.t.Fatalf("observe %s %s: %v", kind, id, err)
		}
		if err == nil && tbl.Class(o.State) != lifecycle.Transitional {
			return o, true
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("%s %s did not settle within %v: still %s", kind, id, r.h.SettleTimeout, lifecycle.RenderState(o.State, o.FailedOp))
		}
		r.pause(step)
		step = min(2*step, time.Hour)
	}
}

// wantSettled waits for the object to settle and asserts its state (and failed op).
func (r *runner) wantSettled(kind lifecycle.Kind, id string, want lifecycle.State, failed lifecycle.Op) lifecycle.Observation {
	r.t.Helper()
	o, exists := r.settle(kind, id)
	if !exists {
		r.t.Fatalf("%s %s: gone, want %s", kind, id, lifecycle.RenderState(want, failed))
	}
	if o.State != want || o.FailedOp != failed {
		r.t.Fatalf("%s %s settled in %s, want %s (last error %q)", kind, id, lifecycle.RenderState(o.State, o.FailedOp),
			lifecycle.RenderState(want, failed), o.LastError)
	}
	r.agree(kind, id, o)
	return o
}

// wantGone waits until the object no longer exists and checks every read says NotFound.
func (r *runner) wantGone(kind lifecycle.Kind, id string) {
	r.t.Helper()
	if o, exists := r.settle(kind, id); exists && o.State != lifecycle.Deleted {
		r.t.Fatalf("%s %s settled in %s, want it deleted", kind, id, lifecycle.RenderState(o.State, o.FailedOp))
	}
	if _, err := r.p.Observe(r.ctx, kind, id); err != nil {
		r.wantClass(err, "observe a deleted object", platform.ClassNotFound)
	}
	if err := r.get(kind, id); err != nil {
		r.wantClass(err, "get a deleted object", platform.ClassNotFound)
	} else {
		r.t.Fatalf("get %s %s: a deleted object is still returned", kind, id)
	}
	if r.listed(kind, id) {
		r.t.Fatalf("list %s: a deleted object %s is still listed", kind, id)
	}
}

// ---- operations ----

// do invokes op on the object with a fresh token, checks the observation right after Invoke
// (the row's Via or Pending state, or its result — never the state before, R: observe after
// invoke), and returns that observation. params may be nil; a region is added when the row
// says where the call goes (R001-3).
func (r *runner) do(kind lifecycle.Kind, id string, op lifecycle.Op, params map[string]string) lifecycle.Observation {
	r.t.Helper()
	row, ok := lifecycle.Table(kind).Operation(op)
	if !ok {
		r.t.Fatalf("%s has no operation %s", kind, op)
	}
	before := must(r.p.Observe(r.ctx, kind, id))(r)
	params = r.withRegion(row, before, params)
	if step, manual := r.p.Capabilities().ManualStep(kind, op); manual {
		// a console-only step: a person performs it (the harness's console), the platform
		// observes the result
		if r.h.Console == nil {
			r.t.Skipf("%s %s is a manual step on this platform (%s) and the harness has no Console", kind, op, step)
		}
		r.ok(r.h.Console(r.ctx, kind, id, op), "console "+string(kind)+" "+string(op))
	} else {
		r.ok(r.p.Invoke(r.ctx, kind, id, op, token(), params), "invoke "+string(kind)+" "+string(op)+" from "+lifecycle.RenderState(before.State, before.FailedOp))
	}
	after, err := r.p.Observe(r.ctx, kind, id)
	if platform.IsNotFound(err) && op == lifecycle.OpDelete {
		return after
	}
	r.ok(err, "observe right after invoke "+string(op))
	r.wantAfterInvoke(kind, row, before, after)
	return after
}

func (r *runner) withRegion(row *lifecycle.Operation, before lifecycle.Observation, params map[string]string) map[string]string {
	if reg := row.RegionFor(before); reg != "" {
		out := map[string]string{"region": reg}
		for k, v := range params {
			out[k] = v
		}
		return out
	}
	return params
}

// wantAfterInvoke asserts the observation right after Invoke shows the operation: its Via or
// Pending state, its result, or (an operation without a visible transitional state) a new
// version.
func (r *runner) wantAfterInvoke(kind lifecycle.Kind, row *lifecycle.Operation, before, after lifecycle.Observation) {
	r.t.Helper()
	tbl := lifecycle.Table(kind)
	okStates := map[lifecycle.State]bool{row.Target(before.State): true}
	if row.Via != "" {
		okStates[row.Via] = true
	}
	for _, s := range row.Pending {
		okStates[s] = true
	}
	if row.OnFailure.State != "" {
		okStates[row.OnFailure.State] = true
	}
	// a platform-driven operation may already be leaving the Via state (finalizing → failed_over)
	if row.Via != "" {
		if settle := tbl.Settle(row.Via); settle != nil {
			okStates[settle.Target(row.Via)] = true
		}
	}
	if !okStates[after.State] {
		r.t.Fatalf("%s %s: observed %s right after invoking %s from %s; want one of %v (a driver must read its own write)",
			kind, after.ID, lifecycle.RenderState(after.State, after.FailedOp), row.Name, lifecycle.RenderState(before.State, before.FailedOp), keys(okStates))
	}
	if row.Via == "" && row.OnSuccess == "" && after.Version != 0 && after.Version == before.Version {
		r.t.Fatalf("%s %s: version unchanged right after invoking %s", kind, after.ID, row.Name)
	}
}

func keys(m map[lifecycle.State]bool) []lifecycle.State {
	out := make([]lifecycle.State, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// run invokes op and waits until the object settles in the row's result.
func (r *runner) run(kind lifecycle.Kind, id string, op lifecycle.Op, params map[string]string) lifecycle.Observation {
	r.t.Helper()
	if op == lifecycle.OpDelete {
		r.deletable(kind, id)
	}
	row, _ := lifecycle.Table(kind).Operation(op)
	before := must(r.p.Observe(r.ctx, kind, id))(r)
	r.do(kind, id, op, params)
	if op == lifecycle.OpDelete {
		r.wantGone(kind, id)
		return lifecycle.Observation{}
	}
	o := r.wantSettled(kind, id, row.Target(before.State), "")
	if row.Site == lifecycle.SiteFlip && o.ActiveSite == before.ActiveSite {
		r.t.Fatalf("%s %s: %s did not move production: active site still %s", kind, id, op, o.ActiveSite)
	}
	if row.Site != lifecycle.SiteFlip && before.ActiveSite != "" && o.ActiveSite != before.ActiveSite {
		r.t.Fatalf("%s %s: %s moved production: active site %s → %s", kind, id, op, before.ActiveSite, o.ActiveSite)
	}
	return o
}

// deletable brings the object to a state its platform deletes it from: where the platform's
// documented allow-list refuses a delete from the object's state (Capabilities.Refused), the
// engine's path to the deletion is run up to the delete, as the executor would run it.
func (r *runner) deletable(kind lifecycle.Kind, id string) {
	r.t.Helper()
	caps := r.p.Capabilities()
	o := must(r.p.Observe(r.ctx, kind, id))(r)
	if _, refused := caps.RefusedFrom(kind, lifecycle.OpDelete, o.State, o.FailedOp); !refused {
		return
	}
	path, vs := lifecycle.Plan(kind, o, lifecycle.Goal{States: []lifecycle.State{lifecycle.Deleted}}, lifecycle.Options{Platform: caps, AllowDataLoss: true})
	if bs := lifecycle.Blocking(vs); len(bs) > 0 {
		r.t.Fatalf("%s %s in %s: no path to a delete the platform allows: %v", kind, id, lifecycle.RenderState(o.State, o.FailedOp), lifecycle.Violations(bs))
	}
	for _, st := range path.Steps {
		switch {
		case st.Op == lifecycle.OpDelete:
			return
		case st.Wait:
			r.wantSettled(kind, id, st.To, "")
		default:
			r.run(kind, id, st.Op, st.Params)
		}
	}
}

// ---- typed reads ----

// get reads the object through its typed Get* method and checks it agrees with Observe.
func (r *runner) get(kind lifecycle.Kind, id string) error {
	_, err := r.typed(kind, id)
	return err
}

func (r *runner) typed(kind lifecycle.Kind, id string) (state lifecycle.State, err error) {
	o, err := r.typedRead(kind, id)
	return o.State, err
}

// typedRead reads the object through its typed Get* method and returns its read model's
// observation. Every read model carries the platform's complete capabilities
// (Observation.Platform = platform.CapabilitiesOf), so the allowed operations derived from it
// never list an operation the platform cannot invoke.
func (r *runner) typedRead(kind lifecycle.Kind, id string) (lifecycle.Observation, error) {
	var o lifecycle.Observation
	var err error
	switch kind {
	case lifecycle.ReplicationPair:
		var v platform.ReplicationPair
		v, err = r.pairs().GetPair(r.ctx, id)
		o = v.Observed
		o.State, o.FailedOp, o.LastError = v.State, v.FailedOp, v.LastError
	case lifecycle.ProtectionGroup:
		var v platform.ProtectionGroup
		v, err = r.groups().GetGroup(r.ctx, id)
		o = v.Observed
		o.State, o.FailedOp, o.LastError = v.State, v.FailedOp, v.LastError
	case lifecycle.BackupReplica:
		var v platform.BackupReplica
		v, err = r.replicas().GetReplica(r.ctx, id)
		o = v.Observed
		o.State, o.FailedOp, o.LastError = v.State, v.FailedOp, v.LastError
	case lifecycle.RecoveryServer:
		var v platform.RecoveryServer
		v, err = r.servers().GetRecoveryServer(r.ctx, id)
		o = v.Observed
		o.State, o.FailedOp, o.LastError = v.State, v.FailedOp, v.LastError
	default:
		r.t.Fatalf("unknown kind %s", kind)
	}
	if err == nil {
		r.wantCapabilities(kind, id, o)
	}
	return o, err
}

// typedObs is typedRead failing the check on an error.
func (r *runner) typedObs(kind lifecycle.Kind, id string) lifecycle.Observation {
	r.t.Helper()
	return must(r.typedRead(kind, id))(r)
}

// wantCapabilities checks that a read model carries the platform's complete capabilities.
func (r *runner) wantCapabilities(kind lifecycle.Kind, id string, o lifecycle.Observation) {
	r.t.Helper()
	want := platform.CapabilitiesOf(r.p)
	got := o.Platform
	if want == nil && got == nil {
		return
	}
	if got == nil || want == nil || got.Platform != want.Platform || !slices.Equal(got.Kinds, want.Kinds) ||
		!maps.EqualFunc(got.Manual, want.Manual, func(a, b map[lifecycle.Op]string) bool { return maps.Equal(a, b) }) {
		r.t.Fatalf("%s %s: the read model's Observation.Platform is %+v, want platform.CapabilitiesOf: %+v (allowed_operations is derived from it)", kind, id, got, want)
	}
}

func (r *runner) listed(kind lifecycle.Kind, id string) bool {
	r.t.Helper()
	var ids []string
	switch kind {
	case lifecycle.ReplicationPair:
		for _, v := range must(r.pairs().ListPairs(r.ctx))(r) {
			ids = append(ids, v.ID)
		}
	case lifecycle.ProtectionGroup:
		for _, v := range must(r.groups().ListGroups(r.ctx))(r) {
			ids = append(ids, v.ID)
		}
	case lifecycle.BackupReplica:
		for _, v := range must(r.replicas().ListReplicas(r.ctx))(r) {
			ids = append(ids, v.ID)
		}
	case lifecycle.RecoveryServer:
		for _, v := range must(r.servers().ListRecoveryServers(r.ctx))(r) {
			ids = append(ids, v.ID)
		}
	}
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// agree checks that a settled object reads the same through Get* and List* as through Observe.
func (r *runner) agree(kind lifecycle.Kind, id string, o lifecycle.Observation) {
	r.t.Helper()
	s, err := r.typed(kind, id)
	r.ok(err, "get "+string(kind))
	if s != o.State {
		r.t.Fatalf("%s %s: Get says %s, Observe says %s", kind, id, s, o.State)
	}
	if !r.listed(kind, id) {
		r.t.Fatalf("%s %s is not listed", kind, id)
	}
	if o.ID != "" && o.ID != id {
		r.t.Fatalf("observation of %s carries ID %s", id, o.ID)
	}
}
