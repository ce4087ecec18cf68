// Command testsummary reads `go test -json` output on stdin and prints each package's result,
// the failing tests with their output, and a closing "N passed, N failed, N skipped" line.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
)

type event struct {
	Action  string
	Package string
	Test    string
	Elapsed float64
	Output  string
}

func main() {
	var passed, failed, skipped int
	outputs := map[string]*strings.Builder{}
	var failures []string
	pkgs := map[string]string{}
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 1024*1024), 16*1024*1024)
	for sc.Scan() {
		line := sc.Bytes()
		var ev event
		if err := json.Unmarshal(line, &ev); err != nil {
			fmt.Println(string(line)) // build errors and other plain output
			continue
		}
		key := ev.Package + " " + ev.Test
		switch ev.Action {
		case "output":
			if ev.Test != "" {
				b := outputs[key]
				if b == nil {
					b = &strings.Builder{}
					outputs[key] = b
				}
				if b.Len() < 64*1024 {
					b.WriteString(ev.Output)
				}
			} else if strings.HasPrefix(ev.Output, "FAIL") || strings.Contains(ev.Output, "build failed") || strings.Contains(ev.Output, "panic:") {
				fmt.Print(ev.Output)
			}
		case "pass", "fail", "skip":
			if ev.Test == "" {
				pkgs[ev.Package] = fmt.Sprintf("%-4s %s (%.1fs)", strings.ToUpper(ev.Action), ev.Package, ev.Elapsed)
				continue
			}
			switch ev.Action {
			case "pass":
				passed++
			case "fail":
				failed++
				if b := outputs[key]; b != nil {
					failures = append(failures, fmt.Sprintf("--- FAIL: %s (%s)\n%s", ev.Test, ev.Package, b.String()))
				}
			case "skip":
				skipped++
			}
			delete(outputs, key)
		}
	}
	names := make([]string, 0, len(pkgs))
	for n := range pkgs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Println(pkgs[n])
	}
	for _, f := range failures {
		fmt.Print(f)
	}
	fmt.Printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped)
}
