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

// runHeavy is the DR-heavy section (issue 17): N resources that are all DR work (two sites,
// volumes, running replication pairs) against the same graph of terraform_data (the floor)
// and of a trivial framework provider's resources, interleaved run by run.
func runHeavy(args []string) error {
	fs := flag.NewFlagSet("heavy", flag.ExitOnError)
	provider := fs.String("provider", "terraform-provider-dr", "built provider binary")
	trivial := fs.String("trivial", "", "trivial framework provider binary (\"\": no trivial column)")
	ns := fs.String("n", "300 999", "resource counts")
	repeat := fs.Int("repeat", 3, "runs per phase (the median is reported)")
	before := fs.String("before", "", "another build of the provider (e.g. the previous commit): its own column, interleaved, and the ratio to it")
	only := fs.String("phases", "apply plan destroy", "the phases measured (apply always runs: the plan needs it; without destroy the workspaces are dropped)")
	plans := fs.Int("plans", 1, "no-op plans per run, interleaved, each one a sample")
	_ = fs.Parse(args)
	root, err := os.MkdirTemp("", "drbench-heavy-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(root)
	env, err := newEnv(root, *provider)
	if err != nil {
		return err
	}
	if *trivial != "" {
		if env, err = addTrivial(root, env, *trivial); err != nil {
			return err
		}
	}
	phases := []struct {
		name, short string
		args        []string
	}{
		{"apply (create)", "apply", []string{"apply", "-auto-approve", "-parallelism=10"}},
		{"no-op plan (refresh)", "plan", []string{"plan", "-detailed-exitcode", "-parallelism=10"}},
		{"destroy", "destroy", []string{"destroy", "-auto-approve", "-parallelism=10"}},
	}
	if !strings.Contains(" "+*only+" ", " destroy ") {
		phases = phases[:2]
	}
	kinds := []string{"floor", "dr"}
	if *trivial != "" {
		kinds = []string{"floor", "trivial", "dr"}
	}
	beforeAbs := ""
	if *before != "" {
		kinds = append(kinds, "before")
		if beforeAbs, err = filepath.Abs(*before); err != nil {
			return err
		}
	}
	type acc struct {
		wall map[string][]time.Duration
		all  map[string][]time.Duration // CPU of terraform + its providers
		cpu  []time.Duration            // the dr provider's CPU (user+system, summed over its processes)
		bcpu []time.Duration            // the same for the -before build
		rss  int64
	}
	var out, beforeRows strings.Builder
	fmt.Fprintf(&out, "## DR-heavy\n\n")
	fmt.Fprintf(&out, "N resources that are all DR work — two `dr_sandbox_site`, then per unit two `dr_sandbox_volume` (one per site) and a `dr_replication_pair` between them with `replication = \"running\"` (N = 999: 2 sites, 332 pairs, 665 volumes) — against the same dependency graph of `terraform_data` (the floor, no provider process) and of a trivial framework provider's attribute-less resources (edges as `depends_on`). Terraform %s, -parallelism=10, DR_SANDBOX_TIME_SCALE=1000000. %d runs, the three configurations interleaved within each phase (the order rotates per run); medians. CPU is user+system of terraform and the provider processes it started (what the command cost the machine, less sensitive to the other load of a shared machine than wall time); dr provider CPU is the dr provider processes' share. Run alone: `BENCH_ONLY=heavy make bench`.\n\n", tfVersion(), *repeat)
	if *plans > 1 {
		fmt.Fprintf(&out, "No-op plans: %d per run, interleaved, each one a sample.\n\n", *plans)
	}
	fmt.Fprintln(&out, "| N | phase | terraform_data (floor) | trivial provider | dr provider | ratio to floor | trivial / floor | CPU floor | CPU trivial | CPU dr | CPU ratio to floor | dr provider CPU | provider peak RSS |")
	fmt.Fprintln(&out, "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, f := range strings.Fields(*ns) {
		n, err := strconv.Atoi(f)
		if err != nil || n < 2 {
			return fmt.Errorf("bad N %q", f)
		}
		accs := make([]acc, len(phases))
		for i := range accs {
			accs[i].wall = map[string][]time.Duration{}
			accs[i].all = map[string][]time.Duration{}
		}
		for r := 0; r < *repeat; r++ {
			ws := map[string]*workspace{}
			for _, k := range kinds {
				tag := fmt.Sprintf("h%d-r%d-%s", n, r, k)
				cfg := map[string]string{"floor": bench.FloorHeavy(n), "trivial": bench.TrivialHeavy(n), "dr": bench.DRHeavy(n), "before": bench.DRHeavy(n)}[k]
				w, err := newWorkspace(root, tag, env, filepath.Join(root, tag+".db"), cfg)
				if err != nil {
					return err
				}
				if k == "dr" || k == "before" {
					w.cpu = filepath.Join(w.dir, "cpu.txt")
				}
				if k == "before" {
					w.env = append(w.env, "DRBENCH_REAL_PROVIDER="+beforeAbs) // the last one wins
				}
				ws[k] = w
			}
			for i, ph := range phases {
				times := 1
				if ph.short == "plan" {
					times = max(*plans, 1)
				}
				for p := 0; p < times; p++ {
					parts := []string{}
					for j := range kinds {
						k := kinds[(j+r+p)%len(kinds)] // the order rotates per run and per plan
						res, err := ws[k].tf(ph.args...)
						if err != nil {
							return err
						}
						if ph.args[0] == "plan" && res.code != 0 {
							return fmt.Errorf("the no-op plan of %s at N=%d is not empty", k, n)
						}
						accs[i].wall[k] = append(accs[i].wall[k], res.wall)
						accs[i].all[k] = append(accs[i].all[k], res.cpuAll)
						if k == "dr" {
							accs[i].cpu = append(accs[i].cpu, res.cpu)
							accs[i].rss = max(accs[i].rss, res.rssKiB)
						}
						if k == "before" {
							accs[i].bcpu = append(accs[i].bcpu, res.cpu)
						}
						parts = append(parts, fmt.Sprintf("%s %s (cpu %s)", k, secs(res.wall), secs(res.cpuAll)))
					}
					logf("heavy N=%d run %d %s: %s", n, r+1, ph.short, strings.Join(parts, ", "))
				}
			}
			for _, w := range ws {
				os.RemoveAll(w.dir)
			}
		}
		for i, ph := range phases {
			fl, d := median(accs[i].wall["floor"]), median(accs[i].wall["dr"])
			tv, tr, tc := "—", "—", "—"
			if t := accs[i].wall["trivial"]; len(t) > 0 {
				tv, tr = secs(median(t)), fmt.Sprintf("%.2f×", median(t).Seconds()/fl.Seconds())
				tc = secs(median(accs[i].all["trivial"]))
			}
			cf, cd := median(accs[i].all["floor"]), median(accs[i].all["dr"])
			fmt.Fprintf(&out, "| %d | %s | %s | %s | %s | **%.2f×** | %s | %s | %s | %s | %.2f× | %s | %s |\n", n, ph.name, secs(fl), tv, secs(d),
				d.Seconds()/fl.Seconds(), tr, secs(cf), tc, secs(cd), cd.Seconds()/cf.Seconds(), secs(median(accs[i].cpu)), mib(accs[i].rss))
			if b := accs[i].wall["before"]; len(b) > 0 {
				bw, ba, bc, pc := median(b), median(accs[i].all["before"]), median(accs[i].bcpu), median(accs[i].cpu)
				fmt.Fprintf(&beforeRows, "| %d | %s | %s | %s | %.2f× | %s | %s | %.2f× | %s | %s | %.2f× |\n", n, ph.name, secs(bw), secs(d), d.Seconds()/bw.Seconds(),
					secs(ba), secs(cd), cd.Seconds()/ba.Seconds(), secs(bc), secs(pc), pc.Seconds()/bc.Seconds())
			}
		}
	}
	fmt.Fprintln(&out)
	if *before != "" {
		fmt.Fprintf(&out, "Before/after (`-before`: %s, the same DR-heavy configuration, interleaved in the same runs):\n\n", filepath.Base(filepath.Dir(beforeAbs)))
		fmt.Fprintln(&out, "| N | phase | before | after | wall after/before | CPU before | CPU after | CPU after/before | provider CPU before | provider CPU after | provider CPU after/before |")
		fmt.Fprintln(&out, "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
		out.WriteString(beforeRows.String())
		fmt.Fprintln(&out)
	}
	fmt.Print(out.String())
	return nil
}

// addTrivial adds a dev_overrides entry for dr-provider/trivial to the CLI configuration.
func addTrivial(root string, env []string, trivial string) ([]string, error) {
	abs, err := filepath.Abs(trivial)
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(root, "trivial")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	if err := os.Symlink(abs, filepath.Join(dir, "terraform-provider-trivial")); err != nil && !os.IsExist(err) {
		return nil, err
	}
	rc := filepath.Join(root, "terraformrc")
	b, err := os.ReadFile(rc)
	if err != nil {
		return nil, err
	}
	s := strings.Replace(string(b), "  dev_overrides {\n", fmt.Sprintf("  dev_overrides {\n    \"dr-provider/trivial\" = %q\n", dir), 1)
	return env, os.WriteFile(rc, []byte(s), 0o644)
}
