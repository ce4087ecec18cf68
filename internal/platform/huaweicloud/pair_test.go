package huaweicloud

import (
	"strings"
	"testing"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
)

// The SDRS replication pair statuses (Replication Pair Status; vendor-lifecycles §2.3) mapped
// onto the engine's pair states: the group's statuses with the pair's operation names, the
// attach/detach/extend transitions (replication as it was), and an unknown status refused.
func TestPairStateMapping(t *testing.T) {
	p := &Platform{cfg: Config{Region: "cn-north-4"}}
	group := obj{"source_availability_zone": "az1", "target_availability_zone": "az2"}
	for _, c := range []struct {
		status, repl string
		want         lifecycle.State
		failed       lifecycle.Op
	}{
		{"creating", "", lifecycle.Creating, ""},
		{"available", "inactive", lifecycle.Configured, ""},
		{"available", "active-stopped", lifecycle.Paused, ""},
		{"protected", "active", lifecycle.Replicating, ""},
		{"failed-over", "active-stopped", lifecycle.FailedOver, ""},
		{"attaching", "active", lifecycle.Replicating, ""},
		{"extending", "active-stopped", lifecycle.Paused, ""},
		{"detaching", "inactive", lifecycle.Paused, ""},
		{"invalid", "", lifecycle.Invalid, ""},
		{"fault", "active", lifecycle.Invalid, ""},
		{"error-starting", "", lifecycle.Error, lifecycle.OpStart},
		{"error-stopping", "", lifecycle.Error, lifecycle.OpStop},
		{"error-reversing", "", lifecycle.Error, lifecycle.OpSwitchover},
		{"error-failing-over", "", lifecycle.Error, lifecycle.OpFailover},
		{"error-reprotecting", "", lifecycle.Error, lifecycle.OpReprotect},
		{"error-deleting", "", lifecycle.Error, lifecycle.OpDelete},
		{"error-extending", "", lifecycle.Error, lifecycle.OpUpdate},
	} {
		r := obj{"id": "r1", "name": "data", "status": c.status, "replication_status": c.repl, "volume_ids": "v1,v2",
			"server_group_id": "g1", "priority_station": "target"}
		pr, err := p.pairFrom(r, group)
		if err != nil || pr.State != c.want || pr.FailedOp != c.failed {
			t.Errorf("%s/%s → %s{%s} %v, want %s{%s}", c.status, c.repl, pr.State, pr.FailedOp, err, c.want, c.failed)
			continue
		}
		if pr.PrimaryVolumeID != "v1" || pr.SecondaryVolumeID != "v2" || pr.GroupID != "g1" || pr.ActiveSite != lifecycle.SiteTarget ||
			pr.PrimaryZone != "az1" || pr.SecondaryZone != "az2" || !pr.Observed.Facts.InGroup || pr.Observed.Facts.GroupID != "g1" {
			t.Errorf("%s: decoded pair %+v", c.status, pr)
		}
	}
	for _, s := range []string{"", "null", "migrating"} {
		if _, err := p.pairFrom(obj{"id": "r1", "status": s}, nil); err == nil || !strings.Contains(err.Error(), "unknown SDRS status") {
			t.Errorf("pair status %q: want an error naming the unknown status, got %v", s, err)
		}
	}
}

// Creating and deleting a dr_replication_pair are manual steps on SDRS, named at plan.
func TestPairCapabilities(t *testing.T) {
	c := (&Platform{}).Capabilities()
	if !c.Supports(lifecycle.ReplicationPair) {
		t.Fatal("huaweicloud does not list replication_pair")
	}
	for op, want := range map[lifecycle.Op]string{lifecycle.OpCreate: "Creating a Replication Pair", lifecycle.OpDelete: "Deleting a Replication Pair"} {
		if step, ok := c.ManualStep(lifecycle.ReplicationPair, op); !ok || !strings.Contains(step, want) || !strings.Contains(step, "server_ids") {
			t.Errorf("%s: manual step %q (%v)", op, step, ok)
		}
	}
	if _, ok := c.ManualStep(lifecycle.ReplicationPair, lifecycle.OpUpdate); ok {
		t.Error("rename (update) is SDRS's own pair operation, not a manual step")
	}
}
