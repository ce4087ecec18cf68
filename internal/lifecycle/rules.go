package lifecycle

// Rule is one entry of the rules catalog (shared/RULES.md plus the engine's own IDs).
type Rule struct {
	ID        string
	Kinds     []Kind
	Statement string
	// Enforced says how the engine enforces it: "check" (a from-state, precondition or
	// data-loss refusal), "table" (a table fact: result state, site effect, afterwards note,
	// call region), "format" (a format validator), "executor" (run time), "function".
	Enforced string
}

var (
	kPair   = []Kind{ReplicationPair}
	kGroup  = []Kind{ProtectionGroup}
	kBoth   = []Kind{ReplicationPair, ProtectionGroup}
	kRep    = []Kind{BackupReplica}
	kServer = []Kind{RecoveryServer}
)

// rules is the catalog; keep it in RULES.md order, engine additions at the end.
var rules = []Rule{
	{"R000-1", kGroup, "Reprotect requires that a failover has been performed (group failed over).", "check"},
	{"R000-2", kBoth, "Reprotect requires the faulty site (the original production site) to be restored (healthy).", "check"},
	{"R000-3", kGroup, "Reprotect requires the group to be available: no operation in progress.", "check"},
	{"R000-4", kGroup, "Reprotect requires the restored production server(s) to be stopped.", "check"},
	{"R000-5", kGroup, "Reprotect synchronises the DR site to the restored site (reprotecting → replicating, progress visible); the direction is reversed afterwards.", "table"},
	{"R000-6", kGroup, "After reprotect, moving services back is an optional planned failover.", "table"},

	{"R001-1", kPair, "Failover is refused for a pair that is invalid or deleted.", "check"},
	{"R001-2", kPair, "After failover the pair is failed over and the secondary volume is read/write.", "table"},
	{"R001-3", kBoth, "Failover (and reprotect) are issued in the standby (secondary) region; Operation.Region tells drivers.", "table"},
	{"R001-4", []Kind{ReplicationPair, ProtectionGroup, BackupReplica, RecoveryServer}, "Client tokens: ASCII only, at most 64 characters; a retried call reuses its token.", "format"},
	{"R001-5", kPair, "Replication is offered only in regions that support it (a capability).", "check"},

	{"R002-1", kGroup, "Failover (and enabling protection) requires the group to contain replication pairs.", "check"},
	{"R002-2", kGroup, "Failover requires the group replicating (protection enabled), or in error{planned_failover} / error{failover}.", "check"},
	{"R002-3", kGroup, "After failover the group is failed over, protection is disabled and synchronisation has stopped.", "table"},
	{"R002-4", kGroup, "After failover the DR-site servers must be started (they are not started automatically).", "table"},
	{"R002-5", kGroup, "Failover moves the production servers' IP, EIP and MAC addresses to the DR-site servers.", "table"},
	{"R002-6", kGroup, "Synchronisation resumes only through reprotect (enable_protection is refused from failed_over).", "check"},
	{"R002-7", kGroup, "While a failover, planned failover or reprotect runs, servers in the group cannot be started or stopped (CheckServerPowerChange).", "function"},
	{"R002-8", kBoth, "Failover with a healthy production site is a forced failover: it needs allow_data_loss; the safe path is a planned failover.", "check"},

	{"R003-1", kRep, "Cloud disk (volume) backups cannot be replicated.", "check"},
	{"R003-2", kRep, "Replication is available only between replication-capable regions.", "check"},
	{"R003-3", kRep, "The source must be a server (ECS) backup.", "check"},
	{"R003-4", kRep, "The server backup must contain system-disk data.", "check"},
	{"R003-5", kRep, "The source backup must be available.", "check"},
	{"R003-6", kRep, "A replica cannot be replicated again.", "check"},
	{"R003-7", kRep, "At most one replica per backup per destination region; after it is deleted a manual replication is allowed again.", "check"},
	{"R003-8", kRep, "Policy-based replication replicates a backup to a region once only, even if the replica was deleted.", "check"},
	{"R003-9", kRep, "Replica name: 1–64 letters, digits, _ and -.", "format"},
	{"R003-10", kRep, "Replica description: at most 255 characters, no < or >.", "format"},
	{"R003-11", kRep, "The destination vault is a replication vault in the destination region.", "check"},

	{"R004-1", kServer, "A new recovery server is in standby: configuration defined, no virtual machine.", "table"},
	{"R004-2", kServer, "Failover from standby creates the server from a recovery point: finalizing → failed_over once finalization succeeds (platform-driven).", "table"},
	{"R004-3", kServer, "Failback from failover turns the server off and backs it up → ready for failback.", "table"},
	{"R004-4", kServer, "Confirm failback releases the cloud resources (→ standby).", "table"},
	{"R004-5", kServer, "Cancel failback returns to failover.", "table"},
	{"R004-6", kServer, "Cancel failover switches the workload back to the original machine (→ standby); the cloud VM's changes are lost, so it needs allow_data_loss.", "check"},
	{"R004-7", kServer, "Test failover: standby → testing (temporary VM) → stop testing → standby.", "table"},
	{"R004-8", kServer, "Each action is available only in its from-states; anything else is refused at plan.", "check"},

	{"V-PAIR-START", kPair, "Start/resume only from configured or paused; the standby volume must not be attached and the standby site must be healthy.", "check"},
	{"V-PAIR-STOP", kPair, "Stop only while starting or replicating.", "check"},
	{"V-PAIR-REPROT", kPair, "Pair reprotect only from failed over; the original primary volume must be detached; replication stays paused until started again.", "check"},
	{"V-PAIR-DELETE", kPair, "Delete only from configured, paused, failed over, invalid or error; volumes are kept; deleting a failed-over pair needs allow_data_loss.", "check"},
	{"V-FIRST-SYNC", kBoth, "Failover, planned failover and drills need the first full synchronisation complete.", "check"},
	{"V-GRP-SWITCH", kGroup, "Planned failover needs pairs, protection enabled, every server at the current production site stopped and both sites healthy.", "check"},
	{"V-GRP-REPROT", kGroup, "Group reprotect needs the DR-site (standby) servers stopped.", "check"},
	{"V-GRP-MEMBERS", kGroup, "Pairs are added/removed only while the group is configured or paused; a pair belongs to at most one group, between the group's sites in its direction, and joins while idle; a group holds at most as many pairs as its platform allows (Alibaba EBS: 17); a protected server is at the production site, not a DR-site twin, and in no other group.", "check"},
	{"V-GRP-DELETE", kGroup, "A group is deleted only when it has no pairs, protected servers or drills.", "check"},
	{"V-DRILL", kBoth, "A drill needs the pair or group replicating with the first sync done, and no other drill running; no real failover, planned failover (switchover), reprotect or revert while a drill runs, and no delete of a pair with a drill.", "check"},
	{"V-ACR-LINKS", kServer, "A recovery-server operation is allowed only when the platform advertises it and reports no blocking issue.", "check"},
	{"V-NO-RETRY", []Kind{ReplicationPair, ProtectionGroup, BackupReplica, RecoveryServer}, "A precondition failure is never retried; only retryable error classes are.", "executor"},

	// Engine additions (not in RULES.md).
	{"V-PAIR-IN-GROUP", kPair, "A pair that belongs to a protection group is started, stopped, switched over, failed over, reprotected and deleted through its group (remove it from the group to delete it).", "check"},
	{"V-PAIR-SWITCH", kPair, "Pair switchover only while replicating, with the first sync done and both sites healthy.", "check"},
	{"V-STATE", []Kind{ReplicationPair, ProtectionGroup, BackupReplica, RecoveryServer}, "An operation runs only from the states its table lists (the generic from-state rule where no specific rule applies). Where a platform documents an operation from more states, the table stays stricter on purpose: while an operation runs, the engine issues no other and waits for the running one to finish; an operation whose result holds already it reports done instead of calling it again; after a failed operation (error{op}) it recovers by retrying it or deleting the object.", "check"},
	{"V-SYNC-SITES", kBoth, "An operation that copies data between the sites (first synchronisation, resynchronisation, reprotect) needs the sites it copies between healthy: it cannot complete while one is down, and a failover after a synchronisation that never ran reaches a site without data.", "check"},
	{"V-REFS", []Kind{ReplicationPair, ProtectionGroup, RecoveryServer}, "A create names existing objects (a pair's volumes, a group's sites, the recovery server a console-only platform adopts). An identifier known at plan is checked at plan on its own, even when another reference of the same resource is created in the same apply; only a reference unknown at plan (an object the same apply creates, or a site named by value on a platform whose inventory the configuration manages) waits for the apply, before the first platform call.", "check"},
	{"V-PAIR-VOLUMES", kPair, "A replication pair copies one volume to a different one of the same size; the primary is not encrypted and neither volume belongs to another pair.", "check"},
	{"V-PARAMS", []Kind{ReplicationPair, ProtectionGroup, BackupReplica, RecoveryServer}, "A create gets the platform-specific parameters its platform needs and cannot derive (Huawei SDRS: the production VPC, the active-active domain when the project has not exactly one between the zones; Huawei CBR: the destination region's project of a replica, as project IDs are per region), and none the platform does not have; an update changes no parameter the platform cannot change (Huawei SDRS: a replication pair's or protection group's description); a name or description keeps the platform's own limits on create and update (Huawei SDRS: at most 64 bytes; Alibaba EBS: 2–128 characters starting with a letter, no http(s):// prefix); tags are set only on kinds whose objects carry tags on the platform, within its limits (count, key and value length, reserved prefixes), on create and update; a resource group is given only on kinds whose objects belong to one on the platform (Alibaba EBS: pairs and replica groups, moved in place by ChangeResourceGroup; Huawei SDRS and Acronis have none), on create and update; a billing choice (payment type, subscription period) is given only where the platform offers one, within its values, at create, and is not changed afterwards (Alibaba EBS: pairs; no call changes it).", "check"},
	{"V-REPLACE", kBoth, "Replacing a pair or group (Terraform deletes it and creates a new one when an attribute that cannot change in place changes) is checked at plan like its delete, and needs allow_data_loss while production runs at the target (secondary) site: the new object's first synchronisation would copy the source's older data over production.", "check"},
	{"V-GRP-SITES", kGroup, "A protection group protects between two different sites.", "check"},
	{"V-PLATFORM", []Kind{ReplicationPair, ProtectionGroup, BackupReplica, RecoveryServer}, "The planner plans only with operations the platform can invoke through its API, on kinds it supports; a goal that needs a console-only step is refused at plan naming the manual step, and the next plan observes its result. Where the platform's documented allow-list is narrower than the table (a from-state it does not list, a volume it requires detached: Capabilities.Refused), the operation is refused there too, with the platform's reason, and the planner finds its path around it.", "check"},
	{"V-REVERT", kBoth, "Reverting a failover (cancel it and restore the original direction, paused; Alibaba Reprotect with ReverseReplicate=false) runs only on a failed-over object, on a platform that offers it, and discards what was written at the failed-over site since the failover: it needs allow_data_loss and is run on request only (the revert_failover action), never chosen by the planner.", "check"},
	{"V-SYNC-ONCE", kBoth, "A one-shot synchronisation (copy once, stay paused; Alibaba Start with OneShot=true) runs only from configured or paused, on request (the sync_once action), under the Start call's preconditions; the platform rate-limits successive ones (ManualSyncLimit), a precondition failure that is never retried.", "check"},
	{"V-MANUAL-STEP", []Kind{RecoveryServer}, "A plan never chains past an operation whose next step depends on out-of-band work (a checkpoint row: failback, then recover the local machine, then confirm); it stops there and the goal beyond it is a second apply. Without allow_data_loss a goal beyond it is refused naming the two applies (and offering the opt-in); with allow_data_loss = true a recovery server's goal standby from failover (or a destroy) takes cancel_failover (R004-6: the user opted into losing the cloud VM's changes), and the plan warns that it does.", "check"},
}

var rulesByID = func() map[string]Rule {
	m := make(map[string]Rule, len(rules))
	for _, r := range rules {
		m[r.ID] = r
	}
	return m
}()

// Rules returns the whole catalog in a stable order.
func Rules() []Rule { return append([]Rule(nil), rules...) }

// RuleByID looks a rule up.
func RuleByID(id string) (Rule, bool) { r, ok := rulesByID[id]; return r, ok }

// RulesFor returns the rules that apply to a kind, in catalog order.
func RulesFor(k Kind) []Rule {
	var out []Rule
	for _, r := range rules {
		for _, rk := range r.Kinds {
			if rk == k {
				out = append(out, r)
				break
			}
		}
	}
	return out
}
