package alibaba

import (
	"context"
	"errors"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
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
// elsewhere does not find it. The sandbox decides whether a drill may start; its refusals
// become the drill error codes (OperationDenied.StartDrillShouldOnDestRegion for the region,
// OperationDenied.RecoverPointNotFound before the first synchronisation). The sandbox's drill
// disk is made at once (executed); a cleared drill is gone from the listing (the status enum
// has no "cleared").

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
	if _, err := e.visiblePair(ctx, p["RegionId"], p["PairId"]); err != nil {
		return nil, err
	}
	err = e.sb.Invoke(ctx, lifecycle.ReplicationPair, p["PairId"], lifecycle.OpStartDrill, tok,
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
	pair, err := e.sb.GetPair(ctx, p["PairId"])
	if err != nil {
		return nil, err
	}
	return map[string]any{"DrillId": pairDrillID(pair)}, nil
}

func (e *Emulator) clearPairDrill(ctx context.Context, p map[string]string) (map[string]any, error) {
	if err := required(p, "RegionId", "PairId", "DrillId"); err != nil {
		return nil, err
	}
	pair, err := e.visiblePair(ctx, p["RegionId"], p["PairId"])
	if err != nil {
		return nil, err
	}
	if !pair.DrillActive || pairDestRegion(pair) != p["RegionId"] || pairDrillID(pair) != p["DrillId"] {
		return nil, errf(404, "NoSuchResource", "The specified drill %q does not exist in region %q.", p["DrillId"], p["RegionId"])
	}
	return nil, e.sb.Invoke(ctx, lifecycle.ReplicationPair, pair.ID, lifecycle.OpStopDrill, "", nil)
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
