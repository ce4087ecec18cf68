// Command dr-emulator serves the vendor emulators — Alibaba Cloud EBS and ECS, Huawei Cloud
// SDRS, CBR, ECS and VPC, and the Acronis account and DR API v2 — as one process on one
// address, over one sandbox database, for offline rehearsals of a vendor configuration: point
// the provider's endpoint variables at it (it prints them) and run the configuration as on the
// real cloud. The estate a rehearsal starts from (zones, disks, servers, backups, vaults, the
// recovery servers made in the Acronis console) comes from a second configuration on the
// sandbox platform sharing the database (DR_SANDBOX_PATH), which also plays outages and
// console steps; latency, rate limits and injected failures come from flags or the admin
// endpoint (/_emulator). See internal/emulator/rehearsal for the routing and the admin API.
//
// Usage:
//
//	dr-emulator [-db FILE] [-listen ADDR] [-time-scale N] [-env-file FILE] [-latency SPEC]
//	            [-rate-limit [VENDOR:]OPERATION=N/UNIT]... [vendor flags]
//
// Exit status: 0 after SIGINT/SIGTERM, 1 when it cannot serve (busy address, unusable
// database), 2 for bad flags.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/emulator/gateway"
	"github.com/dr-provider/terraform-provider-dr/internal/emulator/huaweicloud"
	"github.com/dr-provider/terraform-provider-dr/internal/emulator/rehearsal"
)

// Set by goreleaser (and make build) through -ldflags.
var (
	version = "dev"
	commit  = "none"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr, nil))
}

// listFlag is a repeatable flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, " ") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

const intro = `dr-emulator serves the Alibaba Cloud (EBS, ECS), Huawei Cloud (SDRS, CBR, ECS, VPC) and
Acronis (account, DR API v2) APIs the dr provider's drivers call, on one address over one
sandbox database, for offline rehearsals of a vendor configuration. Once serving it prints
the variables to export (endpoints, the credentials it accepts, DR_SANDBOX_PATH for the seed
configuration) on stdout, and writes them to -env-file.

Usage: dr-emulator [flags]

`

const outro = `
Latency: 100ms (every call), 50ms..200ms (uniform) or lognormal:80ms,400ms (median, p99).
Rate limits: [VENDOR:]OPERATION=N/UNIT, UNIT s, min, h or a duration (10s); VENDOR alibaba,
huaweicloud or acronis (none: every vendor); OPERATION as the vendor's API names it
(alibaba: the Action, e.g. DescribeDiskReplicaPairs; huaweicloud: the SDK operation, e.g.
StartFailoverProtectionGroup, ListServersDetails, CopyBackup; acronis: token, get_server,
list_servers, start_failover_prod, start_failover_test, stop_failover, get_task) or * (every
operation, each its own bucket). A throttled call gets the vendor's own error: Alibaba
Throttling.User (400), Huawei APIGW.0308 (429), Acronis 429 with Retry-After.

Admin endpoint (JSON): GET /_emulator, GET /_emulator/env, POST /_emulator/sites/{id|zone}/down|up,
PUT /_emulator/gateway, POST /_emulator/fail-next, POST /_emulator/reset,
POST /_emulator/huaweicloud/vpcs|domains, PUT /_emulator/huaweicloud/projects.
`

// run is the command; ready (tests) is called with the base URL once serving.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, ready func(url string)) int {
	d := rehearsal.Defaults()
	fs := flag.NewFlagSet("dr-emulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		if !askedForHelp(args) {
			fmt.Fprintln(stderr, "Run dr-emulator -h for the flags.")
			return
		}
		fmt.Fprint(stderr, intro)
		fs.PrintDefaults()
		fmt.Fprint(stderr, outro)
	}
	db := fs.String("db", "./.dr-sandbox/sandbox.db", "sandbox `file` (created when missing), shared with the seed configuration on the sandbox platform")
	listen := fs.String("listen", "127.0.0.1:8480", "`address` to serve on (port 0: any free port; the printed variables name it)")
	scale := fs.Float64("time-scale", d.TimeScale, "sandbox clock `speed`: simulated seconds per wall-clock second (1 = real time)")
	envFile := fs.String("env-file", "", "write the export lines to `file` once serving (a script can wait for it and source it)")
	latency := fs.String("latency", "", "latency `spec` of every API call (default: none)")
	var limits, regionProjects, vpcs, domains, resourceGroups listFlag
	fs.Var(&limits, "rate-limit", "rate limit `[VENDOR:]OPERATION=N/UNIT` (repeatable)")
	throttle := fs.Float64("throttle-rate", 0, "`fraction` of API calls throttled at random (0-1)")
	logRequests := fs.Bool("log-requests", false, "log every API request (vendor, method, path, status, duration) on stderr")
	showVersion := fs.Bool("version", false, "print the version and exit")

	fs.StringVar(&d.Alibaba.AccessKey, "alibaba-access-key", d.Alibaba.AccessKey, "Alibaba AccessKey `id` accepted")
	fs.StringVar(&d.Alibaba.SecretKey, "alibaba-secret-key", d.Alibaba.SecretKey, "Alibaba AccessKey `secret` accepted")
	fs.StringVar(&d.Alibaba.Region, "alibaba-region", d.Alibaba.Region, "`region` printed as ALICLOUD_REGION")
	fs.Var(&resourceGroups, "alibaba-resource-group", "a resource group of the account besides rg-emulatordefault, `ID` (repeatable; what resource_group_id may name)")
	fs.StringVar(&d.HuaweiCloud.AccessKey, "huaweicloud-access-key", d.HuaweiCloud.AccessKey, "Huawei Cloud `AK` accepted")
	fs.StringVar(&d.HuaweiCloud.SecretKey, "huaweicloud-secret-key", d.HuaweiCloud.SecretKey, "Huawei Cloud `SK` accepted")
	fs.StringVar(&d.HuaweiCloud.Region, "huaweicloud-region", d.HuaweiCloud.Region, "`region` printed as HW_REGION_NAME")
	fs.StringVar(&d.HuaweiCloud.ProjectID, "huaweicloud-project-id", d.HuaweiCloud.ProjectID, "project `id` of -huaweicloud-region (and of every region without its own)")
	fs.Var(&regionProjects, "huaweicloud-region-project", "a region's own project ID, `REGION=ID` (repeatable; printed as HW_REGION_PROJECT_IDS)")
	fs.Var(&vpcs, "huaweicloud-vpc", "a VPC that exists, `ID[=NAME]` (repeatable; SDRS groups need the production VPC)")
	fs.Var(&domains, "huaweicloud-domain", "an active-active domain between two AZs, `ID=AZ1,AZ2` (repeatable; SDRS groups need one)")
	fs.StringVar(&d.Acronis.ClientID, "acronis-client-id", d.Acronis.ClientID, "Acronis API client `id` accepted")
	fs.StringVar(&d.Acronis.ClientSecret, "acronis-client-secret", d.Acronis.ClientSecret, "Acronis API client `secret` accepted")
	fs.DurationVar(&d.Acronis.TokenTTL, "acronis-token-ttl", d.Acronis.TokenTTL, "`lifetime` of issued Acronis access tokens")

	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *showVersion {
		fmt.Fprintf(stdout, "dr-emulator %s (%s)\n", version, commit)
		return 0
	}
	bad := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "dr-emulator: "+format+"\n", a...)
		fmt.Fprintln(stderr, "Run dr-emulator -h for the flags.")
		return 2
	}
	if fs.NArg() > 0 {
		return bad("unexpected argument %q", fs.Arg(0))
	}
	if *scale <= 0 {
		return bad("-time-scale %v: want a positive number (1 = real time)", *scale)
	}
	d.DB, d.TimeScale = *db, *scale
	var err error
	if d.Gateway.Latency, err = gateway.ParseLatency(*latency); err != nil {
		return bad("-latency: %v", err)
	}
	if *throttle < 0 || *throttle > 1 {
		return bad("-throttle-rate %v: want a fraction between 0 and 1", *throttle)
	}
	d.Gateway.ThrottleRate = *throttle
	for _, s := range limits {
		l, err := rehearsal.ParseVendorLimit(s)
		if err != nil {
			return bad("-rate-limit: %v", err)
		}
		d.Limits = append(d.Limits, l)
	}
	d.Alibaba.ResourceGroups = append(d.Alibaba.ResourceGroups, resourceGroups...)
	d.HuaweiCloud.RegionProjects = map[string]string{}
	for _, s := range regionProjects {
		r, p, ok := strings.Cut(s, "=")
		if !ok || r == "" || p == "" {
			return bad("-huaweicloud-region-project %q: want REGION=PROJECT_ID", s)
		}
		d.HuaweiCloud.RegionProjects[r] = p
	}
	d.HuaweiCloud.VPCs = map[string]string{}
	for _, s := range vpcs {
		id, name, _ := strings.Cut(s, "=")
		if id == "" {
			return bad("-huaweicloud-vpc %q: want ID or ID=NAME", s)
		}
		if name == "" {
			name = id
		}
		d.HuaweiCloud.VPCs[id] = name
	}
	for _, s := range domains {
		id, azs, _ := strings.Cut(s, "=")
		a, b, ok := strings.Cut(azs, ",")
		if id == "" || !ok || a == "" || b == "" {
			return bad("-huaweicloud-domain %q: want ID=AZ1,AZ2", s)
		}
		d.HuaweiCloud.Domains = append(d.HuaweiCloud.Domains, huaweicloud.Domain{ID: id, Name: id, LocalAZ: a, RemoteAZ: b})
	}
	if *logRequests {
		d.Log = func(line string) { fmt.Fprintln(stderr, "dr-emulator:", line) }
	}

	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		fmt.Fprintf(stderr, "dr-emulator: cannot listen on %s: %v\n", *listen, errors.Unwrap(err))
		return 1
	}
	defer ln.Close()
	srv, err := rehearsal.Open(d)
	if err != nil {
		fmt.Fprintf(stderr, "dr-emulator: cannot open the %v\n", err)
		return 1
	}
	defer srv.Close()
	url := "http://" + ln.Addr().String()
	srv.SetBaseURL(url)
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()

	if *envFile != "" {
		if err := writeAtomic(*envFile, srv.EnvText()); err != nil {
			fmt.Fprintf(stderr, "dr-emulator: -env-file: %v\n", err)
			_ = hs.Close()
			return 1
		}
	}
	fmt.Fprintf(stderr, "dr-emulator %s: serving Alibaba Cloud EBS/ECS, Huawei Cloud SDRS/CBR/ECS/VPC and Acronis DR API v2 on %s\n"+
		"  sandbox %s at time scale %v; admin endpoint %s/_emulator; stop with Ctrl-C\n", version, url, srv.DB(), *scale, url)
	fmt.Fprint(stdout, srv.EnvText())
	if ready != nil {
		ready(url)
	}

	select {
	case err := <-served:
		fmt.Fprintf(stderr, "dr-emulator: %v\n", err)
		return 1
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = hs.Shutdown(shutdown)
	if *envFile != "" {
		_ = os.Remove(*envFile)
	}
	fmt.Fprintln(stderr, "dr-emulator: stopped")
	return 0
}

func askedForHelp(args []string) bool {
	for _, a := range args {
		switch a {
		case "-h", "-help", "--help", "--h":
			return true
		case "--":
			return false
		}
	}
	return false
}

// writeAtomic writes a file that appears complete or not at all (a script polls for it).
func writeAtomic(path, content string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".dr-emulator-env-*")
	if err != nil {
		return err
	}
	if _, err := tmp.WriteString(content); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), path)
}
