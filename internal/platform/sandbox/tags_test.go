package sandbox

import (
	"context"
	"strings"
	"testing"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

func TestTagsAreKeptSetAndChecked(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	p := must(e.sb.CreatePair(ctx, platform.PairSpec{Name: "tagged", PrimaryVolumeID: "vol-p", SecondaryVolumeID: "vol-s",
		Tags: map[string]string{"team": "dr", "env": "prod"}}, ""))(t)
	if p.Tags["team"] != "dr" || p.Tags["env"] != "prod" || len(p.Tags) != 2 {
		t.Fatalf("created pair's tags = %v", p.Tags)
	}
	if err := e.sb.SetTags(ctx, lifecycle.ReplicationPair, p.ID, map[string]string{"team": "storage"}); err != nil {
		t.Fatal(err)
	}
	got, err := e.sb.GetPair(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Tags) != 1 || got.Tags["team"] != "storage" {
		t.Fatalf("after SetTags the pair's tags = %v (keys not set must go)", got.Tags)
	}
	if got.Version <= p.Version {
		t.Fatalf("SetTags left the version at %d", got.Version)
	}
	if err := e.sb.SetTags(ctx, lifecycle.ReplicationPair, p.ID, nil); err != nil {
		t.Fatal(err)
	}
	if got, _ = e.sb.GetPair(ctx, p.ID); got.Tags != nil {
		t.Fatalf("cleared tags read back as %v", got.Tags)
	}
	err = e.sb.SetTags(ctx, lifecycle.ReplicationPair, p.ID, map[string]string{"acs:owner": "x"})
	if !platform.IsPreconditionFailed(err) || !strings.Contains(err.Error(), "V-PARAMS") || !strings.Contains(err.Error(), `"acs:owner"`) {
		t.Fatalf("a reserved tag key: %v", err)
	}
	if err := e.sb.SetTags(ctx, lifecycle.ReplicationPair, "pair-missing", map[string]string{"a": "b"}); !platform.IsNotFound(err) {
		t.Fatalf("tags of a missing pair: %v", err)
	}
	_, err = e.sb.CreatePair(ctx, platform.PairSpec{Name: "too-many", PrimaryVolumeID: "vol-p", SecondaryVolumeID: "vol-s",
		Tags: map[string]string{"": "empty key"}}, "")
	if !platform.IsPreconditionFailed(err) || platform.RuleOf(err) != "V-PARAMS" {
		t.Fatalf("a create with an empty tag key: %v", err)
	}
	if c := platform.CapabilitiesOf(e.sb); c == nil || len(c.Tags) != len(lifecycle.Kinds) {
		t.Fatalf("the sandbox must keep tags on every kind: %+v", c)
	}
}
