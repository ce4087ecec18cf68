// Command testsummary reads `go test -json` output on stdin and prints each package's result,
// the failing tests with their output, and a closing "N passed, N failed, N skipped" line.
//
// For a test matrix (scripts/test-matrix.sh) it also keeps a tally across runs:
//
//	testsummary -label "terraform 1.15.9" -tally FILE < go-test.json   # one pass; its line is labelled
//	testsummary -skip-pass "opentofu 1.12.6" -reason "..." -tally FILE  # a pass that could not run
//	testsummary -total FILE                                            # per-pass table + combined line
//
// A package that fails outside any test (build error, TestMain exit, a panic) counts as one
// failed test, so a failing run never closes with "0 failed".
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"
)

type event struct {
	Time    time.Time
	Action  string
	Package string
	Test    string
	Elapsed float64
	Output  string
}

type counts struct{ passed, failed, skipped int }

func (c counts) String() string {
	return fmt.Sprintf("%d passed, %d failed, %d skipped", c.passed, c.failed, c.skipped)
}

func main() {
	label := flag.String("label", "", "label of this run; its closing line becomes `LABEL: N passed, N failed, N skipped`")
	tally := flag.String("tally", "", "append this run's counts (or -skip-pass) to FILE, for -total")
	skipPass := flag.String("skip-pass", "", "record in -tally that the pass LABEL could not run (no stdin is read)")
	reason := flag.String("reason", "", "why the -skip-pass pass could not run")
	total := flag.String("total", "", "print the runs recorded in FILE and their combined `N passed, N failed, N skipped` line; exit 1 if any failed")
	flag.Parse()

	switch {
	case *total != "":
		os.Exit(printTotal(*total))
	case *skipPass != "":
		fmt.Printf("SKIPPED pass %s: %s\n", *skipPass, *reason)
		if *tally != "" {
			appendTally(*tally, []string{*skipPass, "skip", oneLine(*reason)})
		}
		return
	}
	c, wall := summarise(os.Stdin, os.Stdout)
	if *label != "" {
		fmt.Printf("%s: %s (%s)\n", *label, c, wall.Round(time.Second))
	} else {
		fmt.Println(c)
	}
	if *tally != "" {
		name := *label
		if name == "" {
			name = "go test"
		}
		appendTally(*tally, []string{name, "ran", strconv.Itoa(c.passed), strconv.Itoa(c.failed), strconv.Itoa(c.skipped), strconv.FormatInt(int64(wall.Round(time.Second)/time.Second), 10)})
	}
}

// summarise prints package results and failures; it returns the counts and the wall time
// between the first and the last event.
func summarise(in io.Reader, out io.Writer) (counts, time.Duration) {
	var c counts
	var first, last time.Time
	outputs := map[string]*strings.Builder{}
	var failures []string
	pkgs := map[string]string{}
	pkgFailedTests := map[string]int{}
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1024*1024), 16*1024*1024)
	for sc.Scan() {
		line := sc.Bytes()
		var ev event
		if err := json.Unmarshal(line, &ev); err != nil || ev.Action == "" {
			fmt.Fprintln(out, string(line)) // build errors and other plain output
			continue
		}
		if !ev.Time.IsZero() {
			if first.IsZero() || ev.Time.Before(first) {
				first = ev.Time
			}
			if ev.Time.After(last) {
				last = ev.Time
			}
		}
		key := ev.Package + " " + ev.Test
		switch ev.Action {
		case "build-output":
			fmt.Fprint(out, ev.Output)
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
			} else {
				if strings.HasPrefix(ev.Output, "FAIL") || strings.Contains(ev.Output, "build failed") || strings.Contains(ev.Output, "panic:") {
					fmt.Fprint(out, ev.Output)
				}
				// Package-level output (TestMain, os.Exit before any test) is kept for a
				// failure outside any test.
				b := outputs[key]
				if b == nil {
					b = &strings.Builder{}
					outputs[key] = b
				}
				if b.Len() < 16*1024 {
					b.WriteString(ev.Output)
				}
			}
		case "pass", "fail", "skip":
			if ev.Test == "" {
				pkgs[ev.Package] = fmt.Sprintf("%-4s %s (%.1fs)", strings.ToUpper(ev.Action), ev.Package, ev.Elapsed)
				if ev.Action == "fail" && pkgFailedTests[ev.Package] == 0 {
					c.failed++
					if b := outputs[key]; b != nil {
						failures = append(failures, fmt.Sprintf("--- FAIL: package %s, outside any test\n%s", ev.Package, tail(b.String(), 40)))
					}
				}
				delete(outputs, key)
				continue
			}
			switch ev.Action {
			case "pass":
				c.passed++
			case "fail":
				c.failed++
				pkgFailedTests[ev.Package]++
				if b := outputs[key]; b != nil {
					failures = append(failures, fmt.Sprintf("--- FAIL: %s (%s)\n%s", ev.Test, ev.Package, b.String()))
				}
			case "skip":
				c.skipped++
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
		fmt.Fprintln(out, pkgs[n])
	}
	for _, f := range failures {
		fmt.Fprint(out, f)
	}
	return c, last.Sub(first)
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n") + "\n"
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func appendTally(file string, fields []string) {
	f, err := os.OpenFile(file, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		fmt.Fprintln(os.Stderr, "testsummary:", err)
		os.Exit(2)
	}
	defer f.Close()
	fmt.Fprintln(f, strings.Join(fields, "\t"))
}

// printTotal prints one line per recorded run and the combined counts as the closing line.
func printTotal(file string) int {
	data, err := os.ReadFile(file)
	if err != nil {
		fmt.Fprintln(os.Stderr, "testsummary:", err)
		return 2
	}
	var sum counts
	width := 0
	type row struct{ label, text string }
	var rows []row
	for _, ln := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		f := strings.Split(ln, "\t")
		if len(f) < 2 {
			continue
		}
		if len(f[0]) > width {
			width = len(f[0])
		}
		switch {
		case f[1] == "skip" && len(f) >= 3:
			rows = append(rows, row{f[0], "not run: " + f[2]})
		case f[1] == "ran" && len(f) >= 6:
			var c counts
			c.passed, _ = strconv.Atoi(f[2])
			c.failed, _ = strconv.Atoi(f[3])
			c.skipped, _ = strconv.Atoi(f[4])
			sum.passed += c.passed
			sum.failed += c.failed
			sum.skipped += c.skipped
			rows = append(rows, row{f[0], fmt.Sprintf("%s (%ss)", c, f[5])})
		}
	}
	for _, r := range rows {
		fmt.Printf("  %-*s  %s\n", width, r.label, r.text)
	}
	fmt.Println(sum)
	if sum.failed > 0 {
		return 1
	}
	return 0
}
