package lifecycle

import (
	"fmt"
	"strings"
)

// Readiness (issue 27): could production move to the other site now, and would it find data
// there within the object's recovery point objective? The answer is the engine's own: the
// operations it reports on are read from the kind's table (ReadinessOps), their verdict is
// Check's — the same from-states, preconditions and platform capabilities a plan applies —
// and only the allow_data_loss opt-in is left out (whether a failover is forced, and may
// lose data, is a choice made when it runs, not a readiness fact). Nothing is recomputed
// outside the tables.
//
// A verdict is known, or unknown with a reason: a check whose facts the platform does not
// report now is deferred (Check's Deferred violations), and one whose facts it never reports
// (Capabilities.Unobservable) says so. A refusal decides the verdict even when another
// check is unknown.

// ReadinessRole is what an operation stands for in readiness: a failover, or the planned
// failover (switchover) that moves production without data loss.
type ReadinessRole string

// Readiness roles.
const (
	RoleFailover        ReadinessRole = "failover"
	RolePlannedFailover ReadinessRole = "planned_failover"
)

// ReadinessOp is one operation readiness reports on.
type ReadinessOp struct {
	Role ReadinessRole
	Op   Op
}

// ReadinessOps lists the operations readiness reports on for a kind, from its table: the
// failover row (RoleFailover), then the invocable row that moves production to the other site
// without a data-loss rule and not only on request (RolePlannedFailover: a pair's switchover,
// a group's planned_failover). A kind without a failover row (backup_replica) has none.
func ReadinessOps(kind Kind) []ReadinessOp {
	t := Table(kind)
	if t == nil {
		return nil
	}
	if _, ok := t.Operation(OpFailover); !ok {
		return nil
	}
	out := []ReadinessOp{{RoleFailover, OpFailover}}
	for _, o := range t.ops {
		if o.Invocable && !o.OnRequest && o.Site == SiteFlip && o.DataLoss == nil && o.Name != OpFailover {
			out = append(out, ReadinessOp{RolePlannedFailover, o.Name})
			break
		}
	}
	return out
}

// HasRPO reports whether readiness judges the kind's replication lag against its recovery
// point objective: kinds with rows that copy data between the sites (pairs, groups).
func HasRPO(kind Kind) bool {
	t := Table(kind)
	if t == nil {
		return false
	}
	for _, o := range t.ops {
		if o.Syncs {
			return true
		}
	}
	return false
}

// OpReadiness is whether one operation could start now.
type OpReadiness struct {
	Role ReadinessRole
	Op   Op
	// Known: the verdict could be decided (a check refuses, or every check could be made);
	// Ready is the verdict. Unknown: the checks left undecided, which say why.
	Known, Ready bool
	// Blocking are the refusals now: Check's, and — when Check refused by state, and so
	// stopped there — the preconditions that would refuse too (CheckPreconditions), so a
	// group that never synchronised names V-FIRST-SYNC beside its from-state rule.
	Blocking []Violation
	// Unknown are the checks whose facts are not known now (Check's deferred violations;
	// Unobservable ones name facts the platform never reports).
	Unknown []Violation
}

// Why says why the verdict is not known ("" when it is).
func (r OpReadiness) Why() string {
	if r.Known {
		return ""
	}
	msgs := make([]string, len(r.Unknown))
	for i, v := range r.Unknown {
		msgs[i] = v.Message
	}
	return strings.Join(msgs, " ")
}

// RPOReadiness is whether the standby site's copy is within the recovery point objective.
type RPOReadiness struct {
	// Known: the platform reported what the judgement needs; Within is the judgement.
	Known, Within bool
	// LagSeconds and RPOSeconds are the observed lag and objective (when Known and the
	// object has a copy to judge).
	LagSeconds, RPOSeconds int64
	// Measured: the lag and objective were observed (false when no copy exists yet, or the
	// platform does not report them).
	Measured bool
	// Why explains a copy that is not within the objective, or why it is not known.
	Why string
}

// Readiness is an object's readiness: one entry per ReadinessOps row, and the RPO judgement
// (HasRPO kinds only).
type Readiness struct {
	Kind Kind
	Ops  []OpReadiness
	RPO  *RPOReadiness
	// Group, for a pair that belongs to a protection group, is that group: the pair fails
	// over with it (V-PAIR-IN-GROUP), so the group's readiness is the pair's.
	Group string
}

// Op returns the entry of a role (false when the kind has none).
func (r Readiness) Op(role ReadinessRole) (OpReadiness, bool) {
	for _, o := range r.Ops {
		if o.Role == role {
			return o, true
		}
	}
	return OpReadiness{}, false
}

// ReadinessOf judges an observed object's readiness on its platform (opts.Platform, else
// obs.Platform). The allow_data_loss opt-in is not a readiness fact and is left out.
func ReadinessOf(kind Kind, obs Observation, opts Options) Readiness {
	if obs.Kind == "" {
		obs.Kind = kind
	}
	if opts.Platform == nil {
		opts.Platform = obs.Platform
	}
	opts.AllowDataLoss = true
	out := Readiness{Kind: kind}
	if kind == ReplicationPair && obs.Facts.InGroup {
		out.Group = obs.Facts.GroupID
	}
	for _, ro := range ReadinessOps(kind) {
		out.Ops = append(out.Ops, opReadiness(kind, ro, obs, opts))
	}
	if HasRPO(kind) {
		r := rpoReadiness(&obs, opts)
		out.RPO = &r
	}
	return out
}

func opReadiness(kind Kind, ro ReadinessOp, obs Observation, opts Options) OpReadiness {
	vs := Check(kind, ro.Op, obs, opts)
	r := OpReadiness{Role: ro.Role, Op: ro.Op, Blocking: Blocking(vs), Unknown: DeferredOnly(vs)}
	byState := false
	for _, v := range r.Blocking {
		byState = byState || v.Precondition == "from_state"
	}
	if byState {
		seen := map[string]bool{}
		for _, v := range r.Blocking {
			seen[v.Rule+"/"+v.Precondition] = true
		}
		for _, v := range Blocking(CheckPreconditions(kind, ro.Op, obs)) {
			if !seen[v.Rule+"/"+v.Precondition] {
				seen[v.Rule+"/"+v.Precondition] = true
				r.Blocking = append(r.Blocking, v)
			}
		}
	}
	r.Known = len(r.Blocking) > 0 || len(r.Unknown) == 0
	r.Ready = r.Known && len(r.Blocking) == 0
	if len(r.Blocking) > 0 {
		r.Unknown = nil // decided: what else is unknown does not change the verdict
	}
	return r
}

// rpoReadiness judges the standby copy's age against the objective: within it when the
// first synchronisation completed, production has not failed over (nothing replicates then)
// and the lag is at most the objective. A known incomplete first synchronisation or a
// failover decides "not within" even where the platform does not report the lag.
func rpoReadiness(o *Observation, opts Options) RPOReadiness {
	f := o.Facts
	switch {
	case !f.FirstSyncDone && !f.Unknown[FactFirstSync]:
		return RPOReadiness{Known: true, Why: fmt.Sprintf("%s has no complete copy at the standby site: its first synchronisation has not completed (V-FIRST-SYNC).", capitalize(quoteName(o)))}
	case o.State == FailedOver || o.State == FailingOver:
		return RPOReadiness{Known: true, Why: fmt.Sprintf("%s is %s: nothing replicates to the other site until it is reprotected.", capitalize(quoteName(o)), RenderState(o.State, o.FailedOp))}
	}
	if f.Unknown[FactLag] || f.Unknown[FactFirstSync] {
		if never := opts.Platform.unobservable([]string{FactLag}); f.Unknown[FactLag] && len(never) > 0 {
			return RPOReadiness{Why: fmt.Sprintf("%s does not report the replication lag of %s, so whether its standby copy is within the recovery point objective is not known.",
				opts.Platform.name(), quoteName(o))}
		}
		if f.Unknown[FactLag] {
			return RPOReadiness{Why: fmt.Sprintf("The replication lag of %s is not known now.", quoteName(o))}
		}
		return RPOReadiness{Why: fmt.Sprintf("Whether %s completed its first synchronisation is not known now.", quoteName(o))}
	}
	switch {
	case f.RPOSeconds <= 0:
		return RPOReadiness{Why: fmt.Sprintf("%s reports no recovery point objective for %s.", opts.Platform.name(), quoteName(o))}
	}
	r := RPOReadiness{Known: true, Measured: true, LagSeconds: f.LagSeconds, RPOSeconds: f.RPOSeconds, Within: f.LagSeconds <= f.RPOSeconds}
	if !r.Within {
		cause := "its replication link is stalled or too slow"
		if o.State != Replicating {
			cause = "replication is " + RenderState(o.State, o.FailedOp)
		}
		r.Why = fmt.Sprintf("The standby copy of %s is %ds old, over its recovery point objective of %ds: no recovery point was cut since (%s).",
			quoteName(o), f.LagSeconds, f.RPOSeconds, cause)
	}
	return r
}

// ReadinessMarkdown renders, for every kind with readiness (or those given), the table of what
// can block each readiness operation — its from-state rule, each precondition's rule and
// requirement, and V-PLATFORM (a platform whose API does not offer it) — and what the RPO
// judgement needs. Generated into the docs.
func ReadinessMarkdown(only ...Kind) string {
	var b strings.Builder
	b.WriteString("| Resource | Readiness | Rule | Requirement (refused when not met) |\n|---|---|---|---|\n")
	kinds := Kinds
	if len(only) > 0 {
		kinds = only
	}
	for _, k := range kinds {
		t := Table(k)
		for _, ro := range ReadinessOps(k) {
			row, _ := t.Operation(ro.Op)
			line := func(rule, req string) {
				fmt.Fprintf(&b, "| `dr_%s` | `%s` | %s | `%s` %s |\n", k, ro.Role, rule, ro.Op, req)
			}
			froms := make([]string, len(row.From))
			for i, f := range row.From {
				froms[i] = "`" + f.String() + "`"
			}
			for _, p := range row.Preconditions {
				if p.Guard {
					line(ruleLabel(p.Rule, p.Also), p.Requirement)
				}
			}
			line(row.FromRule, "starts only from "+strings.Join(froms, ", "))
			for _, p := range row.Preconditions {
				if !p.Guard {
					line(ruleLabel(p.Rule, p.Also), p.Requirement)
				}
			}
			line("V-PLATFORM", "is offered by the platform's API (not a console step, `Capabilities.Manual`)")
		}
		if HasRPO(k) {
			fmt.Fprintf(&b, "| `dr_%s` | `rpo` | V-FIRST-SYNC | `within`: the first synchronisation completed, production has not failed over, "+
				"and the replication lag is at most the recovery point objective |\n", k)
		}
	}
	return b.String()
}
