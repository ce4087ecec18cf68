package provider

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	alibabaemu "github.com/dr-provider/terraform-provider-dr/internal/emulator/alibaba"
)

// Alibaba errors reach the user with the vendor's code, message, request ID and what to do,
// and nothing of the exchange (issue 23, item 6): a wrong AccessKey secret, with an STS token,
// through the Terraform CLI with TF_LOG=TRACE — the EBS gateway answers SignatureDoesNotMatch
// and echoes the string it signed (the AccessKeyId and the SecurityToken in it). Neither the
// CLI's output nor the TRACE log holds the secret, the Signature the driver sent, the token or
// the AccessKeyId; the output names SignatureDoesNotMatch and the answer's RequestId.
func TestAccAlibaba_errorsKeepSecretsOut(t *testing.T) {
	w, _ := newAliStoryWorld(t, 13)
	const token = "CAIS-sts-token-of-the-secrets-test"
	wrong := "wrong-" + alibabaemu.TestAccessKeySecret
	// the credentials come from the environment, as users are told to give them: the test
	// harness logs the configuration it writes
	t.Setenv("ALICLOUD_ACCESS_KEY", alibabaemu.TestAccessKeyID)
	t.Setenv("ALICLOUD_SECRET_KEY", wrong)
	t.Setenv("ALICLOUD_SECURITY_TOKEN", token)
	ex := captureVendor(t, "alibaba",
		func(r *http.Request, body []byte) []string {
			var out []string
			vals := r.URL.Query()
			if form, err := url.ParseQuery(string(body)); err == nil {
				for k, v := range form {
					vals[k] = append(vals[k], v...)
				}
			}
			for _, p := range []string{"Signature", "SecurityToken"} {
				for _, v := range vals[p] {
					if v != "" {
						out = append(out, v)
					}
				}
			}
			return out
		},
		func(_ *http.Response, body []byte) string {
			var env struct {
				RequestID string `json:"RequestId"`
			}
			_ = json.Unmarshal(body, &env)
			return strings.TrimSpace(env.RequestID)
		})
	output, log := wrongSecretThroughCLI(t, fmt.Sprintf(`
provider "dr" {
  alibaba {
    region       = "cn-shanghai"
    ebs_endpoint = %q
  }
}

data "dr_replication_pair" "x" {
  id = "pair-cn-0000000000000001"
}
`, w.emu.URL))
	t.Logf("CLI output:\n%s", output)
	if ex.requests == 0 || len(ex.requestIDs) == 0 {
		t.Fatalf("the driver's requests did not go through the VendorTransport hook (%d requests, %d answers)", ex.requests, len(ex.requestIDs))
	}
	if !strings.Contains(strings.Join(ex.secrets, " "), token) {
		t.Fatalf("the driver sent no SecurityToken: the test checks nothing of it (sent %d secrets)", len(ex.secrets))
	}
	if !regexp.MustCompile(`(?s)Cannot configure the alibaba platform.*SignatureDoesNotMatch`).MatchString(output) {
		t.Errorf("the CLI's output does not name SignatureDoesNotMatch")
	}
	named := false
	for _, id := range ex.requestIDs {
		named = named || strings.Contains(output, id)
	}
	if !named {
		t.Errorf("the CLI's output names none of the answers' request IDs %v", ex.requestIDs)
	}
	if !strings.Contains(log, "TRACE") || !strings.Contains(log, "alibaba") {
		t.Fatalf("the log is not a TRACE log of the Alibaba provider (%d bytes)", len(log))
	}
	secrets := append([]string{wrong, alibabaemu.TestAccessKeySecret, token}, ex.secrets...)
	assertNoSecrets(t, output, log, secrets, []string{alibabaemu.TestAccessKeyID, "string to sign", "StringToSign", "Signature=",
		"SecurityToken=", "platform.Error", "*alibaba", ".go:", "goroutine"})
	// the AccessKeyId is not a secret to the vendor, but it names the account: kept out of the log too
	assertNoSecrets(t, "", log, []string{alibabaemu.TestAccessKeyID}, nil)
}
