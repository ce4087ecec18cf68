package provider

import (
	"reflect"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// fastModelPairs are replication pair models as Read and ModifyPlan see them: filled from the
// platform (with and without a drill on record, tags, a group), and a plan's with unknowns.
func fastModelPairs(t *testing.T) []pairModel {
	t.Helper()
	d := &ProviderData{}
	r := newDRResource[pairModel, platform.ReplicationPair](pairKind{})
	r.data = d
	obs := lifecycle.Observation{Kind: lifecycle.ReplicationPair, ID: "rp-1", State: lifecycle.Replicating, ActiveSite: lifecycle.SiteSource}
	base := platform.ReplicationPair{ID: "rp-1", Name: "rp1", PrimaryVolumeID: "vol-a", SecondaryVolumeID: "vol-b", RPOSeconds: 900,
		BandwidthKbps: 10240, State: lifecycle.Replicating, ActiveSite: lifecycle.SiteSource, PrimaryRegion: "cn-shanghai",
		PrimaryZone: "cn-shanghai-a", SecondaryRegion: "cn-shanghai", SecondaryZone: "cn-shanghai-b",
		LastRecoveryPoint: time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC), LagSeconds: 30, Observed: obs}
	drilled := base
	drilled.Description, drilled.GroupID, drilled.LastError = "d", "pg-1", "boom"
	drilled.Tags = map[string]string{"env": "prod", "team": "dr"}
	drilled.LastDrill = &platform.DrillRecord{ID: "dr-1", StartedAt: base.LastRecoveryPoint, Outcome: platform.DrillFailed,
		Message: "no", Unreported: map[string]string{"ended_at": "not listed"}}
	drilled.Observed.State = lifecycle.Paused
	var out []pairModel
	for _, p := range []platform.ReplicationPair{base, drilled, {ID: "rp-2", Observed: lifecycle.Observation{Kind: lifecycle.ReplicationPair}}} {
		var m pairModel
		m.PlannedOperations = types.ListNull(types.StringType)
		m.Timeouts.Object = types.ObjectNull(map[string]attr.Type{"create": types.StringType, "update": types.StringType, "delete": types.StringType})
		var diags diag.Diagnostics
		r.fill(&m, p, &diags)
		if diags.HasError() {
			t.Fatal(diags)
		}
		out = append(out, m)
	}
	plan := out[0]
	plan.Status, plan.AllowedOperations, plan.Readiness = types.StringUnknown(), types.ListUnknown(types.StringType), types.ObjectUnknown(plan.Readiness.AttributeTypes(t.Context()))
	plan.PlannedOperations = types.ListValueMust(types.StringType, []attr.Value{types.StringValue("start")})
	plan.Tags, plan.TagsAll = types.MapUnknown(types.StringType), types.MapValueMust(types.StringType, map[string]attr.Value{})
	return append(out, plan)
}

// TestFastModelMatchesTheFramework: getModel and setModel give exactly what the framework's Get
// and Set give (the same Terraform value, the same model), for the pair's whole schema.
func TestFastModelMatchesTheFramework(t *testing.T) {
	ctx := t.Context()
	r := newDRResource[pairModel, platform.ReplicationPair](pairKind{})
	var sr resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &sr)
	null := tftypes.NewValue(sr.Schema.Type().TerraformType(ctx), nil)
	for i, m := range fastModelPairs(t) {
		want := tfsdk.State{Schema: sr.Schema, Raw: null}
		if d := want.Set(ctx, &m); d.HasError() {
			t.Fatalf("pair %d: framework Set: %v", i, d)
		}
		got := tfsdk.State{Schema: sr.Schema, Raw: null}
		if d := setState(ctx, &got, &m); d.HasError() {
			t.Fatalf("pair %d: setState: %v", i, d)
		}
		if !got.Raw.Equal(want.Raw) {
			t.Fatalf("pair %d: setState wrote\n%s\nthe framework\n%s", i, got.Raw, want.Raw)
		}
		var fw, fast pairModel
		if d := want.Get(ctx, &fw); d.HasError() {
			t.Fatalf("pair %d: framework Get: %v", i, d)
		}
		if d := getState(ctx, want, &fast); d.HasError() {
			t.Fatalf("pair %d: getState: %v", i, d)
		}
		if !reflect.DeepEqual(fw, fast) {
			t.Fatalf("pair %d: getState read\n%+v\nthe framework\n%+v", i, fast, fw)
		}
		var p pairModel
		if d := getPlan(ctx, tfsdk.Plan{Schema: sr.Schema, Raw: want.Raw}, &p); d.HasError() || !reflect.DeepEqual(p, fw) {
			t.Fatalf("pair %d: getPlan: %v", i, d)
		}
	}
}

// wrongModel has a field of another type than the schema's: the framework's error is reported.
type wrongModel struct {
	pairData
	PlannedOperations types.String   `tfsdk:"planned_operations"`
	Timeouts          timeouts.Value `tfsdk:"timeouts"`
}

func TestFastModelFallsBackToTheFrameworksErrors(t *testing.T) {
	ctx := t.Context()
	r := newDRResource[pairModel, platform.ReplicationPair](pairKind{})
	var sr resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &sr)
	m := fastModelPairs(t)[0]
	st := tfsdk.State{Schema: sr.Schema, Raw: tftypes.NewValue(sr.Schema.Type().TerraformType(ctx), nil)}
	if d := setState(ctx, &st, &m); d.HasError() {
		t.Fatal(d)
	}
	var w wrongModel
	got, want := getState(ctx, st, &w), st.Get(ctx, &w)
	if !got.HasError() || !got.Equal(want) {
		t.Fatalf("getState into a wrong model: %v, the framework: %v", got, want)
	}
	w = wrongModel{pairData: m.pairData, PlannedOperations: types.StringValue("start"), Timeouts: m.Timeouts}
	if got, want := setState(ctx, &st, &w), st.Set(ctx, &w); !got.HasError() || !got.Equal(want) {
		t.Fatalf("setState of a wrong model: %v, the framework: %v", got, want)
	}
	// a null state: the framework's refusal too
	null := tfsdk.State{Schema: sr.Schema, Raw: tftypes.NewValue(sr.Schema.Type().TerraformType(ctx), nil)}
	var p pairModel
	if got, want := getState(ctx, null, &p), null.Get(ctx, &p); !got.Equal(want) {
		t.Fatalf("getState of a null state: %v, the framework: %v", got, want)
	}
}

// TestFastIdentityMatchesTheFramework: setIdentity writes the identity the framework's Set does.
func TestFastIdentityMatchesTheFramework(t *testing.T) {
	ctx := t.Context()
	s := drIdentitySchema("replication pair")
	null := tftypes.NewValue(s.Type().TerraformType(ctx), nil)
	want := tfsdk.ResourceIdentity{Schema: s, Raw: null}
	if d := want.Set(ctx, drIdentityModel{ID: types.StringValue("rp-1")}); d.HasError() {
		t.Fatal(d)
	}
	got := &tfsdk.ResourceIdentity{Schema: s, Raw: null}
	var diags diag.Diagnostics
	setIdentity(ctx, got, "rp-1", &diags)
	if diags.HasError() || !got.Raw.Equal(want.Raw) {
		t.Fatalf("setIdentity wrote %s (%v), the framework %s", got.Raw, diags, want.Raw)
	}
}

// BenchmarkPairModel: a replicating pair's state decoded (Get) and encoded (Set) by the
// framework's reflection and by getModel/setModel (what Read does once each per resource).
func BenchmarkPairModel(b *testing.B) {
	ctx := b.Context()
	r := newDRResource[pairModel, platform.ReplicationPair](pairKind{})
	var sr resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &sr)
	m := fastModelPairs(&testing.T{})[0]
	st := tfsdk.State{Schema: sr.Schema, Raw: tftypes.NewValue(sr.Schema.Type().TerraformType(ctx), nil)}
	if d := st.Set(ctx, &m); d.HasError() {
		b.Fatal(d)
	}
	b.Run("framework", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var got pairModel
			_ = st.Get(ctx, &got)
			out := st
			_ = out.Set(ctx, &got)
		}
	})
	b.Run("fast", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var got pairModel
			_ = getState(ctx, st, &got)
			out := st
			_ = setState(ctx, &out, &got)
		}
	})
}
