package sandbox

// This file is the sandbox's only window onto the lifecycle engine's rules: which operations
// are legal (lifecycle.Check), which transitional and result states they go through (the
// table rows), which operations are allowed now (advertised to the engine like Acronis _links).
// The sandbox restates none of them; it only adds physical semantics (durations, progress,
// addresses, volumes).
//
// An emulator decides legality from its vendor's documented allow-lists, not from the engine
// (issue 23: driver and emulator must not agree with each other merely because both read the
// engine): it calls the sandbox with a PhysicsOnly context, and the sandbox then skips the
// engine's checks and applies only the operation's physics.

import (
	"context"
	"errors"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// row returns the table row of kind/op, or an Invalid error for an operation the kind lacks.
func row(kind lifecycle.Kind, op lifecycle.Op) (*lifecycle.Operation, error) {
	t := lifecycle.Table(kind)
	if t == nil {
		return nil, platform.Invalidf("", "unknown kind %q", kind)
	}
	o, ok := t.Operation(op)
	if !ok {
		return nil, platform.Invalidf("UnsupportedOperation", "%s has no operation %q", kind, op)
	}
	return o, nil
}

type physicsOnlyKey struct{}

// PhysicsOnly returns a context for a caller that has decided an operation's legality itself:
// an emulator, from its vendor's documented status allow-lists and preconditions. Calls made
// with it skip the engine's checks (lifecycle.Check: from-states, preconditions, the data-loss
// opt-in) and apply the operation's physics as the table row describes it (transitional
// state, simulated duration, result state, effects on volumes, servers and addresses). Token
// formats, versions, regions of a call and what cannot physically happen (an object that does
// not exist, a volume of another size) are still refused.
func PhysicsOnly(ctx context.Context) context.Context {
	return context.WithValue(ctx, physicsOnlyKey{}, true)
}

// IsPhysicsOnly reports whether ctx came from PhysicsOnly.
func IsPhysicsOnly(ctx context.Context) bool {
	v, _ := ctx.Value(physicsOnlyKey{}).(bool)
	return v
}

type lookupKey struct{}

// Lookup returns a context for the reads an emulator makes to decide a call it serves (the
// object's status, its disks, a client token's use): they are part of that call, so they are
// neither counted as calls nor meet the injected latency and transient faults — the call's
// own sandbox operation does, once, as it did when the sandbox decided legality itself.
func Lookup(ctx context.Context) context.Context {
	return context.WithValue(ctx, lookupKey{}, true)
}

func isLookup(ctx context.Context) bool {
	v, _ := ctx.Value(lookupKey{}).(bool)
	return v
}

// check runs the engine's preconditions on the sandbox's own observation; the first
// violation becomes a PreconditionFailed error carrying its rule ID and message. A
// PhysicsOnly caller has decided legality itself: nothing is checked.
func check(ctx context.Context, kind lifecycle.Kind, op lifecycle.Op, obs lifecycle.Observation, allowDataLoss bool) error {
	if IsPhysicsOnly(ctx) {
		return nil
	}
	vs := lifecycle.Blocking(lifecycle.Check(kind, op, obs, lifecycle.Options{AllowDataLoss: allowDataLoss}))
	if len(vs) == 0 {
		return nil
	}
	e := platform.PreconditionFailed(vs[0].Rule, vs[0].Message)
	switch vs[0].Precondition { // a platform's own code for them
	case lifecycle.PreconditionMemberLimit:
		e.Code = platform.CodeMemberLimit // Alibaba PairsExceedInGroup
	case lifecycle.PreconditionSyncOnceInterval:
		e.Code = platform.CodeSyncOnceLimit // Alibaba ManualSyncLimit
	}
	if len(vs) > 1 {
		for _, v := range vs[1:] {
			e.Message += "; " + v.Message
		}
	}
	return e
}

// validateToken enforces R001-4's token format through the engine.
func validateToken(token string) error {
	if token == "" {
		return nil
	}
	return formatErr(lifecycle.ValidateClientToken(token), platform.CodeInvalidClientToken)
}

// formatErr turns an engine format-rule error into an Invalid platform error with its rule.
func formatErr(err error, code string) error {
	if err == nil {
		return nil
	}
	e := &platform.Error{Class: platform.ClassInvalid, Code: code, Message: err.Error()}
	var fe *lifecycle.FormatError
	if errors.As(err, &fe) {
		e.Rule = fe.Rule
	}
	return e
}

// allowed returns the operations the engine allows now (advertised ops for recovery servers).
func allowed(kind lifecycle.Kind, obs lifecycle.Observation) map[lifecycle.Op]bool {
	out := map[lifecycle.Op]bool{}
	for _, op := range lifecycle.AllowedOperations(kind, obs, lifecycle.Options{AllowDataLoss: true}) {
		out[op] = true
	}
	return out
}

// checkPower asks the engine whether servers of a group in groupObs may change power (R002-7).
func checkPower(groupObs lifecycle.Observation) error {
	if v := lifecycle.CheckServerPowerChange(groupObs); v != nil {
		return platform.PreconditionFailed(v.Rule, v.Message)
	}
	return nil
}
