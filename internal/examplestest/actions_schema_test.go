package examplestest

import (
	"context"
	"math/big"
	"path/filepath"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/zclconf/go-cty/cty"
)

// TestExamples_actionsValidate is what can be checked of the action examples without
// Terraform 1.14: every `action` block's type is an action the provider serves, and its
// `config` passes the provider's ValidateActionConfig (attribute names, required attributes,
// validators such as the timeout's duration format) — with literal values as written and
// references to other objects as unknown, as Terraform sends them at validation. The CLI
// test (TestAccExamples_actions) applies them where the CLI supports actions.
func TestExamples_actionsValidate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, err := factories["dr"]()
	if err != nil {
		t.Fatal(err)
	}
	//lint:ignore SA1019 terraform-plugin-go v0.31 reaches actions only through this interface (toolchain-facts §1)
	as, ok := srv.(tfprotov6.ProviderServerWithActions)
	if !ok {
		t.Fatal("the provider server does not serve actions")
	}
	sresp, err := srv.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range exampleDirs(t, "actions") {
		f := filepath.Join(examplesRoot, "actions", name)
		file, diags := hclsyntax.ParseConfig([]byte(readExample(t, f)), f, hcl.InitialPos)
		if diags.HasErrors() {
			t.Fatalf("%s: %s", f, diags.Error())
		}
		blocks := 0
		for _, b := range file.Body.(*hclsyntax.Body).Blocks {
			if b.Type != "action" {
				continue
			}
			blocks++
			typ, label := b.Labels[0], b.Labels[1]
			sch, ok := sresp.ActionSchemas[typ]
			if !ok {
				t.Errorf("%s: action %q.%q: the provider serves no action %q", f, typ, label, typ)
				continue
			}
			cfg := actionConfig(t, f, b, sch)
			vresp, err := as.ValidateActionConfig(ctx, &tfprotov6.ValidateActionConfigRequest{ActionType: typ, Config: cfg})
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range vresp.Diagnostics {
				if d.Severity == tfprotov6.DiagnosticSeverityError {
					t.Errorf("%s: action %q.%q: %s: %s", f, typ, label, d.Summary, d.Detail)
				}
			}
		}
		if blocks == 0 {
			t.Errorf("examples/actions/%s has no action block", name)
		}
	}
}

// actionConfig builds the action's config value from its `config` block: literals as written,
// expressions with references unknown, absent attributes null; an attribute the schema does
// not know is an error.
func actionConfig(t *testing.T, file string, b *hclsyntax.Block, sch *tfprotov6.ActionSchema) *tfprotov6.DynamicValue {
	t.Helper()
	attrs := map[string]*hclsyntax.Attribute{}
	for _, inner := range b.Body.Blocks {
		if inner.Type == "config" {
			attrs = inner.Body.Attributes
		}
	}
	types := map[string]tftypes.Type{}
	vals := map[string]tftypes.Value{}
	for _, a := range sch.Schema.Block.Attributes {
		types[a.Name] = a.Type
		expr, ok := attrs[a.Name]
		switch {
		case !ok:
			if a.Required {
				t.Errorf("%s: action %q.%q lacks the required %s", file, b.Labels[0], b.Labels[1], a.Name)
			}
			vals[a.Name] = tftypes.NewValue(a.Type, nil)
		case len(expr.Expr.Variables()) > 0:
			vals[a.Name] = tftypes.NewValue(a.Type, tftypes.UnknownValue)
		default:
			v, diags := expr.Expr.Value(nil)
			if diags.HasErrors() {
				t.Fatalf("%s: %s: %s", file, a.Name, diags.Error())
			}
			vals[a.Name] = literal(t, a.Type, v)
		}
		delete(attrs, a.Name)
	}
	for n := range attrs {
		t.Errorf("%s: action %q.%q sets %s, which its schema does not have", file, b.Labels[0], b.Labels[1], n)
	}
	typ := tftypes.Object{AttributeTypes: types}
	dv, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, vals))
	if err != nil {
		t.Fatal(err)
	}
	return &dv
}

func literal(t *testing.T, typ tftypes.Type, v cty.Value) tftypes.Value {
	t.Helper()
	switch {
	case v.IsNull():
		return tftypes.NewValue(typ, nil)
	case typ.Is(tftypes.String) && v.Type() == cty.String:
		return tftypes.NewValue(typ, v.AsString())
	case typ.Is(tftypes.Bool) && v.Type() == cty.Bool:
		return tftypes.NewValue(typ, v.True())
	case typ.Is(tftypes.Number) && v.Type() == cty.Number:
		return tftypes.NewValue(typ, new(big.Float).Set(v.AsBigFloat()))
	}
	t.Fatalf("literal %s for an attribute of type %s: not supported by this test", v.Type().FriendlyName(), typ)
	return tftypes.Value{}
}
