package provider

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/dr-provider/terraform-provider-dr/internal/platform/sandbox"
)

// accTimeScale makes simulated operations complete in milliseconds in acceptance tests.
const accTimeScale = 100000

// testAccSandbox gives a test its own sandbox database (a temp dir) and returns its path.
func testAccSandbox(t *testing.T) string {
	t.Helper()
	return filepath.Join(t.TempDir(), "sandbox", "sandbox.db")
}

// expectAt is a state check of addr's attr, or of a path below it (map keys, list indexes).
func expectAt(addr, attr string, v knownvalue.Check, path ...any) statecheck.StateCheck {
	p := tfjsonpath.New(attr)
	for _, x := range path {
		switch k := x.(type) {
		case string:
			p = p.AtMapKey(k)
		case int:
			p = p.AtSliceIndex(k)
		}
	}
	return statecheck.ExpectKnownValue(addr, p, v)
}

// planAt is a plan check of addr's planned attr.
func planAt(addr, attr string, v knownvalue.Check) plancheck.PlanCheck {
	return plancheck.ExpectKnownValue(addr, tfjsonpath.New(attr), v)
}

// unknownAt is a plan check that addr's attr is known only after the apply.
func unknownAt(addr, attr string) plancheck.PlanCheck {
	return plancheck.ExpectUnknownValue(addr, tfjsonpath.New(attr))
}

// refusedPlanCase is a test case of one plan of config, refused with an error matching want.
func refusedPlanCase(config string, want *regexp.Regexp) resource.TestCase {
	return resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps:                    []resource.TestStep{{Config: config, PlanOnly: true, ExpectError: want}},
	}
}

// testAccProvider is the provider block pointing at the test's sandbox.
func testAccProvider(db string) string {
	return fmt.Sprintf(`
provider "dr" {
  sandbox {
    path       = %q
    time_scale = %d
  }
}
`, db, accTimeScale)
}

// Sandbox inventory blocks for test configurations, one dr_sandbox_* resource each; attrs are
// further "name = value" lines. A site, server or vault is named by its label.
func sbResource(typ, label string, attrs ...string) string {
	return fmt.Sprintf("\nresource \"dr_sandbox_%s\" %q {\n  %s\n}\n", typ, label, strings.Join(attrs, "\n  "))
}

func sbSite(label, region, zone string, attrs ...string) string {
	return sbResource("site", label, append([]string{fmt.Sprintf("region = %q", region), fmt.Sprintf("zone = %q", zone)}, attrs...)...)
}

func sbServer(label, name, site string, attrs ...string) string {
	return sbResource("server", label, append([]string{fmt.Sprintf("name = %q", name), "site_id = dr_sandbox_site." + site + ".id"}, attrs...)...)
}

func sbVolume(label, site string, sizeGB int, attrs ...string) string {
	return sbResource("volume", label, append([]string{"site_id = dr_sandbox_site." + site + ".id", fmt.Sprintf("size_gb = %d", sizeGB)}, attrs...)...)
}

func sbVault(label, region, purpose string) string {
	return sbResource("vault", label, fmt.Sprintf("region = %q", region), fmt.Sprintf("purpose = %q", purpose))
}

// sbBackup is a backup of kind of source (an HCL expression) in the vault labelled vault.
func sbBackup(label, kind, source, vault string, attrs ...string) string {
	return sbResource("backup", label, append([]string{fmt.Sprintf("kind = %q", kind), "source_id = " + source, "vault_id = dr_sandbox_vault." + vault + ".id"}, attrs...)...)
}

// testAccOpenSandbox opens the test's sandbox directly, to make out-of-band changes (an
// outage, a failover behind Terraform's back) and to assert on the platform.
// sbPairGroupHCL is the replication pair pair (named pairName) from dr_sandbox_volume.a to
// dr_sandbox_volume.b and the protection group group (named groupName) from the site "prod" to
// the site "dr" holding pairRefs (a list expression); groupAttrs are further group lines.
func sbPairGroupHCL(pair, pairName, group, groupName, pairRefs, groupAttrs string) string {
	return fmt.Sprintf(`
resource "dr_replication_pair" %q {
  name                = %q
  primary_volume_id   = dr_sandbox_volume.a.id
  secondary_volume_id = dr_sandbox_volume.b.id
}

resource "dr_protection_group" %q {
  name                 = %q
  source_region        = dr_sandbox_site.prod.region
  source_zone          = dr_sandbox_site.prod.zone
  target_region        = dr_sandbox_site.dr.region
  target_zone          = dr_sandbox_site.dr.zone
  replication_pair_ids = %s
%s
}
`, pair, pairName, group, groupName, pairRefs, groupAttrs)
}

func testAccOpenSandbox(t *testing.T, db string) *sandbox.Sandbox {
	t.Helper()
	sb, err := sandbox.Open(db, sandbox.Options{TimeScale: accTimeScale})
	if err != nil {
		t.Fatalf("open sandbox: %v", err)
	}
	t.Cleanup(func() { _ = sb.Close() })
	return sb
}

// onlyPairID is the ID of the sandbox's one replication pair; the test fails unless there is
// exactly one.
func onlyPairID(t *testing.T, sb *sandbox.Sandbox) string {
	t.Helper()
	ps, err := sb.ListPairs(t.Context())
	if err != nil || len(ps) != 1 {
		t.Fatalf("pairs: %v %v", ps, err)
	}
	return ps[0].ID
}

// testAccTwoSites is the inventory most tests share: a production and a DR site in one
// replication-capable region, with a volume pair of the given size at them. site_healthy
// controls the production site (an outage when false).
func testAccTwoSites(prodHealthy bool) string { return testAccTwoSitesAttached(prodHealthy, false) }

// testAccTwoSitesAttached is testAccTwoSites with volume b optionally attached to a server at
// the DR site.
func testAccTwoSitesAttached(prodHealthy, attachB bool) string {
	bServer := "null"
	if attachB {
		bServer = "dr_sandbox_server.dr.id"
	}
	return sbServer("dr", "dr-host", "dr") +
		sbSite("prod", "cn-shanghai", "cn-shanghai-a", fmt.Sprintf("healthy = %t", prodHealthy)) +
		sbSite("dr", "cn-shanghai", "cn-shanghai-b") +
		sbVolume("a", "prod", 10) +
		sbVolume("b", "dr", 10, "server_id = "+bServer)
}
