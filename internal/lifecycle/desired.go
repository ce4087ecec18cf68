package lifecycle

import (
	"slices"
	"sort"
)

// DesiredAttribute is a desired-state attribute of a kind's resource (pair "replication",
// group "protection", recovery server "mode"): each value names the stable states that
// satisfy it. The provider derives its validators, its plan goals and the value it reports
// for an observed state from here, so the mapping lives next to the tables it refers to.
type DesiredAttribute struct {
	Kind   Kind
	Name   string
	Values map[string][]State
}

var desiredAttributes = []DesiredAttribute{
	{Kind: ReplicationPair, Name: "replication", Values: map[string][]State{
		"running": {Replicating},
		"paused":  {Configured, Paused, FailedOver},
	}},
	{Kind: ProtectionGroup, Name: "protection", Values: map[string][]State{
		"enabled":  {Replicating},
		"disabled": {Configured, Paused, FailedOver},
	}},
	{Kind: RecoveryServer, Name: "mode", Values: map[string][]State{
		"standby":            {Standby},
		"failover":           {FailedOver},
		"test_failover":      {Testing},
		"ready_for_failback": {ReadyForFailback},
	}},
}

// Desired returns the desired-state attribute of a kind, or nil.
func Desired(kind Kind) *DesiredAttribute {
	for i := range desiredAttributes {
		if desiredAttributes[i].Kind == kind {
			return &desiredAttributes[i]
		}
	}
	return nil
}

// ValueNames lists the attribute's values, sorted (for validators and docs).
func (d *DesiredAttribute) ValueNames() []string {
	out := make([]string, 0, len(d.Values))
	for v := range d.Values {
		out = append(out, v)
	}
	sort.Strings(out)
	return out
}

// States returns the states that satisfy value (nil for an unknown value).
func (d *DesiredAttribute) States(value string) []State { return d.Values[value] }

// Observed returns the value an observed state counts as: the value whose states contain it,
// or, for a transitional state, the value of the state the running operation leads to. A
// failed operation (error{op}) or a state no value covers counts as none ("").
func (d *DesiredAttribute) Observed(s State) string {
	if v := d.valueOf(s); v != "" {
		return v
	}
	t := Table(d.Kind)
	if t == nil || t.Class(s) != Transitional {
		return ""
	}
	for _, op := range t.Operations() {
		if op.Via == s && op.OnSuccess != "" {
			if v := d.valueOf(op.OnSuccess); v != "" {
				return v
			}
		}
	}
	return ""
}

func (d *DesiredAttribute) valueOf(s State) string {
	for _, v := range d.ValueNames() {
		for _, st := range d.Values[v] {
			if st == s {
				return v
			}
		}
	}
	return ""
}

// valueFor returns the value whose states are exactly states (in any order), "" when none is
// (a goal no value of the attribute declares, e.g. a destroy's). A nil attribute has none.
func (d *DesiredAttribute) valueFor(states []State) string {
	if d == nil {
		return ""
	}
	for _, v := range d.ValueNames() {
		want := d.Values[v]
		if len(want) != len(states) {
			continue
		}
		all := true
		for _, s := range states {
			if !slices.Contains(want, s) {
				all = false
			}
		}
		if all {
			return v
		}
	}
	return ""
}
