package huaweicloud

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/basic"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/def"
	cbr "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/cbr/v1"
	cbrmodel "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/cbr/v1/model"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/retry"
)

// CBR cross-region backup replication (services/cbr/v1, API v3). A replica is identified by
// its source backup and destination region — "<backup_id>:<region>", the identity key of
// vendor-lifecycles §7.3 (one replica per backup per region, R003-7) — and read from the
// source backup's replication record for that region plus the destination backup:
//
//	record waiting_replicate → requested, replicating → replicating, fail → error{replicate}
//	(extra_info.fail_reason is last_error), success → the destination backup: available →
//	available, deleting → deleting, error → error{delete}, gone → deleted.
//
// replicate is Replicating a Backup (CopyBackup, POST /v3/{project_id}/backups/{id}/replicate);
// delete is Deleting a Backup of the destination backup, issued at the destination region's
// endpoint. Regions' replication capability comes from Querying Replication Capabilities.
//
// A project ID is per region: the destination project of Replicating a Backup
// (replicate.destination_project_id, "Project ID of the destination region",
// https://support.huaweicloud.com/intl/en-us/api-cbr/CopyBackup.html) is the spec's
// DestinationProjectID (dr_backup_replica.destination_project_id), else the configured
// project of that region (RegionProjectIDs, the provider's region_project_ids), else — for the
// configured region only — ProjectID; with none the create is refused at plan (V-PARAMS),
// never sent with another region's project. Calls at the destination region (its vault, the
// replica backup, deleting it) carry that project in their path; an existing replica's
// project is its replication record's destination_project_id.

// ParamDestinationProjectID is the replica create parameter only Huawei CBR has.
const ParamDestinationProjectID = "destination_project_id"

// destinationProject is the project of region a call at that region uses: given (the spec's,
// or a replication record's) when set, else the configured one; "" when none is known.
func (p *Platform) destinationProject(region, given string) string {
	switch {
	case given != "":
		return given
	case p.cfg.RegionProjectIDs[region] != "":
		return p.cfg.RegionProjectIDs[region]
	case region == "" || region == p.cfg.Region:
		return p.cfg.ProjectID
	}
	return ""
}

// missingProject is why no destination project is known for region (V-PARAMS).
func missingProject(region string) string {
	return fmt.Sprintf("no project of the destination region %q is known (project IDs are per region): set destination_project_id, "+
		"or the provider's huaweicloud region_project_ids (HW_REGION_PROJECT_IDS) to include %s=<project_id>", region, region)
}

func replicaID(backup, region string) string { return backup + ":" + region }

func parseReplicaID(id string) (backup, region string, ok bool) {
	backup, region, ok = strings.Cut(id, ":")
	return backup, region, ok && backup != "" && region != ""
}

// cbrClient is the CBR client of a region (the configured endpoint when overridden) in that
// region's project (project: "" for the configured one).
func (p *Platform) cbrClient(region, project string) (*cbr.CbrClient, error) {
	if region == "" {
		region = p.cfg.Region
	}
	if project == "" {
		project = p.destinationProject(region, "")
	}
	if project == "" {
		return nil, platform.Invalidf("", "huaweicloud: %s", missingProject(region))
	}
	ep := p.cfg.CBRRegionEndpoints[region]
	if ep == "" {
		ep = p.cfg.CBREndpoint
	}
	if ep == "" {
		if region == "" {
			return nil, platform.Invalidf("", "huaweicloud: region (or cbr_endpoint) is required for CBR")
		}
		ep = "https://cbr." + region + ".myhuaweicloud.com"
	}
	key := ep + "|" + project
	p.mu.Lock()
	defer p.mu.Unlock()
	if c := p.cbr[key]; c != nil {
		return c, nil
	}
	cred, err := basic.NewCredentialsBuilder().WithAk(p.cfg.AccessKey).WithSk(p.cfg.SecretKey).WithProjectId(project).SafeBuild()
	if err != nil {
		return nil, platform.Invalidf("", "huaweicloud credentials: %v", err)
	}
	hc, err := core.NewHcHttpClientBuilder().WithEndpoints([]string{ep}).WithCredential(cred).
		WithHttpConfig(p.cfg.httpConfig()).SafeBuild()
	if err != nil {
		return nil, platform.Invalidf("", "huaweicloud CBR client: %v", err)
	}
	c := cbr.NewCbrClient(hc)
	if p.cbr == nil {
		p.cbr = map[string]*cbr.CbrClient{}
	}
	p.cbr[key] = c
	return c, nil
}

type cbrListReq struct {
	Limit           *int32 `json:"limit,omitempty"`
	Offset          *int32 `json:"offset,omitempty"`
	ShowReplication *bool  `json:"show_replication,omitempty"`
}

func cbrRawDef(path string, list bool) *def.HttpRequestDef {
	b := def.NewHttpRequestDefBuilder().WithMethod(http.MethodGet).WithPath(path).
		WithResponse(new(rawResponse)).WithContentType("application/json")
	if strings.Contains(path, "{id}") {
		b.WithRequestField(def.NewFieldDef().WithName("ID").WithJsonTag("id").WithLocationType(def.Path))
	}
	if list {
		for _, f := range [][2]string{{"Limit", "limit"}, {"Offset", "offset"}, {"ShowReplication", "show_replication"}} {
			b.WithRequestField(def.NewFieldDef().WithName(f[0]).WithJsonTag(f[1]).WithLocationType(def.Query))
		}
	}
	b.WithResponseField(def.NewFieldDef().WithName("Body").WithJsonTag("body").WithLocationType(def.Body))
	return withRequestID(b).Build()
}

// showBackup reads a backup (Querying a Specified Backup) at region in project ("": the
// configured ones); found is false when it is gone.
func (p *Platform) showBackup(ctx context.Context, region, project, id string) (obj, bool, error) {
	c, err := p.cbrClient(region, project)
	if err != nil {
		return nil, false, err
	}
	r, err := p.get(ctx, c.HcClient, &pathReq{ID: id}, func() *def.HttpRequestDef { return cbrRawDef("/v3/{project_id}/backups/{id}", false) }, "show backup "+id)
	if err != nil {
		werr := wrap(err, "show backup "+id)
		if platform.IsNotFound(werr) {
			return nil, false, nil
		}
		return nil, false, werr
	}
	if r.Body == nil {
		return nil, false, nil
	}
	o, err := r.decode("show backup " + id)
	if err != nil {
		return nil, false, err
	}
	return o.obj("backup"), true, nil
}

// listBackups pages through Querying All Backups with their replication records, at region
// in project ("", "": the configured ones).
func (p *Platform) listBackups(ctx context.Context, region, project string) ([]obj, error) {
	c, err := p.cbrClient(region, project)
	if err != nil {
		return nil, err
	}
	const page = 100
	var out []obj
	seen := map[string]bool{}
	for offset := int32(0); ; offset += page {
		r, err := p.get(ctx, c.HcClient, &cbrListReq{Limit: ptr(int32(page)), Offset: ptr(offset), ShowReplication: ptr(true)}, func() *def.HttpRequestDef { return cbrRawDef("/v3/{project_id}/backups", true) }, "list backups")
		if err != nil {
			return nil, err
		}
		o, err := r.decode("list backups")
		if err != nil {
			return nil, err
		}
		// CBR lists newest first (ListBackups' sort): a backup made during the listing shifts the
		// pages by one, so a backup may come twice; it is kept once
		items := o.list("backups")
		for _, b := range items {
			if !seen[b.str("id")] {
				seen[b.str("id")] = true
				out = append(out, b)
			}
		}
		if len(items) < page {
			return out, nil
		}
	}
}

// record returns the source backup's replication record for region: a backup holds one per
// replication, so one per region while its replica lives and more once a deleted replica was
// replicated again (Replicating a Backup across regions: a manual replication is allowed again
// after the replica is deleted). The running one (waiting_replicate, replicating) is the
// replica; else the newest (created_at). A skip record — a policy run that replicated nothing
// (ReplicationRecordGet.status skip) — is no replica.
func record(src obj, region string) (obj, bool) {
	var best obj
	found := false
	for _, r := range src.list("replication_records") {
		if r.str("destination_region") != region || r.str("status") == "skip" {
			continue
		}
		if !found || better(r, best) {
			best, found = r, true
		}
	}
	return best, found
}

// better reports whether record a is the replica rather than b: running first, then newest.
func better(a, b obj) bool {
	ra, rb := running(a), running(b)
	if ra != rb {
		return ra
	}
	return recordTime(a).After(recordTime(b))
}

func running(r obj) bool {
	return r.str("status") == "waiting_replicate" || r.str("status") == "replicating"
}

// recordTime is a record's created_at (CBR writes microseconds without a zone, or milliseconds
// with one); the zero time when unreadable.
func recordTime(r obj) time.Time {
	v := r.str("created_at")
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t
		}
	}
	return time.Time{}
}

// replicaFrom builds the replica of a record; dest is the destination backup (nil: gone).
func (p *Platform) replicaFrom(src, rec, dest obj, destFound bool) (platform.BackupReplica, error) {
	region := rec.str("destination_region")
	out := platform.BackupReplica{ID: replicaID(src.str("id"), region), BackupID: src.str("id"),
		ReplicaBackupID: rec.str("destination_backup_id"), SourceRegion: rec.str("source_region"), DestinationRegion: region,
		DestinationVaultID: rec.str("destination_vault_id"), DestinationProjectID: rec.str("destination_project_id"),
		SizeGB:   int64(src.int("resource_size")),
		Progress: rec.obj("extra_info").int("progress")}
	if out.SourceRegion == "" {
		out.SourceRegion = p.cfg.Region
	}
	switch st := rec.str("status"); st {
	case "waiting_replicate":
		out.State = lifecycle.Requested
	case "replicating":
		out.State = lifecycle.Replicating
	case "fail":
		out.State, out.FailedOp = lifecycle.Error, lifecycle.OpReplicate
		out.LastError = "fail: " + rec.obj("extra_info").str("fail_reason")
		if c := rec.obj("extra_info").str("fail_code"); c != "" {
			out.LastError += " (" + c + ")"
		}
	case "success":
		if destFound {
			out.Name, out.Description = dest.str("name"), dest.str("description")
		}
		if !destFound {
			return out, platform.NotFoundf("replica %s: the destination backup %q is gone", out.ID, out.ReplicaBackupID)
		}
		// the destination backup's status (BackupResp.status): a replica a restore runs from
		// (restoring, waiting_restore) is there and usable; one still being made in the
		// destination vault (protecting, waiting_protect) is still replicating
		switch ds := dest.str("status"); ds {
		case "available", "restoring", "waiting_restore":
			out.State = lifecycle.Available
		case "protecting", "waiting_protect":
			out.State = lifecycle.Replicating
		case "deleting", "waiting_delete":
			out.State = lifecycle.Deleting
		case "error":
			out.State, out.FailedOp, out.LastError = lifecycle.Error, lifecycle.OpDelete, "destination backup error"
		default:
			return out, platform.Errorf(platform.ClassInternal, "CBR.UnknownStatus", "destination backup %s has status %q (the driver does not guess a state)", out.ReplicaBackupID, ds)
		}
	default:
		return out, platform.Errorf(platform.ClassInternal, "CBR.UnknownStatus", "unknown replication record status %q (the driver does not guess a state)", st)
	}
	out.Observed = lifecycle.Observation{Kind: lifecycle.BackupReplica, Platform: p.caps, ID: out.ID, Name: out.Name, State: out.State,
		FailedOp: out.FailedOp, LastError: out.LastError, Facts: lifecycle.Facts{Unknown: unknownFacts(), DestinationRegion: region}}
	return out, nil
}

// GetReplica reads a replica from its source backup's record and the destination backup.
func (p *Platform) GetReplica(ctx context.Context, id string) (platform.BackupReplica, error) {
	backup, region, ok := parseReplicaID(id)
	if !ok {
		return platform.BackupReplica{}, platform.NotFoundf("no replica %q (a replica id is <backup_id>:<region>)", id)
	}
	src, found, err := p.showBackup(ctx, "", "", backup)
	if err != nil {
		return platform.BackupReplica{}, err
	}
	if !found {
		return platform.BackupReplica{}, platform.NotFoundf("replica %s: the source backup is gone", id)
	}
	rec, found := record(src, region)
	if !found {
		return platform.BackupReplica{}, platform.NotFoundf("backup %s has no replica in %s", backup, region)
	}
	var dest obj
	destFound := false
	if rec.str("status") == "success" {
		if dest, destFound, err = p.showBackup(ctx, region, rec.str("destination_project_id"), rec.str("destination_backup_id")); err != nil {
			return platform.BackupReplica{}, err
		}
	}
	return p.replicaFrom(src, rec, dest, destFound)
}

// ListReplicas lists every replica: the paginated backup listing of the configured region
// serves the records, and one listing per destination region (in its project, the records')
// the destination backups — a backup of another region's project is not in the first.
func (p *Platform) ListReplicas(ctx context.Context) ([]platform.BackupReplica, error) {
	bs, err := p.listBackups(ctx, "", "")
	if err != nil {
		return nil, err
	}
	byID := map[string]obj{}
	for _, b := range bs {
		byID[b.str("id")] = b
	}
	listed := map[[2]string]bool{{p.cfg.Region, p.destinationProject(p.cfg.Region, "")}: true}
	for _, b := range bs {
		for _, r := range b.list("replication_records") {
			dst := [2]string{r.str("destination_region"), p.destinationProject(r.str("destination_region"), r.str("destination_project_id"))}
			if r.str("status") != "success" || byID[r.str("destination_backup_id")] != nil || listed[dst] || dst[1] == "" {
				continue
			}
			listed[dst] = true
			more, err := p.listBackups(ctx, dst[0], dst[1])
			if err != nil {
				return nil, err
			}
			for _, m := range more {
				byID[m.str("id")] = m
			}
		}
	}
	var out []platform.BackupReplica
	for _, b := range bs {
		seen := map[string]obj{}
		for _, r := range b.list("replication_records") {
			if rec, ok := record(b, r.str("destination_region")); ok {
				seen[r.str("destination_region")] = rec
			}
		}
		for _, region := range sortedKeys(seen) {
			rec := seen[region]
			dest, ok := byID[rec.str("destination_backup_id")]
			v, err := p.replicaFrom(b, rec, dest, ok)
			if platform.IsNotFound(err) {
				continue
			}
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
	}
	return out, nil
}

// showVault reads a vault at a region's endpoint (Querying a Specified Vault, GET
// /v3/{project_id}/vaults/{vault_id}, https://support.huaweicloud.com/intl/en-us/api-cbr/ShowVault.html):
// its purpose is billing.protect_type (backup | replication); found is false when that region
// has no such vault (a vault lives in one region, and a vault carries no region field).
func (p *Platform) showVault(ctx context.Context, region, project, id string) (obj, bool, error) {
	c, err := p.cbrClient(region, project)
	if err != nil {
		return nil, false, err
	}
	r, err := p.get(ctx, c.HcClient, &pathReq{ID: id}, func() *def.HttpRequestDef { return cbrRawDef("/v3/{project_id}/vaults/{id}", false) }, "show vault "+id)
	if err != nil {
		werr := wrap(err, "show vault "+id)
		if platform.IsNotFound(werr) {
			return nil, false, nil
		}
		// CBR says only "Invalid project ID." (BackupService.0006): a project ID is per region,
		// so one of another region is refused at this region's endpoint — say which.
		var pe *platform.Error
		if errors.As(werr, &pe) && pe.Code == "BackupService.0006" {
			cp := *pe
			cp.Message += fmt.Sprintf("; %s is not a project of %s (a project ID is per region)", project, region)
			return nil, false, &cp
		}
		return nil, false, werr
	}
	if r.Body == nil {
		return nil, false, nil
	}
	o, err := r.decode("show vault " + id)
	if err != nil {
		return nil, false, err
	}
	return o.obj("vault"), true, nil
}

// ProposedReplicaFacts reads the source backup, the regions' capabilities and the destination
// vault (at the destination region's endpoint, in the destination project: its purpose, and
// whether it is there at all) for a replica requested with spec. Without a destination
// project (V-PARAMS: MissingParams) the vault cannot be read.
func (p *Platform) ProposedReplicaFacts(ctx context.Context, spec platform.ReplicaSpec) (lifecycle.Facts, error) {
	f := lifecycle.Facts{Unknown: unknownFacts(), DestinationRegion: spec.DestinationRegion, ReplicationMethodPolicy: spec.Policy}
	project := p.destinationProject(spec.DestinationRegion, spec.DestinationProjectID)
	if project == "" && spec.DestinationRegion != "" {
		f.MissingParams = map[string]string{ParamDestinationProjectID: missingProject(spec.DestinationRegion)}
	}
	switch {
	case spec.DestinationVaultID == "" || spec.DestinationRegion == "" || project == "":
		f.Unknown[lifecycle.FactVault] = true
	default:
		v, found, err := p.showVault(ctx, spec.DestinationRegion, project, spec.DestinationVaultID)
		if err != nil {
			return f, err
		}
		if found {
			f.VaultRegion, f.VaultPurpose = spec.DestinationRegion, v.obj("billing").str("protect_type")
		}
	}
	if spec.BackupID == "" {
		f.Unknown[lifecycle.FactBackup], f.Unknown[lifecycle.FactReplicas] = true, true
	} else {
		src, found, err := p.showBackup(ctx, "", "", spec.BackupID)
		if err != nil {
			return f, err
		}
		f.BackupExists = found
		if found {
			switch t := src.str("resource_type"); t {
			case "OS::Nova::Server":
				f.BackupType = "server"
			case "OS::Cinder::Volume":
				f.BackupType = "disk"
			default:
				f.BackupType = t // not an ECS backup (R003-3)
			}
			f.BackupHasSystemDisk = src.obj("extend_info").str("contain_system_disk") == "true"
			f.BackupStatus = src.str("status")
			f.BackupIsReplica = src.str("image_type") == "replication"
			if rec, ok := record(src, spec.DestinationRegion); ok {
				switch rec.str("status") {
				case "waiting_replicate", "replicating":
					f.ReplicaInDestination = true
				case "success":
					_, destFound, err := p.showBackup(ctx, spec.DestinationRegion, rec.str("destination_project_id"), rec.str("destination_backup_id"))
					if err != nil {
						return f, err
					}
					f.ReplicaInDestination = destFound
				}
			}
		}
	}
	caps, err := p.capabilities(ctx)
	if err != nil {
		return f, err
	}
	// Querying Replication Capabilities answers at the source region's endpoint, and may name
	// that region by a display name ("southchina") while its destinations are region ids: one
	// region in the answer is the queried one; several, none of them ours, cannot be told apart
	own, ok := caps[p.cfg.Region]
	if !ok && len(caps) == 1 {
		for _, d := range caps {
			own, ok = d, true
		}
	}
	switch {
	case ok:
		f.SourceRegionCapable, f.DestinationCapable = true, own[spec.DestinationRegion]
	case len(caps) > 1:
		f.Unknown[lifecycle.FactCapability] = true
	}
	return f, nil
}

// capabilities: Querying Replication Capabilities → region → destinations.
func (p *Platform) capabilities(ctx context.Context) (map[string]map[string]bool, error) {
	c, err := p.cbrClient("", "")
	if err != nil {
		return nil, err
	}
	r, err := p.get(ctx, c.HcClient, &struct{}{}, func() *def.HttpRequestDef { return cbrRawDef("/v3/{project_id}/replication-capabilities", false) }, "replication capabilities")
	if err != nil {
		return nil, wrap(err, "replication capabilities")
	}
	out := map[string]map[string]bool{}
	if r.Body == nil {
		return out, nil
	}
	o, err := r.decode("replication capabilities")
	if err != nil {
		return nil, err
	}
	for _, reg := range o.list("regions") {
		d := map[string]bool{}
		if a, ok := reg["replication_destinations"].([]any); ok {
			for _, x := range a {
				if s, ok := x.(string); ok {
					d[s] = true
				}
			}
		}
		out[reg.str("name")] = d
	}
	return out, nil
}

// CreateReplica replicates a backup to a region. CBR has no client token: the source backup's
// record for that region is read first, and a replica already requested, running or available
// with the same destination vault is the earlier request (another vault: R003-7's refusal).
func (p *Platform) CreateReplica(ctx context.Context, spec platform.ReplicaSpec, token string) (platform.BackupReplica, error) {
	if spec.Policy {
		// Policy-driven replicas are made by CBR's own policies, which this provider does not
		// manage (no resource sets ReplicaSpec.Policy); a caller that asks is told so.
		return platform.BackupReplica{}, platform.Invalidf("", "policy-based replication is done by CBR policies, which the huaweicloud driver does not manage")
	}
	if err := p.createToken(token, fmt.Sprintf("replica/%q/%q/%q/%q/%q/%v/%q", spec.BackupID, spec.DestinationRegion,
		spec.DestinationVaultID, spec.Name, spec.Description, spec.EnableAcceleration, spec.DestinationProjectID)); err != nil {
		return platform.BackupReplica{}, err
	}
	id := replicaID(spec.BackupID, spec.DestinationRegion)
	// the replication is one retried unit: each attempt reads the record first, so a request an
	// earlier attempt got accepted (a 5xx, a lost response) is not sent twice
	err := retry.Do0(ctx, p.cfg.Retry, "replicate backup "+spec.BackupID, func(ctx context.Context) error {
		if cur, err := p.GetReplica(ctx, id); err == nil && cur.State != lifecycle.Error {
			if cur.DestinationVaultID != spec.DestinationVaultID {
				return &platform.Error{Class: platform.ClassPreconditionFailed, Code: "BackupService.1009", Rule: "R003-7",
					Message: "the backup is being replicated or has been replicated to " + spec.DestinationRegion + " (vault " + cur.DestinationVaultID + ")"}
			}
			return nil
		} else if err != nil && !platform.IsNotFound(err) {
			return err
		}
		return p.copyBackup(ctx, spec)
	})
	if err != nil {
		return platform.BackupReplica{}, err
	}
	return p.GetReplica(ctx, id)
}

// copyBackup is Replicating a Backup (CopyBackup, POST /v3/{project_id}/backups/{backup_id}/replicate,
// https://support.huaweicloud.com/intl/en-us/api-cbr/CopyBackup.html) with the destination
// region's project; without one it is refused here, never sent with another region's project.
func (p *Platform) copyBackup(ctx context.Context, spec platform.ReplicaSpec) error {
	project := p.destinationProject(spec.DestinationRegion, spec.DestinationProjectID)
	if project == "" {
		return platform.Invalidf("", "huaweicloud: %s", missingProject(spec.DestinationRegion))
	}
	c, err := p.cbrClient("", "")
	if err != nil {
		return err
	}
	body := &cbrmodel.BackupReplicateReqBody{DestinationProjectId: project, DestinationRegion: spec.DestinationRegion,
		DestinationVaultId: spec.DestinationVaultID, EnableAcceleration: ptr(spec.EnableAcceleration)}
	if spec.Name != "" {
		body.Name = ptr(spec.Name)
	}
	if spec.Description != "" {
		body.Description = ptr(spec.Description)
	}
	_, err = sdk(ctx, p, "replicate backup "+spec.BackupID, func() (any, error) {
		return c.HcClient.Sync(&cbrmodel.CopyBackupRequest{BackupId: spec.BackupID, Body: &cbrmodel.BackupReplicateReq{Replicate: body}},
			unread(cbr.GenReqDefForCopyBackup()))
	})
	return err
}

// invokeReplica: replicate (again, from error{replicate}) or delete (the destination backup,
// at the destination region). CBR has no client token: the operation is one retried unit
// whose every attempt reads the replica first, and an operation it shows running or done
// (platform.Underway) is not issued again.
func (p *Platform) invokeReplica(ctx context.Context, id string, op lifecycle.Op) error {
	if op != lifecycle.OpReplicate && op != lifecycle.OpDelete {
		return platform.Invalidf("", "backup replicas have no operation %q on the huaweicloud platform", op)
	}
	return retry.Do0(ctx, p.cfg.Retry, string(op)+" replica "+id, func(ctx context.Context) error {
		cur, err := p.GetReplica(ctx, id)
		if err != nil {
			return err
		}
		if platform.Underway(lifecycle.BackupReplica, op, cur.State) {
			return nil
		}
		if op == lifecycle.OpReplicate {
			return p.copyBackup(ctx, platform.ReplicaSpec{BackupID: cur.BackupID, DestinationRegion: cur.DestinationRegion,
				DestinationVaultID: cur.DestinationVaultID, DestinationProjectID: cur.DestinationProjectID})
		}
		if cur.ReplicaBackupID == "" {
			return &platform.Error{Class: platform.ClassPreconditionFailed, Code: platform.CodeInvalidStatus,
				Message: "replica " + id + " has no destination backup to delete (" + string(cur.State) + ")"}
		}
		// Deleting a Backup takes an available or error backup: a replica a restore runs from
		// (restoring, waiting_restore; available to the engine, A6) is deleted once the restore
		// has ended — the driver waits rather than send a delete CBR refuses
		dest, found, err := p.showBackup(ctx, cur.DestinationRegion, cur.DestinationProjectID, cur.ReplicaBackupID)
		if err != nil {
			return err
		}
		if st := dest.str("status"); found && (st == "restoring" || st == "waiting_restore") {
			return platform.Errorf(platform.ClassRetryable, "CBR.Restoring",
				"replica backup %s is %s: a server is being restored from it; it is deleted once the restore has ended", cur.ReplicaBackupID, st)
		}
		c, err := p.cbrClient(cur.DestinationRegion, cur.DestinationProjectID)
		if err != nil {
			return err
		}
		_, err = sdk(ctx, p, "delete replica backup "+cur.ReplicaBackupID, func() (*cbrmodel.DeleteBackupResponse, error) {
			return c.DeleteBackup(&cbrmodel.DeleteBackupRequest{BackupId: cur.ReplicaBackupID})
		})
		return err
	})
}

func sortedKeys(m map[string]obj) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
