package provider

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// The platform selection point: the provider block names exactly one platform. The sandbox
// is the default; each vendor block follows its vendor's own conventions for credentials and
// environment variables (those its official Terraform provider and CLI read), and every
// endpoint can be overridden (private endpoints, the local emulators). A vendor whose driver
// is not built yet is accepted by the schema and refused at Configure: no stub pretends to
// work.

// vendorSetting is one attribute of a vendor block.
type vendorSetting struct {
	name   string
	env    []string // environment variables read when the attribute is unset, in order
	secret bool     // Sensitive, and masked in every log line
	desc   string
}

// vendorPlatform is a vendor block and where its driver stands.
type vendorPlatform struct {
	block    string
	title    string
	settings []vendorSetting
	// pending names the driver in the refusal while none is registered (vendorDrivers).
	pending string
}

// VendorDriver builds a vendor platform from the block's resolved settings (attribute, then
// environment). A driver registers itself in vendorDrivers from its own file
// (platform_<vendor>.go) with an init function.
type VendorDriver func(ctx context.Context, settings map[string]string) (platform.Platform, error)

// vendorDrivers are the built drivers, by block name.
var vendorDrivers = map[string]VendorDriver{}

// VendorTransport, when set, wraps the HTTP transport every vendor driver the provider builds
// sends its requests through (block is the vendor block's name). Only tests set it: the live
// smoke tests record and replay their HTTP interactions through it (internal/livetest, go-vcr).
// nil (always, in the released provider): each driver's own transport.
var VendorTransport func(block string, base http.RoundTripper) http.RoundTripper

// vendorTransport is the transport a driver of block should use: VendorTransport's wrapping of
// http.DefaultTransport, or nil (the driver's default) when no test set it.
func vendorTransport(block string) http.RoundTripper {
	if VendorTransport == nil {
		return nil
	}
	return VendorTransport(block, http.DefaultTransport)
}

// EnvPollInterval overrides how often a vendor platform's transitional states are polled
// (default 5 s): tests against a local emulator on an accelerated clock set it low.
const EnvPollInterval = "DR_POLL_INTERVAL"

func vendorPollInterval() time.Duration {
	if d, err := time.ParseDuration(os.Getenv(EnvPollInterval)); err == nil && d > 0 {
		return d
	}
	return 5 * time.Second
}

var vendorPlatforms = []vendorPlatform{
	{
		block: "alibaba", title: "Alibaba Cloud EBS (asynchronous replication pairs and replica groups)",
		pending: "the Alibaba Cloud EBS driver",
		settings: []vendorSetting{
			{name: "access_key", env: []string{"ALICLOUD_ACCESS_KEY", "ALIBABA_CLOUD_ACCESS_KEY_ID"}, secret: true, desc: "AccessKey ID."},
			{name: "secret_key", env: []string{"ALICLOUD_SECRET_KEY", "ALIBABA_CLOUD_ACCESS_KEY_SECRET"}, secret: true, desc: "AccessKey secret."},
			{name: "security_token", env: []string{"ALICLOUD_SECURITY_TOKEN", "ALIBABA_CLOUD_SECURITY_TOKEN"}, secret: true, desc: "STS security token, with temporary credentials."},
			{name: "region", env: []string{"ALICLOUD_REGION", "ALIBABA_CLOUD_REGION_ID"}, desc: "Region of the API calls that are not bound to a pair's own region (e.g. `cn-hangzhou`)."},
			{name: "ebs_endpoint", env: []string{"ALICLOUD_EBS_ENDPOINT"}, desc: "EBS API endpoint override (a private endpoint, or a local emulator); default: the regional EBS endpoint."},
			{name: "ecs_endpoint", env: []string{"ALICLOUD_ECS_ENDPOINT"}, desc: "ECS API endpoint override of the one ECS call the driver makes (DescribeDisks: where a disk is); default: `ebs_endpoint` when that is set (the local emulator serves both), else the regional ECS endpoint."},
		},
	},
	{
		block: "huaweicloud", title: "Huawei Cloud SDRS and CBR (protection groups, pairs, protected servers, backup replicas)",
		pending: "the Huawei Cloud SDRS/CBR driver",
		settings: []vendorSetting{
			{name: "access_key", env: []string{"HW_ACCESS_KEY"}, secret: true, desc: "Access key ID (AK)."},
			{name: "secret_key", env: []string{"HW_SECRET_KEY"}, secret: true, desc: "Secret access key (SK)."},
			{name: "region", env: []string{"HW_REGION_NAME"}, desc: "Region (e.g. `cn-north-4`)."},
			{name: "project_id", env: []string{"HW_PROJECT_ID"}, desc: "Project ID of the region (set it: with only a region the SDK calls IAM to resolve it)."},
			{name: "region_project_ids", env: []string{"HW_REGION_PROJECT_IDS"}, desc: "Project IDs of other regions, as `region=project_id` pairs separated by commas (a project ID is per region): the destination project of a `dr_backup_replica` to that region when the replica sets no `destination_project_id`. A replica to a region with neither is refused at plan (V-PARAMS); `project_id` serves only `region`."},
			{name: "sdrs_endpoint", env: []string{"HW_SDRS_ENDPOINT"}, desc: "SDRS API endpoint override; default: the regional SDRS endpoint."},
			{name: "ecs_endpoint", env: []string{"HW_ECS_ENDPOINT"}, desc: "ECS API endpoint override (server power and availability zone, which SDRS does not report); default: the regional ECS endpoint."},
			{name: "cbr_endpoint", env: []string{"HW_CBR_ENDPOINT"}, desc: "CBR API endpoint override; default: the regional CBR endpoint."},
			{name: "cbr_region_endpoints", env: []string{"HW_CBR_REGION_ENDPOINTS"}, desc: "CBR endpoint overrides of single regions (a replica's destination region, where its vault is read), as `region=url` pairs separated by commas; a region not listed uses `cbr_endpoint`."},
			{name: "vpc_endpoint", env: []string{"HW_VPC_ENDPOINT"}, desc: "VPC API endpoint override (whether a protection group's `source_vpc_id` exists, checked at plan); default: `ecs_endpoint` when that is set (the local emulator serves both), else the regional VPC endpoint."},
		},
	},
	{
		block: "acronis", title: "Acronis Cyber Protect Cloud disaster recovery (recovery servers, DR API v2)",
		pending: "the Acronis DR driver",
		settings: []vendorSetting{
			{name: "client_id", env: []string{"ACRONIS_CLIENT_ID"}, secret: true, desc: "API client ID (an API client registered in the tenant)."},
			{name: "client_secret", env: []string{"ACRONIS_CLIENT_SECRET"}, secret: true, desc: "API client secret."},
			{name: "datacenter_url", env: []string{"ACRONIS_DATACENTER_URL"}, desc: "Data centre URL of the tenant (e.g. `https://eu2-cloud.acronis.com`); also the endpoint override (a local emulator)."},
		},
	},
}

// platformBlocks are the provider schema's vendor blocks.
func platformBlocks() map[string]schema.Block {
	out := map[string]schema.Block{}
	for _, v := range vendorPlatforms {
		attrs := map[string]schema.Attribute{}
		for _, s := range v.settings {
			d := s.desc
			if len(s.env) > 0 {
				d += " Falls back to the `" + strings.Join(s.env, "` then `") + "` environment variable."
			}
			attrs[s.name] = schema.StringAttribute{
				MarkdownDescription: d, Optional: true, Sensitive: s.secret,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			}
		}
		desc := "Selects the " + v.title + " platform."
		if vendorDrivers[v.block] == nil {
			desc += " Its driver is not built yet: the block is accepted and refused when the provider is configured."
		}
		out[v.block] = schema.SingleNestedBlock{MarkdownDescription: desc, Attributes: attrs}
	}
	return out
}

// platformBlockPaths are the provider blocks that select a platform (sandbox first).
func platformBlockPaths() []path.Expression {
	out := []path.Expression{path.MatchRoot("sandbox")}
	for _, v := range vendorPlatforms {
		out = append(out, path.MatchRoot(v.block))
	}
	return out
}

// configureVendor resolves a vendor block's settings (attribute, then environment), masks
// every secret in the provider's logs, and — while the driver is not built — refuses with a
// clear error at the block. It returns false when the provider cannot be configured.
func configureVendor(ctx context.Context, v vendorPlatform, block map[string]types.String, diags *diag.Diagnostics) (context.Context, map[string]string, bool) {
	resolved := map[string]string{}
	var secretKeys []string
	for _, s := range v.settings {
		val := ""
		if a, ok := block[s.name]; ok && !a.IsNull() && !a.IsUnknown() {
			val = a.ValueString()
		} else {
			for _, e := range s.env {
				if x := os.Getenv(e); x != "" {
					val = x
					break
				}
			}
		}
		if val == "" {
			continue
		}
		resolved[s.name] = val
		if s.secret {
			secretKeys = append(secretKeys, s.name)
			ctx = tflog.MaskAllFieldValuesStrings(ctx, val)
			ctx = tflog.MaskMessageStrings(ctx, val)
		}
	}
	ctx = tflog.MaskFieldValuesWithFieldKeys(ctx, secretKeys...)
	names := make([]string, 0, len(resolved))
	for k := range resolved {
		names = append(names, k)
	}
	sort.Strings(names)
	fields := map[string]any{"platform": v.block, "settings": strings.Join(names, ",")}
	for _, k := range names {
		fields[k] = resolved[k]
	}
	tflog.Debug(ctx, "dr platform selected", fields)
	if vendorDrivers[v.block] == nil {
		diags.AddAttributeError(path.Root(v.block), fmt.Sprintf("The %s platform is not built yet", v.block),
			fmt.Sprintf("The provider block selects the %s platform (%s), but %s is not built yet. Nothing was "+
				"changed. Remove the %q block to use the embedded sandbox platform (the default), which models the "+
				"same lifecycles.", v.block, v.title, v.pending, v.block))
		return ctx, resolved, false
	}
	return ctx, resolved, true
}
