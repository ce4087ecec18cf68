package sandbox

import (
	"context"
	"maps"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// sandboxTags are the sandbox's rules for tags, which it keeps on every DR kind: the
// strictest of the vendors' common limits (at most 20 tags per object, keys of 1 to 128
// characters and values of at most 128, no key or value starting with a prefix a vendor
// reserves), so a configuration rehearsed on the sandbox keeps them on a real cloud too.
var sandboxTags = lifecycle.TagRules{
	MaxTags: 20,
	Key:     lifecycle.ParamLimit{MaxChars: 128, NoPrefixes: []string{"acs:", "aliyun", "_sys_", "http://", "https://"}},
	Value:   lifecycle.ParamLimit{MaxChars: 128, NoPrefixes: []string{"acs:", "http://", "https://"}},
	Source:  "the sandbox's tag rules: the vendors' common limits",
}

func sandboxTagKinds() map[lifecycle.Kind]lifecycle.TagRules {
	out := map[lifecycle.Kind]lifecycle.TagRules{}
	for _, k := range lifecycle.Kinds {
		out[k] = sandboxTags
	}
	return out
}

var _ platform.Tagger = (*Sandbox)(nil)

// checkTags refuses tags the sandbox cannot keep (V-PARAMS), as the engine decides it with
// the sandbox's capabilities; an emulator that decides from its vendor's rules skips it.
func (s *Sandbox) checkTags(ctx context.Context, kind lifecycle.Kind, op lifecycle.Op, o lifecycle.Observation, tags map[string]string) error {
	if IsPhysicsOnly(ctx) {
		return nil
	}
	vs := lifecycle.CheckTags(kind, op, o, tags, lifecycle.Options{Platform: s.Capabilities()})
	if len(vs) == 0 {
		return nil
	}
	return platform.PreconditionFailed(vs[0].Rule, vs[0].Message)
}

// SetTags makes the object's tags exactly tags, in any state (tags are metadata no rule reads).
func (s *Sandbox) SetTags(ctx context.Context, kind lifecycle.Kind, id string, tags map[string]string) error {
	_, err := call(s, ctx, "SetTags", callScope{kind: kind, id: id}, func(ctx context.Context) (struct{}, error) {
		if err := s.checkTags(ctx, kind, lifecycle.OpUpdate, lifecycle.Observation{Kind: kind, ID: id}, tags); err != nil {
			return struct{}{}, err
		}
		return struct{}{}, s.db.write(ctx, func(t *tx) error {
			now := s.now()
			switch kind {
			case lifecycle.ReplicationPair:
				return retag(ctx, t, kPair, id, now, s.loadPair, func(r *pairRec) *map[string]string { return &r.Tags }, tags)
			case lifecycle.ProtectionGroup:
				return retag(ctx, t, kGroup, id, now, s.loadGroup, func(r *groupRec) *map[string]string { return &r.Tags }, tags)
			case lifecycle.BackupReplica:
				return retag(ctx, t, kReplica, id, now, s.loadReplica, func(r *replicaRec) *map[string]string { return &r.Tags }, tags)
			case lifecycle.RecoveryServer:
				return retag(ctx, t, kRecSrv, id, now, s.loadRS, func(r *rsRec) *map[string]string { return &r.Tags }, tags)
			}
			return platform.Invalidf("", "the sandbox keeps no tags on %s objects", kind)
		})
	})
	return err
}

// retag replaces the tags of one record.
func retag[R any](ctx context.Context, t *tx, k, id string, now time.Time,
	load func(context.Context, *tx, string, time.Time) (*R, int64, error), at func(*R) *map[string]string, tags map[string]string) error {
	rec, ver, err := load(ctx, t, id, now)
	if err != nil {
		return err
	}
	if len(tags) == 0 {
		*at(rec) = nil
	} else {
		*at(rec) = maps.Clone(tags)
	}
	_, err = t.update(ctx, k, id, ver, rec)
	return err
}
