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
		regional := map[string]string{}
		for _, kv := range strings.Split(s["cbr_region_endpoints"], ",") {
			if kv = strings.TrimSpace(kv); kv == "" {
				continue
			}
			region, url, ok := strings.Cut(kv, "=")
			if !ok || region == "" || url == "" {
				return nil, platform.Invalidf("", "huaweicloud: cbr_region_endpoints: %q is not region=url", kv)
			}
			regional[strings.TrimSpace(region)] = strings.TrimSpace(url)
		}
		return huaweicloud.New(huaweicloud.Config{
			CBRRegionEndpoints: regional,
			AccessKey:          s["access_key"], SecretKey: s["secret_key"], Region: s["region"], ProjectID: s["project_id"],
			SDRSEndpoint: s["sdrs_endpoint"], ECSEndpoint: s["ecs_endpoint"], CBREndpoint: s["cbr_endpoint"],
			VPCEndpoint: s["vpc_endpoint"],
			// a plan's reads share one snapshot for up to 30 s (its read phase); polls and the
			// read before a write use one at most a poll interval old (never the same data twice)
			ReadCacheTTL: 30 * time.Second,
			PollCacheTTL: min(time.Second, vendorPollInterval()),
		})
	}
}
