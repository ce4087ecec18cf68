package provider

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// listEnv is a configured provider served over protocol 6, reached through the list resource
// RPCs, with the sandbox opened directly to create objects out of band.
type listEnv struct {
	*actionEnv
	//lint:ignore SA1019 terraform-plugin-go v0.31 reaches list resources only through this interface (toolchain-facts §1)
	ls      tfprotov6.ProviderServerWithListResource
	schemas map[string]*tfprotov6.Schema
}

func newListEnv(t *testing.T) *listEnv {
	t.Helper()
	e := &listEnv{actionEnv: newActionEnv(t)}
	//lint:ignore SA1019 terraform-plugin-go v0.31 reaches list resources only through this interface (toolchain-facts §1)
	e.ls = e.srv.(tfprotov6.ProviderServerWithListResource)
	resp, err := e.ls.GetProviderSchema(e.ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	e.schemas = resp.ListResourceSchemas
	return e
}

// cfg builds the list resource typ's config block (listConfig).
func (e *listEnv) cfg(typ string, vals map[string]string) *tfprotov6.DynamicValue {
	e.t.Helper()
	s, ok := e.schemas[typ]
	if !ok {
		e.t.Fatalf("no list resource schema for %s", typ)
	}
	return listConfig(e.t, typ, s, vals)
}

// listConfig builds a config block of the list resource typ (its schema s); attributes not in
// vals are null. A map attribute (tags) is given as "k=v,k=v".
func listConfig(t testing.TB, typ string, s *tfprotov6.Schema, vals map[string]string) *tfprotov6.DynamicValue {
	t.Helper()
	in := make(map[string]any, len(vals))
	for k, x := range vals {
		in[k] = x
	}
	for _, a := range s.Block.Attributes {
		x, ok := vals[a.Name]
		if !ok || !a.Type.Is(tftypes.Map{}) {
			continue
		}
		m := map[string]tftypes.Value{}
		for _, kv := range strings.Split(x, ",") {
			k, v, _ := strings.Cut(kv, "=")
			m[k] = tftypes.NewValue(tftypes.String, v)
		}
		in[a.Name] = m
	}
	return blockValue(t, typ, s.Block, in)
}

type listed struct {
	name, id string
	resource map[string]tftypes.Value // nil unless requested
}

// list runs the ListResource RPC and collects the results; error diagnostics fail the test.
func (e *listEnv) list(typ string, vals map[string]string, includeResource bool, limit int64) []listed {
	e.t.Helper()
	stream, err := e.ls.ListResource(e.ctx, &tfprotov6.ListResourceRequest{TypeName: typ, Config: e.cfg(typ, vals), IncludeResource: includeResource, Limit: limit})
	if err != nil {
		e.t.Fatal(err)
	}
	idType := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"id": tftypes.String}}
	var out []listed
	for r := range stream.Results {
		if errs := errorDiags(r.Diagnostics); len(errs) > 0 {
			e.t.Fatalf("list %s: %s: %s", typ, errs[0].Summary, errs[0].Detail)
		}
		iv, err := r.Identity.IdentityData.Unmarshal(idType)
		if err != nil {
			e.t.Fatal(err)
		}
		var ident map[string]tftypes.Value
		var id string
		if err := iv.As(&ident); err != nil {
			e.t.Fatal(err)
		}
		if err := ident["id"].As(&id); err != nil {
			e.t.Fatal(err)
		}
		l := listed{name: r.DisplayName, id: id}
		if includeResource {
			if r.Resource == nil {
				e.t.Fatalf("list %s: no resource object for %s", typ, id)
			}
			rv, err := r.Resource.Unmarshal(e.resourceType(typ))
			if err != nil {
				e.t.Fatal(err)
			}
			if err := rv.As(&l.resource); err != nil {
				e.t.Fatal(err)
			}
		}
		out = append(out, l)
	}
	return out
}

func (e *listEnv) resourceType(typ string) tftypes.Type {
	e.t.Helper()
	resp, err := e.ls.GetProviderSchema(e.ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		e.t.Fatal(err)
	}
	return resp.ResourceSchemas[typ].ValueType()
}

func names(ls []listed) []string {
	var out []string
	for _, l := range ls {
		out = append(out, l.name)
	}
	return out
}

func wantNames(t *testing.T, what string, got []listed, want ...string) {
	t.Helper()
	if !slices.Equal(names(got), want) {
		t.Fatalf("%s: listed %q, want %q", what, names(got), want)
	}
}

func str(t *testing.T, v tftypes.Value) string {
	t.Helper()
	var s string
	if err := v.As(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

// The list resources, at the protocol level (no Terraform CLI): filters, identities, full
// resource objects on request, the limit, and bad filter values as attribute errors.
func TestListResources_Protocol(t *testing.T) {
	t.Parallel()
	e := newListEnv(t)
	e.sites()
	db1 := e.pair("db-1")
	db2 := e.pair("db-2")
	e.pair("web-1")
	gid := e.group("db-group")
	e.drive(lifecycle.ProtectionGroup, gid, lifecycle.OpAddMember, map[string]string{"pair_id": db2})
	e.recoveryServer("db-recovery")
	e.recoveryServer("app-recovery")
	if err := e.sb.SetTags(e.ctx, lifecycle.ReplicationPair, db2, map[string]string{"team": "dr", "env": "prod"}); err != nil {
		t.Fatal(err)
	}
	if err := e.sb.SetTags(e.ctx, lifecycle.ReplicationPair, db1, map[string]string{"team": "dr"}); err != nil {
		t.Fatal(err)
	}
	inv := e.sb.Inventory()
	for _, v := range []platform.Vault{{ID: "vb", Region: "cn-shanghai", Purpose: "backup"}, {ID: "vr", Region: "cn-beijing", Purpose: "replication"}} {
		if _, err := inv.PutVault(e.ctx, v); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := inv.PutBackup(e.ctx, platform.Backup{ID: "b1", Kind: "server", IncludesSystemDisk: true, VaultID: "vb", SizeGB: 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.sb.CreateReplica(e.ctx, platform.ReplicaSpec{BackupID: "b1", DestinationRegion: "cn-beijing", DestinationVaultID: "vr", Name: "db-replica"}, ""); err != nil {
		t.Fatal(err)
	}

	// Pairs: by name prefix, by group, by region; identities are the ids.
	got := e.list(pairType, map[string]string{"name_prefix": "db"}, false, 0)
	wantNames(t, "pairs db*", got, "db-1", "db-2")
	if got[0].id != db1 || got[1].id != db2 {
		t.Fatalf("identities %+v, want %s, %s", got, db1, db2)
	}
	wantNames(t, "pairs in the group", e.list(pairType, map[string]string{"group_id": gid}, false, 0), "db-2")
	wantNames(t, "pairs in cn-beijing", e.list(pairType, map[string]string{"region": "cn-beijing"}, false, 0), "db-1", "db-2", "web-1")
	wantNames(t, "pairs in eu-west", e.list(pairType, map[string]string{"region": "eu-west"}, false, 0))
	wantNames(t, "pairs, limit 2", e.list(pairType, nil, false, 2), "db-1", "db-2")
	// By tags: every tag given, key and value.
	wantNames(t, "pairs tagged team=dr", e.list(pairType, map[string]string{"tags": "team=dr"}, false, 0), "db-1", "db-2")
	wantNames(t, "pairs tagged team=dr,env=prod", e.list(pairType, map[string]string{"tags": "team=dr,env=prod"}, false, 0), "db-2")
	wantNames(t, "pairs tagged team=ops", e.list(pairType, map[string]string{"tags": "team=ops"}, false, 0))

	// The full object, as the resource's Read fills it.
	full := e.list(pairType, map[string]string{"group_id": gid}, true, 0)
	r := full[0].resource
	if str(t, r["id"]) != db2 || str(t, r["name"]) != "db-2" || str(t, r["protection_group_id"]) != gid || str(t, r["primary_region"]) != "cn-shanghai" {
		t.Fatalf("pair object: %v", r)
	}
	if !r["timeouts"].IsNull() {
		t.Fatalf("timeouts: %v", r["timeouts"])
	}

	// Groups, replicas, recovery servers.
	wantNames(t, "groups", e.list(groupType, map[string]string{"region": "cn-shanghai"}, true, 0), "db-group")
	wantNames(t, "groups elsewhere", e.list(groupType, map[string]string{"region": "eu-west"}, false, 0))
	reps := e.list(replicaType, map[string]string{"name_prefix": "db"}, true, 0)
	wantNames(t, "replicas", reps, "db-replica")
	if str(t, reps[0].resource["destination_vault_id"]) != "vr" {
		t.Fatalf("replica object: %v", reps[0].resource)
	}
	wantNames(t, "recovery servers", e.list(rsType, nil, false, 0), "app-recovery", "db-recovery")
	wantNames(t, "recovery servers db*", e.list(rsType, map[string]string{"name_prefix": "db"}, true, 0), "db-recovery")

	// Bad filter values are attribute errors at validation.
	for _, c := range []struct {
		typ, attr, value string
	}{
		{pairType, "name_prefix", ""},
		{pairType, "group_id", "not an id!"},
		{groupType, "region", "Not_A_Region"},
	} {
		resp, err := e.ls.ValidateListResourceConfig(t.Context(), &tfprotov6.ValidateListResourceConfigRequest{
			TypeName: c.typ, Config: e.cfg(c.typ, map[string]string{c.attr: c.value})})
		if err != nil {
			t.Fatal(err)
		}
		errs := errorDiags(resp.Diagnostics)
		if len(errs) != 1 || errs[0].Attribute == nil || !errs[0].Attribute.Equal(tftypes.NewAttributePath().WithAttributeName(c.attr)) {
			t.Fatalf("%s %s = %q: want one error at %s, got %s", c.typ, c.attr, c.value, c.attr, fmt.Sprint(resp.Diagnostics))
		}
	}
}
