package rehearsal

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/dr-provider/terraform-provider-dr/internal/emulator/gateway"
	"github.com/dr-provider/terraform-provider-dr/internal/emulator/huaweicloud"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

func (s *Server) adminMux() *http.ServeMux {
	m := http.NewServeMux()
	m.HandleFunc("GET /_emulator", s.handleStatus)
	m.HandleFunc("GET /_emulator/{$}", s.handleStatus)
	m.HandleFunc("GET /_emulator/health", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprintln(w, "ok")
	})
	m.HandleFunc("GET /_emulator/env", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprint(w, s.EnvText())
	})
	m.HandleFunc("POST /_emulator/sites/{site}/{health}", s.handleSite)
	m.HandleFunc("PUT /_emulator/gateway", s.handleGateway)
	m.HandleFunc("POST /_emulator/fail-next", s.handleFailNext)
	m.HandleFunc("POST /_emulator/reset", func(w http.ResponseWriter, r *http.Request) {
		for _, v := range Vendors {
			s.Gateway(v).Reset()
		}
		s.handleStatus(w, r)
	})
	m.HandleFunc("POST /_emulator/huaweicloud/vpcs", s.handleVPC)
	m.HandleFunc("POST /_emulator/huaweicloud/domains", s.handleDomain)
	m.HandleFunc("PUT /_emulator/huaweicloud/projects", s.handleProject)
	m.HandleFunc("/_emulator/", func(w http.ResponseWriter, r *http.Request) {
		adminErr(w, http.StatusNotFound, "no admin endpoint %s %s (see GET /_emulator)", r.Method, r.URL.Path)
	})
	return m
}

func adminErr(w http.ResponseWriter, status int, format string, args ...any) {
	writeJSON(w, status, map[string]string{"error": fmt.Sprintf(format, args...)})
}

// decode reads a JSON body into v, refusing unknown fields (a misspelt setting is an error,
// not silently ignored).
func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		adminErr(w, http.StatusBadRequest, "the body is not the expected JSON object: %v", err)
		return false
	}
	return true
}

type vendorStatus struct {
	Gateway gateway.Settings         `json:"gateway"`
	Calls   map[string]gateway.Stats `json:"calls"`
}

func (s *Server) handleStatus(w http.ResponseWriter, r *http.Request) {
	vendors := map[string]vendorStatus{}
	for _, v := range Vendors {
		g := s.Gateway(v)
		vendors[v] = vendorStatus{Gateway: g.Settings(), Calls: g.Stats()}
	}
	env := map[string]string{}
	for _, v := range s.Env() {
		env[v.Name] = v.Value
	}
	writeJSON(w, http.StatusOK, map[string]any{"sandbox": s.cfg.DB, "time_scale": scaleOf(s.cfg.TimeScale), "vendors": vendors, "env": env})
}

// handleSite takes a site down or brings it back: {site} is a site id, or a zone name (every
// site of that zone).
func (s *Server) handleSite(w http.ResponseWriter, r *http.Request) {
	var healthy bool
	switch r.PathValue("health") {
	case "down":
	case "up":
		healthy = true
	default:
		adminErr(w, http.StatusNotFound, "POST /_emulator/sites/{site}/down or /up")
		return
	}
	ref := r.PathValue("site")
	sb := s.ali.Sandbox()
	sites, err := sb.ListSites(r.Context())
	if err != nil {
		adminErr(w, http.StatusInternalServerError, "%v", err)
		return
	}
	var changed []platform.Site
	for _, site := range sites {
		if site.ID != ref && site.Zone != ref {
			continue
		}
		got, err := sb.SetSiteHealth(r.Context(), site.ID, healthy)
		if err != nil {
			adminErr(w, http.StatusInternalServerError, "%v", err)
			return
		}
		changed = append(changed, got)
	}
	if len(changed) == 0 {
		adminErr(w, http.StatusNotFound, "no site has the id or zone %q", ref)
		return
	}
	out := []map[string]any{}
	for _, c := range changed {
		out = append(out, map[string]any{"id": c.ID, "region": c.Region, "zone": c.Zone, "healthy": c.Healthy})
	}
	writeJSON(w, http.StatusOK, map[string]any{"sites": out})
}

// gatewayChange is PUT /_emulator/gateway's body; a field left out keeps its setting.
type gatewayChange struct {
	Vendor       string    `json:"vendor"`
	Latency      *string   `json:"latency"`
	RateLimits   *[]string `json:"rate_limits"`
	ThrottleRate *float64  `json:"throttle_rate"`
}

func (s *Server) vendorsOf(w http.ResponseWriter, vendor string) ([]string, bool) {
	if vendor == "" {
		return Vendors, true
	}
	if !isVendor(vendor) {
		adminErr(w, http.StatusBadRequest, "unknown vendor %q (one of %s)", vendor, strings.Join(Vendors, ", "))
		return nil, false
	}
	return []string{vendor}, true
}

func (s *Server) handleGateway(w http.ResponseWriter, r *http.Request) {
	var c gatewayChange
	if !decode(w, r, &c) {
		return
	}
	vendors, ok := s.vendorsOf(w, c.Vendor)
	if !ok {
		return
	}
	var lat gateway.Latency
	if c.Latency != nil {
		var err error
		if lat, err = gateway.ParseLatency(*c.Latency); err != nil {
			adminErr(w, http.StatusBadRequest, "%v", err)
			return
		}
	}
	var limits []VendorLimit
	if c.RateLimits != nil {
		for _, x := range *c.RateLimits {
			l, err := ParseVendorLimit(x)
			if err != nil {
				adminErr(w, http.StatusBadRequest, "%v", err)
				return
			}
			limits = append(limits, l)
		}
	}
	if c.ThrottleRate != nil && (*c.ThrottleRate < 0 || *c.ThrottleRate > 1) {
		adminErr(w, http.StatusBadRequest, "throttle_rate %v is outside [0, 1]", *c.ThrottleRate)
		return
	}
	for _, v := range vendors {
		g := s.Gateway(v)
		if c.Latency != nil {
			g.SetLatency(lat)
		}
		if c.RateLimits != nil {
			var mine []gateway.Limit
			for _, l := range limits {
				if l.Vendor == "" || l.Vendor == v {
					mine = append(mine, l.Limit)
				}
			}
			g.SetLimits(mine)
		}
		if c.ThrottleRate != nil {
			_ = g.SetThrottleRate(*c.ThrottleRate)
		}
	}
	s.handleStatus(w, r)
}

func (s *Server) handleFailNext(w http.ResponseWriter, r *http.Request) {
	var c struct {
		Vendor    string `json:"vendor"`
		Operation string `json:"operation"`
		Count     *int   `json:"count"`
	}
	if !decode(w, r, &c) {
		return
	}
	if c.Vendor == "" || c.Operation == "" {
		adminErr(w, http.StatusBadRequest, "name the vendor (%s) and the operation (as its API names it, e.g. FailoverDiskReplicaPair)", strings.Join(Vendors, ", "))
		return
	}
	if _, ok := s.vendorsOf(w, c.Vendor); !ok {
		return
	}
	n := 1
	if c.Count != nil {
		n = *c.Count
	}
	s.Gateway(c.Vendor).FailNext(c.Operation, n)
	s.handleStatus(w, r)
}

func (s *Server) handleVPC(w http.ResponseWriter, r *http.Request) {
	var c struct{ ID, Name string }
	if !decode(w, r, &c) {
		return
	}
	if err := s.hw.DefineVPC(c.ID, c.Name); err != nil {
		adminErr(w, http.StatusConflict, "%v", err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]string{"id": c.ID, "name": c.Name})
}

func (s *Server) handleDomain(w http.ResponseWriter, r *http.Request) {
	var c struct {
		ID       string `json:"id"`
		Name     string `json:"name"`
		LocalAZ  string `json:"local_az"`
		RemoteAZ string `json:"remote_az"`
	}
	if !decode(w, r, &c) {
		return
	}
	if err := s.hw.DefineDomain(huaweicloud.Domain{ID: c.ID, Name: c.Name, LocalAZ: c.LocalAZ, RemoteAZ: c.RemoteAZ}); err != nil {
		adminErr(w, http.StatusConflict, "%v", err)
		return
	}
	writeJSON(w, http.StatusCreated, c)
}

func (s *Server) handleProject(w http.ResponseWriter, r *http.Request) {
	var c struct {
		Region    string `json:"region"`
		ProjectID string `json:"project_id"`
	}
	if !decode(w, r, &c) {
		return
	}
	if c.Region == "" || c.ProjectID == "" {
		adminErr(w, http.StatusBadRequest, "name the region and its project_id")
		return
	}
	s.hw.SetRegionProject(c.Region, c.ProjectID)
	writeJSON(w, http.StatusOK, c)
}
