package platform

import (
	"context"
	"time"
)

// Drill outcomes (DrillRecord.Outcome): how the last drill of an object went, as its
// platform reports it.
const (
	DrillStarting      = "starting"       // started; its test copy is not ready yet
	DrillReady         = "ready"          // its test copy is ready and not cleaned up yet
	DrillCleaningUp    = "cleaning_up"    // being cleaned up
	DrillSucceeded     = "succeeded"      // it became ready and was cleaned up
	DrillFailed        = "failed"         // it never became ready
	DrillCleanupFailed = "cleanup_failed" // its cleanup failed: test resources may be left
)

// DrillRecord is the last DR drill a platform has on record for an object — a pair's or a
// group's drill, a recovery server's test failover — as the platform reports it (issue 27).
// A time the platform does not report is zero and named in Unreported with why.
type DrillRecord struct {
	ID        string
	StartedAt time.Time
	ReadyAt   time.Time // when the test copy became ready
	EndedAt   time.Time // when it was cleaned up (or failed)
	Outcome   string    // Drill* above
	// TimeToReady is how long the test copy took to be ready, on the platform's clock (the
	// sandbox's simulated time at its time scale); 0 when not ready or not reported.
	TimeToReady time.Duration
	Message     string // the platform's message of a failed drill or cleanup
	// Unreported names the record's fields ("ended_at", "time_to_ready") the platform does
	// not report, each with why.
	Unreported map[string]string
}

// RecoveryPoint is one recovery point of a protected machine: what a recovery server's
// failover or test failover can start from.
type RecoveryPoint struct {
	// ID is what a failover names (recovery_point_id; lifecycle.ParamRecoveryPoint): the
	// sandbox's backup ID; Acronis vault_id/archive_id/backup_id (the three IDs of the DR API's
	// recovery_point).
	ID        string
	CreatedAt time.Time
	BackupID  string
	Type      string // "full", "incremental", … ("" when the platform does not say)
	SizeBytes int64  // 0 when not reported
}

// RecoveryPoints is implemented by platforms whose recovery servers fail over from a chosen
// recovery point (the sandbox; Acronis through the Vault Manager's backups).
type RecoveryPoints interface {
	// ListRecoveryPoints lists a protected machine's recovery points, newest first; none is
	// an empty list.
	ListRecoveryPoints(ctx context.Context, machineID string) ([]RecoveryPoint, error)
}

// RecoveryPointsOf returns p's recovery points, or false when p has none to choose from.
func RecoveryPointsOf(p Platform) (RecoveryPoints, bool) { k, ok := p.(RecoveryPoints); return k, ok }
