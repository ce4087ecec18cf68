package provider

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/sandbox"
)

func TestNullUnknowns(t *testing.T) {
	t.Parallel()
	m := pairModel{pairData: pairData{
		ID:                types.StringValue("pair-1"),
		Status:            types.StringUnknown(),
		SyncProgress:      types.Int64Unknown(),
		AllowedOperations: types.ListUnknown(types.StringType),
		tagsData:          tagsData{TagsAll: types.MapUnknown(types.StringType)},
	}}
	nullUnknowns(&m.pairData)
	if !m.Status.IsNull() || !m.SyncProgress.IsNull() || !m.AllowedOperations.IsNull() || !m.TagsAll.IsNull() {
		t.Fatalf("unknowns left: status=%v sync=%v ops=%v", m.Status, m.SyncProgress, m.AllowedOperations)
	}
	if !m.TagsAll.IsNull() {
		t.Fatalf("the embedded tags' unknowns left: %v", m.TagsAll)
	}
	if m.ID.ValueString() != "pair-1" {
		t.Fatalf("known value changed: %v", m.ID)
	}
}

func TestDiffSets(t *testing.T) {
	t.Parallel()
	add, remove := diffSets([]string{"a", "b"}, []string{"b", "c"})
	if len(add) != 1 || add[0] != "c" || len(remove) != 1 || remove[0] != "a" {
		t.Fatalf("add=%v remove=%v", add, remove)
	}
}

func TestClockReport(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		wall  time.Duration
		scale float64
		want  string
	}{
		{1500 * time.Millisecond, 1, "1.5s (wall-clock time; the platform runs in real time)"},
		{75 * time.Millisecond, 600, "45s of simulated time at sandbox time_scale 600 (75ms of wall-clock time)"},
	} {
		if got := clockReport(c.wall, c.scale); !strings.HasPrefix(got, c.want) {
			t.Errorf("clockReport(%s, %g) = %q, want prefix %q", c.wall, c.scale, got, c.want)
		}
	}
}

// syncProgress reports a running first synchronisation, on an injected clock, and nothing for
// a stable state.
func TestSyncProgress(t *testing.T) {
	t.Parallel()
	e := newActionSites(t)
	id := e.pair("web")
	clk := sandbox.NewFakeClock(time.Now())
	sb, err := sandbox.Open(e.db, sandbox.Options{TimeScale: 1, Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sb.Close() })
	ctx := t.Context()
	if err := sb.Invoke(ctx, lifecycle.ReplicationPair, id, lifecycle.OpStart, "tok-start", nil); err != nil {
		t.Fatal(err)
	}
	obs, err := sb.Observe(ctx, lifecycle.ReplicationPair, id)
	if err != nil {
		t.Fatal(err)
	}
	ev := lifecycle.Event{Kind: lifecycle.ReplicationPair, ID: id, State: obs.State}
	data := newProviderData(sb, "sandbox", time.Millisecond, 1)
	if pct, ok := syncProgress(ctx, data, ev); !ok || pct != 0 {
		t.Fatalf("at the start (%s): sync %d%% (reported %v), want 0%%", obs.State, pct, ok)
	}
	clk.Advance(16 * time.Second) // the 10 GB first sync takes 32 simulated seconds
	if pct, ok := syncProgress(ctx, data, ev); !ok || pct != 50 {
		t.Fatalf("half-way: sync %d%% (reported %v), want 50%%", pct, ok)
	}
	if _, ok := syncProgress(ctx, data, lifecycle.Event{Kind: lifecycle.ReplicationPair, ID: id, State: lifecycle.Replicating}); ok {
		t.Fatal("a stable state reported a synchronisation")
	}
}

// A plan's operations are not warnings (they are planned_operations); a warning is left only
// for an operation that can lose data and for a manual step (the row's Manual), once per cause:
// an afterwards note (a stop's dropped in-flight changes, a reprotect's optional move back) is
// not one.
func TestAddAttention(t *testing.T) {
	t.Parallel()
	quiet := lifecycle.Path{Kind: lifecycle.ReplicationPair, State: lifecycle.Replicating,
		Steps: []lifecycle.Step{{Op: lifecycle.OpStart}, {Op: lifecycle.OpStop, Afterwards: "in-flight changes not yet copied are dropped"},
			{Op: lifecycle.OpReprotect, Afterwards: "start it (start) to replicate"}, {Op: lifecycle.OpStart}}}
	var diags diag.Diagnostics
	for i := 0; i < 300; i++ {
		addAttention(&diags, pairType, fmt.Sprintf("p%d", i), lifecycle.Path{Kind: lifecycle.ReplicationPair, Steps: []lifecycle.Step{{Op: lifecycle.OpStart}}})
	}
	addAttention(&diags, pairType, "covered", quiet)
	if len(diags) != 0 {
		t.Fatalf("plain paths warned: %v", diags)
	}
	loud := lifecycle.Path{Kind: lifecycle.ReplicationPair, Steps: []lifecycle.Step{
		{Op: lifecycle.OpStart, Wait: true, Manual: "ignored (a wait invokes nothing)"},
		{Op: lifecycle.OpFailover, DataLoss: true, DataLossWhy: "the active site is healthy, so this is a forced failover", Manual: "attach the volume"},
	}}
	addAttention(&diags, pairType, "db", loud)
	if len(diags) != 2 {
		t.Fatalf("want a data-loss and a manual-step warning, got %v", diags)
	}
	if s := diags[0].Summary(); s != `dr_replication_pair "db": failover can lose data` {
		t.Fatalf("data-loss summary %q", s)
	}
	if d := diags[0].Detail(); !strings.Contains(d, "allow_data_loss") || !strings.Contains(d, "forced failover") || !strings.Contains(d, "Planned operations: failover.") {
		t.Fatalf("data-loss detail %q", d)
	}
	if s, d := diags[1].Summary(), diags[1].Detail(); s != `dr_replication_pair "db": a manual step follows failover` || !strings.Contains(d, "attach the volume") {
		t.Fatalf("manual-step warning %q: %q", s, d)
	}
}

// planned_operations: the invoked operations in order (waits left out, the kind's create
// operation first for a create); apply saves the planned value when it was known, otherwise
// what it ran, or the prior value when it ran nothing.
func TestPlannedOps(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	p := lifecycle.Path{Steps: []lifecycle.Step{{Op: lifecycle.OpStart, Wait: true}, {Op: lifecycle.OpFailover}, {Op: lifecycle.OpReprotect}}}
	strs := func(l types.List) []string {
		var out []string
		if d := l.ElementsAs(ctx, &out, false); d.HasError() {
			t.Fatal(d)
		}
		return out
	}
	if got := strs(plannedOps(lifecycle.ReplicationPair, p, false)); fmt.Sprint(got) != "[failover reprotect]" {
		t.Fatalf("update: %v", got)
	}
	if got := strs(plannedOps(lifecycle.ReplicationPair, p, true)); fmt.Sprint(got) != "[create failover reprotect]" {
		t.Fatalf("create: %v", got)
	}
	create := lifecycle.OpCreate
	if c := lifecycle.Table(lifecycle.BackupReplica).CreateOperation(); c != nil {
		create = c.Name
	}
	if got := strs(plannedOps(lifecycle.BackupReplica, lifecycle.Path{}, true)); fmt.Sprint(got) != "["+string(create)+"]" {
		t.Fatalf("replica create: %v", got)
	}
	planned := plannedOps(lifecycle.ReplicationPair, lifecycle.Path{Steps: []lifecycle.Step{{Op: lifecycle.OpSwitchover}}}, false)
	prior := plannedOps(lifecycle.ReplicationPair, lifecycle.Path{Steps: []lifecycle.Step{{Op: lifecycle.OpStop}}}, false)
	unknown := types.ListUnknown(types.StringType)
	for _, c := range []struct {
		name    string
		planned types.List
		ran     lifecycle.Path
		create  bool
		prior   types.List
		want    string
	}{
		{"planned wins over what ran", planned, p, false, prior, "[switchover]"},
		{"unknown: what ran", unknown, p, false, prior, "[failover reprotect]"},
		{"unknown create: create + what ran", unknown, p, true, types.ListNull(types.StringType), "[create failover reprotect]"},
		{"unknown create, nothing ran", unknown, lifecycle.Path{}, true, types.ListNull(types.StringType), "[create]"},
		{"unknown, nothing ran: prior", unknown, lifecycle.Path{}, false, prior, "[stop]"},
	} {
		got := appliedOps(c.planned, lifecycle.ReplicationPair, c.ran, c.create, c.prior)
		if got.IsUnknown() || fmt.Sprint(strs(got)) != c.want {
			t.Errorf("%s: %v, want %s", c.name, got, c.want)
		}
	}
	if got := appliedOps(unknown, lifecycle.ReplicationPair, lifecycle.Path{}, false, types.ListNull(types.StringType)); !got.IsNull() {
		t.Errorf("nothing ran after an import: %v, want null", got)
	}
	if got := appliedOps(unknown, lifecycle.ReplicationPair, lifecycle.Path{}, false, unknown); got.IsUnknown() {
		t.Error("an unknown prior was saved")
	}
}
