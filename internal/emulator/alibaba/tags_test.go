package alibaba

import "testing"

// TagResources and UntagResources see a resource from RegionId as Describe does: from a region
// that is neither side's, the pair is NoSuchResource and keeps its tags.
func TestTagsSeenFromTheirRegion(t *testing.T) {
	w := newWorld(t)
	id := w.pair()
	code, out := w.call(map[string]string{"Action": "TagResources", "RegionId": "cn-hangzhou", "ResourceType": "pair",
		"ResourceId.1": id, "Tag.1.Key": "team", "Tag.1.Value": "dr"})
	if code != 404 || out["Code"] != "NoSuchResource" {
		t.Fatalf("tagging from another region: %d %v", code, out)
	}
	w.ok(map[string]string{"Action": "TagResources", "RegionId": drRegion, "ResourceType": "pair",
		"ResourceId.1": id, "Tag.1.Key": "team", "Tag.1.Value": "dr"})
	p, err := w.srv.Sandbox().GetPair(w.ctx, id)
	if err != nil || p.Tags["team"] != "dr" || len(p.Tags) != 1 {
		t.Fatalf("tags %v (%v)", p.Tags, err)
	}
}
