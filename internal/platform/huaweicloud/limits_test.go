package huaweicloud

import (
	"context"
	"strings"
	"testing"

	emu "github.com/dr-provider/terraform-provider-dr/internal/emulator/huaweicloud"
	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// The name and description limits the driver declares (Capabilities.Limits, refused at plan
// under V-PARAMS) are exactly what SDRS — here the emulator — accepts: a name the limit
// allows is renamed, one it refuses is answered with an error (SDRS.0202), for a group
// (Changing the Name of a Protection Group) and a pair (Changing the Name of a Replication
// Pair); likewise a group description on create (SDRS.0212).
func TestNameLimitsMatchSDRS(t *testing.T) {
	c := startCounting(t)
	p := c.driver(t, emu.TestSecretKey)
	ctx := context.Background()
	g := c.group(t, p)
	caps := p.Capabilities()
	names := []string{"a", strings.Repeat("a", 64), strings.Repeat("a", 65), "a.b_c-d", "a b", "a/b", "a<b",
		strings.Repeat("名", 21), strings.Repeat("名", 22)} // 63 and 66 bytes
	for _, k := range []struct {
		kind lifecycle.Kind
		id   string
	}{{lifecycle.ProtectionGroup, g.ID}, {lifecycle.ReplicationPair, g.PairIDs[0]}} {
		limit := caps.Limits[k.kind][lifecycle.ParamName]
		for i, n := range names {
			err := p.Invoke(ctx, k.kind, k.id, lifecycle.OpUpdate, "t-rename-"+string(k.kind)+string(rune('a'+i)), map[string]string{lifecycle.ParamName: n})
			if allowed := limit.Problem(n) == ""; allowed != (err == nil) {
				t.Errorf("%s name %q: the limit allows it %v, SDRS answered %v", k.kind, n, allowed, err)
			}
		}
	}
	limit := caps.Limits[lifecycle.ProtectionGroup][lifecycle.ParamDescription]
	for i, d := range []string{"", strings.Repeat("d", 64), strings.Repeat("d", 65), "a<b"} {
		_, err := p.CreateGroup(ctx, platform.GroupSpec{Name: "d" + string(rune('a'+i)), Description: d, SourceRegion: "cn-north-4", SourceZone: "cn-north-4a",
			TargetRegion: "cn-north-4", TargetZone: "cn-north-4b", SourceVPCID: c.vpc}, "t-desc-"+string(rune('a'+i)))
		if allowed := limit.Problem(d) == ""; allowed != (err == nil) {
			t.Errorf("group description %q: the limit allows it %v, SDRS answered %v", d, allowed, err)
		}
	}
}
