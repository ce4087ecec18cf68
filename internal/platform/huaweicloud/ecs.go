package huaweicloud

// What SDRS refers to but does not report, read from ECS and VPC: the availability zones' health
// (a group's sites), servers' power, AZ and addresses, and whether a VPC exists.

import (
	"context"
	"errors"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/def"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// zones reads whether each availability zone is available (ECS Querying AZs, the native
// OpenStack API GET /v2.1/{project_id}/os-availability-zone,
// https://support.huaweicloud.com/intl/en-us/api-ecs/ecs_03_1801.html: zoneState.available):
// the health of a group's sites (R000-2, R002-8, V-SYNC-SITES).
func (p *Platform) zones(ctx context.Context) (map[string]bool, error) {
	r, err := p.get(ctx, p.ecs, &struct{}{}, func() *def.HttpRequestDef { return rawDef("/v2.1/{project_id}/os-availability-zone", false) }, "list availability zones")
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	if r.Body == nil {
		return out, nil
	}
	o, err := r.decode("list availability zones")
	if err != nil {
		return nil, err
	}
	for _, z := range o.list("availabilityZoneInfo") {
		avail, _ := z.obj("zoneState")["available"].(bool)
		out[z.str("zoneName")] = avail
	}
	return out, nil
}

// siteHealth sets the sites' health of a group to be created (no pairs yet: no SDRS signal)
// from the AZs' availability; an AZ ECS does not list is Unknown (never guessed). An existing
// group's sites are read from SDRS's own signals (groupSiteHealth).
func siteHealth(f *lifecycle.Facts, zones map[string]bool, activeAZ, standbyAZ string) {
	a, okA := zones[activeAZ]
	b, okB := zones[standbyAZ]
	f.ActiveSiteHealthy, f.StandbySiteHealthy = a, b
	if !okA || !okB {
		if f.Unknown == nil {
			f.Unknown = map[string]bool{}
		}
		f.Unknown[lifecycle.FactSiteHealth] = true
	}
}

// serverObj reads an ECS server (Querying Details About an ECS,
// GET /v1/{project_id}/cloudservers/{server_id}); found is false for a deleted server.
func (p *Platform) serverObj(ctx context.Context, id string) (obj, bool, error) {
	r, err := p.get(ctx, p.ecs, &pathReq{ID: id}, func() *def.HttpRequestDef { return rawDef("/v1/{project_id}/cloudservers/{id}", false) }, "show server "+id)
	if err != nil {
		if platform.IsNotFound(err) { // 404 Ecs.0114
			return nil, false, nil
		}
		return nil, false, err
	}
	if r.Body == nil {
		return nil, false, nil
	}
	o, err := r.decode("show server " + id)
	if err != nil {
		return nil, false, err
	}
	return o.obj("server"), true, nil
}

// serverInfo is an ECS server's status and AZ.
func (p *Platform) serverInfo(ctx context.Context, id string) (status, az string, found bool, err error) {
	srv, found, err := p.serverObj(ctx, id)
	if err != nil || !found {
		return "", "", found, err
	}
	return srv.str("status"), srv.str("OS-EXT-AZ:availability_zone"), true, nil
}

// addresses are a server's private IP, EIP and MAC (ECS addresses: "fixed" and "floating").
func addresses(srv obj) (ip, eip, mac string) {
	for _, net := range srv.obj("addresses") {
		list, _ := net.([]any)
		for _, x := range list {
			a, ok := x.(map[string]any)
			if !ok {
				continue
			}
			o := obj(a)
			switch o.str("OS-EXT-IPS:type") {
			case "floating":
				if eip == "" {
					eip = o.str("addr")
				}
			default:
				if ip == "" {
					ip, mac = o.str("addr"), o.str("OS-EXT-IPS-MAC:mac_addr")
				}
			}
		}
	}
	return ip, eip, mac
}

// vpcExists reads the VPC (Querying VPC Details, GET /v1/{project_id}/vpcs/{vpc_id},
// https://support.huaweicloud.com/intl/en-us/api-vpc/vpc_api01_0002.html). The VPC reference
// has no "not found" code of its own: a missing VPC is 404 (VPC.0105), and an ID that is no VPC
// ID at all is 400 VPC.0101 ("VPC parameters are incorrect") — both name no VPC.
func (p *Platform) vpcExists(ctx context.Context, id string) (bool, error) {
	_, err := p.get(ctx, p.vpc, &pathReq{ID: id}, func() *def.HttpRequestDef { return rawDef("/v1/{project_id}/vpcs/{id}", false) }, "show VPC "+id)
	var pe *platform.Error
	switch {
	case err == nil:
		return true, nil
	case platform.IsNotFound(err), errors.As(err, &pe) && pe.Code == "VPC.0101":
		return false, nil
	}
	return false, err
}

type ecsListReq struct {
	Limit  *int32 `json:"limit,omitempty"`
	Offset *int32 `json:"offset,omitempty"`
}

// listServers pages through ECS Querying ECS Details (ListServersDetails,
// GET /v1/{project_id}/cloudservers/detail; offset is the page number, from 1).
func (p *Platform) listServers(ctx context.Context) ([]obj, error) {
	const page = 1000
	var out []obj
	for n := int32(1); ; n++ {
		mk := func() *def.HttpRequestDef {
			b := def.NewHttpRequestDefBuilder().WithMethod("GET").WithPath("/v1/{project_id}/cloudservers/detail").
				WithResponse(new(rawResponse)).WithContentType("application/json")
			b.WithRequestField(def.NewFieldDef().WithName("Limit").WithJsonTag("limit").WithLocationType(def.Query))
			b.WithRequestField(def.NewFieldDef().WithName("Offset").WithJsonTag("offset").WithLocationType(def.Query))
			b.WithResponseField(def.NewFieldDef().WithName("Body").WithJsonTag("body").WithLocationType(def.Body))
			return withRequestID(b).Build()
		}
		r, err := p.get(ctx, p.ecs, &ecsListReq{Limit: ptr(int32(page)), Offset: ptr(n)}, mk, "list servers")
		if err != nil {
			return nil, err
		}
		if r.Body == nil {
			return out, nil
		}
		o, err := r.decode("list servers")
		if err != nil {
			return nil, err
		}
		items := o.list("servers")
		out = append(out, items...)
		if len(items) == 0 || (o.int("count") > 0 && len(out) >= o.int("count")) || (o.int("count") == 0 && len(items) < page) {
			return out, nil
		}
	}
}

// groupSiteHealth sets the health of an existing group's sites from the signals SDRS documents
// for them, with ECS's AZ list as corroboration (the data-loss rules R002-8 and R000-2 read
// them; the reasoning is the package doc's "Site health").
//
//   - The active (current production) site is faulty when a pair reports fault_level "2": "the
//     disk of the current production site does not have read/write permissions; you are advised
//     to perform a failover" (Querying Replication Pairs, fault_level). That is R002-8's signal: a
//     failover then is for a faulty production site, not a forced one. An AZ ECS lists unavailable
//     while no pair reports it is a disagreement: site health is Unknown, which the engine decides
//     at apply, where R002-8 still needs the opt-in (the AZ list alone never waives it).
//   - The standby site cannot take or give data when a pair reports fault_level "5" ("the
//     replication link is disconnected; a failover is not allowed") or status fault
//     ("synchronization abnormal"), or ECS lists its AZ unavailable: R000-2 (the faulty site
//     restored before a reprotect), V-SYNC-SITES and V-FAILOVER-SITE read it. Each signal can
//     only make it unhealthy, the conservative direction for every rule that reads it.
//
// health_status (normal | abnormal, null on new groups) names no site and gates nothing; it is
// shown as the group's health.
func groupSiteHealth(f *lifecycle.Facts, reps []obj, zones map[string]bool, activeAZ, standbyAZ string) {
	prodFault, linkDown := false, false
	for _, r := range reps {
		switch {
		case r.str("fault_level") == "2":
			prodFault = true
		case r.str("fault_level") == "5", r.str("status") == "fault":
			linkDown = true
		}
	}
	activeUp, activeListed := zones[activeAZ]
	standbyUp, standbyListed := zones[standbyAZ]
	f.ActiveSiteHealthy = !prodFault
	f.StandbySiteHealthy = !linkDown && (standbyUp || !standbyListed)
	if activeListed && !activeUp && !prodFault {
		if f.Unknown == nil {
			f.Unknown = map[string]bool{}
		}
		f.Unknown[lifecycle.FactSiteHealth] = true
	}
}

// pairSiteHealth is groupSiteHealth for one pair observed on its own (its fault_level and
// status; a pair is operated through its group, whose read adds ECS's AZ list).
func pairSiteHealth(f *lifecycle.Facts, r obj) {
	groupSiteHealth(f, []obj{r}, nil, "", "")
}
