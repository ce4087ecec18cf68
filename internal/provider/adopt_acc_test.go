package provider

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// adoptAddr is the provider's address in examples/adopting (source = "dr-provider/dr").
const adoptAddr = "registry.terraform.io/dr-provider/dr"

// adoptCLI drives the Terraform CLI (TF_ACC_TERRAFORM_PATH, else terraform on PATH) in a
// directory, with the provider served in this process and reattached (TF_REATTACH_PROVIDERS,
// as terraform-plugin-testing does): terraform-plugin-testing's query step cannot write
// -generate-config-out, so this test runs the commands of the adoption guide itself.
type adoptCLI struct {
	t   *testing.T
	bin string
	dir string
	env []string
}

func newAdoptCLI(t *testing.T) *adoptCLI {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("TF_ACC not set: acceptance test through the Terraform CLI")
	}
	bin := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if bin == "" {
		var err error
		if bin, err = exec.LookPath("terraform"); err != nil {
			t.Skip("no terraform CLI (TF_ACC_TERRAFORM_PATH or PATH)")
		}
	}
	root := t.TempDir()
	rc := filepath.Join(root, "terraformrc")
	if err := os.WriteFile(rc, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TF_") && !strings.HasPrefix(kv, "DR_SANDBOX_") {
			env = append(env, kv)
		}
	}
	env = append(env, "TF_CLI_CONFIG_FILE="+rc, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1", "TF_INPUT=0")
	c := &adoptCLI{t: t, bin: bin, dir: filepath.Join(root, "work"), env: env}
	if err := os.MkdirAll(c.dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return c
}

// skipBelow skips the test on a CLI older than min, with terraform-plugin-testing's version
// check (the one TestCase.TerraformVersionChecks runs).
func (c *adoptCLI) skipBelow(min *version.Version) {
	c.t.Helper()
	out, err := exec.Command(c.bin, "version", "-json").Output()
	if err != nil {
		c.t.Fatalf("terraform version: %v", err)
	}
	var v struct {
		TerraformVersion string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		c.t.Fatalf("terraform version -json: %v: %s", err, out)
	}
	tv, err := version.NewVersion(v.TerraformVersion)
	if err != nil {
		c.t.Fatal(err)
	}
	var resp tfversion.CheckTerraformVersionResponse
	tfversion.SkipBelow(min).CheckTerraformVersion(c.t.Context(), tfversion.CheckTerraformVersionRequest{TerraformVersion: tv}, &resp)
	if resp.Error != nil {
		c.t.Fatal(resp.Error)
	}
	if resp.Skip != "" {
		c.t.Skip(resp.Skip)
	}
}

// serve starts the provider in this process and returns TF_REATTACH_PROVIDERS for one CLI
// command, and a function that stops it.
func (c *adoptCLI) serve() (string, func()) {
	c.t.Helper()
	ctx, cancel := context.WithCancel(c.t.Context())
	cfgCh := make(chan *plugin.ReattachConfig, 1)
	closeCh := make(chan struct{})
	errCh := make(chan error, 1)
	go func() {
		errCh <- tf6server.Serve(adoptAddr, func() tfprotov6.ProviderServer { return providerserver.NewProtocol6(New("test", "test")())() },
			tf6server.WithDebug(ctx, cfgCh, closeCh), tf6server.WithoutLogStderrOverride(),
			tf6server.WithLoggingSink(c.t), tf6server.WithGoPluginLogger(hclog.NewNullLogger()))
	}()
	var rc *plugin.ReattachConfig
	select {
	case rc = <-cfgCh:
	case err := <-errCh:
		cancel()
		c.t.Fatalf("serving the provider: %v", err)
	case <-time.After(30 * time.Second):
		cancel()
		c.t.Fatal("serving the provider: no reattach configuration after 30s")
	}
	b, err := json.Marshal(map[string]any{adoptAddr: map[string]any{
		"Protocol": string(rc.Protocol), "ProtocolVersion": rc.ProtocolVersion, "Pid": rc.Pid, "Test": rc.Test,
		"Addr": map[string]string{"Network": rc.Addr.Network(), "String": rc.Addr.String()},
	}})
	if err != nil {
		c.t.Fatal(err)
	}
	return string(b), func() {
		cancel()
		select {
		case <-closeCh:
		case <-time.After(10 * time.Second):
		}
	}
}

// run runs one CLI command and returns its output and exit code.
func (c *adoptCLI) run(args ...string) (string, int) {
	c.t.Helper()
	reattach, stop := c.serve()
	defer stop()
	ctx, cancel := context.WithTimeout(c.t.Context(), 5*time.Minute)
	defer cancel()
	if args[0] != "state" { // state's subcommands take -no-color after the subcommand
		args = append(args[:1:1], append([]string{"-no-color"}, args[1:]...)...)
	}
	cmd := exec.CommandContext(ctx, c.bin, args...)
	cmd.Dir = c.dir
	cmd.Env = append(c.env, "TF_REATTACH_PROVIDERS="+reattach)
	out, err := cmd.CombinedOutput()
	code := 0
	if err != nil {
		code = -1
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		}
	}
	c.t.Logf("$ terraform %s  (exit %d)\n%s", strings.Join(args, " "), code, out)
	return string(out), code
}

// must runs a command that must succeed.
func (c *adoptCLI) must(args ...string) string {
	c.t.Helper()
	out, code := c.run(args...)
	if code != 0 {
		c.t.Fatalf("terraform %s: exit %d", strings.Join(args, " "), code)
	}
	return out
}

// newAdoptEstate is the CLI of newAdoptCLI (Terraform 1.14+, else the test skips) and an
// actionEnv to make the estate out of band through the sandbox's API: a new sandbox with the
// two sites (sites) in place, no provider server.
func newAdoptEstate(t *testing.T) (*adoptCLI, *actionEnv) {
	t.Helper()
	c := newAdoptCLI(t)
	c.skipBelow(tfversion.Version1_14_0)
	e := &actionEnv{t: t, ctx: t.Context(), db: testAccSandbox(t)}
	e.sb = testAccOpenSandbox(t, e.db)
	e.sites()
	return c, e
}

var emptyProviderBlock = regexp.MustCompile(`(?m)^provider "dr" \{\}\n`)

// Adopting an existing DR estate (docs/guides/adopting.md, examples/adopting): objects made
// outside Terraform, through the platform's API, are found by `terraform query`, written out
// as configuration with import blocks by -generate-config-out, imported by `terraform apply`,
// and the next plan is empty. Objects the query does not select stay out of Terraform.
func TestAccAdopt_queryGenerateConfigImport(t *testing.T) {
	t.Parallel()
	// The estate, made out of band through the sandbox's API.
	c, e := newAdoptEstate(t)
	db1 := e.replicatingPair("db-orders")
	db2 := e.pair("db-users")
	web := e.pair("web-assets")
	gid := e.group("db-group")
	e.drive(lifecycle.ProtectionGroup, gid, lifecycle.OpAddMember, map[string]string{"pair_id": db2})
	inv := e.sb.Inventory()
	// A recovery server as an operator makes it: with its size (the sandbox also accepts none,
	// cpu = memory_gb = 0, which the resource's schema cannot express).
	if _, err := inv.PutBackup(e.ctx, platform.Backup{Kind: platform.BackupKindServer, SourceID: "machine-db",
		IncludesSystemDisk: true, Region: "cn-shanghai"}); err != nil {
		t.Fatal(err)
	}
	rs, err := e.sb.CreateRecoveryServer(e.ctx, platform.RecoveryServerSpec{Name: "db-recovery", MachineID: "machine-db", CPU: 2, MemoryGB: 4}, "")
	rsID := e.created(lifecycle.RecoveryServer, rs.ID, err)
	for _, v := range []platform.Vault{{ID: "vb", Region: "cn-shanghai", Purpose: "backup"}, {ID: "vr", Region: "cn-beijing", Purpose: "replication"}} {
		if _, err := inv.PutVault(e.ctx, v); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := inv.PutBackup(e.ctx, platform.Backup{ID: "b1", Kind: "server", IncludesSystemDisk: true, VaultID: "vb", SizeGB: 1}); err != nil {
		t.Fatal(err)
	}
	rep, err := e.sb.CreateReplica(e.ctx, platform.ReplicaSpec{BackupID: "b1", DestinationRegion: "cn-beijing", DestinationVaultID: "vr", Name: "db-replica"}, "")
	e.created(lifecycle.BackupReplica, rep.ID, err)

	// The guide's files, with the provider pointed at this test's sandbox.
	src := filepath.Join("..", "..", "examples", "adopting")
	mainTF, err := os.ReadFile(filepath.Join(src, "main.tf"))
	if err != nil {
		t.Fatal(err)
	}
	if !emptyProviderBlock.Match(mainTF) {
		t.Fatal(`examples/adopting/main.tf has no empty provider "dr" {} block to point at the test's sandbox`)
	}
	mainTF = emptyProviderBlock.ReplaceAll(mainTF, []byte(strings.TrimPrefix(testAccProvider(e.db), "\n")))
	query, err := os.ReadFile(filepath.Join(src, "adopt.tfquery.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string][]byte{"main.tf": mainTF, "adopt.tfquery.hcl": query} {
		if err := os.WriteFile(filepath.Join(c.dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	c.must("init")
	out := c.must("query")
	for _, name := range []string{"db-orders", "db-users", "db-group", "db-recovery", "db-replica"} {
		if !strings.Contains(out, name) {
			t.Errorf("terraform query does not list %s", name)
		}
	}
	if strings.Contains(out, "web-assets") {
		t.Errorf("terraform query lists web-assets, which the name prefix excludes")
	}

	c.must("query", "-generate-config-out=generated.tf")
	gen, err := os.ReadFile(filepath.Join(c.dir, "generated.tf"))
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{db1, db2, gid, rsID, rep.ID} {
		if !strings.Contains(string(gen), id) {
			t.Errorf("generated.tf has no import of %s", id)
		}
	}
	if strings.Contains(string(gen), web) {
		t.Errorf("generated.tf imports web-assets (%s)", web)
	}
	if t.Failed() {
		t.Fatalf("generated.tf:\n%s", gen)
	}

	out = c.must("apply", "-auto-approve")
	if !strings.Contains(out, "5 imported, 0 added, 0 changed, 0 destroyed") {
		t.Fatalf("apply did not import the five objects and nothing else:\n%s", out)
	}
	if out, code := c.run("plan", "-detailed-exitcode"); code != 0 {
		t.Fatalf("plan after adoption is not empty (exit %d):\n%s", code, out)
	}

	// Adopted means managed: the five objects are in the state, each with its identity.
	state := c.must("state", "identities", "-json")
	var ids map[string]map[string]any
	if err := json.Unmarshal([]byte(state), &ids); err != nil {
		t.Fatalf("state identities -json: %v\n%s", err, state)
	}
	if len(ids) != 5 {
		t.Fatalf("state has %d identities, want 5:\n%s", len(ids), state)
	}
	if got := ids["dr_replication_pair.db_0"]["id"]; got != db1 {
		t.Fatalf("identity of dr_replication_pair.db_0 = %v, want %s (db-orders, first by name)", got, db1)
	}
	if os.Getenv("DR_ADOPT_KEEP") != "" {
		t.Logf("generated.tf:\n%s", gen)
	}
}

// Finding what to adopt by the enterprise conventions (issue 29): `terraform query` selects
// objects by tags (every tag given, key and value) and by resource group, through the CLI.
// The estate is made out of band through the sandbox's API; each list block must print
// exactly the objects its filter selects.
func TestAccAdopt_queryByTagsAndResourceGroup(t *testing.T) {
	t.Parallel()
	c, e := newAdoptEstate(t)
	pairs := map[string]struct {
		tags map[string]string
		rg   string
	}{
		"orders-prod": {map[string]string{"team": "db", "env": "prod"}, "rg-storage"},
		"orders-dev":  {map[string]string{"team": "db", "env": "dev"}, ""},
		"assets-prod": {map[string]string{"team": "web", "env": "prod"}, "rg-storage"},
	}
	for name, p := range pairs {
		id := e.pair(name)
		e.must(e.sb.SetTags(e.ctx, lifecycle.ReplicationPair, id, p.tags))
		if p.rg != "" {
			e.must(e.sb.ChangeResourceGroup(e.ctx, lifecycle.ReplicationPair, id, p.rg))
		}
	}
	e.must(e.sb.ChangeResourceGroup(e.ctx, lifecycle.ProtectionGroup, e.group("storage-group"), "rg-storage"))
	e.group("other-group")

	mainTF := `terraform {
  required_providers {
    dr = { source = "dr-provider/dr" }
  }
}
` + testAccProvider(e.db)
	query := `
list "dr_replication_pair" "db_prod" {
  provider = dr
  config {
    tags = { team = "db", env = "prod" }
  }
}

list "dr_replication_pair" "db" {
  provider = dr
  config {
    tags = { team = "db" }
  }
}

list "dr_replication_pair" "storage" {
  provider = dr
  config {
    resource_group_id = "rg-storage"
  }
}

list "dr_protection_group" "storage" {
  provider = dr
  config {
    resource_group_id = "rg-storage"
  }
}
`
	for name, b := range map[string]string{"main.tf": mainTF, "find.tfquery.hcl": query} {
		if err := os.WriteFile(filepath.Join(c.dir, name), []byte(b), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	c.must("init")
	out := c.must("query")
	want := map[string][]string{
		"list.dr_replication_pair.db_prod": {"orders-prod"},
		"list.dr_replication_pair.db":      {"orders-dev", "orders-prod"},
		"list.dr_replication_pair.storage": {"assets-prod", "orders-prod"},
		"list.dr_protection_group.storage": {"storage-group"},
	}
	got := map[string][]string{}
	names := []string{"orders-prod", "orders-dev", "assets-prod", "storage-group", "other-group"}
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || !strings.HasPrefix(f[0], "list.") {
			continue
		}
		for _, n := range names {
			if strings.Contains(line, n) {
				got[f[0]] = append(got[f[0]], n)
			}
		}
	}
	for block, w := range want {
		g := got[block]
		slices.Sort(g)
		if !slices.Equal(g, w) {
			t.Errorf("%s lists %v, want %v", block, g, w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("query printed results for %d list blocks, want %d: %v", len(got), len(want), got)
	}
}
