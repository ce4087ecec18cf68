package lifecycle

import (
	"slices"
	"testing"
)

func TestDesiredAttributes(t *testing.T) {
	t.Parallel()
	d := Desired(ReplicationPair)
	if d == nil || !slices.Equal(d.ValueNames(), []string{"paused", "running"}) || !slices.Equal(d.States("running"), []State{Replicating}) {
		t.Fatal(d)
	}
	if d.Observed(Replicating) != "running" || d.Observed(Starting) != "running" || d.Observed(Error) != "" {
		t.Fatal(d.Observed(Starting))
	}
	if Desired(BackupReplica) != nil {
		t.Fatal("replica has no desired attribute")
	}
	// every desired value names stable states of its kind and is plannable from somewhere
	for _, k := range Kinds {
		d := Desired(k)
		if d == nil {
			continue
		}
		for _, v := range d.ValueNames() {
			for _, s := range d.States(v) {
				if Table(k).Class(s) != Stable {
					t.Errorf("%s %s=%s: %s is not stable", k, d.Name, v, s)
				}
			}
			for _, s := range Table(k).StateNames() {
				d.Observed(s)
			}
		}
	}
}
