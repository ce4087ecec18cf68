package sandbox

import (
	"testing"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// An emulator that decided legality from its vendor's allow-list calls with PhysicsOnly: the
// engine's refusal (a configured pair cannot fail over, R001-1; Alibaba documents failover from any status but invalid and deleted) is not
// made, and the operation's physics runs (failing_over, then failed_over). Without it the
// engine decides, as for the sandbox platform itself.
func TestPhysicsOnlySkipsTheEnginesChecks(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	id := e.newPair()
	e.refused(e.invoke(lifecycle.ReplicationPair, id, lifecycle.OpFailover, nil), platform.ClassPreconditionFailed, "R001-1")
	e.wantState(lifecycle.ReplicationPair, id, "configured")

	ctx := PhysicsOnly(e.ctx)
	if !IsPhysicsOnly(ctx) || IsPhysicsOnly(e.ctx) {
		t.Fatal("PhysicsOnly marks only the context it returns")
	}
	e.ok(e.sb.Invoke(ctx, lifecycle.ReplicationPair, id, lifecycle.OpFailover, "", nil))
	e.wantState(lifecycle.ReplicationPair, id, "failing_over")
	e.clk.Advance(time.Hour)
	e.wantState(lifecycle.ReplicationPair, id, "failed_over")
	// what cannot physically happen is still refused
	if err := e.sb.Invoke(ctx, lifecycle.ReplicationPair, "pair-nonexistent", lifecycle.OpStart, "", nil); !platform.IsNotFound(err) {
		t.Fatalf("a missing pair: %v", err)
	}
}
