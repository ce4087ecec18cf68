package huaweicloud

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"time"
)

// apigw is Huawei Cloud's API Gateway in front of the emulator (internal/emulator/gateway):
// an operation is named as the official Go SDK names it (CreateProtectionGroup,
// StartFailoverProtectionGroup, ListServersDetails, CopyBackup, …; the four actions of
// POST …/server-groups/{id}/action by their body); a throttled call is answered as APIG
// answers flow control — HTTP 429, {"error_code": "APIGW.0308", "error_msg": "The throttling
// threshold has been reached: …"} — and an injected failure is SDRS.0500 (HTTP 500).
type apigw struct{}

func (apigw) Throttle(w http.ResponseWriter, r *http.Request, op string, retryAfter time.Duration) {
	writeErr(w, &apiError{429, "APIGW.0308", "The throttling threshold has been reached: policy user over ratelimit of " + op, envAPIGW})
}

func (apigw) Fail(w http.ResponseWriter, r *http.Request, op string) {
	writeErr(w, &apiError{500, "SDRS.0500", "Internal server error (injected by the emulator's gateway)", envSDRS})
}

// groupActions are the bodies of POST /v1/{project_id}/server-groups/{id}/action.
var groupActions = map[string]string{
	"start-server-group": "StartProtectionGroup", "stop-server-group": "StopProtectionGroup",
	"failover-server-group": "StartFailoverProtectionGroup", "reverse-server-group": "StartReverseProtectionGroup",
}

func (apigw) Operation(r *http.Request) string {
	p := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	m := r.Method
	if len(p) < 3 {
		return ""
	}
	rest := p[2:]
	n := len(rest)
	switch p[0] {
	case "v2.1":
		if n == 1 && rest[0] == "os-availability-zone" {
			return "NovaListAvailabilityZones"
		}
		return ""
	case "v3":
		switch {
		case rest[0] == "backups" && n == 1:
			return "ListBackups"
		case rest[0] == "backups" && n == 2 && m == http.MethodGet:
			return "ShowBackup"
		case rest[0] == "backups" && n == 2 && m == http.MethodDelete:
			return "DeleteBackup"
		case rest[0] == "backups" && n == 3 && rest[2] == "replicate":
			return "CopyBackup"
		case rest[0] == "vaults" && n == 2:
			return "ShowVault"
		case rest[0] == "replication-capabilities":
			return "ShowReplicationCapabilities"
		}
		return ""
	case "v1":
	default:
		return ""
	}
	by := func(ops map[string]string) string { return ops[m] }
	switch rest[0] {
	case "server-groups":
		switch n {
		case 1:
			return by(map[string]string{"POST": "CreateProtectionGroup", "GET": "ListProtectionGroups"})
		case 2:
			return by(map[string]string{"GET": "ShowProtectionGroup", "PUT": "UpdateProtectionGroupName", "DELETE": "DeleteProtectionGroup"})
		case 3:
			if rest[2] == "action" && m == http.MethodPost {
				return groupAction(r)
			}
		}
	case "protected-instances":
		switch {
		case n == 1:
			return by(map[string]string{"POST": "CreateProtectedInstance", "GET": "ListProtectedInstances"})
		case n == 2:
			return by(map[string]string{"GET": "ShowProtectedInstance", "DELETE": "DeleteProtectedInstance"})
		case n == 4 && rest[2] == "detachreplication":
			return "DetachProtectedInstanceReplication"
		}
	case "replications":
		switch n {
		case 1:
			return by(map[string]string{"POST": "CreateReplication", "GET": "ListReplications"})
		case 2:
			return by(map[string]string{"GET": "ShowReplication", "PUT": "UpdateReplicationName", "DELETE": "DeleteReplication"})
		}
	case "disaster-recovery-drills":
		switch n {
		case 1:
			return by(map[string]string{"POST": "CreateDisasterRecoveryDrill", "GET": "ListDisasterRecoveryDrills"})
		case 2:
			return by(map[string]string{"GET": "ShowDisasterRecoveryDrill", "DELETE": "DeleteDisasterRecoveryDrill"})
		}
	case "jobs":
		return "ShowJobStatus"
	case "cloudservers":
		if n == 2 && rest[1] == "detail" {
			return "ListServersDetails"
		}
		return "ShowServer"
	case "active-domains":
		return "ListActiveActiveDomains"
	case "vpcs":
		return "ShowVpc"
	case "task-center":
		switch {
		case n == 2 && rest[1] == "failure-jobs":
			return "ListFailureJobs"
		case n == 3 && rest[2] == "batch":
			return "DeleteAllServerGroupFailureJobs"
		case n == 3:
			return "DeleteFailureJob"
		case n == 4:
			return "DeleteServerGroupFailureJobs"
		}
	}
	return ""
}

// groupAction names the action in the body of a protection group action (the body is put
// back for the emulator).
func groupAction(r *http.Request) string {
	if r.Body == nil {
		return ""
	}
	body, err := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	if err != nil {
		return ""
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil {
		return ""
	}
	for k := range m {
		if op, ok := groupActions[k]; ok {
			return op
		}
	}
	return ""
}

// OperationName names the Huawei Cloud API operation r calls, as the official Go SDK names it
// ("ShowProtectionGroup", "StartFailoverProtectionGroup", "CopyBackup", …; the gateway's
// answers have no operation of their own): the key of the driver's corpus of documented
// examples (internal/platform/huaweicloud/testdata/corpus), whose contract tests name the
// driver's requests with it. "" for a request that is none of them.
func OperationName(r *http.Request) string { return apigw{}.Operation(r) }
