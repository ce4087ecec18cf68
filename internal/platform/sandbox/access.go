package sandbox

import (
	"context"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// drAccess is how the generic reads reach one DR kind: its record loader (which applies a
// due operation, lazily) and its view (the normalized object with its observation).
type drAccess[R, V any] struct {
	kind string
	load func(ctx context.Context, t *tx, id string, now time.Time) (*R, int64, error)
	view func(ctx context.Context, t *tx, rec *R, ver int64, now time.Time) (V, error)
	id   func(*R) string
}

// getDR reads one DR object in one transaction, counted as method.
func getDR[R, V any](s *Sandbox, ctx context.Context, method, id string, a drAccess[R, V]) (V, error) {
	var out V
	return call(s, ctx, method, callScope{kind: lifecycle.Kind(a.kind), id: id}, func(ctx context.Context) (V, error) {
		err := s.view(ctx, func(t *tx) error {
			now := s.now()
			rec, ver, err := a.load(ctx, t, id, now)
			if err != nil {
				return err
			}
			out, err = a.view(ctx, t, rec, ver, now)
			return err
		})
		return out, err
	})
}

// listDR reads every object of a DR kind in one transaction, counted as method; an object
// that a due operation deleted on the way is left out.
func listDR[R, V any](s *Sandbox, ctx context.Context, method string, a drAccess[R, V]) ([]V, error) {
	return call(s, ctx, method, callScope{kind: lifecycle.Kind(a.kind)}, func(ctx context.Context) ([]V, error) {
		var out []V
		err := s.view(ctx, func(t *tx) error {
			out = nil
			now := s.now()
			recs, _, err := listRecs[R](ctx, t, a.kind)
			if err != nil {
				return err
			}
			for _, r := range recs {
				rec, ver, err := a.load(ctx, t, a.id(r), now)
				if platform.IsNotFound(err) {
					continue
				}
				if err != nil {
					return err
				}
				v, err := a.view(ctx, t, rec, ver, now)
				if err != nil {
					return err
				}
				out = append(out, v)
			}
			return nil
		})
		return out, err
	})
}
