package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/bench"
)

// runScale is the DR-heavy scale section (issue 17): the DR-heavy mix applied once per N, then
// no-op plans, with the provider's peak RSS and the cost per resource, so that growth with N
// shows. The terraform_data floor of the same graph runs beside it (what Terraform alone
// costs per resource at that N). Workspaces live under -dir and are kept when -keep is set,
// so a later run with -reuse can plan an already applied N (an N = 5,000 apply takes ~20 min).
func runScale(args []string) error {
	fs := flag.NewFlagSet("scale", flag.ExitOnError)
	provider := fs.String("provider", "terraform-provider-dr", "built provider binary")
	ns := fs.String("n", "1000 5000", "resource counts")
	plans := fs.Int("plans", 3, "no-op plans per N (the median is reported)")
	dir := fs.String("dir", "", "directory of the workspaces (\"\": a temporary one, removed)")
	reuse := fs.Bool("reuse", false, "skip the apply of a workspace that already has a state")
	floor := fs.Bool("floor", true, "measure the terraform_data floor beside the dr provider")
	_ = fs.Parse(args)
	root := *dir
	if root == "" {
		var err error
		if root, err = os.MkdirTemp("", "drbench-scale-"); err != nil {
			return err
		}
		defer os.RemoveAll(root)
	} else if err := os.MkdirAll(root, 0o755); err != nil {
		return err
	}
	root, _ = filepath.Abs(root)
	env, err := newEnv(root, *provider)
	if err != nil {
		return err
	}
	kinds := []string{"dr"}
	if *floor {
		kinds = []string{"floor", "dr"}
	}
	var out strings.Builder
	fmt.Fprintf(&out, "## DR-heavy at scale\n\n")
	fmt.Fprintf(&out, "The DR-heavy mix (above) applied once per N, then %d no-op plans (`terraform plan -detailed-exitcode -parallelism=10`, refresh included); medians of the plans. Per resource = the median divided by N: it must not grow with N. The terraform_data floor of the same graph (no provider process) is Terraform's own cost per resource at that N. CPU = user+system of terraform and the provider processes it started; provider CPU = the dr provider processes'; peak RSS = the largest max RSS of a dr provider process of the command (getrusage of the wrapper's child). Terraform %s, DR_SANDBOX_TIME_SCALE=1000000, niced on a shared 2-CPU machine. Run alone: `BENCH_ONLY=heavy5000 make bench`.\n\n", *plans, tfVersion())
	fmt.Fprintln(&out, "| N | phase | config | wall | CPU | provider CPU | wall / resource | CPU / resource | provider CPU / resource | provider peak RSS |")
	fmt.Fprintln(&out, "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|")
	row := func(n int, phase, kind string, wall, cpuAll, cpu time.Duration, rss int64) {
		pc, pcr, r := "—", "—", "—"
		if kind == "dr" {
			pc, pcr, r = secs(cpu), perRes(cpu, n), mib(rss)
		}
		fmt.Fprintf(&out, "| %d | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", n, phase, kind, secs(wall), secs(cpuAll), pc, perRes(wall, n), perRes(cpuAll, n), pcr, r)
	}
	for _, f := range strings.Fields(*ns) {
		n, err := strconv.Atoi(f)
		if err != nil || n < 2 {
			return fmt.Errorf("bad N %q", f)
		}
		for _, k := range kinds {
			tag := fmt.Sprintf("s%d-%s", n, k)
			cfg := map[string]string{"floor": bench.FloorHeavy(n), "dr": bench.DRHeavy(n)}[k]
			w, err := newWorkspace(root, tag, env, filepath.Join(root, tag+".db"), cfg)
			if err != nil {
				return err
			}
			w.cpu = filepath.Join(w.dir, "cpu.txt")
			if _, err := os.Stat(filepath.Join(w.dir, "terraform.tfstate")); err == nil && *reuse {
				logf("scale N=%d %s: reusing the applied workspace %s", n, k, w.dir)
			} else {
				logf("scale N=%d %s: apply", n, k)
				res, err := w.tf("apply", "-auto-approve", "-parallelism=10")
				if err != nil {
					return err
				}
				logf("scale N=%d %s apply: %s (cpu %s, provider cpu %s, rss %s)", n, k, secs(res.wall), secs(res.cpuAll), secs(res.cpu), mib(res.rssKiB))
				row(n, "apply (create)", k, res.wall, res.cpuAll, res.cpu, res.rssKiB)
			}
			var walls, alls, cpus []time.Duration
			var rss int64
			for p := 0; p < *plans; p++ {
				res, err := w.tf("plan", "-detailed-exitcode", "-parallelism=10")
				if err != nil {
					return err
				}
				if res.code != 0 {
					return fmt.Errorf("the no-op plan of %s at N=%d is not empty", k, n)
				}
				logf("scale N=%d %s plan %d: %s (cpu %s, provider cpu %s, rss %s)", n, k, p+1, secs(res.wall), secs(res.cpuAll), secs(res.cpu), mib(res.rssKiB))
				walls, alls, cpus = append(walls, res.wall), append(alls, res.cpuAll), append(cpus, res.cpu)
				rss = max(rss, res.rssKiB)
			}
			row(n, "no-op plan (refresh)", k, median(walls), median(alls), median(cpus), rss)
		}
	}
	fmt.Fprintln(&out)
	fmt.Print(out.String())
	return nil
}

func perRes(d time.Duration, n int) string {
	return fmt.Sprintf("%.2f ms", float64(d)/float64(n)/1e6)
}
