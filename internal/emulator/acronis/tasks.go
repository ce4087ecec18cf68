package acronis

import (
	"net/http"
	"strconv"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// task is the task an action returned (task_uuid). Its state is read from the sandbox: the
// server's running operation is the task running; an error{op} of the server is the task
// failed with the server's message.
type task struct {
	UUID     string
	Type     string // an opaque GUID per action (taskTypes)
	server   string
	op       lifecycle.Op
	enqueued time.Time
	seq      uint64 // the task's 64-bit id (id, idString)
	done     bool
	failed   string // the error message of a failed task
	finished time.Time
}

// taskTypes are the task types the emulator gives the tasks of the three actions. The Task
// Manager's type is "defined by the user" and a DR task's is not published (the one published
// task has an opaque GUID): the emulator's are opaque GUIDs of its own, so that a client cannot
// take a type for the action that started the task.
var taskTypes = map[string]string{
	RelStartFailoverPrd: "5A0E3C71-9D28-4B6F-A1E4-7C2B9F0D3E86",
	RelStartFailoverTst: "B84D1F26-3E07-4C95-8A2D-E61F0C7B9A53",
	RelStopFailover:     "2F7C9E04-A16B-4D38-B5E9-0D3A8C1F6B72",
}

// failureCode is the DisasterRecovery error code a failed task's result carries: the sandbox's
// injected failures have no vendor reason, so the emulator names one from the error-codes page
// where one fits (a start whose recovery point cannot be run), and InternalError otherwise.
func failureCode(op lifecycle.Op) string {
	switch op {
	case lifecycle.OpFailover, lifecycle.OpTestFailover:
		return "RunVmArchiveNotFound"
	}
	return "InternalError"
}

// handleTask is GET /api/task_manager/v2/tasks/{task_uuid} (Task Manager API v2, base
// <datacenter_url>/api/task_manager/v2, GET /tasks/{task_id}): state
// enqueued|assigned|started|paused|completed, and once completed result {code: ok|error|…,
// error: domainError {domain, code, context}} (task_1: no top-level result_code, no message in
// the domainError).
func (e *Emulator) handleTask(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("task_uuid")
	e.mu.Lock()
	t, ok := e.tasks[id]
	var cp task
	if ok {
		cp = *t
	}
	e.mu.Unlock()
	if !ok {
		// the Task Manager's errors are a bare domainError (domain, code), not the DR API's
		// {"error": ...}; the code is the emulator's (the Task Manager documents none)
		writeJSON(w, http.StatusNotFound, map[string]any{"domain": "TaskManager", "code": "TaskNotFound"})
		return
	}
	if !cp.done {
		rs, err := e.sb.GetRecoveryServer(r.Context(), cp.server)
		switch {
		case platform.IsNotFound(err):
			cp.done = true
		case err != nil:
			e.sandboxError(w, err)
			return
		case rs.PendingOp == cp.op:
		case rs.State == lifecycle.Error && (rs.FailedOp == cp.op || cp.op == lifecycle.OpFailover && rs.FailedOp == lifecycle.OpFinalize):
			// a production failover's task runs through the finalization
			cp.done, cp.failed = true, rs.LastError
			if cp.failed == "" {
				cp.failed = string(cp.op) + " failed"
			}
		default:
			cp.done = true
		}
		if cp.done {
			cp.finished = e.taskFinished(cp, rs) // recovery_points.go
			e.mu.Lock()
			*e.tasks[id] = cp
			e.mu.Unlock()
		}
	}
	// the documented task_1 members: id a 64-bit integer (beyond 2^53) with idString, the
	// tenant, queue, issuer and priority, times with nanoseconds
	ts := func(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }
	out := map[string]any{"uuid": cp.UUID, "id": cp.seq, "idString": strconv.FormatUint(cp.seq, 10), "type": cp.Type,
		"cancelRequested": false, "cancellable": false, "priority": "normal", "queue": "disasterRecovery",
		"issuer":     map[string]any{"clusterId": "", "id": ""},
		"tenant":     map[string]any{"id": e.tenantID, "locator": "/" + e.tenantID + "/", "name": "emulated tenant"},
		"enqueuedAt": ts(cp.enqueued), "startedAt": ts(cp.enqueued), "updatedAt": ts(cp.enqueued)}
	if !cp.done {
		out["state"] = "started"
	} else {
		out["state"] = "completed"
		out["completedAt"], out["updatedAt"] = ts(cp.finished), ts(cp.finished)
		if cp.failed != "" {
			out["result"] = map[string]any{"code": "error", "error": map[string]any{"domain": "DisasterRecovery", "code": failureCode(cp.op), "context": map[string]any{}}}
		} else {
			out["result"] = map[string]any{"code": "ok"}
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// nextTaskID is the next task's 64-bit id (the caller holds e.mu).
func (e *Emulator) nextTaskID() uint64 {
	e.taskSeq++
	return e.taskSeq
}
