package platform

import (
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
)

// How long DR operations usually take, on the platform's own clock. The executor observes an
// operation first when it is due and backs off after that (lifecycle.Pacing), so an
// operation costs one read when it takes about this long, and a few when it takes much longer
// — where polling at a fixed interval reads a rate-limited API every few seconds for nothing.
//
// No vendor publishes per-operation durations. These are the durations of the DR physics
// every emulator runs on (the sandbox, internal/platform/sandbox/physics.go: a first
// synchronisation of the smallest data, a failover, a recovery server's finalization, …),
// which model the vendors' orders of magnitude; TestTypicalDurationsAreThePhysics keeps the
// two equal. A synchronisation of more data takes longer than its entry here: the backoff
// finds its end.
var typicalDurations = map[lifecycle.Kind]map[lifecycle.Op]time.Duration{
	lifecycle.ReplicationPair: {
		lifecycle.OpCreate: 3 * time.Second, lifecycle.OpStart: 5 * time.Second, lifecycle.OpSyncOnce: 5 * time.Second,
		lifecycle.OpReprotect: 5 * time.Second, lifecycle.OpStop: 3 * time.Second, lifecycle.OpFailover: 15 * time.Second,
		lifecycle.OpRevertFailover: 15 * time.Second, lifecycle.OpSwitchover: 30 * time.Second, lifecycle.OpDelete: 3 * time.Second,
	},
	lifecycle.ProtectionGroup: {
		lifecycle.OpCreate: 3 * time.Second, lifecycle.OpEnableProtection: 5 * time.Second, lifecycle.OpSyncOnce: 5 * time.Second,
		lifecycle.OpReprotect: 5 * time.Second, lifecycle.OpDisableProtection: 3 * time.Second, lifecycle.OpFailover: 15 * time.Second,
		lifecycle.OpRevertFailover: 15 * time.Second, lifecycle.OpPlannedFailover: 30 * time.Second, lifecycle.OpDelete: 3 * time.Second,
	},
	lifecycle.BackupReplica: {
		lifecycle.OpReplicate: 5 * time.Second, lifecycle.OpDelete: 3 * time.Second,
	},
	lifecycle.RecoveryServer: {
		lifecycle.OpCreate: 5 * time.Second, lifecycle.OpFailover: 30 * time.Second, lifecycle.OpTestFailover: 10 * time.Second,
		lifecycle.OpStopTestFailover: 5 * time.Second, lifecycle.OpCancelFailover: 5 * time.Second, lifecycle.OpFailback: 20 * time.Second,
		lifecycle.OpConfirmFailback: 5 * time.Second, lifecycle.OpDelete: 5 * time.Second,
	},
}

// otherDuration is every other operation's: metadata and membership changes, drills.
const otherDuration = time.Second

// TypicalDuration is how long op usually takes on an object of kind (see typicalDurations).
func TypicalDuration(kind lifecycle.Kind, op lifecycle.Op) time.Duration {
	if d, ok := typicalDurations[kind][op]; ok {
		return d
	}
	return otherDuration
}
