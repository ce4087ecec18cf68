package lifecycle

import (
	"fmt"
	"sort"
	"strings"
)

// ParamTags is the tags of an object: key/value labels a platform keeps on it (cost
// allocation, ownership, access policies). They are metadata: no state of the object's table
// depends on them, and a platform that keeps them changes them in place in any state.
const ParamTags = "tags"

// TagRules are a platform's rules for the tags of one kind's objects (Capabilities.Tags). Zero
// fields do not constrain.
type TagRules struct {
	// MaxTags is the most tags one object may carry.
	MaxTags int
	// Key and Value limit each key and each value (MinChars, MaxChars, NoPrefixes, …).
	Key, Value ParamLimit
	// Source is the API reference page that states the rules.
	Source string
}

// TagRules returns the platform's rules for the tags of kind, and whether its objects of
// kind carry tags at all. nil Capabilities (the engine's reference platform) take tags on
// every kind without limits.
func (c *Capabilities) TagRules(k Kind) (TagRules, bool) {
	if c == nil {
		return TagRules{}, true
	}
	r, ok := c.Tags[k]
	return r, ok
}

// CheckTags refuses tags the platform cannot keep on an object of kind (V-PARAMS), at the
// tags parameter: any tag on a kind whose objects carry none there (they would be silently
// dropped: the plan would lie), or tags outside the platform's rules. op is OpCreate or
// OpUpdate; tags are the object's tags as they will be (the provider's default tags merged
// under the resource's).
func CheckTags(kind Kind, op Op, o Observation, tags map[string]string, opts Options) []Violation {
	if len(tags) == 0 {
		return nil
	}
	c := opts.Platform
	rules, ok := c.TagRules(kind)
	refuse := func(precondition, why, remedy string) Violation {
		v := Violation{Rule: "V-PARAMS", Precondition: precondition, Params: []string{ParamTags}, Remedy: remedy,
			Message: fmt.Sprintf("V-PARAMS: %s %s Observed: %s. %s", c.name(), why, describeTags(tags), remedy)}
		v.fill(kind, op, &o)
		return v
	}
	if !ok {
		return []Violation{refuse("tags_supported",
			fmt.Sprintf("keeps no tags on %s objects: the tags would be dropped.", kind),
			"Remove the tags from this resource, and exclude it from the provider's default_tags (set no default_tags for a provider configuration that manages it).")}
	}
	var problems []string
	if rules.MaxTags > 0 && len(tags) > rules.MaxTags {
		problems = append(problems, fmt.Sprintf("%d tags, at most %d are allowed", len(tags), rules.MaxTags))
	}
	key := rules.Key
	key.Required = true
	key.MinChars = max(key.MinChars, 1) // no platform takes an empty key
	for _, k := range sortedKeys(tags) {
		if why := key.Problem(k); why != "" {
			problems = append(problems, fmt.Sprintf("the key %q %s", k, why))
		}
		if why := rules.Value.Problem(tags[k]); why != "" {
			problems = append(problems, fmt.Sprintf("the value %q of %q %s", tags[k], k, why))
		}
	}
	if len(problems) == 0 {
		return nil
	}
	source := ""
	if rules.Source != "" {
		source = " (" + rules.Source + ")"
	}
	return []Violation{refuse("within_platform_limits",
		fmt.Sprintf("refuses the tags of %s: %s%s.", quoteName(&o), strings.Join(problems, "; "), source),
		"Choose tags within "+c.name()+"'s limits.")}
}

// describeTags renders tags for a message, sorted by key.
func describeTags(tags map[string]string) string {
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s=%q", k, tags[k])
	}
	return "tags {" + strings.Join(parts, ", ") + "}"
}

// MergeTags is the tags an object carries: defaults (the provider's default_tags) merged under
// tags (the resource's own, which win on the same key). nil when both are empty.
func MergeTags(defaults, tags map[string]string) map[string]string {
	if len(defaults) == 0 && len(tags) == 0 {
		return nil
	}
	out := make(map[string]string, len(defaults)+len(tags))
	for k, v := range defaults {
		out[k] = v
	}
	for k, v := range tags {
		out[k] = v
	}
	return out
}
