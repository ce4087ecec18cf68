package provider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// Default timeouts of the DR resources (each overridable in a timeouts block).
const (
	defaultCreateTimeout = 30 * time.Minute
	defaultUpdateTimeout = 60 * time.Minute
	defaultDeleteTimeout = 30 * time.Minute
)

// drEngine is the shared bridge between a DR resource and the lifecycle engine: plan-time
// checks, planning a path, and running it. The resources differ only in how they map their
// attributes to a Goal and back.
type drEngine struct {
	kind     lifecycle.Kind
	typeName string
}

// goalMet: the engine's GoalMet for this kind (no platform call for a no-op plan).
func (e drEngine) goalMet(status string, active lifecycle.Site, goal lifecycle.Goal) bool {
	return lifecycle.GoalMet(e.kind, status, active, goal)
}

// priorRead is what Terraform last read of an object (the refresh before the plan): its
// rendered status and active site. The zero value means nothing was read (create, delete).
type priorRead struct {
	status string
	active lifecycle.Site
}

// changedSinceRead refuses to operate on an object that another apply, an action or an
// out-of-band operation moved since Terraform read it: a stable state only changes when an
// operation is invoked, so a different state means a concurrent change, and acting on the
// plan made from the old one would be a lost update. The user plans again.
func (e drEngine) changedSinceRead(obs lifecycle.Observation, prior priorRead, diags *diag.Diagnostics) bool {
	if !lifecycle.ChangedSinceRead(e.kind, prior.status, prior.active, obs) {
		return false
	}
	now := lifecycle.RenderState(obs.State, obs.FailedOp)
	diags.AddError(fmt.Sprintf("Conflict: %s %q changed since Terraform read it", e.typeName, obs.Name),
		fmt.Sprintf("Terraform read it %s%s; it is now %s%s. Another apply, an action or an operation outside "+
			"Terraform is changing it, so the planned operations no longer apply. Nothing was changed; run "+
			"terraform plan again.", prior.status, siteSuffix(e.kind, prior.active), now, siteSuffix(e.kind, obs.ActiveSite)))
	return true
}

func siteSuffix(kind lifecycle.Kind, s lifecycle.Site) string {
	if s == "" || kind == lifecycle.BackupReplica || kind == lifecycle.RecoveryServer {
		return ""
	}
	return " with the " + siteName(kind, s) + " site active"
}

// unsupported refuses, at the resource, a kind the platform does not manage (V-PLATFORM).
func (e drEngine) unsupported(data *ProviderData, diags *diag.Diagnostics) bool {
	v := lifecycle.CheckKind(e.kind, data.options(false))
	if v == nil {
		return false
	}
	diags.AddError(fmt.Sprintf("V-PLATFORM: %s is not available on the %s platform", e.typeName, data.PlatformName), v.Message)
	return true
}

// plan observes the object and plans the path to the goal. Refusals become attribute errors
// at `at`; what in the path needs attention (data loss, a manual step) is a warning, the
// operations themselves go to planned_operations. It returns nil when the plan is refused.
func (e drEngine) plan(ctx context.Context, data *ProviderData, id string, prior priorRead, goal lifecycle.Goal, opts lifecycle.Options, at func(lifecycle.Violation) path.Path, diags *diag.Diagnostics) *lifecycle.Path {
	if e.unsupported(data, diags) {
		return nil
	}
	obs, err := data.Platform.Observe(ctx, e.kind, id)
	if err != nil {
		if platform.IsNotFound(err) {
			return nil // Read will drop it from state on the next refresh
		}
		addError(diags, "reading", e.typeName, id, err)
		return nil
	}
	if e.changedSinceRead(obs, prior, diags) {
		return nil
	}
	p, vs := lifecycle.Plan(e.kind, obs, goal, opts)
	addViolationsAt(diags, at, e.typeName, vs)
	if lifecycle.HasBlocking(vs) {
		return nil
	}
	addAttention(diags, e.typeName, obs.Name, p)
	return &p
}

// apply re-plans against a fresh observation (the world may have moved since plan) and runs
// the path within the timeout. Errors are added to diags; the caller then reads the object
// and saves what it observed, so the next plan starts from the truth. It returns the path it
// ran (also when a step failed; the zero Path when it ran none).
func (e drEngine) apply(ctx context.Context, data *ProviderData, id string, prior priorRead, goal lifecycle.Goal, opts lifecycle.Options, timeout time.Duration, at func(lifecycle.Violation) path.Path, diags *diag.Diagnostics) (ran lifecycle.Path) {
	return e.applyWith(ctx, data, id, prior, goal, opts, nil, timeout, at, diags)
}

// applyWith is apply with the parameters the configuration gives the operations the path may
// run (stepParams: a recovery server's recovery point for its failover and test failover).
func (e drEngine) applyWith(ctx context.Context, data *ProviderData, id string, prior priorRead, goal lifecycle.Goal, opts lifecycle.Options, params map[string]string, timeout time.Duration, at func(lifecycle.Violation) path.Path, diags *diag.Diagnostics) (ran lifecycle.Path) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	obs, err := data.Platform.Observe(ctx, e.kind, id)
	if err != nil {
		if platform.IsNotFound(err) && slices.Equal(goal.States, []lifecycle.State{lifecycle.Deleted}) {
			return ran // already gone: a delete succeeds
		}
		addError(diags, "reading", e.typeName, id, err)
		return ran
	}
	if e.changedSinceRead(obs, prior, diags) {
		return ran
	}
	p, vs := lifecycle.Plan(e.kind, obs, goal, opts)
	if lifecycle.HasBlocking(vs) {
		addViolationsAt(diags, at, e.typeName, lifecycle.Blocking(vs))
		return ran
	}
	if len(p.Steps) == 0 {
		return ran
	}
	withStepParams(&p, params)
	if _, err := runPathObserved(ctx, data, p, &obs); err != nil {
		addRunError(diags, e.typeName, obs.Name, err)
	}
	return p
}

// planDestroy checks at plan time that the object can be deleted along a legal path (e.g. a
// failed-over pair needs allow_data_loss, V-PAIR-DELETE), so `terraform destroy` refuses
// before anything is touched.
func (e drEngine) planDestroy(ctx context.Context, data *ProviderData, id string, goal lifecycle.Goal, opts lifecycle.Options, diags *diag.Diagnostics) {
	obs, ok := e.observeForDelete(ctx, data, id, diags)
	if !ok {
		return
	}
	p, vs := lifecycle.Plan(e.kind, lifecycle.ForDestroy(obs), goal, opts)
	for _, v := range lifecycle.Blocking(vs) {
		detail := v.Message
		if v.DataLoss {
			detail += " Set allow_data_loss = true (and apply) before destroying."
		}
		if o := offerText(e.kind, v); o != "" {
			detail += "\n\n" + o
		}
		diags.AddError(violationSummary(e.typeName, v), detail)
	}
	if !lifecycle.HasBlocking(vs) {
		addAttention(diags, e.typeName, obs.Name, p) // e.g. cancel_failover before the delete, opted in
	}
}

// planReplace checks at plan the delete half of a replacement (Terraform deletes the object,
// then creates the new one, which it plans next with no prior state): the delete along a
// legal path, like a destroy, and what a replacement adds (V-REPLACE). opts are the new
// configuration's (its allow_data_loss applies to this apply). The object is remembered as
// being replaced, so the create half's checks know that what it holds (a pair's volumes) is
// freed first. (With create_before_destroy the new object is created first: the create's
// checks at apply then refuse what the old one still holds.)
func (e drEngine) planReplace(ctx context.Context, data *ProviderData, id string, goal lifecycle.Goal, opts lifecycle.Options, diags *diag.Diagnostics) {
	obs, ok := e.observeForDelete(ctx, data, id, diags)
	if !ok {
		return
	}
	_, vs := lifecycle.Plan(e.kind, lifecycle.ForDestroy(obs), goal, opts)
	vs = append(lifecycle.Blocking(vs), lifecycle.CheckReplace(e.kind, obs, opts)...)
	if lifecycle.HasBlocking(vs) {
		v := lifecycle.Refusal(vs) // one error: the delete's refusal and V-REPLACE's in one
		diags.AddError(fmt.Sprintf("%s: %s replacement refused", v.Rule, e.typeName),
			"Terraform replaces the object: it deletes it, then creates the new one. "+violationDetail(e.typeName, v))
	}
	if !diags.HasError() {
		data.replaced.Store(id, true)
	}
}

// observeForDelete reads the object a destroy or replacement deletes; false when there is
// nothing to check (already gone, or an error reported in diags).
func (e drEngine) observeForDelete(ctx context.Context, data *ProviderData, id string, diags *diag.Diagnostics) (lifecycle.Observation, bool) {
	obs, err := data.Platform.Observe(ctx, e.kind, id)
	if err != nil {
		if !platform.IsNotFound(err) {
			addError(diags, "reading", e.typeName, id, err)
		}
		return obs, false
	}
	return obs, true
}

// replacing reports whether a plan replaces the object: one of attrs (the attributes whose
// change requires replacement) differs between the plan and the state. The resource's
// ModifyPlan does not see the framework's RequiresReplace, so each kind names them.
func replacing(plan tfsdk.Plan, state tfsdk.State, attrs ...string) bool {
	for _, a := range attrs {
		p := tftypes.NewAttributePath().WithAttributeName(a)
		pv, _, err1 := tftypes.WalkAttributePath(plan.Raw, p)
		sv, _, err2 := tftypes.WalkAttributePath(state.Raw, p)
		if err1 != nil || err2 != nil {
			continue
		}
		pval, ok1 := pv.(tftypes.Value)
		sval, ok2 := sv.(tftypes.Value)
		if ok1 && ok2 && !pval.Equal(sval) {
			return true
		}
	}
	return false
}

// waitStable waits until a newly created object leaves its transitional creation state.
func (e drEngine) waitStable(ctx context.Context, data *ProviderData, id string, timeout time.Duration, diags *diag.Diagnostics) {
	e.apply(ctx, data, id, priorRead{}, lifecycle.Goal{}, data.options(false), timeout, paramOr(path.Root("id")), diags)
}

// keepPlannedOps is ModifyPlan's planned_operations when the plan operates nothing: the value
// the state has, so a plan that changes only other attributes shows no diff for it. planned is
// the plan's value: the framework leaves it as the state's in a plan without changes (no
// work then) and marks it unknown otherwise. (A replacement's value is not this one:
// Terraform plans the create half again with no prior state, which is the create branch.)
func keepPlannedOps(ctx context.Context, planned, prior types.List, p *tfsdk.Plan, diags *diag.Diagnostics) {
	if !planned.IsUnknown() {
		return
	}
	diags.Append(p.SetAttribute(ctx, path.Root("planned_operations"), prior)...)
}

// appliedOps is the planned_operations value apply saves: the planned value when the plan
// knew it (Terraform requires the two to agree), otherwise the operations apply ran ("create"
// first for a create), or the prior value when it ran none.
func appliedOps(planned types.List, kind lifecycle.Kind, ran lifecycle.Path, create bool, prior types.List) types.List {
	if !planned.IsUnknown() {
		return planned
	}
	if create || len(plannedOpNames(ran)) > 0 {
		return plannedOps(kind, ran, create)
	}
	if prior.IsUnknown() {
		return types.ListNull(types.StringType)
	}
	return prior
}

// opsList renders allowed operations as a list attribute.
func opsList(ops []lifecycle.Op) types.List {
	elems := make([]attr.Value, 0, len(ops))
	for _, op := range ops {
		elems = append(elems, types.StringValue(string(op)))
	}
	return types.ListValueMust(types.StringType, elems)
}

// timeString renders a time as RFC 3339, or null when zero.
func timeString(t time.Time) types.String {
	if t.IsZero() {
		return types.StringNull()
	}
	return types.StringValue(t.UTC().Format(time.RFC3339))
}

// desiredValue maps an observed state to the value of the kind's desired-state attribute,
// null when the state counts as none (a failed operation).
func desiredValue(kind lifecycle.Kind, s lifecycle.State) types.String {
	return optionalString(lifecycle.Desired(kind).Observed(s))
}

// goalFor builds the engine goal from the desired-state attributes the configuration sets.
// Unset (null) attributes are observed only, never reconciled.
func goalFor(kind lifecycle.Kind, desired types.String, active lifecycle.Site) lifecycle.Goal {
	g := lifecycle.Goal{ActiveSite: active}
	if !desired.IsNull() && !desired.IsUnknown() {
		g.States = lifecycle.Desired(kind).States(desired.ValueString())
	}
	return g
}

// createToken derives the client token of a create from the object's identity, so a create
// retried after an interrupted apply returns what the first attempt made (R001-4) instead of
// making a second object.
func createToken(typeName string, parts ...string) string {
	h := sha256.New()
	h.Write([]byte(typeName))
	for _, p := range parts {
		h.Write([]byte{0})
		h.Write([]byte(p))
	}
	return "tf-create-" + hex.EncodeToString(h.Sum(nil))[:40]
}

// freshToken makes a new token when the identity's earlier object is gone.
func freshToken(token string) string {
	return fmt.Sprintf("%s-%x", token[:min(len(token), 40)], time.Now().UnixNano())
}

// addFormatError reports the refusal of a static format rule (lifecycle.FormatError: its rule
// and the parameter it is about) at that attribute. It reports whether there was none.
func addFormatError(diags *diag.Diagnostics, typeName string, err error) bool {
	if err == nil {
		return true
	}
	var fe *lifecycle.FormatError
	if errors.As(err, &fe) {
		diags.AddAttributeError(path.Root(fe.Field), fmt.Sprintf("%s: %s create refused", fe.Rule, typeName), fe.Message)
		return false
	}
	diags.AddError("Invalid "+typeName, err.Error())
	return false
}

// addCreateError reports a refused or failed create.
func addCreateError(diags *diag.Diagnostics, typeName string, err error) {
	var pe *platform.Error
	if errors.As(err, &pe) && pe.Rule != "" {
		diags.AddError(fmt.Sprintf("%s: creating %s refused", pe.Rule, typeName), pe.Message)
		return
	}
	addError(diags, "creating", typeName, "", err)
}

// nullUnknowns replaces unknown values in a resource model with nulls, so a state that could
// not be refreshed after a failed operation can still be saved. model is a pointer to a
// struct of framework values.
func nullUnknowns(model any) { nullUnknownFields(reflect.ValueOf(model).Elem()) }

// nullUnknownFields nulls the unknown values of a struct's fields, and of the structs it
// embeds (the tags of every read model).
func nullUnknownFields(v reflect.Value) {
	for i := 0; i < v.NumField(); i++ {
		f := v.Field(i)
		if v.Type().Field(i).Anonymous && f.Kind() == reflect.Struct {
			nullUnknownFields(f)
			continue
		}
		if !f.CanInterface() {
			continue
		}
		val, ok := f.Interface().(attr.Value)
		if !ok || !val.IsUnknown() {
			continue
		}
		switch x := val.(type) {
		case types.String:
			f.Set(reflect.ValueOf(types.StringNull()))
		case types.Int64:
			f.Set(reflect.ValueOf(types.Int64Null()))
		case types.Bool:
			f.Set(reflect.ValueOf(types.BoolNull()))
		case types.List:
			f.Set(reflect.ValueOf(types.ListNull(x.ElementType(context.Background()))))
		case types.Set:
			f.Set(reflect.ValueOf(types.SetNull(x.ElementType(context.Background()))))
		case types.Object:
			f.Set(reflect.ValueOf(types.ObjectNull(x.AttributeTypes(context.Background()))))
		case types.Map:
			f.Set(reflect.ValueOf(types.MapNull(x.ElementType(context.Background()))))
		}
	}
}

// markOperated makes the computed-only attributes an operation can change unknown in a plan
// that operates an existing object ("known after apply"), all but those in keep (the ones the
// plan sets itself, e.g. status and planned_operations, and identifiers no operation
// changes). The framework does this only when the configuration changed; a plan whose
// operations come from the object itself (a failed operation retried, an observe-only
// object in error{op}, a wait for one running) would otherwise promise the prior health,
// last_error, sync progress… and the apply's result would contradict it ("Provider produced
// inconsistent result").
func markOperated(ctx context.Context, p *tfsdk.Plan, diags *diag.Diagnostics, keep ...string) {
	for name, a := range p.Schema.GetAttributes() {
		if !a.IsComputed() || a.IsOptional() || slices.Contains(keep, name) {
			continue
		}
		typ := a.GetType()
		v, err := typ.ValueFromTerraform(ctx, tftypes.NewValue(typ.TerraformType(ctx), tftypes.UnknownValue))
		if err != nil {
			diags.AddError("Internal error: marking "+name+" unknown", err.Error())
			return
		}
		diags.Append(p.SetAttribute(ctx, path.Root(name), v)...)
	}
}

// withStepParams gives each step the parameters of params its operation takes (the row's
// Params): the engine's rows name the parameters, the configuration fills them.
func withStepParams(p *lifecycle.Path, params map[string]string) {
	if len(params) == 0 {
		return
	}
	t := lifecycle.Table(p.Kind)
	for i, st := range p.Steps {
		row, ok := t.Operation(st.Op)
		if !ok || st.Wait {
			continue
		}
		for _, name := range row.Params {
			v, ok := params[name]
			if !ok || v == "" {
				continue
			}
			m := make(map[string]string, len(st.Params)+1)
			for k, x := range st.Params {
				m[k] = x
			}
			m[name] = v
			p.Steps[i].Params = m
			st.Params = m
		}
	}
}
