package alibaba

import (
	"context"
	"sort"
	"strings"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/sandbox"
)

// groupJSON is a DescribeDiskReplicaGroups record with every field of the documented example,
// its quirks included: PairIds is an array holding ONE string that joins the pair IDs with
// commas (PairNumber counts them), and StandbyRegion ends with a newline. Bandwidth is 0 (the
// reference documents it as not open), RPO 900 (the only value CreateDiskReplicaGroup takes).
func groupJSON(g platform.ProtectionGroup) map[string]any {
	src, dst := [2]string{g.SourceRegion, g.SourceZone}, [2]string{g.TargetRegion, g.TargetZone}
	if g.ActiveSite == lifecycle.SiteTarget {
		src, dst = dst, src
	}
	var lrp int64
	if !g.LastRecoveryPoint.IsZero() {
		lrp = g.LastRecoveryPoint.Unix()
	}
	ids := []string{}
	if len(g.PairIDs) > 0 {
		ids = []string{strings.Join(g.PairIDs, ",")}
	}
	return map[string]any{
		"ReplicaGroupId": g.ID, "GroupName": g.Name, "Description": g.Description, "Status": statusOf(g.State, g.FailedOp),
		"SourceRegionId": src[0], "SourceZoneId": src[1], "DestinationRegionId": dst[0], "DestinationZoneId": dst[1],
		"PrimaryRegion": g.SourceRegion, "PrimaryZone": g.SourceZone, "StandbyRegion": g.TargetRegion + "\n", "StandbyZone": g.TargetZone,
		"RPO": 900, "LastRecoverPoint": lrp, "Site": "production", "PairNumber": len(g.PairIDs), "PairIds": ids,
		"Bandwidth": 0, "ResourceGroupId": reportedResourceGroup(g.ResourceGroupID), "Tags": tagsJSON(g.Tags),
	}
}

// createGroup follows CreateDiskReplicaGroup: RegionId (the production region), SourceZoneId,
// DestinationRegionId, DestinationZoneId, GroupName, Description, RPO (900 only). Two zones that
// do not exist, or one site twice, are InvalidParameter (no code of its own is documented);
// the group is created with the sandbox's physics only.
func (e *Emulator) createGroup(ctx context.Context, p map[string]string) (map[string]any, error) {
	if err := required(p, "RegionId", "SourceZoneId", "DestinationRegionId", "DestinationZoneId"); err != nil {
		return nil, err
	}
	if err := checkName(p, "GroupName", 128, true); err != nil {
		return nil, err
	}
	if err := checkName(p, "Description", 256, false); err != nil {
		return nil, err
	}
	if rpo, err := intParam(p, "RPO", 900); err != nil || rpo != 900 {
		return nil, errf(400, "InvalidParameter", "The value of RPO is not valid: only 900 is supported.")
	}
	tags, err := tagParams(p)
	if err != nil {
		return nil, err
	}
	rg, err := e.resourceGroupParam(p, "ResourceGroupId")
	if err != nil {
		return nil, err
	}
	tok, err := token(p)
	if err != nil {
		return nil, err
	}
	lctx := sandbox.Lookup(ctx) // the reads that decide the call are part of it
	src, err := e.site(lctx, p["RegionId"], p["SourceZoneId"])
	if err != nil {
		return nil, err
	}
	dst, err := e.site(lctx, p["DestinationRegionId"], p["DestinationZoneId"])
	if err != nil {
		return nil, err
	}
	if src.ID == dst.ID {
		return nil, errf(400, "InvalidParameter", "The source and destination zones are the same.")
	}
	if !src.ReplicationCapable || !dst.ReplicationCapable {
		return nil, errf(400, "InvalidParameter", "A zone given does not support asynchronous replication.")
	}
	g, err := e.sb.CreateGroup(sandbox.PhysicsOnly(ctx), platform.GroupSpec{Name: p["GroupName"], Description: p["Description"], SourceRegion: p["RegionId"],
		SourceZone: p["SourceZoneId"], TargetRegion: p["DestinationRegionId"], TargetZone: p["DestinationZoneId"], Tags: tags, ResourceGroupID: rg}, tok)
	if err != nil {
		return nil, err
	}
	return map[string]any{"ReplicaGroupId": g.ID}, nil
}

func (e *Emulator) visibleGroup(ctx context.Context, region, id string) (platform.ProtectionGroup, error) {
	g, err := e.sb.GetGroup(ctx, id)
	if err != nil {
		return g, err
	}
	if region != g.SourceRegion && region != g.TargetRegion {
		return g, denied(404, "NoSuchResource")
	}
	return g, nil
}

// modifyGroup follows ModifyDiskReplicaGroup (GroupName, Description), from created or stopped
// [A1] (the vendor's rule, vendor.go).
func (e *Emulator) modifyGroup(ctx context.Context, p map[string]string) (map[string]any, error) {
	if err := required(p, "RegionId", "ReplicaGroupId"); err != nil {
		return nil, err
	}
	if err := checkName(p, "GroupName", 128, true); err != nil {
		return nil, err
	}
	if err := checkName(p, "Description", 256, false); err != nil {
		return nil, err
	}
	e.opMu.Lock()
	defer e.opMu.Unlock()
	cur, err := e.visibleGroup(sandbox.Lookup(ctx), p["RegionId"], p["ReplicaGroupId"])
	if err != nil {
		return nil, err
	}
	rule, _ := ruleFor(lifecycle.ProtectionGroup, "ModifyDiskReplicaGroup", "")
	if v := rule.Decide(Situation{Status: statusOf(cur.State, cur.FailedOp)}); !v.Allowed {
		return nil, denied(v.Status, v.Code)
	}
	spec := platform.GroupSpec{Name: cur.Name, Description: cur.Description}
	if v, ok := p["GroupName"]; ok {
		spec.Name = v
	}
	if v, ok := p["Description"]; ok {
		spec.Description = v
	}
	_, err = e.sb.UpdateGroup(sandbox.PhysicsOnly(ctx), cur.ID, spec)
	return nil, err
}

func (e *Emulator) describeGroups(ctx context.Context, p map[string]string) (map[string]any, error) {
	if err := required(p, "RegionId"); err != nil {
		return nil, err
	}
	ids, err := idSet(p["GroupIds"], 100)
	if err != nil {
		return nil, err
	}
	groups, err := e.sb.ListGroups(ctx)
	if err != nil {
		return nil, err
	}
	region, rg := p["RegionId"], p["ResourceGroupId"]
	var sel []platform.ProtectionGroup
	for _, g := range groups {
		if (g.SourceRegion == region || g.TargetRegion == region) && (ids == nil || ids[g.ID]) &&
			(rg == "" || reportedResourceGroup(g.ResourceGroupID) == rg) {
			sel = append(sel, g)
		}
	}
	sort.Slice(sel, func(i, j int) bool { return sel[i].ID < sel[j].ID })
	pg, out, err := page(p, sel)
	if err != nil {
		return nil, err
	}
	list := make([]map[string]any, 0, len(pg))
	for _, g := range pg {
		list = append(list, groupJSON(g))
	}
	out["ReplicaGroups"] = list
	return out, nil
}
