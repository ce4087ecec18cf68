package huaweicloud

// The vendor's allow-lists: which SDRS and CBR operation Huawei documents as allowed in which
// status, with which preconditions, and the error code each refusal answers — written from
// Huawei's API reference (each row cites its page), independent of the lifecycle engine
// (issue 23: the emulator must not agree with the driver merely because both read the engine).
// A handler builds the Situation of the objects a request names from the sandbox (as the
// emulator renders them: vendor statuses, fault levels, server power), asks Decide, and only then
// calls the sandbox — with sandbox.PhysicsOnly, so the engine's checks do not run in the
// emulator and the sandbox applies the operation's physics only.
//
// The pages are Huawei's SDRS API reference (https://support.huaweicloud.com/intl/en-us/api-sdrs/,
// page ids sdrs_05_xxxx; the OTC copy opentelekomcloud-docs/storage-disaster-recovery-service
// keeps them), its Error Codes (en-us_topic_0113127626), and CBR's (api-cbr/CopyBackup.html,
// DeleteBackup.html, ErrorCode.html) with the user guide's replication constraints (seed 003).
// "Inferred" marks a code the pages do not name for that refusal.

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// Situation is what the allow-lists read about the objects a request names, as SDRS and CBR
// report them.
type Situation struct {
	GroupStatus    string // the protection group's status
	InstanceStatus string // the protected instance's (mirrors its group's)
	PairStatus     string // the replication pair's
	DrillStatus    string // the DR drill's

	Pairs, Instances, Drills int // the group's replication pairs, protected instances, DR drills

	// ProductionServersStopped: every server at the group's current production site is stopped;
	// DRServersStopped: every server at its current DR site.
	ProductionServersStopped, DRServersStopped bool
	// FaultLevel is the worst fault_level of the group's pairs ("0", "2", "5").
	FaultLevel string
	// PairAttached: the pair is attached to a protected instance.
	PairAttached bool

	// a server to protect
	ServerInInstance bool   // already the production or DR server of a protected instance
	ServerAZ         string // its AZ
	ProductionAZ     string // the group's current production AZ
	ServerStatus     string // ECS status: ACTIVE, SHUTOFF, …
	RequestedStation string // reverse-server-group's priority_station
	PriorityStation  string // the group's current one
	NameBytes        int    // a name's length in bytes (creates)
	NameValid        bool   // a name of the allowed characters
	DescriptionValid bool

	// CBR: the source backup, the destination, the replica
	BackupStatus       string // the source backup's status
	ImageType          string // backup | replication
	ResourceType       string // OS::Nova::Server | OS::Cinder::Volume | …
	SystemDisk         bool   // extend_info.contain_system_disk
	DestinationCapable bool   // the destination region is one the source replicates to
	ProjectOfRegion    bool   // destination_project_id is the destination region's
	ReplicaInRegion    bool   // a replica of the backup lives in, or is being made for, the region
	VaultExists        bool   // the destination vault is in the destination region
	VaultPurpose       string // its billing.protect_type
	ReplicaStatus      string // the replica backup's status (delete)
}

// Refusal is the answer to a request an allow-list refuses.
type Refusal struct {
	Status  int
	Code    string
	Message string
}

func (r *Refusal) Error() string { return r.Code + ": " + r.Message }

// Precondition is one documented condition of an operation beyond its statuses.
type Precondition struct {
	Name    string // what must hold, as the page says it
	Holds   func(s Situation) bool
	Refusal Refusal
	Source  string
}

// Rule is one operation's allow-list.
type Rule struct {
	// Op is the SDK operation, with the variant where one call is two documented operations
	// (StartProtectionGroup: enabling protection, and enabling it again after a failover).
	Op string
	// Object is whose status From lists: group, instance, pair, drill, backup, replica.
	Object string
	// From lists the statuses the operation is allowed from; nil: it is not state-gated.
	From          []string
	StatusRefusal Refusal
	Pre           []Precondition
	Source        string
}

// statusOf is the status of the rule's object in s.
func (r Rule) statusOf(s Situation) string {
	switch r.Object {
	case "group":
		return s.GroupStatus
	case "instance":
		return s.InstanceStatus
	case "pair":
		return s.PairStatus
	case "drill":
		return s.DrillStatus
	case "backup":
		return s.BackupStatus
	case "replica":
		return s.ReplicaStatus
	}
	return ""
}

// Allows reports whether the rule's statuses let the operation run (the preconditions aside).
func (r Rule) Allows(status string) bool { return r.From == nil || slices.Contains(r.From, status) }

// Decide returns the refusal of the operation in s, or nil when the allow-list lets it run.
func (r Rule) Decide(s Situation) *Refusal {
	if st := r.statusOf(s); !r.Allows(st) {
		ref := r.StatusRefusal
		ref.Message = fmt.Sprintf("%s (the %s is %s)", ref.Message, r.Object, st)
		return &ref
	}
	for _, p := range r.Pre {
		if !p.Holds(s) {
			ref := p.Refusal
			return &ref
		}
	}
	return nil
}

// RuleOf returns the allow-list of an operation. An operation without one (an emulator defect,
// which TestEveryDecidedOperationHasAnAllowList rules out) is refused from every status with an
// internal error, never allowed by default.
func RuleOf(op string) Rule {
	for _, r := range Rules {
		if r.Op == op {
			return r
		}
	}
	return Rule{Op: op, Object: "group", From: []string{},
		StatusRefusal: Refusal{Status: 500, Code: "SDRS.0500", Message: "The emulator has no allow-list for " + op}}
}

func refuse(code, msg string) Refusal {
	return Refusal{Status: http.StatusBadRequest, Code: code, Message: msg}
}

// Page ids of Huawei's SDRS API reference.
const (
	pgCreateGroup  = "sdrs_05_0401 Creating a Protection Group"
	pgDeleteGroup  = "sdrs_05_0404 Deleting a Protection Group"
	pgRenameGroup  = "sdrs_05_0405 Changing the Name of a Protection Group"
	pgStart        = "sdrs_05_0406 Enabling Protection or Enabling Protection Again for a Protection Group"
	pgStop         = "sdrs_05_0407 Disabling Protection for a Protection Group"
	pgFailover     = "sdrs_05_0408 Performing a Failover for a Protection Group"
	pgReverse      = "sdrs_05_0409 Performing a Planned Failover for a Protection Group"
	pgCreateInst   = "sdrs_05_0501 Creating a Protected Instance"
	pgDeleteInst   = "sdrs_05_0502 Deleting a Protected Instance"
	pgDetach       = "sdrs_05_0507 Detaching a Replication Pair from a Protected Instance"
	pgDeletePair   = "sdrs_05_0602 Deleting a Replication Pair"
	pgListPairs    = "sdrs_05_0603 Querying Replication Pairs (fault_level)"
	pgRenamePair   = "sdrs_05_0606 Changing the Name of a Replication Pair"
	pgCreateDrill  = "sdrs_05_0701 Creating a DR Drill"
	pgDeleteDrill  = "sdrs_05_0702 Deleting a DR Drill"
	pgErrorCodes   = "en-us_topic_0113127626 Error Codes"
	pgCopyBackup   = "api-cbr CopyBackup.html Replicating a Backup; user guide Replicating a Backup Across Regions (seed 003)"
	pgDeleteBackup = "api-cbr DeleteBackup.html Deleting a Backup"
	pgCBRErrors    = "api-cbr ErrorCode.html Error Codes"
)

// stateRefusal is SDRS.1002, "Operation not allowed for the protection group in the current
// state" (Error Codes): the refusal of a group operation from a status its page does not list.
var stateRefusal = refuse("SDRS.1002", "Operation not allowed for the protection group in the current state")

var (
	hasPairs = Precondition{Name: "the protection group has replication pairs", Holds: func(s Situation) bool { return s.Pairs > 0 },
		Refusal: refuse("SDRS.1002", "The protection group has no replication pair"), Source: pgStart + "; " + pgReverse + "; " + pgFailover + " (code inferred: SDRS.1002)"}
	linkUp = Precondition{Name: "the replication link is connected (fault_level is not 5: a failover is not allowed)",
		Holds:   func(s Situation) bool { return s.FaultLevel != "5" },
		Refusal: refuse("SDRS.1824", "Operation not allowed due to a system error: the replication link is disconnected; contact customer service"),
		Source:  pgListPairs + " (fault_level 5; code inferred: SDRS.1824)"}
)

// Rules are the allow-lists of every operation the emulator gates.
var Rules = []Rule{
	// ---- protection groups ----
	{Op: "CreateProtectionGroup", Object: "group", Source: pgCreateGroup, Pre: []Precondition{
		{Name: "name: 1-64 bytes of letters, digits, '.', '_' and '-'", Holds: func(s Situation) bool { return s.NameValid },
			Refusal: refuse("SDRS.0202", "Invalid name"), Source: pgCreateGroup},
		{Name: "description: at most 64 bytes, no '<' or '>'", Holds: func(s Situation) bool { return s.DescriptionValid },
			Refusal: refuse("SDRS.0212", "Invalid description"), Source: pgCreateGroup},
	}},
	{Op: "StartProtectionGroup/enable", Object: "group", From: []string{"available", "error-starting"}, StatusRefusal: stateRefusal,
		Pre: []Precondition{hasPairs}, Source: pgStart + " (Constraints and Limitations, Enabling Protection)"},
	{Op: "StartProtectionGroup/reprotect", Object: "group", From: []string{"failed-over", "error-reprotecting"}, StatusRefusal: stateRefusal,
		Pre: []Precondition{{Name: "the servers at the DR site are stopped", Holds: func(s Situation) bool { return s.DRServersStopped },
			Refusal: refuse("SDRS.1342", "Current DR site server is not stopped"), Source: pgStart + " (Enabling Protection Again); " + pgErrorCodes}},
		Source: pgStart + " (Constraints and Limitations, Enabling Protection Again)"},
	{Op: "StopProtectionGroup", Object: "group", From: []string{"protected", "error-stopping"}, StatusRefusal: stateRefusal, Source: pgStop},
	{Op: "StartReverseProtectionGroup", Object: "group", From: []string{"protected", "error-reversing"}, StatusRefusal: stateRefusal,
		Pre: []Precondition{hasPairs,
			{Name: "priority_station names the other site", Holds: func(s Situation) bool { return s.RequestedStation != s.PriorityStation },
				Refusal: refuse("SDRS.0209", "Incorrect status: production is already at that site"), Source: pgReverse + " (priority_station; code inferred: SDRS.0209)"},
			{Name: "all servers at the current production site are stopped", Holds: func(s Situation) bool { return s.ProductionServersStopped },
				Refusal: refuse("SDRS.1352", "Current production site server not stopped"), Source: pgReverse + "; " + pgErrorCodes}},
		Source: pgReverse},
	{Op: "StartFailoverProtectionGroup", Object: "group", From: []string{"protected", "error-failing-over", "error-reversing"}, StatusRefusal: stateRefusal,
		Pre: []Precondition{hasPairs, linkUp}, Source: pgFailover},
	{Op: "DeleteProtectionGroup", Object: "group", Source: pgDeleteGroup, Pre: []Precondition{
		{Name: "no protected instance", Holds: func(s Situation) bool { return s.Instances == 0 },
			Refusal: refuse("SDRS.1001", "Protection group deletion not allowed due to a protected instance"), Source: pgDeleteGroup + "; " + pgErrorCodes},
		{Name: "no replication pair", Holds: func(s Situation) bool { return s.Pairs == 0 },
			Refusal: refuse("SDRS.1010", "Protection group deletion not allowed due to a replication pair"), Source: pgDeleteGroup + "; " + pgErrorCodes},
		{Name: "no DR drill", Holds: func(s Situation) bool { return s.Drills == 0 },
			Refusal: refuse("SDRS.1003", "Protection group deletion not allowed due to a DR drill"), Source: pgDeleteGroup + "; " + pgErrorCodes},
	}},
	{Op: "UpdateProtectionGroupName", Object: "group", Source: pgRenameGroup + " (Constraints and Limitations: none)", Pre: []Precondition{
		{Name: "name: 1-64 bytes of letters, digits, '.', '_' and '-'", Holds: func(s Situation) bool { return s.NameValid },
			Refusal: refuse("SDRS.0202", "Invalid name"), Source: pgRenameGroup}}},

	// ---- protected instances ----
	{Op: "CreateProtectedInstance", Object: "group", From: []string{"available", "protected"},
		StatusRefusal: refuse("SDRS.1323", "Protected instance creation not allowed because the protection group status not available"),
		Pre: []Precondition{
			{Name: "name: at most 64 bytes", Holds: func(s Situation) bool { return s.NameBytes > 0 && s.NameBytes <= 64 },
				Refusal: refuse("SDRS.0202", "Invalid name"), Source: pgCreateInst},
			{Name: "one server can be used to create only one protected instance", Holds: func(s Situation) bool { return !s.ServerInInstance },
				Refusal: refuse("SDRS.1305", "Server already used to create a protected instance"), Source: pgCreateInst + "; " + pgErrorCodes},
			{Name: "the server is at the production site's AZ", Holds: func(s Situation) bool { return s.ServerAZ == s.ProductionAZ },
				Refusal: refuse("SDRS.1303", "Server AZ and production site AZ of the protection group are different"), Source: pgErrorCodes},
			{Name: "the server's status is active or shutoff", Holds: func(s Situation) bool { return s.ServerStatus == "ACTIVE" || s.ServerStatus == "SHUTOFF" },
				Refusal: refuse("SDRS.1333", "Operation not allowed because the server status is not active or shutoff"), Source: pgErrorCodes},
		}, Source: pgCreateInst},
	{Op: "DeleteProtectedInstance", Object: "instance", From: []string{"available", "protected", "failed-over", "error", "error-starting", "error-stopping",
		"error-reversing", "error-failing-over", "error-deleting", "error-reprotecting", "error-resizing", "invalid", "fault"},
		StatusRefusal: refuse("SDRS.1301", "Protected instance deletion not allowed in the current state"), Source: pgDeleteInst},

	// ---- replication pairs ----
	{Op: "DetachProtectedInstanceReplication/group", Object: "group", From: []string{"available", "protected", "failed-over", "error-starting",
		"error-stopping", "error-reversing", "error-failing-over"}, StatusRefusal: stateRefusal, Source: pgDetach},
	{Op: "DetachProtectedInstanceReplication", Object: "pair", From: []string{"available", "protected", "failed-over", "error-attaching", "error-detaching",
		"error-starting", "error-stopping", "error-reversing", "error-failing-over", "error-deleting", "error-reprotecting", "error-extending", "invalid", "fault"},
		StatusRefusal: refuse("SDRS.0214", "Incorrect replication pair status"),
		Pre: []Precondition{{Name: "the replication pair is attached to the protected instance", Holds: func(s Situation) bool { return s.PairAttached },
			Refusal: refuse("SDRS.1604", "Replication pair not attached"), Source: pgDetach + "; " + pgErrorCodes}},
		Source: pgDetach},
	{Op: "DeleteReplication/group", Object: "group", From: []string{"available", "protected", "failed-over", "error-starting", "error-stopping",
		"error-reversing", "error-failing-over", "error-deleting", "error-reprotecting"}, StatusRefusal: stateRefusal, Source: pgDeletePair},
	{Op: "DeleteReplication", Object: "pair", From: []string{"available", "protected", "failed-over", "error", "error-starting", "error-stopping",
		"error-reversing", "error-failing-over", "error-deleting", "error-reprotecting", "error-attaching", "error-extending", "invalid", "fault"},
		StatusRefusal: refuse("SDRS.0214", "Incorrect replication pair status"),
		Pre: []Precondition{{Name: "the replication pair is not attached to a protected instance", Holds: func(s Situation) bool { return !s.PairAttached },
			Refusal: refuse("SDRS.1605", "Replication pair attached"), Source: pgDeletePair + "; " + pgErrorCodes}},
		Source: pgDeletePair},
	{Op: "UpdateReplicationName", Object: "pair", Source: pgRenamePair + " (Constraints and Limitations: none)", Pre: []Precondition{
		{Name: "name: 1-64 bytes of letters, digits, '.', '_' and '-'", Holds: func(s Situation) bool { return s.NameValid },
			Refusal: refuse("SDRS.0202", "Invalid name"), Source: pgRenamePair}}},

	// ---- DR drills ----
	// "Do not perform a DR drill before the first time data synchronization completes. Otherwise,
	// the drill server may not start properly": advice, not a refusal.
	{Op: "CreateDisasterRecoveryDrill", Object: "group", From: []string{"available", "protected", "failed-over", "error-starting", "error-stopping",
		"error-reversing", "error-reprotecting", "error-failing-over"}, StatusRefusal: stateRefusal,
		Pre: []Precondition{{Name: "name: at most 64 bytes", Holds: func(s Situation) bool { return s.NameBytes > 0 && s.NameBytes <= 64 },
			Refusal: refuse("SDRS.0202", "Invalid name"), Source: pgCreateDrill}},
		Source: pgCreateDrill},
	{Op: "DeleteDisasterRecoveryDrill", Object: "drill", From: []string{"available", "error", "error-deleting"},
		StatusRefusal: refuse("SDRS.1913", "DR drill deletion not allowed in the current state"), Source: pgDeleteDrill},

	// ---- CBR ----
	{Op: "CopyBackup", Object: "backup", From: []string{"available"},
		StatusRefusal: refuse("BackupService.1002", "Replication is not allowed for the backup in its current status"),
		Pre: []Precondition{
			{Name: "the destination project is the destination region's", Holds: func(s Situation) bool { return s.ProjectOfRegion },
				Refusal: refuse("BackupService.1011", "The destination project does not support replication."), Source: pgCopyBackup + "; " + pgCBRErrors},
			{Name: "a replica cannot be replicated again (image type backup)", Holds: func(s Situation) bool { return s.ImageType == "backup" },
				Refusal: refuse("BackupService.1002", "Replication is not allowed for the current type of backups."), Source: pgCopyBackup + "; " + pgCBRErrors},
			{Name: "cloud disk backups cannot be replicated; an ECS backup", Holds: func(s Situation) bool { return s.ResourceType == "OS::Nova::Server" },
				Refusal: refuse("BackupService.1003", "The backup source is not an ECS."), Source: pgCopyBackup + "; " + pgCBRErrors},
			{Name: "the server backup contains the system disk", Holds: func(s Situation) bool { return s.SystemDisk },
				Refusal: refuse("BackupService.1003", "The backup does not contain the system disk."), Source: pgCopyBackup + " (code inferred: BackupService.1003)"},
			{Name: "the destination region supports replication", Holds: func(s Situation) bool { return s.DestinationCapable },
				Refusal: refuse("BackupService.1005", "The destination region does not support replication."), Source: pgCopyBackup + "; " + pgCBRErrors},
			{Name: "one replica per backup per destination region", Holds: func(s Situation) bool { return !s.ReplicaInRegion },
				Refusal: refuse("BackupService.1009", "The backup is being replicated or has been replicated to the destination region."), Source: pgCopyBackup + "; " + pgCBRErrors},
			{Name: "the destination vault exists in the destination region", Holds: func(s Situation) bool { return s.VaultExists },
				Refusal: refuse("BackupService.6120", "The destination vault does not exist."), Source: pgCBRErrors},
			{Name: "the destination vault is a replication vault", Holds: func(s Situation) bool { return s.VaultPurpose == "replication" },
				Refusal: refuse("BackupService.6119", "The destination vault does not support replication."), Source: pgCopyBackup + "; " + pgCBRErrors},
		}, Source: pgCopyBackup},
	// "Delete replica: replica available|error (inferred)" (vendor-lifecycles §4.2)
	{Op: "DeleteBackup", Object: "replica", From: []string{"available", "error"},
		StatusRefusal: refuse("BackupService.6201", "The backup cannot be deleted."), Source: pgDeleteBackup + " (statuses inferred); " + pgCBRErrors},
}

// GroupStatuses are the statuses of a protection group (appendix Protection Group Status).
var GroupStatuses = []string{"creating", "available", "protected", "deleting", "error-deleting", "error", "starting", "error-starting",
	"reprotecting", "error-reprotecting", "stopping", "error-stopping", "reversing", "error-reversing", "failing-over", "failed-over", "error-failing-over"}

// PairStatuses are the statuses of a replication pair (appendix Replication Pair Status): the
// group's plus those of its own operations.
var PairStatuses = append(append([]string(nil), GroupStatuses...), "extending", "error-extending", "attaching", "error-attaching",
	"detaching", "error-detaching", "invalid", "fault")

// InstanceStatuses are a protected instance's (appendix Protected Instance Status,
// zh-cn_topic_0126152931): the group's without creating-only ones, plus its NICs', a resize's,
// invalid (its server was deleted) and fault (a pair's synchronisation is abnormal).
var InstanceStatuses = []string{"creating", "available", "deleting", "error-deleting", "error", "nic-creating", "nic-deleting",
	"starting", "error-starting", "protected", "reversing", "failing-over", "failed-over", "reprotecting", "stopping", "error-stopping",
	"error-reversing", "error-failing-over", "error-reprotecting", "resizing", "error-resizing", "invalid", "fault"}

// DrillStatuses are a DR drill's (appendix DR Drill Status).
var DrillStatuses = []string{"creating", "available", "deleting", "error", "error-deleting"}

// BackupStatuses are a CBR backup's (BackupResp.status).
var BackupStatuses = []string{"available", "protecting", "deleting", "restoring", "error", "waiting_protect", "waiting_delete", "waiting_restore"}

// transitional reports whether an SDRS status is an operation in progress (the appendix's
// "-ing" statuses), whose job is running.
func transitional(status string) bool {
	return !strings.HasPrefix(status, "error") && strings.HasSuffix(status, "ing") || status == "failing-over"
}
