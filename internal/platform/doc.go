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
// # Mapping vendors onto this interface
//
// How each vendor's statuses map onto the engine's states, which vendor call implements each
// operation, and which vendor error codes fall into which Class, is documented for users and
// driver authors in the platforms guide: docs/guides/platforms.md, generated from
// templates/guides/platforms.md.tmpl (edit the template, then `make docs`). In short:
//
//   - Alibaba Cloud EBS async replication: ReplicationPair = DiskReplicaPair, ProtectionGroup =
//     DiskReplicaGroup (pairs only; ServerIDs stay empty); failover is called in the standby
//     region (lifecycle Operation.RegionFor, R001-3); reprotect ends paused and start follows;
//     client tokens are ClientToken (R001-4); replication-capable regions come from
//     DescribeRegions(ResourceType=ear), never a hard-coded list (R001-5).
//   - Huawei SDRS (and the deprecated EVS replication groups): ProtectionGroup = server group,
//     its pairs mirror the group's status (the sandbox does the same); protected instances are
//     ServerIDs with their DR-site twin in DRServers; priority_station is ActiveSite. Invoke
//     returns once the async job is accepted and Observe polls the entity.
//   - Huawei CBR: BackupReplica = a replication record plus the destination backup
//     (image_type=replication).
//   - Acronis DR API v2: RecoveryServer = a RECOVERY cloud server. Failback and its
//     confirm/cancel are console-only: a driver reports them as observed transitions and
//     returns Invalid from Invoke. _links become Facts.AdvertisedOps and _issues
//     Facts.BlockingIssues (V-ACR-LINKS).
//
// A driver proves its mapping by passing the conformance suite in platformtest (see
// CONTRIBUTING.md, "Adding a platform"). The embedded default platform is
// internal/platform/sandbox.
package platform
