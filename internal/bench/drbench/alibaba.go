package main

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	alibabaemu "github.com/dr-provider/terraform-provider-dr/internal/emulator/alibaba"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/sandbox"
)

// runAlibaba is the Alibaba Cloud EBS read-cost section (issue 13, "Cost per plan"): N disk
// replica pairs between cn-shanghai and cn-beijing exist in the EBS emulator (started in this
// process, on a fake clock: nothing moves); a Terraform workspace imports them (import blocks:
// reads only), then a `terraform plan -detailed-exitcode` of that state must be empty, and
// the calls it made are counted at the emulator's HTTP handler. The pages are what reading
// everything once costs: DescribeRegions per provider process (Configure checks the
// credentials with it), then per region one DescribeDiskReplicaPairs and one
// DescribeDiskReplicaGroups page per 500 objects and one DescribeDisks page per 100 disk IDs
// (≤ 100 disks) or per 500 disks.
func runAlibaba(args []string) error {
	fs := flag.NewFlagSet("alibaba", flag.ExitOnError)
	provider := fs.String("provider", "terraform-provider-dr", "built provider binary")
	ns := fs.String("n", "100 1000", "pair counts")
	_ = fs.Parse(args)
	root, err := os.MkdirTemp("", "drbench-alibaba-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(root)
	env, err := newEnv(root, *provider)
	if err != nil {
		return err
	}
	var rows []string
	for _, f := range strings.Fields(*ns) {
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 {
			return fmt.Errorf("bad N %q", f)
		}
		row, err := alibabaRun(root, env, n)
		if err != nil {
			return err
		}
		rows = append(rows, row)
	}
	fmt.Println("## Alibaba Cloud EBS: API calls of a no-op plan")
	fmt.Println()
	fmt.Printf("N disk replica pairs (cn-shanghai → cn-beijing) in the EBS emulator (internal/emulator/alibaba, in the drbench process), imported into a workspace with `import` blocks; then one `terraform plan -detailed-exitcode` (Terraform %s, -parallelism=10), which must be empty, with every HTTP call to the emulator counted. Pages: reading everything once — `DescribeRegions` once per provider process that configures the platform, then per region one page of `DescribeDiskReplicaPairs` and `DescribeDiskReplicaGroups` per 500 objects and of ECS `DescribeDisks` per 100 disk IDs (≤ 100 disks) or per 500 disks. Targets (issue 13): at most 1 call per 50 resources at N = 1,000, and no more calls than pages. Before the read snapshot (internal/platform/alibaba/snapshot.go) a plan cost one Describe per resource and read. Run alone: `BENCH_ONLY=alibaba make bench`.\n\n", tfVersion())
	fmt.Println("| N pairs | plan wall | provider processes | API calls | pages | calls per resource | resources per call | ≤ 1 per 50 (at N = 1,000) | ≤ pages | calls by action | import apply: calls |")
	fmt.Println("|---:|---:|---:|---:|---:|---:|---:|:-:|:-:|---|---:|")
	for _, r := range rows {
		fmt.Println(r)
	}
	fmt.Println()
	return nil
}

// countingHandler counts the emulator's calls by Action.
type countingHandler struct {
	next http.Handler
	mu   sync.Mutex
	by   map[string]int64
}

func (c *countingHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	c.mu.Lock()
	c.by[r.Form.Get("Action")]++
	c.mu.Unlock()
	c.next.ServeHTTP(w, r)
}

func (c *countingHandler) take() map[string]int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.by
	c.by = map[string]int64{}
	return out
}

func alibabaRun(root string, env []string, n int) (string, error) {
	ctx := context.Background()
	clk := sandbox.NewFakeClock(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
	sb, err := sandbox.Open(filepath.Join(root, fmt.Sprintf("ebs-%d.db", n)), sandbox.Options{Clock: clk, Seed: 1})
	if err != nil {
		return "", err
	}
	defer sb.Close()
	sh, err := sb.PutSite(ctx, platform.Site{Region: "cn-shanghai", Zone: "cn-shanghai-b", Healthy: true, ReplicationCapable: true})
	if err != nil {
		return "", err
	}
	bj, err := sb.PutSite(ctx, platform.Site{Region: "cn-beijing", Zone: "cn-beijing-h", Healthy: true, ReplicationCapable: true})
	if err != nil {
		return "", err
	}
	var cfg strings.Builder
	counter := &countingHandler{next: alibabaemu.New(sb), by: map[string]int64{}}
	hs := httptest.NewServer(counter)
	defer hs.Close()
	fmt.Fprintf(&cfg, `terraform {
  required_providers {
    dr = { source = "dr-provider/dr" }
  }
}
provider "dr" {
  alibaba {
    access_key   = %q
    secret_key   = %q
    region       = "cn-shanghai"
    ebs_endpoint = %q
  }
}
`, alibabaemu.TestAccessKeyID, alibabaemu.TestAccessKeySecret, hs.URL)
	for i := range n {
		a, err := sb.PutVolume(ctx, platform.Volume{SiteID: sh.ID, SizeGB: 20})
		if err != nil {
			return "", err
		}
		b, err := sb.PutVolume(ctx, platform.Volume{SiteID: bj.ID, SizeGB: 20})
		if err != nil {
			return "", err
		}
		p, err := sb.CreatePair(ctx, platform.PairSpec{Name: "p" + strconv.Itoa(i), PrimaryVolumeID: a.ID, SecondaryVolumeID: b.ID,
			RPOSeconds: 900, BandwidthKbps: 10240}, "")
		if err != nil {
			return "", err
		}
		fmt.Fprintf(&cfg, `
import {
  to = dr_replication_pair.p%[1]d
  id = %[2]q
}
resource "dr_replication_pair" "p%[1]d" {
  name                = "p%[1]d"
  primary_volume_id   = %[3]q
  secondary_volume_id = %[4]q
}
`, i, p.ID, a.ID, b.ID)
	}
	clk.Advance(time.Hour) // creating → created
	w, err := newWorkspace(root, fmt.Sprintf("alibaba-%d", n), env, filepath.Join(root, "unused.db"), cfg.String())
	if err != nil {
		return "", err
	}
	logf("alibaba N=%d: importing", n)
	if _, err := w.tf("apply", "-auto-approve", "-parallelism=10"); err != nil {
		return "", err
	}
	imported := total(counter.take())
	// the import blocks are done: drop them, the state holds the pairs
	if err := os.WriteFile(filepath.Join(w.dir, "main.tf"), []byte(dropImports(cfg.String())), 0o644); err != nil {
		return "", err
	}
	logf("alibaba N=%d: no-op plan", n)
	res, err := w.tf("plan", "-detailed-exitcode", "-parallelism=10")
	if err != nil {
		return "", err
	}
	if res.code != 0 {
		return "", fmt.Errorf("the no-op plan of %d imported Alibaba pairs is not empty (exit %d)", n, res.code)
	}
	calls := counter.take()
	got := total(calls)
	ceil := func(a, b int) int { return max((a+b-1)/b, 1) }
	diskPages := 1
	if n > 100 {
		diskPages = ceil(n, 500)
	}
	// DescribeRegions: once per provider process that configures the platform (not every
	// process Terraform starts does)
	pages := int(max(calls["DescribeRegions"], 1)) + 2*(ceil(n, 500)+1+diskPages)
	keys := make([]string, 0, len(calls))
	for k := range calls {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var by []string
	for _, k := range keys {
		by = append(by, fmt.Sprintf("%s %d", k, calls[k]))
	}
	// the target is set at N = 1,000; below, the lists' fixed cost (DescribeRegions and three
	// first pages per region: 7 calls) dominates
	per50 := yes(got*50 <= int64(n))
	if n < 1000 {
		per50 = "— (fixed cost of 7 calls)"
	}
	logf("alibaba N=%d: plan %s, %d calls (%s), pages %d", n, secs(res.wall), got, strings.Join(by, ", "), pages)
	return fmt.Sprintf("| %d | %s | %d | %d | %d | %.3f | %.0f | %s | %s | %s | %d |", n, secs(res.wall), res.procs, got, pages,
		float64(got)/float64(n), float64(n)/float64(max(got, 1)), per50, yes(got <= int64(pages)),
		strings.Join(by, ", "), imported), nil
}

// dropImports removes the import blocks of a generated configuration.
func dropImports(cfg string) string {
	var out []string
	skip := false
	for _, l := range strings.Split(cfg, "\n") {
		switch {
		case l == "import {":
			skip = true
		case skip && l == "}":
			skip = false
		case !skip:
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
