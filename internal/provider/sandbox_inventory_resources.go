package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// The sandbox's inventory resources — dr_sandbox_site, dr_sandbox_vault, dr_sandbox_volume,
// dr_sandbox_backup and dr_sandbox_server: what each adds to the sandbox resource core
// (sandbox_resource.go), its schema, model and inventory calls.

// NewSandboxSiteResource returns the dr_sandbox_site resource.
func NewSandboxSiteResource() resource.Resource {
	return newSandboxResource[sandboxSiteModel, *sandboxSiteModel]("site", sandboxSite{}, platform.Inventory.GetSite, platform.Inventory.DeleteSite)
}

// sandboxSite is what dr_sandbox_site adds to the sandbox resource core.
type sandboxSite struct{}

func (sandboxSite) schema() schema.Schema {
	return schema.Schema{
		MarkdownDescription: "A site (region and availability zone) of the embedded sandbox DR platform. Setting " +
			"`healthy = false` simulates an outage of the whole site; setting it back restores it. Works only " +
			"on the sandbox platform.",
		Attributes: map[string]schema.Attribute{
			"healthy": flag("Whether the site is up. `false` simulates an outage: its servers are "+
				"unreachable and replication to or from it stops. Defaults to `true`.", true),
			"id":                  fixed("Identifier of the site."),
			"region":              identity("Region of the site, e.g. `cn-shanghai`. Changing it replaces the site.", regionValidator()),
			"replication_capable": flag("Whether the site's region supports replication (R001-5, R003-2). Defaults to `true`.", true),
			"zone": identity("Availability zone of the site, e.g. `cn-shanghai-a`. Changing it replaces the site.",
				stringvalidator.LengthBetween(1, 64), regionValidator()),
		},
	}
}

type sandboxSiteModel struct {
	sandboxObject
	Healthy            types.Bool   `tfsdk:"healthy"`
	Region             types.String `tfsdk:"region"`
	ReplicationCapable types.Bool   `tfsdk:"replication_capable"`
	Zone               types.String `tfsdk:"zone"`
}

func (sandboxSite) fill(m *sandboxSiteModel, s platform.Site) diag.Diagnostics {
	m.ID = types.StringValue(s.ID)
	m.Region = types.StringValue(s.Region)
	m.Zone = types.StringValue(s.Zone)
	m.Healthy = types.BoolValue(s.Healthy)
	m.ReplicationCapable = types.BoolValue(s.ReplicationCapable)
	return nil
}

func (sandboxSite) create(ctx context.Context, inv platform.Inventory, plan *sandboxSiteModel) (platform.Site, error) {
	return inv.PutSite(ctx, platform.Site{
		Region: plan.Region.ValueString(), Zone: plan.Zone.ValueString(),
		Healthy: plan.Healthy.ValueBool(), ReplicationCapable: plan.ReplicationCapable.ValueBool(),
	})
}

// update changes whether the region is replication-capable, then the site's health (an outage
// or its repair).
func (sandboxSite) update(ctx context.Context, inv platform.Inventory, id string, plan *sandboxSiteModel) (platform.Site, error) {
	site, err := inv.GetSite(ctx, id)
	if err == nil && site.ReplicationCapable != plan.ReplicationCapable.ValueBool() {
		site.ReplicationCapable = plan.ReplicationCapable.ValueBool()
		site, err = inv.PutSite(ctx, site)
	}
	if err == nil && site.Healthy != plan.Healthy.ValueBool() {
		site, err = inv.SetSiteHealth(ctx, id, plan.Healthy.ValueBool())
	}
	return site, err
}

// NewSandboxVaultResource returns the dr_sandbox_vault resource.
func NewSandboxVaultResource() resource.Resource {
	return newSandboxResource[sandboxVaultModel, *sandboxVaultModel]("vault", sandboxVault{}, platform.Inventory.GetVault, platform.Inventory.DeleteVault)
}

// sandboxVault is what dr_sandbox_vault adds to the sandbox resource core.
type sandboxVault struct{}

func (sandboxVault) schema() schema.Schema {
	return schema.Schema{
		MarkdownDescription: "A backup vault in a region of the embedded sandbox DR platform. Backups live in " +
			"`backup` vaults; cross-region replicas go to a `replication` vault in the destination region " +
			"(R003-11). Works only on the sandbox platform.",
		Attributes: map[string]schema.Attribute{
			"id": fixed("Identifier of the vault."),
			"purpose": identity("`backup` or `replication`. Changing it replaces the vault.",
				stringvalidator.OneOf(platform.VaultBackup, platform.VaultReplication)),
			"region": identity("Region of the vault. Changing it replaces the vault.", regionValidator()),
		},
	}
}

type sandboxVaultModel struct {
	sandboxObject
	Purpose types.String `tfsdk:"purpose"`
	Region  types.String `tfsdk:"region"`
}

func (sandboxVault) fill(m *sandboxVaultModel, v platform.Vault) diag.Diagnostics {
	m.ID = types.StringValue(v.ID)
	m.Purpose = types.StringValue(v.Purpose)
	m.Region = types.StringValue(v.Region)
	return nil
}

func (sandboxVault) create(ctx context.Context, inv platform.Inventory, plan *sandboxVaultModel) (platform.Vault, error) {
	return inv.PutVault(ctx, platform.Vault{Region: plan.Region.ValueString(), Purpose: plan.Purpose.ValueString()})
}

// NewSandboxVolumeResource returns the dr_sandbox_volume resource.
func NewSandboxVolumeResource() resource.Resource {
	return newSandboxResource[sandboxVolumeModel, *sandboxVolumeModel]("volume", sandboxVolume{}, platform.Inventory.GetVolume, platform.Inventory.DeleteVolume)
}

// sandboxVolume is what dr_sandbox_volume adds to the sandbox resource core.
type sandboxVolume struct{}

func (sandboxVolume) schema() schema.Schema {
	return schema.Schema{
		MarkdownDescription: "A block volume (disk) at a site of the embedded sandbox DR platform, optionally " +
			"attached to a server. Volumes are what `dr_replication_pair` replicates. Works only on the sandbox platform.",
		Attributes: map[string]schema.Attribute{
			"encrypted": schema.BoolAttribute{
				MarkdownDescription: "Whether the volume is encrypted. Defaults to `false`. Changing it replaces the volume.",
				Optional:            true, Computed: true, Default: booldefault.StaticBool(false),
				PlanModifiers: []planmodifier.Bool{boolplanmodifier.RequiresReplace()},
			},
			"id": fixed("Identifier of the volume."),
			"server_id": optional("The server the volume is attached to; omit to keep it detached. A replication "+
				"pair's standby volume must be detached to start replication (V-PAIR-START), and the original "+
				"primary volume must be detached to reprotect (V-PAIR-REPROT).", idValidator()),
			"site_id": identity("The `dr_sandbox_site` the volume lives in. Changing it replaces the volume.", idValidator()),
			"size_gb": schema.Int64Attribute{
				MarkdownDescription: "Size in GiB (1 to 65536). The initial synchronisation of a pair takes time in proportion to it.",
				Required:            true,
				Validators:          []validator.Int64{int64validator.Between(1, 65536)},
			},
		},
	}
}

type sandboxVolumeModel struct {
	sandboxObject
	Encrypted types.Bool   `tfsdk:"encrypted"`
	ServerID  types.String `tfsdk:"server_id"`
	SiteID    types.String `tfsdk:"site_id"`
	SizeGB    types.Int64  `tfsdk:"size_gb"`
}

func (sandboxVolume) fill(m *sandboxVolumeModel, v platform.Volume) diag.Diagnostics {
	m.ID = types.StringValue(v.ID)
	m.SiteID = types.StringValue(v.SiteID)
	m.SizeGB = types.Int64Value(v.SizeGB)
	m.Encrypted = types.BoolValue(v.Encrypted)
	m.ServerID = optionalString(v.ServerID)
	return nil
}

// create makes the volume, then attaches it to its server (a failed attachment leaves the
// volume made: it is saved, and the error reported).
func (sandboxVolume) create(ctx context.Context, inv platform.Inventory, plan *sandboxVolumeModel) (platform.Volume, error) {
	v, err := inv.PutVolume(ctx, platform.Volume{
		SiteID: plan.SiteID.ValueString(), SizeGB: plan.SizeGB.ValueInt64(), Encrypted: plan.Encrypted.ValueBool(),
	})
	if err == nil && plan.ServerID.ValueString() != "" {
		v, err = inv.AttachVolume(ctx, v.ID, plan.ServerID.ValueString())
	}
	return v, err
}

// update resizes the volume, then attaches it to another server (or detaches it).
func (sandboxVolume) update(ctx context.Context, inv platform.Inventory, id string, plan *sandboxVolumeModel) (platform.Volume, error) {
	v, err := inv.GetVolume(ctx, id)
	if err == nil && v.SizeGB != plan.SizeGB.ValueInt64() {
		v.SizeGB = plan.SizeGB.ValueInt64()
		v, err = inv.PutVolume(ctx, v)
	}
	if err == nil && v.ServerID != plan.ServerID.ValueString() {
		v, err = inv.AttachVolume(ctx, id, plan.ServerID.ValueString())
	}
	return v, err
}

// optionalString maps "" to null, for optional attributes that the platform reports as empty.
func optionalString(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

// NewSandboxBackupResource returns the dr_sandbox_backup resource.
func NewSandboxBackupResource() resource.Resource {
	return newSandboxResource[sandboxBackupModel, *sandboxBackupModel]("backup", sandboxBackup{}, platform.Inventory.GetBackup, platform.Inventory.DeleteBackup)
}

// sandboxBackup is what dr_sandbox_backup adds to the sandbox resource core.
type sandboxBackup struct{}

func (sandboxBackup) schema() schema.Schema {
	return schema.Schema{
		MarkdownDescription: "A backup in a vault of the embedded sandbox DR platform: a `server` backup (of a " +
			"`dr_sandbox_server`) or a `disk` backup (of a `dr_sandbox_volume`). Only available server backups " +
			"that include the system disk can be replicated across regions (R003-1, R003-3 to R003-5). Works only " +
			"on the sandbox platform.",
		Attributes: map[string]schema.Attribute{
			"id": fixed("Identifier of the backup."),
			"includes_system_disk": schema.BoolAttribute{
				MarkdownDescription: "Whether the backup contains the system disk's data. Defaults to `true`. Changing it replaces the backup.",
				Optional:            true, Computed: true, Default: booldefault.StaticBool(true),
				PlanModifiers: []planmodifier.Bool{boolplanmodifier.RequiresReplace()},
			},
			"is_replica": schema.BoolAttribute{
				MarkdownDescription: "Whether the backup is a cross-region replica of another backup (replicas cannot be replicated again, R003-6).",
				Computed:            true,
				PlanModifiers:       []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
			},
			"kind": identity("`server` (an ECS-style whole-server backup) or `disk` (a single volume). Changing it replaces the backup.",
				stringvalidator.OneOf(platform.BackupKindServer, platform.BackupKindDisk)),
			"region": fixed("Region of the backup (its vault's region)."),
			"size_gb": schema.Int64Attribute{
				MarkdownDescription: "Size in GiB; defaults to the size of what is backed up. Changing it replaces the backup.",
				Optional:            true, Computed: true,
				Validators:    []validator.Int64{int64validator.Between(1, 65536)},
				PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown(), int64planmodifier.RequiresReplace()},
			},
			"source_id": identity("The server (`kind = \"server\"`) or volume (`kind = \"disk\"`) backed up. Changing it replaces the backup.", idValidator()),
			"status": schema.StringAttribute{
				MarkdownDescription: "`available`, `creating` or `error`. Defaults to `available`; set another value to " +
					"simulate a backup that cannot be replicated yet (R003-5).",
				Optional: true, Computed: true, Default: stringdefault.StaticString(platform.BackupAvailable),
				Validators: []validator.String{stringvalidator.OneOf(platform.BackupAvailable, platform.BackupCreating, platform.BackupError)},
			},
			"vault_id": identity("The `dr_sandbox_vault` holding the backup. Changing it replaces the backup.", idValidator()),
		},
	}
}

type sandboxBackupModel struct {
	sandboxObject
	IncludesSystemDisk types.Bool   `tfsdk:"includes_system_disk"`
	IsReplica          types.Bool   `tfsdk:"is_replica"`
	Kind               types.String `tfsdk:"kind"`
	Region             types.String `tfsdk:"region"`
	SizeGB             types.Int64  `tfsdk:"size_gb"`
	SourceID           types.String `tfsdk:"source_id"`
	Status             types.String `tfsdk:"status"`
	VaultID            types.String `tfsdk:"vault_id"`
}

func (sandboxBackup) fill(m *sandboxBackupModel, b platform.Backup) diag.Diagnostics {
	m.ID = types.StringValue(b.ID)
	m.Kind = types.StringValue(b.Kind)
	m.SourceID = types.StringValue(b.SourceID)
	m.IncludesSystemDisk = types.BoolValue(b.IncludesSystemDisk)
	m.IsReplica = types.BoolValue(b.IsReplica)
	m.Status = types.StringValue(b.Status)
	m.Region = types.StringValue(b.Region)
	m.VaultID = types.StringValue(b.VaultID)
	m.SizeGB = types.Int64Value(b.SizeGB)
	return nil
}

func (sandboxBackup) create(ctx context.Context, inv platform.Inventory, plan *sandboxBackupModel) (platform.Backup, error) {
	return inv.PutBackup(ctx, platform.Backup{
		Kind: plan.Kind.ValueString(), SourceID: plan.SourceID.ValueString(),
		IncludesSystemDisk: plan.IncludesSystemDisk.ValueBool(), Status: plan.Status.ValueString(),
		VaultID: plan.VaultID.ValueString(), SizeGB: plan.SizeGB.ValueInt64(),
	})
}

// update changes the backup's status (the only attribute that does not replace it).
func (sandboxBackup) update(ctx context.Context, inv platform.Inventory, id string, plan *sandboxBackupModel) (platform.Backup, error) {
	b, err := inv.GetBackup(ctx, id)
	if err == nil {
		b.Status = plan.Status.ValueString()
		b, err = inv.PutBackup(ctx, b)
	}
	return b, err
}

// modifyPlan refuses at plan a power change the platform would refuse at apply: a server at a
// site that is down (SiteDown), or one whose protection group is failing over (R002-7).
func (sandboxServer) modifyPlan(ctx context.Context, inv platform.Inventory, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() {
		return
	}
	var plan, state sandboxServerModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || plan.PowerState.IsNull() || plan.PowerState.IsUnknown() || plan.PowerState.Equal(state.PowerState) {
		return
	}
	if err := inv.CheckServerPower(ctx, state.ID.ValueString(), plan.PowerState.ValueString()); err != nil {
		if platform.IsPreconditionFailed(err) {
			resp.Diagnostics.AddAttributeError(pathPowerState, "Cannot change the power state of dr_sandbox_server "+state.ID.ValueString(),
				err.Error()+". Change it once the site is healthy again (a site restored in the same apply is not healthy yet at plan time).")
			return
		}
		addError(&resp.Diagnostics, "checking", "dr_sandbox_server", state.ID.ValueString(), err)
	}
}

// NewSandboxServerResource returns the dr_sandbox_server resource.
func NewSandboxServerResource() resource.Resource {
	return newSandboxResource[sandboxServerModel, *sandboxServerModel]("server", sandboxServer{}, platform.Inventory.GetServer, platform.Inventory.DeleteServer)
}

// sandboxServer is what dr_sandbox_server adds to the sandbox resource core.
type sandboxServer struct{}

func (sandboxServer) schema() schema.Schema {
	return schema.Schema{
		MarkdownDescription: "A server at a site of the embedded sandbox DR platform. Protect it with a " +
			"`dr_protection_group` (the platform creates its DR-site twin). Its `power_state` matters to DR: " +
			"a planned failover needs the production servers stopped (V-GRP-SWITCH) and a reprotect needs the " +
			"servers at the restored site stopped (R000-4). Its addresses move to the twin on failover " +
			"(R002-5), so they are read-only. Works only on the sandbox platform.\n\n" +
			"The platform changes servers on its own during DR operations, as the real services do: a group " +
			"**failover** stops the production servers that are still running (the site is down or being " +
			"abandoned) and moves their IP, EIP and MAC to their DR-site twins, which stay stopped until you " +
			"start them (R002-4, R002-5); a **planned failover** moves the addresses but changes no power " +
			"state (the production servers were already stopped); protecting a server creates its twin, " +
			"stopped; removing it from the group deletes the twin and gives the addresses back. Leave " +
			"`power_state` unset to let the platform own it (the current value is always reported and never " +
			"causes a diff); set it only for a server whose power you manage, knowing that a server the " +
			"platform stopped at a site that is down cannot be started (the apply fails).",
		Attributes: map[string]schema.Attribute{
			"eip": reported("Elastic (public) IP address the server currently holds; empty after a failover moved it to the DR-site twin."),
			"id":  fixed("Identifier of the server."),
			"ip":  reported("Private IP address the server currently holds."),
			"mac": reported("MAC address of the server's NIC."),
			"name": schema.StringAttribute{
				MarkdownDescription: "Name of the server (1 to 64 characters).",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthBetween(1, 64)},
			},
			"power_state": desired("Desired power state: `running` or `stopped`. Omit to observe only: the "+
				"current value is always reported and never causes a diff, so the configuration does not fight "+
				"the platform when a failover stops the server. A new server without it starts `running`. "+
				"Changing it is refused while the server's protection group is failing over, switching over or "+
				"reprotecting (R002-7), and fails for a server at a site that is down.", platform.PowerRunning, platform.PowerStopped),
			"site_id":    identity("The `dr_sandbox_site` the server runs in. Changing it replaces the server.", idValidator()),
			"volume_ids": reportedList("Volumes attached to the server (attach them with `dr_sandbox_volume.server_id`)."),
		},
	}
}

type sandboxServerModel struct {
	sandboxObject
	EIP        types.String `tfsdk:"eip"`
	IP         types.String `tfsdk:"ip"`
	MAC        types.String `tfsdk:"mac"`
	Name       types.String `tfsdk:"name"`
	PowerState types.String `tfsdk:"power_state"`
	SiteID     types.String `tfsdk:"site_id"`
	VolumeIDs  types.List   `tfsdk:"volume_ids"`
}

func (sandboxServer) fill(m *sandboxServerModel, s platform.Server) (diags diag.Diagnostics) {
	m.ID = types.StringValue(s.ID)
	m.Name = types.StringValue(s.Name)
	m.SiteID = types.StringValue(s.SiteID)
	m.PowerState = types.StringValue(s.PowerState)
	m.IP = types.StringValue(s.IP)
	m.EIP = types.StringValue(s.EIP)
	m.MAC = types.StringValue(s.MAC)
	m.VolumeIDs, diags = stringList(s.VolumeIDs)
	return diags
}

// create makes the server; an omitted power_state is unknown here: the platform's default
// (running) applies.
func (sandboxServer) create(ctx context.Context, inv platform.Inventory, plan *sandboxServerModel) (platform.Server, error) {
	return inv.PutServer(ctx, platform.Server{
		SiteID: plan.SiteID.ValueString(), Name: plan.Name.ValueString(), PowerState: plan.PowerState.ValueString(),
	})
}

// update renames the server, then powers it as configured. Only a configured power_state is
// enforced; an omitted one is observed (the platform's failover may have stopped the server,
// and starting it at a site that is down fails).
func (sandboxServer) update(ctx context.Context, inv platform.Inventory, id string, plan *sandboxServerModel) (platform.Server, error) {
	s, err := inv.GetServer(ctx, id)
	if err == nil && s.Name != plan.Name.ValueString() {
		s.Name = plan.Name.ValueString()
		s, err = inv.PutServer(ctx, s)
	}
	if want := plan.PowerState; err == nil && !want.IsNull() && !want.IsUnknown() && s.PowerState != want.ValueString() {
		s, err = inv.SetServerPower(ctx, id, want.ValueString())
	}
	if platform.IsPreconditionFailed(err) {
		err = &attrError{at: pathPowerState, summary: "Cannot change the power state of dr_sandbox_server " + id, err: err}
	}
	return s, err
}

// stringList converts to a list attribute value; nil becomes an empty list.
func stringList(in []string) (types.List, diagList) {
	elems := make([]attr.Value, 0, len(in))
	for _, s := range in {
		elems = append(elems, types.StringValue(s))
	}
	return types.ListValue(types.StringType, elems)
}

var pathPowerState = path.Root("power_state")
