package alibaba

import (
	"context"
	"encoding/json"
	"sort"
	"strings"

	"github.com/dr-provider/terraform-provider-dr/internal/platform"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/sandbox"
)

// ECSAPIVersion is the ECS API version of the ECS calls the driver makes: DescribeDisks
// (where a disk is, its size, encryption and attachment — the EBS API has no disk read) and
// DescribeRegions (where to look for a disk outside the replication-capable regions).
const ECSAPIVersion = "2014-05-26"

var ecsActions = map[string]handler{"DescribeDisks": (*Emulator).describeDisks, "DescribeRegions": (*Emulator).describeECSRegions}

// describeECSRegions follows ECS DescribeRegions (2014-05-26,
// https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ecs-2014-05-26-describeregions):
// every region with a sandbox site, replication-capable or not, as Regions.Region[] with
// RegionId, LocalName, RegionEndpoint and Status "available".
func (e *Emulator) describeECSRegions(ctx context.Context, p map[string]string) (map[string]any, error) {
	sites, err := e.sb.ListSites(ctx)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var ids []string
	for _, s := range sites {
		if s.Region != "" && !seen[s.Region] {
			seen[s.Region] = true
			ids = append(ids, s.Region)
		}
	}
	sort.Strings(ids)
	regions := make([]map[string]any, 0, len(ids))
	for _, id := range ids {
		regions = append(regions, map[string]any{"RegionId": id, "LocalName": id, "RegionEndpoint": "ecs." + id + ".aliyuncs.com", "Status": "available"})
	}
	return map[string]any{"Regions": map[string]any{"Region": regions}}, nil
}

// describeDisks follows ECS DescribeDisks (2014-05-26): RegionId (required), DiskIds (a JSON
// array of up to 100 IDs), PageNumber/PageSize or MaxResults/NextToken; the response's
// Disks.Disk[] with every field of the documented example (diskJSON).
func (e *Emulator) describeDisks(ctx context.Context, p map[string]string) (map[string]any, error) {
	// the codes and statuses of DescribeDisks' error list (the corpus's DescribeDisks/error-*):
	// MissingParamter.RegionId (sic) 400, InvalidParameter.DiskIds 400, InvalidDiskIds.Malformed
	// 403 ("the amount of specified disk Ids exceeds the limit"); not InvalidRegion.NotFound:
	// the emulator has no catalogue of the cloud's regions (a region without a site has no disks)
	if p["RegionId"] == "" {
		return nil, errf(400, "MissingParamter.RegionId", "The RegionId must not be empty.")
	}
	var want map[string]bool
	if v := p["DiskIds"]; v != "" {
		var ids []string
		if err := json.Unmarshal([]byte(v), &ids); err != nil {
			return nil, errf(400, "InvalidParameter.DiskIds", "The value of DiskIds is not valid.")
		}
		if len(ids) > 100 {
			return nil, errf(403, "InvalidDiskIds.Malformed", "Too many disk IDs were given.")
		}
		want = map[string]bool{}
		for _, id := range ids {
			want[id] = true
		}
	}
	sites, err := e.sb.ListSites(sandbox.Lookup(ctx)) // part of the listing
	if err != nil {
		return nil, err
	}
	siteByID := map[string]platform.Site{}
	for _, s := range sites {
		siteByID[s.ID] = s
	}
	vols, err := e.sb.ListVolumes(ctx)
	if err != nil {
		return nil, err
	}
	var sel []platform.Volume
	for _, v := range vols {
		if siteByID[v.SiteID].Region == p["RegionId"] && (want == nil || want[v.ID]) {
			sel = append(sel, v)
		}
	}
	sort.Slice(sel, func(i, j int) bool { return sel[i].ID < sel[j].ID })
	pg, out, err := page(p, sel)
	if err != nil {
		return nil, err
	}
	disks := make([]map[string]any, 0, len(pg))
	for _, v := range pg {
		status := "Available"
		if v.ServerID != "" {
			status = "In_use"
		}
		disks = append(disks, diskJSON(v, siteByID[v.SiteID], status))
	}
	out["Disks"] = map[string]any{"Disk": disks}
	return out, nil
}

// diskJSON is a DescribeDisks record with every field of the documented example: what the
// sandbox knows (ID, region, zone, size, encryption, the instance it is attached to: then
// In_use, MountInstanceNum 1, one MountInstances and one Attachments entry — InstanceId is
// documented empty for a multi-attach disk, which the emulator does not have), the rest the
// values of a pay-as-you-go data disk without snapshots, tags or locks. Times the sandbox does
// not keep are empty strings.
func diskJSON(v platform.Volume, s platform.Site, status string) map[string]any {
	mounts, num, device := []any{}, 0, ""
	if v.ServerID != "" {
		num, device = 1, "/dev/xvdb"
		mounts = append(mounts, map[string]any{"AttachedTime": "", "InstanceId": v.ServerID, "Device": device})
	}
	return map[string]any{
		"SerialNumber": strings.TrimPrefix(v.ID, "d-"), "CreationTime": "", "Status": status, "Type": "data", "PerformanceLevel": "PL1",
		"BdfId": "", "EnableAutoSnapshot": false, "StorageSetId": "", "StorageSetPartitionNumber": 0, "DiskId": v.ID,
		"DeleteAutoSnapshot": false, "StorageClusterId": "", "Encrypted": v.Encrypted, "IOPSRead": 0, "MountInstanceNum": num,
		"Description": "", "Device": device, "DiskName": "", "Portable": true, "ImageId": "", "KMSKeyId": "", "DeleteWithInstance": false,
		"DetachedTime": "", "SourceSnapshotId": "", "AutoSnapshotPolicyId": "", "EnableAutomatedSnapshotPolicy": false, "IOPSWrite": 0,
		"InstanceId": v.ServerID, "IOPS": 0, "RegionId": s.Region, "ExpiredTime": "", "Size": v.SizeGB, "ResourceGroupId": defaultResourceGroup,
		"DiskChargeType": "PostPaid", "ZoneId": s.Zone, "AttachedTime": "", "Category": "cloud_essd", "ProductCode": "", "MultiAttach": "Disabled",
		"OperationLocks": map[string]any{"OperationLock": []any{}}, "MountInstances": map[string]any{"MountInstance": mounts},
		"Tags": map[string]any{"Tag": []any{}}, "Attachments": map[string]any{"Attachment": mounts},
		"ProvisionedIops": 0, "BurstingEnabled": false, "Throughput": 0, "ThroughputRead": 0, "ThroughputWrite": 0,
		"Placement": map[string]any{"ZoneIds": ""},
	}
}
