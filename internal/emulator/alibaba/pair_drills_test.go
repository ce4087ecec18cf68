package alibaba

import (
	"testing"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// The pair drill operations on the wire, decided from the vendor's allow-list (vendor.go):
// StartPairDrill before the first recovery point is OperationDenied.RecoverPointNotFound, in the
// primary region OperationDenied.StartDrillShouldOnDestRegion, a replay with the same
// ClientToken the same drill, a second drill refused (InvalidStatus); DescribePairDrills lists
// the drill (executed, its drill disk, start time and recovery point) in the secondary region
// only; ClearPairDrill there removes it. No answer names an engine rule.
func TestPairDrillOperations(t *testing.T) {
	srv, ctx, sb := startTwoSites(t, 20)
	ok, refused := wireCalls(t, srv)
	pid := ok(map[string]string{"Action": "CreateDiskReplicaPair", "SourceZoneId": "cn-shanghai-a", "DiskId": "d-p",
		"DestinationRegionId": "cn-beijing", "DestinationZoneId": "cn-beijing-a", "DestinationDiskId": "d-s"})["ReplicaPairId"].(string)
	srv.Advance(time.Minute)
	start := map[string]string{"Action": "StartPairDrill", "RegionId": "cn-beijing", "PairId": pid, "ClientToken": "t1"}
	refused(start, 403, "OperationDenied.RecoverPointNotFound") // created: no recovery point yet
	ok(map[string]string{"Action": "StartDiskReplicaPair", "ReplicaPairId": pid})
	srv.Advance(24 * time.Hour)
	refused(map[string]string{"Action": "StartPairDrill", "RegionId": "cn-shanghai", "PairId": pid}, 403, "OperationDenied.StartDrillShouldOnDestRegion")
	refused(map[string]string{"Action": "StartPairDrill", "RegionId": "cn-beijing"}, 400, "MissingParameter")
	refused(map[string]string{"Action": "StartPairDrill", "RegionId": "cn-hangzhou", "PairId": pid}, 404, "NoSuchResource")
	drill := ok(start)["DrillId"].(string)
	if drill == "" {
		t.Fatal("no DrillId")
	}
	if again := ok(start)["DrillId"]; again != drill {
		t.Fatalf("replayed start: %v, want %s", again, drill)
	}
	refused(map[string]string{"Action": "StartPairDrill", "RegionId": "cn-beijing", "PairId": pid, "ClientToken": "t2"}, 403, "OperationDenied.InvalidStatus")
	// EBS documents no drill precondition on FailoverDiskReplicaPair: the engine's V-DRILL
	// refuses it at plan, the emulator would not (the cross-check's explained difference)

	list := func(region string) []any {
		t.Helper()
		return ok(map[string]string{"Action": "DescribePairDrills", "RegionId": region, "PairId": pid, "MaxResults": "500"})["Drills"].([]any)
	}
	ds := list("cn-beijing")
	if len(ds) != 1 {
		t.Fatalf("drills in the secondary region: %v", ds)
	}
	d := ds[0].(map[string]any)
	p, _ := sb.GetPair(ctx, pid)
	if d["DrillId"] != drill || d["Status"] != "executed" || d["DrillDiskStatus"] != "created" || d["DrillDiskId"] != "d-drill-d-s" ||
		d["StartAt"] != float64(p.LastDrill.StartedAt.Unix()) || d["RecoverPoint"] != float64(p.LastRecoveryPoint.Unix()) {
		t.Fatalf("drill: %v (pair %+v)", d, p.LastDrill)
	}
	if ds := list("cn-shanghai"); len(ds) != 0 {
		t.Fatalf("drills listed in the primary region: %v", ds)
	}
	refused(map[string]string{"Action": "DescribePairDrills", "RegionId": "cn-beijing"}, 400, "MissingParameter")
	refused(map[string]string{"Action": "ClearPairDrill", "RegionId": "cn-shanghai", "PairId": pid, "DrillId": drill}, 404, "NoSuchResource")
	refused(map[string]string{"Action": "ClearPairDrill", "RegionId": "cn-beijing", "PairId": pid, "DrillId": "drill-nope"}, 404, "NoSuchResource")
	refused(map[string]string{"Action": "ClearPairDrill", "RegionId": "cn-beijing", "PairId": pid}, 400, "MissingParameter")
	ok(map[string]string{"Action": "ClearPairDrill", "RegionId": "cn-beijing", "PairId": pid, "DrillId": drill})
	if ds := list("cn-beijing"); len(ds) != 0 {
		t.Fatalf("drills after the clear: %v", ds)
	}
	if p, _ := sb.GetPair(ctx, pid); p.DrillActive || p.LastDrill.Outcome != platform.DrillSucceeded {
		t.Fatalf("the sandbox's drill after ClearPairDrill: %v %+v", p.DrillActive, p.LastDrill)
	}
	ok(map[string]string{"Action": "FailoverDiskReplicaPair", "RegionId": "cn-beijing", "ReplicaPairId": pid})
}
