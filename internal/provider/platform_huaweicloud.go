package provider

import (
	"context"
	"strings"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/platform"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/huaweicloud"
)

// The huaweicloud block selects the Huawei Cloud SDRS driver (internal/platform/huaweicloud),
// built from the block's resolved settings (attribute, then HW_* environment variable).
func init() {
	vendorDrivers["huaweicloud"] = func(ctx context.Context, s map[string]string) (platform.Platform, error) {
		regional, err := regionPairs(s, "cbr_region_endpoints", "url")
		if err != nil {
			return nil, err
		}
		projects, err := regionPairs(s, "region_project_ids", "project_id")
		if err != nil {
			return nil, err
		}
		return huaweicloud.New(huaweicloud.Config{
			CBRRegionEndpoints: regional, RegionProjectIDs: projects,
			AccessKey: s["access_key"], SecretKey: s["secret_key"], Region: s["region"], ProjectID: s["project_id"],
			SDRSEndpoint: s["sdrs_endpoint"], ECSEndpoint: s["ecs_endpoint"], CBREndpoint: s["cbr_endpoint"],
			VPCEndpoint: s["vpc_endpoint"],
			Transport:   vendorTransport("huaweicloud"), // nil unless a test records (VendorTransport)
			// a plan's reads share one snapshot for up to 30 s (its read phase); polls and the
			// read before a write use one at most a poll interval old (never the same data twice)
			ReadCacheTTL: 30 * time.Second,
			PollCacheTTL: min(time.Second, vendorPollInterval()),
		})
	}
}

// regionPairs parses a setting of "region=value" pairs separated by commas.
func regionPairs(s map[string]string, name, what string) (map[string]string, error) {
	out := map[string]string{}
	for _, kv := range strings.Split(s[name], ",") {
		if kv = strings.TrimSpace(kv); kv == "" {
			continue
		}
		region, v, ok := strings.Cut(kv, "=")
		region, v = strings.TrimSpace(region), strings.TrimSpace(v)
		if !ok || region == "" || v == "" {
			return nil, platform.Invalidf("", "huaweicloud: %s: %q is not region=%s", name, kv, what)
		}
		if _, dup := out[region]; dup {
			return nil, platform.Invalidf("", "huaweicloud: %s: region %q is listed twice", name, region)
		}
		out[region] = v
	}
	return out, nil
}
