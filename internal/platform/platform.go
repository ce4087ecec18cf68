package platform

import (
	"context"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
)

// Platform is what the provider and the engine drive: lifecycle.Driver (Observe, state and
// facts; Invoke, start a normalized operation, idempotent per client token; Cancel) plus the
// platform's name and capabilities. Every state-changing DR operation, including delete and
// membership changes, goes through Invoke so the engine's tables gate it.
//
// The DR kinds are optional interfaces: a platform implements those it serves (Pairs, Groups,
// Replicas, RecoveryServers) and nothing else; KindsOf reports which, and the engine refuses
// a kind a platform lacks at plan (V-PLATFORM, lifecycle.CheckKind). The sandbox's inventory
// (sites, volumes, servers, backups, vaults, faults) is the optional InventoryPlatform.
//
// All methods are safe for concurrent use. Errors are *Error values (see Class).
type Platform interface {
	lifecycle.Driver

	// Name identifies the platform ("sandbox", "alibaba", ...).
	Name() string
	// Capabilities says which operations the platform's API cannot invoke (console-only
	// steps), its parameters and limits; the planner plans only with the others
	// (V-PLATFORM). Which kinds it serves is what it implements (KindsOf); use
	// CapabilitiesOf for the complete description.
	Capabilities() *lifecycle.Capabilities

	Close() error
}

// Pairs is implemented by platforms that serve replication pairs.
type Pairs interface {
	// CreatePair enters creating, then configured.
	CreatePair(ctx context.Context, spec PairSpec, token string) (ReplicationPair, error)
	GetPair(ctx context.Context, id string) (ReplicationPair, error)
	// UpdatePair changes name, description, RPO and bandwidth (the update operation).
	UpdatePair(ctx context.Context, id string, spec PairSpec) (ReplicationPair, error)
	ListPairs(ctx context.Context) ([]ReplicationPair, error)
	// ProposedPairFacts: facts for a pair that does not exist yet, so plan-time checks of its
	// create work. An empty id in the spec is a value not known yet: the facts it decides are
	// reported in Facts.Unknown. An id that names no object is reported in
	// Facts.MissingRefs (V-REFS), not as an error.
	ProposedPairFacts(ctx context.Context, spec PairSpec) (lifecycle.Facts, error)
}

// Groups is implemented by platforms that serve protection groups. Membership:
// Invoke(add_member|remove_member, {"pair_id": …}) or Invoke(add_server|remove_server,
// {"server_id": …}); adding a server creates its DR-site twin.
type Groups interface {
	CreateGroup(ctx context.Context, spec GroupSpec, token string) (ProtectionGroup, error)
	GetGroup(ctx context.Context, id string) (ProtectionGroup, error)
	UpdateGroup(ctx context.Context, id string, spec GroupSpec) (ProtectionGroup, error)
	ListGroups(ctx context.Context) ([]ProtectionGroup, error)
	// ProposedGroupFacts: whether the group's sites exist and differ (V-REFS, V-GRP-SITES).
	ProposedGroupFacts(ctx context.Context, spec GroupSpec) (lifecycle.Facts, error)
	// MemberFacts returns the group's facts with those of a member it would add filled in
	// (Facts.Candidate*: a pair for {"pair_id": …}, a server for {"server_id": …}: the
	// parameters of add_member / add_server), so adding it can be checked at plan time
	// (V-GRP-MEMBERS).
	MemberFacts(ctx context.Context, groupID string, params map[string]string) (lifecycle.Facts, error)
}

// Replicas is implemented by platforms that serve cross-region backup replicas.
type Replicas interface {
	// CreateReplica is the replicate operation.
	CreateReplica(ctx context.Context, spec ReplicaSpec, token string) (BackupReplica, error)
	GetReplica(ctx context.Context, id string) (BackupReplica, error)
	ListReplicas(ctx context.Context) ([]BackupReplica, error)
	ProposedReplicaFacts(ctx context.Context, spec ReplicaSpec) (lifecycle.Facts, error)
}

// RecoveryServers is implemented by platforms that serve recovery servers. A new server is
// in standby (after creating).
type RecoveryServers interface {
	CreateRecoveryServer(ctx context.Context, spec RecoveryServerSpec, token string) (RecoveryServer, error)
	GetRecoveryServer(ctx context.Context, id string) (RecoveryServer, error)
	UpdateRecoveryServer(ctx context.Context, id string, spec RecoveryServerSpec) (RecoveryServer, error)
	ListRecoveryServers(ctx context.Context) ([]RecoveryServer, error)
	// ProposedRecoveryServerFacts: whether the machine exists and has a recovery point
	// (R004-2), for a recovery server created from spec.
	ProposedRecoveryServerFacts(ctx context.Context, spec RecoveryServerSpec) (lifecycle.Facts, error)
}

// InventoryPlatform is implemented by a platform that has an inventory API of its own (the
// sandbox): the dr_sandbox_* resources work only on it. (Call counters for benchmarks are the
// sandbox's own: *sandbox.Sandbox.Counters.)
type InventoryPlatform interface {
	Inventory() Inventory
}

// Tagger is implemented by a platform whose objects carry tags (of the kinds its
// Capabilities.Tags lists): SetTags makes the object's tags exactly tags (adding, changing and
// removing keys), in any state of the object — tags are metadata no lifecycle rule reads.
// The objects' reads report their tags (Tags).
type Tagger interface {
	SetTags(ctx context.Context, kind lifecycle.Kind, id string, tags map[string]string) error
}

// ResourceGrouper is implemented by a platform whose objects belong to resource groups (of the
// kinds its Capabilities.ResourceGroups lists): ChangeResourceGroup moves the object to the
// group, in any state of the object — the group is metadata no lifecycle rule reads. The
// objects' reads report their group (ResourceGroupID).
type ResourceGrouper interface {
	ChangeResourceGroup(ctx context.Context, kind lifecycle.Kind, id, groupID string) error
}

// PairsOf returns p's replication pairs, or false when p does not serve them.
func PairsOf(p Platform) (Pairs, bool) { k, ok := p.(Pairs); return k, ok }

// GroupsOf returns p's protection groups, or false when p does not serve them.
func GroupsOf(p Platform) (Groups, bool) { k, ok := p.(Groups); return k, ok }

// ReplicasOf returns p's backup replicas, or false when p does not serve them.
func ReplicasOf(p Platform) (Replicas, bool) { k, ok := p.(Replicas); return k, ok }

// RecoveryServersOf returns p's recovery servers, or false when p does not serve them.
func RecoveryServersOf(p Platform) (RecoveryServers, bool) {
	k, ok := p.(RecoveryServers)
	return k, ok
}

// InventoryOf returns p's inventory, or false when p has none (every vendor platform).
func InventoryOf(p Platform) (Inventory, bool) {
	if ip, ok := p.(InventoryPlatform); ok {
		return ip.Inventory(), true
	}
	return nil, false
}

// KindsOf lists the kinds p serves (the kind interfaces it implements), in lifecycle.Kinds
// order.
func KindsOf(p Platform) []lifecycle.Kind {
	var out []lifecycle.Kind
	for _, k := range lifecycle.Kinds {
		if Serves(p, k) {
			out = append(out, k)
		}
	}
	return out
}

// Serves reports whether p implements kind's interface.
func Serves(p Platform, kind lifecycle.Kind) bool {
	var ok bool
	switch kind {
	case lifecycle.ReplicationPair:
		_, ok = PairsOf(p)
	case lifecycle.ProtectionGroup:
		_, ok = GroupsOf(p)
	case lifecycle.BackupReplica:
		_, ok = ReplicasOf(p)
	case lifecycle.RecoveryServer:
		_, ok = RecoveryServersOf(p)
	}
	return ok
}

// CapabilitiesOf is p's complete description for the engine: its Capabilities with Kinds set
// to the kinds it implements and Inventory to whether it has an inventory the configuration
// manages (InventoryPlatform). A platform whose Capabilities is nil (the sandbox: it can do
// everything) and that serves every kind stays nil.
func CapabilitiesOf(p Platform) *lifecycle.Capabilities {
	kinds := KindsOf(p)
	c := p.Capabilities()
	_, tagger := p.(Tagger)
	_, grouper := p.(ResourceGrouper)
	if c == nil && len(kinds) == len(lifecycle.Kinds) && tagger && grouper {
		return nil
	}
	out := lifecycle.Capabilities{Platform: p.Name()}
	if c != nil {
		out = *c
	}
	out.Kinds = kinds
	if !tagger {
		out.Tags = nil // a platform that cannot set tags keeps none we could promise
	}
	if !grouper {
		out.ResourceGroups = nil // nor resource groups it cannot move an object between
	}
	_, out.Inventory = InventoryOf(p)
	return &out
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
