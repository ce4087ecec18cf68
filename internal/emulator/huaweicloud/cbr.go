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

// writeCBRErr answers a CBR error in CBR's flat envelope {"error_code", "error_msg"}: a missing
// backup or vault is 404 with its code (Error Codes: BackupService.6200, BackupService.6105).
func writeCBRErr(w http.ResponseWriter, err error) {
	var ce *cbrError
	if !errors.As(err, &ce) {
		var a *apiError
		if errors.As(err, &a) {
			a.envelope = envCBR
			writeErr(w, a)
			return
		}
		var pe *platform.Error
		switch {
		case errors.As(err, &pe) && pe.Class == platform.ClassRetryable:
			writeErr(w, &apiError{429, "APIGW.0308", "The throttling threshold has been reached: " + pe.Message, envAPIGW})
			return
		case errors.As(err, &pe) && pe.Class == platform.ClassNotFound:
			ce = &cbrError{404, "BackupService.6200", "The backup does not exist."}
		case errors.As(err, &pe) && pe.Class == platform.ClassInvalid:
			ce = &cbrError{400, "BackupService.0007", "Invalid request parameters."}
		case errors.As(err, &pe) && pe.Class == platform.ClassQuota:
			// CBR Error Codes: BackupService.1012, the maximum number of backup replicas reached
			ce = &cbrError{400, "BackupService.1012", "The maximum number of backup replicas has been reached."}
		default:
			ce = &cbrError{500, "BackupService.9999", "Internal error."}
		}
	}
	writeErr(w, &apiError{ce.status, ce.code, ce.msg, envCBR})
}

// serveCBR routes /v3/{project_id}/…. A project ID is per region: a region's own endpoint
// (RegionURL) serves that region's project only; the shared endpoint serves every project the
// account has, and a region's own project selects that region (its vaults, as at its endpoint).
func (e *Emulator) serveCBR(w http.ResponseWriter, r *http.Request, p []string) {
	ctx := r.Context()
	if region, ok := ctx.Value(regionKey{}).(string); ok && region != "" {
		if p[1] != e.projectOf(region) {
			writeErr(w, &apiError{400, "BackupService.0006", "Invalid project ID.", envCBR})
			return
		}
	} else if region, known := e.regionOfProject(p[1]); region != "" {
		ctx = context.WithValue(ctx, regionKey{}, region)
	} else if !known {
		writeErr(w, &apiError{400, "BackupService.0006", "Invalid project ID.", envCBR})
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
			// a vault made without options: no automatic binding or expansion, no rules, no tags
			// (Querying a Vault's members; enterprise_project_id "0", as API Explorer's example)
			"created_at": e.started.UTC().Format("2006-01-02T15:04:05.000+00:00"), "enterprise_project_id": "0",
			"auto_bind": false, "bind_rules": map[string]any{}, "auto_expand": false, "user_id": e.opts.ProjectID, "tags": []any{},
			"billing": map[string]any{"protect_type": v.Purpose, "object_type": "server", "cloud_type": "public",
				"consistent_level": "crash_consistent", "charging_mode": "post_paid", "size": 100, "allocated": 0, "used": 0,
				"status": "available", "spec_code": "vault.backup.server.normal"}}}, nil
	}
	return nil, &cbrError{404, "BackupService.6105", "The vault does not exist."}
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

// backupJSON is a backup as Querying a Specified Backup and Querying All Backups show it (with
// show_replication, its replication_records): the keys of the published examples, nulls where
// they have nulls; a record's destination_backup_id null until its replication succeeded, its
// extra_info fail_code and fail_reason null unless it failed.
func (e *Emulator) backupJSON(b platform.Backup, reps []platform.BackupReplica) map[string]any {
	status := backupStatus(b, reps)
	image, rtype, provider := "backup", "OS::Nova::Server", "0daac4c5-6707-4851-97ba-169e36266b66"
	if b.IsReplica {
		image = "replication"
	}
	if b.Kind == platform.BackupKindDisk {
		rtype, provider = "OS::Cinder::Volume", "d1603440-187d-4516-af25-121250c7cc97"
	}
	records := []map[string]any{}
	name, desc := "backup-"+b.ID, ""
	created := vendorTime(e.started)
	for _, rep := range reps {
		if b.IsReplica && rep.ReplicaBackupID == b.ID {
			name, desc = rep.Name, rep.Description // the replica backup carries the replicate's name
		}
		if rep.BackupID != b.ID {
			continue
		}
		rs := recordStatus(rep)
		extra := map[string]any{"progress": rep.Progress, "fail_code": nil, "fail_reason": nil,
			"destination_vault_id": rep.DestinationVaultID, "auto_trigger": false}
		var dest any
		if rs == "success" {
			dest = rep.ReplicaBackupID
		}
		if rs == "fail" {
			extra["fail_code"], extra["fail_reason"] = "BackupService.1006", "Failed to import the backup replica."
		}
		records = append(records, map[string]any{
			"created_at": created, "id": rep.ID, "source_backup_id": rep.BackupID, "source_checkpoint_id": "cp-" + rep.BackupID,
			"destination_backup_id": dest, "destination_checkpoint_id": nil,
			"destination_region": rep.DestinationRegion, "destination_project_id": e.projectOf(rep.DestinationRegion),
			"destination_vault_id": rep.DestinationVaultID, "source_region": rep.SourceRegion,
			"source_project_id": e.opts.ProjectID, "vault_id": b.VaultID, "status": rs, "extra_info": extra,
		})
	}
	// parent_id is a disk backup's server backup (ShowBackup's example: the child's parent_id
	// is its server backup, the server backup's null; a replica's is null, as reconstructed from
	// the field table): the sandbox's backups have no children, so null
	var parent any
	return map[string]any{
		"checkpoint_id": "cp-" + b.ID, "children": []any{}, "created_at": created, "description": desc, "expired_at": nil,
		"id": b.ID, "name": name, "status": status, "image_type": image, "enterprise_project_id": "0",
		"resource_type": rtype, "resource_id": b.SourceID, "resource_name": b.SourceID, "resource_size": b.SizeGB, "resource_az": "",
		"vault_id": b.VaultID, "project_id": e.projectOf(b.Region), "provider_id": provider, "protected_at": nil, "updated_at": nil,
		"extend_info": map[string]any{"contain_system_disk": b.IncludesSystemDisk, "auto_trigger": false, "bootable": nil, "support_lld": true,
			"supported_restore_mode": "backup", "os_images_data": nil, "progress": nil, "snapshot_id": nil, // the example's nulls of a server backup
			"system_disk": false}, // whether a disk backup is of a system disk: a server backup's is false
		"replication_records": records, "parent_id": parent,
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
		return nil, &cbrError{404, "BackupService.6200", "The backup does not exist."}
	}
	return map[string]any{"backup": e.backupJSON(b, reps)}, nil
}

// deleteBackup: Deleting a Backup, DELETE /v3/{project_id}/backups/{backup_id}; for a replica
// (image_type replication) this deletes the replica (the sandbox replica's delete), from the
// statuses its allow-list names (BackupService.6201).
func (e *Emulator) deleteBackup(ctx context.Context, id string) error {
	reps, err := e.sb.ListReplicas(ctx)
	if err != nil {
		return err
	}
	for _, rep := range reps {
		if rep.ReplicaBackupID != id {
			continue
		}
		if err := decide("DeleteBackup", Situation{ReplicaStatus: replicaBackupStatus(rep)}); err != nil {
			return err
		}
		return e.sb.Invoke(physics(ctx), lifecycle.BackupReplica, rep.ID, lifecycle.OpDelete, "", nil)
	}
	if _, err := e.sb.GetBackup(ctx, id); err != nil {
		return err
	}
	return &cbrError{400, "BackupService.6201", "The backup cannot be deleted."}
}

// replicaBackupStatus is a replica backup's status as CBR shows it.
func replicaBackupStatus(rep platform.BackupReplica) string {
	switch rep.State {
	case lifecycle.Deleting:
		return "deleting"
	case lifecycle.Error:
		return "error"
	case lifecycle.Requested, lifecycle.Replicating:
		return "protecting"
	}
	return "available"
}

// replicate: Replicating a Backup, POST /v3/{project_id}/backups/{backup_id}/replicate
// {replicate: {destination_project_id, destination_region, destination_vault_id, name,
// description, enable_acceleration}}: the allow-list (allowlist.go: the backup available, a
// server backup with its system disk that is no replica, the destination region replication-
// capable, its project, one replica per region, a replication vault there). A failed record
// for the destination is replicated again.
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
		return nil, &cbrError{400, "BackupService.0007", "Invalid request parameters."}
	}
	rq := in.Replicate
	if rq.DestinationProjectID == "" || rq.DestinationRegion == "" || rq.DestinationVaultID == "" || strings.ContainsAny(rq.Description, "<>") ||
		len([]rune(rq.Name)) > 64 || len([]rune(rq.Description)) > 255 {
		return nil, &cbrError{400, "BackupService.0007", "Invalid request parameters."}
	}
	b, err := e.sb.GetBackup(ctx, backupID)
	if err != nil || !e.visible(ctx, b.Region) {
		return nil, &cbrError{404, "BackupService.6200", "The backup does not exist."}
	}
	reps, err := e.sb.ListReplicas(ctx)
	if err != nil {
		return nil, err
	}
	s := Situation{BackupStatus: backupStatus(b, reps), ImageType: "backup", ResourceType: "OS::Nova::Server", SystemDisk: b.IncludesSystemDisk,
		ProjectOfRegion: rq.DestinationProjectID == e.projectOf(rq.DestinationRegion)}
	if b.IsReplica {
		s.ImageType = "replication"
	}
	if b.Kind == platform.BackupKindDisk {
		s.ResourceType = "OS::Cinder::Volume"
	}
	var failed *platform.BackupReplica
	for i, x := range reps {
		if x.BackupID != backupID || x.DestinationRegion != rq.DestinationRegion {
			continue
		}
		if x.State == lifecycle.Error && x.FailedOp == lifecycle.OpReplicate {
			failed = &reps[i]
		} else {
			s.ReplicaInRegion = true
		}
	}
	caps, err := e.capable(ctx)
	if err != nil {
		return nil, err
	}
	s.DestinationCapable = caps[b.Region] && caps[rq.DestinationRegion] && b.Region != rq.DestinationRegion
	if v, err := e.sb.GetVault(ctx, rq.DestinationVaultID); err == nil && v.Region == rq.DestinationRegion {
		s.VaultExists, s.VaultPurpose = true, v.Purpose
	}
	if err := decide("CopyBackup", s); err != nil {
		return nil, err
	}
	var rep platform.BackupReplica
	if failed != nil {
		if err := e.sb.Invoke(physics(ctx), lifecycle.BackupReplica, failed.ID, lifecycle.OpReplicate, "", nil); err != nil {
			return nil, err
		}
		rep = *failed
	} else if rep, err = e.sb.CreateReplica(physics(ctx), platform.ReplicaSpec{BackupID: backupID, DestinationRegion: rq.DestinationRegion,
		DestinationVaultID: rq.DestinationVaultID, Name: rq.Name, Description: rq.Description, EnableAcceleration: rq.EnableAcceleration}, ""); err != nil {
		return nil, err
	}
	return map[string]any{"replication": map[string]any{"backup_id": backupID, "replication_record_id": rep.ID,
		"source_region": rep.SourceRegion, "destination_region": rq.DestinationRegion, "destination_project_id": rq.DestinationProjectID,
		"destination_vault_id": rq.DestinationVaultID, "project_id": e.opts.ProjectID,
		"provider_id": "0daac4c5-6707-4851-97ba-169e36266b66"}}, nil
}

// backupStatus is a backup's status as CBR shows it.
func backupStatus(b platform.Backup, reps []platform.BackupReplica) string {
	if b.IsReplica {
		for _, rep := range reps {
			if rep.ReplicaBackupID == b.ID {
				return replicaBackupStatus(rep)
			}
		}
	}
	if b.Status == platform.BackupCreating {
		return "protecting"
	}
	return b.Status
}

// capable lists the regions whose sites are replication-capable.
func (e *Emulator) capable(ctx context.Context) (map[string]bool, error) {
	sites, err := e.sb.ListSites(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, s := range sites {
		out[s.Region] = out[s.Region] || s.ReplicationCapable
	}
	return out, nil
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
