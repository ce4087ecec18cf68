package alibaba

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

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
	case "NoSuchResource", "InvalidReplicaPairId.NotFound", "InvalidReplicaGroupId.NotFound", "InvalidDiskId.NotFound", "InvalidResourceId.NotFound":
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
		"InternalError", "RequestTimeout", "UnknownError",
		// AddDiskReplicaPair: "… pair initializing, please try again later" (403). The
		// idempotence rules retry a 4xx only when its message says to try later; of the
		// OperationDenied codes this one is transient (the pair finishes initializing), while
		// ManualSyncLimit, which says the same, is a rate limit of RPO/2 that no retry outlasts
		// (V-SYNC-ONCE): decided by code, not by the message's words.
		"OperationDenied.PairInitializing":
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

// convert turns an SDK or darabonba error into a classified *platform.Error. Its message says
// the operation, the vendor's code, message and request ID, and what to do — nothing else: not
// the request URL (its query carries the AccessKeyId, the Signature and the STS token), not the
// string to sign a SignatureDoesNotMatch echoes (the same), not the SDK's own wrapping. It is
// what Terraform prints and what the retry layer logs.
func (d *Driver) convert(action string, err error) error {
	if err == nil {
		return nil
	}
	var pe *platform.Error
	if errors.As(err, &pe) {
		return err
	}
	var se *sdkerrors.ServerError
	if errors.As(err, &se) {
		return d.envelopeErr(action, se.ErrorCode(), se.HttpStatus(), se.Message(), se.RequestId(), 0)
	}
	// darabonba-openapi (drills.go): ClientError (4xx), ServerError (5xx), ThrottlingError,
	// each carrying the envelope's Code; their Message is "code: <status>, <message> request id:
	// <id>", the envelope's own Message is in Data
	var de interface {
		GetCode() *string
		GetStatusCode() *int
		GetMessage() *string
		GetRequestId() *string
		GetData() map[string]interface{}
	}
	if errors.As(err, &de) {
		msg := deref(de.GetMessage())
		if m, ok := de.GetData()["Message"].(string); ok {
			msg = m
		}
		var after time.Duration
		var te interface{ GetRetryAfter() *int64 }
		if errors.As(err, &te) && te.GetRetryAfter() != nil && *te.GetRetryAfter() > 0 {
			after = time.Duration(*te.GetRetryAfter()) * time.Millisecond
		}
		return d.envelopeErr(action, deref(de.GetCode()), derefInt(de.GetStatusCode()), msg, deref(de.GetRequestId()), after)
	}
	return d.convertTransport(action, err)
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
func (d *Driver) envelopeErr(action, code string, status int, msg, requestID string, retryAfter time.Duration) error {
	if code == "" { // not the JSON error envelope
		msg = fmt.Sprintf("unexpected HTTP %d response: %.200q", status, msg)
	}
	class := classOf(code, status)
	if code == "" {
		code = fmt.Sprintf("HTTP%d", status)
	}
	text := fmt.Sprintf("%s: %s", action, strings.TrimSpace(d.scrub(msg)))
	if requestID = strings.TrimSpace(requestID); requestID != "" {
		text += " (request ID " + d.scrub(requestID) + ")"
	}
	if todo := remedy(class, code); todo != "" {
		text += ". " + todo
	}
	e := &platform.Error{Class: class, Code: code, Message: text, RetryAfter: retryAfter}
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

// remedy is what to do about an error of class and code.
func remedy(class platform.Class, code string) string {
	switch {
	case code == "SignatureDoesNotMatch" || code == "IncompleteSignature" || strings.HasPrefix(code, "InvalidAccessKeyId") ||
		strings.HasPrefix(code, "InvalidSecurityToken"):
		return "Check the alibaba block's access_key, secret_key and security_token (or ALICLOUD_ACCESS_KEY, ALICLOUD_SECRET_KEY, ALICLOUD_SECURITY_TOKEN)"
	case strings.HasPrefix(code, "Forbidden") || strings.HasPrefix(code, "NoPermission") || strings.HasPrefix(code, "Unauthorized"):
		return "Grant the access key's RAM user the permission for this action, then run again"
	case code == "OperationDenied.OperateNotAllowedForPrimary" || code == "OperationDenied.OperateNotAllowedForStandby" ||
		code == "OperationDenied.StartDrillShouldOnDestRegion":
		return "The call was made in the wrong region for the object's sites; plan again to read where it is now"
	}
	switch class {
	case platform.ClassRetryable:
		return "Alibaba Cloud asks to try again later; the call was retried with the same client token"
	case platform.ClassNotFound:
		return "The object does not exist (any more) in the regions the provider looked in"
	case platform.ClassQuota:
		return "Raise the quota or the account balance in the Alibaba Cloud console, or free capacity, then run again"
	case platform.ClassPreconditionFailed:
		return "Alibaba Cloud refused it in the object's current state; plan again to see the state and the path the engine takes from it"
	case platform.ClassInvalid:
		return "The request was refused as invalid; check the configuration's values against the attribute's documentation"
	}
	return ""
}

// secretParam matches a credential, a signature or a token in a query or a string to sign
// (plain or percent-encoded: AccessKeyId=…, AccessKeyId%3D…, SecurityToken%253D…).
var secretParam = regexp.MustCompile(`(?i)(AccessKeyId|SecurityToken|Signature|SignatureNonce)(=|%3D|%253D)[^&\s"']*`)

// signedURL matches a URL with a query (the SDK's RPC requests carry their credentials there).
var signedURL = regexp.MustCompile(`https?://[^\s"?]+\?[^\s"]*`)

// scrub removes from a message what a vendor or transport error may echo of the signed
// request: everything after a "string to sign" marker, URL queries, credential parameters, and
// the configured credentials themselves.
func (d *Driver) scrub(s string) string {
	for _, marker := range []string{"server string to sign is:", "string to sign", "StringToSign"} {
		if i := strings.Index(strings.ToLower(s), strings.ToLower(marker)); i >= 0 {
			s = strings.TrimSpace(s[:i])
		}
	}
	s = signedURL.ReplaceAllStringFunc(s, func(u string) string { return u[:strings.Index(u, "?")] })
	s = secretParam.ReplaceAllString(s, "${1}=(redacted)")
	for _, v := range []string{d.cfg.AccessKeySecret, d.cfg.SecurityToken, d.cfg.AccessKeyID} {
		if len(v) >= 4 {
			s = strings.ReplaceAll(s, v, "(redacted)")
		}
	}
	return s
}

// convertTransport classifies an error that carries no vendor envelope: the call and the host
// it went to, and the network's reason — not the request's URL.
func (d *Driver) convertTransport(action string, err error) error {
	var ue *url.Error
	var ce *sdkerrors.ClientError
	switch {
	case errors.As(err, &ue): // no response (refused, reset, timeout, a malformed host): safe to repeat with the token
		host := ue.URL
		if u, perr := url.Parse(ue.URL); perr == nil {
			host = u.Host
		} else if i := strings.IndexAny(host, "?"); i >= 0 {
			host = host[:i]
		}
		return &platform.Error{Class: platform.ClassRetryable, Code: "SDK.ServerUnreachable",
			Message: fmt.Sprintf("%s: no answer from %s: %s. Check the network path to the endpoint; the call was retried with the same client token", action, d.scrub(host), d.scrub(ue.Err.Error()))}
	case errors.As(err, &ce):
		switch ce.ErrorCode() {
		case sdkerrors.TimeoutErrorCode, "SDK.ServerUnreachable":
			return &platform.Error{Class: platform.ClassRetryable, Code: ce.ErrorCode(), Message: action + ": " + d.scrub(ce.Message())}
		case sdkerrors.JsonUnmarshalErrorCode:
			return &platform.Error{Class: platform.ClassInternal, Code: "MalformedResponse", Message: action + ": the response is not the documented JSON: " + d.scrub(ce.Message())}
		}
		return &platform.Error{Class: platform.ClassInternal, Code: ce.ErrorCode(), Message: action + ": " + d.scrub(ce.Message())}
	}
	var je *json.SyntaxError
	if errors.As(err, &je) {
		return &platform.Error{Class: platform.ClassInternal, Code: "MalformedResponse", Message: action + ": " + d.scrub(err.Error())}
	}
	return &platform.Error{Class: platform.ClassInternal, Code: platform.CodeInternal, Message: action + ": " + d.scrub(err.Error())}
}
