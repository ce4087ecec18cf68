package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

func testAccInventoryConfig(db, power, status string, size int) string {
	return testAccProvider(db) + sbSite("a", "cn-shanghai", "cn-shanghai-a") +
		sbServer("web", "web", "a", fmt.Sprintf("power_state = %q", power)) +
		sbVolume("data", "a", size, "server_id = dr_sandbox_server.web.id") +
		sbVault("backups", "cn-shanghai", "backup") +
		sbBackup("web", "server", "dr_sandbox_server.web.id", "backups", fmt.Sprintf("status = %q", status))
}

// The sandbox inventory: create, update in place, import, and validation of bad input.
func TestAccSandboxInventory_basic(t *testing.T) {
	db := testAccSandbox(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: testAccInventoryConfig(db, "running", "available", 20),
				ConfigStateChecks: []statecheck.StateCheck{
					expectAt("dr_sandbox_site.a", "healthy", knownvalue.Bool(true)),
					expectAt("dr_sandbox_server.web", "ip", knownvalue.StringRegexp(regexp.MustCompile(`^10\.`))),
					expectAt("dr_sandbox_backup.web", "region", knownvalue.StringExact("cn-shanghai")),
					expectAt("dr_sandbox_backup.web", "is_replica", knownvalue.Bool(false)),
				},
			},
			{
				Config: testAccInventoryConfig(db, "stopped", "creating", 30),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("dr_sandbox_server.web", plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction("dr_sandbox_volume.data", plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction("dr_sandbox_backup.web", plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					expectAt("dr_sandbox_server.web", "power_state", knownvalue.StringExact("stopped")),
					expectAt("dr_sandbox_server.web", "volume_ids", knownvalue.ListSizeExact(1)),
					expectAt("dr_sandbox_volume.data", "size_gb", knownvalue.Int64Exact(30)),
					expectAt("dr_sandbox_backup.web", "status", knownvalue.StringExact("creating")),
				},
			},
			{ResourceName: "dr_sandbox_site.a", ImportState: true, ImportStateVerify: true},
			{ResourceName: "dr_sandbox_server.web", ImportState: true, ImportStateVerify: true},
			{ResourceName: "dr_sandbox_volume.data", ImportState: true, ImportStateVerify: true},
			{ResourceName: "dr_sandbox_vault.backups", ImportState: true, ImportStateVerify: true},
			{ResourceName: "dr_sandbox_backup.web", ImportState: true, ImportStateVerify: true},
			{
				ResourceName:  "dr_sandbox_site.a",
				ImportState:   true,
				ImportStateId: "not a valid id",
				ExpectError:   regexp.MustCompile(`Invalid import ID for dr_sandbox_site(.|\n)*letters,\s+digits`),
			},
			{
				Config:      testAccInventoryConfig(db, "paused", "available", 20),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`power_state(.|\n)*value must be one of`),
			},
			{
				Config: testAccInventoryConfig(db, "stopped", "creating", 30) + `
resource "dr_sandbox_site" "bad" {
  region = "CN Shanghai"
  zone   = "a"
}
`,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`must be a region or zone name`),
			},
			{Config: testAccInventoryConfig(db, "stopped", "creating", 30)},
		},
	})
}

// An object deleted outside Terraform is dropped from state with a warning and planned for
// creation again, never an error.
func TestAccReplicationPair_disappears(t *testing.T) {
	db := testAccSandbox(t)
	cfg := testAccPairConfig(db, true, `  replication = "paused"`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				PreConfig: func() {
					sb := testAccOpenSandbox(t, db)
					id := onlyPairID(t, sb)
					testAccInvoke(t, db, "replication_pair", "delete")
					if _, err := sb.GetPair(t.Context(), id); err == nil {
						t.Fatal("pair still there after out-of-band delete")
					}
				},
				Config:             cfg,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
			{
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(pairAddr, plancheck.ResourceActionCreate),
				}},
			},
		},
	})
}

// Timeouts are honoured: with a slow sandbox clock the initial synchronisation cannot finish
// within the update timeout; apply says so, cancels the platform operation, and the state
// records what was observed.
func TestAccReplicationPair_timeout(t *testing.T) {
	db := testAccSandbox(t)
	slow := `
provider "dr" {
  sandbox {
    path       = "` + db + `"
    time_scale = 0.001
  }
}
` + testAccTwoSites(true) + `
resource "dr_replication_pair" "test" {
  name                = "db"
  primary_volume_id   = dr_sandbox_volume.a.id
  secondary_volume_id = dr_sandbox_volume.b.id
  replication         = "running"
  timeouts {
    update = "2s"
  }
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: append(startTimesOut(db, slow),
			resource.TestStep{
				// The start was cancelled: the pair is back where it was, and the state says so.
				Config:            testAccPairConfig(db, true, `  replication = "paused"`),
				ConfigStateChecks: []statecheck.StateCheck{pairStatus("configured")},
			},
		),
	})
}

// startTimesOut are the steps of a paused pair whose start (in config) does not finish within
// the update timeout: the apply says so.
func startTimesOut(db, config string) []resource.TestStep {
	return []resource.TestStep{
		{Config: testAccPairConfig(db, true, `  replication = "paused"`)},
		{
			Config:      config,
			ExpectError: regexp.MustCompile(`(?s)Error running start on dr_replication_pair.*did not finish within the timeout`),
		},
	}
}

// power_state is observe-only when omitted: a server stopped behind Terraform's back (as a
// group failover does) plans empty, other changes leave its power alone, and setting the
// attribute for one apply then removing it starts the server and changes nothing more.
func TestAccSandboxServer_powerStateObserved(t *testing.T) {
	db := testAccSandbox(t)
	server := func(name, extra string) string {
		return testAccProvider(db) + sbSite("a", "cn-shanghai", "cn-shanghai-a") + sbServer("web", name, "a", extra)
	}
	power := func(want string) statecheck.StateCheck {
		return expectAt("dr_sandbox_server.web", "power_state", knownvalue.StringExact(want))
	}
	empty := resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: server("web", ""), ConfigStateChecks: []statecheck.StateCheck{power("running")}},
			{
				PreConfig: func() {
					ctx := t.Context()
					sb := testAccOpenSandbox(t, db)
					srvs, err := sb.ListServers(ctx)
					if err != nil || len(srvs) != 1 {
						t.Fatalf("servers: %v %v", srvs, err)
					}
					if _, err := sb.SetServerPower(ctx, srvs[0].ID, "stopped"); err != nil {
						t.Fatal(err)
					}
				},
				Config: server("web", ""), ConfigPlanChecks: empty, ConfigStateChecks: []statecheck.StateCheck{power("stopped")},
			},
			{
				Config: server("web-1", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("dr_sandbox_server.web", plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{power("stopped")},
			},
			{Config: server("web-1", `  power_state = "running"`+"\n"), ConfigStateChecks: []statecheck.StateCheck{power("running")}},
			{Config: server("web-1", ""), ConfigPlanChecks: empty, ConfigStateChecks: []statecheck.StateCheck{power("running")}},
		},
	})
}

const faultAddr = "dr_sandbox_fault.f"

func expectFault(attr string, v knownvalue.Check) statecheck.StateCheck {
	return expectAt(faultAddr, attr, v)
}

// testAccFault is a dr_sandbox_fault "f" with the given arguments.
func testAccFault(args string) string {
	return `
resource "dr_sandbox_fault" "f" {
` + args + `
}
`
}

// Faults are switched on by create and off by destroy, imported by ID, and every malformed
// combination is refused at plan time with the attribute it concerns.
func TestAccSandboxFault_basic(t *testing.T) {
	db := testAccSandbox(t)
	p := testAccProvider(db)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: p + testAccFault(`  type      = "fail_next"
  kind      = "replication_pair"
  operation = "failover"`),
				ConfigStateChecks: []statecheck.StateCheck{
					expectFault("id", knownvalue.StringRegexp(regexp.MustCompile(`^fault-`))),
					expectFault("times", knownvalue.Int64Exact(1)),
					expectFault("remaining", knownvalue.Int64Exact(1)),
					expectFault("rate", knownvalue.Null()),
				},
			},
			{ResourceName: faultAddr, ImportState: true, ImportStateVerify: true},
			{
				// a change replaces the fault (off, then on)
				Config: p + testAccFault(`  type    = "latency"
  latency = "1ms"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(faultAddr, plancheck.ResourceActionReplace),
				}},
				ConfigStateChecks: []statecheck.StateCheck{expectFault("latency", knownvalue.StringExact("1ms")), expectFault("times", knownvalue.Null())},
			},
			{ResourceName: faultAddr, ImportState: true, ImportStateVerify: true},
			{
				Config:      p + testAccFault(`  type = "meteor"`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)type.*value must be one of`),
			},
			{
				Config:      p + testAccFault(`  type = "transient_errors"`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Missing argument for this fault type.*transient_errors fault needs\s+` + "`rate`"),
			},
			{
				Config: p + testAccFault(`  type = "transient_errors"
  rate = 1.5`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)rate.*value must be between 0\.001000 and 1\.000000`),
			},
			{
				Config: p + testAccFault(`  type    = "latency"
  latency = "forever"`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Invalid duration.*"forever"\s+is\s+not\s+a\s+duration\s+between\s+1ms\s+and\s+10m0s`),
			},
			{
				Config: p + testAccFault(`  type      = "volume_lost"
  object_id = "vol-1"
  kind      = "replication_pair"`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Argument not accepted by this fault type.*remove\s+kind`),
			},
			{
				Config: p + testAccFault(`  type      = "fail_next"
  kind      = "replication_pair"
  operation = "enable_protection"`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Invalid sandbox fault.*replication_pair has no operation\s+"enable_protection"`),
			},
			{
				Config: p + testAccFault(`  type      = "link_stall"
  operation = "failover"`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)operation\s+"failover"\s+does\s+not\s+synchronise\s+data`),
			},
			{
				Config: p + testAccFault(`  type      = "fail_next"
  kind      = "replication_pair"
  operation = "failover"
  times     = 0`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)times.*value must be between 1 and 1000`),
			},
			{
				ResourceName:  faultAddr,
				ImportState:   true,
				ImportStateId: "not an id",
				ExpectError:   regexp.MustCompile(`Invalid import ID for dr_sandbox_fault`),
			},
			{Config: p + testAccFault(`  type    = "latency"
  latency = "1ms"`)},
		},
	})
}

// A failover that fails on the platform (fail_next) fails the apply with the platform's
// message and records error{failover}; the next apply retries it and converges.
func TestAccSandboxFault_failNextRetried(t *testing.T) {
	db := testAccSandbox(t)
	fault := testAccFault(`  type      = "fail_next"
  kind      = "replication_pair"
  operation = "failover"
  times     = 1`)
	// a failed-over pair replicates nothing: replication "paused" at the secondary site
	failover := testAccPairConfig(db, false, `  replication = "paused"
  active_site = "secondary"
  depends_on  = [dr_sandbox_fault.f]`) + fault
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: testAccPairConfig(db, true, `  replication = "running"`)},
			// the production site goes down: a failover is now the safe path (R002-8)
			{Config: testAccPairConfig(db, false, `  replication = "running"`)},
			{
				Config:      failover,
				ExpectError: regexp.MustCompile(`(?s)Error running failover on dr_replication_pair.*error\{failover\}.*injected fault`),
			},
			{
				// the state recorded the failure; the next apply retries the failover
				Config: failover,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					planAt(pairAddr, "active_site", knownvalue.StringExact("secondary")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					pairStatus("failed_over"),
					expectPair("active_site", knownvalue.StringExact("secondary")),
					expectFault("remaining", knownvalue.Int64Exact(0)),
				},
			},
			// destroying a failed-over pair needs the opt-in (V-PAIR-DELETE)
			{Config: strings.Replace(failover, `replication = "paused"`, "replication = \"paused\"\n  allow_data_loss = true", 1)},
		},
	})
}

// With 30 % of every API call throttled and 5 ms added to each, the inventory, a pair and its
// first synchronisation still converge (the provider retries the throttled calls), and the
// plan afterwards is empty.
func TestAccSandboxFault_throttledApplyConverges(t *testing.T) {
	db := testAccSandbox(t)
	faults := `
resource "dr_sandbox_fault" "throttle" {
  type = "transient_errors"
  rate = 0.3
}

resource "dr_sandbox_fault" "slow" {
  type    = "latency"
  latency = "5ms"
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: testAccProvider(db) + faults},
			{
				Config: testAccPairConfig(db, true, `  replication = "running"
  depends_on  = [dr_sandbox_fault.throttle, dr_sandbox_fault.slow]`) + faults,
				ConfigStateChecks: []statecheck.StateCheck{
					pairStatus("replicating"),
					expectAt("dr_sandbox_fault.throttle", "rate", knownvalue.Float64Exact(0.3)),
				},
			},
		},
	})
}

// A first synchronisation whose replication link stalls (link_stall) makes no progress: the
// apply stops at the resource's update timeout, cancels the start on the platform and records
// the state observed (configured, not the plan). Once the fault is destroyed the same
// change converges.
func TestAccSandboxFault_linkStallTimesOut(t *testing.T) {
	db := testAccSandbox(t)
	fault := testAccFault(`  type      = "link_stall"
  kind      = "replication_pair"
  operation = "start"`)
	stalled := testAccPairConfig(db, true, `  replication = "running"
  depends_on  = [dr_sandbox_fault.f]
  timeouts {
    update = "2s"
  }`) + fault
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: append(startTimesOut(db, stalled),
			resource.TestStep{
				// cancelled: back where it was, and the state says so
				Config: testAccPairConfig(db, true, `  replication = "paused"`) + fault,
				ConfigStateChecks: []statecheck.StateCheck{
					pairStatus("configured"),
					expectPair("sync_progress", knownvalue.Int64Exact(0)),
				},
			},
			resource.TestStep{
				// the link is back (fault destroyed): the start converges
				Config:            testAccPairConfig(db, true, `  replication = "running"`),
				ConfigStateChecks: []statecheck.StateCheck{pairStatus("replicating")},
			},
		),
	})
}

// A volume lost out of band makes its pair invalid (DeviceRemoved); a failover of the
// invalid pair (active_site = "secondary") is refused at plan time, before anything is
// touched, by failover's own rule R001-1 (TestAccSandboxFault_volumeLostR001 pins it for both
// goals); the invalid pair can still be destroyed.
func TestAccSandboxFault_volumeLostRefusesFailover(t *testing.T) {
	db := testAccSandbox(t)
	lost := testAccFault(`  type      = "volume_lost"
  object_id = dr_sandbox_volume.b.id`)
	observe := testAccPairConfig(db, false, ``) + lost
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: testAccPairConfig(db, true, `  replication = "running"`)},
			{
				// the production site goes down and the secondary volume is removed
				Config: observe,
			},
			{
				Config: observe,
				ConfigStateChecks: []statecheck.StateCheck{
					pairStatus("invalid"),
					expectPair("last_error", knownvalue.StringRegexp(regexp.MustCompile(`DeviceRemoved`))),
				},
			},
			{
				Config: testAccPairConfig(db, false, `  replication = "paused"
  active_site = "secondary"`) + lost,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)R001-1: dr_replication_pair failover refused.*it is invalid`),
			},
		},
		CheckDestroy: func(*terraform.State) error {
			ps, err := testAccOpenSandbox(t, db).ListPairs(t.Context())
			if err != nil || len(ps) != 0 {
				t.Errorf("after destroy: %d pairs, %v", len(ps), err)
			}
			return nil
		},
	})
}

// What the refusal should be: failover's own rule, R001-1 (failover is refused for a pair
// that is invalid or deleted), whether the configuration asks for active_site alone or with
// replication = "paused": the planner's explanation of an unreachable goal names the
// from-state refusal of each operation that would move the active site (switchover's
// V-PAIR-SWITCH, then failover's R001-1), and a goal that does not name deleted is never
// reached through delete.
func TestAccSandboxFault_volumeLostR001(t *testing.T) {
	db := testAccSandbox(t)
	lost := testAccFault(`  type      = "volume_lost"
  object_id = dr_sandbox_volume.b.id`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: testAccPairConfig(db, true, `  replication = "running"`)},
			{Config: testAccPairConfig(db, false, ``) + lost},
			{
				Config:            testAccPairConfig(db, false, ``) + lost, // refresh: the pair is invalid now
				ConfigStateChecks: []statecheck.StateCheck{pairStatus("invalid")},
			},
			{
				Config:      testAccPairConfig(db, false, `  active_site = "secondary"`) + lost,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)R001-1.*invalid`),
			},
			{
				Config: testAccPairConfig(db, false, `  replication = "paused"
  active_site = "secondary"`) + lost,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)R001-1.*invalid`),
			},
		},
	})
}

// A group whose protection was never enabled cannot be enabled and then failed over while its
// source site is down: the first synchronisation needs the source, so enable_protection never
// completes; the apply fails with the platform's words (error-starting … site … is down) once
// the platform gives up, and nothing was failed over.
func TestAccProtectionGroup_neverProtectedSourceDown(t *testing.T) {
	db := testAccSandbox(t)
	cfg := func(prodHealthy bool, attrs string) string {
		return testAccGroupConfig(db, groupCfg{prodHealthy: prodHealthy, pairs: true, webPower: "stopped", attrs: attrs})
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            cfg(true, ""),
				ConfigStateChecks: []statecheck.StateCheck{expectGroup("status", knownvalue.StringExact("configured"))},
			},
			{Config: cfg(false, "")},
			{
				// enable_protection → failover would report failed_over with no data at the DR
				// site: the plan refuses (V-SYNC-SITES); the sandbox's stall (its unit tests)
				// is what an apply would meet if the site went down mid-synchronisation
				Config:      cfg(false, disabledTarget),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`V-SYNC-SITES: dr_protection_group failover refused`),
			},
			{Config: cfg(true, "")}, // the site returns (plan-time checks see the platform as it is now)
			{
				// then protection is enabled by the configuration
				Config:            cfg(true, enabledSource),
				ConfigStateChecks: []statecheck.StateCheck{expectGroup("status", knownvalue.StringExact("replicating"))},
			},
		},
	})
}

// noInventory is a test platform without the sandbox's inventory (as every vendor platform).
type noInventory struct{ platform.Platform }

// Every dr_sandbox_* resource is refused at plan on a platform other than the sandbox.
func TestSandboxResourcesRefusedAtPlanElsewhere(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	e := newActionEnv(t)
	data := newProviderData(noInventory{e.sb}, "test", time.Millisecond, 1)
	for _, ctor := range resourceConstructors {
		r := ctor()
		var md fwresource.MetadataResponse
		r.Metadata(ctx, fwresource.MetadataRequest{ProviderTypeName: "dr"}, &md)
		if !strings.HasPrefix(md.TypeName, "dr_sandbox_") {
			continue
		}
		t.Run(md.TypeName, func(t *testing.T) {
			r.(fwresource.ResourceWithConfigure).Configure(ctx, fwresource.ConfigureRequest{ProviderData: data}, &fwresource.ConfigureResponse{})
			var sr fwresource.SchemaResponse
			r.Schema(ctx, fwresource.SchemaRequest{}, &sr)
			typ := sr.Schema.Type().TerraformType(ctx).(tftypes.Object)
			vals := map[string]tftypes.Value{}
			for k, at := range typ.AttributeTypes {
				vals[k] = tftypes.NewValue(at, nil)
			}
			raw := tftypes.NewValue(typ, vals)
			req := fwresource.ModifyPlanRequest{
				Config: tfsdk.Config{Schema: sr.Schema, Raw: raw},
				Plan:   tfsdk.Plan{Schema: sr.Schema, Raw: raw},
				State:  tfsdk.State{Schema: sr.Schema, Raw: tftypes.NewValue(typ, nil)},
			}
			resp := fwresource.ModifyPlanResponse{Plan: req.Plan}
			mp, ok := r.(fwresource.ResourceWithModifyPlan)
			if !ok {
				t.Fatal("no ModifyPlan: refused only at apply")
			}
			mp.ModifyPlan(ctx, req, &resp)
			if !resp.Diagnostics.HasError() || !strings.Contains(resp.Diagnostics.Errors()[0].Summary(), "works only on the sandbox platform") {
				t.Fatalf("want a plan-time refusal, got %v", resp.Diagnostics)
			}
		})
	}
}
