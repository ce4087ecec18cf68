package provider

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// consoleOnly is a test platform: the sandbox's physics behind an API that cannot fail back
// (console only), as the Acronis DR API v2.
type consoleOnly struct {
	platform.Platform
	platform.RecoveryServers
}

// GetRecoveryServer stamps the read model with this platform's capabilities, as every
// platform does (the conformance suite checks it).
func (c consoleOnly) GetRecoveryServer(ctx context.Context, id string) (platform.RecoveryServer, error) {
	rs, err := c.RecoveryServers.GetRecoveryServer(ctx, id)
	rs.Observed.Platform = platform.CapabilitiesOf(c)
	return rs, err
}

func (consoleOnly) Capabilities() *lifecycle.Capabilities {
	return &lifecycle.Capabilities{Platform: "test",
		Manual: map[lifecycle.Kind]map[lifecycle.Op]string{lifecycle.RecoveryServer: {
			lifecycle.OpFailback:        "Start the failback in the vendor's console.",
			lifecycle.OpConfirmFailback: "Confirm the failback in the vendor's console.",
			lifecycle.OpCancelFailback:  "Cancel the failback in the vendor's console.",
		}},
	}
}

// A console-only operation is refused at plan through a platform that lacks it, naming the
// manual step; an unsupported kind is refused at plan; the operations the API offers plan
// as usual.
func TestConsoleOnlyOperationRefusedAtPlan(t *testing.T) {
	t.Parallel()
	e := newActionEnv(t)
	id := e.recoveryServer("vm")
	e.drive(lifecycle.RecoveryServer, id, lifecycle.OpFailover, nil)
	data := newProviderData(consoleOnly{e.sb, e.sb}, "test", time.Millisecond, 1)
	eng := drEngine{kind: lifecycle.RecoveryServer, typeName: rsType}

	var diags diag.Diagnostics
	p := eng.plan(e.ctx, data, id, priorRead{}, lifecycle.Goal{States: []lifecycle.State{lifecycle.ReadyForFailback}}, data.options(false), paramOr(path.Root("mode")), &diags)
	if p != nil || !diags.HasError() {
		t.Fatalf("want a refusal, got plan %v, %v", p, diags)
	}
	d := diags.Errors()[0]
	if !strings.Contains(d.Summary(), "V-PLATFORM") || !strings.Contains(d.Summary(), "failback") || !strings.Contains(d.Detail(), "vendor's console") {
		t.Fatalf("%s / %s", d.Summary(), d.Detail())
	}
	// standby without the opt-in is refused naming the console step, and offers the lossy
	// cancel_failover the API does offer; with the opt-in that is the plan, and it warns
	// (V-MANUAL-STEP, R004-6)
	diags = nil
	p = eng.plan(e.ctx, data, id, priorRead{}, lifecycle.Goal{States: []lifecycle.State{lifecycle.Standby}}, data.options(false), paramOr(path.Root("mode")), &diags)
	if p != nil || !diags.HasError() || !strings.Contains(diags.Errors()[0].Summary(), "V-PLATFORM") ||
		!strings.Contains(diags.Errors()[0].Detail(), "Reachable with allow_data_loss = true: mode = \"standby\" (apply runs cancel_failover") {
		t.Fatalf("standby without the opt-in: %v %v", p, diags)
	}
	diags = nil
	p = eng.plan(e.ctx, data, id, priorRead{}, lifecycle.Goal{States: []lifecycle.State{lifecycle.Standby}}, data.options(true), paramOr(path.Root("mode")), &diags)
	if p == nil || p.Summary() != "cancel_failover" || diags.HasError() || len(diags.Warnings()) != 1 ||
		!strings.Contains(diags.Warnings()[0].Summary(), "cancel_failover can lose data") {
		t.Fatalf("standby with the opt-in: %v %v", p, diags)
	}
	// an unsupported kind is refused at plan
	diags = nil
	pe := drEngine{kind: lifecycle.ReplicationPair, typeName: pairType}
	pe.plan(e.ctx, data, "pair-1", priorRead{}, lifecycle.Goal{States: []lifecycle.State{lifecycle.Paused}}, data.options(false), paramOr(path.Root("replication")), &diags)
	if !diags.HasError() || !strings.Contains(diags.Errors()[0].Detail(), "does not manage") {
		t.Fatalf("unsupported kind: %v", diags)
	}
}

// The read models' allowed_operations never list an operation the platform cannot invoke.
func TestAllowedOperationsFollowCapabilities(t *testing.T) {
	t.Parallel()
	e := newActionEnv(t)
	id := e.recoveryServer("vm")
	e.drive(lifecycle.RecoveryServer, id, lifecycle.OpFailover, nil)
	for _, tc := range []struct {
		p        platform.Platform
		failback bool
	}{{e.sb, true}, {consoleOnly{e.sb, e.sb}, false}} {
		rs, err := newProviderData(tc.p, "test", time.Millisecond, 1).Servers.GetRecoveryServer(e.ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		var m rsModel
		rsKind{}.fill(&m, rs)
		got := strings.Contains(m.AllowedOperations.String(), `"failback"`)
		if got != tc.failback {
			t.Fatalf("%T: failback listed = %v, want %v (%s)", tc.p, got, tc.failback, m.AllowedOperations)
		}
	}
}
