package alibaba

import (
	"context"
	"fmt"
	"hash/fnv"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/sandbox"
)

// Replica-group DR drills over the sandbox's group drill physics (start_drill/stop_drill):
//
//   - StartReplicaGroupDrill (RegionId = the group's secondary region, GroupId, ClientToken) →
//     DrillId;
//     https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ebs-2021-07-30-startreplicagroupdrill
//   - ClearReplicaGroupDrill (RegionId, GroupId, DrillId);
//     https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ebs-2021-07-30-clearreplicagroupdrill
//   - DescribeReplicaGroupDrills (RegionId, GroupId, DrillId, MaxResults + NextToken or
//     PageNumber/PageSize) → Drills[{DrillId, GroupId, Status, PairsInfo, StartAt,
//     RecoverPoint, StatusMessage}].
//     https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ebs-2021-07-30-describereplicagroupdrills
//
// A drill lives in the group's secondary (destination) region: Describe elsewhere lists none,
// Clear elsewhere does not find it. Whether a drill may start is the vendor's rule (vendor.go:
// a recovery point, the destination region, one drill at a time); the sandbox's drill is ready
// at once: its status is executed; a cleared drill is gone (no clearing status).

// drillID names the group's current drill: stable while it runs, new for the next one.
func drillID(g platform.ProtectionGroup) string {
	h := fnv.New64a()
	fmt.Fprint(h, g.ID, g.DrillStartedAt.UnixNano())
	return fmt.Sprintf("pg-drill-%012x", h.Sum64()&(1<<48-1))
}

// drillDiskID names the drill disk of one pair of the current drill.
func drillDiskID(g platform.ProtectionGroup, pair string) string {
	h := fnv.New64a()
	fmt.Fprint(h, drillID(g), pair)
	return fmt.Sprintf("d-drill%013x", h.Sum64()&(1<<52-1))
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
	if err := e.decide(ctx, lifecycle.ProtectionGroup, "StartReplicaGroupDrill", "", p["RegionId"], p["GroupId"], tok, nil); err != nil {
		return nil, err
	}
	g, err := e.sb.GetGroup(sandbox.Lookup(ctx), p["GroupId"]) // the drill just started
	if err != nil {
		return nil, err
	}
	return map[string]any{"DrillId": drillID(g)}, nil
}

func (e *Emulator) clearGroupDrill(ctx context.Context, p map[string]string) (map[string]any, error) {
	if err := required(p, "RegionId", "GroupId", "DrillId"); err != nil {
		return nil, err
	}
	g, err := e.visibleGroup(sandbox.Lookup(ctx), p["RegionId"], p["GroupId"])
	if err != nil {
		return nil, err
	}
	if !g.DrillActive || destRegion(g) != p["RegionId"] || drillID(g) != p["DrillId"] {
		return nil, denied(404, "NoSuchResource")
	}
	return nil, e.decide(ctx, lifecycle.ProtectionGroup, "ClearReplicaGroupDrill", "", p["RegionId"], g.ID, "", nil)
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
		pairs := make([]map[string]any, 0, len(g.PairIDs))
		for _, id := range g.PairIDs {
			pairs = append(pairs, map[string]any{"PairId": id, "DrillDiskId": drillDiskID(g, id), "DrillDiskStatus": "created"})
		}
		var rp int64
		if !g.LastRecoveryPoint.IsZero() {
			rp = g.LastRecoveryPoint.Unix()
		}
		sel = append(sel, map[string]any{"DrillId": drillID(g), "GroupId": g.ID, "Status": "executed", "PairsInfo": pairs,
			"StartAt": g.DrillStartedAt.Unix(), "RecoverPoint": rp, "StatusMessage": ""})
	}
	pg, out, err := page(p, sel)
	if err != nil {
		return nil, err
	}
	if pg == nil {
		pg = []map[string]any{}
	}
	if t, _ := out["NextToken"].(string); t != "" {
		out["NextToken"] = t + "\n" // the vendor's example: a NextToken ending in a newline
	}
	out["Drills"] = pg
	return out, nil
}
