package examplestest

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/dr-provider/terraform-provider-dr/internal/provider"
)

// exampleBudget is the wall time one example may take, Terraform CLI runs (init, apply, the
// plans after it, destroy) included, on a loaded CI machine. On the default clock an example
// takes a few seconds; one that simulates a long operation in real time (a 100 GB first
// synchronisation takes about 5 minutes at time_scale 1) blows it.
const exampleBudget = 45 * time.Second

var factories = map[string]func() (tfprotov6.ProviderServer, error){
	"dr": providerserver.NewProtocol6WithError(provider.New("test", "test")()),
}

// TestMain serves the in-process provider under the address the examples require
// (registry.terraform.io/dr-provider/dr) instead of terraform-plugin-testing's default
// hashicorp namespace.
func TestMain(m *testing.M) {
	if os.Getenv("TF_ACC_PROVIDER_NAMESPACE") == "" {
		_ = os.Setenv("TF_ACC_PROVIDER_NAMESPACE", "dr-provider")
	}
	os.Exit(m.Run())
}

var examplesRoot = filepath.Join("..", "..", "examples")

// readExample concatenates the .tf files of an example directory.
func readExample(t *testing.T, dir string) string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.tf"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no .tf files in %s (%v)", dir, err)
	}
	sort.Strings(files)
	var b strings.Builder
	for _, f := range files {
		if strings.HasPrefix(filepath.Base(f), "import-by-") {
			continue // import-by-identity.tf: the docs' import example, for an object that exists elsewhere
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "# --- %s\n%s\n", filepath.ToSlash(f), src)
	}
	return b.String()
}

var providerBlock = regexp.MustCompile(`(?m)^provider "dr" \{\s*\}\n`)

// rootModule wraps example configuration the way a user's root module does: the provider
// requirement when the example has none, and a provider block that keeps the default clock
// but puts the sandbox in db. An example's own empty `provider "dr" {}` is replaced by it.
func rootModule(t *testing.T, db string, cfg string) string {
	t.Helper()
	block := fmt.Sprintf("provider \"dr\" {\n  sandbox {\n    path = %q # no time_scale: the default clock\n  }\n}\n", db)
	if providerBlock.MatchString(cfg) {
		cfg = providerBlock.ReplaceAllString(cfg, block)
	} else if strings.Contains(cfg, `provider "dr"`) {
		t.Fatalf("the example configures the provider itself; the test cannot point it at a fresh sandbox")
	} else {
		cfg = block + "\n" + cfg
	}
	if !strings.Contains(cfg, "required_providers") {
		cfg = "terraform {\n  required_providers {\n    dr = {\n      source = \"dr-provider/dr\"\n    }\n  }\n}\n\n" + cfg
	}
	return cfg
}

// onDefaultClock skips when the environment overrides the sandbox clock: these tests are
// about what a newcomer meets without any setting.
func onDefaultClock(t *testing.T) {
	t.Helper()
	if v := os.Getenv(provider.EnvSandboxTimeScale); v != "" {
		t.Skipf("%s=%s overrides the default sandbox clock these tests are about; unset it", provider.EnvSandboxTimeScale, v)
	}
}

func newDB(t *testing.T) string {
	return filepath.Join(t.TempDir(), "sandbox", "sandbox.db")
}

// within runs f and fails the test when it took longer than budget.
func within(t *testing.T, what string, budget time.Duration, f func()) {
	t.Helper()
	start := time.Now()
	f()
	d := time.Since(start)
	t.Logf("%s: %s", what, d.Round(10*time.Millisecond))
	if d > budget {
		t.Errorf("%s took %s, more than %s: examples must finish in seconds on the default sandbox clock", what, d.Round(time.Second), budget)
	}
}

func exampleDirs(t *testing.T, kind string) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(examplesRoot, kind))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() {
			out = append(out, e.Name())
		}
	}
	if len(out) == 0 {
		t.Fatalf("no examples under examples/%s", kind)
	}
	return out
}

var emptyAfterApply = resource.ConfigPlanChecks{
	PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
}

// TestAccExamples_resources applies each resource example on its own and plans it empty.
func TestAccExamples_resources(t *testing.T) {
	onDefaultClock(t)
	for _, name := range exampleDirs(t, "resources") {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			db := newDB(t)
			cfg := rootModule(t, db, readExample(t, filepath.Join(examplesRoot, "resources", name)))
			within(t, "examples/resources/"+name, exampleBudget, func() {
				resource.Test(t, resource.TestCase{
					ProtoV6ProviderFactories: factories,
					Steps:                    []resource.TestStep{{Config: cfg, ConfigPlanChecks: emptyAfterApply}},
				})
			})
		})
	}
}

var (
	variableDecl = regexp.MustCompile(`(?m)^variable "([A-Za-z0-9_]+)"`)
	dataDecl     = regexp.MustCompile(`(?m)^data "(dr_[a-z_]+)" "([A-Za-z0-9_]+)"`)
	actionTarget = regexp.MustCompile(`(?m)^\s*id\s*=\s*(dr_[a-z_]+)\.([A-Za-z0-9_]+)\.id\b`)
)

// resourceInstance finds the one instance of typ in a resource example.
func resourceInstance(t *testing.T, cfg, typ string) string {
	t.Helper()
	m := regexp.MustCompile(`(?m)^resource "`+regexp.QuoteMeta(typ)+`" "([A-Za-z0-9_]+)"`).FindAllStringSubmatch(cfg, -1)
	if len(m) != 1 {
		t.Fatalf("the resource example of %s declares %d instances of it, want 1", typ, len(m))
	}
	return m[0][1]
}

// lazyString is a configuration variable whose value is known only once an earlier step
// ran (the id of an object the resource example made); it is read when the step writes its
// variables file.
type lazyString struct{ p *string }

func (v lazyString) MarshalJSON() ([]byte, error) { return json.Marshal(*v.p) }

// TestAccExamples_dataSources applies each data-source example against the object the
// resource example of the same type makes: its id goes into the example's one variable.
// dataSourceCompanions are the data sources that read no single object of their own type: the
// resource example each reads (its variable, if any, takes the resource's attr).
var dataSourceCompanions = map[string]struct{ resource, attr string }{
	"dr_readiness":       {"dr_protection_group", ""},
	"dr_recovery_points": {"dr_recovery_server", "machine_id"},
}

func TestAccExamples_dataSources(t *testing.T) {
	onDefaultClock(t)
	for _, name := range exampleDirs(t, "data-sources") {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			db := newDB(t)
			ds := readExample(t, filepath.Join(examplesRoot, "data-sources", name))
			resName, attr := name, "id"
			if c, ok := dataSourceCompanions[name]; ok {
				resName, attr = c.resource, c.attr
			}
			res := readExample(t, filepath.Join(examplesRoot, "resources", resName))
			vars := variableDecl.FindAllStringSubmatch(ds, -1)
			data := dataDecl.FindStringSubmatch(ds)
			if len(vars) != map[bool]int{true: 0, false: 1}[attr == ""] || data == nil || data[1] != name {
				t.Fatalf("examples/data-sources/%s: want one variable (the id; none for a data source of every object) and a data %q block; found variables %v, data %v", name, name, vars, data)
			}
			addr := resName + "." + resourceInstance(t, res, resName)
			var id string
			within(t, "examples/data-sources/"+name, exampleBudget, func() {
				resource.Test(t, resource.TestCase{
					ProtoV6ProviderFactories: factories,
					Steps: []resource.TestStep{
						{
							Config: rootModule(t, db, res),
							Check: func(s *terraform.State) error {
								rs, ok := s.RootModule().Resources[addr]
								if !ok {
									return fmt.Errorf("%s not in state", addr)
								}
								id = rs.Primary.Attributes[attr]
								return nil
							},
						},
						dataSourceStep(rootModule(t, db, res+ds), name, data[2], addr, attr, vars, &id),
					},
				})
			})
		})
	}
}

// TestAccExamples_actions applies each action example together with the resource example of
// its target: the actions are declared and validated, and a drill example's trigger runs the
// drill. Terraform 1.14 or later; older CLIs cannot parse `action` blocks (1.11 fails with
// "Blocks of type \"action\" are not expected here"), so these tests skip there and
// TestExamples_actionsValidate covers what can be checked without the CLI.
func TestAccExamples_actions(t *testing.T) {
	onDefaultClock(t)
	for _, name := range exampleDirs(t, "actions") {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			db := newDB(t)
			act := readExample(t, filepath.Join(examplesRoot, "actions", name))
			m := actionTarget.FindStringSubmatch(act)
			if m == nil {
				t.Fatalf("examples/actions/%s names no target (id = dr_<type>.<name>.id)", name)
			}
			res := readExample(t, filepath.Join(examplesRoot, "resources", m[1]))
			if got := resourceInstance(t, res, m[1]); got != m[2] {
				t.Fatalf("examples/actions/%s targets %s.%s, but the resource example names it %s.%s", name, m[1], m[2], m[1], got)
			}
			vars := config.Variables{}
			for _, v := range variableDecl.FindAllStringSubmatch(act, -1) {
				vars[v[1]] = config.StringVariable("2026-11-30") // drill_run: the CI run's date
			}
			within(t, "examples/actions/"+name, exampleBudget, func() {
				resource.Test(t, resource.TestCase{
					TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)},
					ProtoV6ProviderFactories: factories,
					Steps: []resource.TestStep{{
						Config:           rootModule(t, db, res+act),
						ConfigVariables:  vars,
						ConfigPlanChecks: emptyAfterApply,
					}},
				})
			})
		})
	}
}

// dataSourceStep is the step that reads an example's data source: one of the resource's type
// is the resource it names; a companion's reads it (dr_recovery_points: the machine's points)
// or every object (dr_readiness), and must report some.
func dataSourceStep(cfg, name, label, addr, attr string, vars [][]string, id *string) resource.TestStep {
	step := resource.TestStep{Config: cfg, ConfigPlanChecks: emptyAfterApply}
	if len(vars) > 0 {
		step.ConfigVariables = config.Variables{vars[0][1]: lazyString{id}}
	}
	switch {
	case attr == "id":
		step.Check = resource.TestCheckResourceAttrPair("data."+name+"."+label, "id", addr, "id")
	case attr == "":
		step.Check = resource.TestCheckResourceAttrWith("data."+name+"."+label, "objects.#", func(v string) error {
			if v == "0" {
				return fmt.Errorf("no objects read")
			}
			return nil
		})
	default:
		step.Check = resource.TestCheckResourceAttrWith("data."+name+"."+label, "recovery_points.#", func(v string) error {
			if v == "0" {
				return fmt.Errorf("no recovery points read")
			}
			return nil
		})
	}
	return step
}
