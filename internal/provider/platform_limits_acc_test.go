package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	alibabaemu "github.com/dr-provider/terraform-provider-dr/internal/emulator/alibaba"
)

// The vendors' documented limits (name lengths, members per group) refused at plan through the
// CLI against their emulators, at the attribute, before any call that changes something.

// SDRS takes a protection group name of at most 64 bytes and a description of at most 64
// bytes (Creating a Protection Group, Changing the Name of a Protection Group): through the
// CLI against the emulator, a 65-byte name is refused by `terraform plan` at `name`, and a
// 65-byte description at `description` (V-PARAMS, citing the page) — before, the plan passed
// and the apply failed with SDRS.0202. Nothing is created. A 64-byte name is planned and
// applied; a rename to 65 bytes is refused at plan too, and the group keeps its name. A name
// known only at apply is refused there, before the platform call.
func TestAccHuaweiCloud_groupNameLimitsRefusedAtPlan(t *testing.T) {
	w := newHWGroupWorld(t)
	app := "dr_protection_group.app"
	named := func(name, attrs string) string {
		return strings.Replace(w.group(attrs), `name          = "app"`, `name          = "`+name+`"`, 1)
	}
	ok, long := strings.Repeat("a", 64), strings.Repeat("a", 65)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: named(long, ""), PlanOnly: true,
				ExpectError: regexp.MustCompile(`(?s)V-PARAMS: dr_protection_group create refused.*\d+:\s+name\s+=\s+"a{65}".*huaweicloud\s+platform\s+refuses\s+the\s+name.*has\s+65\s+bytes,\s+at\s+most\s+64.*Creating\s+a\s+Protection\s+Group`),
			},
			{
				Config: named(ok, `  description = "`+long+`"`), PlanOnly: true,
				ExpectError: regexp.MustCompile(`(?s)V-PARAMS: dr_protection_group create refused.*\d+:\s+description\s+=\s+"a{65}".*refuses\s+the\s+description.*has\s+65\s+bytes`),
			},
			{
				PreConfig: func() {
					gs, err := w.sb.ListGroups(t.Context())
					if err != nil || len(gs) != 0 {
						t.Fatalf("groups after the refused plans: %v %v", gs, err)
					}
				},
				Config: named(ok, ""),
				ConfigStateChecks: []statecheck.StateCheck{
					expectAt(app, "name", knownvalue.StringExact(ok)),
				},
			},
			{
				Config: named(long, ""), PlanOnly: true,
				ExpectError: regexp.MustCompile(`(?s)V-PARAMS: dr_protection_group update refused.*\d+:\s+name\s+=\s+"a{65}".*refuses\s+the\s+name.*has\s+65\s+bytes`),
			},
			{Config: named(ok, ""), PlanOnly: true}, // the refused rename changed nothing
			{
				// a second group whose name is known only at apply (from the first group's id):
				// checked there, before Creating a Protection Group; the group is not made
				Config: named(ok, "") + `
resource "dr_protection_group" "late" {
  name          = format("%s%s", substr(dr_protection_group.app.id, 0, 0), "` + long + `")
  source_region = "cn-north-4"
  source_zone   = "cn-north-4a"
  target_region = "cn-north-4"
  target_zone   = "cn-north-4b"
  source_vpc_id = "` + w.vpc + `"
}
`,
				ExpectError: regexp.MustCompile(`(?s)V-PARAMS: dr_protection_group create refused.*refuses\s+the\s+name.*has\s+65\s+bytes`),
			},
			{
				PreConfig: func() {
					gs, err := w.sb.ListGroups(t.Context())
					if err != nil || len(gs) != 2 { // app and empty
						t.Fatalf("groups after the refused apply: %v %v", gs, err)
					}
				},
				Config: named(ok, ""), PlanOnly: true,
			},
		},
	})
}

// EBS takes a GroupName of 2–128 characters starting with a letter, and a Description of
// 2–256 not starting with http:// or https:// (CreateDiskReplicaGroup, CreateDiskReplicaPair):
// what the schema allows but EBS refuses — a one-letter group name, one starting with a digit,
// a pair description that is a URL, a one-character group description — is refused by
// `terraform plan` against the emulator at the attribute (V-PARAMS); a valid name is planned.
func TestAccAlibaba_nameLimitsRefusedAtPlan(t *testing.T) {
	w := newAliWorld(t)
	a, b := w.disk(w.sh, 20, false), w.disk(w.bj, 20, false)
	group := func(name, attrs string) string {
		return w.provider() + pairHCL("p0", "", a, b, "") +
			strings.Replace(w.groupHCL("", []string{"p0"}, attrs), `name                 = "app"`, `name                 = "`+name+`"`, 1)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: group("g", ""), PlanOnly: true,
				ExpectError: regexp.MustCompile(`(?s)V-PARAMS: dr_protection_group create refused.*\d+:\s+name\s+=\s+"g".*alibaba\s+platform\s+refuses\s+the\s+name\s+"g".*has\s+1\s+character,\s+at\s+least\s+2.*CreateDiskReplicaGroup`),
			},
			{
				Config: group("9group", ""), PlanOnly: true,
				ExpectError: regexp.MustCompile(`(?s)V-PARAMS.*\d+:\s+name\s+=\s+"9group".*refuses\s+the\s+name\s+"9group".*must\s+start\s+with\s+a\s+letter`),
			},
			{
				Config: group("app", `  description = "x"`), PlanOnly: true,
				ExpectError: regexp.MustCompile(`(?s)V-PARAMS.*\d+:\s+description\s+=\s+"x".*refuses\s+the\s+description\s+"x".*at\s+least\s+2`),
			},
			{
				Config: w.provider() + pairHCL("p0", "", a, b, `  description = "http://example.com/app"`), PlanOnly: true,
				ExpectError: regexp.MustCompile(`(?s)V-PARAMS: dr_replication_pair create refused.*\d+:\s+description\s+=\s+"http://example.com/app".*refuses\s+the\s+description.*starts\s+with\s+"http://".*CreateDiskReplicaPair`),
			},
			{Config: group("app", `  description = "the app"`), PlanOnly: true, ExpectNonEmptyPlan: true},
		},
	})
}

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
		resource.ParallelTest(t, refusedPlanCase(w.provider()+hcl+w.groupHCL(g, labels, ""), want))
		grp, err := w.sb.GetGroup(w.ctx, g)
		w.must(err)
		if len(grp.PairIDs) != alibabaemu.MaxPairsPerGroup {
			t.Fatalf("the group holds %d pairs after the refused plan", len(grp.PairIDs))
		}
	})
	t.Run("new group declared with 18 pairs", func(t *testing.T) {
		w := newAliWorld(t)
		_, hcl, labels := w.aliPairs(alibabaemu.MaxPairsPerGroup + 1)
		resource.ParallelTest(t, refusedPlanCase(w.provider()+hcl+w.groupHCL("", labels, `  protection = "enabled"`), want))
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
