// Package rehearsal serves every vendor emulator as one server over one sandbox database:
// the Alibaba Cloud EBS and ECS APIs (internal/emulator/alibaba), the Huawei Cloud SDRS, CBR,
// ECS and VPC APIs (internal/emulator/huaweicloud) and the Acronis account and DR API v2
// (internal/emulator/acronis), each behind its API gateway (internal/emulator/gateway), on
// one address, plus a small admin endpoint. The dr-emulator command (internal/cmd/dr-emulator)
// is this package behind flags.
//
// # Routing
//
// The vendors' APIs do not overlap, so one address serves all three by path, as each driver
// builds its URLs from the endpoint it is given:
//
//	/api/…                      Acronis (/api/2/idp/token, /api/2/clients, /api/dr/v2, /api/task_manager/v2)
//	/v1/…, /v2.1/…, /v3/…       Huawei Cloud (SDRS, ECS and VPC under /v1 and /v2.1; CBR under /v3);
//	                            a project ID is per region (Config.HuaweiCloud.RegionProjects)
//	/ with an RPC query or form Alibaba Cloud (EBS 2021-07-30 and ECS 2014-05-26 by Version)
//	/_emulator/…                the admin endpoint (below)
//	GET / without a query       this server's endpoint variables, as text
//
// A request each vendor would refuse is refused in its own words: an unsigned or wrongly
// signed Alibaba call gets the RPC error envelope (MissingAccessKeyId, SignatureDoesNotMatch,
// InvalidAccessKeyId.NotFound), a Huawei call APIG's 401 APIGW.0301, an Acronis call without
// a valid token 401.
//
// # One database, one physics
//
// Each vendor's emulator opens the sandbox database on its own (as three processes would),
// so a vendor's sandbox-level settings (Alibaba's 17 pairs per replica group) stay its own;
// the objects, their states, the clock's due times and the faults are the database's, shared
// with any Terraform configuration on the sandbox platform that points at the same file: that
// is how a rehearsal's estate (sites as zones, volumes as disks, servers, backups, vaults, the
// recovery servers a person made in the Acronis console) is made and its outages and console
// steps are played, without Go.
//
// # Admin endpoint
//
//	GET  /_emulator                   settings, gateway counts per vendor and operation, endpoint variables (JSON)
//	GET  /_emulator/health            200 "ok" once serving
//	GET  /_emulator/env               the endpoint variables as shell export lines
//	POST /_emulator/sites/{site}/down a site (by id, or every site of a zone name) goes down; /up brings it back
//	PUT  /_emulator/gateway           {"vendor", "latency", "rate_limits", "throttle_rate"}: change a vendor's
//	                                  gateway ("vendor" omitted: every vendor); fields left out stay
//	POST /_emulator/fail-next         {"vendor", "operation", "count"}: the next calls of an operation get the
//	                                  vendor's internal error
//	POST /_emulator/reset             every gateway back to instant and unlimited, nothing armed
//	POST /_emulator/huaweicloud/vpcs     {"id", "name"}: a VPC (SDRS needs the production VPC)
//	POST /_emulator/huaweicloud/domains  {"id", "name", "local_az", "remote_az"}: an active-active domain
//	PUT  /_emulator/huaweicloud/projects {"region", "project_id"}: a region's own project ID
//
// Faults of the DR objects themselves (an operation that ends in error{op}, a stalled link, a
// lost volume, transient errors and latency inside the platform) are the sandbox's: the
// dr_sandbox_fault resource in the configuration that shares the database.
package rehearsal

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/emulator/acronis"
	"github.com/dr-provider/terraform-provider-dr/internal/emulator/alibaba"
	"github.com/dr-provider/terraform-provider-dr/internal/emulator/gateway"
	"github.com/dr-provider/terraform-provider-dr/internal/emulator/huaweicloud"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/sandbox"
)

// Vendors are the emulated platforms, by the provider's block names.
var Vendors = []string{"alibaba", "huaweicloud", "acronis"}

// Config configures a server.
type Config struct {
	// DB is the sandbox database file (created when missing).
	DB string
	// TimeScale is the sandbox clock's speed (simulated seconds per wall second; 0: 1).
	TimeScale float64

	Alibaba     AlibabaConfig
	HuaweiCloud HuaweiCloudConfig
	Acronis     AcronisConfig

	// Gateway is every vendor's gateway at start (latency, throttling rate; Limits are in
	// Limits, by vendor).
	Gateway gateway.Config
	// Limits are the rate limits, each for one vendor ("": every vendor).
	Limits []VendorLimit

	// Log, when set, gets one line per request (vendor, method, path, status, duration).
	Log func(line string)
}

// AlibabaConfig is the Alibaba Cloud side.
type AlibabaConfig struct {
	AccessKey, SecretKey string
	// Region is the region of the calls not bound to an object (ALICLOUD_REGION).
	Region string
	// ResourceGroups are the account's resource groups besides the default one
	// (rg-emulatordefault): those a configuration's resource_group_id may name.
	ResourceGroups []string
}

// HuaweiCloudConfig is the Huawei Cloud side.
type HuaweiCloudConfig struct {
	AccessKey, SecretKey string
	// Region and ProjectID: the default region and its project (HW_REGION_NAME, HW_PROJECT_ID).
	Region, ProjectID string
	// RegionProjects are the other regions' own projects (region → project ID).
	RegionProjects map[string]string
	// VPCs (id → name) and Domains exist from the start.
	VPCs    map[string]string
	Domains []huaweicloud.Domain
}

// AcronisConfig is the Acronis side.
type AcronisConfig struct {
	ClientID, ClientSecret string
	TokenTTL               time.Duration
}

// VendorLimit is a rate limit of one vendor's operation ("" Vendor: every vendor's).
type VendorLimit struct {
	Vendor string
	gateway.Limit
}

// ParseVendorLimit reads "[VENDOR:]OPERATION=N/UNIT" (e.g. alibaba:DescribeDisks=10/s,
// *=100/min).
func ParseVendorLimit(s string) (VendorLimit, error) {
	var v VendorLimit
	if vendor, rest, ok := strings.Cut(s, ":"); ok && !strings.Contains(vendor, "=") {
		if !isVendor(vendor) {
			return v, fmt.Errorf("rate limit %q: unknown vendor %q (one of %s)", s, vendor, strings.Join(Vendors, ", "))
		}
		v.Vendor, s = vendor, rest
	}
	l, err := gateway.ParseLimit(s)
	v.Limit = l
	return v, err
}

func (l VendorLimit) String() string {
	if l.Vendor == "" {
		return l.Limit.String()
	}
	return l.Vendor + ":" + l.Limit.String()
}

func isVendor(v string) bool {
	for _, x := range Vendors {
		if x == v {
			return true
		}
	}
	return false
}

// Defaults are the credentials and regions a server accepts unless configured otherwise.
func Defaults() Config {
	return Config{
		TimeScale: 600,
		Alibaba:   AlibabaConfig{AccessKey: alibaba.TestAccessKeyID, SecretKey: alibaba.TestAccessKeySecret, Region: "cn-shanghai"},
		HuaweiCloud: HuaweiCloudConfig{AccessKey: huaweicloud.TestAccessKey, SecretKey: huaweicloud.TestSecretKey,
			Region: "cn-north-4", ProjectID: huaweicloud.TestProjectID},
		Acronis: AcronisConfig{ClientID: "rehearsal", ClientSecret: "rehearsal-secret", TokenTTL: acronis.DefaultTokenTTL},
	}
}

// Server is the emulators on one handler.
type Server struct {
	cfg Config
	sbs []*sandbox.Sandbox
	ali *alibaba.Emulator
	hw  *huaweicloud.Emulator
	acr *acronis.Emulator
	mux *http.ServeMux

	baseURL string
}

// Open opens the sandbox database (once per vendor) and builds the emulators. The database
// is checked here: a file that cannot be opened or is not a sandbox database is an error.
func Open(cfg Config) (*Server, error) {
	if cfg.DB == "" {
		return nil, errors.New("no sandbox database given")
	}
	abs, err := filepath.Abs(cfg.DB)
	if err != nil {
		return nil, err
	}
	cfg.DB = abs
	s := &Server{cfg: cfg}
	open := func() (*sandbox.Sandbox, error) {
		sb, err := sandbox.Open(cfg.DB, sandbox.Options{TimeScale: cfg.TimeScale})
		if err != nil {
			return nil, err
		}
		s.sbs = append(s.sbs, sb)
		// a read proves the file is a sandbox database we can use
		if _, err := sb.ListSites(context.Background()); err != nil {
			return nil, err
		}
		return sb, nil
	}
	gw := func(vendor string) gateway.Config {
		g := cfg.Gateway
		g.Limits = nil
		for _, l := range cfg.Limits {
			if l.Vendor == "" || l.Vendor == vendor {
				g.Limits = append(g.Limits, l.Limit)
			}
		}
		return g
	}
	fail := func(err error) (*Server, error) {
		s.Close()
		return nil, fmt.Errorf("sandbox database %s: %w", cfg.DB, err)
	}
	sb, err := open()
	if err != nil {
		return fail(err)
	}
	s.ali = alibaba.New(sb, alibaba.Options{Credentials: map[string]string{cfg.Alibaba.AccessKey: cfg.Alibaba.SecretKey}, Gateway: gw("alibaba"),
		ResourceGroups: cfg.Alibaba.ResourceGroups})
	if sb, err = open(); err != nil {
		return fail(err)
	}
	h := cfg.HuaweiCloud
	s.hw = huaweicloud.New(sb, huaweicloud.Options{AccessKey: h.AccessKey, SecretKey: h.SecretKey, ProjectID: h.ProjectID, Gateway: gw("huaweicloud")})
	for r, p := range h.RegionProjects {
		s.hw.SetRegionProject(r, p)
	}
	for id, name := range h.VPCs {
		if err := s.hw.DefineVPC(id, name); err != nil {
			s.Close()
			return nil, err
		}
	}
	for _, d := range h.Domains {
		if err := s.hw.DefineDomain(d); err != nil {
			s.Close()
			return nil, err
		}
	}
	if sb, err = open(); err != nil {
		return fail(err)
	}
	s.acr = acronis.New(sb, cfg.Acronis.ClientID, cfg.Acronis.ClientSecret, acronis.Options{TokenTTL: cfg.Acronis.TokenTTL, Gateway: gw("acronis")})
	s.mux = s.adminMux()
	return s, nil
}

// Close closes the database handles.
func (s *Server) Close() error {
	var errs []error
	for _, sb := range s.sbs {
		errs = append(errs, sb.Close())
	}
	s.sbs = nil
	return errors.Join(errs...)
}

// SetBaseURL records the address the server is reached at (the endpoint variables name it).
func (s *Server) SetBaseURL(u string) { s.baseURL = strings.TrimRight(u, "/") }

// DB is the absolute path of the sandbox database.
func (s *Server) DB() string { return s.cfg.DB }

// Alibaba, HuaweiCloud and Acronis are the emulators.
func (s *Server) Alibaba() *alibaba.Emulator         { return s.ali }
func (s *Server) HuaweiCloud() *huaweicloud.Emulator { return s.hw }
func (s *Server) Acronis() *acronis.Emulator         { return s.acr }

// Gateway is a vendor's gateway (nil for an unknown vendor).
func (s *Server) Gateway(vendor string) *gateway.Gateway {
	switch vendor {
	case "alibaba":
		return s.ali.Gateway()
	case "huaweicloud":
		return s.hw.Gateway()
	case "acronis":
		return s.acr.Gateway()
	}
	return nil
}

// vendorOf routes a request: "alibaba", "huaweicloud", "acronis", "admin", "index" or "".
func vendorOf(r *http.Request) string {
	p := r.URL.Path
	switch {
	case p == "/_emulator" || strings.HasPrefix(p, "/_emulator/"):
		return "admin"
	case strings.HasPrefix(p, "/api/") || strings.HasPrefix(p, "/bc/api/"):
		return "acronis"
	case strings.HasPrefix(p, "/v1/") || strings.HasPrefix(p, "/v2.1/") || strings.HasPrefix(p, "/v3/"):
		return "huaweicloud"
	case p == "/" || p == "":
		if r.Method == http.MethodGet && r.URL.RawQuery == "" {
			return "index"
		}
		return "alibaba"
	}
	return ""
}

// ServeHTTP routes a request to its vendor's emulator or the admin endpoint.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	vendor := vendorOf(r)
	if s.cfg.Log != nil && vendor != "admin" {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		w = rec
		defer func() {
			s.cfg.Log(fmt.Sprintf("%-11s %s %s %d %s", vendor, r.Method, r.URL.Path, rec.status, time.Since(start).Round(time.Microsecond)))
		}()
	}
	switch vendor {
	case "alibaba":
		s.ali.ServeHTTP(w, r)
	case "huaweicloud":
		s.hw.ServeHTTP(w, r)
	case "acronis":
		s.acr.ServeHTTP(w, r)
	case "admin":
		s.mux.ServeHTTP(w, r)
	case "index":
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintf(w, "dr-emulator: Alibaba Cloud EBS/ECS, Huawei Cloud SDRS/CBR/ECS/VPC and Acronis DR API v2 over %s\n\n%s", s.cfg.DB, s.EnvText())
	default:
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "dr-emulator serves no API at " + r.URL.Path +
			": Alibaba RPC calls at /, Huawei Cloud under /v1, /v2.1 and /v3, Acronis under /api, the admin endpoint under /_emulator"})
	}
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// Var is one endpoint variable.
type Var struct{ Name, Value, Comment string }

// Env is what to export to point the provider (and a seed configuration on the sandbox
// platform) at this server.
func (s *Server) Env() []Var {
	u := s.baseURL
	a, h, c := s.cfg.Alibaba, s.cfg.HuaweiCloud, s.cfg.Acronis
	vars := []Var{
		{"ALICLOUD_ACCESS_KEY", a.AccessKey, "alibaba block: the credentials the emulator accepts"},
		{"ALICLOUD_SECRET_KEY", a.SecretKey, ""},
		{"ALICLOUD_REGION", a.Region, ""},
		{"ALICLOUD_EBS_ENDPOINT", u, ""},
		{"ALICLOUD_ECS_ENDPOINT", u, ""},
		{"HW_ACCESS_KEY", h.AccessKey, "huaweicloud block"},
		{"HW_SECRET_KEY", h.SecretKey, ""},
		{"HW_REGION_NAME", h.Region, ""},
		{"HW_PROJECT_ID", h.ProjectID, ""},
	}
	if rp := s.hw.RegionProjects(); len(rp) > 0 {
		regions := make([]string, 0, len(rp))
		for r := range rp {
			regions = append(regions, r)
		}
		sort.Strings(regions)
		var pairs []string
		for _, r := range regions {
			pairs = append(pairs, r+"="+rp[r])
		}
		vars = append(vars, Var{"HW_REGION_PROJECT_IDS", strings.Join(pairs, ","), ""})
	}
	vars = append(vars,
		Var{"HW_SDRS_ENDPOINT", u, ""},
		Var{"HW_ECS_ENDPOINT", u, ""},
		Var{"HW_VPC_ENDPOINT", u, ""},
		Var{"HW_CBR_ENDPOINT", u, ""},
		Var{"ACRONIS_CLIENT_ID", c.ClientID, "acronis block"},
		Var{"ACRONIS_CLIENT_SECRET", c.ClientSecret, ""},
		Var{"ACRONIS_DATACENTER_URL", u, ""},
		Var{"DR_SANDBOX_PATH", s.cfg.DB, "the seed configuration (sandbox platform) shares the emulator's database"},
		Var{"DR_SANDBOX_TIME_SCALE", fmt.Sprint(scaleOf(s.cfg.TimeScale)), ""},
	)
	vars = append(vars, ClockEnv(s.cfg.TimeScale)...)
	vars = append(vars, Var{"DR_EMULATOR_URL", u, "the admin endpoint: $DR_EMULATOR_URL/_emulator"})
	return vars
}

// ClockEnv are the variables that tell the provider how fast the emulators' clock runs:
// DR_POLL_INTERVAL (poll at least this often: 5 simulated seconds, as the sandbox platform
// polls) and DR_EMULATOR_TIME_SCALE (the provider divides the operations' expected durations
// by it, so it first polls an operation when it is due on this clock).
func ClockEnv(scale float64) []Var {
	return []Var{
		{"DR_POLL_INTERVAL", pollFor(scale), "poll the accelerated clock often (the provider's default is 5s)"},
		{"DR_EMULATOR_TIME_SCALE", fmt.Sprint(scaleOf(scale)), "the emulator's clock speed: expected operation durations are divided by it (never set it against a real cloud)"},
	}
}

func scaleOf(x float64) float64 {
	if x <= 0 {
		return 1
	}
	return x
}

// pollFor is a poll interval for a clock speed: a 15-second failover takes 15/scale seconds.
func pollFor(scale float64) string {
	switch {
	case scale >= 60:
		return "100ms"
	case scale >= 5:
		return "500ms"
	}
	return "5s"
}

// EnvText is Env as shell export lines.
func (s *Server) EnvText() string {
	var b strings.Builder
	for _, v := range s.Env() {
		if v.Comment != "" {
			fmt.Fprintf(&b, "# %s\n", v.Comment)
		}
		fmt.Fprintf(&b, "export %s=%s\n", v.Name, shellQuote(v.Value))
	}
	return b.String()
}

func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:=,@+", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}
