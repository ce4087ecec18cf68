package provider

import (
	"context"

	"github.com/dr-provider/terraform-provider-dr/internal/platform"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/alibaba"
)

// The Alibaba Cloud EBS driver (internal/platform/alibaba) for the `alibaba` block. Configure
// checks the credentials with one call — DescribeRegions(ResourceType=ear), whose answer the
// driver caches for the process (R001-5) — so a wrong secret fails here with the vendor's
// message (SignatureDoesNotMatch, InvalidAccessKeyId.NotFound) and is never retried; only a
// Retryable answer (throttling) is retried, by the driver's retry layer.
func init() {
	vendorDrivers["alibaba"] = func(ctx context.Context, s map[string]string) (platform.Platform, error) {
		d, err := alibaba.New(alibaba.Config{
			AccessKeyID: s["access_key"], AccessKeySecret: s["secret_key"], SecurityToken: s["security_token"],
			Region: s["region"], EBSEndpoint: s["ebs_endpoint"], ECSEndpoint: s["ecs_endpoint"],
			Transport: vendorTransport("alibaba"), // nil unless a test records (VendorTransport)
		})
		if err != nil {
			return nil, err
		}
		if err := d.CheckCredentials(ctx); err != nil {
			return nil, err
		}
		return d, nil
	}
}
