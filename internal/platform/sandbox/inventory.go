package sandbox

import (
	"context"
	"slices"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// put inserts (empty or unknown ID) or replaces (known ID; version-checked when non-zero) an
// inventory object.
func put[T any](ctx context.Context, t *tx, kind, prefix string, id *string, version int64, v *T) (int64, error) {
	if *id == "" {
		*id = newID(prefix)
	}
	var old T
	ver, err := t.get(ctx, kind, *id, &old)
	if platform.IsNotFound(err) {
		return 1, t.insert(ctx, kind, *id, v)
	}
	if err != nil {
		return 0, err
	}
	if version != 0 && version != ver {
		return 0, &platform.Error{Class: platform.ClassConflict, Code: platform.CodeVersionConflict,
			Message: kindLabel(kind) + " " + *id + " changed since version " + itoa(version)}
	}
	return t.update(ctx, kind, *id, ver, v)
}

func getInv[T any](s *Sandbox, ctx context.Context, method, kind, id string, setVer func(*T, int64)) (T, error) {
	var out T
	return call(s, ctx, method, callScope{}, func(ctx context.Context) (T, error) {
		err := s.db.read(ctx, func(t *tx) error {
			v, ver, err := getRec[T](ctx, t, kind, id)
			if err != nil {
				return err
			}
			setVer(v, ver)
			out = *v
			return nil
		})
		return out, err
	})
}

func listInv[T any](s *Sandbox, ctx context.Context, method, kind string, setVer func(*T, int64)) ([]T, error) {
	return call(s, ctx, method, callScope{}, func(ctx context.Context) ([]T, error) {
		var out []T
		err := s.db.read(ctx, func(t *tx) error {
			out = nil
			vs, vers, err := listRecs[T](ctx, t, kind)
			if err != nil {
				return err
			}
			for i, v := range vs {
				setVer(v, vers[i])
				out = append(out, *v)
			}
			return nil
		})
		return out, err
	})
}

// ---- sites ----

// PutSite creates or replaces a site.
func (s *Sandbox) PutSite(ctx context.Context, site platform.Site) (platform.Site, error) {
	return call(s, ctx, "PutSite", callScope{}, func(ctx context.Context) (platform.Site, error) {
		if site.Region == "" || site.Zone == "" {
			return site, platform.Invalidf("", "a site needs a region and a zone")
		}
		err := s.db.write(ctx, func(t *tx) error {
			rec := &siteRec{Site: site}
			if old, _, err := getRec[siteRec](ctx, t, kSite, site.ID); err == nil {
				rec.DownSince = old.DownSince
				if old.Healthy && !site.Healthy {
					rec.DownSince = s.now()
				}
			} else if !site.Healthy {
				rec.DownSince = s.now()
			}
			if site.Healthy {
				rec.DownSince = time.Time{}
			}
			ver, err := put(ctx, t, kSite, "site", &rec.ID, site.Version, rec)
			site.ID, site.Version = rec.ID, ver
			if err != nil {
				return err
			}
			return s.restall(ctx, t, s.now()) // a synchronisation needing the site stalls or resumes
		})
		return site, err
	})
}

func setSiteVer(v *siteRec, ver int64) { v.Version = ver }

// GetSite reads a site.
func (s *Sandbox) GetSite(ctx context.Context, id string) (platform.Site, error) {
	r, err := getInv(s, ctx, "GetSite", kSite, id, setSiteVer)
	return r.Site, err
}

// ListSites lists sites.
func (s *Sandbox) ListSites(ctx context.Context) ([]platform.Site, error) {
	rs, err := listInv(s, ctx, "ListSites", kSite, setSiteVer)
	out := make([]platform.Site, len(rs))
	for i, r := range rs {
		out[i] = r.Site
	}
	return out, err
}

// DeleteSite deletes a site that holds no volumes or servers.
func (s *Sandbox) DeleteSite(ctx context.Context, id string) error {
	return call0(s, ctx, "DeleteSite", callScope{}, func(ctx context.Context) error {
		return s.db.write(ctx, func(t *tx) error {
			if ok, err := t.exists(ctx, kSite, id); err != nil || !ok {
				if err == nil {
					err = platform.NotFoundf("site %q not found", id)
				}
				return err
			}
			vols, _, err := listRecs[platform.Volume](ctx, t, kVolume)
			if err != nil {
				return err
			}
			srvs, _, err := listRecs[serverRec](ctx, t, kServer)
			if err != nil {
				return err
			}
			for _, v := range vols {
				if v.SiteID == id {
					return &platform.Error{Class: platform.ClassPreconditionFailed, Code: "SiteInUse", Message: "site " + id + " still holds volume " + v.ID}
				}
			}
			for _, v := range srvs {
				if v.SiteID == id {
					return &platform.Error{Class: platform.ClassPreconditionFailed, Code: "SiteInUse", Message: "site " + id + " still holds server " + v.ID}
				}
			}
			return t.remove(ctx, kSite, id)
		})
	})
}

// SetSiteHealth simulates an outage (false) or its repair (true). Replication between the
// site and its peers stops making recovery points while it is down.
func (s *Sandbox) SetSiteHealth(ctx context.Context, id string, healthy bool) (platform.Site, error) {
	return call(s, ctx, "SetSiteHealth", callScope{}, func(ctx context.Context) (platform.Site, error) {
		var out platform.Site
		err := s.db.write(ctx, func(t *tx) error {
			rec, ver, err := getRec[siteRec](ctx, t, kSite, id)
			if err != nil {
				return err
			}
			if rec.Healthy != healthy {
				rec.Healthy = healthy
				if healthy {
					rec.DownSince = time.Time{}
				} else {
					rec.DownSince = s.now()
				}
				if ver, err = t.update(ctx, kSite, id, ver, rec); err != nil {
					return err
				}
				// synchronisations needing the site stall (outage) or resume (repair)
				if err := s.restall(ctx, t, s.now()); err != nil {
					return err
				}
			}
			out = rec.Site
			out.Version = ver
			return nil
		})
		return out, err
	})
}

// ---- volumes ----

// PutVolume creates or replaces a volume.
func (s *Sandbox) PutVolume(ctx context.Context, v platform.Volume) (platform.Volume, error) {
	return call(s, ctx, "PutVolume", callScope{}, func(ctx context.Context) (platform.Volume, error) {
		if v.SizeGB <= 0 {
			return v, platform.Invalidf("", "volume size must be > 0")
		}
		err := s.db.write(ctx, func(t *tx) error {
			if ok, err := t.exists(ctx, kSite, v.SiteID); err != nil || !ok {
				if err == nil {
					err = platform.Invalidf("", "site %q does not exist", v.SiteID)
				}
				return err
			}
			if v.ServerID != "" {
				srv, _ := loadServer(ctx, t, v.ServerID)
				if srv == nil || srv.SiteID != v.SiteID {
					return platform.Invalidf("", "server %q does not exist at site %q", v.ServerID, v.SiteID)
				}
			}
			ver, err := put(ctx, t, kVolume, "vol", &v.ID, v.Version, &v)
			v.Version = ver
			return err
		})
		return v, err
	})
}

func setVolVer(v *platform.Volume, ver int64) { v.Version = ver }

// GetVolume reads a volume.
func (s *Sandbox) GetVolume(ctx context.Context, id string) (platform.Volume, error) {
	return getInv(s, ctx, "GetVolume", kVolume, id, setVolVer)
}

// ListVolumes lists volumes.
func (s *Sandbox) ListVolumes(ctx context.Context) ([]platform.Volume, error) {
	return listInv(s, ctx, "ListVolumes", kVolume, setVolVer)
}

// DeleteVolume deletes a volume that belongs to no replication pair.
func (s *Sandbox) DeleteVolume(ctx context.Context, id string) error {
	return call0(s, ctx, "DeleteVolume", callScope{}, func(ctx context.Context) error {
		return s.db.write(ctx, func(t *tx) error {
			if ok, err := t.exists(ctx, kVolume, id); err != nil || !ok {
				if err == nil {
					err = platform.NotFoundf("volume %q not found", id)
				}
				return err
			}
			pairs, err := pairsOfVolumes(ctx, t, id)
			if err != nil {
				return err
			}
			for _, p := range pairs {
				if p.PrimaryVolumeID == id || p.SecondaryVolumeID == id {
					return &platform.Error{Class: platform.ClassPreconditionFailed, Code: "VolumeInPair", Message: "volume " + id + " belongs to replication pair " + p.ID}
				}
			}
			return t.remove(ctx, kVolume, id)
		})
	})
}

// AttachVolume attaches a volume to a server at its site ("" detaches).
func (s *Sandbox) AttachVolume(ctx context.Context, volumeID, serverID string) (platform.Volume, error) {
	return call(s, ctx, "AttachVolume", callScope{}, func(ctx context.Context) (platform.Volume, error) {
		var out platform.Volume
		err := s.db.write(ctx, func(t *tx) error {
			v, ver, err := getRec[platform.Volume](ctx, t, kVolume, volumeID)
			if err != nil {
				return err
			}
			if serverID != "" {
				srv, _ := loadServer(ctx, t, serverID)
				if srv == nil {
					return platform.NotFoundf("server %q not found", serverID)
				}
				if srv.SiteID != v.SiteID {
					return platform.Invalidf("", "server %q is at site %q, volume %q at %q", serverID, srv.SiteID, volumeID, v.SiteID)
				}
				if v.ServerID != "" && v.ServerID != serverID {
					return &platform.Error{Class: platform.ClassPreconditionFailed, Code: "VolumeInUse", Message: "volume " + volumeID + " is attached to " + v.ServerID}
				}
			}
			v.ServerID = serverID
			ver, err = t.update(ctx, kVolume, volumeID, ver, v)
			out = *v
			out.Version = ver
			return err
		})
		return out, err
	})
}

// ---- servers ----

// PutServer creates or replaces a server. Missing addresses are generated.
func (s *Sandbox) PutServer(ctx context.Context, srv platform.Server) (platform.Server, error) {
	return call(s, ctx, "PutServer", callScope{}, func(ctx context.Context) (platform.Server, error) {
		if srv.PowerState == "" {
			srv.PowerState = platform.PowerRunning
		}
		if srv.PowerState != platform.PowerRunning && srv.PowerState != platform.PowerStopped {
			return srv, platform.Invalidf("", "power state %q is not running or stopped", srv.PowerState)
		}
		err := s.db.write(ctx, func(t *tx) error {
			if ok, err := t.exists(ctx, kSite, srv.SiteID); err != nil || !ok {
				if err == nil {
					err = platform.Invalidf("", "site %q does not exist", srv.SiteID)
				}
				return err
			}
			rec := &serverRec{Server: srv}
			if old, _ := loadServer(ctx, t, srv.ID); old != nil {
				rec.StoppedAt = old.StoppedAt
				if old.PowerState != rec.PowerState && rec.PowerState == platform.PowerStopped {
					rec.StoppedAt = s.now()
				}
			} else {
				if rec.ID == "" {
					rec.ID = newID("srv")
				}
				if rec.IP == "" {
					rec.IP = addrFor("10.0", rec.ID)
				}
				if rec.EIP == "" {
					rec.EIP = addrFor("203.0", rec.ID)
				}
				if rec.MAC == "" {
					rec.MAC = macFor(rec.ID)
				}
			}
			rec.VolumeIDs = nil // derived from the volumes
			ver, err := put(ctx, t, kServer, "srv", &rec.ID, srv.Version, rec)
			if err != nil {
				return err
			}
			srv = rec.Server
			srv.Version = ver
			srv.VolumeIDs, err = attachedTo(ctx, t, srv.ID)
			return err
		})
		return srv, err
	})
}

func attachedTo(ctx context.Context, t *tx, serverID string) ([]string, error) {
	vols, _, err := listRecsBy[platform.Volume](ctx, t, qVolumesOfServer, serverID)
	var out []string
	for _, v := range vols {
		if v.ServerID == serverID {
			out = append(out, v.ID)
		}
	}
	return out, err
}

// GetServer reads a server.
func (s *Sandbox) GetServer(ctx context.Context, id string) (platform.Server, error) {
	return call(s, ctx, "GetServer", callScope{}, func(ctx context.Context) (platform.Server, error) {
		var out platform.Server
		err := s.db.read(ctx, func(t *tx) error {
			rec, ver, err := getRec[serverRec](ctx, t, kServer, id)
			if err != nil {
				return err
			}
			out = rec.Server
			out.Version = ver
			out.VolumeIDs, err = attachedTo(ctx, t, id)
			return err
		})
		return out, err
	})
}

// ListServers lists servers (DR-site twins included, with TwinOf set).
func (s *Sandbox) ListServers(ctx context.Context) ([]platform.Server, error) {
	return call(s, ctx, "ListServers", callScope{}, func(ctx context.Context) ([]platform.Server, error) {
		var out []platform.Server
		err := s.db.read(ctx, func(t *tx) error {
			out = nil
			recs, vers, err := listRecs[serverRec](ctx, t, kServer)
			if err != nil {
				return err
			}
			for i, r := range recs {
				srv := r.Server
				srv.Version = vers[i]
				if srv.VolumeIDs, err = attachedTo(ctx, t, srv.ID); err != nil {
					return err
				}
				out = append(out, srv)
			}
			return nil
		})
		return out, err
	})
}

// DeleteServer deletes a server that no protection group protects and no volume is attached to.
func (s *Sandbox) DeleteServer(ctx context.Context, id string) error {
	return call0(s, ctx, "DeleteServer", callScope{}, func(ctx context.Context) error {
		return s.db.write(ctx, func(t *tx) error {
			if ok, err := t.exists(ctx, kServer, id); err != nil || !ok {
				if err == nil {
					err = platform.NotFoundf("server %q not found", id)
				}
				return err
			}
			if g, err := groupOfServer(ctx, t, id); err != nil {
				return err
			} else if g != nil {
				return &platform.Error{Class: platform.ClassPreconditionFailed, Code: "SDRS.1301", Message: "server " + id + " is protected by group " + g.ID + "; remove it from the group first"}
			}
			if vols, err := attachedTo(ctx, t, id); err != nil {
				return err
			} else if len(vols) > 0 {
				return &platform.Error{Class: platform.ClassPreconditionFailed, Code: "ServerHasVolumes", Message: "server " + id + " has attached volumes; detach them first"}
			}
			return t.remove(ctx, kServer, id)
		})
	})
}

// groupOfServer finds the group protecting a server, as the protected server, its twin, or
// the server attached to a member pair's volume.
func groupOfServer(ctx context.Context, t *tx, id string) (*groupRec, error) {
	groups, _, err := listRecs[groupRec](ctx, t, kGroup)
	if err != nil {
		return nil, err
	}
	for _, g := range groups {
		for _, tw := range g.DRServers {
			if tw.SourceServerID == id || tw.TwinServerID == id {
				return g, nil
			}
		}
	}
	vols, err := attachedTo(ctx, t, id)
	if err != nil {
		return nil, err
	}
	for _, g := range groups {
		for _, pid := range g.PairIDs {
			p, _, err := getRec[pairRec](ctx, t, kPair, pid)
			if err != nil {
				continue
			}
			if slices.Contains(vols, p.PrimaryVolumeID) || slices.Contains(vols, p.SecondaryVolumeID) {
				return g, nil
			}
		}
	}
	return nil, nil
}

// SetServerPower starts or stops a server. While the server's protection group is failing
// over, the engine's R002-7 check refuses it; a server at a site that is down cannot change.
func (s *Sandbox) SetServerPower(ctx context.Context, id, power string) (platform.Server, error) {
	return call(s, ctx, "SetServerPower", callScope{}, func(ctx context.Context) (platform.Server, error) {
		return s.setServerPower(ctx, id, power, true)
	})
}

// CheckServerPower runs SetServerPower's checks without changing anything, so a plan can
// refuse a power change the platform would refuse (R002-7, SiteDown).
func (s *Sandbox) CheckServerPower(ctx context.Context, id, power string) error {
	return call0(s, ctx, "CheckServerPower", callScope{}, func(ctx context.Context) error {
		_, err := s.setServerPower(ctx, id, power, false)
		return err
	})
}

func (s *Sandbox) setServerPower(ctx context.Context, id, power string, change bool) (platform.Server, error) {
	if power != platform.PowerRunning && power != platform.PowerStopped {
		return platform.Server{}, platform.Invalidf("", "power state %q is not running or stopped", power)
	}
	var out platform.Server
	err := s.db.write(ctx, func(t *tx) error {
		now := s.now()
		rec, ver, err := getRec[serverRec](ctx, t, kServer, id)
		if err != nil {
			return err
		}
		g, err := groupOfServer(ctx, t, id)
		if err != nil {
			return err
		}
		if g != nil {
			grec, gver, err := s.loadGroup(ctx, t, g.ID, now)
			if err != nil && !platform.IsNotFound(err) {
				return err
			}
			if grec != nil {
				_, obs, err := s.groupView(ctx, t, grec, gver, now)
				if err != nil {
					return err
				}
				if err := checkPower(obs); err != nil {
					return err
				}
			}
			// the group's settle may have changed this server (address move); reload
			if rec, ver, err = getRec[serverRec](ctx, t, kServer, id); err != nil {
				return err
			}
		}
		if site := loadSite(ctx, t, rec.SiteID); site == nil || !site.Healthy {
			return &platform.Error{Class: platform.ClassPreconditionFailed, Code: "SiteDown", Message: "server " + id + " is at a site that is down"}
		}
		if !change {
			out = rec.Server
			return nil
		}
		if rec.PowerState != power {
			rec.PowerState = power
			if power == platform.PowerStopped {
				rec.StoppedAt = now
			}
			if ver, err = t.update(ctx, kServer, id, ver, rec); err != nil {
				return err
			}
		}
		out = rec.Server
		out.Version = ver
		out.VolumeIDs, err = attachedTo(ctx, t, id)
		return err
	})
	return out, err
}

// ---- backups ----

// PutBackup creates or replaces a backup; its region is its vault's.
func (s *Sandbox) PutBackup(ctx context.Context, b platform.Backup) (platform.Backup, error) {
	return call(s, ctx, "PutBackup", callScope{}, func(ctx context.Context) (platform.Backup, error) {
		if b.Kind != platform.BackupKindServer && b.Kind != platform.BackupKindDisk {
			return b, platform.Invalidf("", "backup kind %q is not server or disk", b.Kind)
		}
		if b.Status == "" {
			b.Status = platform.BackupAvailable
		}
		err := s.db.write(ctx, func(t *tx) error {
			if b.VaultID != "" {
				v, _, err := getRec[platform.Vault](ctx, t, kVault, b.VaultID)
				if err != nil {
					return platform.Invalidf("", "vault %q does not exist", b.VaultID)
				}
				if b.Region == "" {
					b.Region = v.Region
				}
			}
			if b.Region == "" {
				return platform.Invalidf("", "a backup needs a vault or a region")
			}
			if b.CreatedAt.IsZero() { // when it was taken: kept across updates (a recovery point's time)
				b.CreatedAt = s.now()
				if b.ID != "" {
					if old, _, err := getRec[platform.Backup](ctx, t, kBackup, b.ID); err == nil && !old.CreatedAt.IsZero() {
						b.CreatedAt = old.CreatedAt
					}
				}
			}
			ver, err := put(ctx, t, kBackup, "bk", &b.ID, b.Version, &b)
			b.Version = ver
			return err
		})
		return b, err
	})
}

func setBackupVer(v *platform.Backup, ver int64) { v.Version = ver }

// GetBackup reads a backup.
func (s *Sandbox) GetBackup(ctx context.Context, id string) (platform.Backup, error) {
	return getInv(s, ctx, "GetBackup", kBackup, id, setBackupVer)
}

// ListBackups lists backups (replicas included, with IsReplica set).
func (s *Sandbox) ListBackups(ctx context.Context) ([]platform.Backup, error) {
	return listInv(s, ctx, "ListBackups", kBackup, setBackupVer)
}

// DeleteBackup deletes a backup. A replica's backup is deleted through its replica.
func (s *Sandbox) DeleteBackup(ctx context.Context, id string) error {
	return call0(s, ctx, "DeleteBackup", callScope{}, func(ctx context.Context) error {
		return s.db.write(ctx, func(t *tx) error {
			if ok, err := t.exists(ctx, kBackup, id); err != nil || !ok {
				if err == nil {
					err = platform.NotFoundf("backup %q not found", id)
				}
				return err
			}
			reps, _, err := listRecs[replicaRec](ctx, t, kReplica)
			if err != nil {
				return err
			}
			for _, r := range reps {
				if r.ReplicaBackupID == id {
					return &platform.Error{Class: platform.ClassPreconditionFailed, Code: "BackupIsReplica", Message: "backup " + id + " is replica " + r.ID + "; delete the replica instead"}
				}
			}
			return t.remove(ctx, kBackup, id)
		})
	})
}

// ---- vaults ----

// PutVault creates or replaces a vault.
func (s *Sandbox) PutVault(ctx context.Context, v platform.Vault) (platform.Vault, error) {
	return call(s, ctx, "PutVault", callScope{}, func(ctx context.Context) (platform.Vault, error) {
		if v.Region == "" {
			return v, platform.Invalidf("", "a vault needs a region")
		}
		if v.Purpose == "" {
			v.Purpose = platform.VaultBackup
		}
		if v.Purpose != platform.VaultBackup && v.Purpose != platform.VaultReplication {
			return v, platform.Invalidf("", "vault purpose %q is not backup or replication", v.Purpose)
		}
		err := s.db.write(ctx, func(t *tx) error {
			ver, err := put(ctx, t, kVault, "vault", &v.ID, v.Version, &v)
			v.Version = ver
			return err
		})
		return v, err
	})
}

func setVaultVer(v *platform.Vault, ver int64) { v.Version = ver }

// GetVault reads a vault.
func (s *Sandbox) GetVault(ctx context.Context, id string) (platform.Vault, error) {
	return getInv(s, ctx, "GetVault", kVault, id, setVaultVer)
}

// ListVaults lists vaults.
func (s *Sandbox) ListVaults(ctx context.Context) ([]platform.Vault, error) {
	return listInv(s, ctx, "ListVaults", kVault, setVaultVer)
}

// DeleteVault deletes an empty vault.
func (s *Sandbox) DeleteVault(ctx context.Context, id string) error {
	return call0(s, ctx, "DeleteVault", callScope{}, func(ctx context.Context) error {
		return s.db.write(ctx, func(t *tx) error {
			if ok, err := t.exists(ctx, kVault, id); err != nil || !ok {
				if err == nil {
					err = platform.NotFoundf("vault %q not found", id)
				}
				return err
			}
			bs, _, err := listRecs[platform.Backup](ctx, t, kBackup)
			if err != nil {
				return err
			}
			for _, b := range bs {
				if b.VaultID == id {
					return &platform.Error{Class: platform.ClassPreconditionFailed, Code: "VaultNotEmpty", Message: "vault " + id + " holds backup " + b.ID}
				}
			}
			return t.remove(ctx, kVault, id)
		})
	})
}

var _ = lifecycle.Kinds
