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

// siteHealth sets the sites' health from the AZs' availability; an AZ ECS does not list is
// Unknown (never guessed).
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
