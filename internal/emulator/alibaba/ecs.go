package alibaba

import (
	"context"
	"encoding/json"
	"sort"

	"github.com/dr-provider/terraform-provider-dr/internal/platform"
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
// Disks.Disk[] with DiskId, RegionId, ZoneId, Size (GiB), Encrypted, Category, Type,
// InstanceId and Status (In_use | Available).
func (e *Emulator) describeDisks(ctx context.Context, p map[string]string) (map[string]any, error) {
	if err := required(p, "RegionId"); err != nil {
		return nil, err
	}
	var want map[string]bool
	if v := p["DiskIds"]; v != "" {
		var ids []string
		if err := json.Unmarshal([]byte(v), &ids); err != nil || len(ids) > 100 {
			return nil, errf(400, "InvalidDiskIds.Malformed", "The specified parameter DiskIds is not valid.")
		}
		want = map[string]bool{}
		for _, id := range ids {
			want[id] = true
		}
	}
	sites, err := e.sb.ListSites(ctx)
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
		s := siteByID[v.SiteID]
		disks = append(disks, map[string]any{"DiskId": v.ID, "RegionId": s.Region, "ZoneId": s.Zone, "Size": v.SizeGB,
			"Encrypted": v.Encrypted, "Category": "cloud_essd", "Type": "data", "InstanceId": v.ServerID, "Status": status})
	}
	out["Disks"] = map[string]any{"Disk": disks}
	return out, nil
}
