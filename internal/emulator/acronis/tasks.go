package acronis

import (
	"net/http"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// task is the task an action returned (task_uuid). Its state is read from the sandbox: the
// server's running operation is the task running; an error{op} of the server is the task
// failed with the server's message.
type task struct {
	UUID     string
	Type     string // the action's link relation
	server   string
	op       lifecycle.Op
	enqueued time.Time
	done     bool
	failed   string // the error message of a failed task
	finished time.Time
}

// handleTask is GET /api/task_manager/v2/tasks/{task_uuid} (Task Manager API v2, base
// <datacenter_url>/api/task_manager/v2, GET /tasks/{task_id}): state
// enqueued|assigned|started|paused|completed, and once completed result_code
// ok|error|warning|cancelled|abandoned|timedout (with result.error for a failed task). The
// task's type is the action's link relation (the emulator's choice: the reference does not
// enumerate DR task types).
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
		writeError(w, http.StatusNotFound, "TaskManager", "NotFound", "no task "+id)
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
		case rs.State == lifecycle.Error && rs.FailedOp == cp.op:
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
	out := map[string]any{"uuid": cp.UUID, "id": cp.UUID, "type": cp.Type, "resource_id": cp.server,
		"enqueuedAt": cp.enqueued.Format(time.RFC3339), "startedAt": cp.enqueued.Format(time.RFC3339)}
	if !cp.done {
		out["state"] = "started"
	} else {
		out["state"] = "completed"
		out["completedAt"] = cp.finished.Format(time.RFC3339)
		if cp.failed != "" {
			out["result_code"] = "error"
			out["result"] = map[string]any{"code": "error", "error": map[string]any{"domain": "DisasterRecovery", "code": "TaskFailed", "message": cp.failed}}
		} else {
			out["result_code"] = "ok"
			out["result"] = map[string]any{"code": "ok"}
		}
	}
	writeJSON(w, http.StatusOK, out)
}
