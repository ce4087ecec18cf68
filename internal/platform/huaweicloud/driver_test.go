package huaweicloud

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/sdrs/v1/model"

	emu "github.com/dr-provider/terraform-provider-dr/internal/emulator/huaweicloud"
	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/retry"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/sandbox"
)

func TestGroupStateMapping(t *testing.T) {
	for _, c := range []struct {
		status, repl string
		want         lifecycle.State
		failed       lifecycle.Op
	}{
		{"creating", "", lifecycle.Creating, ""},
		{"available", "inactive", lifecycle.Configured, ""},
		{"available", "active-stopped", lifecycle.Paused, ""},
		{"available", "", lifecycle.Configured, ""},   // no synchronisation reported (effectiveReplication: "inactive")
		{"available", "active", lifecycle.Paused, ""}, // protection disabled after a complete synchronisation
		{"starting", "copying", lifecycle.Starting, ""},
		{"protected", "active", lifecycle.Replicating, ""},
		{"stopping", "", lifecycle.Stopping, ""},
		{"reversing", "", lifecycle.SwitchingOver, ""},
		{"failing-over", "", lifecycle.FailingOver, ""},
		{"failed-over", "", lifecycle.FailedOver, ""},
		{"reprotecting", "copying", lifecycle.Reprotecting, ""},
		{"deleting", "", lifecycle.Deleting, ""},
		{"error", "", lifecycle.Error, lifecycle.OpCreate},
		{"error-starting", "", lifecycle.Error, lifecycle.OpEnableProtection},
		{"error-stopping", "", lifecycle.Error, lifecycle.OpDisableProtection},
		{"error-reversing", "", lifecycle.Error, lifecycle.OpPlannedFailover},
		{"error-failing-over", "", lifecycle.Error, lifecycle.OpFailover},
		{"error-reprotecting", "", lifecycle.Error, lifecycle.OpReprotect},
		{"error-deleting", "", lifecycle.Error, lifecycle.OpDelete},
	} {
		st, op, err := groupState(c.status, c.repl)
		if err != nil || st != c.want || op != c.failed {
			t.Errorf("%s/%s → %s{%s} %v, want %s{%s}", c.status, c.repl, st, op, err, c.want, c.failed)
		}
	}
	for _, s := range []string{"", "null", "migrating"} {
		if _, _, err := groupState(s, ""); err == nil || !strings.Contains(err.Error(), "unknown SDRS status") {
			t.Errorf("status %q: want an error naming the unknown status, got %v", s, err)
		}
	}
}

func TestErrorClasses(t *testing.T) {
	for _, c := range []struct {
		status int
		code   string
		want   platform.Class
	}{
		{400, "SDRS.1013", platform.ClassNotFound},
		{400, "SDRS.1608", platform.ClassNotFound},
		{400, "SDRS.0209", platform.ClassPreconditionFailed},
		{400, "SDRS.1002", platform.ClassPreconditionFailed},
		{400, "SDRS.1316", platform.ClassPreconditionFailed},
		{400, "SDRS.1342", platform.ClassPreconditionFailed},
		{400, "SDRS.1010", platform.ClassPreconditionFailed},
		{400, "SDRS.0305", platform.ClassQuota},
		{400, "SDRS.1358", platform.ClassQuota},
		{429, "APIGW.0308", platform.ClassRetryable},
		{503, "", platform.ClassRetryable},
		{400, "SDRS.0201", platform.ClassInvalid},
		{401, "APIGW.0301", platform.ClassInvalid},
		{404, "", platform.ClassNotFound},
	} {
		if got := classOf(c.status, c.code); got != c.want {
			t.Errorf("%d %s → %s, want %s", c.status, c.code, got, c.want)
		}
	}
}

// A fake SDRS/ECS that answers with the payloads the SDK's typed models choke on: enums as JSON
// null or the string "null", numbers as strings, strings as numbers.
func TestDefensiveDecoding(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/v1/p1/server-groups/g1", func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"server_group":{"id":"g1","name":"app","description":null,"status":"available",
			"progress":"45","source_availability_zone":"az1","target_availability_zone":"az2","priority_station":"source",
			"protected_instance_num":"1","replication_num":1,"disaster_recovery_drill_num":"0",
			"protected_status":"null","replication_status":null,"health_status":"null","protection_type":null}}`))
	})
	mux.HandleFunc("/v1/p1/protected-instances", func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"protected_instances":[{"id":"pi1","source_server":"s1","target_server":"s2",
			"server_group_id":"g1","status":"available","progress":"0","priority_station":"source","attachment":[{"replication":"r1","device":"/dev/vda"}]}],"count":"1"}`))
	})
	mux.HandleFunc("/v1/p1/replications", func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"replications":[{"id":"r1","status":"available","volume_ids":"v1,v2","progress":100.0,
			"server_group_id":"g1","priority_station":"source","replication_status":"null","fault_level":0}],"count":1}`))
	})
	mux.HandleFunc("/v1/p1/cloudservers/", func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"server":{"id":"x","status":"SHUTOFF","OS-EXT-AZ:availability_zone":"az1"}}`))
	})
	mux.HandleFunc("/v2.1/p1/os-availability-zone", func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"availabilityZoneInfo":[{"zoneState":{"available":true},"hosts":null,"zoneName":"az1"},
			{"zoneState":{"available":false},"hosts":null,"zoneName":"az2"}]}`))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	p, err := New(Config{Retry: testRetry, AccessKey: "ak", SecretKey: "sk", Region: "r1", ProjectID: "p1", SDRSEndpoint: srv.URL, ECSEndpoint: srv.URL, ReadCacheTTL: -1})
	if err != nil {
		t.Fatal(err)
	}
	g, err := p.GetGroup(context.Background(), "g1")
	if err != nil {
		t.Fatal(err)
	}
	// null statuses, a pair with none either, progress 45 while protection is disabled: never
	// synchronised (configured)
	if g.State != lifecycle.Configured || g.SyncProgress != 45 || g.ReplicationStatus != "inactive" || g.Health != "" || g.ProtectionEnabled ||
		len(g.PairIDs) != 1 || len(g.ServerIDs) != 1 || g.DRServers[0].TwinServerID != "s2" || !g.Observed.Facts.ActiveServersStopped ||
		!g.Observed.Facts.ActiveSiteHealthy || g.Observed.Facts.StandbySiteHealthy || g.Observed.Facts.Unknown[lifecycle.FactSiteHealth] {
		t.Fatalf("decoded group: %+v", g)
	}
	ps, err := p.ListPairs(context.Background())
	if err != nil || len(ps) != 1 || ps[0].SyncProgress != 100 || ps[0].SecondaryVolumeID != "v2" || ps[0].GroupID != "g1" {
		t.Fatalf("decoded pairs: %+v %v", ps, err)
	}
}

// countingEmulator is an emulator on a fake clock whose group actions are counted.
type countingEmulator struct {
	sb      *sandbox.Sandbox
	clk     *sandbox.FakeClock
	url     string
	e       *emu.Emulator
	vpc     string // a VPC the emulator knows
	actions atomic.Int64
	// throttle, when set, answers a request 429 APIGW.0308 (the API gateway's flow control)
	// when it returns true: a fault aimed at particular calls.
	throttle atomic.Pointer[func(r *http.Request) bool]
}

func startCounting(t *testing.T) *countingEmulator {
	t.Helper()
	c := &countingEmulator{clk: sandbox.NewFakeClock(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))}
	sb, err := sandbox.Open(filepath.Join(t.TempDir(), "sdrs.db"), sandbox.Options{Clock: c.clk, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	c.sb = sb
	e := emu.New(sb, emu.Options{AccessKey: emu.TestAccessKey, SecretKey: emu.TestSecretKey, ProjectID: emu.TestProjectID})
	c.e, c.vpc = e, e.PutVPC("prod")
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/action") {
			c.actions.Add(1)
		}
		if f := c.throttle.Load(); f != nil && (*f)(r) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = w.Write([]byte(`{"error_code":"APIGW.0308","error_msg":"The throttling threshold has been reached"}`))
			return
		}
		e.ServeHTTP(w, r)
	}))
	t.Cleanup(func() { hs.Close(); sb.Close() })
	c.url = hs.URL
	return c
}

// regionURL serves the emulator as one region's endpoint (vaults of other regions not found).
func (c *countingEmulator) regionURL(t *testing.T, region string) string {
	hs := httptest.NewServer(emu.RegionHandler(c.e, region))
	t.Cleanup(hs.Close)
	return hs.URL
}

func (c *countingEmulator) driver(t *testing.T, sk string) *Platform {
	t.Helper()
	p, err := New(Config{Retry: testRetry, AccessKey: emu.TestAccessKey, SecretKey: sk, Region: "cn-north-4", ProjectID: emu.TestProjectID,
		SDRSEndpoint: c.url, ECSEndpoint: c.url, ReadCacheTTL: -1})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// group creates a group protecting a server with one disk, and waits until its pair joined.
func (c *countingEmulator) group(t *testing.T, p *Platform) platform.ProtectionGroup {
	t.Helper()
	ctx := context.Background()
	src, err := c.sb.PutSite(ctx, platform.Site{Region: "cn-north-4", Zone: "cn-north-4a", Healthy: true, ReplicationCapable: true})
	must(t, err)
	_, err = c.sb.PutSite(ctx, platform.Site{Region: "cn-north-4", Zone: "cn-north-4b", Healthy: true, ReplicationCapable: true})
	must(t, err)
	srv, err := c.sb.PutServer(ctx, platform.Server{SiteID: src.ID, Name: "web", PowerState: platform.PowerRunning})
	must(t, err)
	v, err := c.sb.PutVolume(ctx, platform.Volume{SiteID: src.ID, SizeGB: 10})
	must(t, err)
	_, err = c.sb.AttachVolume(ctx, v.ID, srv.ID)
	must(t, err)
	c.e.PutDomain("az-a-b", "cn-north-4a", "cn-north-4b") // the only domain between the AZs: used without naming it
	g, err := p.CreateGroup(ctx, platform.GroupSpec{Name: "app", SourceRegion: "cn-north-4", SourceZone: "cn-north-4a",
		TargetRegion: "cn-north-4", TargetZone: "cn-north-4b", SourceVPCID: c.vpc}, "t-create")
	must(t, err)
	c.settle(t, p, g.ID)
	must(t, p.Invoke(ctx, lifecycle.ProtectionGroup, g.ID, lifecycle.OpAddServer, "t-add", map[string]string{lifecycle.ParamServerID: srv.ID}))
	for i := 0; i < 20; i++ {
		c.clk.Advance(5 * time.Second)
		if g, err = p.GetGroup(ctx, g.ID); err == nil && len(g.PairIDs) == 1 {
			return g
		}
	}
	t.Fatalf("the protected server's pair did not join: %+v %v", g, err)
	return g
}

func (c *countingEmulator) settle(t *testing.T, p *Platform, id string) lifecycle.Observation {
	t.Helper()
	for i := 0; i < 100; i++ {
		o, err := p.Observe(context.Background(), lifecycle.ProtectionGroup, id)
		must(t, err)
		if lifecycle.Table(lifecycle.ProtectionGroup).Class(o.State) != lifecycle.Transitional {
			return o
		}
		c.clk.Advance(time.Minute)
	}
	t.Fatal("did not settle")
	return lifecycle.Observation{}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// eastProject is the account's project in cn-east-3 (a project ID is per region).
const eastProject = "e0b97bac532c4c5196fa4b3a32253be4"

// Replicating a Backup takes the destination region's project (project IDs are per region):
// the spec's, else the configured one of the region (region_project_ids), else — for the
// configured region only — project_id. With none the create's facts say so (V-PARAMS) and the
// driver sends nothing; another region's project is refused by CBR (BackupService.1011); the
// destination's vault, replica backup and delete use the destination project (the record's).
func TestReplicaDestinationProject(t *testing.T) {
	c := startCounting(t)
	p := c.driver(t, emu.TestSecretKey)
	p.cfg.CBREndpoint = c.url
	p.cfg.CBRRegionEndpoints = map[string]string{"cn-east-3": c.regionURL(t, "cn-east-3")}
	c.e.SetRegionProject("cn-east-3", eastProject)
	ctx := context.Background()
	src, err := c.sb.PutSite(ctx, platform.Site{Region: "cn-north-4", Zone: "cn-north-4a", Healthy: true, ReplicationCapable: true})
	must(t, err)
	_, err = c.sb.PutSite(ctx, platform.Site{Region: "cn-east-3", Zone: "cn-east-3a", Healthy: true, ReplicationCapable: true})
	must(t, err)
	srv, err := c.sb.PutServer(ctx, platform.Server{SiteID: src.ID, Name: "web", PowerState: platform.PowerRunning})
	must(t, err)
	bv, _ := c.sb.PutVault(ctx, platform.Vault{Region: "cn-north-4", Purpose: platform.VaultBackup})
	rv, _ := c.sb.PutVault(ctx, platform.Vault{Region: "cn-east-3", Purpose: platform.VaultReplication})
	b, err := c.sb.PutBackup(ctx, platform.Backup{Kind: platform.BackupKindServer, SourceID: srv.ID, IncludesSystemDisk: true,
		Status: platform.BackupAvailable, Region: "cn-north-4", VaultID: bv.ID, SizeGB: 1})
	must(t, err)
	spec := platform.ReplicaSpec{BackupID: b.ID, DestinationRegion: "cn-east-3", DestinationVaultID: rv.ID, Name: "r1"}

	// no project known for cn-east-3: V-PARAMS' fact, the vault unread, nothing replicated
	f, err := p.ProposedReplicaFacts(ctx, spec)
	must(t, err)
	if !strings.Contains(f.MissingParams[ParamDestinationProjectID], `"cn-east-3"`) || !f.Unknown[lifecycle.FactVault] {
		t.Fatalf("facts without a destination project: %+v", f)
	}
	if _, err := p.CreateReplica(ctx, spec, ""); !platform.IsInvalid(err) || !strings.Contains(err.Error(), "region_project_ids") {
		t.Fatalf("a replica without a destination project: %v", err)
	}
	if reps, _ := c.sb.ListReplicas(ctx); len(reps) != 0 {
		t.Fatalf("replicated without a destination project: %+v", reps)
	}
	// the provider's project (cn-north-4's) named for cn-east-3: CBR refuses (BackupService.1011)
	wrong := spec
	wrong.DestinationProjectID = emu.TestProjectID
	if _, err := p.CreateReplica(ctx, wrong, ""); !platform.IsPreconditionFailed(err) || !strings.Contains(err.Error(), "BackupService.1011") {
		t.Fatalf("another region's project: %v", err)
	}
	// ... and its vault cannot be read at cn-east-3 under that project
	if _, err := p.ProposedReplicaFacts(ctx, wrong); err == nil || !strings.Contains(err.Error(), "BackupService.0006") {
		t.Fatalf("the destination vault read in another region's project: %v", err)
	}
	// the region's project from the configuration, or from the spec
	for _, how := range []string{"config", "spec"} {
		s := spec
		if how == "config" {
			p.cfg.RegionProjectIDs = map[string]string{"cn-east-3": eastProject}
		} else {
			p.cfg.RegionProjectIDs, s.DestinationProjectID = nil, eastProject
		}
		f, err := p.ProposedReplicaFacts(ctx, s)
		if err != nil || len(f.MissingParams) != 0 || f.VaultPurpose != "replication" || f.VaultRegion != "cn-east-3" {
			t.Fatalf("%s: facts with the destination project: %+v %v", how, f, err)
		}
	}
	r, err := p.CreateReplica(ctx, platform.ReplicaSpec{BackupID: b.ID, DestinationRegion: "cn-east-3", DestinationVaultID: rv.ID,
		Name: "r1", DestinationProjectID: eastProject}, "")
	must(t, err)
	var o lifecycle.Observation
	for i := 0; i < 50 && o.State != lifecycle.Available; i++ {
		c.clk.Advance(30 * time.Second)
		o, err = p.Observe(ctx, lifecycle.BackupReplica, r.ID)
		must(t, err)
	}
	// read back (the replica backup at cn-east-3, in its project: the record's) with nothing configured
	p.cfg.RegionProjectIDs = nil
	got, err := p.GetReplica(ctx, r.ID)
	if err != nil || got.State != lifecycle.Available || got.DestinationProjectID != eastProject {
		t.Fatalf("the replica: %+v %v", got, err)
	}
	// listed too: the source region's backup list does not hold the replica backup (another
	// region's project), which is listed at its region once
	if all, err := p.ListReplicas(ctx); err != nil || len(all) != 1 || all[0].ID != r.ID || all[0].State != lifecycle.Available {
		t.Fatalf("listed replicas: %+v %v", all, err)
	}
	must(t, p.Invoke(ctx, lifecycle.BackupReplica, r.ID, lifecycle.OpDelete, "", nil))
	for i := 0; i < 50; i++ {
		c.clk.Advance(30 * time.Second)
		if _, err = p.GetReplica(ctx, r.ID); platform.IsNotFound(err) {
			return
		}
	}
	t.Fatalf("the replica was not deleted: %v", err)
}

// A failed SDRS job ends in error{op} with the job's failure reason as last_error; the retry
// from error{op} succeeds.
func TestFailedJobIsErrorOp(t *testing.T) {
	c := startCounting(t)
	p := c.driver(t, emu.TestSecretKey)
	ctx := context.Background()
	g := c.group(t, p)
	must(t, c.sb.FailNext(ctx, lifecycle.ProtectionGroup, lifecycle.OpEnableProtection, 1))
	must(t, p.Invoke(ctx, lifecycle.ProtectionGroup, g.ID, lifecycle.OpEnableProtection, "t-1", nil))
	o := c.settle(t, p, g.ID)
	if o.State != lifecycle.Error || o.FailedOp != lifecycle.OpEnableProtection || !strings.Contains(o.LastError, "error-starting") ||
		!strings.Contains(o.LastError, "SDRS.1027") {
		t.Fatalf("after a failed start job: %s, last error %q", lifecycle.RenderState(o.State, o.FailedOp), o.LastError)
	}
	// another process (no job id in memory) reads the reason from the task center's failure jobs
	fresh := c.driver(t, emu.TestSecretKey)
	if fg, err := fresh.GetGroup(ctx, g.ID); err != nil || !strings.Contains(fg.LastError, "SDRS.1027") {
		t.Fatalf("failure job reason from another process: %q %v", fg.LastError, err)
	}
	must(t, p.Invoke(ctx, lifecycle.ProtectionGroup, g.ID, lifecycle.OpEnableProtection, "t-2", nil))
	if o := c.settle(t, p, g.ID); o.State != lifecycle.Replicating {
		t.Fatalf("retry from error{enable_protection}: %s", lifecycle.RenderState(o.State, o.FailedOp))
	}
	// a finished job's status is final: the failed one stays a failure job in the task center
	// (until deleted on request) after the retry succeeded
	if jobs, err := fresh.ListFailureJobs(ctx, g.ID); err != nil || len(jobs) != 1 || jobs[0].ErrorCode != "SDRS.1027" {
		t.Fatalf("failure jobs after the retry: %+v %v", jobs, err)
	}
}

// A failed group's last_error is the failed job's reason, never the bare status because the
// lookup of the job was throttled: the task center's failure jobs (and the job) read with
// 429s answer a retryable error, which the provider's retry layer repeats, not
// "SDRS status error-starting". Both with the shared read snapshot (the provider's setting)
// and without.
func TestLastErrorNotLostToThrottledLookup(t *testing.T) {
	for _, ttl := range []time.Duration{-1, 30 * time.Second} {
		t.Run(fmt.Sprintf("ttl=%v", ttl), func(t *testing.T) {
			c := startCounting(t)
			p := c.driver(t, emu.TestSecretKey)
			ctx := context.Background()
			g := c.group(t, p)
			must(t, c.sb.FailNext(ctx, lifecycle.ProtectionGroup, lifecycle.OpEnableProtection, 1))
			must(t, p.Invoke(ctx, lifecycle.ProtectionGroup, g.ID, lifecycle.OpEnableProtection, "t-1", nil))
			c.settle(t, p, g.ID)
			// a plan's refresh in a new process, while the gateway throttles the lookups
			fresh, err := New(Config{Retry: testRetry, AccessKey: emu.TestAccessKey, SecretKey: emu.TestSecretKey, Region: "cn-north-4", ProjectID: emu.TestProjectID,
				SDRSEndpoint: c.url, ECSEndpoint: c.url, ReadCacheTTL: ttl})
			must(t, err)
			var left atomic.Int64
			left.Store(5)
			f := func(r *http.Request) bool {
				return (strings.Contains(r.URL.Path, "/task-center/") || strings.Contains(r.URL.Path, "/jobs/")) && left.Add(-1) >= 0
			}
			c.throttle.Store(&f)
			for _, read := range []struct {
				name string
				get  func() (string, error)
			}{
				{"GetGroup", func() (string, error) { fg, err := fresh.GetGroup(ctx, g.ID); return fg.LastError, err }},
				{"ListGroups", func() (string, error) {
					gs, err := fresh.ListGroups(ctx)
					for _, x := range gs {
						if x.ID == g.ID {
							return x.LastError, err
						}
					}
					return "", err
				}},
				{"Observe (the process that started the job)", func() (string, error) {
					o, err := p.Observe(ctx, lifecycle.ProtectionGroup, g.ID)
					return o.LastError, err
				}},
			} {
				left.Store(5)
				msg, err := read.get()
				if err == nil && !strings.Contains(msg, "SDRS.1027") {
					t.Errorf("%s: last_error %q with the failure-job lookup throttled (want the job's reason, or a retryable error)", read.name, msg)
				}
				if err != nil && !platform.IsRetryable(err) {
					t.Errorf("%s: %v is not retryable", read.name, err)
				}
				left.Store(0)
				if msg, err := read.get(); err != nil || !strings.Contains(msg, "SDRS.1027") {
					t.Errorf("%s unthrottled: %q %v", read.name, msg, err)
				}
			}
		})
	}
}

// SDRS has no client token: a replayed or repeated operation is not issued again.
func TestIdempotentInvoke(t *testing.T) {
	c := startCounting(t)
	p := c.driver(t, emu.TestSecretKey)
	ctx := context.Background()
	g := c.group(t, p)
	enable := func(tok string) {
		t.Helper()
		must(t, p.Invoke(ctx, lifecycle.ProtectionGroup, g.ID, lifecycle.OpEnableProtection, tok, nil))
	}
	enable("t-a")
	enable("t-a") // replay of an accepted call: answered from the token
	enable("t-b") // another token while starting: read before write, not issued
	if n := c.actions.Load(); n != 1 {
		t.Fatalf("%d start-server-group calls, want 1", n)
	}
	c.settle(t, p, g.ID)
	enable("t-c") // already replicating: nothing to do
	if n := c.actions.Load(); n != 1 {
		t.Fatalf("%d start-server-group calls after completion, want 1", n)
	}
	err := p.Invoke(ctx, lifecycle.ProtectionGroup, g.ID, lifecycle.OpDisableProtection, "t-a", nil)
	if pe, ok := err.(*platform.Error); !ok || pe.Class != platform.ClassInvalid || pe.Code != platform.CodeIdempotentParameterMismatch {
		t.Fatalf("token reused for another operation: %v", err)
	}
	// the create token with other parameters: IdempotentParameterMismatch (R001-4)
	_, err = p.CreateGroup(ctx, platform.GroupSpec{Name: "other", SourceZone: "cn-north-4a", TargetZone: "cn-north-4b", SourceVPCID: c.vpc}, "t-create")
	if pe, ok := err.(*platform.Error); !ok || pe.Code != platform.CodeIdempotentParameterMismatch {
		t.Fatalf("create token reused with another spec: %v", err)
	}
	// a second create with the same name is the first group
	again, err := p.CreateGroup(ctx, platform.GroupSpec{Name: "app", SourceZone: "cn-north-4a", TargetZone: "cn-north-4b", SourceVPCID: c.vpc}, "t-create-2")
	if err != nil || again.ID != g.ID {
		t.Fatalf("create replayed: %s (first %s) %v", again.ID, g.ID, err)
	}
	if gs, _ := p.ListGroups(ctx); len(gs) != 1 {
		t.Fatalf("%d groups after a replayed create", len(gs))
	}
}

func TestLiveErrorClasses(t *testing.T) {
	c := startCounting(t)
	p := c.driver(t, emu.TestSecretKey)
	ctx := context.Background()
	g := c.group(t, p)
	// failover from configured: SDRS.1002 → precondition_failed, never retryable
	err := p.Invoke(ctx, lifecycle.ProtectionGroup, g.ID, lifecycle.OpFailover, "t-f", nil)
	if !platform.IsPreconditionFailed(err) || platform.IsRetryable(err) || !strings.Contains(err.Error(), "SDRS.1002") {
		t.Fatalf("failover of a configured group: %v", err)
	}
	if _, err := p.GetGroup(ctx, "no-such-group"); !platform.IsNotFound(err) || !strings.Contains(err.Error(), "SDRS.1013") {
		t.Fatalf("missing group: %v", err)
	}
	must(t, c.sb.SetTransientErrorRate(ctx, 1))
	if _, err := p.ListGroups(ctx); !platform.IsRetryable(err) || !strings.Contains(err.Error(), "APIGW.0308") {
		t.Fatalf("throttled: %v", err)
	}
	must(t, c.sb.SetTransientErrorRate(ctx, 0))
	bad := c.driver(t, "not-the-secret-key")
	if _, err := bad.ListGroups(ctx); !platform.IsInvalid(err) || !strings.Contains(err.Error(), "APIGW.0301") {
		t.Fatalf("a request signed with the wrong secret key: %v", err)
	}
	// a pair's replication is its group's: a refusal by rule, V-PAIR-IN-GROUP, as the engine's
	if err := p.Invoke(ctx, lifecycle.ReplicationPair, g.PairIDs[0], lifecycle.OpStart, "t-p", nil); !platform.IsPreconditionFailed(err) || platform.RuleOf(err) != "V-PAIR-IN-GROUP" {
		t.Fatalf("start on a group's pair: %v", err)
	}
	if _, err := p.CreatePair(ctx, platform.PairSpec{}, ""); !platform.IsInvalid(err) || !strings.Contains(err.Error(), "replication_pair") {
		t.Fatalf("an unsupported kind: %v", err)
	}
}

// The SDK sends a nil action value as null ({"stop-server-group":null}); SDRS (and the
// emulator) refuse it, which is why the driver sends {}.
func TestActionBodyMustBeObject(t *testing.T) {
	c := startCounting(t)
	p := c.driver(t, emu.TestSecretKey)
	g := c.group(t, p)
	_, err := p.client.StopProtectionGroup(&model.StopProtectionGroupRequest{ServerGroupId: g.ID,
		Body: &model.StopProtectionGroupRequestBody{}})
	if err == nil || !strings.Contains(err.Error(), "SDRS.0206") {
		t.Fatalf("a null action: %v", err)
	}
	b, _ := json.Marshal(model.StopProtectionGroupRequestBody{StopServerGroup: emptyAction()})
	if string(b) != `{"stop-server-group":{}}` {
		t.Fatalf("the driver's action body: %s", b)
	}
}

func TestReplicaFailureAndRefusals(t *testing.T) {
	c := startCounting(t)
	p := c.driver(t, emu.TestSecretKey)
	p.cfg.Region = "cn-north-4"
	p.cfg.CBREndpoint = c.url
	c.e.SetRegionProject("cn-east-3", eastProject)
	p.cfg.RegionProjectIDs = map[string]string{"cn-east-3": eastProject}
	ctx := context.Background()
	src, err := c.sb.PutSite(ctx, platform.Site{Region: "cn-north-4", Zone: "cn-north-4a", Healthy: true, ReplicationCapable: true})
	must(t, err)
	_, err = c.sb.PutSite(ctx, platform.Site{Region: "cn-east-3", Zone: "cn-east-3a", Healthy: true, ReplicationCapable: true})
	must(t, err)
	srv, err := c.sb.PutServer(ctx, platform.Server{SiteID: src.ID, Name: "web", PowerState: platform.PowerRunning})
	must(t, err)
	bv, _ := c.sb.PutVault(ctx, platform.Vault{Region: "cn-north-4", Purpose: platform.VaultBackup})
	rv, _ := c.sb.PutVault(ctx, platform.Vault{Region: "cn-east-3", Purpose: platform.VaultReplication})
	b, err := c.sb.PutBackup(ctx, platform.Backup{Kind: platform.BackupKindServer, SourceID: srv.ID, IncludesSystemDisk: true,
		Status: platform.BackupAvailable, Region: "cn-north-4", VaultID: bv.ID, SizeGB: 1})
	must(t, err)
	d, err := c.sb.PutBackup(ctx, platform.Backup{Kind: platform.BackupKindDisk, SourceID: "vol", Status: platform.BackupAvailable,
		Region: "cn-north-4", VaultID: bv.ID, SizeGB: 1})
	must(t, err)
	spec := platform.ReplicaSpec{BackupID: b.ID, DestinationRegion: "cn-east-3", DestinationVaultID: rv.ID, Name: "r1"}

	f, err := p.ProposedReplicaFacts(ctx, spec)
	must(t, err)
	if !f.BackupExists || f.BackupType != "server" || !f.BackupHasSystemDisk || f.BackupStatus != "available" || f.BackupIsReplica ||
		!f.SourceRegionCapable || !f.DestinationCapable || f.ReplicaInDestination || f.Unknown[lifecycle.FactVault] ||
		f.VaultPurpose != "replication" || f.VaultRegion != "cn-east-3" {
		t.Fatalf("proposed facts: %+v", f)
	}
	// the vault read at the destination region's own endpoint: a vault of another region is not there (R003-11)
	p.cfg.CBRRegionEndpoints = map[string]string{"cn-east-3": c.regionURL(t, "cn-east-3")}
	if f, err = p.ProposedReplicaFacts(ctx, platform.ReplicaSpec{BackupID: b.ID, DestinationRegion: "cn-east-3", DestinationVaultID: bv.ID}); err != nil ||
		f.VaultRegion != "" || f.VaultPurpose != "" {
		t.Fatalf("a source-region vault seen from the destination region: %+v %v", f, err)
	}
	if f, err = p.ProposedReplicaFacts(ctx, spec); err != nil || f.VaultRegion != "cn-east-3" || f.VaultPurpose != "replication" {
		t.Fatalf("the destination vault at its region's endpoint: %+v %v", f, err)
	}
	p.cfg.CBRRegionEndpoints = nil
	// a disk backup: BackupService.1003, precondition failed in CBR's words (no engine rule: the
	// emulator decides from CBR's allow-list)
	_, err = p.CreateReplica(ctx, platform.ReplicaSpec{BackupID: d.ID, DestinationRegion: "cn-east-3", DestinationVaultID: rv.ID, Name: "r2"}, "")
	if !platform.IsPreconditionFailed(err) || !strings.Contains(err.Error(), "BackupService.1003") || strings.Contains(err.Error(), "R003-1") {
		t.Fatalf("a disk backup: %v", err)
	}
	// a failing replication: record fail → error{replicate} with the reason; replicate again
	must(t, c.sb.FailNext(ctx, lifecycle.BackupReplica, lifecycle.OpReplicate, 1))
	r, err := p.CreateReplica(ctx, spec, "t1")
	must(t, err)
	var o lifecycle.Observation
	for i := 0; i < 50; i++ {
		c.clk.Advance(30 * time.Second)
		if o, err = p.Observe(ctx, lifecycle.BackupReplica, r.ID); err == nil && o.State != lifecycle.Requested && o.State != lifecycle.Replicating {
			break
		}
	}
	if o.State != lifecycle.Error || o.FailedOp != lifecycle.OpReplicate || !strings.HasPrefix(o.LastError, "fail: ") {
		t.Fatalf("a failed replication: %s %q %v", lifecycle.RenderState(o.State, o.FailedOp), o.LastError, err)
	}
	must(t, p.Invoke(ctx, lifecycle.BackupReplica, r.ID, lifecycle.OpReplicate, "t2", nil))
	for i := 0; i < 50; i++ {
		c.clk.Advance(30 * time.Second)
		if o, err = p.Observe(ctx, lifecycle.BackupReplica, r.ID); err == nil && o.State == lifecycle.Available {
			break
		}
	}
	if o.State != lifecycle.Available {
		t.Fatalf("the retried replication: %s", lifecycle.RenderState(o.State, o.FailedOp))
	}
	// replayed create: the same replica; another vault: R003-7
	again, err := p.CreateReplica(ctx, spec, "t3")
	if err != nil || again.ID != r.ID {
		t.Fatalf("a replayed create: %+v %v", again, err)
	}
	other := spec
	other.DestinationVaultID = bv.ID
	if _, err := p.CreateReplica(ctx, other, "t4"); !platform.IsPreconditionFailed(err) || platform.RuleOf(err) != "R003-7" {
		t.Fatalf("a second replica to the region: %v", err)
	}
	if f, _ := p.ProposedReplicaFacts(ctx, spec); !f.ReplicaInDestination {
		t.Fatal("the replica in the destination is not seen (R003-7)")
	}
}

func TestDrill(t *testing.T) {
	c := startCounting(t)
	p := c.driver(t, emu.TestSecretKey)
	ctx := context.Background()
	g := c.group(t, p)
	must(t, p.Invoke(ctx, lifecycle.ProtectionGroup, g.ID, lifecycle.OpEnableProtection, "t-1", nil))
	c.settle(t, p, g.ID)
	must(t, p.Invoke(ctx, lifecycle.ProtectionGroup, g.ID, lifecycle.OpStartDrill, "t-2", nil))
	if o := c.settle(t, p, g.ID); !o.Facts.DrillActive || o.State != lifecycle.Replicating {
		t.Fatalf("after start_drill: %s drill %v", o.State, o.Facts.DrillActive)
	}
	must(t, p.Invoke(ctx, lifecycle.ProtectionGroup, g.ID, lifecycle.OpStartDrill, "t-3", nil)) // already running: not issued again
	must(t, p.Invoke(ctx, lifecycle.ProtectionGroup, g.ID, lifecycle.OpStopDrill, "t-4", nil))
	if o := c.settle(t, p, g.ID); o.Facts.DrillActive {
		t.Fatal("the drill is still running after stop_drill")
	}
}

// Creating a Protection Group needs domain_id and source_vpc_id: the plan-time facts say which
// is missing or names nothing (V-PARAMS, V-REFS), the domain defaults to the project's only
// one between the zones, and the emulator refuses a create without them like SDRS (SDRS.0201).
func TestGroupCreateParams(t *testing.T) {
	c := startCounting(t)
	p := c.driver(t, emu.TestSecretKey)
	ctx := context.Background()
	for _, z := range []string{"cn-north-4a", "cn-north-4b"} {
		_, err := c.sb.PutSite(ctx, platform.Site{Region: "cn-north-4", Zone: z, Healthy: true, ReplicationCapable: true})
		must(t, err)
	}
	spec := platform.GroupSpec{Name: "app", SourceZone: "cn-north-4a", TargetZone: "cn-north-4b"}
	facts := func(s platform.GroupSpec) lifecycle.Facts {
		t.Helper()
		f, err := p.ProposedGroupFacts(ctx, s)
		must(t, err)
		return f
	}
	f := facts(spec)
	if f.MissingParams[ParamSourceVPCID] == "" || !strings.Contains(f.MissingParams[ParamDomainID], "no active-active domain") {
		t.Fatalf("no VPC, no domain: %v", f.MissingParams)
	}
	if _, err := p.CreateGroup(ctx, spec, ""); err == nil {
		t.Fatal("create without source_vpc_id accepted")
	}
	spec.SourceVPCID = "vpc-nope"
	if f = facts(spec); f.MissingRefs[ParamSourceVPCID] != "vpc-nope" {
		t.Fatalf("unknown VPC: %v", f.MissingRefs)
	}
	spec.SourceVPCID = c.vpc
	d1 := c.e.PutDomain("d1", "cn-north-4b", "cn-north-4a") // either order of the clusters
	c.e.PutDomain("elsewhere", "cn-north-4a", "cn-north-4c")
	if f = facts(spec); len(f.MissingParams) != 0 || len(f.MissingRefs) != 0 {
		t.Fatalf("one domain between the zones: %v %v", f.MissingParams, f.MissingRefs)
	}
	d2 := c.e.PutDomain("d2", "cn-north-4a", "cn-north-4b")
	if f = facts(spec); !strings.Contains(f.MissingParams[ParamDomainID], "2 active-active domains") {
		t.Fatalf("two domains: %v", f.MissingParams)
	}
	spec.DomainID = "domain-x"
	if f = facts(spec); f.MissingRefs[ParamDomainID] == "" {
		t.Fatalf("unknown domain: %v", f.MissingRefs)
	}
	spec.DomainID = d2
	if f = facts(spec); len(f.MissingParams) != 0 || len(f.MissingRefs) != 0 {
		t.Fatalf("named domain: %v %v", f.MissingParams, f.MissingRefs)
	}
	g, err := p.CreateGroup(ctx, spec, "")
	must(t, err)
	if g.DomainID != d2 || g.SourceVPCID != c.vpc {
		t.Fatalf("read back domain %q vpc %q, want %q %q (d1 %s)", g.DomainID, g.SourceVPCID, d2, c.vpc, d1)
	}
	// the emulator, like SDRS, refuses a create without them
	_, err = p.client.CreateProtectionGroup(&model.CreateProtectionGroupRequest{Body: &model.CreateProtectionGroupRequestBody{
		ServerGroup: &model.CreateProtectionGroupRequestParams{Name: "raw", SourceAvailabilityZone: "cn-north-4a", TargetAvailabilityZone: "cn-north-4b"}}})
	if pe, ok := wrap(err, "").(*platform.Error); !ok || pe.Code != "SDRS.0201" {
		t.Fatalf("create without domain and VPC: %v", err)
	}
}

// testRetry is the default policy's attempts with millisecond waits: the tests that throttle
// every call stay fast (TestOneRetryLayer counts the attempts).
var testRetry = retry.Policy{Initial: time.Millisecond, Max: 2 * time.Millisecond}

// Disabling Protection (sdrs_05_0407) is allowed from protected only: while the enabling job
// runs the driver does not send stop-server-group (SDRS would refuse it, SDRS.1002) but answers
// a retryable error, and disables once the group is protected (the cross-check's one place
// where the engine is looser than SDRS: TestVendorAllowListCrossCheck).
func TestDisableWhileStartingWaitsForTheEnablingJob(t *testing.T) {
	c := startCounting(t)
	p := c.driver(t, emu.TestSecretKey)
	ctx := context.Background()
	g := c.group(t, p)
	must(t, p.Invoke(ctx, lifecycle.ProtectionGroup, g.ID, lifecycle.OpEnableProtection, "t-1", nil))
	if o, err := p.Observe(ctx, lifecycle.ProtectionGroup, g.ID); err != nil || o.State != lifecycle.Starting {
		t.Fatalf("after enable: %s %v", lifecycle.RenderState(o.State, o.FailedOp), err)
	}
	err := p.Invoke(ctx, lifecycle.ProtectionGroup, g.ID, lifecycle.OpDisableProtection, "t-2", nil)
	if !platform.IsRetryable(err) || !strings.Contains(err.Error(), "SDRS.Starting") {
		t.Fatalf("disable while starting: %v, want the retryable SDRS.Starting", err)
	}
	if n := c.actions.Load(); n != 1 {
		t.Fatalf("%d group actions, want only the start-server-group (no stop while starting)", n)
	}
	if o := c.settle(t, p, g.ID); o.State != lifecycle.Replicating {
		t.Fatalf("settled: %s", lifecycle.RenderState(o.State, o.FailedOp))
	}
	must(t, p.Invoke(ctx, lifecycle.ProtectionGroup, g.ID, lifecycle.OpDisableProtection, "t-3", nil))
	if o := c.settle(t, p, g.ID); o.State != lifecycle.Paused {
		t.Fatalf("disabled once protected: %s", lifecycle.RenderState(o.State, o.FailedOp))
	}
}
