package alibaba

import (
	"context"
	"sort"
	"strings"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/sandbox"
)

// defaultResourceGroup is the account's default resource group: the one an object created
// without ResourceGroupId is in (resource_groups.go).
const defaultResourceGroup = "rg-emulatordefault"

// pairJSON is a DescribeDiskReplicaPairs record with every field of the documented example.
// Bandwidth is 0 for a pay-as-you-go (POSTPAY) pair: "set by the system to 0, dynamically
// allocated" (CreateDiskReplicaPair, Bandwidth); a subscription (PREPAY) pair reports the
// bandwidth bought. ChargeType and ExpiredTime as billing.go keeps them. CreateTime is 0 (the
// sandbox keeps no creation time). StatusMessage is
// set with invalid and *_failed, as documented.
func pairJSON(p platform.ReplicationPair, groupName string) map[string]any {
	src, dst := [3]string{p.PrimaryRegion, p.PrimaryZone, p.PrimaryVolumeID}, [3]string{p.SecondaryRegion, p.SecondaryZone, p.SecondaryVolumeID}
	if p.ActiveSite == lifecycle.SiteTarget {
		src, dst = dst, src
	}
	var lrp int64
	if !p.LastRecoveryPoint.IsZero() {
		lrp = p.LastRecoveryPoint.Unix()
	}
	status := statusOf(p.State, p.FailedOp)
	msg := ""
	if status == "invalid" || strings.HasSuffix(status, "_failed") {
		msg = p.LastError
	}
	return map[string]any{
		"ReplicaPairId": p.ID, "PairName": p.Name, "Description": p.Description, "Status": status, "StatusMessage": msg,
		"SourceRegion": src[0], "SourceZoneId": src[1], "SourceDiskId": src[2],
		"DestinationRegion": dst[0], "DestinationZoneId": dst[1], "DestinationDiskId": dst[2],
		"PrimaryRegion": p.PrimaryRegion, "PrimaryZone": p.PrimaryZone, "StandbyRegion": p.SecondaryRegion, "StandbyZone": p.SecondaryZone,
		"RPO": p.RPOSeconds, "Bandwidth": bandwidthOf(p), "LastRecoverPoint": lrp, "ReplicaGroupId": p.GroupID, "ReplicaGroupName": groupName,
		"Site": "production", "ChargeType": chargeTypeOf(p), "ExpiredTime": expiredTime(p), "CreateTime": 0,
		"Tags": tagsJSON(p.Tags), "ResourceGroupId": reportedResourceGroup(p.ResourceGroupID),
	}
}

// createPair follows CreateDiskReplicaPair. The reference documents no error codes for the
// disks a pair needs (same size, the primary unencrypted, neither in another pair, both in
// replication-capable zones [A7]): the emulator answers a disk that cannot be paired with
// InvalidParameter and a disk already paired with OperationDenied.InvalidStatus, and creates
// the pair with the sandbox's physics only (PhysicsOnly: the engine's create checks do not run).
func (e *Emulator) createPair(ctx context.Context, p map[string]string) (map[string]any, error) {
	if err := required(p, "RegionId", "SourceZoneId", "DiskId", "DestinationRegionId", "DestinationZoneId", "DestinationDiskId"); err != nil {
		return nil, err
	}
	if err := checkName(p, "PairName", 128, true); err != nil {
		return nil, err
	}
	if err := checkName(p, "Description", 256, false); err != nil {
		return nil, err
	}
	rpo, err := intParam(p, "RPO", 900)
	if err != nil {
		return nil, err
	}
	if rpo != 900 {
		return nil, errf(400, "InvalidParameter", "The value of RPO is not valid: only 900 is supported.")
	}
	billing, bandwidth, err := billingParams(p)
	if err != nil {
		return nil, err
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
	if used, err := e.sb.CreateTokenUsed(lctx, lifecycle.ReplicationPair, tok); err != nil {
		return nil, err
	} else if used { // the ledger answers: the same pair, or IdempotentParameterMismatch
		pair, err := e.sb.CreatePair(sandbox.PhysicsOnly(ctx), platform.PairSpec{Name: p["PairName"], Description: p["Description"],
			PrimaryVolumeID: p["DiskId"], SecondaryVolumeID: p["DestinationDiskId"], RPOSeconds: rpo, Tags: tags, ResourceGroupID: rg, Billing: billing, BandwidthKbps: bandwidth}, tok)
		if err != nil {
			return nil, err
		}
		return map[string]any{"ReplicaPairId": pair.ID, "OrderId": ""}, nil
	}
	// RegionId: "the region of the pair" — the example names the secondary disk's region, the
	// driver sends the primary's: either disk's region is accepted (corpus README)
	if p["RegionId"] != p["DestinationRegionId"] {
		if err := e.diskAt(lctx, p["DiskId"], p["RegionId"], p["SourceZoneId"]); err != nil {
			return nil, err
		}
	}
	pv, err := e.diskIn(lctx, p["DiskId"], "", p["SourceZoneId"])
	if err != nil {
		return nil, err
	}
	sv, err := e.diskIn(lctx, p["DestinationDiskId"], p["DestinationRegionId"], p["DestinationZoneId"])
	if err != nil {
		return nil, err
	}
	switch {
	case pv.ID == sv.ID:
		return nil, errf(400, "InvalidParameter", "DiskId and DestinationDiskId name the same disk.")
	case pv.SizeGB != sv.SizeGB:
		return nil, errf(400, "InvalidParameter", "The secondary disk must have the primary disk's capacity.")
	case pv.Encrypted:
		return nil, errf(400, "InvalidParameter", "The primary disk must not be encrypted.")
	}
	for _, s := range []string{pv.SiteID, sv.SiteID} {
		site, err := e.sb.GetSite(lctx, s)
		if err != nil {
			return nil, err
		}
		if !site.ReplicationCapable {
			return nil, errf(400, "InvalidParameter", "The zone %s does not support asynchronous replication.", site.Zone)
		}
	}
	pairs, err := e.sb.ListPairs(lctx)
	if err != nil {
		return nil, err
	}
	for _, x := range pairs {
		if x.State == lifecycle.Deleted {
			continue
		}
		for _, v := range []string{x.PrimaryVolumeID, x.SecondaryVolumeID} {
			if v == pv.ID || v == sv.ID {
				return nil, denied(403, "OperationDenied.InvalidStatus")
			}
		}
	}
	pair, err := e.sb.CreatePair(sandbox.PhysicsOnly(ctx), platform.PairSpec{Name: p["PairName"], Description: p["Description"], PrimaryVolumeID: pv.ID,
		SecondaryVolumeID: sv.ID, RPOSeconds: rpo, Tags: tags, ResourceGroupID: rg, Billing: billing, BandwidthKbps: bandwidth}, tok)
	if err != nil {
		return nil, err
	}
	return map[string]any{"ReplicaPairId": pair.ID, "OrderId": ""}, nil
}

// diskAt checks a disk exists in the region and zone the call names.
func (e *Emulator) diskAt(ctx context.Context, disk, region, zone string) error {
	_, err := e.diskIn(ctx, disk, region, zone)
	return err
}

// diskIn returns a disk that is in zone (and region, when given).
func (e *Emulator) diskIn(ctx context.Context, disk, region, zone string) (platform.Volume, error) {
	v, err := e.sb.GetVolume(ctx, disk)
	if err != nil {
		if platform.IsNotFound(err) {
			return v, errf(404, "NoSuchResource", "The disk %s does not exist.", disk)
		}
		return v, err
	}
	s, err := e.sb.GetSite(ctx, v.SiteID)
	if err != nil {
		return v, err
	}
	if (region != "" && s.Region != region) || s.Zone != zone {
		return v, errf(400, "InvalidParameter", "The disk %s is not in zone %s.", disk, zone)
	}
	return v, nil
}

// visiblePair reads a pair seen from a region (either side's region, as Describe does).
func (e *Emulator) visiblePair(ctx context.Context, region, id string) (platform.ReplicationPair, error) {
	pair, err := e.sb.GetPair(ctx, id)
	if err != nil {
		return pair, err
	}
	if region != pair.PrimaryRegion && region != pair.SecondaryRegion {
		return pair, denied(404, "NoSuchResource")
	}
	return pair, nil
}

// modifyPair follows ModifyDiskReplicaPair (PairName, Description, RPO 900), from created or
// stopped [A1][A2] (the vendor's rule, vendor.go). Bandwidth is documented as not open yet:
// refused.
func (e *Emulator) modifyPair(ctx context.Context, p map[string]string) (map[string]any, error) {
	if err := required(p, "RegionId", "ReplicaPairId"); err != nil {
		return nil, err
	}
	if err := checkName(p, "PairName", 128, true); err != nil {
		return nil, err
	}
	if err := checkName(p, "Description", 256, false); err != nil {
		return nil, err
	}
	if p["Bandwidth"] != "" {
		return nil, errf(400, "InvalidParameter", "Bandwidth cannot be changed yet.")
	}
	if rpo, err := intParam(p, "RPO", 900); err != nil || rpo != 900 {
		return nil, errf(400, "InvalidParameter", "The value of RPO is not valid: only 900 is supported.")
	}
	e.opMu.Lock()
	defer e.opMu.Unlock()
	cur, err := e.visiblePair(sandbox.Lookup(ctx), p["RegionId"], p["ReplicaPairId"])
	if err != nil {
		return nil, err
	}
	rule, _ := ruleFor(lifecycle.ReplicationPair, "ModifyDiskReplicaPair", "")
	if v := rule.Decide(Situation{Status: statusOf(cur.State, cur.FailedOp)}); !v.Allowed {
		return nil, denied(v.Status, v.Code)
	}
	spec := platform.PairSpec{Name: cur.Name, Description: cur.Description, RPOSeconds: cur.RPOSeconds, BandwidthKbps: cur.BandwidthKbps}
	if v, ok := p["PairName"]; ok {
		spec.Name = v
	}
	if v, ok := p["Description"]; ok {
		spec.Description = v
	}
	_, err = e.sb.UpdatePair(sandbox.PhysicsOnly(ctx), cur.ID, spec)
	return nil, err
}

func (e *Emulator) describePairs(ctx context.Context, p map[string]string) (map[string]any, error) {
	if err := required(p, "RegionId"); err != nil {
		return nil, err
	}
	ids, err := idSet(p["PairIds"], 100)
	if err != nil {
		return nil, err
	}
	pairs, err := e.sb.ListPairs(ctx)
	if err != nil {
		return nil, err
	}
	groupNames, err := e.groupNames(sandbox.Lookup(ctx)) // part of the listing
	if err != nil {
		return nil, err
	}
	region, group, rg := p["RegionId"], p["ReplicaGroupId"], p["ResourceGroupId"]
	var sel []platform.ReplicationPair
	for _, x := range pairs {
		if x.PrimaryRegion != region && x.SecondaryRegion != region {
			continue
		}
		if ids != nil && !ids[x.ID] {
			continue
		}
		if group == "-" && x.GroupID != "" || group != "" && group != "-" && x.GroupID != group {
			continue
		}
		if rg != "" && reportedResourceGroup(x.ResourceGroupID) != rg {
			continue
		}
		sel = append(sel, x)
	}
	sort.Slice(sel, func(i, j int) bool { return sel[i].ID < sel[j].ID })
	pg, out, err := page(p, sel)
	if err != nil {
		return nil, err
	}
	list := make([]map[string]any, 0, len(pg))
	for _, x := range pg {
		list = append(list, pairJSON(x, groupNames[x.GroupID]))
	}
	out["ReplicaPairs"] = list
	return out, nil
}

// groupNames maps group IDs to names (a pair record names its group's).
func (e *Emulator) groupNames(ctx context.Context) (map[string]string, error) {
	groups, err := e.sb.ListGroups(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, g := range groups {
		out[g.ID] = g.Name
	}
	return out, nil
}

// pairProgress follows DescribeDiskReplicaPairProgress: Progress, RecoverPoint, and the
// RequestId with the trailing newline of the vendor's example.
func (e *Emulator) pairProgress(ctx context.Context, p map[string]string) (map[string]any, error) {
	if err := required(p, "RegionId", "ReplicaPairId"); err != nil {
		return nil, err
	}
	pair, err := e.visiblePair(ctx, p["RegionId"], p["ReplicaPairId"])
	if err != nil {
		return nil, err
	}
	progress := pair.SyncProgress
	if pair.State == lifecycle.Replicating {
		progress = 100
	}
	var rp int64
	if !pair.LastRecoveryPoint.IsZero() {
		rp = pair.LastRecoveryPoint.Unix()
	}
	return map[string]any{"Progress": progress, "RecoverPoint": rp, "RequestId": requestIDWithNewline}, nil
}
