// Package platform is the vendor-neutral DR platform the lifecycle engine drives.
//
// A Platform embeds lifecycle.Driver (Observe / Invoke / Cancel) and adds typed CRUD for the four
// DR kinds with normalized object types (ReplicationPair, ProtectionGroup, BackupReplica,
// RecoveryServer). State-changing DR operations — start, stop, failover, reprotect, delete,
// membership — all go through Invoke so the engine's tables gate them; Create* and Update* are
// the typed entry points for creation and metadata. Every error is an *Error with a Class
// (NotFound, PreconditionFailed, Conflict, Retryable, Quota, Invalid, Internal); the engine's
// executor reads the class through the Retryable()/NotFound() methods.
//
// # Mapping vendors onto this interface (reference/vendor-lifecycles.md §7)
//
// Alibaba Cloud EBS async replication. ReplicationPair = DiskReplicaPair, ProtectionGroup =
// DiskReplicaGroup (pairs only; ServerIDs stay empty). Vendor status → normalized state per
// §7.2: created→configured, initial_syncing→starting, syncing/normal→replicating,
// manual_syncing→syncing_once, stopped→paused, failovering→failing_over,
// failovered→failed_over, *_failed→error{op}, invalid→invalid. Invoke(start) =
// StartDiskReplicaPair(OneShot=false); stop = StopDiskReplicaPair; failover =
// FailoverDiskReplicaPair issued in the standby region (lifecycle Operation.RegionFor, R001-3);
// reprotect = ReprotectDiskReplicaPair(ReverseReplicate=true) (ends paused, then start);
// switchover is composite. Client tokens map to ClientToken (R001-4); errors map:
// OperationDenied.InvalidStatus → PreconditionFailed, IdempotentParameterMismatch → Invalid,
// InternalError/LastTokenProcessing/RequestTimeout → Retryable, NoSuchResource → NotFound,
// QuotaExceed → Quota. LastRecoverPoint → ReplicationPair.LastRecoveryPoint;
// DescribeDiskReplicaPairProgress → SyncProgress. Replication capability comes from
// DescribeRegions(ResourceType=ear), never a hard-coded list (R001-5).
//
// Huawei SDRS (and deprecated EVS). ProtectionGroup = server group; its pairs mirror the group's
// status (the sandbox does the same); protected instances are ServerIDs with their DR-site twin
// in DRServers. start-server-group → enable_protection (from available) or reprotect (from
// failed-over); stop-server-group → disable_protection; reverse-server-group{priority_station}
// → planned_failover; failover-server-group → failover; priority_station → ActiveSite;
// replication_status/health_status/progress → ReplicationStatus/Health/SyncProgress.
// Async jobs: Invoke returns after the job is accepted and Observe polls the entity. Errors:
// SDRS.0209/1002/10xx → PreconditionFailed, SDRS.1013/1608 → NotFound, SDRS.0305/0306/1358 →
// Quota. EVS RCGs map the same way (os-failover, os-reprotect, os-reverse).
//
// Huawei CBR. BackupReplica = a replication record plus the destination backup
// (image_type=replication): CreateReplica = POST /backups/{id}/replicate (the replicate
// operation; waiting_replicate→requested, replicating→replicating, success→available,
// fail→error{replicate}); delete = delete the destination backup. BackupService.1002/1003/1005
// → PreconditionFailed, 1009 → PreconditionFailed (R003-7), 1012 → Quota.
//
// Acronis DR. RecoveryServer = a RECOVERY cloud server; failover = start_failover_prod
// (STARTING_FAILOVER_PROD/FINALIZATION → finalizing, FAILOVER_PROD → failed_over,
// FINALIZATION_FAILED → error{finalize}); test_failover = start_failover_test; stop_test_failover
// and cancel_failover = stop_failover. Failback and its confirm/cancel are console-only in API
// v2: a driver reports them as observed transitions and returns Invalid from Invoke. _links
// become Facts.AdvertisedOps and _issues Facts.BlockingIssues (V-ACR-LINKS); HTTP 409 →
// PreconditionFailed, 429 → Retryable.
//
// The embedded default platform is internal/platform/sandbox.
package platform
