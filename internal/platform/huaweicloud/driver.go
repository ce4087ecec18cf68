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
//
// # Site health
//
// The data-loss rules read the sites' health: R002-8 (a failover with a healthy production site
// is a forced one, which needs allow_data_loss) and R000-2 (reprotect needs the faulty site
// restored). Each fact comes from the signal SDRS documents for it, read from every replication
// pair of the group (groupSiteHealth):
//
//   - fault_level "2" on a pair — "the disk of the current production site does not have
//     read/write permissions; you are advised to perform a failover" — makes the active site
//     faulty: the failover SDRS advises is not a forced one.
//   - fault_level "5" — "the replication link is disconnected; a failover is not allowed" — and
//     pair status fault ("synchronization abnormal") make the standby site unreachable: no
//     synchronisation, reprotect (R000-2) or failover (V-FAILOVER-SITE) runs towards it.
//
// ECS's availability-zone list (zoneState.available, documented as "the AZ status" only) is a
// corroborating signal, and only in the conservative direction of each rule: a standby AZ listed
// unavailable makes the standby site unhealthy (nothing waits on it that needs it healthy); a
// production AZ listed unavailable while no pair reports fault_level "2" does not make the
// failover unforced — the two signals disagree, the fact is Unknown, and the engine asks for
// allow_data_loss at apply (it never waives R002-8 on the AZ list alone). The group's
// health_status (normal | abnormal; null for groups created after the SDRS upgrade) names no
// site and gates nothing. A group to be created has no pairs: its sites' health is the AZ list's.
//
// # States from null statuses
//
// Groups created after the SDRS upgrade report protected_status, replication_status and
// health_status as null, and pairs may omit replication_status (the corpus shows both). The
// replication state then comes from the pairs' statuses, else the progress (effectiveReplication):
// a new group is configured, a protected group whose progress is under 100 % has not completed
// its first synchronisation, and available after a complete one is paused.
//
// Every request — a GET through the SDK's client (client.go), an SDRS or CBR SDK call — goes
// through the platforms' one retry layer (internal/platform/retry, Config.Retry), which
// repeats a throttled (APIGW.0308, HTTP 429) or failed (5xx, no answer) request. A write
// without an idempotency key is retried as a unit that reads first (Invoke, CreateGroup,
// CreateReplica). Nothing else waits: the engine's executor is the only waiter, polling
// Observe.
//
// Files: driver.go (configuration, capabilities, dispatch), groups.go, instances.go
// (protected servers), pairs.go, drills.go, jobs.go (job status and the task center),
// cbr.go (backup replicas), ecs.go (AZ health, servers, VPCs), mapping.go (statuses and error
// codes), client.go (the raw GET and its tolerant decoding), snapshot.go (a plan's shared
// reads).
package huaweicloud

import (
	"context"
	"net/http"
	"sync"
	"time"
	"unicode"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/basic"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/config"
	cbr "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/cbr/v1"
	sdrs "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/sdrs/v1"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/retry"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/snapshot"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/tokens"
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
	// Retry is the retry policy of every request (internal/platform/retry); zero: retry.Default.
	Retry retry.Policy
	// Transport, when set, carries every HTTP request of the driver (SDRS, ECS, VPC and every
	// CBR client) instead of the SDK's default transport: the live smoke tests record and
	// replay through it (internal/livetest). nil in the released provider.
	Transport http.RoundTripper
}

// httpConfig is the SDK's HTTP configuration of every client of the driver: the timeout, and
// the transport when Config.Transport is set.
func (cfg Config) httpConfig() *config.HttpConfig {
	c := config.DefaultHttpConfig().WithTimeout(cfg.Timeout)
	if cfg.Transport != nil {
		c = c.WithHttpRoundTripper(cfg.Transport)
	}
	return c
}

// Platform is the Huawei Cloud SDRS driver.
type Platform struct {
	cfg    Config
	client *sdrs.SdrsClient
	ecs    *core.HcHttpClient
	vpc    *core.HcHttpClient
	cbr    map[string]*cbr.CbrClient // by endpoint
	caps   *lifecycle.Capabilities   // platform.CapabilitiesOf(p): every read model's Observed.Platform

	tokens tokens.Ledger[string] // client token → the call it was used for and its job (this process)
	upd    platform.UpdateGuard  // serializes version-checked renames (platform.Fingerprint versions)
	mu     sync.Mutex
	jobs   map[string]string // group id → last job id this process started on it

	snaps *snapshot.Cache[*readSnapshot] // the shared read snapshot (snapshot.go)
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
		WithHttpConfig(cfg.httpConfig()).SafeBuild()
	if err != nil {
		return nil, platform.Invalidf("", "huaweicloud SDRS client: %v", err)
	}
	ecs, err := core.NewHcHttpClientBuilder().WithEndpoints([]string{ecsEP}).WithCredential(cred).
		WithHttpConfig(cfg.httpConfig()).SafeBuild()
	if err != nil {
		return nil, platform.Invalidf("", "huaweicloud ECS client: %v", err)
	}
	vpc, err := core.NewHcHttpClientBuilder().WithEndpoints([]string{vpcEP}).WithCredential(cred).
		WithHttpConfig(cfg.httpConfig()).SafeBuild()
	if err != nil {
		return nil, platform.Invalidf("", "huaweicloud VPC client: %v", err)
	}
	p := &Platform{cfg: cfg, client: sdrs.NewSdrsClient(hc), ecs: ecs, vpc: vpc, jobs: map[string]string{},
		snaps: snapshot.New[*readSnapshot](snapshot.Policy{TTL: cfg.ReadCacheTTL})}
	p.caps = platform.CapabilitiesOf(p)
	return p, nil
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
		Platform:     "huaweicloud",
		Unobservable: Unobservable,
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
				// SDRS drills are per protection group (Creating a DR Drill takes server_group_id)
				lifecycle.OpStartDrill: PairDrillStep,
				lifecycle.OpStopDrill:  PairDrillStep,
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

// PairDrillStep replaces a pair's drill on SDRS: drills are the protection group's.
const PairDrillStep = "SDRS drills are per protection group (Creating a DR Drill, POST /v1/{project_id}/disaster-recovery-drills, takes " +
	"server_group_id): drill the pair's group instead (the dr_protection_group_drill action, or start_drill/stop_drill on the group)."

// Unobservable: every fact the engine reads for a check is observed. The sites' health is read
// from the pairs' fault_level and status, with ECS's AZ list (package doc, "Site health"); server
// power and AZ from ECS, a destination vault from CBR at the destination region's endpoint. The
// replication lag is not: SDRS replicates synchronously and reports no recovery point time, so
// readiness's RPO judgement says it cannot tell (issue 27).
var Unobservable = []string{lifecycle.FactLag}

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

// Invoke starts one operation on a protection group. SDRS has no idempotency key, so Invoke
// makes every call idempotent by reading before writing:
//   - a token this process already used for the same operation on the same object is answered
//     from memory (the executor's retry of an accepted call); for another operation it is
//     IdempotentParameterMismatch;
//   - the group is read first, and an operation that is already running or has already taken
//     effect (platform.Underway: the lifecycle row's Via state, or its result when it does not
//     start from it; a server already protected or no longer protected) is not issued again,
//     nor by a retried attempt, which reads the group again first. A planned failover that
//     completed is not recognisable from the group alone (it ends protected, as it began): the
//     token guards it within a run, and the engine's plan (active_site) across runs.
func (p *Platform) Invoke(ctx context.Context, kind lifecycle.Kind, id string, op lifecycle.Op, token string, params map[string]string) error {
	var invoke func() (job string, err error)
	switch kind {
	case lifecycle.ProtectionGroup:
		invoke = func() (string, error) { return p.invokeGroup(ctx, id, op, params) }
	case lifecycle.ReplicationPair:
		invoke = func() (string, error) { return "", p.invokePair(ctx, id, op, params) }
	case lifecycle.BackupReplica:
		invoke = func() (string, error) { return "", p.invokeReplica(ctx, id, op) }
	default:
		return unsupported(kind)
	}
	if _, ok := lifecycle.Table(kind).Operation(op); !ok {
		return platform.Invalidf("", "%s objects have no operation %q", kind, op)
	}
	key := string(kind) + "/" + id + "/" + string(op) + "/" + params[lifecycle.ParamServerID] + params[lifecycle.ParamPairID] +
		"/" + params[lifecycle.ParamName]
	if _, replay, err := p.tokens.Lookup(token, key); err != nil || replay {
		return err // a replay of an accepted call is answered from the ledger
	}
	job, err := invoke()
	if err != nil {
		return err
	}
	if job != "" {
		p.rememberJob(id, job)
	}
	p.tokens.Record(token, key, job)
	return nil
}

// createToken claims a create's client token for its parameters: the same token with other
// parameters is IdempotentParameterMismatch (R001-4); the same parameters are answered by the
// read before the write.
func (p *Platform) createToken(token, key string) error { return p.tokens.Claim(token, key) }

func ptr[T any](v T) *T { return &v }

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
