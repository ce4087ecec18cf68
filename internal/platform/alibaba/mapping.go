package alibaba

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"

	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// StateUnknown is what the driver reports for a Status the EBS enum does not list: the raw
// status goes into LastError, and the engine allows no operation from it. It is never guessed
// into another state.
const StateUnknown lifecycle.State = "unknown"

// pairState maps DescribeDiskReplicaPairs.ReplicaPairs[].Status (EBS API 2021-07-30,
// DescribeDiskReplicaPairs: "Status" enum; vendor-lifecycles.md §1.1, §7.2) onto the engine's
// replication_pair states. The *_failed statuses become error{op} with StatusMessage as the
// last error; invalid keeps its StatusMessage (PrePayOrderExpired, DeviceRemoved, …).
func pairState(status, message string) (lifecycle.State, lifecycle.Op, string) {
	return vendorState(status, message, lifecycle.OpStop)
}

// groupState maps DescribeDiskReplicaGroups.ReplicaGroups[].Status (same enum; the group doc
// omits initial_syncing but StartDiskReplicaGroup enters it, §1.1) onto protection_group
// states: a group's stop is its disable_protection.
func groupState(status, message string) (lifecycle.State, lifecycle.Op, string) {
	return vendorState(status, message, lifecycle.OpDisableProtection)
}

func vendorState(status, message string, stopOp lifecycle.Op) (lifecycle.State, lifecycle.Op, string) {
	st, op, msg := vendorState1(status, message, stopOp)
	if msg == "" && message != "" {
		// StatusMessage is documented with invalid and create_failed, yet the published example
		// carries PrePayOrderExpired on a created pair: a subscription pair about to lapse. It is
		// the vendor's word on the object, so it is last_error whatever the status.
		msg = message
	}
	return st, op, msg
}

func vendorState1(status, message string, stopOp lifecycle.Op) (lifecycle.State, lifecycle.Op, string) {
	failed := func(op lifecycle.Op) (lifecycle.State, lifecycle.Op, string) {
		if message == "" {
			message = status
		} else {
			message = status + ": " + message
		}
		return lifecycle.Error, op, message
	}
	switch status {
	case "creating":
		return lifecycle.Creating, "", ""
	case "created":
		return lifecycle.Configured, "", ""
	case "create_failed":
		return failed(lifecycle.OpCreate)
	case "initial_syncing":
		return lifecycle.Starting, "", ""
	case "syncing", "normal": // syncing ⇄ normal alternate every RPO cycle: both replicate
		return lifecycle.Replicating, "", ""
	case "manual_syncing": // a one-shot sync (OneShot=true): "returns to stopped when done"
		return lifecycle.SyncingOnce, "", ""
	case "stopping":
		return lifecycle.Stopping, "", ""
	case "stopped":
		return lifecycle.Paused, "", ""
	case "stop_failed":
		return failed(stopOp)
	case "failovering":
		return lifecycle.FailingOver, "", ""
	case "failovered":
		return lifecycle.FailedOver, "", ""
	case "failover_failed":
		return failed(lifecycle.OpFailover)
	case "reprotecting":
		return lifecycle.Reprotecting, "", ""
	case "reprotect_failed":
		return failed(lifecycle.OpReprotect)
	case "deleting":
		return lifecycle.Deleting, "", ""
	case "delete_failed":
		return failed(lifecycle.OpDelete)
	case "deleted":
		return lifecycle.Deleted, "", ""
	case "invalid":
		if message == "" {
			message = "invalid"
		}
		return lifecycle.Invalid, "", message
	}
	// anything the enum does not list
	return StateUnknown, "", fmt.Sprintf("unmapped EBS status %q%s", status, suffix(message))
}

func suffix(m string) string {
	if m == "" {
		return ""
	}
	return ": " + m
}

// classOf maps an EBS error code (and HTTP status) onto a platform error class. Codes from the
// API metadata errorCodes of the pair and group operations (vendor-lifecycles.md §1.5) and the
// common RPC gateway errors.
func classOf(code string, status int) platform.Class {
	switch code {
	case "NoSuchResource", "InvalidReplicaPairId.NotFound", "InvalidReplicaGroupId.NotFound", "InvalidDiskId.NotFound":
		return platform.ClassNotFound
	case "OperationDenied.QuotaExceed", "InvalidAccountStatus.NotEnoughBalance", "OperationDenied.TooMuchEmptyGroup",
		"OperationDenied.GroupTotalDiskCapacityLimit", "QuotaExceed":
		return platform.ClassQuota
	case "IdempotentParameterMismatch", "OperationDenied.OperateNotAllowedForPrimary", "OperationDenied.OperateNotAllowedForStandby",
		"OperationDenied.StartDrillShouldOnDestRegion",
		"Forbidden", "Forbidden.Action", "Forbidden.RAM", "InvalidAccessKeyId.NotFound", "InvalidAccessKeyId.Inactive",
		"SignatureDoesNotMatch", "IncompleteSignature", "InvalidSecurityToken.Expired", "InvalidSecurityToken.Malformed",
		"InvalidSecurityToken.MismatchWithAccessKey", "InvalidTimeStamp.Expired", "SignatureNonceUsed", "InvalidVersion",
		"InvalidAction.NotFound", "MissingParameter":
		return platform.ClassInvalid
	case "LastTokenProcessing", "Throttling", "Throttling.User", "Throttling.Api", "Throttling.System", "ServiceUnavailable",
		"InternalError", "RequestTimeout", "UnknownError":
		return platform.ClassRetryable
	}
	switch {
	case strings.HasPrefix(code, "Throttling"):
		return platform.ClassRetryable
	case strings.HasPrefix(code, "OperationDenied"): // InvalidStatus, StandbyDeviceAttached, ManualSyncLimit, membership codes
		return platform.ClassPreconditionFailed
	case strings.HasPrefix(code, "InvalidParameter"), strings.HasPrefix(code, "MissingParameter"), strings.HasPrefix(code, "Invalid"):
		return platform.ClassInvalid
	case strings.HasSuffix(code, ".NotFound"):
		return platform.ClassNotFound
	}
	switch {
	case status == 429 || status >= 500:
		return platform.ClassRetryable
	case status == 404:
		return platform.ClassNotFound
	case status == 409:
		return platform.ClassPreconditionFailed
	case status >= 400:
		return platform.ClassInvalid
	}
	return platform.ClassInternal
}

// convert turns an SDK error into a classified *platform.Error naming the API operation.
func convert(action string, err error) error {
	if err == nil {
		return nil
	}
	var pe *platform.Error
	if errors.As(err, &pe) {
		return err
	}
	var se *sdkerrors.ServerError
	if errors.As(err, &se) {
		return envelopeErr(action, se.ErrorCode(), se.HttpStatus(), se.Message(), se.RequestId())
	}
	// darabonba-openapi (drills.go): ClientError (4xx), ServerError (5xx), ThrottlingError,
	// each carrying the envelope's Code
	var de interface {
		GetCode() *string
		GetStatusCode() *int
		GetMessage() *string
		GetRequestId() *string
	}
	if errors.As(err, &de) {
		return envelopeErr(action, deref(de.GetCode()), derefInt(de.GetStatusCode()), deref(de.GetMessage()), deref(de.GetRequestId()))
	}
	return convertTransport(action, err)
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func derefInt(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}

// envelopeErr classifies the vendor's error envelope (Code, HTTP status, Message, RequestId).
func envelopeErr(action, code string, status int, msg, requestID string) error {
	if code == "" { // not the JSON error envelope
		msg = fmt.Sprintf("unexpected HTTP %d response: %.200q", status, msg)
	}
	class := classOf(code, status)
	if code == "" {
		code = fmt.Sprintf("HTTP%d", status)
	}
	e := &platform.Error{Class: class, Code: code, Message: fmt.Sprintf("%s: %s (RequestId %s)", action, msg, requestID)}
	switch code {
	case "OperationDenied.OperateNotAllowedForPrimary", "OperationDenied.OperateNotAllowedForStandby":
		e.Rule = "R001-3"
	case "OperationDenied.StartDrillShouldOnDestRegion":
		// StartReplicaGroupDrill in another region than the group's secondary site
		e.Rule = "R001-3"
	case "OperationDenied.RecoverPointNotFound":
		// StartReplicaGroupDrill before the group has a recovery point: the engine's
		// first-sync precondition of start_drill
		e.Rule = "V-FIRST-SYNC"
	case "OperationDenied.ManualSyncLimit":
		// StartDiskReplicaPair/Group with OneShot=true too soon after the last one: the
		// platform's rate limit (V-SYNC-ONCE), a precondition failure, never retried
		e.Rule = "V-SYNC-ONCE"
	case "OperationDenied.PairsExceedInGroup":
		// AddDiskReplicaPair: the group already holds 17 pairs — the engine's member limit
		// (V-GRP-MEMBERS, Capabilities.MemberLimit), a precondition, as in the sandbox
		e.Rule = "V-GRP-MEMBERS"
	}
	return e
}

// convertTransport classifies an error that carries no vendor envelope.
func convertTransport(action string, err error) error {
	var ce *sdkerrors.ClientError
	if errors.As(err, &ce) {
		switch ce.ErrorCode() {
		case sdkerrors.TimeoutErrorCode, "SDK.ServerUnreachable":
			return &platform.Error{Class: platform.ClassRetryable, Code: ce.ErrorCode(), Message: action + ": " + ce.Message(), Err: ce.OriginError()}
		case sdkerrors.JsonUnmarshalErrorCode:
			return &platform.Error{Class: platform.ClassInternal, Code: "MalformedResponse", Message: action + ": the response is not the documented JSON: " + ce.Message()}
		}
		return &platform.Error{Class: platform.ClassInternal, Code: ce.ErrorCode(), Message: action + ": " + ce.Message(), Err: ce.OriginError()}
	}
	var ue *url.Error
	if errors.As(err, &ue) { // no response (connection refused, reset, timeout): safe to repeat with the token
		return &platform.Error{Class: platform.ClassRetryable, Code: "SDK.ServerUnreachable", Message: action + ": " + err.Error(), Err: err}
	}
	var je *json.SyntaxError
	if errors.As(err, &je) {
		return &platform.Error{Class: platform.ClassInternal, Code: "MalformedResponse", Message: action + ": " + err.Error()}
	}
	return &platform.Error{Class: platform.ClassInternal, Code: platform.CodeInternal, Message: action + ": " + err.Error(), Err: err}
}
