// Command schemajson writes the provider's schema in the format of `terraform providers schema
// -json`, taken from the provider itself rather than from the Terraform CLI. tfplugindocs reads
// it through --providers-schema, so action pages and identity import sections are generated
// even with a Terraform CLI older than 1.14 (which knows neither).
//
// Usage: go run ./internal/cmd/schemajson > schema.json
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/dr-provider/terraform-provider-dr/internal/provider"
)

// schemaKey names the provider in the output. tfplugindocs looks a provider up by its short
// name ("dr") or as registry.terraform.io/hashicorp/<name>, so the short name it is.
const schemaKey = "dr"

func main() {
	out, err := build(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, "schemajson:", err)
		os.Exit(1)
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, "schemajson:", err)
		os.Exit(1)
	}
}

func build(ctx context.Context) (map[string]any, error) {
	srv := providerserver.NewProtocol6(provider.New("docs", "none")())()
	resp, err := srv.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		return nil, err
	}
	if err := diagsErr(resp.Diagnostics); err != nil {
		return nil, err
	}
	ps := map[string]any{"provider": schema(resp.Provider)}
	if m := schemas(resp.ResourceSchemas); len(m) > 0 {
		ps["resource_schemas"] = m
	}
	if m := schemas(resp.DataSourceSchemas); len(m) > 0 {
		ps["data_source_schemas"] = m
	}
	if m := schemas(resp.EphemeralResourceSchemas); len(m) > 0 {
		ps["ephemeral_resource_schemas"] = m
	}
	if m := schemas(resp.ListResourceSchemas); len(m) > 0 {
		ps["list_resource_schemas"] = m
	}
	if len(resp.ActionSchemas) > 0 {
		m := map[string]any{}
		for name, s := range resp.ActionSchemas {
			m[name] = map[string]any{"block": block(s.Schema.Block)}
		}
		ps["action_schemas"] = m
	}

	idResp, err := srv.GetResourceIdentitySchemas(ctx, &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil {
		return nil, err
	}
	if err := diagsErr(idResp.Diagnostics); err != nil {
		return nil, err
	}
	if len(idResp.IdentitySchemas) > 0 {
		m := map[string]any{}
		for name, s := range idResp.IdentitySchemas {
			attrs := map[string]any{}
			for _, a := range s.IdentityAttributes {
				attrs[a.Name] = map[string]any{
					"type":                typeJSON(a.Type),
					"description":         a.Description,
					"required_for_import": a.RequiredForImport,
					"optional_for_import": a.OptionalForImport,
				}
			}
			m[name] = map[string]any{"version": s.Version, "attributes": attrs}
		}
		ps["resource_identity_schemas"] = m
	}

	return map[string]any{
		"format_version":   "1.0",
		"provider_schemas": map[string]any{schemaKey: ps},
	}, nil
}

func diagsErr(diags []*tfprotov6.Diagnostic) error {
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			return fmt.Errorf("%s: %s", d.Summary, d.Detail)
		}
	}
	return nil
}

func schemas(in map[string]*tfprotov6.Schema) map[string]any {
	out := map[string]any{}
	for name, s := range in {
		out[name] = schema(s)
	}
	return out
}

func schema(s *tfprotov6.Schema) map[string]any {
	if s == nil {
		return map[string]any{"version": 0, "block": map[string]any{}}
	}
	return map[string]any{"version": s.Version, "block": block(s.Block)}
}

func block(b *tfprotov6.SchemaBlock) map[string]any {
	out := map[string]any{}
	if b == nil {
		return out
	}
	if len(b.Attributes) > 0 {
		attrs := map[string]any{}
		for _, a := range b.Attributes {
			attrs[a.Name] = attribute(a)
		}
		out["attributes"] = attrs
	}
	if len(b.BlockTypes) > 0 {
		blocks := map[string]any{}
		for _, nb := range b.BlockTypes {
			m := map[string]any{"nesting_mode": nesting(nb.Nesting), "block": block(nb.Block)}
			if nb.MinItems > 0 {
				m["min_items"] = nb.MinItems
			}
			if nb.MaxItems > 0 {
				m["max_items"] = nb.MaxItems
			}
			blocks[nb.TypeName] = m
		}
		out["block_types"] = blocks
	}
	describe(out, b.Description, b.DescriptionKind, b.Deprecated)
	return out
}

func attribute(a *tfprotov6.SchemaAttribute) map[string]any {
	out := map[string]any{}
	if a.NestedType != nil {
		nested := map[string]any{"nesting_mode": objectNesting(a.NestedType.Nesting)}
		attrs := map[string]any{}
		for _, na := range a.NestedType.Attributes {
			attrs[na.Name] = attribute(na)
		}
		nested["attributes"] = attrs
		out["nested_type"] = nested
	} else {
		out["type"] = typeJSON(a.Type)
	}
	for key, on := range map[string]bool{
		"required": a.Required, "optional": a.Optional, "computed": a.Computed,
		"sensitive": a.Sensitive, "write_only": a.WriteOnly,
	} {
		if on {
			out[key] = true
		}
	}
	describe(out, a.Description, a.DescriptionKind, a.Deprecated)
	return out
}

func describe(out map[string]any, desc string, kind tfprotov6.StringKind, deprecated bool) {
	if desc != "" {
		out["description"] = desc
		if kind == tfprotov6.StringKindMarkdown {
			out["description_kind"] = "markdown"
		} else {
			out["description_kind"] = "plain"
		}
	}
	if deprecated {
		out["deprecated"] = true
	}
}

// typeJSON uses the type encoding that Terraform's protocol and JSON output share.
func typeJSON(t interface{ MarshalJSON() ([]byte, error) }) json.RawMessage {
	b, err := t.MarshalJSON()
	if err != nil {
		panic(err) // a schema type the protocol itself could not encode
	}
	return b
}

func nesting(n tfprotov6.SchemaNestedBlockNestingMode) string {
	switch n {
	case tfprotov6.SchemaNestedBlockNestingModeSingle:
		return "single"
	case tfprotov6.SchemaNestedBlockNestingModeList:
		return "list"
	case tfprotov6.SchemaNestedBlockNestingModeSet:
		return "set"
	case tfprotov6.SchemaNestedBlockNestingModeMap:
		return "map"
	case tfprotov6.SchemaNestedBlockNestingModeGroup:
		return "group"
	}
	return "invalid"
}

func objectNesting(n tfprotov6.SchemaObjectNestingMode) string {
	switch n {
	case tfprotov6.SchemaObjectNestingModeSingle:
		return "single"
	case tfprotov6.SchemaObjectNestingModeList:
		return "list"
	case tfprotov6.SchemaObjectNestingModeSet:
		return "set"
	case tfprotov6.SchemaObjectNestingModeMap:
		return "map"
	}
	return "invalid"
}
