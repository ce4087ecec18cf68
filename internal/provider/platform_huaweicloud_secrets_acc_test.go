package provider

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	hwemu "github.com/dr-provider/terraform-provider-dr/internal/emulator/huaweicloud"
)

// Huawei Cloud errors reach the user with the vendor's code, message, request ID and what to
// do, and nothing of the exchange (issue 23, item 6): a wrong secret key through the Terraform
// CLI with TF_LOG=TRACE — the API gateway answers 401 APIGW.0301. Neither the CLI's output nor
// the TRACE log holds the secret key, the signature the driver sent (its Authorization
// header) or the access key; the output names APIGW.0301 and the answer's X-Request-Id, and no
// internal function or type. (The huaweicloud block takes AK/SK only: there is no security
// token to leak.)
func TestAccHuaweiCloud_errorsKeepSecretsOut(t *testing.T) {
	t.Setenv(EnvPollInterval, "20ms")
	emu := hwemu.Start(t, false, accTimeScale)
	wrong := "wrong-" + hwemu.TestSecretKey
	// the credentials come from the environment, as users are told to give them
	t.Setenv("HW_ACCESS_KEY", hwemu.TestAccessKey)
	t.Setenv("HW_SECRET_KEY", wrong)
	signature := regexp.MustCompile(`Signature=([0-9A-Za-z+/=]+)`)
	ex := captureVendor(t, "huaweicloud",
		func(r *http.Request, _ []byte) []string {
			var out []string
			if m := signature.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
				out = append(out, m[1])
			}
			return out
		},
		func(resp *http.Response, _ []byte) string { return resp.Header.Get("X-Request-Id") })
	output, log := wrongSecretThroughCLI(t, fmt.Sprintf(`
provider "dr" {
  huaweicloud {
    region        = "cn-north-4"
    project_id    = %[1]q
    sdrs_endpoint = %[2]q
    ecs_endpoint  = %[2]q
  }
}

data "dr_protection_group" "x" {
  id = "5c0a9a57-2a0b-4c1e-9d53-6d3b0a1e0c11"
}
`, hwemu.TestProjectID, emu.URL))
	t.Logf("CLI output:\n%s", output)
	if ex.requests == 0 || len(ex.requestIDs) == 0 || len(ex.secrets) == 0 {
		t.Fatalf("the driver's requests did not go through the VendorTransport hook (%d requests, %d answers, %d signatures)",
			ex.requests, len(ex.requestIDs), len(ex.secrets))
	}
	if !strings.Contains(output, "APIGW.0301") {
		t.Errorf("the CLI's output does not name APIGW.0301")
	}
	named := false
	for _, id := range ex.requestIDs {
		named = named || strings.Contains(output, id)
	}
	if !named {
		t.Errorf("the CLI's output names none of the answers' request IDs %v", ex.requestIDs)
	}
	if !strings.Contains(log, "TRACE") || !strings.Contains(log, "huaweicloud") {
		t.Fatalf("the log is not a TRACE log of the Huawei Cloud provider (%d bytes)", len(log))
	}
	secrets := append([]string{wrong, hwemu.TestSecretKey}, ex.secrets...)
	assertNoSecrets(t, output, log, secrets, []string{hwemu.TestAccessKey, "Authorization", "SDK-HMAC", "Signature=",
		"platform.Error", "*huaweicloud", "huaweicloud.(", "sdrs.(", ".go:", "goroutine", "sdk_error", "ServiceResponseError"})
	assertNoSecrets(t, "", log, []string{hwemu.TestAccessKey}, nil)
}
