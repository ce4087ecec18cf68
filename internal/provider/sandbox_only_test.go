package provider

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// noInventory is a test platform without the sandbox's inventory (as every vendor platform).
type noInventory struct{ platform.Platform }

// Every dr_sandbox_* resource is refused at plan on a platform other than the sandbox.
func TestSandboxResourcesRefusedAtPlanElsewhere(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newActionEnv(t)
	data := newProviderData(noInventory{e.sb}, "test", time.Millisecond, 1)
	for _, ctor := range resourceConstructors {
		r := ctor()
		var md resource.MetadataResponse
		r.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "dr"}, &md)
		if !strings.HasPrefix(md.TypeName, "dr_sandbox_") {
			continue
		}
		t.Run(md.TypeName, func(t *testing.T) {
			r.(resource.ResourceWithConfigure).Configure(ctx, resource.ConfigureRequest{ProviderData: data}, &resource.ConfigureResponse{})
			var sr resource.SchemaResponse
			r.Schema(ctx, resource.SchemaRequest{}, &sr)
			typ := sr.Schema.Type().TerraformType(ctx).(tftypes.Object)
			vals := map[string]tftypes.Value{}
			for k, at := range typ.AttributeTypes {
				vals[k] = tftypes.NewValue(at, nil)
			}
			raw := tftypes.NewValue(typ, vals)
			req := resource.ModifyPlanRequest{
				Config: tfsdk.Config{Schema: sr.Schema, Raw: raw},
				Plan:   tfsdk.Plan{Schema: sr.Schema, Raw: raw},
				State:  tfsdk.State{Schema: sr.Schema, Raw: tftypes.NewValue(typ, nil)},
			}
			resp := resource.ModifyPlanResponse{Plan: req.Plan}
			mp, ok := r.(resource.ResourceWithModifyPlan)
			if !ok {
				t.Fatal("no ModifyPlan: refused only at apply")
			}
			mp.ModifyPlan(ctx, req, &resp)
			if !resp.Diagnostics.HasError() || !strings.Contains(resp.Diagnostics.Errors()[0].Summary(), "works only on the sandbox platform") {
				t.Fatalf("want a plan-time refusal, got %v", resp.Diagnostics)
			}
		})
	}
}
