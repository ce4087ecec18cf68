package lifecycle

import "slices"

// NamesCandidate reports whether the operation's checks read a candidate's facts
// (FactCandidate: the pair add_member adds, the server add_server protects), which the platform
// reports for each candidate (Groups.MemberFacts).
func (o *Operation) NamesCandidate() bool {
	for _, p := range o.Preconditions {
		if slices.Contains(p.Facts, FactCandidate) {
			return true
		}
	}
	return false
}

// CheckRequests checks, at plan, the goal's required operations that name a candidate
// (NamesCandidate: add_member, add_server; V-GRP-MEMBERS) on the observed object, each on
// its candidate's facts — candidate returns them for a request (false: they cannot be had; the
// caller says why, and the request is left to the apply) — and on the effects of the requests
// before it in the goal: the members the goal removes and adds first count toward the
// platform's limit (Capabilities.MemberLimit), so the request beyond it is the one refused.
// Only the preconditions are checked (not the from-state: the path pauses the object first
// where it must, Plan decides that). Every violation names its request's parameters
// (Violation.Params: pair_id, server_id).
func CheckRequests(kind Kind, obs Observation, goal Goal, opts Options, candidate func(OpRequest) (Facts, bool)) []Violation {
	t := Table(kind)
	if t == nil {
		return nil
	}
	if obs.Platform == nil {
		obs.Platform = opts.Platform
	}
	var out []Violation
	var before []*Operation // the requests checked so far, whose effects the next one sees
	for _, req := range goal.Required {
		row, ok := t.Operation(req.Op)
		if !ok {
			continue
		}
		if row.NamesCandidate() {
			if facts, known := candidate(req); known {
				for _, b := range before {
					b.Effect(&facts)
				}
				o := obs
				o.Facts = facts
				for _, v := range CheckPreconditions(kind, req.Op, o) {
					if len(v.Params) == 0 {
						v.Params = sortedKeys(req.Params)
					}
					out = append(out, v)
				}
			}
		}
		if row.Effect != nil {
			before = append(before, row)
		}
	}
	return out
}
