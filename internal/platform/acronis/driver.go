// Package acronis is the platform driver for Acronis Cyber Protect Cloud disaster recovery:
// recovery servers through the DR API v2 (vendor-lifecycles §5, §7.4), on a small net/http
// client (there is no Acronis Go SDK).
//
// The DR API v2 has five operations: list and get servers, start a production failover,
// start a test failover, stop a failover. Everything else is a step a person takes in the
// Acronis console, and the driver says so through Capabilities (V-PLATFORM): failback,
// confirm failback, cancel failback and delete. Recovery servers are created in the console
// too; CreateRecoveryServer adopts the one made there for the machine.
//
// Every request goes through the platforms' one retry layer (internal/platform/retry,
// Config.Retry): a 429 or 5xx is repeated, a 429's Retry-After honoured up to the policy's
// MaxWait (Acronis allows up to 3600 s: a longer wait ends the call with an error that says
// so). An action (a POST) is not idempotent and the DR API has no idempotency key: the client
// sends it once, and Invoke retries it as a unit that reads the server first after a failure
// that may hide a started task; client tokens are kept in a tokens.Ledger (R001-4).
//
// What the driver relies on of Acronis is pinned by its documented examples, restated in
// testdata/corpus (README: the operations it calls and the examples of each), which the
// contract tests replay into it (contract_test.go) and compare with the emulator's answers
// (internal/emulator/acronis). In short: a failed task is tied to the action this driver started
// by the task_uuid its 202 returned (a task's type never names the action), and its reason is the
// Task Manager's result.error (domain/code); an _issues entry blocks only the operation of the
// link it names (Facts.OpIssues), a link-less ERROR issue every operation
// (Facts.BlockingIssues), a WARNING none; the stop link is a stop of a test in testing and a
// cancel of a production failover in failed_over or after a failed finalization, nothing in a
// housekeeping status; resource IDs match in any case; a token's lifetime is expires_on or
// expires_in; the three documented error bodies (DR envelope, IdP flat error, Task Manager
// domainError) are read, and an error says the vendor's code and message, the request ID and
// what to do, nothing else. TestVendorAllowListCrossCheck compares the engine's tables, through
// this driver's mapping, with the emulator's allow-list written from Acronis' documentation.
package acronis

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/retry"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/tokens"
)

// Console steps: what a person does in the Acronis console for the operations the DR API v2
// does not offer.
const (
	consolePath        = "In the Acronis Cyber Protect console, open Disaster Recovery > Servers > Recovery servers and select the server"
	StepFailback       = consolePath + ", then click Failback (the recovery server is turned off and backed up; the DR API v2 has no failback call)."
	StepConfirm        = consolePath + ", then click Confirm failback once the local machine is recovered from the recovery server's backup (the cloud resources are released)."
	StepCancelFailback = consolePath + ", then click Cancel failback (the server returns to failover)."
	StepDelete         = consolePath + ", then click Delete (the DR API v2 cannot delete servers); or stop managing it with a removed block (lifecycle { destroy = false })."
	StepCreate         = "In the Acronis Cyber Protect console, open Disaster Recovery > Servers > Recovery servers, click Create and choose the machine; the DR API v2 cannot create recovery servers. Then apply again: the provider adopts it."
)

// Driver implements platform.Platform for Acronis DR recovery servers.
type Driver struct {
	c    *Client
	caps *lifecycle.Capabilities // platform.CapabilitiesOf(d): every read model's Observed.Platform

	// tokens: client token → the action it started (R001-4 replays), and each create's spec
	tokens  tokens.Ledger[invoked]
	creates tokens.Ledger[struct{}]
	mu      sync.Mutex
	tasks   map[string]Task         // completed tasks (they do not change)
	actions map[string]lifecycle.Op // task UUID → the operation this driver's action started
}

type invoked struct {
	id   string
	op   lifecycle.Op
	task string
}

var (
	_ platform.Platform        = (*Driver)(nil)
	_ platform.RecoveryServers = (*Driver)(nil)
)

// New returns a driver on a client. It authenticates at once (a bad secret fails here).
func New(ctx context.Context, cfg Config) (*Driver, error) {
	c, err := NewClient(cfg)
	if err != nil {
		return nil, err
	}
	if err := c.Authenticate(ctx); err != nil {
		return nil, err
	}
	return NewWithClient(c), nil
}

// NewWithClient returns a driver on an existing client (no API call).
func NewWithClient(c *Client) *Driver {
	d := &Driver{c: c, tasks: map[string]Task{}, actions: map[string]lifecycle.Op{}}
	d.caps = platform.CapabilitiesOf(d)
	return d
}

// Client is the driver's API client.
func (d *Driver) Client() *Client { return d.c }

// Name is "acronis".
func (d *Driver) Name() string { return "acronis" }

// Capabilities: recovery servers only; failback, confirm/cancel failback and delete are
// console steps.
func (d *Driver) Capabilities() *lifecycle.Capabilities {
	return &lifecycle.Capabilities{Platform: "acronis",
		Manual: map[lifecycle.Kind]map[lifecycle.Op]string{lifecycle.RecoveryServer: {
			lifecycle.OpFailback:        StepFailback,
			lifecycle.OpConfirmFailback: StepConfirm,
			lifecycle.OpCancelFailback:  StepCancelFailback,
			lifecycle.OpDelete:          StepDelete,
		}}}
}

// Close releases nothing (the HTTP client's idle connections are closed).
func (d *Driver) Close() error {
	d.c.hc.CloseIdleConnections()
	return nil
}

func unsupported(kind lifecycle.Kind) error {
	return platform.Invalidf("UnsupportedKind", "the Acronis platform does not manage %s objects: the DR API v2 manages recovery servers only (use dr_recovery_server, or another platform)", kind)
}

// ---- status mapping (§5.2, §7.4) ----

// stateOf maps a DR API status onto the engine's state (and the operation running). An
// unknown status is reported as the state "unknown" with the raw value in the message.
func stateOf(status string) (lifecycle.State, lifecycle.Op) {
	switch status {
	case "CREATING":
		return lifecycle.Creating, lifecycle.OpCreate
	case "STAND_BY":
		return lifecycle.Standby, ""
	case "STARTING_FAILOVER_PROD", "FINALIZATION":
		return lifecycle.Finalizing, lifecycle.OpFailover
	case "FINALIZATION_FAILED":
		return lifecycle.Error, ""
	case "FAILOVER_PROD":
		return lifecycle.FailedOver, ""
	case "STARTING_FAILOVER_TEST", "STARTING_FAILOVER_TEST_AUTO":
		return lifecycle.StartingTest, lifecycle.OpTestFailover
	case "FAILOVER_TEST", "FAILOVER_TEST_AUTO":
		return lifecycle.Testing, ""
	case "STOPPING_FAILOVER":
		return lifecycle.Stopping, lifecycle.OpStopTestFailover
	case "STARTING_FAILBACK", "FAILING_BACK", "FAILBACK_DATA_TRANSFER", "STARTING_FAILBACK_DATA_TRANSFER_RESUME",
		"STARTING_FAILBACK_DATA_TRANSFER_STOP", "FAILBACK_SWITCHOVER", "STARTING_FAILBACK_SWITCHOVER_BEGIN",
		"STARTING_FAILBACK_SWITCHOVER_COMPLETE":
		return lifecycle.FailingBack, lifecycle.OpFailback
	case "FAILBACK_VALIDATION":
		return lifecycle.ReadyForFailback, ""
	case "STARTING_FAILBACK_ROLLBACK":
		return lifecycle.ReadyForFailback, lifecycle.OpCancelFailback
	case "STARTING_FAILBACK_COMMIT":
		return lifecycle.Releasing, lifecycle.OpConfirmFailback
	case "DELETING":
		return lifecycle.Deleting, lifecycle.OpDelete
	case "POWERING_ON", "POWERING_OFF", "RECONFIGURING", "RESTORING_FROM_BACKUP", "STOPPING_RESTORE_FROM_BACKUP":
		return StateBusy, ""
	}
	return StateUnknown, ""
}

// States outside the engine's table: housekeeping (busy) and a status this driver does not
// know. Neither is stable, so no operation plans from them; the next observation moves on.
const (
	StateBusy    lifecycle.State = "busy"
	StateUnknown lifecycle.State = "unknown"
)

// linkOp is the engine operation an action link stands for in a state: the start links for a
// failover and a test failover; the one stop link for stopping a test (testing) or cancelling a
// production failover (failed over, a failed finalization). A link in another state (a
// housekeeping status, standby) stands for nothing the engine does there.
func linkOp(rel string, state lifecycle.State, failed lifecycle.Op) lifecycle.Op {
	switch rel {
	case RelStartFailoverProd:
		return lifecycle.OpFailover
	case RelStartFailoverTest:
		return lifecycle.OpTestFailover
	case RelStopFailover:
		switch {
		case state == lifecycle.Testing || state == lifecycle.Error && failed == lifecycle.OpStopTestFailover:
			return lifecycle.OpStopTestFailover
		case state == lifecycle.FailedOver || state == lifecycle.Finalizing || state == lifecycle.Error &&
			(failed == lifecycle.OpFinalize || failed == lifecycle.OpCancelFailover || failed == lifecycle.OpFailback):
			return lifecycle.OpCancelFailover
		}
	}
	return ""
}

// opsOfLinks maps _links onto the operations advertised now (V-ACR-LINKS).
func opsOfLinks(s Server, state lifecycle.State, failed lifecycle.Op) map[lifecycle.Op]bool {
	adv := map[lifecycle.Op]bool{}
	for _, l := range s.Links {
		if op := linkOp(l.Rel, state, failed); op != "" {
			adv[op] = true
		}
	}
	return adv
}

// issueFacts maps _issues onto the engine's facts (V-ACR-LINKS): an issue blocks the operation
// of the one link it names (OpIssues); an ERROR issue that names no link blocks every
// operation (BlockingIssues: nothing says which it spares); a WARNING blocks nothing, and
// neither does an issue on a navigation link (the remote console page). ResourceBusy on a
// server in a transitional or housekeeping status is the task the engine waits out anyway: it
// is left out, so the plan's steps after the wait are not refused for it (an action sent while
// it runs is answered 409 ResourceBusy, which is retried).
func issueFacts(s Server, state lifecycle.State, failed lifecycle.Op, f *lifecycle.Facts) {
	for _, is := range s.Issues {
		code := is.Error.Code
		if code == "" || is.Severity != "" && !strings.EqualFold(is.Severity, "ERROR") {
			continue
		}
		if code == "ResourceBusy" && (state == StateBusy || lifecycle.Table(lifecycle.RecoveryServer).Class(state) == lifecycle.Transitional) {
			continue // the running task the engine waits out: not an issue of the plan's later steps
		}
		if is.Link == "" {
			if !slices.Contains(f.BlockingIssues, code) {
				f.BlockingIssues = append(f.BlockingIssues, code)
			}
			continue
		}
		if op := linkOp(is.Link, state, failed); op != "" && !slices.Contains(f.OpIssues[op], code) {
			if f.OpIssues == nil {
				f.OpIssues = map[lifecycle.Op][]string{}
			}
			f.OpIssues[op] = append(f.OpIssues[op], code)
		}
	}
}

// view builds the driver's view of a server: state, failed operation (from the server's
// last task), facts from _links and _issues.
//
// A failed task is tied to an operation by its UUID: a task this driver's action started
// (the task_uuid the 202 returned) makes the server error{op} with the task's reason, so the
// executor stops at the failure instead of waiting; a task it did not start (another process,
// the console, an automated test failover) leaves the server in the state its status says,
// and the read model's last_error reports the failure. A DR task's type says nothing about
// the operation (it is "defined by the user"; an opaque GUID).
func (d *Driver) view(ctx context.Context, s Server) (platform.RecoveryServer, error) {
	state, pending := stateOf(s.Status)
	var failed lifecycle.Op
	var lastErr, readErr string
	if s.Status == "FINALIZATION_FAILED" {
		failed, lastErr = lifecycle.OpFinalize, "Acronis: finalization failed"
	}
	if s.Status == "STOPPING_FAILOVER" {
		// the same status stops a test and cancels a failover: this driver's own invocation
		// says which (another process's: reported as stop_test_failover)
		if op := d.startedOp(s.TaskUUID); op != "" {
			pending = op
		}
	}
	if (lifecycle.Table(lifecycle.RecoveryServer).Class(state) == lifecycle.Stable || state == lifecycle.Error) && s.TaskUUID != "" {
		t, err := d.task(ctx, s.TaskUUID)
		if err != nil && !platform.IsNotFound(err) {
			return platform.RecoveryServer{}, err
		}
		if bad, msg := t.Failed(); err == nil && bad {
			switch op := d.startedOp(s.TaskUUID); {
			case state == lifecycle.Error:
				lastErr += ": " + msg // the status names the failed phase, the task why
			case op != "":
				state, failed, lastErr = lifecycle.Error, op, "Acronis: "+string(op)+" failed: "+msg
			default:
				readErr = "Acronis: the server's last task (not started by this provider) failed: " + msg
			}
		}
	}
	if state == StateUnknown {
		lastErr = "Acronis status " + s.Status + " is not known to this driver"
	}
	if readErr == "" {
		readErr = lastErr
	}
	rs := platform.RecoveryServer{ID: s.UUID, Name: s.Name, SiteID: s.SiteUUID, CPU: s.VM.CPU, MemoryGB: s.VM.RAMMB / 1024,
		State: state, FailedOp: failed, VMState: strings.ToLower(s.VM.Status), LastError: readErr, PendingOp: pending}
	if s.Recovery != nil {
		rs.MachineID = s.Recovery.ResourceID
		rs.TestIP = s.Recovery.IPMapped
	}
	if state == lifecycle.FailedOver || state == lifecycle.Finalizing {
		rs.RecoveryIP = s.PublicIP
	}
	f := lifecycle.Facts{AdvertisedOps: opsOfLinks(s, state, failed)}
	issueFacts(s, state, failed, &f)
	// A recovery point exists when a standby server lists a start link (Acronis lists them for
	// a machine with a disk-image backup), or a failover runs from one. A busy server lists its
	// action links whatever they need, and outside standby, or with an issue and no start link,
	// the links say nothing about it: unknown (the API has no other source), checked at apply.
	startLinks := f.AdvertisedOps[lifecycle.OpFailover] || f.AdvertisedOps[lifecycle.OpTestFailover]
	f.HasRecoveryPoint = s.Status == "STAND_BY" && startLinks || s.Recovery != nil && s.Recovery.ActiveFailover != nil
	if !f.HasRecoveryPoint && (len(f.BlockingIssues) > 0 || len(f.OpIssues) > 0 || s.Status != "STAND_BY") {
		f.Unknown = map[string]bool{lifecycle.FactBackup: true}
	}
	rs.Observed = lifecycle.Observation{Kind: lifecycle.RecoveryServer, ID: s.UUID, Name: s.Name, State: state, FailedOp: failed,
		Facts: f, LastError: lastErr, Platform: d.caps}
	var err error
	if rs.LastDrill, err = d.lastDrill(ctx, s, state); err != nil { // recovery_points.go
		return platform.RecoveryServer{}, err
	}
	return rs, nil
}

// startedOp is the operation this driver's action started with the task, or "".
func (d *Driver) startedOp(task string) lifecycle.Op {
	if task == "" {
		return ""
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.actions[task]
}

func (d *Driver) cachedTask(id string) (Task, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	t, ok := d.tasks[id]
	return t, ok
}

// task reads a task; completed tasks are cached (they never change).
func (d *Driver) task(ctx context.Context, id string) (Task, error) {
	if t, ok := d.cachedTask(id); ok && t.State == "completed" {
		return t, nil
	}
	t, err := d.c.GetTask(ctx, id)
	if err != nil {
		return t, err
	}
	d.mu.Lock()
	d.tasks[id] = t
	d.mu.Unlock()
	return t, nil
}

// ---- lifecycle.Driver ----

// Observe reads a recovery server (GET /servers/{uuid}) as the engine sees it.
func (d *Driver) Observe(ctx context.Context, kind lifecycle.Kind, id string) (lifecycle.Observation, error) {
	if kind != lifecycle.RecoveryServer {
		return lifecycle.Observation{}, unsupported(kind)
	}
	rs, err := d.GetRecoveryServer(ctx, id)
	if err != nil {
		return lifecycle.Observation{}, err
	}
	return rs.Observed, nil
}

// Invoke starts an operation through the DR API v2: failover → start_failover_prod,
// test_failover → start_failover_test, stop_test_failover and cancel_failover →
// stop_failover. The same client token does not start the action twice (R001-4). The
// operations the API lacks are refused as console steps (the planner never plans them).
func (d *Driver) Invoke(ctx context.Context, kind lifecycle.Kind, id string, op lifecycle.Op, token string, params map[string]string) error {
	if kind != lifecycle.RecoveryServer {
		return unsupported(kind)
	}
	if err := tokens.Validate(token); err != nil {
		return err
	}
	if _, err := d.c.GetServer(ctx, id); err != nil {
		return err
	}
	key := id + "/" + string(op)
	if _, replay, err := d.tokens.Lookup(token, key); err != nil || replay {
		return err // a replay: the action already started
	}
	if step, manual := d.Capabilities().ManualStep(kind, op); manual {
		return &platform.Error{Class: platform.ClassPreconditionFailed, Code: "ConsoleOnly", Rule: "V-PLATFORM",
			Message: fmt.Sprintf("the Acronis DR API v2 cannot %s: %s", op, step)}
	}
	rp, err := recoveryPoint(params[lifecycle.ParamRecoveryPoint])
	if err != nil {
		return err
	}
	var send func(ctx context.Context) (string, error)
	switch op {
	case lifecycle.OpFailover:
		send = func(ctx context.Context) (string, error) { return d.c.StartFailoverProd(ctx, id, rp) }
	case lifecycle.OpTestFailover:
		send = func(ctx context.Context) (string, error) { return d.c.StartFailoverTest(ctx, id, rp) }
	case lifecycle.OpStopTestFailover, lifecycle.OpCancelFailover:
		send = func(ctx context.Context) (string, error) { return d.c.StopFailover(ctx, id) }
	default:
		return platform.Invalidf("UnsupportedOperation", "the Acronis DR API v2 has no %s operation on recovery servers", op)
	}
	// The action through the retry layer, as one unit: after an attempt whose action may have
	// started (a 5xx or no response; a 429 was not processed) the next attempt reads the
	// server first and does not send the action again when the server shows it.
	mayHaveStarted := false
	task, err := retry.Do(ctx, d.c.cfg.Retry, "POST "+string(op)+" "+id, func(ctx context.Context) (string, error) {
		if mayHaveStarted {
			if ok, err := d.started(ctx, id, op); err != nil || ok {
				return "", err
			}
		}
		task, err := send(ctx)
		mayHaveStarted = platform.IsRetryable(err) && !throttled(err)
		return task, err
	})
	if err != nil && (platform.IsRetryable(err) || platform.IsPreconditionFailed(err)) {
		// an earlier Invoke (a lost response, a 5xx after the task started) already started
		// it: the server shows the operation, so this call takes effect once
		if ok, _ := d.started(ctx, id, op); ok {
			err = nil
		}
	}
	if err != nil {
		return err
	}
	if task != "" {
		d.mu.Lock()
		d.actions[task] = op
		d.mu.Unlock()
	}
	d.tokens.Record(token, key, invoked{id: id, op: op, task: task})
	return nil
}

// throttled reports whether err is a 429 (the request was not processed): Acronis names it
// TooManyRequests, a 429 without a body is Throttling.
func throttled(err error) bool {
	var pe *platform.Error
	return errors.As(err, &pe) && (pe.Code == "TooManyRequests" || pe.Code == platform.CodeThrottling)
}

// started reports whether the server shows op running or done (platform.Underway; never
// from standby, where every operation begins).
func (d *Driver) started(ctx context.Context, id string, op lifecycle.Op) (bool, error) {
	rs, err := d.GetRecoveryServer(ctx, id)
	if err != nil {
		return false, err
	}
	return rs.PendingOp == op || rs.State != lifecycle.Standby && platform.Underway(lifecycle.RecoveryServer, op, rs.State), nil
}

// recoveryPoint parses a recovery point given as "vault_id/archive_id/backup_id"; empty:
// the latest (the body omits it).
func recoveryPoint(s string) (*RecoveryPoint, error) {
	if s == "" {
		return nil, nil
	}
	parts := strings.Split(s, "/")
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" || parts[2] == "" {
		return nil, platform.Invalidf("", "an Acronis recovery point is vault_id/archive_id/backup_id, not %q", s)
	}
	return &RecoveryPoint{VaultID: parts[0], ArchiveID: parts[1], BackupID: parts[2]}, nil
}

// Cancel: the DR API v2 cannot cancel a running task; the operation runs to its end.
func (d *Driver) Cancel(ctx context.Context, kind lifecycle.Kind, id string, op lifecycle.Op) error {
	if kind != lifecycle.RecoveryServer {
		return unsupported(kind)
	}
	return nil
}

// ---- recovery servers ----

// CreateRecoveryServer adopts the recovery server made in the console for spec.MachineID
// (GET /servers?type=RECOVERY&recovery.resource_id=…): the DR API v2 cannot create one.
// Without one it fails with the console step.
func (d *Driver) CreateRecoveryServer(ctx context.Context, spec platform.RecoveryServerSpec, token string) (platform.RecoveryServer, error) {
	if spec.Name == "" || spec.MachineID == "" {
		return platform.RecoveryServer{}, platform.Invalidf("", "name and machine_id are required")
	}
	// the DR API has no idempotency key: the same token with another spec is
	// IdempotentParameterMismatch (R001-4); the same spec adopts the same server again
	if err := d.creates.Claim(token, fmt.Sprintf("%q/%q/%q/%q/%d/%d/%q/%q", spec.Name, spec.MachineID, spec.RecoveryPointID, spec.SiteID,
		spec.CPU, spec.MemoryGB, spec.NetworkID, spec.IPAddress)); err != nil {
		return platform.RecoveryServer{}, err
	}
	s, found, err := d.consoleServer(ctx, spec.MachineID)
	if err != nil {
		return platform.RecoveryServer{}, err
	}
	if !found {
		return platform.RecoveryServer{}, &platform.Error{Class: platform.ClassPreconditionFailed, Code: "ConsoleOnly", Rule: "V-PLATFORM",
			Message: fmt.Sprintf("Acronis has no recovery server for machine %q. %s", spec.MachineID, StepCreate)}
	}
	return d.view(ctx, s)
}

// consoleServer finds the recovery server of a machine.
func (d *Driver) consoleServer(ctx context.Context, machineID string) (Server, bool, error) {
	list, err := d.c.ListServers(ctx, machineID)
	if err != nil {
		return Server{}, false, err
	}
	for _, s := range list {
		// Acronis writes resource IDs as upper-case GUIDs and takes filters in any case: a
		// machine ID matches whatever its case
		if s.Recovery != nil && strings.EqualFold(s.Recovery.ResourceID, machineID) {
			return s, true, nil
		}
	}
	return Server{}, false, nil
}

// GetRecoveryServer is GET /servers/{uuid}.
func (d *Driver) GetRecoveryServer(ctx context.Context, id string) (platform.RecoveryServer, error) {
	s, err := d.c.GetServer(ctx, id)
	if err != nil {
		return platform.RecoveryServer{}, err
	}
	if s.Type != "" && s.Type != "RECOVERY" {
		return platform.RecoveryServer{}, platform.NotFoundf("%s is a primary server, not a recovery server", id)
	}
	return d.view(ctx, s)
}

// UpdateRecoveryServer: the DR API v2 cannot reconfigure a server; an update that changes
// nothing succeeds, any change is refused with the console step.
func (d *Driver) UpdateRecoveryServer(ctx context.Context, id string, spec platform.RecoveryServerSpec) (platform.RecoveryServer, error) {
	rs, err := d.GetRecoveryServer(ctx, id)
	if err != nil {
		return rs, err
	}
	var changed []string
	if spec.Name != "" && spec.Name != rs.Name {
		changed = append(changed, "name")
	}
	if spec.CPU > 0 && spec.CPU != rs.CPU {
		changed = append(changed, "cpu")
	}
	if spec.MemoryGB > 0 && spec.MemoryGB != rs.MemoryGB {
		changed = append(changed, "memory_gb")
	}
	if len(changed) > 0 {
		return rs, platform.Invalidf("ConsoleOnly", "the Acronis DR API v2 cannot reconfigure recovery server %s (%s): %s, then click Edit.",
			id, strings.Join(changed, ", "), consolePath)
	}
	return rs, nil
}

// ListRecoveryServers is GET /servers?type=RECOVERY, every page.
func (d *Driver) ListRecoveryServers(ctx context.Context) ([]platform.RecoveryServer, error) {
	list, err := d.c.ListServers(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]platform.RecoveryServer, 0, len(list))
	for _, s := range list {
		rs, err := d.view(ctx, s)
		if err != nil {
			return nil, err
		}
		out = append(out, rs)
	}
	return out, nil
}

// ProposedRecoveryServerFacts: the facts of the console's recovery server for the machine
// (the one a create adopts). Unknown when the machine is not known yet, or has no server yet
// (the create then fails at apply with the console step).
func (d *Driver) ProposedRecoveryServerFacts(ctx context.Context, spec platform.RecoveryServerSpec) (lifecycle.Facts, error) {
	unknown := lifecycle.Facts{Unknown: map[string]bool{lifecycle.FactBackup: true, lifecycle.FactAdvertised: true}}
	if spec.MachineID == "" {
		return unknown, nil
	}
	s, found, err := d.consoleServer(ctx, spec.MachineID)
	if err != nil {
		return unknown, err
	}
	if !found {
		// the create adopts the console's recovery server (StepCreate): none yet is a missing
		// reference, refused at plan (V-REFS) instead of failing at apply
		unknown.MissingRefs = map[string]string{"machine_id": spec.MachineID + "'s recovery server"}
		return unknown, nil
	}
	rs, err := d.view(ctx, s)
	if err != nil {
		return lifecycle.Facts{}, err
	}
	f := rs.Observed.Facts
	f.AdvertisedOps = nil // a new server's links are those of its first state: read at apply
	return f, nil
}
