package huaweicloud

// The emulator's view of the sandbox as SDRS reports it — vendor statuses, fault levels, the
// servers' power at each site — from which the allow-lists (allowlist.go) decide.

import (
	"context"
	"unicode"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/sandbox"
)

// physics is the context of a sandbox call the emulator's allow-lists have already decided:
// the sandbox applies the operation's physics without the engine's checks.
func physics(ctx context.Context) context.Context { return sandbox.PhysicsOnly(ctx) }

// decide checks op's allow-list in s.
func decide(op string, s Situation) error {
	if r := RuleOf(op).Decide(s); r != nil {
		return &apiError{status: r.Status, code: r.Code, message: r.Message}
	}
	return nil
}

// siteHealthy reports whether the AZ's sandbox site is up (an AZ the sandbox lacks: down).
func (e *Emulator) siteHealthy(ctx context.Context, az string) bool {
	s, err := e.zoneSite(ctx, az)
	return err == nil && s.Healthy
}

// activeZones are a group's current production and DR AZs.
func activeZones(g platform.ProtectionGroup) (production, dr string) {
	if g.ActiveSite == lifecycle.SiteTarget {
		return g.TargetZone, g.SourceZone
	}
	return g.SourceZone, g.TargetZone
}

// faultLevel is the fault_level SDRS reports on the group's pairs (Querying Replication Pairs:
// "0" no fault; "2" the current production site's disks have no read/write permission, a
// failover is advised; "5" the replication link is disconnected, a failover is not allowed):
// the production AZ's site down is "2", the DR AZ's (the link to it) "5".
func (e *Emulator) faultLevel(ctx context.Context, g platform.ProtectionGroup) string {
	prod, dr := activeZones(g)
	switch {
	case !e.siteHealthy(ctx, dr):
		return "5"
	case !e.siteHealthy(ctx, prod):
		return "2"
	}
	return "0"
}

// serversStopped reports whether every server in ids is stopped (a missing one counts as
// stopped: it runs nothing).
func (e *Emulator) serversStopped(ctx context.Context, ids []string) bool {
	for _, id := range ids {
		if s, err := e.sb.GetServer(ctx, id); err == nil && s.PowerState != platform.PowerStopped {
			return false
		}
	}
	return true
}

// groupSituation is a group as its allow-lists see it.
func (e *Emulator) groupSituation(ctx context.Context, g platform.ProtectionGroup) Situation {
	var prodIDs, drIDs []string
	for _, tw := range g.DRServers {
		if g.ActiveSite == lifecycle.SiteTarget {
			prodIDs, drIDs = append(prodIDs, tw.TwinServerID), append(drIDs, tw.SourceServerID)
		} else {
			prodIDs, drIDs = append(prodIDs, tw.SourceServerID), append(drIDs, tw.TwinServerID)
		}
	}
	prod, _ := activeZones(g)
	drills := 0
	if g.DrillActive {
		drills = 1
	}
	status := sdrsStatus(g.State, g.FailedOp)
	return Situation{GroupStatus: status, InstanceStatus: status, Pairs: len(g.PairIDs), Instances: len(g.ServerIDs), Drills: drills,
		ProductionServersStopped: e.serversStopped(ctx, prodIDs), DRServersStopped: e.serversStopped(ctx, drIDs),
		FaultLevel: e.faultLevel(ctx, g), PriorityStation: station(g.ActiveSite), ProductionAZ: prod}
}

// sdrsName: at most 64 bytes of letters (the Chinese reference adds Chinese characters),
// digits, '.', '_' and '-' (Creating a Protection Group, Changing the Name of a Protection Group
// or of a Replication Pair).
func sdrsName(name string) bool {
	return name != "" && len(name) <= 64 && !containsFunc(name, func(r rune) bool {
		return !(unicode.IsLetter(r) || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-')
	})
}

func containsFunc(s string, f func(rune) bool) bool {
	for _, r := range s {
		if f(r) {
			return true
		}
	}
	return false
}
