package sandbox

import (
	"strings"
	"testing"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

func (e *env) backupWorld() {
	e.t.Helper()
	t := e.t
	must(e.sb.PutSite(e.ctx, platform.Site{ID: "sg-a", Region: "ap-singapore", Zone: "sg-a", Healthy: true, ReplicationCapable: true}))(t)
	must(e.sb.PutSite(e.ctx, platform.Site{ID: "eu-a", Region: "eu-west", Zone: "eu-a", Healthy: true}))(t)
	must(e.sb.PutVault(e.ctx, platform.Vault{ID: "vb", Region: "cn-shanghai", Purpose: "backup"}))(t)
	must(e.sb.PutVault(e.ctx, platform.Vault{ID: "vr", Region: "ap-singapore", Purpose: "replication"}))(t)
	must(e.sb.PutVault(e.ctx, platform.Vault{ID: "vsg-backup", Region: "ap-singapore", Purpose: "backup"}))(t)
	must(e.sb.PutVault(e.ctx, platform.Vault{ID: "veu", Region: "eu-west", Purpose: "replication"}))(t)
	must(e.sb.PutBackup(e.ctx, platform.Backup{ID: "b-srv", Kind: "server", SourceID: "web", IncludesSystemDisk: true, VaultID: "vb", SizeGB: 40}))(t)
	must(e.sb.PutBackup(e.ctx, platform.Backup{ID: "b-disk", Kind: "disk", SourceID: "vol-p", VaultID: "vb", SizeGB: 10}))(t)
	must(e.sb.PutBackup(e.ctx, platform.Backup{ID: "b-nosys", Kind: "server", SourceID: "web", VaultID: "vb", SizeGB: 10}))(t)
	must(e.sb.PutBackup(e.ctx, platform.Backup{ID: "b-creating", Kind: "server", SourceID: "web", IncludesSystemDisk: true, Status: "creating", VaultID: "vb", SizeGB: 10}))(t)
}

func TestReplicaRules(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.backupWorld()
	spec := func(backup, region, vault, name string) platform.ReplicaSpec {
		return platform.ReplicaSpec{BackupID: backup, DestinationRegion: region, DestinationVaultID: vault, Name: name}
	}
	try := func(s platform.ReplicaSpec, class platform.Class, rule string) {
		t.Helper()
		_, err := e.sb.CreateReplica(e.ctx, s, "")
		e.refused(err, class, rule)
	}
	try(spec("b-disk", "ap-singapore", "vr", "r"), platform.ClassPreconditionFailed, "R003-1")
	try(spec("b-srv", "eu-west", "veu", "r"), platform.ClassPreconditionFailed, "R003-2")
	try(spec("b-nosys", "ap-singapore", "vr", "r"), platform.ClassPreconditionFailed, "R003-4")
	try(spec("b-creating", "ap-singapore", "vr", "r"), platform.ClassPreconditionFailed, "R003-5")
	try(spec("b-srv", "ap-singapore", "vsg-backup", "r"), platform.ClassPreconditionFailed, "R003-11")
	try(spec("b-srv", "ap-singapore", "vb", "r"), platform.ClassPreconditionFailed, "R003-11")
	try(spec("b-srv", "ap-singapore", "vr", "bad name!"), platform.ClassInvalid, "R003-9")
	try(spec("b-srv", "ap-singapore", "vr", strings.Repeat("n", 65)), platform.ClassInvalid, "R003-9")
	long := spec("b-srv", "ap-singapore", "vr", "r")
	long.Description = strings.Repeat("d", 256)
	try(long, platform.ClassInvalid, "R003-10")
	try(spec("missing", "ap-singapore", "vr", "r"), platform.ClassPreconditionFailed, "")

	// proposed facts for plan time
	f := must(e.sb.ProposedReplicaFacts(e.ctx, spec("b-srv", "ap-singapore", "vr", "r")))(t)
	if !f.BackupExists || f.BackupType != "server" || !f.DestinationCapable || f.VaultPurpose != "replication" || f.ReplicaInDestination {
		t.Fatalf("proposed facts: %+v", f)
	}

	r := must(e.sb.CreateReplica(e.ctx, spec("b-srv", "ap-singapore", "vr", "r1"), ""))(t)
	if r.State != lifecycle.Requested {
		t.Fatalf("new replica %s", r.State)
	}
	e.clk.Advance(40 * time.Second) // 40 GiB × 2 s = 80 s
	r = must(e.sb.GetReplica(e.ctx, r.ID))(t)
	if r.State != lifecycle.Replicating || r.Progress < 45 || r.Progress > 55 {
		t.Fatalf("replicating: %s %d", r.State, r.Progress)
	}
	// R003-7: a second replica in the same region is refused while the first exists
	try(spec("b-srv", "ap-singapore", "vr", "r2"), platform.ClassPreconditionFailed, "R003-7")
	e.clk.Advance(time.Minute)
	r = must(e.sb.GetReplica(e.ctx, r.ID))(t)
	if r.State != lifecycle.Available || r.ReplicaBackupID == "" {
		t.Fatalf("available: %+v", r)
	}
	// the replica is a backup in the destination vault
	rb := must(e.sb.GetBackup(e.ctx, r.ReplicaBackupID))(t)
	if !rb.IsReplica || rb.SourceBackupID != "b-srv" || rb.VaultID != "vr" || rb.Region != "ap-singapore" {
		t.Fatalf("replica backup: %+v", rb)
	}
	// R003-6: a replica cannot be replicated again
	try(spec(rb.ID, "cn-beijing", "vr", "r3"), platform.ClassPreconditionFailed, "R003-6")
	try(spec("b-srv", "ap-singapore", "vr", "r2"), platform.ClassPreconditionFailed, "R003-7")

	// delete → re-replication allowed again (R003-7)
	e.ok(e.invoke(lifecycle.BackupReplica, r.ID, lifecycle.OpDelete, nil))
	e.wantState(lifecycle.BackupReplica, r.ID, "deleting")
	e.clk.Advance(time.Minute)
	if _, err := e.sb.GetReplica(e.ctx, r.ID); !platform.IsNotFound(err) {
		t.Fatalf("deleted replica: %v", err)
	}
	if _, err := e.sb.GetBackup(e.ctx, rb.ID); !platform.IsNotFound(err) {
		t.Fatalf("replica backup kept: %v", err)
	}
	r2 := must(e.sb.CreateReplica(e.ctx, spec("b-srv", "ap-singapore", "vr", "r2"), ""))(t)

	// R003-8: policy replication to a region happens once, even after the replica is deleted
	e.clk.Advance(time.Hour)
	e.ok(e.invoke(lifecycle.BackupReplica, r2.ID, lifecycle.OpDelete, nil))
	e.clk.Advance(time.Hour)
	ps := spec("b-srv", "ap-singapore", "vr", "pol")
	ps.Policy = true
	pr := must(e.sb.CreateReplica(e.ctx, ps, ""))(t)
	e.clk.Advance(time.Hour)
	e.ok(e.invoke(lifecycle.BackupReplica, pr.ID, lifecycle.OpDelete, nil))
	e.clk.Advance(time.Hour)
	must(e.sb.ListReplicas(e.ctx))(t)
	_, err := e.sb.CreateReplica(e.ctx, ps, "")
	e.refused(err, platform.ClassPreconditionFailed, "R003-8")
	// manual replication still allowed
	must(e.sb.CreateReplica(e.ctx, spec("b-srv", "ap-singapore", "vr", "manual"), ""))(t)

	// failure injection: error{replicate}, then retry through Invoke(replicate)
	must(e.sb.PutBackup(e.ctx, platform.Backup{ID: "b2", Kind: "server", IncludesSystemDisk: true, VaultID: "vb", SizeGB: 1}))(t)
	e.ok(e.sb.FailNext(e.ctx, lifecycle.BackupReplica, lifecycle.OpReplicate, 1))
	fr := must(e.sb.CreateReplica(e.ctx, spec("b2", "ap-singapore", "vr", "f"), ""))(t)
	e.clk.Advance(time.Hour)
	e.wantState(lifecycle.BackupReplica, fr.ID, "error{replicate}")
	e.ok(e.invoke(lifecycle.BackupReplica, fr.ID, lifecycle.OpReplicate, nil))
	e.clk.Advance(time.Hour)
	e.wantState(lifecycle.BackupReplica, fr.ID, "available")
}

func TestRecoveryServerLifecycle(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rs := must(e.sb.CreateRecoveryServer(e.ctx, platform.RecoveryServerSpec{Name: "rs1", MachineID: "web", RecoveryPointID: "rp-1", CPU: 2, MemoryGB: 4, SiteID: "bj-a"}, ""))(t)
	e.clk.Advance(time.Minute)
	rs = must(e.sb.GetRecoveryServer(e.ctx, rs.ID))(t)
	if rs.State != lifecycle.Standby || rs.VMState != platform.VMNotReady { // R004-1
		t.Fatalf("new: %+v", rs)
	}
	o := must(e.sb.Observe(e.ctx, lifecycle.RecoveryServer, rs.ID))(t)
	if !o.Facts.AdvertisedOps[lifecycle.OpFailover] || !o.Facts.AdvertisedOps[lifecycle.OpTestFailover] || o.Facts.AdvertisedOps[lifecycle.OpFailback] || !o.Facts.HasRecoveryPoint {
		t.Fatalf("advertised: %+v", o.Facts)
	}
	// R004-8: failback from standby refused
	e.refused(e.invoke(lifecycle.RecoveryServer, rs.ID, lifecycle.OpFailback, nil), platform.ClassPreconditionFailed, "")

	// test failover: standby → starting_test → testing (temp VM with an IP) → stop → standby
	e.ok(e.invoke(lifecycle.RecoveryServer, rs.ID, lifecycle.OpTestFailover, nil))
	e.wantState(lifecycle.RecoveryServer, rs.ID, "starting_test")
	e.clk.Advance(time.Minute)
	rs = must(e.sb.GetRecoveryServer(e.ctx, rs.ID))(t)
	if rs.State != lifecycle.Testing || rs.TestIP == "" || rs.VMState != platform.VMStarted {
		t.Fatalf("testing: %+v", rs)
	}
	e.ok(e.invoke(lifecycle.RecoveryServer, rs.ID, lifecycle.OpStopTestFailover, nil))
	e.clk.Advance(time.Minute)
	rs = must(e.sb.GetRecoveryServer(e.ctx, rs.ID))(t)
	if rs.State != lifecycle.Standby || rs.TestIP != "" {
		t.Fatalf("after test: %+v", rs)
	}

	// R004-2: failover → finalizing (VM already running) → failed_over
	e.ok(e.invoke(lifecycle.RecoveryServer, rs.ID, lifecycle.OpFailover, nil))
	rs = must(e.sb.GetRecoveryServer(e.ctx, rs.ID))(t)
	if rs.State != lifecycle.Finalizing || rs.VMState != platform.VMStarted || rs.RecoveryIP == "" {
		t.Fatalf("finalizing: %+v", rs)
	}
	e.clk.Advance(time.Minute)
	e.wantState(lifecycle.RecoveryServer, rs.ID, "failed_over")
	// R004-3: failback → ready_for_failback, VM off
	e.ok(e.invoke(lifecycle.RecoveryServer, rs.ID, lifecycle.OpFailback, nil))
	e.wantState(lifecycle.RecoveryServer, rs.ID, "failing_back")
	e.clk.Advance(time.Minute)
	rs = must(e.sb.GetRecoveryServer(e.ctx, rs.ID))(t)
	if rs.State != lifecycle.ReadyForFailback || rs.VMState != platform.VMStopped {
		t.Fatalf("ready: %+v", rs)
	}
	// R004-5: cancel failback → failed_over
	e.ok(e.invoke(lifecycle.RecoveryServer, rs.ID, lifecycle.OpCancelFailback, nil))
	e.wantState(lifecycle.RecoveryServer, rs.ID, "failed_over")
	// R004-4: failback again then confirm → standby, resources released
	e.ok(e.invoke(lifecycle.RecoveryServer, rs.ID, lifecycle.OpFailback, nil))
	e.clk.Advance(time.Minute)
	e.ok(e.invoke(lifecycle.RecoveryServer, rs.ID, lifecycle.OpConfirmFailback, nil))
	e.wantState(lifecycle.RecoveryServer, rs.ID, "releasing")
	e.clk.Advance(time.Minute)
	rs = must(e.sb.GetRecoveryServer(e.ctx, rs.ID))(t)
	if rs.State != lifecycle.Standby || rs.VMState != platform.VMNotReady || rs.RecoveryIP != "" {
		t.Fatalf("confirmed: %+v", rs)
	}
	// error{finalize} through FailNext; cancel_failover needs... (R004-6)
	e.ok(e.sb.FailNext(e.ctx, lifecycle.RecoveryServer, lifecycle.OpFinalize, 1))
	e.ok(e.invoke(lifecycle.RecoveryServer, rs.ID, lifecycle.OpFailover, nil))
	e.clk.Advance(time.Minute)
	e.wantState(lifecycle.RecoveryServer, rs.ID, "error{finalize}")
	e.ok(e.invoke(lifecycle.RecoveryServer, rs.ID, lifecycle.OpCancelFailover, nil))
	e.clk.Advance(time.Minute)
	e.wantState(lifecycle.RecoveryServer, rs.ID, "standby")

	// a down DR site blocks every operation (Acronis _issues SiteNotReady → V-ACR-LINKS)
	must(e.sb.SetSiteHealth(e.ctx, "bj-a", false))(t)
	e.refused(e.invoke(lifecycle.RecoveryServer, rs.ID, lifecycle.OpFailover, nil), platform.ClassPreconditionFailed, "V-ACR-LINKS")
	must(e.sb.SetSiteHealth(e.ctx, "bj-a", true))(t)
	// update in standby
	up := must(e.sb.UpdateRecoveryServer(e.ctx, rs.ID, platform.RecoveryServerSpec{CPU: 8}))(t)
	if up.CPU != 8 {
		t.Fatalf("update: %+v", up)
	}
	if l := must(e.sb.ListRecoveryServers(e.ctx))(t); len(l) != 1 {
		t.Fatalf("list: %d", len(l))
	}
}

func TestTimeScale(t *testing.T) {
	t.Parallel()
	clk := NewFakeClock(t0)
	sb, err := Open(t.TempDir()+"/s.db", Options{Clock: clk, TimeScale: 60})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	e := &env{t: t, sb: sb, clk: clk, ctx: t.Context()}
	must(sb.PutSite(e.ctx, platform.Site{ID: "a", Region: "r1", Zone: "z1", Healthy: true, ReplicationCapable: true}))(t)
	must(sb.PutSite(e.ctx, platform.Site{ID: "b", Region: "r2", Zone: "z2", Healthy: true, ReplicationCapable: true}))(t)
	must(sb.PutVolume(e.ctx, platform.Volume{ID: "vol-p", SiteID: "a", SizeGB: 100}))(t)
	must(sb.PutVolume(e.ctx, platform.Volume{ID: "vol-s", SiteID: "b", SizeGB: 100}))(t)
	p := must(sb.CreatePair(e.ctx, platform.PairSpec{Name: "p", PrimaryVolumeID: "vol-p", SecondaryVolumeID: "vol-s"}, ""))(t)
	clk.Advance(time.Second)
	e.ok(e.invoke(lifecycle.ReplicationPair, p.ID, lifecycle.OpStart, nil))
	clk.Advance(5 * time.Second) // 320 s / 60 = 5.33 s
	e.wantState(lifecycle.ReplicationPair, p.ID, "starting")
	clk.Advance(400 * time.Millisecond)
	e.wantState(lifecycle.ReplicationPair, p.ID, "replicating")
}
