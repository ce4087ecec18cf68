package provider

import (
	"context"
	"regexp"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// newProviderData describes the platform p for every resource, data source, action and list
// resource: its driver calls, the kinds it serves and its inventory (the sandbox's) — the
// platform's own interfaces, nothing wrapped: every call of a platform goes through the one
// retry layer inside it (internal/platform/retry), and the engine's executor adds none
// (engine.go: MaxRetries -1) — and its capabilities (platform.CapabilitiesOf), which the read
// models carry too (Observation.Platform), so allowed_operations never lists an operation the
// platform cannot invoke.
func newProviderData(p platform.Platform, name string, poll time.Duration, timeScale float64) *ProviderData {
	d := &ProviderData{Platform: p, caps: platform.CapabilitiesOf(p), PlatformName: name, PollInterval: poll, TimeScale: timeScale}
	d.Pairs, _ = platform.PairsOf(p)
	d.Groups, _ = platform.GroupsOf(p)
	d.Replicas, _ = platform.ReplicasOf(p)
	d.Servers, _ = platform.RecoveryServersOf(p)
	d.Inventory, _ = platform.InventoryOf(p)
	return d
}

// Client tokens are idempotency keys: anyone holding one can replay an operation, so they are
// masked in the provider's logs (by field key and wherever they appear in a message).
var (
	secretFieldKeys = []string{"token", "client_token"}
	secretPatterns  = []*regexp.Regexp{
		regexp.MustCompile(`\bdr-[0-9a-f]{40}\b`),                   // lifecycle.ClientToken
		regexp.MustCompile(`\btf-create-[0-9a-f]{40}(-[0-9a-f]+)?`), // createToken / freshToken
	}
)

// maskSecrets returns ctx with the provider's log masking of client tokens.
func maskSecrets(ctx context.Context) context.Context {
	ctx = tflog.MaskFieldValuesWithFieldKeys(ctx, secretFieldKeys...)
	ctx = tflog.MaskMessageRegexes(ctx, secretPatterns...)
	ctx = tflog.MaskAllFieldValuesRegexes(ctx, secretPatterns...)
	return ctx
}

// afterStop returns a context for reading an object back after an operation: it survives the
// cancellation of ctx (Terraform interrupted, or the operation's timeout), bounded to 30 s,
// so the state saved after an interrupted or timed-out operation is what the platform
// observed rather than the plan.
func afterStop(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
}

// failureJobsOf returns the platform's task-center records of failed jobs (platform.FailureJobs,
// which only Huawei Cloud SDRS has); false when the platform keeps none.
func failureJobsOf(d *ProviderData) (platform.FailureJobs, bool) {
	fj, ok := d.Platform.(platform.FailureJobs)
	return fj, ok
}
