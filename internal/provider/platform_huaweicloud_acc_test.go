package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	hwemu "github.com/dr-provider/terraform-provider-dr/internal/emulator/huaweicloud"
	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/huaweicloud"
)

// The quickstart's group story on the huaweicloud platform, through the Terraform CLI against
// the SDRS emulator (in process, on the wall clock at the acceptance time scale): protect a
// server (SDRS creates its DR twin and a pair for its disk), enable protection, an outage of
// the production AZ (emulator backdoor), failover, refusals at plan naming their rules (R002-1;
// R000-2: reprotect while the AZ is down, from ECS's AZ availability), the AZ restored,
// reprotect, a planned failover back to the original production AZ, disable protection;
// destroy unprotects the server and deletes the group.
// hwGroupWorld starts the SDRS emulator with two AZs and a running server with an attached
// disk; group(attrs) is the configuration of a group protecting it.
type hwGroupWorld struct {
	url      string
	vpc      string // the production VPC (source_vpc_id); the AZs have one active-active domain
	drServer string // a server at the DR AZ
	sb       *hwemu.Backdoor
	prod     platform.Site
	web      platform.Server
	group    func(attrs string) string
}

// hwGroupHCL is the dr_protection_group label (named label) between the emulator's two AZs of
// cn-north-4, production in vpc; attrs are further lines.
func hwGroupHCL(label, vpc string, attrs ...string) string {
	return fmt.Sprintf(`
resource "dr_protection_group" %[1]q {
  name          = %[1]q
  source_region = "cn-north-4"
  source_zone   = "cn-north-4a"
  target_region = "cn-north-4"
  target_zone   = "cn-north-4b"
  source_vpc_id = %[2]q
%[3]s
}
`, label, vpc, strings.Join(attrs, "\n"))
}

func newHWGroupWorld(t *testing.T) hwGroupWorld {
	t.Helper()
	t.Setenv(EnvPollInterval, "20ms")
	emu := hwemu.Start(t, false, accTimeScale)
	ctx := t.Context()
	sb := emu.Backdoor()
	prod, err := sb.PutSite(ctx, platform.Site{Region: "cn-north-4", Zone: "cn-north-4a", Healthy: true, ReplicationCapable: true})
	if err != nil {
		t.Fatal(err)
	}
	dr, err := sb.PutSite(ctx, platform.Site{Region: "cn-north-4", Zone: "cn-north-4b", Healthy: true, ReplicationCapable: true})
	if err != nil {
		t.Fatal(err)
	}
	drServer, err := sb.PutServer(ctx, platform.Server{SiteID: dr.ID, Name: "dr-host", PowerState: platform.PowerStopped})
	if err != nil {
		t.Fatal(err)
	}
	web, err := sb.PutServer(ctx, platform.Server{SiteID: prod.ID, Name: "web", PowerState: platform.PowerRunning, IP: "192.168.0.10"})
	if err != nil {
		t.Fatal(err)
	}
	disk, err := sb.PutVolume(ctx, platform.Volume{SiteID: prod.ID, SizeGB: 10})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sb.AttachVolume(ctx, disk.ID, web.ID); err != nil {
		t.Fatal(err)
	}
	sb.PutDomain("az-a-b", "cn-north-4a", "cn-north-4b")
	vpc := sb.PutVPC("prod")
	provider := hwEmulatorProvider(emu.URL)
	group := func(attrs string) string {
		return provider + hwGroupHCL("empty", vpc, "  server_ids    = []") +
			hwGroupHCL("app", vpc, fmt.Sprintf("  server_ids    = [%q]", web.ID), attrs)
	}
	return hwGroupWorld{url: emu.URL, vpc: vpc, drServer: drServer.ID, sb: sb, prod: prod, web: web, group: group}
}

// failedEnable is the start of a failed-enable story: the group applied, then its
// enable_protection failing on SDRS (the emulator's next one fails) and the apply failing with
// expect.
func (w hwGroupWorld) failedEnable(t *testing.T, expect string) []resource.TestStep {
	return []resource.TestStep{
		{Config: w.group("")},
		{
			PreConfig: func() {
				if err := w.sb.FailNext(t.Context(), lifecycle.ProtectionGroup, lifecycle.OpEnableProtection, 1); err != nil {
					t.Fatal(err)
				}
			},
			Config:      w.group(`  protection = "enabled"`),
			ExpectError: regexp.MustCompile(expect),
		},
	}
}

func TestAccHuaweiCloud_protectionGroupStory(t *testing.T) {
	w := newHWGroupWorld(t)
	ctx := t.Context()
	sb, prod, web, group := w.sb, w.prod, w.web, w.group
	app := "dr_protection_group.app"
	status := func(s string) statecheck.StateCheck {
		return expectAt(app, "status", knownvalue.StringExact(s))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		// destroy: the server is unprotected (its twin kept) and both groups are deleted on SDRS
		CheckDestroy: func(*terraform.State) error {
			gs, err := sb.ListGroups(ctx)
			if err != nil {
				return err
			}
			for _, g := range gs {
				if !lifecycle.Gone(lifecycle.ProtectionGroup, g.State) {
					return fmt.Errorf("group %s (%s) still exists after destroy: %s", g.Name, g.ID, g.State)
				}
			}
			if srv, err := sb.GetServer(ctx, web.ID); err != nil {
				return fmt.Errorf("the production server is gone after destroy: %v", err)
			} else if srv.ID != web.ID {
				return fmt.Errorf("server %s read back as %s", web.ID, srv.ID)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{Config: group(""), ConfigStateChecks: []statecheck.StateCheck{status("configured"),
				expectAt(app, "dr_servers", knownvalue.StringExact(web.ID), 0, "server_id")}},
			{ // a server at the DR AZ cannot be protected (SDRS.1304): refused at plan, from ECS's AZ
				Config:      strings.Replace(group(""), fmt.Sprintf("[%q]", web.ID), fmt.Sprintf("[%q, %q]", web.ID, w.drServer), 1),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`V-GRP-MEMBERS`),
			},
			{Config: group(`  protection = "enabled"`), ConfigStateChecks: []statecheck.StateCheck{status("replicating"),
				expectAt(app, "active_site", knownvalue.StringExact("source")),
				expectAt(app, "replication_pair_ids", knownvalue.SetSizeExact(1))}},
			{
				PreConfig: func() {
					if _, err := sb.SetSiteHealth(ctx, prod.ID, false); err != nil {
						t.Fatal(err)
					}
				},
				Config: group("  protection      = \"disabled\"\n  active_site     = \"target\"\n  allow_data_loss = true"),
				ConfigStateChecks: []statecheck.StateCheck{status("failed_over"),
					expectAt(app, "active_site", knownvalue.StringExact("target")),
					// R002-5: the production server's address moved to its DR-site twin (read from ECS)
					expectAt(app, "dr_servers", knownvalue.StringExact("192.168.0.10"), 0, "twin_ip")},
			},
			{
				Config: strings.Replace(group("  protection      = \"disabled\"\n  active_site     = \"target\"\n  allow_data_loss = true"),
					"server_ids    = []\n", "server_ids    = []\n  protection    = \"enabled\"\n", 1),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`R002-1`),
			},
			{ // reprotect while the production AZ is still down: refused at plan (ECS reports the AZ unavailable)
				Config:      group("  protection      = \"enabled\"\n  active_site     = \"target\"\n  allow_data_loss = true"),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`R000-2`),
			},
			{
				PreConfig: func() {
					if _, err := sb.SetSiteHealth(ctx, prod.ID, true); err != nil {
						t.Fatal(err)
					}
				},
				Config: group("  protection      = \"enabled\"\n  active_site     = \"target\"\n  allow_data_loss = true"),
				ConfigStateChecks: []statecheck.StateCheck{status("replicating"),
					expectAt(app, "active_site", knownvalue.StringExact("target"))},
			},
			{ // planned failover back to the original production AZ, both AZs healthy (R000-6)
				Config: group("  protection      = \"enabled\"\n  active_site     = \"source\""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					planAt(app, "active_site", knownvalue.StringExact("source"))}},
				ConfigStateChecks: []statecheck.StateCheck{status("replicating"),
					expectAt(app, "active_site", knownvalue.StringExact("source")),
					// the addresses are back on the production server, not on its twin
					expectAt(app, "dr_servers", knownvalue.StringExact(""), 0, "twin_ip")},
			},
			{Config: group("  protection      = \"disabled\"\n  active_site     = \"source\""),
				ConfigStateChecks: []statecheck.StateCheck{status("paused")}},
		},
	})
}

// hwEastProject is the account's project in cn-east-3 in the CBR tests (a project ID is per
// region; cn-north-4's is hwemu.TestProjectID, the provider's project_id).
const hwEastProject = "e0b97bac532c4c5196fa4b3a32253be4"

// CBR replicas on the huaweicloud platform through the Terraform CLI against the emulator:
// a disk backup is refused at plan (R003-1, from the backup CBR reports), a server backup is
// replicated to the other region (in that region's project) and its replica deleted on destroy;
// a second replica to the region is refused at plan (R003-7).
// startHWCBR starts the CBR emulator with a healthy site at cn-north-4 (src, returned) and one at
// cn-east-3, whose project is hwEastProject.
func startHWCBR(t *testing.T) (*hwemu.Server, *hwemu.Backdoor, platform.Site) {
	t.Helper()
	t.Setenv(EnvPollInterval, "20ms")
	emu := hwemu.Start(t, false, accTimeScale)
	ctx := t.Context()
	sb := emu.Backdoor()
	sb.SetRegionProject("cn-east-3", hwEastProject)
	src, err := sb.PutSite(ctx, platform.Site{Region: "cn-north-4", Zone: "cn-north-4a", Healthy: true, ReplicationCapable: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sb.PutSite(ctx, platform.Site{Region: "cn-east-3", Zone: "cn-east-3a", Healthy: true, ReplicationCapable: true}); err != nil {
		t.Fatal(err)
	}
	return emu, sb, src
}

// hwCBRProvider is the provider block of the CBR emulator emu, with further lines extra.
func hwCBRProvider(emu *hwemu.Server, extra ...string) string {
	return fmt.Sprintf(`
provider "dr" {
  huaweicloud {
    access_key   = %q
    secret_key   = %q
    region       = "cn-north-4"
    project_id   = %q
    cbr_endpoint = %q
%s
  }
}
`, hwemu.TestAccessKey, hwemu.TestSecretKey, hwemu.TestProjectID, emu.URL, strings.Join(extra, "\n"))
}

func TestAccHuaweiCloud_backupReplica(t *testing.T) {
	emu, sb, src := startHWCBR(t)
	ctx := t.Context()
	web, err := sb.PutServer(ctx, platform.Server{SiteID: src.ID, Name: "web", PowerState: platform.PowerRunning})
	if err != nil {
		t.Fatal(err)
	}
	bv, _ := sb.PutVault(ctx, platform.Vault{Region: "cn-north-4", Purpose: platform.VaultBackup})
	rv, _ := sb.PutVault(ctx, platform.Vault{Region: "cn-east-3", Purpose: platform.VaultReplication})
	server, err := sb.PutBackup(ctx, platform.Backup{Kind: platform.BackupKindServer, SourceID: web.ID, IncludesSystemDisk: true,
		Status: platform.BackupAvailable, Region: "cn-north-4", VaultID: bv.ID, SizeGB: 1})
	if err != nil {
		t.Fatal(err)
	}
	disk, err := sb.PutBackup(ctx, platform.Backup{Kind: platform.BackupKindDisk, SourceID: "vol-1", Status: platform.BackupAvailable,
		Region: "cn-north-4", VaultID: bv.ID, SizeGB: 1})
	if err != nil {
		t.Fatal(err)
	}
	cfg := func(backup string) string {
		return hwCBRProvider(emu) + fmt.Sprintf(`
resource "dr_backup_replica" "web" {
  backup_id              = %q
  destination_region     = "cn-east-3"
  destination_project_id = %q
  destination_vault_id   = %q
  name                   = "web_replica"
}
`, backup, hwEastProject, rv.ID)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg(disk.ID), PlanOnly: true, ExpectError: regexp.MustCompile(`R003-1`)},
			{Config: cfg(server.ID), ConfigStateChecks: []statecheck.StateCheck{
				expectAt("dr_backup_replica.web", "status", knownvalue.StringExact("available")),
				expectAt("dr_backup_replica.web", "replica_backup_id", knownvalue.NotNull()),
				expectAt("dr_backup_replica.web", "destination_project_id", knownvalue.StringExact(hwEastProject)),
			}},
			{ // a second replica of the backup to the same region (R003-7), a replica of the replica (R003-6)
				Config: cfg(server.ID) + fmt.Sprintf(`
resource "dr_backup_replica" "again" {
  backup_id              = %q
  destination_region     = "cn-east-3"
  destination_project_id = %q
  destination_vault_id   = %q
  name                   = "web_replica_2"
}
`, server.ID, hwEastProject, rv.ID),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`R003-7`),
			},
			{
				// the replica is a backup of cn-east-3, in that region's project: from cn-north-4 it
				// is not there to replicate (a replica of a replica, R003-6, is refused at plan in
				// TestAccHuaweiCloud_replicaRulesAtPlan)
				Config: cfg(server.ID) + fmt.Sprintf(`
resource "dr_backup_replica" "chain" {
  backup_id            = dr_backup_replica.web.replica_backup_id
  destination_region   = "cn-north-4"
  destination_vault_id = %q
  name                 = "web_replica_back"
}
`, bv.ID),
				ExpectError: regexp.MustCompile(`(?s)R003-3.*the\s+source\s+backup\s+does\s+not\s+exist`),
			},
		},
	})
}

// A failed SDRS job ends in error{op} and the apply fails naming it; the next apply retries the
// operation, with 30% of the API calls throttled (APIGW.0308), and converges.
func TestAccHuaweiCloud_failedJobRetriedUnderThrottling(t *testing.T) {
	w := newHWGroupWorld(t)
	ctx := t.Context()
	app := "dr_protection_group.app"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: append(w.failedEnable(t, `(?s)error\{enable_protection\}.*SDRS\.1027|(?s)SDRS\.1027.*error\{enable_protection\}`),
			resource.TestStep{
				PreConfig: func() {
					if err := w.sb.SetTransientErrorRate(ctx, 0.3); err != nil {
						t.Fatal(err)
					}
				},
				Config: w.group(`  protection = "enabled"`),
				ConfigStateChecks: []statecheck.StateCheck{
					expectAt(app, "status", knownvalue.StringExact("replicating"))},
			},
			resource.TestStep{
				PreConfig: func() {
					if err := w.sb.SetTransientErrorRate(ctx, 0); err != nil {
						t.Fatal(err)
					}
				},
				Config: w.group(`  protection = "disabled"`),
			},
		),
	})
}

// examples/huaweicloud/main.tf applied against the emulator, its credentials and endpoints
// from the HW_* environment variables: protect, fail over after an outage, reprotect.
func TestAccHuaweiCloud_example(t *testing.T) {
	w := newHWGroupWorld(t) // the SDRS world; the example's provider block reads the environment
	ctx := t.Context()
	b, err := os.ReadFile(filepath.Join("..", "..", "examples", "huaweicloud", "main.tf"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := string(b)
	cfg = cfg[strings.Index(cfg, "provider \"dr\""):] // the harness supplies the provider (no required_providers)
	if i := strings.Index(cfg, "\noutput \""); i > 0 {
		cfg = cfg[:i] // outputs lag one refresh behind (see the quickstart's story test)
	}
	for k, v := range map[string]string{"HW_ACCESS_KEY": hwemu.TestAccessKey, "HW_SECRET_KEY": hwemu.TestSecretKey,
		"HW_REGION_NAME": "cn-north-4", "HW_PROJECT_ID": hwemu.TestProjectID,
		"HW_SDRS_ENDPOINT": w.url, "HW_ECS_ENDPOINT": w.url, "HW_CBR_ENDPOINT": w.url,
		"HW_REGION_PROJECT_IDS": "cn-east-3=" + hwEastProject} {
		t.Setenv(k, v)
	}
	if _, err := w.sb.PutSite(ctx, platform.Site{Region: "cn-east-3", Zone: "cn-east-3a", Healthy: true, ReplicationCapable: true}); err != nil {
		t.Fatal(err)
	}
	w.sb.SetRegionProject("cn-east-3", hwEastProject)
	bv, _ := w.sb.PutVault(ctx, platform.Vault{Region: "cn-north-4", Purpose: platform.VaultBackup})
	rv, _ := w.sb.PutVault(ctx, platform.Vault{Region: "cn-east-3", Purpose: platform.VaultReplication})
	backup, err := w.sb.PutBackup(ctx, platform.Backup{Kind: platform.BackupKindServer, SourceID: w.web.ID, IncludesSystemDisk: true,
		Status: platform.BackupAvailable, Region: "cn-north-4", VaultID: bv.ID, SizeGB: 1})
	if err != nil {
		t.Fatal(err)
	}
	vars := func(kv ...string) config.Variables {
		out := config.Variables{"region": config.StringVariable("cn-north-4"), "production_az": config.StringVariable("cn-north-4a"),
			"dr_az": config.StringVariable("cn-north-4b"), "vpc_id": config.StringVariable(w.vpc), "server_ids": config.ListVariable(config.StringVariable(w.web.ID)),
			"backup_id": config.StringVariable(backup.ID), "replica_region": config.StringVariable("cn-east-3"),
			"replica_vault_id": config.StringVariable(rv.ID)}
		for i := 0; i+1 < len(kv); i += 2 {
			if kv[i] == "allow_data_loss" {
				out[kv[i]] = config.BoolVariable(kv[i+1] == "true")
				continue
			}
			out[kv[i]] = config.StringVariable(kv[i+1])
		}
		return out
	}
	status := func(s string) statecheck.StateCheck {
		return expectAt("dr_protection_group.app", "status", knownvalue.StringExact(s))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg, ConfigVariables: vars(), ConfigStateChecks: []statecheck.StateCheck{status("configured"),
				expectAt("dr_backup_replica.app", "status", knownvalue.StringExact("available"))}},
			{Config: cfg, ConfigVariables: vars("protection", "enabled"), ConfigStateChecks: []statecheck.StateCheck{status("replicating")}},
			{
				PreConfig: func() {
					if _, err := w.sb.SetSiteHealth(ctx, w.prod.ID, false); err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg, ConfigVariables: vars("active_site", "target", "protection", "disabled", "allow_data_loss", "true"),
				ConfigStateChecks: []statecheck.StateCheck{status("failed_over")},
			},
			{
				PreConfig: func() {
					if _, err := w.sb.SetSiteHealth(ctx, w.prod.ID, true); err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg, ConfigVariables: vars("active_site", "target", "protection", "enabled", "allow_data_loss", "true"),
				ConfigStateChecks: []statecheck.StateCheck{status("replicating")},
			},
			{Config: cfg, ConfigVariables: vars("active_site", "target", "protection", "disabled")},
		},
	})
}

// Creating an SDRS protection group needs the production VPC and an active-active domain
// (Creating a Protection Group): through the CLI, a group without source_vpc_id, with a VPC
// or domain that does not exist, or without domain_id while the project has two domains
// between the AZs is refused at plan, at the attribute (V-PARAMS, V-REFS); with exactly one
// domain it is used and reported. On the sandbox, which has no such parameters, setting one is
// refused at plan too (not silently ignored).
func TestAccHuaweiCloud_groupCreateParams(t *testing.T) {
	w := newHWGroupWorld(t)
	app := "dr_protection_group.app"
	only := func(cfg string) string { // the app group alone (the world's "empty" group removed)
		i, j := strings.Index(cfg, `resource "dr_protection_group" "empty"`), strings.Index(cfg, `resource "dr_protection_group" "app"`)
		return cfg[:i] + cfg[j:]
	}
	vpcLine := fmt.Sprintf("  source_vpc_id = %q\n", w.vpc)
	noVPC := strings.Replace(only(w.group("")), vpcLine, "", 1)
	badVPC := strings.Replace(only(w.group("")), vpcLine, "  source_vpc_id = \"vpc-missing\"\n", 1)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: noVPC, PlanOnly: true, ExpectError: regexp.MustCompile(`(?s)V-PARAMS:\s+dr_protection_group\s+create\s+refused.*source_vpc_id\s+is\s+required\s+on\s+the\s+huaweicloud\s+platform`)},
			{Config: badVPC, PlanOnly: true, ExpectError: regexp.MustCompile(`(?s)V-REFS:\s+dr_protection_group\s+create\s+refused.*source_vpc_id\s+"vpc-missing"\s+does\s+not\s+exist`)},
			{Config: only(w.group(`  domain_id = "domain-missing"`)), PlanOnly: true, ExpectError: regexp.MustCompile(`(?s)V-REFS.*domain_id\s+"domain-missing`)},
			{ // exactly one domain between the AZs: used, and reported
				Config: only(w.group("")),
				ConfigStateChecks: []statecheck.StateCheck{
					expectAt(app, "domain_id", knownvalue.StringRegexp(regexp.MustCompile(`^domain-`))),
					expectAt(app, "source_vpc_id", knownvalue.StringExact(w.vpc)),
				},
			},
			{ // a second domain between the AZs: a new group must name one
				PreConfig:   func() { w.sb.PutDomain("second", "cn-north-4b", "cn-north-4a") },
				Config:      only(w.group("")) + hwGroupHCL("app2", w.vpc),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)V-PARAMS.*domain_id\s+is\s+required\s+on\s+the\s+huaweicloud\s+platform:\s+the\s+project\s+has\s+2\s+active-active\s+domains`),
			},
		},
	})
}

func TestAccSandbox_groupVendorParamsRefused(t *testing.T) {
	sandboxRefusesParam(t, "dr_protection_group", "create", "domain_id", `
resource "dr_protection_group" "g" {
  name          = "g"
  source_region = "cn-shanghai"
  source_zone   = "cn-shanghai-a"
  target_region = "cn-shanghai"
  target_zone   = "cn-shanghai-b"
  domain_id     = "domain-1"
}
`)
}

// sandboxRefusesParam plans hcl, a typ on the sandbox that sets a Huawei-only param: the
// sandbox refuses op at plan, naming the parameter (V-PARAMS).
func sandboxRefusesParam(t *testing.T, typ, op, param, hcl string) {
	t.Helper()
	want := regexp.MustCompile(`(?s)V-PARAMS:\s+` + typ + `\s+` + op + `\s+refused.*` + param + `\s+is\s+not\s+a\s+parameter\s+of\s+the\s+sandbox\s+platform`)
	resource.ParallelTest(t, refusedPlanCase(testAccProvider(testAccSandbox(t))+hcl, want))
}

// Every CBR replication rule (seed 003, R003-1 … R003-11) is refused at plan through the CLI
// against the emulator, naming its rule, from what CBR reports: the source backup (Querying a
// Specified Backup), the regions' capabilities (Querying Replication Capabilities) and the
// destination vault read at the destination region's own endpoint (Querying a Specified
// Vault). R003-8 (policy-based replication only once per region) cannot be reached from a
// configuration: dr_backup_replica requests manual replications only (CBR policies are not
// managed by this provider; the driver refuses a policy request, TestReplicaFailureAndRefusals
// in the driver), so it has no row.
const hwSouthProject = "5a0c1e2d3f4b45a6b7c8d9e0f1a2b3c4"

func TestAccHuaweiCloud_replicaRulesAtPlan(t *testing.T) {
	emu := hwemu.Start(t, false, accTimeScale)
	ctx := t.Context()
	sb := emu.Backdoor()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range []platform.Site{
		{Region: "cn-north-4", Zone: "cn-north-4a", Healthy: true, ReplicationCapable: true},
		{Region: "cn-east-3", Zone: "cn-east-3a", Healthy: true, ReplicationCapable: true},
		{Region: "cn-south-1", Zone: "cn-south-1a", Healthy: true, ReplicationCapable: false},
	} {
		_, err := sb.PutSite(ctx, s)
		must(err)
	}
	vault := func(region, purpose string) string {
		v, err := sb.PutVault(ctx, platform.Vault{Region: region, Purpose: purpose})
		must(err)
		return v.ID
	}
	sb.SetRegionProject("cn-east-3", hwEastProject)
	sb.SetRegionProject("cn-south-1", hwSouthProject)
	bv, rv := vault("cn-north-4", platform.VaultBackup), vault("cn-east-3", platform.VaultReplication)
	eastBackupVault, northReplicationVault, southVault := vault("cn-east-3", platform.VaultBackup),
		vault("cn-north-4", platform.VaultReplication), vault("cn-south-1", platform.VaultReplication)
	backup := func(b platform.Backup) string {
		b.Region, b.VaultID, b.SizeGB = "cn-north-4", bv, 1
		if b.Kind == "" {
			b.Kind, b.SourceID, b.IncludesSystemDisk = platform.BackupKindServer, "srv-1", true
		}
		out, err := sb.PutBackup(ctx, b)
		must(err)
		return out.ID
	}
	good := backup(platform.Backup{})
	replicated := backup(platform.Backup{})
	_, err := sb.CreateReplica(ctx, platform.ReplicaSpec{BackupID: replicated, DestinationRegion: "cn-east-3", DestinationVaultID: rv, Name: "first"}, "")
	must(err)
	aReplica := backup(platform.Backup{IsReplica: true, SourceBackupID: good})
	provider := hwCBRProvider(emu, fmt.Sprintf(`    cbr_region_endpoints = "cn-east-3=%s"
    region_project_ids   = "cn-east-3=%s, cn-south-1=%s"`, emu.RegionURL("cn-east-3"), hwEastProject, hwSouthProject))
	replica := func(backupID, region, vaultID, extra string) string {
		return provider + fmt.Sprintf(`
resource "dr_backup_replica" "r" {
  backup_id            = %q
  destination_region   = %q
  destination_vault_id = %q
  name                 = "app_replica"
%s
}
`, backupID, region, vaultID, extra)
	}
	for _, c := range []struct {
		rule, config, want string
	}{
		{"R003-1", replica(backup(platform.Backup{Kind: platform.BackupKindDisk, SourceID: "vol-1"}), "cn-east-3", rv, ""), `cloud disk`},
		{"R003-2", replica(good, "cn-south-1", southVault, ""), `destination region "cn-south-1" does not support replication`},
		{"R003-3", replica("backup-missing", "cn-east-3", rv, ""), `does not exist`},
		{"R003-4", replica(backup(platform.Backup{Kind: platform.BackupKindServer, SourceID: "srv-2"}), "cn-east-3", rv, ""), `no system-disk data`},
		{"R003-5", replica(backup(platform.Backup{Status: platform.BackupCreating}), "cn-east-3", rv, ""), `"protecting"`},
		{"R003-6", replica(aReplica, "cn-east-3", rv, ""), `itself a replica`},
		{"R003-7", replica(replicated, "cn-east-3", rv, ""), `already has a replica in "cn-east-3"`},
		{"R003-9", strings.Replace(replica(good, "cn-east-3", rv, ""), `"app_replica"`, `"app replica!"`, 1), `letters, digits`},
		{"R003-10", replica(good, "cn-east-3", rv, `  description = "`+strings.Repeat("d", 256)+`"`), `255`},
		{"R003-11", replica(good, "cn-east-3", eastBackupVault, ""), `purpose "backup"`},
		{"R003-11", replica(good, "cn-east-3", northReplicationVault, ""), `not in the destination region "cn-east-3"`},
	} {
		t.Run(c.rule+"/"+c.want, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{Config: c.config, PlanOnly: true,
					ExpectError: regexp.MustCompile(`(?s)` + regexp.QuoteMeta(c.rule) + `\b.*` + strings.ReplaceAll(regexp.QuoteMeta(c.want), " ", `\s+`))}},
			})
		})
	}
	// the same configuration with a good backup and vault plans (the rows fail for their reason only)
	t.Run("control", func(t *testing.T) {
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps:                    []resource.TestStep{{Config: replica(good, "cn-east-3", rv, ""), PlanOnly: true, ExpectNonEmptyPlan: true}},
		})
	})
}

// hwProviderServer is the provider over protocol 6 configured with a huaweicloud block
// pointing at the emulator (actions are served there; Terraform < 1.14 cannot invoke them).
//
//lint:ignore SA1019 terraform-plugin-go v0.31 reaches actions only through this interface (toolchain-facts §1)
func hwProviderServer(t *testing.T, url string) (tfprotov6.ProviderServerWithActions, map[string]*tfprotov6.ActionSchema) {
	t.Helper()
	return configuredActionServer(t, vendorProviderConfig(t, "huaweicloud", map[string]string{"access_key": hwemu.TestAccessKey,
		"secret_key": hwemu.TestSecretKey, "region": "cn-north-4", "project_id": hwemu.TestProjectID, "sdrs_endpoint": url, "ecs_endpoint": url}))
}

// Clearing the SDRS task center's failure jobs is a documented operation, on request: a failed
// enable_protection leaves the group error{enable_protection} with a failure job (its reason in
// last_error); dr_protection_group_clear_failure_jobs plans against the platform (an unknown
// failure_job_id is refused at that attribute), its precheck lists the jobs without deleting
// them, the invoke deletes them (Deleting All Failure Tasks of a Protection Group) and the
// group keeps its state; the next apply retries the operation. On the sandbox, which keeps no
// such records, the action is refused at plan (V-PLATFORM).
func TestAccHuaweiCloud_clearFailureJobs(t *testing.T) {
	w := newHWGroupWorld(t)
	ctx := t.Context()
	const typ = "dr_protection_group_clear_failure_jobs"
	app := "dr_protection_group.app"
	drv, err := huaweicloud.New(huaweicloud.Config{AccessKey: hwemu.TestAccessKey, SecretKey: hwemu.TestSecretKey, Region: "cn-north-4",
		ProjectID: hwemu.TestProjectID, SDRSEndpoint: w.url, ECSEndpoint: w.url, ReadCacheTTL: -1})
	if err != nil {
		t.Fatal(err)
	}
	clearJobs := hwClearJobsCheck(t, ctx, drv, w.url, typ)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: append(w.failedEnable(t, `error\{enable_protection\}`),
			resource.TestStep{ // the action, between the failed apply and the next one; then the next apply retries the operation
				PreConfig: func() {
					if err := clearJobs(); err != nil {
						t.Fatal(err)
					}
				},
				Config:            w.group(`  protection = "enabled"`),
				ConfigStateChecks: []statecheck.StateCheck{expectAt(app, "status", knownvalue.StringExact("replicating"))},
			},
			resource.TestStep{Config: w.group(`  protection = "disabled"`)},
		),
	})
	// the sandbox keeps no failure-job records: refused at plan
	e := newActionEnv(t)
	wantRefused(t, "sandbox", e.plan(typ, map[string]any{"id": "g-1"}), "V-PLATFORM", "id")
}

func hwClearJobsCheck(t *testing.T, ctx context.Context, drv *huaweicloud.Platform, url, typ string) func() error {
	return func() error {
		gs, err := drv.ListGroups(ctx)
		if err != nil {
			return err
		}
		id := ""
		for _, g := range gs {
			if g.Name == "app" {
				id = g.ID
			}
		}
		srv, schemas := hwProviderServer(t, url)
		cfg := func(vals map[string]any) *tfprotov6.DynamicValue { return actionValue(t, schemas, typ, vals) }
		jobs, err := drv.ListFailureJobs(ctx, id)
		if err != nil || len(jobs) != 1 || jobs[0].ErrorCode != "SDRS.1027" {
			return fmt.Errorf("failure jobs before: %+v %v", jobs, err)
		}
		// the failure job's reason is what last_error shows (a fresh driver: nothing remembered from the apply)
		if g, err := drv.GetGroup(ctx, id); err != nil || !strings.Contains(g.LastError, "SDRS.1027") {
			return fmt.Errorf("last_error before clearing: %q %v", g.LastError, err)
		}
		wantRefused(t, "unknown job", planAction(t, srv, cfg(map[string]any{"id": id, "failure_job_id": "job-nope"}), typ), "has no failure job", "failure_job_id")
		wantOK(t, "plan", planAction(t, srv, cfg(map[string]any{"id": id}), typ))
		pre := invokeAction(t, srv, cfg(map[string]any{"id": id, "precheck": true}), typ)
		wantOK(t, "precheck", pre.diags)
		if !pre.has(jobs[0].ID) || !pre.has("nothing was changed") {
			return fmt.Errorf("precheck progress: %q", pre.progress)
		}
		if after, _ := drv.ListFailureJobs(ctx, id); len(after) != 1 {
			return fmt.Errorf("the precheck deleted failure jobs: %+v", after)
		}
		res := invokeAction(t, srv, cfg(map[string]any{"id": id}), typ)
		wantOK(t, "invoke", res.diags)
		if !res.has("deleted 1 failure job") || !res.has("error{enable_protection}") {
			return fmt.Errorf("invoke progress: %q", res.progress)
		}
		if after, err := drv.ListFailureJobs(ctx, id); err != nil || len(after) != 0 {
			return fmt.Errorf("failure jobs after: %+v %v", after, err)
		}
		if g, err := drv.GetGroup(ctx, id); err != nil || g.State != lifecycle.Error || g.FailedOp != lifecycle.OpEnableProtection {
			return fmt.Errorf("the group after clearing: %s{%s} %v", g.State, g.FailedOp, err)
		}
		return nil
	}
}

// A standalone dr_replication_pair is not managed on Huawei Cloud (SDRS creates a pair inside a
// protection group, one per disk of a protected server): refused at plan naming the platform
// rule, before anything is touched.
// Creating a dr_replication_pair on SDRS is a manual step (a pair is made in a protection
// group, and SDRS creates its DR-site disk): the plan refuses it with V-PLATFORM naming the
// step, whether the volumes are known at plan or only after apply.
func TestAccHuaweiCloud_replicationPairRefused(t *testing.T) {
	w := newHWGroupWorld(t)
	cfg := w.group("")
	cfg = cfg[:strings.Index(cfg, `resource "dr_protection_group" "empty"`)]
	step := `(?s)V-PLATFORM.*huaweicloud\s+platform\s+cannot\s+invoke\s+create.*protect\s+the\s+server\s+with\s+dr_protection_group.server_ids.*Creating\s+a\s+Replication\s+Pair.*then\s+import\s+it`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg + `
resource "dr_replication_pair" "p" {
  name                = "data"
  primary_volume_id   = "vol-a"
  secondary_volume_id = "vol-b"
}
`, PlanOnly: true, ExpectError: regexp.MustCompile(step)},
			{Config: cfg + `
resource "terraform_data" "vols" {
  input = ["vol-a", "vol-b"]
}
resource "dr_replication_pair" "p" {
  name                = "data"
  primary_volume_id   = terraform_data.vols.output[0]
  secondary_volume_id = terraform_data.vols.output[1]
}
`, PlanOnly: true, ExpectError: regexp.MustCompile(step)},
		},
	})
}

// After a failed enable, a configuration without `protection` (observe only) still leaves
// error{enable_protection}: the next apply retries the failed operation, and the plan marks
// what the retry changes (status, health, last_error, …) as known after apply, so the apply's
// result agrees with the plan (no "Provider produced inconsistent result").
func TestAccHuaweiCloud_failedEnableRetriedWithoutDesiredState(t *testing.T) {
	w := newHWGroupWorld(t)
	app := "dr_protection_group.app"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: append(w.failedEnable(t, `error\{enable_protection\}`),
			resource.TestStep{
				Config: w.group(""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					planAt(app, "planned_operations", knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("enable_protection")})),
					unknownAt(app, "last_error"),
					unknownAt(app, "health"),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					expectAt(app, "status", knownvalue.StringExact("replicating")),
					expectAt(app, "last_error", knownvalue.Null()),
				},
			},
			resource.TestStep{Config: w.group(`  protection = "disabled"`)},
		),
	})
}

// A replica's destination project is the destination region's (Replicating a Backup:
// destination_project_id; a project ID is per region), through the CLI against the emulator,
// whose cn-east-3 has its own project: without destination_project_id or a region_project_ids
// entry the replica is refused at plan at that attribute, naming the provider setting
// (V-PARAMS) — the provider's project_id (cn-north-4's) is never sent for cn-east-3; the
// provider's project_id named for cn-east-3 is refused at plan too (CBR at cn-east-3 does
// not serve it); the provider's region_project_ids supplies it (and the replica reports it);
// the same value named in the configuration afterwards changes nothing. On the sandbox, which
// has no projects, the attribute is refused at plan (V-PARAMS), not ignored.
func TestAccHuaweiCloud_replicaDestinationProject(t *testing.T) {
	emu, sb, src := startHWCBR(t)
	ctx := t.Context()
	bv, _ := sb.PutVault(ctx, platform.Vault{Region: "cn-north-4", Purpose: platform.VaultBackup})
	rv, _ := sb.PutVault(ctx, platform.Vault{Region: "cn-east-3", Purpose: platform.VaultReplication})
	backup, err := sb.PutBackup(ctx, platform.Backup{Kind: platform.BackupKindServer, SourceID: "srv-1", IncludesSystemDisk: true,
		Status: platform.BackupAvailable, Region: src.Region, VaultID: bv.ID, SizeGB: 1})
	if err != nil {
		t.Fatal(err)
	}
	cfg := func(providerExtra, replicaExtra string) string {
		return hwCBRProvider(emu, fmt.Sprintf(`    cbr_region_endpoints = "cn-east-3=%s"`, emu.RegionURL("cn-east-3")), providerExtra) + fmt.Sprintf(`
resource "dr_backup_replica" "web" {
  backup_id            = %q
  destination_region   = "cn-east-3"
  destination_vault_id = %q
  name                 = "web_replica"
%s
}
`, backup.ID, rv.ID, replicaExtra)
	}
	const web = "dr_backup_replica.web"
	defaults := fmt.Sprintf(`    region_project_ids   = "cn-east-3=%s"`, hwEastProject)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: cfg("", ""), PlanOnly: true,
				ExpectError: regexp.MustCompile(`(?s)V-PARAMS:\s+dr_backup_replica\s+replicate\s+refused.*destination_project_id\s+is\s+required\s+on\s+the\s+huaweicloud\s+platform.*"cn-east-3".*region_project_ids\s+\(HW_REGION_PROJECT_IDS\)`),
			},
			{ // cn-north-4's project (the provider's project_id) for cn-east-3: refused at that attribute
				Config: cfg("", fmt.Sprintf("  destination_project_id = %q", hwemu.TestProjectID)), PlanOnly: true,
				ExpectError: regexp.MustCompile(`(?s)Cannot check dr_backup_replica.*destination_project_id\s+=.*BackupService\.0006.*not\s+a\s+project\s+of\s+cn-east-3`),
			},
			{ // the provider's default for the region
				Config: cfg(defaults, ""),
				ConfigStateChecks: []statecheck.StateCheck{
					expectAt(web, "status", knownvalue.StringExact("available")),
					expectAt(web, "destination_project_id", knownvalue.StringExact(hwEastProject)),
				},
			},
			{ // the same project named on the replica: nothing to change
				Config:           cfg(defaults, fmt.Sprintf("  destination_project_id = %q", hwEastProject)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(web, plancheck.ResourceActionNoop)}},
			},
		},
	})
	// destroy deleted the replica backup at cn-east-3 (in its project, the record's)
	reps, err := sb.ListReplicas(ctx)
	if err != nil || len(reps) != 0 {
		t.Fatalf("replicas after destroy: %+v %v", reps, err)
	}
}

func TestAccSandbox_replicaVendorParamsRefused(t *testing.T) {
	sandboxRefusesParam(t, "dr_backup_replica", "replicate", "destination_project_id", `
resource "dr_backup_replica" "r" {
  backup_id              = "backup-1"
  destination_region     = "cn-beijing"
  destination_vault_id   = "vault-1"
  destination_project_id = "e0b97bac532c4c5196fa4b3a32253be4"
  name                   = "r"
}
`)
}

// SDRS renames a protection group (Modifying the Name of a Protection Group) but has no call
// that changes its description: a new description is refused at plan at that attribute
// (V-PARAMS), where it used to be dropped at apply (and the state contradicted the plan); a
// new name is applied.
func TestAccHuaweiCloud_groupDescriptionFixed(t *testing.T) {
	w := newHWGroupWorld(t)
	app := "dr_protection_group.app"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: w.group(`  description = "web tier"`)},
			{
				Config:      w.group(`  description = "changed"`),
				ExpectError: regexp.MustCompile(`(?s)V-PARAMS.*cannot\s+change\s+the\s+description`),
			},
			{
				Config: strings.Replace(w.group(`  description = "web tier"`), `name          = "app"`, `name          = "app-renamed"`, 1),
				ConfigStateChecks: []statecheck.StateCheck{
					expectAt(app, "name", knownvalue.StringExact("app-renamed")),
					expectAt(app, "description", knownvalue.StringExact("web tier")),
				},
			},
		},
	})
}
