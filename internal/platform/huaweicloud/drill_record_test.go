package huaweicloud

import (
	"context"
	"strings"
	"testing"

	emu "github.com/dr-provider/terraform-provider-dr/internal/emulator/huaweicloud"
	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// The group's drill on record is the SDRS drill Querying DR Drills lists (its creation time
// and status; when it became ready and ended are not reported); without one, none on record.
// Readiness on SDRS: the failover's checks are all observed; the RPO judgement says SDRS
// does not report the lag. Pair drills are the group's: a manual step for a pair.
func TestDrillRecordAndReadiness(t *testing.T) {
	c := startCounting(t)
	p := c.driver(t, emu.TestSecretKey)
	ctx := context.Background()
	g := c.group(t, p)
	must(t, p.Invoke(ctx, lifecycle.ProtectionGroup, g.ID, lifecycle.OpEnableProtection, "t-1", nil))
	o := c.settle(t, p, g.ID)
	r := lifecycle.ReadinessOf(lifecycle.ProtectionGroup, o, lifecycle.Options{})
	if fo, _ := r.Op(lifecycle.RoleFailover); !fo.Known || !fo.Ready {
		t.Fatalf("failover readiness of a protected SDRS group: %+v", fo)
	}
	if r.RPO.Known || !strings.Contains(r.RPO.Why, "huaweicloud platform does not report the replication lag") {
		t.Fatalf("RPO on SDRS: %+v", r.RPO)
	}
	if got, err := p.GetGroup(ctx, g.ID); err != nil || got.LastDrill != nil {
		t.Fatalf("no drill yet: %+v %v", got.LastDrill, err)
	}
	must(t, p.Invoke(ctx, lifecycle.ProtectionGroup, g.ID, lifecycle.OpStartDrill, "t-2", nil))
	c.settle(t, p, g.ID)
	got, err := p.GetGroup(ctx, g.ID)
	if err != nil || got.LastDrill == nil || got.LastDrill.Outcome != platform.DrillReady || got.LastDrill.StartedAt.IsZero() ||
		got.LastDrill.Unreported["ended_at"] == "" {
		t.Fatalf("drill on record: %+v %v", got.LastDrill, err)
	}
	o = c.settle(t, p, g.ID)
	if fo, _ := lifecycle.ReadinessOf(lifecycle.ProtectionGroup, o, lifecycle.Options{}).Op(lifecycle.RoleFailover); fo.Ready || fo.Blocking[0].Rule != "V-DRILL" {
		t.Fatalf("failover readiness during a drill: %+v", fo)
	}
	if step, ok := p.Capabilities().ManualStep(lifecycle.ReplicationPair, lifecycle.OpStartDrill); !ok || !strings.Contains(step, "per protection group") {
		t.Fatalf("pair drill on SDRS: %q %v", step, ok)
	}
}
