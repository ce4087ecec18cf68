package huaweicloud

// Driver contract tests (issue 23, "vendor truth from the vendors"): every response of the
// corpus of Huawei's documented examples (testdata/corpus, restated; its README maps every
// operation the driver calls to its examples) is replayed into the driver through a local
// server standing in for SDRS, ECS, VPC and CBR, and what the engine gets — states, members,
// facts, error classes, last_error — is asserted; every request the driver sends on the way is
// checked against the documented requests of its operation (method, path, query parameters,
// body keys and their JSON types).
//
// The test is table-driven from the corpus: each example file is a case. The case answers the
// example's operation with it, every other operation with that operation's baseline example
// (a "new group" world: Huawei's own examples of a group created after the SDRS upgrade, its
// pairs, servers and zones), runs the driver call that issues the operation (callOf) and checks
// the expectation written for that file (expect). A new example file without an expectation
// fails, naming itself.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	emu "github.com/dr-provider/terraform-provider-dr/internal/emulator/huaweicloud"
	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/corpus"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/retry"
)

func loadCorpus(t testing.TB) []corpus.Example {
	t.Helper()
	exs, err := corpus.Load("testdata/corpus")
	if err != nil {
		t.Fatal(err)
	}
	return exs
}

func mustExample(t testing.TB, exs []corpus.Example, file string) corpus.Example {
	t.Helper()
	e, ok := corpus.Find(exs, file)
	if !ok {
		t.Fatalf("no corpus example %s", file)
	}
	return e
}

// baseline answers each operation in a case where another operation is under test: a group
// created after the SDRS upgrade (null statuses) with its pairs, instances, servers and zones.
var baseline = map[string]string{
	"ListProtectionGroups":               "ListProtectionGroups/apiexplorer-two-new-groups.txtar",
	"ShowProtectionGroup":                "ShowProtectionGroup/otc-new-group-null-statuses.txtar",
	"ListProtectedInstances":             "ListProtectedInstances/apiexplorer-two-instances.txtar",
	"ListReplications":                   "ListReplications/apiexplorer-pair-without-replication-status.txtar",
	"ShowReplication":                    "ShowReplication/apiexplorer-pair-without-replication-status.txtar",
	"UpdateReplicationName":              "UpdateReplicationName/apiexplorer-rename.txtar",
	"ListActiveActiveDomains":            "ListActiveActiveDomains/otc-one-domain.txtar",
	"CreateProtectionGroup":              "CreateProtectionGroup/otc-create.txtar",
	"UpdateProtectionGroupName":          "UpdateProtectionGroupName/otc-rename.txtar",
	"StartProtectionGroup":               "StartProtectionGroup/otc-start.txtar",
	"StopProtectionGroup":                "StopProtectionGroup/otc-stop.txtar",
	"StartFailoverProtectionGroup":       "StartFailoverProtectionGroup/otc-failover.txtar",
	"StartReverseProtectionGroup":        "StartReverseProtectionGroup/otc-reverse-to-source.txtar",
	"DeleteProtectionGroup":              "DeleteProtectionGroup/otc-delete.txtar",
	"CreateProtectedInstance":            "CreateProtectedInstance/otc-create.txtar",
	"DeleteProtectedInstance":            "DeleteProtectedInstance/otc-delete.txtar",
	"DetachProtectedInstanceReplication": "DetachProtectedInstanceReplication/otc-detach.txtar",
	"DeleteReplication":                  "DeleteReplication/otc-delete.txtar",
	"CreateDisasterRecoveryDrill":        "CreateDisasterRecoveryDrill/otc-create.txtar",
	"ListDisasterRecoveryDrills":         "ListDisasterRecoveryDrills/otc-two-drills.txtar",
	"DeleteDisasterRecoveryDrill":        "DeleteDisasterRecoveryDrill/otc-delete.txtar",
	"ShowJobStatus":                      "ShowJobStatus/otc-create-success.txtar",
	"ListFailureJobs":                    "ListFailureJobs/otc-two-instance-create-failures.txtar",
	"DeleteFailureJob":                   "DeleteFailureJob/otc-204.txtar",
	"DeleteServerGroupFailureJobs":       "DeleteServerGroupFailureJobs/otc-204.txtar",
	"NovaListAvailabilityZones":          "NovaListAvailabilityZones/otc-two-zones-tabs.txtar",
	"ShowServer":                         "ShowServer/apiexplorer-shutoff-server.txtar",
	"ListServersDetails":                 "ListServersDetails/apiexplorer-servers.txtar",
	"ShowVpc":                            "ShowVpc/otc-vpc.txtar",
	"ShowBackup":                         "ShowBackup/otc-server-backup.txtar",
	"ListBackups":                        "ListBackups/apiexplorer-two-backups.txtar",
	"ShowVault":                          "ShowVault/otc-backup-vault.txtar",
	"ShowReplicationCapabilities":        "ShowReplicationCapabilities/otc-eu-de.txtar",
	"CopyBackup":                         "CopyBackup/otc-replicate.txtar",
	"DeleteBackup":                       "DeleteBackup/otc-204.txtar",
}

// recorded is one request the driver sent.
type recorded struct {
	op, method, path string
	query            url.Values
	body             string
	header           http.Header
}

// answer is what the replay server sends for an operation.
type answer struct {
	status int
	body   string
	file   string
}

func answerOf(e corpus.Example) answer {
	return answer{status: e.Response.Status, body: e.Response.Body, file: e.File}
}

// replayServer answers every request with the answer its case chose for the request's
// operation (emu.OperationName), and records the requests.
type replayServer struct {
	t       testing.TB
	url     string
	mu      sync.Mutex
	answers map[string]answer
	every   *answer // answers every request (the API gateway's answers)
	// byPath answers a request whose path ends with the key (one backup of several)
	byPath  map[string]answer
	reqs    []recorded
	missing []string
}

// requestID is the X-Request-Id every answer carries (errors must name it).
const requestID = "req-4f1c9a70d2b3"

func newReplay(t testing.TB, answers map[string]answer) *replayServer {
	s := &replayServer{t: t, answers: answers}
	hs := httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(hs.Close)
	s.url = hs.URL
	return s
}

func (s *replayServer) serve(w http.ResponseWriter, r *http.Request) {
	op := emu.OperationName(r)
	b, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.reqs = append(s.reqs, recorded{op: op, method: r.Method, path: r.URL.Path, query: r.URL.Query(), body: string(b), header: r.Header.Clone()})
	a, ok := s.answers[op]
	for suffix, b := range s.byPath {
		if strings.HasSuffix(r.URL.Path, "/"+suffix) {
			a, ok = b, true
		}
	}
	if s.every != nil {
		a, ok = *s.every, true
	}
	if !ok {
		s.missing = append(s.missing, op+" "+r.Method+" "+r.URL.Path)
	}
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.Header().Set("X-Request-Id", requestID)
	if !ok {
		w.WriteHeader(http.StatusNotImplemented)
		_, _ = io.WriteString(w, `{"error_code":"TEST.0000","error_msg":"the contract case answers no `+op+`"}`)
		return
	}
	if a.status == http.StatusNoContent {
		w.WriteHeader(a.status)
		return
	}
	w.WriteHeader(a.status)
	_, _ = io.WriteString(w, a.body)
}

func (s *replayServer) requests() []recorded {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]recorded(nil), s.reqs...)
}

// The credentials of the contract cases (errors must never show them).
const (
	contractAK      = "AKCONTRACT7Q2W9E4R"
	contractSK      = "sk-contract-3b8f0c21e7d94a6f"
	contractProject = "0b7e51d2a4c84f1e9d3a6c8b2f4e7a10"
	contractRegion  = "eu-de"
	destRegion      = "region-b"
	destProject     = "a229d1c6cad88843e5392bdcce28ec18" // the destination project of the CopyBackup examples
)

func contractDriver(t testing.TB, url string) *Platform {
	t.Helper()
	p, err := New(Config{AccessKey: contractAK, SecretKey: contractSK, Region: contractRegion, ProjectID: contractProject,
		SDRSEndpoint: url, ECSEndpoint: url, VPCEndpoint: url, CBREndpoint: url, ReadCacheTTL: -1,
		RegionProjectIDs: map[string]string{destRegion: destProject, "region-c": "cf1a9b2d3e4f50617283940a5b6c7d8e"},
		Retry:            retry.Policy{Attempts: 2, Initial: time.Millisecond, Max: time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// outcome is what a driver call gave the engine.
type outcome struct {
	err       error
	group     *platform.ProtectionGroup
	groups    []platform.ProtectionGroup
	pair      *platform.ReplicationPair
	pairs     []platform.ReplicationPair
	facts     *lifecycle.Facts
	replica   *platform.BackupReplica
	replicas  []platform.BackupReplica
	jobs      []platform.FailureJob
	lastError string
	reqs      []recorded // what the driver sent
}

// env is a case: the driver, its replay server and the corpus.
type env struct {
	t   *testing.T
	p   *Platform
	srv *replayServer
	exs []corpus.Example
	ex  corpus.Example // the example under test
	// byPath answers requests by path (see replayServer.byPath)
	byPath map[string]answer
}

// jsonOf decodes a valid example body (the corpus IDs a call needs come from the examples).
func jsonOf(t testing.TB, body string) map[string]any {
	var m map[string]any
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatalf("example body is not JSON: %v", err)
	}
	return m
}

// field walks a decoded JSON value: keys of objects, indexes of arrays.
func field(v any, path ...any) any {
	for _, k := range path {
		switch k := k.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			a, _ := v.([]any)
			if k >= len(a) {
				return nil
			}
			v = a[k]
		}
	}
	return v
}

func str(v any) string { s, _ := v.(string); return s }

// baselineID reads an ID out of an operation's baseline example.
func (e *env) baselineID(op string, path ...any) string {
	ex := mustExample(e.t, e.exs, baseline[op])
	return str(field(jsonOf(e.t, ex.Response.Body), path...))
}

// lastSegment is the last path segment of the example's request (the ID the page queries).
func lastSegment(e corpus.Example) string {
	if e.Request == nil {
		return ""
	}
	p := strings.TrimRight(e.Request.Path, "/")
	return p[strings.LastIndex(p, "/")+1:]
}

// callOf runs the driver call that issues op and returns what the engine got.
func callOf(op string) func(ctx context.Context, e *env) outcome {
	groupRead := func(ctx context.Context, e *env) outcome {
		g, err := e.p.GetGroup(ctx, e.baselineID("ShowProtectionGroup", "server_group", "id"))
		return outcome{err: err, group: &g}
	}
	invokeGroup := func(op lifecycle.Op, params map[string]string) func(ctx context.Context, e *env) outcome {
		return func(ctx context.Context, e *env) outcome {
			return outcome{err: e.p.Invoke(ctx, lifecycle.ProtectionGroup, e.baselineID("ShowProtectionGroup", "server_group", "id"), op, "contract-"+string(op), params)}
		}
	}
	switch op {
	case "ListProtectionGroups", "ListServersDetails":
		return func(ctx context.Context, e *env) outcome {
			gs, err := e.p.ListGroups(ctx)
			return outcome{err: err, groups: gs}
		}
	case "ShowProtectionGroup", "ListProtectedInstances", "NovaListAvailabilityZones":
		return groupRead
	case "ListReplications":
		return func(ctx context.Context, e *env) outcome {
			o := groupRead(ctx, e)
			if o.err != nil {
				return o
			}
			o.pairs, o.err = e.p.ListPairs(ctx)
			return o
		}
	case "ShowReplication":
		return func(ctx context.Context, e *env) outcome {
			pr, err := e.p.GetPair(ctx, lastSegment(e.ex))
			return outcome{err: err, pair: &pr}
		}
	case "UpdateReplicationName":
		return func(ctx context.Context, e *env) outcome {
			id := lastSegment(e.ex)
			if id == "" {
				id = e.baselineID("ShowReplication", "replication", "id")
			}
			return outcome{err: e.p.Invoke(ctx, lifecycle.ReplicationPair, id, lifecycle.OpUpdate, "contract-rename", map[string]string{lifecycle.ParamName: "pair_renamed_7"})}
		}
	case "ListActiveActiveDomains", "ShowVpc":
		return func(ctx context.Context, e *env) outcome {
			d := mustExample(e.t, e.exs, baseline["ListActiveActiveDomains"])
			if op == "ListActiveActiveDomains" {
				d = e.ex
			}
			m := jsonOf(e.t, d.Response.Body)
			spec := platform.GroupSpec{Name: "pg-contract", SourceZone: str(field(m, "domains", 0, "local_replication_cluster", "availability_zone")),
				TargetZone: str(field(m, "domains", 0, "remote_replication_cluster", "availability_zone")), SourceVPCID: "vpc-from-config-1"}
			f, err := e.p.ProposedGroupFacts(ctx, spec)
			return outcome{err: err, facts: &f}
		}
	case "CreateProtectionGroup":
		return func(ctx context.Context, e *env) outcome {
			m := jsonOf(e.t, mustExample(e.t, e.exs, baseline["ListActiveActiveDomains"]).Response.Body)
			g, err := e.p.CreateGroup(ctx, platform.GroupSpec{Name: "pg-contract-new", Description: "contract",
				SourceZone: str(field(m, "domains", 0, "local_replication_cluster", "availability_zone")),
				TargetZone: str(field(m, "domains", 0, "remote_replication_cluster", "availability_zone")),
				DomainID:   str(field(m, "domains", 0, "id")), SourceVPCID: "vpc-from-config-1"}, "contract-create")
			return outcome{err: err, group: &g}
		}
	case "UpdateProtectionGroupName":
		return invokeGroup(lifecycle.OpUpdate, map[string]string{lifecycle.ParamName: "pg_renamed_by_contract"})
	case "StartProtectionGroup":
		return invokeGroup(lifecycle.OpEnableProtection, nil)
	case "StopProtectionGroup":
		return invokeGroup(lifecycle.OpDisableProtection, nil)
	case "StartFailoverProtectionGroup":
		return invokeGroup(lifecycle.OpFailover, nil)
	case "StartReverseProtectionGroup":
		return invokeGroup(lifecycle.OpPlannedFailover, nil)
	case "DeleteProtectionGroup":
		return invokeGroup(lifecycle.OpDelete, nil)
	case "CreateProtectedInstance":
		return invokeGroup(lifecycle.OpAddServer, map[string]string{lifecycle.ParamServerID: "srv-contract-new-01"})
	case "DeleteProtectedInstance":
		return func(ctx context.Context, e *env) outcome {
			sid := e.baselineID("ListProtectedInstances", "protected_instances", 0, "source_server")
			return invokeGroup(lifecycle.OpRemoveServer, map[string]string{lifecycle.ParamServerID: sid})(ctx, e)
		}
	case "DetachProtectedInstanceReplication", "DeleteReplication":
		return func(ctx context.Context, e *env) outcome {
			pid := e.baselineID("ListReplications", "replications", 0, "id")
			return invokeGroup(lifecycle.OpRemoveMember, map[string]string{lifecycle.ParamPairID: pid})(ctx, e)
		}
	case "CreateDisasterRecoveryDrill":
		return invokeGroup(lifecycle.OpStartDrill, nil)
	case "ListDisasterRecoveryDrills", "DeleteDisasterRecoveryDrill":
		return invokeGroup(lifecycle.OpStopDrill, nil)
	case "ShowJobStatus":
		return func(ctx context.Context, e *env) outcome {
			gid := e.baselineID("ShowProtectionGroup", "server_group", "id")
			e.p.rememberJob(gid, lastSegment(e.ex))
			msg, err := e.p.lastError(ctx, gid, "error-starting")
			return outcome{err: err, lastError: msg}
		}
	case "ListFailureJobs":
		return func(ctx context.Context, e *env) outcome {
			gid := e.ex.Request.Query.Get("server_group_id")
			jobs, err := e.p.ListFailureJobs(ctx, gid)
			if err != nil {
				return outcome{err: err}
			}
			msg, err := e.p.lastError(ctx, gid, "error-starting")
			return outcome{err: err, jobs: jobs, lastError: msg}
		}
	case "DeleteFailureJob":
		return func(ctx context.Context, e *env) outcome {
			return outcome{err: e.p.DeleteFailureJobs(ctx, "", lastSegment(e.ex))}
		}
	case "DeleteServerGroupFailureJobs":
		return func(ctx context.Context, e *env) outcome {
			parts := strings.Split(e.ex.Request.Path, "/")
			return outcome{err: e.p.DeleteFailureJobs(ctx, parts[len(parts)-3], "")}
		}
	case "ShowServer":
		return func(ctx context.Context, e *env) outcome {
			gid := e.baselineID("ShowProtectionGroup", "server_group", "id")
			f, err := e.p.MemberFacts(ctx, gid, map[string]string{lifecycle.ParamServerID: lastSegment(e.ex)})
			return outcome{err: err, facts: &f}
		}
	case "ShowBackup", "ShowVault", "ShowReplicationCapabilities":
		return func(ctx context.Context, e *env) outcome {
			if strings.Contains(e.ex.File, "replica-") { // a replica's destination backup
				r, err := e.p.GetReplica(ctx, replicaID("b-contract-1", destRegion))
				return outcome{err: err, replica: &r}
			}
			spec := platform.ReplicaSpec{BackupID: "b-contract-1", DestinationRegion: destRegion, DestinationVaultID: "v-contract-1", Name: "rep_contract"}
			if op == "ShowReplicationCapabilities" {
				spec.DestinationRegion = str(field(jsonOf(e.t, e.ex.Response.Body), "regions", 0, "replication_destinations", 0))
				spec.DestinationProjectID = destProject
			}
			f, err := e.p.ProposedReplicaFacts(ctx, spec)
			return outcome{err: err, facts: &f}
		}
	case "ListBackups":
		return func(ctx context.Context, e *env) outcome {
			rs, err := e.p.ListReplicas(ctx)
			return outcome{err: err, replicas: rs}
		}
	case "CopyBackup":
		return func(ctx context.Context, e *env) outcome {
			return outcome{err: e.p.copyBackup(ctx, platform.ReplicaSpec{BackupID: "b-contract-1", DestinationRegion: destRegion,
				DestinationVaultID: "v-contract-1", Name: "rep_contract", Description: "contract replica"})}
		}
	case "DeleteBackup":
		return func(ctx context.Context, e *env) outcome {
			return outcome{err: e.p.Invoke(ctx, lifecycle.BackupReplica, replicaID("b-contract-1", destRegion), lifecycle.OpDelete, "contract-del", nil)}
		}
	case "APIGatewayErrorCodes":
		return func(ctx context.Context, e *env) outcome {
			gs, err := e.p.ListGroups(ctx)
			return outcome{err: err, groups: gs}
		}
	}
	return nil
}

// check collects a case's problems (an expectation of a pending case may fail quietly).
type check struct{ problems []string }

func (c *check) errorf(format string, args ...any) {
	c.problems = append(c.problems, fmt.Sprintf(format, args...))
}

// expectation checks a case's outcome.
type expectation func(c *check, o outcome)

// isClass checks the error's class (and code, when given).
func isClass(class platform.Class, code string) expectation {
	return func(c *check, o outcome) {
		var pe *platform.Error
		if !errors.As(o.err, &pe) || pe.Class != class || (code != "" && pe.Code != code) {
			c.errorf("want a %s error %s, got %v", class, code, o.err)
		}
	}
}

// all runs several expectations.
func all(es ...expectation) expectation {
	return func(c *check, o outcome) {
		for _, e := range es {
			e(c, o)
		}
	}
}

func noError(c *check, o outcome) {
	if o.err != nil {
		c.errorf("unexpected error: %v", o.err)
	}
}

// expect is the expectation of every example file (a file without one fails).
var expect = map[string]expectation{}

// pending are expectations of defects the corpus revealed that a later commit fixes: the case
// runs and must still fail (a pending case that passes is an error, so the list stays true).
var pending = map[string]string{}

// internals are what no error may show: SDK internals, request templates, credentials,
// the vendor's internal task names.
var internals = regexp.MustCompile(`\{project_id\}|\{id\}|model\.|readUint|json: |github\.com|SDK-HMAC|X-Sdk-Date|` +
	regexp.QuoteMeta(contractAK) + `|` + regexp.QuoteMeta(contractSK) + `|Task-fail`)

func TestCorpusContract(t *testing.T) {
	exs := loadCorpus(t)
	for _, ex := range exs {
		if ex.Response == nil {
			continue
		}
		ex := ex
		t.Run(ex.File, func(t *testing.T) {
			t.Parallel()
			call := callOf(ex.Operation)
			if call == nil {
				t.Fatalf("no driver call issues %s: add it to callOf", ex.Operation)
			}
			answers := map[string]answer{}
			for op, f := range baseline {
				answers[op] = answerOf(mustExample(t, exs, f))
			}
			e := &env{t: t, exs: exs, ex: ex}
			if ex.Operation != "APIGatewayErrorCodes" {
				answers[ex.Operation] = answerOf(ex)
			}
			if f := scenario[ex.File]; f != nil {
				f(e, answers)
			}
			e.srv = newReplay(t, answers)
			e.srv.byPath = e.byPath
			if ex.Operation == "APIGatewayErrorCodes" {
				a := answerOf(ex)
				e.srv.every = &a
			}
			e.p = contractDriver(t, e.srv.url)
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			o := call(ctx, e)
			o.reqs = e.srv.requests()
			t.Log(o.summary())
			want, ok := expect[ex.File]
			if !ok {
				t.Fatalf("no expectation for %s: write what the engine must get from it (above) in expect", ex.File)
			}
			c := &check{}
			checkHygiene(c, o)
			checkRequests(c, exs, e.srv.requests())
			if len(e.srv.missing) > 0 {
				c.errorf("the driver called operations the case does not answer: %v", e.srv.missing)
			}
			want(c, o)
			if why := pending[ex.File]; why != "" {
				if len(c.problems) == 0 {
					t.Errorf("pending (%s), but the case passes: remove it from pending", why)
					return
				}
				var names []string
				for _, tag := range strings.Fields(why) {
					names = append(names, tag+": "+defects[tag])
				}
				t.Skipf("pending, fixed later (%s)\n%s", strings.Join(names, "; "), strings.Join(c.problems, "\n"))
			}
			for _, p := range c.problems {
				t.Error(p)
			}
		})
	}
}

// checkHygiene: an error the engine gets is classified and names no internals and no
// credentials.
func checkHygiene(c *check, o outcome) {
	if m := internals.FindString(o.lastError); m != "" {
		c.errorf("last_error shows %q: %q", m, o.lastError)
	}
	if o.err == nil {
		return
	}
	var pe *platform.Error
	if !errors.As(o.err, &pe) {
		c.errorf("an unclassified error: %v", o.err)
		return
	}
	if m := internals.FindString(o.err.Error()); m != "" {
		c.errorf("the error shows %q: %v", m, o.err)
	}
}

// documentedQuery are the query parameters the API reference lists per operation (beyond
// those its examples show): the list pages' field tables.
var documentedQuery = map[string][]string{
	"ListProtectionGroups":       {"limit", "offset", "status", "name", "query_type", "availability_zone"},
	"ListProtectedInstances":     {"server_group_id", "server_group_ids", "protected_instance_ids", "limit", "offset", "status", "name", "query_type", "availability_zone"},
	"ListReplications":           {"server_group_id", "server_group_ids", "protected_instance_id", "limit", "offset", "status", "name", "query_type", "availability_zone"},
	"ListDisasterRecoveryDrills": {"server_group_id", "name", "status", "drill_vpc_id", "limit", "offset"},
	"ListFailureJobs":            {"server_group_id", "resource_name", "failure_status", "resource_type", "limit", "offset"},
	"ListServersDetails":         {"limit", "offset", "flavor", "name", "status", "tags", "reservation_id", "enterprise_project_id", "ip", "ip_eq", "server_id"},
	"ListBackups":                {"limit", "offset", "show_replication", "sort", "vault_id", "resource_id", "resource_type", "image_type", "status", "name", "checkpoint_id"},
}

// idLike is a path segment that is an identifier (a project, group, job, … id).
var idLike = regexp.MustCompile(`^[0-9A-Za-z:_-]*[0-9][0-9A-Za-z:_-]*$`)

func pathShape(p string) string {
	segs := strings.Split(strings.Trim(p, "/"), "/")
	for i, s := range segs {
		if i > 0 && idLike.MatchString(s) && (len(s) >= 6 || strings.ContainsAny(s, "-:")) && s != "v2.1" {
			segs[i] = "*"
		}
	}
	return "/" + strings.Join(segs, "/")
}

// checkRequests compares every request the driver sent with the documented requests of its
// operation: method and path, query parameters, and body keys with their JSON types.
func checkRequests(c *check, exs []corpus.Example, reqs []recorded) {
	byOp := corpus.ByOperation(exs)
	for _, r := range reqs {
		var docs []*corpus.Request
		for _, e := range byOp[r.op] {
			if e.Request != nil {
				docs = append(docs, e.Request)
			}
		}
		if r.op == "" {
			c.errorf("the driver sent %s %s, which is no documented operation", r.method, r.path)
			continue
		}
		if len(docs) == 0 {
			continue // the operation has only response examples (README)
		}
		shapeOK := false
		for _, d := range docs {
			shapeOK = shapeOK || (d.Method == r.method && pathShape(d.Path) == pathShape(r.path))
		}
		if !shapeOK {
			c.errorf("%s: the driver sent %s %s, documented: %s %s", r.op, r.method, pathShape(r.path), docs[0].Method, pathShape(docs[0].Path))
		}
		allowed := map[string]bool{}
		for _, q := range documentedQuery[r.op] {
			allowed[q] = true
		}
		for _, d := range docs {
			for k := range d.Query {
				allowed[k] = true
			}
		}
		for k := range r.query {
			if !allowed[k] {
				c.errorf("%s: query parameter %q is not documented", r.op, k)
			}
		}
		if strings.TrimSpace(r.body) == "" {
			continue
		}
		sent := flatten(r.body)
		doc := map[string]string{}
		for _, d := range docs {
			for k, v := range flatten(d.Body) {
				doc[k] = v
			}
		}
		for k, typ := range sent {
			if dt, ok := doc[k]; !ok {
				c.errorf("%s: body key %s is not in the documented requests (%s)", r.op, k, keys(doc))
			} else if dt != typ {
				c.errorf("%s: body key %s is a %s, documented as a %s", r.op, k, typ, dt)
			}
		}
	}
}

// flatten maps every key path of a JSON body to its JSON type ("a.b": "string"; an array's
// items are "a[]"). An undecodable body flattens to nothing.
func flatten(body string) map[string]string {
	var v any
	if json.Unmarshal([]byte(body), &v) != nil {
		return map[string]string{}
	}
	out := map[string]string{}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch v := v.(type) {
		case map[string]any:
			if prefix != "" {
				out[prefix] = "object"
			}
			for k, x := range v {
				p := k
				if prefix != "" {
					p = prefix + "." + k
				}
				walk(p, x)
			}
		case []any:
			out[prefix] = "array"
			for _, x := range v {
				walk(prefix+"[]", x)
			}
		case string:
			out[prefix] = "string"
		case float64:
			out[prefix] = "number"
		case bool:
			out[prefix] = "bool"
		case nil:
			out[prefix] = "null"
		}
	}
	walk("", v)
	return out
}

func keys(m map[string]string) string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}

// summary is the outcome as the test log shows it.
func (o outcome) summary() string {
	var b strings.Builder
	if o.err != nil {
		fmt.Fprintf(&b, "err: %v\n", o.err)
	}
	group := func(g platform.ProtectionGroup) {
		f := g.Observed.Facts
		fmt.Fprintf(&b, "group %s %q: %s active=%s repl=%q health=%q protection=%v firstsync=%v pairs=%v servers=%v active_healthy=%v standby_healthy=%v unknown=%v last_error=%q\n",
			g.ID, g.Name, lifecycle.RenderState(g.State, g.FailedOp), g.ActiveSite, g.ReplicationStatus, g.Health, g.ProtectionEnabled, g.FirstSyncDone,
			g.PairIDs, g.ServerIDs, f.ActiveSiteHealthy, f.StandbySiteHealthy, f.Unknown, g.LastError)
	}
	if o.group != nil {
		group(*o.group)
	}
	for _, g := range o.groups {
		group(g)
	}
	pair := func(p platform.ReplicationPair) {
		f := p.Observed.Facts
		fmt.Fprintf(&b, "pair %s %q: %s active=%s group=%s vols=%s,%s active_healthy=%v standby_healthy=%v unknown=%v\n", p.ID, p.Name,
			lifecycle.RenderState(p.State, p.FailedOp), p.ActiveSite, p.GroupID, p.PrimaryVolumeID, p.SecondaryVolumeID, f.ActiveSiteHealthy, f.StandbySiteHealthy, f.Unknown)
	}
	if o.pair != nil {
		pair(*o.pair)
	}
	for _, p := range o.pairs {
		pair(p)
	}
	if o.facts != nil {
		fmt.Fprintf(&b, "facts: %+v\n", *o.facts)
	}
	for _, r := range append(o.replicas, func() []platform.BackupReplica {
		if o.replica != nil {
			return []platform.BackupReplica{*o.replica}
		}
		return nil
	}()...) {
		fmt.Fprintf(&b, "replica %s: %s dest=%s last_error=%q\n", r.ID, lifecycle.RenderState(r.State, r.FailedOp), r.ReplicaBackupID, r.LastError)
	}
	for _, j := range o.jobs {
		fmt.Fprintf(&b, "failure job %+v\n", j)
	}
	if o.lastError != "" {
		fmt.Fprintf(&b, "last_error: %q\n", o.lastError)
	}
	return b.String()
}

func init() {
	// TEMP: dump
	for _, f := range []string{} {
		_ = f
	}
}
