package provider

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/dr-provider/terraform-provider-dr/internal/platform/sandbox"
)

// accTimeScale makes simulated operations complete in milliseconds in acceptance tests.
const accTimeScale = 100000

// testAccSandbox gives a test its own sandbox database (a temp dir) and returns its path.
func testAccSandbox(t *testing.T) string {
	t.Helper()
	return filepath.Join(t.TempDir(), "sandbox", "sandbox.db")
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

// testAccOpenSandbox opens the test's sandbox directly, to make out-of-band changes (an
// outage, a failover behind Terraform's back) and to assert on the platform.
func testAccOpenSandbox(t *testing.T, db string) *sandbox.Sandbox {
	t.Helper()
	sb, err := sandbox.Open(db, sandbox.Options{TimeScale: accTimeScale})
	if err != nil {
		t.Fatalf("open sandbox: %v", err)
	}
	t.Cleanup(func() { _ = sb.Close() })
	return sb
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
	return fmt.Sprintf(`
resource "dr_sandbox_server" "dr" {
  name    = "dr-host"
  site_id = dr_sandbox_site.dr.id
}

resource "dr_sandbox_site" "prod" {
  region  = "cn-shanghai"
  zone    = "cn-shanghai-a"
  healthy = %t
}

resource "dr_sandbox_site" "dr" {
  region = "cn-shanghai"
  zone   = "cn-shanghai-b"
}

resource "dr_sandbox_volume" "a" {
  site_id = dr_sandbox_site.prod.id
  size_gb = 10
}

resource "dr_sandbox_volume" "b" {
  site_id   = dr_sandbox_site.dr.id
  size_gb   = 10
  server_id = %s
}
`, prodHealthy, bServer)
}
