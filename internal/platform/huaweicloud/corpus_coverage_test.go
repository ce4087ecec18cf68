package huaweicloud

import (
	"context"
	"sort"
	"strings"
	"testing"
	"time"

	emu "github.com/dr-provider/terraform-provider-dr/internal/emulator/huaweicloud"
	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/corpus"
)

// TestEveryCalledOperationHasExamples drives every driver call over the emulator — a group's
// whole life (create, protect a server, enable, drill, planned failover, failover, reprotect,
// renames, a failed job and the task center, unprotect, delete) and a replica's (facts,
// replicate, list, delete) — and checks that every API operation the driver called, as the
// emulator's gateway counted them, has documented examples in the corpus (README: "Operations
// the driver calls"), and that every operation of the corpus is one the driver calls.
func TestEveryCalledOperationHasExamples(t *testing.T) {
	c := startCounting(t)
	driveWholeLife(t, c, c.driver(t, emu.TestSecretKey))

	exs := loadCorpus(t)
	byOp := corpus.ByOperation(exs)
	called := map[string]bool{}
	for op, st := range c.e.Gateway().Stats() {
		if st.Calls > 0 {
			called[op] = true
		}
	}
	var missing, unused []string
	for op := range called {
		if len(byOp[op]) == 0 {
			missing = append(missing, op)
		}
	}
	for op := range byOp {
		if !called[op] && op != "APIGatewayErrorCodes" {
			unused = append(unused, op)
		}
	}
	sort.Strings(missing)
	sort.Strings(unused)
	if len(missing) > 0 {
		t.Errorf("the driver calls operations without documented examples (add them to testdata/corpus): %s", strings.Join(missing, ", "))
	}
	if len(unused) > 0 {
		t.Errorf("the corpus has operations this story does not call (call them here, or drop them from the corpus and its README): %s", strings.Join(unused, ", "))
	}
	t.Logf("%d operations called, each with examples", len(called))
}

func mustSite(t *testing.T, c *countingEmulator, zone string) string {
	t.Helper()
	sites, err := c.sb.ListSites(context.Background())
	must(t, err)
	for _, s := range sites {
		if s.Zone == zone {
			return s.ID
		}
	}
	t.Fatalf("no site %s", zone)
	return ""
}

// driveWholeLife makes every driver call over the emulator: a group's whole life (create,
// protect a server, enable, drill, planned failover, failover, reprotect, renames, a failed
// job and the task center, unprotect, delete) and a replica's (facts, replicate, list, delete).
func driveWholeLife(t *testing.T, c *countingEmulator, p *Platform) {
	t.Helper()
	p.cfg.CBREndpoint = c.url
	c.e.SetRegionProject("cn-east-3", eastProject)
	p.cfg.RegionProjectIDs = map[string]string{"cn-east-3": eastProject}
	ctx := context.Background()
	invoke := func(op lifecycle.Op, params map[string]string, id string) {
		t.Helper()
		must(t, p.Invoke(ctx, lifecycle.ProtectionGroup, id, op, "cov-"+string(op)+params[lifecycle.ParamServerID]+params[lifecycle.ParamPairID], params))
		c.settle(t, p, id)
	}

	g := c.group(t, p) // CreateProtectionGroup, ListActiveActiveDomains, ShowJobStatus, CreateProtectedInstance, …
	if _, err := p.ProposedGroupFacts(ctx, platform.GroupSpec{Name: "other", SourceZone: g.SourceZone, TargetZone: g.TargetZone, SourceVPCID: c.vpc}); err != nil {
		t.Fatal(err) // ShowVpc
	}
	if _, err := p.MemberFacts(ctx, g.ID, map[string]string{lifecycle.ParamServerID: g.ServerIDs[0]}); err != nil {
		t.Fatal(err) // ShowServer
	}
	if _, err := p.ListGroups(ctx); err != nil {
		t.Fatal(err) // ListServersDetails
	}
	if _, err := p.GetPair(ctx, g.PairIDs[0]); err != nil {
		t.Fatal(err)
	}
	must(t, p.Invoke(ctx, lifecycle.ReplicationPair, g.PairIDs[0], lifecycle.OpUpdate, "cov-pair-rename", map[string]string{lifecycle.ParamName: "pair-renamed"}))
	invoke(lifecycle.OpUpdate, map[string]string{lifecycle.ParamName: "app-renamed"}, g.ID)
	// a failed enable: its job, the task center, and clearing it
	must(t, c.sb.FailNext(ctx, lifecycle.ProtectionGroup, lifecycle.OpEnableProtection, 1))
	invoke(lifecycle.OpEnableProtection, nil, g.ID)
	fresh := c.driver(t, emu.TestSecretKey)
	jobs, err := fresh.ListFailureJobs(ctx, g.ID)
	must(t, err)
	if len(jobs) == 0 {
		t.Fatal("no failure job after a failed enable")
	}
	must(t, fresh.DeleteFailureJobs(ctx, "", jobs[0].ID))
	must(t, fresh.DeleteFailureJobs(ctx, g.ID, ""))
	must(t, p.Invoke(ctx, lifecycle.ProtectionGroup, g.ID, lifecycle.OpEnableProtection, "cov-retry", nil))
	c.settle(t, p, g.ID)
	invoke(lifecycle.OpStartDrill, nil, g.ID)
	invoke(lifecycle.OpStopDrill, nil, g.ID)
	// a planned failover needs the production server stopped
	_, err = c.sb.SetServerPower(ctx, g.ServerIDs[0], platform.PowerStopped)
	must(t, err)
	invoke(lifecycle.OpPlannedFailover, nil, g.ID)
	invoke(lifecycle.OpFailover, nil, g.ID)
	invoke(lifecycle.OpReprotect, nil, g.ID)
	invoke(lifecycle.OpDisableProtection, nil, g.ID)
	g, err = p.GetGroup(ctx, g.ID)
	must(t, err)
	// removing the pair detaches it from its instance first (a job), then deletes it
	for i := 0; i < 20; i++ {
		err = p.Invoke(ctx, lifecycle.ProtectionGroup, g.ID, lifecycle.OpRemoveMember, "cov-rm", map[string]string{lifecycle.ParamPairID: g.PairIDs[0]})
		if err == nil {
			break
		}
		c.clk.Advance(time.Minute)
	}
	must(t, err)
	c.settle(t, p, g.ID)
	invoke(lifecycle.OpRemoveServer, map[string]string{lifecycle.ParamServerID: g.ServerIDs[0]}, g.ID)
	must(t, p.Invoke(ctx, lifecycle.ProtectionGroup, g.ID, lifecycle.OpDelete, "cov-del", nil))

	// a replica's life at CBR
	src, err := c.sb.PutSite(ctx, platform.Site{Region: "cn-east-3", Zone: "cn-east-3a", Healthy: true, ReplicationCapable: true})
	must(t, err)
	_ = src
	bv, _ := c.sb.PutVault(ctx, platform.Vault{Region: "cn-north-4", Purpose: platform.VaultBackup})
	rv, _ := c.sb.PutVault(ctx, platform.Vault{Region: "cn-east-3", Purpose: platform.VaultReplication})
	srv, err := c.sb.PutServer(ctx, platform.Server{SiteID: mustSite(t, c, "cn-north-4a"), Name: "db", PowerState: platform.PowerRunning})
	must(t, err)
	b, err := c.sb.PutBackup(ctx, platform.Backup{Kind: platform.BackupKindServer, SourceID: srv.ID, IncludesSystemDisk: true,
		Status: platform.BackupAvailable, Region: "cn-north-4", VaultID: bv.ID, SizeGB: 1})
	must(t, err)
	spec := platform.ReplicaSpec{BackupID: b.ID, DestinationRegion: "cn-east-3", DestinationVaultID: rv.ID, Name: "cov"}
	_, err = p.ProposedReplicaFacts(ctx, spec) // ShowBackup, ShowVault, ShowReplicationCapabilities
	must(t, err)
	r, err := p.CreateReplica(ctx, spec, "cov-rep") // CopyBackup
	must(t, err)
	for i := 0; i < 50; i++ {
		c.clk.Advance(30 * time.Second)
		if o, err := p.Observe(ctx, lifecycle.BackupReplica, r.ID); err == nil && o.State == lifecycle.Available {
			break
		}
	}
	_, err = p.ListReplicas(ctx) // ListBackups
	must(t, err)
	must(t, p.Invoke(ctx, lifecycle.BackupReplica, r.ID, lifecycle.OpDelete, "cov-rep-del", nil)) // DeleteBackup
}
