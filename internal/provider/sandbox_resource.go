package provider

import (
	"context"
	"errors"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// The dr_sandbox_* resources manage the sandbox's inventory (sites, volumes, servers, backups,
// vaults, faults). They share one core, sandboxResource: every call needs the sandbox's
// inventory (refused at plan on any other platform), Read forgets an object deleted outside
// Terraform, Delete of one already gone succeeds, import is by ID. Each resource adds its
// schema and its calls (sandboxKind).

// sandboxKind is what one dr_sandbox_* resource adds to the core. M is its model, O the
// inventory's object; the inventory's Get and Delete of O are given to newSandboxResource.
type sandboxKind[M, O any] interface {
	schema() schema.Schema
	create(ctx context.Context, inv platform.Inventory, plan *M) (O, error)
	fill(m *M, o O) diag.Diagnostics
}

// sandboxObject is the id every dr_sandbox_* model has (embedded in it).
type sandboxObject struct {
	ID types.String `tfsdk:"id"`
}

func (o *sandboxObject) objectID() string { return o.ID.ValueString() }

// sandboxModel is a dr_sandbox_* model: M, with its id (sandboxObject).
type sandboxModel[M any] interface {
	*M
	objectID() string
}

// Optional hooks of a sandbox resource.
type (
	// sandboxUpdater changes the object as the plan says; without it, every attribute replaces
	// the object and Update reads it back.
	sandboxUpdater[M, O any] interface {
		update(ctx context.Context, inv platform.Inventory, id string, plan *M) (O, error)
	}
	// sandboxConfigValidator checks the configuration alone (ValidateConfig).
	sandboxConfigValidator interface {
		validateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse)
	}
	// sandboxPlanChecker checks a plan on the sandbox beyond the inventory being there.
	sandboxPlanChecker interface {
		modifyPlan(ctx context.Context, inv platform.Inventory, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse)
	}
)

// attrError is an error about one attribute of a sandbox resource (the core reports it there).
type attrError struct {
	at      path.Path
	summary string
	err     error
}

func (e *attrError) Error() string { return e.err.Error() }
func (e *attrError) Unwrap() error { return e.err }

// sandboxResource is one dr_sandbox_* resource.
type sandboxResource[M any, P sandboxModel[M], O any] struct {
	name string // dr_sandbox_site
	k    sandboxKind[M, O]
	get  func(platform.Inventory, context.Context, string) (O, error)
	del  func(platform.Inventory, context.Context, string) error
	data *ProviderData
}

// newSandboxResource is the dr_sandbox_<what> resource; get and del are the inventory's calls
// that read and delete its objects (platform.Inventory.GetSite, …).
func newSandboxResource[M any, P sandboxModel[M], O any](what string, k sandboxKind[M, O],
	get func(platform.Inventory, context.Context, string) (O, error), del func(platform.Inventory, context.Context, string) error) *sandboxResource[M, P, O] {
	return &sandboxResource[M, P, O]{name: "dr_sandbox_" + what, k: k, get: get, del: del}
}

var (
	_ resource.ResourceWithConfigure      = (*sandboxResource[sandboxSiteModel, *sandboxSiteModel, platform.Site])(nil)
	_ resource.ResourceWithImportState    = (*sandboxResource[sandboxSiteModel, *sandboxSiteModel, platform.Site])(nil)
	_ resource.ResourceWithModifyPlan     = (*sandboxResource[sandboxSiteModel, *sandboxSiteModel, platform.Site])(nil)
	_ resource.ResourceWithValidateConfig = (*sandboxResource[sandboxSiteModel, *sandboxSiteModel, platform.Site])(nil)
)

func (r *sandboxResource[M, P, O]) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + r.name[len("dr"):]
}

func (r *sandboxResource[M, P, O]) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = r.k.schema()
}

func (r *sandboxResource[M, P, O]) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *sandboxResource[M, P, O]) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importByID(ctx, req, resp, r.name)
}

func (r *sandboxResource[M, P, O]) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	if v, ok := r.k.(sandboxConfigValidator); ok {
		v.validateConfig(ctx, req, resp)
	}
}

// ModifyPlan refuses the resource at plan on a platform other than the sandbox, then makes the
// resource's own plan-time checks.
func (r *sandboxResource[M, P, O]) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if !planSandboxOnly(r.data, r.name, req, &resp.Diagnostics) || r.data == nil || r.data.Inventory == nil {
		return
	}
	if c, ok := r.k.(sandboxPlanChecker); ok {
		c.modifyPlan(ctx, r.data.Inventory, req, resp)
	}
}

// load reads a model from the request (its plan or state) into m and gives the sandbox's
// inventory and the object's ID ("" before create); ok is false when either failed (the
// diagnostics say why).
func (r *sandboxResource[M, P, O]) load(ctx context.Context, from interface {
	Get(context.Context, any) diag.Diagnostics
}, m *M, diags *diag.Diagnostics) (inv platform.Inventory, id string, ok bool) {
	diags.Append(from.Get(ctx, m)...)
	inv = requireInventory(r.data, r.name, diags)
	return inv, P(m).objectID(), !diags.HasError()
}

func (r *sandboxResource[M, P, O]) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan M
	inv, _, ok := r.load(ctx, req.Plan, &plan, &resp.Diagnostics)
	if !ok {
		return
	}
	o, err := r.k.create(ctx, inv, &plan)
	resp.Diagnostics.Append(r.k.fill(&plan, o)...)
	id := P(&plan).objectID()
	if err != nil {
		// an object made before the error (a volume its attachment failed for) is saved
		addError(&resp.Diagnostics, "creating", r.name, id, err)
		if id == "" {
			return
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *sandboxResource[M, P, O]) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state M
	resp.Diagnostics.Append(getState(ctx, req.State, &state)...)
	inv := requireInventory(r.data, r.name, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	id := P(&state).objectID()
	o, err := r.get(inv, ctx, id)
	if removeIfGone(ctx, err, r.name, id, resp) {
		return
	}
	if err != nil {
		addError(&resp.Diagnostics, "reading", r.name, id, err)
		return
	}
	resp.Diagnostics.Append(r.k.fill(&state, o)...)
	resp.Diagnostics.Append(setState(ctx, &resp.State, &state)...)
}

func (r *sandboxResource[M, P, O]) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state M
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	inv, id, ok := r.load(ctx, req.State, &state, &resp.Diagnostics)
	if !ok {
		return
	}
	var o O
	var err error
	if u, ok := r.k.(sandboxUpdater[M, O]); ok {
		o, err = u.update(ctx, inv, id, &plan)
	} else {
		o, err = r.get(inv, ctx, id)
	}
	var ae *attrError
	switch {
	case errors.As(err, &ae):
		resp.Diagnostics.AddAttributeError(ae.at, ae.summary, ae.err.Error())
		return
	case err != nil:
		addError(&resp.Diagnostics, "updating", r.name, id, err)
		return
	}
	resp.Diagnostics.Append(r.k.fill(&plan, o)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *sandboxResource[M, P, O]) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state M
	inv, id, ok := r.load(ctx, req.State, &state, &resp.Diagnostics)
	if !ok {
		return
	}
	if err := r.del(inv, ctx, id); err != nil && !platform.IsNotFound(err) {
		addError(&resp.Diagnostics, "deleting", r.name, id, err)
	}
}
