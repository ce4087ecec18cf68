package provider

import (
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"
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
