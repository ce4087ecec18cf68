package main

import (
	"context"
	"errors"
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

	acronisemu "github.com/dr-provider/terraform-provider-dr/internal/emulator/acronis"
	alibabaemu "github.com/dr-provider/terraform-provider-dr/internal/emulator/alibaba"
	"github.com/dr-provider/terraform-provider-dr/internal/emulator/gateway"
	hwemu "github.com/dr-provider/terraform-provider-dr/internal/emulator/huaweicloud"
	"github.com/dr-provider/terraform-provider-dr/internal/emulator/rehearsal"
	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/sandbox"
)

// runLatency is the "At cloud latency" section of make bench (issue 28): each vendor's
// emulator behind its API gateway at a fixed latency per call (100 ms), its sandbox clock at
// -scale (10: a 15-second failover takes 1.5 s), `terraform apply -parallelism=10` (or a
// no-op plan) of one scenario, measured three ways in one run, interleaved:
//
//   - floor: the same scenario with instant calls (no latency) and instant operations (the
//     sandbox at time scale 1e6, DR_POLL_INTERVAL=1ms): what Terraform and the provider cost
//     on their own;
//   - the measured run at the latency and time scale (the dr-emulator environment: its
//     DR_POLL_INTERVAL and DR_EMULATOR_TIME_SCALE);
//   - optionally the same with the gateway's rate limits at the vendor's published figures
//     (-limits), and with another provider build (-before).
//
// The ideal of a scenario is floor + latency × (the calls every resource waits for once: the
// configure call and the plan's shared read snapshot, in sequence) + waves × (latency × the
// longest chain of calls one resource must make + the simulated durations it must wait), with
// waves = ⌈N / parallelism⌉: see each scenario's chain.
func runLatency(args []string) error {
	fs := flag.NewFlagSet("latency", flag.ExitOnError)
	provider := fs.String("provider", "terraform-provider-dr", "built provider binary")
	before := fs.String("before", "", "another provider build measured beside it (interleaved)")
	latency := fs.Duration("latency", 100*time.Millisecond, "latency per call")
	scale := fs.Float64("scale", 10, "the emulators' sandbox time scale")
	par := fs.Int("parallelism", 10, "terraform -parallelism")
	only := fs.String("only", "", "scenarios to run (comma-separated names; empty: all)")
	limits := fs.Bool("limits", true, "also run each scenario with the vendor's published rate limits")
	repeat := fs.Int("repeat", 1, "measured runs per configuration (median reported)")
	traceDir := fs.String("trace", "", "write each measured run's call timeline (op, start, end, status) here")
	noopN := fs.Int("noop-n", 1000, "objects of the no-op plan scenarios (the issue's N = 1,000)")
	_ = fs.Parse(args)
	root, err := os.MkdirTemp("", "drbench-latency-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(root)
	builds := []latBuild{{name: "this build", bin: *provider}}
	if *before != "" {
		builds = append(builds, latBuild{name: "before", bin: *before})
	}
	for i := range builds {
		if builds[i].env, err = newEnv(filepath.Join(root, "env"+strconv.Itoa(i)), builds[i].bin); err != nil {
			return err
		}
	}
	l := &latBench{root: root, latency: *latency, scale: *scale, par: *par, builds: builds, trace: *traceDir}
	var rows []latRow
	for _, sc := range latScenarios(*noopN) {
		if *only != "" && !contains(strings.Split(*only, ","), sc.name) {
			continue
		}
		r, err := l.measure(sc, *limits, *repeat)
		if err != nil {
			return fmt.Errorf("%s: %w", sc.name, err)
		}
		rows = append(rows, r...)
	}
	l.print(rows, *limits)
	return nil
}

type latBuild struct {
	name, bin string
	env       []string
}

type latBench struct {
	root    string
	latency time.Duration
	scale   float64
	par     int
	builds  []latBuild
	trace   string
	runs    int
}

// latScenario is one scenario: what the emulator holds, the configuration the measured
// command runs on, and the chain its ideal counts.
type latScenario struct {
	name, vendor, what string
	n                  int
	plan               bool // the measured command is a no-op plan (else an apply)
	// setup makes the inventory (and, through w.tf at no latency, the state the measured
	// command starts from) and returns the measured configuration.
	setup func(w *latWorld) (string, error)
	chain latChain
	// check verifies the measured run's end state
	check func(w *latWorld) error
}

// latChain is how the ideal is counted (see runLatency).
type latChain struct {
	once    []string // calls every resource waits for once per command, in sequence
	each    []string // one resource's own calls, in sequence
	waits   []string // the operations (with their simulated durations) one resource waits for
	waitDur time.Duration
	note    string
}

type latRow struct {
	sc                 latScenario
	build, mode        string
	wall, floor, ideal time.Duration
	calls              map[string]int
	throttled          int
	procs              int
	limitText          string
	callsTotal         int
}

// ---- the emulator world of one run ----

type latWorld struct {
	vendor string
	dir    string
	sb     *sandbox.Sandbox
	gw     *gateway.Gateway
	srv    *httptest.Server
	block  string
	env    []string
	ws     *workspace
	trace  *callTrace
	ctx    context.Context
	acr    *acronisemu.Emulator
	hw     *hwemu.Emulator
	ids    []string // ids the setup made (checked afterwards)
}

// callTrace records each call's operation and timing (with -trace).
type callTrace struct {
	mu    sync.Mutex
	start time.Time
	on    bool
	lines []string
}

func (t *callTrace) wrap(next http.Handler, op func(*http.Request) string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.mu.Lock()
		on := t.on
		t.mu.Unlock()
		if !on {
			next.ServeHTTP(w, r)
			return
		}
		name := op(r)
		begin := time.Since(t.start)
		rec := &statusWriter{ResponseWriter: w, status: 200}
		next.ServeHTTP(rec, r)
		end := time.Since(t.start)
		t.mu.Lock()
		t.lines = append(t.lines, fmt.Sprintf("%8.3f %8.3f %3d %s %s", begin.Seconds(), end.Seconds(), rec.status, name, r.URL.RawQuery))
		t.mu.Unlock()
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(c int) { s.status = c; s.ResponseWriter.WriteHeader(c) }

func (l *latBench) newWorld(sc latScenario, build latBuild, scale float64) (*latWorld, error) {
	l.runs++
	dir := filepath.Join(l.root, fmt.Sprintf("%s-%d", sc.name, l.runs))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	sb, err := sandbox.Open(filepath.Join(dir, "emulator.db"), sandbox.Options{TimeScale: scale, Seed: 1})
	if err != nil {
		return nil, err
	}
	w := &latWorld{vendor: sc.vendor, dir: dir, sb: sb, ctx: context.Background(), trace: &callTrace{}}
	var h http.Handler
	var opOf func(*http.Request) string
	switch sc.vendor {
	case "alibaba":
		e := alibabaemu.New(sb, alibabaemu.Options{Gateway: gateway.Config{Seed: 1}})
		w.gw, h = e.Gateway(), e
		opOf = func(r *http.Request) string { _ = r.ParseForm(); return r.Form.Get("Action") }
	case "huaweicloud":
		e := hwemu.New(sb, hwemu.Options{AccessKey: hwemu.TestAccessKey, SecretKey: hwemu.TestSecretKey, ProjectID: hwemu.TestProjectID, Gateway: gateway.Config{Seed: 1}})
		w.gw, h, w.hw = e.Gateway(), e, e
		opOf = func(r *http.Request) string { return r.Method + " " + r.URL.Path }
	case "acronis":
		e := acronisemu.New(sb, "bench-client", "bench-secret", acronisemu.Options{Gateway: gateway.Config{Seed: 1}})
		w.gw, h, w.acr = e.Gateway(), e, e
		opOf = func(r *http.Request) string { return r.Method + " " + r.URL.Path }
	default:
		return nil, fmt.Errorf("unknown vendor %q", sc.vendor)
	}
	w.srv = httptest.NewServer(w.trace.wrap(h, opOf))
	u := w.srv.URL
	switch sc.vendor {
	case "alibaba":
		w.block = fmt.Sprintf("provider \"dr\" {\n  alibaba {\n    access_key   = %q\n    secret_key   = %q\n    region       = \"cn-shanghai\"\n    ebs_endpoint = %q\n  }\n}\n",
			alibabaemu.TestAccessKeyID, alibabaemu.TestAccessKeySecret, u)
	case "huaweicloud":
		w.block = "provider \"dr\" {\n  huaweicloud {}\n}\n"
		w.env = []string{"HW_ACCESS_KEY=" + hwemu.TestAccessKey, "HW_SECRET_KEY=" + hwemu.TestSecretKey, "HW_REGION_NAME=cn-north-4",
			"HW_PROJECT_ID=" + hwemu.TestProjectID, "HW_SDRS_ENDPOINT=" + u, "HW_ECS_ENDPOINT=" + u, "HW_CBR_ENDPOINT=" + u}
	case "acronis":
		w.block = fmt.Sprintf("provider \"dr\" {\n  acronis {\n    client_id      = \"bench-client\"\n    client_secret  = \"bench-secret\"\n    datacenter_url = %q\n  }\n}\n", u)
	}
	return w, nil
}

func (w *latWorld) close() {
	if w.srv != nil {
		w.srv.Close()
	}
	if w.sb != nil {
		_ = w.sb.Close()
	}
}

// workspace writes the configuration and the environment of one build: the dr-emulator
// environment at the world's time scale (DR_POLL_INTERVAL and DR_EMULATOR_TIME_SCALE as
// dr-emulator prints them), or instant polling for the floor.
func (w *latWorld) workspace(b latBuild, cfg string, scale float64) error {
	env := append(append([]string(nil), b.env...), w.env...)
	if scale >= 1e6 {
		env = append(env, "DR_POLL_INTERVAL=1ms", "DR_EMULATOR_TIME_SCALE=1000000")
	} else {
		for _, v := range rehearsal.ClockEnv(scale) {
			env = append(env, v.Name+"="+v.Value)
		}
	}
	ws, err := newWorkspace(w.dir, "tf", env, filepath.Join(w.dir, "unused.db"), cfg)
	if err != nil {
		return err
	}
	w.ws = ws
	return nil
}

// config writes a new configuration into the workspace.
func (w *latWorld) config(cfg string) error {
	return os.WriteFile(filepath.Join(w.ws.dir, "main.tf"), []byte(cfg), 0o644)
}

// ---- measuring ----

func (l *latBench) measure(sc latScenario, limits bool, repeat int) ([]latRow, error) {
	type cfg struct {
		b       latBuild
		limited bool
	}
	var cfgs []cfg
	for _, b := range l.builds {
		cfgs = append(cfgs, cfg{b: b})
		if limits && len(vendorLimits(sc.vendor)) > 0 {
			cfgs = append(cfgs, cfg{b: b, limited: true})
		}
	}
	floors := map[string][]time.Duration{}
	walls := map[int][]time.Duration{}
	last := map[int]latRow{}
	for rep := 0; rep < repeat; rep++ {
		for _, b := range l.builds {
			logf("latency: %s: floor (%s)", sc.name, b.name)
			r, err := l.run(sc, b, 1e6, 0, false)
			if err != nil {
				return nil, fmt.Errorf("floor (%s): %w", b.name, err)
			}
			floors[b.name] = append(floors[b.name], r.wall)
		}
		for i, c := range cfgs {
			logf("latency: %s: %s at %s per call%s", sc.name, c.b.name, l.latency, map[bool]string{true: ", rate-limited"}[c.limited])
			r, err := l.run(sc, c.b, l.scale, l.latency, c.limited)
			if err != nil {
				return nil, fmt.Errorf("%s%s: %w", c.b.name, map[bool]string{true: " (rate-limited)"}[c.limited], err)
			}
			walls[i] = append(walls[i], r.wall)
			last[i] = r
		}
	}
	var rows []latRow
	for i, c := range cfgs {
		r := last[i]
		r.wall = median(walls[i])
		r.floor = median(floors[c.b.name])
		r.ideal = l.ideal(sc, r.floor)
		rows = append(rows, r)
	}
	return rows, nil
}

// ideal is floor + latency × (once + waves × each) + waves × the waits.
func (l *latBench) ideal(sc latScenario, floor time.Duration) time.Duration {
	waves := (sc.n + l.par - 1) / l.par
	return floor + l.latency*time.Duration(len(sc.chain.once)+waves*len(sc.chain.each)) +
		time.Duration(waves)*time.Duration(float64(sc.chain.waitDur)/l.scale)
}

func (l *latBench) run(sc latScenario, b latBuild, scale float64, lat time.Duration, limited bool) (latRow, error) {
	w, err := l.newWorld(sc, b, scale)
	if err != nil {
		return latRow{}, err
	}
	defer w.close()
	if err := w.workspace(b, "", scale); err != nil {
		return latRow{}, err
	}
	cfg, err := sc.setup(w)
	if err != nil {
		return latRow{}, fmt.Errorf("setup: %w", err)
	}
	if err := w.config(cfg); err != nil {
		return latRow{}, err
	}
	before := w.gw.Stats()
	w.gw.SetLatency(gateway.Fixed(lat))
	row := latRow{sc: sc, build: b.name, mode: "no limit"}
	if limited {
		ls := vendorLimits(sc.vendor)
		w.gw.SetLimits(ls)
		row.mode = "published limits"
		var s []string
		for _, x := range ls {
			s = append(s, x.String())
		}
		row.limitText = strings.Join(s, ", ")
	}
	w.trace.mu.Lock()
	w.trace.on, w.trace.start, w.trace.lines = l.trace != "", time.Now(), nil
	w.trace.mu.Unlock()
	var res runResult
	if sc.plan {
		res, err = w.ws.tf("plan", "-detailed-exitcode", "-parallelism="+strconv.Itoa(l.par))
		if err == nil && res.code != 0 {
			err = fmt.Errorf("the plan is not a no-op (exit %d)", res.code)
		}
	} else {
		res, err = w.ws.tf("apply", "-auto-approve", "-parallelism="+strconv.Itoa(l.par))
	}
	w.gw.SetLatency(gateway.Latency{})
	w.gw.SetLimits(nil)
	if l.trace != "" {
		_ = os.MkdirAll(l.trace, 0o755)
		w.trace.mu.Lock()
		mode := row.mode
		if lat == 0 {
			mode = "floor"
		}
		name := fmt.Sprintf("%s-%s-%s.txt", sc.name, strings.ReplaceAll(b.name, " ", "_"), strings.ReplaceAll(mode, " ", "_"))
		_ = os.WriteFile(filepath.Join(l.trace, name), []byte(strings.Join(w.trace.lines, "\n")+"\n"), 0o644)
		w.trace.mu.Unlock()
	}
	if err != nil {
		return row, err
	}
	row.wall, row.procs = res.wall, res.procs
	row.calls = map[string]int{}
	for op, s := range w.gw.Stats() {
		d := s.Calls - before[op].Calls
		if d > 0 {
			row.calls[op] = d
			row.callsTotal += d
		}
		row.throttled += s.Throttled - before[op].Throttled
	}
	if sc.check != nil {
		if err := sc.check(w); err != nil {
			return row, fmt.Errorf("after the measured run: %w", err)
		}
	}
	return row, nil
}

// vendorLimits are the gateway's rate limits at the vendor's published figures (none where
// the vendor publishes none).
func vendorLimits(vendor string) []gateway.Limit {
	switch vendor {
	case "alibaba":
		// EBS API 2021-07-30 "API rate quota" (api-ebs-2021-07-30-quota): 40 calls per second
		// per region, API and account for the replica-pair and replica-group operations, 10/s
		// for the drill operations. ECS DescribeDisks: not published (Quota Center only).
		var ls []gateway.Limit
		for _, op := range []string{"DescribeRegions", "DescribeDiskReplicaPairs", "DescribeDiskReplicaGroups",
			"CreateDiskReplicaPair", "StartDiskReplicaPair", "StopDiskReplicaPair", "FailoverDiskReplicaPair",
			"ReprotectDiskReplicaPair", "DeleteDiskReplicaPair", "ModifyDiskReplicaPair", "CreateDiskReplicaGroup",
			"StartDiskReplicaGroup", "StopDiskReplicaGroup", "FailoverDiskReplicaGroup", "ReprotectDiskReplicaGroup",
			"DeleteDiskReplicaGroup", "ModifyDiskReplicaGroup", "AddDiskReplicaPair", "RemoveDiskReplicaPair"} {
			ls = append(ls, gateway.Limit{Operation: op, Calls: 40, Per: time.Second})
		}
		for _, op := range []string{"StartReplicaGroupDrill", "ClearReplicaGroupDrill", "DescribeReplicaGroupDrills"} {
			ls = append(ls, gateway.Limit{Operation: op, Calls: 10, Per: time.Second})
		}
		return ls
	}
	// Huawei Cloud SDRS and Acronis publish no numeric rate limit (APIG answers APIGW.0308;
	// Acronis documents 429 with Retry-After only)
	return nil
}

// ---- output ----

func (l *latBench) print(rows []latRow, limits bool) {
	var b strings.Builder
	fmt.Fprintf(&b, "## At cloud latency\n\n")
	fmt.Fprintf(&b, "Each vendor's emulator in this process behind its API gateway (internal/emulator/gateway) at **%s per call** (fixed), its sandbox clock at time scale %g (a 15-second failover takes %s), `terraform apply -parallelism=%d` (Terraform %s) of one scenario; the provider gets the dr-emulator environment for that clock (`DR_POLL_INTERVAL`, `DR_EMULATOR_TIME_SCALE`). Calls are the gateway's counts per operation during the measured command. "+
		"**Floor**: the same scenario with instant calls and instant operations (time scale 1e6, `DR_POLL_INTERVAL=1ms`): Terraform's and the provider's own time. **Ideal** = floor + latency × (the calls every resource waits for once per command + waves × the longest chain of calls one resource must make) + waves × the simulated durations it must wait; waves = ⌈N / %d⌉ (the chains below). Ratio = wall / ideal (target ≤ 1.5×). "+
		"Rate-limited runs: the gateway's limits at the vendor's published figures, answered with the vendor's throttling error; a run passes when the apply converges with no error (the throttled column counts what the gateway refused and the provider absorbed). Run alone: `BENCH_ONLY=latency make bench`.\n\n",
		l.latency, l.scale, time.Duration(float64(15*time.Second)/l.scale).Round(time.Millisecond), l.par, tfVersion(), l.par)
	fmt.Fprintln(&b, "| scenario | build | rate limits | wall | floor | ideal | ratio | ≤ 1.5× | API calls | throttled | calls by operation |")
	fmt.Fprintln(&b, "|---|---|---|---:|---:|---:|---:|:-:|---:|---:|---|")
	for _, r := range rows {
		ratio := r.wall.Seconds() / r.ideal.Seconds()
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %.2f× | %s | %d | %d | %s |\n", r.sc.what, r.build, r.mode, secs(r.wall), secs(r.floor), secs(r.ideal),
			ratio, yes(ratio <= 1.5), r.callsTotal, r.throttled, renderInt(r.calls))
	}
	fmt.Fprintln(&b)
	fmt.Fprintln(&b, "How each ideal is counted (calls in sequence; a wait is the operation's simulated duration at the time scale):")
	fmt.Fprintln(&b)
	seen := map[string]bool{}
	for _, r := range rows {
		if seen[r.sc.name] {
			continue
		}
		seen[r.sc.name] = true
		c := r.sc.chain
		waves := (r.sc.n + l.par - 1) / l.par
		fmt.Fprintf(&b, "- **%s** (N = %d, %d wave(s)): once: %s; each resource: %s; waits: %s (%s at this scale). %s\n", r.sc.what, r.sc.n, waves,
			listOrNone(c.once), listOrNone(c.each), listOrNone(c.waits), time.Duration(float64(c.waitDur)/l.scale).Round(time.Millisecond), c.note)
	}
	if limits {
		fmt.Fprintln(&b)
		fmt.Fprintln(&b, "Published rate limits: Alibaba Cloud EBS (API 2021-07-30): 40 calls/s per region, API and account for the replica-pair and replica-group operations and 10/s for the drill operations, as read from the EBS API rate-quota page (https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ebs-2021-07-30-quota) when this benchmark was written — the figures are not checked against the page on each run; the gateway applies 40/s to each EBS operation the driver calls (per operation, across regions: stricter than the vendor). ECS `DescribeDisks`: not published (the ECS Quota Center shows it per account), left unlimited. Huawei Cloud SDRS: no figure published (APIG answers `APIGW.0308` when a threshold is reached), so no rate-limited run. Acronis: no figure published (the DR API documents 429 with Retry-After only), so no rate-limited run.")
	}
	fmt.Fprintln(&b)
	fmt.Print(b.String())
}

func listOrNone(xs []string) string {
	if len(xs) == 0 {
		return "none"
	}
	return strings.Join(xs, " → ")
}

func renderInt(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []string
	for _, k := range keys {
		out = append(out, fmt.Sprintf("%s %d", k, m[k]))
	}
	return strings.Join(out, ", ")
}

// ---- scenarios ----

// waitFor polls the sandbox (wall clock) until ok, at most 60 s.
func waitFor(what string, ok func() (bool, error)) error {
	deadline := time.Now().Add(60 * time.Second)
	for {
		done, err := ok()
		if err != nil {
			return err
		}
		if done {
			return nil
		}
		if time.Now().After(deadline) {
			return errors.New("timed out waiting for " + what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (w *latWorld) tfSetup(cfg string) error {
	if err := w.config(cfg); err != nil {
		return err
	}
	_, err := w.ws.tf("apply", "-auto-approve", "-parallelism=10")
	return err
}

func (w *latWorld) site(region, zone string) (platform.Site, error) {
	return w.sb.PutSite(w.ctx, platform.Site{Region: region, Zone: zone, Healthy: true, ReplicationCapable: true})
}

func latScenarios(noopN int) []latScenario {
	return []latScenario{
		aliPairsScenario(100),
		aliGroupFailoverScenario(16),
		hwProtectFailoverScenario(20),
		acrTestFailoverScenario(50),
		aliNoopScenario(noopN),
		hwNoopScenario(noopN),
	}
}

// aliPairsScenario: create and start N replica pairs (1 GiB disks: a first synchronisation
// of the sandbox's minimum, 5 s).
func aliPairsScenario(n int) latScenario {
	return latScenario{
		name: "alibaba-pairs", vendor: "alibaba", n: n, what: fmt.Sprintf("Alibaba: create and start %d pairs", n),
		setup: func(w *latWorld) (string, error) {
			sh, err := w.site("cn-shanghai", "cn-shanghai-b")
			if err != nil {
				return "", err
			}
			bj, err := w.site("cn-beijing", "cn-beijing-h")
			if err != nil {
				return "", err
			}
			var cfg strings.Builder
			cfg.WriteString(tfHeader + w.block)
			for i := range n {
				a, err := w.sb.PutVolume(w.ctx, platform.Volume{SiteID: sh.ID, SizeGB: 1})
				if err != nil {
					return "", err
				}
				b, err := w.sb.PutVolume(w.ctx, platform.Volume{SiteID: bj.ID, SizeGB: 1})
				if err != nil {
					return "", err
				}
				fmt.Fprintf(&cfg, "\nresource \"dr_replication_pair\" \"p%d\" {\n  name                = \"p%d\"\n  primary_volume_id   = %q\n  secondary_volume_id = %q\n  replication         = \"running\"\n}\n", i, i, a.ID, b.ID)
			}
			return cfg.String(), nil
		},
		chain: latChain{
			once:    []string{"DescribeRegions (plan's Configure)", "DescribeDiskReplicaPairs ∥ DescribeDiskReplicaGroups (the plan's snapshot, per region in parallel)", "DescribeDisks (the pairs' disks)", "DescribeRegions (apply's Configure)"},
			each:    []string{"CreateDiskReplicaPair", "DescribeDiskReplicaPairs (created)", "StartDiskReplicaPair", "DescribeDiskReplicaPairs (replicating)"},
			waits:   []string{"create (3 s)", "first synchronisation (5 s)"},
			waitDur: 8 * time.Second,
			note:    "The disks' facts (zone, size, attachment) are read once in the plan's snapshot; the refresh at the end of the create reuses the last poll.",
		},
		check: func(w *latWorld) error {
			ps, err := w.sb.ListPairs(w.ctx)
			if err != nil {
				return err
			}
			rep := 0
			for _, p := range ps {
				if p.State == lifecycle.Replicating {
					rep++
				}
			}
			if rep != n {
				return fmt.Errorf("%d of %d pairs replicating", rep, n)
			}
			return nil
		},
	}
}

const tfHeader = "terraform {\n  required_providers {\n    dr = { source = \"dr-provider/dr\" }\n  }\n}\n"

// aliGroupFailoverScenario: a replica group of n pairs, replicating, fails over (the production
// zone up: allow_data_loss, as EBS has no planned failover).
func aliGroupFailoverScenario(n int) latScenario {
	return latScenario{
		name: "alibaba-group", vendor: "alibaba", n: 1, what: fmt.Sprintf("Alibaba: fail over a %d-pair replica group", n),
		setup: func(w *latWorld) (string, error) {
			sh, err := w.site("cn-shanghai", "cn-shanghai-b")
			if err != nil {
				return "", err
			}
			bj, err := w.site("cn-beijing", "cn-beijing-h")
			if err != nil {
				return "", err
			}
			g, err := w.sb.CreateGroup(w.ctx, platform.GroupSpec{Name: "app", SourceRegion: "cn-shanghai", SourceZone: "cn-shanghai-b",
				TargetRegion: "cn-beijing", TargetZone: "cn-beijing-h"}, "")
			if err != nil {
				return "", err
			}
			var pairs []string
			var body strings.Builder
			for i := range n {
				a, err := w.sb.PutVolume(w.ctx, platform.Volume{SiteID: sh.ID, SizeGB: 1})
				if err != nil {
					return "", err
				}
				b, err := w.sb.PutVolume(w.ctx, platform.Volume{SiteID: bj.ID, SizeGB: 1})
				if err != nil {
					return "", err
				}
				p, err := w.sb.CreatePair(w.ctx, platform.PairSpec{Name: "p" + strconv.Itoa(i), PrimaryVolumeID: a.ID, SecondaryVolumeID: b.ID, RPOSeconds: 900, BandwidthKbps: 10240}, "")
				if err != nil {
					return "", err
				}
				pairs = append(pairs, p.ID)
				fmt.Fprintf(&body, "\nimport {\n  to = dr_replication_pair.p%[1]d\n  id = %[2]q\n}\nresource \"dr_replication_pair\" \"p%[1]d\" {\n  name                = \"p%[1]d\"\n  primary_volume_id   = %[3]q\n  secondary_volume_id = %[4]q\n}\n", i, p.ID, a.ID, b.ID)
			}
			if err := waitFor("the pairs and the group created", func() (bool, error) { return w.stable(append([]string{g.ID}, pairs...)) }); err != nil {
				return "", err
			}
			for _, id := range pairs {
				if err := w.sb.Invoke(w.ctx, lifecycle.ProtectionGroup, g.ID, lifecycle.OpAddMember, "", map[string]string{lifecycle.ParamPairID: id}); err != nil {
					return "", err
				}
				if err := waitFor("add_member", func() (bool, error) { return w.stable([]string{g.ID}) }); err != nil {
					return "", err
				}
			}
			if err := w.sb.Invoke(w.ctx, lifecycle.ProtectionGroup, g.ID, lifecycle.OpEnableProtection, "", nil); err != nil {
				return "", err
			}
			if err := waitFor("the group replicating", func() (bool, error) {
				x, err := w.sb.GetGroup(w.ctx, g.ID)
				return x.State == lifecycle.Replicating, err
			}); err != nil {
				return "", err
			}
			w.ids = []string{g.ID}
			group := func(imp, attrs string) string {
				var ids []string
				for i := range n {
					ids = append(ids, fmt.Sprintf("dr_replication_pair.p%d.id", i))
				}
				s := fmt.Sprintf("\nresource \"dr_protection_group\" \"app\" {\n  name                 = \"app\"\n  source_region        = \"cn-shanghai\"\n  source_zone          = \"cn-shanghai-b\"\n  target_region        = \"cn-beijing\"\n  target_zone          = \"cn-beijing-h\"\n  replication_pair_ids = [%s]\n%s}\n", strings.Join(ids, ", "), attrs)
				if imp != "" {
					s += fmt.Sprintf("\nimport {\n  to = dr_protection_group.app\n  id = %q\n}\n", imp)
				}
				return s
			}
			if err := w.tfSetup(tfHeader + w.block + body.String() + group(g.ID, "  protection = \"enabled\"\n")); err != nil {
				return "", err
			}
			return tfHeader + w.block + dropImports(body.String()) + group("", "  protection      = \"disabled\"\n  active_site     = \"target\"\n  allow_data_loss = true\n"), nil
		},
		chain: latChain{
			once:    []string{"DescribeRegions (plan's Configure)", "DescribeDiskReplicaPairs ∥ DescribeDiskReplicaGroups (the plan's snapshot, per region in parallel)", "DescribeDisks (the pairs' disks)", "DescribeRegions (apply's Configure)"},
			each:    []string{"DescribeDiskReplicaGroups (the group, at apply)", "FailoverDiskReplicaGroup", "DescribeDiskReplicaGroups (failed over)"},
			waits:   []string{"failover (15 s)"},
			waitDur: 15 * time.Second,
			note:    fmt.Sprintf("One resource changes (the group; its %d pairs are read, not operated); the group's failover is one call, whatever the number of pairs.", n),
		},
		check: func(w *latWorld) error {
			g, err := w.sb.GetGroup(w.ctx, w.ids[0])
			if err != nil {
				return err
			}
			if g.State != lifecycle.FailedOver {
				return fmt.Errorf("the group is %s, want failed_over", g.State)
			}
			return nil
		},
	}
}

// stable reports whether every object (pair or group) is in a stable state.
func (w *latWorld) stable(ids []string) (bool, error) {
	for _, id := range ids {
		var st lifecycle.State
		var kind lifecycle.Kind
		if p, err := w.sb.GetPair(w.ctx, id); err == nil {
			st, kind = p.State, lifecycle.ReplicationPair
		} else if g, err := w.sb.GetGroup(w.ctx, id); err == nil {
			st, kind = g.State, lifecycle.ProtectionGroup
		} else {
			return false, err
		}
		if lifecycle.Table(kind).Class(st) == lifecycle.Transitional {
			return false, nil
		}
	}
	return true, nil
}

// hwGroups makes n SDRS groups, each protecting one running server with a disk (configured)
// and, withPairs, the disk's replication pair to the DR AZ in the group.
func hwGroups(w *latWorld, n int, withPairs bool) ([]string, error) {
	var pairs []string
	src, err := w.site("cn-north-4", "cn-north-4a")
	if err != nil {
		return nil, err
	}
	dst, err := w.site("cn-north-4", "cn-north-4b")
	if err != nil {
		return nil, err
	}
	ids := make([]string, n)
	for i := range ids {
		g, err := w.sb.CreateGroup(w.ctx, platform.GroupSpec{Name: fmt.Sprintf("g%d", i), SourceRegion: "cn-north-4", SourceZone: "cn-north-4a",
			TargetRegion: "cn-north-4", TargetZone: "cn-north-4b"}, "")
		if err != nil {
			return nil, err
		}
		ids[i] = g.ID
	}
	if err := waitFor("the groups created", func() (bool, error) { return w.stable(ids) }); err != nil {
		return nil, err
	}
	for i, id := range ids {
		srv, err := w.sb.PutServer(w.ctx, platform.Server{SiteID: src.ID, Name: fmt.Sprintf("s%d", i), PowerState: platform.PowerRunning})
		if err != nil {
			return nil, err
		}
		disk, err := w.sb.PutVolume(w.ctx, platform.Volume{SiteID: src.ID, SizeGB: 1})
		if err != nil {
			return nil, err
		}
		if _, err := w.sb.AttachVolume(w.ctx, disk.ID, srv.ID); err != nil {
			return nil, err
		}
		if err := w.sb.Invoke(w.ctx, lifecycle.ProtectionGroup, id, lifecycle.OpAddServer, "", map[string]string{lifecycle.ParamServerID: srv.ID}); err != nil {
			return nil, err
		}
		if !withPairs {
			continue
		}
		twin, err := w.sb.PutVolume(w.ctx, platform.Volume{SiteID: dst.ID, SizeGB: 1})
		if err != nil {
			return nil, err
		}
		p, err := w.sb.CreatePair(w.ctx, platform.PairSpec{Name: fmt.Sprintf("r%d", i), PrimaryVolumeID: disk.ID, SecondaryVolumeID: twin.ID}, "")
		if err != nil {
			return nil, err
		}
		pairs = append(pairs, p.ID)
	}
	if err := waitFor("the servers protected", func() (bool, error) { return w.stable(append(append([]string(nil), ids...), pairs...)) }); err != nil {
		return nil, err
	}
	for i, p := range pairs {
		if err := w.sb.Invoke(w.ctx, lifecycle.ProtectionGroup, ids[i], lifecycle.OpAddMember, "", map[string]string{lifecycle.ParamPairID: p}); err != nil {
			return nil, err
		}
	}
	if err := waitFor("the pairs in their groups", func() (bool, error) { return w.stable(ids) }); err != nil {
		return nil, err
	}
	return ids, nil
}

func hwGroupConfig(ids []string, imp bool, attrs string) string {
	var cfg strings.Builder
	for i, id := range ids {
		fmt.Fprintf(&cfg, "\nresource \"dr_protection_group\" \"g%[1]d\" {\n  name          = \"g%[1]d\"\n  source_region = \"cn-north-4\"\n  source_zone   = \"cn-north-4a\"\n  target_region = \"cn-north-4\"\n  target_zone   = \"cn-north-4b\"\n%[3]s}\n", i, id, attrs)
		if imp {
			fmt.Fprintf(&cfg, "\nimport {\n  to = dr_protection_group.g%d\n  id = %q\n}\n", i, id)
		}
	}
	return cfg.String()
}

// hwProtectFailoverScenario: N SDRS groups, each protecting a server, are protected (enable
// protection: the first synchronisation) and failed over (the production AZ up: a forced
// failover, allow_data_loss) in one apply.
func hwProtectFailoverScenario(n int) latScenario {
	return latScenario{
		name: "huaweicloud-groups", vendor: "huaweicloud", n: n, what: fmt.Sprintf("Huawei: protect and fail over %d SDRS groups", n),
		setup: func(w *latWorld) (string, error) {
			ids, err := hwGroups(w, n, true)
			if err != nil {
				return "", err
			}
			w.ids = ids
			if err := w.tfSetup(tfHeader + w.block + hwGroupConfig(ids, true, "")); err != nil {
				return "", err
			}
			return tfHeader + w.block + hwGroupConfig(ids, false, "  protection      = \"disabled\"\n  active_site     = \"target\"\n  allow_data_loss = true\n"), nil
		},
		chain: latChain{
			once:    []string{"ListProtectionGroups ∥ ListProtectedInstances ∥ ListReplications ∥ ListServersDetails (the plan's snapshot)"},
			each:    []string{"ShowProtectionGroup (at apply)", "StartProtectionGroup", "ShowProtectionGroup (protected)", "StartFailoverProtectionGroup", "ShowProtectionGroup (failed over)"},
			waits:   []string{"enable protection: first synchronisation (5 s)", "failover (15 s)"},
			waitDur: 20 * time.Second,
			note:    "Each group is one resource; its two operations run in sequence (the failover needs the synchronisation done, V-FIRST-SYNC).",
		},
		check: func(w *latWorld) error {
			for _, id := range w.ids {
				g, err := w.sb.GetGroup(w.ctx, id)
				if err != nil {
					return err
				}
				if g.State != lifecycle.FailedOver {
					return fmt.Errorf("group %s is %s, want failed_over", id, g.State)
				}
			}
			return nil
		},
	}
}

// acrServers makes n protected machines, each with a server backup and the recovery server
// a person made in the console (standby).
func acrServers(w *latWorld, n int) ([]string, []string, error) {
	inv := w.acr.Fixture()
	site, err := inv.PutSite(w.ctx, platform.Site{Region: "eu-central", Zone: "eu2", Healthy: true, ReplicationCapable: true})
	if err != nil {
		return nil, nil, err
	}
	v, err := inv.PutVault(w.ctx, platform.Vault{Region: "eu-central", Purpose: platform.VaultBackup})
	if err != nil {
		return nil, nil, err
	}
	var ids, machines []string
	for i := range n {
		m, err := inv.PutServer(w.ctx, platform.Server{SiteID: site.ID, Name: fmt.Sprintf("web%d", i), PowerState: platform.PowerRunning})
		if err != nil {
			return nil, nil, err
		}
		if _, err := inv.PutBackup(w.ctx, platform.Backup{Kind: platform.BackupKindServer, SourceID: m.ID, IncludesSystemDisk: true,
			Status: platform.BackupAvailable, Region: "eu-central", VaultID: v.ID, SizeGB: 10}); err != nil {
			return nil, nil, err
		}
		rs, err := w.acr.Console().CreateRecoveryServer(w.ctx, platform.RecoveryServerSpec{Name: fmt.Sprintf("web%d-recovery", i), MachineID: m.ID, SiteID: site.ID, CPU: 2, MemoryGB: 4})
		if err != nil {
			return nil, nil, err
		}
		ids, machines = append(ids, rs.ID), append(machines, m.ID)
	}
	err = waitFor("the recovery servers in standby", func() (bool, error) {
		for _, id := range ids {
			rs, err := w.sb.GetRecoveryServer(w.ctx, id)
			if err != nil || rs.State != lifecycle.Standby {
				return false, err
			}
		}
		return true, nil
	})
	return ids, machines, err
}

func acrConfig(machines []string, mode string) string {
	var cfg strings.Builder
	for i, m := range machines {
		fmt.Fprintf(&cfg, "\nresource \"dr_recovery_server\" \"r%[1]d\" {\n  name       = \"web%[1]d-recovery\"\n  machine_id = %[2]q\n  mode       = %[3]q\n}\n", i, m, mode)
	}
	return cfg.String()
}

// acrTestFailoverScenario: a test failover of N recovery servers (standby → testing).
func acrTestFailoverScenario(n int) latScenario {
	return latScenario{
		name: "acronis-test-failover", vendor: "acronis", n: n, what: fmt.Sprintf("Acronis: test failover of %d recovery servers", n),
		setup: func(w *latWorld) (string, error) {
			ids, machines, err := acrServers(w, n)
			if err != nil {
				return "", err
			}
			w.ids = ids
			if err := w.tfSetup(tfHeader + w.block + acrConfig(machines, "standby")); err != nil {
				return "", err
			}
			return tfHeader + w.block + acrConfig(machines, "test_failover"), nil
		},
		chain: latChain{
			once:    []string{"token (plan's Configure)", "get_client", "token (customer-scoped)", "token ∥ get_client ∥ token (apply's Configure: 3 in sequence, counted as 3)"},
			each:    []string{"get_server (at apply)", "start_failover_test", "get_server (testing)"},
			waits:   []string{"test failover start (10 s)"},
			waitDur: 10 * time.Second,
			note:    "Reads are per server (the DR API v2 has a list, but a plan reads each server: GET /servers/{id}); a plan's reads run in the waves of the refresh, outside the ideal's chain.",
		},
		check: func(w *latWorld) error {
			for _, id := range w.ids {
				rs, err := w.sb.GetRecoveryServer(w.ctx, id)
				if err != nil {
					return err
				}
				if rs.State != lifecycle.Testing {
					return fmt.Errorf("recovery server %s is %s, want testing", id, rs.State)
				}
			}
			return nil
		},
	}
}

// aliNoopScenario: a no-op plan of N imported pairs.
func aliNoopScenario(n int) latScenario {
	return latScenario{
		name: "alibaba-noop", vendor: "alibaba", n: 1, plan: true, what: fmt.Sprintf("Alibaba: no-op plan of %d pairs", n),
		setup: func(w *latWorld) (string, error) {
			sh, err := w.site("cn-shanghai", "cn-shanghai-b")
			if err != nil {
				return "", err
			}
			bj, err := w.site("cn-beijing", "cn-beijing-h")
			if err != nil {
				return "", err
			}
			var body strings.Builder
			var ids []string
			for i := range n {
				a, err := w.sb.PutVolume(w.ctx, platform.Volume{SiteID: sh.ID, SizeGB: 1})
				if err != nil {
					return "", err
				}
				b, err := w.sb.PutVolume(w.ctx, platform.Volume{SiteID: bj.ID, SizeGB: 1})
				if err != nil {
					return "", err
				}
				p, err := w.sb.CreatePair(w.ctx, platform.PairSpec{Name: "p" + strconv.Itoa(i), PrimaryVolumeID: a.ID, SecondaryVolumeID: b.ID, RPOSeconds: 900, BandwidthKbps: 10240}, "")
				if err != nil {
					return "", err
				}
				ids = append(ids, p.ID)
				fmt.Fprintf(&body, "\nimport {\n  to = dr_replication_pair.p%[1]d\n  id = %[2]q\n}\nresource \"dr_replication_pair\" \"p%[1]d\" {\n  name                = \"p%[1]d\"\n  primary_volume_id   = %[3]q\n  secondary_volume_id = %[4]q\n}\n", i, p.ID, a.ID, b.ID)
			}
			if err := waitFor("the pairs created", func() (bool, error) { return w.stable(ids) }); err != nil {
				return "", err
			}
			if err := w.tfSetup(tfHeader + w.block + body.String()); err != nil {
				return "", err
			}
			return tfHeader + w.block + dropImports(body.String()), nil
		},
		chain: aliNoopChain(n),
	}
}

// hwNoopScenario: a no-op plan of N imported SDRS groups, each protecting a server.
func hwNoopScenario(n int) latScenario {
	return latScenario{
		name: "huaweicloud-noop", vendor: "huaweicloud", n: 1, plan: true, what: fmt.Sprintf("Huawei: no-op plan of %d groups", n),
		setup: func(w *latWorld) (string, error) {
			ids, err := hwGroups(w, n, false)
			if err != nil {
				return "", err
			}
			if err := w.tfSetup(tfHeader + w.block + hwGroupConfig(ids, true, "")); err != nil {
				return "", err
			}
			return tfHeader + w.block + hwGroupConfig(ids, false, ""), nil
		},
		chain: hwNoopChain(n),
	}
}

// aliNoopChain is the no-op plan's chain over n pairs: Configure, then the shared snapshot's
// pages in sequence — per region in parallel, DescribeDiskReplicaPairs (∥ the groups' first
// page) in pages of 500, then the pairs' disks (DescribeDisks, pages of 500).
func aliNoopChain(n int) latChain {
	pages := max((n+499)/500, 1)
	once := []string{"DescribeRegions (Configure)", "DescribeDiskReplicaPairs ∥ DescribeDiskReplicaGroups (first page, per region in parallel)"}
	for i := 2; i <= pages; i++ {
		once = append(once, fmt.Sprintf("DescribeDiskReplicaPairs (page %d of 500)", i))
	}
	for i := 1; i <= pages; i++ {
		once = append(once, fmt.Sprintf("DescribeDisks (page %d, per region in parallel)", i))
	}
	return latChain{once: once,
		note: fmt.Sprintf("Every resource's read is served from one shared snapshot: the chain is the snapshot's pages (%d pairs per region: %d page(s) of pairs, %d of disks).", n, pages, pages)}
}

// hwNoopChain is the no-op plan's chain over n groups: the four lists of the shared snapshot
// in parallel, pages of up to 1,000 (a full page asks for the next one).
func hwNoopChain(n int) latChain {
	once := []string{"ListProtectionGroups ∥ ListProtectedInstances ∥ ListReplications ∥ ListServersDetails (first pages, in parallel)"}
	for i := 2; i <= n/1000+1; i++ {
		once = append(once, fmt.Sprintf("the lists' page %d (lists of up to 1,000)", i))
	}
	return latChain{once: once,
		note: fmt.Sprintf("Every resource's read is served from one shared snapshot: the chain is its pages (%d groups and servers).", n)}
}
