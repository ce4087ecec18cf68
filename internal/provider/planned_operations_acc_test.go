package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

func opsExact(ops ...string) knownvalue.Check {
	checks := make([]knownvalue.Check, len(ops))
	for i, op := range ops {
		checks[i] = knownvalue.StringExact(op)
	}
	return knownvalue.ListExact(checks)
}

func plannedOpsPlan(addr string, ops ...string) plancheck.PlanCheck {
	return planAt(addr, "planned_operations", opsExact(ops...))
}

func plannedOpsState(addr string, ops ...string) statecheck.StateCheck {
	return expectAt(addr, "planned_operations", opsExact(ops...))
}

// operatesStep applies config, whose plan shows op (one operation) in addr's
// planned_operations, which the state keeps, and no diff after the apply; more are further
// state checks.
func operatesStep(config, addr, op string, more ...statecheck.StateCheck) resource.TestStep {
	return resource.TestStep{
		Config:            config,
		ConfigPlanChecks:  planThenNoDiff(plannedOpsPlan(addr, op)),
		ConfigStateChecks: append([]statecheck.StateCheck{plannedOpsState(addr, op)}, more...),
	}
}

// createRecordsStep applies config, which creates addr: the plan cannot tell its operations
// (planned_operations unknown), apply records ops, and no diff after the apply.
func createRecordsStep(config, addr string, ops ...string) resource.TestStep {
	return resource.TestStep{
		Config:            config,
		ConfigPlanChecks:  planThenNoDiff(unknownAt(addr, "planned_operations")),
		ConfigStateChecks: []statecheck.StateCheck{plannedOpsState(addr, ops...)},
	}
}

// planThenNoDiff is the plan checks pre before the apply, and after it and a refresh a plan
// that changes nothing.
func planThenNoDiff(pre ...plancheck.PlanCheck) resource.ConfigPlanChecks {
	return resource.ConfigPlanChecks{PreApply: pre, PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}
}

// noDiffAfterApply: the plan after an apply and a refresh changes nothing.
var noDiffAfterApply = planThenNoDiff()

// planned_operations carries the engine's operations into the diff: known at plan when the
// volumes exist, equal after apply, kept (no diff) by plans that operate nothing; a failover
// shows its operations.
func TestAccPlannedOperations_pair(t *testing.T) {
	db := testAccSandbox(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: testAccProvider(db) + testAccTwoSites(true)},
			{
				// The volumes exist: the plan knows the whole path of the new pair.
				Config: testAccPairConfig(db, true, `  replication = "running"`),
				ConfigPlanChecks: planThenNoDiff(
					plancheck.ExpectResourceAction(pairAddr, plancheck.ResourceActionCreate),
					plannedOpsPlan(pairAddr, "create", "start"),
				),
				ConfigStateChecks: []statecheck.StateCheck{plannedOpsState(pairAddr, "create", "start"), pairStatus("replicating")},
			},
			{
				// A change that operates nothing keeps the value: no diff for it.
				Config: testAccPairConfig(db, true, "  replication = \"running\"\n  allow_data_loss = true"),
				ConfigPlanChecks: planThenNoDiff(
					plancheck.ExpectResourceAction(pairAddr, plancheck.ResourceActionUpdate),
					plannedOpsPlan(pairAddr, "create", "start"),
				),
				ConfigStateChecks: []statecheck.StateCheck{plannedOpsState(pairAddr, "create", "start")},
			},
			{
				// The primary site goes down (a sandbox change only; the pair is not operated).
				Config:           testAccPairConfig(db, false, "  allow_data_loss = true"),
				ConfigPlanChecks: noDiffAfterApply,
			},
			{
				// Production to the secondary site while the primary is down: a failover, shown in
				// the diff before apply.
				Config: testAccPairConfig(db, false, "  allow_data_loss = true\n  active_site = \"secondary\""),
				ConfigPlanChecks: planThenNoDiff(
					plancheck.ExpectResourceAction(pairAddr, plancheck.ResourceActionUpdate),
					plannedOpsPlan(pairAddr, "failover"),
					planAt(pairAddr, "status", knownvalue.StringExact("failed_over")),
				),
				ConfigStateChecks: []statecheck.StateCheck{plannedOpsState(pairAddr, "failover"), expectPair("active_site", knownvalue.StringExact("secondary"))},
			},
		},
	})
}

// After an import planned_operations is null, and a plan that operates nothing leaves it so.
// The pair is forgotten with a removed block (Terraform 1.7) and imported again.
func TestAccPlannedOperations_import(t *testing.T) {
	db := testAccSandbox(t)
	var id string
	cfg := testAccPairConfig(db, true, `  replication = "running"`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_7_0)},
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					// the volumes are made in the same apply: known after apply
					unknownAt(pairAddr, "planned_operations"),
				}},
				ConfigStateChecks: []statecheck.StateCheck{plannedOpsState(pairAddr, "create", "start")},
				Check:             resource.TestCheckResourceAttrWith(pairAddr, "id", func(v string) error { id = v; return nil }),
			},
			{
				Config: testAccProvider(db) + testAccTwoSites(true) + `
removed {
  from = dr_replication_pair.test
  lifecycle {
    destroy = false
  }
}
`,
			},
			{
				ResourceName:       pairAddr,
				Config:             cfg,
				ImportState:        true,
				ImportStatePersist: true,
				ImportStateIdFunc:  func(*terraform.State) (string, error) { return id, nil },
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					for _, s := range states {
						if v, ok := s.Attributes["planned_operations.#"]; ok {
							return fmt.Errorf("imported planned_operations has %s elements, want null", v)
						}
					}
					return nil
				},
			},
			{
				// a change that operates nothing (allow_data_loss, which an import reads as false)
				Config: testAccPairConfig(db, true, "  replication = \"running\"\n  allow_data_loss = true"),
				ConfigPlanChecks: planThenNoDiff(
					plancheck.ExpectResourceAction(pairAddr, plancheck.ResourceActionUpdate),
					planAt(pairAddr, "planned_operations", knownvalue.Null()),
				),
			},
			// the next plan that operates the pair shows its operations
			operatesStep(testAccPairConfig(db, true, "  replication = \"paused\"\n  allow_data_loss = true"), pairAddr, "stop"),
		},
	})
}

// A group's failover and reprotect show their operations in the plan; the create records what
// apply ran (its pairs are made in the same apply, so the plan could not tell).
func TestAccPlannedOperations_groupFailover(t *testing.T) {
	db := testAccSandbox(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			createRecordsStep(testAccGroupConfig(db, groupCfg{prodHealthy: true, pairs: true, attrs: enabledSource}), groupAddr,
				"create", "add_member", "enable_protection", "add_server"),
			{Config: testAccGroupConfig(db, groupCfg{prodHealthy: false, pairs: true, attrs: enabledSource}), ConfigPlanChecks: noDiffAfterApply},
			operatesStep(testAccGroupConfig(db, groupCfg{prodHealthy: false, pairs: true, attrs: disabledTarget}), groupAddr, "failover",
				expectGroup("status", knownvalue.StringExact("failed_over"))),
			{Config: testAccGroupConfig(db, groupCfg{prodHealthy: true, webPower: "stopped", pairs: true, attrs: disabledTarget}), ConfigPlanChecks: noDiffAfterApply},
			operatesStep(testAccGroupConfig(db, groupCfg{prodHealthy: true, webPower: "stopped", pairs: true, attrs: enabledTarget}), groupAddr, "reprotect"),
		},
	})
}

// What Terraform prints: a plan that creates pairs shows each pair's planned_operations in the
// diff and no warning at all (one per pair before); a failover shows its operations and keeps
// the one warning that needs attention, the manual step after it. The CLI's own output is
// read (terraform-plugin-testing does not expose warnings).
func TestAccPlannedOperations_warningsOnlyForAttention(t *testing.T) {
	t.Parallel()
	c := newAdoptCLI(t)
	db := testAccSandbox(t)
	const pairs = 12
	config := func(prodHealthy bool, pairAttrs string) string {
		var b strings.Builder
		// fully qualified: OpenTofu reads "dr-provider/dr" as registry.opentofu.org/dr-provider/dr,
		// which is not the reattached provider's address (adoptAddr)
		b.WriteString("terraform {\n  required_providers {\n    dr = { source = \"registry.terraform.io/dr-provider/dr\" }\n  }\n}\n")
		b.WriteString(strings.TrimPrefix(testAccProvider(db), "\n"))
		count := fmt.Sprintf("count = %d", pairs)
		b.WriteString(sbSite("prod", "cn-shanghai", "cn-shanghai-a", fmt.Sprintf("healthy = %t", prodHealthy)) +
			sbSite("dr", "cn-shanghai", "cn-shanghai-b") + sbVolume("a", "prod", 10, count) + sbVolume("b", "dr", 10, count))
		if pairAttrs != "" {
			fmt.Fprintf(&b, `
resource "dr_replication_pair" "p" {
  count               = %d
  name                = "p${count.index}"
  primary_volume_id   = dr_sandbox_volume.a[count.index].id
  secondary_volume_id = dr_sandbox_volume.b[count.index].id
%s
}
`, pairs, pairAttrs)
		}
		return b.String()
	}
	write := func(s string) {
		if err := os.WriteFile(filepath.Join(c.dir, "main.tf"), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(config(true, ""))
	c.must("init")
	c.must("apply", "-auto-approve")

	write(config(true, `  replication = "running"`))
	out := c.must("plan")
	if n := strings.Count(out, "Warning:"); n != 0 {
		t.Errorf("a plan creating %d running pairs printed %d warnings, want none", pairs, n)
	}
	ops := regexp.MustCompile(`\+ planned_operations\s+= \[\s+\+ "create",\s+\+ "start",\s+\]`)
	if n := len(ops.FindAllString(out, -1)); n != pairs {
		t.Errorf("planned_operations [create, start] shown for %d pairs, want %d", n, pairs)
	}
	out = c.must("apply", "-auto-approve")
	if n := strings.Count(out, "Warning:"); n != 0 {
		t.Errorf("the apply printed %d warnings, want none", n)
	}

	write(config(false, `  replication = "running"`))
	c.must("apply", "-auto-approve")
	// One pair fails over (the others stay): its diff shows the operation, and the manual step
	// after a failover is the only warning.
	write(config(false, "  active_site = count.index == 0 ? \"secondary\" : \"primary\""))
	out = c.must("plan")
	if !regexp.MustCompile(`~ planned_operations\s+= \[\s+- "create",\s+- "start",\s+\+ "failover",\s+\]`).MatchString(out) {
		t.Error("the failover's planned_operations are not in the diff")
	}
	if n := strings.Count(out, "Warning:"); n != 1 || !strings.Contains(out, `Warning: dr_replication_pair "p0": a manual step follows failover`) {
		t.Errorf("want exactly the manual-step warning of p0, got %d warnings", n)
	}
	c.must("apply", "-auto-approve")
	if out, code := c.run("plan", "-detailed-exitcode"); code != 0 {
		t.Errorf("the plan after the failover is not empty (exit %d):\n%s", code, out)
	}
}

// A backup replica's and a recovery server's planned operations: the kind's create operation
// (replicate, create) recorded by apply when the plan could not tell, then the operations of a
// mode change shown in the plan; no diff after each apply.
func TestAccPlannedOperations_replica(t *testing.T) {
	db := testAccSandbox(t)
	inv := testAccReplicaInventory(db)
	replica := testAccReplica("test", "dr_sandbox_backup.server.id", "dr_sandbox_vault.bj_replicas", "")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: inv},
			createRecordsStep(inv+replica, replicaAddr, "replicate"),
		},
	})
}

func TestAccPlannedOperations_recoveryServer(t *testing.T) {
	rdb := testAccSandbox(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            testAccRecoveryServerConfig(rdb, ""),
				ConfigPlanChecks:  noDiffAfterApply,
				ConfigStateChecks: []statecheck.StateCheck{plannedOpsState(rsAddr, "create")},
			},
			operatesStep(testAccRecoveryServerConfig(rdb, `  mode = "test_failover"`), rsAddr, "test_failover"),
		},
	})
}
