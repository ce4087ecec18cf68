package provider

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// Readiness and the last drill as data (issue 27): computed attributes of the DR resources,
// their data sources, list resources and dr_readiness, filled from the read model by the
// engine's ReadinessOf — the provider renders the verdict, it decides nothing.

// blockerType is one entry of a readiness operation's blocked_by.
var blockerType = types.ObjectType{AttrTypes: map[string]attr.Type{"rule": types.StringType, "message": types.StringType}}

// opReadinessType is a readiness operation's object.
var opReadinessType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"operation": types.StringType, "ready": types.BoolType, "blocked_by": types.ListType{ElemType: blockerType}, "reason": types.StringType,
}}

// rpoType is the recovery point objective's object.
var rpoType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"within": types.BoolType, "lag_seconds": types.Int64Type, "rpo_seconds": types.Int64Type, "reason": types.StringType,
}}

// readinessType is the readiness object of a kind: one object per readiness role of its
// table, and rpo where the kind replicates.
func readinessType(kind lifecycle.Kind) types.ObjectType {
	at := map[string]attr.Type{}
	for _, ro := range lifecycle.ReadinessOps(kind) {
		at[string(ro.Role)] = opReadinessType
	}
	if lifecycle.HasRPO(kind) {
		at["rpo"] = rpoType
	}
	return types.ObjectType{AttrTypes: at}
}

// readinessAttribute is the readiness attribute of a kind's schema.
func readinessAttribute(kind lifecycle.Kind) schema.SingleNestedAttribute {
	noun := lifecycle.Table(kind).Noun
	attrs := map[string]schema.Attribute{}
	for _, ro := range lifecycle.ReadinessOps(kind) {
		what := "a failover (unplanned: for a faulty production site)"
		if ro.Role == lifecycle.RolePlannedFailover {
			what = "a planned failover (`" + string(ro.Op) + "`: production moves without data loss)"
		}
		attrs[string(ro.Role)] = schema.SingleNestedAttribute{
			MarkdownDescription: fmt.Sprintf("Whether %s could start on this %s now.", what, noun),
			Computed:            true,
			Attributes: map[string]schema.Attribute{
				"operation": reported(fmt.Sprintf("The engine operation judged: `%s`.", ro.Op)),
				"ready": reportedBool("`true` when every check of the operation passes now; `false` when a rule refuses it " +
					"(see `blocked_by`); null when a check cannot be made because the platform does not report a fact it " +
					"needs, now or ever (see `reason`). The `allow_data_loss` opt-in is not a readiness fact: a failover " +
					"with a healthy production site is ready, and still needs the opt-in when it runs."),
				"blocked_by": schema.ListNestedAttribute{
					MarkdownDescription: "The rules that refuse the operation now, each with the engine's message (what it " +
						"observed and the remedy) — the same refusal a plan would show. When the " + noun + " is in a state " +
						"the operation does not start from, the preconditions that would refuse too are listed after " +
						"the state's rule. Empty when ready.",
					Computed: true,
					NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
						"rule":    reported("The rule ID, e.g. `V-FIRST-SYNC` (see the rules table of this page)."),
						"message": reported("The engine's refusal: the rule, what was observed, the remedy."),
					}},
				},
				"reason": reported("Why `ready` is null: the checks that could not be made, naming the facts the platform " +
					"does not report (now, or ever on this platform). Null when `ready` is known."),
			},
		}
	}
	if lifecycle.HasRPO(kind) {
		attrs["rpo"] = schema.SingleNestedAttribute{
			MarkdownDescription: "Whether the standby site's copy is within the recovery point objective: a failover now would lose at most `rpo_seconds` of writes.",
			Computed:            true,
			Attributes: map[string]schema.Attribute{
				"within": reportedBool("`true` when the first synchronisation completed, production has not failed over, and " +
					"the replication lag is at most the objective; `false` otherwise (see `reason`); null when the platform " +
					"does not report the lag and nothing else decides (see `reason`)."),
				"lag_seconds": reportedInt("How old the standby copy is: seconds since the last recovery point, on the " +
					"platform's clock (the sandbox: simulated seconds at its `time_scale`). Null when there is none to judge."),
				"rpo_seconds": reportedInt("The recovery point objective the lag is judged against."),
				"reason":      reported("Why `within` is `false` or null."),
			},
		}
	}
	return schema.SingleNestedAttribute{
		MarkdownDescription: "Failover readiness, as the lifecycle engine judges it from what the platform reports now " +
			"(refreshed with the object): for each operation that moves production to the other site, whether it could " +
			"start and, if not, the rules that refuse it" + map[bool]string{true: "; and whether the standby copy is within the recovery point objective", false: ""}[lifecycle.HasRPO(kind)] +
			". Use it in `check` blocks and `terraform test` assertions (see the guide *Failover readiness in CI*).",
		Computed:   true,
		Attributes: attrs,
	}
}

// readinessValue renders the engine's readiness of an observed object.
func readinessValue(kind lifecycle.Kind, obs lifecycle.Observation) types.Object {
	return renderReadiness(kind, lifecycle.ReadinessOf(kind, obs, lifecycle.Options{}))
}

// renderReadiness renders a readiness verdict of the engine.
func renderReadiness(kind lifecycle.Kind, r lifecycle.Readiness) types.Object {
	vals := map[string]attr.Value{}
	for _, o := range r.Ops {
		blockers := make([]attr.Value, 0, len(o.Blocking))
		for _, v := range o.Blocking {
			blockers = append(blockers, types.ObjectValueMust(blockerType.AttrTypes, map[string]attr.Value{
				"rule": types.StringValue(v.Rule), "message": types.StringValue(v.Message)}))
		}
		ready := types.BoolNull()
		if o.Known {
			ready = types.BoolValue(o.Ready)
		}
		vals[string(o.Role)] = types.ObjectValueMust(opReadinessType.AttrTypes, map[string]attr.Value{
			"operation": types.StringValue(string(o.Op)), "ready": ready,
			"blocked_by": types.ListValueMust(blockerType, blockers), "reason": optionalString(o.Why()),
		})
	}
	if r.RPO != nil {
		within, lag, rpo := types.BoolNull(), types.Int64Null(), types.Int64Null()
		if r.RPO.Known {
			within = types.BoolValue(r.RPO.Within)
		}
		if r.RPO.Measured {
			lag, rpo = types.Int64Value(r.RPO.LagSeconds), types.Int64Value(r.RPO.RPOSeconds)
		}
		vals["rpo"] = types.ObjectValueMust(rpoType.AttrTypes, map[string]attr.Value{
			"within": within, "lag_seconds": lag, "rpo_seconds": rpo, "reason": optionalString(r.RPO.Why)})
	}
	return types.ObjectValueMust(readinessType(kind).AttrTypes, vals)
}

// lastDrillType is the last_drill object.
var lastDrillType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"started_at": types.StringType, "ready_at": types.StringType, "ended_at": types.StringType, "outcome": types.StringType,
	"time_to_ready_seconds": types.Int64Type, "message": types.StringType, "unreported": types.MapType{ElemType: types.StringType},
}}

// lastDrillAttribute is the last_drill attribute; what names the drill ("drill", "test failover").
func lastDrillAttribute(what string) schema.SingleNestedAttribute {
	return schema.SingleNestedAttribute{
		MarkdownDescription: fmt.Sprintf("The last %s on record, as the platform reports it (null: none on record). "+
			"A time the platform does not report is null and named in `unreported` with why.", what),
		Computed: true,
		Attributes: map[string]schema.Attribute{
			"started_at": reported("When it started (RFC 3339)."),
			"ready_at":   reported("When its test copy was ready (RFC 3339)."),
			"ended_at":   reported("When it was cleaned up, or failed (RFC 3339); null while it runs."),
			"outcome": reported("`" + strings.Join([]string{platform.DrillStarting, platform.DrillReady, platform.DrillCleaningUp,
				platform.DrillSucceeded, platform.DrillFailed, platform.DrillCleanupFailed}, "`, `") + "`: starting (not ready yet), ready " +
				"(running, not cleaned up), being cleaned up, succeeded (became ready and was cleaned up), failed (never " +
				"became ready), or its cleanup failed (test resources may be left)."),
			"time_to_ready_seconds": reportedInt("How long its test copy took to be ready (the drill's RTO), in seconds of the " +
				"platform's clock (the sandbox: simulated time at its `time_scale`)."),
			"message": reported("The platform's message of a failed drill or cleanup."),
			"unreported": schema.MapAttribute{
				MarkdownDescription: "The fields the platform does not report, each with why (e.g. `ended_at`: Alibaba EBS lists a drill only until it is cleared).",
				Computed:            true, ElementType: types.StringType,
			},
		},
	}
}

// lastDrillValue renders a drill record.
func lastDrillValue(d *platform.DrillRecord) types.Object {
	if d == nil {
		return types.ObjectNull(lastDrillType.AttrTypes)
	}
	ttr := types.Int64Null()
	if !d.ReadyAt.IsZero() {
		ttr = types.Int64Value(int64(d.TimeToReady.Seconds()))
	}
	un := map[string]attr.Value{}
	keys := make([]string, 0, len(d.Unreported))
	for k := range d.Unreported {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		un[k] = types.StringValue(d.Unreported[k])
		if k == "time_to_ready" {
			ttr = types.Int64Null()
		}
	}
	return types.ObjectValueMust(lastDrillType.AttrTypes, map[string]attr.Value{
		"started_at": timeString(d.StartedAt), "ready_at": timeString(d.ReadyAt), "ended_at": timeString(d.EndedAt),
		"outcome": optionalString(d.Outcome), "time_to_ready_seconds": ttr, "message": optionalString(d.Message),
		"unreported": types.MapValueMust(types.StringType, un),
	})
}
