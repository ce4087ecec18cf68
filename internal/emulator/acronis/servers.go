package acronis

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// The DR API v2 (https://developer.acronis.com/doc/disaster-recovery/v2/reference/openapi.json;
// guide: https://developer.acronis.com/doc/outbound/apis/api-library/dr/index.html).

// Link relations of a cloud server (_links[].rel).
const (
	RelPage             = "DR_CLOUD_SERVER_PAGE"
	RelRemoteConsole    = "DR_CLOUD_SERVER_REMOTE_CONSOLE_PAGE"
	RelRecoveryPoints   = "DR_CLOUD_SERVER_RECOVERY_POINTS"
	RelStartFailoverPrd = "DR_CLOUD_SERVER_START_FAILOVER_PROD"
	RelStartFailoverTst = "DR_CLOUD_SERVER_START_FAILOVER_TEST"
	RelStopFailover     = "DR_CLOUD_SERVER_STOP_FAILOVER"
)

// idPattern is the pattern of a server uuid in the path, and of recovery point IDs.
var (
	idPattern = regexp.MustCompile(`^[a-zA-Z0-9-]+$`)
	rpPattern = regexp.MustCompile(`^[a-zA-Z0-9-@]+$`)
)

// Link is one entry of _links.
type Link struct {
	Rel  string `json:"rel"`
	Type string `json:"type"`
	Href string `json:"href"`
}

// Issue is one entry of _issues (a constraint violation blocking a link).
type Issue struct {
	Link     string     `json:"link,omitempty"`
	Domain   string     `json:"domain"`
	Target   string     `json:"target"`
	Severity string     `json:"severity"`
	Error    IssueError `json:"error"`
}

// IssueError is the error of an issue.
type IssueError struct {
	Domain  string         `json:"domain"`
	Code    string         `json:"code"`
	Context map[string]any `json:"context"`
}

// status translates the sandbox's recovery-server state into the DR API status enum. A failed
// operation the API knows only through its task leaves the server in the status it had (the
// task says it failed); a failed finalization is FINALIZATION_FAILED.
func status(rs platform.RecoveryServer) string {
	switch rs.State {
	case lifecycle.Creating:
		return "CREATING"
	case lifecycle.Standby:
		return "STAND_BY"
	case lifecycle.Finalizing:
		return "FINALIZATION"
	case lifecycle.FailedOver:
		return "FAILOVER_PROD"
	case lifecycle.StartingTest:
		return "STARTING_FAILOVER_TEST"
	case lifecycle.Testing:
		return "FAILOVER_TEST"
	case lifecycle.Stopping:
		return "STOPPING_FAILOVER"
	case lifecycle.FailingBack:
		return "FAILING_BACK"
	case lifecycle.ReadyForFailback:
		if rs.PendingOp == lifecycle.OpCancelFailback {
			return "STARTING_FAILBACK_ROLLBACK"
		}
		return "FAILBACK_VALIDATION"
	case lifecycle.Releasing:
		return "STARTING_FAILBACK_COMMIT"
	case lifecycle.Deleting:
		return "DELETING"
	case lifecycle.Error:
		switch rs.FailedOp {
		case lifecycle.OpFailover, lifecycle.OpFinalize:
			return "FINALIZATION_FAILED"
		case lifecycle.OpStopTestFailover:
			return "FAILOVER_TEST"
		case lifecycle.OpFailback, lifecycle.OpCancelFailover:
			return "FAILOVER_PROD"
		case lifecycle.OpConfirmFailback, lifecycle.OpCancelFailback:
			return "FAILBACK_VALIDATION"
		}
		return "STAND_BY"
	}
	return "STAND_BY"
}

func (e *Emulator) base(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// server renders a recovery server as the DR API does (GET /servers/{uuid}).
func (e *Emulator) server(r *http.Request, rs platform.RecoveryServer) map[string]any {
	st := status(rs)
	base := e.base(r)
	self := base + "/api/dr/v2/servers/" + rs.ID
	links := []Link{
		{Rel: RelPage, Type: "text/html", Href: base + "/ui/#/dr/servers/" + rs.ID},
		{Rel: RelRecoveryPoints, Type: "application/json", Href: recoveryPointsHref(base, rs)},
	}
	if rs.VMState == platform.VMStarted {
		links = append(links, Link{Rel: RelRemoteConsole, Type: "text/html", Href: base + "/ui/#/dr-server-remote-console/" + rs.ID})
	}
	adv := rs.Observed.Facts.AdvertisedOps
	if adv[lifecycle.OpFailover] {
		links = append(links, Link{Rel: RelStartFailoverPrd, Type: "application/json", Href: self + ":start_failover_prod"})
	}
	if adv[lifecycle.OpTestFailover] {
		links = append(links, Link{Rel: RelStartFailoverTst, Type: "application/json", Href: self + ":start_failover_test"})
	}
	if adv[lifecycle.OpStopTestFailover] || adv[lifecycle.OpCancelFailover] {
		links = append(links, Link{Rel: RelStopFailover, Type: "application/json", Href: self + ":stop_failover"})
	}
	issues := []Issue{}
	for _, code := range rs.Observed.Facts.BlockingIssues {
		for _, link := range blockedLinks(rs.State) {
			issues = append(issues, Issue{Link: link, Domain: "DisasterRecovery", Target: rs.ID, Severity: "ERROR",
				Error: IssueError{Domain: "DisasterRecovery", Code: code, Context: map[string]any{}}})
		}
	}
	recovery := map[string]any{
		"resource_id":             rs.MachineID,
		"automated_test_failover": map[string]any{"schedule": "NEVER"},
	}
	switch st {
	case "STAND_BY", "CREATING", "DELETING":
	default:
		recovery["active_failover"] = map[string]any{"id": "fo-" + rs.ID, "backup_uri": "backup://" + orLatest(rs.RecoveryPointID), "vault_id": "vault-" + rs.MachineID}
	}
	if tf := e.testFailover(rs); tf != nil { // the last test failover (recovery_points.go)
		recovery["test_failover"] = tf
	}
	vm := map[string]any{"cpu": rs.CPU, "ram_mb": rs.MemoryGB * 1024, "status": strings.ToUpper(orDefault(rs.VMState, platform.VMNotReady))}
	out := map[string]any{
		"uuid": rs.ID, "name": rs.Name, "description": "", "type": "RECOVERY", "status": st,
		"created_at": "2026-01-01T00:00:00Z", "site_uuid": rs.SiteID, "vm": vm, "recovery": recovery,
		"_links": links, "_issues": issues,
	}
	switch rs.State {
	case lifecycle.FailedOver, lifecycle.Finalizing:
		out["public_ip"] = rs.RecoveryIP
	case lifecycle.Testing:
		recovery["ip_mapped"] = rs.TestIP
	}
	e.mu.Lock()
	if t := e.lastTask[rs.ID]; t != "" {
		out["task_uuid"] = t
	}
	e.mu.Unlock()
	return out
}

// blockedLinks are the action links an issue blocks in a state.
func blockedLinks(s lifecycle.State) []string {
	switch s {
	case lifecycle.Standby:
		return []string{RelStartFailoverPrd, RelStartFailoverTst}
	case lifecycle.Testing, lifecycle.FailedOver:
		return []string{RelStopFailover}
	}
	return []string{""}
}

func orLatest(s string) string { return orDefault(s, "latest") }

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// cursor is the content of a paging cursor: it carries the filters, as "all other query
// parameters will be ignored" when after/before is given.
type cursor struct {
	Offset    int      `json:"o"`
	Limit     int      `json:"l"`
	Type      string   `json:"t,omitempty"`
	Resources []string `json:"r,omitempty"`
}

// handleList is GET /servers ("Fetch cloud servers";
// https://developer.acronis.com/doc/outbound/apis/api-library/dr/cloud-servers/fetch-cloud-servers-list.html):
// filters type and recovery.resource_id (repeatable), cursor paging limit (1–50, default 10) /
// after / before; the response is {items, paging: {count, total, cursors: {after, before}}}.
func (e *Emulator) handleList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var c cursor
	switch {
	case q.Get("after") != "" || q.Get("before") != "":
		raw := q.Get("after")
		if raw == "" {
			raw = q.Get("before")
		}
		b, err := base64.RawURLEncoding.DecodeString(raw)
		if err != nil || json.Unmarshal(b, &c) != nil {
			writeError(w, http.StatusBadRequest, "DisasterRecovery", "ValidationError", "invalid paging cursor")
			return
		}
	default:
		c = cursor{Limit: 10, Type: q.Get("type"), Resources: q["recovery.resource_id"]}
		if l := q.Get("limit"); l != "" {
			n, err := strconv.Atoi(l)
			if err != nil || n < 1 || n > 50 {
				writeError(w, http.StatusBadRequest, "DisasterRecovery", "ValidationError", "limit must be an integer from 1 to 50")
				return
			}
			c.Limit = n
		}
		if c.Type != "" && c.Type != "PRIMARY" && c.Type != "RECOVERY" {
			writeError(w, http.StatusBadRequest, "DisasterRecovery", "ValidationError", "type must be PRIMARY or RECOVERY")
			return
		}
		for _, id := range c.Resources {
			if !idPattern.MatchString(id) {
				writeError(w, http.StatusBadRequest, "DisasterRecovery", "ValidationError", "recovery.resource_id must match ^[a-zA-Z0-9-]+$")
				return
			}
		}
	}
	all, err := e.sb.ListRecoveryServers(r.Context())
	if err != nil {
		e.sandboxError(w, err)
		return
	}
	sort.Slice(all, func(i, j int) bool { return all[i].ID < all[j].ID })
	var match []platform.RecoveryServer
	for _, rs := range all {
		if c.Type == "PRIMARY" { // the sandbox has recovery servers only
			continue
		}
		if len(c.Resources) > 0 && !contains(c.Resources, rs.MachineID) {
			continue
		}
		match = append(match, rs)
	}
	lo := min(max(c.Offset, 0), len(match))
	hi := min(lo+c.Limit, len(match))
	items := make([]map[string]any, 0, hi-lo)
	for _, rs := range match[lo:hi] {
		items = append(items, e.server(r, rs))
	}
	cursors := map[string]string{}
	if hi < len(match) {
		cursors["after"] = encodeCursor(cursor{Offset: hi, Limit: c.Limit, Type: c.Type, Resources: c.Resources})
	}
	if lo > 0 {
		cursors["before"] = encodeCursor(cursor{Offset: max(lo-c.Limit, 0), Limit: c.Limit, Type: c.Type, Resources: c.Resources})
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items,
		"paging": map[string]any{"count": len(items), "total": len(match), "cursors": cursors}})
}

func encodeCursor(c cursor) string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// handleGet is GET /servers/{uuid} ("Fetch cloud server by UUID").
func (e *Emulator) handleGet(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("ref")
	if !idPattern.MatchString(id) {
		writeError(w, http.StatusBadRequest, "DisasterRecovery", "ValidationError", "uuid must match ^[a-zA-Z0-9-]+$")
		return
	}
	rs, err := e.sb.GetRecoveryServer(r.Context(), id)
	if err != nil {
		e.sandboxError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, e.server(r, rs))
}

// actionBody is the body of start_failover_prod / start_failover_test (optional recovery
// point; omitted: the latest) and stop_failover ({}).
type actionBody struct {
	RecoveryPoint *struct {
		ArchiveID string `json:"archive_id"`
		BackupID  string `json:"backup_id"`
		VaultID   string `json:"vault_id"`
	} `json:"recovery_point,omitempty"`
}

// handleAction is POST /servers/{uuid}:start_failover_prod ("Start production failover":
// https://developer.acronis.com/doc/outbound/apis/api-library/dr/cloud-servers/start-production-failover.html),
// :start_failover_test, and :stop_failover
// (https://developer.acronis.com/doc/outbound/apis/api-library/dr/cloud-servers/stop-failover.html).
// 202 {task_uuid}; 409 when the action conflicts with the server's state (ServerNotReady,
// ResourceBusy, or the blocking issue); 400 on a malformed body; 404 for an unknown server.
func (e *Emulator) handleAction(w http.ResponseWriter, r *http.Request) {
	id, action, ok := strings.Cut(r.PathValue("ref"), ":")
	if !ok || !idPattern.MatchString(id) {
		writeError(w, http.StatusNotFound, "DisasterRecovery", "NotFound", "no such action: "+r.PathValue("ref"))
		return
	}
	var rel string
	switch action {
	case "start_failover_prod":
		rel = RelStartFailoverPrd
	case "start_failover_test":
		rel = RelStartFailoverTst
	case "stop_failover":
		rel = RelStopFailover
	default:
		writeError(w, http.StatusNotFound, "DisasterRecovery", "NotFound", "no such action: "+action)
		return
	}
	var body actionBody
	if r.ContentLength != 0 {
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			writeError(w, http.StatusBadRequest, "DisasterRecovery", "ValidationError", "the body is not valid JSON: "+err.Error())
			return
		}
	}
	params := map[string]string{}
	if rp := body.RecoveryPoint; rp != nil {
		if rel == RelStopFailover {
			writeError(w, http.StatusBadRequest, "DisasterRecovery", "ValidationError", "stop_failover takes an empty body")
			return
		}
		for _, v := range []string{rp.ArchiveID, rp.BackupID, rp.VaultID} {
			if !rpPattern.MatchString(v) {
				writeError(w, http.StatusBadRequest, "DisasterRecovery", "ValidationError", "recovery_point IDs must match ^[a-zA-Z0-9-@]+$")
				return
			}
		}
		params[lifecycle.ParamRecoveryPoint] = rp.BackupID
	}
	ctx := r.Context()
	rs, err := e.sb.GetRecoveryServer(ctx, id)
	if err != nil {
		e.sandboxError(w, err)
		return
	}
	if rp := body.RecoveryPoint; rp != nil { // one of the machine's recovery points, all three IDs (recovery_points.go)
		ok, err := e.checkRecoveryPoint(r, rs.MachineID, rpIDs{ArchiveID: rp.ArchiveID, BackupID: rp.BackupID, VaultID: rp.VaultID})
		if err != nil {
			e.sandboxError(w, err)
			return
		}
		if !ok {
			writeError(w, http.StatusBadRequest, "DisasterRecovery", "ValidationError",
				"recovery_point is not a recovery point of the server's machine (see its DR_CLOUD_SERVER_RECOVERY_POINTS link)")
			return
		}
	}
	if rs.PendingOp != "" {
		e.mu.Lock()
		t := e.lastTask[id]
		e.mu.Unlock()
		writeJSON(w, http.StatusConflict, map[string]any{"error": map[string]any{"domain": "DisasterRecovery", "code": "ResourceBusy",
			"message": "The resource is busy, another task is currently in progress. Try again later.",
			"context": map[string]any{"resource_id": id, "task_uuids": nonEmpty(t)}}})
		return
	}
	var op lifecycle.Op
	switch rel {
	case RelStartFailoverPrd:
		op = lifecycle.OpFailover
	case RelStartFailoverTst:
		op = lifecycle.OpTestFailover
	default:
		op = lifecycle.OpCancelFailover
		if rs.State == lifecycle.Testing || (rs.State == lifecycle.Error && rs.FailedOp == lifecycle.OpStopTestFailover) {
			op = lifecycle.OpStopTestFailover
		}
	}
	if issues := rs.Observed.Facts.BlockingIssues; len(issues) > 0 {
		writeError(w, http.StatusConflict, "DisasterRecovery", issues[0], "The operation is blocked: "+strings.Join(issues, ", "))
		return
	}
	if !rs.Observed.Facts.AdvertisedOps[op] {
		writeError(w, http.StatusConflict, "DisasterRecovery", "ServerNotReady",
			"The operation is not applicable to cloud servers in this state ("+status(rs)+").")
		return
	}
	tid := uuid()
	if err := e.sb.Invoke(ctx, lifecycle.RecoveryServer, id, op, "task-"+tid, params); err != nil {
		e.sandboxError(w, err)
		return
	}
	e.mu.Lock()
	e.tasks[tid] = &task{UUID: tid, Type: rel, server: id, op: op, enqueued: e.now()}
	e.lastTask[id] = tid
	e.mu.Unlock()
	writeJSON(w, http.StatusAccepted, map[string]string{"task_uuid": tid})
}

func nonEmpty(s string) []string {
	if s == "" {
		return []string{}
	}
	return []string{s}
}

// sandboxError translates a sandbox error into the DR API's status and error envelope.
func (e *Emulator) sandboxError(w http.ResponseWriter, err error) {
	var pe *platform.Error
	if !errors.As(err, &pe) {
		writeError(w, http.StatusInternalServerError, "DisasterRecovery", "InternalError", "An internal server error occurred while processing the request.")
		return
	}
	switch pe.Class {
	case platform.ClassNotFound:
		writeError(w, http.StatusNotFound, "DisasterRecovery", "NotFound", "The requested resource was not found.")
	case platform.ClassRetryable:
		// 429: "the service is overloaded and you must wait before the next request";
		// Retry-After is required, 1–3600 seconds.
		after := e.retryAfterSeconds()
		w.Header().Set("Retry-After", strconv.Itoa(after))
		writeError(w, http.StatusTooManyRequests, "DisasterRecovery", "TooManyRequests", fmt.Sprintf("The service is overloaded; retry after %d seconds.", after))
	case platform.ClassPreconditionFailed, platform.ClassConflict:
		writeError(w, http.StatusConflict, "DisasterRecovery", "ServerNotReady", "The operation is not applicable to cloud servers in this state: "+pe.Message)
	case platform.ClassInvalid:
		writeError(w, http.StatusBadRequest, "DisasterRecovery", "ValidationError", pe.Message)
	case platform.ClassQuota:
		writeError(w, http.StatusConflict, "DisasterRecovery", "QuotaExceededCloudServers", pe.Message)
	default:
		writeError(w, http.StatusInternalServerError, "DisasterRecovery", "InternalError", "An internal server error occurred while processing the request.")
	}
}
