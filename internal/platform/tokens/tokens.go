// Package tokens is the client-token ledger of a driver whose vendor has no idempotency key
// (Huawei SDRS and CBR, the Acronis DR API v2). The engine gives every operation and create a
// client token (R001-4: the same token with the same parameters takes effect once; with other
// parameters it is IdempotentParameterMismatch); a vendor that takes one (Alibaba's
// ClientToken, the sandbox) keeps that promise itself. Without one, the driver keeps it for the
// calls of its process: it records what each token was used for, answers a replay from the
// ledger, and refuses a token reused for another request. Across processes the driver reads
// before it writes (platform.Underway), which the ledger does not replace.
package tokens

import (
	"errors"
	"sync"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// Validate checks a client token's format (R001-4: 1–64 printable ASCII characters); the
// empty token (no idempotency asked) is valid. A malformed one is Invalid/InvalidClientToken
// with the rule.
func Validate(tok string) error {
	if tok == "" {
		return nil
	}
	err := lifecycle.ValidateClientToken(tok)
	if err == nil {
		return nil
	}
	e := &platform.Error{Class: platform.ClassInvalid, Code: platform.CodeInvalidClientToken, Message: err.Error()}
	var fe *lifecycle.FormatError
	if errors.As(err, &fe) {
		e.Rule = fe.Rule
	}
	return e
}

// Ledger records, per client token, the request it was used for (key: the kind, object,
// operation and parameters, or a create's spec) and what the request returned (V: a job, a
// task). It is safe for concurrent use.
type Ledger[V any] struct {
	mu sync.Mutex
	m  map[string]entry[V]
}

type entry[V any] struct {
	key string
	val V
}

// Lookup validates tok and looks it up for key: found reports a replay of the same request,
// with what it returned; a token recorded for another request is Invalid/
// IdempotentParameterMismatch. The empty token is never found.
func (l *Ledger[V]) Lookup(tok, key string) (v V, found bool, err error) {
	if err := Validate(tok); err != nil || tok == "" {
		return v, false, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	e, seen := l.m[tok]
	if !seen {
		return v, false, nil
	}
	if e.key != key {
		return v, false, platform.Invalidf(platform.CodeIdempotentParameterMismatch,
			"client token %q was already used for another request (R001-4)", tok)
	}
	return e.val, true, nil
}

// Record remembers that tok was used for key and returned v (once the request took effect).
// The empty token is not recorded.
func (l *Ledger[V]) Record(tok, key string, v V) {
	if tok == "" {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.m == nil {
		l.m = map[string]entry[V]{}
	}
	l.m[tok] = entry[V]{key: key, val: v}
}

// Claim is Lookup and, for a token not seen yet, Record with the zero value, in one step: a
// create that answers a replay by reading before it writes (the object the earlier request
// made) claims its token before the write.
func (l *Ledger[V]) Claim(tok, key string) error {
	if err := Validate(tok); err != nil || tok == "" {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if e, seen := l.m[tok]; seen && e.key != key {
		return platform.Invalidf(platform.CodeIdempotentParameterMismatch,
			"client token %q was already used with other parameters (R001-4)", tok)
	}
	if l.m == nil {
		l.m = map[string]entry[V]{}
	}
	if _, seen := l.m[tok]; !seen {
		l.m[tok] = entry[V]{key: key}
	}
	return nil
}

// Find returns the first recorded value for which match holds.
func (l *Ledger[V]) Find(match func(V) bool) (V, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, e := range l.m {
		if match(e.val) {
			return e.val, true
		}
	}
	var zero V
	return zero, false
}
