package corpus

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const sample = `operation: DescribeDiskReplicaGroups
source: https://example.invalid/api
section: Examples / Sample success responses
provenance: restated: the sample response; IDs ours
retrieved: 2026-12-07, stored copy
notes: PairIds comma-joined;
  kept as published
-- request --
GET /?Action=DescribeDiskReplicaGroups&RegionId=cn-beijing&GroupIds=pg-1
X-Acs-Version: 2021-07-30

-- response --
200
Content-Type: application/json

{"PairIds": ["a,b"]}

`

func TestParse(t *testing.T) {
	ex, err := Parse("DescribeDiskReplicaGroups/x.txtar", []byte(sample))
	if err != nil {
		t.Fatal(err)
	}
	if ex.Operation != "DescribeDiskReplicaGroups" || !ex.Restated() || ex.Notes != "PairIds comma-joined; kept as published" {
		t.Errorf("header: %+v", ex)
	}
	if ex.Request.Method != "GET" || ex.Request.Path != "/" || ex.Request.Query.Get("GroupIds") != "pg-1" || ex.Request.Headers["X-Acs-Version"] != "2021-07-30" || ex.Request.Body != "" {
		t.Errorf("request: %+v", ex.Request)
	}
	// the body ends with a newline in the vendor's answer: one more line in the file
	if ex.Response.Status != 200 || ex.Response.Body != "{\"PairIds\": [\"a,b\"]}\n" || ex.Response.Headers["Content-Type"] != "application/json" {
		t.Errorf("response: %+v %q", ex.Response, ex.Response.Body)
	}
}

func TestParseRefusesMissingProvenance(t *testing.T) {
	for _, drop := range []string{"source:", "section:", "provenance:", "retrieved:", "operation:"} {
		var kept []string
		for _, l := range strings.Split(sample, "\n") {
			if !strings.HasPrefix(l, drop) {
				kept = append(kept, l)
			}
		}
		if _, err := Parse("x.txtar", []byte(strings.Join(kept, "\n"))); err == nil {
			t.Errorf("without %s: parsed", drop)
		}
	}
	for _, p := range []string{"copied", "verbatim"} {
		bad := strings.Replace(sample, "provenance: restated: the sample response; IDs ours", "provenance: "+p, 1)
		if _, err := Parse("x.txtar", []byte(bad)); err == nil {
			t.Errorf("provenance %q accepted", p)
		}
	}
	bad := strings.Replace(sample, "notes:", "note:", 1)
	if _, err := Parse("x.txtar", []byte(bad)); err == nil {
		t.Error("unknown key accepted")
	}
	bad = strings.Replace(sample, "\n200\n", "\nOK\n", 1)
	if _, err := Parse("x.txtar", []byte(bad)); err == nil {
		t.Error("status OK accepted")
	}
}

// TestVendorCorpora parses every driver's corpus: each example states its provenance, sits in
// its operation's directory and has a well-formed request or response.
func TestVendorCorpora(t *testing.T) {
	dirs, _ := filepath.Glob("../*/testdata/corpus")
	for _, dir := range dirs {
		exs, err := Load(dir)
		if err != nil {
			t.Errorf("%s: %v", dir, err)
			continue
		}
		if len(exs) == 0 {
			t.Errorf("%s: no examples", dir)
		}
		if _, err := os.Stat(filepath.Join(dir, "README.md")); err != nil {
			t.Errorf("%s: no README.md (the table of operations and the examples that cover them)", dir)
		}
	}
}
