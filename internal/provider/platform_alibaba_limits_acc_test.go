package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	alibabaemu "github.com/dr-provider/terraform-provider-dr/internal/emulator/alibaba"
)

// aliPairs makes n replica pairs sh → bj (created) and returns their IDs, the HCL importing
// them (labels p0…p<n-1>) and the labels.
func (w *aliWorld) aliPairs(n int) (ids []string, hcl string, labels []string) {
	w.t.Helper()
	for i := range n {
		a, b := w.disk(w.sh, 20, false), w.disk(w.bj, 20, false)
		label := fmt.Sprint("p", i)
		id := w.pair(label, a, b)
		ids = append(ids, id)
		labels = append(labels, label)
		hcl += pairHCL(label, id, a, b, "")
	}
	return ids, hcl, labels
}

// AddDiskReplicaPair allows at most 17 pairs in one replica group
// (OperationDenied.PairsExceedInGroup): the 18th is refused by `terraform plan`, naming
// V-GRP-MEMBERS and the limit at replication_pair_ids — for a group that holds 17 and one
// more is added, and for a new group declared with 18. Nothing is called that changes
// anything: the group keeps its 17 pairs.
func TestAccAlibaba_groupPairLimitRefusedAtPlan(t *testing.T) {
	want := regexp.MustCompile(`(?s)V-GRP-MEMBERS: dr_protection_group add_member refused.*replication_pair_ids.*more than 17 pairs`)
	t.Run("18th pair added to a group of 17", func(t *testing.T) {
		w := newAliWorld(t)
		ids, hcl, labels := w.aliPairs(alibabaemu.MaxPairsPerGroup + 1)
		g := w.group("app", ids[:alibabaemu.MaxPairsPerGroup]...)
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{{
				Config:      w.provider() + hcl + w.groupHCL(g, labels, ""),
				PlanOnly:    true,
				ExpectError: want,
			}},
		})
		grp, err := w.sb.GetGroup(w.ctx, g)
		w.must(err)
		if len(grp.PairIDs) != alibabaemu.MaxPairsPerGroup {
			t.Fatalf("the group holds %d pairs after the refused plan", len(grp.PairIDs))
		}
	})
	t.Run("new group declared with 18 pairs", func(t *testing.T) {
		w := newAliWorld(t)
		_, hcl, labels := w.aliPairs(alibabaemu.MaxPairsPerGroup + 1)
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{{
				Config:      w.provider() + hcl + w.groupHCL("", labels, `  protection = "enabled"`),
				PlanOnly:    true,
				ExpectError: want,
			}},
		})
	})
	t.Run("17 pairs plan", func(t *testing.T) {
		w := newAliWorld(t)
		ids, hcl, labels := w.aliPairs(alibabaemu.MaxPairsPerGroup)
		g := w.group("app", ids[:alibabaemu.MaxPairsPerGroup-1]...)
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{{
				Config:             w.provider() + hcl + w.groupHCL(g, labels, ""),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			}},
		})
	})
}
