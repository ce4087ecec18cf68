// Command drbench runs the end-to-end benchmarks of make bench (scripts/bench.sh) and prints
// Markdown sections:
//
//	drbench e2e     -provider BIN [-n "100 500 1000"] [-repeat 1]
//	drbench startup -provider BIN -trivial BIN [-runs 30]
//	drbench fanout  -provider BIN [-pairs 100] [-latency 200ms]
//	drbench heavy   -provider BIN [-trivial BIN] [-n "300 999"] [-repeat 3]   (DR-heavy section)
//	drbench alibaba -provider BIN [-n "100 1000"]   (API calls of a no-op plan over the EBS emulator)
//	drbench scale   -provider BIN [-n "1000 5000"] [-plans 3] [-dir DIR -reuse]   (DR-heavy at scale)
//	drbench latency -provider BIN [-before BIN] [-latency 100ms] [-scale 10] [-only a,b] [-limits=false] [-noop-n 1000]   (At cloud latency)
//	drbench gen     dr|floor|heavy|heavyfloor|heavytrivial N   (print a generated configuration)
//
// It also is the provider wrapper Terraform launches (dev_overrides point at a directory
// where drbench is linked as terraform-provider-dr): with DRBENCH_REAL_PROVIDER set it runs
// the real provider as its child and appends the child's peak RSS (KiB) to DRBENCH_RSS_FILE
// (and its CPU time in ms to DRBENCH_CPU_FILE when set).
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/bench"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/sandbox"
)

func main() {
	if real := os.Getenv("DRBENCH_REAL_PROVIDER"); real != "" {
		os.Exit(wrap(real))
	}
	if len(os.Args) < 2 {
		fatalf("usage: drbench e2e|startup|fanout|gen ...")
	}
	var err error
	switch os.Args[1] {
	case "gen":
		if len(os.Args) != 4 {
			fatalf("usage: drbench gen dr|floor N")
		}
		n, _ := strconv.Atoi(os.Args[3])
		switch os.Args[2] {
		case "floor":
			fmt.Print(bench.Floor(n))
		case "heavy":
			fmt.Print(bench.DRHeavy(n))
		case "heavyfloor":
			fmt.Print(bench.FloorHeavy(n))
		case "heavytrivial":
			fmt.Print(bench.TrivialHeavy(n))
		default:
			fmt.Print(bench.DR(n))
		}
	case "e2e":
		err = runE2E(os.Args[2:])
	case "startup":
		err = runStartup(os.Args[2:])
	case "fanout":
		err = runFanout(os.Args[2:])
	case "heavy":
		err = runHeavy(os.Args[2:])
	case "alibaba":
		err = runAlibaba(os.Args[2:])
	case "huaweicloud":
		err = runHuaweiCloud(os.Args[2:])
	case "scale":
		err = runScale(os.Args[2:])
	case "latency":
		err = runLatency(os.Args[2:])
	default:
		fatalf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fatalf("drbench %s: %v", os.Args[1], err)
	}
}

func fatalf(f string, a ...any) {
	fmt.Fprintf(os.Stderr, f+"\n", a...)
	os.Exit(1)
}

func logf(f string, a ...any) { fmt.Fprintf(os.Stderr, "drbench: "+f+"\n", a...) }

// wrap runs the real provider with our stdio, forwards signals, and records its peak RSS.
func wrap(real string) int {
	cmd := exec.Command(real, os.Args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	go func() {
		for s := range sigs {
			_ = cmd.Process.Signal(s)
		}
	}()
	err := cmd.Wait()
	if f := os.Getenv("DRBENCH_RSS_FILE"); f != "" && cmd.ProcessState != nil {
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			if fh, ferr := os.OpenFile(f, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600); ferr == nil {
				fmt.Fprintf(fh, "%d\n", ru.Maxrss)
				fh.Close()
			}
		}
	}
	if f := os.Getenv("DRBENCH_CPU_FILE"); f != "" && cmd.ProcessState != nil {
		// investigations: the provider's CPU time (user+system, ms), one line per process
		if fh, ferr := os.OpenFile(f, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600); ferr == nil {
			fmt.Fprintf(fh, "%d\n", (cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()).Milliseconds())
			fh.Close()
		}
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		return 1
	}
	return 0
}

// ---- a Terraform workspace ----

type workspace struct {
	dir string
	env []string
	rss string // file the wrapper appends peak RSS values to
	ctr string // counters file pattern (with %p), "" when off
	cpu string // file the wrapper appends the provider's CPU time to, "" when off
}

// newEnv prepares the CLI configuration (dev_overrides → a wrapper directory) under root.
func newEnv(root, provider string) ([]string, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	wrapDir := filepath.Join(root, "wrap")
	if err := os.MkdirAll(wrapDir, 0o755); err != nil {
		return nil, err
	}
	if err := os.Symlink(self, filepath.Join(wrapDir, "terraform-provider-dr")); err != nil && !os.IsExist(err) {
		return nil, err
	}
	rc := filepath.Join(root, "terraformrc")
	if err := os.WriteFile(rc, []byte(fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"dr-provider/dr\" = %q\n  }\n  direct {}\n}\n", wrapDir)), 0o644); err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(provider)
	if err != nil {
		return nil, err
	}
	return append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1",
		"DRBENCH_REAL_PROVIDER="+abs, "DR_SANDBOX_TIME_SCALE=1000000"), nil
}

func newWorkspace(root, name string, env []string, db, config string) (*workspace, error) {
	dir := filepath.Join(root, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o644); err != nil {
		return nil, err
	}
	w := &workspace{dir: dir, rss: filepath.Join(dir, "rss.txt")}
	w.env = append(append([]string(nil), env...), "DRBENCH_RSS_FILE="+w.rss, "DR_SANDBOX_PATH="+db)
	return w, nil
}

type runResult struct {
	wall   time.Duration
	rssKiB int64 // peak RSS over the provider processes of the run (0: none ran)
	procs  int   // provider processes started
	calls  map[string]int64
	cpu    time.Duration // the provider's CPU time summed over its processes (w.cpu set)
	cpuAll time.Duration // user+system of terraform and every process it waited for (providers)
	code   int
}

// tf runs one terraform command; exit code 2 of -detailed-exitcode is returned, not an error.
func (w *workspace) tf(args ...string) (runResult, error) {
	_ = os.Remove(w.rss)
	ctrDir := ""
	env := w.env
	if w.cpu != "" {
		_ = os.Remove(w.cpu)
		env = append(append([]string(nil), env...), "DRBENCH_CPU_FILE="+w.cpu)
	}
	if w.ctr != "" {
		ctrDir = filepath.Join(w.dir, "counters")
		_ = os.RemoveAll(ctrDir)
		_ = os.MkdirAll(ctrDir, 0o755)
		env = append(append([]string(nil), env...), sandbox.EnvCountersFile+"="+filepath.Join(ctrDir, "c.%p.json"))
	}
	cmd := exec.Command("terraform", append(args, "-no-color", "-input=false")...)
	cmd.Dir, cmd.Env = w.dir, env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	res := runResult{wall: time.Since(start)}
	if cmd.ProcessState != nil {
		res.cpuAll = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		res.code = ee.ExitCode()
		if !(res.code == 2 && contains(args, "-detailed-exitcode")) {
			tail := out.String()
			if len(tail) > 3000 {
				tail = tail[len(tail)-3000:]
			}
			return res, fmt.Errorf("terraform %s in %s: exit %d\n%s", strings.Join(args, " "), w.dir, res.code, tail)
		}
	} else if err != nil {
		return res, err
	}
	if b, err := os.ReadFile(w.rss); err == nil {
		for _, l := range strings.Fields(string(b)) {
			v, _ := strconv.ParseInt(l, 10, 64)
			res.rssKiB = max(res.rssKiB, v)
			res.procs++
		}
	}
	if w.cpu != "" {
		if b, err := os.ReadFile(w.cpu); err == nil {
			for _, l := range strings.Fields(string(b)) {
				v, _ := strconv.ParseInt(l, 10, 64)
				res.cpu += time.Duration(v) * time.Millisecond
			}
		}
	}
	if ctrDir != "" {
		res.calls = map[string]int64{}
		files, _ := filepath.Glob(filepath.Join(ctrDir, "c.*.json"))
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				continue
			}
			var m map[string]int64
			if json.Unmarshal(b, &m) == nil {
				for k, v := range m {
					res.calls[k] += v
				}
			}
		}
	}
	return res, nil
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func total(m map[string]int64) (n int64) {
	for _, v := range m {
		n += v
	}
	return n
}

func render(m map[string]int64) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

func secs(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }
func mib(kib int64) string        { return fmt.Sprintf("%.1f MiB", float64(kib)/1024) }

func median(ds []time.Duration) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

// ---- e2e: apply / no-op plan / destroy against the terraform_data floor ----

func runE2E(args []string) error {
	fs := flag.NewFlagSet("e2e", flag.ExitOnError)
	provider := fs.String("provider", "terraform-provider-dr", "built provider binary")
	ns := fs.String("n", "100 500 1000", "resource counts")
	repeat := fs.Int("repeat", 1, "runs per phase (the median is reported)")
	_ = fs.Parse(args)
	root, err := os.MkdirTemp("", "drbench-e2e-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(root)
	env, err := newEnv(root, *provider)
	if err != nil {
		return err
	}
	type row struct {
		n             int
		phase         string
		floor, dr     time.Duration
		rss           int64
		procs         int
		ratio, target float64
		met           bool
	}
	var rows []row
	var callRows []string
	for _, f := range strings.Fields(*ns) {
		n, err := strconv.Atoi(f)
		if err != nil || n < 5 {
			return fmt.Errorf("bad N %q", f)
		}
		logf("N=%d", n)
		phases := []struct {
			name   string
			args   []string
			target float64
		}{
			{"apply (create)", []string{"apply", "-auto-approve"}, 1.3},
			{"no-op plan (refresh)", []string{"plan", "-detailed-exitcode"}, 3.2},
			{"destroy", []string{"destroy", "-auto-approve"}, 1.15},
		}
		type acc struct {
			floor, dr []time.Duration
			rss       int64
			procs     int
		}
		accs := make([]acc, len(phases))
		var calls map[string]int64
		for r := 0; r < *repeat; r++ {
			tag := fmt.Sprintf("n%d-r%d", n, r)
			fw, err := newWorkspace(root, tag+"-floor", env, filepath.Join(root, tag+"-floor.db"), bench.Floor(n))
			if err != nil {
				return err
			}
			dw, err := newWorkspace(root, tag+"-dr", env, filepath.Join(root, tag+"-dr.db"), bench.DR(n))
			if err != nil {
				return err
			}
			for i, ph := range phases {
				// side by side: the floor, then the provider, for each phase
				fr, err := fw.tf(ph.args...)
				if err != nil {
					return err
				}
				dr, err := dw.tf(ph.args...)
				if err != nil {
					return err
				}
				if ph.args[0] == "plan" && (fr.code != 0 || dr.code != 0) {
					return fmt.Errorf("the no-op plan at N=%d is not empty (floor exit %d, dr exit %d)", n, fr.code, dr.code)
				}
				accs[i].floor = append(accs[i].floor, fr.wall)
				accs[i].dr = append(accs[i].dr, dr.wall)
				accs[i].rss = max(accs[i].rss, dr.rssKiB)
				accs[i].procs = dr.procs
				logf("N=%d %s: floor %s, dr %s (%.2fx), provider peak RSS %s over %d processes", n, ph.name,
					secs(fr.wall), secs(dr.wall), dr.wall.Seconds()/fr.wall.Seconds(), mib(dr.rssKiB), dr.procs)
				if ph.args[0] == "plan" && r == 0 {
					// Untimed: the same no-op plan, counting the platform calls.
					dw.ctr = "on"
					cr, err := dw.tf(ph.args...)
					dw.ctr = ""
					if err != nil {
						return err
					}
					if cr.code != 0 {
						return fmt.Errorf("the counted no-op plan at N=%d is not empty", n)
					}
					calls = cr.calls
				}
			}
			os.RemoveAll(fw.dir)
			os.RemoveAll(dw.dir)
		}
		for i, ph := range phases {
			fl, d := median(accs[i].floor), median(accs[i].dr)
			ratio := d.Seconds() / fl.Seconds()
			rows = append(rows, row{n: n, phase: ph.name, floor: fl, dr: d, rss: accs[i].rss, procs: accs[i].procs,
				ratio: ratio, target: ph.target, met: ratio <= ph.target})
		}
		reads := int64(0)
		for k, v := range calls {
			if strings.HasPrefix(k, "Get") {
				reads += v
			}
		}
		callRows = append(callRows, fmt.Sprintf("| %d | %d | %d | %.2f | %d | %s |", n, total(calls), reads,
			float64(total(calls))/float64(n), total(calls)-reads, render(calls)))
	}
	fmt.Printf("### End to end through Terraform %s (provider built once; DR_SANDBOX_TIME_SCALE=1000000; -parallelism=10)\n\n", tfVersion())
	fmt.Printf("Floor: the same dependency graph of `terraform_data` resources, run side by side in the same process tree. Median of %d run(s). RSS is the provider's peak over its processes in that command (measured by a wrapper via getrusage).\n\n", *repeat)
	fmt.Println("| N | phase | terraform_data (floor) | dr provider | ratio | target | met | provider peak RSS | provider processes |")
	fmt.Println("|---:|---|---:|---:|---:|---:|:-:|---:|---:|")
	for _, r := range rows {
		fmt.Printf("| %d | %s | %s | %s | %.2f× | ≤ %.2f× | %s | %s | %d |\n", r.n, r.phase, secs(r.floor), secs(r.dr), r.ratio, r.target, yes(r.met), mib(r.rss), r.procs)
	}
	fmt.Println()
	fmt.Println("### Platform calls in a no-op plan (sandbox counters, DR_SANDBOX_COUNTERS_FILE, summed over the provider processes)")
	fmt.Println()
	fmt.Println("| N | calls | reads (Get*) | calls per resource | other calls (ModifyPlan: Observe/Proposed*) | by method |")
	fmt.Println("|---:|---:|---:|---:|---:|---|")
	for _, r := range callRows {
		fmt.Println(r)
	}
	fmt.Println()
	return nil
}

func yes(b bool) string {
	if b {
		return "yes"
	}
	return "**no**"
}

func tfVersion() string {
	out, err := exec.Command("terraform", "version").Output()
	if err != nil {
		return "?"
	}
	return strings.TrimPrefix(strings.SplitN(string(out), "\n", 2)[0], "Terraform ")
}

// ---- fan-out: 100 pairs in a group vs 100 independent pairs vs one pair, with latency ----

func runFanout(args []string) error {
	fs := flag.NewFlagSet("fanout", flag.ExitOnError)
	provider := fs.String("provider", "terraform-provider-dr", "built provider binary")
	pairs := fs.Int("pairs", 100, "pairs in the group / independent pairs")
	latency := fs.Duration("latency", 200*time.Millisecond, "injected latency per platform call")
	_ = fs.Parse(args)
	root, err := os.MkdirTemp("", "drbench-fanout-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(root)
	env, err := newEnv(root, *provider)
	if err != nil {
		return err
	}
	db := filepath.Join(root, "sandbox.db")
	single, err := newWorkspace(root, "single", env, db, fanoutConfig("s", 1, false))
	if err != nil {
		return err
	}
	group, err := newWorkspace(root, "group", env, db, fanoutConfig("g", *pairs, true))
	if err != nil {
		return err
	}
	indep, err := newWorkspace(root, "indep", env, db, fanoutConfig("i", *pairs, false))
	if err != nil {
		return err
	}
	// The planner finds no path with many add_member steps in one plan (V-STATE; see the
	// notes): the group grows by 10 members per apply.
	for m := 10; m < *pairs; m += 10 {
		if _, err := group.tf("apply", "-auto-approve", "-parallelism=50", fmt.Sprintf("-var=members=%d", m)); err != nil {
			return err
		}
	}
	for _, w := range []*workspace{single, group, indep} {
		if _, err := w.tf("apply", "-auto-approve", "-parallelism=50"); err != nil {
			return err
		}
	}
	sb, err := sandbox.Open(db, sandbox.Options{})
	if err != nil {
		return err
	}
	defer sb.Close()
	if err := sb.SetLatency(context.Background(), *latency); err != nil {
		return err
	}
	type run struct {
		name string
		w    *workspace
		args []string
	}
	// Each run moves production to the other site and back is not needed: every workspace is
	// switched once. -refresh=false isolates the operation from the refresh of N objects.
	runs := []run{
		{"one pair (the ideal: its critical path)", single, []string{"apply", "-auto-approve", "-refresh=false", "-var", "flip=true"}},
		{fmt.Sprintf("protection group of %d pairs", *pairs), group, []string{"apply", "-auto-approve", "-refresh=false", "-var", "flip=true"}},
		{fmt.Sprintf("%d independent pairs, -parallelism=10 (default)", *pairs), indep, []string{"apply", "-auto-approve", "-refresh=false", "-var", "flip=true"}},
		{fmt.Sprintf("%d independent pairs, -parallelism=%d", *pairs, *pairs), indep, []string{"apply", "-auto-approve", "-refresh=false", "-var", "flip=false", fmt.Sprintf("-parallelism=%d", *pairs)}},
	}
	var ideal time.Duration
	fmt.Printf("### Fan-out with %s injected latency per platform call (Inventory.SetLatency)\n\n", *latency)
	fmt.Println("Each run is one `terraform apply -refresh=false` that moves production to the other site (both sites healthy: a planned failover / switchover per object). Calls are the sandbox counters of the run.")
	fmt.Println()
	fmt.Println("| run | wall | vs one pair | target | platform calls | by method |")
	fmt.Println("|---|---:|---:|---:|---:|---|")
	for i, r := range runs {
		r.w.ctr = "on"
		res, err := r.w.tf(r.args...)
		r.w.ctr = ""
		if err != nil {
			return err
		}
		if i == 0 {
			ideal = res.wall
		}
		target := "—"
		if i == 1 {
			target = "≤ 1.20×"
		}
		logf("fanout %s: %s", r.name, secs(res.wall))
		fmt.Printf("| %s | %s | %.2f× | %s | %d | %s |\n", r.name, secs(res.wall), res.wall.Seconds()/ideal.Seconds(), target, total(res.calls), render(res.calls))
	}
	fmt.Println()
	_ = sb.ClearFaults(context.Background())
	return nil
}

// fanoutConfig: n pairs between two healthy sites; with group, the pairs are observed only and
// a protection group of all of them carries the desired active site.
func fanoutConfig(prefix string, n int, group bool) string {
	var b strings.Builder
	b.WriteString(`terraform {
  required_providers {
    dr = { source = "dr-provider/dr" }
  }
}
provider "dr" {}
variable "flip" {
  type    = bool
  default = false
}
`)
	fmt.Fprintf(&b, "variable \"members\" {\n  type    = number\n  default = %d\n}\n", n)
	fmt.Fprintf(&b, `resource "dr_sandbox_site" "a" {
  region = "cn-shanghai"
  zone   = "cn-shanghai-%[1]s1"
}
resource "dr_sandbox_site" "b" {
  region = "cn-shanghai"
  zone   = "cn-shanghai-%[1]s2"
}
`, prefix)
	desired := `
  replication = "running"
  active_site = var.flip ? "secondary" : "primary"`
	if group {
		desired = ""
	}
	fmt.Fprintf(&b, `resource "dr_sandbox_volume" "p" {
  count   = %[1]d
  site_id = dr_sandbox_site.a.id
  size_gb = 10
}
resource "dr_sandbox_volume" "s" {
  count   = %[1]d
  site_id = dr_sandbox_site.b.id
  size_gb = 10
}
resource "dr_replication_pair" "p" {
  count               = %[1]d
  name                = "%[2]s-${count.index}"
  primary_volume_id   = dr_sandbox_volume.p[count.index].id
  secondary_volume_id = dr_sandbox_volume.s[count.index].id%[3]s
}
`, n, prefix, desired)
	if group {
		fmt.Fprintf(&b, `resource "dr_protection_group" "g" {
  name                 = "%s-group"
  source_region        = dr_sandbox_site.a.region
  source_zone          = dr_sandbox_site.a.zone
  target_region        = dr_sandbox_site.b.region
  target_zone          = dr_sandbox_site.b.zone
  replication_pair_ids = slice(dr_replication_pair.p[*].id, 0, var.members)
  protection           = "enabled"
  active_site          = var.flip ? "target" : "source"
}
`, prefix)
	}
	return b.String()
}
