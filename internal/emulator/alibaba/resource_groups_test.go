package alibaba

import "testing"

// Every pair and group is in a resource group: the default one unless the create names one the
// account has; ChangeResourceGroup moves it (in any status), with EBS's documented refusals;
// Describe* filter by ResourceGroupId.
func TestResourceGroups(t *testing.T) {
	w := newWorld(t)
	w.srv.Backdoor().PutResourceGroup("rg-finance")
	w.srv.Backdoor().PutResourceGroup("rg-storage")
	rgOf := func(action, list, key, id string) string {
		t.Helper()
		out := w.ok(map[string]string{"Action": action, "RegionId": prodRegion, key: id})
		items := out[list].([]any)
		if len(items) != 1 {
			t.Fatalf("%s %s: %v", action, id, out)
		}
		return items[0].(map[string]any)["ResourceGroupId"].(string)
	}
	plain := w.pair()
	if got := rgOf("DescribeDiskReplicaPairs", "ReplicaPairs", "PairIds", plain); got != defaultResourceGroup {
		t.Fatalf("a pair created without a group is in %q", got)
	}
	req := w.createPairReq()
	req["ResourceGroupId"] = "rg-finance"
	grouped := w.ok(req)["ReplicaPairId"].(string)
	if got := rgOf("DescribeDiskReplicaPairs", "ReplicaPairs", "PairIds", grouped); got != "rg-finance" {
		t.Fatalf("a pair created in rg-finance is in %q", got)
	}
	req = w.createPairReq()
	req["ResourceGroupId"] = "rg-nowhere"
	if code, out := w.call(req); code != 404 || out["Code"] != "InvalidResourceGroup.NotFound" {
		t.Fatalf("a create in a group the account does not have: %d %v", code, out)
	}
	greq := w.createGroupReq()
	greq["ResourceGroupId"] = "rg-storage"
	gid := w.ok(greq)["ReplicaGroupId"].(string)
	if got := rgOf("DescribeDiskReplicaGroups", "ReplicaGroups", "GroupIds", gid); got != "rg-storage" {
		t.Fatalf("a group created in rg-storage is in %q", got)
	}

	// the pair is still being created: the move does not depend on the status
	w.ok(map[string]string{"Action": "ChangeResourceGroup", "RegionId": drRegion, "ResourceType": "diskreplicapair", "ResourceId": grouped, "NewResourceGroupId": "rg-storage"})
	if got := rgOf("DescribeDiskReplicaPairs", "ReplicaPairs", "PairIds", grouped); got != "rg-storage" {
		t.Fatalf("the moved pair is in %q", got)
	}
	w.ok(map[string]string{"Action": "ChangeResourceGroup", "RegionId": prodRegion, "ResourceType": "diskreplicagroup", "ResourceId": gid, "NewResourceGroupId": defaultResourceGroup})
	if got := rgOf("DescribeDiskReplicaGroups", "ReplicaGroups", "GroupIds", gid); got != defaultResourceGroup {
		t.Fatalf("the moved group is in %q", got)
	}

	out := w.ok(map[string]string{"Action": "DescribeDiskReplicaPairs", "RegionId": prodRegion, "ResourceGroupId": "rg-storage"})
	if ps := out["ReplicaPairs"].([]any); len(ps) != 1 || ps[0].(map[string]any)["ReplicaPairId"] != grouped {
		t.Fatalf("DescribeDiskReplicaPairs in rg-storage: %v", out)
	}
	out = w.ok(map[string]string{"Action": "DescribeDiskReplicaGroups", "RegionId": prodRegion, "ResourceGroupId": "rg-storage"})
	if gs := out["ReplicaGroups"].([]any); len(gs) != 0 {
		t.Fatalf("DescribeDiskReplicaGroups in rg-storage after the move: %v", out)
	}

	for _, c := range []struct {
		name   string
		params map[string]string
		status int
		code   string
	}{
		{"no new group", map[string]string{"ResourceType": "diskreplicapair", "ResourceId": plain}, 400, "MissingParameter"},
		{"an unknown type", map[string]string{"ResourceType": "disk", "ResourceId": plain, "NewResourceGroupId": "rg-finance"}, 404, "InvalidResourceType.NotFound"},
		{"a storage cluster", map[string]string{"ResourceType": "dedicatedblockstoragecluster", "ResourceId": "dbsc-1", "NewResourceGroupId": "rg-finance"}, 404, "InvalidResourceId.NotFound"},
		{"a missing pair", map[string]string{"ResourceType": "diskreplicapair", "ResourceId": "pair-missing", "NewResourceGroupId": "rg-finance"}, 404, "InvalidResourceId.NotFound"},
		{"a group's id as a pair", map[string]string{"ResourceType": "diskreplicapair", "ResourceId": gid, "NewResourceGroupId": "rg-finance"}, 404, "InvalidResourceId.NotFound"},
		{"from a third region", map[string]string{"RegionId": "cn-hangzhou", "ResourceType": "diskreplicapair", "ResourceId": plain, "NewResourceGroupId": "rg-finance"}, 404, "InvalidResourceId.NotFound"},
		{"an unknown group", map[string]string{"ResourceType": "diskreplicapair", "ResourceId": plain, "NewResourceGroupId": "rg-nowhere"}, 404, "InvalidResourceGroup.NotFound"},
	} {
		t.Run(c.name, func(t *testing.T) {
			params := map[string]string{"Action": "ChangeResourceGroup"}
			for k, v := range c.params {
				params[k] = v
			}
			code, out := w.call(params)
			if code != c.status || out["Code"] != c.code {
				t.Fatalf("want %d %s, got %d %v", c.status, c.code, code, out)
			}
		})
	}
	if got := rgOf("DescribeDiskReplicaPairs", "ReplicaPairs", "PairIds", plain); got != defaultResourceGroup {
		t.Fatalf("a refused move changed the pair's group to %q", got)
	}
}
