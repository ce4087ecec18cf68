package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// addError adds the standard error for a failed platform call: a short, action-specific
// summary ("Error creating dr_sandbox_site") and a detail naming the object and the cause.
func addError(diags *diag.Diagnostics, action, typeName, id string, err error) {
	detail := err.Error()
	if id != "" {
		detail = fmt.Sprintf("%s %q: %s", typeName, id, err)
	}
	diags.AddError(fmt.Sprintf("Error %s %s", action, typeName), detail)
}

// removeIfGone handles a Read of an object that no longer exists: Terraform forgets it with a
// warning (it was deleted outside Terraform). It reports whether it did.
func removeIfGone(ctx context.Context, err error, typeName, id string, resp *resource.ReadResponse) bool {
	if !platform.IsNotFound(err) {
		return false
	}
	resp.Diagnostics.AddWarning(fmt.Sprintf("%s %q no longer exists", typeName, id),
		"It was deleted outside Terraform, so Terraform removes it from the state; the next plan creates it again if it is still configured.")
	resp.State.RemoveResource(ctx)
	// A resource with identity keeps reporting it (a CLI older than 1.12 sends none, and the
	// framework wants one back even for a removed object).
	setIdentity(ctx, resp.Identity, id, &resp.Diagnostics)
	return true
}

// configured reports whether the provider is configured, adding the error that says what
// needs it when it is not.
func configured(data *ProviderData, what string, diags *diag.Diagnostics) bool {
	if data == nil {
		diags.AddError("Provider not configured", what+" needs a configured dr provider.")
		return false
	}
	return true
}

// requireInventory returns the sandbox inventory, or adds an error explaining that the
// dr_sandbox_* resources only work on the sandbox platform.
func requireInventory(data *ProviderData, typeName string, diags *diag.Diagnostics) platform.Inventory {
	if !configured(data, typeName, diags) {
		return nil
	}
	inv := data.Inventory
	if inv == nil {
		diags.AddError(typeName+" works only on the sandbox platform",
			fmt.Sprintf("The provider is configured for the %q platform, which has no sandbox inventory. "+
				"%s simulates sites, volumes, servers, backups and vaults of the embedded sandbox; "+
				"manage real infrastructure with its own provider.", data.PlatformName, typeName))
		return nil
	}
	return inv
}

// diagList is the framework's diagnostics slice, named for short signatures.
type diagList = diag.Diagnostics

// planSandboxOnly refuses at plan a dr_sandbox_* resource when the provider drives another
// platform (not at apply, as requireInventory alone would). A destroy is let through: the
// objects live in a sandbox database that a later configuration may no longer select.
func planSandboxOnly(data *ProviderData, typeName string, req resource.ModifyPlanRequest, diags *diag.Diagnostics) bool {
	if data == nil || req.Plan.Raw.IsNull() {
		return true
	}
	return requireInventory(data, typeName, diags) != nil
}
