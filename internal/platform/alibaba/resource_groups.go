package alibaba

import (
	"context"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ebs"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// Resource groups. EBS puts a replica pair or replica group in an enterprise resource group at
// create (CreateDiskReplicaPair and CreateDiskReplicaGroup, ResourceGroupId; none: the account's
// default group), reports it (DescribeDiskReplicaPairs/Groups, ResourceGroupId) and moves the
// object to another group in place: ChangeResourceGroup (RegionId, ResourceType diskreplicapair
// or diskreplicagroup, ResourceId, NewResourceGroupId). The reference documents no status the
// move depends on; a group that does not exist is InvalidResourceGroup.NotFound (404).
// https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ebs-2021-07-30-changeresourcegroup

// ResourceGroupRules are EBS's rules for the resource group of a pair or a group: the reference
// states no format of its own for the identifier (the resource manager's), so none is checked
// at plan; a group that does not exist is refused by the call.
var ResourceGroupRules = lifecycle.ResourceGroupRules{
	Source: "ChangeResourceGroup, https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ebs-2021-07-30-changeresourcegroup",
}

var _ platform.ResourceGrouper = (*Driver)(nil)

// ChangeResourceGroup moves a replica pair or group to the resource group groupID, in the
// object's region (the one ModifyDiskReplicaPair/Group is called in).
func (d *Driver) ChangeResourceGroup(ctx context.Context, kind lifecycle.Kind, id, groupID string) error {
	var region, typ string
	switch kind {
	case lifecycle.ReplicationPair:
		p, err := d.getPair(ctx, id, true)
		if err != nil {
			return err
		}
		region, typ = p.Observed.Facts.ActiveRegion, "diskreplicapair"
	case lifecycle.ProtectionGroup:
		g, err := d.getGroup(ctx, id, true)
		if err != nil {
			return err
		}
		region, typ = g.Observed.Facts.ActiveRegion, "diskreplicagroup"
	default:
		return platform.Invalidf("", "EBS keeps no resource group on %s objects", kind)
	}
	if region == "" {
		region = d.cfg.Region
	}
	req := ebs.CreateChangeResourceGroupRequest()
	req.RegionId = region
	req.ResourceType = typ
	req.ResourceId = id
	req.NewResourceGroupId = groupID
	if err := d.call(ctx, "ebs", "ChangeResourceGroup", region, req, ebs.CreateChangeResourceGroupResponse()); err != nil {
		return err
	}
	d.wrote()
	return nil
}
