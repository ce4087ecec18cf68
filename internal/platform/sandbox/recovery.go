package sandbox

import (
	"context"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

func (s *Sandbox) loadRS(ctx context.Context, t *tx, id string, now time.Time) (*rsRec, int64, error) {
	rec, ver, err := getRec[rsRec](ctx, t, kRecSrv, id)
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
	r, err := row(lifecycle.RecoveryServer, p.Op)
	if err != nil {
		return nil, 0, err
	}
	c.complete(r)
	switch p.Op { // the last drill on record: a test failover is the recovery server's drill
	case lifecycle.OpTestFailover:
		if p.Fail || rec.State == lifecycle.Error {
			drillFailed(rec.LastDrill, p.Due, rec.LastError)
		} else {
			drillBecameReady(rec.LastDrill, p.Due)
		}
	case lifecycle.OpStopTestFailover:
		drillEnded(rec.LastDrill, p.Due, p.Fail, rec.LastError)
	}
	if p.Fail {
		if p.Op == lifecycle.OpTestFailover {
			rec.VMState, rec.TestIP = platform.VMNotReady, ""
		}
	} else {
		rsEffect(rec, p.Op)
		if p.Op == lifecycle.OpDelete {
			if err := t.remove(ctx, kRecSrv, id); err != nil {
				return nil, 0, err
			}
			return nil, 0, gone(kRecSrv, id)
		}
	}
	ver, err = t.update(ctx, kRecSrv, id, ver, rec)
	return rec, ver, err
}

// rsEffect applies the sandbox's VM semantics when op completes successfully.
func rsEffect(rec *rsRec, op lifecycle.Op) {
	switch op {
	case lifecycle.OpFailover, lifecycle.OpFinalize, lifecycle.OpCancelFailback:
		rec.VMState = platform.VMStarted
		rec.RecoveryIP = recoveryIP(rec)
	case lifecycle.OpTestFailover:
		rec.VMState = platform.VMStarted
		rec.TestIP = addrFor("192.168", rec.ID+"/test")
	case lifecycle.OpStopTestFailover:
		rec.VMState, rec.TestIP = platform.VMNotReady, ""
	case lifecycle.OpFailback:
		rec.VMState = platform.VMStopped // turned off and backed up (R004-3)
	case lifecycle.OpConfirmFailback, lifecycle.OpCancelFailover:
		rec.VMState, rec.RecoveryIP = platform.VMNotReady, "" // cloud resources released
	}
}

func recoveryIP(rec *rsRec) string {
	if rec.IPAddress != "" {
		return rec.IPAddress
	}
	return addrFor("10.200", rec.ID)
}

// rsBegin applies the VM semantics visible while op runs.
func rsBegin(rec *rsRec, op lifecycle.Op) {
	if op == lifecycle.OpFailover {
		// R004-2: during finalization the server already runs (degraded)
		rec.VMState = platform.VMStarted
		rec.RecoveryIP = recoveryIP(rec)
	}
}

func (s *Sandbox) rsDuration(op lifecycle.Op) time.Duration {
	switch op {
	case lifecycle.OpCreate:
		return durRSCreate
	case lifecycle.OpFailover:
		return durFinalize
	case lifecycle.OpTestFailover:
		return durTestStart
	case lifecycle.OpStopTestFailover, lifecycle.OpCancelFailover:
		return durRSStop
	case lifecycle.OpFailback:
		return durFailback
	case lifecycle.OpConfirmFailback, lifecycle.OpDelete:
		return durRelease
	}
	return durUpdate
}

func (s *Sandbox) rsView(ctx context.Context, t *tx, rec *rsRec, ver int64) (platform.RecoveryServer, lifecycle.Observation, error) {
	out := rec.RecoveryServer
	out.Version = ver
	out.PendingOp = pendingOp(rec.P)
	f := lifecycle.Facts{HasRecoveryPoint: rec.RecoveryPointID != ""}
	if !f.HasRecoveryPoint && rec.MachineID != "" {
		bs, _, err := listRecsBy[platform.Backup](ctx, t, qBackupsOfSource, rec.MachineID)
		if err != nil {
			return out, lifecycle.Observation{}, err
		}
		for _, b := range bs {
			if b.SourceID == rec.MachineID && b.Status == platform.BackupAvailable {
				f.HasRecoveryPoint = true
				break
			}
		}
	}
	if rec.SiteID != "" {
		if st := loadSite(ctx, t, rec.SiteID); st == nil || !st.Healthy {
			f.BlockingIssues = append(f.BlockingIssues, "SiteNotReady")
		}
	}
	out.LastDrill = s.drillView(rec.LastDrill)
	obs := lifecycle.Observation{Kind: lifecycle.RecoveryServer, ID: rec.ID, Name: rec.Name, State: rec.State,
		FailedOp: rec.FailedOp, Facts: f, Version: ver, LastError: rec.LastError}
	// Like Acronis _links, the sandbox advertises the operations allowed now.
	adv := allowed(lifecycle.RecoveryServer, obs)
	if len(f.BlockingIssues) > 0 {
		adv = map[lifecycle.Op]bool{}
	}
	obs.Facts.AdvertisedOps = adv
	obs.Platform = platform.CapabilitiesOf(s)
	out.Observed = obs
	return out, obs, nil
}

// CreateRecoveryServer defines a recovery server (creating → standby, no VM: R004-1).
func (s *Sandbox) CreateRecoveryServer(ctx context.Context, spec platform.RecoveryServerSpec, token string) (platform.RecoveryServer, error) {
	return call(s, ctx, "CreateRecoveryServer", callScope{kind: lifecycle.RecoveryServer, op: lifecycle.OpCreate}, func(ctx context.Context) (platform.RecoveryServer, error) {
		if err := validateToken(token); err != nil {
			return platform.RecoveryServer{}, err
		}
		if err := s.checkTags(ctx, lifecycle.RecoveryServer, lifecycle.OpCreate, lifecycle.Observation{Kind: lifecycle.RecoveryServer, Name: spec.Name}, spec.Tags); err != nil {
			return platform.RecoveryServer{}, err
		}
		if spec.Name == "" || spec.MachineID == "" {
			return platform.RecoveryServer{}, platform.Invalidf("", "name and machine_id are required")
		}
		if spec.CPU < 0 || spec.MemoryGB < 0 {
			return platform.RecoveryServer{}, platform.Invalidf("", "cpu and memory must be >= 0")
		}
		// unset sizes take the platform's defaults (the resource's defaults too), so an adopted
		// server's generated configuration is valid
		if spec.CPU == 0 {
			spec.CPU = 2
		}
		if spec.MemoryGB == 0 {
			spec.MemoryGB = 4
		}
		params := map[string]string{"name": spec.Name, "machine": spec.MachineID, "rp": spec.RecoveryPointID, "site": spec.SiteID,
			"cpu": itoa(int64(spec.CPU)), "mem": itoa(int64(spec.MemoryGB)), "net": spec.NetworkID, "ip": spec.IPAddress}
		hash := paramsHash(lifecycle.OpCreate, params)
		var out platform.RecoveryServer
		err := s.db.write(ctx, func(t *tx) error {
			now := s.now()
			if res, found, err := checkToken(ctx, t, "create:"+kRecSrv, token, lifecycle.OpCreate, hash); err != nil {
				return err
			} else if found {
				rec, ver, err := s.loadRS(ctx, t, res, now)
				if err != nil {
					return err
				}
				out, _, err = s.rsView(ctx, t, rec, ver)
				return err
			}
			if spec.SiteID != "" && loadSite(ctx, t, spec.SiteID) == nil {
				return platform.Invalidf("", "site %q does not exist", spec.SiteID)
			}
			if err := s.checkQuota(ctx, t, lifecycle.RecoveryServer, now); err != nil {
				return err
			}
			rec := &rsRec{RecoveryServer: platform.RecoveryServer{
				ID: newID("rs"), Name: spec.Name, MachineID: spec.MachineID, RecoveryPointID: spec.RecoveryPointID, SiteID: spec.SiteID,
				CPU: spec.CPU, MemoryGB: spec.MemoryGB, NetworkID: spec.NetworkID, IPAddress: spec.IPAddress, VMState: platform.VMNotReady,
				Tags: spec.Tags,
			}}
			_, obs, err := s.rsView(ctx, t, rec, 0)
			if err != nil {
				return err
			}
			obs.State = ""
			if err := check(ctx, lifecycle.RecoveryServer, lifecycle.OpCreate, obs, true); err != nil {
				return err
			}
			r, err := row(lifecycle.RecoveryServer, lifecycle.OpCreate)
			if err != nil {
				return err
			}
			fail, err := takeFailNext(ctx, t, lifecycle.RecoveryServer, lifecycle.OpCreate)
			if err != nil {
				return err
			}
			rec.core().begin(r, now, s.scaled(durRSCreate), fail, "", nil)
			if err := t.insert(ctx, kRecSrv, rec.ID, rec); err != nil {
				return err
			}
			if err := saveToken(ctx, t, "create:"+kRecSrv, token, lifecycle.OpCreate, hash, rec.ID, now); err != nil {
				return err
			}
			out, _, err = s.rsView(ctx, t, rec, 1)
			return err
		})
		return out, err
	})
}

// GetRecoveryServer reads a recovery server.
func (s *Sandbox) GetRecoveryServer(ctx context.Context, id string) (platform.RecoveryServer, error) {
	return getDR(s, ctx, "GetRecoveryServer", id, s.rsAccess())
}

// ListRecoveryServers lists every recovery server.
func (s *Sandbox) ListRecoveryServers(ctx context.Context) ([]platform.RecoveryServer, error) {
	return listDR(s, ctx, "ListRecoveryServers", s.rsAccess())
}

func (s *Sandbox) rsAccess() drAccess[rsRec, platform.RecoveryServer] {
	return drAccess[rsRec, platform.RecoveryServer]{kind: kRecSrv, load: s.loadRS, id: func(r *rsRec) string { return r.ID },
		view: func(ctx context.Context, t *tx, r *rsRec, ver int64, _ time.Time) (platform.RecoveryServer, error) {
			v, _, err := s.rsView(ctx, t, r, ver)
			return v, err
		}}
}

// UpdateRecoveryServer changes a recovery server's configuration (allowed in standby only,
// like the Acronis console; the VM does not exist then).
func (s *Sandbox) UpdateRecoveryServer(ctx context.Context, id string, spec platform.RecoveryServerSpec) (platform.RecoveryServer, error) {
	return call(s, ctx, "UpdateRecoveryServer", callScope{kind: lifecycle.RecoveryServer, id: id, op: lifecycle.OpUpdate}, func(ctx context.Context) (platform.RecoveryServer, error) {
		var out platform.RecoveryServer
		err := s.db.write(ctx, func(t *tx) error {
			rec, ver, err := s.loadRS(ctx, t, id, s.now())
			if err != nil {
				return err
			}
			if spec.Version != 0 && spec.Version != ver {
				return &platform.Error{Class: platform.ClassConflict, Code: platform.CodeVersionConflict,
					Message: "recovery server " + id + " changed since version " + itoa(spec.Version)}
			}
			if _, ok := lifecycle.Table(lifecycle.RecoveryServer).Operation(lifecycle.OpUpdate); ok {
				_, obs, err := s.rsView(ctx, t, rec, ver)
				if err != nil {
					return err
				}
				if err := check(ctx, lifecycle.RecoveryServer, lifecycle.OpUpdate, obs, true); err != nil {
					return err
				}
			} else if rec.State != lifecycle.Standby {
				// no update row in the engine's table: the platform accepts reconfiguration only
				// while no VM exists (Acronis ServerNotReady)
				return &platform.Error{Class: platform.ClassPreconditionFailed, Code: "ServerNotReady",
					Message: "recovery server " + id + " can be reconfigured only in standby, it is " + lifecycle.RenderState(rec.State, rec.FailedOp)}
			}
			if spec.Name != "" {
				rec.Name = spec.Name
			}
			if spec.RecoveryPointID != "" {
				rec.RecoveryPointID = spec.RecoveryPointID
			}
			if spec.CPU > 0 {
				rec.CPU = spec.CPU
			}
			if spec.MemoryGB > 0 {
				rec.MemoryGB = spec.MemoryGB
			}
			rec.NetworkID, rec.IPAddress = spec.NetworkID, spec.IPAddress
			ver, err = t.update(ctx, kRecSrv, id, ver, rec)
			if err != nil {
				return err
			}
			out, _, err = s.rsView(ctx, t, rec, ver)
			return err
		})
		return out, err
	})
}

// ProposedRecoveryServerFacts returns the facts of a recovery server created from spec: its
// machine's recovery point (R004-2) and the site's blocking issues.
func (s *Sandbox) ProposedRecoveryServerFacts(ctx context.Context, spec platform.RecoveryServerSpec) (lifecycle.Facts, error) {
	return call(s, ctx, "ProposedRecoveryServerFacts", callScope{}, func(ctx context.Context) (lifecycle.Facts, error) {
		var f lifecycle.Facts
		err := s.db.read(ctx, func(t *tx) error {
			rec := &rsRec{RecoveryServer: platform.RecoveryServer{Name: spec.Name, MachineID: spec.MachineID,
				RecoveryPointID: spec.RecoveryPointID, SiteID: spec.SiteID}}
			_, obs, err := s.rsView(ctx, t, rec, 0)
			f = obs.Facts
			f.AdvertisedOps = nil // a new server's links are those of its first state: read at apply
			return err
		})
		return f, err
	})
}
