package server

import (
	"os"
	"strings"
)

// quietSDKLogs turns the plugin SDK's own logging (terraform-plugin-go and the framework, at
// TRACE by default) off when no TF_LOG* variable is set. Terraform then discards every
// provider log line anyway, but the provider still formatted each one as JSON and wrote it to
// the plugin's stderr: about a fifth of the provider's CPU time in make bench. Setting any
// TF_LOG* variable (TF_LOG, TF_LOG_PROVIDER, TF_LOG_SDK, ...) keeps the SDK's default.
func quietSDKLogs() {
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "TF_LOG") {
			return
		}
	}
	_ = os.Setenv("TF_LOG_SDK", "OFF")
}
