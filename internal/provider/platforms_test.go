package provider

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// A vendor block is accepted by the schema and refused when the provider is configured, at
// the block, with what to do; two platform blocks are a configuration error.
func TestAccPlatformBlocks(t *testing.T) {
	db := testAccSandbox(t)
	inv := `
resource "dr_sandbox_vault" "v" {
  region  = "cn-shanghai"
  purpose = "backup"
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: `
provider "dr" {
  alibaba {
    access_key = "AKID-EXAMPLE"
    region     = "cn-hangzhou"
  }
}
` + inv,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Cannot configure the alibaba platform.*needs access_key and\s+secret_key`),
			},
			{
				Config: `
provider "dr" {
  acronis {
    datacenter_url = "https://eu2-cloud.acronis.com"
  }
}
` + inv,
				PlanOnly: true,
				// built: without credentials the driver refuses at Configure, saying what is missing
				ExpectError: regexp.MustCompile(`(?s)Cannot configure the acronis platform.*client_id and client_secret are required`),
			},
			{
				Config: testAccProvider(db)[:len(testAccProvider(db))-2] + `
  huaweicloud {
    region = "cn-north-4"
  }
}
` + inv,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Invalid Attribute Combination.*sandbox.*huaweicloud|(?s)huaweicloud.*sandbox`),
			},
		},
	})
}

// Credentials resolved from the block or the vendor's environment variables never reach the
// provider's logs (masked, TF_LOG=TRACE included: the logger here records every level).
func TestVendorCredentialsMaskedInLogs(t *testing.T) {
	t.Setenv("HW_SECRET_KEY", "sk-from-env-7d3f")
	var buf bytes.Buffer
	ctx := tflogtest.RootLogger(t.Context(), &buf)
	var diags diag.Diagnostics
	var hw vendorPlatform
	for _, v := range vendorPlatforms {
		if v.block == "huaweicloud" {
			hw = v
		}
	}
	_, resolved, ok := configureVendor(ctx, hw, map[string]types.String{
		"access_key": types.StringValue("ak-in-config-91c2"),
		"region":     types.StringValue("cn-north-4"),
	}, &diags)
	if built := vendorDrivers["huaweicloud"] != nil; built != ok || built == diags.HasError() {
		t.Fatalf("configureVendor: ok %v, diagnostics %v (driver built: %v)", ok, diags, built)
	}
	if resolved["secret_key"] != "sk-from-env-7d3f" || resolved["access_key"] != "ak-in-config-91c2" {
		t.Fatalf("resolution from block and environment: %v", resolved)
	}
	out := buf.String()
	if !strings.Contains(out, "dr platform selected") || !strings.Contains(out, "cn-north-4") {
		t.Fatalf("the selection is logged: %s", out)
	}
	for _, secret := range []string{"sk-from-env-7d3f", "ak-in-config-91c2"} {
		if strings.Contains(out, secret) {
			t.Fatalf("secret %q in the logs: %s", secret, out)
		}
	}
	if !strings.Contains(out, "***") {
		t.Fatalf("secrets not masked: %s", out)
	}
}

// region_project_ids / cbr_region_endpoints: "region=value" pairs; a malformed or repeated
// region is refused at configure (never half-read).
func TestRegionPairs(t *testing.T) {
	got, err := regionPairs(map[string]string{"region_project_ids": " cn-east-3 = p1 ,cn-south-1=p2,"}, "region_project_ids", "project_id")
	if err != nil || len(got) != 2 || got["cn-east-3"] != "p1" || got["cn-south-1"] != "p2" {
		t.Fatalf("pairs: %v %v", got, err)
	}
	for _, bad := range []string{"cn-east-3", "=p1", "cn-east-3=", "cn-east-3=p1,cn-east-3=p2"} {
		if _, err := regionPairs(map[string]string{"region_project_ids": bad}, "region_project_ids", "project_id"); err == nil ||
			!strings.Contains(err.Error(), "region_project_ids") {
			t.Errorf("%q: %v", bad, err)
		}
	}
}
