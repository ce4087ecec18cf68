package alibaba

import (
	"context"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/sandbox"
)

// Replica-pair DR drills (issue 27) over the sandbox's pair drill physics
// (start_drill/stop_drill), as the EBS 2021-07-30 reference describes them:
//
//   - StartPairDrill (RegionId = the region of the pair's secondary disk, PairId, ClientToken) →
//     DrillId. A pay-as-you-go drill disk of the secondary disk's capacity and category is
//     made in the secondary disk's zone, from the last recovery point; replication goes on.
//     https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ebs-2021-07-30-startpairdrill
//   - ClearPairDrill (RegionId, PairId, DrillId): clears the drill and deletes its drill disk.
//     https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ebs-2021-07-30-clearpairdrill
//   - DescribePairDrills (RegionId of either disk, PairId, DrillId, MaxResults + NextToken or
//     PageNumber/PageSize) → Drills[{DrillId, DrillDiskId, DrillDiskStatus, RecoverPoint,
//     StartAt, Status, StatusMessage}]; Status is executing | executed | execute_failed |
//     clearing | clear_failed.
//     https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ebs-2021-07-30-describepairdrills
//
// A drill lives in the pair's current secondary region: Describe elsewhere lists none, Clear
// elsewhere does not find it. Whether a drill may start is the vendor's rule (vendor.go: any
// status but a pair being created or deleted, a recovery point — RecoverPointNotFound —, the
// destination region — StartDrillShouldOnDestRegion —, one drill at a time), decided like every
// state-changing call (operate.go) before the sandbox runs the drill's physics with
// PhysicsOnly. The sandbox's drill disk is made at once (executed); a cleared drill is gone from
// the listing (the status enum has no "cleared").

// pairDestRegion is the pair's current secondary (destination) region.
func pairDestRegion(p platform.ReplicationPair) string {
	if p.ActiveSite == lifecycle.SiteTarget {
		return p.PrimaryRegion
	}
	return p.SecondaryRegion
}

// pairDrillID names the pair's current drill: stable while it runs, new for the next.
func pairDrillID(p platform.ReplicationPair) string {
	if p.LastDrill == nil {
		return ""
	}
	return p.LastDrill.ID
}

func (e *Emulator) startPairDrill(ctx context.Context, p map[string]string) (map[string]any, error) {
	if err := required(p, "RegionId", "PairId"); err != nil {
		return nil, err
	}
	tok, err := token(p)
	if err != nil {
		return nil, err
	}
	if err := e.decide(ctx, lifecycle.ReplicationPair, "StartPairDrill", "", p["RegionId"], p["PairId"], tok, nil); err != nil {
		return nil, err
	}
	pair, err := e.sb.GetPair(sandbox.Lookup(ctx), p["PairId"]) // the drill just started (or the replayed one)
	if err != nil {
		return nil, err
	}
	return map[string]any{"DrillId": pairDrillID(pair)}, nil
}

func (e *Emulator) clearPairDrill(ctx context.Context, p map[string]string) (map[string]any, error) {
	if err := required(p, "RegionId", "PairId", "DrillId"); err != nil {
		return nil, err
	}
	pair, err := e.visiblePair(sandbox.Lookup(ctx), p["RegionId"], p["PairId"])
	if err != nil {
		return nil, err
	}
	if !pair.DrillActive || pairDestRegion(pair) != p["RegionId"] || pairDrillID(pair) != p["DrillId"] {
		return nil, denied(404, "NoSuchResource")
	}
	return nil, e.decide(ctx, lifecycle.ReplicationPair, "ClearPairDrill", "", p["RegionId"], pair.ID, "", nil)
}

func (e *Emulator) describePairDrills(ctx context.Context, p map[string]string) (map[string]any, error) {
	if err := required(p, "RegionId", "PairId"); err != nil {
		return nil, err
	}
	pair, err := e.visiblePair(ctx, p["RegionId"], p["PairId"])
	if err != nil {
		return nil, err
	}
	var sel []map[string]any
	if d := pair.LastDrill; pair.DrillActive && d != nil && pairDestRegion(pair) == p["RegionId"] && (p["DrillId"] == "" || p["DrillId"] == d.ID) {
		disk := pair.SecondaryVolumeID
		if pair.ActiveSite == lifecycle.SiteTarget {
			disk = pair.PrimaryVolumeID
		}
		sel = append(sel, map[string]any{"DrillId": d.ID, "DrillDiskId": "d-drill-" + disk, "DrillDiskStatus": "created",
			"RecoverPoint": pair.LastRecoveryPoint.Unix(), "StartAt": d.StartedAt.Unix(), "Status": "executed", "StatusMessage": ""})
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
