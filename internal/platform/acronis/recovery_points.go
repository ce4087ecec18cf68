package acronis

import (
	"context"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// Recovery points and the last test failover (issue 27).
//
// A recovery server fails over (and test fails over) from the latest recovery point, or from
// the one its start_failover_prod / start_failover_test body names: recovery_point {archive_id,
// backup_id, vault_id} (DR API v2 "Start failover payload"; all three IDs, each matching
// ^[a-zA-Z0-9-@]+$). The provider names one as "vault_id/archive_id/backup_id" (recoveryPoint in
// driver.go parses it; the engine passes it as lifecycle.ParamRecoveryPoint).
//
// The recovery points are listed by the Vault Manager API, not the DR API: a server's
// DR_CLOUD_SERVER_RECOVERY_POINTS link is GET <dc>/bc/api/vault_manager/v1/backups with the
// resource's IDs and order=desc(created) ("Fetch a list of the recovery server's recovery
// points",
// https://developer.acronis.com/doc/outbound/apis/api-library/dr/cloud-servers/fetch-recovery-points.html):
// items with archive_id, backup_id, vault_id, created, type, deleted and size, paged by cursor.
// The driver follows the link of the machine's recovery server — only on the configured data
// centre, so the token never goes elsewhere — or, without a server, asks the same listing for
// the machine; deleted backups are left out, the rest sorted newest first.

var _ platform.RecoveryPoints = (*Driver)(nil)

// vaultBackup is one item of the Vault Manager's backups listing.
type vaultBackup struct {
	ArchiveID string `json:"archive_id"`
	BackupID  string `json:"backup_id"`
	VaultID   string `json:"vault_id"`
	Created   string `json:"created"`
	Type      string `json:"type"`
	Deleted   bool   `json:"deleted"`
	Size      int64  `json:"size"`
}

// recoveryPointsQuery is the listing's query for resources when no link gives it (the guide's).
func recoveryPointsQuery(resourceIDs ...string) url.Values {
	return url.Values{"backupType": {"differential", "full", "incremental"}, "embed": {"archive"}, "forensic": {"false"},
		"includeScreenshotValidationStatus": {"false"}, "order": {"desc(created)"}, "showDeleted": {"0"}, "storageType": {"online"},
		"type": {"image"}, "resourceId": resourceIDs}
}

// ListRecoveryPoints lists the machine's recovery points, newest first.
func (d *Driver) ListRecoveryPoints(ctx context.Context, machineID string) ([]platform.RecoveryPoint, error) {
	path, query := "/bc/api/vault_manager/v1/backups", recoveryPointsQuery(machineID)
	s, found, err := d.consoleServer(ctx, machineID)
	if err != nil {
		return nil, err
	}
	if found {
		for _, l := range s.Links {
			if l.Rel != RelRecoveryPoints {
				continue
			}
			if p, q, ok := d.c.sameOrigin(l.Href); ok {
				path, query = p, q
			}
		}
	}
	var out []platform.RecoveryPoint
	for {
		var page struct {
			Items  []vaultBackup `json:"items"`
			Paging struct {
				Cursors struct {
					After string `json:"after"`
				} `json:"cursors"`
			} `json:"paging"`
		}
		if _, err := d.c.call(ctx, http.MethodGet, path, query, nil, &page); err != nil {
			return nil, err
		}
		for _, b := range page.Items {
			if b.Deleted || b.ArchiveID == "" || b.BackupID == "" || b.VaultID == "" {
				continue
			}
			created, _ := time.Parse(time.RFC3339, b.Created)
			out = append(out, platform.RecoveryPoint{ID: b.VaultID + "/" + b.ArchiveID + "/" + b.BackupID, BackupID: b.BackupID,
				CreatedAt: created.UTC(), Type: b.Type, SizeBytes: b.Size})
		}
		if page.Paging.Cursors.After == "" || len(page.Items) == 0 {
			break
		}
		query = url.Values{"after": {page.Paging.Cursors.After}}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].CreatedAt.After(out[j].CreatedAt) })
	return out, nil
}

// sameOrigin splits a link's href into a path and query on the configured data centre; false
// for a link elsewhere (the driver's token is not sent there).
func (c *Client) sameOrigin(href string) (string, url.Values, bool) {
	u, err := url.Parse(href)
	b, err2 := url.Parse(c.base)
	if err != nil || err2 != nil || u.Scheme != b.Scheme || u.Host != b.Host || !strings.HasPrefix(u.Path, b.Path) {
		return "", nil, false
	}
	return strings.TrimPrefix(u.Path, b.Path), u.Query(), true
}

// lastDrill is a server's last test failover on record (recovery.test_failover: last_start and
// last_task_uuid), its outcome and readiness from that task: a test failover's task completes
// when the test VM is ready. The DR API does not report when a test was stopped.
func (d *Driver) lastDrill(ctx context.Context, s Server, state lifecycle.State) (*platform.DrillRecord, error) {
	if s.Recovery == nil || s.Recovery.TestFailover == nil || s.Recovery.TestFailover.LastStart == "" {
		return nil, nil
	}
	tf := s.Recovery.TestFailover
	start, _ := time.Parse(time.RFC3339, tf.LastStart)
	r := &platform.DrillRecord{ID: tf.LastTaskUUID, StartedAt: start.UTC(), Outcome: platform.DrillStarting,
		Unreported: map[string]string{"ended_at": "the Acronis DR API reports when a test failover started and its task, not when it was stopped"}}
	if tf.LastTaskUUID == "" {
		r.Unreported["ready_at"] = "the server names no task of its last test failover"
		r.Unreported["time_to_ready"] = r.Unreported["ready_at"]
		if state == lifecycle.Testing {
			r.Outcome = platform.DrillReady
		}
		return r, nil
	}
	t, err := d.task(ctx, tf.LastTaskUUID)
	if platform.IsNotFound(err) {
		r.Unreported["ready_at"] = "the task of the last test failover is no longer kept"
		r.Unreported["time_to_ready"] = r.Unreported["ready_at"]
		return r, nil
	}
	if err != nil {
		return nil, err
	}
	if bad, msg := t.Failed(); bad {
		r.Outcome, r.Message = platform.DrillFailed, msg
		return r, nil
	}
	if t.State != "completed" {
		return r, nil
	}
	if done, err := time.Parse(time.RFC3339, t.CompletedAt); err == nil {
		r.ReadyAt = done.UTC()
		r.TimeToReady = max(r.ReadyAt.Sub(r.StartedAt), 0)
	} else {
		r.Unreported["ready_at"] = "the task of the last test failover reports no completion time"
		r.Unreported["time_to_ready"] = r.Unreported["ready_at"]
	}
	r.Outcome = platform.DrillSucceeded // the test VM ran and is gone: the test was stopped
	if state == lifecycle.Testing || state == lifecycle.Stopping {
		r.Outcome = platform.DrillReady
	}
	return r, nil
}
