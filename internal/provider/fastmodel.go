package provider

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"sync/atomic"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/attr/xattr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Model decoding and encoding without the framework's reflection (issue 28, plan CPU): the
// framework's Get and Set (internal/reflect) re-derive the model's struct tags on every call,
// compiling a regular expression per field (terraform-plugin-framework issue 725), rebuild the
// schema's type, convert the whole object back after building it, and were ~17 % of the
// provider's CPU in a no-op plan. These do the same conversions attribute by attribute — the
// attribute type's ValueFromTerraform and ToTerraformValue, the same validations (xattr) at the
// same paths — with the struct layout derived once per model type. Whatever they do not
// handle exactly as the framework does (a field type other than the value type the schema
// makes, a missing or extra attribute, a null or unknown object, any error or error
// diagnostic) falls back to the framework's own Get or Set, which reports it.

// schemaTyper is what the tfsdk data's schema gives: its type.
type schemaTyper interface {
	Type() attr.Type
}

// modelLayout is a model struct's fields by tfsdk tag (embedded structs flattened, as the
// framework's getStructTags does); nil fields: the framework would refuse the struct.
type modelLayout struct {
	fields []modelField
	// schema is the attribute types of the last schema seen with this model type.
	schema atomic.Pointer[modelSchema]
}

type modelField struct {
	name  string
	index []int
	typ   reflect.Type
}

type modelSchema struct {
	tf    tftypes.Type
	attrs map[string]attr.Type
	tfs   map[string]tftypes.Type
}

var modelLayouts sync.Map // reflect.Type → *modelLayout

func layoutOf(t reflect.Type) *modelLayout {
	if l, ok := modelLayouts.Load(t); ok {
		return l.(*modelLayout)
	}
	l := &modelLayout{}
	if fs, ok := structFields(t, nil); ok {
		l.fields = fs
	}
	v, _ := modelLayouts.LoadOrStore(t, l)
	return v.(*modelLayout)
}

// structFields lists the tagged fields of a struct type like the framework's getStructTags;
// false where that would fail, or a field sits behind an embedded pointer.
func structFields(t reflect.Type, prefix []int) ([]modelField, bool) {
	if t.Kind() != reflect.Struct {
		return nil, false
	}
	var out []modelField
	seen := map[string]bool{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() && !f.Anonymous {
			continue
		}
		idx := append(append([]int(nil), prefix...), i)
		tag, has := f.Tag.Lookup("tfsdk")
		if tag == "-" {
			continue
		}
		if f.Anonymous {
			if has || f.Type.Kind() != reflect.Struct {
				return nil, false
			}
			sub, ok := structFields(f.Type, idx)
			if !ok {
				return nil, false
			}
			for _, s := range sub {
				if seen[s.name] {
					return nil, false
				}
				seen[s.name] = true
			}
			out = append(out, sub...)
			continue
		}
		if !has || tag == "" || seen[tag] || !f.Type.Implements(attrValueType) {
			return nil, false
		}
		seen[tag] = true
		out = append(out, modelField{name: tag, index: idx, typ: f.Type})
	}
	return out, true
}

var attrValueType = reflect.TypeOf((*attr.Value)(nil)).Elem()

// schemaFor is the attribute types of the schema whose Terraform type is tf.
func (l *modelLayout) schemaFor(ctx context.Context, tf tftypes.Type, s schemaTyper) *modelSchema {
	if ms := l.schema.Load(); ms != nil && ms.tf.Equal(tf) {
		return ms
	}
	ot, ok := s.Type().(attr.TypeWithAttributeTypes)
	if !ok || !ot.TerraformType(ctx).Equal(tf) {
		return nil
	}
	ms := &modelSchema{tf: tf, attrs: ot.AttributeTypes(), tfs: map[string]tftypes.Type{}}
	for n, at := range ms.attrs {
		ms.tfs[n] = at.TerraformType(ctx)
	}
	if len(ms.attrs) != len(l.fields) {
		return nil
	}
	for _, f := range l.fields {
		if _, ok := ms.attrs[f.name]; !ok {
			return nil
		}
	}
	l.schema.Store(ms)
	return ms
}

// getModel decodes raw (of schema s) into target, a pointer to a model struct, as the
// framework's Get; fallback is that Get.
func getModel(ctx context.Context, raw tftypes.Value, s schemaTyper, target any, fallback func() diag.Diagnostics) diag.Diagnostics {
	tv := reflect.ValueOf(target)
	if tv.Kind() != reflect.Pointer || tv.IsNil() || !raw.IsKnown() || raw.IsNull() {
		return fallback()
	}
	l := layoutOf(tv.Elem().Type())
	if l.fields == nil {
		return fallback()
	}
	ms := l.schemaFor(ctx, raw.Type(), s)
	if ms == nil {
		return fallback()
	}
	var vals map[string]tftypes.Value
	if err := raw.As(&vals); err != nil || len(vals) != len(l.fields) {
		return fallback()
	}
	var diags diag.Diagnostics
	out := reflect.New(tv.Elem().Type()).Elem()
	for _, f := range l.fields {
		v, ok := vals[f.name]
		if !ok {
			return fallback()
		}
		typ := ms.attrs[f.name]
		av, err := typ.ValueFromTerraform(ctx, v)
		if err != nil || reflect.TypeOf(av) != f.typ {
			return fallback()
		}
		diags.Append(validateValue(ctx, typ, av, v, path.Root(f.name))...)
		if diags.HasError() {
			return fallback()
		}
		out.FieldByIndex(f.index).Set(reflect.ValueOf(av))
	}
	tv.Elem().Set(out)
	return diags
}

// validateValue runs the validation the framework's Get and Set run on one attribute's value
// av (tfv in Terraform's form) at p: the value's own ValidateAttribute, else its type's
// deprecated Validate.
func validateValue(ctx context.Context, typ attr.Type, av attr.Value, tfv tftypes.Value, p path.Path) diag.Diagnostics {
	if t, ok := av.(xattr.ValidateableAttribute); ok {
		resp := xattr.ValidateAttributeResponse{}
		t.ValidateAttribute(ctx, xattr.ValidateAttributeRequest{Path: p}, &resp)
		return resp.Diagnostics
	}
	//lint:ignore SA1019 the framework's Get and Set still run the deprecated type validation
	if tw, ok := typ.(xattr.TypeWithValidate); ok {
		return tw.Validate(ctx, tfv, p)
	}
	return nil
}

// setModel encodes the model struct m into *raw, whose current value gives the schema's type
// (the framework starts a response's state or plan from the request's), as the framework's
// Set; fallback is that Set.
func setModel(ctx context.Context, raw *tftypes.Value, s schemaTyper, m any, fallback func() diag.Diagnostics) (diags diag.Diagnostics) {
	mv := reflect.ValueOf(m)
	if mv.Kind() == reflect.Pointer {
		if mv.IsNil() {
			return fallback()
		}
		mv = mv.Elem()
	}
	l := layoutOf(mv.Type())
	if l.fields == nil || raw.Type() == nil {
		return fallback()
	}
	ms := l.schemaFor(ctx, raw.Type(), s)
	if ms == nil {
		return fallback()
	}
	vals := make(map[string]tftypes.Value, len(l.fields))
	for _, f := range l.fields {
		av, ok := mv.FieldByIndex(f.index).Interface().(attr.Value)
		if !ok || av == nil {
			return fallback()
		}
		typ := ms.attrs[f.name]
		if !ms.tfs[f.name].Equal(av.Type(ctx).TerraformType(ctx)) {
			return fallback()
		}
		tfv, err := av.ToTerraformValue(ctx)
		if err != nil {
			return fallback()
		}
		diags.Append(validateValue(ctx, typ, av, tfv, path.Root(f.name))...)
		if diags.HasError() {
			return fallback()
		}
		vals[f.name] = tfv
	}
	v, err := newValueChecked(ms.tf, vals)
	if err != nil {
		return fallback()
	}
	*raw = v
	return diags
}

// newValueChecked is tftypes.NewValue returning its panic (a value of another type) as an error.
func newValueChecked(t tftypes.Type, vals map[string]tftypes.Value) (v tftypes.Value, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	return tftypes.NewValue(t, vals), nil
}

// The tfsdk data's Get and Set through getModel and setModel.

func getState(ctx context.Context, st tfsdk.State, target any) diag.Diagnostics {
	return getModel(ctx, st.Raw, st.Schema, target, func() diag.Diagnostics { return st.Get(ctx, target) })
}

func getPlan(ctx context.Context, pl tfsdk.Plan, target any) diag.Diagnostics {
	return getModel(ctx, pl.Raw, pl.Schema, target, func() diag.Diagnostics { return pl.Get(ctx, target) })
}

func getConfig(ctx context.Context, c tfsdk.Config, target any) diag.Diagnostics {
	return getModel(ctx, c.Raw, c.Schema, target, func() diag.Diagnostics { return c.Get(ctx, target) })
}

func setState(ctx context.Context, st *tfsdk.State, m any) diag.Diagnostics {
	return setModel(ctx, &st.Raw, st.Schema, m, func() diag.Diagnostics { return st.Set(ctx, m) })
}

func setPlan(ctx context.Context, pl *tfsdk.Plan, m any) diag.Diagnostics {
	return setModel(ctx, &pl.Raw, pl.Schema, m, func() diag.Diagnostics { return pl.Set(ctx, m) })
}
