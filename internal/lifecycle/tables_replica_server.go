package lifecycle

import (
	"fmt"
	"slices"
	"strings"
)

// replicaPre is a replicate precondition; the refusal points at the create parameter the rule
// is about (the source backup unless the rule names the destination region or vault).
func replicaPre(rule, name, requirement string, facts []string, remedy string, test func(o *Observation) (bool, string)) Precondition {
	param := "backup_id"
	switch rule {
	case "R003-2", "R003-7", "R003-8":
		param = "destination_region"
	case "R003-11":
		param = "destination_vault_id"
	}
	return Precondition{Rule: rule, Name: name, Requirement: requirement, Facts: facts, Test: test, Remedy: remedy,
		Params: func(*Observation) []string { return []string{param} }}
}

func replicaTable() *KindTable {
	b := []string{FactBackup}
	return &KindTable{
		Kind: BackupReplica, Noun: "replica",
		Description: "A cross-region replica of a server backup (Huawei CBR). One replica per backup per destination region.",
		states: []StateInfo{
			{Requested, Transitional, "replication requested, waiting to run"},
			{Replicating, Transitional, "the backup is being copied to the destination region"},
			{Available, Stable, "the replica is available in the destination vault"},
			{Deleting, Transitional, "the replica is being deleted"},
			{Deleted, Terminal, "deleted; a manual replication to that region is allowed again"},
			{Error, Failed, "replication or deletion failed (error{op}); replicate again or delete"},
		},
		ops: []*Operation{
			{
				Name: OpReplicate, Create: true, Invocable: true, From: from("", "deleted", "error{replicate}"), Via: Requested, Pending: []State{Replicating}, OnSuccess: Available,
				Description: "Replicate a server backup to a destination region (creates the replica); from error{replicate} it retries.",
				Params:      []string{"backup_id", "destination_region", "destination_project_id", "destination_vault_id", "name", "description"},
				Preconditions: []Precondition{
					pParams(), // Huawei CBR: destination_project_id (per region)
					replicaPre("R003-1", "not_disk_backup", "needs a server backup, not a cloud disk backup", b,
						"Back up the whole server (a server backup with its system disk) and replicate that.",
						func(o *Observation) (bool, string) {
							return o.Facts.BackupType != "disk", "the source backup is a cloud disk (volume) backup"
						}),
					replicaPre("R003-2", "regions_capable", "needs source and destination regions that support replication", []string{FactCapability},
						"Pick a destination region that offers replication.",
						func(o *Observation) (bool, string) {
							var bad []string
							if !o.Facts.SourceRegionCapable {
								bad = append(bad, "the source region")
							}
							if !o.Facts.DestinationCapable {
								bad = append(bad, fmt.Sprintf("the destination region %q", o.Facts.DestinationRegion))
							}
							return len(bad) == 0, strings.Join(bad, " and ") + " does not support replication"
						}),
					replicaPre("R003-3", "server_backup", "needs a server (ECS) backup", b,
						"Replicate a backup of a server.",
						func(o *Observation) (bool, string) {
							if !o.Facts.BackupExists {
								return false, "the source backup does not exist"
							}
							return o.Facts.BackupType == "server" || o.Facts.BackupType == "disk", // disk is R003-1's refusal
								fmt.Sprintf("the source backup has type %q", o.Facts.BackupType)
						}),
					replicaPre("R003-4", "system_disk", "needs a server backup that contains the system disk", b,
						"Back up the server including its system disk.",
						func(o *Observation) (bool, string) {
							return o.Facts.BackupHasSystemDisk || o.Facts.BackupType == "disk", "the source backup has no system-disk data"
						}),
					replicaPre("R003-5", "backup_available", "needs the source backup available", b,
						"Wait until the backup is available.",
						func(o *Observation) (bool, string) {
							return o.Facts.BackupStatus == "available", fmt.Sprintf("the source backup is %q", o.Facts.BackupStatus)
						}),
					replicaPre("R003-6", "not_a_replica", "needs an original backup, not a replica", b,
						"Replicate the original backup in its own region.",
						func(o *Observation) (bool, string) {
							return !o.Facts.BackupIsReplica, "the source backup is itself a replica"
						}),
					replicaPre("R003-7", "one_per_region", "allows one replica per backup per destination region", []string{FactReplicas},
						"Use the existing replica, or delete it first.",
						func(o *Observation) (bool, string) {
							return !o.Facts.ReplicaInDestination, fmt.Sprintf("the backup already has a replica in %q", o.Facts.DestinationRegion)
						}),
					replicaPre("R003-8", "policy_once", "by policy replicates a backup to a region only once", []string{FactReplicas},
						"Replicate manually instead.",
						func(o *Observation) (bool, string) {
							return !(o.Facts.ReplicationMethodPolicy && o.Facts.PolicyReplicatedBefore),
								fmt.Sprintf("the policy already replicated this backup to %q once", o.Facts.DestinationRegion)
						}),
					replicaPre("R003-11", "replication_vault", "needs a replication vault in the destination region", []string{FactVault},
						"Choose a vault with purpose \"replication\" in the destination region.",
						func(o *Observation) (bool, string) {
							if o.Facts.VaultRegion == "" {
								return false, fmt.Sprintf("the vault is not in the destination region %q", o.Facts.DestinationRegion)
							}
							return o.Facts.VaultPurpose == "replication" && o.Facts.VaultRegion == o.Facts.DestinationRegion,
								fmt.Sprintf("the vault has purpose %q in region %q, destination region is %q", o.Facts.VaultPurpose, o.Facts.VaultRegion, o.Facts.DestinationRegion)
						}),
				},
				FromRule: "V-STATE",
				FromRefusal: func(o *Observation) (string, string) {
					switch o.State {
					case Available, Requested, Replicating:
						return "R003-7", "The replica already exists; delete it first to replicate again."
					}
					return "", "Wait for the running operation to finish."
				},
				Afterwards: "the replica can be used in the destination region to create images or servers.",
			},
			{
				Name: OpDelete, Invocable: true, From: from("available", "error{*}"), Via: Deleting, OnSuccess: Deleted,
				Description: "Delete the replica in the destination region (the source backup is kept).",
				FromRule:    "V-STATE", Region: RegionStandby,
				Afterwards: "a manual replication to that region is allowed again (R003-7); a policy will not replicate it again (R003-8).",
			},
		},
	}
}

// pIssues is V-ACR-LINKS' issue half: no issue blocks op — one that blocks every action
// (BlockingIssues) or one on op's own link (OpIssues). It is never deferred: an issue a step
// does not resolve (a quota, a pack's limit, a subscription) still blocks op later in the plan,
// so the planner does not route around it through other operations.
func pIssues(op Op) Precondition {
	return Precondition{
		Rule: "V-ACR-LINKS", Name: "no_blocking_issue", Requirement: "needs the platform to report no issue blocking the action",
		Test: func(o *Observation) (bool, string) {
			if issues := append(slices.Clip(o.Facts.BlockingIssues), o.Facts.OpIssues[op]...); len(issues) > 0 {
				return false, fmt.Sprintf("%s reports blocking issues: %s", quoteName(o), strings.Join(issues, ", "))
			}
			return true, ""
		},
		Remedy: "Resolve the reported issues (quota, subscription, site readiness, running task) and retry.",
	}
}

// pAdvertised is V-ACR-LINKS' link half: the platform advertises op now (deferred to apply time
// after a step: the links are those of the new state).
func pAdvertised(op Op) Precondition {
	return Precondition{
		Rule: "V-ACR-LINKS", Name: "advertised", Requirement: "needs the platform to advertise the action",
		Facts: []string{FactAdvertised},
		Test: func(o *Observation) (bool, string) {
			if o.Facts.AdvertisedOps != nil && !o.Facts.AdvertisedOps[op] {
				return false, fmt.Sprintf("the platform does not offer %s on %s now", op, quoteName(o))
			}
			return true, ""
		},
		Remedy: "Resolve the reported issues (quota, subscription, site readiness, running task) and retry.",
		// an action the platform does not advertise, with no issue reported, is withheld for
		// the reasons the other preconditions check (R004-2: no recovery point): not a second cause
		Consequence: func(o *Observation) bool { return len(o.Facts.BlockingIssues) == 0 },
	}
}

func effUnknownLinks(f *Facts) {
	// After a step the advertised actions are those of the new state: re-read at apply time.
	// An issue tied to one operation stays: a step does not lift a quota or a pack's limit.
	markUnknown(f, FactAdvertised)
	f.BlockingIssues = nil
}

// pRecoveryPoint is R004-2: a failover (or test failover) starts the VM from a recovery point,
// so the protected machine needs one (an available backup).
func pRecoveryPoint() Precondition {
	return Precondition{
		Rule: "R004-2", Name: "has_recovery_point", Requirement: "needs a recovery point (an available backup of the protected machine)",
		Facts: []string{FactBackup},
		Test: func(o *Observation) (bool, string) {
			return o.Facts.HasRecoveryPoint, fmt.Sprintf("%s has no recovery point: its machine has no available backup", quoteName(o))
		},
		Remedy: "Back the machine up first (e.g. a dr_sandbox_backup of it) and wait until the backup is available.",
	}
}

func serverTable() *KindTable {
	r := func(op Op) []Precondition { return []Precondition{pIssues(op), pAdvertised(op)} }
	rp := func(op Op) []Precondition { return []Precondition{pRecoveryPoint(), pIssues(op), pAdvertised(op)} }
	return &KindTable{
		Kind: RecoveryServer, Noun: "recovery server",
		Description: "A cloud recovery server for a protected machine (Acronis Disaster Recovery).",
		states: []StateInfo{
			{Creating, Transitional, "the recovery server is being created"},
			{Standby, Stable, "configuration defined, no virtual machine (R004-1)"},
			{Finalizing, Transitional, "failover: the VM runs from the recovery point while its disks are finalized (usable, degraded)"},
			{FailedOver, Stable, "failover: the workload runs on the recovery server"},
			{StartingTest, Transitional, "a test failover is starting"},
			{Testing, Stable, "test failover: a temporary VM runs for testing"},
			{Stopping, Transitional, "stopping the test VM or cancelling the failover"},
			{FailingBack, Transitional, "failback: the recovery server is turned off and backed up"},
			{ReadyForFailback, Stable, "ready for failback: recover the local machine from the backup, then confirm or cancel"},
			{Releasing, Transitional, "confirming failback: cloud resources are released"},
			{Deleting, Transitional, "being deleted"},
			{Deleted, Terminal, "deleted"},
			{Error, Failed, "an operation failed (error{op}), e.g. error{finalize}"},
		},
		ops: []*Operation{
			{
				Name: OpCreate, Create: true, Invocable: true, From: from(""), Via: Creating, OnSuccess: Standby,
				Description: "Create the recovery server for a protected machine; it starts in standby (R004-1).",
				FromRule:    "R004-8", Params: []string{"machine_id", "name"}, Effect: effUnknownLinks,
				Preconditions: []Precondition{pRefsExist()},
			},
			{
				// also after a failed test failover: a failed drill leaves no VM (the server is back
				// in standby, Acronis STAND_BY) and must never refuse the production failover
				Name: OpFailover, Invocable: true, From: from("standby", "error{failover}", "error{test_failover}"), Via: Finalizing, OnSuccess: FailedOver,
				Description: "Production failover: the server is created from a recovery point and finalized, then serves the workload (R004-2).",
				Params:      []string{ParamRecoveryPoint}, Preconditions: rp(OpFailover),
				FromRule: "R004-8", Effect: effUnknownLinks,
				Afterwards: "the workload runs in the cloud; fail back (failback) when the local site is restored.",
			},
			{
				Name: OpFinalize, Invocable: false, From: from("finalizing"), OnSuccess: FailedOver,
				Description: "Platform-driven: finalization succeeded (R004-2); on failure the server is error{finalize}.",
				FromRule:    "R004-8",
			},
			{
				// also after a failover that failed before finalization (back in standby, no VM)
				Name: OpTestFailover, Invocable: true, From: from("standby", "error{test_failover}", "error{failover}"), Via: StartingTest, OnSuccess: Testing,
				Description: "Start a test failover: a temporary VM for testing (R004-7).",
				Params:      []string{ParamRecoveryPoint}, Preconditions: rp(OpTestFailover),
				FromRule: "R004-8", Effect: effUnknownLinks,
				Afterwards: "stop the test (stop_test_failover) to return to standby.",
			},
			{
				Name: OpStopTestFailover, Invocable: true, From: from("testing", "error{stop_test_failover}"), Via: Stopping, OnSuccess: Standby,
				Description: "Stop the test failover; the temporary VM is destroyed (R004-7).", EndsTest: OpTestFailover,
				Preconditions: r(OpStopTestFailover),
				FromRule:      "R004-8", Effect: effUnknownLinks,
			},
			{
				Name: OpFailback, Invocable: true, From: from("failed_over", "error{failback}"), Via: FailingBack, OnSuccess: ReadyForFailback,
				Description:   "Failback: the recovery server is turned off and backed up (R004-3).",
				Preconditions: r(OpFailback),
				FromRule:      "R004-8", Effect: effUnknownLinks,
				Afterwards: "recover the local machine from the recovery server's backup, then confirm_failback (or cancel_failback).",
				Checkpoint: "recover the local machine from the recovery server's backup (outside Terraform)",
				Manual: "recover the local machine from the recovery server's backup (outside Terraform); then mode = \"standby\" confirms the failback " +
					"and releases the cloud resources (R004-4), or mode = \"failover\" cancels it (R004-5).",
			},
			{
				Name: OpConfirmFailback, Invocable: true, From: from("ready_for_failback", "error{confirm_failback}"), Via: Releasing, OnSuccess: Standby,
				Description:   "Confirm the failback: the cloud resources are released (R004-4).",
				Preconditions: r(OpConfirmFailback),
				FromRule:      "R004-8", Effect: effUnknownLinks,
			},
			{
				Name: OpCancelFailback, Invocable: true, From: from("ready_for_failback", "error{cancel_failback}"), OnSuccess: FailedOver,
				Description:   "Cancel the failback: the recovery server returns to failover (R004-5).",
				Preconditions: r(OpCancelFailback),
				FromRule:      "R004-8", Effect: effUnknownLinks,
			},
			{
				Name: OpCancelFailover, Invocable: true, From: from("failed_over", "error{finalize}", "error{cancel_failover}"), Via: Stopping, OnSuccess: Standby,
				Description:   "Cancel the failover: the workload goes back to the original machine; the cloud VM's changes are lost (R004-6).",
				Preconditions: r(OpCancelFailover),
				DataLoss: &DataLossRule{
					Rule: "R004-6",
					Why: func(o *Observation) string {
						return fmt.Sprintf("cancelling the failover of %s discards every change made on the cloud VM", quoteName(o))
					},
					Safe: "use failback to keep the changes",
				},
				FromRule: "R004-8", Effect: effUnknownLinks,
			},
			{
				Name: OpDelete, Invocable: true, From: from("standby", "error{*}"), Via: Deleting, OnSuccess: Deleted,
				Description: "Delete the recovery server configuration.",
				FromRule:    "R004-8",
				FromRefusal: func(o *Observation) (string, string) {
					return "", "Return the server to standby first (stop the test, fail back and confirm)."
				},
			},
		},
	}
}

func init() {
	register(pairTable())
	register(groupTable())
	register(replicaTable())
	register(serverTable())
}
