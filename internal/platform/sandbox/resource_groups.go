package sandbox

import (
	"context"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// DefaultResourceGroup is the resource group an object created without one is in (the
// account's default group, as on Alibaba Cloud).
const DefaultResourceGroup = "rg-default"

// sandboxResourceGroups are the sandbox's rules for resource groups, which it keeps on
// replication pairs and protection groups (the kinds whose objects belong to one on a real
// cloud: Alibaba EBS pairs and replica groups), so a configuration that sets
// resource_group_id is rehearsed on the sandbox: created in a group, moved in place, drift
// corrected. Any identifier of the vendors' form is a group (the sandbox has no resource
// manager to ask).
var sandboxResourceGroups = lifecycle.ResourceGroupRules{
	ID: lifecycle.ParamLimit{MaxChars: 64, Allowed: func(r rune) bool {
		return r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-'
	}, AllowedText: "lowercase letters, digits and '-'", Source: "the sandbox's resource groups: the vendors' identifier form"},
	Source: "the sandbox keeps a resource group on pairs and groups",
}

func sandboxResourceGroupKinds() map[lifecycle.Kind]lifecycle.ResourceGroupRules {
	return map[lifecycle.Kind]lifecycle.ResourceGroupRules{
		lifecycle.ReplicationPair: sandboxResourceGroups, lifecycle.ProtectionGroup: sandboxResourceGroups,
	}
}

var _ platform.ResourceGrouper = (*Sandbox)(nil)

// resourceGroupOr is id, or the default group when none is given.
func resourceGroupOr(id string) string {
	if id == "" {
		return DefaultResourceGroup
	}
	return id
}

// checkResourceGroup refuses a resource group the sandbox cannot keep (V-PARAMS), as the
// engine decides it with the sandbox's capabilities; an emulator that decides from its
// vendor's rules skips it.
func (s *Sandbox) checkResourceGroup(ctx context.Context, kind lifecycle.Kind, op lifecycle.Op, o lifecycle.Observation, id string) error {
	if IsPhysicsOnly(ctx) {
		return nil
	}
	vs := lifecycle.CheckResourceGroup(kind, op, o, id, lifecycle.Options{Platform: s.Capabilities()})
	if len(vs) == 0 {
		return nil
	}
	return platform.PreconditionFailed(vs[0].Rule, vs[0].Message)
}

// ChangeResourceGroup moves a pair or a protection group to the resource group id, in any
// state (the group is metadata no rule reads).
func (s *Sandbox) ChangeResourceGroup(ctx context.Context, kind lifecycle.Kind, id, groupID string) error {
	_, err := call(s, ctx, "ChangeResourceGroup", callScope{kind: kind, id: id}, func(ctx context.Context) (struct{}, error) {
		if groupID == "" {
			return struct{}{}, platform.Invalidf("", "a resource group is needed")
		}
		if err := s.checkResourceGroup(ctx, kind, lifecycle.OpUpdate, lifecycle.Observation{Kind: kind, ID: id}, groupID); err != nil {
			return struct{}{}, err
		}
		return struct{}{}, s.db.write(ctx, func(t *tx) error {
			now := s.now()
			switch kind {
			case lifecycle.ReplicationPair:
				return regroup(ctx, t, kPair, id, now, s.loadPair, func(r *pairRec) *string { return &r.ResourceGroupID }, groupID)
			case lifecycle.ProtectionGroup:
				return regroup(ctx, t, kGroup, id, now, s.loadGroup, func(r *groupRec) *string { return &r.ResourceGroupID }, groupID)
			}
			return platform.Invalidf("", "the sandbox keeps no resource group on %s objects", kind)
		})
	})
	return err
}

// regroup sets the resource group of one record.
func regroup[R any](ctx context.Context, t *tx, k, id string, now time.Time,
	load func(context.Context, *tx, string, time.Time) (*R, int64, error), at func(*R) *string, groupID string) error {
	rec, ver, err := load(ctx, t, id, now)
	if err != nil {
		return err
	}
	*at(rec) = groupID
	_, err = t.update(ctx, k, id, ver, rec)
	return err
}
