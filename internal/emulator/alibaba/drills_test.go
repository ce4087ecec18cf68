package alibaba

import (
	"testing"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
)

// The drill operations on the wire: signed like every call; StartReplicaGroupDrill while the
// group is still initial_syncing, with no recovery point yet, is
// OperationDenied.RecoverPointNotFound (the reference gates drills by the recovery point, not by
// status: vendor.go), in the primary region
// OperationDenied.StartDrillShouldOnDestRegion, with the same ClientToken a replay; the drill is listed (executed) in the
// destination region only, and ClearReplicaGroupDrill there with its DrillId removes it.
func TestGroupDrillOperations(t *testing.T) {
	srv, ctx, sb := startTwoSites(t, 20)
	ok, refused := wireCalls(t, srv)
	gid := ok(map[string]string{"Action": "CreateDiskReplicaGroup", "SourceZoneId": "cn-shanghai-a",
		"DestinationRegionId": "cn-beijing", "DestinationZoneId": "cn-beijing-a", "GroupName": "app"})["ReplicaGroupId"].(string)
	srv.Advance(time.Minute)
	pid := ok(map[string]string{"Action": "CreateDiskReplicaPair", "SourceZoneId": "cn-shanghai-a", "DiskId": "d-p",
		"DestinationRegionId": "cn-beijing", "DestinationZoneId": "cn-beijing-a", "DestinationDiskId": "d-s"})["ReplicaPairId"].(string)
	srv.Advance(time.Minute)
	ok(map[string]string{"Action": "AddDiskReplicaPair", "ReplicaGroupId": gid, "ReplicaPairId": pid})
	ok(map[string]string{"Action": "StartDiskReplicaGroup", "ReplicaGroupId": gid})
	// initial_syncing: no recovery point yet
	g, err := sb.GetGroup(ctx, gid)
	if err != nil || g.State != lifecycle.Starting {
		t.Fatalf("group %s %v", g.State, err)
	}
	start := map[string]string{"Action": "StartReplicaGroupDrill", "RegionId": "cn-beijing", "GroupId": gid, "ClientToken": "t1"}
	refused(start, 403, "OperationDenied.RecoverPointNotFound") // no recovery point yet
	srv.Advance(24 * time.Hour)
	refused(map[string]string{"Action": "StartReplicaGroupDrill", "RegionId": "cn-shanghai", "GroupId": gid}, 403, "OperationDenied.StartDrillShouldOnDestRegion")
	refused(map[string]string{"Action": "StartReplicaGroupDrill", "RegionId": "cn-beijing"}, 400, "MissingParameter")
	refused(map[string]string{"Action": "StartReplicaGroupDrill", "RegionId": "cn-hangzhou", "GroupId": gid}, 404, "NoSuchResource")
	drill := ok(start)["DrillId"].(string)
	if again := ok(start)["DrillId"]; again != drill { // the same ClientToken: the same drill
		t.Fatalf("replayed start: %v, want %s", again, drill)
	}
	// a second drill while one is listed (one drill disk per pair: inferred, vendor.go)
	refused(map[string]string{"Action": "StartReplicaGroupDrill", "RegionId": "cn-beijing", "GroupId": gid, "ClientToken": "t2"}, 403, "OperationDenied.InvalidStatus")

	list := func(region string) []any {
		t.Helper()
		return ok(map[string]string{"Action": "DescribeReplicaGroupDrills", "RegionId": region, "GroupId": gid, "MaxResults": "500"})["Drills"].([]any)
	}
	if ds := list("cn-beijing"); len(ds) != 1 || ds[0].(map[string]any)["DrillId"] != drill || ds[0].(map[string]any)["Status"] != "executed" ||
		ds[0].(map[string]any)["GroupId"] != gid {
		t.Fatalf("drills in the destination region: %v", ds)
	}
	if ds := list("cn-shanghai"); len(ds) != 0 {
		t.Fatalf("drills listed in the primary region: %v", ds)
	}
	refused(map[string]string{"Action": "ClearReplicaGroupDrill", "RegionId": "cn-shanghai", "GroupId": gid, "DrillId": drill}, 404, "NoSuchResource")
	refused(map[string]string{"Action": "ClearReplicaGroupDrill", "RegionId": "cn-beijing", "GroupId": gid, "DrillId": "pg-drill-nope"}, 404, "NoSuchResource")
	refused(map[string]string{"Action": "ClearReplicaGroupDrill", "RegionId": "cn-beijing", "GroupId": gid}, 400, "MissingParameter")
	ok(map[string]string{"Action": "ClearReplicaGroupDrill", "RegionId": "cn-beijing", "GroupId": gid, "DrillId": drill})
	if ds := list("cn-beijing"); len(ds) != 0 {
		t.Fatalf("drills after the clear: %v", ds)
	}
	if g, _ := sb.GetGroup(ctx, gid); g.DrillActive {
		t.Fatal("the sandbox's drill is still running after ClearReplicaGroupDrill")
	}
}
