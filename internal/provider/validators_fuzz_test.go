package provider

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Bad input never panics and always gets a clear error: these fuzz targets cover the import ID
// check, every string validator of every resource schema (names, descriptions, regions and
// zones, IDs, enums) and the timeouts durations. Their seed corpora run with `go test`;
// explore with e.g. `go test -fuzz=FuzzImportByID ./internal/provider`.

var fuzzSeeds = []string{"", "a", "pair-1a2b3c4d5e6f", "cn-shanghai", "cn-shanghai-a", "CN-Shanghai", "-lead", "web-data",
	strings.Repeat("x", 128), strings.Repeat("x", 129), "a b", "a/b", "../../etc/passwd", "x\x00y", "\xff\xfe", "ünïcode", "<script>",
	"10m", "-5m", "0s", "1h30m", "9999999999h", "1e3s", "${var.x}", "\"quoted\"", "line\nbreak"}

func addSeeds(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
}

func FuzzValidateID(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, id string) {
		err := ValidateID(id)
		if (err == nil) != idPattern.MatchString(id) {
			t.Fatalf("ValidateID(%q) = %v, pattern says %v", id, err, idPattern.MatchString(id))
		}
		if err != nil && !strings.Contains(err.Error(), idFormat) {
			t.Fatalf("ValidateID(%q) = %q: does not show the expected format", id, err)
		}
	})
}

// FuzzImportByID drives the import of every DR resource through importByID.
func FuzzImportByID(f *testing.F) {
	addSeeds(f)
	ctx := context.Background()
	var sr resource.SchemaResponse
	NewReplicationPairResource().Schema(ctx, resource.SchemaRequest{}, &sr)
	sch := sr.Schema
	f.Fuzz(func(t *testing.T, id string) {
		resp := &resource.ImportStateResponse{State: tfsdk.State{Schema: sch, Raw: tftypes.NewValue(sch.Type().TerraformType(ctx), nil)}}
		importByID(ctx, resource.ImportStateRequest{ID: id}, resp, pairType)
		if ValidateID(id) != nil {
			if !resp.Diagnostics.HasError() {
				t.Fatalf("import %q accepted", id)
			}
			d := resp.Diagnostics.Errors()[0]
			if !strings.Contains(d.Summary(), "Invalid import ID") || !strings.Contains(d.Detail(), "expected") || !strings.Contains(d.Detail(), "terraform import "+pairType) {
				t.Fatalf("import %q: unclear error %q: %q", id, d.Summary(), d.Detail())
			}
			return
		}
		if resp.Diagnostics.HasError() {
			t.Fatalf("import %q refused: %v", id, resp.Diagnostics)
		}
		var got types.String
		resp.Diagnostics.Append(resp.State.GetAttribute(ctx, path.Root("id"), &got)...)
		if got.ValueString() != id {
			t.Fatalf("import %q stored id %q", id, got)
		}
	})
}

type namedValidator struct {
	where string
	v     validator.String
}

// stringValidators collects every string validator of every resource schema, with the
// timeouts block's duration validators.
func stringValidators(t testing.TB) []namedValidator {
	ctx := context.Background()
	var out []namedValidator
	for _, c := range resourceConstructors {
		r := c()
		var md resource.MetadataResponse
		r.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "dr"}, &md)
		var sr resource.SchemaResponse
		r.Schema(ctx, resource.SchemaRequest{}, &sr)
		for name, a := range sr.Schema.Attributes {
			if sa, ok := a.(schema.StringAttribute); ok {
				for _, v := range sa.Validators {
					out = append(out, namedValidator{md.TypeName + "." + name, v})
				}
			}
		}
		for bname, b := range sr.Schema.Blocks {
			nb, ok := b.(schema.SingleNestedBlock)
			if !ok {
				continue
			}
			for name, a := range nb.Attributes {
				if sa, ok := a.(schema.StringAttribute); ok {
					for _, v := range sa.Validators {
						out = append(out, namedValidator{md.TypeName + "." + bname + "." + name, v})
					}
				}
			}
		}
	}
	if len(out) < 10 {
		t.Fatalf("found only %d string validators", len(out))
	}
	return out
}

// FuzzStringValidators: names, descriptions, regions, zones, IDs and enum values.
func FuzzStringValidators(f *testing.F) {
	addSeeds(f)
	vs := stringValidators(f)
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, s string) {
		for _, nv := range vs {
			resp := &validator.StringResponse{}
			nv.v.ValidateString(ctx, validator.StringRequest{Path: path.Root("x"), ConfigValue: types.StringValue(s)}, resp)
			for _, d := range resp.Diagnostics.Errors() {
				if d.Summary() == "" || d.Detail() == "" {
					t.Fatalf("%s(%q): error without an explanation: %q / %q", nv.where, s, d.Summary(), d.Detail())
				}
			}
			if nv.v.Description(ctx) == "" {
				t.Fatalf("%s: validator without a description", nv.where)
			}
		}
	})
}

func FuzzRegionValidator(f *testing.F) {
	addSeeds(f)
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, s string) {
		resp := &validator.StringResponse{}
		regionValidator().ValidateString(ctx, validator.StringRequest{Path: path.Root("region"), ConfigValue: types.StringValue(s)}, resp)
		if resp.Diagnostics.HasError() == regionPattern.MatchString(s) {
			t.Fatalf("region %q: error %v, pattern %v", s, resp.Diagnostics, regionPattern.MatchString(s))
		}
		if resp.Diagnostics.HasError() && !strings.Contains(resp.Diagnostics.Errors()[0].Detail(), "e.g. cn-shanghai") {
			t.Fatalf("region %q: error does not show an example: %v", s, resp.Diagnostics)
		}
	})
}

// FuzzTimeouts: a timeouts value the schema accepts parses; any other gets the validator's
// error, and the resource falls back to its default instead of panicking.
func FuzzTimeouts(f *testing.F) {
	addSeeds(f)
	ctx := context.Background()
	var durValidators []validator.String
	for _, nv := range stringValidators(f) {
		if strings.HasSuffix(nv.where, "dr_replication_pair.timeouts.create") {
			durValidators = append(durValidators, nv.v)
		}
	}
	if len(durValidators) == 0 {
		f.Fatal("no duration validator on dr_replication_pair timeouts.create")
	}
	f.Fuzz(func(t *testing.T, s string) {
		resp := &validator.StringResponse{}
		for _, v := range durValidators {
			v.ValidateString(ctx, validator.StringRequest{Path: path.Root("timeouts").AtName("create"), ConfigValue: types.StringValue(s)}, resp)
		}
		obj := types.ObjectValueMust(map[string]attr.Type{"create": types.StringType}, map[string]attr.Value{"create": types.StringValue(s)})
		d, diags := timeouts.Value{Object: obj}.Create(ctx, defaultCreateTimeout)
		if resp.Diagnostics.HasError() != diags.HasError() {
			t.Fatalf("timeout %q: validator %v but parse %v", s, resp.Diagnostics, diags)
		}
		if diags.HasError() && d != defaultCreateTimeout {
			t.Fatalf("timeout %q: unparsable but got %s", s, d)
		}
		if !diags.HasError() {
			if _, err := time.ParseDuration(s); err != nil {
				t.Fatalf("timeout %q accepted but does not parse: %v", s, err)
			}
		}
	})
}
