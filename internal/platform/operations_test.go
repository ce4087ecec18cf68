package platform_test

import (
	"testing"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

func TestUnderway(t *testing.T) {
	t.Parallel()
	g := lifecycle.ProtectionGroup
	for _, c := range []struct {
		kind lifecycle.Kind
		op   lifecycle.Op
		s    lifecycle.State
		want bool
	}{
		{g, lifecycle.OpEnableProtection, lifecycle.Starting, true},     // Via
		{g, lifecycle.OpEnableProtection, lifecycle.Replicating, true},  // its result
		{g, lifecycle.OpEnableProtection, lifecycle.Paused, false},      // where it starts
		{g, lifecycle.OpDisableProtection, lifecycle.Paused, true},      // result
		{g, lifecycle.OpFailover, lifecycle.FailingOver, true},          // Via
		{g, lifecycle.OpFailover, lifecycle.FailedOver, true},           // result
		{g, lifecycle.OpPlannedFailover, lifecycle.SwitchingOver, true}, // Via
		{g, lifecycle.OpPlannedFailover, lifecycle.Replicating, false},  // ends where it began
		{g, lifecycle.OpDelete, lifecycle.Deleting, true},
		{g, lifecycle.OpAddMember, lifecycle.Configured, false},                       // no state of its own
		{lifecycle.BackupReplica, lifecycle.OpReplicate, lifecycle.Replicating, true}, // Pending
		{lifecycle.BackupReplica, lifecycle.OpReplicate, lifecycle.Available, true},
		{g, lifecycle.Op("no_such_op"), lifecycle.Starting, false},
	} {
		if got := platform.Underway(c.kind, c.op, c.s); got != c.want {
			t.Errorf("Underway(%s, %s, %s) = %v, want %v", c.kind, c.op, c.s, got, c.want)
		}
	}
}
