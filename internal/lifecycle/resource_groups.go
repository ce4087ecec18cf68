package lifecycle

import "fmt"

// ParamResourceGroupID is the resource group an object belongs to (Alibaba: the enterprise
// resource group, ResourceGroupId). Like tags it is metadata: no state of the object's table
// depends on it, and a platform that keeps it moves the object between groups in any state.
const ParamResourceGroupID = "resource_group_id"

// ResourceGroupRules are a platform's rules for the resource group of one kind's objects
// (Capabilities.ResourceGroups).
type ResourceGroupRules struct {
	// ID limits the group's identifier (zero: no limit the platform documents).
	ID ParamLimit
	// Source is the API reference page that states how objects are put in and moved between
	// groups.
	Source string
}

// ResourceGroupRules returns the platform's rules for the resource group of kind's objects,
// and whether they belong to one at all. nil Capabilities (the engine's reference platform)
// keep a resource group on every kind.
func (c *Capabilities) ResourceGroupRules(k Kind) (ResourceGroupRules, bool) {
	if c == nil {
		return ResourceGroupRules{}, true
	}
	r, ok := c.ResourceGroups[k]
	return r, ok
}

// CheckResourceGroup refuses a resource group the platform cannot keep on an object of kind
// (V-PARAMS), at the resource_group_id parameter: any group on a kind whose objects belong to
// none there (it would be silently dropped: the plan would lie), or an identifier outside the
// platform's limits. op is OpCreate or OpUpdate; id is the group the object is to be in ("":
// none given, nothing to check).
func CheckResourceGroup(kind Kind, op Op, o Observation, id string, opts Options) []Violation {
	if id == "" {
		return nil
	}
	c := opts.Platform
	rules, ok := c.ResourceGroupRules(kind)
	refuse := func(precondition, why, remedy string) []Violation {
		v := Violation{Rule: "V-PARAMS", Precondition: precondition, Params: []string{ParamResourceGroupID}, Remedy: remedy,
			Message: fmt.Sprintf("V-PARAMS: %s %s Observed: resource_group_id %q. %s", c.name(), why, id, remedy)}
		v.fill(kind, op, &o)
		return []Violation{v}
	}
	if !ok {
		return refuse("resource_groups_supported",
			fmt.Sprintf("has no resource groups for %s objects: the resource group would be dropped.", kind),
			"Remove resource_group_id from this resource.")
	}
	why := rules.ID.Problem(id)
	if why == "" {
		return nil
	}
	source := ""
	if rules.ID.Source != "" {
		source = " (" + rules.ID.Source + ")"
	}
	return refuse("within_platform_limits",
		fmt.Sprintf("refuses the resource group of %s: it %s%s.", quoteName(&o), why, source),
		"Give the identifier of an existing resource group of "+c.name()+".")
}
