package huaweicloud

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/def"

	emu "github.com/dr-provider/terraform-provider-dr/internal/emulator/huaweicloud"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/corpus"
)

// Emulator contract tests (issue 23): the emulator is driven through a group's life by this
// driver (and a few direct reads of what is missing), every answer is recorded with the SDK
// operation the emulator's gateway names it, and each is compared with the corpus examples of
// that operation — Huawei's documented answers — field by field: the HTTP status, member names
// and nesting, JSON types, null versus present, the error envelope and its code. An answer is
// compared with the example of its operation and outcome (success, or the same error code)
// that it differs least from; every remaining difference must be listed in emulatorDiffers with
// its reason, and an entry no answer needs any more fails the test.

// emulatorDiffers are the differences that stay: each covers the differences starting with
// prefix ("<example file>: <member path>…"), with the reason.
var emulatorDiffers = []struct{ prefix, why string }{
	{"ShowServer/apiexplorer-shutoff-server.txtar: .server.", ecsNotModelled},
	{"ListServersDetails/apiexplorer-servers.txtar: .servers[].", ecsNotModelled},
	{"UpdateProtectionGroupName/otc-rename.txtar: .server_group.", "the page's example is of a group created before the SDRS " +
		"upgrade (protected_status, replication_status, health_status set) with a description; the emulator's groups are created " +
		"after it (those null, as ShowProtectionGroup's examples of new groups show) and this one has no description (null, as there)"},
	{"ShowBackup/apiexplorer-server-backup.txtar: .backup.replication_records: emulator only", showReplication},
	{"ListBackups/apiexplorer-two-backups.txtar: .backups[].replication_records: emulator only", showReplication},
	{"ListBackups/apiexplorer-two-backups.txtar: .backups[].enterprise_project_id: emulator only", listEnterpriseProject},
	{"ListBackups/reconstructed-record-skip.txtar: .backups[].enterprise_project_id: emulator only", listEnterpriseProject},
	{"ListBackups/apiexplorer-two-backups.txtar: .backups[].expired_at: documented string, emulator null", backupTimes},
	{"ListBackups/apiexplorer-two-backups.txtar: .backups[].updated_at: documented string, emulator null", backupTimes},
	{"ListBackups/reconstructed-record-skip.txtar: .backups[].expired_at: documented string, emulator null", backupTimes},
	{"ListBackups/reconstructed-record-skip.txtar: .backups[].updated_at: documented string, emulator null", backupTimes},
	{"ListBackups/apiexplorer-two-backups.txtar: .backups[].extend_info.architecture: documented, emulator lacks it", architecture},
	{"ListBackups/reconstructed-record-skip.txtar: .backups[].extend_info.architecture: documented, emulator lacks it", architecture},
	{"ShowBackup/apiexplorer-server-backup.txtar: .backup.extend_info.system_disk: emulator only", "the examples disagree: " +
		"the list example's server backups carry extend_info.system_disk (false), ShowBackup's omits it; the emulator follows the list"},
	{"ShowVault/otc-backup-vault.txtar: .vault.enterprise_project_id: documented number, emulator string", "the examples disagree: " +
		"OTC's vault writes enterprise_project_id 0 (a number), API Explorer's \"0\" (a string, the field table's type); the emulator " +
		"follows API Explorer (the driver does not read it)"},
	{"ShowJobStatus/reconstructed-fail.txtar: .entities.protected_instance_id: documented, emulator lacks it",
		"the example is a protected instance's failed job; the failed job here is the group's enabling, whose entities name " +
			"the group only (Querying the Job Status: protected_instance_id is a protected-instance job's)"},
}

const (
	showReplication = "the driver queries backups with show_replication=true, which adds replication_records (the field " +
		"table; the reconstructed record examples); the published example was queried without it"
	listEnterpriseProject = "the same backup has enterprise_project_id in ShowBackup's example; the list example omits it"
	backupTimes           = "the sandbox keeps no retention or update time of a backup: null, as ShowBackup's example of a " +
		"backup kept until deleted; the list example's backups have both (the driver reads neither)"
	architecture = "the image architecture of a server the sandbox does not model, not invented (the driver does not read it)"
)

// ecsNotModelled: the sandbox's servers have a name, a power state, an AZ and addresses; the
// ECS members of what it does not model (flavor, image, host, metadata, tags, security groups,
// volumes, times, the network port) are not invented, and the driver reads none of them
// (status, OS-EXT-AZ:availability_zone, addresses). The list's addresses carry
// OS-EXT-IPS-MAC:mac_addr and OS-EXT-IPS:type as ListServersDetails' field table and
// ShowServer's example do, though the list example omits them (the driver reads either).
const ecsNotModelled = "ECS attributes of what the sandbox does not model, not invented; the driver reads status, AZ and addresses only"

// differs returns the reason a difference stays.
func differs(key string) (string, bool) {
	for _, d := range emulatorDiffers {
		if strings.HasPrefix(key, d.prefix) {
			return d.why, true
		}
	}
	return "", false
}

// emuAnswer is one answer of the emulator.
type emuAnswer struct {
	op     string
	status int
	body   string
}

type answerLog struct {
	mu  sync.Mutex
	all []emuAnswer
}

func (l *answerLog) add(a emuAnswer) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.all = append(l.all, a)
}

func TestEmulatorAnswersHaveTheDocumentedShapes(t *testing.T) {
	c := startCounting(t)
	log := &answerLog{}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		c.e.ServeHTTP(rec, r)
		log.add(emuAnswer{op: emu.OperationName(r), status: rec.Code, body: rec.Body.String()})
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	}))
	t.Cleanup(hs.Close)
	c.url = hs.URL
	p := c.driver(t, emu.TestSecretKey)
	ctx := context.Background()
	// a group's and a replica's whole life, every call the driver makes
	driveWholeLife(t, c, p)
	// the jobs the driver started, finished
	for _, j := range p.jobs {
		if _, err := p.get(ctx, p.client.HcClient, &pathReq{ID: j}, func() *def.HttpRequestDef { return rawDef("/v1/{project_id}/jobs/{id}", false) }, "read"); err != nil {
			t.Fatal(err)
		}
	}
	// what is missing: a group, a pair, a server, a VPC, a backup, a vault
	raw := func(d *def.HttpRequestDef, id string) {
		_, _ = p.get(ctx, p.client.HcClient, &pathReq{ID: id}, func() *def.HttpRequestDef { return d }, "read")
	}
	const missing = "0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9"
	raw(rawDef("/v1/{project_id}/server-groups/{id}", false), missing)
	raw(rawDef("/v1/{project_id}/replications/{id}", false), missing)
	if _, _, _, err := p.serverInfo(ctx, missing); err != nil {
		t.Logf("server info of a missing server: %v", err)
	}
	if _, err := p.vpcExists(ctx, missing); err != nil {
		t.Logf("a missing VPC: %v", err)
	}
	cl, err := p.cbrClient("", "")
	must(t, err)
	for _, path := range []string{"/v3/{project_id}/backups/{id}", "/v3/{project_id}/vaults/{id}"} {
		_, _ = p.get(ctx, cl.HcClient, &pathReq{ID: missing}, func() *def.HttpRequestDef { return cbrRawDef(path, false) }, "read")
	}

	exs := loadCorpus(t)
	byOp := corpus.ByOperation(exs)
	used := map[string]bool{}
	var unexplained []string
	// each answer against the example it differs least from; per example, the answer that
	// comes closest (a running job is compared with a finished job's example too: one answer
	// of the job's life matching it is the contract)
	closest := map[string][]string{}
	for _, a := range log.all {
		docs := candidates(byOp[a.op], a)
		if len(docs) == 0 {
			continue
		}
		var best []string
		var bestFile string
		for _, d := range docs {
			diffs := answerDiffs(d, a)
			if bestFile == "" || len(diffs) < len(best) {
				best, bestFile = diffs, d.File
			}
		}
		if prev, ok := closest[bestFile]; !ok || len(best) < len(prev) {
			closest[bestFile] = best
		}
	}
	for file, diffs := range closest {
		for _, d := range diffs {
			key := file + ": " + d
			if why, ok := differs(key); ok {
				used[why] = true
				t.Logf("%s\n    explained: %s", key, why)
				continue
			}
			unexplained = append(unexplained, key)
		}
	}
	sort.Strings(unexplained)
	for _, u := range unexplained {
		t.Errorf("emulator differs from the documented answer: %s", u)
	}
	for _, d := range emulatorDiffers {
		if !used[d.why] {
			t.Errorf("listed difference %q no longer shows: remove it", d.prefix)
		}
	}
	ops := map[string]bool{}
	for file := range closest {
		ops[strings.SplitN(file, "/", 2)[0]] = true
	}
	files := make([]string, 0, len(closest))
	for f := range closest {
		files = append(files, f)
	}
	sort.Strings(files)
	t.Logf("%d answers compared with %d examples of %d operations: %s", len(log.all), len(closest), len(ops), strings.Join(files, ", "))
	if len(ops) < 25 {
		t.Errorf("only %d operations compared", len(ops))
	}
}

// candidates are the examples an answer is compared with: the operation's success examples for
// a success; for an error, those with the same code, else every error example (the envelope).
func candidates(exs []corpus.Example, a emuAnswer) []corpus.Example {
	var ok, sameCode, errs []corpus.Example
	code := errorCode(a.body)
	for _, e := range exs {
		if e.Response == nil || strings.TrimSpace(e.Response.Body) == "" {
			continue
		}
		if e.Response.Status < 300 {
			ok = append(ok, e)
			continue
		}
		if strings.Contains(e.Notes, "invalid JSON") || !json.Valid([]byte(e.Response.Body)) {
			continue
		}
		errs = append(errs, e)
		if code != "" && errorCode(e.Response.Body) == code {
			sameCode = append(sameCode, e)
		}
	}
	switch {
	case a.status < 300:
		var valid []corpus.Example
		for _, e := range ok {
			if json.Valid([]byte(e.Response.Body)) {
				valid = append(valid, e)
			}
		}
		return valid
	case len(sameCode) > 0:
		return sameCode
	}
	return errs
}

// errorCode is the code of any of the documented error envelopes.
func errorCode(body string) string {
	var m map[string]any
	if json.Unmarshal([]byte(body), &m) != nil {
		return ""
	}
	for _, k := range []string{"error_code", "code"} {
		if s, ok := m[k].(string); ok {
			return s
		}
	}
	for _, v := range m {
		if o, ok := v.(map[string]any); ok {
			if s, ok := o["code"].(string); ok {
				return s
			}
		}
	}
	return ""
}

// answerDiffs are the differences between a documented answer and the emulator's.
func answerDiffs(doc corpus.Example, a emuAnswer) []string {
	var out []string
	if doc.Response.Status != a.status {
		out = append(out, fmt.Sprintf("HTTP status: documented %d, emulator %d", doc.Response.Status, a.status))
	}
	var dv, av any
	if err := json.Unmarshal([]byte(doc.Response.Body), &dv); err != nil {
		return append(out, "documented body is not JSON")
	}
	if err := json.Unmarshal([]byte(a.body), &av); err != nil {
		return append(out, "emulator body is not JSON: "+a.body)
	}
	shapeDiffs("", dv, av, &out)
	sort.Strings(out)
	return out
}

// dynamicKeys are objects whose member names are data (ECS addresses by network name).
var dynamicKeys = map[string]bool{".server.addresses": true, ".servers[].addresses": true}

func kind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case float64:
		return "number"
	case bool:
		return "boolean"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return "?"
}

func shapeDiffs(path string, d, a any, out *[]string) {
	if kind(d) != kind(a) {
		*out = append(*out, fmt.Sprintf("%s: documented %s, emulator %s", path, kind(d), kind(a)))
		return
	}
	switch dv := d.(type) {
	case map[string]any:
		av := a.(map[string]any)
		if dynamicKeys[path] {
			for _, x := range dv {
				for _, y := range av {
					shapeDiffs(path+".*", x, y, out)
					return
				}
			}
			return
		}
		for k, x := range dv {
			y, ok := av[k]
			if !ok {
				*out = append(*out, fmt.Sprintf("%s.%s: documented, emulator lacks it", path, k))
				continue
			}
			shapeDiffs(path+"."+k, x, y, out)
		}
		for k := range av {
			if _, ok := dv[k]; !ok {
				*out = append(*out, fmt.Sprintf("%s.%s: emulator only", path, k))
			}
		}
	case []any:
		av := a.([]any)
		if len(dv) > 0 && len(av) > 0 {
			shapeDiffs(path+"[]", dv[0], av[0], out)
		}
	}
}
