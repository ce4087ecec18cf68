package examplestest

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// quickstartResources is examples/quickstart/main.tf without its outputs. The outputs are
// for reading the story, not part of it, and they lag one refresh behind what the platform
// did during an apply (the web server's power state after the failover), so they would make
// the plan after each step non-empty for a reason that is not the provider's.
func quickstartResources(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(examplesRoot, "quickstart", "main.tf"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := string(b)
	i := strings.Index(cfg, "\noutput \"")
	if i < 0 {
		t.Fatal("examples/quickstart/main.tf has no outputs at its end")
	}
	if rest := cfg[i:]; regexp.MustCompile(`(?m)^(resource|data|variable|module) "`).MatchString(rest) {
		t.Fatal("examples/quickstart/main.tf declares something after its outputs")
	}
	if strings.Contains(cfg, "power_state") && regexp.MustCompile(`(?m)^\s*power_state\s*=`).MatchString(cfg[:i]) {
		t.Fatal("the quickstart sets power_state; its story is about leaving it to the platform")
	}
	return cfg[:i]
}

// storyBudget: the story is 15 Terraform runs (each apply followed by two plans), about
// 30 s on a loaded machine on the default clock; at time_scale 1 its first sync alone takes
// over 5 minutes.
const storyBudget = 120 * time.Second

func vars(kv ...string) config.Variables {
	out := config.Variables{}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = config.StringVariable(kv[i+1])
	}
	return out
}

// TestAccQuickstartStory runs the story of examples/quickstart/story.sh (make demo) through
// the acceptance-test harness, on the default clock, with dr_sandbox_server.web's
// power_state omitted: the failover stops the web server at the production site, and the
// next plan is empty — Terraform does not try to start a server at a site that is down.
// Every step also plans empty after its apply (the harness checks it).
func TestAccQuickstartStory(t *testing.T) {
	onDefaultClock(t)
	t.Parallel()
	db := newDB(t)
	cfg := rootModule(t, db, quickstartResources(t))
	web := func(power string) statecheck.StateCheck {
		return statecheck.ExpectKnownValue("dr_sandbox_server.web", tfjsonpath.New("power_state"), knownvalue.StringExact(power))
	}
	group := func(status, active string) []statecheck.StateCheck {
		return []statecheck.StateCheck{
			statecheck.ExpectKnownValue("dr_protection_group.app", tfjsonpath.New("status"), knownvalue.StringExact(status)),
			statecheck.ExpectKnownValue("dr_protection_group.app", tfjsonpath.New("active_site"), knownvalue.StringExact(active)),
		}
	}
	// the story's step 6b sets power_state for one apply (story.sh uses an override file)
	webBlock := "resource \"dr_sandbox_server\" \"web\" {\n  name    = \"web\"\n  site_id = dr_sandbox_site.prod.id\n"
	if !strings.Contains(cfg, webBlock) {
		t.Fatal("the quickstart's web server block changed; update this test")
	}
	startWeb := strings.Replace(cfg, webBlock, webBlock+"  power_state = \"running\"\n", 1)
	noServerChange := []plancheck.PlanCheck{plancheck.ExpectResourceAction("dr_sandbox_server.web", plancheck.ResourceActionNoop)}
	down := vars("source_site_healthy", "false")
	failedOver := vars("source_site_healthy", "false", "protection", "disabled", "active_site", "target")

	within(t, "quickstart story", storyBudget, func() {
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: factories,
			Steps: []resource.TestStep{
				// 1. set up: the web server starts running (the platform's default)
				{Config: cfg, ConfigStateChecks: append(group("replicating", "source"), web("running"))},
				// 2. outage of the production site
				{Config: cfg, ConfigVariables: down},
				// 3. failover: the platform stops the web server; the plan after the apply
				// (refreshed) must not start it again
				{
					Config: cfg, ConfigVariables: failedOver,
					ConfigPlanChecks: resource.ConfigPlanChecks{
						PreApply:             noServerChange,
						PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
					},
				},
				// 3a. the next run sees the stopped server and changes nothing
				{
					Config: cfg, ConfigVariables: failedOver,
					ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
					ConfigStateChecks: append(group("failed_over", "target"), web("stopped")),
				},
				// 3b. reprotect while the production site is down is refused at plan (R000-2)
				{
					Config: cfg, ConfigVariables: vars("source_site_healthy", "false", "active_site", "target"),
					PlanOnly: true, ExpectError: regexp.MustCompile(`R000-2`),
				},
				// 4. the production site is restored
				{Config: cfg, ConfigVariables: vars("protection", "disabled", "active_site", "target"), ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: noServerChange}},
				// 5. reprotect (R000-4: the restored site's servers are stopped — by the failover)
				{Config: cfg, ConfigVariables: vars("active_site", "target"), ConfigStateChecks: append(group("replicating", "target"), web("stopped"))},
				// 6. fail back with a planned failover (the DR twin was never started)
				{Config: cfg, ConfigStateChecks: append(group("replicating", "source"), web("stopped"))},
				// 6b. start the web server: power_state set for one apply …
				{Config: startWeb, ConfigStateChecks: []statecheck.StateCheck{web("running")}},
				// … then left to the platform again: nothing to change
				{
					Config:            cfg,
					ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
					ConfigStateChecks: []statecheck.StateCheck{web("running")},
				},
				// 7. the database pair: fail over, reprotect, switch back
				{Config: cfg, ConfigVariables: vars("db_active_site", "secondary", "db_replication", "paused")},
				{Config: cfg, ConfigVariables: vars("db_active_site", "secondary")},
				{Config: cfg, ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("dr_replication_pair.db", tfjsonpath.New("active_site"), knownvalue.StringExact("primary")),
				}},
				// 8. a recovery-server drill: test failover, then back to standby
				{Config: cfg, ConfigVariables: vars("recovery_mode", "test_failover")},
				{Config: cfg, ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("dr_recovery_server.web", tfjsonpath.New("status"), knownvalue.StringExact("standby")),
				}},
			},
		})
	})
}
