package alibaba

// The vendor's allow-lists: which EBS operation Alibaba Cloud documents in which status, and the
// preconditions it documents with the error it answers otherwise. The emulator decides every
// state-changing call from this table — not from the lifecycle engine — and then runs the
// operation's physics in the sandbox with sandbox.PhysicsOnly (the sandbox keeps its clock,
// durations and effects; it no longer judges legality). The engine's own tables are checked
// against this one by the driver's cross-check test (internal/platform/alibaba,
// TestVendorAllowListCrossCheck), which lists and explains every difference.
//
// Sources (vendor-lifecycles.md §8 and §1):
//
//   - [A1] the operations' usage notes (aliyun/alibabacloud-java-async-sdk,
//     ebs-20210730 AsyncClient.java), the allow-lists quoted per row;
//   - [A2] the EBS 2021-07-30 OpenAPI metadata the API reference pages are generated from
//     (https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ebs-2021-07-30-<operation>):
//     status enums, parameter descriptions and each operation's errorCodes (code, HTTP status);
//   - [A10] the async-replication limits page (17 pairs per group);
//   - vendor-lifecycles.md §6 for the gaps the documents leave (named per row).

import (
	"slices"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
)

// PairStatuses is the documented enum of DescribeDiskReplicaPairs' Status [A2][A3].
var PairStatuses = []string{"creating", "created", "create_failed", "initial_syncing", "syncing", "normal", "manual_syncing",
	"stopping", "stopped", "stop_failed", "failovering", "failovered", "failover_failed", "reprotecting", "reprotect_failed",
	"deleting", "delete_failed", "deleted", "invalid"}

// GroupStatuses is DescribeDiskReplicaGroups' Status: the pair enum without initial_syncing
// [A2], plus initial_syncing, which StartDiskReplicaGroup's notes say a group enters [A1]
// (vendor-lifecycles §6.6).
var GroupStatuses = PairStatuses

// Region is the region a call must be made in.
type Region string

const (
	// RegionEither: either side's region (Start, Stop, Modify [A2]; the group operations whose
	// reference names no side).
	RegionEither Region = "either"
	// RegionSecondary: the secondary (DR) side's region as created — FailoverDiskReplicaPair
	// "the region ID of the secondary disk", Reprotect the same, the group operations "the DR
	// site" [A2][A9]. Called elsewhere: OperationDenied.OperateNotAllowedForPrimary (403).
	RegionSecondary Region = "secondary"
	// RegionPrimary: the primary disk's region — DeleteDiskReplicaPair [A1][A2]. Called
	// elsewhere: OperationDenied.OperateNotAllowedForStandby (403; DeleteDiskReplicaPair lists
	// no region code — the code the API uses for the wrong site, vendor-lifecycles §1.5).
	RegionPrimary Region = "primary"
	// RegionDestination: the group's current secondary (destination) region —
	// StartReplicaGroupDrill; elsewhere OperationDenied.StartDrillShouldOnDestRegion (403).
	RegionDestination Region = "destination"
)

// Situation is what a vendor rule reads of the object a call names, in the vendor's terms.
type Situation struct {
	Status string // the object's Status
	// StandbyAttached: a disk at the side a synchronisation writes to is attached to an
	// instance (the pair's current secondary disk; any of the group's pairs'); after a
	// failover that is the original primary disk.
	StandbyAttached bool
	RecoveryPoint   bool // a recovery point exists (LastRecoverPoint)
	FirstSyncDone   bool // the first full synchronisation of every pair is complete
	SyncOnceTooSoon bool // the last one-shot synchronisation was less than RPO/2 ago
	Pairs           int  // the group's pairs
	// The pair an AddDiskReplicaPair/RemoveDiskReplicaPair names: its Status, the group it is
	// in ("" none, "this", "other"), and whether it runs between the group's regions and zones
	// in the group's direction.
	PairStatus    string
	PairGroup     string
	SameDirection bool
	DrillActive   bool // the group or pair has a drill (DescribeReplicaGroupDrills/DescribePairDrills lists one)
}

// Check is a documented precondition and the error the vendor answers when it does not hold.
type Check struct {
	Name   string
	Code   string
	Status int
	Source string
	holds  func(s Situation) bool
}

// Rule is one row of the allow-list: an EBS call (an Action, with the variant a parameter
// selects), the sandbox operation whose physics it runs, the statuses it is documented from,
// those in which it is accepted and changes nothing (its result holds already; the vendor lists
// them, e.g. Failover from failovered), the region it must be called in and its documented
// preconditions, checked in order after the status. Refused: Code/HTTP status (default
// OperationDenied.InvalidStatus, 403).
type Rule struct {
	Kind    lifecycle.Kind
	Action  string
	Variant string // "OneShot=true", "ReverseReplicate=false", or ""
	Op      lifecycle.Op
	From    []string
	Done    []string
	Region  Region
	Checks  []Check
	// Code and Status answer a status outside From (and Done).
	Code   string
	Status int
	Source string
}

var (
	checkStandbyDetached = Check{Name: "standby_detached", Code: "OperationDenied.StandbyDeviceAttached", Status: 400,
		Source: "StartDiskReplicaPair/StartDiskReplicaGroup errorCodes (400) [A2]: the secondary disk must not be attached",
		holds:  func(s Situation) bool { return !s.StandbyAttached }}
	checkSyncOnceInterval = Check{Name: "one_shot_interval", Code: "OperationDenied.ManualSyncLimit", Status: 403,
		Source: "StartDiskReplicaPair/Group errorCodes [A2]; the group's notes: the interval between one-shot syncs is more than RPO/2 [A1]",
		holds:  func(s Situation) bool { return !s.SyncOnceTooSoon }}
	checkHasPairs = Check{Name: "group_has_pairs", Code: "OperationDenied.NoPairInGroup", Status: 403,
		Source: "StartDiskReplicaGroup, FailoverDiskReplicaGroup, ReprotectDiskReplicaGroup, RemoveDiskReplicaPair errorCodes [A2]",
		holds:  func(s Situation) bool { return s.Pairs > 0 }}
	checkNoPairs = Check{Name: "group_empty", Code: "OperationDenied.GroupHasPair", Status: 403,
		Source: "DeleteDiskReplicaGroup: the group must have no pairs [A1]; errorCodes [A2]",
		holds:  func(s Situation) bool { return s.Pairs == 0 }}
	checkFirstSync = Check{Name: "first_full_sync_done", Code: "OperationDenied.InvalidStatus", Status: 403,
		Source: "FailoverDiskReplicaGroup: the first full synchronisation must be complete [A1] (no code of its own documented: InvalidStatus)",
		holds:  func(s Situation) bool { return s.FirstSyncDone }}
	checkPrimaryDetached = Check{Name: "primary_detached", Code: "OperationDenied.InvalidStatus", Status: 403,
		Source: "ReprotectDiskReplicaPair/Group: the primary disk(s) must be detached (Unattached) [A1][A2] (no code of its own documented: InvalidStatus)",
		holds:  func(s Situation) bool { return !s.StandbyAttached }}
	checkRecoveryPoint = Check{Name: "recovery_point", Code: "OperationDenied.RecoverPointNotFound", Status: 403,
		Source: "StartReplicaGroupDrill and StartPairDrill errorCodes [A2]: a drill starts from a recovery point",
		holds:  func(s Situation) bool { return s.RecoveryPoint }}
	checkNoDrill = Check{Name: "no_drill", Code: "OperationDenied.InvalidStatus", Status: 403,
		Source: "StartReplicaGroupDrill/StartPairDrill: each pair has one drill disk (PairsInfo[].DrillDiskId, DrillDiskId) [A2]; a second drill of a group or pair is refused (inferred: no code of its own is documented)",
		holds:  func(s Situation) bool { return !s.DrillActive }}
	// AddDiskReplicaPair [A1][A2]: the pair and the group in created or stopped, the same
	// direction (same production/DR region and zone), at most 17 pairs per group [A10], a pair in
	// at most one group.
	checkAddGroupStatus = Check{Name: "group_status", Code: "OperationDenied.GroupStatusCannotAddPair", Status: 403,
		Source: "AddDiskReplicaPair: the group in created or stopped [A1]; errorCodes [A2]",
		holds:  func(s Situation) bool { return s.Status == "created" || s.Status == "stopped" }}
	checkAddPairFree = Check{Name: "pair_in_no_group", Code: "OperationDenied.PairInAnotherGroup", Status: 403,
		Source: "AddDiskReplicaPair errorCodes [A2]: a pair belongs to one group",
		holds:  func(s Situation) bool { return s.PairGroup != "other" }}
	checkAddPairReady = Check{Name: "pair_initialized", Code: "OperationDenied.PairInitializing", Status: 403,
		Source: "AddDiskReplicaPair errorCodes [A2]: \"pair initializing, please try again later\" (a pair still being created)",
		holds:  func(s Situation) bool { return s.PairStatus != "creating" }}
	checkAddPairStatus = Check{Name: "pair_status", Code: "OperationDenied.PairStatusCannotAddToGroup", Status: 403,
		Source: "AddDiskReplicaPair: the pair in created or stopped [A1]; errorCodes [A2]",
		holds:  func(s Situation) bool { return s.PairStatus == "created" || s.PairStatus == "stopped" }}
	checkAddDirection = Check{Name: "same_direction", Code: "OperationDenied.PairGroupAZoneConflict", Status: 403,
		Source: "AddDiskReplicaPair: the same production and DR region and zone as the group [A1]; errorCodes [A2]",
		holds:  func(s Situation) bool { return s.SameDirection }}
	checkAddRoom = Check{Name: "pairs_per_group", Code: "OperationDenied.PairsExceedInGroup", Status: 403,
		Source: "AddDiskReplicaPair: up to 17 pairs in one group [A1][A10]; errorCodes [A2]",
		holds:  func(s Situation) bool { return s.PairGroup == "this" || s.Pairs < MaxPairsPerGroup }}
	checkRemoveGroupStatus = Check{Name: "group_status", Code: "OperationDenied.GroupStatusCannotRemovePair", Status: 403,
		Source: "RemoveDiskReplicaPair: the group in created, stopped or invalid [A1]; errorCodes [A2]",
		holds:  func(s Situation) bool { return s.Status == "created" || s.Status == "stopped" || s.Status == "invalid" }}
	checkRemoveMember = Check{Name: "pair_in_group", Code: "OperationDenied.PairNotInGroup", Status: 403,
		Source: "RemoveDiskReplicaPair errorCodes [A2]: the pair is in no group",
		holds:  func(s Situation) bool { return s.PairGroup != "" }}
	checkRemoveThisGroup = Check{Name: "pair_in_this_group", Code: "OperationDenied.PairInAnotherGroup", Status: 403,
		Source: "RemoveDiskReplicaPair errorCodes [A2]: the pair is in another group",
		holds:  func(s Situation) bool { return s.PairGroup != "other" }}
)

// everyStatus but those named.
func everyStatus(but ...string) []string {
	var out []string
	for _, s := range PairStatuses {
		if !slices.Contains(but, s) {
			out = append(out, s)
		}
	}
	return out
}

var allowList = []Rule{
	// ---- replica pairs (vendor-lifecycles §1.2) ----
	{Kind: lifecycle.ReplicationPair, Action: "StartDiskReplicaPair", Op: lifecycle.OpStart,
		From: []string{"created", "stopped"}, Region: RegionEither, Checks: []Check{checkStandbyDetached},
		Source: "StartDiskReplicaPair: \"only pairs in the created or stopped state\" [A1][A2]; RegionId of either disk [A2]"},
	{Kind: lifecycle.ReplicationPair, Action: "StartDiskReplicaPair", Variant: "OneShot=true", Op: lifecycle.OpSyncOnce,
		From: []string{"created", "stopped"}, Region: RegionEither, Checks: []Check{checkStandbyDetached, checkSyncOnceInterval},
		Source: "StartDiskReplicaPair with OneShot=true: from created or stopped; manual_syncing, then stopped [A2][A3]"},
	{Kind: lifecycle.ReplicationPair, Action: "StopDiskReplicaPair", Op: lifecycle.OpStop,
		From: []string{"initial_syncing", "syncing", "manual_syncing", "normal"}, Region: RegionEither,
		Source: "StopDiskReplicaPair: from initial_syncing, syncing, manual_syncing, normal [A1][A2]"},
	{Kind: lifecycle.ReplicationPair, Action: "FailoverDiskReplicaPair", Op: lifecycle.OpFailover,
		From: everyStatus("invalid", "deleted"), Done: []string{"failovering", "failovered"}, Region: RegionSecondary,
		Source: "FailoverDiskReplicaPair: any status but invalid and deleted [A1][A2][A9]; in the secondary disk's region [A2]; " +
			"failovering/failovered answer as done (the group's list names them, which makes the call idempotent, vendor-lifecycles §6.4)"},
	{Kind: lifecycle.ReplicationPair, Action: "ReprotectDiskReplicaPair", Op: lifecycle.OpReprotect,
		From: []string{"failovered"}, Region: RegionSecondary, Checks: []Check{checkPrimaryDetached},
		Source: "ReprotectDiskReplicaPair: from failovered; the primary disk detached; in the secondary disk's region [A1][A2]"},
	{Kind: lifecycle.ReplicationPair, Action: "ReprotectDiskReplicaPair", Variant: "ReverseReplicate=false", Op: lifecycle.OpRevertFailover,
		From: []string{"failovered"}, Region: RegionSecondary, Checks: []Check{checkPrimaryDetached},
		Source: "ReprotectDiskReplicaPair with ReverseReplicate=false: cancels failovered, the original direction [A2][A4]; the same call's notes"},
	{Kind: lifecycle.ReplicationPair, Action: "ModifyDiskReplicaPair", Op: lifecycle.OpUpdate,
		From: []string{"created", "stopped"}, Region: RegionEither,
		Source: "ModifyDiskReplicaPair: from created or stopped [A1][A2]"},
	{Kind: lifecycle.ReplicationPair, Action: "DeleteDiskReplicaPair", Op: lifecycle.OpDelete,
		From: []string{"stopped", "invalid", "failovered"}, Region: RegionPrimary,
		Source: "DeleteDiskReplicaPair: \"only pairs in the stopped, invalid or failovered state\" [A1][A2] (created is not listed, vendor-lifecycles §6.2); in the primary disk's region [A1][A2]"},

	{Kind: lifecycle.ReplicationPair, Action: "StartPairDrill", Op: lifecycle.OpStartDrill,
		From: everyStatus("creating", "create_failed", "deleting", "deleted"), Region: RegionDestination, Checks: []Check{checkRecoveryPoint, checkNoDrill},
		Source: "StartPairDrill: not gated by status in the reference (vendor-lifecycles §1.2); needs a recovery point (RecoverPointNotFound), in the pair's current secondary region (StartDrillShouldOnDestRegion); replication goes on [A2] (a pair being created or deleted has no recovery point to drill from)"},
	{Kind: lifecycle.ReplicationPair, Action: "ClearPairDrill", Op: lifecycle.OpStopDrill,
		From: everyStatus("deleted"), Region: RegionDestination,
		Source: "ClearPairDrill: not gated by status in the reference; the drill must exist (NoSuchResource) [A2]"},

	// ---- replica groups (vendor-lifecycles §1.3: explicit, broader lists) ----
	{Kind: lifecycle.ProtectionGroup, Action: "StartDiskReplicaGroup", Op: lifecycle.OpEnableProtection,
		From: []string{"created", "syncing", "normal", "stopped"}, Done: []string{"syncing", "normal"}, Region: RegionEither,
		Checks: []Check{checkHasPairs, checkStandbyDetached},
		Source: "StartDiskReplicaGroup with OneShot=false: from created, syncing, normal, stopped [A1]; NoPairInGroup, StandbyDeviceAttached [A2]"},
	{Kind: lifecycle.ProtectionGroup, Action: "StartDiskReplicaGroup", Variant: "OneShot=true", Op: lifecycle.OpSyncOnce,
		From: []string{"created", "manual_syncing", "stopped"}, Done: []string{"manual_syncing"}, Region: RegionEither,
		Checks: []Check{checkHasPairs, checkStandbyDetached, checkSyncOnceInterval},
		Source: "StartDiskReplicaGroup with OneShot=true: from created, manual_syncing, stopped; one-shot interval > RPO/2 [A1]; ManualSyncLimit [A2]"},
	{Kind: lifecycle.ProtectionGroup, Action: "StopDiskReplicaGroup", Op: lifecycle.OpDisableProtection,
		From: []string{"manual_syncing", "syncing", "normal", "stopping", "stop_failed", "stopped"}, Done: []string{"stopping", "stopped"},
		Region: RegionEither,
		Source: "StopDiskReplicaGroup: from manual_syncing, syncing, normal, stopping, stop_failed, stopped [A1] (not initial_syncing, which the group enum omits)"},
	{Kind: lifecycle.ProtectionGroup, Action: "FailoverDiskReplicaGroup", Op: lifecycle.OpFailover,
		From: []string{"manual_syncing", "syncing", "normal", "stopping", "stop_failed", "stopped", "failovering", "failover_failed", "failovered"},
		Done: []string{"failovering", "failovered"}, Region: RegionSecondary, Checks: []Check{checkHasPairs, checkFirstSync},
		Source: "FailoverDiskReplicaGroup: from manual_syncing, syncing, normal, stopping, stop_failed, stopped, failovering, failover_failed, failovered; the first full sync complete [A1]; in the DR site's region [A2]"},
	{Kind: lifecycle.ProtectionGroup, Action: "ReprotectDiskReplicaGroup", Op: lifecycle.OpReprotect,
		From: []string{"failovered"}, Region: RegionSecondary, Checks: []Check{checkHasPairs, checkPrimaryDetached},
		Source: "ReprotectDiskReplicaGroup: from failovered; the primary disks detached [A1]; in the DR site's region [A2]"},
	{Kind: lifecycle.ProtectionGroup, Action: "ReprotectDiskReplicaGroup", Variant: "ReverseReplicate=false", Op: lifecycle.OpRevertFailover,
		From: []string{"failovered"}, Region: RegionSecondary, Checks: []Check{checkHasPairs, checkPrimaryDetached},
		Source: "ReprotectDiskReplicaGroup with ReverseReplicate=false: cancels failovered [A1][A2]"},
	{Kind: lifecycle.ProtectionGroup, Action: "ModifyDiskReplicaGroup", Op: lifecycle.OpUpdate,
		From: []string{"created", "stopped"}, Region: RegionEither,
		Source: "ModifyDiskReplicaGroup: from created or stopped [A1]"},
	{Kind: lifecycle.ProtectionGroup, Action: "DeleteDiskReplicaGroup", Op: lifecycle.OpDelete,
		From: []string{"created", "create_failed", "stopped", "failovered", "deleting", "delete_failed", "invalid"}, Done: []string{"deleting"},
		Region: RegionEither, Checks: []Check{checkNoPairs},
		Source: "DeleteDiskReplicaGroup: from created, create_failed, stopped, failovered, deleting, delete_failed, invalid; no pairs [A1]; GroupHasPair [A2]"},
	{Kind: lifecycle.ProtectionGroup, Action: "AddDiskReplicaPair", Op: lifecycle.OpAddMember,
		From: everyStatus(), Region: RegionEither,
		Checks: []Check{checkAddGroupStatus, checkAddPairFree, checkAddPairReady, checkAddPairStatus, checkAddDirection, checkAddRoom},
		Source: "AddDiskReplicaPair: pair and group in created or stopped, same direction, ≤ 17 pairs [A1][A10]; the status refusals have codes of their own [A2]"},
	{Kind: lifecycle.ProtectionGroup, Action: "RemoveDiskReplicaPair", Op: lifecycle.OpRemoveMember,
		From: everyStatus(), Region: RegionEither, Checks: []Check{checkRemoveGroupStatus, checkHasPairs, checkRemoveMember, checkRemoveThisGroup},
		Source: "RemoveDiskReplicaPair: the group in created, stopped or invalid [A1]; the status refusal has a code of its own [A2]"},
	{Kind: lifecycle.ProtectionGroup, Action: "StartReplicaGroupDrill", Op: lifecycle.OpStartDrill,
		From: everyStatus("creating", "create_failed", "deleting", "deleted"), Region: RegionDestination, Checks: []Check{checkRecoveryPoint, checkNoDrill},
		Source: "StartReplicaGroupDrill: not gated by status in the reference; needs a recovery point (RecoverPointNotFound), in the group's current secondary region (StartDrillShouldOnDestRegion) [A2] (a group being created or deleted has no recovery point to drill from)"},
	{Kind: lifecycle.ProtectionGroup, Action: "ClearReplicaGroupDrill", Op: lifecycle.OpStopDrill,
		From: everyStatus("deleted"), Region: RegionDestination,
		Source: "ClearReplicaGroupDrill: not gated by status in the reference; the drill must exist (NoSuchResource) [A2]"},
}

// AllowList returns the vendor's allow-list, one Rule per call (a copy).
func AllowList() []Rule {
	out := make([]Rule, len(allowList))
	copy(out, allowList)
	return out
}

// ruleFor returns the row of an action and variant.
func ruleFor(kind lifecycle.Kind, action, variant string) (Rule, bool) {
	for _, r := range allowList {
		if r.Kind == kind && r.Action == action && r.Variant == variant {
			return r, true
		}
	}
	return Rule{}, false
}

// Verdict is the vendor's answer to a call in a situation: allowed (Done: accepted, nothing
// changes), or refused with Code and HTTP Status (Check names the precondition, "" for the
// status).
type Verdict struct {
	Allowed, Done bool
	Code          string
	Status        int
	Check         string
}

// Decide is the vendor's answer to rule's call in s.
func (r Rule) Decide(s Situation) Verdict {
	if slices.Contains(r.Done, s.Status) {
		return Verdict{Allowed: true, Done: true}
	}
	if !slices.Contains(r.From, s.Status) {
		code, status := r.Code, r.Status
		if code == "" {
			code, status = "OperationDenied.InvalidStatus", 403
		}
		return Verdict{Code: code, Status: status}
	}
	for _, c := range r.Checks {
		if !c.holds(s) {
			return Verdict{Code: c.Code, Status: c.Status, Check: c.Name}
		}
	}
	return Verdict{Allowed: true}
}
