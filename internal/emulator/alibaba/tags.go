package alibaba

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/sandbox"
)

// Tags, as EBS documents them (TagResources, UntagResources, and Tag.N of CreateDiskReplicaPair
// and CreateDiskReplicaGroup): at most 20 tags per request and per resource; a key of 1 to 128
// characters not starting with aliyun or acs: and containing no http:// or https://; a value of
// at most 128 characters, not starting with acs:, containing neither. ResourceType is pair or
// group. The reference documents no code of its own for a tag outside these rules: the
// emulator answers InvalidParameter, and TagResources beyond 20 tags on a resource
// InvalidParameter too. The tags live on the sandbox's objects (sandbox.SetTags, physics only).
// https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ebs-2021-07-30-tagresources

const maxTags = 20

// tagParams reads Tag.N.Key / Tag.N.Value (N from 1) and checks them against EBS's rules.
func tagParams(p map[string]string) (map[string]string, error) {
	out := map[string]string{}
	for n := 1; ; n++ {
		k, hasKey := p[fmt.Sprintf("Tag.%d.Key", n)]
		v, hasValue := p[fmt.Sprintf("Tag.%d.Value", n)]
		if !hasKey && !hasValue {
			break
		}
		if n > maxTags {
			return nil, errf(400, "InvalidParameter", "The value of Tag is not valid: at most %d tags.", maxTags)
		}
		if err := checkTag(k, v); err != nil {
			return nil, err
		}
		out[k] = v
	}
	return out, nil
}

func checkTag(k, v string) error {
	bad := func(what, s string, prefixes ...string) bool {
		if len([]rune(s)) > 128 || strings.Contains(s, "http://") || strings.Contains(s, "https://") {
			return true
		}
		for _, x := range prefixes {
			if strings.HasPrefix(s, x) {
				return true
			}
		}
		return what == "Key" && s == ""
	}
	if bad("Key", k, "aliyun", "acs:") {
		return errf(400, "InvalidParameter", "The value of Tag.N.Key is not valid.")
	}
	if bad("Value", v, "acs:") {
		return errf(400, "InvalidParameter", "The value of Tag.N.Value is not valid.")
	}
	return nil
}

// tagsJSON is the Tags of a DescribeDiskReplicaPairs/Groups record: {TagKey, TagValue} by key.
func tagsJSON(tags map[string]string) []any {
	out := []any{}
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		out = append(out, map[string]any{"TagKey": k, "TagValue": tags[k]})
	}
	return out
}

// tagResources follows TagResources: the tags are added to each resource, a key it has already
// getting the new value.
func (e *Emulator) tagResources(ctx context.Context, p map[string]string) (map[string]any, error) {
	return e.retag(ctx, p, func(cur map[string]string) (map[string]string, error) {
		set, err := tagParams(p)
		if err != nil {
			return nil, err
		}
		if len(set) == 0 {
			return nil, errf(400, "MissingParameter", "The required parameter Tag.1.Key is missing from this request.")
		}
		maps.Copy(cur, set)
		if len(cur) > maxTags {
			return nil, errf(400, "InvalidParameter", "The value of Tag is not valid: a resource has at most %d tags.", maxTags)
		}
		return cur, nil
	})
}

// untagResources follows UntagResources: TagKey.N are removed (a key the resource does not
// have is no error), or every tag with All=true.
func (e *Emulator) untagResources(ctx context.Context, p map[string]string) (map[string]any, error) {
	return e.retag(ctx, p, func(cur map[string]string) (map[string]string, error) {
		if p["All"] == "true" {
			return nil, nil
		}
		keys := 0
		for n := 1; ; n++ {
			k, ok := p[fmt.Sprintf("TagKey.%d", n)]
			if !ok {
				break
			}
			keys++
			delete(cur, k)
		}
		if keys == 0 {
			return nil, errf(400, "MissingParameter", "The required parameter TagKey.1 is missing from this request.")
		}
		return cur, nil
	})
}

// retag applies change to the tags of every ResourceId.N of ResourceType, each seen from RegionId
// as Describe sees it (either side's region; elsewhere NoSuchResource).
func (e *Emulator) retag(ctx context.Context, p map[string]string, change func(cur map[string]string) (map[string]string, error)) (map[string]any, error) {
	if err := required(p, "RegionId", "ResourceType", "ResourceId.1"); err != nil {
		return nil, err
	}
	var kind lifecycle.Kind
	switch p["ResourceType"] {
	case "pair":
		kind = lifecycle.ReplicationPair
	case "group":
		kind = lifecycle.ProtectionGroup
	default:
		return nil, errf(400, "InvalidParameter", "The value of ResourceType is not valid.")
	}
	lctx := sandbox.Lookup(ctx)
	for n := 1; ; n++ {
		id, ok := p[fmt.Sprintf("ResourceId.%d", n)]
		if !ok {
			break
		}
		var cur map[string]string
		switch kind {
		case lifecycle.ReplicationPair:
			x, err := e.visiblePair(lctx, p["RegionId"], id)
			if err != nil {
				return nil, err
			}
			cur = maps.Clone(x.Tags)
		default:
			x, err := e.visibleGroup(lctx, p["RegionId"], id)
			if err != nil {
				return nil, err
			}
			cur = maps.Clone(x.Tags)
		}
		if cur == nil {
			cur = map[string]string{}
		}
		next, err := change(cur)
		if err != nil {
			return nil, err
		}
		if err := e.sb.SetTags(sandbox.PhysicsOnly(ctx), kind, id, next); err != nil {
			return nil, err
		}
	}
	return map[string]any{}, nil
}
