package provider

import (
	"context"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/platform"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/huaweicloud"
)

// The huaweicloud block selects the Huawei Cloud SDRS driver (internal/platform/huaweicloud),
// built from the block's resolved settings (attribute, then HW_* environment variable).
func init() {
	vendorDrivers["huaweicloud"] = func(ctx context.Context, s map[string]string) (platform.Platform, error) {
		return huaweicloud.New(huaweicloud.Config{
			AccessKey: s["access_key"], SecretKey: s["secret_key"], Region: s["region"], ProjectID: s["project_id"],
			SDRSEndpoint: s["sdrs_endpoint"], ECSEndpoint: s["ecs_endpoint"], CBREndpoint: s["cbr_endpoint"],
			VPCEndpoint: s["vpc_endpoint"],
			// reads are shared for at most a second, and never across two polls of a wait
			ReadCacheTTL: min(time.Second, vendorPollInterval()),
		})
	}
}
