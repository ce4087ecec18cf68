package provider

import (
	"testing"

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
