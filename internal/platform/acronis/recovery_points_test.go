package acronis_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/acronis"
)

// Recovery point choice on Acronis: ListRecoveryPoints follows the server's
// DR_CLOUD_SERVER_RECOVERY_POINTS link (the Vault Manager's backups), newest first, each ID
// the three IDs of the API's recovery_point; a failover and a test failover send the chosen
// one as recovery_point{archive_id, backup_id, vault_id}; a point the machine lacks is refused
// by the API. The last test failover is on record: started, ready (its task's completion),
// outcome; its end is not reported.
func TestRecoveryPointChoice(t *testing.T) {
	t.Parallel()
	e := newEnv(t, acronis.Config{})
	var mu sync.Mutex
	var bodies []string
	var paths []string
	rec := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		paths = append(paths, r.Method+" "+r.URL.Path)
		if r.Method == http.MethodPost && strings.Contains(r.URL.Path, ":start_failover") {
			bodies = append(bodies, string(b))
		}
		mu.Unlock()
		r.Body = io.NopCloser(strings.NewReader(string(b)))
		r.ContentLength = int64(len(b))
		e.emu.ServeHTTP(w, r)
	}))
	t.Cleanup(rec.Close)
	c, err := acronis.NewClient(acronis.Config{DatacenterURL: rec.URL, ClientID: testClientID, ClientSecret: testClientSecret, Now: e.clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	drv := acronis.NewWithClient(c)
	ctx := t.Context()
	id := e.machine(t, "db") // one backup
	rs, err := drv.GetRecoveryServer(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if rs.LastDrill != nil {
		t.Fatalf("no test failover yet: %+v", rs.LastDrill)
	}
	e.clk.Advance(time.Hour)
	old, _ := e.sb.ListRecoveryPoints(ctx, rs.MachineID)
	b2, err := e.emu.Fixture().PutBackup(ctx, platform.Backup{Kind: platform.BackupKindServer, SourceID: rs.MachineID, IncludesSystemDisk: true,
		Status: platform.BackupAvailable, Region: "eu-central", SizeGB: 2})
	if err != nil {
		t.Fatal(err)
	}
	pts, err := drv.ListRecoveryPoints(ctx, rs.MachineID)
	if err != nil {
		t.Fatal(err)
	}
	if len(pts) != 2 || pts[0].BackupID != b2.ID || pts[1].BackupID != old[0].BackupID || !pts[0].CreatedAt.After(pts[1].CreatedAt) ||
		pts[0].ID != "vault-"+rs.MachineID+"/archive-"+rs.MachineID+"/"+b2.ID || pts[0].SizeBytes != 2<<30 || pts[0].Type != "full" {
		t.Fatalf("recovery points: %+v", pts)
	}
	mu.Lock()
	sawLink := false
	for _, p := range paths {
		sawLink = sawLink || p == "GET /bc/api/vault_manager/v1/backups"
	}
	mu.Unlock()
	if !sawLink {
		t.Fatalf("the Vault Manager's backups were not listed: %v", paths)
	}
	if none, err := drv.ListRecoveryPoints(ctx, "no-such-machine"); err != nil || len(none) != 0 {
		t.Fatalf("a machine without backups: %v %v", none, err)
	}

	// a point the machine does not have: the API refuses it, nothing starts
	bad := "vault-" + rs.MachineID + "/archive-" + rs.MachineID + "/bk-nope"
	err = drv.Invoke(ctx, lifecycle.RecoveryServer, id, lifecycle.OpTestFailover, "rp-0", map[string]string{lifecycle.ParamRecoveryPoint: bad})
	if platform.ClassOf(err) != platform.ClassInvalid {
		t.Fatalf("test failover from a point the machine lacks: %v", err)
	}
	// the older point, chosen: the body carries its three IDs
	started := e.clk.Now()
	if err := drv.Invoke(ctx, lifecycle.RecoveryServer, id, lifecycle.OpTestFailover, "rp-1", map[string]string{lifecycle.ParamRecoveryPoint: pts[1].ID}); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	last := bodies[len(bodies)-1]
	mu.Unlock()
	var body struct {
		RecoveryPoint map[string]string `json:"recovery_point"`
	}
	if err := json.Unmarshal([]byte(last), &body); err != nil || len(body.RecoveryPoint) != 3 ||
		body.RecoveryPoint["vault_id"]+"/"+body.RecoveryPoint["archive_id"]+"/"+body.RecoveryPoint["backup_id"] != pts[1].ID {
		t.Fatalf("start_failover_test body %s", last)
	}
	if got, _ := e.sb.GetRecoveryServer(ctx, id); got.RecoveryPointID != pts[1].BackupID {
		t.Fatalf("the test failover did not start from %s: %q", pts[1].BackupID, got.RecoveryPointID)
	}
	rs, _ = drv.GetRecoveryServer(ctx, id)
	if d := rs.LastDrill; d == nil || d.Outcome != platform.DrillStarting || d.StartedAt.Unix() != started.Unix() || d.Unreported["ended_at"] == "" {
		t.Fatalf("test failover starting: %+v", rs.LastDrill)
	}
	e.settle(t, id)
	rs, _ = drv.GetRecoveryServer(ctx, id)
	if d := rs.LastDrill; rs.State != lifecycle.Testing || d.Outcome != platform.DrillReady || d.TimeToReady <= 0 || d.ReadyAt.IsZero() {
		t.Fatalf("test failover ready: %s %+v", rs.State, d)
	}
	if err := drv.Invoke(ctx, lifecycle.RecoveryServer, id, lifecycle.OpStopTestFailover, "rp-2", nil); err != nil {
		t.Fatal(err)
	}
	e.settle(t, id)
	rs, _ = drv.GetRecoveryServer(ctx, id)
	if d := rs.LastDrill; d.Outcome != platform.DrillSucceeded || !d.EndedAt.IsZero() {
		t.Fatalf("test failover stopped: %+v", d)
	}

	// the production failover from the newest point sends it too
	if err := drv.Invoke(ctx, lifecycle.RecoveryServer, id, lifecycle.OpFailover, "rp-3", map[string]string{lifecycle.ParamRecoveryPoint: pts[0].ID}); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	last = bodies[len(bodies)-1]
	mu.Unlock()
	if !strings.Contains(last, `"backup_id":"`+b2.ID+`"`) {
		t.Fatalf("start_failover_prod body %s", last)
	}
}
