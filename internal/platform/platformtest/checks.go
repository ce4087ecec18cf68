package platformtest

import (
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

const (
	pairK    = lifecycle.ReplicationPair
	groupK   = lifecycle.ProtectionGroup
	replicaK = lifecycle.BackupReplica
	rsK      = lifecycle.RecoveryServer
)

// ---- state mapping ----

func checkPairStates(r *runner) {
	if _, manual := r.pairCreateManual(); manual {
		checkGroupPairStates(r)
		return
	}
	w := r.world()
	p := r.newPair(w, "pt-pair")
	if o := must(r.p.Observe(r.ctx, pairK, p.ID))(r); o.ActiveSite != lifecycle.SiteSource {
		r.t.Fatalf("a new pair's active site is %q, want %q", o.ActiveSite, lifecycle.SiteSource)
	}
	r.run(pairK, p.ID, lifecycle.OpStart, nil)
	r.run(pairK, p.ID, lifecycle.OpStop, nil)
	r.run(pairK, p.ID, lifecycle.OpStart, nil)
	r.run(pairK, p.ID, lifecycle.OpFailover, nil) // in the standby region (R001-3), production flips
	r.run(pairK, p.ID, lifecycle.OpReprotect, nil)
	if o := must(r.p.Observe(r.ctx, pairK, p.ID))(r); o.State == lifecycle.Paused {
		r.run(pairK, p.ID, lifecycle.OpStart, nil) // Alibaba: reprotect ends paused, start follows
	}
	if o := must(r.p.Observe(r.ctx, pairK, p.ID))(r); o.ActiveSite != lifecycle.SiteTarget {
		r.t.Fatalf("after failover and reprotect the active site is %q, want %q", o.ActiveSite, lifecycle.SiteTarget)
	}
	r.run(pairK, p.ID, lifecycle.OpStop, nil)
	r.run(pairK, p.ID, lifecycle.OpDelete, nil)
}

// checkGroupPairStates is state_mapping/replication_pair on a platform that makes pairs inside
// protection groups (Huawei SDRS: protecting a server creates a pair per disk; CreatePair is a
// manual step): the pair the group made is observed, read and listed alike, names its group and
// its two disks, mirrors the group's operations (enable, failover, reprotect, disable), refuses
// replication operations invoked on itself (they are the group's), is renamed (update, its own
// operation), and is gone once its server is unprotected.
func checkGroupPairStates(r *runner) {
	w := r.world()
	p, g := r.groupPair(w, "pt-pair")
	o := r.wantSettled(pairK, p.ID, lifecycle.Configured, "")
	if o.ActiveSite != lifecycle.SiteSource || !o.Facts.InGroup || o.Facts.GroupID != g.ID {
		r.t.Fatalf("a group's new pair: active site %q, in group %v (%q), want %q in %q", o.ActiveSite, o.Facts.InGroup, o.Facts.GroupID, lifecycle.SiteSource, g.ID)
	}
	if p.GroupID != g.ID || p.PrimaryVolumeID == "" || p.SecondaryVolumeID == "" || p.PrimaryVolumeID == p.SecondaryVolumeID {
		r.t.Fatalf("a group's pair: group %q (want %q), volumes %q → %q", p.GroupID, g.ID, p.PrimaryVolumeID, p.SecondaryVolumeID)
	}
	err := r.p.Invoke(r.ctx, pairK, p.ID, lifecycle.OpStart, token(), nil)
	r.wantClass(err, "start invoked on a group's pair", platform.ClassInvalid, platform.ClassPreconditionFailed)
	r.wantSettled(pairK, p.ID, lifecycle.Configured, "")
	r.run(groupK, g.ID, lifecycle.OpEnableProtection, nil)
	r.wantSettled(pairK, p.ID, lifecycle.Replicating, "")
	r.run(groupK, g.ID, lifecycle.OpFailover, nil)
	if o := r.wantSettled(pairK, p.ID, lifecycle.FailedOver, ""); o.ActiveSite != lifecycle.SiteTarget {
		r.t.Fatalf("a failed-over group's pair: active site %q, want %q", o.ActiveSite, lifecycle.SiteTarget)
	}
	r.run(groupK, g.ID, lifecycle.OpReprotect, nil)
	r.wantSettled(pairK, p.ID, lifecycle.Replicating, "")
	r.run(groupK, g.ID, lifecycle.OpDisableProtection, nil)
	r.wantSettled(pairK, p.ID, lifecycle.Paused, "")
	r.run(pairK, p.ID, lifecycle.OpUpdate, map[string]string{lifecycle.ParamName: "pt-renamed", lifecycle.ParamDescription: p.Description})
	if got := must(r.pairs().GetPair(r.ctx, p.ID))(r); got.Name != "pt-renamed" {
		r.t.Fatalf("a renamed pair is named %q", got.Name)
	}
	r.run(groupK, g.ID, lifecycle.OpRemoveServer, map[string]string{"server_id": w.server.ID})
	r.wantGone(pairK, p.ID)
}

// checkGroupStates operates a group with one pair and one protected server. On a platform
// that does not manage pairs as their own kind (Huawei SDRS: a pair is created inside a group,
// one per disk of a protected server), the pair comes with the server: the server gets an
// attached disk, and the group must show one pair once the server is protected.
func checkGroupStates(r *runner) {
	w := r.world()
	_, madeInGroups := r.pairCreateManual()
	pairs := r.supports(pairK) && !madeInGroups
	var p platform.ReplicationPair
	if pairs {
		p = r.newPair(w, "pt-member")
	} else {
		v := must(r.fx.PutVolume(r.ctx, platform.Volume{SiteID: w.src.ID, SizeGB: 10}))(r)
		must(r.fx.AttachVolume(r.ctx, v.ID, w.server.ID))(r)
	}
	g := must(r.groups().CreateGroup(r.ctx, r.groupSpec("pt-group", w), token()))(r)
	r.wantSettled(groupK, g.ID, lifecycle.Configured, "")
	if pairs {
		r.run(groupK, g.ID, lifecycle.OpAddMember, map[string]string{"pair_id": p.ID})
	}
	// a platform whose groups hold no servers (Alibaba replica groups) declares add_server a
	// manual step in its Capabilities; the server steps are skipped for it
	_, noServers := r.p.Capabilities().ManualStep(groupK, lifecycle.OpAddServer)
	wantServers := 0
	if !noServers {
		r.run(groupK, g.ID, lifecycle.OpAddServer, map[string]string{"server_id": w.server.ID})
		wantServers = 1
	}
	gr := r.wantMembers(g.ID)
	if len(gr.PairIDs) != 1 || (pairs && gr.PairIDs[0] != p.ID) || len(gr.ServerIDs) != wantServers || (wantServers == 1 && gr.ServerIDs[0] != w.server.ID) {
		r.t.Fatalf("group members: pairs %v servers %v", gr.PairIDs, gr.ServerIDs)
	}
	r.run(groupK, g.ID, lifecycle.OpEnableProtection, nil)
	if pairs {
		if pm := must(r.pairs().GetPair(r.ctx, p.ID))(r); pm.GroupID != g.ID {
			r.t.Fatalf("member pair's group is %q, want %q", pm.GroupID, g.ID)
		}
	}
	r.run(groupK, g.ID, lifecycle.OpFailover, nil)
	r.run(groupK, g.ID, lifecycle.OpReprotect, nil)
	r.run(groupK, g.ID, lifecycle.OpDisableProtection, nil)
	if pairs {
		r.run(groupK, g.ID, lifecycle.OpRemoveMember, map[string]string{"pair_id": p.ID})
	}
	if !noServers {
		r.run(groupK, g.ID, lifecycle.OpRemoveServer, map[string]string{"server_id": w.server.ID})
	}
	r.run(groupK, g.ID, lifecycle.OpDelete, nil)
	if pairs {
		if pm := must(r.pairs().GetPair(r.ctx, p.ID))(r); pm.GroupID != "" {
			r.t.Fatalf("a removed member still names group %q", pm.GroupID)
		}
	}
}

// wantMembers waits until the group shows a pair (a platform may create a protected server's
// pairs asynchronously) and returns it.
func (r *runner) wantMembers(id string) platform.ProtectionGroup {
	r.t.Helper()
	deadline := time.Now().Add(r.h.SettleTimeout)
	for step := time.Second; ; step = min(2*step, time.Hour) {
		g, err := r.groups().GetGroup(r.ctx, id)
		if err != nil && !platform.IsRetryable(err) {
			r.t.Fatalf("get group %s: %v", id, err)
		}
		if err == nil && len(g.PairIDs) > 0 {
			return g
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("group %s shows no pair within %v (servers %v)", id, r.h.SettleTimeout, g.ServerIDs)
		}
		r.pause(step)
	}
}

// backupWorld adds a backup vault at the production site's region, a replication vault at the
// DR region, and an available server backup of the production server.
func (r *runner) backupWorld(w world) (backup platform.Backup, replicaVault platform.Vault) {
	r.t.Helper()
	bv := must(r.fx.PutVault(r.ctx, platform.Vault{Region: w.src.Region, Purpose: platform.VaultBackup}))(r)
	replicaVault = must(r.fx.PutVault(r.ctx, platform.Vault{Region: w.dst.Region, Purpose: platform.VaultReplication}))(r)
	backup = must(r.fx.PutBackup(r.ctx, platform.Backup{Kind: platform.BackupKindServer, SourceID: w.server.ID, IncludesSystemDisk: true,
		Status: platform.BackupAvailable, Region: w.src.Region, VaultID: bv.ID, SizeGB: 1}))(r)
	return backup, replicaVault
}

func (r *runner) replicaSpec(w world, b platform.Backup, v platform.Vault) platform.ReplicaSpec {
	return platform.ReplicaSpec{BackupID: b.ID, DestinationRegion: w.dst.Region, DestinationVaultID: v.ID, Name: "pt_replica"}
}

func checkReplicaStates(r *runner) {
	s := r.make(replicaK, "pt-replica")
	if got := must(r.replicas().GetReplica(r.ctx, s.id))(r); got.ReplicaBackupID == "" || got.DestinationRegion != s.w.dst.Region {
		r.t.Fatalf("available replica: %+v", got)
	}
	r.run(replicaK, s.id, lifecycle.OpDelete, nil)
}

func checkRecoveryServerStates(r *runner) {
	s := r.make(rsK, "pt-rs")
	r.run(rsK, s.id, lifecycle.OpTestFailover, nil)
	r.run(rsK, s.id, lifecycle.OpStopTestFailover, nil)
	r.run(rsK, s.id, lifecycle.OpFailover, nil) // finalizing (platform-driven) → failed_over
	r.run(rsK, s.id, lifecycle.OpCancelFailover, nil)
	r.run(rsK, s.id, lifecycle.OpDelete, nil)
}

// checkStates walks an object of the kind through its lifecycle (state_mapping/<kind>).
func checkStates(r *runner, k lifecycle.Kind) {
	switch k {
	case pairK:
		checkPairStates(r)
	case groupK:
		checkGroupStates(r)
	case replicaK:
		checkReplicaStates(r)
	case rsK:
		checkRecoveryServerStates(r)
	}
}

// first is the object of kind a check works on and the operation it invokes from its first
// state (nextOp). Where the platform makes the kind only inside another object (a pair inside
// an SDRS protection group: Capabilities.Manual create), the object's state-changing
// operations are that object's (V-PAIR-IN-GROUP) and the check skips, naming the capability:
// the container kind's check covers them.
func (r *runner) first(k lifecycle.Kind, name string) (subject, *lifecycle.Operation) {
	r.t.Helper()
	s := r.make(k, name)
	op := r.nextOp(k, s.obs)
	if op == nil {
		r.t.Fatalf("%s %s in %s: no operation to invoke", k, s.id, s.obs.State)
	}
	if s.group != "" {
		step, _ := r.pairCreateManual()
		r.t.Skipf("Capabilities.Manual: %s makes replication pairs only inside protection groups (%s); a pair's %s is its group's (V-PAIR-IN-GROUP), which the protection_group checks run", r.p.Name(), step, op.Name)
	}
	return s, op
}

// checkErrorState: an operation that fails on the platform is observed as error{op} with the
// platform's message, through Observe and Get*, and the retry from error{op} succeeds.
func checkErrorState(r *runner, k lifecycle.Kind) {
	of, ok := r.fx.(OperationFaults)
	if !ok {
		r.t.Skip("the fixture cannot make an operation fail (OperationFaults)")
	}
	s, op := r.first(k, "pt-fails")
	r.ok(of.FailNext(r.ctx, k, op.Name, 1), "arm a failure of "+string(op.Name))
	r.do(k, s.id, op.Name, nil)
	o := r.wantSettled(k, s.id, lifecycle.Error, op.Name)
	if o.LastError == "" {
		r.t.Fatalf("error{%s} without the platform's message (Observation.LastError)", op.Name)
	}
	if got := r.typedObs(k, s.id); got.FailedOp != op.Name || got.LastError == "" {
		r.t.Fatalf("Get of a failed %s: failed op %q, last error %q", op.Name, got.FailedOp, got.LastError)
	}
	if op.IsFrom(lifecycle.Error, op.Name) {
		r.run(k, s.id, op.Name, nil) // the retry from error{op} succeeds
	}
}

// ---- idempotency (R001-4) ----

func checkIdempotentInvoke(r *runner, k lifecycle.Kind) {
	s, op := r.first(k, "pt-idem")
	tok := token()
	params := r.withRegion(op, s.obs, nil)
	r.ok(r.p.Invoke(r.ctx, k, s.id, op.Name, tok, params), string(op.Name))
	r.ok(r.p.Invoke(r.ctx, k, s.id, op.Name, tok, params), string(op.Name)+" replayed at once with the same token")
	target := op.Target(s.obs.State)
	if target == lifecycle.Deleted {
		r.wantGone(k, s.id)
		if err := r.p.Invoke(r.ctx, k, s.id, op.Name, tok, params); err != nil && !platform.IsNotFound(err) {
			r.t.Fatalf("%s replayed after it completed: %v", op.Name, err)
		}
		return
	}
	o := r.wantSettled(k, s.id, target, "")
	// the operation may not start again from its result: the replay must answer from the token
	r.ok(r.p.Invoke(r.ctx, k, s.id, op.Name, tok, params), string(op.Name)+" replayed after it completed")
	o2 := r.wantSettled(k, s.id, target, "")
	if o.Version != 0 && !r.h.sameRecord(o2.Version, o.Version) {
		r.t.Fatalf("a replayed %s changed the object: version %d → %d", op.Name, o.Version, o2.Version)
	}
	next := r.nextOp(k, o2)
	if next == nil || next.Name == op.Name {
		return // the table offers no other operation from here to reuse the token for
	}
	err := r.p.Invoke(r.ctx, k, s.id, next.Name, tok, r.withRegion(next, o2, nil))
	pe := r.wantClass(err, "the "+string(op.Name)+" token reused for "+string(next.Name), platform.ClassInvalid)
	if pe.Code != platform.CodeIdempotentParameterMismatch {
		r.t.Fatalf("token reuse with other parameters: code %q, want %q", pe.Code, platform.CodeIdempotentParameterMismatch)
	}
	r.wantSettled(k, s.id, target, "")
}

func checkIdempotentCreate(r *runner, k lifecycle.Kind) {
	r.creatable(k)
	create := r.creator(k, r.world())
	tok := token()
	id1 := must(create("pt-create", tok))(r)
	after := r.count(k) // one more, or as many where the create adopts what the console made (Acronis)
	id2 := must(create("pt-create", tok))(r)
	if id1 != id2 {
		r.t.Fatalf("one create token made two %s objects: %s and %s", k, id1, id2)
	}
	r.wantSettled(k, id1, created(k), "")
	if id3 := must(create("pt-create", tok))(r); id3 != id1 {
		r.t.Fatalf("a create replayed after it completed made %s %s (first %s)", k, id3, id1)
	}
	_, err := create("pt-other", tok)
	pe := r.wantClass(err, "a create token reused with another name", platform.ClassInvalid)
	if pe.Code != platform.CodeIdempotentParameterMismatch {
		r.t.Fatalf("create token reuse: code %q, want %q", pe.Code, platform.CodeIdempotentParameterMismatch)
	}
	if n := r.count(k); n != after {
		r.t.Fatalf("%d %s objects after one create replayed twice (%d after the first)", n, k, after)
	}
}

// ---- error classes ----

// checkNotFound: a well-formed ID of this platform that no longer exists (the object made and
// deleted — through the console where deleting is a manual step, through its group where the
// group makes it), and an ID that never existed, are NotFound to every read and to delete.
func checkNotFound(r *runner, k lifecycle.Kind) {
	s := r.make(k, "pt-gone")
	r.dispose(s)
	for _, id := range []string{s.id, "pt-missing-" + strings.ReplaceAll(string(k), "_", "-")} {
		_, err := r.p.Observe(r.ctx, k, id)
		pe := r.wantClass(err, "observe a missing "+string(k), platform.ClassNotFound)
		var nf interface{ NotFound() bool }
		if !errors.As(err, &nf) || !nf.NotFound() || pe.Retryable() {
			r.t.Fatalf("observe a missing %s: the executor cannot read NotFound() from %v", k, err)
		}
		r.wantClass(r.get(k, id), "get a missing "+string(k), platform.ClassNotFound)
		if _, manual := r.p.Capabilities().ManualStep(k, lifecycle.OpDelete); !manual {
			r.wantClass(r.p.Invoke(r.ctx, k, id, lifecycle.OpDelete, token(), nil), "delete a missing "+string(k), platform.ClassNotFound)
		}
	}
}

// checkPreconditionFailed: an operation the table refuses from the object's state is refused by
// the platform as PreconditionFailed, never Retryable, and changes nothing.
func checkPreconditionFailed(r *runner, k lifecycle.Kind) {
	s := r.make(k, "pt-pre")
	op := r.refusedOp(k, s.obs.State)
	if op == nil { // the table refuses some operation from here: the platform offers none of them
		r.t.Skipf("Capabilities.Manual: every %s operation the table refuses from %s is a manual step on %s", k, s.obs.State, r.p.Name())
	}
	err := r.p.Invoke(r.ctx, k, s.id, op.Name, token(), nil)
	pe := r.wantClass(err, string(op.Name)+" a "+string(k)+" in "+string(s.obs.State), platform.ClassPreconditionFailed)
	if pe.Retryable() {
		r.t.Fatalf("%s refused by state is Retryable (V-NO-RETRY)", op.Name)
	}
	if o := r.wantSettled(k, s.id, s.obs.State, ""); o.Version != 0 && !r.h.sameRecord(o.Version, s.obs.Version) {
		r.t.Fatalf("a refused operation changed the %s: version %d → %d", k, s.obs.Version, o.Version)
	}
}

func checkConflict(r *runner, k lifecycle.Kind) {
	r.renamable(k)
	s := r.make(k, "pt-conflict")
	v, err := r.update(k, s.id, "pt-first", s.obs.Version)
	r.ok(err, "update")
	if got := r.name(k, s.id); got != "pt-first" || v == s.obs.Version {
		r.t.Fatalf("update: name %q version %d (was %d); a platform without object versions keeps one per observed record", got, v, s.obs.Version)
	}
	_, err = r.update(k, s.id, "pt-stale", s.obs.Version)
	pe := r.wantClass(err, "an update from a stale version", platform.ClassConflict)
	if pe.Retryable() {
		r.t.Fatal("a version conflict is Retryable: repeating it would overwrite the other writer")
	}
	if got := r.name(k, s.id); got != "pt-first" {
		r.t.Fatalf("the stale update overwrote the name: %q", got)
	}
}

// checkRetryable: with every API call throttled, a list and an operation are Retryable errors
// the executor can read; the operation retried with its token afterwards takes effect once.
func checkRetryable(r *runner, k lifecycle.Kind) {
	tf, ok := r.fx.(TransientFaults)
	if !ok {
		r.t.Skip("the fixture cannot inject throttling (TransientFaults)")
	}
	s, op := r.first(k, "pt-retry")
	r.ok(tf.SetTransientErrorRate(r.ctx, 1), "inject throttling")
	// a list may be served from a plan-scoped read cache (Alibaba's and Huawei's snapshots);
	// one that reaches the API surfaces the throttling
	if err := r.list(k); err != nil {
		r.wantClass(err, "list while throttled", platform.ClassRetryable)
	}
	tok := token()
	params := r.withRegion(op, s.obs, nil)
	err := r.p.Invoke(r.ctx, k, s.id, op.Name, tok, params)
	pe := r.wantClass(err, string(op.Name)+" while throttled", platform.ClassRetryable)
	var re interface{ Retryable() bool }
	if !errors.As(err, &re) || !re.Retryable() || !pe.Retryable() {
		r.t.Fatalf("the executor cannot read Retryable() from %v", err)
	}
	r.ok(tf.SetTransientErrorRate(r.ctx, 0), "stop throttling")
	// the retry with the same token takes effect once
	r.ok(r.p.Invoke(r.ctx, k, s.id, op.Name, tok, params), string(op.Name)+" retried with its token")
	if err := r.p.Invoke(r.ctx, k, s.id, op.Name, tok, params); err != nil && !(op.OnSuccess == lifecycle.Deleted && platform.IsNotFound(err)) {
		r.t.Fatalf("%s retried twice with its token: %v", op.Name, err)
	}
	if target := op.Target(s.obs.State); target == lifecycle.Deleted {
		r.wantGone(k, s.id)
	} else {
		r.wantSettled(k, s.id, target, "")
	}
}

func checkQuota(r *runner, k lifecycle.Kind) {
	r.creatable(k)
	q, ok := r.fx.(Quotas)
	if !ok {
		r.t.Skip("the fixture has no quotas (Quotas)")
	}
	w := r.world()
	id := r.createSpec(k, w, "pt-quota-1", "")(r)
	r.wantSettled(k, id, created(k), "")
	r.ok(q.SetQuota(r.ctx, k, r.count(k)), "set the quota to what exists")
	_, err := r.create(k, w, "pt-quota-2", "")
	if pe := r.wantClass(err, "a "+string(k)+" over quota", platform.ClassQuota); pe.Retryable() {
		r.t.Fatal("a quota error is Retryable")
	}
}

// checkInvalid: malformed client tokens (R001-4) and an operation the kind does not have are
// Invalid, never Retryable, on Invoke and on create; the object is unchanged.
func checkInvalid(r *runner, k lifecycle.Kind) {
	s, op := r.first(k, "pt-invalid")
	for what, tok := range map[string]string{
		"a non-ASCII client token":     "tök-" + token(),
		"a client token over 64 chars": strings.Repeat("t", 65),
	} {
		pe := r.wantClass(r.p.Invoke(r.ctx, k, s.id, op.Name, tok, r.withRegion(op, s.obs, nil)), string(op.Name)+" with "+what, platform.ClassInvalid)
		if pe.Retryable() {
			r.t.Fatalf("%s is Retryable", what)
		}
		if _, manual := r.p.Capabilities().ManualStep(k, lifecycle.Table(k).CreateOperation().Name); !manual {
			_, err := r.create(k, r.world(), "pt-bad-token", tok)
			r.wantClass(err, "a create with "+what, platform.ClassInvalid)
		}
	}
	r.wantClass(r.p.Invoke(r.ctx, k, s.id, lifecycle.Op("pt_no_such_operation"), token(), nil), "an unknown operation", platform.ClassInvalid)
	if k == pairK {
		if _, manual := r.pairCreateManual(); !manual {
			pv, _ := r.volumes(s.w)
			_, err := r.pairs().CreatePair(r.ctx, platform.PairSpec{Name: "pt-same", PrimaryVolumeID: pv.ID, SecondaryVolumeID: pv.ID}, token())
			r.wantClass(err, "a pair of a volume with itself", platform.ClassInvalid)
		}
	}
	r.wantSettled(k, s.id, s.obs.State, "")
}

// ---- observe after invoke ----

func checkObserveAfterInvoke(r *runner, k lifecycle.Kind) {
	s, op := r.first(k, "pt-read-own-write")
	after := r.do(k, s.id, op.Name, nil) // asserts the row's Via, Pending or result
	if op.OnSuccess == lifecycle.Deleted {
		r.wantGone(k, s.id)
		return
	}
	if s.obs.Version != 0 && after.Version == s.obs.Version {
		r.t.Fatalf("version %d unchanged across %s (a version changes whenever the object does)", after.Version, op.Name)
	}
	got := r.typedObs(k, s.id)
	if got.State != after.State && got.State != op.Target(s.obs.State) && !platform.Underway(k, op.Name, got.State) {
		r.t.Fatalf("Get right after %s: %s, Observe said %s", op.Name, got.State, after.State)
	}
	r.wantSettled(k, s.id, op.Target(s.obs.State), "")
}

// ---- cancel ----

func checkCancelRunning(r *runner, k lifecycle.Kind) {
	s, op := r.first(k, "pt-cancel")
	r.do(k, s.id, op.Name, nil)
	now, err := r.p.Observe(r.ctx, k, s.id)
	if err != nil && !(op.OnSuccess == lifecycle.Deleted && platform.IsNotFound(err)) {
		r.t.Fatalf("observe after %s: %v", op.Name, err)
	}
	running := op.Via != "" && err == nil && now.State == op.Via
	if !running && op.Via != "" && r.h.Advance != nil {
		r.t.Fatalf("%s finished without simulated time passing", op.Name)
	}
	r.cancel(k, s.id, op, "cancel a running "+string(op.Name))
	o, exists := r.settle(k, s.id)
	target := op.Target(s.obs.State)
	switch {
	case !exists:
		if target != lifecycle.Deleted {
			r.t.Fatalf("the %s is gone after cancelling %s", k, op.Name)
		}
	case r.h.Cancels && running && r.h.Advance != nil:
		if o.State != s.obs.State {
			r.t.Fatalf("a cancelled %s settled in %s, want its from-state %s", op.Name, lifecycle.RenderState(o.State, o.FailedOp), s.obs.State)
		}
	case o.State != s.obs.State && o.State != target:
		r.t.Fatalf("after cancelling %s the %s is %s, want %s (cancelled) or %s (finished)", op.Name, k,
			lifecycle.RenderState(o.State, o.FailedOp), s.obs.State, target)
	}
	if !exists {
		return
	}
	r.ok(r.p.Cancel(r.ctx, k, s.id, op.Name), "cancel again, nothing running")
	if o.State == s.obs.State { // the object is usable after a cancel
		r.run(k, s.id, op.Name, nil)
	}
}

func checkCancelIdle(r *runner, k lifecycle.Kind) {
	s, op := r.first(k, "pt-cancel-idle")
	r.ok(r.p.Cancel(r.ctx, k, s.id, op.Name), "cancel with nothing running")
	if o := r.wantSettled(k, s.id, s.obs.State, ""); o.Version != 0 && !r.h.sameRecord(o.Version, s.obs.Version) {
		r.t.Fatalf("a no-op cancel changed the %s: version %d → %d", k, s.obs.Version, o.Version)
	}
	// cancelling another operation than the running one leaves it running
	other := lifecycle.OpDelete
	if op.Name == lifecycle.OpDelete {
		other = lifecycle.Op("pt_no_such_operation")
	}
	r.do(k, s.id, op.Name, nil)
	r.cancel(k, s.id, &lifecycle.Operation{Name: other, OnSuccess: op.OnSuccess}, "cancel an operation that is not running")
	if r.h.Advance != nil && op.Via != "" {
		if o, err := r.p.Observe(r.ctx, k, s.id); err == nil && o.State != op.Via && o.State != op.Target(s.obs.State) {
			r.t.Fatalf("cancelling %s changed a running %s: %s", other, op.Name, o.State)
		}
	}
	if target := op.Target(s.obs.State); target == lifecycle.Deleted {
		r.wantGone(k, s.id)
	} else {
		r.wantSettled(k, s.id, target, "")
	}
}

// cancel cancels op on the object: it never fails, but for NotFound when op deletes the object
// and it is gone already.
func (r *runner) cancel(k lifecycle.Kind, id string, op *lifecycle.Operation, what string) {
	r.t.Helper()
	err := r.p.Cancel(r.ctx, k, id, op.Name)
	if err != nil && op.OnSuccess == lifecycle.Deleted && platform.IsNotFound(err) {
		return
	}
	r.ok(err, what)
}

// ---- concurrency ----

const racers = 8

// race runs fn racers times at once and returns the errors.
func race(fn func(i int) error) []error {
	errs := make([]error, racers)
	var start, done sync.WaitGroup
	start.Add(1)
	for i := range racers {
		done.Add(1)
		go func() {
			defer done.Done()
			start.Wait()
			errs[i] = fn(i)
		}()
	}
	start.Done()
	done.Wait()
	return errs
}

// winners asserts at least one call succeeded and every other lost with PreconditionFailed or
// Conflict — or NotFound when the operation deletes the object, which a racing delete may have
// done first — never Internal, never Retryable; it returns the winners' indexes.
func (r *runner) winners(what string, deletes bool, errs []error) []int {
	r.t.Helper()
	var won []int
	lose := []platform.Class{platform.ClassPreconditionFailed, platform.ClassConflict}
	if deletes {
		lose = append(lose, platform.ClassNotFound)
	}
	for i, err := range errs {
		if err == nil {
			won = append(won, i)
			continue
		}
		r.wantClass(err, what+" (a losing call)", lose...)
	}
	if len(won) == 0 {
		r.t.Fatalf("%s: no call won: %v", what, errs)
	}
	return won
}

// checkConcurrentInvoke: racing calls of one operation with their own tokens take effect once:
// a loser gets PreconditionFailed or Conflict, never Internal. On a platform with client tokens
// exactly one wins; a driver whose vendor has none reads before it writes, so a call that finds
// the operation already running succeeds without a second request (platform.Underway) — the
// object still goes through the operation once and settles in its result.
func checkConcurrentInvoke(r *runner, k lifecycle.Kind) {
	s, op := r.first(k, "pt-race")
	params := r.withRegion(op, s.obs, nil)
	errs := race(func(int) error { return r.p.Invoke(r.ctx, k, s.id, op.Name, token(), params) })
	r.winners("concurrent "+string(op.Name), op.OnSuccess == lifecycle.Deleted, errs)
	target := op.Target(s.obs.State)
	if target == lifecycle.Deleted {
		r.wantGone(k, s.id)
		return
	}
	o := r.wantSettled(k, s.id, target, "")
	if next := r.nextOp(k, o); next != nil && next.Name != lifecycle.OpDelete {
		params := r.withRegion(next, o, nil)
		errs = race(func(int) error { return r.p.Invoke(r.ctx, k, s.id, next.Name, token(), params) })
		r.winners("concurrent "+string(next.Name), false, errs)
		r.wantSettled(k, s.id, next.Target(o.State), "")
	}
}

func checkConcurrentUpdate(r *runner, k lifecycle.Kind) {
	r.renamable(k)
	s := r.make(k, "pt-race-update")
	names := make([]string, racers)
	for i := range names {
		names[i] = "pt-writer-" + itoa(int64(i))
	}
	errs := race(func(i int) error {
		_, err := r.update(k, s.id, names[i], s.obs.Version)
		return err
	})
	won := r.winners("concurrent updates from one version", false, errs)
	if len(won) != 1 {
		r.t.Fatalf("concurrent updates from one version: %d won (%v); exactly one may", len(won), won)
	}
	for i, err := range errs {
		if err != nil {
			r.wantClass(err, "losing update "+itoa(int64(i)), platform.ClassConflict)
		}
	}
	if got := r.name(k, s.id); got != names[won[0]] {
		r.t.Fatalf("the winner was %q but the %s is named %q", names[won[0]], k, got)
	}
}

// list lists the objects of kind and returns the error.
func (r *runner) list(k lifecycle.Kind) error { return r.listIn(r.ctx, k) }
