package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// providerDataFrom turns the provider data handed to Configure of any resource, data source,
// action or list resource into *ProviderData. nil means the provider is not configured yet
// (for example during validation); callers then skip platform calls.
func providerDataFrom(data any, diags *diag.Diagnostics) *ProviderData {
	if data == nil {
		return nil
	}
	pd, ok := data.(*ProviderData)
	if !ok {
		diags.AddError("Unexpected Configure Type",
			fmt.Sprintf("Expected *provider.ProviderData, got: %T. Please report this issue to the provider developers.", data))
		return nil
	}
	return pd
}
