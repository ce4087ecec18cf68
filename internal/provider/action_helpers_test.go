package provider

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/sandbox"
)

// actionEnv is a configured provider served over protocol 6 with actions, and the same
// sandbox database opened directly to set objects up and to assert on the platform.
type actionEnv struct {
	t   *testing.T
	ctx context.Context
	db  string
	sb  *sandbox.Sandbox
	//lint:ignore SA1019 terraform-plugin-go v0.31 reaches actions only through this interface (toolchain-facts §1)
	srv     tfprotov6.ProviderServerWithActions
	schemas map[string]*tfprotov6.ActionSchema
}

// newActionSites is newActionEnv with the two sites (sites) in place.
func newActionSites(t *testing.T) *actionEnv {
	t.Helper()
	e := newActionEnv(t)
	e.sites()
	return e
}

func newActionEnv(t *testing.T) *actionEnv {
	t.Helper()
	db := testAccSandbox(t)
	e := &actionEnv{t: t, ctx: t.Context(), db: db}
	e.srv = e.server(accTimeScale)
	e.sb = testAccOpenSandbox(t, db)
	return e
}

// server returns a provider configured on the env's database with the given time scale.
//
//lint:ignore SA1019 terraform-plugin-go v0.31 reaches actions only through this interface (toolchain-facts §1)
func (e *actionEnv) server(timeScale float64) tfprotov6.ProviderServerWithActions {
	e.t.Helper()
	srv, schemas := configuredActionServer(e.t, providerConfig(e.t, e.db, timeScale))
	e.schemas = schemas
	return srv
}

// configuredActionServer is a provider over protocol 6 configured with cfg (it must configure
// without error), and its action schemas.
//
//lint:ignore SA1019 terraform-plugin-go v0.31 reaches actions only through this interface (toolchain-facts §1)
func configuredActionServer(t *testing.T, cfg *tfprotov6.DynamicValue) (tfprotov6.ProviderServerWithActions, map[string]*tfprotov6.ActionSchema) {
	t.Helper()
	ctx := t.Context()
	srv := protoServer(t)
	sresp, err := srv.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := srv.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	if errs := errorDiags(resp.Diagnostics); len(errs) > 0 {
		t.Fatalf("configure: %s: %s", errs[0].Summary, errs[0].Detail)
	}
	//lint:ignore SA1019 terraform-plugin-go v0.31 reaches actions only through this interface (toolchain-facts §1)
	return srv.(tfprotov6.ProviderServerWithActions), sresp.ActionSchemas
}

// vendorProviderConfig is a provider configuration with only the vendor's block set: the
// attributes in set, the others null.
func vendorProviderConfig(t *testing.T, block string, set map[string]string) *tfprotov6.DynamicValue {
	t.Helper()
	vals := map[string]tftypes.Value{}
	for k, at := range providerConfigType.AttributeTypes {
		vals[k] = tftypes.NewValue(at, nil)
	}
	bt, ok := providerConfigType.AttributeTypes[block].(tftypes.Object)
	if !ok {
		t.Fatalf("the %s block is a %T", block, providerConfigType.AttributeTypes[block])
	}
	bv := map[string]tftypes.Value{}
	for k, at := range bt.AttributeTypes {
		if v, ok := set[k]; ok {
			bv[k] = tftypes.NewValue(at, v)
		} else {
			bv[k] = tftypes.NewValue(at, nil)
		}
	}
	vals[block] = tftypes.NewValue(bt, bv)
	dv, err := tfprotov6.NewDynamicValue(providerConfigType, tftypes.NewValue(providerConfigType, vals))
	if err != nil {
		t.Fatal(err)
	}
	return &dv
}

// actionValue builds an action config; attributes not in vals are null. A value of
// tftypes.UnknownValue makes the attribute unknown.
func actionValue(t *testing.T, schemas map[string]*tfprotov6.ActionSchema, typ string, vals map[string]any) *tfprotov6.DynamicValue {
	t.Helper()
	s, ok := schemas[typ]
	if !ok {
		t.Fatalf("no action schema %s", typ)
	}
	return blockValue(t, typ, s.Schema.Block, vals)
}

// blockValue is a value of the schema block (of what, for messages): the attributes in vals
// (Go values as tftypes.NewValue takes them; tftypes.UnknownValue makes one unknown), the
// others null.
func blockValue(t testing.TB, what string, block *tfprotov6.SchemaBlock, vals map[string]any) *tfprotov6.DynamicValue {
	t.Helper()
	types := map[string]tftypes.Type{}
	values := map[string]tftypes.Value{}
	for _, a := range block.Attributes {
		types[a.Name] = a.Type
		values[a.Name] = tftypes.NewValue(a.Type, vals[a.Name])
	}
	for k := range vals {
		if _, ok := types[k]; !ok {
			t.Fatalf("%s has no attribute %q", what, k)
		}
	}
	ot := tftypes.Object{AttributeTypes: types}
	dv, err := tfprotov6.NewDynamicValue(ot, tftypes.NewValue(ot, values))
	if err != nil {
		t.Fatal(err)
	}
	return &dv
}

func (e *actionEnv) cfg(typ string, vals map[string]any) *tfprotov6.DynamicValue {
	return actionValue(e.t, e.schemas, typ, vals)
}

func (e *actionEnv) validate(typ string, vals map[string]any) []*tfprotov6.Diagnostic {
	e.t.Helper()
	resp, err := e.srv.ValidateActionConfig(e.ctx, &tfprotov6.ValidateActionConfigRequest{ActionType: typ, Config: e.cfg(typ, vals)})
	e.must(err)
	return resp.Diagnostics
}

//lint:ignore SA1019 terraform-plugin-go v0.31 reaches actions only through this interface (toolchain-facts §1)
func planAction(t *testing.T, srv tfprotov6.ProviderServerWithActions, cfg *tfprotov6.DynamicValue, typ string) []*tfprotov6.Diagnostic {
	t.Helper()
	resp, err := srv.PlanAction(t.Context(), &tfprotov6.PlanActionRequest{ActionType: typ, Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	return resp.Diagnostics
}

func (e *actionEnv) plan(typ string, vals map[string]any) []*tfprotov6.Diagnostic {
	e.t.Helper()
	return planAction(e.t, e.srv, e.cfg(typ, vals), typ)
}

// invokeResult is what an InvokeAction stream returned.
type invokeResult struct {
	progress  []string
	completed int
	diags     []*tfprotov6.Diagnostic
}

func (r invokeResult) has(sub string) bool {
	for _, m := range r.progress {
		if strings.Contains(m, sub) {
			return true
		}
	}
	return false
}

//lint:ignore SA1019 terraform-plugin-go v0.31 reaches actions only through this interface (toolchain-facts §1)
func invokeAction(t *testing.T, srv tfprotov6.ProviderServerWithActions, cfg *tfprotov6.DynamicValue, typ string) invokeResult {
	t.Helper()
	stream, err := srv.InvokeAction(t.Context(), &tfprotov6.InvokeActionRequest{ActionType: typ, Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	var r invokeResult
	for ev := range stream.Events {
		switch e := ev.Type.(type) {
		case tfprotov6.ProgressInvokeActionEventType:
			if r.completed > 0 {
				t.Errorf("progress after the completed event: %q", e.Message)
			}
			r.progress = append(r.progress, e.Message)
		case tfprotov6.CompletedInvokeActionEventType:
			r.completed++
			r.diags = append(r.diags, e.Diagnostics...)
		}
	}
	return r
}

func (e *actionEnv) invoke(typ string, vals map[string]any) invokeResult {
	e.t.Helper()
	return invokeAction(e.t, e.srv, e.cfg(typ, vals), typ)
}

// wantOK fails on error diagnostics.
func wantOK(t *testing.T, what string, diags []*tfprotov6.Diagnostic) {
	t.Helper()
	if errs := errorDiags(diags); len(errs) > 0 {
		t.Fatalf("%s: unexpected error %q: %s", what, errs[0].Summary, errs[0].Detail)
	}
}

// wantRefused fails unless an error diagnostic names rule in its summary, at attribute attr.
func wantRefused(t *testing.T, what string, diags []*tfprotov6.Diagnostic, rule, attr string) {
	t.Helper()
	for _, d := range errorDiags(diags) {
		if strings.Contains(d.Summary, rule) {
			want := tftypes.NewAttributePath().WithAttributeName(attr)
			if d.Attribute == nil || !d.Attribute.Equal(want) {
				t.Fatalf("%s: %s error at %v, want at %s", what, rule, d.Attribute, attr)
			}
			return
		}
	}
	var got []string
	for _, d := range diags {
		got = append(got, d.Summary)
	}
	t.Fatalf("%s: no error naming %s; got %q", what, rule, got)
}

// Sandbox set-up, directly through the platform (not through Terraform).

func (e *actionEnv) must(err error) {
	e.t.Helper()
	if err != nil {
		e.t.Fatal(err)
	}
}

func (e *actionEnv) sites() {
	e.t.Helper()
	for _, s := range []platform.Site{
		{ID: "sh-a", Region: "cn-shanghai", Zone: "cn-shanghai-a", Healthy: true, ReplicationCapable: true},
		{ID: "bj-a", Region: "cn-beijing", Zone: "cn-beijing-a", Healthy: true, ReplicationCapable: true},
	} {
		if _, err := e.sb.PutSite(e.ctx, s); err != nil {
			e.t.Fatal(err)
		}
	}
}

// drive runs one operation to its end with the executor (a fast poll on the fast clock).
func (e *actionEnv) drive(kind lifecycle.Kind, id string, op lifecycle.Op, params map[string]string) {
	e.t.Helper()
	p := lifecycle.OperationPath(kind, op, e.observe(kind, id), lifecycle.Options{AllowDataLoss: true})
	p.Steps[0].Params = params
	e.execute(string(op), kind, id, p)
}

// settle waits until a new object leaves its creating state.
func (e *actionEnv) settle(kind lifecycle.Kind, id string) {
	e.t.Helper()
	p, vs := lifecycle.Plan(kind, e.observe(kind, id), lifecycle.Goal{}, lifecycle.Options{})
	if len(vs) > 0 {
		e.t.Fatalf("settle: %v", vs)
	}
	e.execute("settle", kind, id, p)
}

// created fails on err (the error of the call that created the object id of kind), waits until
// the object leaves its creating state and returns id.
func (e *actionEnv) created(kind lifecycle.Kind, id string, err error) string {
	e.t.Helper()
	e.must(err)
	e.settle(kind, id)
	return id
}

// execute runs path p (what it is for: what) on the object with the executor.
func (e *actionEnv) execute(what string, kind lifecycle.Kind, id string, p lifecycle.Path) {
	e.t.Helper()
	ex := &lifecycle.Executor{Driver: e.sb, PollInterval: time.Millisecond}
	if _, err := ex.Run(e.ctx, kind, id, p); err != nil {
		e.t.Fatalf("%s %s: %v", kind, what, err)
	}
}

// pair creates a configured pair between two new volumes (sites must exist).
func (e *actionEnv) pair(name string) string {
	e.t.Helper()
	volume := func(site string) string {
		v, err := e.sb.PutVolume(e.ctx, platform.Volume{SiteID: site, SizeGB: 10})
		e.must(err)
		return v.ID
	}
	p, err := e.sb.CreatePair(e.ctx, platform.PairSpec{Name: name, PrimaryVolumeID: volume("sh-a"), SecondaryVolumeID: volume("bj-a")}, "")
	return e.created(lifecycle.ReplicationPair, p.ID, err)
}

// replicatingPair is a pair whose first synchronisation is complete.
func (e *actionEnv) replicatingPair(name string) string {
	e.t.Helper()
	id := e.pair(name)
	e.drive(lifecycle.ReplicationPair, id, lifecycle.OpStart, nil)
	return id
}

// group creates an empty, configured protection group between the two sites.
func (e *actionEnv) group(name string) string {
	e.t.Helper()
	g, err := e.sb.CreateGroup(e.ctx, platform.GroupSpec{Name: name, SourceRegion: "cn-shanghai", SourceZone: "cn-shanghai-a",
		TargetRegion: "cn-beijing", TargetZone: "cn-beijing-a"}, "")
	return e.created(lifecycle.ProtectionGroup, g.ID, err)
}

// protectedGroup is a group with one pair, protection enabled and synchronised.
func (e *actionEnv) protectedGroup(name string) string {
	e.t.Helper()
	gid := e.group(name)
	pid := e.pair(name + "-pair")
	e.drive(lifecycle.ProtectionGroup, gid, lifecycle.OpAddMember, map[string]string{"pair_id": pid})
	e.drive(lifecycle.ProtectionGroup, gid, lifecycle.OpEnableProtection, nil)
	return gid
}

// recoveryServer is a recovery server in standby whose machine has a backup (its recovery
// point, R004-2).
func (e *actionEnv) recoveryServer(name string) string {
	e.t.Helper()
	inv := e.sb.Inventory()
	if _, err := inv.PutBackup(e.ctx, platform.Backup{Kind: platform.BackupKindServer, SourceID: "machine-" + name,
		IncludesSystemDisk: true, Region: "cn-shanghai"}); err != nil {
		e.t.Fatal(err)
	}
	rs, err := e.sb.CreateRecoveryServer(e.ctx, platform.RecoveryServerSpec{Name: name, MachineID: "machine-" + name}, "")
	return e.created(lifecycle.RecoveryServer, rs.ID, err)
}

func (e *actionEnv) observe(kind lifecycle.Kind, id string) lifecycle.Observation {
	e.t.Helper()
	obs, err := e.sb.Observe(e.ctx, kind, id)
	e.must(err)
	return obs
}

// invokeOK is invokeSays, and wants the object (vals["id"], a kind) in state want afterwards.
func (e *actionEnv) invokeOK(what, typ string, vals map[string]any, kind lifecycle.Kind, want string, says ...string) invokeResult {
	e.t.Helper()
	r := e.invokeSays(what, typ, vals, says...)
	e.wantState(kind, vals["id"].(string), want)
	return r
}

// invokeSays invokes the action typ with vals, fails on an error (what names the call), and
// wants its progress to say every one of says.
func (e *actionEnv) invokeSays(what, typ string, vals map[string]any, says ...string) invokeResult {
	e.t.Helper()
	r := e.invoke(typ, vals)
	wantOK(e.t, what, r.diags)
	var lacks []string
	for _, s := range says {
		if !r.has(s) {
			lacks = append(lacks, s)
		}
	}
	if len(lacks) > 0 {
		e.t.Fatalf("%s: progress lacks %q: %q", what, lacks, r.progress)
	}
	return r
}

func (e *actionEnv) wantState(kind lifecycle.Kind, id, want string) lifecycle.Observation {
	e.t.Helper()
	obs := e.observe(kind, id)
	if got := lifecycle.RenderState(obs.State, obs.FailedOp); got != want {
		e.t.Fatalf("%s %s is %s, want %s", kind, id, got, want)
	}
	return obs
}
