package acronis

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// Recovery points and the last test failover (issue 27).
//
// A recovery server's recovery points are not a DR API resource: its
// DR_CLOUD_SERVER_RECOVERY_POINTS link points to the Vault Manager API's backups of the
// resource (GET <dc>/bc/api/vault_manager/v1/backups?backupType=…&type=image&order=desc(created)
// &showDeleted=0&storageType=online&resourceId=…, the query Acronis' guide "Fetch a list of the
// recovery server's recovery points" follows,
// https://developer.acronis.com/doc/outbound/apis/api-library/dr/cloud-servers/fetch-recovery-points.html).
// Each item carries the three IDs a failover's recovery_point names (archive_id, backup_id,
// vault_id), created, type, deleted and size. Here they are the sandbox's recovery points of
// the machine (its available server backups): backup_id is the backup's ID, vault_id its
// vault's (or vault-<machine>), archive_id archive-<machine>. A resourceId may name the
// recovery server or the machine (the link names both). Paging: limit, and the after cursor.
//
// A failover or test failover's recovery_point must be one of them (all three IDs); the
// sandbox then fails over from that backup. A server that ran a test failover reports it in
// recovery.test_failover (recovery_point, last_start, last_task_uuid; the OpenAPI's "Details of
// the test failover"), and its task completes when the test VM is ready.

// rpIDs are the three IDs of a sandbox recovery point.
type rpIDs struct{ ArchiveID, BackupID, VaultID string }

func (e *Emulator) rpIDs(machine string, p platform.RecoveryPoint, vault string) rpIDs {
	if vault == "" {
		vault = "vault-" + machine
	}
	return rpIDs{ArchiveID: "archive-" + machine, BackupID: p.BackupID, VaultID: vault}
}

// backupItem is one Vault Manager backup of a machine.
type backupItem struct {
	ids     rpIDs
	machine string
	created time.Time
	kind    string
	size    int64
}

// machineBackups lists a machine's recovery points as Vault Manager backups, newest first.
func (e *Emulator) machineBackups(r *http.Request, machine string) ([]backupItem, error) {
	pts, err := e.sb.ListRecoveryPoints(r.Context(), machine)
	if err != nil {
		return nil, err
	}
	out := make([]backupItem, 0, len(pts))
	for _, p := range pts {
		b, err := e.sb.GetBackup(r.Context(), p.BackupID)
		if err != nil {
			return nil, err
		}
		out = append(out, backupItem{ids: e.rpIDs(machine, p, b.VaultID), machine: machine, created: p.CreatedAt, kind: p.Type, size: p.SizeBytes})
	}
	return out, nil
}

// handleBackups is GET /bc/api/vault_manager/v1/backups (the recovery points link).
func (e *Emulator) handleBackups(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, offset := 50, 0
	if a := q.Get("after"); a != "" {
		b, err := base64.RawURLEncoding.DecodeString(a)
		var c struct {
			O int        `json:"o"`
			L int        `json:"l"`
			Q url.Values `json:"q"`
		}
		if err != nil || json.Unmarshal(b, &c) != nil {
			writeError(w, http.StatusBadRequest, "VaultManager", "BadRequest", "invalid paging cursor")
			return
		}
		offset, limit, q = c.O, c.L, c.Q
	} else if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 1000 {
			writeError(w, http.StatusBadRequest, "VaultManager", "BadRequest", "limit must be an integer from 1 to 1000")
			return
		}
		limit = n
	}
	machines := map[string]bool{}
	for _, id := range q["resourceId"] {
		if rs, err := e.sb.GetRecoveryServer(r.Context(), id); err == nil {
			machines[rs.MachineID] = true // the recovery server's backups are its machine's
		} else if platform.IsNotFound(err) {
			machines[id] = true
		} else {
			e.sandboxError(w, err)
			return
		}
	}
	var all []backupItem
	for m := range machines {
		items, err := e.machineBackups(r, m)
		if err != nil {
			e.sandboxError(w, err)
			return
		}
		all = append(all, items...)
	}
	asc := q.Get("order") == "asc(created)"
	sort.SliceStable(all, func(i, j int) bool {
		if !all[i].created.Equal(all[j].created) {
			return all[i].created.After(all[j].created) != asc
		}
		return all[i].ids.BackupID > all[j].ids.BackupID
	})
	lo := min(offset, len(all))
	hi := min(lo+limit, len(all))
	items := make([]map[string]any, 0, hi-lo)
	for _, b := range all[lo:hi] {
		// the members of the guide's items (ListRecoveryPoints/guide-vault-manager-backups):
		// a disk-image backup's actions, no tapes, nothing notarized or catalogued
		items = append(items, map[string]any{
			"actions":    []string{"restoreDisks", "restoreFiles", "downloadFiles", "deleteByAgent", "validate", "replicate"},
			"archive_id": b.ids.ArchiveID, "backup_id": b.ids.BackupID, "vault_id": b.ids.VaultID,
			"attributes":     map[string]string{"Kind": b.kind, "MarkedForDeletion": "0", "SliceMediaIDs": ""},
			"catalog_status": map[string]bool{"MsTeamsChannel": false, "MsTeamsMails": false, "MsTeamsSite": false},
			"created":        b.created.UTC().Format(time.RFC3339), "deleted": false, "notarized": false, "type": b.kind, "size": b.size,
			"resource_ids": []string{b.machine}, "source_key": "", "source_usn": 0, "tapes": []string{}, "tapes_for_restore": []string{},
			"tenant_id": e.tenantID, "tenant_locator": "/" + e.tenantID + "/",
		})
	}
	cursors := map[string]string{}
	if hi < len(all) {
		c, _ := json.Marshal(map[string]any{"o": hi, "l": limit, "q": q})
		cursors["after"] = base64.RawURLEncoding.EncodeToString(c)
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items, "paging": map[string]any{"cursors": cursors}})
}

// checkRecoveryPoint reports whether the three IDs name a recovery point of the machine.
func (e *Emulator) checkRecoveryPoint(r *http.Request, machine string, ids rpIDs) (bool, error) {
	items, err := e.machineBackups(r, machine)
	if err != nil {
		return false, err
	}
	for _, b := range items {
		if b.ids == ids {
			return true, nil
		}
	}
	return false, nil
}

// testFailover is a server's recovery.test_failover: its last test failover (nil: none).
func (e *Emulator) testFailover(rs platform.RecoveryServer) map[string]any {
	d := rs.LastDrill
	if d == nil {
		return nil
	}
	e.mu.Lock()
	var last *task
	for _, t := range e.tasks {
		if t.server == rs.ID && t.op == lifecycle.OpTestFailover && (last == nil || t.enqueued.After(last.enqueued)) {
			last = t
		}
	}
	e.mu.Unlock()
	out := map[string]any{"recovery_point": map[string]string{"archive_id": "archive-" + rs.MachineID,
		"backup_id": e.backupID(rs), "vault_id": e.vaultID(rs)},
		"last_start": d.StartedAt.UTC().Format(time.RFC3339)}
	if last != nil {
		out["last_task_uuid"] = last.UUID
	}
	return out
}

// taskFinished is when a task completed: a test failover's when its test VM was ready (or it
// failed), as the sandbox recorded it; otherwise now, the first read that sees it done.
func (e *Emulator) taskFinished(t task, rs platform.RecoveryServer) time.Time {
	if t.op == lifecycle.OpTestFailover && rs.LastDrill != nil && !rs.LastDrill.StartedAt.Before(t.enqueued.Add(-time.Second)) {
		if !rs.LastDrill.ReadyAt.IsZero() {
			return rs.LastDrill.ReadyAt
		}
		if !rs.LastDrill.EndedAt.IsZero() {
			return rs.LastDrill.EndedAt
		}
	}
	return e.now()
}
