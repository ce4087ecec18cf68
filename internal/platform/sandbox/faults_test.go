package sandbox

import (
	"testing"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// Scoped faults validate their type, scope and parameters.
func TestFaultValidation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for name, f := range map[string]platform.Fault{
		"unknown type":          {Type: "meteor"},
		"rate zero":             {Type: platform.FaultTransientErrors},
		"rate above one":        {Type: platform.FaultTransientErrors, Rate: 1.5},
		"latency zero":          {Type: platform.FaultLatency},
		"latency huge":          {Type: platform.FaultLatency, Latency: time.Hour},
		"fail_next without op":  {Type: platform.FaultFailNext, Kind: lifecycle.ReplicationPair},
		"fail_next bad op":      {Type: platform.FaultFailNext, Kind: lifecycle.ReplicationPair, Op: lifecycle.OpEnableProtection},
		"fail_next count":       {Type: platform.FaultFailNext, Kind: lifecycle.ReplicationPair, Op: lifecycle.OpStart, Count: maxFailNext + 1},
		"count on latency":      {Type: platform.FaultLatency, Latency: time.Second, Count: 2},
		"volume_lost no volume": {Type: platform.FaultVolumeLost},
		"volume_lost missing":   {Type: platform.FaultVolumeLost, ObjectID: "vol-nope"},
		"volume_lost kind":      {Type: platform.FaultVolumeLost, ObjectID: "vol-p", Kind: lifecycle.ReplicationPair},
		"link_stall kind":       {Type: platform.FaultLinkStall, Kind: lifecycle.RecoveryServer},
		"link_stall op":         {Type: platform.FaultLinkStall, Op: lifecycle.OpFailover},
	} {
		if _, err := e.sb.CreateFault(e.ctx, f); platform.ClassOf(err) != platform.ClassInvalid {
			t.Errorf("%s: want Invalid, got %v", name, err)
		}
	}
	if fs := must(e.sb.ListFaults(e.ctx))(t); len(fs) != 0 {
		t.Fatalf("refused faults were stored: %+v", fs)
	}
}

// fail_next scoped to one object: only that object's operation fails, Remaining counts down,
// and the fault stays (switched off only by deleting it).
func TestFailNextFaultScoped(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	id := e.newPair()
	f := must(e.sb.CreateFault(e.ctx, platform.Fault{Type: platform.FaultFailNext, Kind: lifecycle.ReplicationPair,
		Op: lifecycle.OpStart, ObjectID: "pair-other", Count: 1}))(t)
	if f.ID == "" || f.Remaining != 1 || f.Count != 1 {
		t.Fatalf("created: %+v", f)
	}
	e.ok(e.invoke(lifecycle.ReplicationPair, id, lifecycle.OpStart, nil))
	e.clk.Advance(time.Hour)
	e.wantState(lifecycle.ReplicationPair, id, "replicating") // another object's fault
	e.ok(e.sb.DeleteFault(e.ctx, f.ID))

	e.ok(e.invoke(lifecycle.ReplicationPair, id, lifecycle.OpStop, nil))
	e.clk.Advance(time.Minute)
	f = must(e.sb.CreateFault(e.ctx, platform.Fault{Type: platform.FaultFailNext, Kind: lifecycle.ReplicationPair,
		Op: lifecycle.OpStart, ObjectID: id, Count: 2}))(t)
	for i := 0; i < 2; i++ {
		e.ok(e.invoke(lifecycle.ReplicationPair, id, lifecycle.OpStart, nil))
		e.clk.Advance(time.Hour)
		e.wantState(lifecycle.ReplicationPair, id, "error{start}")
	}
	if got := must(e.sb.GetFault(e.ctx, f.ID))(t); got.Remaining != 0 || got.Count != 2 {
		t.Fatalf("after two failures: %+v", got)
	}
	e.ok(e.invoke(lifecycle.ReplicationPair, id, lifecycle.OpStart, nil))
	e.clk.Advance(time.Hour)
	e.wantState(lifecycle.ReplicationPair, id, "replicating")
}

// Transient errors and latency scoped to a kind, an operation or an object apply only to
// the calls on them; unscoped ones to every call.
func TestTransientAndLatencyFaultsScoped(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	id := e.newPair()
	f := must(e.sb.CreateFault(e.ctx, platform.Fault{Type: platform.FaultTransientErrors, Kind: lifecycle.ReplicationPair,
		Op: lifecycle.OpStop, Rate: 1}))(t)
	if _, err := e.sb.GetPair(e.ctx, id); err != nil {
		t.Fatalf("a read is not a stop: %v", err)
	}
	if err := e.invoke(lifecycle.ReplicationPair, id, lifecycle.OpStop, nil); !platform.IsRetryable(err) {
		t.Fatalf("stop under a rate-1 fault: %v", err)
	}
	e.ok(e.sb.DeleteFault(e.ctx, f.ID))

	must(e.sb.CreateFault(e.ctx, platform.Fault{Type: platform.FaultLatency, ObjectID: id, Latency: 3 * time.Second}))(t)
	must(e.sb.CreateFault(e.ctx, platform.Fault{Type: platform.FaultLatency, Latency: time.Second}))(t)
	before := e.clk.Now()
	must(e.sb.GetSite(e.ctx, "sh-a"))(t)
	if d := e.clk.Now().Sub(before); d != time.Second {
		t.Fatalf("unscoped latency %v", d)
	}
	before = e.clk.Now()
	e.pair(id)
	if d := e.clk.Now().Sub(before); d != 4*time.Second {
		t.Fatalf("latency on the pair %v, want 4s (both faults)", d)
	}
}

// A volume lost out of band: its pair becomes invalid at once (DeviceRemoved), failover is
// refused (R001-1), delete works; the volume cannot make a new pair until the fault is gone.
func TestVolumeLostFault(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	id := e.newPair()
	e.ok(e.invoke(lifecycle.ReplicationPair, id, lifecycle.OpStart, nil))
	e.clk.Advance(time.Hour)
	f := must(e.sb.CreateFault(e.ctx, platform.Fault{Type: platform.FaultVolumeLost, ObjectID: "vol-s"}))(t)
	p := e.pair(id)
	if p.State != lifecycle.Invalid || p.LastError == "" {
		t.Fatalf("after volume lost: %s %q", p.State, p.LastError)
	}
	must(e.sb.SetSiteHealth(e.ctx, "sh-a", false))(t)
	e.refused(e.invoke(lifecycle.ReplicationPair, id, lifecycle.OpFailover, nil), platform.ClassPreconditionFailed, "R001-1")
	e.ok(e.invoke(lifecycle.ReplicationPair, id, lifecycle.OpDelete, nil))
	e.clk.Advance(time.Minute)
	if _, err := e.sb.GetPair(e.ctx, id); !platform.IsNotFound(err) {
		t.Fatalf("pair after delete: %v", err)
	}
	_, err := e.sb.CreatePair(e.ctx, platform.PairSpec{Name: "again", PrimaryVolumeID: "vol-p", SecondaryVolumeID: "vol-s"}, "")
	if platform.RuleOf(err) != "V-REFS" {
		t.Fatalf("pair on a lost volume: want V-REFS (the volume is gone), got %v", err)
	}
	e.ok(e.sb.DeleteFault(e.ctx, f.ID))
	must(e.sb.CreatePair(e.ctx, platform.PairSpec{Name: "again", PrimaryVolumeID: "vol-p", SecondaryVolumeID: "vol-s"}, ""))(t)
}

// A lost volume of a group member breaks the group (invalid), whose pairs mirror it.
func TestVolumeLostGroupMember(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	gid, pid := e.protectedGroup()
	must(e.sb.CreateFault(e.ctx, platform.Fault{Type: platform.FaultVolumeLost, ObjectID: "vol-p"}))(t)
	e.wantState(lifecycle.ProtectionGroup, gid, "invalid")
	e.wantState(lifecycle.ReplicationPair, pid, "invalid")
	if g := e.group(gid); g.LastError == "" {
		t.Fatal("group has no last_error")
	}
}
