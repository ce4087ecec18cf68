// Package platform is the vendor-neutral DR platform the lifecycle engine drives.
//
// # Shape
//
// Platform is the core every platform implements: lifecycle.Driver (Observe / Invoke /
// Cancel), Name, Capabilities, Close. The DR kinds are optional interfaces — Pairs, Groups,
// Replicas, RecoveryServers — with normalized object types (ReplicationPair, ProtectionGroup,
// BackupReplica, RecoveryServer); a platform implements those it serves and nothing else (no
// stubs), KindsOf reports which, and CapabilitiesOf is its complete description for the engine.
// State-changing DR operations — start, stop, failover, reprotect, delete, membership — all go
// through Invoke so the engine's tables gate them; Create* and Update* are the typed entry
// points for creation and metadata. Every read model a platform returns carries its
// CapabilitiesOf in Observed.Platform, so the allowed operations derived from it never list an
// operation the platform cannot invoke. Every error is an *Error with a Class (NotFound,
// PreconditionFailed, Conflict, Retryable, Quota, Invalid, Internal) — and, for a throttled call,
// the wait the platform asked for (RetryAfter); the engine's executor reads the class through
// the Retryable()/NotFound() methods.
//
// # Retries
//
// Every call a platform makes to its API goes through the one retry layer, package retry: one
// policy (attempts, capped exponential backoff with jitter, Retry-After up to a cap), only
// Retryable errors, a cancelled context stops at once. The sandbox's API methods use it, each
// driver wraps each vendor request in it, and nothing else retries: not the drivers (no loop,
// no sleep of their own), not the provider (it holds the platform's own interfaces), not the
// engine's executor (MaxRetries -1). Each platform's TestOneRetryLayer counts it
// (platformtest.RetryLayer).
//
// # Shared helpers
//
// What several drivers need lives here once, with its own tests: tokens (the client-token
// ledger of a vendor without an idempotency key), snapshot (the write-generation read snapshot
// that serves a plan's reads from the vendor's lists), Fingerprint and UpdateGuard (object
// versions where the vendor has none, and the version-checked update), Underway (whether an
// observed state shows an operation running or done, from the lifecycle rows: how a driver
// without client tokens reads before it repeats a write).
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
//     Facts.OpIssues (an issue blocks the operation of the link it names) or, naming no link,
//     Facts.BlockingIssues (V-ACR-LINKS).
//
// A driver proves its mapping by passing the conformance suite in platformtest, for every kind
// it serves (see CONTRIBUTING.md, "Adding a platform"). The embedded default platform is
// internal/platform/sandbox.
package platform
