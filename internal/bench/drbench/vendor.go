package main

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	hwemu "github.com/dr-provider/terraform-provider-dr/internal/emulator/huaweicloud"
	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/sandbox"
)

// runHuaweiCloud is the Huawei Cloud line of make bench: the API calls a no-op plan of N
// dr_protection_groups makes (each protecting one server, with its DR twin and pair) through
// the Terraform CLI against the SDRS/ECS emulator, which runs in this process and counts the
// requests it serves. The groups are made in the emulator's sandbox directly and imported
// (import blocks, one apply); the plan after that is the measured no-op plan. The target
// (issue 14): at most one API call per 50 resources at N = 1,000.
func runHuaweiCloud(args []string) error {
	fs := flag.NewFlagSet("huaweicloud", flag.ExitOnError)
	provider := fs.String("provider", "terraform-provider-dr", "built provider binary")
	ns := fs.String("n", "100 1000", "resource counts")
	_ = fs.Parse(args)
	root, err := os.MkdirTemp("", "drbench-hw-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(root)
	env, err := newEnv(root, *provider)
	if err != nil {
		return err
	}
	var out strings.Builder
	fmt.Fprintf(&out, "## Huawei Cloud API calls per no-op plan\n\n")
	fmt.Fprintf(&out, "`terraform plan -detailed-exitcode -parallelism=10` (Terraform %s) of N `dr_protection_group`s, each protecting one server (a DR twin and a replication pair), imported into state first; the SDRS, ECS and VPC emulator (internal/emulator/huaweicloud) in the benchmark's process counts every request of the plan (throttling off). Reads are served from the driver's shared snapshot (paginated lists, internal/platform/huaweicloud/snapshot.go). Target: at most 1 API call per 50 resources at N = 1,000. Run alone: `BENCH_ONLY=huaweicloud make bench`.\n\n", tfVersion())
	fmt.Fprintln(&out, "| N | API calls (plan) | calls per resource | resources per call | target met | plan wall time | exit code |")
	fmt.Fprintln(&out, "|---:|---:|---:|---:|---|---:|---:|")
	for _, f := range strings.Fields(*ns) {
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 {
			return fmt.Errorf("bad N %q", f)
		}
		calls, res, err := hwNoopPlan(root, env, n)
		if err != nil {
			return err
		}
		per := float64(calls) / float64(n)
		ratio := "∞"
		if calls > 0 {
			ratio = fmt.Sprintf("%.0f", float64(n)/float64(calls))
		}
		fmt.Fprintf(&out, "| %d | %d | %.3f | %s | %s | %s | %d |\n", n, calls, per, ratio, yes(n < 1000 || per <= 1.0/50), secs(res.wall), res.code)
	}
	fmt.Fprintln(&out)
	fmt.Print(out.String())
	return nil
}

// hwNoopPlan sets up n groups, imports them and counts the API calls of the next plan.
func hwNoopPlan(root string, env []string, n int) (int64, runResult, error) {
	ctx := context.Background()
	sb, err := sandbox.Open(filepath.Join(root, fmt.Sprintf("hw%d.db", n)), sandbox.Options{TimeScale: 1e6, Seed: 1})
	if err != nil {
		return 0, runResult{}, err
	}
	defer sb.Close()
	src, err := sb.PutSite(ctx, platform.Site{Region: "cn-north-4", Zone: "cn-north-4a", Healthy: true, ReplicationCapable: true})
	if err != nil {
		return 0, runResult{}, err
	}
	dst, err := sb.PutSite(ctx, platform.Site{Region: "cn-north-4", Zone: "cn-north-4b", Healthy: true, ReplicationCapable: true})
	if err != nil {
		return 0, runResult{}, err
	}
	logf("huaweicloud: N = %d: setting up the groups", n)
	ids := make([]string, n)
	for i := range ids {
		g, err := sb.CreateGroup(ctx, platform.GroupSpec{Name: fmt.Sprintf("g%d", i), SourceRegion: src.Region, SourceZone: src.Zone,
			TargetRegion: dst.Region, TargetZone: dst.Zone}, "")
		if err != nil {
			return 0, runResult{}, err
		}
		ids[i] = g.ID
	}
	time.Sleep(50 * time.Millisecond) // creating → configured (time scale 1e6)
	for i, id := range ids {
		srv, err := sb.PutServer(ctx, platform.Server{SiteID: src.ID, Name: fmt.Sprintf("s%d", i), PowerState: platform.PowerRunning})
		if err != nil {
			return 0, runResult{}, err
		}
		if err := sb.Invoke(ctx, lifecycle.ProtectionGroup, id, lifecycle.OpAddServer, "", map[string]string{lifecycle.ParamServerID: srv.ID}); err != nil {
			return 0, runResult{}, err
		}
	}
	e := hwemu.New(sb, hwemu.Options{AccessKey: hwemu.TestAccessKey, SecretKey: hwemu.TestSecretKey, ProjectID: hwemu.TestProjectID})
	var calls atomic.Int64
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { calls.Add(1); e.ServeHTTP(w, r) }))
	defer hs.Close()
	var cfg strings.Builder
	cfg.WriteString("terraform {\n  required_providers {\n    dr = { source = \"dr-provider/dr\" }\n  }\n}\n\nprovider \"dr\" {\n  huaweicloud {}\n}\n")
	for i, id := range ids {
		fmt.Fprintf(&cfg, `
resource "dr_protection_group" "g%[1]d" {
  name          = "g%[1]d"
  source_region = "cn-north-4"
  source_zone   = "cn-north-4a"
  target_region = "cn-north-4"
  target_zone   = "cn-north-4b"
}

import {
  to = dr_protection_group.g%[1]d
  id = %[2]q
}
`, i, id)
	}
	hwEnv := append(append([]string(nil), env...), "HW_ACCESS_KEY="+hwemu.TestAccessKey, "HW_SECRET_KEY="+hwemu.TestSecretKey,
		"HW_REGION_NAME=cn-north-4", "HW_PROJECT_ID="+hwemu.TestProjectID, "HW_SDRS_ENDPOINT="+hs.URL, "HW_ECS_ENDPOINT="+hs.URL,
		"HW_CBR_ENDPOINT="+hs.URL)
	w, err := newWorkspace(root, fmt.Sprintf("hw%d", n), hwEnv, filepath.Join(root, "unused.db"), cfg.String())
	if err != nil {
		return 0, runResult{}, err
	}
	logf("huaweicloud: N = %d: importing", n)
	if _, err := w.tf("apply", "-auto-approve", "-parallelism=10"); err != nil {
		return 0, runResult{}, err
	}
	calls.Store(0)
	logf("huaweicloud: N = %d: no-op plan", n)
	res, err := w.tf("plan", "-detailed-exitcode", "-parallelism=10")
	if err != nil {
		return 0, res, err
	}
	if res.code != 0 {
		return 0, res, fmt.Errorf("the plan after the import is not a no-op (exit %d)", res.code)
	}
	return calls.Load(), res, nil
}
