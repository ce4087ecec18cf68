package provider

import (
	"context"
	"net/http"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/dr-provider/terraform-provider-dr/internal/platform"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/acronis"
)

// The Acronis DR driver (recovery servers through the DR API v2). settings: client_id,
// client_secret, datacenter_url (also the endpoint override: a local emulator). The driver
// authenticates at Configure, so a wrong secret is one clear error there, never a retry loop.
func init() {
	vendorDrivers["acronis"] = func(ctx context.Context, settings map[string]string) (platform.Platform, error) {
		var hc *http.Client
		if rt := vendorTransport("acronis"); rt != nil {
			hc = &http.Client{Timeout: 30 * time.Second, Transport: rt}
		}
		return acronis.New(ctx, acronis.Config{
			HTTPClient:    hc,
			DatacenterURL: settings["datacenter_url"],
			ClientID:      settings["client_id"],
			ClientSecret:  settings["client_secret"],
			// request lines only (method, path, status): the masks configureVendor set on ctx
			// cover the secrets anyway
			Log: func(msg string) { tflog.Debug(ctx, msg) },
		})
	}
}
