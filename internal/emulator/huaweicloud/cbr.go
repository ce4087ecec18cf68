package huaweicloud

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// CBR v3 cross-region replication (Cloud Backup and Recovery API,
// https://support.huaweicloud.com/intl/en-us/api-cbr/): backups with their replication records,
// the replicate operation, deleting a (replica) backup and the regions' replication
// capabilities, over the sandbox's backups, vaults and replicas. A replication record is the
// sandbox replica (its id is the record id); the destination backup is the replica's backup.
// Errors use CBR's envelope {"error_code": …, "error_msg": …}.

type cbrError struct {
	status    int
	code, msg string
}

func (e *cbrError) Error() string { return e.code + ": " + e.msg }

func writeCBRErr(w http.ResponseWriter, err error) {
	var ce *cbrError
	if !errors.As(err, &ce) {
		var pe *platform.Error
		switch {
		case errors.As(err, &pe) && pe.Class == platform.ClassRetryable:
			writeErr(w, &apiError{429, "APIGW.0308", "The throttling threshold has been reached: " + pe.Message, true})
			return
		case errors.As(err, &pe) && pe.Class == platform.ClassNotFound:
			ce = &cbrError{404, "", pe.Message}
		case errors.As(err, &pe) && pe.Class == platform.ClassInvalid:
			ce = &cbrError{400, "BackupService.0007", pe.Message}
		case errors.As(err, &pe) && pe.Class == platform.ClassQuota:
			// CBR Error Codes: BackupService.1012, the quota of the resource is exceeded
			ce = &cbrError{400, "BackupService.1012", pe.Message}
		default:
			ce = &cbrError{500, "BackupService.9999", err.Error()}
		}
	}
	if ce.code == "" { // the reference lists no code for a missing backup: HTTP 404 and a message
		writeJSON(w, ce.status, map[string]string{"error_msg": ce.msg})
		return
	}
	writeJSON(w, ce.status, map[string]string{"error_code": ce.code, "error_msg": ce.msg})
}

// serveCBR routes /v3/{project_id}/…. A project ID is per region: a region's own endpoint
// (RegionURL) serves that region's project only; the shared endpoint serves every project the
// account has, and a region's own project selects that region (its vaults, as at its endpoint).
func (e *Emulator) serveCBR(w http.ResponseWriter, r *http.Request, p []string) {
	ctx := r.Context()
	if region, ok := ctx.Value(regionKey{}).(string); ok && region != "" {
		if p[1] != e.projectOf(region) {
			writeErr(w, &apiError{400, "BackupService.0006", "Invalid project ID: " + p[1] + " is not a project of " + region, true})
			return
		}
	} else if region, known := e.regionOfProject(p[1]); region != "" {
		ctx = context.WithValue(ctx, regionKey{}, region)
	} else if !known {
		writeErr(w, &apiError{400, "BackupService.0006", "Invalid project ID", true})
		return
	}
	ctx = context.WithValue(ctx, projectKey{}, p[1])
	p = p[2:]
	var res any
	status := http.StatusOK
	var err error
	switch {
	case p[0] == "backups" && len(p) == 1 && r.Method == http.MethodGet:
		res, err = e.listBackups(ctx)
	case p[0] == "backups" && len(p) == 2 && r.Method == http.MethodGet:
		res, err = e.showBackup(ctx, p[1])
	case p[0] == "backups" && len(p) == 2 && r.Method == http.MethodDelete:
		err = e.deleteBackup(ctx, p[1])
		status = http.StatusNoContent
	case p[0] == "backups" && len(p) == 3 && p[2] == "replicate" && r.Method == http.MethodPost:
		res, err = e.replicate(ctx, p[1], r)
	case p[0] == "vaults" && len(p) == 2 && r.Method == http.MethodGet:
		res, err = e.showVault(ctx, p[1])
	case p[0] == "replication-capabilities" && len(p) == 1 && r.Method == http.MethodGet:
		res, err = e.capabilities(ctx)
	default:
		err = &cbrError{404, "APIGW.0101", "The API does not exist or has not been published in the environment"}
	}
	if err != nil {
		writeCBRErr(w, err)
		return
	}
	if status == http.StatusNoContent {
		w.WriteHeader(status)
		return
	}
	writeJSON(w, status, res)
}

// showVault: Querying a Specified Vault, GET /v3/{project_id}/vaults/{vault_id}
// (https://support.huaweicloud.com/intl/en-us/api-cbr/ShowVault.html): the sandbox vault, its
// purpose as billing.protect_type. A vault lives in one region: at a region's own endpoint
// (Server.RegionURL) a vault of another region is not found (404).
func (e *Emulator) showVault(ctx context.Context, id string) (any, error) {
	vs, err := e.sb.ListVaults(ctx)
	if err != nil {
		return nil, err
	}
	region, _ := ctx.Value(regionKey{}).(string)
	for _, v := range vs {
		if v.ID != id || (region != "" && v.Region != region) || !e.visible(ctx, v.Region) {
			continue
		}
		return map[string]any{"vault": map[string]any{"id": v.ID, "name": "vault-" + v.ID, "project_id": e.projectOf(v.Region),
			"provider_id": "0daac4c5-6707-4851-97ba-169e36266b66", "resources": []any{},
			"billing": map[string]any{"protect_type": v.Purpose, "object_type": "server", "cloud_type": "public",
				"consistent_level": "crash_consistent", "charging_mode": "post_paid", "size": 100, "allocated": 0, "used": 0,
				"status": "available", "spec_code": "vault.backup.server.normal"}}}, nil
	}
	return nil, &cbrError{404, "", "vault " + id + " not found"}
}

// regionKey marks a request that came through a region's own endpoint (Server.RegionURL).
type regionKey struct{}

// projectKey is the project in a CBR request's path.
type projectKey struct{}

// visible reports whether an object of region is seen under the request's project: a project
// is one region's (SetRegionProject; regions without their own are Options.ProjectID's).
func (e *Emulator) visible(ctx context.Context, region string) bool {
	p, ok := ctx.Value(projectKey{}).(string)
	return !ok || region == "" || e.projectOf(region) == p
}

// recordStatus is a replication record's status (waiting_replicate, replicating, success, fail).
func recordStatus(rep platform.BackupReplica) string {
	switch rep.State {
	case lifecycle.Requested:
		return "waiting_replicate"
	case lifecycle.Replicating:
		return "replicating"
	case lifecycle.Error:
		if rep.FailedOp == lifecycle.OpReplicate {
			return "fail"
		}
	}
	return "success"
}

func (e *Emulator) backupJSON(b platform.Backup, reps []platform.BackupReplica) map[string]any {
	status := b.Status
	if status == platform.BackupCreating {
		status = "protecting"
	}
	image := "backup"
	if b.IsReplica {
		image = "replication"
	}
	rtype := "OS::Nova::Server"
	if b.Kind == platform.BackupKindDisk {
		rtype = "OS::Cinder::Volume"
	}
	records := []map[string]any{}
	name, desc := "backup-"+b.ID, ""
	for _, rep := range reps {
		if b.IsReplica && rep.ReplicaBackupID == b.ID {
			name, desc = rep.Name, rep.Description // the replica backup carries the replicate's name
			switch rep.State {
			case lifecycle.Deleting:
				status = "deleting"
			case lifecycle.Error:
				status = "error"
			}
		}
		if rep.BackupID != b.ID {
			continue
		}
		records = append(records, map[string]any{
			"id": rep.ID, "source_backup_id": rep.BackupID, "destination_backup_id": rep.ReplicaBackupID,
			"destination_region": rep.DestinationRegion, "destination_project_id": e.projectOf(rep.DestinationRegion),
			"destination_vault_id": rep.DestinationVaultID, "source_region": rep.SourceRegion,
			"source_project_id": e.opts.ProjectID, "vault_id": b.VaultID, "status": recordStatus(rep),
			"extra_info": map[string]any{"progress": rep.Progress, "fail_reason": rep.LastError,
				"destination_vault_id": rep.DestinationVaultID, "auto_trigger": false},
		})
	}
	return map[string]any{
		"id": b.ID, "name": name, "description": desc, "status": status, "image_type": image,
		"resource_type": rtype, "resource_id": b.SourceID, "resource_size": b.SizeGB, "vault_id": b.VaultID,
		"project_id": e.projectOf(b.Region), "provider_id": "0daac4c5-6707-4851-97ba-169e36266b66",
		"extend_info":         map[string]any{"contain_system_disk": b.IncludesSystemDisk, "encrypted": false},
		"replication_records": records, "checkpoint_id": "", "parent_id": b.SourceBackupID,
	}
}

// listBackups: Querying All Backups, GET /v3/{project_id}/backups (show_replication=true adds
// the replication records; the emulator always includes them).
func (e *Emulator) listBackups(ctx context.Context) (any, error) {
	reps, err := e.sb.ListReplicas(ctx) // first: see showBackup
	if err != nil {
		return nil, err
	}
	bs, err := e.sb.ListBackups(ctx)
	if err != nil {
		return nil, err
	}
	out := []map[string]any{}
	for _, b := range bs {
		if e.visible(ctx, b.Region) { // the project's region only
			out = append(out, e.backupJSON(b, reps))
		}
	}
	return map[string]any{"backups": out, "count": len(out)}, nil
}

// showBackup: Querying a Specified Backup, GET /v3/{project_id}/backups/{backup_id}.
func (e *Emulator) showBackup(ctx context.Context, id string) (any, error) {
	// replicas first: reading them completes their due operations (a finished delete removes
	// the replica backup), so the backup read next is consistent with them
	reps, err := e.sb.ListReplicas(ctx)
	if err != nil {
		return nil, err
	}
	b, err := e.sb.GetBackup(ctx, id)
	if err != nil {
		return nil, err
	}
	if !e.visible(ctx, b.Region) {
		return nil, &cbrError{404, "", "backup " + id + " not found"}
	}
	return map[string]any{"backup": e.backupJSON(b, reps)}, nil
}

// deleteBackup: Deleting a Backup, DELETE /v3/{project_id}/backups/{backup_id}; for a replica
// (image_type replication) this deletes the replica (the sandbox replica's delete).
func (e *Emulator) deleteBackup(ctx context.Context, id string) error {
	reps, err := e.sb.ListReplicas(ctx)
	if err != nil {
		return err
	}
	for _, rep := range reps {
		if rep.ReplicaBackupID == id {
			if err := e.sb.Invoke(ctx, lifecycle.BackupReplica, rep.ID, lifecycle.OpDelete, "", nil); err != nil {
				return cbrTranslate(err)
			}
			return nil
		}
	}
	if _, err := e.sb.GetBackup(ctx, id); err != nil {
		return err
	}
	return &cbrError{400, "BackupService.0001", "the emulator deletes replica backups only"}
}

// cbrTranslate maps a sandbox refusal onto CBR's codes (Error Codes, api-cbr/ErrorCode.html):
// R003-6 → 1002 (image type), R003-1/3/4 → 1003 (not an ECS backup with its system disk; the
// reference has no own code for a missing system disk), R003-2 → 1005, R003-7 → 1009; other
// refusals (a backup not available, a vault that is not a replication vault) have no documented
// code and answer 1002 with the rule in the message.
func cbrTranslate(err error) error {
	var pe *platform.Error
	if !errors.As(err, &pe) || pe.Class != platform.ClassPreconditionFailed {
		return err
	}
	code := "BackupService.1002"
	switch pe.Rule {
	case "R003-1", "R003-3", "R003-4":
		code = "BackupService.1003"
	case "R003-2":
		code = "BackupService.1005"
	case "R003-7":
		code = "BackupService.1009"
	}
	return &cbrError{400, code, "[" + pe.Rule + "] " + pe.Message}
}

// replicate: Replicating a Backup, POST /v3/{project_id}/backups/{backup_id}/replicate
// {replicate: {destination_project_id, destination_region, destination_vault_id, name,
// description, enable_acceleration}}. A failed record for the destination is replicated again.
func (e *Emulator) replicate(ctx context.Context, backupID string, r *http.Request) (any, error) {
	var in struct {
		Replicate *struct {
			DestinationProjectID string `json:"destination_project_id"`
			DestinationRegion    string `json:"destination_region"`
			DestinationVaultID   string `json:"destination_vault_id"`
			Name                 string `json:"name"`
			Description          string `json:"description"`
			EnableAcceleration   bool   `json:"enable_acceleration"`
		} `json:"replicate"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.Replicate == nil {
		return nil, &cbrError{400, "BackupService.0007", "the body needs a replicate object"}
	}
	rq := in.Replicate
	if rq.DestinationProjectID == "" || rq.DestinationRegion == "" || rq.DestinationVaultID == "" {
		return nil, &cbrError{400, "BackupService.0007", "destination_project_id, destination_region and destination_vault_id are required"}
	}
	if strings.ContainsAny(rq.Description, "<>") {
		return nil, &cbrError{400, "BackupService.0007", "description must not contain < or >"}
	}
	// destination_project_id is "Project ID of the destination region" (CopyBackup): another
	// region's project is refused with BackupService.1011, "The destination project does not
	// support replication" (Error Codes, https://support.huaweicloud.com/intl/en-us/api-cbr/ErrorCode.html).
	if want := e.projectOf(rq.DestinationRegion); rq.DestinationProjectID != want {
		return nil, &cbrError{400, "BackupService.1011", "The destination project does not support replication: " +
			rq.DestinationProjectID + " is not a project of " + rq.DestinationRegion}
	}
	reps, err := e.sb.ListReplicas(ctx)
	if err != nil {
		return nil, err
	}
	var rep platform.BackupReplica
	retried := false
	for _, x := range reps {
		if x.BackupID == backupID && x.DestinationRegion == rq.DestinationRegion && x.State == lifecycle.Error && x.FailedOp == lifecycle.OpReplicate {
			if err := e.sb.Invoke(ctx, lifecycle.BackupReplica, x.ID, lifecycle.OpReplicate, "", nil); err != nil {
				return nil, cbrTranslate(err)
			}
			rep, retried = x, true
		}
	}
	if !retried {
		rep, err = e.sb.CreateReplica(ctx, platform.ReplicaSpec{BackupID: backupID, DestinationRegion: rq.DestinationRegion,
			DestinationVaultID: rq.DestinationVaultID, Name: rq.Name, Description: rq.Description, EnableAcceleration: rq.EnableAcceleration}, "")
		if err != nil {
			return nil, cbrTranslate(err)
		}
	}
	return map[string]any{"replication": map[string]any{"backup_id": backupID, "replication_record_id": rep.ID,
		"source_region": rep.SourceRegion, "destination_region": rq.DestinationRegion, "destination_project_id": rq.DestinationProjectID,
		"destination_vault_id": rq.DestinationVaultID, "project_id": e.opts.ProjectID,
		"provider_id": "0daac4c5-6707-4851-97ba-169e36266b66"}}, nil
}

// capabilities: Querying Replication Capabilities, GET /v3/{project_id}/replication-capabilities:
// every replication-capable region replicates to every other one.
func (e *Emulator) capabilities(ctx context.Context) (any, error) {
	sites, err := e.sb.ListSites(ctx)
	if err != nil {
		return nil, err
	}
	var regions []string
	seen := map[string]bool{}
	for _, s := range sites {
		if s.ReplicationCapable && !seen[s.Region] {
			seen[s.Region] = true
			regions = append(regions, s.Region)
		}
	}
	out := []map[string]any{}
	for _, r := range regions {
		dest := []string{}
		for _, d := range regions {
			if d != r {
				dest = append(dest, d)
			}
		}
		out = append(out, map[string]any{"name": r, "replication_destinations": dest})
	}
	return map[string]any{"regions": out}, nil
}
