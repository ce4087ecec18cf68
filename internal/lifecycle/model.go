package lifecycle

import (
	"context"
	"time"
)

// Kind names one of the four DR object kinds the engine knows.
type Kind string

const (
	ReplicationPair Kind = "replication_pair"
	ProtectionGroup Kind = "protection_group"
	BackupReplica   Kind = "backup_replica"
	RecoveryServer  Kind = "recovery_server"
)

// Kinds lists every kind in a stable order.
var Kinds = []Kind{ReplicationPair, ProtectionGroup, BackupReplica, RecoveryServer}

// State is a normalized lifecycle state (vendor-lifecycles.md §7). A failed operation is the
// single state Error plus Observation.FailedOp (rendered "error{op}").
type State string

// Normalized states. Each kind uses a subset; its table says which, and of what class.
const (
	Creating      State = "creating"
	Configured    State = "configured"
	Starting      State = "starting"
	Replicating   State = "replicating"
	Stopping      State = "stopping"
	SyncingOnce   State = "syncing_once" // sync_once runs (Alibaba manual_syncing); paused when done
	Paused        State = "paused"
	SwitchingOver State = "switching_over"
	FailingOver   State = "failing_over"
	FailedOver    State = "failed_over"
	Reprotecting  State = "reprotecting"
	Updating      State = "updating"
	Invalid       State = "invalid"
	Deleting      State = "deleting"
	Deleted       State = "deleted"
	Error         State = "error"

	// backup_replica
	Requested State = "requested"
	Available State = "available"

	// recovery_server
	Standby          State = "standby"
	Finalizing       State = "finalizing"
	StartingTest     State = "starting_test"
	Testing          State = "testing"
	FailingBack      State = "failing_back"
	ReadyForFailback State = "ready_for_failback"
	Releasing        State = "releasing"
)

// Class is the class of a state: stable, transitional, failed or terminal.
type Class string

const (
	Stable       Class = "stable"
	Transitional Class = "transitional"
	Failed       Class = "failed"
	Terminal     Class = "terminal"
)

// Op names a normalized operation. Operation names are per kind (a protection group's
// "enable_protection" is a pair's "start"); the kind's table lists which it has.
type Op string

const (
	OpCreate Op = "create"
	OpDelete Op = "delete"
	OpUpdate Op = "update"

	// replication_pair
	OpStart      Op = "start"
	OpStop       Op = "stop"
	OpSwitchover Op = "switchover"
	OpFailover   Op = "failover"
	OpReprotect  Op = "reprotect"
	// OpRevertFailover cancels a failover: production returns to the original site in the
	// original direction, paused; the failed-over site's writes since the failover are
	// discarded (Alibaba Reprotect… with ReverseReplicate=false). Pairs and groups.
	OpRevertFailover Op = "revert_failover"
	// OpSyncOnce copies the active site's changes to the standby once and stays paused
	// (Alibaba Start… with OneShot=true). Pairs and groups.
	OpSyncOnce Op = "sync_once"

	// protection_group (plus OpFailover, OpReprotect)
	OpEnableProtection  Op = "enable_protection"
	OpDisableProtection Op = "disable_protection"
	OpPlannedFailover   Op = "planned_failover"
	OpAddMember         Op = "add_member"
	OpRemoveMember      Op = "remove_member"
	OpAddServer         Op = "add_server"    // protect a server (its DR-site twin is created)
	OpRemoveServer      Op = "remove_server" // stop protecting a server (its twin is kept)
	OpStartDrill        Op = "start_drill"
	OpStopDrill         Op = "stop_drill"

	// backup_replica
	OpReplicate Op = "replicate"

	// recovery_server (plus OpFailover)
	OpFinalize         Op = "finalize" // platform-driven: finalization succeeded
	OpTestFailover     Op = "test_failover"
	OpStopTestFailover Op = "stop_test_failover"
	OpFailback         Op = "failback"
	OpConfirmFailback  Op = "confirm_failback"
	OpCancelFailback   Op = "cancel_failback"
	OpCancelFailover   Op = "cancel_failover"
)

// Site is a role-neutral side of a two-site relationship: the side that was the production
// (source/primary) side when the object was created, or the other one. Which one is active is
// data (Observation.ActiveSite), never state.
type Site string

const (
	SiteSource Site = "source" // replication_pair calls it "primary" in its schema
	SiteTarget Site = "target" // replication_pair calls it "secondary"
)

// Other returns the other site.
func (s Site) Other() Site {
	if s == SiteTarget {
		return SiteSource
	}
	return SiteTarget
}

// Observation is what the platform reports about one object: its normalized state, which site
// is active, and the facts the preconditions read.
type Observation struct {
	Kind       Kind
	ID         string
	Name       string
	State      State
	FailedOp   Op   // the operation that failed, when State == Error
	ActiveSite Site // pairs and groups: the site currently serving production
	Facts      Facts
	Version    int64 // the platform's optimistic-concurrency version of the object
	// LastError is the platform's message for the last failed operation (State == Error), if any.
	LastError string
	// Platform is what the platform that reported the observation can invoke, when the reader
	// attached it (the provider does on every read model), so AllowedOperations of a read model
	// never lists a console-only operation. nil: everything.
	Platform *Capabilities
}

// Note on ActiveSite during a site-flipping transitional state (switching_over, failing_over):
// the engine assumes the platform still reports the site that was active before the operation;
// the flip is applied when the state settles (see Plan's Wait step).

// Facts are everything the preconditions may need about an object and its surroundings.
// Zero values mean "false/none"; a fact named in Unknown is not known yet (plan time) and any
// check that reads it is deferred to apply time.
type Facts struct {
	// Unknown names facts (by their FactXxx constant) that are not known at plan time.
	Unknown map[string]bool

	// replication_pair and protection_group
	MemberCount           int  // replication pairs in the group (a pair: 1)
	ServerCount           int  // protected servers in the group
	InGroup               bool // a pair that belongs to a protection group (operated through it)
	GroupID               string
	FirstSyncDone         bool   // the first full synchronisation has completed
	DrillActive           bool   // a DR drill / test failover is running
	ActiveSiteHealthy     bool   // the site currently serving production
	StandbySiteHealthy    bool   // the other site
	ActiveServersStopped  bool   // every protected server at the active (production) site is stopped
	StandbyServersStopped bool   // every server at the standby (DR) site is stopped
	ActiveVolumeAttached  bool   // pair: the volume at the active site is attached to a server
	StandbyVolumeAttached bool   // pair: the volume at the standby site is attached to a server
	ReplicationCapable    bool   // both sites' regions support replication (R001-5)
	UnsyncedChanges       bool   // changes at the active site not yet replicated (data loss on failover)
	ServersBusy           bool   // a group operation is running on the servers (R002-7)
	ActiveRegion          string // region of the active site (R001-3: failover is called in the standby region)
	StandbyRegion         string
	// add_member candidates (V-GRP-MEMBERS): the pair being added. The candidate checks apply
	// only when CandidatePairID is set (Check without a candidate checks the group alone).
	CandidatePairID    string
	CandidateGroupID   string // the group the candidate pair already belongs to, if any
	CandidateSameSites bool   // the candidate replicates between the group's sites, in the group's direction
	CandidateState     State  // the candidate pair's own state (it must be idle to join: Alibaba PairStatusCannotAddToGroup)
	// add_server candidates (V-GRP-MEMBERS, SDRS protected instances): the server being
	// protected. Checked only when CandidateServerID is set.
	CandidateServerID      string
	CandidateServerSite    Site   // the group's site the server is at ("" = neither)
	CandidateServerTwin    bool   // the server is a DR-site twin made by a group
	CandidateServerGroupID string // the group that already protects the server, if any

	// backup_replica (the source backup and the destination)
	BackupExists            bool
	BackupType              string // "server" or "disk"
	BackupHasSystemDisk     bool
	BackupStatus            string // "available", "creating", "error", ...
	BackupIsReplica         bool
	SourceRegionCapable     bool
	DestinationCapable      bool   // destination region supports replication (R003-2)
	ReplicaInDestination    bool   // another replica of this backup already lives in the destination region (R003-7)
	VaultPurpose            string // "backup" or "replication"
	VaultRegion             string
	DestinationRegion       string
	PolicyReplicatedBefore  bool // policy-based replication already went to this region once (R003-8)
	ReplicationMethodPolicy bool // the replica is requested by a policy, not manually

	// create: the objects the create's parameters name that do not exist, by parameter name
	// ("secondary_volume_id" → "vol-1") (V-REFS). Filled by the platform's proposed facts.
	MissingRefs map[string]string
	// pair create (V-PAIR-VOLUMES): the two volumes as the platform sees them.
	PrimarySizeGB, SecondarySizeGB int64
	PrimaryEncrypted               bool
	VolumesInPair                  map[string]string // volume id → the pair it already belongs to
	// group create (V-GRP-SITES): the two sites resolve to the same one.
	SameSite bool
	// create (V-PARAMS): the platform-specific parameters the configuration sets (names), and
	// those the platform needs but was not given and cannot derive, by name with the reason
	// ("domain_id" → "the project has 2 active-active domains between these zones").
	GivenParams   []string
	MissingParams map[string]string

	// SyncOnceWait is how long until the platform allows the next one-shot synchronisation
	// (its rate limit, V-SYNC-ONCE); 0: allowed now.
	SyncOnceWait time.Duration

	// Replication lag (readiness, ReadinessOf): how old the standby site's copy is, in
	// seconds of the platform's clock (now minus the last recovery point), and the recovery
	// point objective the object is held to (0: none reported). Where the platform does not
	// report them now, FactLag is in Unknown (in Capabilities.Unobservable when it never does).
	LagSeconds int64
	RPOSeconds int64

	// recovery_server
	AdvertisedOps  map[Op]bool // operations the platform advertises now (Acronis _links); nil = not advertised by this platform
	BlockingIssues []string    // issues that block every operation now (an Acronis _issues entry naming no link)
	// OpIssues are issues that block one operation only (an Acronis _issues entry names the
	// one link it blocks: a test-failover limit blocks the test failover, not a failover).
	OpIssues         map[Op][]string
	HasRecoveryPoint bool
}

// Fact names used in Facts.Unknown.
const (
	FactMembers          = "members"
	FactServers          = "servers"
	FactFirstSync        = "first_sync"
	FactDrill            = "drill"
	FactSiteHealth       = "site_health"
	FactServerPower      = "server_power"
	FactVolumeAttachment = "volume_attachment"
	FactCapability       = "capability"
	FactBackup           = "backup"
	FactReplicas         = "replicas"
	FactVault            = "vault"
	FactAdvertised       = "advertised"
	FactCandidate        = "candidate"
	FactRefs             = "references"
	FactParams           = "parameters"
	FactSyncOnce         = "sync_once_interval" // Facts.SyncOnceWait
	FactLag              = "replication_lag"    // Facts.LagSeconds, Facts.RPOSeconds
)

// Options carry the user's opt-ins into a plan or check.
type Options struct {
	AllowDataLoss bool // permits data-loss steps (forced failover, cancel failover, ...)
	// Platform is what the platform can invoke; nil: everything (the sandbox).
	Platform *Capabilities
}

// Driver is what the executor drives: the platform seen through the engine's eyes. The
// sandbox and future vendor drivers implement it (internal/platform adapts a Platform to it).
type Driver interface {
	// Observe reads the object's current state and facts. A missing object is an error for
	// which IsNotFound reports true.
	Observe(ctx context.Context, kind Kind, id string) (Observation, error)
	// Invoke starts op on the object. The same token with the same op and params must not
	// take effect twice (R001-4). It returns once the platform accepted the operation; the
	// executor then waits on Observe.
	Invoke(ctx context.Context, kind Kind, id string, op Op, token string, params map[string]string) error
	// Cancel asks the platform to cancel op if it is still running; platforms that cannot
	// cancel return nil.
	Cancel(ctx context.Context, kind Kind, id string, op Op) error
}

// Error classification without importing the platform package: platform errors implement
// these methods, and the executor asks through errors.As.
type retryableError interface{ Retryable() bool }
type notFoundError interface{ NotFound() bool }

// Clock lets tests drive time.
type Clock interface {
	Now() time.Time
	Sleep(ctx context.Context, d time.Duration) error
}
