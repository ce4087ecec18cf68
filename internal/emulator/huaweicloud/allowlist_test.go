package huaweicloud_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	emu "github.com/dr-provider/terraform-provider-dr/internal/emulator/huaweicloud"
)

// Every allow-list row cites its page, lists only statuses its object has, and refuses with a
// documented code of its service; one row per operation.
func TestAllowListRowsAreWellFormed(t *testing.T) {
	statuses := map[string][]string{"group": emu.GroupStatuses, "instance": emu.InstanceStatuses, "pair": emu.PairStatuses,
		"drill": emu.DrillStatuses, "backup": emu.BackupStatuses, "replica": emu.BackupStatuses}
	code := regexp.MustCompile(`^(SDRS\.\d{4}|BackupService\.\d{4})$`)
	seen := map[string]bool{}
	for _, r := range emu.Rules {
		if seen[r.Op] {
			t.Errorf("%s: two rows", r.Op)
		}
		seen[r.Op] = true
		if !strings.Contains(r.Source, "sdrs_05_") && !strings.Contains(r.Source, "api-cbr") {
			t.Errorf("%s: source %q cites no page of the SDRS or CBR API reference", r.Op, r.Source)
		}
		known, ok := statuses[r.Object]
		if !ok {
			t.Errorf("%s: unknown object %q", r.Op, r.Object)
		}
		for _, st := range r.From {
			if !slices.Contains(known, st) {
				t.Errorf("%s: %q is no %s status", r.Op, st, r.Object)
			}
		}
		if r.From != nil && (!code.MatchString(r.StatusRefusal.Code) || r.StatusRefusal.Status != 400) {
			t.Errorf("%s: status refusal %+v", r.Op, r.StatusRefusal)
		}
		for _, p := range r.Pre {
			if p.Source == "" || p.Name == "" || p.Holds == nil || !code.MatchString(p.Refusal.Code) {
				t.Errorf("%s: precondition %+v", r.Op, p)
			}
		}
	}
}

// A refusal names the status that refused it; a status the row lists passes; the
// preconditions are checked after the status, in order.
func TestAllowListDecides(t *testing.T) {
	stop := emu.RuleOf("StopProtectionGroup")
	if r := stop.Decide(emu.Situation{GroupStatus: "available"}); r == nil || r.Code != "SDRS.1002" || !strings.Contains(r.Message, "available") {
		t.Fatalf("disable protection of an available group: %+v", r)
	}
	if r := stop.Decide(emu.Situation{GroupStatus: "protected"}); r != nil {
		t.Fatalf("disable protection of a protected group: %+v", r)
	}
	failover := emu.RuleOf("StartFailoverProtectionGroup")
	if r := failover.Decide(emu.Situation{GroupStatus: "protected", Pairs: 1, FaultLevel: "5"}); r == nil || r.Code != "SDRS.1824" {
		t.Fatalf("failover with the replication link down (fault_level 5): %+v", r)
	}
	if r := failover.Decide(emu.Situation{GroupStatus: "protected", Pairs: 1, FaultLevel: "2"}); r != nil {
		t.Fatalf("failover with the production disks lost (fault_level 2, failover advised): %+v", r)
	}
	del := emu.RuleOf("DeleteProtectionGroup")
	if r := del.Decide(emu.Situation{GroupStatus: "available", Instances: 1, Pairs: 1}); r == nil || r.Code != "SDRS.1001" {
		t.Fatalf("delete a group with a protected instance: %+v", r)
	}
	if r := emu.RuleOf("CopyBackup").Decide(emu.Situation{BackupStatus: "available", ProjectOfRegion: true, ImageType: "backup",
		ResourceType: "OS::Cinder::Volume"}); r == nil || r.Code != "BackupService.1003" {
		t.Fatalf("replicate a disk backup: %+v", r)
	}
}

// TestEveryDecidedOperationHasAnAllowList: every operation name the emulator decides (decide,
// RuleOf, the group actions' rule) has its row in Rules — RuleOf refuses an unknown one with
// an internal error, never allows it.
func TestEveryDecidedOperationHasAnAllowList(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	lit := regexp.MustCompile(`(?:decide\(|RuleOf\(|rule, op, jt = )"([^"]+)"`)
	seen := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range lit.FindAllStringSubmatch(string(src), -1) {
			seen++
			if r := emu.RuleOf(m[1]); r.StatusRefusal.Code == "SDRS.0500" {
				t.Errorf("%s: %s has no allow-list row", f, m[1])
			}
		}
	}
	if seen < 15 {
		t.Fatalf("found only %d decided operations: the pattern no longer matches the code", seen)
	}
	if r := emu.RuleOf("NoSuchOperation").Decide(emu.Situation{GroupStatus: "available"}); r == nil || r.Status != 500 {
		t.Fatalf("an operation without an allow-list was not refused: %+v", r)
	}
}
