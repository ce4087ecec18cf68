package platform

import (
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
)

// Replication status of a protection group's data plane (SDRS / EVS vocabulary).
const (
	ReplicationInactive      = "inactive"
	ReplicationCopying       = "copying"
	ReplicationActive        = "active"
	ReplicationActiveStopped = "active-stopped"
)

// Health of a protection group.
const (
	HealthNormal   = "normal"
	HealthAbnormal = "abnormal"
)

// Virtual machine state of a recovery server (Acronis vm.status).
const (
	VMNotReady = "not_ready"
	VMStarted  = "started"
	VMStopped  = "stopped"
)

// Server power states.
const (
	PowerRunning = "running"
	PowerStopped = "stopped"
)

// Backup kinds, statuses and vault purposes.
const (
	BackupKindServer = "server"
	BackupKindDisk   = "disk"

	BackupAvailable = "available"
	BackupCreating  = "creating"
	BackupError     = "error"

	VaultBackup      = "backup"
	VaultReplication = "replication"
)

// ReplicationPair is one volume replicated between two sites (Alibaba EBS async pair, SDRS/EVS
// replication pair). Source/primary and target/secondary are role-neutral: they name the sides as
// created; ActiveSite says which one serves production now.
type ReplicationPair struct {
	ID                string
	Name              string
	Description       string
	PrimaryVolumeID   string
	SecondaryVolumeID string
	RPOSeconds        int64
	BandwidthKbps     int64
	State             lifecycle.State
	FailedOp          lifecycle.Op
	ActiveSite        lifecycle.Site
	PrimaryRegion     string
	PrimaryZone       string
	SecondaryRegion   string
	SecondaryZone     string
	LastRecoveryPoint time.Time // zero: never synchronised
	LagSeconds        int64
	SyncProgress      int // 0-100, meaningful while starting/reprotecting
	LastError         string
	GroupID           string
	PendingOp         lifecycle.Op // the operation in progress, if any
	// DrillActive: a DR drill of the pair runs (its test copy exists); LastDrill is the last
	// drill on record (nil: none).
	DrillActive bool
	LastDrill   *DrillRecord
	Version     int64
	// Tags are the object's tags as the platform keeps them (nil: none, or a kind without tags).
	Tags map[string]string
	// ResourceGroupID is the resource group the object belongs to ("": a platform without
	// resource groups for the kind, Capabilities.ResourceGroups).
	ResourceGroupID string
	// PaymentType is how the object is paid for (lifecycle.PayAsYouGo, lifecycle.Subscription;
	// "": a platform without billing, Capabilities.Billing), and ExpiresAt when a subscription
	// ends (zero: none).
	PaymentType string
	ExpiresAt   time.Time
	// Observed is the engine's view of the object (state and facts), read in the same
	// transaction, so a single read serves both the resource and allowed_operations.
	Observed lifecycle.Observation
}

// PairSpec creates a replication pair, or updates its mutable attributes.
type PairSpec struct {
	Name              string
	Description       string
	PrimaryVolumeID   string
	SecondaryVolumeID string
	RPOSeconds        int64 // default 900
	BandwidthKbps     int64 // default 10240; 0 means dynamic
	// Tags are the new object's tags (Capabilities.Tags says which kinds carry them).
	Tags map[string]string
	// ResourceGroupID is the resource group the new object is put in ("": the platform's
	// default; Capabilities.ResourceGroups says which kinds belong to one).
	ResourceGroupID string
	// Billing is the new pair's billing choice (zero: the platform's default; Capabilities.Billing).
	Billing lifecycle.Billing
	// Version, when non-zero on update, is the version the caller last observed; a stale
	// version yields a Conflict error.
	Version int64
}

// ServerTwin is a protected server and its DR-site twin.
type ServerTwin struct {
	SourceServerID string // the protected (production, as created) server
	TwinServerID   string // the server the platform created at the other site
	SourceIP       string // addresses as currently held by each side
	SourceEIP      string
	SourceMAC      string
	TwinIP         string
	TwinEIP        string
	TwinMAC        string
}

// ProtectionGroup is a consistency group of pairs and protected servers across two sites
// (SDRS protection group, Alibaba replica group, EVS replication consistency group).
type ProtectionGroup struct {
	ID                string
	Name              string
	Description       string
	SourceRegion      string
	SourceZone        string
	TargetRegion      string
	TargetZone        string
	DomainID          string // Huawei SDRS: the active-active domain; "" elsewhere
	SourceVPCID       string // Huawei SDRS: the production site's VPC; "" elsewhere
	PairIDs           []string
	ServerIDs         []string
	DRServers         []ServerTwin
	State             lifecycle.State
	FailedOp          lifecycle.Op
	ActiveSite        lifecycle.Site
	ReplicationStatus string // inactive | copying | active | active-stopped
	SyncProgress      int
	Health            string // normal | abnormal
	ProtectionEnabled bool
	FirstSyncDone     bool
	LastRecoveryPoint time.Time
	DrillActive       bool
	DrillStartedAt    time.Time
	LastDrill         *DrillRecord // the last drill on record (nil: none)
	LastError         string
	PendingOp         lifecycle.Op
	Version           int64
	// Tags are the object's tags as the platform keeps them (nil: none, or a kind without tags).
	Tags map[string]string
	// ResourceGroupID is the resource group the object belongs to ("": a platform without
	// resource groups for the kind, Capabilities.ResourceGroups).
	ResourceGroupID string
	// Observed is the engine's view of the object (state and facts), read in the same
	// transaction, so a single read serves both the resource and allowed_operations.
	Observed lifecycle.Observation
}

// GroupSpec creates a protection group or updates its name/description.
type GroupSpec struct {
	Name         string
	Description  string
	SourceRegion string
	SourceZone   string
	TargetRegion string
	TargetZone   string
	// Huawei SDRS only (Capabilities.Params): the active-active domain ("" = the project's only
	// one between the zones) and the production site's VPC.
	DomainID    string
	SourceVPCID string
	Version     int64 // see PairSpec.Version
	// Tags are the new object's tags (Capabilities.Tags says which kinds carry them).
	Tags map[string]string
	// ResourceGroupID is the resource group the new object is put in ("": the platform's
	// default; Capabilities.ResourceGroups says which kinds belong to one).
	ResourceGroupID string
}

// BackupReplica is a cross-region replica of a server backup (Huawei CBR). The replica is
// itself a backup (IsReplica, SourceBackupID = BackupID) in the destination vault:
// ReplicaBackupID.
type BackupReplica struct {
	ID                 string
	BackupID           string
	ReplicaBackupID    string
	SourceRegion       string
	DestinationRegion  string
	DestinationVaultID string
	// DestinationProjectID is the destination region's project the replica was made in
	// (Huawei CBR: a project ID is per region); empty on platforms without projects.
	DestinationProjectID string
	Name                 string
	Description          string
	EnableAcceleration   bool
	SizeGB               int64
	Progress             int
	State                lifecycle.State
	FailedOp             lifecycle.Op
	LastError            string
	PendingOp            lifecycle.Op
	Version              int64
	// Tags are the object's tags as the platform keeps them (nil: none, or a kind without tags).
	Tags map[string]string
	// Observed is the engine's view of the object (state and facts), read in the same
	// transaction, so a single read serves both the resource and allowed_operations.
	Observed lifecycle.Observation
}

// ReplicaSpec requests a replica (the replicate operation).
type ReplicaSpec struct {
	BackupID           string
	DestinationRegion  string
	DestinationVaultID string
	// DestinationProjectID is the destination region's project (Huawei CBR, Replicating a
	// Backup: destination_project_id; a project ID is per region). Empty: the platform's
	// default for the region, if it has one; a platform without projects refuses it (V-PARAMS).
	DestinationProjectID string
	Name                 string
	Description          string
	EnableAcceleration   bool
	// Policy marks a policy-driven replication (R003-8); manual when false.
	Policy bool
	// Tags are the new object's tags (Capabilities.Tags says which kinds carry them).
	Tags map[string]string
}

// RecoveryServer is a cloud recovery server for a protected machine (Acronis).
type RecoveryServer struct {
	ID              string
	Name            string
	MachineID       string
	RecoveryPointID string
	SiteID          string // optional: the DR site hosting the server
	CPU             int
	MemoryGB        int
	NetworkID       string
	IPAddress       string // configured production IP of the recovery server
	State           lifecycle.State
	FailedOp        lifecycle.Op
	VMState         string // not_ready | started | stopped
	RecoveryIP      string // address of the VM while failed over
	TestIP          string // address of the temporary test VM while testing
	LastError       string
	PendingOp       lifecycle.Op
	LastDrill       *DrillRecord // the last test failover on record (nil: none)
	Version         int64
	// Tags are the object's tags as the platform keeps them (nil: none, or a kind without tags).
	Tags map[string]string
	// Observed is the engine's view of the object (state and facts), read in the same
	// transaction, so a single read serves both the resource and allowed_operations.
	Observed lifecycle.Observation
}

// RecoveryServerSpec creates or updates a recovery server.
type RecoveryServerSpec struct {
	Name            string
	MachineID       string
	RecoveryPointID string
	SiteID          string
	CPU             int
	MemoryGB        int
	NetworkID       string
	IPAddress       string
	Version         int64 // see PairSpec.Version
	// Tags are the new object's tags (Capabilities.Tags says which kinds carry them).
	Tags map[string]string
}

// Site is an availability zone in a region (sandbox inventory).
type Site struct {
	ID                 string
	Region             string
	Zone               string
	Healthy            bool
	ReplicationCapable bool
	Version            int64
}

// Volume is a block volume at a site.
type Volume struct {
	ID        string
	SiteID    string
	SizeGB    int64
	ServerID  string // attached to, "" when detached
	Encrypted bool
	Version   int64
}

// Server is a compute instance at a site.
type Server struct {
	ID         string
	SiteID     string
	Name       string
	PowerState string // running | stopped
	IP         string
	EIP        string
	MAC        string
	VolumeIDs  []string
	// TwinOf is set on a DR-site twin created by a protection group: the protected server.
	TwinOf  string
	Version int64
}

// Backup is a server or disk backup in a vault.
type Backup struct {
	ID                 string
	Kind               string // server | disk
	SourceID           string // server or volume backed up
	IncludesSystemDisk bool
	Status             string // available | creating | error
	Region             string
	VaultID            string
	IsReplica          bool
	SourceBackupID     string
	SizeGB             int64
	// CreatedAt is when the backup was taken (the sandbox sets it on create when zero): a
	// server backup of a machine is one of its recovery points, newest first.
	CreatedAt time.Time
	Version   int64
}

// Vault holds backups.
type Vault struct {
	ID      string
	Region  string
	Purpose string // backup | replication
	Version int64
}
