package provider

import (
	"context"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/sandbox"
)

// Import and drift through the CLI: a malformed import ID, import by identity, and objects
// changed outside Terraform.

func testAccDriftPair(db string) string {
	return testAccProvider(db) + testAccTwoSites(true) + `
resource "dr_replication_pair" "p" {
  name                = "drift"
  primary_volume_id   = dr_sandbox_volume.a.id
  secondary_volume_id = dr_sandbox_volume.b.id
  replication         = "running"
}
`
}

// noDestroy is a plan check: the resource is neither destroyed nor replaced (an in-place
// update or no-op is fine).
type noDestroy string

func (n noDestroy) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address == string(n) && rc.Change.Actions.Delete() || rc.Address == string(n) && rc.Change.Actions.Replace() {
			resp.Error = fmt.Errorf("%s: plan proposes %v after an out-of-band role change", n, rc.Change.Actions)
		}
	}
}

// TestAccImportMalformedID: a malformed import ID is refused with the expected format.
func TestAccImportMalformedID(t *testing.T) {
	db := testAccSandbox(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: testAccDriftPair(db)},
			{
				Config: testAccDriftPair(db), ResourceName: "dr_replication_pair.p", ImportState: true,
				ImportStateId: "../not an id",
				ExpectError:   regexp.MustCompile(`Invalid import ID for dr_replication_pair(.|\n)*expected 1 to 128(.|\n)*characters`),
			},
			{
				Config: testAccDriftPair(db), ResourceName: "dr_replication_pair.p", ImportState: true,
				ImportStateId: "pair id with spaces",
				ExpectError:   regexp.MustCompile(`Invalid import ID for dr_replication_pair(.|\n)*terraform import(.|\n)*dr_replication_pair.<name> <id>`),
			},
			{Config: testAccDriftPair(db)},
		},
	})
}

// oob runs an operation behind Terraform's back and waits until the pair reaches want.
func oob(t *testing.T, sb *sandbox.Sandbox, op lifecycle.Op, want lifecycle.State) {
	t.Helper()
	ctx := t.Context()
	id := onlyPairID(t, sb)
	if err := sb.Invoke(ctx, lifecycle.ReplicationPair, id, op, fmt.Sprintf("oob-%s-%d", op, time.Now().UnixNano()), nil); err != nil {
		t.Fatalf("out-of-band %s: %v", op, err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		o, err := sb.Observe(ctx, lifecycle.ReplicationPair, id)
		if want == lifecycle.Deleted && lifecycle.IsNotFound(err) || err == nil && o.State == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("pair did not reach %s after out-of-band %s: %s %v", want, op, o.State, err)
		}
		time.Sleep(5 * time.Millisecond) // the sandbox clock is the wall clock here; bounded by deadline
	}
}

// TestAccDriftRoleChange: out-of-band failover, reprotect and start (a role change) never make the
// next plan destroy or replace the pair; an out-of-band deletion removes it from the state
// with a warning, and the plan creates it again.
func TestAccDriftRoleChange(t *testing.T) {
	db := testAccSandbox(t)
	var sb *sandbox.Sandbox
	open := func() {
		if sb == nil {
			sb = testAccOpenSandbox(t, db)
		}
	}
	// outOfBand is a step that runs ops behind Terraform's back, each to its state, then
	// plans the same configuration with checks.
	type opTo struct {
		op lifecycle.Op
		to lifecycle.State
	}
	outOfBand := func(checks []plancheck.PlanCheck, ops ...opTo) resource.TestStep {
		return resource.TestStep{
			PreConfig: func() {
				open()
				for _, o := range ops {
					oob(t, sb, o.op, o.to)
				}
			},
			Config:           testAccDriftPair(db),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: checks},
		}
	}
	noReplace := []plancheck.PlanCheck{noDestroy("dr_replication_pair.p")}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: testAccDriftPair(db)},
			outOfBand(noReplace, opTo{lifecycle.OpFailover, lifecycle.FailedOver}),
			// roles swapped, replicating
			outOfBand(noReplace, opTo{lifecycle.OpFailover, lifecycle.FailedOver}, opTo{lifecycle.OpReprotect, lifecycle.Paused},
				opTo{lifecycle.OpStart, lifecycle.Replicating}),
			outOfBand([]plancheck.PlanCheck{plancheck.ExpectResourceAction("dr_replication_pair.p", plancheck.ResourceActionCreate)},
				opTo{lifecycle.OpStop, lifecycle.Paused}, opTo{lifecycle.OpDelete, lifecycle.Deleted}),
		},
	})
}

// expectIDIdentity: the resource's identity is its id, and nothing else.
func expectIDIdentity(addr string) []statecheck.StateCheck {
	return []statecheck.StateCheck{
		statecheck.ExpectIdentityValueMatchesState(addr, tfjsonpath.New("id")),
	}
}

// importByIdentity is an import step that removes addr from the state and imports it again
// with `import { to = addr, identity = { id = … } }` (the identity recorded at create), then
// expects the import plan to be a no-op with the step's configuration.
func importByIdentity(addr string) resource.TestStep {
	return resource.TestStep{
		ResourceName:    addr,
		ImportState:     true,
		ImportStateKind: resource.ImportBlockWithResourceIdentity,
	}
}

// identityImportCase creates cfg, wants the identity {id} recorded for each of addrs,
// imports each by its identity and then plans nothing to do (import by identity: Terraform
// 1.12+).
func identityImportCase(cfg string, addrs ...string) resource.TestCase {
	steps := []resource.TestStep{{Config: cfg}}
	for _, a := range addrs {
		steps[0].ConfigStateChecks = append(steps[0].ConfigStateChecks, expectIDIdentity(a)...)
	}
	for _, a := range addrs {
		steps = append(steps, importByIdentity(a))
	}
	return resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		Steps:                    append(steps, resource.TestStep{Config: cfg, PlanOnly: true}),
	}
}

// Import by identity (Terraform >= 1.12) of a replication pair and the protection group that
// holds it: the identity recorded at create is {id}, and importing by it plans a no-op.
func TestAccIdentity_pairAndGroup(t *testing.T) {
	db := testAccSandbox(t)
	cfg := testAccGroupConfig(db, groupCfg{prodHealthy: true, pairs: true, attrs: enabledSource})
	resource.ParallelTest(t, identityImportCase(cfg, "dr_replication_pair.data", groupAddr))
}

// Import by identity of a recovery server and a backup replica.
func TestAccIdentity_recoveryServerAndReplica(t *testing.T) {
	db := testAccSandbox(t)
	cfg := testAccRecoveryServerConfig(db, "") + `
resource "dr_sandbox_site" "bj" {
  region = "cn-beijing"
  zone   = "cn-beijing-a"
}

resource "dr_sandbox_vault" "bj_replicas" {
  region  = "cn-beijing"
  purpose = "replication"
}
` + testAccReplica("test", "dr_sandbox_backup.web.id", "dr_sandbox_vault.bj_replicas", "  depends_on = [dr_sandbox_site.bj]")
	resource.ParallelTest(t, identityImportCase(cfg, rsAddr, replicaAddr))
}
