// Package corpus reads the vendors' documented API examples that pin what a driver and its
// emulator may rely on (issue 23, "vendor truth comes from the vendor").
//
// Each driver keeps its vendor's examples under testdata/corpus/<Operation>/<example>.txtar,
// each with its provenance. The examples are restated, not copied: the stored copies of the
// vendors' pages, metadata and SDKs this project may consult are reference material that is
// not to be copied verbatim into the repository. A restated example keeps everything a driver
// or emulator could depend on — field names, nesting, types (a number where a string is
// declared), null versus empty versus absent, enum values and error codes, the envelope, the
// list order, quirks such as a comma-joined string inside an array or a trailing newline —
// and puts values of our own (IDs, names, times, free-text messages) where the published
// example has its own. Where no example is published, one is reconstructed from the
// vendor's field tables or schema. A file is a txtar archive
// (golang.org/x/tools/txtar): the comment is a list of "key: value" lines, then up to two
// sections, "request" and "response":
//
//	operation: DescribeDiskReplicaGroups
//	source: https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ebs-2021-07-30-describediskreplicagroups
//	section: Examples / Sample success responses / JSON format
//	provenance: restated: the sample success response's shape; IDs and names ours
//	retrieved: 2026-12-07, stored copy of the page (search tool, pages corpus)
//	notes: PairIds is one comma-joined string inside the array (as published)
//	-- request --
//	GET /?Action=DescribeDiskReplicaGroups&RegionId=cn-beijing&GroupIds=pg-m1H9aaOUIGsDUwgN
//
//	-- response --
//	200
//	Content-Type: application/json
//
//	{"RequestId": "…", "ReplicaGroups": [ … ]}
//
// Keys: operation (the vendor's operation name, as the driver calls it), source (the page or
// file the example is copied from: a URL, or repository@commit:path), section (where in the
// source), provenance ("restated: …" saying what of the published example it keeps, or
// "reconstructed: …" saying from which field table or schema it is built and how), retrieved (when and through what), and optional notes (the quirks the example
// carries). Unknown keys are refused, so a typo cannot hide a missing provenance.
//
// A request section is "METHOD PATH[?QUERY]", then header lines, a blank line and the body.
// A response section is the HTTP status code, then header lines, a blank line and the body.
// Bodies are kept verbatim: txtar ends every section with a newline, which is not part of the
// body; a body that itself ends with a newline is followed by one more (empty) line.
package corpus

import (
	"bufio"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/tools/txtar"
)

// Example is one documented example: a request, a response, or both.
type Example struct {
	// File is the example's path, relative to the corpus directory (e.g.
	// "DescribeDiskReplicaGroups/success.txtar").
	File       string
	Operation  string
	Source     string
	Section    string
	Provenance string
	Retrieved  string
	Notes      string
	Request    *Request
	Response   *Response
}

// Restated reports whether the example follows a published example (rather than being
// reconstructed from a field table or schema where none is published).
func (e Example) Restated() bool { return strings.HasPrefix(e.Provenance, "restated:") }

// Request is a documented request.
type Request struct {
	Method  string
	Path    string     // without the query
	Query   url.Values // the query parameters, decoded
	RawURL  string     // as written in the example
	Headers map[string]string
	Body    string
}

// Response is a documented response.
type Response struct {
	Status  int
	Headers map[string]string
	Body    string
}

var keys = map[string]bool{"operation": true, "source": true, "section": true, "provenance": true, "retrieved": true, "notes": true}

// Parse reads one example; name is its path relative to the corpus directory.
func Parse(name string, data []byte) (Example, error) {
	a := txtar.Parse(data)
	ex := Example{File: filepath.ToSlash(name)}
	sc := bufio.NewScanner(strings.NewReader(string(a.Comment)))
	var last *string
	for sc.Scan() {
		line := sc.Text()
		if strings.TrimSpace(line) == "" {
			continue
		}
		if (strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t")) && last != nil {
			*last += " " + strings.TrimSpace(line) // a continuation line
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		k = strings.TrimSpace(k)
		if !ok || !keys[k] {
			return ex, fmt.Errorf("%s: header line %q: want one of operation, source, section, provenance, retrieved, notes", name, line)
		}
		v = strings.TrimSpace(v)
		switch k {
		case "operation":
			ex.Operation, last = v, &ex.Operation
		case "source":
			ex.Source, last = v, &ex.Source
		case "section":
			ex.Section, last = v, &ex.Section
		case "provenance":
			ex.Provenance, last = v, &ex.Provenance
		case "retrieved":
			ex.Retrieved, last = v, &ex.Retrieved
		case "notes":
			ex.Notes, last = v, &ex.Notes
		}
	}
	for k, v := range map[string]string{"operation": ex.Operation, "source": ex.Source, "section": ex.Section, "provenance": ex.Provenance, "retrieved": ex.Retrieved} {
		if v == "" {
			return ex, fmt.Errorf("%s: no %s: every example states its provenance", name, k)
		}
	}
	if !strings.HasPrefix(ex.Provenance, "restated:") && !strings.HasPrefix(ex.Provenance, "reconstructed:") {
		return ex, fmt.Errorf("%s: provenance %q: want \"restated: <what of the published example it keeps>\" or "+
			"\"reconstructed: <from which field table or schema>\" (examples are not copied verbatim)", name, ex.Provenance)
	}
	for _, f := range a.Files {
		switch f.Name {
		case "request":
			if ex.Request != nil {
				return ex, fmt.Errorf("%s: two request sections", name)
			}
			r, err := parseRequest(string(f.Data))
			if err != nil {
				return ex, fmt.Errorf("%s: request: %w", name, err)
			}
			ex.Request = &r
		case "response":
			if ex.Response != nil {
				return ex, fmt.Errorf("%s: two response sections", name)
			}
			r, err := parseResponse(string(f.Data))
			if err != nil {
				return ex, fmt.Errorf("%s: response: %w", name, err)
			}
			ex.Response = &r
		default:
			return ex, fmt.Errorf("%s: section %q: want request or response", name, f.Name)
		}
	}
	if ex.Request == nil && ex.Response == nil {
		return ex, fmt.Errorf("%s: neither a request nor a response section", name)
	}
	return ex, nil
}

// head splits a section into its first line, its headers and its body.
func head(s string) (first string, headers map[string]string, body string, err error) {
	s = strings.TrimSuffix(s, "\n") // txtar's own section end
	first, rest, _ := strings.Cut(s, "\n")
	headers = map[string]string{}
	for rest != "" {
		var line string
		line, rest, _ = strings.Cut(rest, "\n")
		if line == "" {
			return first, headers, rest, nil
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			return "", nil, "", fmt.Errorf("header line %q (a blank line must separate the headers from the body)", line)
		}
		headers[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	return first, headers, "", nil
}

func parseRequest(s string) (Request, error) {
	first, headers, body, err := head(s)
	if err != nil {
		return Request{}, err
	}
	method, target, ok := strings.Cut(strings.TrimSpace(first), " ")
	if !ok || method == "" || target == "" {
		return Request{}, fmt.Errorf("first line %q: want METHOD PATH", first)
	}
	u, err := url.Parse(strings.TrimSpace(target))
	if err != nil {
		return Request{}, fmt.Errorf("first line %q: %w", first, err)
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return Request{}, fmt.Errorf("query of %q: %w", first, err)
	}
	return Request{Method: method, Path: u.Path, Query: q, RawURL: strings.TrimSpace(target), Headers: headers, Body: body}, nil
}

func parseResponse(s string) (Response, error) {
	first, headers, body, err := head(s)
	if err != nil {
		return Response{}, err
	}
	code, err := strconv.Atoi(strings.TrimSpace(first))
	if err != nil || code < 100 || code > 599 {
		return Response{}, fmt.Errorf("first line %q: want an HTTP status code", first)
	}
	return Response{Status: code, Headers: headers, Body: body}, nil
}

// Load reads every example under dir (a driver's testdata/corpus), in file order.
func Load(dir string) ([]Example, error) {
	var out []Example
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(p) != ".txtar" {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		ex, err := Parse(rel, data)
		if err != nil {
			return err
		}
		if dirOp := filepath.Base(filepath.Dir(p)); filepath.Dir(p) != dir && dirOp != ex.Operation {
			return fmt.Errorf("%s: operation %q is not the directory's %q", rel, ex.Operation, dirOp)
		}
		out = append(out, ex)
		return nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i].File < out[j].File })
	return out, err
}

// ByOperation groups examples by operation.
func ByOperation(exs []Example) map[string][]Example {
	m := map[string][]Example{}
	for _, e := range exs {
		m[e.Operation] = append(m[e.Operation], e)
	}
	return m
}

// Find returns the example at file (relative to the corpus directory), or false.
func Find(exs []Example, file string) (Example, bool) {
	for _, e := range exs {
		if e.File == file {
			return e, true
		}
	}
	return Example{}, false
}
