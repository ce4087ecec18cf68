// Package bench generates the configurations of the end-to-end benchmarks (make bench): a
// realistic mix of N DR resources, and the same dependency graph made of Terraform's built-in
// terraform_data resources, which is the floor a provider cannot beat.
package bench

import (
	"fmt"
	"sort"
	"strings"
)

// node is one resource of the generated graph.
type node struct {
	typ  string // DR resource type
	name string
	body []string // attribute lines of the DR resource ("key = value")
	deps []string // addresses this node refers to
}

func (n node) addr() string { return n.typ + "." + n.name }

// fixed are the shared resources every configuration starts with.
func fixed() []node {
	return []node{
		{typ: "dr_sandbox_site", name: "prod", body: []string{`region = "cn-shanghai"`, `zone = "cn-shanghai-a"`}},
		{typ: "dr_sandbox_site", name: "dr", body: []string{`region = "cn-shanghai"`, `zone = "cn-shanghai-b"`}},
		{typ: "dr_sandbox_site", name: "backup_region", body: []string{`region = "cn-beijing"`, `zone = "cn-beijing-a"`}},
		{typ: "dr_sandbox_vault", name: "backups", body: []string{`region = dr_sandbox_site.prod.region`, `purpose = "backup"`},
			deps: []string{"dr_sandbox_site.prod"}},
		{typ: "dr_sandbox_vault", name: "replicas", body: []string{`region = dr_sandbox_site.backup_region.region`, `purpose = "replication"`},
			deps: []string{"dr_sandbox_site.backup_region"}},
	}
}

// unit is one application: a replicated volume pair kept running, a second pair protected by
// a group, a server with a recovery server, and a cross-region replica of the server's backup.
// Every prefix of a unit is a valid configuration, so any N can be generated.
func unit(i int) []node {
	s := func(f string) string { return fmt.Sprintf(f, i) }
	vol := func(name, site string) node {
		return node{typ: "dr_sandbox_volume", name: s(name), body: []string{"site_id = dr_sandbox_site." + site + ".id", "size_gb = 10"},
			deps: []string{"dr_sandbox_site." + site}}
	}
	pair := func(name, a, b string, extra ...string) node {
		return node{typ: "dr_replication_pair", name: s(name),
			body: append([]string{fmt.Sprintf("name = %q", s(name)), "primary_volume_id = dr_sandbox_volume." + s(a) + ".id",
				"secondary_volume_id = dr_sandbox_volume." + s(b) + ".id"}, extra...),
			deps: []string{"dr_sandbox_volume." + s(a), "dr_sandbox_volume." + s(b)}}
	}
	return []node{
		vol("va%d", "prod"),
		vol("vb%d", "dr"),
		pair("rp%d", "va%d", "vb%d", `replication = "running"`),
		{typ: "dr_sandbox_server", name: s("web%d"), body: []string{fmt.Sprintf("name = %q", s("web%d")), "site_id = dr_sandbox_site.prod.id"},
			deps: []string{"dr_sandbox_site.prod"}},
		{typ: "dr_recovery_server", name: s("rs%d"), body: []string{fmt.Sprintf("name = %q", s("rs%d")), "machine_id = dr_sandbox_server." + s("web%d") + ".id", `mode = "standby"`},
			deps: []string{"dr_sandbox_server." + s("web%d")}},
		vol("vc%d", "prod"),
		vol("vd%d", "dr"),
		pair("gp%d", "vc%d", "vd%d"),
		{typ: "dr_protection_group", name: s("g%d"), body: []string{
			fmt.Sprintf("name = %q", s("g%d")),
			"source_region = dr_sandbox_site.prod.region", "source_zone = dr_sandbox_site.prod.zone",
			"target_region = dr_sandbox_site.dr.region", "target_zone = dr_sandbox_site.dr.zone",
			"replication_pair_ids = [dr_replication_pair." + s("gp%d") + ".id]", `protection = "enabled"`},
			deps: []string{"dr_sandbox_site.prod", "dr_sandbox_site.dr", "dr_replication_pair." + s("gp%d")}},
		{typ: "dr_sandbox_backup", name: s("bk%d"), body: []string{`kind = "server"`, "source_id = dr_sandbox_server." + s("web%d") + ".id",
			"vault_id = dr_sandbox_vault.backups.id"},
			deps: []string{"dr_sandbox_server." + s("web%d"), "dr_sandbox_vault.backups"}},
		{typ: "dr_backup_replica", name: s("br%d"), body: []string{"backup_id = dr_sandbox_backup." + s("bk%d") + ".id",
			"destination_region = dr_sandbox_vault.replicas.region", "destination_vault_id = dr_sandbox_vault.replicas.id",
			fmt.Sprintf("name = %q", s("br%d"))},
			deps: []string{"dr_sandbox_backup." + s("bk%d"), "dr_sandbox_vault.replicas"}},
	}
}

func graph(n int) []node {
	out := fixed()
	for i := 0; len(out) < n; i++ {
		for _, nd := range unit(i) {
			if len(out) == n {
				break
			}
			out = append(out, nd)
		}
	}
	return out[:min(n, len(out))]
}

const header = `terraform {
  required_providers {
    dr = {
      source = "dr-provider/dr"
    }
  }
}

provider "dr" {}
`

// DR returns a configuration of n DR resources (n >= 5).
func DR(n int) string { return renderDR(graph(n)) }

// Floor returns the same graph as DR(n) made of terraform_data resources: same count, same
// dependency edges, no provider process.
func Floor(n int) string { return renderFloor(graph(n)) }

// Counts returns how many resources of each type DR(n) has.
func Counts(n int) map[string]int {
	out := map[string]int{}
	for _, nd := range graph(n) {
		out[nd.typ]++
	}
	return out
}

// heavyGraph is the DR-heavy mix (issue 17): two sites, then units of two volumes (one per
// site) and a replication pair between them kept running; any prefix is valid, so N = 999
// is two sites, 332 pairs and 665 volumes.
func heavyGraph(n int) []node {
	out := []node{
		{typ: "dr_sandbox_site", name: "prod", body: []string{`region = "cn-shanghai"`, `zone = "cn-shanghai-a"`}},
		{typ: "dr_sandbox_site", name: "dr", body: []string{`region = "cn-shanghai"`, `zone = "cn-shanghai-b"`}},
	}
	for i := 0; len(out) < n; i++ {
		a, b, p := fmt.Sprintf("va%d", i), fmt.Sprintf("vb%d", i), fmt.Sprintf("rp%d", i)
		out = append(out,
			node{typ: "dr_sandbox_volume", name: a, body: []string{"site_id = dr_sandbox_site.prod.id", "size_gb = 10"}, deps: []string{"dr_sandbox_site.prod"}},
			node{typ: "dr_sandbox_volume", name: b, body: []string{"site_id = dr_sandbox_site.dr.id", "size_gb = 10"}, deps: []string{"dr_sandbox_site.dr"}},
			node{typ: "dr_replication_pair", name: p, body: []string{fmt.Sprintf("name = %q", p),
				"primary_volume_id = dr_sandbox_volume." + a + ".id", "secondary_volume_id = dr_sandbox_volume." + b + ".id",
				`replication = "running"`},
				deps: []string{"dr_sandbox_volume." + a, "dr_sandbox_volume." + b}})
	}
	return out[:min(n, len(out))]
}

func renderDR(nodes []node) string {
	var b strings.Builder
	b.WriteString(header)
	for _, nd := range nodes {
		fmt.Fprintf(&b, "\nresource %q %q {\n", nd.typ, nd.name)
		for _, l := range nd.body {
			b.WriteString("  " + l + "\n")
		}
		b.WriteString("}\n")
	}
	return b.String()
}

func renderFloor(nodes []node) string {
	var b strings.Builder
	for _, nd := range nodes {
		name := strings.ReplaceAll(nd.addr(), ".", "__")
		var refs []string
		for _, d := range nd.deps {
			refs = append(refs, "terraform_data."+strings.ReplaceAll(d, ".", "__")+".output")
		}
		sort.Strings(refs)
		fmt.Fprintf(&b, "resource \"terraform_data\" %q {\n  input = [%q", name, nd.name)
		for _, r := range refs {
			b.WriteString(", " + r)
		}
		b.WriteString("]\n}\n\n")
	}
	return b.String()
}

// DRHeavy returns the DR-heavy configuration of n resources (n >= 2): sites, volumes and
// running replication pairs only.
func DRHeavy(n int) string { return renderDR(heavyGraph(n)) }

// FloorHeavy is DRHeavy's dependency graph made of terraform_data resources.
func FloorHeavy(n int) string { return renderFloor(heavyGraph(n)) }

// TrivialHeavy is DRHeavy's dependency graph made of the trivial provider's attribute-less
// trivial_thing resources (internal/bench/trivialprovider), edges as depends_on: the cost of
// any framework provider process with N resources and no work.
func TrivialHeavy(n int) string {
	var b strings.Builder
	b.WriteString("terraform {\n  required_providers {\n    trivial = {\n      source = \"dr-provider/trivial\"\n    }\n  }\n}\n\nprovider \"trivial\" {}\n")
	for _, nd := range heavyGraph(n) {
		name := strings.ReplaceAll(nd.addr(), ".", "__")
		var refs []string
		for _, d := range nd.deps {
			refs = append(refs, "trivial_thing."+strings.ReplaceAll(d, ".", "__"))
		}
		sort.Strings(refs)
		fmt.Fprintf(&b, "\nresource \"trivial_thing\" %q {\n  depends_on = [%s]\n}\n", name, strings.Join(refs, ", "))
	}
	return b.String()
}
