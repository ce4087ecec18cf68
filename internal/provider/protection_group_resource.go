package provider

import (
	"context"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

const groupType = "dr_protection_group"

// NewProtectionGroupResource returns the dr_protection_group resource.
func NewProtectionGroupResource() resource.Resource {
	return newDRResource[groupModel, platform.ProtectionGroup](groupKind{})
}

// groupKind is what dr_protection_group adds to the DR resource core: membership (pairs and
// protected servers) is part of its goal, checked per candidate at plan, and removed before a
// delete.
type groupKind struct{}

func (groupKind) info() drInfo {
	return drInfo{kind: lifecycle.ProtectionGroup, typeName: groupType, what: "protection group",
		replace:  []string{"source_region", "source_zone", "target_region", "target_zone", "domain_id", "source_vpc_id"},
		createAt: "target_zone", deleteAt: "allow_data_loss", settle: true,
		attrs: map[string]string{
			lifecycle.ParamPairID: "replication_pair_ids", string(lifecycle.OpAddMember): "replication_pair_ids", string(lifecycle.OpRemoveMember): "replication_pair_ids",
			lifecycle.ParamServerID: "server_ids", string(lifecycle.OpAddServer): "server_ids", string(lifecycle.OpRemoveServer): "server_ids",
		},
		listRegion: "Only groups with a site in this region (`source_region` or `target_region`).",
	}
}

func (groupKind) core(m *groupModel) drCore {
	return drCore{ID: &m.ID, Status: &m.Status, Name: &m.Name, Description: &m.Description, Active: &m.ActiveSite,
		Desired: &m.Protection, AllowDataLoss: &m.AllowDataLoss, Planned: &m.PlannedOperations, Timeouts: &m.Timeouts, Read: &m.groupData, Tags: &m.tagsData,
		ResourceGroup: &m.ResourceGroupID}
}

func (groupKind) get(ctx context.Context, d *ProviderData, id string) (platform.ProtectionGroup, error) {
	return d.Groups.GetGroup(ctx, id)
}

func (groupKind) list(ctx context.Context, d *ProviderData) ([]platform.ProtectionGroup, error) {
	return d.Groups.ListGroups(ctx)
}

func (groupKind) view(g platform.ProtectionGroup) drView {
	return drView{ID: g.ID, Name: g.Name, State: g.State, Regions: []string{g.SourceRegion, g.TargetRegion}, Tags: g.Tags, ResourceGroupID: g.ResourceGroupID}
}

var drServerAttrTypes = map[string]attr.Type{
	"server_id": types.StringType, "twin_server_id": types.StringType,
	"twin_ip": types.StringType, "twin_eip": types.StringType, "twin_mac": types.StringType,
}

func (groupKind) schema(context.Context) schema.Schema {
	site := func(what string) schema.StringAttribute {
		return identity(what+" Changing it replaces the group.", regionValidator())
	}
	members := func(desc string) schema.SetAttribute {
		return schema.SetAttribute{MarkdownDescription: desc, Optional: true, Computed: true, ElementType: types.StringType,
			Validators: []validator.Set{setvalidator.ValueStringsAre(idValidator())}}
	}
	return schema.Schema{
		MarkdownDescription: "A consistency group of replication pairs and protected servers across two sites " +
			"(Huawei SDRS protection group; Alibaba replication pair-consistent group; EVS replication " +
			"consistency group). `protection` and `active_site` are optional desired states: `active_site = " +
			"\"target\"` runs a planned failover when both sites are healthy and a failover when the source " +
			"site is down; after a failover, `protection = \"enabled\"` reprotects. Membership changes are " +
			"planned by the engine (e.g. `disable_protection → add_member → enable_protection`).\n\n" +
			"The platform changes protected servers on its own: protecting a server creates its DR-site twin " +
			"(stopped); a **failover stops the production servers** still running and moves their IP, EIP and " +
			"MAC to the twins, which stay stopped until you start them (R002-4, R002-5); a planned failover " +
			"moves the addresses only. Leave `dr_sandbox_server.power_state` unset so the configuration does " +
			"not try to start a stopped server at a site that is down (see the guide *Operating DR with Terraform*).",
		Attributes: map[string]schema.Attribute{
			"active_site": desired("Desired site serving production: `source` or `target` (the sites' roles at "+
				"creation). Omit to observe only; the current value is always reported.", "source", "target"),
			"allow_data_loss":    flag("Permits a forced failover while the active site is healthy (R002-8). Defaults to `false`.", false),
			"allowed_operations": reportedList("Operations the engine allows on the group right now."),
			"description": schema.StringAttribute{
				MarkdownDescription: "Description of the group (up to 256 characters, no `<` or `>`). The platform's own limits are checked at plan (V-PARAMS): Huawei Cloud SDRS at most 64 bytes; Alibaba Cloud EBS 2 to 256 characters, not starting with `http://` or `https://`.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtMost(256), stringvalidator.RegexMatches(noAngleBrackets, "must not contain '<' or '>'")},
			},
			"dr_servers": schema.ListNestedAttribute{
				MarkdownDescription: "The DR-site twins the platform created for the protected servers, with the " +
					"addresses they hold (after a failover they hold the production addresses, R002-5).",
				Computed: true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"server_id":      reported("The protected server."),
					"twin_eip":       reported("Elastic IP the twin holds."),
					"twin_ip":        reported("Private IP the twin holds."),
					"twin_mac":       reported("MAC address the twin holds."),
					"twin_server_id": reported("The twin at the other site."),
				}},
			},
			"domain_id": platformParam("Huawei Cloud SDRS only: the active-active domain the group replicates in " +
				"(`domain_id` of *Creating a Protection Group*; see *Querying an Active-Active Domain*). Omit it " +
				"when the project has exactly one domain between `source_zone` and `target_zone`: that one is " +
				"used and reported here. Setting it on another platform is refused at plan (V-PARAMS). " +
				"Changing it replaces the group."),
			"drill_active":        reportedBool("Whether a DR drill is running (a real failover or reprotect is refused meanwhile, V-DRILL)."),
			"health":              reported("`normal` or `abnormal` (a site is down or an operation failed)."),
			"id":                  fixed("Identifier of the group."),
			"last_drill":          lastDrillAttribute("drill"),
			"last_error":          reported("The platform's message about the last failed operation, if any."),
			"last_recovery_point": reported("Time (RFC 3339) of the last consistent copy at the standby site."),
			"name": schema.StringAttribute{
				MarkdownDescription: "Name of the group: 1 to 128 letters, digits, `.`, `_` and `-`. The platform's own limits are checked at plan (V-PARAMS): Huawei Cloud SDRS at most 64 bytes; Alibaba Cloud EBS 2 to 128 characters starting with a letter.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthBetween(1, 128), stringvalidator.RegexMatches(groupNamePattern, "must contain only letters, digits, '.', '_' and '-'")},
			},
			"protection": desired("Desired protection: `enabled` (replicating; after a failover this reprotects) "+
				"or `disabled`. Omit to observe only.", lifecycle.Desired(lifecycle.ProtectionGroup).ValueNames()...),
			"readiness": readinessAttribute(lifecycle.ProtectionGroup),
			"replication_pair_ids": members("The `dr_replication_pair`s in the group. A pair belongs to at most one group and " +
				"must replicate between the group's sites (V-GRP-MEMBERS). Omit to observe only."),
			"replication_status": reported("Data synchronisation: `inactive`, `copying` (with `sync_progress`), `active` or `active-stopped`."),
			"server_ids": members("The `dr_sandbox_server`s protected by the group; the platform creates a twin " +
				"for each at the other site. Omit to observe only."),
			"source_region": site("Region of the source (production at creation) site."),
			"source_vpc_id": platformParam("Huawei Cloud SDRS only, required there: the ID of the production site's VPC " +
				"(`source_vpc_id` of *Creating a Protection Group*); it must exist (checked at plan). Setting it " +
				"on another platform is refused at plan (V-PARAMS). Changing it replaces the group."),
			"source_zone":   site("Availability zone of the source site."),
			"status":        reported("The engine's normalized state, e.g. `replicating`, `failed_over` or `error{failover}`."),
			"sync_progress": reportedInt("Progress (0-100) of the running synchronisation."),
			"target_region": site("Region of the target (DR at creation) site."),
			"target_zone":   site("Availability zone of the target site."),
		},
	}
}

// goal builds the group's goal: desired protection and active site, plus the membership
// changes between the observed members (state; none before the group exists) and the
// configured ones. known is false when configured member IDs are not known yet.
func (groupKind) goal(_ context.Context, config, _, state *groupModel) (lifecycle.Goal, bool) {
	var active lifecycle.Site
	if !config.ActiveSite.IsNull() && !config.ActiveSite.IsUnknown() {
		active = parseSite(lifecycle.ProtectionGroup, config.ActiveSite)
	}
	goal := goalFor(lifecycle.ProtectionGroup, config.Protection, active)
	if state == nil {
		state = &groupModel{groupData: groupData{PairIDs: types.SetNull(types.StringType), ServerIDs: types.SetNull(types.StringType)}}
	}
	known := true
	for _, m := range []struct {
		param           string
		add, remove     lifecycle.Op
		configured, obs types.Set
	}{
		{lifecycle.ParamPairID, lifecycle.OpAddMember, lifecycle.OpRemoveMember, config.PairIDs, state.PairIDs},
		{lifecycle.ParamServerID, lifecycle.OpAddServer, lifecycle.OpRemoveServer, config.ServerIDs, state.ServerIDs},
	} {
		if m.configured.IsNull() {
			continue // membership not managed
		}
		want, ok := setStrings(m.configured)
		if !ok {
			known = false
			continue
		}
		have, _ := setStrings(m.obs)
		add, remove := diffSets(have, want)
		goal.Required = append(goal.Required, memberOps(m.remove, m.param, remove)...)
		goal.Required = append(goal.Required, memberOps(m.add, m.param, add)...)
	}
	return goal, known
}

func (groupKind) goalAt(config *groupModel, goal lifecycle.Goal) path.Path {
	switch {
	case !config.ActiveSite.IsNull():
		return path.Root("active_site")
	case !config.Protection.IsNull():
		return path.Root("protection")
	case len(goal.Required) > 0 && !config.PairIDs.IsNull():
		return path.Root("replication_pair_ids")
	}
	return path.Root("name")
}

// candidateFacts are the group's facts with a member it would add filled in (V-GRP-MEMBERS).
func (groupKind) candidateFacts(ctx context.Context, d *ProviderData, id string, r lifecycle.OpRequest) (lifecycle.Facts, error) {
	return d.Groups.MemberFacts(ctx, id, r.Params)
}

// deleteGoal removes every member, stops a running drill, then deletes the empty group
// (V-GRP-DELETE). Pairs and servers are kept.
func (groupKind) deleteGoal(m *groupModel) lifecycle.Goal {
	pairs, _ := setStrings(m.PairIDs)
	servers, _ := setStrings(m.ServerIDs)
	goal := deletedGoal()
	goal.Required = append(goal.Required, memberOps(lifecycle.OpRemoveMember, lifecycle.ParamPairID, pairs)...)
	goal.Required = append(goal.Required, memberOps(lifecycle.OpRemoveServer, lifecycle.ParamServerID, servers)...)
	if m.DrillActive.ValueBool() {
		goal.Required = append(goal.Required, lifecycle.OpRequest{Op: lifecycle.OpStopDrill})
	}
	return goal
}

// createFacts checks a new group's sites and platform-specific parameters with the platform's
// facts (ProposedGroupFacts: V-REFS, V-GRP-SITES; V-PARAMS for domain_id and source_vpc_id),
// at plan and again at apply before the group is created (a value may have been unknown at
// plan). One site named twice is refused without asking (V-GRP-SITES). The path from the new
// group needs its members known; the members' own checks (V-GRP-MEMBERS) need the group and
// run at apply.
func (groupKind) createFacts(ctx context.Context, d *ProviderData, plan, config *groupModel, _ bool, diags *diag.Diagnostics) (func() (lifecycle.Facts, bool), bool) {
	return func() (lifecycle.Facts, bool) {
		for _, v := range []types.String{plan.SourceRegion, plan.SourceZone, plan.TargetRegion, plan.TargetZone, config.DomainID, config.SourceVPCID} {
			if v.IsUnknown() {
				return lifecycle.Facts{}, false // known at apply: checked there
			}
		}
		s := groupSpec(plan)
		if !addFormatError(diags, groupType, lifecycle.ValidateGroupSites(s.SourceRegion, s.SourceZone, s.TargetRegion, s.TargetZone)) {
			return lifecycle.Facts{}, false
		}
		facts, err := d.Groups.ProposedGroupFacts(ctx, s)
		if err != nil {
			addError(diags, "checking", groupType, "", err)
			return facts, false
		}
		facts.GivenParams = nil
		for name, v := range map[string]types.String{"domain_id": config.DomainID, "source_vpc_id": config.SourceVPCID} {
			if !v.IsNull() {
				facts.GivenParams = append(facts.GivenParams, name)
			}
		}
		sort.Strings(facts.GivenParams)
		return facts, true
	}, true
}

func (groupKind) tokenParts(plan, _ *groupModel) []string {
	return []string{plan.Name.ValueString(), plan.SourceRegion.ValueString(), plan.SourceZone.ValueString(), plan.TargetRegion.ValueString(), plan.TargetZone.ValueString()}
}

func (groupKind) create(ctx context.Context, d *ProviderData, plan, _ *groupModel, token string) (platform.ProtectionGroup, error) {
	return d.Groups.CreateGroup(ctx, groupSpec(plan), token)
}

func groupSpec(plan *groupModel) platform.GroupSpec {
	return platform.GroupSpec{
		Tags: createTags(plan.tagsData), ResourceGroupID: createResourceGroup(plan.ResourceGroupID),
		Name: plan.Name.ValueString(), Description: plan.Description.ValueString(),
		SourceRegion: plan.SourceRegion.ValueString(), SourceZone: plan.SourceZone.ValueString(),
		TargetRegion: plan.TargetRegion.ValueString(), TargetZone: plan.TargetZone.ValueString(),
		DomainID: plan.DomainID.ValueString(), SourceVPCID: plan.SourceVPCID.ValueString(),
	}
}

func memberOps(op lifecycle.Op, param string, ids []string) []lifecycle.OpRequest {
	out := make([]lifecycle.OpRequest, 0, len(ids))
	for _, id := range ids {
		out = append(out, lifecycle.OpRequest{Op: op, Params: map[string]string{param: id}})
	}
	return out
}

// setStrings reads a set of strings; ok is false when any element is unknown.
func setStrings(s types.Set) ([]string, bool) {
	if s.IsNull() || s.IsUnknown() {
		return nil, !s.IsUnknown()
	}
	var out []string
	for _, e := range s.Elements() {
		v, isStr := e.(types.String)
		if !isStr || v.IsUnknown() {
			return nil, false
		}
		out = append(out, v.ValueString())
	}
	sort.Strings(out)
	return out, true
}

// diffSets returns what to add to have to get want, and what to remove, both sorted.
func diffSets(have, want []string) (add, remove []string) {
	h := map[string]bool{}
	for _, s := range have {
		h[s] = true
	}
	w := map[string]bool{}
	for _, s := range want {
		w[s] = true
		if !h[s] {
			add = append(add, s)
		}
	}
	for _, s := range have {
		if !w[s] {
			remove = append(remove, s)
		}
	}
	return add, remove
}

// groupData is the read model the resource and its data source share.
type groupData struct {
	tagsData
	ResourceGroupID   types.String `tfsdk:"resource_group_id"`
	ActiveSite        types.String `tfsdk:"active_site"`
	AllowDataLoss     types.Bool   `tfsdk:"allow_data_loss"`
	AllowedOperations types.List   `tfsdk:"allowed_operations"`
	Description       types.String `tfsdk:"description"`
	DRServers         types.List   `tfsdk:"dr_servers"`
	DomainID          types.String `tfsdk:"domain_id"`
	DrillActive       types.Bool   `tfsdk:"drill_active"`
	Health            types.String `tfsdk:"health"`
	ID                types.String `tfsdk:"id"`
	LastDrill         types.Object `tfsdk:"last_drill"`
	LastError         types.String `tfsdk:"last_error"`
	LastRecoveryPoint types.String `tfsdk:"last_recovery_point"`
	Name              types.String `tfsdk:"name"`
	PairIDs           types.Set    `tfsdk:"replication_pair_ids"`
	Protection        types.String `tfsdk:"protection"`
	Readiness         types.Object `tfsdk:"readiness"`
	ReplicationStatus types.String `tfsdk:"replication_status"`
	ServerIDs         types.Set    `tfsdk:"server_ids"`
	SourceRegion      types.String `tfsdk:"source_region"`
	SourceVPCID       types.String `tfsdk:"source_vpc_id"`
	SourceZone        types.String `tfsdk:"source_zone"`
	Status            types.String `tfsdk:"status"`
	SyncProgress      types.Int64  `tfsdk:"sync_progress"`
	TargetRegion      types.String `tfsdk:"target_region"`
	TargetZone        types.String `tfsdk:"target_zone"`
}

// groupModel is the resource's model: the read model plus the timeouts block.
type groupModel struct {
	groupData
	PlannedOperations types.List     `tfsdk:"planned_operations"`
	Timeouts          timeouts.Value `tfsdk:"timeouts"`
}

func (groupKind) fill(m *groupModel, g platform.ProtectionGroup) (diags diag.Diagnostics) {
	m.observed(g.Tags)
	m.ResourceGroupID = optionalString(g.ResourceGroupID)
	m.ID = types.StringValue(g.ID)
	m.Name = types.StringValue(g.Name)
	m.Description = optionalString(g.Description)
	m.SourceRegion = types.StringValue(g.SourceRegion)
	m.SourceZone = types.StringValue(g.SourceZone)
	m.TargetRegion = types.StringValue(g.TargetRegion)
	m.TargetZone = types.StringValue(g.TargetZone)
	m.DomainID = optionalString(g.DomainID)
	m.SourceVPCID = optionalString(g.SourceVPCID)
	m.Status = types.StringValue(lifecycle.RenderState(g.State, g.FailedOp))
	m.ActiveSite = types.StringValue(string(g.ActiveSite))
	m.Protection = desiredValue(lifecycle.ProtectionGroup, g.State)
	m.ReplicationStatus = types.StringValue(g.ReplicationStatus)
	m.SyncProgress = types.Int64Value(int64(g.SyncProgress))
	m.Health = types.StringValue(g.Health)
	m.DrillActive = types.BoolValue(g.DrillActive)
	m.LastError = optionalString(g.LastError)
	m.LastRecoveryPoint = timeString(g.LastRecoveryPoint)
	m.AllowedOperations = opsList(lifecycle.AllowedOperations(lifecycle.ProtectionGroup, g.Observed, lifecycle.Options{}))
	m.Readiness = readinessValue(lifecycle.ProtectionGroup, g.Observed)
	m.LastDrill = lastDrillValue(g.LastDrill)
	var d diagList
	m.PairIDs, d = types.SetValueFrom(context.Background(), types.StringType, nonNil(g.PairIDs))
	diags.Append(d...)
	m.ServerIDs, d = types.SetValueFrom(context.Background(), types.StringType, nonNil(g.ServerIDs))
	diags.Append(d...)
	twins := make([]attr.Value, 0, len(g.DRServers))
	for _, t := range g.DRServers {
		twins = append(twins, types.ObjectValueMust(drServerAttrTypes, map[string]attr.Value{
			"server_id": types.StringValue(t.SourceServerID), "twin_server_id": types.StringValue(t.TwinServerID),
			"twin_ip": types.StringValue(t.TwinIP), "twin_eip": types.StringValue(t.TwinEIP), "twin_mac": types.StringValue(t.TwinMAC),
		}))
	}
	m.DRServers, d = types.ListValue(types.ObjectType{AttrTypes: drServerAttrTypes}, twins)
	diags.Append(d...)
	if m.AllowDataLoss.IsNull() || m.AllowDataLoss.IsUnknown() {
		m.AllowDataLoss = types.BoolValue(false)
	}
	return diags
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
