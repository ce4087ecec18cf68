package sandbox

import (
	"context"
	"slices"
	"strconv"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
func boolStr(b bool) string {
	if b {
		return "true"
	}
	return "false"
}
func quote(s string) string { return strconv.Quote(s) }

// Invoke parameters understood by the sandbox.
const (
	// ParamRegion is the region the call is issued in (R001-3); when present it must be the
	// region the table's row names (the standby region for failover and reprotect).
	ParamRegion = lifecycle.ParamRegion
	// ParamPairID / ParamServerID name the member for add_member / remove_member.
	ParamPairID   = lifecycle.ParamPairID
	ParamServerID = lifecycle.ParamServerID
	// ParamAllowDataLoss = "false" makes the sandbox refuse data-loss operations itself. By
	// default it accepts them like a real platform does: the data-loss opt-in is a plan-time
	// policy of the engine, not a platform fact.
	ParamAllowDataLoss = lifecycle.ParamAllowDataLoss
	// ParamIfVersion makes the operation conditional on the object's version (optimistic
	// concurrency); a stale version yields a Conflict error.
	ParamIfVersion = "if_version"
)

// Observe reads an object's normalized state and its facts (lazy advancement applies first).
func (s *Sandbox) Observe(ctx context.Context, kind lifecycle.Kind, id string) (lifecycle.Observation, error) {
	return call(s, ctx, "Observe", callScope{kind: kind, id: id}, func(ctx context.Context) (lifecycle.Observation, error) {
		var obs lifecycle.Observation
		err := s.view(ctx, func(t *tx) error {
			var err error
			obs, err = s.observe(ctx, t, kind, id, s.now())
			return err
		})
		return obs, err
	})
}

func (s *Sandbox) observe(ctx context.Context, t *tx, kind lifecycle.Kind, id string, now time.Time) (lifecycle.Observation, error) {
	switch kind {
	case lifecycle.ReplicationPair:
		rec, ver, err := s.loadPair(ctx, t, id, now)
		if err != nil {
			return lifecycle.Observation{}, err
		}
		_, obs, err := s.pairView(ctx, t, rec, ver, now)
		return obs, err
	case lifecycle.ProtectionGroup:
		rec, ver, err := s.loadGroup(ctx, t, id, now)
		if err != nil {
			return lifecycle.Observation{}, err
		}
		_, obs, err := s.groupView(ctx, t, rec, ver, now)
		return obs, err
	case lifecycle.BackupReplica:
		rec, ver, err := s.loadReplica(ctx, t, id, now)
		if err != nil {
			return lifecycle.Observation{}, err
		}
		_, obs, err := s.replicaView(ctx, t, rec, ver, now)
		return obs, err
	case lifecycle.RecoveryServer:
		rec, ver, err := s.loadRS(ctx, t, id, now)
		if err != nil {
			return lifecycle.Observation{}, err
		}
		_, obs, err := s.rsView(ctx, t, rec, ver)
		return obs, err
	}
	return lifecycle.Observation{}, platform.Invalidf("", "unknown kind %q", kind)
}

// Replay reports whether Invoke with these arguments would replay an earlier call (the same
// client token, operation and parameters on the object: R001-4) rather than run; a token used
// for another operation or other parameters is the Invoke's IdempotentParameterMismatch. An
// emulator asks it before it judges a call by its vendor's allow-lists, which are about the
// object's status now, while a replay answers as the first call did. It injects no fault.
func (s *Sandbox) Replay(ctx context.Context, kind lifecycle.Kind, id string, op lifecycle.Op, token string, params map[string]string) (bool, error) {
	if token == "" {
		return false, nil
	}
	if err := validateToken(token); err != nil {
		return false, err
	}
	var found bool
	err := s.view(ctx, func(t *tx) error {
		var err error
		_, found, err = checkToken(ctx, t, id, token, op, paramsHash(op, params))
		return err
	})
	return found, err
}

// CreateTokenUsed reports whether a create of kind already used the client token and made an
// object that still exists: the next create with it is the ledger's to answer (the same object
// for the same parameters, IdempotentParameterMismatch for others), before an emulator judges
// the request itself. It injects no fault.
func (s *Sandbox) CreateTokenUsed(ctx context.Context, kind lifecycle.Kind, token string) (bool, error) {
	if token == "" {
		return false, nil
	}
	var used bool
	err := s.view(ctx, func(t *tx) error {
		var op, hash, result string
		err := t.QueryRowContext(ctx, qTokenGet, "create:"+string(kind), token).Scan(&op, &hash, &result)
		if err != nil {
			if err.Error() == "sql: no rows in result set" {
				return nil
			}
			return err
		}
		used, err = t.exists(ctx, string(kind), result)
		return err
	})
	return used, err
}

// Invoke starts op on an object. The object moves to the row's transitional state and the
// result is applied lazily when it is read after the simulated duration.
func (s *Sandbox) Invoke(ctx context.Context, kind lifecycle.Kind, id string, op lifecycle.Op, token string, params map[string]string) error {
	return call0(s, ctx, "Invoke", callScope{kind: kind, id: id, op: op}, func(ctx context.Context) error {
		if err := validateToken(token); err != nil {
			return err
		}
		r, err := row(kind, op)
		if err != nil {
			return err
		}
		if !r.Invocable {
			return platform.Invalidf("UnsupportedOperation", "%s %s is driven by the platform and cannot be invoked", kind, op)
		}
		if r.Create && kind != lifecycle.BackupReplica {
			return platform.Invalidf("UnsupportedOperation", "create a %s with its Create call", kind)
		}
		hash := paramsHash(op, params)
		allowLoss := params[ParamAllowDataLoss] != "false"
		return s.db.write(ctx, func(t *tx) error {
			now := s.now()
			if _, found, err := checkToken(ctx, t, id, token, op, hash); err != nil {
				return err
			} else if found {
				return nil // replay: same result, no second effect (R001-4)
			}
			obs, err := s.observe(ctx, t, kind, id, now)
			if err != nil {
				return err
			}
			if v, ok := params[ParamIfVersion]; ok && v != itoa(obs.Version) {
				return &platform.Error{Class: platform.ClassConflict, Code: platform.CodeVersionConflict,
					Message: string(kind) + " " + id + " is at version " + itoa(obs.Version) + ", not " + v}
			}
			if reg, ok := params[ParamRegion]; ok {
				if want := r.RegionFor(obs); want != "" && reg != want {
					return &platform.Error{Class: platform.ClassInvalid, Code: platform.CodeInvalidRegion, Rule: "R001-3",
						Message: string(op) + " must be called in region " + quote(want) + ", not " + quote(reg)}
				}
			}
			switch kind {
			case lifecycle.ReplicationPair:
				err = s.invokePair(ctx, t, r, obs, params, allowLoss, now)
			case lifecycle.ProtectionGroup:
				err = s.invokeGroup(ctx, t, r, obs, params, allowLoss, now)
			case lifecycle.BackupReplica:
				err = s.invokeReplica(ctx, t, r, obs, allowLoss, now)
			case lifecycle.RecoveryServer:
				err = s.invokeRS(ctx, t, r, obs, params, allowLoss, now)
			}
			if err != nil {
				return err
			}
			return saveToken(ctx, t, id, token, op, hash, "accepted", now)
		})
	})
}

func (s *Sandbox) invokePair(ctx context.Context, t *tx, r *lifecycle.Operation, obs lifecycle.Observation, params map[string]string, allowLoss bool, now time.Time) error {
	if err := check(ctx, lifecycle.ReplicationPair, r.Name, obs, allowLoss); err != nil {
		return err
	}
	rec, ver, err := s.loadPair(ctx, t, obs.ID, now)
	if err != nil {
		return err
	}
	view, _, err := s.pairView(ctx, t, rec, ver, now)
	if err != nil {
		return err
	}
	rec.LastRecoveryPoint = view.LastRecoveryPoint // materialize cycles run so far
	rec.ReplSince = time.Time{}
	if r.Name == lifecycle.OpUpdate {
		applyMetadata(&rec.Name, &rec.Description, params)
	}
	fail, err := takeFailNextOn(ctx, t, lifecycle.ReplicationPair, r.Name, rec.ID)
	if err != nil {
		return err
	}
	rec.core().begin(r, now, s.scaled(s.pairDuration(ctx, t, rec, r.Name)), fail, "", params)
	if err := s.beginSync(ctx, t, lifecycle.ReplicationPair, rec.P, func(links []*platform.Fault) bool {
		return s.stallPair(ctx, t, rec, now, links)
	}); err != nil {
		return err
	}
	if rec.P == nil && r.Name == lifecycle.OpStart { // immediate start (no Via): replicate from now
		rec.ReplSince = now
	}
	if r.Name == lifecycle.OpSyncOnce {
		rec.OneShotAt = now // the rate limit counts from here (V-SYNC-ONCE)
	}
	if r.Name == lifecycle.OpStartDrill || r.Name == lifecycle.OpStopDrill { // no Via: done at once
		recordDrill(r.Name, &rec.DrillActive, &rec.LastDrill, now, fail, rec.LastError)
	}
	_, err = t.update(ctx, kPair, rec.ID, ver, rec)
	return err
}

func (s *Sandbox) invokeGroup(ctx context.Context, t *tx, r *lifecycle.Operation, obs lifecycle.Observation, params map[string]string, allowLoss bool, now time.Time) error {
	rec, ver, err := s.loadGroup(ctx, t, obs.ID, now)
	if err != nil {
		return err
	}
	switch r.Name {
	case lifecycle.OpAddMember, lifecycle.OpRemoveMember, lifecycle.OpAddServer, lifecycle.OpRemoveServer:
		return s.groupMembership(ctx, t, r, rec, ver, obs, params, allowLoss, now)
	}
	if err := check(ctx, lifecycle.ProtectionGroup, r.Name, obs, allowLoss); err != nil {
		return err
	}
	view, _, err := s.groupView(ctx, t, rec, ver, now)
	if err != nil {
		return err
	}
	rec.LastRecoveryPoint = view.LastRecoveryPoint
	rec.ReplSince = time.Time{}
	if r.Name == lifecycle.OpUpdate {
		applyMetadata(&rec.Name, &rec.Description, params)
	}
	fail, err := takeFailNextOn(ctx, t, lifecycle.ProtectionGroup, r.Name, rec.ID)
	if err != nil {
		return err
	}
	oldActive := rec.ActiveSite
	if r.Name == lifecycle.OpSyncOnce {
		rec.OneShotAt = now // the rate limit counts from here (V-SYNC-ONCE)
	}
	done := rec.core().begin(r, now, s.scaled(s.groupDuration(ctx, t, rec, r.Name)), fail, "", params)
	if !done {
		if err := s.beginSync(ctx, t, lifecycle.ProtectionGroup, rec.P, func(links []*platform.Fault) bool {
			return s.stallGroup(ctx, t, rec, now, links)
		}); err != nil {
			return err
		}
	}
	if done && (r.Name == lifecycle.OpStartDrill || r.Name == lifecycle.OpStopDrill) {
		recordDrill(r.Name, &rec.DrillActive, &rec.LastDrill, now, fail, rec.LastError)
	}
	if done && !fail {
		switch r.Name {
		case lifecycle.OpStartDrill:
			rec.DrillActive, rec.DrillStartedAt = true, now
		case lifecycle.OpStopDrill:
			rec.DrillActive, rec.DrillStartedAt = false, time.Time{}
		case lifecycle.OpEnableProtection, lifecycle.OpReprotect, lifecycle.OpPlannedFailover:
			rec.FirstSyncDone, rec.ReplSince = true, now
		}
		if r.Site == lifecycle.SiteFlip {
			if err := s.moveAddresses(ctx, t, rec, oldActive, r.Name == lifecycle.OpFailover); err != nil {
				return err
			}
		}
	}
	_, err = t.update(ctx, kGroup, rec.ID, ver, rec)
	return err
}

// groupMembership adds or removes a pair ({"pair_id"}) or a protected server ({"server_id"}).
func (s *Sandbox) groupMembership(ctx context.Context, t *tx, r *lifecycle.Operation, rec *groupRec, ver int64, obs lifecycle.Observation, params map[string]string, allowLoss bool, now time.Time) error {
	pairID, serverID := params[ParamPairID], params[ParamServerID]
	serverOp := r.Name == lifecycle.OpAddServer || r.Name == lifecycle.OpRemoveServer
	if serverOp && (serverID == "" || pairID != "") || !serverOp && (pairID == "" || serverID != "") {
		return platform.Invalidf("", "%s needs exactly its parameter (%v)", r.Name, r.Params)
	}
	add := r.Name == lifecycle.OpAddMember || r.Name == lifecycle.OpAddServer
	if pairID != "" {
		p, pver, err := s.loadPair(ctx, t, pairID, now)
		if err != nil {
			return err
		}
		if add {
			candidateFacts(ctx, t, rec, p, &obs.Facts)
			if slices.Contains(rec.PairIDs, pairID) {
				obs.Platform = nil // a member already counts: no limit to check
			}
		} else if !slices.Contains(rec.PairIDs, pairID) {
			return platform.Invalidf("PairNotInGroup", "pair %q is not in group %q", pairID, rec.ID)
		}
		if err := check(ctx, lifecycle.ProtectionGroup, r.Name, obs, allowLoss); err != nil {
			return err
		}
		if add {
			if slices.Contains(rec.PairIDs, pairID) {
				return nil // already a member: nothing to do
			}
			p.GroupID = rec.ID
			rec.PairIDs = append(rec.PairIDs, pairID)
			rec.FirstSyncDone = false // the new pair needs its first synchronisation
		} else {
			// the pair leaves with the group's current state (it mirrored the group)
			p.State, p.FailedOp, p.ActiveSite, p.FirstSync = rec.State, rec.FailedOp, rec.ActiveSite, rec.FirstSyncDone
			p.LastRecoveryPoint, p.GroupID, p.P = rec.LastRecoveryPoint, "", nil
			rec.PairIDs = slices.DeleteFunc(rec.PairIDs, func(x string) bool { return x == pairID })
		}
		if _, err := t.update(ctx, kPair, pairID, pver, p); err != nil {
			return err
		}
		_, err = t.update(ctx, kGroup, rec.ID, ver, rec)
		return err
	}

	// protected servers
	srv, sver := loadServer(ctx, t, serverID)
	if srv == nil {
		return platform.NotFoundf("server %q not found", serverID)
	}
	if add {
		if slices.Contains(rec.ServerIDs, serverID) {
			return nil
		}
		// the engine decides whether the server may be protected (V-GRP-MEMBERS)
		if err := serverCandidateFacts(ctx, t, rec, srv, &obs.Facts); err != nil {
			return err
		}
	}
	if err := check(ctx, lifecycle.ProtectionGroup, r.Name, obs, allowLoss); err != nil {
		return err
	}
	if add {
		standbyID := rec.TargetSiteID
		if rec.ActiveSite == lifecycle.SiteTarget {
			standbyID = rec.SourceSiteID
		}
		// the platform creates the DR-site twin, stopped and without addresses
		twin := &serverRec{Server: platform.Server{ID: newID("srv"), SiteID: standbyID, Name: srv.Name + "-dr",
			PowerState: platform.PowerStopped, TwinOf: serverID}, StoppedAt: now}
		if err := t.insert(ctx, kServer, twin.ID, twin); err != nil {
			return err
		}
		tw := platform.ServerTwin{SourceServerID: serverID, TwinServerID: twin.ID}
		if rec.ActiveSite == lifecycle.SiteTarget { // role-neutral: source is the source-site side
			tw = platform.ServerTwin{SourceServerID: twin.ID, TwinServerID: serverID}
		}
		rec.ServerIDs = append(rec.ServerIDs, serverID)
		rec.DRServers = append(rec.DRServers, tw)
	} else {
		idx := slices.IndexFunc(rec.DRServers, func(tw platform.ServerTwin) bool {
			return tw.SourceServerID == serverID || tw.TwinServerID == serverID
		})
		if idx < 0 {
			return platform.Invalidf("", "server %q is not protected by group %q", serverID, rec.ID)
		}
		tw := rec.DRServers[idx]
		twinID := tw.TwinServerID
		if twinID == serverID {
			twinID = tw.SourceServerID
		}
		// addresses held by the twin go back to the protected server
		if twin, tver := loadServer(ctx, t, twinID); twin != nil {
			if twin.IP != "" {
				srv.IP, srv.EIP, srv.MAC = twin.IP, twin.EIP, twin.MAC
				if _, err := t.update(ctx, kServer, serverID, sver, srv); err != nil {
					return err
				}
			}
			_ = tver
			if err := t.remove(ctx, kServer, twinID); err != nil {
				return err
			}
		}
		rec.DRServers = slices.Delete(rec.DRServers, idx, idx+1)
		rec.ServerIDs = slices.DeleteFunc(rec.ServerIDs, func(x string) bool { return x == serverID })
	}
	_, err := t.update(ctx, kGroup, rec.ID, ver, rec)
	return err
}

func (s *Sandbox) invokeReplica(ctx context.Context, t *tx, r *lifecycle.Operation, obs lifecycle.Observation, allowLoss bool, now time.Time) error {
	if err := check(ctx, lifecycle.BackupReplica, r.Name, obs, allowLoss); err != nil {
		return err
	}
	rec, ver, err := s.loadReplica(ctx, t, obs.ID, now)
	if err != nil {
		return err
	}
	fail, err := takeFailNextOn(ctx, t, lifecycle.BackupReplica, r.Name, rec.ID)
	if err != nil {
		return err
	}
	rec.core().begin(r, now, s.scaled(s.replicaDuration(rec, r.Name)), fail, "", nil)
	_, err = t.update(ctx, kReplica, rec.ID, ver, rec)
	return err
}

func (s *Sandbox) invokeRS(ctx context.Context, t *tx, r *lifecycle.Operation, obs lifecycle.Observation, params map[string]string, allowLoss bool, now time.Time) error {
	if err := check(ctx, lifecycle.RecoveryServer, r.Name, obs, allowLoss); err != nil {
		return err
	}
	rec, ver, err := s.loadRS(ctx, t, obs.ID, now)
	if err != nil {
		return err
	}
	fail, err := takeFailNextOn(ctx, t, lifecycle.RecoveryServer, r.Name, rec.ID)
	if err != nil {
		return err
	}
	var failOp lifecycle.Op
	if !fail && r.Name == lifecycle.OpFailover {
		// a failover's run is its finalization: FailNext(recovery_server, finalize) makes
		// it end in error{finalize}
		if fail, err = takeFailNextOn(ctx, t, lifecycle.RecoveryServer, lifecycle.OpFinalize, rec.ID); err != nil {
			return err
		}
		if fail {
			failOp = lifecycle.OpFinalize
		}
	}
	if rp := params[lifecycle.ParamRecoveryPoint]; rp != "" && (r.Name == lifecycle.OpFailover || r.Name == lifecycle.OpTestFailover) {
		// the operation starts from the recovery point it names: one of the machine's
		if err := s.checkRecoveryPoint(ctx, t, rec.MachineID, rp); err != nil {
			return err
		}
		rec.RecoveryPointID = rp
	}
	if r.Name == lifecycle.OpTestFailover {
		rec.LastDrill = drillStarted(now, false)
	}
	rsBegin(rec, r.Name)
	if done := rec.core().begin(r, now, s.scaled(s.rsDuration(r.Name)), fail, failOp, nil); done && !fail {
		rsEffect(rec, r.Name)
	}
	_, err = t.update(ctx, kRecSrv, rec.ID, ver, rec)
	return err
}

// Cancel abandons op if it is still running on the object: the object returns to the state it
// was in before. Cancelling an operation that is not running is a no-op.
func (s *Sandbox) Cancel(ctx context.Context, kind lifecycle.Kind, id string, op lifecycle.Op) error {
	return call0(s, ctx, "Cancel", callScope{kind: kind, id: id, op: op}, func(ctx context.Context) error {
		return s.db.write(ctx, func(t *tx) error {
			now := s.now()
			var c core
			var save func() error
			switch kind {
			case lifecycle.ReplicationPair:
				rec, ver, err := s.loadPair(ctx, t, id, now)
				if err != nil {
					return err
				}
				c, save = rec.core(), func() error { _, err := t.update(ctx, kPair, id, ver, rec); return err }
			case lifecycle.ProtectionGroup:
				rec, ver, err := s.loadGroup(ctx, t, id, now)
				if err != nil {
					return err
				}
				c, save = rec.core(), func() error { _, err := t.update(ctx, kGroup, id, ver, rec); return err }
			case lifecycle.BackupReplica:
				rec, ver, err := s.loadReplica(ctx, t, id, now)
				if err != nil {
					return err
				}
				c, save = rec.core(), func() error { _, err := t.update(ctx, kReplica, id, ver, rec); return err }
			case lifecycle.RecoveryServer:
				rec, ver, err := s.loadRS(ctx, t, id, now)
				if err != nil {
					return err
				}
				c, save = rec.core(), func() error { _, err := t.update(ctx, kRecSrv, id, ver, rec); return err }
				if rec.P != nil && rec.P.Op == op && op == lifecycle.OpTestFailover {
					drillFailed(rec.LastDrill, now, "the test failover was cancelled before its VM was ready")
				}
			default:
				return platform.Invalidf("", "unknown kind %q", kind)
			}
			if *c.p == nil || (*c.p).Op != op {
				return nil
			}
			if r, ok := lifecycle.Table(kind).Operation(op); ok && r.Create {
				return nil // a creation cannot be cancelled: it completes, and a delete removes it
			}
			c.cancel()
			return save()
		})
	})
}

// applyMetadata applies the update operation's parameters (the table row's Params: name,
// description) that are present.
func applyMetadata(name, description *string, params map[string]string) {
	if v, ok := params[lifecycle.ParamName]; ok && v != "" {
		*name = v
	}
	if v, ok := params[lifecycle.ParamDescription]; ok {
		*description = v
	}
}

// candidateFacts fills the add_member candidate facts (V-GRP-MEMBERS): the group the pair
// already belongs to, and whether it replicates between the group's sites in its direction.
func candidateFacts(ctx context.Context, t *tx, rec *groupRec, p *pairRec, f *lifecycle.Facts) {
	_, _, ps, ss := pairSites(ctx, t, p)
	activeID, standbyID := rec.SourceSiteID, rec.TargetSiteID
	if rec.ActiveSite == lifecycle.SiteTarget {
		activeID, standbyID = standbyID, activeID
	}
	pActive, pStandby := ps, ss
	if p.ActiveSite == lifecycle.SiteTarget {
		pActive, pStandby = ss, ps
	}
	f.CandidatePairID = p.ID
	f.CandidateGroupID = p.GroupID
	f.CandidateSameSites = pActive != nil && pStandby != nil && pActive.ID == activeID && pStandby.ID == standbyID
	f.CandidateState = p.State
}

// serverCandidateFacts fills the add_server candidate facts (V-GRP-MEMBERS; SDRS.1304/1305).
func serverCandidateFacts(ctx context.Context, t *tx, rec *groupRec, srv *serverRec, f *lifecycle.Facts) error {
	f.CandidateServerID = srv.ID
	switch srv.SiteID {
	case rec.SourceSiteID:
		f.CandidateServerSite = lifecycle.SiteSource
	case rec.TargetSiteID:
		f.CandidateServerSite = lifecycle.SiteTarget
	}
	f.CandidateServerTwin = srv.TwinOf != ""
	groups, _, err := listRecs[groupRec](ctx, t, kGroup)
	if err != nil {
		return err
	}
	for _, g := range groups {
		if slices.Contains(g.ServerIDs, srv.ID) {
			f.CandidateServerGroupID = g.ID
		}
	}
	return nil
}

// MemberFacts returns the group's facts with the candidate member's filled in: a pair
// ({"pair_id": id}) or a server ({"server_id": id}).
func (s *Sandbox) MemberFacts(ctx context.Context, groupID string, params map[string]string) (lifecycle.Facts, error) {
	pairID, serverID := params[ParamPairID], params[ParamServerID]
	return call(s, ctx, "MemberFacts", callScope{kind: lifecycle.ProtectionGroup, id: groupID}, func(ctx context.Context) (lifecycle.Facts, error) {
		var f lifecycle.Facts
		err := s.view(ctx, func(t *tx) error {
			now := s.now()
			obs, err := s.observe(ctx, t, lifecycle.ProtectionGroup, groupID, now)
			if err != nil {
				return err
			}
			rec, _, err := s.loadGroup(ctx, t, groupID, now)
			if err != nil {
				return err
			}
			f = obs.Facts
			if serverID != "" {
				srv, _ := loadServer(ctx, t, serverID)
				if srv == nil {
					return platform.NotFoundf("server %q not found", serverID)
				}
				return serverCandidateFacts(ctx, t, rec, srv, &f)
			}
			p, _, err := s.loadPair(ctx, t, pairID, now)
			if err != nil {
				return err
			}
			candidateFacts(ctx, t, rec, p, &f)
			return nil
		})
		return f, err
	})
}
