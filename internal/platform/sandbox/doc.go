// Package sandbox is the embedded DR platform: a platform.Platform and platform.Inventory that
// persists to a local SQLite database (modernc.org/sqlite, pure Go).
//
// # Store
//
// One file, WAL mode, synchronous=NORMAL, busy_timeout 10 s, foreign keys on, versioned schema
// migrations (schema_version). Objects are JSON bodies in objects(kind, id, version, body); each
// write is "UPDATE … WHERE version = ?" so a stale writer gets a Conflict error, never a lost
// update. Writes run in BEGIN IMMEDIATE transactions on a single-connection writer pool (no
// read-to-write lock upgrade, hence no SQLITE_BUSY deadlock between processes; a BUSY that
// outlives busy_timeout is a Retryable error, which the retry layer repeats, never "database is
// locked"). Reads run on a separate pool of deferred transactions. The file is created 0600 in
// a 0700 directory.
//
// # Retries
//
// Every API method runs through the one retry layer of the platforms (internal/platform/retry,
// Options.Retry, retry.Default unless set): each attempt counts as a call (Counters), meets
// the injected faults first, then does its work in its transactions, so a transient fault or
// a busy database costs at most the policy's attempts per call and nothing above the sandbox
// retries again. The fault settings themselves (SetTransientErrorRate, FailNext, …) are
// retried on a busy database but never failed by a fault. An emulator sets retry.Once
// (SetRetryPolicy): it answers each request of its vendor API once, and the driver under test
// retries through its own layer.
//
// # Time
//
// Operations are asynchronous: Invoke puts the object into the operation's transitional state
// (the engine table's Via) with a due time; the result (OnSuccess plus the row's site effect, or
// error{op} when a FailNext fault was armed at invoke time) is applied lazily, in a write
// transaction, by the first read after the due time — no goroutines or daemons. Simulated
// durations are divided by Options.TimeScale: an initial sync takes size ÷ bandwidth with
// sandbox volumes modelled 1/256 full (100 GiB at 10240 kbps ≈ 5 minutes), a resync a quarter
// of that, failover 15 s, planned failover 30 s, replica copy 2 s per GiB (half with
// acceleration), recovery-server finalization 30 s. Progress (SyncProgress, replica Progress)
// is elapsed ÷ duration. The clock is injectable (FakeClock in tests).
//
// # Stalled synchronisations
//
// A synchronisation (a pair's start — first sync or resync — and reprotect; a group's
// enable_protection and reprotect) progresses only while both sites are up and its
// replication link moves (stall.go). While a site it needs is down it stays in its
// transitional state with its progress frozen; if the site is not back within 30 minutes of
// simulated time the platform gives up and the operation ends in error{op} with a last_error
// in the vendors' words ("error-starting: the synchronisation made no progress …: site … is
// down (peer AZ unreachable)"); if the site comes back sooner the copy resumes where it
// stopped and its end moves back by the stall. A link_stall fault stalls it the same way but
// without a bound (the platform does not detect a silent link), until the fault is removed.
// The stall is recorded when site health or link faults change (in that transaction) and at
// invoke time, so the lazy advancement needs no history. A link_stall fault without an
// operation stops the whole link: a replicating object cuts no recovery point while it holds
// (linkfreeze.go), so its replication lag — reported in simulated seconds, the unit of its
// RPO — grows past the recovery point objective, as a site outage freezes it too.
//
// # Drills and recovery points
//
// A pair's or group's drill (start_drill, stop_drill) makes its test copy at once; a recovery
// server's drill is its test failover. Each keeps its last drill on record (drillrecords.go):
// start, ready, end, outcome and the time to ready in simulated time. A machine's recovery
// points are its available server backups, newest first (recoverypoints.go); a failover or
// test failover naming one (lifecycle.ParamRecoveryPoint) starts from it, and one the machine
// does not have is refused (V-REFS).
//
// # Rules
//
// Legality is decided by lifecycle.Check on the sandbox's own observation (facts read from the
// store); a refusal is a PreconditionFailed error carrying the rule ID. An emulator decides
// legality from its vendor's documented allow-lists instead and calls with a PhysicsOnly
// context: the engine's checks are skipped, the physics below still applies. The sandbox adds only
// physical semantics and vendor-side parameter errors: moving IP/EIP/MAC to the DR twins on
// (planned) failover (R002-5) with the twins left stopped (R002-4), forced stop of the old
// production servers on failover, replicas as backups in the destination vault, DR twins
// created when a server is protected, the region of a call (params["region"], R001-3), volume
// compatibility on pair creation, and R002-7 on server power changes (through
// lifecycle.CheckServerPowerChange).
//
// The data-loss opt-in (R002-8, cancel_failover) is a plan-time policy of the engine: like a
// real platform, the sandbox accepts a forced failover unless params["allow_data_loss"] is
// "false".
//
// # Faults
//
// Sandbox-wide settings — FailNext(kind, op, n), SetTransientErrorRate (seeded RNG,
// Options.Seed), SetLatency (slept on the injected clock) — persist in the settings table;
// scoped faults (CreateFault/DeleteFault, the dr_sandbox_fault resource) are objects of kind
// "fault": transient_errors and latency narrowed to a kind, an operation or an object;
// fail_next (the next Count operations of a kind/op, optionally on one object, end in
// error{op}; Remaining counts down); volume_lost (every pair using the volume becomes invalid
// at once, StatusMessage DeviceRemoved, and a group holding such a pair too; deleting the
// fault makes the volume usable again but does not repair a broken pair: invalid is
// delete-only, as on the vendors' platforms); link_stall (synchronisations stall, see above).
// Both kinds of fault are visible to every process and terraform run on the same file;
// ClearFaults removes both. Transient errors and latency apply at the start of every API
// call, before anything else; a call on no DR object (inventory) matches unscoped faults only.
package sandbox
