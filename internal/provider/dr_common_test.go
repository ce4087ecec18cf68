package provider

import (
	"context"
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
	}}
	nullUnknowns(&m.pairData)
	if !m.Status.IsNull() || !m.SyncProgress.IsNull() || !m.AllowedOperations.IsNull() {
		t.Fatalf("unknowns left: status=%v sync=%v ops=%v", m.Status, m.SyncProgress, m.AllowedOperations)
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
	e := newActionEnv(t)
	e.sites()
	id := e.pair("web")
	clk := sandbox.NewFakeClock(time.Now())
	sb, err := sandbox.Open(e.db, sandbox.Options{TimeScale: 1, Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sb.Close() })
	ctx := context.Background()
	if err := sb.Invoke(ctx, lifecycle.ReplicationPair, id, lifecycle.OpStart, "tok-start", nil); err != nil {
		t.Fatal(err)
	}
	obs, err := sb.Observe(ctx, lifecycle.ReplicationPair, id)
	if err != nil {
		t.Fatal(err)
	}
	ev := lifecycle.Event{Kind: lifecycle.ReplicationPair, ID: id, State: obs.State}
	if pct, ok := syncProgress(ctx, sb, ev); !ok || pct != 0 {
		t.Fatalf("at the start (%s): sync %d%% (reported %v), want 0%%", obs.State, pct, ok)
	}
	clk.Advance(16 * time.Second) // the 10 GB first sync takes 32 simulated seconds
	if pct, ok := syncProgress(ctx, sb, ev); !ok || pct != 50 {
		t.Fatalf("half-way: sync %d%% (reported %v), want 50%%", pct, ok)
	}
	if _, ok := syncProgress(ctx, sb, lifecycle.Event{Kind: lifecycle.ReplicationPair, ID: id, State: lifecycle.Replicating}); ok {
		t.Fatal("a stable state reported a synchronisation")
	}
}

// A command shows the operation summaries of its first pathWarningsShown resources, then one
// warning that the others are not listed; without provider data (no instance) every one.
func TestPathWarningsBounded(t *testing.T) {
	t.Parallel()
	p := lifecycle.Path{Kind: lifecycle.ReplicationPair, State: lifecycle.Replicating, ActiveSite: lifecycle.SiteSource,
		Steps: []lifecycle.Step{{Op: lifecycle.OpStart}}}
	var diags diag.Diagnostics
	data := &ProviderData{}
	for i := 0; i < pathWarningsShown+5; i++ {
		addPathWarning(&diags, data, pairType, fmt.Sprintf("p%d", i), p)
	}
	if got := diags.WarningsCount(); got != pathWarningsShown+1 {
		t.Fatalf("%d warnings, want %d: %v", got, pathWarningsShown+1, diags)
	}
	if s := diags[0].Summary(); s != `dr_replication_pair "p0": start` {
		t.Fatalf("first summary %q", s)
	}
	if s := diags[pathWarningsShown].Summary(); !strings.Contains(s, "more DR resources than are listed") {
		t.Fatalf("last summary %q", s)
	}
	var all diag.Diagnostics
	for i := 0; i < pathWarningsShown+5; i++ {
		addPathWarning(&all, nil, pairType, fmt.Sprintf("q%d", i), p)
	}
	if all.WarningsCount() != pathWarningsShown+5 {
		t.Fatalf("without data: %d warnings", all.WarningsCount())
	}
}
