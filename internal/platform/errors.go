package platform

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Class is the class of a platform error. The engine decides what to do with an error from its
// class only: NotFound ends a wait on a deletion, Retryable is retried with backoff, everything
// else stops the operation (V-NO-RETRY: a precondition failure is never retried).
type Class string

const (
	// ClassNotFound: the object does not exist (Alibaba NoSuchResource, SDRS.1013/1608, HTTP 404).
	ClassNotFound Class = "not_found"
	// ClassPreconditionFailed: the object's state or surroundings forbid the operation now
	// (Alibaba OperationDenied.InvalidStatus, SDRS.0209/1002, HTTP 409, CBR 1002/1003/1005).
	// When the refusal comes from the lifecycle engine, Error.Rule carries the rule ID.
	ClassPreconditionFailed Class = "precondition_failed"
	// ClassConflict: an optimistic-concurrency loss — the caller's expected object version is
	// stale because another writer changed the object first. It is its own class (not a
	// PreconditionFailed) because the remedy differs: re-observe and re-plan, rather than
	// report a rule to the user. It is not Retryable: blindly repeating the same write would
	// overwrite the other writer's decision.
	ClassConflict Class = "conflict"
	// ClassRetryable: throttling, busy, transient internal errors (Alibaba InternalError,
	// LastTokenProcessing, HTTP 429/500/503/504). Safe to retry with the same client token.
	ClassRetryable Class = "retryable"
	// ClassQuota: a quota or billing limit (OperationDenied.QuotaExceed, SDRS.0305, CBR 1012).
	ClassQuota Class = "quota"
	// ClassInvalid: bad parameters, or a client token reused with different parameters
	// (Code IdempotentParameterMismatch, R001-4).
	ClassInvalid Class = "invalid"
	// ClassInternal: anything else (a bug, a broken database).
	ClassInternal Class = "internal"
)

// Well-known error codes.
const (
	CodeIdempotentParameterMismatch = "IdempotentParameterMismatch"
	CodeInvalidClientToken          = "InvalidClientToken"
	CodeInvalidParameter            = "InvalidParameter"
	CodeInvalidRegion               = "OperationDenied.InvalidRegion"
	CodeInvalidStatus               = "OperationDenied.InvalidStatus"
	CodeNoSuchResource              = "NoSuchResource"
	CodeVersionConflict             = "VersionConflict"
	CodeThrottling                  = "Throttling"
	CodeInternal                    = "InternalError"
	CodeAlreadyExists               = "AlreadyExists"
	CodeQuotaExceeded               = "QuotaExceeded"
	CodeCancelled                   = "Cancelled"
	// CodeMemberLimit: a group already holds as many members as the platform allows
	// (V-GRP-MEMBERS, Capabilities.MemberLimit; Alibaba OperationDenied.PairsExceedInGroup).
	CodeMemberLimit = "MemberLimitExceeded"
	// CodeSyncOnceLimit: a one-shot synchronisation too soon after the last one (V-SYNC-ONCE;
	// Alibaba OperationDenied.ManualSyncLimit).
	CodeSyncOnceLimit = "SyncOnceLimit"
)

// Error is the platform's classified error. Vendor drivers map their error codes onto a Class;
// the sandbox produces them directly.
type Error struct {
	Class   Class
	Code    string // vendor- or sandbox-specific code, e.g. "OperationDenied.InvalidStatus"
	Message string
	Rule    string // lifecycle rule ID (e.g. "R002-1") when the refusal comes from the engine's tables
	Err     error  // optional cause
	// RetryAfter is how long the platform asked the caller to wait before trying again (an
	// HTTP Retry-After header: Acronis 429s carry one, up to 3600 s); 0 when it said nothing.
	// The retry layer (internal/platform/retry) honours it.
	RetryAfter time.Duration
}

func (e *Error) Error() string {
	s := string(e.Class)
	if e.Code != "" {
		s += " (" + e.Code + ")"
	}
	if e.Rule != "" {
		s += " [" + e.Rule + "]"
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Retryable reports whether the same call may be retried (the executor asks through errors.As).
func (e *Error) Retryable() bool { return e != nil && e.Class == ClassRetryable }

// NotFound reports whether the object does not exist.
func (e *Error) NotFound() bool { return e != nil && e.Class == ClassNotFound }

// Is makes errors.Is(err, &Error{Class: X}) match any error of class X (and code, when set).
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	if !ok {
		return false
	}
	return t.Class == e.Class && (t.Code == "" || t.Code == e.Code)
}

// Errorf builds a classified error.
func Errorf(class Class, code, format string, args ...any) *Error {
	return &Error{Class: class, Code: code, Message: fmt.Sprintf(format, args...)}
}

// NotFoundf builds a NotFound error.
func NotFoundf(format string, args ...any) *Error {
	return Errorf(ClassNotFound, CodeNoSuchResource, format, args...)
}

// Invalidf builds an Invalid error.
func Invalidf(code, format string, args ...any) *Error {
	if code == "" {
		code = CodeInvalidParameter
	}
	return Errorf(ClassInvalid, code, format, args...)
}

// PreconditionFailed builds a PreconditionFailed error carrying a lifecycle rule.
func PreconditionFailed(rule, message string) *Error {
	return &Error{Class: ClassPreconditionFailed, Code: CodeInvalidStatus, Rule: rule, Message: message}
}

// ClassOf returns the class of err: the Class of a wrapped *Error, ClassRetryable for context
// deadline errors coming from below (never for the caller's own cancellation), or ClassInternal.
// It returns "" for a nil error.
func ClassOf(err error) Class {
	if err == nil {
		return ""
	}
	var pe *Error
	if errors.As(err, &pe) {
		return pe.Class
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return ClassInternal
	}
	return ClassInternal
}

// IsNotFound reports whether err says the object does not exist.
func IsNotFound(err error) bool { return ClassOf(err) == ClassNotFound }

// IsRetryable reports whether err may be retried.
func IsRetryable(err error) bool { return ClassOf(err) == ClassRetryable }

// IsPreconditionFailed reports whether err is a state/precondition refusal.
func IsPreconditionFailed(err error) bool { return ClassOf(err) == ClassPreconditionFailed }

// IsConflict reports whether err is an optimistic-concurrency loss.
func IsConflict(err error) bool { return ClassOf(err) == ClassConflict }

// IsInvalid reports whether err is a parameter error.
func IsInvalid(err error) bool { return ClassOf(err) == ClassInvalid }

// RetryAfterOf returns the wait the platform asked for with err (Error.RetryAfter), 0 when
// none.
func RetryAfterOf(err error) time.Duration {
	var pe *Error
	if errors.As(err, &pe) {
		return pe.RetryAfter
	}
	return 0
}

// RuleOf returns the lifecycle rule ID carried by err, if any.
func RuleOf(err error) string {
	var pe *Error
	if errors.As(err, &pe) {
		return pe.Rule
	}
	return ""
}
