// Package provider is the Terraform surface of the dr provider: the provider, its resources,
// data sources and actions. It converts between Terraform values and the lifecycle engine's
// types and turns engine violations into attribute diagnostics. No lifecycle rule lives here;
// they all live in internal/lifecycle, and nothing here decides by a rule ID or a state name
// written as a string (TestProviderComparesNoRuleOrStateStrings): a violation says which
// parameter or operation it is about, a platform's Capabilities what it can do.
//
// The four DR resources are one generic core (dr_resource.go: drResource) instantiated with
// their kind (drKind: schema, model ↔ platform object, the goal a configuration declares, what
// a create asks the platform); their data sources and list resources use the same kind hooks.
// The dr_sandbox_* resources manage the sandbox's inventory and refuse every other platform.
//
// What a plan prints (issue 26): a refused resource gets one error — the engine folds every
// cause into one violation naming the operation the configuration asks for — whose detail ends
// with what the engine offers instead, worded as the attributes to write (offerText: `Reachable
// now instead: protection = "disabled" with active_site = "target" (apply runs failover).`, or
// that nothing else is). Warnings are for what needs attention only: an operation that can lose
// data, a manual step the platform leaves to the user (the table rows' Manual), checks deferred
// to apply. Terraform plans each resource again during apply and the framework cannot tell
// ModifyPlan which plan it answers (terraform-plugin-framework#1306), so `terraform apply`
// receives a warning twice and folds the repeat into the first (addAttention).
package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/float64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/providervalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/sandbox"
)

// Environment variables that stand in for the sandbox block's attributes.
const (
	EnvSandboxPath      = "DR_SANDBOX_PATH"
	EnvSandboxTimeScale = "DR_SANDBOX_TIME_SCALE"

	// DefaultSandboxPath is relative to Terraform's working directory.
	DefaultSandboxPath = ".dr-sandbox/sandbox.db"
	// DefaultTimeScale is the sandbox clock without a time_scale setting: one wall-clock second
	// is ten simulated minutes. A newcomer's first apply (the quickstart, every example) then
	// finishes in seconds — a 100 GB first sync (about 5 simulated minutes) takes half a
	// second, a 15 s failover 25 ms — while durations keep their order and the 15-minute
	// recovery-point cycle still advances visibly (every 1.5 s). time_scale = 1 is real time,
	// for measuring RTO in a drill.
	DefaultTimeScale = 600.0

	minTimeScale = 0.001
	maxTimeScale = 1000000.0
)

var (
	_ provider.Provider                       = (*drProvider)(nil)
	_ provider.ProviderWithActions            = (*drProvider)(nil)
	_ provider.ProviderWithEphemeralResources = (*drProvider)(nil)
	_ provider.ProviderWithListResources      = (*drProvider)(nil)
)

// New returns a constructor of the provider, as providerserver.Serve wants it.
func New(version, commit string) func() provider.Provider {
	return func() provider.Provider {
		return &drProvider{version: version, commit: commit}
	}
}

type drProvider struct {
	version string
	commit  string
}

// options are the engine options of a plan or check on this provider's platform: the user's
// data-loss opt-in and what the platform can do (capabilities).
func (d *ProviderData) options(allowDataLoss bool) lifecycle.Options {
	o := lifecycle.Options{AllowDataLoss: allowDataLoss}
	if d != nil {
		o.Platform = d.capabilities()
	}
	return o
}

// capabilities is what the engine is told about the platform (platform.CapabilitiesOf: its
// kinds and whether it has an inventory the configuration manages, derived from the
// interfaces it implements).
func (d *ProviderData) capabilities() *lifecycle.Capabilities { return d.caps }

// ProviderData is what Configure hands to every resource, data source, ephemeral resource,
// action and list resource.
type ProviderData struct {
	// Platform is the DR platform the provider drives (its driver calls: Observe, Invoke,
	// Cancel).
	Platform platform.Platform
	// Pairs, Groups, Replicas and Servers are the kinds it serves; nil for a kind it does not
	// (the engine refuses that kind at plan, V-PLATFORM: drEngine.unsupported).
	Pairs    platform.Pairs
	Groups   platform.Groups
	Replicas platform.Replicas
	Servers  platform.RecoveryServers
	// Inventory is the sandbox's inventory (sites, volumes, …, faults); nil on a vendor
	// platform, where the dr_sandbox_* resources refuse to work.
	Inventory platform.Inventory
	// caps is its complete description (platform.CapabilitiesOf).
	caps *lifecycle.Capabilities
	// defaultTags are the provider's default_tags.
	defaultTags defaultTags
	// PlatformName names it in diagnostics ("sandbox").
	PlatformName string
	// PollInterval is how often waits poll a transitional state.
	PollInterval time.Duration
	// TimeScale is the platform clock's speed-up over wall time: the sandbox's time_scale, 1
	// for a real platform. Durations measured in wall time are TimeScale times longer in the
	// platform's simulated time (drill reports say which clock they measured).
	TimeScale float64
	// pacing spaces the executor's observations of running operations (pacing.go).
	pacing pacing
	// replaced holds the IDs of objects this plan replaces (planReplace), so the create half
	// of a replacement, planned next in the same process, knows what they free first.
	replaced sync.Map
}

type drProviderModel struct {
	Sandbox     *sandboxBlockModel `tfsdk:"sandbox"`
	Alibaba     types.Object       `tfsdk:"alibaba"`
	HuaweiCloud types.Object       `tfsdk:"huaweicloud"`
	Acronis     types.Object       `tfsdk:"acronis"`
	DefaultTags *defaultTagsModel  `tfsdk:"default_tags"`
}

type sandboxBlockModel struct {
	Path      types.String  `tfsdk:"path"`
	TimeScale types.Float64 `tfsdk:"time_scale"`
}

func (p *drProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "dr"
	resp.Version = p.version
}

func (p *drProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Declarative disaster recovery: replication pairs, protection groups, cross-region " +
			"backup replicas and recovery servers, driven by a lifecycle engine that refuses illegal " +
			"changes at plan time. With no other platform configured the provider runs on the embedded " +
			"**sandbox** DR platform (a local SQLite file).",
		Blocks: withPlatformBlocks(map[string]schema.Block{
			"default_tags": defaultTagsBlock(),
			"sandbox": schema.SingleNestedBlock{
				MarkdownDescription: "Settings of the embedded sandbox DR platform, the default platform.",
				Attributes: map[string]schema.Attribute{
					"path": schema.StringAttribute{
						MarkdownDescription: "Path of the sandbox database file. Relative paths are relative to " +
							"Terraform's working directory. Falls back to the `" + EnvSandboxPath + "` environment " +
							"variable, then to `" + DefaultSandboxPath + "`. The file is created with mode 0600 in a " +
							"directory with mode 0700.",
						Optional:   true,
						Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
					},
					"time_scale": schema.Float64Attribute{
						MarkdownDescription: fmt.Sprintf("How much faster than real time the sandbox's simulated "+
							"operations (synchronisation, failover, finalization) complete: `60` makes a one-minute "+
							"failover take one second. Between %g and %g. Falls back to the `%s` environment "+
							"variable, then to `%g`: one wall-clock second is ten simulated minutes, so a 100 GB "+
							"first synchronisation (about 5 simulated minutes) takes half a second and the "+
							"examples and the quickstart finish in seconds. Set `time_scale = 1` for real-time "+
							"operations, for example to measure a drill's time to ready (RTO) as it would be; "+
							"drill reports state which clock they measured.",
							minTimeScale, maxTimeScale, EnvSandboxTimeScale, DefaultTimeScale),
						Optional:   true,
						Validators: []validator.Float64{float64validator.Between(minTimeScale, maxTimeScale)},
					},
				},
			},
		}),
	}
}

// ConfigValidators: the provider block selects at most one platform (none: the sandbox).
func (p *drProvider) ConfigValidators(context.Context) []provider.ConfigValidator {
	return []provider.ConfigValidator{providervalidator.Conflicting(platformBlockPaths()...)}
}

func withPlatformBlocks(blocks map[string]schema.Block) map[string]schema.Block {
	for k, v := range platformBlocks() {
		blocks[k] = v
	}
	return blocks
}

func (p *drProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg drProviderModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	for _, v := range vendorPlatforms {
		obj := map[string]types.Object{"alibaba": cfg.Alibaba, "huaweicloud": cfg.HuaweiCloud, "acronis": cfg.Acronis}[v.block]
		if obj.IsNull() {
			continue
		}
		if obj.IsUnknown() {
			return // known only after another apply: resources see an unconfigured provider
		}
		block := map[string]types.String{}
		for k, a := range obj.Attributes() {
			if s, ok := a.(types.String); ok {
				block[k] = s
			}
		}
		if cfg.Sandbox != nil {
			return // two platform blocks: ConfigValidators reports it
		}
		vctx, settings, ok := configureVendor(ctx, v, block, &resp.Diagnostics)
		if !ok {
			return
		}
		p, err := vendorDrivers[v.block](vctx, settings)
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root(v.block), fmt.Sprintf("Cannot configure the %s platform", v.block), err.Error())
			return
		}
		data := newProviderData(p, v.block, vendorPollInterval(), 1)
		if data.pacing, err = vendorPacing(); err != nil {
			resp.Diagnostics.AddError(fmt.Sprintf("Cannot configure the %s platform", v.block), err.Error())
			return
		}
		data.defaultTags = configuredDefaultTags(cfg.DefaultTags)
		resp.DataSourceData, resp.ResourceData, resp.EphemeralResourceData, resp.ActionData, resp.ListResourceData = data, data, data, data, data
		return
	}
	sb := cfg.Sandbox
	if sb == nil {
		sb = &sandboxBlockModel{Path: types.StringNull(), TimeScale: types.Float64Null()}
	}
	if sb.Path.IsUnknown() || sb.TimeScale.IsUnknown() {
		// Known only after apply of something else: resources see an unconfigured provider
		// and skip their plan-time platform checks.
		return
	}

	dbPath := DefaultSandboxPath
	if v := os.Getenv(EnvSandboxPath); v != "" {
		dbPath = v
	}
	if !sb.Path.IsNull() {
		dbPath = sb.Path.ValueString()
	}
	timeScale := DefaultTimeScale
	timeScaleAttr := path.Root("sandbox").AtName("time_scale")
	if v := os.Getenv(EnvSandboxTimeScale); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < minTimeScale || f > maxTimeScale {
			resp.Diagnostics.AddAttributeError(timeScaleAttr, "Invalid sandbox time scale",
				fmt.Sprintf("The %s environment variable is %q; it must be a number between %g and %g.",
					EnvSandboxTimeScale, v, minTimeScale, maxTimeScale))
			return
		}
		timeScale = f
	}
	if !sb.TimeScale.IsNull() {
		timeScale = sb.TimeScale.ValueFloat64()
	}

	abs, err := filepath.Abs(dbPath)
	if err == nil {
		dbPath = abs
	}
	ctx = tflog.SetField(ctx, "sandbox_path", dbPath)
	tflog.Debug(ctx, "opening sandbox DR platform", map[string]any{"time_scale": timeScale})

	sbx, err := openSandbox(dbPath, timeScale)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("sandbox").AtName("path"), "Cannot open the sandbox database",
			fmt.Sprintf("The sandbox database %q could not be opened or created: %s. Choose a writable path "+
				"(sandbox.path or %s).", dbPath, err, EnvSandboxPath))
		return
	}

	// Every platform call is retried on Retryable errors, inside the platform
	// (internal/platform/retry; see platform_data.go).
	data := newProviderData(sbx, "sandbox", pollInterval(timeScale), timeScale)
	data.pacing = pacing{scale: timeScale, max: data.PollInterval}
	data.defaultTags = configuredDefaultTags(cfg.DefaultTags)
	resp.DataSourceData = data
	resp.ResourceData = data
	resp.EphemeralResourceData = data
	resp.ActionData = data
	resp.ListResourceData = data
}

func (p *drProvider) Resources(_ context.Context) []func() resource.Resource {
	return resourceConstructors
}

func (p *drProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return dataSourceConstructors
}

func (p *drProvider) EphemeralResources(_ context.Context) []func() ephemeral.EphemeralResource {
	return nil
}

func (p *drProvider) ListResources(_ context.Context) []func() list.ListResource {
	return listResourceConstructors
}

func (p *drProvider) Actions(_ context.Context) []func() action.Action {
	return actionConstructors()
}

// Sandboxes opened by this process, by path and time scale. Terraform configures a provider
// instance per command, and acceptance tests and benchmarks run many in one process; sharing
// the open database keeps that to one connection pool per file.
var (
	sandboxesMu sync.Mutex
	sandboxes   = map[string]*sandbox.Sandbox{}
)

func openSandbox(path string, timeScale float64) (*sandbox.Sandbox, error) {
	key := fmt.Sprintf("%s\x00%g", path, timeScale)
	sandboxesMu.Lock()
	defer sandboxesMu.Unlock()
	if sb, ok := sandboxes[key]; ok {
		return sb, nil
	}
	sb, err := sandbox.Open(path, sandbox.Options{TimeScale: timeScale})
	if err != nil {
		return nil, err
	}
	sandboxes[key] = sb
	return sb, nil
}
