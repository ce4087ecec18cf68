// Package lifecycle is the lifecycle engine of terraform-provider-dr: the only place where
// disaster-recovery lifecycle rules live. It is pure Go (standard library only), performs no
// I/O and imports nothing from Terraform. The provider (plan-time validation, allowed_operations,
// actions), the sandbox platform, and the generated docs all derive from it.
//
// # Model
//
// Four kinds (Kind): replication_pair, protection_group, backup_replica, recovery_server. Each
// has one declarative KindTable (Table(kind)) listing
//
//   - its states (State) with a Class: stable, transitional, failed (the single Error state plus
//     Observation.FailedOp, written "error{op}") or terminal;
//   - its operations (Operation): From states (StateRef, "error{op}" / "error{*}" for failed
//     states, "" for "no object yet" on create-like operations), Via (the transitional state),
//     OnSuccess, OnFailure (error{op}), Site (keep or flip the active site), DataLoss (a
//     predicate + rule that needs Options.AllowDataLoss), Invocable (false for platform-driven
//     transitions such as recovery_server finalize), OnRequest (needs user parameters: the
//     planner uses it only when a Goal requires it), Preconditions (named predicates over
//     Facts, each with a rule ID), FromRule (the rule a refusal by state names), Region (where
//     a driver must call it, R001-3), Afterwards (what follows: documentation), Manual (a step
//     the platform leaves to the user outside Terraform, which a plan warns about) and Effect
//     (the simulated effect on Facts used by the planner).
//
// The active site is data, never state (Observation.ActiveSite, role-neutral SiteSource /
// SiteTarget). Facts are relative to it ("active"/"standby"), so a site flip swaps them.
//
// # API
//
//   - Check(kind, op, obs, opts) []Violation: from-state, preconditions and the data-loss
//     opt-in. A precondition whose facts are in Facts.Unknown returns a Deferred violation
//     (re-checked at apply). Blocking() keeps the refusals.
//   - AllowedOperations(kind, obs, opts) []Op: the user-invocable operations that pass now.
//   - Plan(kind, obs, goal, opts) (Path, []Violation): the cheapest legal path (fewest
//     data-loss steps, then fewest steps, ties in table order) by uniform-cost search over
//     (state, failed op, active site, required operations done per operation, simulated
//     facts). Required operations of one name run in the order given; those that keep the
//     state and the active site (membership, metadata, drills) are searched as one block
//     (their effect applied, and their checks made, once per request) and expanded into
//     their steps, so hundreds of membership changes plan in about a millisecond. An object
//     in a transitional state is first waited for (a Wait step). When the goal is unreachable
//     Plan returns one refusal (Refusal): the first blocked step on the otherwise-shortest path
//     (ignoring preconditions) and the allow_data_loss opt-in a lossy path would need, folded
//     into one violation whose Op is the operation the goal asks for (Step: the blocked one on
//     the way, when another) and whose Offers are the goals reachable now instead (offer.go).
//     Path.Attention lists what in a path needs the user's attention: data loss and manual
//     steps (Operation.Manual).
//   - PlanCreate(kind, CreateRequest, opts) CreatePlan: a create decided in one call — the
//     manual step of a platform that cannot create the kind (V-PLATFORM, alone), the platform's
//     limits on the parameter values (V-PARAMS), the create row's checks on the facts the
//     platform proposes, and the path from the new object (Created) to the goal. A create whose
//     references are named by value (Operation.ValueRefs: a group's sites) on a platform whose
//     inventory the configuration manages (Capabilities.HasInventory) leaves the checks that
//     read them, and the path, to the apply. CheckCreate is the same checks at apply.
//   - CheckRequests(kind, obs, goal, opts, candidate): the goal's requests that name a
//     candidate (add_member, add_server: V-GRP-MEMBERS), each on its candidate's facts and the
//     effects of the requests before it (the pairs a goal removes and adds first count toward
//     the platform's limit). Every violation names the parameters or the operation it is about
//     (Violation.Params, Violation.Op), so a surface places it without reading its text.
//   - Executor.Run(ctx, kind, id, path): runs a Path against a Driver (see exec.go).
//   - ReadinessOf(kind, obs, opts) Readiness (readiness.go, issue 27): whether a failover — and
//     for pairs and groups the lossless move of production (switchover, planned_failover),
//     both read from the table (ReadinessOps) — could start now, as Check decides it without
//     the allow_data_loss opt-in (a choice made when it runs, not a readiness fact): the
//     blocking rules with their messages (beside a refusal by state, the preconditions that
//     refuse too), or unknown with the checks that could not be made (facts not known now,
//     or never reported: Capabilities.Unobservable); and whether the standby copy is within
//     the recovery point objective (Facts.LagSeconds, RPOSeconds; FactLag). ReadinessMarkdown
//     renders the table of what can block each readiness operation for the docs.
//   - CheckRecoveryPoint: V-REFS for the recovery point a recovery server's failover or test
//     failover names (the platform's list of the machine's points decides).
//   - CheckServerPowerChange (R002-7), ValidateClientToken (R001-4), ValidateReplicaName
//     (R003-9), ValidateReplicaDescription (R003-10), ClientToken.
//   - Mermaid, OperationsMarkdown, StatesMarkdown, RulesMarkdown, Rules, RulesFor: docs.
//
// # Adding an operation
//
// Add one Operation row to the kind's table (tables_*.go): name, From, Via, OnSuccess, Site,
// preconditions with their rule IDs (add new IDs to rules.go and a TestRule_<ID> test), and an
// Effect if it changes facts later steps read. Then implement its platform call in the
// drivers. Check, AllowedOperations, Plan, the executor, the diagrams and the docs pick it up.
//
// # Normalization choices and deviations from the vendor docs
//
//   - One FSM shape for replication_pair and protection_group (vendor-lifecycles §7.2); the
//     group's start/stop are enable_protection/disable_protection, its switchover is
//     planned_failover. A pair in a group (Facts.InGroup) is operated through the group
//     (engine rule V-PAIR-IN-GROUP).
//   - Pair failover uses the group's explicit allow-list (§6.4: replicating, paused,
//     failing_over, error{failover}, error{switchover}) and also requires the first sync
//     (V-FIRST-SYNC) rather than Alibaba's deny-list. R001-1 is the refusal rule.
//   - Pair reprotect ends in paused (Alibaba, §6.5); replication must be started again. Group
//     reprotect ends in replicating (SDRS). EVS reprotect from "available" (§6.1) is not
//     modelled: reprotect is only from failed_over (R000-1).
//   - A configured pair may be deleted (§6.2: the engine deletes optimistically).
//   - Forced failover: data loss (R002-8) is decided by Facts.ActiveSiteHealthy (a healthy
//     production site means the failover is forced); with the site's health unknown the
//     check is deferred. Deleting a failed-over pair (V-PAIR-DELETE) and cancelling a recovery
//     server's failover (R004-6, §6.9) also need allow_data_loss.
//   - Planned failover also needs both sites healthy and no drill (stricter than SDRS).
//   - Pairs have drills too (Alibaba StartPairDrill / ClearPairDrill; §7.2 drill_start /
//     drill_clear): start_drill from replicating with the first sync done, stop_drill, both on
//     request; while one runs a pair's failover, switchover, reprotect, revert and delete are
//     refused (V-DRILL). A pair in a group is drilled through its group (V-PAIR-IN-GROUP).
//   - Group add/remove_member is only from configured/paused (Alibaba, the stricter of the two
//     vendors); remove also from invalid. Membership counts are simulated by the planner so a
//     replicating group with a required add_member plans disable_protection → add_member →
//     enable_protection. The planner never removes members on its own (it does not know
//     which): deleting a group with pairs is refused (V-GRP-DELETE).
//   - recovery_server: failback, confirm_failback and cancel_failback are console-only at
//     Acronis (§6.10) but are table operations here so the sandbox and future drivers can
//     offer them; V-ACR-LINKS lets a platform's advertised actions (_links/_issues) gate every
//     operation. Failover goes standby → finalizing → failed_over; finalizing → failed_over is
//     the platform-driven finalize (failure: error{finalize}); the executor waits through it.
//     The Acronis "busy" housekeeping states are not modelled.
//   - backup_replica: replicate is the create; it also retries from error{replicate} and runs
//     again from deleted (R003-7 allows a manual replication after the replica is deleted).
//     CBR's "skipped" state is not modelled (policies only as R003-8 facts).
//   - While an operation that flips the site is in progress (switching_over, failing_over) the
//     engine assumes Observation.ActiveSite still names the site before the operation.
//   - Generic from-state refusals without a vendor rule name V-STATE (engine rule).
//
// # What a plan may assume (issue 11)
//
//   - A step's simulated Effect must be possible with the facts observed: a row that copies
//     data between the sites is marked Syncs and refuses while either site is down
//     (V-SYNC-SITES), and a synchronisation already running with a site down is not waited for
//     (TestSyncRowsRefuseSiteDown audits every row's effect).
//   - A row whose next step depends on out-of-band work is a Checkpoint (failback: recover the
//     local machine from the recovery server's backup before confirm_failback). One apply never
//     chains past it; without allow_data_loss a goal beyond it is refused with the two-step
//     remedy (V-MANUAL-STEP), offering the opt-in where a lossy one-apply path exists; with
//     allow_data_loss = true that path is the plan (R004-6: cancel_failover rather than
//     failback → recover → confirm), and Path.Attention reports its data loss. (Until issue 26
//     the lossless two-apply path won even with the opt-in, which ignored it.)
//     Reviewed and not checkpoints: a group or pair failover (R002-4: the DR servers are started
//     by the user, but no later table operation depends on that: reprotect needs the *restored*
//     servers stopped, R000-4, which the facts check), planned failover (the servers at the new
//     production site are started afterwards; nothing depends on it), reprotect (R000-6: the
//     move back is optional).
//   - Operations a platform's API cannot invoke (Capabilities.Manual) are never planned; a goal
//     that needs one is refused naming the console step (V-PLATFORM).
//   - When a goal is refused, the reported refusal is the nearest blocked operation on the
//     shortest way to the goal ignoring preconditions, then the data-loss opt-in; a goal that does
//     not ask for deletion is never reached by deleting; when no way exists even ignoring
//     preconditions, the from-state refusals of the operations that would reach the goal
//     (lossless ones first, then the one allowed from the most states: an invalid pair's
//     failover, R001-1, before its switchover). They are folded into one violation (Refusal):
//     the other causes follow the first ("Also: …"), and a refusal that only follows from them
//     (Violation.Consequence: a platform withholding an action, V-ACR-LINKS, for a reason the
//     engine checks itself, R004-2) is left out.
//   - The refusal names the operation the goal asks for (Violation.Op): the one on that
//     shortest way that reaches the goal's site (when it moves production) or state, or the
//     required operation the goal names; the blocked operation on the way is Violation.Step
//     ("failover of group "app" needs enable_protection first, which is refused: …").
//   - The refusal offers the nearest goal reachable now (Violation.Offers, offer.go): every
//     goal the configuration could declare instead — each value of the kind's desired-state
//     attribute and, when the goal sets one, each active site — is planned from the observed
//     object; the nearest changes least of what was asked (the active site weighs twice the
//     desired state, is never traded for another site except by staying put, and is not moved
//     at all when the goal does not ask to), moving towards the goal before staying, then with
//     fewer operations; a nearer one that only allow_data_loss makes reachable is a second
//     offer. No offer means no goal is reachable now (TestRefusalChoice pins the offers too).
//   - Identifiers: a create's reference that is known at plan is checked at plan on its own
//     (V-REFS, Precondition.Partial), even while another reference of the create is unknown.
//
// # Executor
//
// For each step: observe; skip it if the object is already at the step's target (a re-run
// after an interrupted apply); if it is in the step's transitional state just wait; otherwise
// re-check the step with fresh facts (a refusal fails the run at once and is never retried,
// V-NO-RETRY) and Invoke with ClientToken(kind, id, plan-time version, step index, op), retrying
// only errors whose Retryable() is true, with capped exponential backoff and jitter. Then poll
// until the target (success), Error (failure, with Observation.LastError), an unexpected state
// (error naming pending/target/failure states) or the end of ctx (Driver.Cancel with a fresh
// short context). A step retried from error{op} treats the same error{op} as pending until the
// object's Version changes. Facts still unknown at apply time are not treated as refusals.
// OnProgress receives an event on every state change and at least every ProgressEvery (30 s)
// of waiting, measured on the Clock.
package lifecycle
