package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Resource identity (Terraform >= 1.12) of the four DR kinds: the platform object's id. On the
// sandbox (and on every platform the provider models) an id names exactly one object across
// regions, so the identity has no region attribute. The identity is what `import { identity =
// { id = … } }` takes and what the list resources (`terraform query`) return.

// drIdentityModel is the identity object of a DR resource.
type drIdentityModel struct {
	ID types.String `tfsdk:"id"`
}

// drIdentitySchema is the identity schema shared by the four DR kinds.
func drIdentitySchema(what string) identityschema.Schema {
	return identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"id": identityschema.StringAttribute{
				Description: "Identifier of the " + what + " on the DR platform (the resource's `id` attribute). " +
					"It identifies the object on its own: no region is needed.",
				RequiredForImport: true,
			},
		},
	}
}

// setIdentity records the object's identity in a Create, Read or Update response. It must be
// set in all three: with a Terraform CLI older than 1.12, which never sends identity back, the
// framework otherwise fails with "Missing Resource Identity". A nil identity (a resource
// without identity support) or an empty id (nothing created) is left alone.
func setIdentity(ctx context.Context, ident *tfsdk.ResourceIdentity, id string, diags *diag.Diagnostics) {
	if ident == nil || id == "" {
		return
	}
	m := drIdentityModel{ID: types.StringValue(id)}
	diags.Append(setModel(ctx, &ident.Raw, ident.Schema, &m, func() diag.Diagnostics { return ident.Set(ctx, m) })...)
}

// importByIDOrIdentity imports a DR resource by its ID (`terraform import`, `import { id = … }`)
// or by its identity (`import { identity = { id = … } }`, Terraform >= 1.12), after checking
// the ID's format.
func importByIDOrIdentity(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse, typeName string) {
	if req.ID != "" || req.Identity == nil || req.Identity.Raw.IsNull() {
		importByID(ctx, req, resp, typeName)
		if !resp.Diagnostics.HasError() {
			setIdentity(ctx, resp.Identity, req.ID, &resp.Diagnostics)
		}
		return
	}
	var ident drIdentityModel
	resp.Diagnostics.Append(req.Identity.Get(ctx, &ident)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if err := ValidateID(ident.ID.ValueString()); err != nil {
		resp.Diagnostics.AddError("Invalid import identity for "+typeName,
			fmt.Sprintf("%s. Import with: import { to = %s.<name>\n  identity = { id = \"<id>\" } }", err, typeName))
		return
	}
	resource.ImportStatePassthroughWithIdentity(ctx, path.Root("id"), path.Root("id"), req, resp)
}
