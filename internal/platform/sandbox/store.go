package sandbox

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/dr-provider/terraform-provider-dr/internal/platform"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/retry"

	_ "modernc.org/sqlite" // pure-Go SQLite driver, registered as "sqlite"
)

// Object kinds stored in the objects table.
const (
	kSite    = "site"
	kVolume  = "volume"
	kServer  = "server"
	kBackup  = "backup"
	kVault   = "vault"
	kPair    = "replication_pair"
	kGroup   = "protection_group"
	kReplica = "backup_replica"
	kRecSrv  = "recovery_server"
	kHistory = "replica_history" // id = backupID + "|" + region: policy replication happened once
)

// migrations are applied in order; schema_version records the last one applied.
var migrations = []string{
	// 1: objects as JSON blobs with an optimistic-concurrency version, idempotency tokens,
	// persisted settings (faults).
	`CREATE TABLE objects (
		kind    TEXT NOT NULL,
		id      TEXT NOT NULL,
		version INTEGER NOT NULL,
		body    TEXT NOT NULL,
		PRIMARY KEY (kind, id)
	) WITHOUT ROWID;
	CREATE TABLE tokens (
		object_id   TEXT NOT NULL,
		token       TEXT NOT NULL,
		op          TEXT NOT NULL,
		params_hash TEXT NOT NULL,
		result      TEXT NOT NULL,
		created_at  INTEGER NOT NULL,
		PRIMARY KEY (object_id, token)
	) WITHOUT ROWID;
	CREATE TABLE settings (
		key   TEXT PRIMARY KEY,
		value TEXT NOT NULL
	) WITHOUT ROWID;`,
	// 2: partial expression indexes for the read paths that look up related objects by a
	// field of their body (the volumes attached to a server, the backups of a machine, the
	// replicas of a backup): an index seek instead of decoding every object of the kind.
	`CREATE INDEX objects_volume_server ON objects(json_extract(body, '$.ServerID')) WHERE kind = 'volume';
	CREATE INDEX objects_backup_source ON objects(json_extract(body, '$.SourceID')) WHERE kind = 'backup';
	CREATE INDEX objects_replica_backup ON objects(json_extract(body, '$.BackupID')) WHERE kind = 'backup_replica';`,
	// 3: the pairs of a volume (a pair create's "volume already in a pair" fact, a volume
	// delete's "belongs to a pair" refusal) by index instead of decoding every pair: with
	// hundreds of pairs that scan was O(pairs) per create, O(N²) per apply.
	`CREATE INDEX objects_pair_primary ON objects(json_extract(body, '$.PrimaryVolumeID')) WHERE kind = 'replication_pair';
	CREATE INDEX objects_pair_secondary ON objects(json_extract(body, '$.SecondaryVolumeID')) WHERE kind = 'replication_pair';`,
}

// The statements of every call, prepared when the store opens (see stmtCache).
const (
	qGet         = `SELECT version, body FROM objects WHERE kind = ? AND id = ?`
	qExists      = `SELECT count(*) FROM objects WHERE kind = ? AND id = ?`
	qList        = `SELECT version, body FROM objects WHERE kind = ? ORDER BY id`
	qInsert      = `INSERT INTO objects(kind, id, version, body) VALUES (?, ?, 1, ?)`
	qUpdate      = `UPDATE objects SET body = ?, version = version + 1 WHERE kind = ? AND id = ? AND version = ?`
	qRemove      = `DELETE FROM objects WHERE kind = ? AND id = ?`
	qSetting     = `SELECT value FROM settings WHERE key = ?`
	qSetSetting  = `INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`
	qTokenGet    = `SELECT op, params_hash, result FROM tokens WHERE object_id = ? AND token = ?`
	qTokenDelete = `DELETE FROM tokens WHERE object_id = ? AND token = ?`
	qTokenInsert = `INSERT INTO tokens(object_id, token, op, params_hash, result, created_at) VALUES (?, ?, ?, ?, ?, ?)`

	// Lookups by a body field; each matches one of the indexes of migration 2 (the kind and
	// the JSON path must be literals for SQLite to use a partial expression index).
	qVolumesOfServer  = `SELECT version, body FROM objects WHERE kind = 'volume' AND json_extract(body, '$.ServerID') = ? ORDER BY id`
	qBackupsOfSource  = `SELECT version, body FROM objects WHERE kind = 'backup' AND json_extract(body, '$.SourceID') = ? ORDER BY id`
	qReplicasOfBackup = `SELECT version, body FROM objects WHERE kind = 'backup_replica' AND json_extract(body, '$.BackupID') = ? ORDER BY id`
	qPairsOfPrimary   = `SELECT version, body FROM objects WHERE kind = 'replication_pair' AND json_extract(body, '$.PrimaryVolumeID') = ? ORDER BY id`
	qPairsOfSecondary = `SELECT version, body FROM objects WHERE kind = 'replication_pair' AND json_extract(body, '$.SecondaryVolumeID') = ? ORDER BY id`
)

var preparedQueries = []string{qGet, qExists, qList, qInsert, qUpdate, qRemove, qSetting, qSetSetting,
	qTokenGet, qTokenDelete, qTokenInsert, qVolumesOfServer, qBackupsOfSource, qReplicasOfBackup,
	qPairsOfPrimary, qPairsOfSecondary}

// store wraps two pools on one database file: a single-connection writer whose transactions
// are BEGIN IMMEDIATE (so a read-modify-write never has to upgrade its lock, which is what
// produces SQLITE_BUSY deadlocks), and a reader pool of deferred transactions that WAL lets
// run concurrently with the writer.
//
// Statements are prepared once per pool and connection (stmtCache) rather than parsed by
// SQLite on every call: parsing was ~20 % of a GetPair (CPU profile of BenchmarkSandboxRead).
type store struct {
	w  *sql.DB
	r  *sql.DB
	ws *stmtCache
	rs *stmtCache
	dc decodeCache
}

// decodeCache keeps the decoded body of sites and volumes (flat records every pair, group and
// server view loads as related objects) by kind and id: a read whose stored body is
// byte-identical to the cached one gets a copy instead of decoding the JSON again (decoding
// was ~40 % of a GetPair, which loads two volumes and two sites; CPU profile of
// BenchmarkSandboxRead). The stored body stays the truth: any change to it misses the cache.
type decodeCache struct {
	mu sync.Mutex
	m  map[string]decoded
}

type decoded struct {
	body string
	v    any
}

const decodeCacheMax = 4096

// stmtCache holds one *sql.Stmt per query text of a pool, prepared when the store opens
// (preparing later could wait for the writer's only connection, held by the transaction
// asking); database/sql prepares each on a connection once and Tx.StmtContext reuses that
// connection's copy. Read-only after construction.
type stmtCache struct {
	m map[string]*sql.Stmt
}

func newStmtCache(db *sql.DB, queries []string) (*stmtCache, error) {
	c := &stmtCache{m: map[string]*sql.Stmt{}}
	for _, q := range queries {
		st, err := db.Prepare(q)
		if err != nil {
			c.close()
			return nil, fmt.Errorf("sandbox: prepare %q: %w", q, err)
		}
		c.m[q] = st
	}
	return c, nil
}

// get returns the pool's statement for q, or nil (run q unprepared).
func (c *stmtCache) get(q string) *sql.Stmt {
	if c == nil {
		return nil
	}
	return c.m[q]
}

func (c *stmtCache) close() {
	if c == nil {
		return
	}
	for _, st := range c.m {
		_ = st.Close()
	}
}

func dsn(path string, immediate bool) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	if immediate {
		q.Set("_txlock", "immediate")
	}
	return "file:" + path + "?" + q.Encode()
}

func openStore(path string) (*store, error) {
	if path == "" {
		return nil, platform.Invalidf("", "sandbox database path is empty")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	dir := filepath.Dir(abs)
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("sandbox: create directory: %w", err)
		}
		_ = os.Chmod(dir, 0o700) // MkdirAll is subject to the umask
	}
	// Create the file 0600 before SQLite does (SQLite would use 0644 minus umask).
	f, err := os.OpenFile(abs, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("sandbox: create database: %w", err)
	}
	_ = f.Close()

	w, err := sql.Open("sqlite", dsn(abs, true))
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	r, err := sql.Open("sqlite", dsn(abs, false))
	if err != nil {
		w.Close()
		return nil, err
	}
	r.SetMaxOpenConns(4)
	r.SetMaxIdleConns(4)
	s := &store{w: w, r: r}
	// several terraform processes may open a new file at once: a busy migration is retried
	if err := retry.Do0(context.Background(), retry.Default, "open the sandbox database", func(context.Context) error { return s.migrate() }); err != nil {
		s.close()
		return nil, err
	}
	if s.ws, err = newStmtCache(w, preparedQueries); err == nil {
		s.rs, err = newStmtCache(r, preparedQueries)
	}
	if err != nil {
		s.close()
		return nil, err
	}
	// WAL and SHM files inherit the main file's mode in SQLite; enforce it anyway.
	for _, suffix := range []string{"-wal", "-shm"} {
		if _, err := os.Stat(abs + suffix); err == nil {
			_ = os.Chmod(abs+suffix, 0o600)
		}
	}
	return s, nil
}

func (s *store) close() error {
	s.rs.close()
	s.ws.close()
	err1 := s.r.Close()
	err2 := s.w.Close()
	return errors.Join(err1, err2)
}

func (s *store) migrate() error {
	ctx := context.Background()
	// Fast path: an up-to-date database needs no write lock (Terraform launches the provider
	// several times per command, and each launch opens the database).
	var current int
	if err := s.r.QueryRowContext(ctx, `SELECT version FROM schema_version`).Scan(&current); err == nil && current == len(migrations) {
		return nil
	}
	return s.write(ctx, func(tx *tx) error {
		if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)`); err != nil {
			return err
		}
		var v int
		err := tx.QueryRowContext(ctx, `SELECT version FROM schema_version`).Scan(&v)
		if errors.Is(err, sql.ErrNoRows) {
			if _, err := tx.ExecContext(ctx, `INSERT INTO schema_version(version) VALUES (0)`); err != nil {
				return err
			}
		} else if err != nil {
			return err
		}
		if v > len(migrations) {
			return fmt.Errorf("sandbox: database schema version %d is newer than this provider supports (%d)", v, len(migrations))
		}
		for i := v; i < len(migrations); i++ {
			if _, err := tx.ExecContext(ctx, migrations[i]); err != nil {
				return fmt.Errorf("sandbox: migration %d: %w", i+1, err)
			}
		}
		_, err = tx.ExecContext(ctx, `UPDATE schema_version SET version = ?`, len(migrations))
		return err
	})
}

// tx is one transaction; writable says whether it holds the write lock.
type tx struct {
	*sql.Tx
	writable bool
	stmts    *stmtCache
	dc       *decodeCache
}

// QueryRowContext, QueryContext and ExecContext run q as the pool's prepared statement.
func (t *tx) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	if st := t.stmts.get(q); st != nil {
		return t.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return t.Tx.QueryRowContext(ctx, q, args...)
}

func (t *tx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if st := t.stmts.get(q); st != nil {
		return t.StmtContext(ctx, st).QueryContext(ctx, args...)
	}
	return t.Tx.QueryContext(ctx, q, args...)
}

func (t *tx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if st := t.stmts.get(q); st != nil {
		return t.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	return t.Tx.ExecContext(ctx, q, args...)
}

// write runs fn in one IMMEDIATE transaction on the writer pool. SQLite waits busy_timeout
// for another process's lock; a lock held longer is a Retryable error ("sandbox database
// busy"), which the retry layer around every API call repeats (never "database is locked").
func (s *store) write(ctx context.Context, fn func(*tx) error) error {
	return busyErr(s.run(ctx, s.w, s.ws, true, fn))
}

// read runs fn in a deferred (read) transaction on the reader pool.
func (s *store) read(ctx context.Context, fn func(*tx) error) error {
	return busyErr(s.run(ctx, s.r, s.rs, false, fn))
}

// busyErr classifies a lock that outlived busy_timeout as Retryable.
func busyErr(err error) error {
	if err == nil || !isBusy(err) {
		return err
	}
	return &platform.Error{Class: platform.ClassRetryable, Code: platform.CodeThrottling, Message: "sandbox database busy", Err: err}
}

func (s *store) run(ctx context.Context, db *sql.DB, sc *stmtCache, writable bool, fn func(*tx) error) error {
	stx, err := db.BeginTx(ctx, &sql.TxOptions{ReadOnly: false})
	if err != nil {
		return err
	}
	t := &tx{Tx: stx, writable: writable, stmts: sc, dc: &s.dc}
	if err := fn(t); err != nil {
		var g *goneError
		if writable && errors.As(err, &g) {
			// the lazy completion of a delete removed the object: keep that, report NotFound
			if cerr := stx.Commit(); cerr != nil {
				return cerr
			}
			return err
		}
		_ = stx.Rollback()
		return err
	}
	if !writable {
		return stx.Rollback()
	}
	return stx.Commit()
}

func isBusy(err error) bool {
	if err == nil {
		return false
	}
	m := err.Error()
	return strings.Contains(m, "SQLITE_BUSY") || strings.Contains(m, "database is locked") || strings.Contains(m, "(5)") || strings.Contains(m, "(517)")
}

// errNeedWrite aborts a read transaction that found work only a writer may do (an operation
// became due). The caller re-runs the same function in a write transaction.
var errNeedWrite = errors.New("sandbox: write needed")

// get loads one object; version is its stored version.
func (t *tx) get(ctx context.Context, kind, id string, v any) (int64, error) {
	var body string
	var ver int64
	err := t.QueryRowContext(ctx, qGet, kind, id).Scan(&ver, &body)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, platform.NotFoundf("%s %q not found", kindLabel(kind), id)
	}
	if err != nil {
		return 0, err
	}
	if err := json.Unmarshal([]byte(body), v); err != nil {
		return 0, fmt.Errorf("sandbox: decode %s %s: %w", kind, id, err)
	}
	return ver, nil
}

// getCached is getRec for flat records (no slices, maps or pointers: a copy is independent)
// through the decode cache.
func getCached[T any](ctx context.Context, t *tx, kind, id string) (*T, int64, error) {
	var body string
	var ver int64
	err := t.QueryRowContext(ctx, qGet, kind, id).Scan(&ver, &body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, 0, platform.NotFoundf("%s %q not found", kindLabel(kind), id)
	}
	if err != nil {
		return nil, 0, err
	}
	key := kind + "\x00" + id
	if t.dc != nil {
		t.dc.mu.Lock()
		d, ok := t.dc.m[key]
		t.dc.mu.Unlock()
		if v, isT := d.v.(T); ok && isT && d.body == body {
			return &v, ver, nil
		}
	}
	v := new(T)
	if err := json.Unmarshal([]byte(body), v); err != nil {
		return nil, 0, fmt.Errorf("sandbox: decode %s %s: %w", kind, id, err)
	}
	if t.dc != nil {
		t.dc.mu.Lock()
		if t.dc.m == nil || len(t.dc.m) >= decodeCacheMax {
			t.dc.m = map[string]decoded{}
		}
		t.dc.m[key] = decoded{body: body, v: *v}
		t.dc.mu.Unlock()
	}
	return v, ver, nil
}

func (t *tx) exists(ctx context.Context, kind, id string) (bool, error) {
	var n int
	err := t.QueryRowContext(ctx, qExists, kind, id).Scan(&n)
	return n > 0, err
}

// listQuery runs a query of (version, body) rows with one argument (qList: every object of
// a kind, in id order; or one of the lookups by a body field).
func (t *tx) listQuery(ctx context.Context, q string, arg string, each func(ver int64, body []byte) error) error {
	rows, err := t.QueryContext(ctx, q, arg)
	if err != nil {
		return err
	}
	defer rows.Close()
	type rec struct {
		v int64
		b []byte
	}
	var recs []rec
	for rows.Next() {
		var r rec
		if err := rows.Scan(&r.v, &r.b); err != nil {
			return err
		}
		recs = append(recs, r)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	rows.Close()
	for _, r := range recs {
		if err := each(r.v, r.b); err != nil {
			return err
		}
	}
	return nil
}

// insert creates an object at version 1.
func (t *tx) insert(ctx context.Context, kind, id string, v any) error {
	if !t.writable {
		return errNeedWrite
	}
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = t.ExecContext(ctx, qInsert, kind, id, string(b))
	if err != nil && strings.Contains(err.Error(), "UNIQUE") {
		return platform.Errorf(platform.ClassInvalid, platform.CodeAlreadyExists, "%s %q already exists", kindLabel(kind), id)
	}
	return err
}

// update writes an object whose stored version must still be ver (optimistic concurrency:
// a stale version is a Conflict, never a lost update). It returns the new version.
func (t *tx) update(ctx context.Context, kind, id string, ver int64, v any) (int64, error) {
	if !t.writable {
		return 0, errNeedWrite
	}
	b, err := json.Marshal(v)
	if err != nil {
		return 0, err
	}
	res, err := t.ExecContext(ctx, qUpdate, string(b), kind, id, ver)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, err
	}
	if n == 0 {
		return 0, &platform.Error{Class: platform.ClassConflict, Code: platform.CodeVersionConflict,
			Message: fmt.Sprintf("%s %q was changed concurrently (expected version %d)", kindLabel(kind), id, ver)}
	}
	return ver + 1, nil
}

func (t *tx) remove(ctx context.Context, kind, id string) error {
	if !t.writable {
		return errNeedWrite
	}
	_, err := t.ExecContext(ctx, qRemove, kind, id)
	return err
}

func (t *tx) setting(ctx context.Context, key string) (string, error) {
	var v string
	err := t.QueryRowContext(ctx, qSetting, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, err
}

func (t *tx) setSetting(ctx context.Context, key, value string) error {
	if !t.writable {
		return errNeedWrite
	}
	_, err := t.ExecContext(ctx, qSetSetting, key, value)
	return err
}

func kindLabel(kind string) string { return strings.ReplaceAll(kind, "_", " ") }

// goneError is the NotFound returned by the read that completed a deletion; unlike other
// errors it does not roll the transaction back.
type goneError struct{ err *platform.Error }

func (g *goneError) Error() string { return g.err.Error() }
func (g *goneError) Unwrap() error { return g.err }

func gone(kind, id string) error {
	return &goneError{platform.NotFoundf("%s %q was deleted", kindLabel(kind), id)}
}
