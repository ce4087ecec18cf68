// Package huaweicloud is the Huawei Cloud driver: SDRS (Storage Disaster Recovery Service, API
// v1) protection groups with their protected instances (servers and their DR-site twins) and
// the replication pairs SDRS creates for the instances' disks, through the official Go SDK
// (github.com/huaweicloud/huaweicloud-sdk-go-v3, services/sdrs/v1). The mapping it follows is
// the "Huawei Cloud" section of the platforms guide (templates/guides/platforms.md.tmpl).
//
// What is served: dr_protection_group (create, rename, enable/disable protection, planned
// failover, failover, reprotect, protect/unprotect servers, remove pairs, drills, delete).
// dr_replication_pair: the pairs SDRS keeps in its groups are observed, imported, listed and
// renamed; on SDRS a pair is created inside a group (one per disk of a protected server, or
// Creating a Replication Pair), so creating one, and deleting one on its own, are manual steps
// (Capabilities.Manual), and its replication is operated through the group (V-PAIR-IN-GROUP).
// dr_backup_replica is CBR cross-region replication (cbr.go). Drills are SDRS DR drills.
//
// Every SDRS mutation is an asynchronous job: Invoke returns once the job is accepted; Observe
// reads the entity's status, and a failed job shows as the group's error-* status → error{op},
// with the job's fail_reason (the task center's failure jobs) as LastError. SDRS has no client
// token, so Invoke reads before it writes (see Invoke).
package huaweicloud

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/basic"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/config"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/def"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdkerr"
	cbr "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/cbr/v1"
	sdrs "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/sdrs/v1"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/sdrs/v1/model"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// Config configures the driver. ProjectID is required: with only a region the SDK calls IAM to
// resolve the project, which this driver never does.
type Config struct {
	AccessKey, SecretKey string
	Region               string
	ProjectID            string
	// SDRSEndpoint overrides https://sdrs.{region}.myhuaweicloud.com (a private endpoint, the emulator).
	SDRSEndpoint string
	// ECSEndpoint overrides https://ecs.{region}.myhuaweicloud.com: server power and AZ
	// (Querying Details About an ECS), which SDRS does not report.
	ECSEndpoint string
	// VPCEndpoint overrides https://vpc.{region}.myhuaweicloud.com (default: ECSEndpoint when
	// that is set): whether a group's source_vpc_id exists (Querying VPC Details), at plan.
	VPCEndpoint string
	// CBREndpoint overrides https://cbr.{region}.myhuaweicloud.com (every region's CBR calls
	// then go to it).
	CBREndpoint string
	// CBRRegionEndpoints override the CBR endpoint of single regions (region → URL), e.g. a
	// replica's destination region; a region not listed uses CBREndpoint.
	CBRRegionEndpoints map[string]string
	// RegionProjectIDs are the account's project IDs of other regions (region → project ID):
	// a replica's destination project when its spec names none (Replicating a Backup takes the
	// destination region's project, and a project ID is per region). The configured region's
	// project is ProjectID.
	RegionProjectIDs map[string]string
	Timeout          time.Duration
	// ReadCacheTTL is how long the shared read snapshot serves reads (snapshot.go); 0 means
	// one second, negative turns the cache off.
	ReadCacheTTL time.Duration
	// PollCacheTTL is how old a snapshot may be for Observe (the executor's polls) and for the
	// read before a write (Invoke): at most the poll interval, so a wait never sees the same
	// data twice. 0 means min(ReadCacheTTL, one second).
	PollCacheTTL time.Duration
}

// Platform is the Huawei Cloud SDRS driver.
type Platform struct {
	cfg    Config
	client *sdrs.SdrsClient
	ecs    *core.HcHttpClient
	vpc    *core.HcHttpClient
	cbr    map[string]*cbr.CbrClient // by endpoint

	mu     sync.Mutex
	tokens map[string]string // client token → operation it was used for (this process)
	jobs   map[string]string // group id → last job id this process started on it

	snapMu sync.Mutex
	snap   *readSnapshot
	gen    atomic.Int64 // write generation: a write invalidates the snapshot
}

var (
	_ platform.Platform = (*Platform)(nil)
	_ platform.Pairs    = (*Platform)(nil)
	_ platform.Groups   = (*Platform)(nil)
	_ platform.Replicas = (*Platform)(nil)
)

// New builds the driver: the SDRS client with an explicit endpoint and project id.
func New(cfg Config) (*Platform, error) {
	if cfg.AccessKey == "" || cfg.SecretKey == "" {
		return nil, platform.Invalidf("", "huaweicloud: access_key and secret_key are required")
	}
	if cfg.ProjectID == "" {
		return nil, platform.Invalidf("", "huaweicloud: project_id is required (the driver does not call IAM to resolve it)")
	}
	ep, ecsEP, vpcEP := cfg.SDRSEndpoint, cfg.ECSEndpoint, cfg.VPCEndpoint
	if cfg.Region == "" && (ep == "" || ecsEP == "") {
		return nil, platform.Invalidf("", "huaweicloud: region (or sdrs_endpoint and ecs_endpoint) is required")
	}
	if vpcEP == "" {
		vpcEP = "https://vpc." + cfg.Region + ".myhuaweicloud.com"
		if cfg.ECSEndpoint != "" {
			vpcEP = cfg.ECSEndpoint // an ECS override serves VPC too (the emulator serves both at one address)
		}
	}
	if ep == "" {
		ep = "https://sdrs." + cfg.Region + ".myhuaweicloud.com"
	}
	if ecsEP == "" {
		ecsEP = "https://ecs." + cfg.Region + ".myhuaweicloud.com"
	}
	cred, err := basic.NewCredentialsBuilder().WithAk(cfg.AccessKey).WithSk(cfg.SecretKey).WithProjectId(cfg.ProjectID).SafeBuild()
	if err != nil {
		return nil, platform.Invalidf("", "huaweicloud credentials: %v", err)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.ReadCacheTTL == 0 {
		cfg.ReadCacheTTL = time.Second
	}
	if cfg.PollCacheTTL == 0 {
		cfg.PollCacheTTL = min(cfg.ReadCacheTTL, time.Second)
	}
	hc, err := core.NewHcHttpClientBuilder().WithEndpoints([]string{ep}).WithCredential(cred).
		WithHttpConfig(config.DefaultHttpConfig().WithTimeout(cfg.Timeout)).SafeBuild()
	if err != nil {
		return nil, platform.Invalidf("", "huaweicloud SDRS client: %v", err)
	}
	ecs, err := core.NewHcHttpClientBuilder().WithEndpoints([]string{ecsEP}).WithCredential(cred).
		WithHttpConfig(config.DefaultHttpConfig().WithTimeout(cfg.Timeout)).SafeBuild()
	if err != nil {
		return nil, platform.Invalidf("", "huaweicloud ECS client: %v", err)
	}
	vpc, err := core.NewHcHttpClientBuilder().WithEndpoints([]string{vpcEP}).WithCredential(cred).
		WithHttpConfig(config.DefaultHttpConfig().WithTimeout(cfg.Timeout)).SafeBuild()
	if err != nil {
		return nil, platform.Invalidf("", "huaweicloud VPC client: %v", err)
	}
	return &Platform{cfg: cfg, client: sdrs.NewSdrsClient(hc), ecs: ecs, vpc: vpc, tokens: map[string]string{}, jobs: map[string]string{}}, nil
}

// Name is "huaweicloud".
func (p *Platform) Name() string { return "huaweicloud" }

// Close releases nothing (the SDK keeps no connections open beyond net/http's pool).
func (p *Platform) Close() error { return nil }

// Capabilities: protection groups, backup replicas, and the replication pairs SDRS keeps in
// its groups. A pair always lives in a protection group on SDRS (Creating a Replication Pair,
// POST /v1/{project_id}/replications, https://support.huaweicloud.com/intl/en-us/api-sdrs/sdrs_05_0601.html,
// takes server_group_id and the production disk and creates the DR-site disk itself), while a
// dr_replication_pair names both volumes and no group: creating one, and deleting one on its
// own, are manual steps (V-PLATFORM at plan). Pairs are observed, imported, listed and renamed;
// their replication is operated through the group (V-PAIR-IN-GROUP).
func (p *Platform) Capabilities() *lifecycle.Capabilities {
	return &lifecycle.Capabilities{
		Platform: "huaweicloud",
		// Creating a Protection Group needs the active-active domain and the production VPC.
		// Replicating a Backup needs the destination region's project.
		Params: map[lifecycle.Kind][]string{lifecycle.ProtectionGroup: {ParamDomainID, ParamSourceVPCID},
			lifecycle.BackupReplica: {ParamDestinationProjectID}},
		Manual: map[lifecycle.Kind]map[lifecycle.Op]string{
			lifecycle.ProtectionGroup: {
				lifecycle.OpAddMember: "SDRS creates a replication pair per disk of a protected server: protect the server (server_ids) instead, " +
					"or create the pair of an unattached disk in the SDRS console (Create Replication Pair).",
				// SDRS has no call that cancels a failover and restores the original direction
				// (vendor-lifecycles §7.2: revert_failover "–" for SDRS)
				lifecycle.OpRevertFailover: "SDRS cannot cancel a failover. Reprotect the group (its data then replicates back) and perform a planned failover to move production back.",
				// nor a one-shot synchronisation (vendor-lifecycles §7.2: sync_once "–" for SDRS)
				lifecycle.OpSyncOnce: "SDRS has no one-shot synchronisation: enable protection, and disable it again once the group is synchronised.",
			},
			lifecycle.ReplicationPair: {
				lifecycle.OpCreate: PairCreateStep,
				lifecycle.OpDelete: PairDeleteStep,
			},
		},
		// Changing the Name of a Replication Pair (sdrs_05_0606) takes only the name.
		// the task center's failure jobs (Querying Failure Tasks, Deleting a Failure Task,
		// Deleting All Failure Tasks of a Protection Group): cleared on request only
		Extra: map[lifecycle.Kind]map[lifecycle.Op]string{
			lifecycle.ProtectionGroup: {"clear_failure_jobs": "deletes the protection group's failure jobs in the SDRS task center"},
		},
		Fixed: map[lifecycle.Kind]map[string]string{
			lifecycle.ReplicationPair: {lifecycle.ParamDescription: "SDRS has no call that changes a replication pair's description " +
				"(Changing the Name of a Replication Pair changes only the name)."},
			lifecycle.ProtectionGroup: {lifecycle.ParamDescription: "SDRS has no call that changes a protection group's description " +
				"(Modifying the Name of a Protection Group changes only the name)."},
		},
		Limits: map[lifecycle.Kind]map[string]lifecycle.ParamLimit{
			lifecycle.ProtectionGroup: {lifecycle.ParamName: GroupNameLimit, lifecycle.ParamDescription: GroupDescriptionLimit},
			lifecycle.ReplicationPair: {lifecycle.ParamName: PairNameLimit, lifecycle.ParamDescription: PairDescriptionLimit},
		},
	}
}

// sdrsNameChar: letters (the Chinese reference adds Chinese characters), digits, '.', '_', '-'.
func sdrsNameChar(r rune) bool {
	return unicode.IsLetter(r) || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-'
}

func noAngleBracket(r rune) bool { return r != '<' && r != '>' }

// The SDRS limits on names and descriptions (the emulator enforces the same, SDRS.0202 /
// SDRS.0212).
var (
	// Creating a Protection Group (sdrs_05_0401) and Changing the Name of a Protection Group
	// (sdrs_05_0405): name at most 64 bytes of letters, digits, '.', '_' and '-'; description
	// at most 64 bytes, no '<' or '>'.
	GroupNameLimit = lifecycle.ParamLimit{Required: true, MinChars: 1, MaxBytes: 64, Allowed: sdrsNameChar,
		AllowedText: "letters, digits, '.', '_' and '-'",
		Source:      "SDRS Creating a Protection Group, https://support.huaweicloud.com/intl/en-us/api-sdrs/sdrs_05_0401.html"}
	GroupDescriptionLimit = lifecycle.ParamLimit{MaxBytes: 64, Allowed: noAngleBracket, AllowedText: "characters other than '<' and '>'",
		Source: "SDRS Creating a Protection Group, https://support.huaweicloud.com/intl/en-us/api-sdrs/sdrs_05_0401.html"}
	// Creating a Replication Pair (sdrs_05_0601) and Changing the Name of a Replication Pair
	// (sdrs_05_0606): the same limits as a group's.
	PairNameLimit = lifecycle.ParamLimit{Required: true, MinChars: 1, MaxBytes: 64, Allowed: sdrsNameChar,
		AllowedText: "letters, digits, '.', '_' and '-'",
		Source:      "SDRS Changing the Name of a Replication Pair, https://support.huaweicloud.com/intl/en-us/api-sdrs/sdrs_05_0606.html"}
	PairDescriptionLimit = lifecycle.ParamLimit{MaxBytes: 64, Allowed: noAngleBracket, AllowedText: "characters other than '<' and '>'",
		Source: "SDRS Creating a Replication Pair, https://support.huaweicloud.com/intl/en-us/api-sdrs/sdrs_05_0601.html"}
)

// The manual steps that replace creating and deleting a dr_replication_pair on SDRS.
const (
	// PairCreateStep: SDRS creates a pair in a protection group, from the production disk
	// (Creating a Replication Pair, sdrs_05_0601); the DR-site disk is made by SDRS.
	PairCreateStep = "An SDRS replication pair is created in a protection group, and SDRS creates its DR-site disk: " +
		"protect the server with dr_protection_group.server_ids — SDRS creates a pair per disk — or create it in the group " +
		"with SDRS Creating a Replication Pair (POST /v1/{project_id}/replications with server_group_id and volume_id); then import it " +
		"(terraform import dr_replication_pair.<name> <pair id>)."
	// PairDeleteStep: SDRS deletes a pair only from its group, once it is detached from its
	// protected instance (Deleting a Replication Pair, sdrs_05_0602).
	PairDeleteStep = "An SDRS replication pair is deleted from its protection group: unprotect its server (remove it from " +
		"dr_protection_group.server_ids), or detach it from the protected instance and delete it with SDRS Deleting a Replication Pair " +
		"(DELETE /v1/{project_id}/replications/{replication_id}); then remove it from the configuration with a removed block or terraform state rm."
)

// Unobservable: every fact the engine reads is observed. The health of an availability zone is
// read from ECS (Querying AZs: zoneState), server power and AZ from ECS too, a destination
// vault from CBR at the destination region's endpoint.
var Unobservable = []string{}

func unknownFacts() map[string]bool {
	m := map[string]bool{}
	for _, f := range Unobservable {
		m[f] = true
	}
	return m
}

func unsupported(k lifecycle.Kind) error {
	return platform.Invalidf("UnsupportedKind", "the huaweicloud platform does not manage %s objects (it manages protection groups, the replication pairs "+
		"SDRS keeps in them, and backup replicas)", k)
}

// ---- reads ----

func (p *Platform) getRaw(path, id string, groupID string, what string) (obj, error) {
	var req any
	query := strings.HasSuffix(path, "s") && !strings.Contains(path, "{id}")
	if query {
		var lr listReq
		if groupID != "" {
			lr.ServerGroupId = &groupID
		}
		req = &lr
	} else {
		req = &pathReq{ID: id}
	}
	r, err := syncRead(p.client.HcClient, req, func() *def.HttpRequestDef { return rawDef(path, query) }, "read")
	if err != nil {
		return nil, wrap(err, what)
	}
	if r.Body == nil {
		return obj{}, nil
	}
	return decodeObj(*r.Body)
}

// listAll pages through a list call (limit/offset) and returns the items under key.
func (p *Platform) listAll(path, key, groupID, what string) ([]obj, error) {
	const page = 1000
	var out []obj
	for offset := int32(0); ; offset += page {
		lr := listReq{Limit: ptr(int32(page)), Offset: ptr(offset)}
		if groupID != "" {
			lr.ServerGroupId = &groupID
		}
		r, err := syncRead(p.client.HcClient, &lr, func() *def.HttpRequestDef { return rawDef(path, true) }, "read")
		if err != nil {
			return nil, wrap(err, what)
		}
		if r.Body == nil {
			return out, nil
		}
		o, err := decodeObj(*r.Body)
		if err != nil {
			return nil, err
		}
		items := o.list(key)
		out = append(out, items...)
		if c := o.int("count"); c > 0 { // the service may cap the page below the limit asked
			if len(out) >= c || len(items) == 0 {
				return out, nil
			}
			offset += int32(len(items)) - page
			continue
		}
		if len(items) < page {
			return out, nil
		}
	}
}

func ptr[T any](v T) *T { return &v }

// groupState maps an SDRS protection-group status (Protection Group Status; vendor-lifecycles
// §2.1, §7.2) onto the engine's state. available is configured while replication was never
// active (replication_status inactive) and paused after protection was disabled
// (active-stopped); a null replication_status (groups created before an upgrade) is read as
// paused, which allows the same operations. An unknown status is an error naming it, never a
// guessed state.
func groupState(status, replication string) (lifecycle.State, lifecycle.Op, error) {
	switch status {
	case "creating":
		return lifecycle.Creating, "", nil
	case "available":
		if replication == "inactive" {
			return lifecycle.Configured, "", nil
		}
		return lifecycle.Paused, "", nil
	case "starting":
		return lifecycle.Starting, "", nil
	case "protected":
		return lifecycle.Replicating, "", nil
	case "stopping":
		return lifecycle.Stopping, "", nil
	case "reversing":
		return lifecycle.SwitchingOver, "", nil
	case "failing-over":
		return lifecycle.FailingOver, "", nil
	case "failed-over":
		return lifecycle.FailedOver, "", nil
	case "reprotecting":
		return lifecycle.Reprotecting, "", nil
	case "deleting":
		return lifecycle.Deleting, "", nil
	case "invalid", "fault":
		return lifecycle.Invalid, "", nil
	case "error":
		return lifecycle.Error, lifecycle.OpCreate, nil
	case "error-starting":
		return lifecycle.Error, lifecycle.OpEnableProtection, nil
	case "error-stopping":
		return lifecycle.Error, lifecycle.OpDisableProtection, nil
	case "error-reversing":
		return lifecycle.Error, lifecycle.OpPlannedFailover, nil
	case "error-failing-over":
		return lifecycle.Error, lifecycle.OpFailover, nil
	case "error-reprotecting":
		return lifecycle.Error, lifecycle.OpReprotect, nil
	case "error-deleting":
		return lifecycle.Error, lifecycle.OpDelete, nil
	}
	return "", "", platform.Errorf(platform.ClassInternal, "SDRS.UnknownStatus", "unknown SDRS status %q (the driver does not guess a state)", status)
}

func siteOf(priorityStation string) lifecycle.Site {
	if priorityStation == "target" {
		return lifecycle.SiteTarget
	}
	return lifecycle.SiteSource
}

// readGroup reads the group, its protected instances and its replication pairs.
func (p *Platform) readGroup(ctx context.Context, id string) (platform.ProtectionGroup, error) {
	return p.readGroupAged(ctx, id, p.cfg.PollCacheTTL)
}

// readGroupAged reads the group from a snapshot at most maxAge old: ReadCacheTTL for the reads
// of a plan (GetGroup, ListGroups, MemberFacts), PollCacheTTL for polls and writes.
func (p *Platform) readGroupAged(ctx context.Context, id string, maxAge time.Duration) (platform.ProtectionGroup, error) {
	if snap, err := p.snapshot(maxAge); err != nil {
		return platform.ProtectionGroup{}, err
	} else if snap != nil {
		if g, ok := snap.groups[id]; ok {
			return p.groupFrom(ctx, g, snap.insts[id], snap.reps[id], snap.server, snap.zones)
		}
	}
	g, err := p.getRaw("/v1/{project_id}/server-groups/{id}", id, "", "show protection group "+id)
	if err != nil {
		return platform.ProtectionGroup{}, err
	}
	insts, err := p.listAll("/v1/{project_id}/protected-instances", "protected_instances", id, "list protected instances")
	if err != nil {
		return platform.ProtectionGroup{}, err
	}
	reps, err := p.listAll("/v1/{project_id}/replications", "replications", id, "list replication pairs")
	if err != nil {
		return platform.ProtectionGroup{}, err
	}
	zones, err := p.zones()
	if err != nil {
		return platform.ProtectionGroup{}, err
	}
	return p.groupFrom(ctx, g.obj("server_group"), insts, reps, p.serverObj, zones)
}

// zones reads whether each availability zone is available (ECS Querying AZs, the native
// OpenStack API GET /v2.1/{project_id}/os-availability-zone,
// https://support.huaweicloud.com/intl/en-us/api-ecs/ecs_03_1801.html: zoneState.available):
// the health of a group's sites (R000-2, R002-8, V-SYNC-SITES).
func (p *Platform) zones() (map[string]bool, error) {
	r, err := syncRead(p.ecs, &struct{}{}, func() *def.HttpRequestDef { return rawDef("/v2.1/{project_id}/os-availability-zone", false) }, "list availability zones")
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	if r.Body == nil {
		return out, nil
	}
	o, err := decodeObj(*r.Body)
	if err != nil {
		return nil, err
	}
	for _, z := range o.list("availabilityZoneInfo") {
		avail, _ := z.obj("zoneState")["available"].(bool)
		out[z.str("zoneName")] = avail
	}
	return out, nil
}

// siteHealth sets the sites' health from the AZs' availability; an AZ ECS does not list is
// Unknown (never guessed).
func siteHealth(f *lifecycle.Facts, zones map[string]bool, activeAZ, standbyAZ string) {
	a, okA := zones[activeAZ]
	b, okB := zones[standbyAZ]
	f.ActiveSiteHealthy, f.StandbySiteHealthy = a, b
	if !okA || !okB {
		if f.Unknown == nil {
			f.Unknown = map[string]bool{}
		}
		f.Unknown[lifecycle.FactSiteHealth] = true
	}
}

func (p *Platform) groupFrom(ctx context.Context, g obj, insts, reps []obj, server serverLookup, zones map[string]bool) (platform.ProtectionGroup, error) {
	repl := g.str("replication_status")
	st, failed, err := groupState(g.str("status"), repl)
	if err != nil {
		return platform.ProtectionGroup{}, err
	}
	out := platform.ProtectionGroup{
		ID: g.str("id"), Name: g.str("name"), Description: g.str("description"),
		SourceRegion: p.cfg.Region, SourceZone: g.str("source_availability_zone"),
		TargetRegion: p.cfg.Region, TargetZone: g.str("target_availability_zone"),
		DomainID: g.str("domain_id"), SourceVPCID: g.str("source_vpc_id"),
		State: st, FailedOp: failed, ActiveSite: siteOf(g.str("priority_station")),
		ReplicationStatus: repl, SyncProgress: g.int("progress"), Health: g.str("health_status"),
		ProtectionEnabled: g.str("protected_status") == "started",
		DrillActive:       g.int("disaster_recovery_drill_num") > 0,
	}
	out.FirstSyncDone = st == lifecycle.Replicating || st == lifecycle.SwitchingOver || st == lifecycle.FailingOver ||
		st == lifecycle.FailedOver || repl == "active" || repl == "active-stopped"
	for _, r := range reps {
		if r.str("status") == "creating" {
			continue // not a member until SDRS has created it
		}
		out.PairIDs = append(out.PairIDs, r.str("id"))
	}
	sort.Strings(out.PairIDs)
	// servers: power (V-GRP-SWITCH, R000-4) and the addresses each side holds (R002-5), from ECS
	srcStopped, tgtStopped := true, true
	for _, in := range insts {
		tw := platform.ServerTwin{SourceServerID: in.str("source_server"), TwinServerID: in.str("target_server")}
		for _, side := range []struct {
			id           string
			stopped      *bool
			ip, eip, mac *string
		}{{tw.SourceServerID, &srcStopped, &tw.SourceIP, &tw.SourceEIP, &tw.SourceMAC},
			{tw.TwinServerID, &tgtStopped, &tw.TwinIP, &tw.TwinEIP, &tw.TwinMAC}} {
			if side.id == "" {
				continue
			}
			srv, found, err := server(side.id)
			if err != nil {
				return platform.ProtectionGroup{}, err
			}
			if !found {
				continue
			}
			if srv.str("status") != "SHUTOFF" {
				*side.stopped = false
			}
			*side.ip, *side.eip, *side.mac = addresses(srv)
		}
		out.ServerIDs = append(out.ServerIDs, tw.SourceServerID)
		out.DRServers = append(out.DRServers, tw)
	}
	if st == lifecycle.Error {
		if out.LastError, err = p.lastError(ctx, out.ID, g.str("status")); err != nil {
			return platform.ProtectionGroup{}, err
		}
	}
	out.Observed = p.observation(out)
	activeAZ, standbyAZ := out.SourceZone, out.TargetZone
	if out.ActiveSite == lifecycle.SiteTarget {
		activeAZ, standbyAZ = standbyAZ, activeAZ
	}
	siteHealth(&out.Observed.Facts, zones, activeAZ, standbyAZ)
	out.Observed.Facts.ActiveServersStopped, out.Observed.Facts.StandbyServersStopped = srcStopped, tgtStopped
	if out.ActiveSite == lifecycle.SiteTarget {
		out.Observed.Facts.ActiveServersStopped, out.Observed.Facts.StandbyServersStopped = tgtStopped, srcStopped
	}
	return out, nil
}

// serverObj reads an ECS server (Querying Details About an ECS,
// GET /v1/{project_id}/cloudservers/{server_id}); found is false for a deleted server.
func (p *Platform) serverObj(id string) (obj, bool, error) {
	r, err := syncRead(p.ecs, &pathReq{ID: id}, func() *def.HttpRequestDef { return rawDef("/v1/{project_id}/cloudservers/{id}", false) }, "read")
	if err != nil {
		werr := wrap(err, "show server "+id)
		if platform.IsNotFound(werr) || strings.Contains(err.Error(), "Ecs.0114") {
			return nil, false, nil
		}
		return nil, false, werr
	}
	if r.Body == nil {
		return nil, false, nil
	}
	o, err := decodeObj(*r.Body)
	if err != nil {
		return nil, false, err
	}
	return o.obj("server"), true, nil
}

// serverInfo is an ECS server's status and AZ.
func (p *Platform) serverInfo(id string) (status, az string, found bool, err error) {
	srv, found, err := p.serverObj(id)
	if err != nil || !found {
		return "", "", found, err
	}
	return srv.str("status"), srv.str("OS-EXT-AZ:availability_zone"), true, nil
}

// addresses are a server's private IP, EIP and MAC (ECS addresses: "fixed" and "floating").
func addresses(srv obj) (ip, eip, mac string) {
	for _, net := range srv.obj("addresses") {
		list, _ := net.([]any)
		for _, x := range list {
			a, ok := x.(map[string]any)
			if !ok {
				continue
			}
			o := obj(a)
			switch o.str("OS-EXT-IPS:type") {
			case "floating":
				if eip == "" {
					eip = o.str("addr")
				}
			default:
				if ip == "" {
					ip, mac = o.str("addr"), o.str("OS-EXT-IPS-MAC:mac_addr")
				}
			}
		}
	}
	return ip, eip, mac
}

func (p *Platform) observation(g platform.ProtectionGroup) lifecycle.Observation {
	busy := g.State == lifecycle.FailingOver || g.State == lifecycle.SwitchingOver || g.State == lifecycle.Reprotecting
	return lifecycle.Observation{Kind: lifecycle.ProtectionGroup, ID: g.ID, Name: g.Name, State: g.State, FailedOp: g.FailedOp,
		ActiveSite: g.ActiveSite, LastError: g.LastError,
		Facts: lifecycle.Facts{
			Unknown:     unknownFacts(),
			MemberCount: len(g.PairIDs), ServerCount: len(g.ServerIDs), FirstSyncDone: g.FirstSyncDone,
			DrillActive: g.DrillActive, ServersBusy: busy, ReplicationCapable: true,
			ActiveRegion: p.cfg.Region, StandbyRegion: p.cfg.Region,
		}}
}

// lastError is the failed job's reason: the job this process started (ShowJobStatus), else the
// group's latest failure job in the task center (ListFailureJobs), else the status itself (no
// failure job: e.g. cleared with clear_failure_jobs). A lookup that fails is the read's error
// (retryable when throttled: the provider's retry layer repeats the read), never the bare
// status: a throttled lookup once showed "SDRS status error-starting" as last_error in a
// refresh under throttling (TestLastErrorNotLostToThrottledLookup).
func (p *Platform) lastError(ctx context.Context, groupID, status string) (string, error) {
	p.mu.Lock()
	jobID := p.jobs[groupID]
	p.mu.Unlock()
	if jobID != "" {
		j, err := p.client.ShowJobStatus(&model.ShowJobStatusRequest{JobId: jobID})
		if err != nil {
			if werr := wrap(err, "show job "+jobID); platform.IsRetryable(werr) {
				return "", werr
			}
			// the job is gone (SDRS keeps jobs for a while): the task center has its record
		} else if j.Status != nil && j.Status.Value() == "FAIL" {
			return jobReason(deref(j.ErrorCode), deref(j.FailReason), status), nil
		}
	}
	fj, err := p.listAll("/v1/{project_id}/task-center/failure-jobs", "failure_jobs", groupID, "list failure jobs")
	if err != nil {
		return "", err
	}
	for i := len(fj) - 1; i >= 0; i-- {
		if fj[i].str("resource_id") == groupID {
			return jobReason(fj[i].str("error_code"), fj[i].str("fail_reason"), status), nil
		}
	}
	return "SDRS status " + status, nil
}

func jobReason(code, reason, status string) string {
	s := status + ": " + reason
	if code != "" {
		s += " (" + code + ")"
	}
	return s
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// ---- Platform: groups ----

// GetGroup reads a protection group (Querying the Details of a Protection Group, Querying
// Protected Instances, Querying Replication Pairs).
func (p *Platform) GetGroup(ctx context.Context, id string) (platform.ProtectionGroup, error) {
	return p.readGroupAged(ctx, id, p.cfg.ReadCacheTTL)
}

// ListGroups lists every protection group (Querying Protection Groups, paginated), with one
// paginated list of protected instances and one of pairs for all of them.
func (p *Platform) ListGroups(ctx context.Context) ([]platform.ProtectionGroup, error) {
	snap, err := p.snapshot(p.cfg.ReadCacheTTL)
	if err != nil {
		return nil, err
	}
	if snap == nil { // cache off: a fresh snapshot for this call
		if snap, err = p.loadSnapshot(p.gen.Load()); err != nil {
			return nil, err
		}
	}
	out := make([]platform.ProtectionGroup, 0, len(snap.order))
	for _, id := range snap.order {
		v, err := p.groupFrom(ctx, snap.groups[id], snap.insts[id], snap.reps[id], snap.server, snap.zones)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// CreateGroup creates a protection group between two AZs (Creating a Protection Group,
// POST /v1/{project_id}/server-groups). SDRS has no client token: a group with the same name
// is the earlier create (read before write); the same name between other AZs is refused.
func (p *Platform) CreateGroup(ctx context.Context, spec platform.GroupSpec, token string) (platform.ProtectionGroup, error) {
	if spec.SourceZone == "" || spec.TargetZone == "" {
		return platform.ProtectionGroup{}, platform.Invalidf("", "an SDRS protection group needs source_zone and target_zone (availability zones)")
	}
	if spec.SourceVPCID == "" {
		return platform.ProtectionGroup{}, platform.Invalidf("", "an SDRS protection group needs source_vpc_id (the production site's VPC)")
	}
	domain := spec.DomainID
	if domain == "" {
		ds, err := p.domainsBetween(spec.SourceZone, spec.TargetZone)
		if err != nil {
			return platform.ProtectionGroup{}, err
		}
		if len(ds) != 1 {
			return platform.ProtectionGroup{}, platform.Invalidf("", "domain_id: %s", domainChoice(ds, spec))
		}
		domain = ds[0].str("id")
	}
	if err := p.createToken(token, fmt.Sprintf("group/%q/%q/%q/%q/%q/%q", spec.Name, spec.Description, spec.SourceZone, spec.TargetZone, domain, spec.SourceVPCID)); err != nil {
		return platform.ProtectionGroup{}, err
	}
	if existing, found, err := p.groupByName(ctx, spec.Name); err != nil {
		return platform.ProtectionGroup{}, err
	} else if found {
		if existing.SourceZone != spec.SourceZone || existing.TargetZone != spec.TargetZone {
			return platform.ProtectionGroup{}, platform.Invalidf(platform.CodeIdempotentParameterMismatch,
				"a protection group named %q already exists between %s and %s", spec.Name, existing.SourceZone, existing.TargetZone)
		}
		return existing, nil
	}
	params := &model.CreateProtectionGroupRequestParams{Name: spec.Name, SourceAvailabilityZone: spec.SourceZone,
		TargetAvailabilityZone: spec.TargetZone, DomainId: domain, SourceVpcId: spec.SourceVPCID}
	if spec.Description != "" {
		params.Description = ptr(spec.Description)
	}
	resp, err := p.client.CreateProtectionGroup(&model.CreateProtectionGroupRequest{Body: &model.CreateProtectionGroupRequestBody{ServerGroup: params}})
	p.wrote()
	if err != nil {
		return platform.ProtectionGroup{}, wrap(err, "create protection group")
	}
	id := ""
	if resp.JobId != nil {
		if j, err := p.client.ShowJobStatus(&model.ShowJobStatusRequest{JobId: *resp.JobId}); err == nil && j.Entities != nil && j.Entities.ServerGroupId != nil {
			id = *j.Entities.ServerGroupId
		}
	}
	if id == "" { // the job does not name the group yet: find it by name
		g, found, err := p.groupByName(ctx, spec.Name)
		if err != nil {
			return platform.ProtectionGroup{}, err
		}
		if !found {
			return platform.ProtectionGroup{}, platform.Errorf(platform.ClassRetryable, platform.CodeInternal, "the protection group %q is not visible yet", spec.Name)
		}
		id = g.ID
	}
	if resp.JobId != nil {
		p.rememberJob(id, *resp.JobId)
	}
	return p.readGroup(ctx, id)
}

func (p *Platform) groupByName(ctx context.Context, name string) (platform.ProtectionGroup, bool, error) {
	gs, err := p.listAll("/v1/{project_id}/server-groups", "server_groups", "", "list protection groups")
	if err != nil {
		return platform.ProtectionGroup{}, false, err
	}
	for _, g := range gs {
		if g.str("name") == name {
			v, err := p.readGroup(ctx, g.str("id"))
			return v, err == nil, err
		}
	}
	return platform.ProtectionGroup{}, false, nil
}

// UpdateGroup renames a group (Changing the Name of a Protection Group, PUT
// /v1/{project_id}/server-groups/{id}). SDRS cannot change a description.
func (p *Platform) UpdateGroup(ctx context.Context, id string, spec platform.GroupSpec) (platform.ProtectionGroup, error) {
	cur, err := p.readGroup(ctx, id)
	if err != nil {
		return platform.ProtectionGroup{}, err
	}
	if spec.Description != cur.Description {
		return platform.ProtectionGroup{}, platform.Invalidf("", "SDRS cannot change a protection group's description (only its name)")
	}
	if spec.Name != "" && spec.Name != cur.Name {
		_, err := p.client.UpdateProtectionGroupName(&model.UpdateProtectionGroupNameRequest{ServerGroupId: id,
			Body: &model.UpdateProtectionGroupNameRequestBody{ServerGroup: &model.UpdateProtectionGroupNameRequestParams{Name: spec.Name}}})
		p.wrote()
		if err != nil {
			return platform.ProtectionGroup{}, wrap(err, "rename protection group")
		}
	}
	return p.readGroup(ctx, id)
}

// Platform-specific create parameters of a protection group (Capabilities.Params): Creating
// a Protection Group (POST /v1/{project_id}/server-groups,
// https://support.huaweicloud.com/intl/en-us/api-sdrs/sdrs_05_0401.html) requires domain_id
// and source_vpc_id.
const (
	ParamDomainID    = "domain_id"
	ParamSourceVPCID = "source_vpc_id"
)

// domainsBetween lists the project's active-active domains whose two replication clusters are
// the two zones (Querying an Active-Active Domain, GET /v1/{project_id}/active-domains,
// https://support.huaweicloud.com/intl/en-us/api-sdrs/sdrs_05_0301.html).
func (p *Platform) domainsBetween(az1, az2 string) ([]obj, error) {
	o, err := p.getRaw("/v1/{project_id}/active-domains", "", "", "list active-active domains")
	if err != nil {
		return nil, err
	}
	var out []obj
	for _, d := range o.list("domains") {
		l, r := d.obj("local_replication_cluster").str("availability_zone"), d.obj("remote_replication_cluster").str("availability_zone")
		if (l == az1 && r == az2) || (l == az2 && r == az1) {
			out = append(out, d)
		}
	}
	return out, nil
}

// domainChoice says why no domain could be chosen for the zones.
func domainChoice(ds []obj, spec platform.GroupSpec) string {
	if len(ds) == 0 {
		return fmt.Sprintf("the project has no active-active domain between %s and %s (SDRS protects only between the two AZs of a domain)", spec.SourceZone, spec.TargetZone)
	}
	ids := make([]string, 0, len(ds))
	for _, d := range ds {
		ids = append(ids, d.str("id"))
	}
	return fmt.Sprintf("the project has %d active-active domains between %s and %s (%s): name one", len(ds), spec.SourceZone, spec.TargetZone, strings.Join(ids, ", "))
}

// vpcExists reads the VPC (Querying VPC Details, GET /v1/{project_id}/vpcs/{vpc_id},
// https://support.huaweicloud.com/intl/en-us/api-vpc/vpc_api01_0002.html); a 404 is a
// missing VPC.
func (p *Platform) vpcExists(id string) (bool, error) {
	_, err := syncRead(p.vpc, &pathReq{ID: id}, func() *def.HttpRequestDef { return rawDef("/v1/{project_id}/vpcs/{id}", false) }, "read")
	if err == nil {
		return true, nil
	}
	var sr *sdkerr.ServiceResponseError
	if errors.As(err, &sr) && sr.StatusCode == 404 {
		return false, nil
	}
	if pe := (*platform.Error)(nil); errors.As(err, &pe) && strings.Contains(pe.Message, "HTTP 404") {
		return false, nil
	}
	return false, wrap(err, "show VPC "+id)
}

// ProposedGroupFacts: SDRS has no AZ listing, so the zones are checked by the create
// (SDRS.0203); the sites are the same when the zones are. The create's own parameters
// (V-PARAMS, V-REFS): source_vpc_id must be given and exist (VPC API); domain_id, when not
// given, is the project's only active-active domain between the zones, and when given must be
// one of them.
func (p *Platform) ProposedGroupFacts(ctx context.Context, spec platform.GroupSpec) (lifecycle.Facts, error) {
	f := lifecycle.Facts{Unknown: unknownFacts(), SameSite: spec.SourceZone != "" && spec.SourceZone == spec.TargetZone,
		ReplicationCapable: true, ActiveRegion: p.cfg.Region, StandbyRegion: p.cfg.Region,
		MissingParams: map[string]string{}, MissingRefs: map[string]string{}}
	zones, err := p.zones()
	if err != nil {
		return lifecycle.Facts{}, err
	}
	siteHealth(&f, zones, spec.SourceZone, spec.TargetZone)
	if spec.SourceVPCID == "" {
		f.MissingParams[ParamSourceVPCID] = "Creating a Protection Group needs the ID of the production site's VPC"
	} else if ok, err := p.vpcExists(spec.SourceVPCID); err != nil {
		return lifecycle.Facts{}, err
	} else if !ok {
		f.MissingRefs[ParamSourceVPCID] = spec.SourceVPCID
	}
	ds, err := p.domainsBetween(spec.SourceZone, spec.TargetZone)
	if err != nil {
		return lifecycle.Facts{}, err
	}
	switch {
	case spec.DomainID != "":
		found := false
		for _, d := range ds {
			found = found || d.str("id") == spec.DomainID
		}
		if !found {
			f.MissingRefs[ParamDomainID] = spec.DomainID + fmt.Sprintf(" (as an active-active domain between %s and %s)", spec.SourceZone, spec.TargetZone)
		}
	case len(ds) != 1:
		f.MissingParams[ParamDomainID] = domainChoice(ds, spec)
	}
	return f, nil
}

// MemberFacts: the group's facts with a candidate server: its AZ from ECS (SDRS.1304: it must
// be at the production AZ); whether another group already protects it (SDRS.1305), or it is a
// DR-site twin, from the protected instances.
func (p *Platform) MemberFacts(ctx context.Context, groupID string, params map[string]string) (lifecycle.Facts, error) {
	g, err := p.readGroupAged(ctx, groupID, p.cfg.ReadCacheTTL)
	if err != nil {
		return lifecycle.Facts{}, err
	}
	f := g.Observed.Facts
	if sid := params[lifecycle.ParamServerID]; sid != "" {
		f.CandidateServerID = sid
		_, az, found, err := p.serverInfo(sid)
		if err != nil {
			return lifecycle.Facts{}, err
		}
		switch {
		case !found:
			f.MissingRefs = map[string]string{lifecycle.ParamServerID: sid}
		case az == g.SourceZone:
			f.CandidateServerSite = lifecycle.SiteSource
		case az == g.TargetZone:
			f.CandidateServerSite = lifecycle.SiteTarget
		}
		all, err := p.listAll("/v1/{project_id}/protected-instances", "protected_instances", "", "list protected instances")
		if err != nil {
			return lifecycle.Facts{}, err
		}
		for _, in := range all {
			if in.str("source_server") == sid {
				f.CandidateServerGroupID = in.str("server_group_id")
			}
			if in.str("target_server") == sid {
				f.CandidateServerTwin = true
			}
		}
	}
	if pid := params[lifecycle.ParamPairID]; pid != "" {
		f.CandidatePairID = pid
	}
	return f, nil
}

// ---- Observe / Invoke / Cancel ----

// Observe reads the object's state and facts.
func (p *Platform) Observe(ctx context.Context, kind lifecycle.Kind, id string) (lifecycle.Observation, error) {
	switch kind {
	case lifecycle.ProtectionGroup:
		g, err := p.readGroup(ctx, id)
		if err != nil {
			return lifecycle.Observation{}, err
		}
		return g.Observed, nil
	case lifecycle.ReplicationPair:
		pr, err := p.getPairAged(ctx, id, p.cfg.PollCacheTTL)
		if err != nil {
			return lifecycle.Observation{}, err
		}
		return pr.Observed, nil
	case lifecycle.BackupReplica:
		r, err := p.GetReplica(ctx, id)
		if err != nil {
			return lifecycle.Observation{}, err
		}
		return r.Observed, nil
	}
	return lifecycle.Observation{}, unsupported(kind)
}

// Cancel: SDRS jobs cannot be cancelled; nil (the operation runs to its end).
func (p *Platform) Cancel(ctx context.Context, kind lifecycle.Kind, id string, op lifecycle.Op) error {
	return nil
}

func checkToken(token string) error {
	if len(token) > 64 {
		return platform.Invalidf(platform.CodeInvalidClientToken, "a client token has at most 64 characters")
	}
	for _, r := range token {
		if r > unicode.MaxASCII {
			return platform.Invalidf(platform.CodeInvalidClientToken, "a client token is ASCII only")
		}
	}
	return nil
}

// inProgressOrDone are, per operation, the states in which the operation is already running
// or has taken effect: Invoke does not issue it again (SDRS has no client token).
var inProgressOrDone = map[lifecycle.Op][]lifecycle.State{
	lifecycle.OpEnableProtection:  {lifecycle.Starting, lifecycle.Replicating},
	lifecycle.OpDisableProtection: {lifecycle.Stopping, lifecycle.Paused},
	lifecycle.OpFailover:          {lifecycle.FailingOver, lifecycle.FailedOver},
	lifecycle.OpReprotect:         {lifecycle.Reprotecting},
	lifecycle.OpPlannedFailover:   {lifecycle.SwitchingOver},
	lifecycle.OpDelete:            {lifecycle.Deleting},
}

// Invoke starts one operation on a protection group. SDRS has no idempotency key, so Invoke
// makes every call idempotent by reading before writing:
//   - a token this process already used for the same operation on the same object is answered
//     from memory (the executor's retry of an accepted call); for another operation it is
//     IdempotentParameterMismatch;
//   - the group is read first, and an operation that is already running or has already taken
//     effect (inProgressOrDone; a server already protected or no longer protected) is not
//     issued again. A planned failover that completed is not recognisable from the group alone
//     (it ends protected, as it began): the token guards it within a run, and the engine's plan
//     (active_site) across runs.
func (p *Platform) Invoke(ctx context.Context, kind lifecycle.Kind, id string, op lifecycle.Op, token string, params map[string]string) error {
	if kind == lifecycle.BackupReplica {
		if err := checkToken(token); err != nil {
			return err
		}
		return p.invokeReplica(ctx, id, op)
	}
	if kind == lifecycle.ReplicationPair {
		if err := checkToken(token); err != nil {
			return err
		}
		return p.invokePair(ctx, id, op, params)
	}
	if kind != lifecycle.ProtectionGroup {
		return unsupported(kind)
	}
	if _, ok := lifecycle.Table(kind).Operation(op); !ok {
		return platform.Invalidf("", "protection groups have no operation %q", op)
	}
	if err := checkToken(token); err != nil {
		return err
	}
	key := string(kind) + "/" + id + "/" + string(op) + "/" + params[lifecycle.ParamServerID] + params[lifecycle.ParamPairID]
	if token != "" {
		p.mu.Lock()
		prev, seen := p.tokens[token]
		p.mu.Unlock()
		if seen && prev == key {
			return nil
		}
		if seen {
			return platform.Invalidf(platform.CodeIdempotentParameterMismatch, "client token %q was used for another operation", token)
		}
	}
	if step, manual := p.Capabilities().ManualStep(kind, op); manual {
		return platform.Invalidf("ManualStep", "the huaweicloud platform cannot invoke %s: %s", op, step)
	}
	g, err := p.readGroup(ctx, id)
	if err != nil {
		return err
	}
	done := false
	for _, s := range inProgressOrDone[op] {
		if g.State == s {
			done = true
		}
	}
	var jobID string
	if !done {
		p.wrote()
		jobID, _, err = p.issue(ctx, g, op, params)
		p.wrote()
		if err != nil {
			return err
		}
	}
	if jobID != "" {
		p.rememberJob(id, jobID)
	}
	if token != "" {
		p.mu.Lock()
		p.tokens[token] = key
		p.mu.Unlock()
	}
	return nil
}

// createToken remembers a create's client token with its parameters: the same token with other
// parameters is IdempotentParameterMismatch (R001-4); the same parameters are answered by the
// read before the write.
func (p *Platform) createToken(token, key string) error {
	if err := checkToken(token); err != nil || token == "" {
		return err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if prev, seen := p.tokens[token]; seen && prev != key {
		return platform.Invalidf(platform.CodeIdempotentParameterMismatch, "client token %q was used with other parameters", token)
	}
	p.tokens[token] = key
	return nil
}

func (p *Platform) rememberJob(groupID, jobID string) {
	p.mu.Lock()
	p.jobs[groupID] = jobID
	p.mu.Unlock()
}

// emptyAction is the {} value of an action without parameters: the SDK sends a nil value as
// null ({"stop-server-group":null}), which SDRS refuses.
func emptyAction() *interface{} {
	var v interface{} = map[string]interface{}{}
	return &v
}

// issue makes the SDRS call of op; skipped reports a membership change that already holds.
func (p *Platform) issue(ctx context.Context, g platform.ProtectionGroup, op lifecycle.Op, params map[string]string) (jobID string, skipped bool, err error) {
	id := g.ID
	job := func(j *string, err error, what string) (string, bool, error) {
		if err != nil {
			return "", false, wrap(err, what)
		}
		return deref(j), false, nil
	}
	switch op {
	case lifecycle.OpEnableProtection, lifecycle.OpReprotect:
		// Enabling Protection or Enabling Protection Again: one action, start-server-group.
		r, err := p.client.StartProtectionGroup(&model.StartProtectionGroupRequest{ServerGroupId: id,
			Body: &model.StartProtectionGroupRequestBody{StartServerGroup: emptyAction()}})
		if err != nil {
			return job(nil, err, string(op))
		}
		return job(r.JobId, nil, string(op))
	case lifecycle.OpDisableProtection:
		// Disabling Protection: stop-server-group.
		r, err := p.client.StopProtectionGroup(&model.StopProtectionGroupRequest{ServerGroupId: id,
			Body: &model.StopProtectionGroupRequestBody{StopServerGroup: emptyAction()}})
		if err != nil {
			return job(nil, err, string(op))
		}
		return job(r.JobId, nil, string(op))
	case lifecycle.OpFailover:
		// Performing a Failover: failover-server-group.
		r, err := p.client.StartFailoverProtectionGroup(&model.StartFailoverProtectionGroupRequest{ServerGroupId: id,
			Body: &model.FailoverProtectionGroupRequestBody{FailoverServerGroup: emptyAction()}})
		if err != nil {
			return job(nil, err, string(op))
		}
		return job(r.JobId, nil, string(op))
	case lifecycle.OpPlannedFailover:
		// Performing a Planned Failover: reverse-server-group {priority_station: the other site}.
		ps := model.GetReverseProtectionGroupRequestParamsPriorityStationEnum().TARGET
		if g.ActiveSite == lifecycle.SiteTarget {
			ps = model.GetReverseProtectionGroupRequestParamsPriorityStationEnum().SOURCE
		}
		r, err := p.client.StartReverseProtectionGroup(&model.StartReverseProtectionGroupRequest{ServerGroupId: id,
			Body: &model.ReverseProtectionGroupRequestBody{ReverseServerGroup: &model.ReverseProtectionGroupRequestParams{PriorityStation: ps}}})
		if err != nil {
			return job(nil, err, string(op))
		}
		return job(r.JobId, nil, string(op))
	case lifecycle.OpDelete:
		// Deleting a Protection Group.
		r, err := p.client.DeleteProtectionGroup(&model.DeleteProtectionGroupRequest{ServerGroupId: id})
		if err != nil {
			return job(nil, err, string(op))
		}
		return job(r.JobId, nil, string(op))
	case lifecycle.OpAddServer:
		sid := params[lifecycle.ParamServerID]
		if sid == "" {
			return "", false, platform.Invalidf("", "add_server needs server_id")
		}
		for _, s := range g.ServerIDs {
			if s == sid {
				return "", true, nil // already protected
			}
		}
		// Creating a Protected Instance (SDRS creates the DR-site server and a pair per disk).
		name := "dr-" + sid
		if len(name) > 64 {
			name = name[:64]
		}
		r, err := p.client.CreateProtectedInstance(&model.CreateProtectedInstanceRequest{Body: &model.CreateProtectedInstanceRequestBody{
			ProtectedInstance: &model.CreateProtectedInstanceRequestParams{ServerGroupId: id, ServerId: sid, Name: name}}})
		if err != nil {
			return job(nil, err, "protect server "+sid)
		}
		return job(r.JobId, nil, "protect server "+sid)
	case lifecycle.OpRemoveServer:
		sid := params[lifecycle.ParamServerID]
		insts, err := p.listAll("/v1/{project_id}/protected-instances", "protected_instances", id, "list protected instances")
		if err != nil {
			return "", false, err
		}
		for _, in := range insts {
			if in.str("source_server") != sid {
				continue
			}
			// Deleting a Protected Instance; the servers (and the DR-site twin) are kept.
			r, err := p.client.DeleteProtectedInstance(&model.DeleteProtectedInstanceRequest{ProtectedInstanceId: in.str("id"),
				Body: &model.DeleteProtectedInstanceRequestBody{DeleteTargetServer: ptr(false), DeleteTargetEip: ptr(false)}})
			if err != nil {
				return job(nil, err, "unprotect server "+sid)
			}
			return job(r.JobId, nil, "unprotect server "+sid)
		}
		return "", true, nil // not protected: nothing to do
	case lifecycle.OpRemoveMember:
		return p.removePair(ctx, g, params[lifecycle.ParamPairID])
	case lifecycle.OpStartDrill:
		if g.DrillActive {
			return "", true, nil
		}
		// Creating a DR Drill (the drill VPC is created by SDRS when none is given).
		r, err := p.client.CreateDisasterRecoveryDrill(&model.CreateDisasterRecoveryDrillRequest{Body: &model.CreateDisasterRecoveryDrillRequestBody{
			DisasterRecoveryDrill: &model.CreateDisasterRecoveryDrillRequestParams{ServerGroupId: id, Name: "dr-drill-" + g.Name}}})
		if err != nil {
			return job(nil, err, "start drill")
		}
		return job(r.JobId, nil, "start drill")
	case lifecycle.OpStopDrill:
		// Deleting a DR Drill, every drill of the group (Querying DR Drills).
		drills, err := p.listAll("/v1/{project_id}/disaster-recovery-drills", "disaster_recovery_drills", id, "list drills")
		if err != nil {
			return "", false, err
		}
		last := ""
		for _, d := range drills {
			if d.str("server_group_id") != id {
				continue
			}
			r, err := p.client.DeleteDisasterRecoveryDrill(&model.DeleteDisasterRecoveryDrillRequest{DisasterRecoveryDrillId: d.str("id")})
			if err != nil && !platform.IsNotFound(wrap(err, "")) {
				return job(nil, err, "stop drill")
			}
			if r != nil {
				last = deref(r.JobId)
			}
		}
		return last, last == "", nil
	case lifecycle.OpUpdate:
		if n := params[lifecycle.ParamName]; n != "" && n != g.Name {
			_, err := p.UpdateGroup(ctx, id, platform.GroupSpec{Name: n, Description: g.Description})
			return "", false, err
		}
		return "", true, nil
	}
	return "", false, platform.Invalidf("", "the huaweicloud platform cannot invoke %s on a protection group", op)
}

// removePair deletes a pair of the group (Deleting a Replication Pair, sdrs_05_0602). SDRS
// deletes only a pair that is not attached to a protected instance, so an attached pair is
// first detached (Detaching a Replication Pair from a Protected Instance) and that job awaited:
// the delete cannot be accepted before.
func (p *Platform) removePair(ctx context.Context, g platform.ProtectionGroup, pid string) (string, bool, error) {
	member := false
	for _, x := range g.PairIDs {
		member = member || x == pid
	}
	if !member {
		return "", true, nil // not (or no longer) in the group
	}
	insts, err := p.listAll("/v1/{project_id}/protected-instances", "protected_instances", g.ID, "list protected instances")
	if err != nil {
		return "", false, err
	}
	for _, in := range insts {
		for _, att := range in.list("attachment") {
			if att.str("replication") != pid {
				continue
			}
			r, err := p.client.DetachProtectedInstanceReplication(&model.DetachProtectedInstanceReplicationRequest{
				ProtectedInstanceId: in.str("id"), ReplicationId: pid})
			if err != nil {
				return "", false, wrap(err, "detach replication pair "+pid)
			}
			if err := p.waitJob(ctx, deref(r.JobId)); err != nil {
				return "", false, err
			}
		}
	}
	r, err := p.client.DeleteReplication(&model.DeleteReplicationRequest{ReplicationId: pid, Body: &model.DeleteReplicationRequestBody{
		Replication: &model.DeleteReplicationRequestParams{ServerGroupId: ptr(g.ID), DeleteTargetVolume: ptr(false)}}})
	if err != nil {
		return "", false, wrap(err, "delete replication pair "+pid)
	}
	return deref(r.JobId), false, nil
}

// waitJob polls a job (Querying the Job Status) until it leaves INIT/RUNNING; a failed job is
// an error with its code's class and its fail_reason.
func (p *Platform) waitJob(ctx context.Context, jobID string) error {
	if jobID == "" {
		return nil
	}
	step := 50 * time.Millisecond
	deadline := time.Now().Add(10 * time.Minute)
	for {
		j, err := p.client.ShowJobStatus(&model.ShowJobStatusRequest{JobId: jobID})
		if err != nil && !platform.IsRetryable(wrap(err, "")) {
			return wrap(err, "job "+jobID)
		}
		if err == nil && j.Status != nil {
			switch j.Status.Value() {
			case "SUCCESS":
				return nil
			case "FAIL":
				code := deref(j.ErrorCode)
				c := classOf(400, code)
				if c == platform.ClassInvalid || c == platform.ClassInternal {
					c = platform.ClassPreconditionFailed
				}
				return &platform.Error{Class: c, Code: code, Message: "SDRS job " + jobID + " failed: " + deref(j.FailReason)}
			}
		}
		if time.Now().After(deadline) {
			return platform.Errorf(platform.ClassRetryable, platform.CodeInternal, "SDRS job %s still running", jobID)
		}
		select {
		case <-ctx.Done():
			return platform.Errorf(platform.ClassRetryable, platform.CodeInternal, "waiting for SDRS job %s: %v", jobID, ctx.Err())
		case <-time.After(step):
		}
		step = min(2*step, 2*time.Second)
	}
}

// ---- replication pairs (observed) ----

// pairFrom maps an SDRS replication pair (Replication Pair Status; vendor-lifecycles §2.3)
// onto the engine's pair. The pair's statuses mirror its group's (groupState), plus the
// attach/detach/extend transitions, which leave replication as it was. volume_ids is the
// production disk then the DR-site disk SDRS created; priority_station is the group's current
// production site; the zones are the group's AZs (g may be nil: the group was not read).
func (p *Platform) pairFrom(r obj, g obj) (platform.ReplicationPair, error) {
	status := r.str("status")
	var st lifecycle.State
	var failed lifecycle.Op
	switch status {
	case "extending", "attaching", "detaching", "nic-creating", "nic-deleting", "resizing":
		st = lifecycle.Replicating
		if r.str("replication_status") != "active" {
			st = lifecycle.Paused
		}
	case "error-extending", "error-attaching", "error-detaching":
		st, failed = lifecycle.Error, lifecycle.OpUpdate
	default:
		var err error
		if st, failed, err = groupState(status, r.str("replication_status")); err != nil {
			return platform.ReplicationPair{}, err
		}
		if failed == lifecycle.OpEnableProtection {
			failed = lifecycle.OpStart
		} else if failed == lifecycle.OpDisableProtection {
			failed = lifecycle.OpStop
		} else if failed == lifecycle.OpPlannedFailover {
			failed = lifecycle.OpSwitchover
		}
	}
	vols := strings.Split(r.str("volume_ids"), ",")
	out := platform.ReplicationPair{ID: r.str("id"), Name: r.str("name"), Description: r.str("description"), State: st, FailedOp: failed,
		ActiveSite: siteOf(r.str("priority_station")), SyncProgress: r.int("progress"), LastError: r.str("failure_detail"),
		GroupID: r.str("server_group_id"), PrimaryRegion: p.cfg.Region, SecondaryRegion: p.cfg.Region, RPOSeconds: 0}
	if g != nil {
		out.PrimaryZone, out.SecondaryZone = g.str("source_availability_zone"), g.str("target_availability_zone")
	}
	if len(vols) > 0 {
		out.PrimaryVolumeID = strings.TrimSpace(vols[0])
	}
	if len(vols) > 1 {
		out.SecondaryVolumeID = strings.TrimSpace(vols[1])
	}
	out.Observed = lifecycle.Observation{Kind: lifecycle.ReplicationPair, ID: out.ID, Name: out.Name, State: st, FailedOp: failed,
		ActiveSite: out.ActiveSite, LastError: out.LastError, Facts: lifecycle.Facts{Unknown: unknownFacts(), MemberCount: 1,
			InGroup: out.GroupID != "", GroupID: out.GroupID, ReplicationCapable: true, ActiveRegion: p.cfg.Region, StandbyRegion: p.cfg.Region}}
	return out, nil
}

// GetPair reads a replication pair: from the shared read snapshot (Querying Replication Pairs,
// GET /v1/{project_id}/replications, https://support.huaweicloud.com/intl/en-us/api-sdrs/sdrs_05_0603.html)
// when it holds the pair, else directly (Querying Details About a Replication Pair, GET
// /v1/{project_id}/replications/{replication_id},
// https://support.huaweicloud.com/intl/en-us/api-sdrs/sdrs_05_0604.html; SDRS.1608 is not found).
func (p *Platform) GetPair(ctx context.Context, id string) (platform.ReplicationPair, error) {
	return p.getPairAged(ctx, id, p.cfg.ReadCacheTTL)
}

func (p *Platform) getPairAged(ctx context.Context, id string, maxAge time.Duration) (platform.ReplicationPair, error) {
	snap, err := p.snapshot(maxAge)
	if err != nil {
		return platform.ReplicationPair{}, err
	}
	if snap != nil {
		for gid, reps := range snap.reps {
			for _, r := range reps {
				if r.str("id") == id {
					return p.pairFrom(r, snap.groups[gid])
				}
			}
		}
	}
	r, err := p.getRaw("/v1/{project_id}/replications/{id}", id, "", "show replication pair "+id)
	if err != nil {
		return platform.ReplicationPair{}, err
	}
	rep := r.obj("replication")
	var g obj
	if gid := rep.str("server_group_id"); gid != "" {
		if snap != nil {
			g = snap.groups[gid]
		}
		if g == nil {
			o, err := p.getRaw("/v1/{project_id}/server-groups/{id}", gid, "", "show protection group "+gid)
			if err != nil && !platform.IsNotFound(err) {
				return platform.ReplicationPair{}, err
			}
			g = o.obj("server_group")
		}
	}
	return p.pairFrom(rep, g)
}

// ListPairs lists the replication pairs of every protection group (Querying Replication Pairs,
// sdrs_05_0603, paginated), from the shared read snapshot.
func (p *Platform) ListPairs(ctx context.Context) ([]platform.ReplicationPair, error) {
	snap, err := p.snapshot(p.cfg.ReadCacheTTL)
	if err != nil {
		return nil, err
	}
	if snap == nil { // cache off: the list, and each pair's group once (its AZs)
		rs, err := p.listAll("/v1/{project_id}/replications", "replications", "", "list replication pairs")
		if err != nil {
			return nil, err
		}
		groups := map[string]obj{}
		out := make([]platform.ReplicationPair, 0, len(rs))
		for _, r := range rs {
			gid := r.str("server_group_id")
			if _, read := groups[gid]; gid != "" && !read {
				o, err := p.getRaw("/v1/{project_id}/server-groups/{id}", gid, "", "show protection group "+gid)
				if err != nil && !platform.IsNotFound(err) {
					return nil, err
				}
				groups[gid] = o.obj("server_group")
			}
			v, err := p.pairFrom(r, groups[gid])
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	}
	var out []platform.ReplicationPair
	for _, gid := range append(append([]string(nil), snap.order...), "") {
		for _, r := range snap.reps[gid] {
			v, err := p.pairFrom(r, snap.groups[gid])
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
	}
	if out == nil {
		out = []platform.ReplicationPair{}
	}
	return out, nil
}

// CreatePair: an SDRS pair is created inside a group from the production disk, and SDRS makes
// the DR-site disk (Creating a Replication Pair, sdrs_05_0601); a dr_replication_pair names
// both volumes and no group, so creating one is a manual step (Capabilities.Manual): the plan
// refuses it (V-PLATFORM) and this is never reached through the provider.
func (p *Platform) CreatePair(ctx context.Context, spec platform.PairSpec, token string) (platform.ReplicationPair, error) {
	return platform.ReplicationPair{}, platform.Invalidf("ManualStep", "the huaweicloud platform cannot create a replication pair through its API: %s", PairCreateStep)
}

// UpdatePair renames a pair (Changing the Name of a Replication Pair, PUT
// /v1/{project_id}/replications/{replication_id},
// https://support.huaweicloud.com/intl/en-us/api-sdrs/sdrs_05_0606.html; synchronous). SDRS
// has no call that changes a pair's description, RPO or bandwidth.
func (p *Platform) UpdatePair(ctx context.Context, id string, spec platform.PairSpec) (platform.ReplicationPair, error) {
	cur, err := p.GetPair(ctx, id)
	if err != nil {
		return platform.ReplicationPair{}, err
	}
	if spec.Description != cur.Description {
		return platform.ReplicationPair{}, platform.Invalidf("", "SDRS cannot change a replication pair's description (only its name)")
	}
	if spec.Name != "" && spec.Name != cur.Name {
		if err := p.renamePair(id, spec.Name); err != nil {
			return platform.ReplicationPair{}, err
		}
	}
	return p.GetPair(ctx, id)
}

func (p *Platform) renamePair(id, name string) error {
	_, err := p.client.UpdateReplicationName(&model.UpdateReplicationNameRequest{ReplicationId: id,
		Body: &model.UpdateReplicationNameRequestBody{Replication: &model.UpdateReplicationNameRequestParams{Name: name}}})
	p.wrote()
	return wrap(err, "rename replication pair "+id)
}

// invokePair runs an operation on a pair. Only update (rename) is the pair's own on SDRS:
// replication is operated through the group (the plan refuses the others, V-PAIR-IN-GROUP),
// and create and delete are manual steps (V-PLATFORM).
func (p *Platform) invokePair(ctx context.Context, id string, op lifecycle.Op, params map[string]string) error {
	if _, ok := lifecycle.Table(lifecycle.ReplicationPair).Operation(op); !ok {
		return platform.Invalidf("", "replication pairs have no operation %q", op)
	}
	cur, err := p.getPairAged(ctx, id, p.cfg.PollCacheTTL) // a missing pair is NotFound whatever the operation
	if err != nil {
		return err
	}
	if step, manual := p.Capabilities().ManualStep(lifecycle.ReplicationPair, op); manual {
		return platform.Invalidf("ManualStep", "the huaweicloud platform cannot invoke %s on a replication pair: %s", op, step)
	}
	if op != lifecycle.OpUpdate {
		return platform.Invalidf("", "SDRS replication pair %s is operated through its protection group %s: %s is not a pair operation on huaweicloud (V-PAIR-IN-GROUP)", id, cur.GroupID, op)
	}
	if _, ok := params[lifecycle.ParamDescription]; ok && params[lifecycle.ParamDescription] != cur.Description {
		return platform.Invalidf("", "SDRS cannot change a replication pair's description (only its name)")
	}
	if n := params[lifecycle.ParamName]; n != "" && n != cur.Name {
		return p.renamePair(id, n)
	}
	return nil // the name is already the one asked for
}

// ProposedPairFacts: the facts of a pair the configuration would create. Creating one is a
// manual step here (Capabilities.Manual), which the plan reports (V-PLATFORM); the facts
// say which of the volumes exist as disks of SDRS pairs already (V-PAIR-VOLUMES).
func (p *Platform) ProposedPairFacts(ctx context.Context, spec platform.PairSpec) (lifecycle.Facts, error) {
	f := lifecycle.Facts{Unknown: unknownFacts(), MemberCount: 1, ReplicationCapable: true,
		ActiveRegion: p.cfg.Region, StandbyRegion: p.cfg.Region, VolumesInPair: map[string]string{}}
	pairs, err := p.ListPairs(ctx)
	if err != nil {
		return lifecycle.Facts{}, err
	}
	for _, pr := range pairs {
		for _, v := range []string{pr.PrimaryVolumeID, pr.SecondaryVolumeID} {
			if v != "" && (v == spec.PrimaryVolumeID || v == spec.SecondaryVolumeID) {
				f.VolumesInPair[v] = pr.ID
			}
		}
	}
	return f, nil
}

// ---- the task center's failure jobs (platform.FailureJobs) ----

var _ platform.FailureJobs = (*Platform)(nil)

// ListFailureJobs lists the group's failure jobs (Querying Failure Tasks, GET
// /v1/{project_id}/task-center/failure-jobs?server_group_id, paginated;
// task center pages of https://support.huaweicloud.com/intl/en-us/api-sdrs/).
func (p *Platform) ListFailureJobs(ctx context.Context, groupID string) ([]platform.FailureJob, error) {
	fj, err := p.listAll("/v1/{project_id}/task-center/failure-jobs", "failure_jobs", groupID, "list failure jobs")
	if err != nil {
		return nil, err
	}
	var out []platform.FailureJob
	for _, j := range fj {
		if groupID != "" && j.str("resource_id") != groupID {
			continue
		}
		out = append(out, platform.FailureJob{ID: j.str("job_id"), JobType: j.str("job_type"), ResourceID: j.str("resource_id"),
			ResourceType: j.str("resource_type"), FailureStatus: j.str("failure_status"), ErrorCode: j.str("error_code"),
			FailReason: j.str("fail_reason"), BeginTime: j.str("begin_time")})
	}
	return out, nil
}

// DeleteFailureJobs deletes one failure job (Deleting a Failure Task, DELETE
// /v1/{project_id}/task-center/failure-jobs/{failure_job_id}) or every failure job of the group
// (Deleting All Failure Tasks of a Protection Group, DELETE
// /v1/{project_id}/task-center/{server_group_id}/failure-jobs/batch); task center pages of
// https://support.huaweicloud.com/intl/en-us/api-sdrs/. Only the records go: the group keeps
// its error-* status, and the failed operation is retried by the next apply.
func (p *Platform) DeleteFailureJobs(ctx context.Context, groupID, jobID string) error {
	defer p.wrote()
	if jobID != "" {
		_, err := p.client.DeleteFailureJob(&model.DeleteFailureJobRequest{FailureJobId: jobID})
		return wrap(err, "delete failure job "+jobID)
	}
	_, err := p.client.DeleteServerGroupFailureJobs(&model.DeleteServerGroupFailureJobsRequest{ServerGroupId: groupID})
	return wrap(err, "delete the failure jobs of protection group "+groupID)
}
