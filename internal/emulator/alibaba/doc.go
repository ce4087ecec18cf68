// Package alibaba is a local emulator of the Alibaba Cloud EBS asynchronous-replication API
// (product ebs, version 2021-07-30, RPC style): an http.Handler that speaks the operations the
// driver in internal/platform/alibaba uses, over the sandbox's physics
// (internal/platform/sandbox). The sandbox keeps every state, transition, clock and fault (its
// physics); legality is the vendor's: every state-changing call is decided first by the
// emulator's allow-list (vendor.go), written from Alibaba Cloud's documentation — which
// operation is documented from which Status, its documented preconditions and the error code
// and HTTP status it answers otherwise — and only an allowed call is run in the sandbox, with
// sandbox.PhysicsOnly (the lifecycle engine's checks do not run). The engine's own tables are
// compared with this one by internal/platform/alibaba's TestVendorAllowListCrossCheck.
//
// # Wire format
//
// Requests are RPC calls: Action, Version=2021-07-30, RegionId and the action's parameters in
// the query string or a form body (the official SDK sends them in the query), signed with the
// RPC signature (SignatureMethod HMAC-SHA1, SignatureVersion 1.0: HMAC-SHA1 over
// "METHOD&%2F&" + percent-encoded sorted parameters, keyed with secret + "&"). A request with an
// unknown AccessKeyId is refused with InvalidAccessKeyId.NotFound (404), a bad signature with
// SignatureDoesNotMatch (400), as the EBS endpoint does. Responses are JSON; errors carry the
// envelope {"RequestId","HostId","Code","Message","Recommend"} with the vendor's HTTP status.
//
// # Mapping onto the sandbox (the simplest honest one)
//
//   - A sandbox site is an Alibaba zone: Site.Region is the RegionId, Site.Zone the ZoneId. Sites
//     marked ReplicationCapable are the regions DescribeRegions returns (ResourceType=ear).
//   - A sandbox volume is a disk: its ID is the DiskId.
//   - A sandbox replication pair is a disk replica pair (its ID is the ReplicaPairId); a sandbox
//     protection group is a replica group (ReplicaGroupId). Membership is the group's
//     add_member/remove_member.
//   - The sandbox's engine state is reported as the vendor Status (statusOf): configured →
//     created, starting → initial_syncing, replicating → normal, stopping → stopping, paused →
//     stopped, failing_over → failovering, failed_over → failovered, reprotecting → reprotecting,
//     invalid → invalid (StatusMessage = the sandbox's reason), deleting → deleting,
//     error{create|stop|failover|reprotect|delete} → <op>_failed. A sandbox state the EBS
//     enum has no word for (error{start}: Alibaba has no start_failed) is reported as
//     "invalid" with the sandbox's message, never as an invented status.
//   - PrimaryRegion/PrimaryZone and StandbyRegion/StandbyZone are the sides as created;
//     SourceRegion/SourceZoneId/SourceDiskId name the side that currently serves production
//     (the sandbox's ActiveSite), Destination* the other.
//   - ClientToken is the sandbox's client token (R001-4: same token and parameters → same
//     result, other parameters → IdempotentParameterMismatch). A call without one is not
//     idempotent.
//   - RegionId: Describe* return the objects with a side in RegionId; Start/Stop/Modify accept
//     either side's region; Failover and Reprotect need the secondary side's region as created
//     (OperationDenied.OperateNotAllowedForPrimary, 403 elsewhere), DeleteDiskReplicaPair the
//     primary's (OperationDenied.OperateNotAllowedForStandby), a drill the group's or pair's
//     current destination region (OperationDenied.StartDrillShouldOnDestRegion; NoSuchResource
//     for a clear elsewhere). CreateDiskReplicaPair accepts either disk's region (the documented
//     example names the secondary's; the driver sends the primary's).
//   - Quotas: Backdoor.SetQuota limits the pairs or groups the account holds (the sandbox's
//     SetQuota); a create beyond it is answered OperationDenied.QuotaExceed (403).
//   - Pairs per group: New gives the sandbox the EBS limit of MaxPairsPerGroup (17) pairs per
//     replica group (sandbox.SetMemberLimit); an AddDiskReplicaPair beyond it is refused by the
//     allow-list: OperationDenied.PairsExceedInGroup (403).
//   - ReprotectDiskReplicaPair/Group with ReverseReplicate=false is the sandbox's
//     revert_failover (failovered → reprotecting → stopped, the original direction); a failure
//     of either is reprotect_failed. Any value but true/false is InvalidParameter.
//   - StartDiskReplicaPair/Group with OneShot=true is the sandbox's sync_once (created|stopped →
//     manual_syncing → stopped); one within half the RPO of the last is refused:
//     OperationDenied.ManualSyncLimit (403).
//   - Errors: the vendor's envelope with the endpoint reached as HostId, and one fixed message
//     per code (messages): never the sandbox's or the engine's text, rule IDs or advice.
//   - ECS: DescribeDisks (where a disk is) and DescribeRegions (every region with disks, the
//     driver's search for a disk outside the replication-capable regions).
//
// # Gateway
//
// Every call passes the shared API gateway first (internal/emulator/gateway; Options.Gateway,
// Emulator.Gateway): a latency, per-Action rate limits and a throttling rate answered with
// Throttling.User (HTTP 400, "Request was denied due to user flow control."), and injected
// InternalError failures. The zero configuration is instant and unlimited. Options.Credentials
// replaces the test AccessKey pair.
//
// # Differences from the documented examples that stay
//
// The emulator contract test (contract_test.go) compares its answers with every corpus example
// of internal/platform/alibaba/testdata/corpus: field names, JSON types, null-ness, the
// envelope, codes and HTTP statuses — and sends it every documented request, which it must
// accept as documented. What cannot be the same, and why:
//
//   - Values: IDs, names, times, request IDs and messages are the emulator's (the corpus's are
//     restated placeholders too); enums and codes are the vendor's.
//   - Billing: every pair is pay-as-you-go (ChargeType POSTPAY, Bandwidth 0, ExpiredTime 0); a
//     subscription (PREPAY) pair and its StatusMessage PrePayOrderExpired are not emulated.
//   - RPO is 900 everywhere (the only value the reference accepts; one example reports 180).
//   - Drills are ready at once (executed); no executing, clearing or *_failed drill, and a
//     cleared drill is gone at once.
//   - NextToken is an opaque token of the emulator's own ("AAAA…"): as in the examples, the page
//     that holds the last item carries one too (the page after it is empty); a token the
//     emulator did not issue (the documented placeholder included) is InvalidParameter.
//   - Errors the emulator has no situation for (balance, RAM permissions, the service-linked
//     role, a token still being processed, GroupTotalDiskCapacityLimit, TooMuchEmptyGroup) are
//     never answered; the contract test names each.
//   - Resource groups: pairs and groups are in one (the default, rg-emulatordefault, or the one
//     a create names), moved by ChangeResourceGroup (resource_groups.go); the account's groups
//     are the default and those added through the backdoor or Options.ResourceGroups, kept in
//     memory (a restarted emulator knows only the default and its options' groups). ECS disks
//     stay in the default group.
//   - Billing: a pair is POSTPAY unless created PREPAY with a Period (billing.go): it reports
//     ChargeType, the bandwidth bought and ExpiredTime (Period months after the create); an
//     expired subscription (PrePayOrderExpired) is not emulated.
//   - Not emulated: ECS disk tags, disk operation locks,
//     multi-attach disks, Attaching/Detaching disk statuses; ECS disk fields the sandbox has no
//     value for (times, performance, snapshots) are present with empty or zero values.
//   - Key order: the emulator writes an object's fields in alphabetical order, the vendor in its
//     own (JSON clients, the driver's included, do not depend on it).
//   - DescribeDisks in a region without sites lists nothing (the emulator has no catalogue of
//     the cloud's regions), where the cloud answers an unknown region InvalidRegion.NotFound.
package alibaba
