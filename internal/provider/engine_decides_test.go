package provider

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
)

// The provider translates and the engine decides: no code of this package may decide by a rule
// ID or a state name written as a string — comparing a violation's rule, switching on one, or
// looking for one in a message. The engine says what a decision needs as data (the violation's
// parameters and operation, Capabilities, CreatePlan…) or as typed constants.
func TestProviderComparesNoRuleOrStateStrings(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var parsed []*ast.File
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		parsed = append(parsed, f)
	}
	if len(parsed) < 10 {
		t.Fatalf("read %d files: not the provider package", len(parsed))
	}
	if found := stringDecisions(fset, parsed); len(found) > 0 {
		t.Fatalf("the provider decides by rule IDs or state names written as strings; ask the engine instead:\n%s", strings.Join(found, "\n"))
	}
}

// The scan finds each way of deciding by such a string, and nothing in code that does not.
func TestStringDecisionsScan(t *testing.T) {
	t.Parallel()
	bad := `package p
func f(v lifecycle.Violation, err error, s lifecycle.State, e *platform.Error) {
	if v.Rule == "V-PLATFORM" {}
	if "R002-1" != x {}
	if v.Rule != ruleConst {}
	switch v.Rule {}
	switch s { case "failed_over": }
	switch { case s == "replicating": }
	if strings.Contains(err.Error(), "V-REFS") {}
	if strings.HasPrefix(msg, "error{") || strings.EqualFold(x, "paused") {}
	if e.Rule == "R003-7" {}
}`
	clean := `package p
func f(v lifecycle.Violation, e *platform.Error, s lifecycle.State) {
	if e.Rule != "" {}
	if s == lifecycle.FailedOver {}
	if v.Op == lifecycle.OpAddMember {}
	if reason == "timeout" {}
	summary := fmt.Sprintf("%s: %s refused", v.Rule, "dr_replication_pair")
	doc := "refused at plan (V-PARAMS) while replicating"
	switch kind { case lifecycle.ReplicationPair: }
}`
	fset := token.NewFileSet()
	parse := func(name, src string) *ast.File {
		f, err := parser.ParseFile(fset, name, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	found := stringDecisions(fset, []*ast.File{parse("bad.go", bad)})
	lines := map[int]bool{}
	for _, f := range found {
		var line int
		if _, err := fmt.Sscanf(f[strings.Index(f, ":")+1:], "%d:", &line); err == nil {
			lines[line] = true
		}
	}
	for l := 3; l <= 11; l++ {
		if !lines[l] {
			t.Errorf("line %d of the bad source is not reported (found %v)", l, found)
		}
	}
	if found := stringDecisions(fset, []*ast.File{parse("clean.go", clean)}); len(found) > 0 {
		t.Errorf("clean source reported: %v", found)
	}
}

var ruleID = regexp.MustCompile(`^(R\d{3}-\d+|V-[A-Z][A-Z-]*)$`)

// engineWord reports whether s is a rule ID, a lifecycle state name, or a rendered failed
// state ("error{").
func engineWord(s string) bool {
	if ruleID.MatchString(s) || strings.HasPrefix(s, "error{") {
		return true
	}
	for _, k := range lifecycle.Kinds {
		if lifecycle.Table(k).HasState(lifecycle.State(s)) {
			return true
		}
	}
	return false
}

// stringDecisions lists, as "file:line: what", the comparisons, switches and string searches
// that decide by a rule ID or a state name written as a string, and every comparison of a
// Rule field (other than with "": whether there is one).
func stringDecisions(fset *token.FileSet, files []*ast.File) []string {
	var out []string
	report := func(n ast.Node, what string) {
		p := fset.Position(n.Pos())
		out = append(out, fmt.Sprintf("%s:%d: %s", p.Filename, p.Line, what))
	}
	lit := func(e ast.Expr) (string, bool) {
		b, ok := e.(*ast.BasicLit)
		if !ok || b.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(b.Value)
		return s, err == nil
	}
	isRule := func(e ast.Expr) bool {
		s, ok := e.(*ast.SelectorExpr)
		return ok && s.Sel.Name == "Rule"
	}
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.BinaryExpr:
				if n.Op != token.EQL && n.Op != token.NEQ {
					return true
				}
				for _, pair := range [][2]ast.Expr{{n.X, n.Y}, {n.Y, n.X}} {
					if s, ok := lit(pair[0]); ok && engineWord(s) {
						report(n, fmt.Sprintf("compares with %q", s))
						return true
					}
					if s, ok := lit(pair[1]); isRule(pair[0]) && !(ok && s == "") {
						report(n, "compares a rule ID")
						return true
					}
				}
			case *ast.SwitchStmt:
				if n.Tag != nil && isRule(n.Tag) {
					report(n, "switches on a rule ID")
				}
			case *ast.CaseClause:
				for _, e := range n.List {
					if s, ok := lit(e); ok && engineWord(s) {
						report(e, fmt.Sprintf("case %q", s))
					}
				}
			case *ast.CallExpr:
				sel, ok := n.Fun.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				if pkg, ok := sel.X.(*ast.Ident); !ok || (pkg.Name != "strings" && pkg.Name != "slices") {
					return true
				}
				for _, a := range n.Args {
					if s, ok := lit(a); ok && engineWord(s) {
						report(n, fmt.Sprintf("%s.%s with %q", sel.X.(*ast.Ident).Name, sel.Sel.Name, s))
					}
				}
			}
			return true
		})
	}
	sort.Strings(out)
	return out
}
