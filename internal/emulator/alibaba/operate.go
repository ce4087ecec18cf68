package alibaba

import (
	"context"
	"slices"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/sandbox"
)

// A state-changing call is decided here, from the vendor's table (vendor.go), and only then
// run in the sandbox with sandbox.PhysicsOnly: the sandbox's physics (durations, effects,
// failures, the client-token ledger) applies, the engine's checks do not.

// target is the object a call names, as the vendor sees it: its sides and regions.
type target struct {
	kind   lifecycle.Kind
	id     string
	status string
	// primary/secondary: the regions of the sides as created; destination: the region of the
	// side replicated to now
	primary, secondary, destination string
}

// vendorCall is the handler of a state-changing call of action (its variant chosen by its
// parameters): the request's checks, then decide.
func vendorCall(kind lifecycle.Kind, action string) handler {
	idParam := "ReplicaPairId"
	if kind == lifecycle.ProtectionGroup {
		idParam = "ReplicaGroupId"
	}
	return func(e *Emulator, ctx context.Context, p map[string]string) (map[string]any, error) {
		if err := required(p, "RegionId", idParam); err != nil {
			return nil, err
		}
		variant := ""
		switch action {
		case "StartDiskReplicaPair", "StartDiskReplicaGroup":
			// OneShot, Boolean, default false; true is a one-shot synchronisation
			// (manual_syncing → stopped)
			oneShot, err := boolParam(p, "OneShot", false)
			if err != nil {
				return nil, err
			}
			if oneShot {
				variant = "OneShot=true"
			}
		case "ReprotectDiskReplicaPair", "ReprotectDiskReplicaGroup":
			// ReverseReplicate, Boolean, default true; false "cancels the failovered state and
			// restores the original replication direction"
			reverse, err := boolParam(p, "ReverseReplicate", true)
			if err != nil {
				return nil, err
			}
			if !reverse {
				variant = "ReverseReplicate=false"
			}
		case "AddDiskReplicaPair", "RemoveDiskReplicaPair":
			if err := required(p, "ReplicaPairId"); err != nil {
				return nil, err
			}
		}
		tok, err := token(p)
		if err != nil {
			return nil, err
		}
		var params map[string]string
		if kind == lifecycle.ProtectionGroup && p["ReplicaPairId"] != "" {
			params = map[string]string{lifecycle.ParamPairID: p["ReplicaPairId"]}
		}
		return nil, e.decide(ctx, kind, action, variant, p["RegionId"], p[idParam], tok, params)
	}
}

// decide runs one call: a replay of an earlier call with the same client token answers as it
// did (R001-4); otherwise the vendor's rule decides from the object's status and the
// preconditions, and an allowed call runs its physics. Calls are decided one at a time, so the
// status a decision reads is the one the physics starts from.
func (e *Emulator) decide(ctx context.Context, kind lifecycle.Kind, action, variant, region, id, tok string, params map[string]string) error {
	rule, ok := ruleFor(kind, action, variant)
	if !ok {
		return errf(400, "InvalidParameter", "The call is not supported.")
	}
	e.opMu.Lock()
	defer e.opMu.Unlock()
	lctx := sandbox.Lookup(ctx) // the reads that decide the call are part of it
	tgt, err := e.target(lctx, kind, region, id)
	if err != nil {
		return err
	}
	if replay, err := e.sb.Replay(lctx, kind, id, rule.Op, tok, params); err != nil || replay {
		return err
	}
	if err := tgt.inRegion(rule, region); err != nil {
		return err
	}
	sit, err := e.situation(lctx, tgt, params)
	if err != nil {
		return err
	}
	v := rule.Decide(sit)
	if !v.Allowed {
		return denied(v.Status, v.Code)
	}
	if v.Done {
		return nil // its result holds already: accepted, nothing changes
	}
	return e.sb.Invoke(sandbox.PhysicsOnly(ctx), kind, id, rule.Op, tok, params)
}

// target reads the object a call names, visible from region (either side's region: NoSuchResource
// elsewhere, as Describe* shows it only there).
func (e *Emulator) target(ctx context.Context, kind lifecycle.Kind, region, id string) (target, error) {
	if kind == lifecycle.ProtectionGroup {
		g, err := e.visibleGroup(ctx, region, id)
		if err != nil {
			return target{}, err
		}
		return target{kind: kind, id: id, status: statusOf(g.State, g.FailedOp), primary: g.SourceRegion, secondary: g.TargetRegion, destination: destRegion(g)}, nil
	}
	p, err := e.visiblePair(ctx, region, id)
	if err != nil {
		return target{}, err
	}
	dest := p.SecondaryRegion
	if p.ActiveSite == lifecycle.SiteTarget {
		dest = p.PrimaryRegion
	}
	return target{kind: kind, id: id, status: statusOf(p.State, p.FailedOp), primary: p.PrimaryRegion, secondary: p.SecondaryRegion, destination: dest}, nil
}

// inRegion checks the call's region against the rule's (each object has its regions as
// created; a call in the other side's region gets the vendor's wrong-site code).
func (t target) inRegion(r Rule, region string) error {
	switch r.Region {
	case RegionSecondary:
		if region != t.secondary {
			return denied(403, "OperationDenied.OperateNotAllowedForPrimary")
		}
	case RegionPrimary:
		if region != t.primary {
			return denied(403, "OperationDenied.OperateNotAllowedForStandby")
		}
	case RegionDestination:
		if region != t.destination {
			if r.Op == lifecycle.OpStopDrill {
				return denied(404, "NoSuchResource") // a drill lives in the destination region
			}
			return denied(403, "OperationDenied.StartDrillShouldOnDestRegion")
		}
	}
	return nil
}

// situation reads what the vendor's rules ask of the object (and of the pair a membership call
// names) from the sandbox.
func (e *Emulator) situation(ctx context.Context, t target, params map[string]string) (Situation, error) {
	s := Situation{Status: t.status}
	vols, err := e.sb.ListVolumes(ctx)
	if err != nil {
		return s, err
	}
	attached := map[string]bool{}
	for _, v := range vols {
		attached[v.ID] = v.ServerID != ""
	}
	standbyAttached := func(p platform.ReplicationPair) bool {
		if p.ActiveSite == lifecycle.SiteTarget {
			return attached[p.PrimaryVolumeID]
		}
		return attached[p.SecondaryVolumeID]
	}
	obs, err := e.sb.Observe(ctx, t.kind, t.id)
	if err != nil {
		return s, err
	}
	s.SyncOnceTooSoon = obs.Facts.SyncOnceWait > 0 // the sandbox's clock of the last one-shot sync (RPO/2)
	if t.kind == lifecycle.ReplicationPair {
		p, err := e.sb.GetPair(ctx, t.id)
		if err != nil {
			return s, err
		}
		s.StandbyAttached = standbyAttached(p)
		s.DrillActive = p.DrillActive
		s.RecoveryPoint = !p.LastRecoveryPoint.IsZero()
		s.FirstSyncDone = s.RecoveryPoint
		return s, nil
	}
	g, err := e.sb.GetGroup(ctx, t.id)
	if err != nil {
		return s, err
	}
	s.Pairs = len(g.PairIDs)
	s.DrillActive = g.DrillActive
	s.RecoveryPoint = !g.LastRecoveryPoint.IsZero()
	s.FirstSyncDone = g.FirstSyncDone
	for _, id := range g.PairIDs {
		p, err := e.sb.GetPair(ctx, id)
		if err != nil {
			return s, err
		}
		s.StandbyAttached = s.StandbyAttached || standbyAttached(p)
	}
	if id := params[lifecycle.ParamPairID]; id != "" {
		p, err := e.sb.GetPair(ctx, id)
		if err != nil {
			return s, err
		}
		s.PairStatus = statusOf(p.State, p.FailedOp)
		switch {
		case p.GroupID == g.ID || slices.Contains(g.PairIDs, id):
			s.PairGroup = "this"
		case p.GroupID != "":
			s.PairGroup = "other"
		}
		src, dst := [2]string{p.PrimaryRegion, p.PrimaryZone}, [2]string{p.SecondaryRegion, p.SecondaryZone}
		if p.ActiveSite == lifecycle.SiteTarget {
			src, dst = dst, src
		}
		gsrc, gdst := [2]string{g.SourceRegion, g.SourceZone}, [2]string{g.TargetRegion, g.TargetZone}
		if g.ActiveSite == lifecycle.SiteTarget {
			gsrc, gdst = gdst, gsrc
		}
		s.SameDirection = src == gsrc && dst == gdst
	}
	return s, nil
}
