package sandbox

import (
	"context"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

func validateReplicaSpec(spec platform.ReplicaSpec) error {
	if err := formatErr(lifecycle.ValidateReplicaName(spec.Name), platform.CodeInvalidParameter); err != nil {
		return err
	}
	if err := formatErr(lifecycle.ValidateReplicaDescription(spec.Description), platform.CodeInvalidParameter); err != nil {
		return err
	}
	if spec.BackupID == "" || spec.DestinationRegion == "" || spec.DestinationVaultID == "" {
		return platform.Invalidf("", "backup_id, destination_region and destination_vault_id are required")
	}
	return nil
}

func (s *Sandbox) loadReplica(ctx context.Context, t *tx, id string, now time.Time) (*replicaRec, int64, error) {
	rec, ver, err := getRec[replicaRec](ctx, t, kReplica, id)
	if err != nil {
		return nil, 0, err
	}
	c := rec.core()
	if !c.due(now) {
		return rec, ver, nil
	}
	if !t.writable {
		return nil, 0, errNeedWrite
	}
	p := rec.P
	r, err := row(lifecycle.BackupReplica, p.Op)
	if err != nil {
		return nil, 0, err
	}
	c.complete(r)
	if !p.Fail {
		switch p.Op {
		case lifecycle.OpReplicate:
			// the replica is a backup in the destination vault
			src, _, _ := getRec[platform.Backup](ctx, t, kBackup, rec.BackupID)
			b := platform.Backup{ID: newID("bk"), Kind: platform.BackupKindServer, Status: platform.BackupAvailable,
				Region: rec.DestinationRegion, VaultID: rec.DestinationVaultID, IsReplica: true,
				SourceBackupID: rec.BackupID, SizeGB: rec.SizeGB, IncludesSystemDisk: true}
			if src != nil {
				b.Kind, b.SourceID, b.IncludesSystemDisk = src.Kind, src.SourceID, src.IncludesSystemDisk
			}
			if err := t.insert(ctx, kBackup, b.ID, &b); err != nil {
				return nil, 0, err
			}
			rec.ReplicaBackupID = b.ID
			if rec.Policy {
				if err := t.insert(ctx, kHistory, rec.BackupID+"|"+rec.DestinationRegion, map[string]bool{"policy": true}); err != nil && !platform.IsInvalid(err) {
					return nil, 0, err
				}
			}
		case lifecycle.OpDelete:
			if rec.ReplicaBackupID != "" {
				if err := t.remove(ctx, kBackup, rec.ReplicaBackupID); err != nil {
					return nil, 0, err
				}
			}
			if err := t.remove(ctx, kReplica, id); err != nil {
				return nil, 0, err
			}
			return nil, 0, gone(kReplica, id)
		}
	}
	ver, err = t.update(ctx, kReplica, id, ver, rec)
	return rec, ver, err
}

// replicaFacts reads the source backup, destination and other replicas. self is excluded
// from the one-per-region count.
func (s *Sandbox) replicaFacts(ctx context.Context, t *tx, spec platform.ReplicaSpec, self string, now time.Time) (lifecycle.Facts, error) {
	f := lifecycle.Facts{DestinationRegion: spec.DestinationRegion, ReplicationMethodPolicy: spec.Policy}
	if b, _, err := getRec[platform.Backup](ctx, t, kBackup, spec.BackupID); err == nil {
		f.BackupExists = true
		f.BackupType, f.BackupHasSystemDisk, f.BackupStatus, f.BackupIsReplica = b.Kind, b.IncludesSystemDisk, b.Status, b.IsReplica
		ok, err := regionCapable(ctx, t, b.Region)
		if err != nil {
			return f, err
		}
		f.SourceRegionCapable = ok
	} else if !platform.IsNotFound(err) {
		return f, err
	}
	ok, err := regionCapable(ctx, t, spec.DestinationRegion)
	if err != nil {
		return f, err
	}
	f.DestinationCapable = ok
	if v, _, err := getRec[platform.Vault](ctx, t, kVault, spec.DestinationVaultID); err == nil {
		f.VaultPurpose, f.VaultRegion = v.Purpose, v.Region
	} else if !platform.IsNotFound(err) {
		return f, err
	}
	reps, _, err := listRecsBy[replicaRec](ctx, t, qReplicasOfBackup, spec.BackupID)
	if err != nil {
		return f, err
	}
	for _, r := range reps {
		if r.ID == self || r.BackupID != spec.BackupID || r.DestinationRegion != spec.DestinationRegion {
			continue
		}
		switch r.State {
		case lifecycle.Requested, lifecycle.Replicating, lifecycle.Available:
			f.ReplicaInDestination = true
		}
	}
	f.PolicyReplicatedBefore, err = t.exists(ctx, kHistory, spec.BackupID+"|"+spec.DestinationRegion)
	return f, err
}

func (rec *replicaRec) spec() platform.ReplicaSpec {
	return platform.ReplicaSpec{BackupID: rec.BackupID, DestinationRegion: rec.DestinationRegion, DestinationVaultID: rec.DestinationVaultID,
		Name: rec.Name, Description: rec.Description, EnableAcceleration: rec.EnableAcceleration, Policy: rec.Policy}
}

func (s *Sandbox) replicaView(ctx context.Context, t *tx, rec *replicaRec, ver int64, now time.Time) (platform.BackupReplica, lifecycle.Observation, error) {
	out := rec.BackupReplica
	out.Version = ver
	out.PendingOp = pendingOp(rec.P)
	c := rec.core()
	if rec.P != nil && rec.P.Op == lifecycle.OpReplicate {
		frac := c.progress(now)
		out.Progress = min(int(frac*100), 99)
		// the table's Pending states: requested first, then replicating
		if r, err := row(lifecycle.BackupReplica, lifecycle.OpReplicate); err == nil && len(r.Pending) > 0 && frac >= requestedShare {
			out.State = r.Pending[0]
		}
	} else if rec.State == lifecycle.Available {
		out.Progress = 100
	}
	f, err := s.replicaFacts(ctx, t, rec.spec(), rec.ID, now)
	if err != nil {
		return out, lifecycle.Observation{}, err
	}
	obs := lifecycle.Observation{Kind: lifecycle.BackupReplica, ID: rec.ID, Name: rec.Name, State: out.State,
		FailedOp: rec.FailedOp, Facts: f, Version: ver, LastError: rec.LastError}
	obs.Platform = platform.CapabilitiesOf(s)
	out.Observed = obs
	return out, obs, nil
}

func (s *Sandbox) replicaDuration(rec *replicaRec, op lifecycle.Op) time.Duration {
	switch op {
	case lifecycle.OpReplicate:
		d := time.Duration(rec.SizeGB) * replicaPerGiB
		if rec.EnableAcceleration {
			d /= 2
		}
		return max(d, minSync)
	case lifecycle.OpDelete:
		return durDelete
	}
	return durUpdate
}

// CreateReplica replicates a backup to a destination region (the replicate operation).
func (s *Sandbox) CreateReplica(ctx context.Context, spec platform.ReplicaSpec, token string) (platform.BackupReplica, error) {
	return call(s, ctx, "CreateReplica", callScope{kind: lifecycle.BackupReplica, op: lifecycle.OpReplicate}, func(ctx context.Context) (platform.BackupReplica, error) {
		if err := validateToken(token); err != nil {
			return platform.BackupReplica{}, err
		}
		if err := s.checkTags(ctx, lifecycle.BackupReplica, lifecycle.OpCreate, lifecycle.Observation{Kind: lifecycle.BackupReplica, Name: spec.Name}, spec.Tags); err != nil {
			return platform.BackupReplica{}, err
		}
		if err := validateReplicaSpec(spec); err != nil {
			return platform.BackupReplica{}, err
		}
		params := map[string]string{"backup": spec.BackupID, "region": spec.DestinationRegion, "vault": spec.DestinationVaultID,
			"name": spec.Name, "description": spec.Description, "accel": boolStr(spec.EnableAcceleration), "policy": boolStr(spec.Policy)}
		hash := paramsHash(lifecycle.OpReplicate, params)
		var out platform.BackupReplica
		err := s.db.write(ctx, func(t *tx) error {
			now := s.now()
			if res, found, err := checkToken(ctx, t, "create:"+kReplica, token, lifecycle.OpReplicate, hash); err != nil {
				return err
			} else if found {
				rec, ver, err := s.loadReplica(ctx, t, res, now)
				if err != nil {
					return err
				}
				out, _, err = s.replicaView(ctx, t, rec, ver, now)
				return err
			}
			f, err := s.replicaFacts(ctx, t, spec, "", now)
			if err != nil {
				return err
			}
			obs := lifecycle.Observation{Kind: lifecycle.BackupReplica, Name: spec.Name, Facts: f}
			if err := check(ctx, lifecycle.BackupReplica, lifecycle.OpReplicate, obs, true); err != nil {
				return err
			}
			if err := s.checkQuota(ctx, t, lifecycle.BackupReplica, now); err != nil {
				return err
			}
			b, _, err := getRec[platform.Backup](ctx, t, kBackup, spec.BackupID)
			if err != nil {
				return err
			}
			rec := &replicaRec{BackupReplica: platform.BackupReplica{
				ID: newID("rep"), BackupID: spec.BackupID, SourceRegion: b.Region, DestinationRegion: spec.DestinationRegion,
				DestinationVaultID: spec.DestinationVaultID, Name: spec.Name, Description: spec.Description,
				EnableAcceleration: spec.EnableAcceleration, SizeGB: b.SizeGB, Tags: spec.Tags,
			}, Policy: spec.Policy}
			r, err := row(lifecycle.BackupReplica, lifecycle.OpReplicate)
			if err != nil {
				return err
			}
			fail, err := takeFailNext(ctx, t, lifecycle.BackupReplica, lifecycle.OpReplicate)
			if err != nil {
				return err
			}
			rec.core().begin(r, now, s.scaled(s.replicaDuration(rec, lifecycle.OpReplicate)), fail, "", nil)
			if err := t.insert(ctx, kReplica, rec.ID, rec); err != nil {
				return err
			}
			if err := saveToken(ctx, t, "create:"+kReplica, token, lifecycle.OpReplicate, hash, rec.ID, now); err != nil {
				return err
			}
			out, _, err = s.replicaView(ctx, t, rec, 1, now)
			return err
		})
		return out, err
	})
}

// ProposedReplicaFacts returns the facts a replica requested with spec would be checked with.
func (s *Sandbox) ProposedReplicaFacts(ctx context.Context, spec platform.ReplicaSpec) (lifecycle.Facts, error) {
	return call(s, ctx, "ProposedReplicaFacts", callScope{kind: lifecycle.BackupReplica}, func(ctx context.Context) (lifecycle.Facts, error) {
		var f lifecycle.Facts
		err := s.view(ctx, func(t *tx) error {
			var err error
			f, err = s.replicaFacts(ctx, t, spec, "", s.now())
			return err
		})
		return f, err
	})
}

// GetReplica reads a replica.
func (s *Sandbox) GetReplica(ctx context.Context, id string) (platform.BackupReplica, error) {
	return getDR(s, ctx, "GetReplica", id, s.replicaAccess())
}

// ListReplicas lists every replica.
func (s *Sandbox) ListReplicas(ctx context.Context) ([]platform.BackupReplica, error) {
	return listDR(s, ctx, "ListReplicas", s.replicaAccess())
}

func (s *Sandbox) replicaAccess() drAccess[replicaRec, platform.BackupReplica] {
	return drAccess[replicaRec, platform.BackupReplica]{kind: kReplica, load: s.loadReplica, id: func(r *replicaRec) string { return r.ID },
		view: func(ctx context.Context, t *tx, r *replicaRec, ver int64, now time.Time) (platform.BackupReplica, error) {
			v, _, err := s.replicaView(ctx, t, r, ver, now)
			return v, err
		}}
}
