package sandbox

import (
	"context"
	"sort"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

var _ platform.RecoveryPoints = (*Sandbox)(nil)

// Recovery points (issue 27): a protected machine's recovery points are its available server
// backups (dr_sandbox_backup of the machine; replicas in other regions are not), newest first.
// A recovery server's failover or test failover that names one (lifecycle.ParamRecoveryPoint:
// its backup ID) starts from it; a point the machine does not have is refused before anything
// changes.

// machinePoints lists the machine's recovery points, newest first (ties: the later ID first).
func machinePoints(ctx context.Context, t *tx, machineID string) ([]platform.RecoveryPoint, error) {
	bs, _, err := listRecsBy[platform.Backup](ctx, t, qBackupsOfSource, machineID)
	if err != nil {
		return nil, err
	}
	var out []platform.RecoveryPoint
	for _, b := range bs {
		if b.SourceID != machineID || b.Kind != platform.BackupKindServer || b.Status != platform.BackupAvailable || b.IsReplica {
			continue
		}
		typ := "full"
		if !b.IncludesSystemDisk {
			typ = "data"
		}
		out = append(out, platform.RecoveryPoint{ID: b.ID, BackupID: b.ID, CreatedAt: b.CreatedAt, Type: typ, SizeBytes: b.SizeGB << 30})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].CreatedAt.Equal(out[j].CreatedAt) {
			return out[i].CreatedAt.After(out[j].CreatedAt)
		}
		return out[i].ID > out[j].ID
	})
	return out, nil
}

// ListRecoveryPoints lists a machine's recovery points, newest first.
func (s *Sandbox) ListRecoveryPoints(ctx context.Context, machineID string) ([]platform.RecoveryPoint, error) {
	return call(s, ctx, "ListRecoveryPoints", callScope{kind: lifecycle.RecoveryServer}, func(ctx context.Context) ([]platform.RecoveryPoint, error) {
		var out []platform.RecoveryPoint
		err := s.db.read(ctx, func(t *tx) error {
			var err error
			out, err = machinePoints(ctx, t, machineID)
			return err
		})
		return out, err
	})
}

// checkRecoveryPoint refuses a recovery point the machine does not have.
func (s *Sandbox) checkRecoveryPoint(ctx context.Context, t *tx, machineID, id string) error {
	pts, err := machinePoints(ctx, t, machineID)
	if err != nil {
		return err
	}
	for _, p := range pts {
		if p.ID == id {
			return nil
		}
	}
	return &platform.Error{Class: platform.ClassInvalid, Code: "RecoveryPointNotFound", Rule: "V-REFS",
		Message: "machine " + quote(machineID) + " has no recovery point " + quote(id) + " (an available server backup of the machine)"}
}
