package acronis

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// platformGateway is the Acronis platform's front door in the emulator
// (internal/emulator/gateway). Operations are named after the endpoints: token, get_client,
// list_servers, get_server, start_failover_prod, start_failover_test, stop_failover,
// get_task, list_backups (the Vault Manager's, the recovery points link). A throttled call is answered 429 Too Many Requests with Retry-After (whole
// seconds, at least 1) and the platform's error envelope (code TooManyRequests), which the
// driver honours; an injected failure is 500 InternalError.
type platformGateway struct{}

func (platformGateway) Operation(r *http.Request) string {
	p := strings.TrimPrefix(r.URL.Path, "/bc")
	switch {
	case p == "/api/2/idp/token":
		return "token"
	case strings.HasPrefix(p, "/api/2/clients/"):
		return "get_client"
	case p == "/api/dr/v2/servers":
		return "list_servers"
	case strings.HasPrefix(p, "/api/dr/v2/servers/"):
		if _, action, ok := strings.Cut(strings.TrimPrefix(p, "/api/dr/v2/servers/"), ":"); ok && r.Method == http.MethodPost {
			return action
		}
		return "get_server"
	case strings.HasPrefix(p, "/api/task_manager/v2/tasks/"):
		return "get_task"
	case p == "/bc/api/vault_manager/v1/backups":
		return "list_backups"
	}
	return ""
}

func (platformGateway) Throttle(w http.ResponseWriter, r *http.Request, op string, retryAfter time.Duration) {
	secs := max(1, int(math.Ceil(retryAfter.Seconds())))
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	writeError(w, http.StatusTooManyRequests, "DisasterRecovery", "TooManyRequests", "too many requests: "+op+" is rate limited")
}

func (platformGateway) Fail(w http.ResponseWriter, r *http.Request, op string) {
	writeError(w, http.StatusInternalServerError, "DisasterRecovery", "InternalError", "internal error (injected by the emulator's gateway)")
}
