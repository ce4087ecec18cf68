package alibaba

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// Replica-group DR drills over the sandbox's group drill physics (start_drill/stop_drill):
//
//   - StartReplicaGroupDrill (RegionId = the group's secondary region, GroupId, ClientToken) →
//     DrillId;
//     https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ebs-2021-07-30-startreplicagroupdrill
//   - ClearReplicaGroupDrill (RegionId, GroupId, DrillId);
//     https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ebs-2021-07-30-clearreplicagroupdrill
//   - DescribeReplicaGroupDrills (RegionId, GroupId, DrillId, MaxResults + NextToken or
//     PageNumber/PageSize) → Drills[{DrillId, GroupId, Status, StartAt}].
//     https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ebs-2021-07-30-describereplicagroupdrills
//
// A drill lives in the group's secondary (destination) region: Describe elsewhere lists none,
// Clear elsewhere does not find it. The sandbox decides whether a drill may start (the engine's
// rows: first sync done, no other drill, region R001-3); the emulator translates its refusals
// into the drill error codes (OperationDenied.StartDrillShouldOnDestRegion,
// OperationDenied.RecoverPointNotFound; vendor-lifecycles.md §1). The sandbox's drill is
// ready at once: its status is executed; a cleared drill is gone.

// drillID names the group's current drill: stable while it runs, new for the next one.
func drillID(g platform.ProtectionGroup) string {
	h := fnv.New64a()
	fmt.Fprint(h, g.ID, g.DrillStartedAt.UnixNano())
	return fmt.Sprintf("pg-drill-%012x", h.Sum64()&(1<<48-1))
}

// destRegion is the group's current destination (secondary) region.
func destRegion(g platform.ProtectionGroup) string {
	if g.ActiveSite == lifecycle.SiteTarget {
		return g.SourceRegion
	}
	return g.TargetRegion
}

func (e *Emulator) startGroupDrill(ctx context.Context, p map[string]string) (map[string]any, error) {
	if err := required(p, "RegionId", "GroupId"); err != nil {
		return nil, err
	}
	tok, err := token(p)
	if err != nil {
		return nil, err
	}
	if _, err := e.visibleGroup(ctx, p["RegionId"], p["GroupId"]); err != nil {
		return nil, err
	}
	err = e.sb.Invoke(ctx, lifecycle.ProtectionGroup, p["GroupId"], lifecycle.OpStartDrill, tok,
		map[string]string{lifecycle.ParamRegion: p["RegionId"]})
	var pe *platform.Error
	if errors.As(err, &pe) {
		switch {
		case pe.Code == platform.CodeInvalidRegion:
			return nil, errf(403, "OperationDenied.StartDrillShouldOnDestRegion", "The drill should be started in the destination region. [%s] %s", pe.Rule, pe.Message)
		case pe.Class == platform.ClassPreconditionFailed && pe.Rule == "V-FIRST-SYNC":
			return nil, errf(403, "OperationDenied.RecoverPointNotFound", "The recover point is not found. [%s] %s", pe.Rule, pe.Message)
		}
	}
	if err != nil {
		return nil, err
	}
	g, err := e.sb.GetGroup(ctx, p["GroupId"])
	if err != nil {
		return nil, err
	}
	return map[string]any{"DrillId": drillID(g)}, nil
}

func (e *Emulator) clearGroupDrill(ctx context.Context, p map[string]string) (map[string]any, error) {
	if err := required(p, "RegionId", "GroupId", "DrillId"); err != nil {
		return nil, err
	}
	g, err := e.visibleGroup(ctx, p["RegionId"], p["GroupId"])
	if err != nil {
		return nil, err
	}
	if !g.DrillActive || destRegion(g) != p["RegionId"] || drillID(g) != p["DrillId"] {
		return nil, errf(404, "NoSuchResource", "The specified drill %q does not exist in region %q.", p["DrillId"], p["RegionId"])
	}
	return nil, e.sb.Invoke(ctx, lifecycle.ProtectionGroup, g.ID, lifecycle.OpStopDrill, "", nil)
}

func (e *Emulator) describeGroupDrills(ctx context.Context, p map[string]string) (map[string]any, error) {
	if err := required(p, "RegionId", "GroupId"); err != nil {
		return nil, err
	}
	g, err := e.visibleGroup(ctx, p["RegionId"], p["GroupId"])
	if err != nil {
		return nil, err
	}
	var sel []map[string]any
	if g.DrillActive && destRegion(g) == p["RegionId"] && (p["DrillId"] == "" || p["DrillId"] == drillID(g)) {
		sel = append(sel, map[string]any{"DrillId": drillID(g), "GroupId": g.ID, "Status": "executed",
			"StartAt": g.DrillStartedAt.Unix(), "RecoverPoint": g.LastRecoveryPoint.Unix()})
	}
	pg, out, err := page(p, sel)
	if err != nil {
		return nil, err
	}
	if pg == nil {
		pg = []map[string]any{}
	}
	out["Drills"] = pg
	return out, nil
}
