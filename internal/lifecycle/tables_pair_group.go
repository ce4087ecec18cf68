package lifecycle

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Preconditions shared by replication_pair and protection_group.

func pNotInGroup() Precondition {
	return Precondition{
		Rule: "V-PAIR-IN-GROUP", Name: "not_in_group", Guard: true,
		Requirement: "is operated through the protection group when the pair belongs to one",
		Facts:       []string{FactMembers},
		Test: func(o *Observation) (bool, string) {
			return !o.Facts.InGroup, fmt.Sprintf("%s belongs to group %q", quoteName(o), o.Facts.GroupID)
		},
		Remedy: "Run the operation on the dr_protection_group instead, or remove the pair from the group first.",
	}
}

func pStandbyVolumeDetached(rule string) Precondition {
	return Precondition{
		Rule: rule, Name: "standby_volume_detached",
		Requirement: "needs the standby (secondary) volume detached from any server",
		Facts:       []string{FactVolumeAttachment},
		Test: func(o *Observation) (bool, string) {
			return !o.Facts.StandbyVolumeAttached, fmt.Sprintf("the standby volume of %s is attached", quoteName(o))
		},
		Remedy: "Detach the volume at the standby site first.",
	}
}

func pStandbyHealthy(rule, requirement, remedy string) Precondition {
	return Precondition{
		Rule: rule, Name: "standby_site_healthy", Requirement: requirement,
		Facts: []string{FactSiteHealth},
		Test: func(o *Observation) (bool, string) {
			return o.Facts.StandbySiteHealthy, fmt.Sprintf("the standby site (%s) of %s is down", o.ActiveSite.Other(), quoteName(o))
		},
		Remedy: remedy,
	}
}

func pBothHealthy(rule string) Precondition {
	return Precondition{
		Rule: rule, Name: "both_sites_healthy", Requirement: "needs both sites healthy",
		Facts: []string{FactSiteHealth},
		Test: func(o *Observation) (bool, string) {
			return o.Facts.ActiveSiteHealthy && o.Facts.StandbySiteHealthy,
				fmt.Sprintf("%s: active site (%s) %s, standby site (%s) %s", quoteName(o),
					o.ActiveSite, yesno(o.Facts.ActiveSiteHealthy, "healthy", "down"),
					o.ActiveSite.Other(), yesno(o.Facts.StandbySiteHealthy, "healthy", "down"))
		},
		Remedy: "Wait for the site to recover; if the active site is down use failover instead.",
	}
}

// pSitesUp is V-SYNC-SITES: an operation that copies data between the sites cannot complete
// while a site it needs is down (the first synchronisation of a never-protected group with its
// source down would leave the DR site without data). which is "both", or "active" when the
// row already checks the standby site under its own rule (R000-2, V-PAIR-START).
func pSitesUp(which string) Precondition {
	return Precondition{
		Rule: "V-SYNC-SITES", Name: "sync_sites_healthy",
		Requirement: "copies data between the sites and needs " + yesno(which == "both", "both sites", "the active site") + " healthy",
		Facts:       []string{FactSiteHealth},
		Test: func(o *Observation) (bool, string) {
			ok := o.Facts.ActiveSiteHealthy && (which != "both" || o.Facts.StandbySiteHealthy)
			return ok, fmt.Sprintf("%s: active site (%s) %s, standby site (%s) %s; a synchronisation cannot run while a site is down, "+
				"and nothing reaches the standby site until one completes", quoteName(o),
				o.ActiveSite, yesno(o.Facts.ActiveSiteHealthy, "healthy", "down"),
				o.ActiveSite.Other(), yesno(o.Facts.StandbySiteHealthy, "healthy", "down"))
		},
		Remedy: "Wait until the site is healthy again. If the object never completed a synchronisation, the standby site holds no data to fail over to.",
	}
}

// pRefsExist is V-REFS: the objects a create names must exist (a volume, a site, a machine).
func pRefsExist() Precondition {
	return Precondition{
		Rule: "V-REFS", Name: "references_exist", Requirement: "needs the objects it names to exist",
		Facts: []string{FactRefs}, Partial: true, // a missing identifier known at plan refuses on its own
		Test: func(o *Observation) (bool, string) {
			if len(o.Facts.MissingRefs) == 0 {
				return true, ""
			}
			var parts []string
			for _, k := range sortedKeys(o.Facts.MissingRefs) {
				parts = append(parts, fmt.Sprintf("%s %q does not exist", k, o.Facts.MissingRefs[k]))
			}
			return false, strings.Join(parts, "; ")
		},
		Params: func(o *Observation) []string { return sortedKeys(o.Facts.MissingRefs) },
		Remedy: "Check the identifier, or create the object first — in the vendor's console where its API cannot (a reference to a resource in the same configuration is checked at apply).",
	}
}

// pParams is V-PARAMS: a create gets the platform-specific parameters its platform needs (and
// cannot derive), and none its platform does not have: a parameter silently ignored would
// make the plan lie about what is created.
func pParams() Precondition {
	bad := func(o *Observation) (unsupported, missing []string) {
		for _, p := range o.Facts.GivenParams {
			if !o.Platform.AcceptsParam(o.Kind, p) {
				unsupported = append(unsupported, p)
			}
		}
		return unsupported, sortedKeys(o.Facts.MissingParams)
	}
	return Precondition{
		Rule: "V-PARAMS", Name: "platform_parameters",
		Requirement: "needs the parameters its platform requires, and none the platform does not have",
		Facts:       []string{FactParams},
		Test: func(o *Observation) (bool, string) {
			unsupported, missing := bad(o)
			var parts []string
			for _, p := range unsupported {
				parts = append(parts, fmt.Sprintf("%s is not a parameter of %s (it would be ignored)", p, o.Platform.name()))
			}
			for _, p := range missing {
				parts = append(parts, fmt.Sprintf("%s is required on %s: %s", p, o.Platform.name(), o.Facts.MissingParams[p]))
			}
			return len(parts) == 0, strings.Join(parts, "; ")
		},
		Params: func(o *Observation) []string {
			unsupported, missing := bad(o)
			return append(unsupported, missing...)
		},
		Remedy: "Set the parameters the platform needs (see the resource's documentation) and remove those it does not have.",
	}
}

// pVolumes are V-PAIR-VOLUMES' plan-time checks of a new pair's volumes (Alibaba
// CreateDiskReplicaPair: OperationDenied.EncryptedDisk, size mismatch, disk already paired).
func pVolumes() []Precondition {
	has := func(o *Observation) bool { return len(o.Facts.MissingRefs) == 0 }
	return []Precondition{
		{
			Rule: "V-PAIR-VOLUMES", Name: "primary_not_encrypted", Requirement: "needs an unencrypted primary volume",
			Facts: []string{FactRefs}, Applies: has,
			Test: func(o *Observation) (bool, string) {
				return !o.Facts.PrimaryEncrypted, "the primary volume is encrypted"
			},
			Params: func(*Observation) []string { return []string{"primary_volume_id"} },
			Remedy: "Replicate an unencrypted volume.",
		},
		{
			Rule: "V-PAIR-VOLUMES", Name: "same_size", Requirement: "needs volumes of the same size",
			Facts: []string{FactRefs}, Applies: has,
			Test: func(o *Observation) (bool, string) {
				return o.Facts.PrimarySizeGB == o.Facts.SecondarySizeGB,
					fmt.Sprintf("the primary volume has %d GiB, the secondary %d GiB", o.Facts.PrimarySizeGB, o.Facts.SecondarySizeGB)
			},
			Params: func(*Observation) []string { return []string{"secondary_volume_id"} },
			Remedy: "Use a secondary volume of the primary's size.",
		},
		{
			Rule: "V-PAIR-VOLUMES", Name: "volumes_free", Requirement: "needs volumes that belong to no other pair",
			Facts: []string{FactRefs}, Applies: has,
			Test: func(o *Observation) (bool, string) {
				var parts []string
				for _, v := range sortedKeys(o.Facts.VolumesInPair) {
					parts = append(parts, fmt.Sprintf("volume %q already belongs to pair %q", v, o.Facts.VolumesInPair[v]))
				}
				return len(parts) == 0, strings.Join(parts, "; ")
			},
			Remedy: "Delete the other pair first, or use other volumes.",
		},
	}
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func pCapable(rule string) Precondition {
	return Precondition{
		Rule: rule, Name: "replication_capable",
		Requirement: "needs both sites' regions to support replication",
		Facts:       []string{FactCapability},
		Test: func(o *Observation) (bool, string) {
			return o.Facts.ReplicationCapable, fmt.Sprintf("the regions of %s (%q, %q) do not both offer replication",
				quoteName(o), o.Facts.ActiveRegion, o.Facts.StandbyRegion)
		},
		Remedy: "Choose regions whose replication capability is enabled.",
	}
}

func pFirstSync() Precondition {
	return Precondition{
		Rule: "V-FIRST-SYNC", Name: "first_sync_done",
		Requirement: "needs the first full synchronisation complete",
		Facts:       []string{FactFirstSync},
		Test: func(o *Observation) (bool, string) {
			return o.Facts.FirstSyncDone, fmt.Sprintf("%s has not completed its first synchronisation", quoteName(o))
		},
		Remedy: "Wait until the initial synchronisation finishes (status replicating with a recovery point).",
	}
}

func pHasMembers(rule, requirement string) Precondition {
	return Precondition{
		Rule: rule, Name: "has_members", Requirement: requirement,
		Facts: []string{FactMembers},
		Test: func(o *Observation) (bool, string) {
			return o.Facts.MemberCount > 0, fmt.Sprintf("%s has none", quoteName(o))
		},
		Remedy: "Add a dr_replication_pair to it first.",
	}
}

func pNoDrill(requirement string) Precondition {
	return Precondition{
		Rule: "V-DRILL", Name: "no_drill", Requirement: requirement,
		Facts: []string{FactDrill},
		Test: func(o *Observation) (bool, string) {
			return !o.Facts.DrillActive, fmt.Sprintf("a DR drill is running on %s", quoteName(o))
		},
		Remedy: "Stop the drill first (stop_drill).",
	}
}

// pDrillActive is stop_drill's precondition: a drill to stop.
func pDrillActive() Precondition {
	return Precondition{
		Rule: "V-DRILL", Name: "drill_active", Requirement: "needs a DR drill running",
		Facts: []string{FactDrill},
		Test: func(o *Observation) (bool, string) {
			return o.Facts.DrillActive, fmt.Sprintf("no drill is running on %s", quoteName(o))
		},
		Remedy: "Nothing to stop.",
	}
}

func pActiveServersStopped(rule string) Precondition {
	return Precondition{
		Rule: rule, Name: "production_servers_stopped",
		Requirement: "needs every protected server at the current production site stopped",
		Facts:       []string{FactServerPower},
		Test: func(o *Observation) (bool, string) {
			return o.Facts.ActiveServersStopped, fmt.Sprintf("servers of %s at the production site (%s) are running", quoteName(o), o.ActiveSite)
		},
		Remedy: "Stop the production servers first.",
	}
}

// PreconditionMemberLimit names add_member's precondition that the group has room for one
// more pair on its platform (Capabilities.MemberLimit); platforms report its refusal with their
// own code (Alibaba OperationDenied.PairsExceedInGroup).
const PreconditionMemberLimit = "below_member_limit"

// pMemberLimit is V-GRP-MEMBERS' limit of pairs per group where the platform has one
// (Alibaba EBS AddDiskReplicaPair: "Up to 17 replication pairs can be added to a single
// replication pair-consistent group", https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ebs-2021-07-30-adddiskreplicapair;
// vendor-lifecycles §1.2/§1.3 [A1][A10]). The limit is the platform's (o.Platform, which
// Check and Plan fill from Options.Platform); the planner counts the members a plan adds
// through add_member's Effect, so the pair beyond the limit is refused at plan.
func pMemberLimit() Precondition {
	return Precondition{
		Rule: "V-GRP-MEMBERS", Name: PreconditionMemberLimit, Requirement: "needs room in the group for one more pair",
		Facts:   []string{FactMembers},
		Applies: func(o *Observation) bool { return o.Platform.MaxMembers(ProtectionGroup) > 0 },
		Test: func(o *Observation) (bool, string) {
			limit := o.Platform.MaxMembers(ProtectionGroup)
			return o.Facts.MemberCount < limit, fmt.Sprintf("%s would hold more than %d pairs, the most %s allows in one group (it has %d before this one)",
				quoteName(o), limit, o.Platform.name(), o.Facts.MemberCount)
		},
		Remedy: "Put the further pairs in another group.",
	}
}

// pOldPrimaryDetached is ReprotectDiskReplicaPair's "the primary disk must be detached from its
// ECS instance (Unattached)": the original primary volume, at the standby site after a failover.
func pOldPrimaryDetached() Precondition {
	return Precondition{
		Rule: "V-PAIR-REPROT", Name: "old_primary_detached",
		Requirement: "needs the original primary volume (now at the standby site) detached",
		Facts:       []string{FactVolumeAttachment},
		Test: func(o *Observation) (bool, string) {
			return !o.Facts.StandbyVolumeAttached, fmt.Sprintf("the volume of %s at the standby site (%s) is attached", quoteName(o), o.ActiveSite.Other())
		},
		Remedy: "Detach the original primary volume from its server first.",
	}
}

// revertFailoverRow is revert_failover, for pairs and groups: Alibaba ReprotectDiskReplicaPair
// / ReprotectDiskReplicaGroup with ReverseReplicate=false — "cancel the Failovered (failovered)
// state and restore the original replication direction"
// (https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ebs-2021-07-30-reprotectdiskreplicapair,
// …-reprotectdiskreplicagroup; vendor-lifecycles §1.2–1.4, §7.2: failed_over → reprotecting →
// paused, original direction). The call is the same as reprotect's (the same region, the
// secondary's; its usage notes, e.g. the primary disk detached, are not told apart by
// ReverseReplicate). Production goes back to the original site, so whatever was written at the
// failed-over site since the failover is discarded: always a data-loss step (V-REVERT). It is
// on request only — the action dr_<kind>_revert_failover, or a goal that names it — so the
// planner never discards those writes on its own to reach an active site (reprotect, start and
// a move back keep them). Platforms without the call (Huawei SDRS) list it in
// Capabilities.Manual.
func revertFailoverRow(pre ...Precondition) *Operation {
	return &Operation{
		Name: OpRevertFailover, Invocable: true, OnRequest: true, From: from("failed_over", "error{reprotect}", "error{revert_failover}"),
		Via: Reprotecting, OnSuccess: Paused, Site: SiteFlip,
		Description: "Cancel the failover: production returns to the original site and the original replication direction, replication paused; " +
			"what was written at the failed-over site since the failover is discarded.",
		Preconditions: pre,
		DataLoss: &DataLossRule{
			Rule: "V-REVERT",
			Why: func(o *Observation) string {
				return fmt.Sprintf("reverting the failover of %s discards every write made at the %s site since the failover", quoteName(o), o.ActiveSite)
			},
			Safe:  "reprotect instead (the writes replicate back) and move production back once synchronised",
			Notes: "the failed-over site's writes since the failover are discarded",
		},
		FromRule: "V-REVERT", Region: RegionTarget, Effect: effRevert,
		FromRefusal: func(o *Observation) (string, string) {
			return "", "Reverting cancels a failover: it runs only on a failed-over object."
		},
		Afterwards: "replication stays paused in the original direction: start it to resynchronise the standby site (the first synchronisation runs again before a failover).",
	}
}

// syncOnceRow is sync_once, for pairs and groups: Alibaba StartDiskReplicaPair /
// StartDiskReplicaGroup with OneShot=true — "manual_syncing: one-shot sync ... returns to
// stopped when done" (https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ebs-2021-07-30-startdiskreplicapair,
// …-startdiskreplicagroup: OneShot from created or stopped; vendor-lifecycles §1.2–1.4, §7.2:
// configured|paused → syncing_once → paused). It is the Start call, so Start's preconditions
// hold (the secondary detached: StandbyDeviceAttached; a group needs pairs: NoPairInGroup), and
// it copies data (V-SYNC-SITES). Successive one-shot syncs are rate-limited by the platform
// (OperationDenied.ManualSyncLimit; for groups the interval is more than RPO/2): no API reports
// when the next is allowed, so the platform's refusal decides — a precondition failure, never
// retried (V-SYNC-ONCE, V-NO-RETRY). On request only (the action dr_<kind>_sync_once): the
// planner never takes it to reach a state.
func syncOnceRow(pre ...Precondition) *Operation {
	pre = append(pre, pSyncOnceInterval())
	return &Operation{
		Name: OpSyncOnce, Invocable: true, OnRequest: true, From: from("configured", "paused", "error{sync_once}"),
		Via: SyncingOnce, OnSuccess: Paused,
		Description:   "Synchronise once: copy the active site's data to the standby site now (a new recovery point), then stay paused.",
		Preconditions: pre,
		FromRule:      "V-SYNC-ONCE", Effect: effFirstSync, Syncs: true,
		FromRefusal: func(o *Observation) (string, string) {
			return "", "A one-shot synchronisation runs from configured or paused: stop replication first, or let the running operation finish."
		},
		Afterwards: "replication stays paused with a new recovery point; the platform may refuse one-shot synchronisations in quick succession (Alibaba OperationDenied.ManualSyncLimit), which is not retried.",
	}
}

// PreconditionSyncOnceInterval names sync_once's precondition that the platform's rate limit
// allows another one-shot synchronisation now; platforms report its refusal with their own code
// (Alibaba OperationDenied.ManualSyncLimit).
const PreconditionSyncOnceInterval = "sync_once_interval"

// pSyncOnceInterval is V-SYNC-ONCE's rate limit, read from the platform's facts
// (Facts.SyncOnceWait). Where no API reports it (Alibaba: Unobservable), the platform decides.
func pSyncOnceInterval() Precondition {
	return Precondition{
		Rule: "V-SYNC-ONCE", Name: PreconditionSyncOnceInterval,
		Requirement: "needs the platform's minimum interval since the last one-shot synchronisation",
		Facts:       []string{FactSyncOnce},
		Test: func(o *Observation) (bool, string) {
			return o.Facts.SyncOnceWait <= 0, fmt.Sprintf("the last one-shot synchronisation of %s was too recent: the next is allowed in %s",
				quoteName(o), o.Facts.SyncOnceWait.Round(time.Second))
		},
		Remedy: "Wait, then synchronise again: the platform limits how often one-shot synchronisations run.",
	}
}

// effRevert: production is back at the original site; the standby holds writes the primary
// never had, so a synchronisation must run again before a failover (V-FIRST-SYNC).
func effRevert(f *Facts) {
	swapSites(f)
	f.FirstSyncDone = false
}

// Pair and group effects.

func effFirstSync(f *Facts)   { f.FirstSyncDone = true }
func effNoFirstSync(f *Facts) { f.FirstSyncDone = false }
func effFailover(f *Facts) {
	swapSites(f)
	// R002-4: the DR-site servers are not started automatically; SDRS forcibly stops the old
	// production servers.
	f.ActiveServersStopped = true
	f.StandbyServersStopped = true
}

func pairTable() *KindTable {
	notInGroup := pNotInGroup()
	noDrill := pNoDrill("needs no DR drill running")
	return &KindTable{
		Kind: ReplicationPair, Noun: "pair",
		Description: "One volume replicated from its active site to the standby site (Alibaba EBS async pair; SDRS/EVS pair).",
		states: []StateInfo{
			{Creating, Transitional, "being created"},
			{Configured, Stable, "created, replication never started"},
			{Starting, Transitional, "replication starting (initial synchronisation)"},
			{SyncingOnce, Transitional, "one-shot synchronisation running; paused again when it completes"},
			{Replicating, Stable, "replicating from the active site to the standby site"},
			{Stopping, Transitional, "replication stopping"},
			{Paused, Stable, "replication stopped; the standby keeps the last recovery point"},
			{SwitchingOver, Transitional, "planned switchover in progress"},
			{FailingOver, Transitional, "failover in progress"},
			{FailedOver, Stable, "failed over: the standby volume is read/write and serves production; no replication"},
			{Reprotecting, Transitional, "reverse replication being set up"},
			{Invalid, Stable, "the relationship is broken (expired, device removed or resized); delete only"},
			{Deleting, Transitional, "being deleted (volumes are kept)"},
			{Deleted, Terminal, "deleted"},
			{Error, Failed, "an operation failed (error{op}); retry the operation or delete"},
		},
		ops: []*Operation{
			{
				Name: OpCreate, Create: true, Invocable: true, From: from(""), Via: Creating, OnSuccess: Configured,
				Description:   "Create the replication pair between two existing volumes.",
				Preconditions: append([]Precondition{pRefsExist()}, append(pVolumes(), pCapable("R001-5"))...),
				FromRule:      "V-STATE", Region: RegionActive,
				Params:     []string{"primary_volume_id", "secondary_volume_id", "name", "description"},
				Afterwards: "start replication (start) to begin the initial synchronisation.",
			},
			{
				Name: OpStart, Invocable: true, From: from("configured", "paused", "error{start}"), Via: Starting, OnSuccess: Replicating,
				Description: "Start (or resume) replication from the active site to the standby site.",
				Preconditions: []Precondition{notInGroup,
					pStandbyVolumeDetached("V-PAIR-START"),
					pStandbyHealthy("V-PAIR-START", "needs the standby site healthy", "Wait for the standby site to recover."),
					pSitesUp("active"),
					pCapable("R001-5")},
				FromRule: "V-PAIR-START", Effect: effFirstSync, Syncs: true,
			},
			syncOnceRow(notInGroup,
				pStandbyVolumeDetached("V-PAIR-START"),
				pStandbyHealthy("V-PAIR-START", "needs the standby site healthy", "Wait for the standby site to recover."),
				pSitesUp("active"),
				pCapable("R001-5")),
			{
				Name: OpStop, Invocable: true, From: from("starting", "replicating", "syncing_once", "error{stop}"), Via: Stopping, OnSuccess: Paused,
				Description:   "Stop replication; the standby rolls back to the last completed recovery point.",
				Preconditions: []Precondition{notInGroup},
				FromRule:      "V-PAIR-STOP",
				Afterwards:    "in-flight changes not yet copied are dropped at the standby site.",
			},
			{
				Name: OpSwitchover, Invocable: true, From: from("replicating", "error{switchover}"), Via: SwitchingOver, OnSuccess: Replicating, Site: SiteFlip,
				Description:   "Planned switchover: production moves to the standby site without data loss; replication continues in the reverse direction.",
				Preconditions: []Precondition{notInGroup, pFirstSync(), pBothHealthy("V-PAIR-SWITCH"), noDrill},
				FromRule:      "V-PAIR-SWITCH", Effect: swapSites,
				Afterwards: "attach the volume at the new active site and start its servers.",
				Manual:     "attach the volume at the new active site and start its servers; the platform does neither.",
			},
			{
				Name: OpFailover, Invocable: true, From: from("replicating", "paused", "failing_over", "error{failover}", "error{switchover}"), Via: FailingOver, OnSuccess: FailedOver, Site: SiteFlip,
				Description:   "Unplanned failover: the standby volume becomes read/write and serves production; replication stops.",
				Preconditions: []Precondition{notInGroup, pFirstSync(), noDrill},
				DataLoss:      failoverDataLoss("use switchover (a planned failover without data loss)"),
				FromRule:      "R001-1", Region: RegionTarget, Effect: effFailover,
				Afterwards: "the former standby volume is read/write (R001-2); attach it and start the servers at the new active site; reprotect when the old site is back.",
				Manual:     "attach the former standby volume (read/write now, R001-2) and start the servers at the new active site; the platform does neither.",
			},
			{
				Name: OpReprotect, Invocable: true, From: from("failed_over", "error{reprotect}"), Via: Reprotecting, OnSuccess: Paused,
				Description: "Reverse the replication direction after a failover: the active site replicates to the old one.",
				Preconditions: []Precondition{notInGroup,
					pOldPrimaryDetached(),
					pStandbyHealthy("R000-2", "needs the faulty (standby) site restored", "Wait until the old production site is healthy again."),
					noDrill},
				FromRule: "V-PAIR-REPROT", Region: RegionTarget, Effect: effNoFirstSync,
				Afterwards: "replication stays paused: start it (start) to replicate from the active site to the old one (V-PAIR-REPROT).",
			},
			revertFailoverRow(notInGroup, pOldPrimaryDetached(), noDrill),
			{
				// Pair drills (Alibaba EBS StartPairDrill / ClearPairDrill): a test copy of the
				// standby volume from its last recovery point, while replication continues. On
				// request only, like a group's: the planner never ends a user's drill.
				Name: OpStartDrill, Invocable: true, OnRequest: true, From: from("replicating"),
				Description:   "Start a DR drill: a test copy of the standby volume from the last recovery point (Alibaba EBS: a pay-as-you-go drill disk in the standby zone); replication continues.",
				Preconditions: []Precondition{notInGroup, pFirstSync(), pNoDrill("needs no other DR drill running")},
				FromRule:      "V-DRILL", Region: RegionStandby,
				Effect:     func(f *Facts) { f.DrillActive = true },
				Afterwards: "stop the drill (stop_drill) before a failover, switchover or reprotect.",
			},
			{
				// also from invalid: a broken pair's drill must be clearable to delete it (as a group's)
				Name: OpStopDrill, Invocable: true, OnRequest: true, From: from("replicating", "paused", "failed_over", "invalid", "error{*}"),
				Description: "Stop the DR drill and delete its test copy (Alibaba EBS: the drill disk).", EndsTest: OpStartDrill,
				Preconditions: []Precondition{notInGroup, pDrillActive()},
				FromRule:      "V-DRILL",
				Effect:        func(f *Facts) { f.DrillActive = false },
			},
			{
				Name: OpUpdate, Invocable: true, OnRequest: true, From: from("configured", "paused"),
				Description: "Change the pair's metadata (name, description).",
				FromRule:    "V-STATE", Params: []string{ParamName, ParamDescription},
			},
			{
				Name: OpDelete, Invocable: true, From: from("configured", "paused", "failed_over", "invalid", "error{*}"), Via: Deleting, OnSuccess: Deleted,
				Description:   "Delete the replication relationship; both volumes are kept.",
				Preconditions: []Precondition{notInGroup, pNoDrill("needs no DR drill running (its test copy would be left behind)")},
				DataLoss: &DataLossRule{
					Rule: "V-PAIR-DELETE",
					When: func(o *Observation) bool { return o.State == FailedOver },
					Why: func(o *Observation) string {
						return fmt.Sprintf("%s is failed over: deleting it drops the way back to the original site", quoteName(o))
					},
					Safe:  "reprotect the pair first",
					Notes: "deleting a failed-over pair needs the opt-in",
				},
				FromRule: "V-PAIR-DELETE", Region: RegionSource,
			},
		},
	}
}

func failoverDataLoss(safe string) *DataLossRule {
	return &DataLossRule{
		Rule:  "R002-8",
		Facts: []string{FactSiteHealth},
		When:  func(o *Observation) bool { return o.Facts.ActiveSiteHealthy },
		Why: func(o *Observation) string {
			s := fmt.Sprintf("the active site (%s) of %s is healthy, so this is a forced failover", o.ActiveSite, quoteName(o))
			if o.Facts.UnsyncedChanges {
				s += " and it has changes not yet replicated"
			}
			return s + "; it can lose unsynchronised data"
		},
		Safe:  safe,
		Notes: "failover is for a faulty production site",
	}
}

func groupTable() *KindTable {
	noDrillFailover := pNoDrill("needs no DR drill running")
	return &KindTable{
		Kind: ProtectionGroup, Noun: "group",
		Description: "A consistency group of replication pairs and protected servers across two sites (SDRS protection group; Alibaba replica group; EVS consistency group).",
		states: []StateInfo{
			{Creating, Transitional, "being created"},
			{Configured, Stable, "created, protection never enabled"},
			{Starting, Transitional, "enabling protection (first synchronisation)"},
			{SyncingOnce, Transitional, "one-shot synchronisation of every pair running; paused again when it completes"},
			{Replicating, Stable, "protection enabled: replicating from the active site"},
			{Stopping, Transitional, "disabling protection"},
			{Paused, Stable, "protection disabled"},
			{SwitchingOver, Transitional, "planned failover in progress"},
			{FailingOver, Transitional, "failover in progress"},
			{FailedOver, Stable, "failed over: protection disabled, synchronisation stopped"},
			{Reprotecting, Transitional, "reprotect: synchronising the active site to the restored one"},
			{Invalid, Stable, "broken; remove members and delete"},
			{Deleting, Transitional, "being deleted"},
			{Deleted, Terminal, "deleted"},
			{Error, Failed, "an operation failed (error{op})"},
		},
		ops: []*Operation{
			{
				Name: OpCreate, Create: true, Invocable: true, From: from(""), Via: Creating, OnSuccess: Configured,
				Description: "Create the protection group between two sites.", ValueRefs: true,
				Preconditions: []Precondition{pParams(), pRefsExist(), {
					Rule: "V-GRP-SITES", Name: "distinct_sites", Requirement: "needs two different sites",
					Facts: []string{FactRefs}, Applies: func(o *Observation) bool { return len(o.Facts.MissingRefs) == 0 },
					Test: func(o *Observation) (bool, string) {
						return !o.Facts.SameSite, "the source and target are the same site"
					},
					Params: func(*Observation) []string { return []string{"target_zone"} },
					Remedy: "Protect to a site in another zone or region.",
				}},
				FromRule: "V-STATE", Region: RegionActive,
				Params:     []string{"name", "description", "source_site", "target_site"},
				Afterwards: "add replication pairs (add_member), then enable protection.",
			},
			{
				Name: OpEnableProtection, Invocable: true, From: from("configured", "paused", "error{enable_protection}"), Via: Starting, OnSuccess: Replicating,
				Description:   "Enable protection: the group's pairs start replicating (the first full synchronisation happens here).",
				Preconditions: []Precondition{pHasMembers("R002-1", "needs replication pairs in the group"), pSitesUp("both")},
				FromRule:      "V-STATE", Effect: effFirstSync, Syncs: true,
				FromRefusal: func(o *Observation) (string, string) {
					if o.State == FailedOver || (o.State == Error && o.FailedOp == OpReprotect) {
						return "R002-6", "After a failover synchronisation resumes only through reprotect: use reprotect."
					}
					return "", ""
				},
			},
			syncOnceRow(pHasMembers("V-SYNC-ONCE", "needs replication pairs in the group"), pSitesUp("both")),
			{
				Name: OpDisableProtection, Invocable: true, From: from("starting", "replicating", "syncing_once", "error{disable_protection}"), Via: Stopping, OnSuccess: Paused,
				Description: "Disable protection: replication of every pair stops.",
				FromRule:    "V-STATE",
			},
			{
				Name: OpPlannedFailover, Invocable: true, From: from("replicating", "error{planned_failover}"), Via: SwitchingOver, OnSuccess: Replicating, Site: SiteFlip,
				Description: "Planned failover (switchover): production moves to the other site without data loss; replication continues in the reverse direction.",
				Preconditions: []Precondition{
					pHasMembers("V-GRP-SWITCH", "needs replication pairs in the group"),
					pActiveServersStopped("V-GRP-SWITCH"),
					pBothHealthy("V-GRP-SWITCH"),
					pFirstSync(),
					pNoDrill("needs no DR drill running"),
				},
				FromRule: "V-GRP-SWITCH", Effect: swapSites,
				Afterwards: "start the servers at the new production site; they are not started automatically.",
				Manual:     "start the servers at the new production site; they are not started automatically.",
			},
			{
				Name: OpFailover, Invocable: true, From: from("replicating", "error{planned_failover}", "error{failover}"), Via: FailingOver, OnSuccess: FailedOver, Site: SiteFlip,
				Description: "Failover for a faulty production site: the DR site takes over; protection is disabled and synchronisation stops (R002-3).",
				Preconditions: []Precondition{
					pHasMembers("R002-1", "needs replication pairs in the group"),
					pFirstSync(),
					noDrillFailover,
				},
				DataLoss: failoverDataLoss("use planned_failover (no data loss; needs the production servers stopped)"),
				FromRule: "R002-2", Region: RegionTarget, Effect: effFailover,
				Afterwards: "start the DR-site servers; they are not started automatically (R002-4). IP, EIP and MAC addresses moved to them (R002-5). Protection is disabled (R002-3); resume synchronisation with reprotect (R002-6).",
				Manual:     "start the DR-site servers; they are not started automatically (R002-4). They hold the production servers' IP, EIP and MAC addresses now (R002-5).",
			},
			{
				Name: OpReprotect, Invocable: true, From: from("failed_over", "error{reprotect}"), Via: Reprotecting, OnSuccess: Replicating,
				Description: "Reprotect after a failover: synchronise the active (DR) site to the restored site and enable protection in the reversed direction.",
				Preconditions: []Precondition{
					pStandbyHealthy("R000-2", "needs the faulty site (the standby now) restored", "Wait until the original production site is healthy again."),
					{
						Rule: "R000-3", Name: "no_operation_in_progress", Requirement: "needs no operation in progress on the group's servers",
						Facts: []string{FactServerPower},
						Test: func(o *Observation) (bool, string) {
							return !o.Facts.ServersBusy, fmt.Sprintf("an operation is running on the servers of %s", quoteName(o))
						},
						Remedy: "Wait for the running operation to finish.",
					},
					{
						Rule: "R000-4", Also: []string{"V-GRP-REPROT"}, Name: "standby_servers_stopped",
						Requirement: "needs the restored production servers (at the standby site) stopped",
						Facts:       []string{FactServerPower},
						Test: func(o *Observation) (bool, string) {
							return o.Facts.StandbyServersStopped, fmt.Sprintf("servers of %s at the standby site (%s) are running", quoteName(o), o.ActiveSite.Other())
						},
						Remedy: "Stop the servers at the restored site first.",
					},
					pSitesUp("active"),
					pNoDrill("needs no DR drill running"),
				},
				FromRule: "R000-1", Region: RegionTarget, Syncs: true,
				FromRefusal: func(o *Observation) (string, string) {
					if Table(ProtectionGroup).Class(o.State) == Transitional {
						return "R000-3", "Wait for the running operation to finish."
					}
					return "", "Reprotect follows a failover; fail the group over first."
				},
				Afterwards: "synchronisation runs from the active site to the restored one (R000-5); moving production back is an optional planned failover (R000-6).",
			},
			revertFailoverRow(pNoDrill("needs no DR drill running")),
			{
				Name: OpAddMember, Invocable: true, OnRequest: true, From: from("configured", "paused"),
				Description: "Add a replication pair to the group.",
				Params:      []string{ParamPairID},
				Preconditions: []Precondition{
					pMemberLimit(),
					{
						Rule: "V-GRP-MEMBERS", Name: "candidate_free", Requirement: "needs a pair that belongs to no other group",
						Facts:   []string{FactCandidate},
						Applies: func(o *Observation) bool { return o.Facts.CandidatePairID != "" },
						Test: func(o *Observation) (bool, string) {
							g := o.Facts.CandidateGroupID
							return g == "" || g == o.ID, fmt.Sprintf("pair %q already belongs to group %q", o.Facts.CandidatePairID, g)
						},
						Remedy: "Remove the pair from its group first.",
					},
					{
						Rule: "V-GRP-MEMBERS", Name: "candidate_same_sites", Requirement: "needs a pair between the group's sites, in the group's direction",
						Facts:   []string{FactCandidate},
						Applies: func(o *Observation) bool { return o.Facts.CandidatePairID != "" },
						Test: func(o *Observation) (bool, string) {
							return o.Facts.CandidateSameSites, fmt.Sprintf("pair %q replicates between other sites or in the other direction than %s", o.Facts.CandidatePairID, quoteName(o))
						},
						Remedy: "Use a pair whose primary is at the group's active site and whose secondary is at its standby site.",
					},
					{
						Rule: "V-GRP-MEMBERS", Name: "candidate_idle", Requirement: "needs a pair that is configured or paused",
						Facts:   []string{FactCandidate},
						Applies: func(o *Observation) bool { return o.Facts.CandidatePairID != "" && o.Facts.CandidateState != "" },
						Test: func(o *Observation) (bool, string) {
							s := o.Facts.CandidateState
							return s == Configured || s == Paused, fmt.Sprintf("pair %q is %s", o.Facts.CandidatePairID, s)
						},
						Remedy: "Pause the pair (replication = \"paused\") before adding it to the group.",
					},
				},
				FromRule: "V-GRP-MEMBERS",
				Effect:   func(f *Facts) { f.MemberCount++; f.FirstSyncDone = false },
				FromRefusal: func(o *Observation) (string, string) {
					return "", "Disable protection first (membership changes while the group is configured or paused)."
				},
				Afterwards: "enable protection again to synchronise the new pair.",
			},
			{
				Name: OpRemoveMember, Invocable: true, OnRequest: true, From: from("configured", "paused", "invalid"),
				Description:   "Remove a replication pair from the group (the pair is kept).",
				Params:        []string{ParamPairID},
				Preconditions: []Precondition{pHasMembers("V-GRP-MEMBERS", "needs a pair in the group")},
				FromRule:      "V-GRP-MEMBERS",
				Effect:        func(f *Facts) { f.MemberCount-- },
				FromRefusal: func(o *Observation) (string, string) {
					return "", "Disable protection first (membership changes while the group is configured or paused)."
				},
			},
			{
				Name: OpAddServer, Invocable: true, OnRequest: true, From: from("configured", "paused", "replicating"),
				Description: "Protect a server: the platform creates its twin at the standby site (SDRS protected instance).",
				Params:      []string{ParamServerID},
				Preconditions: []Precondition{
					{
						Rule: "V-GRP-MEMBERS", Name: "server_at_production_site", Requirement: "needs a server at the group's production (active) site",
						Facts:   []string{FactCandidate},
						Applies: func(o *Observation) bool { return o.Facts.CandidateServerID != "" },
						Test: func(o *Observation) (bool, string) {
							where := "at neither of its sites"
							if s := o.Facts.CandidateServerSite; s != "" {
								where = "at its " + string(s) + " site"
							}
							return o.Facts.CandidateServerSite == o.ActiveSite, fmt.Sprintf("server %q is %s, production is at the %s site of %s",
								o.Facts.CandidateServerID, where, o.ActiveSite, quoteName(o))
						},
						Remedy: "Protect servers at the production site (SDRS.1304).",
					},
					{
						Rule: "V-GRP-MEMBERS", Name: "server_not_twin", Requirement: "needs a server that is not a DR-site twin",
						Facts:   []string{FactCandidate},
						Applies: func(o *Observation) bool { return o.Facts.CandidateServerID != "" },
						Test: func(o *Observation) (bool, string) {
							return !o.Facts.CandidateServerTwin, fmt.Sprintf("server %q is a DR-site twin made by a protection group", o.Facts.CandidateServerID)
						},
						Remedy: "Protect the production server, not its twin (SDRS.1305).",
					},
					{
						Rule: "V-GRP-MEMBERS", Name: "server_free", Requirement: "needs a server that no other group protects",
						Facts:   []string{FactCandidate},
						Applies: func(o *Observation) bool { return o.Facts.CandidateServerID != "" },
						Test: func(o *Observation) (bool, string) {
							g := o.Facts.CandidateServerGroupID
							return g == "" || g == o.ID, fmt.Sprintf("server %q is already protected by group %q", o.Facts.CandidateServerID, g)
						},
						Remedy: "Remove the server from its group first (SDRS.1305).",
					},
				},
				FromRule: "V-GRP-MEMBERS",
				Effect:   func(f *Facts) { f.ServerCount++ },
				FromRefusal: func(o *Observation) (string, string) {
					return "", "Wait for the running operation to finish; servers are protected while the group is configured, paused or replicating."
				},
			},
			{
				Name: OpRemoveServer, Invocable: true, OnRequest: true, From: from("configured", "paused", "replicating", "failed_over", "invalid", "error{*}"),
				Description: "Stop protecting a server; the server and its twin are kept.",
				Params:      []string{ParamServerID},
				Preconditions: []Precondition{{
					Rule: "V-GRP-MEMBERS", Name: "has_servers", Requirement: "needs a protected server in the group",
					Facts: []string{FactServers},
					Test: func(o *Observation) (bool, string) {
						return o.Facts.ServerCount > 0, fmt.Sprintf("%s protects none", quoteName(o))
					},
					Remedy: "Nothing to remove.",
				}},
				FromRule: "V-GRP-MEMBERS",
				Effect:   func(f *Facts) { f.ServerCount-- },
			},
			{
				// Drills are started and stopped on request only (an action, a goal that names
				// them): the planner never ends a user's drill to reach another goal.
				Name: OpStartDrill, Invocable: true, OnRequest: true, From: from("replicating"),
				Description:   "Start a DR drill: a test copy at the standby site from the last recovery point; replication continues.",
				Preconditions: []Precondition{pFirstSync(), pNoDrill("needs no other DR drill running")},
				FromRule:      "V-DRILL", Region: RegionStandby,
				Effect:     func(f *Facts) { f.DrillActive = true },
				Afterwards: "stop the drill (stop_drill) before a failover or reprotect.",
			},
			{
				// invalid too: a broken group's drill must be clearable, or the group can never be
				// deleted (V-GRP-DELETE needs no drill)
				Name: OpStopDrill, Invocable: true, OnRequest: true, From: from("replicating", "paused", "failed_over", "invalid", "error{*}"),
				Description: "Stop the DR drill and clean up its test resources.", EndsTest: OpStartDrill,
				Preconditions: []Precondition{pDrillActive()},
				FromRule:      "V-DRILL",
				Effect:        func(f *Facts) { f.DrillActive = false },
			},
			{
				Name: OpUpdate, Invocable: true, OnRequest: true, From: from("configured", "paused", "replicating", "failed_over"),
				Description: "Change the group's metadata (name, description).",
				FromRule:    "V-STATE", Params: []string{ParamName, ParamDescription},
			},
			{
				Name: OpDelete, Invocable: true, From: from("configured", "paused", "failed_over", "invalid", "error{*}"), Via: Deleting, OnSuccess: Deleted,
				Description: "Delete the empty group.",
				Preconditions: []Precondition{
					{
						Rule: "V-GRP-DELETE", Name: "no_pairs", Requirement: "needs a group without replication pairs",
						Facts: []string{FactMembers},
						Test: func(o *Observation) (bool, string) {
							return o.Facts.MemberCount == 0, fmt.Sprintf("%s has %d pair(s)", quoteName(o), o.Facts.MemberCount)
						},
						Remedy: "Remove (or delete) its replication pairs first.",
					},
					{
						Rule: "V-GRP-DELETE", Name: "no_servers", Requirement: "needs a group without protected servers",
						Facts: []string{FactServers},
						Test: func(o *Observation) (bool, string) {
							return o.Facts.ServerCount == 0, fmt.Sprintf("%s has %d protected server(s)", quoteName(o), o.Facts.ServerCount)
						},
						Remedy: "Remove its protected servers first.",
					},
					{
						Rule: "V-GRP-DELETE", Also: []string{"V-DRILL"}, Name: "no_drill", Requirement: "needs no DR drill running",
						Facts: []string{FactDrill},
						Test: func(o *Observation) (bool, string) {
							return !o.Facts.DrillActive, fmt.Sprintf("a DR drill is running on %s", quoteName(o))
						},
						Remedy: "Stop the drill first (stop_drill).",
					},
				},
				FromRule: "V-GRP-DELETE", Region: RegionSource,
				FromRefusal: func(o *Observation) (string, string) {
					return "", "Disable protection first."
				},
			},
		},
	}
}
