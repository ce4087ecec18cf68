package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

func TestActionCatalog_generatedFromTables(t *testing.T) {
	t.Parallel()
	want := []string{
		"dr_replication_pair_start", "dr_replication_pair_sync_once", "dr_replication_pair_stop", "dr_replication_pair_switchover",
		"dr_replication_pair_failover", "dr_replication_pair_reprotect", "dr_replication_pair_revert_failover",
		"dr_replication_pair_start_drill", "dr_replication_pair_stop_drill", "dr_replication_pair_drill", // pair drills (issue 27)
		"dr_protection_group_enable_protection", "dr_protection_group_sync_once", "dr_protection_group_disable_protection",
		"dr_protection_group_planned_failover", "dr_protection_group_failover", "dr_protection_group_reprotect",
		"dr_protection_group_revert_failover",
		"dr_protection_group_start_drill", "dr_protection_group_stop_drill", "dr_protection_group_drill", "dr_protection_group_clear_failure_jobs",
		"dr_recovery_server_failover", "dr_recovery_server_test_failover", "dr_recovery_server_stop_test_failover",
		"dr_recovery_server_failback", "dr_recovery_server_confirm_failback", "dr_recovery_server_cancel_failback",
		"dr_recovery_server_cancel_failover", "dr_recovery_server_drill",
	}
	got := map[string]ActionInfo{}
	for _, a := range ActionCatalog() {
		if _, dup := got[a.TypeName]; dup {
			t.Fatalf("duplicate action %s", a.TypeName)
		}
		got[a.TypeName] = a
	}
	for _, name := range want {
		if _, ok := got[name]; !ok {
			t.Errorf("missing action %s", name)
		}
	}
	if len(got) != len(want) {
		t.Errorf("catalog has %d actions, want %d: %v", len(got), len(want), got)
	}
	// every invocable verb row has its action; creates, deletes, on-request and platform rows have none
	for _, kind := range lifecycle.Kinds {
		for _, row := range lifecycle.Table(kind).Operations() {
			name := "dr_" + string(kind) + "_" + string(row.Name)
			_, has := got[name]
			verb := row.Invocable && !row.Create && (!row.OnRequest || len(row.Params) == 0) && row.Name != lifecycle.OpDelete
			if has != verb {
				t.Errorf("%s: action present = %v, want %v", name, has, verb)
			}
			if has && got[name].DataLoss != (row.DataLoss != nil) {
				t.Errorf("%s: DataLoss = %v", name, got[name].DataLoss)
			}
		}
	}
}

func TestActionSchemas(t *testing.T) {
	t.Parallel()
	resp, err := protoServer(t).GetProviderSchema(t.Context(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	wantOK(t, "schema", resp.Diagnostics)
	for _, info := range ActionCatalog() {
		s, ok := resp.ActionSchemas[info.TypeName]
		if !ok {
			t.Errorf("no schema for %s", info.TypeName)
			continue
		}
		if !strings.Contains(s.Schema.Block.Description, "`"+string(info.Op)+"`") {
			t.Errorf("%s: description does not name %s", info.TypeName, info.Op)
		}
		attrs := map[string]*tfprotov6.SchemaAttribute{}
		for _, a := range s.Schema.Block.Attributes {
			attrs[a.Name] = a
			if a.Description == "" {
				t.Errorf("%s.%s has no description", info.TypeName, a.Name)
			}
		}
		if a := attrs["id"]; a == nil || !a.Required || !a.Type.Is(tftypes.String) {
			t.Errorf("%s: id must be a required string", info.TypeName)
		}
		if a := attrs["precheck"]; a == nil || !a.Optional || !a.Type.Is(tftypes.Bool) {
			t.Errorf("%s: precheck must be an optional bool", info.TypeName)
		}
		if a := attrs["timeout"]; a == nil || !a.Optional || !a.Type.Is(tftypes.String) {
			t.Errorf("%s: timeout must be an optional string", info.TypeName)
		}
		if _, has := attrs["allow_data_loss"]; has != info.DataLoss {
			t.Errorf("%s: allow_data_loss present = %v, want %v", info.TypeName, has, info.DataLoss)
		}
	}
	if len(resp.ActionSchemas) != len(ActionCatalog()) {
		t.Errorf("%d action schemas, catalog has %d", len(resp.ActionSchemas), len(ActionCatalog()))
	}
}

func TestActionValidateConfig(t *testing.T) {
	t.Parallel()
	e := newActionEnv(t)
	const typ = "dr_replication_pair_failover"
	for _, tc := range []struct {
		name   string
		vals   map[string]any
		wantAt string // "" = valid
	}{
		{"valid", map[string]any{"id": "pair-1", "timeout": "45m", "allow_data_loss": true}, ""},
		{"defaults", map[string]any{"id": "pair-1"}, ""},
		{"unknown id", map[string]any{"id": tftypes.UnknownValue}, ""},
		{"bad id", map[string]any{"id": "bad id!"}, "id"},
		{"empty id", map[string]any{"id": ""}, "id"},
		{"bad timeout", map[string]any{"id": "pair-1", "timeout": "soon"}, "timeout"},
		{"timeout without unit", map[string]any{"id": "pair-1", "timeout": "30"}, "timeout"},
		{"timeout too short", map[string]any{"id": "pair-1", "timeout": "10ms"}, "timeout"},
		{"timeout too long", map[string]any{"id": "pair-1", "timeout": "48h"}, "timeout"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			diags := errorDiags(e.validate(typ, tc.vals))
			if tc.wantAt == "" {
				wantOK(t, tc.name, diags)
				return
			}
			if len(diags) == 0 {
				t.Fatalf("no error for %v", tc.vals)
			}
			want := tftypes.NewAttributePath().WithAttributeName(tc.wantAt)
			if diags[0].Attribute == nil || !diags[0].Attribute.Equal(want) {
				t.Fatalf("error %q at %v, want at %s", diags[0].Summary, diags[0].Attribute, tc.wantAt)
			}
		})
	}
}

// Without a configured provider (unknown provider configuration) plan skips the platform
// checks and invoke says why it cannot run.
func TestActionUnconfiguredProvider(t *testing.T) {
	t.Parallel()
	srv := protoServer(t)
	sresp, err := srv.GetProviderSchema(t.Context(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	//lint:ignore SA1019 terraform-plugin-go v0.31 reaches actions only through this interface (toolchain-facts §1)
	as := srv.(tfprotov6.ProviderServerWithActions)
	for _, typ := range []string{"dr_replication_pair_failover", "dr_protection_group_drill"} {
		cfg := actionValue(t, sresp.ActionSchemas, typ, map[string]any{"id": "pair-1"})
		wantOK(t, "plan "+typ, planAction(t, as, cfg, typ))
		r := invokeAction(t, as, cfg, typ)
		if errs := errorDiags(r.diags); len(errs) == 0 || !strings.Contains(errs[0].Summary, "not configured") {
			t.Fatalf("invoke %s unconfigured: %+v", typ, r.diags)
		}
	}
}

func TestActionPlan_refusals(t *testing.T) {
	t.Parallel()
	e := newActionSites(t)
	pair := e.replicatingPair("web")
	fresh := e.pair("fresh") // configured: never synchronised
	empty := e.group("empty")
	drilled := e.protectedGroup("drilled")
	if err := e.sb.Invoke(e.ctx, lifecycle.ProtectionGroup, drilled, lifecycle.OpStartDrill, "", nil); err != nil {
		t.Fatal(err)
	}
	rs := e.recoveryServer("vm")
	e.drive(lifecycle.RecoveryServer, rs, lifecycle.OpFailover, nil)

	for _, tc := range []struct {
		name, typ string
		vals      map[string]any
		rule, at  string
	}{
		{"pair reprotect never failed over", "dr_replication_pair_reprotect", map[string]any{"id": pair}, "V-PAIR-REPROT", "id"},
		{"pair forced failover without opt-in", "dr_replication_pair_failover", map[string]any{"id": pair}, "R002-8", "allow_data_loss"},
		{"pair failover before first sync", "dr_replication_pair_failover", map[string]any{"id": fresh, "allow_data_loss": true}, "R001-1", "id"},
		{"pair switchover before first sync", "dr_replication_pair_switchover", map[string]any{"id": fresh}, "V-PAIR-SWITCH", "id"},
		{"group without pairs", "dr_protection_group_enable_protection", map[string]any{"id": empty}, "R002-1", "id"},
		{"group failover from configured", "dr_protection_group_failover", map[string]any{"id": empty, "allow_data_loss": true}, "R002-2", "id"},
		{"group reprotect without failover", "dr_protection_group_reprotect", map[string]any{"id": empty}, "R000-1", "id"},
		{"group failover during a drill", "dr_protection_group_failover", map[string]any{"id": drilled, "allow_data_loss": true}, "V-DRILL", "id"},
		{"group planned failover during a drill", "dr_protection_group_planned_failover", map[string]any{"id": drilled}, "V-DRILL", "id"},
		{"second drill", "dr_protection_group_drill", map[string]any{"id": drilled}, "V-DRILL", "id"},
		{"drill of a group never synchronised", "dr_protection_group_drill", map[string]any{"id": empty}, "V-DRILL", "id"},
		{"cancel failover without opt-in", "dr_recovery_server_cancel_failover", map[string]any{"id": rs}, "R004-6", "allow_data_loss"},
		{"test failover while failed over", "dr_recovery_server_test_failover", map[string]any{"id": rs}, "R004-8", "id"},
		{"missing object", "dr_replication_pair_start", map[string]any{"id": "pair-missing"}, "not found", "id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantRefused(t, tc.name, e.plan(tc.typ, tc.vals), tc.rule, tc.at)
		})
	}

	// legal operations plan cleanly; unknown IDs are checked at invoke
	wantOK(t, "forced failover with opt-in", e.plan("dr_replication_pair_failover", map[string]any{"id": pair, "allow_data_loss": true}))
	wantOK(t, "cancel failover with opt-in", e.plan("dr_recovery_server_cancel_failover", map[string]any{"id": rs, "allow_data_loss": true}))
	wantOK(t, "stop the drill", e.plan("dr_protection_group_stop_drill", map[string]any{"id": drilled}))
	wantOK(t, "unknown id", e.plan("dr_replication_pair_failover", map[string]any{"id": tftypes.UnknownValue}))
	// an object already at the target: a warning, no error
	diags := e.plan("dr_replication_pair_start", map[string]any{"id": pair})
	wantOK(t, "start a replicating pair", diags)
	if len(diags) == 0 || !strings.Contains(diags[0].Summary, "nothing to do") {
		t.Fatalf("no 'nothing to do' warning: %+v", diags)
	}

	// the same refusals at invoke (the world may have moved since plan), and nothing changed
	before := e.observe(lifecycle.ProtectionGroup, drilled)
	r := e.invoke("dr_protection_group_failover", map[string]any{"id": drilled, "allow_data_loss": true})
	wantRefused(t, "invoke failover during drill", r.diags, "V-DRILL", "id")
	if after := e.observe(lifecycle.ProtectionGroup, drilled); after.Version != before.Version || after.State != lifecycle.Replicating {
		t.Fatalf("refused invoke changed the group: %+v", after)
	}
}

func TestActionInvoke_pairFailover(t *testing.T) {
	t.Parallel()
	e := newActionSites(t)
	id := e.replicatingPair("web")
	vals := map[string]any{"id": id, "allow_data_loss": true, "timeout": "5m"}

	wantOK(t, "plan", e.plan("dr_replication_pair_failover", vals))
	r := e.invoke("dr_replication_pair_failover", vals)
	wantOK(t, "invoke", r.diags)
	if r.completed != 1 {
		t.Fatalf("%d completed events, want 1", r.completed)
	}
	if len(r.progress) < 3 || !r.has("failover: started") || !r.has("failover: done, failed_over") || !r.has("finished") {
		t.Fatalf("progress: %q", r.progress)
	}
	for _, m := range r.progress {
		if !strings.HasPrefix(m, `dr_replication_pair "web": `) {
			t.Fatalf("progress message does not name the pair: %q", m)
		}
	}
	obs := e.wantState(lifecycle.ReplicationPair, id, "failed_over")
	if obs.ActiveSite != lifecycle.SiteTarget {
		t.Fatalf("active site %s after failover", obs.ActiveSite)
	}

	// a second invoke is a no-op that says so
	e.invokeSays("second invoke", "dr_replication_pair_failover", vals, "already failed_over", "no-op")
	if again := e.observe(lifecycle.ReplicationPair, id); again.Version != obs.Version {
		t.Fatalf("no-op changed the pair: version %d → %d", obs.Version, again.Version)
	}

	// reprotect is legal now and ends paused (Alibaba), then start resumes replication
	e.invokeOK("reprotect", "dr_replication_pair_reprotect", map[string]any{"id": id}, lifecycle.ReplicationPair, "paused", "next: replication stays paused")
	e.invokeOK("start", "dr_replication_pair_start", map[string]any{"id": id}, lifecycle.ReplicationPair, "replicating")
}

func TestActionInvoke_precheckChangesNothing(t *testing.T) {
	t.Parallel()
	e := newActionSites(t)
	id := e.replicatingPair("web")
	before := e.observe(lifecycle.ReplicationPair, id)
	calls := e.sb.Counters()["Invoke"]

	e.invokeSays("precheck", "dr_replication_pair_failover", map[string]any{"id": id, "allow_data_loss": true, "precheck": true},
		"✓ R001-1", "✓ V-FIRST-SYNC", "⚠ R002-8", "precheck passed", "nothing was changed")
	// a refused precheck reports every check and fails with the rule
	r := e.invoke("dr_replication_pair_failover", map[string]any{"id": id, "precheck": true})
	wantRefused(t, "precheck without opt-in", r.diags, "R002-8", "allow_data_loss")
	if !r.has("✗ R002-8") || !r.has("would be refused") {
		t.Fatalf("refused precheck progress: %q", r.progress)
	}
	r = e.invoke("dr_replication_pair_reprotect", map[string]any{"id": id, "precheck": true})
	wantRefused(t, "precheck reprotect", r.diags, "V-PAIR-REPROT", "id")

	after := e.observe(lifecycle.ReplicationPair, id)
	if after.Version != before.Version || after.State != before.State || after.ActiveSite != before.ActiveSite {
		t.Fatalf("precheck changed the pair: %+v → %+v", before, after)
	}
	if got := e.sb.Counters()["Invoke"]; got != calls {
		t.Fatalf("precheck made %d platform Invoke calls", got-calls)
	}
}

func TestActionInvoke_groupOperations(t *testing.T) {
	t.Parallel()
	e := newActionSites(t)
	gid := e.protectedGroup("app")

	r := e.invoke("dr_protection_group_disable_protection", map[string]any{"id": gid})
	wantOK(t, "disable", r.diags)
	e.wantState(lifecycle.ProtectionGroup, gid, "paused")
	e.invokeSays("disable again", "dr_protection_group_disable_protection", map[string]any{"id": gid}, "no-op")
	e.invokeOK("enable", "dr_protection_group_enable_protection", map[string]any{"id": gid}, lifecycle.ProtectionGroup, "replicating")

	r = e.invoke("dr_protection_group_planned_failover", map[string]any{"id": gid})
	wantOK(t, "planned failover", r.diags)
	obs := e.wantState(lifecycle.ProtectionGroup, gid, "replicating")
	if obs.ActiveSite != lifecycle.SiteTarget || !r.has("with the target site active") {
		t.Fatalf("planned failover: active %s, progress %q", obs.ActiveSite, r.progress)
	}
}

func TestActionInvoke_groupDrill(t *testing.T) {
	t.Parallel()
	e := newActionSites(t)
	gid := e.protectedGroup("app")
	before := e.observe(lifecycle.ProtectionGroup, gid)

	wantOK(t, "plan drill", e.plan("dr_protection_group_drill", map[string]any{"id": gid}))
	e.invokeSays("drill", "dr_protection_group_drill", map[string]any{"id": gid}, "drill: start_drill from replicating",
		"drill ready: time to ready", "the drill's RTO", "of simulated time at sandbox time_scale 100000", "of wall-clock time",
		"cleanup: stop_drill done")
	after := e.wantState(lifecycle.ProtectionGroup, gid, "replicating")
	if after.Facts.DrillActive || after.ActiveSite != before.ActiveSite {
		t.Fatalf("after the drill: drill active %v, active site %s", after.Facts.DrillActive, after.ActiveSite)
	}

	// the separate start/stop actions; V-DRILL blocks failover and reprotect meanwhile
	wantOK(t, "start_drill", e.invoke("dr_protection_group_start_drill", map[string]any{"id": gid}).diags)
	if !e.observe(lifecycle.ProtectionGroup, gid).Facts.DrillActive {
		t.Fatal("start_drill: no drill running")
	}
	e.invokeSays("start_drill again", "dr_protection_group_start_drill", map[string]any{"id": gid}, "no-op")
	wantRefused(t, "failover during drill", e.plan("dr_protection_group_failover", map[string]any{"id": gid, "allow_data_loss": true}), "V-DRILL", "id")
	wantRefused(t, "drill during drill", e.invoke("dr_protection_group_drill", map[string]any{"id": gid}).diags, "V-DRILL", "id")
	wantOK(t, "stop_drill", e.invoke("dr_protection_group_stop_drill", map[string]any{"id": gid}).diags)
	e.invokeSays("stop_drill again", "dr_protection_group_stop_drill", map[string]any{"id": gid}, "no-op")
	if e.observe(lifecycle.ProtectionGroup, gid).Facts.DrillActive {
		t.Fatal("second stop_drill: a drill is running")
	}
	// with the drill stopped, failover is legal again
	wantOK(t, "failover after drill", e.plan("dr_protection_group_failover", map[string]any{"id": gid, "allow_data_loss": true}))
}

func TestActionInvoke_drillCleanupAfterFailure(t *testing.T) {
	t.Parallel()
	e := newActionSites(t)
	gid := e.protectedGroup("app")

	// the drill fails to start: an error naming the step, and the cleanup finds nothing to do
	if err := e.sb.FailNext(e.ctx, lifecycle.ProtectionGroup, lifecycle.OpStartDrill, 1); err != nil {
		t.Fatal(err)
	}
	r := e.invoke("dr_protection_group_drill", map[string]any{"id": gid})
	errs := errorDiags(r.diags)
	if len(errs) == 0 || !strings.Contains(errs[0].Summary, "start_drill") || !strings.Contains(errs[0].Detail, "error{start_drill}") {
		for _, d := range r.diags {
			t.Logf("%s: %s", d.Summary, d.Detail)
		}
		t.Fatalf("failed drill diagnostics")
	}
	if !r.has("cleanup: nothing to clean up") || r.completed != 1 {
		t.Fatalf("failed drill progress: %q", r.progress)
	}
	if e.observe(lifecycle.ProtectionGroup, gid).Facts.DrillActive {
		t.Fatal("a failed drill left a drill running")
	}

	// recovery server drill: test failover → ready (RTO) → stop; a failing stop is reported
	rs := e.recoveryServer("vm")
	e.invokeOK("recovery server drill", "dr_recovery_server_drill", map[string]any{"id": rs}, lifecycle.RecoveryServer, "standby",
		"test_failover: done, testing", "the drill's RTO", "cleanup: stop_test_failover done")

	if err := e.sb.FailNext(e.ctx, lifecycle.RecoveryServer, lifecycle.OpStopTestFailover, 1); err != nil {
		t.Fatal(err)
	}
	r = e.invoke("dr_recovery_server_drill", map[string]any{"id": rs})
	errs = errorDiags(r.diags)
	if len(errs) == 0 || !strings.Contains(errs[0].Summary, "stop_test_failover") || !r.has("drill ready: time to ready") {
		t.Fatalf("failed cleanup: diags %+v progress %q", r.diags, r.progress)
	}
	e.wantState(lifecycle.RecoveryServer, rs, "error{stop_test_failover}")
	// the separate stop action retries the cleanup from error{stop_test_failover}
	e.invokeOK("stop_test_failover", "dr_recovery_server_stop_test_failover", map[string]any{"id": rs}, lifecycle.RecoveryServer, "standby")
}

func TestActionInvoke_recoveryServer(t *testing.T) {
	t.Parallel()
	e := newActionSites(t)
	rs := e.recoveryServer("vm")

	e.invokeOK("failover", "dr_recovery_server_failover", map[string]any{"id": rs}, lifecycle.RecoveryServer, "failed_over", "failover: done, failed_over")

	wantRefused(t, "cancel without opt-in", e.invoke("dr_recovery_server_cancel_failover", map[string]any{"id": rs}).diags, "R004-6", "allow_data_loss")
	e.wantState(lifecycle.RecoveryServer, rs, "failed_over")

	e.invokeOK("failback", "dr_recovery_server_failback", map[string]any{"id": rs}, lifecycle.RecoveryServer, "ready_for_failback")
	e.invokeOK("cancel failback", "dr_recovery_server_cancel_failback", map[string]any{"id": rs}, lifecycle.RecoveryServer, "failed_over")
	e.invokeOK("cancel failover with opt-in", "dr_recovery_server_cancel_failover", map[string]any{"id": rs, "allow_data_loss": true}, lifecycle.RecoveryServer, "standby")
}

// A timeout cancels the platform operation: the sandbox runs at real speed for the action
// (a 15 s failover) and the action's 1 s timeout cancels it.
func TestActionInvoke_timeoutCancels(t *testing.T) {
	t.Parallel()
	e := newActionSites(t)
	id := e.replicatingPair("web")
	slow := e.server(1) // the same database, simulated durations in real time

	typ := "dr_replication_pair_failover"
	r := invokeAction(t, slow, e.cfg(typ, map[string]any{"id": id, "allow_data_loss": true, "timeout": "1s"}), typ)
	errs := errorDiags(r.diags)
	if len(errs) == 0 || !strings.Contains(errs[0].Detail, "timeout") {
		t.Fatalf("timeout diagnostics: %+v", r.diags)
	}
	if !r.has("failover: started") {
		t.Fatalf("progress: %q", r.progress)
	}
	// cancelled: back where it was, production still at the primary
	obs := e.wantState(lifecycle.ReplicationPair, id, "replicating")
	if obs.ActiveSite != lifecycle.SiteSource {
		t.Fatalf("active site %s after a cancelled failover", obs.ActiveSite)
	}
}

// The pair drill actions at the protocol level (generated from the pair's start_drill and
// stop_drill rows): dr_replication_pair_drill starts, waits until ready, reports the time to
// ready and cleans up, leaving a succeeded drill on record; start_drill/stop_drill run one each
// (a second is a no-op); during a drill the pair's failover and switchover are refused at
// plan (V-DRILL); a drill before the first synchronisation, or of a pair in a group, is
// refused at plan with the engine's rule.
func TestActionInvoke_pairDrill(t *testing.T) {
	t.Parallel()
	e := newActionSites(t)
	id := e.replicatingPair("web")

	wantOK(t, "plan drill", e.plan("dr_replication_pair_drill", map[string]any{"id": id}))
	e.invokeSays("drill", "dr_replication_pair_drill", map[string]any{"id": id},
		"drill: start_drill from replicating", "drill ready: time to ready", "cleanup: stop_drill done")
	p, err := e.sb.GetPair(e.ctx, id)
	if err != nil || p.DrillActive || p.LastDrill == nil || p.LastDrill.Outcome != platform.DrillSucceeded {
		t.Fatalf("after the drill: active %v record %+v %v", p.DrillActive, p.LastDrill, err)
	}

	wantOK(t, "start_drill", e.invoke("dr_replication_pair_start_drill", map[string]any{"id": id}).diags)
	if !e.observe(lifecycle.ReplicationPair, id).Facts.DrillActive {
		t.Fatal("start_drill: no drill running")
	}
	if r := e.invoke("dr_replication_pair_start_drill", map[string]any{"id": id}); !r.has("no-op") {
		t.Fatalf("second start_drill: %q", r.progress)
	}
	wantRefused(t, "failover during the drill", e.plan("dr_replication_pair_failover", map[string]any{"id": id, "allow_data_loss": true}), "V-DRILL", "id")
	wantRefused(t, "switchover during the drill", e.plan("dr_replication_pair_switchover", map[string]any{"id": id}), "V-DRILL", "id")
	wantRefused(t, "a second drill", e.invoke("dr_replication_pair_drill", map[string]any{"id": id}).diags, "V-DRILL", "id")
	wantOK(t, "stop_drill", e.invoke("dr_replication_pair_stop_drill", map[string]any{"id": id}).diags)
	if r := e.invoke("dr_replication_pair_stop_drill", map[string]any{"id": id}); !r.has("no-op") {
		t.Fatalf("second stop_drill: %q", r.progress)
	}

	wantRefused(t, "drill before the first sync", e.plan("dr_replication_pair_drill", map[string]any{"id": e.pair("new")}), "V-DRILL", "id")
	gid := e.protectedGroup("app")
	member := e.observe(lifecycle.ProtectionGroup, gid)
	g, _ := e.sb.GetGroup(e.ctx, member.ID)
	wantRefused(t, "drill of a grouped pair", e.plan("dr_replication_pair_start_drill", map[string]any{"id": g.PairIDs[0]}), "V-PAIR-IN-GROUP", "id")
}
