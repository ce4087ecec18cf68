package alibaba

import (
	"context"
	"maps"
	"slices"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ebs"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// Tags. EBS keeps tags on replica pairs and replica groups: set at create (CreateDiskReplicaPair
// and CreateDiskReplicaGroup, Tag.N), reported by DescribeDiskReplicaPairs/Groups (Tags, each
// {TagKey, TagValue}), added or changed by TagResources and removed by UntagResources
// (ResourceType pair or group, ResourceId.N, Tag.N / TagKey.N).
// https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ebs-2021-07-30-tagresources

// TagRules are EBS's rules for the tags of a pair or a group (TagResources: Tag.N, N from 1 to
// 20; a key of at most 128 characters, not starting with aliyun or acs:, containing no http://
// or https://; a value of at most 128 characters, not starting with acs:, containing neither).
var TagRules = lifecycle.TagRules{
	MaxTags: 20,
	Key:     lifecycle.ParamLimit{MaxChars: 128, NoPrefixes: []string{"aliyun", "acs:"}, NoContains: []string{"http://", "https://"}},
	Value:   lifecycle.ParamLimit{MaxChars: 128, NoPrefixes: []string{"acs:"}, NoContains: []string{"http://", "https://"}},
	Source:  "TagResources, https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ebs-2021-07-30-tagresources",
}

var _ platform.Tagger = (*Driver)(nil)

// tagsOf reads EBS's Tags list.
func tagsOf(tags []ebs.Tag) map[string]string {
	if len(tags) == 0 {
		return nil
	}
	out := make(map[string]string, len(tags))
	for _, t := range tags {
		out[t.TagKey] = t.TagValue
	}
	return out
}

// tagParams are tags as Tag.N request parameters, in key order.
func tagParams[T any](tags map[string]string, mk func(k, v string) T) *[]T {
	if len(tags) == 0 {
		return nil
	}
	out := make([]T, 0, len(tags))
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		out = append(out, mk(k, tags[k]))
	}
	return &out
}

// SetTags makes the tags of a replica pair or group exactly tags: TagResources for the keys
// added or changed, UntagResources for the keys removed, in the object's region.
func (d *Driver) SetTags(ctx context.Context, kind lifecycle.Kind, id string, tags map[string]string) error {
	var cur map[string]string
	var region, typ string
	switch kind {
	case lifecycle.ReplicationPair: // in the region ModifyDiskReplicaPair is called in
		p, err := d.getPair(ctx, id, true)
		if err != nil {
			return err
		}
		cur, region, typ = p.Tags, p.Observed.Facts.ActiveRegion, "pair"
	case lifecycle.ProtectionGroup:
		g, err := d.getGroup(ctx, id, true)
		if err != nil {
			return err
		}
		cur, region, typ = g.Tags, g.Observed.Facts.ActiveRegion, "group"
	default:
		return platform.Invalidf("", "EBS keeps no tags on %s objects", kind)
	}
	if region == "" {
		region = d.cfg.Region
	}
	var gone []string
	for k := range cur {
		if _, keep := tags[k]; !keep {
			gone = append(gone, k)
		}
	}
	set := map[string]string{}
	for k, v := range tags {
		if old, ok := cur[k]; !ok || old != v {
			set[k] = v
		}
	}
	if len(gone) > 0 {
		slices.Sort(gone)
		req := ebs.CreateUntagResourcesRequest()
		req.RegionId = region
		req.ResourceType = typ
		req.ResourceId = &[]string{id}
		req.TagKey = &gone
		if err := d.call(ctx, "ebs", "UntagResources", region, req, ebs.CreateUntagResourcesResponse()); err != nil {
			return err
		}
	}
	if len(set) > 0 {
		req := ebs.CreateTagResourcesRequest()
		req.RegionId = region
		req.ResourceType = typ
		req.ResourceId = &[]string{id}
		req.Tag = tagParams(set, func(k, v string) ebs.TagResourcesTag { return ebs.TagResourcesTag{Key: k, Value: v} })
		if err := d.call(ctx, "ebs", "TagResources", region, req, ebs.CreateTagResourcesResponse()); err != nil {
			return err
		}
	}
	d.wrote()
	return nil
}
