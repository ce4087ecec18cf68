package platform

import (
	"slices"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
)

// Underway reports whether an object of kind observed in state s shows op running or done, as
// the lifecycle table has it: the operation's Via or Pending state, or its result when the
// operation does not start from that state (a planned failover ends replicating, where it
// began: that result proves nothing). A driver whose vendor has no idempotency key (Huawei
// SDRS, Acronis) reads the object before it repeats a write, and does not issue an operation
// an earlier attempt already started.
func Underway(kind lifecycle.Kind, op lifecycle.Op, s lifecycle.State) bool {
	t := lifecycle.Table(kind)
	if t == nil {
		return false
	}
	row, ok := t.Operation(op)
	if !ok || s == "" {
		return false
	}
	if s == row.Via || slices.Contains(row.Pending, s) {
		return true
	}
	return s == row.OnSuccess && !row.IsFrom(s, "")
}
