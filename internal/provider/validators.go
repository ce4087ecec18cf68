package provider

import (
	"context"
	"fmt"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

var (
	regionPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)
	idPattern     = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$`)
)

// idFormat is shown whenever an ID is malformed.
const idFormat = "1 to 128 characters: letters, digits, '.', '_', ':', '@' and '-', starting with a letter or digit (e.g. pair-1a2b3c4d5e6f)"

// regionValidator accepts region and zone names: lower-case letters, digits and hyphens.
func regionValidator() validator.String {
	return stringvalidator.RegexMatches(regionPattern,
		"must be a region or zone name: 1 to 63 lower-case letters, digits and hyphens, starting with a letter or digit (e.g. cn-shanghai, cn-shanghai-a)")
}

// idValidator accepts object IDs.
func idValidator() validator.String {
	return stringvalidator.RegexMatches(idPattern, "must be an object ID: "+idFormat)
}

// ValidateID checks an object ID (import IDs and references).
func ValidateID(id string) error {
	if !idPattern.MatchString(id) {
		return fmt.Errorf("%q is not a valid ID; expected %s", id, idFormat)
	}
	return nil
}

// importByID imports a resource by its ID after checking the ID's format, so a malformed ID
// gets an error that shows the expected format instead of a confusing "not found".
func importByID(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse, typeName string) {
	if err := ValidateID(req.ID); err != nil {
		resp.Diagnostics.AddError("Invalid import ID for "+typeName,
			fmt.Sprintf("%s. Import with: terraform import %s.<name> <id>", err, typeName))
		return
	}
	resource.ImportStatePassthroughID(ctx, path.Root("id"), req, resp)
}

// ruleValidator adapts a format rule of the lifecycle engine (which carries its rule ID) to a
// string attribute validator, so the rule lives in one place.
type ruleValidator struct {
	description string
	check       func(string) error
}

func (v ruleValidator) Description(context.Context) string         { return v.description }
func (v ruleValidator) MarkdownDescription(context.Context) string { return v.description }

func (v ruleValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := v.check(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid attribute value", err.Error())
	}
}

var namePattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9:_.-]*$`)

const nameFormat = "must start with a letter and contain only letters, digits, ':', '_', '.' and '-'"

var groupNamePattern = regexp.MustCompile(`^[A-Za-z0-9._-]+$`)

var noAngleBrackets = regexp.MustCompile(`^[^<>]*$`)
