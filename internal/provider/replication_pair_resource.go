package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

const pairType = "dr_replication_pair"

// NewReplicationPairResource returns the dr_replication_pair resource.
func NewReplicationPairResource() resource.Resource {
	return newDRResource[pairModel, platform.ReplicationPair](pairKind{})
}

// pairKind is what dr_replication_pair adds to the DR resource core.
type pairKind struct{}

func (pairKind) info() drInfo {
	return drInfo{kind: lifecycle.ReplicationPair, typeName: pairType, what: "replication pair",
		replace:  []string{"primary_volume_id", "secondary_volume_id", "bandwidth_kbps", "rpo_seconds"},
		stable:   []string{"primary_region", "primary_zone", "secondary_region", "secondary_zone", "protection_group_id", "expires_at"},
		createAt: "primary_volume_id", deleteAt: "allow_data_loss", showCreatePath: true,
		listRegion: "Only pairs with a volume in this region (`primary_region` or `secondary_region`).", listGroup: true,
	}
}

func (pairKind) core(m *pairModel) drCore {
	return drCore{ID: &m.ID, Status: &m.Status, Name: &m.Name, Description: &m.Description, Active: &m.ActiveSite,
		Desired: &m.Replication, AllowDataLoss: &m.AllowDataLoss, Planned: &m.PlannedOperations, Timeouts: &m.Timeouts, Read: &m.pairData, Tags: &m.tagsData,
		ResourceGroup: &m.ResourceGroupID}
}

func (pairKind) get(ctx context.Context, d *ProviderData, id string) (platform.ReplicationPair, error) {
	return d.Pairs.GetPair(ctx, id)
}

func (pairKind) list(ctx context.Context, d *ProviderData) ([]platform.ReplicationPair, error) {
	return d.Pairs.ListPairs(ctx)
}

func (pairKind) view(p platform.ReplicationPair) drView {
	return drView{ID: p.ID, Name: p.Name, State: p.State, GroupID: p.GroupID, Regions: []string{p.PrimaryRegion, p.SecondaryRegion}, Tags: p.Tags, ResourceGroupID: p.ResourceGroupID}
}

// validateConfig refuses a pair whose two volumes are the same (V-PAIR-VOLUMES), when both ids
// are known in the configuration. Ids known only at apply are checked by ModifyPlan then,
// before the first platform call.
func (pairKind) validateConfig(_ context.Context, config *pairModel, diags *diag.Diagnostics) {
	if !config.PrimaryVolumeID.IsUnknown() && !config.SecondaryVolumeID.IsUnknown() {
		addFormatError(diags, pairType, lifecycle.ValidatePairVolumes(config.PrimaryVolumeID.ValueString(), config.SecondaryVolumeID.ValueString()))
	}
}

func (pairKind) schema(context.Context) schema.Schema {
	s := schema.Schema{
		MarkdownDescription: "One volume replicated asynchronously from a primary to a secondary site (Alibaba " +
			"Cloud EBS async replication pair; Huawei EVS/SDRS replication pair). `replication` and " +
			"`active_site` are optional desired states: set them and `terraform apply` runs the engine's " +
			"shortest legal path (e.g. `switchover`, or `failover` then `reprotect` then `start`); omit them " +
			"and the provider only observes. A pair that belongs to a protection group is operated through " +
			"the group.",
		Attributes: map[string]schema.Attribute{
			"active_site": desired("Desired site serving production: `primary` or `secondary` (the volumes' "+
				"*initial* roles). Moving to the other site is a planned `switchover` when both sites are "+
				"healthy and the pair is replicating, otherwise a `failover` (which needs `allow_data_loss` "+
				"while the active site is healthy, R002-8). Omit to observe only; the current value is "+
				"always reported.", "primary", "secondary"),
			"allow_data_loss": flag("Permits operations that can lose data: a forced failover while the active "+
				"site is healthy (R002-8) and deleting a failed-over pair (V-PAIR-DELETE). Defaults to `false`.", false),
			"allowed_operations": reportedList("Operations the engine allows on the pair right now."),
			"bandwidth_kbps": replacesInt(setting("Replication bandwidth in Kbit/s: `0` (dynamic), `10240`, `20480`, `51200` or "+
				"`102400`. Defaults to `10240`. Changing it replaces the pair.", 10240, int64validator.OneOf(0, 10240, 20480, 51200, 102400))),
			"description": optional("Description of the pair (up to 256 characters). The platform's own limits are checked at plan (V-PARAMS): Huawei Cloud SDRS at most 64 bytes, no `<` or `>`; Alibaba Cloud EBS 2 to 256 characters, not starting with `http://` or `https://`.",
				stringvalidator.LengthAtMost(256)),
			"direction":           reported("Current direction of replication: `primary_to_secondary` or `secondary_to_primary`."),
			"drill_active":        reportedBool("Whether a DR drill of the pair is running (its test copy exists): a failover, switchover, reprotect or delete is refused meanwhile (V-DRILL). Start and stop drills with the `dr_replication_pair_drill`, `_start_drill` and `_stop_drill` actions."),
			"last_drill":          lastDrillAttribute("drill"),
			"id":                  fixed("Identifier of the pair."),
			"last_error":          reported("The platform's message about the last failed operation, if any."),
			"last_recovery_point": reported("Time (RFC 3339) of the last completed copy to the standby site; null before the first sync."),
			"name": schema.StringAttribute{
				MarkdownDescription: "Name of the pair: 2 to 128 characters, starting with a letter. The platform's own limits are checked at plan (V-PARAMS): Huawei Cloud SDRS at most 64 bytes of letters, digits, `.`, `_` and `-`; Alibaba Cloud EBS not starting with `http://` or `https://`.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthBetween(2, 128), stringvalidator.RegexMatches(namePattern, nameFormat)},
			},
			"primary_region": fixed("Region of the primary volume."),
			"primary_volume_id": identity("The volume that is the production side when the pair is created. This is the "+
				"pair's identity, not its current role (see `active_site`): changing it replaces the pair.", idValidator()),
			"primary_zone":        fixed("Availability zone of the primary volume."),
			"protection_group_id": reported("The protection group the pair belongs to, if any (then it is operated through the group)."),
			"replication": desired("Desired replication: `running` or `paused`. Omit to observe only; the current "+
				"value is always reported (null while an operation has failed).", lifecycle.Desired(lifecycle.ReplicationPair).ValueNames()...),
			"replication_lag_seconds": reportedInt("Seconds since the last recovery point while replicating."),
			"readiness":               readinessAttribute(lifecycle.ReplicationPair),
			"rpo_seconds": replacesInt(setting("Recovery point objective in seconds (the replication cycle); `900`. Changing it replaces the pair.",
				900, int64validator.OneOf(900))),
			"secondary_region": fixed("Region of the secondary volume."),
			"secondary_volume_id": identity("The volume that is the DR side when the pair is created; its data is overwritten. "+
				"Changing it replaces the pair.", idValidator()),
			"secondary_zone": fixed("Availability zone of the secondary volume."),
			"status": reported("The engine's normalized state, e.g. `replicating`, `paused`, `failed_over` or " +
				"`error{failover}` (an operation failed; apply retries it)."),
			"sync_progress": reportedInt("Progress (0-100) of the running synchronisation."),
		},
	}
	billingAttributes(s.Attributes)
	return s
}

// adjustPlan keeps the observed create attributes: on a platform that cannot create pairs (Capabilities.Manual, e.g.
// Huawei SDRS: a pair is made in a protection group and imported), rpo_seconds and
// bandwidth_kbps are what the platform chose, not settings: left out of the configuration they
// keep the observed value instead of the schema's default, so an imported pair plans no
// replacement (one that could not be carried out). Set in the configuration to another value,
// they still replace the pair, which the plan refuses naming the manual step. When nothing
// else changes, the computed attributes Terraform marked unknown (because of the defaults)
// keep their state: the plan is empty. It reports whether ModifyPlan is done.
//
// A bandwidth the platform sets itself (Capabilities.Chosen: Alibaba EBS, a pay-as-you-go pair)
// is the platform's too, on every plan: given in the configuration it is refused (V-PARAMS),
// left out it is unknown until the create and then keeps the observed value.
func (pairKind) adjustPlan(ctx context.Context, _ *ProviderData, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse, opts lifecycle.Options, config, state, plan *pairModel) bool {
	if billingRefused(config, state, opts, &resp.Diagnostics) {
		return true
	}
	why, chosenBW := opts.Platform.ChosenParam(lifecycle.ReplicationPair, "bandwidth_kbps")
	if chosenBW && !config.BandwidthKbps.IsNull() && (state == nil || !config.BandwidthKbps.Equal(state.BandwidthKbps)) {
		addViolationsAt(&resp.Diagnostics, func(lifecycle.Violation) path.Path { return path.Root("bandwidth_kbps") }, pairType, []lifecycle.Violation{{
			Rule: "V-PARAMS", Kind: lifecycle.ReplicationPair, Op: lifecycle.OpCreate, Precondition: "platform_chosen", Params: []string{"bandwidth_kbps"},
			Message: fmt.Sprintf("V-PARAMS: the %s platform sets bandwidth_kbps itself: %s Remove bandwidth_kbps from the configuration; the pair reports the bandwidth the platform chose.", opts.Platform.Platform, why),
		}})
		return true
	}
	if state == nil {
		if chosenBW && !plan.BandwidthKbps.IsUnknown() {
			plan.BandwidthKbps = types.Int64Unknown() // known once the platform has created the pair
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("bandwidth_kbps"), plan.BandwidthKbps)...)
		}
		return resp.Diagnostics.HasError()
	}
	_, manual := opts.Platform.ManualStep(lifecycle.ReplicationPair, lifecycle.OpCreate)
	if !manual && !chosenBW {
		return false
	}
	changed := false
	if manual && config.RPOSeconds.IsNull() && !plan.RPOSeconds.Equal(state.RPOSeconds) {
		plan.RPOSeconds, changed = state.RPOSeconds, true
	}
	if config.BandwidthKbps.IsNull() && !plan.BandwidthKbps.Equal(state.BandwidthKbps) {
		plan.BandwidthKbps, changed = state.BandwidthKbps, true
	}
	if !changed {
		return false
	}
	kept := resp.RequiresReplace[:0:0]
	for _, p := range resp.RequiresReplace {
		if !(p.Equal(path.Root("rpo_seconds")) && config.RPOSeconds.IsNull() && manual) && !(p.Equal(path.Root("bandwidth_kbps")) && config.BandwidthKbps.IsNull()) {
			kept = append(kept, p)
		}
	}
	resp.RequiresReplace = kept
	resp.Diagnostics.Append(resp.Plan.Set(ctx, plan)...)
	if resp.Diagnostics.HasError() {
		return true
	}
	filled, err := tftypes.Transform(resp.Plan.Raw, func(p *tftypes.AttributePath, v tftypes.Value) (tftypes.Value, error) {
		if v.IsKnown() {
			return v, nil
		}
		if sv, _, err := tftypes.WalkAttributePath(req.State.Raw, p); err == nil {
			if s, ok := sv.(tftypes.Value); ok {
				return s, nil
			}
		}
		return v, nil
	})
	if err == nil && filled.Equal(req.State.Raw) {
		resp.Plan.Raw = filled // nothing changes
		return true
	}
	return false
}

// goal: the desired replication and active site; unset attributes are observed only.
func (pairKind) goal(_ context.Context, config, _, _ *pairModel) (lifecycle.Goal, bool) {
	var active lifecycle.Site
	if !config.ActiveSite.IsNull() && !config.ActiveSite.IsUnknown() {
		active = parseSite(lifecycle.ReplicationPair, config.ActiveSite)
	}
	return goalFor(lifecycle.ReplicationPair, config.Replication, active), true
}

// deleteGoal stops the pair's own drill before deleting it (V-DRILL: its test copy would be
// left behind); a pair in a group is drilled, and released, through its group.
func (pairKind) deleteGoal(m *pairModel) lifecycle.Goal {
	goal := deletedGoal()
	if m.DrillActive.ValueBool() && m.ProtectionGroupID.ValueString() == "" {
		goal.Required = append(goal.Required, lifecycle.OpRequest{Op: lifecycle.OpStopDrill})
	}
	return goal
}

func (pairKind) goalAt(config *pairModel, _ lifecycle.Goal) path.Path {
	switch {
	case !config.ActiveSite.IsNull():
		return path.Root("active_site")
	case !config.Replication.IsNull():
		return path.Root("replication")
	}
	return path.Root("name")
}

// createFacts asks the platform about the volumes at plan (an unknown id is "" in the spec:
// the platform reports what it decides unknown). A pair whose volumes are both made in this
// apply is checked then; the path to the goal needs both.
func (pairKind) createFacts(ctx context.Context, d *ProviderData, plan, _ *pairModel, apply bool, diags *diag.Diagnostics) (func() (lifecycle.Facts, bool), bool) {
	if apply {
		return nil, false // checked by the plan Terraform makes at apply, with every id known
	}
	return func() (lifecycle.Facts, bool) {
		if plan.PrimaryVolumeID.IsUnknown() && plan.SecondaryVolumeID.IsUnknown() {
			return lifecycle.Facts{}, false
		}
		spec := pairSpec(plan)
		if !addFormatError(diags, pairType, lifecycle.ValidatePairVolumes(spec.PrimaryVolumeID, spec.SecondaryVolumeID)) {
			return lifecycle.Facts{}, false
		}
		facts, err := d.Pairs.ProposedPairFacts(ctx, spec)
		if err != nil {
			addError(diags, "checking", pairType, "", err)
			return facts, false
		}
		for v, holder := range facts.VolumesInPair {
			if _, ok := d.replaced.Load(holder); ok {
				delete(facts.VolumesInPair, v) // the pair this one replaces: deleted first (planReplace)
			}
		}
		return facts, true
	}, !plan.PrimaryVolumeID.IsUnknown() && !plan.SecondaryVolumeID.IsUnknown()
}

func (pairKind) tokenParts(plan, _ *pairModel) []string {
	return []string{plan.PrimaryVolumeID.ValueString(), plan.SecondaryVolumeID.ValueString(), plan.Name.ValueString()}
}

func (pairKind) create(ctx context.Context, d *ProviderData, plan, _ *pairModel, token string) (platform.ReplicationPair, error) {
	return d.Pairs.CreatePair(ctx, pairSpec(plan), token)
}

func pairSpec(m *pairModel) platform.PairSpec {
	return platform.PairSpec{
		Tags: createTags(m.tagsData), ResourceGroupID: createResourceGroup(m.ResourceGroupID), Billing: createBilling(m.billingData),
		Name: m.Name.ValueString(), Description: m.Description.ValueString(),
		PrimaryVolumeID: m.PrimaryVolumeID.ValueString(), SecondaryVolumeID: m.SecondaryVolumeID.ValueString(),
		RPOSeconds: m.RPOSeconds.ValueInt64(), BandwidthKbps: m.BandwidthKbps.ValueInt64(),
	}
}

// pairData is the read model the resource and its data source share.
type pairData struct {
	tagsData
	billingData
	ResourceGroupID       types.String `tfsdk:"resource_group_id"`
	ActiveSite            types.String `tfsdk:"active_site"`
	AllowDataLoss         types.Bool   `tfsdk:"allow_data_loss"`
	AllowedOperations     types.List   `tfsdk:"allowed_operations"`
	BandwidthKbps         types.Int64  `tfsdk:"bandwidth_kbps"`
	Description           types.String `tfsdk:"description"`
	Direction             types.String `tfsdk:"direction"`
	DrillActive           types.Bool   `tfsdk:"drill_active"`
	ID                    types.String `tfsdk:"id"`
	LastDrill             types.Object `tfsdk:"last_drill"`
	LastError             types.String `tfsdk:"last_error"`
	LastRecoveryPoint     types.String `tfsdk:"last_recovery_point"`
	Name                  types.String `tfsdk:"name"`
	PrimaryRegion         types.String `tfsdk:"primary_region"`
	PrimaryVolumeID       types.String `tfsdk:"primary_volume_id"`
	PrimaryZone           types.String `tfsdk:"primary_zone"`
	ProtectionGroupID     types.String `tfsdk:"protection_group_id"`
	Readiness             types.Object `tfsdk:"readiness"`
	Replication           types.String `tfsdk:"replication"`
	ReplicationLagSeconds types.Int64  `tfsdk:"replication_lag_seconds"`
	RPOSeconds            types.Int64  `tfsdk:"rpo_seconds"`
	SecondaryRegion       types.String `tfsdk:"secondary_region"`
	SecondaryVolumeID     types.String `tfsdk:"secondary_volume_id"`
	SecondaryZone         types.String `tfsdk:"secondary_zone"`
	Status                types.String `tfsdk:"status"`
	SyncProgress          types.Int64  `tfsdk:"sync_progress"`
}

// pairModel is the resource's model: the read model plus the timeouts block and the planned
// operations (the resource's own: the data source has neither).
type pairModel struct {
	pairData
	PlannedOperations types.List     `tfsdk:"planned_operations"`
	Timeouts          timeouts.Value `tfsdk:"timeouts"`
}

func (pairKind) fill(m *pairModel, p platform.ReplicationPair) diag.Diagnostics {
	m.observed(p.Tags)
	m.ResourceGroupID = optionalString(p.ResourceGroupID)
	m.observedBilling(p.PaymentType, timeString(p.ExpiresAt))
	m.ID = types.StringValue(p.ID)
	m.Name = types.StringValue(p.Name)
	m.Description = optionalString(p.Description)
	m.PrimaryVolumeID = types.StringValue(p.PrimaryVolumeID)
	m.SecondaryVolumeID = types.StringValue(p.SecondaryVolumeID)
	m.RPOSeconds = types.Int64Value(p.RPOSeconds)
	m.BandwidthKbps = types.Int64Value(p.BandwidthKbps)
	m.PrimaryRegion = types.StringValue(p.PrimaryRegion)
	m.PrimaryZone = types.StringValue(p.PrimaryZone)
	m.SecondaryRegion = types.StringValue(p.SecondaryRegion)
	m.SecondaryZone = types.StringValue(p.SecondaryZone)
	m.Status = types.StringValue(lifecycle.RenderState(p.State, p.FailedOp))
	m.ActiveSite = types.StringValue(siteName(lifecycle.ReplicationPair, p.ActiveSite))
	if p.ActiveSite == lifecycle.SiteTarget {
		m.Direction = types.StringValue("secondary_to_primary")
	} else {
		m.Direction = types.StringValue("primary_to_secondary")
	}
	m.Replication = desiredValue(lifecycle.ReplicationPair, p.State)
	m.LastRecoveryPoint = timeString(p.LastRecoveryPoint)
	m.ReplicationLagSeconds = types.Int64Value(p.LagSeconds)
	m.SyncProgress = types.Int64Value(int64(p.SyncProgress))
	m.LastError = optionalString(p.LastError)
	m.ProtectionGroupID = optionalString(p.GroupID)
	m.AllowedOperations = opsList(lifecycle.AllowedOperations(lifecycle.ReplicationPair, p.Observed, lifecycle.Options{}))
	m.Readiness = readinessValue(lifecycle.ReplicationPair, p.Observed)
	m.DrillActive = types.BoolValue(p.DrillActive)
	m.LastDrill = lastDrillValue(p.LastDrill)
	if m.AllowDataLoss.IsNull() || m.AllowDataLoss.IsUnknown() {
		m.AllowDataLoss = types.BoolValue(false)
	}
	return nil
}
