package platform

import (
	"context"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
)

// Platform is what the provider and the engine drive. It embeds lifecycle.Driver: Observe
// (state + facts), Invoke (start a normalized operation, idempotent per client token) and
// Cancel. Creation and attribute updates are typed CRUD calls; every state-changing DR
// operation — including delete and membership changes — goes through Invoke so the engine's
// tables gate it.
//
// All methods are safe for concurrent use. Errors are *Error values (see Class).
type Platform interface {
	lifecycle.Driver

	// Name identifies the platform ("sandbox", "alibaba", ...).
	Name() string
	// Capabilities says which kinds the platform manages and which operations its API cannot
	// invoke (console-only steps); the planner plans only with the others (V-PLATFORM).
	Capabilities() *lifecycle.Capabilities

	// Replication pairs. CreatePair enters creating, then configured.
	CreatePair(ctx context.Context, spec PairSpec, token string) (ReplicationPair, error)
	GetPair(ctx context.Context, id string) (ReplicationPair, error)
	// UpdatePair changes name, description, RPO and bandwidth (the update operation).
	UpdatePair(ctx context.Context, id string, spec PairSpec) (ReplicationPair, error)
	ListPairs(ctx context.Context) ([]ReplicationPair, error)

	// Protection groups. Membership: Invoke(add_member|remove_member, {"pair_id": …} or
	// {"server_id": …}); adding a server creates its DR-site twin.
	CreateGroup(ctx context.Context, spec GroupSpec, token string) (ProtectionGroup, error)
	GetGroup(ctx context.Context, id string) (ProtectionGroup, error)
	UpdateGroup(ctx context.Context, id string, spec GroupSpec) (ProtectionGroup, error)
	ListGroups(ctx context.Context) ([]ProtectionGroup, error)

	// Backup replicas. CreateReplica is the replicate operation.
	CreateReplica(ctx context.Context, spec ReplicaSpec, token string) (BackupReplica, error)
	GetReplica(ctx context.Context, id string) (BackupReplica, error)
	ListReplicas(ctx context.Context) ([]BackupReplica, error)

	// Recovery servers. A new server is in standby (after creating).
	CreateRecoveryServer(ctx context.Context, spec RecoveryServerSpec, token string) (RecoveryServer, error)
	GetRecoveryServer(ctx context.Context, id string) (RecoveryServer, error)
	UpdateRecoveryServer(ctx context.Context, id string, spec RecoveryServerSpec) (RecoveryServer, error)
	ListRecoveryServers(ctx context.Context) ([]RecoveryServer, error)

	// Facts for objects that do not exist yet, so plan-time checks of creates work. An empty
	// id in the spec is a value not known yet: the facts it decides are reported in
	// Facts.Unknown. An id that names no object is reported in Facts.MissingRefs (V-REFS),
	// not as an error.
	ProposedPairFacts(ctx context.Context, spec PairSpec) (lifecycle.Facts, error)
	// ProposedRecoveryServerFacts: whether the machine exists and has a recovery point
	// (R004-2), for a recovery server created from spec.
	ProposedRecoveryServerFacts(ctx context.Context, spec RecoveryServerSpec) (lifecycle.Facts, error)
	ProposedReplicaFacts(ctx context.Context, spec ReplicaSpec) (lifecycle.Facts, error)
	// ProposedGroupFacts: whether the group's sites exist and differ (V-REFS, V-GRP-SITES).
	ProposedGroupFacts(ctx context.Context, spec GroupSpec) (lifecycle.Facts, error)
	// MemberFacts returns the group's facts with those of a member it would add filled in
	// (Facts.Candidate*: a pair for {"pair_id": …}, a server for {"server_id": …}: the
	// parameters of add_member / add_server), so adding it can be checked at plan time
	// (V-GRP-MEMBERS).
	MemberFacts(ctx context.Context, groupID string, params map[string]string) (lifecycle.Facts, error)

	// Inventory returns the platform's inventory API when it has one (the sandbox); real
	// vendor platforms return false and the dr_sandbox_* resources refuse to work. (Call
	// counters for benchmarks are the sandbox's own: *sandbox.Sandbox.Counters.)
	Inventory() (Inventory, bool)

	Close() error
}

// Inventory is the sandbox's own world: sites, volumes, servers, backups, vaults, and fault
// injection. Create with an empty ID generates one; Put* replace the whole object (optimistic
// concurrency through Version: a non-zero stale version is a Conflict).
type Inventory interface {
	PutSite(ctx context.Context, s Site) (Site, error)
	GetSite(ctx context.Context, id string) (Site, error)
	ListSites(ctx context.Context) ([]Site, error)
	DeleteSite(ctx context.Context, id string) error
	// SetSiteHealth simulates an outage (false) or its repair (true).
	SetSiteHealth(ctx context.Context, id string, healthy bool) (Site, error)

	PutVolume(ctx context.Context, v Volume) (Volume, error)
	GetVolume(ctx context.Context, id string) (Volume, error)
	ListVolumes(ctx context.Context) ([]Volume, error)
	DeleteVolume(ctx context.Context, id string) error
	// AttachVolume attaches a volume to a server ("" detaches).
	AttachVolume(ctx context.Context, volumeID, serverID string) (Volume, error)

	PutServer(ctx context.Context, s Server) (Server, error)
	GetServer(ctx context.Context, id string) (Server, error)
	ListServers(ctx context.Context) ([]Server, error)
	DeleteServer(ctx context.Context, id string) error
	// SetServerPower starts (running) or stops (stopped) a server; refused while the
	// server's protection group is failing over (R002-7).
	SetServerPower(ctx context.Context, id, power string) (Server, error)
	// CheckServerPower makes SetServerPower's checks and changes nothing (plan time).
	CheckServerPower(ctx context.Context, id, power string) error

	PutBackup(ctx context.Context, b Backup) (Backup, error)
	GetBackup(ctx context.Context, id string) (Backup, error)
	ListBackups(ctx context.Context) ([]Backup, error)
	DeleteBackup(ctx context.Context, id string) error

	PutVault(ctx context.Context, v Vault) (Vault, error)
	GetVault(ctx context.Context, id string) (Vault, error)
	ListVaults(ctx context.Context) ([]Vault, error)
	DeleteVault(ctx context.Context, id string) error

	// Faults (persisted, so every process on the same database sees them). The calls below
	// set sandbox-wide fault settings; CreateFault and friends manage individual, scoped
	// faults (the dr_sandbox_fault resource). ClearFaults removes both.
	CreateFault(ctx context.Context, f Fault) (Fault, error)
	GetFault(ctx context.Context, id string) (Fault, error)
	ListFaults(ctx context.Context) ([]Fault, error)
	// DeleteFault switches a fault off (a lost volume's pairs stay invalid: the relationship
	// was broken; a stalled synchronisation resumes).
	DeleteFault(ctx context.Context, id string) error

	FailNext(ctx context.Context, kind lifecycle.Kind, op lifecycle.Op, n int) error
	SetTransientErrorRate(ctx context.Context, rate float64) error
	SetLatency(ctx context.Context, d time.Duration) error
	ClearFaults(ctx context.Context) error
	Faults(ctx context.Context) (Faults, error)
}

// Faults is the persisted fault configuration of a sandbox.
type Faults struct {
	TransientErrorRate float64
	Latency            time.Duration
	// FailNext counts, keyed "kind/op": that many upcoming operations end in error{op}.
	FailNext map[string]int
}

// FaultType names what a scoped fault does.
type FaultType string

// Fault types.
const (
	// FaultTransientErrors fails that fraction (Rate) of matching API calls with a Retryable
	// error (throttling).
	FaultTransientErrors FaultType = "transient_errors"
	// FaultLatency adds Latency to every matching API call.
	FaultLatency FaultType = "latency"
	// FaultFailNext makes the next Count matching operations end in error{op}.
	FaultFailNext FaultType = "fail_next"
	// FaultVolumeLost removes a volume out of band (ObjectID): every pair using it becomes
	// invalid (Alibaba StatusMessage DeviceRemoved; SDRS pair invalid).
	FaultVolumeLost FaultType = "volume_lost"
	// FaultLinkStall stops the replication link of the matching pairs and groups: their
	// synchronisations (first sync, resync, reprotect) make no progress until the fault is
	// deleted.
	FaultLinkStall FaultType = "link_stall"
)

// FaultTypes lists every fault type.
var FaultTypes = []FaultType{FaultTransientErrors, FaultLatency, FaultFailNext, FaultVolumeLost, FaultLinkStall}

// Fault is one scoped fault of the sandbox. Kind, Op and ObjectID narrow its scope (empty =
// any); which of them a type accepts or needs is checked by CreateFault.
type Fault struct {
	ID       string
	Type     FaultType
	Kind     lifecycle.Kind
	Op       lifecycle.Op
	ObjectID string
	Rate     float64       // transient_errors: 0 < Rate <= 1
	Latency  time.Duration // latency: > 0
	Count    int           // fail_next: operations to fail (>= 1)
	// Remaining is how many of Count are still armed (fail_next).
	Remaining int
	CreatedAt time.Time
	Version   int64
}

// FailureJob is the record a platform keeps of a failed asynchronous job (the Huawei SDRS task
// center's failure jobs): what failed on which object, with the platform's code and reason.
type FailureJob struct {
	ID            string
	JobType       string // the platform's job type, e.g. "startServerGroup"
	ResourceID    string // the protection group (or protected instance) the job worked on
	ResourceType  string
	FailureStatus string // e.g. "start-fail"
	ErrorCode     string
	FailReason    string
	BeginTime     string
}

// FailureJobs is implemented by platforms that keep records of failed jobs. The records are
// shown (a failed operation's last_error) and deleting them is a documented operation of that
// platform, run on request (the dr_protection_group_clear_failure_jobs action), never as a
// side effect of a retry: the failed operation itself is retried by the next apply.
type FailureJobs interface {
	// ListFailureJobs lists the failure jobs of a protection group.
	ListFailureJobs(ctx context.Context, groupID string) ([]FailureJob, error)
	// DeleteFailureJobs deletes one failure job of the group (jobID), or all of them (jobID "").
	DeleteFailureJobs(ctx context.Context, groupID, jobID string) error
}
