package provider

import (
	"context"
	"slices"
	"sort"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
)

// describedKind is what the core reads of a kind's static description.
type describedKind interface {
	info() drInfo
	schema(context.Context) schema.Schema
}

var drKinds = []describedKind{pairKind{}, groupKind{}, replicaKind{}, rsKind{}}

// The core plans a replacement from each kind's replace list (ModifyPlan does not see the
// framework's RequiresReplace): the list must name exactly the attributes the schema replaces
// the object for. The attributes a plan keeps when it operates the object are computed ones
// that never change once known.
func TestDRKindsReplaceWhatTheirSchemaReplaces(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	replaces := map[string]bool{
		stringplanmodifier.RequiresReplace().Description(ctx): true,
		int64planmodifier.RequiresReplace().Description(ctx):  true,
		boolplanmodifier.RequiresReplace().Description(ctx):   true,
	}
	for _, k := range drKinds {
		i, s := k.info(), k.schema(ctx)
		var want []string
		for name, a := range s.Attributes {
			var descs []string
			switch a := a.(type) {
			case schema.StringAttribute:
				for _, m := range a.PlanModifiers {
					descs = append(descs, m.Description(ctx))
				}
			case schema.Int64Attribute:
				for _, m := range a.PlanModifiers {
					descs = append(descs, m.Description(ctx))
				}
			case schema.BoolAttribute:
				for _, m := range a.PlanModifiers {
					descs = append(descs, m.Description(ctx))
				}
			}
			if slices.ContainsFunc(descs, func(d string) bool { return replaces[d] }) {
				want = append(want, name)
			}
		}
		got := slices.Clone(i.replace)
		sort.Strings(got)
		sort.Strings(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s replaces on %v; its schema on %v", i.typeName, got, want)
		}
		for _, name := range append([]string{i.createAt, i.deleteAt}, i.stable...) {
			a, ok := s.Attributes[name]
			if !ok {
				t.Errorf("%s names attribute %q, which its schema lacks", i.typeName, name)
				continue
			}
			if slices.Contains(i.stable, name) && (!a.IsComputed() || a.IsOptional()) {
				t.Errorf("%s keeps %q in an operating plan, but it is not computed-only", i.typeName, name)
			}
		}
		for _, a := range i.attrs {
			if _, ok := s.Attributes[a]; !ok {
				t.Errorf("%s places violations at %q, which its schema lacks", i.typeName, a)
			}
		}
	}
}
