package alibaba

import (
	"context"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/sandbox"
)

// Resource groups, as EBS documents them (ChangeResourceGroup, and ResourceGroupId of
// CreateDiskReplicaPair, CreateDiskReplicaGroup, DescribeDiskReplicaPairs and
// DescribeDiskReplicaGroups): every pair and replica group is in one enterprise resource group
// — the account's default group when created without one — reported as ResourceGroupId and
// moved in place by ChangeResourceGroup. The reference documents no status the move depends
// on (its errorCodes hold no InvalidStatus), so it is accepted in any status. The documented
// refusals the emulator answers:
//
//   - a required parameter missing (RegionId, ResourceType, ResourceId, NewResourceGroupId):
//     MissingParameter (400);
//   - a ResourceType outside dedicatedblockstoragecluster, diskreplicapair, diskreplicagroup:
//     InvalidResourceType.NotFound (404); dedicated block storage clusters are not emulated, so
//     every ResourceId of that type is InvalidResourceId.NotFound (404);
//   - a ResourceId that is no object of the type seen from RegionId (either side's region, as
//     Describe sees it): InvalidResourceId.NotFound (404);
//   - a group the account does not have (here: neither the default group nor one the backdoor
//     added, PutResourceGroup), also as ResourceGroupId of a create: InvalidResourceGroup.NotFound
//     (404).
//
// Describe* take ResourceGroupId and list only the objects in that group. The groups live on
// the sandbox's objects (sandbox.ChangeResourceGroup, physics only); the account's groups in
// the emulator's memory.
// https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ebs-2021-07-30-changeresourcegroup

// PutResourceGroup adds a resource group to the account (what the Resource Manager console
// does), so a create or a ChangeResourceGroup may name it.
func (b *Backdoor) PutResourceGroup(id string) { b.e.addResourceGroup(id) }

func (e *Emulator) addResourceGroup(id string) {
	e.rgMu.Lock()
	defer e.rgMu.Unlock()
	if e.resourceGroups == nil {
		e.resourceGroups = map[string]bool{}
	}
	e.resourceGroups[id] = true
}

// resourceGroupParam is the group a create names (ResourceGroupId), or the default group; a
// group the account does not have is InvalidResourceGroup.NotFound.
func (e *Emulator) resourceGroupParam(p map[string]string, name string) (string, error) {
	id := p[name]
	if id == "" {
		return defaultResourceGroup, nil
	}
	e.rgMu.Lock()
	defer e.rgMu.Unlock()
	if id != defaultResourceGroup && !e.resourceGroups[id] {
		return "", errf(404, "InvalidResourceGroup.NotFound", "The resource group %s does not exist in this account.", id)
	}
	return id, nil
}

// reportedResourceGroup is an object's ResourceGroupId: the default group for an object the
// sandbox holds without one.
func reportedResourceGroup(id string) string {
	if id == "" || id == sandbox.DefaultResourceGroup {
		return defaultResourceGroup
	}
	return id
}

// changeResourceGroup follows ChangeResourceGroup.
func (e *Emulator) changeResourceGroup(ctx context.Context, p map[string]string) (map[string]any, error) {
	if err := required(p, "RegionId", "ResourceType", "ResourceId", "NewResourceGroupId"); err != nil {
		return nil, err
	}
	var kind lifecycle.Kind
	switch p["ResourceType"] {
	case "diskreplicapair":
		kind = lifecycle.ReplicationPair
	case "diskreplicagroup":
		kind = lifecycle.ProtectionGroup
	case "dedicatedblockstoragecluster":
		return nil, errf(404, "InvalidResourceId.NotFound", "The resource %s does not exist.", p["ResourceId"])
	default:
		return nil, errf(404, "InvalidResourceType.NotFound", "The resource type %s does not exist.", p["ResourceType"])
	}
	group, err := e.resourceGroupParam(p, "NewResourceGroupId")
	if err != nil {
		return nil, err
	}
	lctx := sandbox.Lookup(ctx)
	id := p["ResourceId"]
	var visible error
	if kind == lifecycle.ReplicationPair {
		_, visible = e.visiblePair(lctx, p["RegionId"], id)
	} else {
		_, visible = e.visibleGroup(lctx, p["RegionId"], id)
	}
	if visible != nil {
		return nil, errf(404, "InvalidResourceId.NotFound", "The resource %s does not exist.", id)
	}
	if err := e.sb.ChangeResourceGroup(sandbox.PhysicsOnly(ctx), kind, id, group); err != nil {
		return nil, err
	}
	return map[string]any{}, nil
}
