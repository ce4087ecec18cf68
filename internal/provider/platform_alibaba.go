package provider

import (
	"context"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/platform"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/alibaba"
)

// The Alibaba Cloud EBS driver (internal/platform/alibaba) for the `alibaba` block. Configure
// checks the credentials with one call — DescribeRegions(ResourceType=ear), whose answer the
// driver caches for the process (R001-5) — so a wrong secret fails here with the vendor's
// message (SignatureDoesNotMatch, InvalidAccessKeyId.NotFound) and is never retried; only a
// Retryable answer (throttling) is retried, with the provider's retry policy.
func init() {
	vendorDrivers["alibaba"] = func(ctx context.Context, s map[string]string) (platform.Platform, error) {
		d, err := alibaba.New(alibaba.Config{
			AccessKeyID: s["access_key"], AccessKeySecret: s["secret_key"], SecurityToken: s["security_token"],
			Region: s["region"], EBSEndpoint: s["ebs_endpoint"], ECSEndpoint: s["ecs_endpoint"],
		})
		if err != nil {
			return nil, err
		}
		// throttling and transient errors are retried like any platform call; anything else
		// (a wrong secret) is returned at once
		delay := defaultRetryPolicy.Initial
		for attempt := 1; ; attempt++ {
			err := d.CheckCredentials(ctx)
			if err == nil {
				return d, nil
			}
			if !platform.IsRetryable(err) || attempt >= defaultRetryPolicy.Attempts {
				return nil, err
			}
			select {
			case <-ctx.Done():
				return nil, err
			case <-time.After(delay):
			}
			delay = min(2*delay, defaultRetryPolicy.Max)
		}
	}
}
