package alibaba

import (
	"fmt"
	"testing"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// AddDiskReplicaPair beyond 17 pairs in one group: 403 OperationDenied.PairsExceedInGroup, the
// vendor's code, decided by the sandbox's physics (the engine's V-GRP-MEMBERS).
func TestAddDiskReplicaPairBeyondTheGroupLimit(t *testing.T) {
	srv, ctx, sb := startTwoSites(t, 0)
	code, out := post(t, srv, map[string]string{"Action": "CreateDiskReplicaGroup", "SourceZoneId": "cn-shanghai-a",
		"DestinationRegionId": "cn-beijing", "DestinationZoneId": "cn-beijing-a", "GroupName": "g18"}, TestAccessKeySecret)
	if code != 200 {
		t.Fatalf("CreateDiskReplicaGroup: %d %v", code, out)
	}
	gid, _ := out["ReplicaGroupId"].(string)
	add := func(i int) (int, map[string]any) {
		for _, v := range []platform.Volume{{ID: fmt.Sprint("d-p", i), SiteID: "sh-a", SizeGB: 20}, {ID: fmt.Sprint("d-s", i), SiteID: "bj-a", SizeGB: 20}} {
			if _, err := sb.PutVolume(ctx, v); err != nil {
				t.Fatal(err)
			}
		}
		code, out := post(t, srv, map[string]string{"Action": "CreateDiskReplicaPair", "ZoneId": "cn-shanghai-a", "SourceZoneId": "cn-shanghai-a",
			"DiskId": fmt.Sprint("d-p", i), "DestinationRegionId": "cn-beijing", "DestinationZoneId": "cn-beijing-a",
			"DestinationDiskId": fmt.Sprint("d-s", i), "PairName": fmt.Sprint("p", i)}, TestAccessKeySecret)
		if code != 200 {
			t.Fatalf("CreateDiskReplicaPair %d: %d %v", i, code, out)
		}
		srv.Advance(time.Minute)
		return post(t, srv, map[string]string{"Action": "AddDiskReplicaPair", "ReplicaGroupId": gid,
			"ReplicaPairId": out["ReplicaPairId"].(string)}, TestAccessKeySecret)
	}
	for i := range MaxPairsPerGroup {
		if code, out := add(i); code != 200 {
			t.Fatalf("pair %d: %d %v", i+1, code, out)
		}
	}
	code, out = add(MaxPairsPerGroup)
	if code != 403 || out["Code"] != "OperationDenied.PairsExceedInGroup" {
		t.Fatalf("the 18th pair: %d %v", code, out)
	}
	g, err := sb.GetGroup(ctx, gid)
	if err != nil || len(g.PairIDs) != MaxPairsPerGroup {
		t.Fatalf("group after the refusal: %d pairs, %v", len(g.PairIDs), err)
	}
}

// StartDiskReplicaPair with OneShot=true twice within half the RPO: the second is answered
// 403 OperationDenied.ManualSyncLimit, the sandbox's V-SYNC-ONCE.
func TestOneShotRateLimit(t *testing.T) {
	srv, _, _ := startTwoSites(t, 1)
	code, out := post(t, srv, map[string]string{"Action": "CreateDiskReplicaPair", "SourceZoneId": "cn-shanghai-a", "DiskId": "d-p",
		"DestinationRegionId": "cn-beijing", "DestinationZoneId": "cn-beijing-a", "DestinationDiskId": "d-s", "PairName": "pair1"}, TestAccessKeySecret)
	if code != 200 {
		t.Fatalf("create: %d %v", code, out)
	}
	id := out["ReplicaPairId"].(string)
	srv.Advance(time.Minute)
	oneShot := map[string]string{"Action": "StartDiskReplicaPair", "ReplicaPairId": id, "OneShot": "true"}
	if code, out := post(t, srv, oneShot, TestAccessKeySecret); code != 200 {
		t.Fatalf("one-shot: %d %v", code, out)
	}
	srv.Advance(5 * time.Minute) // 1 GiB: done, but within RPO/2 (450 s)
	if code, out := post(t, srv, oneShot, TestAccessKeySecret); code != 403 || out["Code"] != "OperationDenied.ManualSyncLimit" {
		t.Fatalf("second one-shot: %d %v", code, out)
	}
	if code, out := post(t, srv, map[string]string{"Action": "StartDiskReplicaPair", "ReplicaPairId": id, "OneShot": "maybe"}, TestAccessKeySecret); code != 400 || out["Code"] != "InvalidParameter" {
		t.Fatalf("OneShot=maybe: %d %v", code, out)
	}
	srv.Advance(5 * time.Minute)
	if code, out := post(t, srv, oneShot, TestAccessKeySecret); code != 200 {
		t.Fatalf("after the interval: %d %v", code, out)
	}
}
