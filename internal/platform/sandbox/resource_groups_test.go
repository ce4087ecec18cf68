package sandbox

import (
	"context"
	"strings"
	"testing"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

func TestResourceGroupsAreKeptMovedAndChecked(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	p := must(e.sb.CreatePair(ctx, platform.PairSpec{Name: "grouped", PrimaryVolumeID: "vol-p", SecondaryVolumeID: "vol-s",
		ResourceGroupID: "rg-finance"}, ""))(t)
	if p.ResourceGroupID != "rg-finance" {
		t.Fatalf("created pair's resource group = %q", p.ResourceGroupID)
	}
	if err := e.sb.ChangeResourceGroup(ctx, lifecycle.ReplicationPair, p.ID, "rg-storage"); err != nil {
		t.Fatal(err)
	}
	got, err := e.sb.GetPair(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.ResourceGroupID != "rg-storage" || got.Version <= p.Version {
		t.Fatalf("after ChangeResourceGroup the pair is in %q at version %d (was %d)", got.ResourceGroupID, got.Version, p.Version)
	}
	err = e.sb.ChangeResourceGroup(ctx, lifecycle.ReplicationPair, p.ID, "RG_Upper")
	if !platform.IsPreconditionFailed(err) || !strings.Contains(err.Error(), "V-PARAMS") || !strings.Contains(err.Error(), `"RG_Upper"`) {
		t.Fatalf("a malformed resource group: %v", err)
	}
	if err := e.sb.ChangeResourceGroup(ctx, lifecycle.ReplicationPair, "pair-missing", "rg-x"); !platform.IsNotFound(err) {
		t.Fatalf("moving a missing pair: %v", err)
	}
	if err := e.sb.ChangeResourceGroup(ctx, lifecycle.BackupReplica, "rep-x", "rg-x"); !platform.IsPreconditionFailed(err) {
		t.Fatalf("a kind without resource groups: %v", err)
	}
	g := must(e.sb.CreateGroup(ctx, platform.GroupSpec{Name: "g", SourceRegion: "cn-shanghai", SourceZone: "cn-shanghai-a", TargetRegion: "cn-beijing", TargetZone: "cn-beijing-a"}, ""))(t)
	if g.ResourceGroupID != DefaultResourceGroup {
		t.Fatalf("a group created without a resource group is in %q, want the default %q", g.ResourceGroupID, DefaultResourceGroup)
	}
	if err := e.sb.ChangeResourceGroup(ctx, lifecycle.ProtectionGroup, g.ID, "rg-app"); err != nil {
		t.Fatal(err)
	}
	if g, _ = e.sb.GetGroup(ctx, g.ID); g.ResourceGroupID != "rg-app" {
		t.Fatalf("the moved group is in %q", g.ResourceGroupID)
	}
	c := platform.CapabilitiesOf(e.sb)
	if _, ok := c.ResourceGroupRules(lifecycle.ProtectionGroup); !ok {
		t.Fatal("the sandbox must keep a resource group on protection groups")
	}
	if _, ok := c.ResourceGroupRules(lifecycle.BackupReplica); ok {
		t.Fatal("the sandbox keeps no resource group on backup replicas")
	}
}
