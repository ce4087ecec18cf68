package sandbox

import (
	"context"
	"fmt"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// Scoped faults (the dr_sandbox_fault resource) are objects of kind "fault" in the objects
// table, so every process on the database sees them and each can be switched off on its own.
// They complement the sandbox-wide settings (FailNext, SetTransientErrorRate, SetLatency).

const kFault = "fault"

const maxFailNext = platform.MaxFailNext

// callScope is what an API call works on, matched against a fault's scope.
type callScope struct {
	kind lifecycle.Kind
	id   string
	op   lifecycle.Op
}

// matches reports whether a fault scoped to (kind, op, objectID) applies to the call.
func (f *faultScope) matches(c callScope) bool {
	return (f.Kind == "" || f.Kind == c.kind) && (f.Op == "" || f.Op == c.op) && (f.ObjectID == "" || f.ObjectID == c.id)
}

// faultScope is the scope part of a platform.Fault.
type faultScope struct {
	Kind     lifecycle.Kind
	Op       lifecycle.Op
	ObjectID string
}

func scopeOf(f *platform.Fault) *faultScope {
	return &faultScope{Kind: f.Kind, Op: f.Op, ObjectID: f.ObjectID}
}

// isSyncOp: the operations that synchronise data (and so can stall) are the engine's Syncs
// rows.
func isSyncOp(kind lifecycle.Kind, op lifecycle.Op) bool { return lifecycle.Syncs(kind, op) }

// ValidateFault checks a fault's type, scope and parameters without storing it
// (platform.ValidateFault); CreateFault checks the same, and that the objects it names exist.
func ValidateFault(f platform.Fault) error { return validateFault(&f) }

// validateFault checks a fault and fills Count's default (platform.ValidateFault).
func validateFault(f *platform.Fault) error { return platform.ValidateFault(f) }

// CreateFault switches a scoped fault on. A volume_lost fault breaks every pair using the
// volume at once (invalid); a link_stall fault stalls the running synchronisations it
// matches at once.
func (s *Sandbox) CreateFault(ctx context.Context, f platform.Fault) (platform.Fault, error) {
	return call(s, ctx, "CreateFault", callScope{}, func(ctx context.Context) (platform.Fault, error) {
		defer s.invalidateFaults()
		f.ID, f.Remaining, f.Version = "", 0, 0
		if err := validateFault(&f); err != nil {
			return f, err
		}
		err := s.db.write(ctx, func(t *tx) error {
			now := s.now()
			f.ID, f.CreatedAt = newID("fault"), now
			if f.Type == platform.FaultVolumeLost {
				if err := s.loseVolume(ctx, t, f.ObjectID, now); err != nil {
					return err
				}
			}
			if err := t.insert(ctx, kFault, f.ID, &f); err != nil {
				return err
			}
			f.Version = 1
			if f.Type == platform.FaultLinkStall {
				return s.restall(ctx, t, now)
			}
			return nil
		})
		return f, err
	})
}

// GetFault reads a fault (fail_next: Remaining says how many failures are still armed).
func (s *Sandbox) GetFault(ctx context.Context, id string) (platform.Fault, error) {
	return getInv(s, ctx, "GetFault", kFault, id, func(f *platform.Fault, v int64) { f.Version = v })
}

// ListFaults lists the scoped faults.
func (s *Sandbox) ListFaults(ctx context.Context) ([]platform.Fault, error) {
	return listInv(s, ctx, "ListFaults", kFault, func(f *platform.Fault, v int64) { f.Version = v })
}

// DeleteFault switches a scoped fault off. Synchronisations a link_stall held resume; the
// pairs a volume_lost fault broke stay invalid (delete them), the volume is usable again.
func (s *Sandbox) DeleteFault(ctx context.Context, id string) error {
	return call0(s, ctx, "DeleteFault", callScope{}, func(ctx context.Context) error {
		defer s.invalidateFaults()
		return s.db.write(ctx, func(t *tx) error {
			f, _, err := getRec[platform.Fault](ctx, t, kFault, id)
			if err != nil {
				return err
			}
			if err := t.remove(ctx, kFault, id); err != nil {
				return err
			}
			if f.Type == platform.FaultLinkStall {
				return s.restall(ctx, t, s.now())
			}
			return nil
		})
	})
}

// faultsOf lists the stored faults of one type.
func faultsOf(ctx context.Context, t *tx, typ platform.FaultType) ([]*platform.Fault, []int64, error) {
	all, vers, err := listRecs[platform.Fault](ctx, t, kFault)
	if err != nil {
		return nil, nil, err
	}
	var out []*platform.Fault
	var outV []int64
	for i, f := range all {
		if f.Type == typ {
			out = append(out, f)
			outV = append(outV, vers[i])
		}
	}
	return out, outV, nil
}

// takeScopedFailNext consumes one armed failure of a fail_next fault matching the operation
// (inside the operation's transaction).
func takeScopedFailNext(ctx context.Context, t *tx, kind lifecycle.Kind, op lifecycle.Op, id string) (bool, error) {
	fs, vers, err := faultsOf(ctx, t, platform.FaultFailNext)
	if err != nil {
		return false, err
	}
	for i, f := range fs {
		if f.Remaining <= 0 || !scopeOf(f).matches(callScope{kind: kind, id: id, op: op}) {
			continue
		}
		f.Remaining--
		if _, err := t.update(ctx, kFault, f.ID, vers[i], f); err != nil {
			return false, err
		}
		return true, nil
	}
	return false, nil
}

// volumeLost reports whether a volume_lost fault holds the volume.
func volumeLost(ctx context.Context, t *tx, id string) (bool, error) {
	fs, _, err := faultsOf(ctx, t, platform.FaultVolumeLost)
	if err != nil {
		return false, err
	}
	for _, f := range fs {
		if f.ObjectID == id {
			return true, nil
		}
	}
	return false, nil
}

// loseVolume is the physics of a device removed out of band: every pair using the volume
// becomes invalid at once, whatever it was doing (Alibaba: Status invalid, StatusMessage
// DeviceRemoved; SDRS: pair invalid, "a disk was deleted"). A pair in a protection group
// breaks the group's consistency: the group becomes invalid too (remove the pair, delete it).
func (s *Sandbox) loseVolume(ctx context.Context, t *tx, volumeID string, now time.Time) error {
	if ok, err := t.exists(ctx, kVolume, volumeID); err != nil {
		return err
	} else if !ok {
		return platform.Invalidf("InvalidFault", "volume_lost fault: volume %q does not exist", volumeID)
	}
	pairs, _, err := listRecs[pairRec](ctx, t, kPair)
	if err != nil {
		return err
	}
	for _, p := range pairs {
		if p.PrimaryVolumeID != volumeID && p.SecondaryVolumeID != volumeID {
			continue
		}
		rec, ver, err := s.loadPair(ctx, t, p.ID, now)
		if platform.IsNotFound(err) {
			continue
		}
		if err != nil {
			return err
		}
		msg := fmt.Sprintf("DeviceRemoved: volume %q of the pair was removed out of band; the replication relationship is abnormal (delete the pair)", volumeID)
		rec.State, rec.FailedOp, rec.P, rec.LastError = lifecycle.Invalid, "", nil, msg
		if _, err := t.update(ctx, kPair, rec.ID, ver, rec); err != nil {
			return err
		}
		if rec.GroupID == "" {
			continue
		}
		g, gver, err := s.loadGroup(ctx, t, rec.GroupID, now)
		if platform.IsNotFound(err) {
			continue
		}
		if err != nil {
			return err
		}
		g.State, g.FailedOp, g.P = lifecycle.Invalid, "", nil
		g.LastError = fmt.Sprintf("DeviceRemoved: volume %q of member pair %q was removed out of band; remove the pair and delete the group", volumeID, rec.ID)
		g.ReplSince = time.Time{}
		if _, err := t.update(ctx, kGroup, g.ID, gver, g); err != nil {
			return err
		}
	}
	return nil
}

// scopedFaults is the part of the fault objects that begin applies to every call.
type scopedFaults struct {
	transient []platform.Fault
	latency   []platform.Fault
}

func loadScopedFaults(ctx context.Context, t *tx) (scopedFaults, error) {
	var out scopedFaults
	all, _, err := listRecs[platform.Fault](ctx, t, kFault)
	for _, f := range all {
		switch f.Type {
		case platform.FaultTransientErrors:
			out.transient = append(out.transient, *f)
		case platform.FaultLatency:
			out.latency = append(out.latency, *f)
		}
	}
	return out, err
}

// callFaults combines the sandbox-wide settings and the scoped faults matching a call: the
// latency adds up; the error rates combine as independent faults.
func callFaults(f faultState, sf scopedFaults, c callScope) (latency time.Duration, rate float64) {
	latency = time.Duration(f.LatencyNS)
	pass := 1 - f.TransientErrorRate
	for i := range sf.latency {
		if scopeOf(&sf.latency[i]).matches(c) {
			latency += sf.latency[i].Latency
		}
	}
	for i := range sf.transient {
		if scopeOf(&sf.transient[i]).matches(c) {
			pass *= 1 - sf.transient[i].Rate
		}
	}
	return latency, 1 - pass
}
