package sandbox

import (
	"testing"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// revert_failover: failed_over → reprotecting → paused with production back at the original
// site (the original direction), the first synchronisation to run again; refused without the
// opt-in when asked to (ParamAllowDataLoss=false), from any state but failed over, and while the
// original primary volume is attached; called in the secondary's region (R001-3).
func TestPairRevertFailover(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	id := e.newPair()
	e.ok(e.invoke(lifecycle.ReplicationPair, id, lifecycle.OpStart, nil))
	e.clk.Advance(time.Hour)
	e.refused(e.invoke(lifecycle.ReplicationPair, id, lifecycle.OpRevertFailover, nil), platform.ClassPreconditionFailed, "V-REVERT")
	e.ok(e.invoke(lifecycle.ReplicationPair, id, lifecycle.OpFailover, map[string]string{"region": "cn-beijing"}))
	e.clk.Advance(time.Minute)
	e.wantState(lifecycle.ReplicationPair, id, "failed_over")

	e.refused(e.invoke(lifecycle.ReplicationPair, id, lifecycle.OpRevertFailover, nil), platform.ClassPreconditionFailed, "V-PAIR-REPROT")
	must(e.sb.AttachVolume(e.ctx, "vol-p", ""))(t)
	e.refused(e.invoke(lifecycle.ReplicationPair, id, lifecycle.OpRevertFailover, map[string]string{ParamAllowDataLoss: "false"}),
		platform.ClassPreconditionFailed, "V-REVERT")
	e.refused(e.invoke(lifecycle.ReplicationPair, id, lifecycle.OpRevertFailover, map[string]string{"region": "cn-shanghai"}), platform.ClassInvalid, "R001-3")
	e.ok(e.invoke(lifecycle.ReplicationPair, id, lifecycle.OpRevertFailover, map[string]string{"region": "cn-beijing"}))
	e.wantState(lifecycle.ReplicationPair, id, "reprotecting")
	e.clk.Advance(time.Minute)
	p := e.pair(id)
	if p.State != lifecycle.Paused || p.ActiveSite != lifecycle.SiteSource {
		t.Fatalf("after revert: %s, active %s", p.State, p.ActiveSite)
	}
	o := must(e.sb.Observe(e.ctx, lifecycle.ReplicationPair, id))(t)
	if o.Facts.FirstSyncDone || o.Facts.ActiveRegion != "cn-shanghai" {
		t.Fatalf("facts after revert: %+v", o.Facts)
	}
	// a failover needs the first synchronisation again
	e.refused(e.invoke(lifecycle.ReplicationPair, id, lifecycle.OpFailover, map[string]string{"region": "cn-beijing"}), platform.ClassPreconditionFailed, "V-FIRST-SYNC")
	e.ok(e.invoke(lifecycle.ReplicationPair, id, lifecycle.OpStart, nil))
	e.clk.Advance(time.Hour)
	e.wantState(lifecycle.ReplicationPair, id, "replicating")
}

// A group's revert_failover gives the protected servers' addresses back to the original site.
func TestGroupRevertFailover(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	gid, _ := e.protectedGroup()
	e.ok(e.invoke(lifecycle.ProtectionGroup, gid, lifecycle.OpFailover, map[string]string{"region": "cn-beijing"}))
	e.clk.Advance(time.Hour)
	e.wantState(lifecycle.ProtectionGroup, gid, "failed_over")
	if web := must(e.sb.GetServer(e.ctx, "web"))(t); web.IP != "" {
		t.Fatalf("the production server kept its address after the failover: %+v", web)
	}
	e.ok(e.invoke(lifecycle.ProtectionGroup, gid, lifecycle.OpRevertFailover, map[string]string{"region": "cn-beijing"}))
	e.wantState(lifecycle.ProtectionGroup, gid, "reprotecting")
	e.clk.Advance(time.Hour)
	g := e.group(gid)
	if g.State != lifecycle.Paused || g.ActiveSite != lifecycle.SiteSource || g.FirstSyncDone {
		t.Fatalf("after revert: %s active %s first sync %v", g.State, g.ActiveSite, g.FirstSyncDone)
	}
	if web := must(e.sb.GetServer(e.ctx, "web"))(t); web.IP == "" {
		t.Fatalf("the production server did not get its address back: %+v", web)
	}
}
