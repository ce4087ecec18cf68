package acronis

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/sandbox"
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

// Issue is one entry of _issues (a constraint violation blocking the link it names).
type Issue struct {
	Link     string     `json:"link,omitempty"`
	Domain   string     `json:"domain"`
	Target   string     `json:"target"`
	Severity string     `json:"severity"`
	Error    IssueError `json:"error"`
}

// IssueError is the error of an issue: the published issue errors carry code, domain, message
// and, for some codes, a context.
type IssueError struct {
	Code    string         `json:"code"`
	Context map[string]any `json:"context,omitempty"`
	Domain  string         `json:"domain"`
	Message string         `json:"message"`
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
		case lifecycle.OpFinalize:
			return "FINALIZATION_FAILED"
		case lifecycle.OpStopTestFailover:
			return "FAILOVER_TEST"
		case lifecycle.OpFailback, lifecycle.OpCancelFailover:
			return "FAILOVER_PROD"
		case lifecycle.OpConfirmFailback, lifecycle.OpCancelFailback:
			return "FAILBACK_VALIDATION"
		}
		// a failover or test failover whose task failed before the VM was finalized: the
		// server is back in standby and only its task (task_uuid) tells the failure
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

// startingWindow is how long after its action a production failover shows
// STARTING_FAILOVER_PROD before FINALIZATION (emulator time; the sandbox's failover is one
// finalizing phase).
const startingWindow = 5 * time.Second

// view is a recovery server as the DR API shows it: its status, the links it lists and the
// issues it reports, computed from the allow-list (allowlist.go) and the sandbox's physics (the
// server's state, its machine's backups, its site's health), never from the engine.
type view struct {
	status string
	vm     string // the VM's state as shown (vm.status, lower-case)
	ip     string // public_ip: the address configured or in use
	links  []Link
	issues []Issue
	task   string
}

// listed reports whether the view lists a link.
func (v view) listed(rel string) bool {
	return slices.ContainsFunc(v.links, func(l Link) bool { return l.Rel == rel })
}

// issueOn returns the first issue on a link.
func (v view) issueOn(rel string) *Issue {
	for i := range v.issues {
		if v.issues[i].Link == rel {
			return &v.issues[i]
		}
	}
	return nil
}

// injected is an issue put on a server's link through the backdoor (InjectIssue).
type injected struct {
	link, code string
	context    map[string]any
}

// InjectIssue makes a recovery server report an issue on a link (the documented issue codes of
// IssueLinks: a quota, a subscription, the test-failover limit, a VPN gateway, …), as Acronis
// does when the tenant's situation blocks an action; a POST of that action is refused with it.
// ClearIssues removes them.
func (e *Emulator) InjectIssue(serverID, link, code string, context map[string]any) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.injected[serverID] = append(e.injected[serverID], injected{link: link, code: code, context: context})
}

// ClearIssues removes the issues injected on a server.
func (e *Emulator) ClearIssues(serverID string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	delete(e.injected, serverID)
}

func (e *Emulator) view(r *http.Request, rs platform.RecoveryServer) view {
	v := view{status: status(rs), vm: orDefault(rs.VMState, platform.VMNotReady), ip: orDefault(rs.RecoveryIP, rs.IPAddress)}
	if v.status == "STAND_BY" {
		// no VM in standby (R004-1): a failover whose task failed left none
		v.vm, v.ip = platform.VMNotReady, rs.IPAddress
	}
	e.mu.Lock()
	v.task = e.lastTask[rs.ID]
	inj := append([]injected(nil), e.injected[rs.ID]...)
	if t := e.tasks[v.task]; t != nil && v.status == "FINALIZATION" && t.op == lifecycle.OpFailover && e.now().Sub(t.enqueued) < startingWindow {
		// the failover's first moments, before the VM runs from the recovery point
		v.status = "STARTING_FAILOVER_PROD"
	}
	e.mu.Unlock()
	base := e.base(r)
	self := base + "/bc/api/dr/v2/servers/" + rs.ID
	v.links = []Link{
		{Rel: RelPage, Type: "text/html", Href: base + "/bc/login?tenant_id=" + e.tenantID + "&return_url=/ui/#/dr-servers?id=" + rs.ID},
		{Rel: RelRecoveryPoints, Type: "application/json", Href: base + "/bc/api/vault_manager/v1/backups?backupType=differential&backupType=full&backupType=incremental" +
			"&embed=archive&forensic=false&includeScreenshotValidationStatus=false&order=desc(created)&showDeleted=0&storageType=online&type=image" +
			"&resourceId=" + url.QueryEscape(rs.MachineID) + "&resourceId=" + url.QueryEscape(rs.ID)},
	}
	if v.vm != platform.VMNotReady {
		// listed for a stopped VM too, as published
		v.links = append(v.links, Link{Rel: RelRemoteConsole, Type: "text/html", Href: base + "/bc/login?tenant_id=" + e.tenantID + "&return_url=/ui/#/dr-server-remote-console"})
	}
	row, _ := Row(v.status)
	actions := map[string]string{RelStartFailoverPrd: "start_failover_prod", RelStartFailoverTst: "start_failover_test", RelStopFailover: "stop_failover"}
	for _, rel := range row.Actions {
		if v.status == "STAND_BY" && rel != RelStopFailover && !rs.Observed.Facts.HasRecoveryPoint {
			continue // no disk-image backup of the machine: nothing to start from
		}
		v.links = append(v.links, Link{Rel: rel, Type: "application/json", Href: self + ":" + actions[rel]})
	}
	add := func(link, code string, context map[string]any) {
		if !v.listed(link) {
			return
		}
		for _, is := range v.issues {
			if is.Link == link && is.Error.Code == code {
				return
			}
		}
		v.issues = append(v.issues, Issue{Link: link, Domain: "DisasterRecovery", Target: rs.ID, Severity: "ERROR",
			Error: IssueError{Code: code, Context: context, Domain: "DisasterRecovery", Message: issueMessage(code)}})
	}
	for _, link := range append([]string{RelRemoteConsole}, actionRels...) {
		if row.Busy && link != RelRemoteConsole {
			add(link, "ResourceBusy", map[string]any{"resource_id": rs.ID, "task_uuids": nonEmpty(v.task)})
		}
		// the sandbox's site health: a site that is down is a DR site that is not ready
		if slices.Contains(rs.Observed.Facts.BlockingIssues, "SiteNotReady") && slices.Contains(IssueLinks["SiteNotReady"], link) {
			add(link, "SiteNotReady", nil)
		}
		for _, in := range inj {
			if in.link == link {
				add(link, in.code, in.context)
			}
		}
	}
	return v
}

// server renders a recovery server as the DR API does (GET /servers/{uuid}).
func (e *Emulator) server(r *http.Request, rs platform.RecoveryServer) map[string]any {
	v := e.view(r, rs)
	recovery := map[string]any{
		"resource_id":             rs.MachineID,
		"automated_test_failover": map[string]any{"schedule": "NEVER"},
	}
	switch v.status {
	case "STAND_BY", "CREATING", "DELETING":
	default:
		recovery["active_failover"] = map[string]any{"id": "fo-" + rs.ID, "vault_id": e.vaultID(rs),
			"backup_uri": "avfs:/online?provider%3DAcronis#arl:/" + e.vaultID(rs) + "/" + e.backupID(rs) + "?archive_name=" + url.QueryEscape(rs.MachineID)}
	}
	if tf := e.testFailover(rs); tf != nil { // the last test failover on record (recovery_points.go)
		recovery["test_failover"] = tf
	}
	if (rs.State == lifecycle.Testing || rs.State == lifecycle.StartingTest || v.status == "FAILOVER_TEST") && rs.TestIP != "" {
		recovery["ip_mapped"] = rs.TestIP
	}
	vm := map[string]any{"cpu": rs.CPU, "ram_mb": rs.MemoryGB * 1024, "status": strings.ToUpper(v.vm)}
	if vm["status"] != "NOT_READY" {
		vm["os"] = "Linux"
	}
	out := map[string]any{
		"uuid": rs.ID, "name": rs.Name, "description": "", "type": "RECOVERY", "status": v.status,
		"created_at": "2026-01-01T00:00:00+00:00", "site_uuid": orDefault(rs.SiteID, e.siteUUID), "vm": vm, "recovery": recovery,
		"_links": v.links, "_issues": orEmpty(v.issues),
	}
	if v.ip != "" {
		out["public_ip"] = v.ip // whenever one is configured or in use, as published
	}
	if v.task != "" {
		out["task_uuid"] = v.task
	}
	return out
}

func orEmpty(is []Issue) []Issue {
	if is == nil {
		return []Issue{}
	}
	return is
}

// vaultID and backupID name the recovery point the emulator shows for a failover: the
// sandbox's recovery point (or the machine's latest backup) in the emulator's own IDs.
func (e *Emulator) vaultID(rs platform.RecoveryServer) string { return "vault-" + rs.MachineID }

func (e *Emulator) backupID(rs platform.RecoveryServer) string {
	return orDefault(rs.RecoveryPointID, "latest-"+rs.MachineID)
}

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
// after / before; the response is {items, paging: {count, total, cursors?: {after?, before?}}}.
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
			writeError(w, http.StatusBadRequest, "DisasterRecovery", "BadRequest", "invalid paging cursor")
			return
		}
	default:
		c = cursor{Limit: 10, Type: q.Get("type"), Resources: q["recovery.resource_id"]}
		if l := q.Get("limit"); l != "" {
			n, err := strconv.Atoi(l)
			if err != nil || n < 1 || n > 50 {
				writeError(w, http.StatusBadRequest, "DisasterRecovery", "BadRequest", "limit must be an integer from 1 to 50")
				return
			}
			c.Limit = n
		}
		if c.Type != "" && c.Type != "PRIMARY" && c.Type != "RECOVERY" {
			writeError(w, http.StatusBadRequest, "DisasterRecovery", "BadRequest", "type must be PRIMARY or RECOVERY")
			return
		}
		for _, id := range c.Resources {
			if !idPattern.MatchString(id) {
				writeError(w, http.StatusBadRequest, "DisasterRecovery", "BadRequest", "recovery.resource_id must match ^[a-zA-Z0-9-]+$")
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
		if len(c.Resources) > 0 && !slices.ContainsFunc(c.Resources, func(id string) bool { return strings.EqualFold(id, rs.MachineID) }) {
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
	paging := map[string]any{"count": len(items), "total": len(match)}
	if len(cursors) > 0 {
		paging["cursors"] = cursors // absent on a single page (the schema's cursors is optional)
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items, "paging": paging})
}

func encodeCursor(c cursor) string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

// handleGet is GET /servers/{uuid} ("Fetch cloud server by UUID").
func (e *Emulator) handleGet(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("ref")
	if !idPattern.MatchString(id) {
		writeError(w, http.StatusBadRequest, "DisasterRecovery", "BadRequest", "uuid must match ^[a-zA-Z0-9-]+$")
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
		writeError(w, http.StatusNotFound, "DisasterRecovery", "EntityNotFound", "no such action: "+r.PathValue("ref"))
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
		writeError(w, http.StatusNotFound, "DisasterRecovery", "EntityNotFound", "no such action: "+action)
		return
	}
	var body actionBody
	if r.ContentLength != 0 {
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			writeError(w, http.StatusBadRequest, "DisasterRecovery", "BadRequest", "the body is not valid JSON: "+err.Error())
			return
		}
	}
	params := map[string]string{}
	if rp := body.RecoveryPoint; rp != nil {
		if rel == RelStopFailover {
			writeError(w, http.StatusBadRequest, "DisasterRecovery", "BadRequest", "stop_failover takes an empty body")
			return
		}
		for _, v := range []string{rp.ArchiveID, rp.BackupID, rp.VaultID} {
			if !rpPattern.MatchString(v) {
				writeError(w, http.StatusBadRequest, "DisasterRecovery", "BadRequest", "recovery_point IDs must match ^[a-zA-Z0-9-@]+$")
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
	// legality from the vendor's allow-list (allowlist.go): the link listed now, no issue on it
	v := e.view(r, rs)
	switch is := v.issueOn(rel); {
	case rel == RelStopFailover && v.status == "STOPPING_FAILOVER":
		writeError(w, http.StatusConflict, "DisasterRecovery", RefusalStopping, "The failover is already being stopped.")
		return
	case !v.listed(rel):
		writeError(w, http.StatusConflict, "DisasterRecovery", RefusalNotListed, issueMessage(RefusalNotListed)+" ("+v.status+")")
		return
	case is != nil:
		writeJSON(w, http.StatusConflict, map[string]any{"error": is.Error})
		return
	}
	if rp := body.RecoveryPoint; rp != nil { // one of the machine's recovery points, all three IDs (recovery_points.go)
		ok, err := e.checkRecoveryPoint(r, rs.MachineID, rpIDs{ArchiveID: rp.ArchiveID, BackupID: rp.BackupID, VaultID: rp.VaultID})
		if err != nil {
			e.sandboxError(w, err)
			return
		}
		if !ok {
			writeError(w, http.StatusBadRequest, "DisasterRecovery", "BadRequest",
				"recovery_point is not a recovery point of the server's machine (see its DR_CLOUD_SERVER_RECOVERY_POINTS link)")
			return
		}
	}
	var op lifecycle.Op
	switch {
	case rel == RelStartFailoverPrd:
		op = lifecycle.OpFailover
	case rel == RelStartFailoverTst:
		op = lifecycle.OpTestFailover
	case v.status == "FAILOVER_TEST" || v.status == "FAILOVER_TEST_AUTO":
		op = lifecycle.OpStopTestFailover
	default: // FAILOVER_PROD, FINALIZATION_FAILED: the stop cancels the production failover
		op = lifecycle.OpCancelFailover
	}
	tid := uuid()
	// the sandbox applies the physics only: legality was decided above, from the vendor's table
	if err := e.sb.Invoke(sandbox.PhysicsOnly(ctx), lifecycle.RecoveryServer, id, op, "task-"+tid, params); err != nil {
		e.sandboxError(w, err)
		return
	}
	e.mu.Lock()
	e.tasks[tid] = &task{UUID: tid, Type: taskTypes[rel], server: id, op: op, enqueued: e.now(), seq: e.nextTaskID()}
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
		writeError(w, http.StatusNotFound, "DisasterRecovery", "ServerNotFound", "No cloud server has this identifier.")
	case platform.ClassRetryable:
		// 429: "the service is overloaded and you must wait before the next request";
		// Retry-After is required, 1–3600 seconds.
		after := e.retryAfterSeconds()
		w.Header().Set("Retry-After", strconv.Itoa(after))
		writeError(w, http.StatusTooManyRequests, "DisasterRecovery", "TooManyRequests", fmt.Sprintf("The service is overloaded; retry after %d seconds.", after))
	case platform.ClassPreconditionFailed, platform.ClassConflict:
		writeError(w, http.StatusConflict, "DisasterRecovery", "ServerNotReady", "The operation is not applicable to cloud servers in this state: "+pe.Message)
	case platform.ClassInvalid:
		writeError(w, http.StatusBadRequest, "DisasterRecovery", "BadRequest", pe.Message)
	case platform.ClassQuota:
		writeError(w, http.StatusConflict, "DisasterRecovery", "QuotaExceededCloudServers", pe.Message)
	default:
		writeError(w, http.StatusInternalServerError, "DisasterRecovery", "InternalError", "An internal server error occurred while processing the request.")
	}
}
