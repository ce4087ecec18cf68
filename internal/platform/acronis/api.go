package acronis

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
)

// The typed DR API v2 calls (base <datacenter_url>/api/dr/v2; reference:
// https://developer.acronis.com/doc/disaster-recovery/v2/reference/openapi.json, guide:
// https://developer.acronis.com/doc/outbound/apis/api-library/dr/index.html).

// Server is a cloud server (GET /servers/{uuid}).
type Server struct {
	UUID        string    `json:"uuid"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	Type        string    `json:"type"`   // PRIMARY | RECOVERY
	Status      string    `json:"status"` // CREATING, STAND_BY, FAILOVER_PROD, … (§5.2)
	SiteUUID    string    `json:"site_uuid"`
	TaskUUID    string    `json:"task_uuid,omitempty"`
	PublicIP    string    `json:"public_ip,omitempty"`
	VM          VM        `json:"vm"`
	Recovery    *Recovery `json:"recovery,omitempty"`
	Links       []Link    `json:"_links"`
	Issues      []Issue   `json:"_issues"`
}

// VM is a server's virtual machine.
type VM struct {
	CPU    int    `json:"cpu"`
	RAMMB  int    `json:"ram_mb"`
	Status string `json:"status"` // NOT_READY | STARTED | STOPPED | SUSPENDED
}

// Recovery holds a recovery server's own properties.
type Recovery struct {
	ResourceID     string          `json:"resource_id"`
	IPMapped       string          `json:"ip_mapped,omitempty"`
	ActiveFailover *ActiveFailover `json:"active_failover,omitempty"`
	TestFailover   *TestFailover   `json:"test_failover,omitempty"`
}

// TestFailover is a server's last test failover ("Details of the test failover").
type TestFailover struct {
	LastStart    string `json:"last_start"`
	LastTaskUUID string `json:"last_task_uuid"`
}

// ActiveFailover is the failover in progress (absent in STAND_BY).
type ActiveFailover struct {
	ID        string `json:"id"`
	BackupURI string `json:"backup_uri"`
	VaultID   string `json:"vault_id"`
}

// Link is an entry of _links: the operations available now, and navigation.
type Link struct {
	Rel  string `json:"rel"`
	Type string `json:"type"`
	Href string `json:"href"`
}

// Issue is an entry of _issues: a constraint violation blocking the link it names (link is
// optional; severity is ERROR for the server variants, warning|WARNING|error|ERROR in the base
// schema).
type Issue struct {
	Link     string `json:"link"`
	Domain   string `json:"domain"`
	Target   string `json:"target"`
	Severity string `json:"severity"`
	Error    struct {
		Domain string `json:"domain"`
		Code   string `json:"code"`
	} `json:"error"`
}

// Link relations of the three actions.
const (
	RelStartFailoverProd = "DR_CLOUD_SERVER_START_FAILOVER_PROD"
	RelStartFailoverTest = "DR_CLOUD_SERVER_START_FAILOVER_TEST"
	RelStopFailover      = "DR_CLOUD_SERVER_STOP_FAILOVER"
	// RelRecoveryPoints links to the server's recovery points (the Vault Manager's backups).
	RelRecoveryPoints = "DR_CLOUD_SERVER_RECOVERY_POINTS"
)

// RecoveryPoint is the composite identifier of a recovery point (IDs match ^[a-zA-Z0-9-@]+$).
type RecoveryPoint struct {
	ArchiveID string `json:"archive_id"`
	BackupID  string `json:"backup_id"`
	VaultID   string `json:"vault_id"`
}

type failoverBody struct {
	RecoveryPoint *RecoveryPoint `json:"recovery_point,omitempty"`
}

// Task is a task of the Task Manager API v2 (GET /api/task_manager/v2/tasks/{task_uuid}; the
// task_1 schema). Its Type is "defined by the user" that created it (the one published task has
// an opaque GUID): it never says which DR action started the task — the driver knows that from
// the task_uuid its action returned. A completed task's outcome is Result.Code; a failed one's
// reason is Result.Error, a domainError (domain and code; it has no message).
type Task struct {
	UUID  string `json:"uuid"`
	Type  string `json:"type"`
	State string `json:"state"` // enqueued | assigned | started | paused | completed
	// CompletedAt is when the task completed (RFC 3339): a test failover's, when its VM is
	// ready (the last drill's time to ready, recovery_points.go).
	CompletedAt string      `json:"completedAt"`
	Result      *TaskResult `json:"result"`
}

// TaskResult is a completed task's executionResult.
type TaskResult struct {
	Code  string       `json:"code"` // ok | error | warning | cancelled | abandoned | timedout
	Error *DomainError `json:"error"`
}

// DomainError is the Task Manager's error object (domainError): the reason is its code.
type DomainError struct {
	Domain string          `json:"domain"`
	Code   string          `json:"code"`
	Reason json.RawMessage `json:"reason"`
}

// String is "domain/code" and the reason when the Task Manager gives one as text.
func (e *DomainError) String() string {
	s := e.Code
	if e.Domain != "" {
		s = e.Domain + "/" + e.Code
	}
	var reason string
	if json.Unmarshal(e.Reason, &reason) == nil && reason != "" {
		s += ": " + reason
	}
	return s
}

// Failed reports whether the task completed without success, and why: the result code and the
// result's error (domain/code). A running task has not failed.
func (t Task) Failed() (bool, string) {
	if t.State != "completed" || t.Result == nil {
		return false, ""
	}
	switch t.Result.Code {
	case "", "ok", "warning":
		return false, ""
	}
	msg := "the task ended with result " + t.Result.Code
	if t.Result.Error != nil && t.Result.Error.Code != "" {
		msg += " (" + t.Result.Error.String() + ")"
	}
	return true, msg
}

// ListServers is GET /servers?type=RECOVERY[&recovery.resource_id=…] ("Fetch cloud
// servers"), following the paging cursors (limit 50).
func (c *Client) ListServers(ctx context.Context, resourceIDs ...string) ([]Server, error) {
	q := url.Values{"type": {"RECOVERY"}, "limit": {"50"}}
	if len(resourceIDs) > 0 {
		q["recovery.resource_id"] = resourceIDs
	}
	var out []Server
	for {
		var page struct {
			Items  []Server `json:"items"`
			Paging struct {
				Cursors struct {
					After string `json:"after"`
				} `json:"cursors"`
			} `json:"paging"`
		}
		if _, err := c.call(ctx, http.MethodGet, "/api/dr/v2/servers", q, nil, &page); err != nil {
			return nil, err
		}
		out = append(out, page.Items...)
		if page.Paging.Cursors.After == "" || len(page.Items) == 0 {
			return out, nil
		}
		q = url.Values{"after": {page.Paging.Cursors.After}}
	}
}

// GetServer is GET /servers/{uuid} ("Fetch cloud server").
func (c *Client) GetServer(ctx context.Context, id string) (Server, error) {
	var s Server
	_, err := c.call(ctx, http.MethodGet, "/api/dr/v2/servers/"+url.PathEscape(id), nil, nil, &s)
	return s, err
}

// StartFailoverProd is POST /servers/{uuid}:start_failover_prod ("Start production
// failover"); rp nil: the latest recovery point. It returns the task UUID (202).
func (c *Client) StartFailoverProd(ctx context.Context, id string, rp *RecoveryPoint) (string, error) {
	return c.action(ctx, id, "start_failover_prod", failoverBody{RecoveryPoint: rp})
}

// StartFailoverTest is POST /servers/{uuid}:start_failover_test ("Start test failover").
func (c *Client) StartFailoverTest(ctx context.Context, id string, rp *RecoveryPoint) (string, error) {
	return c.action(ctx, id, "start_failover_test", failoverBody{RecoveryPoint: rp})
}

// StopFailover is POST /servers/{uuid}:stop_failover ("Stop failover"): stops a test
// failover, or cancels a production failover (the cloud VM's changes are lost).
func (c *Client) StopFailover(ctx context.Context, id string) (string, error) {
	return c.action(ctx, id, "stop_failover", struct{}{})
}

// action sends an action once. An action is not idempotent and the DR API has no
// idempotency key: a 5xx or a lost response may hide a started task, so the client never
// repeats one on its own; the driver's Invoke retries it as a unit that re-reads the server
// first (Driver.Invoke).
func (c *Client) action(ctx context.Context, id, action string, body any) (string, error) {
	var out struct {
		TaskUUID string `json:"task_uuid"`
	}
	_, err := c.callOnce(ctx, http.MethodPost, "/api/dr/v2/servers/"+url.PathEscape(id)+":"+action, nil, body, &out)
	return out.TaskUUID, err
}

// GetTask is GET /api/task_manager/v2/tasks/{task_uuid}.
func (c *Client) GetTask(ctx context.Context, id string) (Task, error) {
	var t Task
	_, err := c.call(ctx, http.MethodGet, "/api/task_manager/v2/tasks/"+url.PathEscape(id), nil, nil, &t)
	return t, err
}
