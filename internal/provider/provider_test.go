package provider

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// testAccProtoV6ProviderFactories serves the provider in-process to the Terraform CLI.
var testAccProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"dr": providerserver.NewProtocol6WithError(New("test", "test")()),
}

var sandboxBlockType = tftypes.Object{AttributeTypes: map[string]tftypes.Type{
	"path": tftypes.String, "time_scale": tftypes.Number,
}}

// providerConfigType is the provider block's type, from its schema (the platform blocks
// besides the sandbox's).
var providerConfigType = func() tftypes.Object {
	var resp provider.SchemaResponse
	New("test", "test")().Schema(context.Background(), provider.SchemaRequest{}, &resp)
	return resp.Schema.Type().TerraformType(context.Background()).(tftypes.Object)
}()

func providerConfig(t testing.TB, path any, timeScale any) *tfprotov6.DynamicValue {
	t.Helper()
	vals := map[string]tftypes.Value{}
	for k, at := range providerConfigType.AttributeTypes {
		vals[k] = tftypes.NewValue(at, nil) // the other platforms' blocks: absent
	}
	vals["sandbox"] = tftypes.NewValue(sandboxBlockType, map[string]tftypes.Value{
		"path":       tftypes.NewValue(tftypes.String, path),
		"time_scale": tftypes.NewValue(tftypes.Number, timeScale),
	})
	v := tftypes.NewValue(providerConfigType, vals)
	dv, err := tfprotov6.NewDynamicValue(providerConfigType, v)
	if err != nil {
		t.Fatal(err)
	}
	return &dv
}

func protoServer(t *testing.T) tfprotov6.ProviderServer {
	t.Helper()
	srv, err := testAccProtoV6ProviderFactories["dr"]()
	if err != nil {
		t.Fatal(err)
	}
	return srv
}

func errorDiags(diags []*tfprotov6.Diagnostic) []*tfprotov6.Diagnostic {
	var out []*tfprotov6.Diagnostic
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			out = append(out, d)
		}
	}
	return out
}

func TestProviderSchema(t *testing.T) {
	t.Parallel()
	resp, err := protoServer(t).GetProviderSchema(t.Context(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if d := errorDiags(resp.Diagnostics); len(d) > 0 {
		t.Fatalf("schema diagnostics: %v", d[0].Summary)
	}
	var sb *tfprotov6.SchemaNestedBlock
	for _, b := range resp.Provider.Block.BlockTypes {
		if b.TypeName == "sandbox" {
			sb = b
		}
	}
	if sb == nil {
		t.Fatal("provider schema has no sandbox block")
	}
	names := map[string]bool{}
	for _, a := range sb.Block.Attributes {
		names[a.Name] = true
		if a.Description == "" {
			t.Errorf("sandbox.%s has no description", a.Name)
		}
	}
	if !names["path"] || !names["time_scale"] {
		t.Fatalf("sandbox block attributes = %v, want path and time_scale", names)
	}
}

func TestProviderValidate_timeScale(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		timeScale any
		wantErr   bool
	}{
		{"negative", -1.0, true},
		{"zero", 0.0, true},
		{"too large", 1e9, true},
		{"fast", 600.0, false},
		{"unset", nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var ts any
			if tc.timeScale != nil {
				ts = tc.timeScale
			}
			resp, err := protoServer(t).ValidateProviderConfig(t.Context(), &tfprotov6.ValidateProviderConfigRequest{
				Config: providerConfig(t, nil, ts),
			})
			if err != nil {
				t.Fatal(err)
			}
			errs := errorDiags(resp.Diagnostics)
			if got := len(errs) > 0; got != tc.wantErr {
				t.Fatalf("errors = %v, want error: %v", errs, tc.wantErr)
			}
			if tc.wantErr {
				want := tftypes.NewAttributePath().WithAttributeName("sandbox").WithAttributeName("time_scale")
				if errs[0].Attribute == nil || !errs[0].Attribute.Equal(want) {
					t.Fatalf("error attribute = %v, want %v", errs[0].Attribute, want)
				}
				if !strings.Contains(errs[0].Detail, "between") {
					t.Fatalf("error detail %q does not state the valid range", errs[0].Detail)
				}
			}
		})
	}
}

func TestProviderConfigure(t *testing.T) {
	dir := t.TempDir()
	blocked := filepath.Join(dir, "file")
	if err := os.WriteFile(blocked, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		path    string
		env     map[string]string
		wantErr string // substring of the summary; "" = success
		wantAt  string
	}{
		{name: "creates the database", path: filepath.Join(dir, "a", "sandbox.db")},
		{name: "unwritable path", path: filepath.Join(blocked, "sub", "sandbox.db"), wantErr: "Cannot open the sandbox database", wantAt: "path"},
		{name: "bad env time scale", path: filepath.Join(dir, "b", "sandbox.db"), env: map[string]string{EnvSandboxTimeScale: "fast"}, wantErr: "Invalid sandbox time scale", wantAt: "time_scale"},
		{name: "negative env time scale", path: filepath.Join(dir, "c", "sandbox.db"), env: map[string]string{EnvSandboxTimeScale: "-5"}, wantErr: "Invalid sandbox time scale", wantAt: "time_scale"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			resp, err := protoServer(t).ConfigureProvider(t.Context(), &tfprotov6.ConfigureProviderRequest{
				Config: providerConfig(t, tc.path, nil),
			})
			if err != nil {
				t.Fatal(err)
			}
			errs := errorDiags(resp.Diagnostics)
			if tc.wantErr == "" {
				if len(errs) > 0 {
					t.Fatalf("unexpected error: %s: %s", errs[0].Summary, errs[0].Detail)
				}
				st, err := os.Stat(tc.path)
				if err != nil {
					t.Fatalf("database not created: %v", err)
				}
				if st.Mode().Perm() != 0o600 {
					t.Fatalf("database mode = %v, want 0600", st.Mode().Perm())
				}
				return
			}
			if len(errs) == 0 || !strings.Contains(errs[0].Summary, tc.wantErr) {
				t.Fatalf("errors = %+v, want %q", errs, tc.wantErr)
			}
			want := tftypes.NewAttributePath().WithAttributeName("sandbox").WithAttributeName(tc.wantAt)
			if errs[0].Attribute == nil || !errs[0].Attribute.Equal(want) {
				t.Fatalf("error attribute = %v, want %v", errs[0].Attribute, want)
			}
		})
	}
}

func TestProviderConfigure_envPath(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "env", "sandbox.db")
	t.Setenv(EnvSandboxPath, db)
	resp, err := protoServer(t).ConfigureProvider(t.Context(), &tfprotov6.ConfigureProviderRequest{
		Config: providerConfig(t, nil, nil),
	})
	if err != nil {
		t.Fatal(err)
	}
	if errs := errorDiags(resp.Diagnostics); len(errs) > 0 {
		t.Fatalf("unexpected error: %s", errs[0].Summary)
	}
	if _, err := os.Stat(db); err != nil {
		t.Fatalf("DR_SANDBOX_PATH not honoured: %v", err)
	}
	st, err := os.Stat(filepath.Dir(db))
	if err != nil || st.Mode().Perm() != 0o700 {
		t.Fatalf("database directory mode = %v (%v), want 0700", st.Mode().Perm(), err)
	}
}
