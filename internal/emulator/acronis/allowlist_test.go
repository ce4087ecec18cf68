package acronis_test

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	acronisemu "github.com/dr-provider/terraform-provider-dr/internal/emulator/acronis"
	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// The allow-list covers the DR API's whole status enum, once per status, each row citing where
// Acronis says so (or what is assumed), and names only action links.
func TestAllowListCoversTheStatusEnum(t *testing.T) {
	t.Parallel()
	enum := strings.Fields(`CREATING DELETING FAILING_BACK FAILBACK_DATA_TRANSFER FAILBACK_SWITCHOVER FAILBACK_VALIDATION FAILOVER_PROD
		FAILOVER_TEST FAILOVER_TEST_AUTO FINALIZATION FINALIZATION_FAILED RESTORING_FROM_BACKUP POWERING_OFF POWERING_ON RECONFIGURING
		STAND_BY STARTING_FAILBACK STARTING_FAILBACK_DATA_TRANSFER_RESUME STARTING_FAILBACK_DATA_TRANSFER_STOP
		STARTING_FAILBACK_SWITCHOVER_BEGIN STARTING_FAILBACK_SWITCHOVER_COMPLETE STARTING_FAILBACK_COMMIT STARTING_FAILBACK_ROLLBACK
		STARTING_FAILOVER_PROD STARTING_FAILOVER_TEST STARTING_FAILOVER_TEST_AUTO STOPPING_FAILOVER STOPPING_RESTORE_FROM_BACKUP`)
	seen := map[string]bool{}
	for _, r := range acronisemu.Statuses {
		if seen[r.Status] {
			t.Errorf("%s: two rows", r.Status)
		}
		seen[r.Status] = true
		if r.Cite == "" {
			t.Errorf("%s: no citation", r.Status)
		}
		for _, rel := range r.Actions {
			if rel != acronisemu.RelStartFailoverPrd && rel != acronisemu.RelStartFailoverTst && rel != acronisemu.RelStopFailover {
				t.Errorf("%s: %s is no action link", r.Status, rel)
			}
		}
	}
	for _, s := range enum {
		if !seen[s] {
			t.Errorf("status %s has no row", s)
		}
	}
	if len(seen) != len(enum) {
		t.Errorf("%d rows for %d statuses", len(seen), len(enum))
	}
}

// The emulator decides legality from its allow-list, never from the engine: its code calls none
// of the engine's checks and reads no advertised operation the sandbox derives from them.
func TestLegalityIsNotTheEngines(t *testing.T) {
	t.Parallel()
	forbidden := map[string]bool{"Check": true, "CheckPreconditions": true, "AllowedOperations": true, "Blocking": true, "Plan": true}
	files, _ := filepath.Glob("*.go")
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		file, err := parser.ParseFile(token.NewFileSet(), f, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok {
				if x, ok := sel.X.(*ast.Ident); ok && x.Name == "lifecycle" && forbidden[sel.Sel.Name] {
					t.Errorf("%s: calls lifecycle.%s", f, sel.Sel.Name)
				}
				if sel.Sel.Name == "AdvertisedOps" {
					t.Errorf("%s: reads AdvertisedOps (the sandbox's engine-derived allowed operations)", f)
				}
			}
			return true
		})
	}
}

// A POST the table refuses is refused even where the engine would allow it, and one the table
// allows runs on the sandbox's physics (PhysicsOnly): a stop of a production failover needs no
// data-loss opt-in at the API (R004-6 is the engine's rule for a plan, not Acronis').
func TestActionLegalityFromTheTable(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	// an injected quota issue on the start link refuses the production failover the engine allows
	w.emu.InjectIssue(w.id, acronisemu.RelStartFailoverPrd, "QuotaExceededCloudServers", nil)
	if a := w.post(t, "start_failover_prod"); a.status != http.StatusConflict || !strings.Contains(a.body, "QuotaExceededCloudServers") {
		t.Fatalf("refused by the issue: %d %s", a.status, a.body)
	}
	// the test link carries no issue: the test failover runs
	w.mustPost(t, "start_failover_test")
	w.settle(t)
	w.emu.ClearIssues(w.id)
	w.mustPost(t, "stop_failover")
	w.settle(t)
	w.mustPost(t, "start_failover_prod")
	w.settle(t)
	w.mustPost(t, "stop_failover") // cancel failover: the API asks for no opt-in
	w.settle(t)
	rs, err := w.emu.Sandbox().GetRecoveryServer(t.Context(), w.id)
	if err != nil || rs.State != lifecycle.Standby || rs.VMState != platform.VMNotReady {
		t.Fatalf("after the cancel: %s %s %v", rs.State, rs.VMState, err)
	}
}

// A production failover shows STARTING_FAILOVER_PROD, then FINALIZATION, then FAILOVER_PROD;
// while its task runs every action link carries ResourceBusy naming the task.
func TestFailoverStatuses(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	task := w.mustPost(t, "start_failover_prod")
	status := func() (string, string) {
		var s struct {
			Status string `json:"status"`
			Issues []struct {
				Link  string `json:"link"`
				Error struct {
					Code    string         `json:"code"`
					Context map[string]any `json:"context"`
				} `json:"error"`
			} `json:"_issues"`
		}
		a := w.get(t)
		if err := json.Unmarshal([]byte(a.body), &s); err != nil {
			t.Fatal(err)
		}
		busy := ""
		for _, is := range s.Issues {
			if is.Error.Code == "ResourceBusy" && fmt.Sprint(is.Error.Context["task_uuids"]) == "["+task+"]" {
				busy += is.Link + " "
			}
		}
		return s.Status, busy
	}
	if st, busy := status(); st != "STARTING_FAILOVER_PROD" || strings.Count(busy, "DR_CLOUD_SERVER_") != 3 {
		t.Fatalf("right after the action: %s, busy on %q", st, busy)
	}
	w.clk.Advance(6 * time.Second)
	if st, _ := status(); st != "FINALIZATION" {
		t.Fatalf("then: %s", st)
	}
	w.settle(t)
	if st, busy := status(); st != "FAILOVER_PROD" || busy != "" {
		t.Fatalf("settled: %s, busy on %q", st, busy)
	}
}
