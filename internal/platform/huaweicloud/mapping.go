package huaweicloud

// The mapping of SDRS onto the engine: protection-group and pair statuses onto the engine's
// states (groupState, pairFrom), SDRS / API Gateway / CBR error codes onto error classes
// (classOf, wrap). The platforms guide documents it for users.

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdkerr"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// groupState maps an SDRS protection-group status (Protection Group Status; vendor-lifecycles
// §2.1, §7.2) onto the engine's state, given the replication status (effectiveReplication).
// available ("protection disabled") is paused once a synchronisation has completed
// (replication active or active-stopped: the standby holds the data as of the stop) and
// configured otherwise (inactive: never synchronised). An unknown status is an error naming
// it, never a guessed state.
func groupState(status, replication string) (lifecycle.State, lifecycle.Op, error) {
	switch status {
	case "creating":
		return lifecycle.Creating, "", nil
	case "available":
		if synced(replication) {
			return lifecycle.Paused, "", nil
		}
		return lifecycle.Configured, "", nil
	case "starting":
		return lifecycle.Starting, "", nil
	case "protected":
		return lifecycle.Replicating, "", nil
	case "stopping":
		return lifecycle.Stopping, "", nil
	case "reversing":
		return lifecycle.SwitchingOver, "", nil
	case "failing-over":
		return lifecycle.FailingOver, "", nil
	case "failed-over":
		return lifecycle.FailedOver, "", nil
	case "reprotecting":
		return lifecycle.Reprotecting, "", nil
	case "deleting":
		return lifecycle.Deleting, "", nil
	case "invalid", "fault":
		return lifecycle.Invalid, "", nil
	case "error":
		return lifecycle.Error, lifecycle.OpCreate, nil
	case "error-starting":
		return lifecycle.Error, lifecycle.OpEnableProtection, nil
	case "error-stopping":
		return lifecycle.Error, lifecycle.OpDisableProtection, nil
	case "error-reversing":
		return lifecycle.Error, lifecycle.OpPlannedFailover, nil
	case "error-failing-over":
		return lifecycle.Error, lifecycle.OpFailover, nil
	case "error-reprotecting":
		return lifecycle.Error, lifecycle.OpReprotect, nil
	case "error-deleting":
		return lifecycle.Error, lifecycle.OpDelete, nil
	}
	return "", "", platform.Errorf(platform.ClassInternal, "SDRS.UnknownStatus", "unknown SDRS status %q (the driver does not guess a state)", status)
}

// synced reports whether a replication status says a full synchronisation completed.
func synced(replication string) bool {
	return replication == "active" || replication == "active-stopped"
}

// effectiveReplication is the replication status of a group or pair: the one SDRS reports,
// else what its other signals say. Groups created after the SDRS upgrade report
// replication_status (and protected_status, health_status) as null — "the value of this
// parameter is null" for new groups, meaningless per the API Explorer text — and pairs may
// omit the key (ShowProtectionGroup/*-null-statuses, ListReplications/apiexplorer-*). Then:
// the pairs' replication statuses (any copying or inactive pair: that; all synchronised:
// synchronised), else the progress of the synchronisation, in % (under 100: not complete).
// So a new group is configured, not paused, and a protected one whose first copy still runs
// has not completed its first synchronisation (V-FIRST-SYNC holds a failover or a drill).
func effectiveReplication(status, reported string, pairs []string, progress int) string {
	if reported != "" {
		return reported
	}
	on := status == "protected" || status == "reversing" || status == "starting" || status == "reprotecting"
	done := func() string {
		if on {
			return "active"
		}
		return "active-stopped"
	}
	var n int
	for _, r := range pairs {
		switch r {
		case "copying", "inactive":
			return r
		case "active", "active-stopped":
			n++
		}
	}
	switch {
	case n > 0:
		return done()
	case progress >= 100:
		return done()
	case on:
		return "copying"
	}
	return "inactive"
}

func siteOf(priorityStation string) lifecycle.Site {
	if priorityStation == "target" {
		return lifecycle.SiteTarget
	}
	return lifecycle.SiteSource
}

// classOf maps an SDRS / API Gateway error code onto the engine's classes (the platforms
// guide; vendor-lifecycles §2.5 and §7.1; SDRS Error Codes,
// https://support.huaweicloud.com/intl/en-us/api-sdrs/en-us_topic_0113127626.html).
func classOf(status int, code string) platform.Class {
	switch code {
	case "SDRS.1013", "SDRS.1608", "SDRS.1320", "SDRS.1902",
		// CBR answers a missing backup or vault 404 with a code (Error Codes: BackupService.6200,
		// BackupService.6105), ECS a missing server 404 Ecs.0114
		"BackupService.6200", "BackupService.6105", "Ecs.0114":
		return platform.ClassNotFound
	case "SDRS.0209", "SDRS.0214", "SDRS.1002", "SDRS.1017", "SDRS.1018", "SDRS.1019", "SDRS.1020", "SDRS.1021",
		"SDRS.1022", "SDRS.1023", "SDRS.1024", "SDRS.1301", "SDRS.1323", "SDRS.1324", "SDRS.1325", "SDRS.1328",
		"SDRS.1601", "SDRS.1913", "SDRS.1316", "SDRS.1319", "SDRS.1352", "SDRS.1342", "SDRS.1809",
		"SDRS.1001", "SDRS.1003", "SDRS.1010", "SDRS.1603", "SDRS.1604", "SDRS.1605", "SDRS.1611", "SDRS.1826",
		"SDRS.1802", "SDRS.1810", "SDRS.1811", "SDRS.1303", "SDRS.1304", "SDRS.1305", "SDRS.1333":
		return platform.ClassPreconditionFailed
	case "BackupService.1002", "BackupService.1003", "BackupService.1005", "BackupService.1009", "BackupService.1011",
		"BackupService.6119", "BackupService.6120", "BackupService.6122", "BackupService.6201":
		return platform.ClassPreconditionFailed // CBR Error Codes (api-cbr/ErrorCode.html), §4.3: refusals of the request as things stand
	case "BackupService.1012":
		return platform.ClassQuota
	case "SDRS.0305", "SDRS.0306", "SDRS.1358":
		return platform.ClassQuota
	case "APIGW.0308":
		return platform.ClassRetryable
	}
	switch {
	case status == http.StatusTooManyRequests || status == http.StatusBadGateway || status == http.StatusServiceUnavailable ||
		status == http.StatusGatewayTimeout || status == http.StatusInternalServerError:
		return platform.ClassRetryable
	case status == http.StatusNotFound && !strings.HasPrefix(code, "APIGW.") && !strings.HasPrefix(code, "APIG."):
		// a service's 404, with or without its own code (the gateway's 404 APIGW.0101 is an API
		// that does not exist: a wrong endpoint)
		return platform.ClassNotFound
	case strings.HasPrefix(code, "SDRS.02"), strings.HasPrefix(code, "SDRS.000"), strings.HasPrefix(code, "APIGW."),
		status == http.StatusBadRequest, status == http.StatusUnauthorized, status == http.StatusForbidden:
		return platform.ClassInvalid
	}
	return platform.ClassInternal
}

// wrap classifies an SDK error. A vendor's answer becomes an error that says what was asked
// (what), the vendor's code and message, the HTTP status and the request ID (the X-Request-Id
// Huawei's support asks for) — never the request's path template, the SDK's internals or the
// credentials. Connection failures and timeouts are Retryable.
func wrap(err error, what string) error {
	if err == nil {
		return nil
	}
	var pe *platform.Error
	if errors.As(err, &pe) {
		return err
	}
	var sr *sdkerr.ServiceResponseError
	if errors.As(err, &sr) {
		return vendorError(what, sr.StatusCode, sr.ErrorCode, sr.ErrorMessage, sr.RequestId)
	}
	var srv sdkerr.ServiceResponseError
	if errors.As(err, &srv) {
		return vendorError(what, srv.StatusCode, srv.ErrorCode, srv.ErrorMessage, srv.RequestId)
	}
	var ce *sdkerr.ConnectionError
	var te *sdkerr.RequestTimeoutError
	if errors.As(err, &ce) || errors.As(err, &te) {
		return &platform.Error{Class: platform.ClassRetryable, Code: platform.CodeInternal, Message: what + ": no answer", Err: err}
	}
	// net/http transport errors surface unwrapped from the SDK
	return &platform.Error{Class: platform.ClassRetryable, Code: platform.CodeInternal, Message: what + ": no answer", Err: err}
}

// vendorError is a vendor's answer to what: its class from the code (classOf), and a message
// with the vendor's words, the HTTP status and the request ID.
func vendorError(what string, status int, code, msg, requestID string) *platform.Error {
	if status >= 200 && status < 300 {
		// the SDK could not decode a successful answer into its model: the request was done,
		// its answer is unreadable (the SDK's message names its decoder's internals)
		return platform.Errorf(platform.ClassInternal, CodeInvalidResponse, "%s: the answer could not be read (%s)", what, answerRef(status, requestID))
	}
	if code == "" {
		// an envelope the SDK could not read (the API gateway publishes one that is not valid
		// JSON): its code and message as written
		if m := envelopeCode.FindStringSubmatch(msg); m != nil {
			code = m[1]
			if t := envelopeMsg.FindStringSubmatch(msg); t != nil {
				msg = t[1]
			}
		}
	}
	msg = strings.Join(strings.Fields(msg), " ")
	class := classOf(status, code)
	text := fmt.Sprintf("%s: %s (%s)", what, msg, answerRef(status, requestID))
	if r := remedy(status, code); r != "" {
		text += ". " + r
	}
	return &platform.Error{Class: class, Code: code, Message: text}
}

var (
	envelopeCode = regexp.MustCompile(`"(?:error_code|code)"\s*:\s*"([A-Za-z]+\.[0-9]+)"`)
	envelopeMsg  = regexp.MustCompile(`"(?:error_msg|message)"\s*:\s*"([^"]*)"`)
)

// remedy is what to do about an answer, where the vendor's words do not say it.
func remedy(status int, code string) string {
	switch {
	case code == "APIGW.0308" || code == "APIG.0308": // flow control: retried, nothing to fix
		return ""
	case strings.HasPrefix(code, "APIGW.030") || strings.HasPrefix(code, "APIG.030") || status == http.StatusUnauthorized:
		return "Check the huaweicloud block's access_key and secret_key (HW_ACCESS_KEY, HW_SECRET_KEY): the API gateway refused the request's signature"
	case code == "SDRS.0001" || code == "SDRS.0002" || status == http.StatusForbidden:
		return "Check the huaweicloud block's project_id (HW_PROJECT_ID) and the account's permissions for SDRS, ECS, VPC and CBR"
	}
	return ""
}

// answerRef names an answer: its HTTP status and request ID.
func answerRef(status int, requestID string) string {
	if requestID == "" {
		return fmt.Sprintf("HTTP %d", status)
	}
	return fmt.Sprintf("HTTP %d, request ID %s", status, requestID)
}
