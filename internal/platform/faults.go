package platform

import (
	"math"
	"slices"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
)

// MaxFaultLatency bounds a latency fault (every call sleeps it).
const MaxFaultLatency = 10 * time.Minute

// MaxFailNext bounds a fail_next fault's count.
const MaxFailNext = 1000

// syncRows are the kind's operations that synchronise data (the engine's Syncs rows).
func syncRows(k lifecycle.Kind) []lifecycle.Op {
	var out []lifecycle.Op
	for _, op := range lifecycle.Table(k).Operations() {
		if op.Syncs {
			out = append(out, op.Name)
		}
	}
	return out
}

// ValidateFault checks a fault's type, scope and parameters (vendor-neutral input checks of
// the sandbox's own API, not lifecycle rules), and fills Count's default (1) and Remaining.
func ValidateFault(f *Fault) error {
	bad := func(format string, args ...any) error {
		return Invalidf("InvalidFault", "%s fault: "+format, append([]any{f.Type}, args...)...)
	}
	if !slices.Contains(FaultTypes, f.Type) {
		return Invalidf("InvalidFault", "unknown fault type %q (one of %v)", f.Type, FaultTypes)
	}
	if f.Kind != "" && lifecycle.Table(f.Kind) == nil {
		return bad("unknown kind %q", f.Kind)
	}
	if f.Op != "" && f.Kind != "" {
		if _, ok := lifecycle.Table(f.Kind).Operation(f.Op); !ok {
			return bad("%s has no operation %q", f.Kind, f.Op)
		}
	}
	if f.Type != FaultTransientErrors && f.Rate != 0 {
		return bad("rate applies to transient_errors only")
	}
	if f.Type != FaultLatency && f.Latency != 0 {
		return bad("latency applies to latency faults only")
	}
	if f.Type != FaultFailNext && f.Count != 0 {
		return bad("count applies to fail_next only")
	}
	switch f.Type {
	case FaultTransientErrors:
		if !(f.Rate > 0 && f.Rate <= 1) || math.IsNaN(f.Rate) {
			return bad("rate %v is outside (0, 1]", f.Rate)
		}
	case FaultLatency:
		if f.Latency <= 0 || f.Latency > MaxFaultLatency {
			return bad("latency %s is outside (0, %s]", f.Latency, MaxFaultLatency)
		}
	case FaultFailNext:
		if f.Kind == "" || f.Op == "" {
			return bad("needs a kind and an operation")
		}
		if f.Count == 0 {
			f.Count = 1
		}
		if f.Count < 1 || f.Count > MaxFailNext {
			return bad("count %d is outside 1..%d", f.Count, MaxFailNext)
		}
		f.Remaining = f.Count
	case FaultVolumeLost:
		if f.ObjectID == "" {
			return bad("needs the volume's ID (object_id)")
		}
		if f.Kind != "" || f.Op != "" {
			return bad("takes no kind or operation: its scope is the volume")
		}
	case FaultLinkStall:
		if f.Kind != "" && len(syncRows(f.Kind)) == 0 {
			return bad("applies to replication_pair and protection_group only, not %s", f.Kind)
		}
		if f.Op != "" {
			ok := false
			for _, k := range lifecycle.Kinds {
				if (f.Kind == "" || f.Kind == k) && lifecycle.Syncs(k, f.Op) {
					ok = true
				}
			}
			if !ok {
				return bad("operation %q does not synchronise data (start, enable_protection, reprotect do)", f.Op)
			}
		}
	}
	return nil
}
