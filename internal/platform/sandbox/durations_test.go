package sandbox

import (
	"context"
	"testing"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// The durations the provider paces its polls by (platform.TypicalDuration) are the sandbox's
// physics — what every emulator runs on — for every operation of every kind's table, with the
// smallest data (a first synchronisation of the minimum, a replica of an empty backup).
func TestTypicalDurationsAreThePhysics(t *testing.T) {
	s := &Sandbox{}
	ctx := context.Background()
	physics := func(kind lifecycle.Kind, op lifecycle.Op) time.Duration {
		switch kind {
		case lifecycle.ReplicationPair:
			return s.pairDuration(ctx, nil, &pairRec{}, op)
		case lifecycle.ProtectionGroup:
			return s.groupDuration(ctx, nil, &groupRec{}, op)
		case lifecycle.BackupReplica:
			return s.replicaDuration(&replicaRec{}, op)
		case lifecycle.RecoveryServer:
			return s.rsDuration(op)
		}
		t.Fatalf("no physics for %s", kind)
		return 0
	}
	n := 0
	for _, kind := range lifecycle.Kinds {
		for _, row := range lifecycle.Table(kind).Operations() {
			n++
			if got, want := platform.TypicalDuration(kind, row.Name), physics(kind, row.Name); got != want {
				t.Errorf("%s %s: typical duration %s, the sandbox's physics %s", kind, row.Name, got, want)
			}
		}
	}
	if n < 30 {
		t.Fatalf("compared %d operations: the tables have more", n)
	}
}
