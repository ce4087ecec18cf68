package sandbox

import (
	"context"
	"strings"
	"time"
)

// TokenRecord is one accepted client token: an operation (or create) that took effect once.
type TokenRecord struct {
	// Scope is the object ID an operation ran on, or "create:<kind>" for a create.
	Scope     string
	Token     string
	Op        string
	Result    string
	CreatedAt time.Time
}

// Tokens lists the accepted client tokens, oldest first. It is a read-only audit view for
// tests and drills: every platform operation that took effect left exactly one row, so two
// rows for the same object and operation mean the operation ran twice.
func (s *Sandbox) Tokens(ctx context.Context) ([]TokenRecord, error) {
	s.count("Tokens")
	var out []TokenRecord
	err := s.audit(ctx, "Tokens", func(t *tx) error {
		out = out[:0]
		rows, err := t.QueryContext(ctx, `SELECT object_id, token, op, result, created_at FROM tokens ORDER BY created_at, object_id, token`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r TokenRecord
			var at int64
			if err := rows.Scan(&r.Scope, &r.Token, &r.Op, &r.Result, &at); err != nil {
				return err
			}
			r.CreatedAt = time.Unix(at, 0).UTC()
			out = append(out, r)
		}
		return rows.Err()
	})
	return out, err
}

// IntegrityCheck runs SQLite's PRAGMA integrity_check and returns its report ("ok" when the
// database is sound).
func (s *Sandbox) IntegrityCheck(ctx context.Context) (string, error) {
	s.count("IntegrityCheck")
	var lines []string
	err := s.audit(ctx, "IntegrityCheck", func(t *tx) error {
		lines = lines[:0]
		rows, err := t.QueryContext(ctx, `PRAGMA integrity_check`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var l string
			if err := rows.Scan(&l); err != nil {
				return err
			}
			lines = append(lines, l)
		}
		return rows.Err()
	})
	return strings.Join(lines, "\n"), err
}
