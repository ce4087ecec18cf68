package provider

import (
	"testing"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// The pair drill actions at the protocol level (generated from the pair's start_drill and
// stop_drill rows): dr_replication_pair_drill starts, waits until ready, reports the time to
// ready and cleans up, leaving a succeeded drill on record; start_drill/stop_drill run one each
// (a second is a no-op); during a drill the pair's failover and switchover are refused at
// plan (V-DRILL); a drill before the first synchronisation, or of a pair in a group, is
// refused at plan with the engine's rule.
func TestActionInvoke_pairDrill(t *testing.T) {
	t.Parallel()
	e := newActionEnv(t)
	e.sites()
	id := e.replicatingPair("web")

	wantOK(t, "plan drill", e.plan("dr_replication_pair_drill", map[string]any{"id": id}))
	r := e.invoke("dr_replication_pair_drill", map[string]any{"id": id})
	wantOK(t, "drill", r.diags)
	for _, want := range []string{"drill: start_drill from replicating", "drill ready: time to ready", "cleanup: stop_drill done"} {
		if !r.has(want) {
			t.Errorf("drill progress lacks %q: %q", want, r.progress)
		}
	}
	p, err := e.sb.GetPair(e.ctx, id)
	if err != nil || p.DrillActive || p.LastDrill == nil || p.LastDrill.Outcome != platform.DrillSucceeded {
		t.Fatalf("after the drill: active %v record %+v %v", p.DrillActive, p.LastDrill, err)
	}

	wantOK(t, "start_drill", e.invoke("dr_replication_pair_start_drill", map[string]any{"id": id}).diags)
	if !e.observe(lifecycle.ReplicationPair, id).Facts.DrillActive {
		t.Fatal("start_drill: no drill running")
	}
	if r := e.invoke("dr_replication_pair_start_drill", map[string]any{"id": id}); !r.has("no-op") {
		t.Fatalf("second start_drill: %q", r.progress)
	}
	wantRefused(t, "failover during the drill", e.plan("dr_replication_pair_failover", map[string]any{"id": id, "allow_data_loss": true}), "V-DRILL", "id")
	wantRefused(t, "switchover during the drill", e.plan("dr_replication_pair_switchover", map[string]any{"id": id}), "V-DRILL", "id")
	wantRefused(t, "a second drill", e.invoke("dr_replication_pair_drill", map[string]any{"id": id}).diags, "V-DRILL", "id")
	wantOK(t, "stop_drill", e.invoke("dr_replication_pair_stop_drill", map[string]any{"id": id}).diags)
	if r := e.invoke("dr_replication_pair_stop_drill", map[string]any{"id": id}); !r.has("no-op") {
		t.Fatalf("second stop_drill: %q", r.progress)
	}

	wantRefused(t, "drill before the first sync", e.plan("dr_replication_pair_drill", map[string]any{"id": e.pair("new")}), "V-DRILL", "id")
	gid := e.protectedGroup("app")
	member := e.observe(lifecycle.ProtectionGroup, gid)
	g, _ := e.sb.GetGroup(e.ctx, member.ID)
	wantRefused(t, "drill of a grouped pair", e.plan("dr_replication_pair_start_drill", map[string]any{"id": g.PairIDs[0]}), "V-PAIR-IN-GROUP", "id")
}
