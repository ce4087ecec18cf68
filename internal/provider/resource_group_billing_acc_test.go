package provider

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/sandbox"
)

// resource_group_id (issue 29): created in a group, a move made outside Terraform planned as an
// update in place and set back, moved in place, imported, refused at plan at the attribute
// where the platform has no resource groups.

// sandboxPairGroup asserts the resource group the sandbox keeps the test's pair in.
func sandboxPairGroup(t *testing.T, db, want string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		id := s.RootModule().Resources[pairAddr].Primary.ID
		p, err := testAccOpenSandbox(t, db).GetPair(t.Context(), id)
		if err != nil {
			return err
		}
		if p.ResourceGroupID != want {
			return fmt.Errorf("the sandbox keeps %s in resource group %q, want %q", id, p.ResourceGroupID, want)
		}
		return nil
	}
}

func TestAccResourceGroup_sandbox(t *testing.T) {
	db := testAccSandbox(t)
	config := func(attrs string) string { return testAccTagsConfig(db, "", attrs) }
	rg := func(v string) statecheck.StateCheck {
		return expectPair("resource_group_id", knownvalue.StringExact(v))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// no group given: the default one, observed
				Config:            config(""),
				ConfigStateChecks: []statecheck.StateCheck{rg(sandbox.DefaultResourceGroup)},
				Check:             sandboxPairGroup(t, db, sandbox.DefaultResourceGroup),
			},
			{
				Config: config(`  resource_group_id = "rg-finance"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(pairAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{rg("rg-finance")},
				Check:             sandboxPairGroup(t, db, "rg-finance"),
			},
			{
				// a drift: someone moves the pair outside Terraform
				PreConfig: func() {
					sb := testAccOpenSandbox(t, db)
					if err := sb.ChangeResourceGroup(t.Context(), lifecycle.ReplicationPair, onlyPairID(t, sb), "rg-elsewhere"); err != nil {
						t.Fatal(err)
					}
				},
				Config: config(`  resource_group_id = "rg-finance"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(pairAddr, plancheck.ResourceActionUpdate),
					planAt(pairAddr, "resource_group_id", knownvalue.StringExact("rg-finance")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{rg("rg-finance")},
				Check:             sandboxPairGroup(t, db, "rg-finance"),
			},
			{
				Config:           config(`  resource_group_id = "rg-finance"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				ResourceName:            pairAddr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts", "planned_operations", "replication_lag_seconds", "last_recovery_point", "sync_progress"},
			},
			{
				// outside the sandbox's identifier form: refused at plan, at the attribute
				Config:      config(`  resource_group_id = "RG_Finance"`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)V-PARAMS.*resource_group_id\s+=\s+"RG_Finance".*refuses\s+the\s+resource\s+group\s+of\s+pair\s+"db":\s+it\s+contains\s+'R'`),
			},
		},
	})
}

// On the Alibaba EBS emulator: a pair created in a group of the account (CreateDiskReplicaPair
// ResourceGroupId), a replica group in the default one; a move made in the cloud set back
// (ChangeResourceGroup), both moved in place, the pair imported; a group the account does not
// have refused by the call.
func TestAccResourceGroup_alibaba(t *testing.T) {
	w, bd := newAliStoryWorld(t, 17)
	bd.PutResourceGroup("rg-finance")
	bd.PutResourceGroup("rg-storage")
	a, b := w.disk(w.sh, 10, false), w.disk(w.bj, 10, false)
	const groupAddr = "dr_protection_group.app"
	config := func(pairRG, groupRG string) string {
		return w.provider() + pairHCL("test", "", a, b, pairRG) + w.groupHCL("", nil, groupRG)
	}
	cloud := func(pairWant, groupWant string) resource.TestCheckFunc {
		return func(s *terraform.State) error {
			p, err := w.sb.GetPair(w.ctx, s.RootModule().Resources[pairAddr].Primary.ID)
			if err != nil {
				return err
			}
			g, err := w.sb.GetGroup(w.ctx, s.RootModule().Resources[groupAddr].Primary.ID)
			if err != nil {
				return err
			}
			if p.ResourceGroupID != pairWant || g.ResourceGroupID != groupWant {
				return fmt.Errorf("EBS keeps the pair in %q and the group in %q, want %q and %q", p.ResourceGroupID, g.ResourceGroupID, pairWant, groupWant)
			}
			return nil
		}
	}
	rgs := func(pairWant, groupWant string) []statecheck.StateCheck {
		return []statecheck.StateCheck{
			expectPair("resource_group_id", knownvalue.StringExact(pairWant)),
			expectAt(groupAddr, "resource_group_id", knownvalue.StringExact(groupWant)),
		}
	}
	const def = "rg-emulatordefault"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            config(`  resource_group_id = "rg-finance"`, ""),
				ConfigStateChecks: rgs("rg-finance", def),
				Check:             cloud("rg-finance", def),
			},
			{
				// a drift: the pair moved in the console
				PreConfig: func() {
					ps, err := w.sb.ListPairs(w.ctx)
					w.must(err)
					w.must(w.sb.ChangeResourceGroup(w.ctx, lifecycle.ReplicationPair, ps[0].ID, "rg-storage"))
				},
				Config: config(`  resource_group_id = "rg-finance"`, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(pairAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction(groupAddr, plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: rgs("rg-finance", def),
				Check:             cloud("rg-finance", def),
			},
			{
				// both moved in place
				Config: config(`  resource_group_id = "rg-storage"`, `  resource_group_id = "rg-finance"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(pairAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction(groupAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: rgs("rg-storage", "rg-finance"),
				Check:             cloud("rg-storage", "rg-finance"),
			},
			{
				ResourceName:            pairAddr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts", "planned_operations", "replication_lag_seconds", "last_recovery_point", "sync_progress", "rpo", "readiness"},
			},
			{
				ResourceName:            groupAddr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts", "planned_operations", "replication_lag_seconds", "last_recovery_point", "rpo", "readiness"},
			},
			{
				// the account has no such group: EBS refuses the move, nothing changes
				Config:      config(`  resource_group_id = "rg-nowhere"`, `  resource_group_id = "rg-finance"`),
				ExpectError: regexp.MustCompile(`(?s)InvalidResourceGroup\.NotFound`),
			},
			{
				Config:            config(`  resource_group_id = "rg-storage"`, `  resource_group_id = "rg-finance"`),
				ConfigStateChecks: rgs("rg-storage", "rg-finance"),
				Check:             cloud("rg-storage", "rg-finance"),
			},
		},
	})
}

// Huawei Cloud SDRS has no resource groups (its API and SDK models carry no
// enterprise_project_id for protection groups or pairs): a resource group is refused at plan,
// at the attribute, not dropped.
func TestAccResourceGroup_refusedWithoutGroups(t *testing.T) {
	w := newHWGroupWorld(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      w.group(`  resource_group_id = "rg-finance"`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)V-PARAMS.*resource_group_id\s+=\s+"rg-finance".*huaweicloud\s+platform\s+has\s+no\s+resource\s+groups\s+for\s+protection_group\s+objects`),
			},
		},
	})
}

// The list resources filter by resource group (drListResource.matches).
func TestListFilterByResourceGroup(t *testing.T) {
	l := newDRListResource[pairModel, platform.ReplicationPair](pairKind{})
	in := drView{ID: "pair-1", Name: "db", ResourceGroupID: "rg-finance"}
	if !l.matches(listFilter{resourceGroupID: "rg-finance"}, in) {
		t.Fatal("a pair in rg-finance does not match its group's filter")
	}
	if l.matches(listFilter{resourceGroupID: "rg-storage"}, in) {
		t.Fatal("a pair in rg-finance matches rg-storage's filter")
	}
	if !l.matches(listFilter{}, in) {
		t.Fatal("no filter must match every pair")
	}
}

// Billing on the Alibaba EBS emulator (issue 29): a subscription pair created for 12 months
// (CreateDiskReplicaPair ChargeType PREPAY, Period, PeriodUnit) reported with its end, a
// pay-as-you-go pair observed as such; values outside EBS's, a subscription without a period
// and any change after create refused at plan at the attribute; the choice survives import.
func TestAccBilling_alibaba(t *testing.T) {
	w, _ := newAliStoryWorld(t, 19)
	a, b := w.disk(w.sh, 10, false), w.disk(w.bj, 10, false)
	c, d := w.disk(w.sh, 10, false), w.disk(w.bj, 10, false)
	const payg = "dr_replication_pair.payg"
	config := func(billing string) string {
		return w.provider() + pairHCL("test", "", a, b, billing) + pairHCL("payg", "", c, d, "")
	}
	subscription := "  payment_type = \"Subscription\"\n  period       = 12\n  period_unit  = \"Month\""
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config(subscription),
				ConfigStateChecks: []statecheck.StateCheck{
					expectPair("payment_type", knownvalue.StringExact("Subscription")),
					expectPair("period", knownvalue.Int64Exact(12)),
					expectPair("expires_at", knownvalue.NotNull()),
					expectAt(payg, "payment_type", knownvalue.StringExact("PayAsYouGo")),
					expectAt(payg, "expires_at", knownvalue.Null()),
				},
				Check: func(s *terraform.State) error {
					p, err := w.sb.GetPair(w.ctx, s.RootModule().Resources[pairAddr].Primary.ID)
					if err != nil {
						return err
					}
					// the emulator's clock runs accTimeScale times faster than the wall clock: a
					// few simulated days at most since the create
					want := time.Now().AddDate(0, 12, 0)
					if p.PaymentType != "Subscription" || p.ExpiresAt.Before(want.Add(-24*time.Hour)) || p.ExpiresAt.After(want.Add(7*24*time.Hour)) {
						return fmt.Errorf("EBS keeps the pair as %q until %v, want Subscription until about %v", p.PaymentType, p.ExpiresAt, want)
					}
					if got := s.RootModule().Resources[pairAddr].Primary.Attributes["expires_at"]; got != p.ExpiresAt.Format(time.RFC3339) {
						return fmt.Errorf("expires_at %q, EBS reports %v", got, p.ExpiresAt)
					}
					return nil
				},
			},
			{
				Config:           config(subscription),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				// no call changes a pair's billing: refused, not a replacement
				Config:      config("  payment_type = \"Subscription\"\n  period       = 24\n  period_unit  = \"Month\""),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)V-PARAMS.*period\s+=\s+24.*cannot\s+change\s+the\s+period\s+of\s+pair\s+"test"\s+\("12"\s+to\s+"24"\)`),
			},
			{
				Config:      config("  payment_type = \"PayAsYouGo\""),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)V-PARAMS.*payment_type\s+=\s+"PayAsYouGo".*cannot\s+change\s+the\s+payment_type`),
			},
			{
				ResourceName:            pairAddr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts", "planned_operations", "replication_lag_seconds", "last_recovery_point", "sync_progress", "rpo", "readiness", "period", "period_unit"},
			},
		},
	})
}

// Outside the vendor's limits, or where the platform offers no billing, a billing choice is
// refused at plan at the attribute.
func TestAccBilling_refusedAtPlan(t *testing.T) {
	w, _ := newAliStoryWorld(t, 23)
	a, b := w.disk(w.sh, 10, false), w.disk(w.bj, 10, false)
	ali := func(billing string) string {
		return w.provider() + pairHCL("test", "", a, b, billing)
	}
	db := testAccSandbox(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      ali("  payment_type = \"Subscription\"\n  period       = 5"),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)V-PARAMS.*period\s+=\s+5.*refuses\s+the\s+period\s+5:\s+it\s+allows\s+1,\s+2,\s+3,\s+6,\s+12,\s+24,\s+36,\s+60`),
			},
			{
				Config:      ali("  payment_type = \"Subscription\""),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)V-PARAMS.*needs\s+a\s+period\s+for\s+a\s+Subscription`),
			},
			{
				Config:      ali("  period = 12"),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)V-PARAMS.*period\s+=\s+12.*takes\s+no\s+period\s+for\s+a\s+PayAsYouGo`),
			},
			{
				Config:      ali("  payment_type = \"Subscription\"\n  period       = 1\n  period_unit  = \"Year\""),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)V-PARAMS.*period_unit\s+=\s+"Year".*refuses\s+the\s+period_unit\s+"Year":\s+it\s+allows\s+Month`),
			},
			{
				Config:      testAccTagsConfig(db, "", "  payment_type = \"Subscription\"\n  period       = 1"),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)V-PARAMS.*payment_type\s+=\s+"Subscription".*sandbox\s+platform\s+has\s+no\s+billing\s+choices`),
			},
		},
	})
}
