package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/provider"
)

// writeActionExamples writes examples/actions/<type>/action.tf and invoke.sh for every action
// the provider serves (provider.ActionCatalog, itself generated from the engine's tables) and
// removes the examples of actions that no longer exist, so the examples cannot drift.
func writeActionExamples(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	want := map[string]bool{}
	resources := filepath.Join(filepath.Dir(dir), "resources")
	for _, a := range provider.ActionCatalog() {
		want[a.TypeName] = true
		d := filepath.Join(dir, a.TypeName)
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(d, "action.tf"), []byte(actionExample(a, exampleName(resources, a.ResourceType))), 0o644); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(d, "invoke.sh"), []byte(invokeExample(a)), 0o644); err != nil {
			return err
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.IsDir() && !want[e.Name()] {
			if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
				return err
			}
		}
	}
	return nil
}

// comment wraps text as HCL comment lines of at most ~100 characters.
func comment(text string) string {
	var b strings.Builder
	line := "#"
	for _, w := range strings.Fields(text) {
		if len(line)+1+len(w) > 100 {
			b.WriteString(line + "\n")
			line = "#"
		}
		line += " " + w
	}
	b.WriteString(line + "\n")
	return b.String()
}

// exampleName is the name of the resource type's instance in its resource example
// (examples/resources/<type>/resource.tf), so an action example reads as the next step after
// the resource example and the two apply together; "example" when there is none.
func exampleName(resourcesDir, resourceType string) string {
	b, err := os.ReadFile(filepath.Join(resourcesDir, resourceType, "resource.tf"))
	if err != nil {
		return "example"
	}
	m := regexp.MustCompile(`(?m)^resource "` + regexp.QuoteMeta(resourceType) + `" "([A-Za-z0-9_-]+)"`).FindSubmatch(b)
	if m == nil {
		return "example"
	}
	return string(m[1])
}

func actionExample(a provider.ActionInfo, name string) string {
	var b strings.Builder
	target := a.ResourceType + "." + name + ".id"
	b.WriteString(comment(a.Summary))
	fmt.Fprintf(&b, "action %q \"example\" {\n  config {\n    id      = %s\n    timeout = %q\n", a.TypeName, target, timeoutOf(a))
	if a.DataLoss {
		row, _ := lifecycle.Table(a.Kind).Operation(a.Op)
		fmt.Fprintf(&b, "\n    # %s: needed only when %s can lose data; prefer the safe alternative:\n    # %s.\n", row.DataLoss.Rule, a.Op, row.DataLoss.Safe)
		b.WriteString("    # allow_data_loss = true\n")
	}
	b.WriteString("  }\n}\n\n")
	b.WriteString("# Check only: every check is run against the platform and reported; nothing changes.\n")
	fmt.Fprintf(&b, "action %q \"precheck\" {\n  config {\n    id       = %s\n    precheck = true\n  }\n}\n", a.TypeName, target)
	if a.Drill() {
		b.WriteString("\n")
		b.WriteString(comment("Run the drill from CI whenever drill_run changes, e.g. terraform apply -var drill_run=$(date +%F)."))
		fmt.Fprintf(&b, "variable \"drill_run\" {\n  type = string\n}\n\n")
		fmt.Fprintf(&b, "resource \"terraform_data\" \"drill\" {\n  input = var.drill_run\n\n  lifecycle {\n    action_trigger {\n"+
			"      events  = [after_create, after_update]\n      actions = [action.%s.example]\n    }\n  }\n}\n", a.TypeName)
	}
	return b.String()
}

func timeoutOf(a provider.ActionInfo) string {
	if a.Drill() {
		return "60m"
	}
	return "30m"
}

func invokeExample(a provider.ActionInfo) string {
	return fmt.Sprintf(`# Terraform 1.14 or later. The plan runs the engine's checks against the platform and
# refuses an illegal operation with its rule ID, before anything changes.
terraform plan -invoke=action.%[1]s.example
terraform apply -invoke=action.%[1]s.example

# Report every check without changing anything.
terraform apply -invoke=action.%[1]s.precheck
`, a.TypeName)
}
