package provider

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// dr_readiness reports the readiness of every object of the platform (or of a name prefix)
// in one read: each object's kind, ID, name, status and the same readiness object its resource
// reports, plus the objects that cannot fail over or whose standby copy is older than the RPO.
//
// It is a data source, not a list resource: a list resource shares a managed resource's type
// name (there is no dr_readiness resource to adopt) and is read only by `terraform query`
// (Terraform ≥ 1.14), whose results cannot feed a check block; a data source is read by every
// plan on every supported CLI (≥ 1.5) and is what `check` blocks, `terraform test` assertions
// and preconditions can use.

var (
	_ datasource.DataSource              = (*readinessDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*readinessDataSource)(nil)
)

// NewReadinessDataSource returns the dr_readiness data source.
func NewReadinessDataSource() datasource.DataSource {
	return &readinessDataSource{dataSourceBase{name: "readiness"}}
}

type readinessDataSource struct{ dataSourceBase }

// readinessKinds are the kinds with readiness (a failover row), in lifecycle.Kinds order.
func readinessKinds() []lifecycle.Kind {
	var out []lifecycle.Kind
	for _, k := range lifecycle.Kinds {
		if len(lifecycle.ReadinessOps(k)) > 0 {
			out = append(out, k)
		}
	}
	return out
}

// readinessObjectType is one entry of objects: every kind's readiness in one shape (a kind
// without a role or an RPO has null there).
var readinessObjectType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"kind": types.StringType, "id": types.StringType, "name": types.StringType, "status": types.StringType,
	"failover": opReadinessType, "planned_failover": opReadinessType, "rpo": rpoType,
}}

type readinessModel struct {
	NamePrefix types.String `tfsdk:"name_prefix"`
	Kinds      types.Set    `tfsdk:"kinds"`
	Platform   types.String `tfsdk:"platform"`
	Objects    types.List   `tfsdk:"objects"`
	NotReady   types.List   `tfsdk:"not_ready"`
	Unknown    types.List   `tfsdk:"unknown"`
	AllReady   types.Bool   `tfsdk:"all_ready"`
}

func (d *readinessDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	var kinds []string
	for _, k := range readinessKinds() {
		kinds = append(kinds, string(k))
	}
	op := func(desc string) schema.SingleNestedAttribute {
		return schema.SingleNestedAttribute{MarkdownDescription: desc, Computed: true, Attributes: map[string]schema.Attribute{
			"operation": schema.StringAttribute{Computed: true, MarkdownDescription: "The engine operation judged."},
			"ready":     schema.BoolAttribute{Computed: true, MarkdownDescription: "Could it start now: `true`, `false` (see `blocked_by`), or null when a fact it needs is not reported (see `reason`)."},
			"blocked_by": schema.ListNestedAttribute{Computed: true, MarkdownDescription: "The rules that refuse it now, with the engine's messages.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"rule":    schema.StringAttribute{Computed: true, MarkdownDescription: "The rule ID."},
					"message": schema.StringAttribute{Computed: true, MarkdownDescription: "The engine's refusal."},
				}}},
			"reason": schema.StringAttribute{Computed: true, MarkdownDescription: "Why `ready` is null."},
		}}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Failover readiness of every DR object of the platform, or of those whose name starts with " +
			"`name_prefix`: for each, whether a failover (and for pairs and groups a planned failover) could start now " +
			"and, if not, the rules that refuse it with the engine's messages; and whether its standby copy is within " +
			"its recovery point objective — the same `readiness` object each resource and data source reports. " +
			"`not_ready` names the objects that cannot fail over or whose copy is too old, so one `check` block can " +
			"guard a whole estate (see the guide *Failover readiness in CI*).\n\n" +
			"It is a data source rather than a list resource: a list resource must share a managed resource's type " +
			"name and is read only by `terraform query` (Terraform ≥ 1.14), whose results `check` blocks cannot use; " +
			"a data source is read by every plan on every supported CLI (Terraform ≥ 1.5) and works in `check` blocks, " +
			"`terraform test` assertions and preconditions.",
		Attributes: map[string]schema.Attribute{
			"name_prefix": schema.StringAttribute{MarkdownDescription: "Only objects whose name starts with this prefix.", Optional: true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)}},
			"kinds": schema.SetAttribute{MarkdownDescription: "Only these kinds (`" + strings.Join(kinds, "`, `") + "`); " +
				"default: every kind the platform serves.", Optional: true, ElementType: types.StringType,
				Validators: []validator.Set{setvalidator.SizeAtLeast(1), setvalidator.ValueStringsAre(stringvalidator.OneOf(kinds...))}},
			"platform": schema.StringAttribute{Computed: true, MarkdownDescription: "The platform read (`sandbox`, `alibaba`, …)."},
			"objects": schema.ListNestedAttribute{
				MarkdownDescription: "Every object read, by kind then name.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"kind":             schema.StringAttribute{Computed: true, MarkdownDescription: "`replication_pair`, `protection_group` or `recovery_server`."},
					"id":               schema.StringAttribute{Computed: true, MarkdownDescription: "The object's ID."},
					"name":             schema.StringAttribute{Computed: true, MarkdownDescription: "The object's name."},
					"status":           schema.StringAttribute{Computed: true, MarkdownDescription: "The engine's normalized state."},
					"failover":         op("Whether a failover could start now."),
					"planned_failover": op("Whether a planned failover (a pair's `switchover`, a group's `planned_failover`) could start now; null for a recovery server."),
					"rpo": schema.SingleNestedAttribute{MarkdownDescription: "Whether the standby copy is within the recovery point objective; null for a recovery server.",
						Computed: true, Attributes: map[string]schema.Attribute{
							"within":      schema.BoolAttribute{Computed: true, MarkdownDescription: "`true`, `false` (see `reason`), or null when the lag is not reported."},
							"lag_seconds": schema.Int64Attribute{Computed: true, MarkdownDescription: "Seconds since the last recovery point, on the platform's clock."},
							"rpo_seconds": schema.Int64Attribute{Computed: true, MarkdownDescription: "The recovery point objective."},
							"reason":      schema.StringAttribute{Computed: true, MarkdownDescription: "Why `within` is `false` or null."},
						}},
				}},
			},
			"not_ready": schema.ListAttribute{
				MarkdownDescription: "One line per object that cannot fail over now, or whose standby copy is older than its RPO: " +
					"`dr_<kind> \"<name>\" (<id>): failover refused: <rules> (<the first rule's message>)` and/or `RPO: <reason>`. Empty when " +
					"every object is ready. The planned failover is not counted (a running production refuses it by design), nor a " +
					"pair that belongs to a protection group (it fails over with its group, which is judged).",
				Computed: true, ElementType: types.StringType,
			},
			"unknown": schema.ListAttribute{
				MarkdownDescription: "One line per object whose failover readiness or RPO cannot be judged (a fact the platform does not report), with why.",
				Computed:            true, ElementType: types.StringType,
			},
			"all_ready": schema.BoolAttribute{
				MarkdownDescription: "`false` when `not_ready` is not empty; otherwise null when `unknown` is not empty, and `true` when every object is ready.",
				Computed:            true,
			},
		},
	}
}

// readinessEntry is one object as dr_readiness reads it.
type readinessEntry struct {
	kind             lifecycle.Kind
	id, name, status string
	obs              lifecycle.Observation
}

func (d *readinessDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m readinessModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !configured(d.data, "dr_readiness", &resp.Diagnostics) {
		return
	}
	want := map[lifecycle.Kind]bool{}
	if ks, ok := setStrings(m.Kinds); ok && len(ks) > 0 {
		for _, k := range ks {
			want[lifecycle.Kind(k)] = true
		}
	}
	prefix := m.NamePrefix.ValueString()
	var entries []readinessEntry
	for _, k := range readinessKinds() {
		if (len(want) > 0 && !want[k]) || !platform.Serves(d.data.Platform, k) {
			continue
		}
		es, err := d.list(ctx, k)
		if err != nil {
			addError(&resp.Diagnostics, "listing", "dr_"+string(k), "", err)
			return
		}
		for _, e := range es {
			if strings.HasPrefix(e.name, prefix) && !lifecycle.Gone(k, e.obs.State) {
				entries = append(entries, e)
			}
		}
	}
	sort.SliceStable(entries, func(i, j int) bool {
		if entries[i].kind != entries[j].kind {
			return entries[i].kind < entries[j].kind
		}
		return entries[i].name < entries[j].name
	})
	objects := make([]attr.Value, 0, len(entries))
	notReady, unknown := []attr.Value{}, []attr.Value{}
	for _, e := range entries {
		ready := lifecycle.ReadinessOf(e.kind, e.obs, lifecycle.Options{})
		r := renderReadiness(e.kind, ready)
		vals := map[string]attr.Value{"kind": types.StringValue(string(e.kind)), "id": types.StringValue(e.id),
			"name": types.StringValue(e.name), "status": types.StringValue(e.status),
			"failover": types.ObjectNull(opReadinessType.AttrTypes), "planned_failover": types.ObjectNull(opReadinessType.AttrTypes),
			"rpo": types.ObjectNull(rpoType.AttrTypes)}
		for k, v := range r.Attributes() {
			vals[k] = v
		}
		objects = append(objects, types.ObjectValueMust(readinessObjectType.AttrTypes, vals))
		if ready.Group != "" {
			continue // a pair in a group fails over with it: the group's entry judges it
		}
		who := fmt.Sprintf("dr_%s %q (%s)", e.kind, e.name, e.id)
		var refused, unsure []string
		if fo, ok := ready.Op(lifecycle.RoleFailover); ok {
			switch {
			case !fo.Known:
				unsure = append(unsure, "failover: "+fo.Why())
			case !fo.Ready:
				rules := make([]string, len(fo.Blocking))
				for i, v := range fo.Blocking {
					rules[i] = v.Rule
				}
				refused = append(refused, fmt.Sprintf("failover refused: %s (%s)", strings.Join(rules, ", "), fo.Blocking[0].Message))
			}
		}
		if rpo := ready.RPO; rpo != nil {
			switch {
			case !rpo.Known:
				unsure = append(unsure, "RPO: "+rpo.Why)
			case !rpo.Within:
				refused = append(refused, "RPO: "+rpo.Why)
			}
		}
		if len(refused) > 0 {
			notReady = append(notReady, types.StringValue(who+": "+strings.Join(refused, "; ")))
		}
		if len(unsure) > 0 {
			unknown = append(unknown, types.StringValue(who+": "+strings.Join(unsure, "; ")))
		}
	}
	m.Platform = types.StringValue(d.data.PlatformName)
	m.Objects = types.ListValueMust(readinessObjectType, objects)
	m.NotReady = types.ListValueMust(types.StringType, notReady)
	m.Unknown = types.ListValueMust(types.StringType, unknown)
	switch {
	case len(notReady) > 0:
		m.AllReady = types.BoolValue(false)
	case len(unknown) > 0:
		m.AllReady = types.BoolNull()
	default:
		m.AllReady = types.BoolValue(true)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// list reads every object of a kind with its observation (the kinds' own list calls).
func (d *readinessDataSource) list(ctx context.Context, k lifecycle.Kind) ([]readinessEntry, error) {
	var out []readinessEntry
	add := func(id, name string, obs lifecycle.Observation) {
		out = append(out, readinessEntry{kind: k, id: id, name: name, status: lifecycle.RenderState(obs.State, obs.FailedOp), obs: obs})
	}
	switch k {
	case lifecycle.ReplicationPair:
		ps, err := d.data.Pairs.ListPairs(ctx)
		for _, p := range ps {
			add(p.ID, p.Name, p.Observed)
		}
		return out, err
	case lifecycle.ProtectionGroup:
		gs, err := d.data.Groups.ListGroups(ctx)
		for _, g := range gs {
			add(g.ID, g.Name, g.Observed)
		}
		return out, err
	case lifecycle.RecoveryServer:
		ss, err := d.data.Servers.ListRecoveryServers(ctx)
		for _, s := range ss {
			add(s.ID, s.Name, s.Observed)
		}
		return out, err
	}
	return nil, nil
}
