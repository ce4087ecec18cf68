package alibaba_test

// Driver contract tests (issue 23): every example of the vendor's corpus (testdata/corpus,
// restated from Alibaba's published examples) is replayed into the driver through a local
// server, and what the engine gets — state, members, facts, error class, last_error — is
// asserted; every request the driver sends is checked against the documented request (method,
// Action, parameter names, region and endpoint). The cases are driven by the corpus files: a new
// example file is a new case, and a file no case covers fails TestContractCoversTheCorpus.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/alibaba"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/corpus"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/retry"
)

// The IDs of the corpus's examples.
const (
	cPair1  = "pair-cn-7q2w9e4r1t"
	cPair2  = "pair-cn-5t8y1u4i7o"
	cGroup  = "pg-3m8k2q7w5e"
	cDisk1  = "d-bp1k7m3q9w2e5r8t4y6u"
	cDisk2  = "d-uf6z2x8c4v1b7n3m9k5j"
	cDrill  = "pg-drill-6h2j9k4l1z"
	cRegion = "cn-hangzhou"
)

// The contract tests' credentials: none of them may appear in an error or a log line.
const (
	cAccessKeyID = "LTAI5tCONTRACTkeyID7x9"
	cSecret      = "contract-secret-Qw3rTy8uI0"
	cSTSToken    = "STS.CONTRACTtokenVALUE4n2m"
)

var corpusExamples = func() []corpus.Example {
	exs, err := corpus.Load("testdata/corpus")
	if err != nil {
		panic(err)
	}
	return exs
}()

func example(t testing.TB, file string) corpus.Example {
	t.Helper()
	ex, ok := corpus.Find(corpusExamples, file)
	if !ok {
		t.Fatalf("no corpus example %s", file)
	}
	return ex
}

// answer is one HTTP answer of the fake cloud.
type answer struct {
	status int
	body   string
}

func answerOf(ex corpus.Example) answer { return answer{ex.Response.Status, ex.Response.Body} }

// sentRequest is a request as the fake cloud received it.
type sentRequest struct {
	Method, Host, Path string
	Params             url.Values
}

// fakeCloud answers every request by its Action (ECS actions as "ecs:<Action>") with an answer
// taken from the corpus, and records the requests. Every request reaches it through the driver's
// Config.Transport, whatever host the driver chose: the host is recorded.
type fakeCloud struct {
	t       testing.TB
	srv     *httptest.Server
	mu      sync.Mutex
	answers map[string]answer
	sent    []sentRequest
}

func actionKey(p url.Values) string {
	if p.Get("Version") == "2014-05-26" {
		return "ecs:" + p.Get("Action")
	}
	return p.Get("Action")
}

func newFakeCloud(t testing.TB) *fakeCloud {
	f := &fakeCloud{t: t, answers: map[string]answer{}}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		f.mu.Lock()
		f.sent = append(f.sent, sentRequest{Method: r.Method, Host: r.Header.Get("X-Original-Host"), Path: r.URL.Path, Params: r.Form})
		a, ok := f.answers[actionKey(r.Form)]
		f.mu.Unlock()
		if ok && a.status < 0 { // the connection drops without an answer
			if hj, ok := w.(http.Hijacker); ok {
				if c, _, err := hj.Hijack(); err == nil {
					_ = c.Close()
				}
			}
			return
		}
		if !ok {
			w.WriteHeader(500)
			_, _ = fmt.Fprintf(w, `{"RequestId":"fake","Code":"NoAnswer","Message":"the contract test has no answer for %s"}`, actionKey(r.Form))
			return
		}
		w.Header().Set("Content-Type", "application/json;charset=utf-8")
		w.WriteHeader(a.status)
		_, _ = io.WriteString(w, a.body)
	}))
	t.Cleanup(f.srv.Close)
	f.baseWorld()
	return f
}

// RoundTrip sends every request to the fake cloud, keeping the host the driver addressed.
func (f *fakeCloud) RoundTrip(r *http.Request) (*http.Response, error) {
	u, _ := url.Parse(f.srv.URL)
	r = r.Clone(r.Context())
	r.Header.Set("X-Original-Host", r.URL.Host)
	r.URL.Scheme, r.URL.Host, r.Host = u.Scheme, u.Host, u.Host
	return http.DefaultTransport.RoundTrip(r)
}

func (f *fakeCloud) set(key string, a answer) {
	f.mu.Lock()
	f.answers[key] = a
	f.mu.Unlock()
}

// mostInOneRegion is the most requests of reqs sent with one RegionId: a call's attempts (the
// disk search sends its regions' requests at once, each region's with its own attempts).
func mostInOneRegion(reqs []sentRequest) int {
	n := map[string]int{}
	most := 0
	for _, r := range reqs {
		k := r.Params.Get("RegionId")
		n[k]++
		most = max(most, n[k])
	}
	return most
}

func (f *fakeCloud) requests(key string) []sentRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []sentRequest
	for _, r := range f.sent {
		if key == "" || actionKey(r.Params) == key {
			out = append(out, r)
		}
	}
	return out
}

// baseWorld: every operation answers with its documented success example; the EBS regions are
// the example's, with the configured region added (both sides of the examples' pair); ECS
// DescribeDisks lists both disks of the example pair (the first attached, the second free).
func (f *fakeCloud) baseWorld() {
	for _, ex := range corpusExamples {
		if ex.Response == nil || ex.Response.Status != 200 || !strings.HasSuffix(ex.File, "success.txtar") {
			continue
		}
		key := ex.Operation
		if strings.HasPrefix(path.Base(ex.File), "ecs-") || ex.Operation == "DescribeDisks" {
			key = "ecs:" + key
		}
		f.answers[key] = answerOf(ex)
	}
	f.answers["DescribeRegions"] = answer{200, edit(f.t, example(f.t, "DescribeRegions/ebs-success.txtar").Response.Body, func(m map[string]any) {
		regions := m["Regions"].([]any)
		hz := clone(regions[0]).(map[string]any)
		hz["RegionId"], hz["RegionEndpoint"] = cRegion, "ebs.cn-hangzhou.aliyuncs.com"
		zones := hz["Zones"].([]any)
		for _, z := range []string{"cn-hangzhou-h", "cn-hangzhou-i", "cn-hangzhou-j"} {
			zz := clone(zones[0]).(map[string]any)
			zz["ZoneId"] = z
			zones = append(zones, zz)
		}
		hz["Zones"] = zones[1:]
		m["Regions"] = append(regions, hz)
	})}
	f.answers["ecs:DescribeDisks"] = answer{200, disksAnswer(f.t, nil)}
	// DescribePairDrills (a replicating pair's drills, read with the pair): no drill by default,
	// in the shape of its documented example
	f.answers["DescribePairDrills"] = answer{200, edit(f.t, example(f.t, "DescribePairDrills/success.txtar").Response.Body, func(m map[string]any) {
		m["Drills"], m["TotalCount"], m["NextToken"] = []any{}, 0, ""
	})}
}

// disksAnswer is the DescribeDisks example listing both disks of the example pair: the first as
// published (In_use, attached), the second in cn-shanghai, Available; second edits the second.
func disksAnswer(t testing.TB, second func(d map[string]any)) string {
	return edit(t, example(t, "DescribeDisks/success.txtar").Response.Body, func(m map[string]any) {
		list := m["Disks"].(map[string]any)["Disk"].([]any)
		d2 := clone(list[0]).(map[string]any)
		d2["DiskId"], d2["RegionId"], d2["ZoneId"], d2["Type"] = cDisk2, "cn-shanghai", "cn-shanghai-l", "data"
		d2["Status"], d2["InstanceId"], d2["MountInstanceNum"] = "Available", "", 0
		d2["Attachments"] = map[string]any{"Attachment": []any{}}
		d2["MountInstances"] = map[string]any{"MountInstance": []any{}}
		if second != nil {
			second(d2)
		}
		list[0].(map[string]any)["Size"] = 40
		d2["Size"] = 40
		m["Disks"].(map[string]any)["Disk"] = append(list, d2)
		delete(m, "NextToken") // one page
	})
}

// edit decodes a JSON body, lets fn change it and encodes it again (a variant of an example:
// one documented value replaced by another documented value).
func edit(t testing.TB, body string, fn func(m map[string]any)) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	fn(m)
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func clone(v any) any {
	b, _ := json.Marshal(v)
	var out any
	_ = json.Unmarshal(b, &out)
	return out
}

// pairsWith is the DescribeDiskReplicaPairs example with the pair's fields edited.
func pairsWith(t testing.TB, fn func(p map[string]any)) string {
	return edit(t, example(t, "DescribeDiskReplicaPairs/success.txtar").Response.Body, func(m map[string]any) {
		fn(m["ReplicaPairs"].([]any)[0].(map[string]any))
	})
}

// groupsWith is the DescribeDiskReplicaGroups example with the group's fields edited.
func groupsWith(t testing.TB, fn func(g map[string]any)) string {
	return edit(t, example(t, "DescribeDiskReplicaGroups/success.txtar").Response.Body, func(m map[string]any) {
		fn(m["ReplicaGroups"].([]any)[0].(map[string]any))
	})
}

// contractRetry: three attempts, milliseconds apart (a retryable answer costs three requests).
var contractRetry = retry.Policy{Attempts: 3, Initial: time.Millisecond, Max: 2 * time.Millisecond}

func contractDriver(t testing.TB, f *fakeCloud) *alibaba.Driver {
	t.Helper()
	d, err := alibaba.New(alibaba.Config{AccessKeyID: cAccessKeyID, AccessKeySecret: cSecret, SecurityToken: cSTSToken,
		Region: cRegion, Transport: f, ReadCacheTTL: -1, Retry: contractRetry, Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// probe runs the driver call that sends an operation's request, in the base world (after
// setup, if any). result is what the call returned for the assertions.
type probe struct {
	setup func(t testing.TB, f *fakeCloud)
	run   func(ctx context.Context, d *alibaba.Driver) (result any, err error)
}

func invokePair(op lifecycle.Op, params map[string]string) probe {
	return probe{run: func(ctx context.Context, d *alibaba.Driver) (any, error) {
		return nil, d.Invoke(ctx, lifecycle.ReplicationPair, cPair1, op, "tf-contract-"+string(op), params)
	}}
}

func invokeGroup(op lifecycle.Op, params map[string]string) probe {
	return probe{run: func(ctx context.Context, d *alibaba.Driver) (any, error) {
		return nil, d.Invoke(ctx, lifecycle.ProtectionGroup, cGroup, op, "tf-contract-"+string(op), params)
	}}
}

// probes name, per operation (ECS DescribeRegions: "ecs:DescribeRegions"), the driver call
// that sends it.
var probes = map[string]probe{
	"DescribeRegions": {run: func(ctx context.Context, d *alibaba.Driver) (any, error) { return nil, d.CheckCredentials(ctx) }},
	"DescribeDiskReplicaPairs": {run: func(ctx context.Context, d *alibaba.Driver) (any, error) {
		return d.GetPair(ctx, cPair1)
	}},
	"DescribeDiskReplicaPairProgress": {
		setup: func(t testing.TB, f *fakeCloud) {
			f.set("DescribeDiskReplicaPairs", answer{200, pairsWith(t, func(p map[string]any) { p["Status"] = "initial_syncing" })})
		},
		run: func(ctx context.Context, d *alibaba.Driver) (any, error) { return d.GetPair(ctx, cPair1) },
	},
	"CreateDiskReplicaPair": {run: func(ctx context.Context, d *alibaba.Driver) (any, error) {
		return d.CreatePair(ctx, platform.PairSpec{Name: "orders-db-data", Description: "Orders database data disk.",
			PrimaryVolumeID: cDisk1, SecondaryVolumeID: cDisk2, BandwidthKbps: 20480}, "tf-contract-create")
	}},
	// a subscription pair in a resource group (request-prepay.txtar)
	"CreateDiskReplicaPair/prepay": {run: func(ctx context.Context, d *alibaba.Driver) (any, error) {
		return d.CreatePair(ctx, platform.PairSpec{Name: "orders-db-data", Description: "Orders database data disk.",
			PrimaryVolumeID: cDisk1, SecondaryVolumeID: cDisk2, ResourceGroupID: "rg-aek2finance01",
			Billing: lifecycle.Billing{PaymentType: lifecycle.Subscription, Period: 12}}, "tf-contract-create")
	}},
	"ModifyDiskReplicaPair": {run: func(ctx context.Context, d *alibaba.Driver) (any, error) {
		return d.UpdatePair(ctx, cPair1, platform.PairSpec{Name: "orders-db-data-2", Description: "Renamed.", RPOSeconds: 900})
	}},
	// the documented pair carries tags: SetTags with other tags adds (TagResources) and
	// removes (UntagResources) what differs
	"TagResources": {run: func(ctx context.Context, d *alibaba.Driver) (any, error) {
		return nil, d.SetTags(ctx, lifecycle.ReplicationPair, cPair1, map[string]string{"team": "dr"})
	}},
	"UntagResources": {run: func(ctx context.Context, d *alibaba.Driver) (any, error) {
		return nil, d.SetTags(ctx, lifecycle.ReplicationPair, cPair1, nil)
	}},
	// the documented pair moved to another resource group
	"ChangeResourceGroup": {run: func(ctx context.Context, d *alibaba.Driver) (any, error) {
		return nil, d.ChangeResourceGroup(ctx, lifecycle.ReplicationPair, cPair1, "rg-aek2finance01")
	}},
	"StartDiskReplicaPair":     invokePair(lifecycle.OpStart, nil),
	"StopDiskReplicaPair":      invokePair(lifecycle.OpStop, nil),
	"FailoverDiskReplicaPair":  invokePair(lifecycle.OpFailover, nil),
	"ReprotectDiskReplicaPair": invokePair(lifecycle.OpReprotect, nil),
	"DeleteDiskReplicaPair":    invokePair(lifecycle.OpDelete, nil),
	"DescribeDiskReplicaGroups": {run: func(ctx context.Context, d *alibaba.Driver) (any, error) {
		return d.GetGroup(ctx, cGroup)
	}},
	"CreateDiskReplicaGroup": {run: func(ctx context.Context, d *alibaba.Driver) (any, error) {
		return d.CreateGroup(ctx, platform.GroupSpec{Name: "orders-group", Description: "Orders service disks.", SourceRegion: cRegion,
			SourceZone: "cn-hangzhou-i", TargetRegion: "cn-shanghai", TargetZone: "cn-shanghai-l"}, "tf-contract-create")
	}},
	"ModifyDiskReplicaGroup": {run: func(ctx context.Context, d *alibaba.Driver) (any, error) {
		return d.UpdateGroup(ctx, cGroup, platform.GroupSpec{Name: "orders-group-2", Description: "Renamed."})
	}},
	"StartDiskReplicaGroup":     invokeGroup(lifecycle.OpEnableProtection, nil),
	"StopDiskReplicaGroup":      invokeGroup(lifecycle.OpDisableProtection, nil),
	"FailoverDiskReplicaGroup":  invokeGroup(lifecycle.OpFailover, nil),
	"ReprotectDiskReplicaGroup": invokeGroup(lifecycle.OpReprotect, nil),
	"DeleteDiskReplicaGroup":    invokeGroup(lifecycle.OpDelete, nil),
	"AddDiskReplicaPair":        invokeGroup(lifecycle.OpAddMember, map[string]string{lifecycle.ParamPairID: cPair1}),
	"RemoveDiskReplicaPair":     invokeGroup(lifecycle.OpRemoveMember, map[string]string{lifecycle.ParamPairID: cPair1}),
	"StartPairDrill":            invokePair(lifecycle.OpStartDrill, nil),
	// the drill the documented listing holds is the one cleared
	"ClearPairDrill": {setup: func(t testing.TB, f *fakeCloud) {
		f.set("DescribePairDrills", answerOf(example(t, "DescribePairDrills/success.txtar")))
	}, run: invokePair(lifecycle.OpStopDrill, nil).run},
	"DescribePairDrills": {run: func(ctx context.Context, d *alibaba.Driver) (any, error) {
		return d.GetPair(ctx, cPair1)
	}},
	"StartReplicaGroupDrill": invokeGroup(lifecycle.OpStartDrill, nil),
	"ClearReplicaGroupDrill": invokeGroup(lifecycle.OpStopDrill, nil),
	"DescribeReplicaGroupDrills": {run: func(ctx context.Context, d *alibaba.Driver) (any, error) {
		return d.GetGroup(ctx, cGroup)
	}},
	"DescribeDisks": {run: func(ctx context.Context, d *alibaba.Driver) (any, error) {
		return d.ProposedPairFacts(ctx, platform.PairSpec{PrimaryVolumeID: cDisk1, SecondaryVolumeID: cDisk2})
	}},
	// a disk in no replication-capable region: the driver lists every ECS region to look there
	"ecs:DescribeRegions": {run: func(ctx context.Context, d *alibaba.Driver) (any, error) {
		return d.ProposedPairFacts(ctx, platform.PairSpec{PrimaryVolumeID: cDisk1, SecondaryVolumeID: "d-elsewhere0000000001"})
	}},
}

// probeKey is the probe (and answer key) of an example.
func probeKey(ex corpus.Example) string {
	if strings.HasPrefix(path.Base(ex.File), "ecs-") {
		return "ecs:" + ex.Operation
	}
	return ex.Operation
}

func answerKey(ex corpus.Example) string {
	if ex.Operation == "DescribeDisks" {
		return "ecs:DescribeDisks"
	}
	return probeKey(ex)
}

// wantClass is the error class the engine must get for each documented error code, from what
// the code means in the vendor's documentation (vendor-lifecycles §1.5, the idempotence page's
// retry rule), written independently of the driver's classification.
var wantClass = map[string]platform.Class{
	"Forbidden":                                    platform.ClassInvalid, // RAM permission: fix the access key's policy
	"Forbidden.Action":                             platform.ClassInvalid,
	"NoPermission.SLR":                             platform.ClassInvalid,
	"Unauthorized.EmptyRegion":                     platform.ClassInvalid,
	"InvalidAccessKeyId.NotFound":                  platform.ClassInvalid, // credentials
	"SignatureDoesNotMatch":                        platform.ClassInvalid,
	"IdempotentParameterMismatch":                  platform.ClassInvalid, // R001-4
	"InvalidParameter":                             platform.ClassInvalid,
	"InvalidParameter.Conflict":                    platform.ClassInvalid,
	"InvalidParameter.Format":                      platform.ClassInvalid,
	"InvalidParameter.DiskIds":                     platform.ClassInvalid,
	"InvalidDiskIds.Malformed":                     platform.ClassInvalid,
	"InvalidDiskIds.ValueNotSupported":             platform.ClassInvalid,
	"InvalidRegion.NotFound":                       platform.ClassInvalid,
	"InvalidResourceType.NotFound":                 platform.ClassInvalid,
	"InvalidResourceGroup.NotFound":                platform.ClassInvalid,  // ChangeResourceGroup: the group named does not exist — fix resource_group_id
	"InvalidResourceId.NotFound":                   platform.ClassNotFound, // ChangeResourceGroup: the object moved is gone
	"InvalidAcceptLanguage.NotFound":               platform.ClassInvalid,
	"Invalid.InstanceChargeType":                   platform.ClassInvalid,
	"InvalidApi.NotFound":                          platform.ClassInvalid, // the API, not the object, is missing
	"MissingParameter":                             platform.ClassInvalid,
	"MissingParamter.RegionId":                     platform.ClassInvalid,
	"UnsupportedOperation":                         platform.ClassInvalid,
	"InvalidArgument":                              platform.ClassInvalid,
	"InternalError":                                platform.ClassRetryable, // 500
	"RequestTimeout":                               platform.ClassRetryable, // 504, "please try again later"
	"LastTokenProcessing":                          platform.ClassRetryable, // the same token is still being processed
	"Throttling":                                   platform.ClassRetryable,
	"Throttling.User":                              platform.ClassRetryable,
	"OperationDenied.PairInitializing":             platform.ClassRetryable, // "please try again later"
	"NoSuchResource":                               platform.ClassNotFound,
	"InvalidAccountStatus.NotEnoughBalance":        platform.ClassQuota,
	"OperationDenied.QuotaExceed":                  platform.ClassQuota,
	"OperationDenied.TooMuchEmptyGroup":            platform.ClassQuota,
	"OperationDenied.GroupTotalDiskCapacityLimit":  platform.ClassQuota,
	"OperationDenied.OperateNotAllowedForPrimary":  platform.ClassInvalid, // the call's region (R001-3)
	"OperationDenied.OperateNotAllowedForStandby":  platform.ClassInvalid,
	"OperationDenied.StartDrillShouldOnDestRegion": platform.ClassInvalid,
	// every other OperationDenied code: the object's state or membership forbids it now
	"OperationDenied":                                 platform.ClassPreconditionFailed,
	"OperationDenied.InvalidStatus":                   platform.ClassPreconditionFailed,
	"OperationDenied.GroupHasPair":                    platform.ClassPreconditionFailed,
	"OperationDenied.GroupStatusCannotAddPair":        platform.ClassPreconditionFailed,
	"OperationDenied.GroupStatusCannotRemovePair":     platform.ClassPreconditionFailed,
	"OperationDenied.ManualSyncLimit":                 platform.ClassPreconditionFailed, // V-SYNC-ONCE: never retried
	"OperationDenied.NoPairInGroup":                   platform.ClassPreconditionFailed,
	"OperationDenied.PairGroupAZoneConflict":          platform.ClassPreconditionFailed,
	"OperationDenied.PairGroupStatusConflict":         platform.ClassPreconditionFailed,
	"OperationDenied.PairInAnotherGroup":              platform.ClassPreconditionFailed,
	"OperationDenied.PairNotInGroup":                  platform.ClassPreconditionFailed,
	"OperationDenied.PairStatusCannotAddToGroup":      platform.ClassPreconditionFailed,
	"OperationDenied.PairStatusCannotRemoveFromGroup": platform.ClassPreconditionFailed,
	"OperationDenied.PairsExceedInGroup":              platform.ClassPreconditionFailed,
	"OperationDenied.RecoverPointNotFound":            platform.ClassPreconditionFailed,
	"OperationDenied.StandbyDeviceAttached":           platform.ClassPreconditionFailed,
}

// doneAlready: error answers that mean the operation's goal holds already, so the driver
// reports success (a retried call whose first attempt went through).
var doneAlready = map[string]string{
	"ClearReplicaGroupDrill/error-NoSuchResource.txtar":                "the drill the driver just listed is gone: cleared already",
	"RemoveDiskReplicaPair/error-OperationDenied.PairNotInGroup.txtar": "the pair is in no group: removed already",
}

// wantRule: the lifecycle rule an error carries, where the refusal is one of the engine's rules.
var wantRule = map[string]string{
	"OperationDenied.OperateNotAllowedForPrimary":  "R001-3",
	"OperationDenied.OperateNotAllowedForStandby":  "R001-3",
	"OperationDenied.StartDrillShouldOnDestRegion": "R001-3",
	"OperationDenied.RecoverPointNotFound":         "V-FIRST-SYNC",
	"OperationDenied.ManualSyncLimit":              "V-SYNC-ONCE",
	"OperationDenied.PairsExceedInGroup":           "V-GRP-MEMBERS",
}

// knownDefects are the cases that fail before their fix (each fix commit removes its entry);
// CONTRACT_ALL=1 runs them anyway.
var knownDefects = map[string]string{}

func isErrorExample(ex corpus.Example) bool {
	b := path.Base(ex.File)
	return ex.Response != nil && (strings.HasPrefix(b, "error-") || strings.HasPrefix(b, "ecs-error-") || strings.HasPrefix(b, "envelope-"))
}

// TestContractErrors replays every documented error: the class the engine gets, the code, the
// rule where one applies, how often the call was sent (a retryable answer is retried, anything
// else never: V-NO-RETRY), and a message that says the vendor's code, message and request ID
// and nothing secret.
func TestContractErrors(t *testing.T) {
	t.Parallel()
	for _, ex := range corpusExamples {
		if !isErrorExample(ex) {
			continue
		}
		t.Run(ex.File, func(t *testing.T) {
			t.Parallel()
			if why, ok := knownDefects[ex.File]; ok && os.Getenv("CONTRACT_ALL") == "" {
				t.Skip("known defect: " + why)
			}
			var env struct{ Code, Message, RequestId string }
			if err := json.Unmarshal([]byte(ex.Response.Body), &env); err != nil {
				t.Fatalf("the example's body: %v", err)
			}
			pr, ok := probes[probeKey(ex)]
			if !ok {
				t.Fatalf("no probe for %s", probeKey(ex))
			}
			f := newFakeCloud(t)
			if pr.setup != nil {
				pr.setup(t, f)
			}
			f.set(answerKey(ex), answerOf(ex))
			d := contractDriver(t, f)
			_, err := pr.run(context.Background(), d)
			sent := len(f.requests(answerKey(ex)))
			if ex.Operation == "DescribeDisks" {
				sent = mostInOneRegion(f.requests(answerKey(ex))) // the disk search's regions at once
			}
			if why, ok := doneAlready[ex.File]; ok {
				if err != nil {
					t.Fatalf("%s, so the call succeeds: %v", why, err)
				}
				return
			}
			want, ok := wantClass[env.Code]
			if !ok {
				t.Fatalf("code %s: no expected class (add it to wantClass with the reason)", env.Code)
			}
			var pe *platform.Error
			if !errors.As(err, &pe) {
				t.Fatalf("%v: not a *platform.Error", err)
			}
			if pe.Class != want || pe.Code != env.Code {
				t.Errorf("got class %s code %q, want %s %q (%v)", pe.Class, pe.Code, want, env.Code, err)
			}
			if r := wantRule[env.Code]; r != pe.Rule {
				t.Errorf("rule %q, want %q", pe.Rule, r)
			}
			wantSent := 1
			if want == platform.ClassRetryable {
				wantSent = contractRetry.Attempts
			}
			if sent != wantSent {
				t.Errorf("%d %s requests (DescribeDisks: in one region), want %d (retryable: the policy's attempts; else one, V-NO-RETRY)", sent, ex.Operation, wantSent)
			}
			msg := err.Error()
			for _, s := range []string{env.Code, env.RequestId} {
				if s != "" && !strings.Contains(msg, s) {
					t.Errorf("the error does not say %q: %s", s, msg)
				}
			}
			if env.RequestId != "" && strings.Count(msg, env.RequestId) != 1 {
				t.Errorf("the request ID is not said once: %s", msg)
			}
			if vm, _, _ := strings.Cut(env.Message, "server string to sign is:"); !strings.Contains(msg, strings.TrimSpace(vm)) {
				t.Errorf("the error does not carry the vendor's message %q: %s", vm, msg)
			}
			noSecrets(t, msg)
		})
	}
}

// noSecrets fails when text carries a credential, a signature, an STS token or a signed URL.
func noSecrets(t testing.TB, text string) {
	t.Helper()
	for _, s := range []string{cAccessKeyID, cSecret, cSTSToken, "LTAI5tEXAMPLEKEYID0000", "STS.EXAMPLEsecurityTOKENvalue",
		"Signature=", "Signature%3D", "SignatureNonce", "AccessKeyId=", "AccessKeyId%3D", "SecurityToken=", "SecurityToken%3D",
		"string to sign", "StringToSign"} {
		if strings.Contains(text, s) {
			t.Errorf("%q leaks into: %s", s, text)
		}
	}
}

// successCases assert, per documented success example, what the engine gets from it.
var successCases = map[string]func(t *testing.T, f *fakeCloud, result any){
	"DescribeRegions/ebs-success.txtar": func(t *testing.T, f *fakeCloud, _ any) {
		if n := len(f.requests("DescribeRegions")); n != 1 {
			t.Errorf("%d DescribeRegions calls, want 1", n)
		}
	},
	"DescribeDiskReplicaPairs/success.txtar": func(t *testing.T, f *fakeCloud, result any) {
		p := result.(platform.ReplicationPair)
		if p.ID != cPair1 || p.State != lifecycle.Configured || p.ActiveSite != lifecycle.SiteSource ||
			p.PrimaryVolumeID != cDisk1 || p.SecondaryVolumeID != cDisk2 || p.PrimaryRegion != cRegion || p.PrimaryZone != "cn-hangzhou-h" ||
			p.SecondaryRegion != "cn-shanghai" || p.SecondaryZone != "cn-shanghai-l" || p.GroupID != cGroup || p.RPOSeconds != 900 ||
			p.BandwidthKbps != 10240 || p.LastRecoveryPoint.Unix() != 1767226600 || !p.Observed.Facts.FirstSyncDone {
			t.Errorf("pair %+v", p)
		}
		// the record's StatusMessage is reported although Status is created (a PREPAY order expired)
		if !strings.Contains(p.LastError, "PrePayOrderExpired") || !strings.Contains(p.Observed.LastError, "PrePayOrderExpired") {
			t.Errorf("last_error %q: the StatusMessage is lost", p.LastError)
		}
		// the one page holds the pair: no call for the NextToken (the page is shorter than MaxResults)
		if n := len(f.requests("DescribeDiskReplicaPairs")); n != 1 {
			t.Errorf("%d DescribeDiskReplicaPairs calls, want 1", n)
		}
		// ECS: the primary disk is attached (InstanceId), the secondary free
		fa := p.Observed.Facts
		if fa.Unknown[lifecycle.FactVolumeAttachment] || !fa.ActiveVolumeAttached || fa.StandbyVolumeAttached {
			t.Errorf("attachment facts %+v", fa)
		}
	},
	"DescribeDiskReplicaPairProgress/success.txtar": func(t *testing.T, f *fakeCloud, result any) {
		p := result.(platform.ReplicationPair)
		if p.State != lifecycle.Starting || p.SyncProgress != 100 {
			t.Errorf("a starting pair: state %s progress %d", p.State, p.SyncProgress)
		}
	},
	"DescribeDiskReplicaGroups/success.txtar": func(t *testing.T, f *fakeCloud, result any) {
		g := result.(platform.ProtectionGroup)
		// PairIds holds one comma-joined string: two members
		if !slices.Equal(g.PairIDs, []string{cPair1, cPair2}) || g.Observed.Facts.MemberCount != 2 {
			t.Errorf("members %q (count %d), want [%s %s]", g.PairIDs, g.Observed.Facts.MemberCount, cPair1, cPair2)
		}
		// never failed over (created; Source* is Primary*'s region): not reversed, whatever the zones say
		if g.ActiveSite != lifecycle.SiteSource || g.SourceRegion != cRegion || g.SourceZone != "cn-hangzhou-i" ||
			g.TargetRegion != "cn-shanghai" || g.TargetZone != "cn-shanghai-l" {
			t.Errorf("direction: active %s, source %s/%s, target %s/%s", g.ActiveSite, g.SourceRegion, g.SourceZone, g.TargetRegion, g.TargetZone)
		}
		if g.State != lifecycle.Configured || g.LastRecoveryPoint.Unix() != 1767312000 {
			t.Errorf("group %+v", g)
		}
		if n := len(f.requests("DescribeDiskReplicaGroups")); n != 1 {
			t.Errorf("%d DescribeDiskReplicaGroups calls, want 1", n)
		}
	},
	"DescribeReplicaGroupDrills/success.txtar": func(t *testing.T, f *fakeCloud, result any) {
		g := result.(platform.ProtectionGroup)
		if !g.DrillActive || !g.Observed.Facts.DrillActive || g.Observed.Facts.Unknown[lifecycle.FactDrill] {
			t.Errorf("the listed drill is not seen: %+v", g.Observed.Facts)
		}
		drills := f.requests("DescribeReplicaGroupDrills")
		if len(drills) != 1 {
			t.Errorf("%d DescribeReplicaGroupDrills calls, want 1 (the page holds TotalCount 1)", len(drills))
		}
	},
	"DescribeDisks/success.txtar": func(t *testing.T, f *fakeCloud, result any) {
		fa := result.(lifecycle.Facts)
		if len(fa.MissingRefs) != 0 || fa.PrimarySizeGB != 40 || fa.SecondarySizeGB != 40 || fa.PrimaryEncrypted ||
			!fa.ActiveVolumeAttached || fa.StandbyVolumeAttached || fa.ActiveRegion != cRegion || fa.StandbyRegion != "cn-shanghai" {
			t.Errorf("facts %+v", fa)
		}
	},
	"DescribeRegions/ecs-success.txtar": func(t *testing.T, f *fakeCloud, result any) {
		fa := result.(lifecycle.Facts)
		if fa.MissingRefs["secondary_volume_id"] != "d-elsewhere0000000001" {
			t.Errorf("facts %+v", fa)
		}
		// the listed region's endpoint is the central one: the disk search goes there
		var hosts []string
		for _, r := range f.requests("ecs:DescribeDisks") {
			if r.Params.Get("RegionId") == "cn-hangzhou-finance-x01" {
				hosts = append(hosts, r.Host)
			}
		}
		if len(hosts) != 1 || hosts[0] != "ecs.aliyuncs.com" {
			t.Errorf("DescribeDisks in cn-hangzhou-finance-x01 went to %q, want the region's RegionEndpoint ecs.aliyuncs.com", hosts)
		}
	},
	"DescribeRegions/ecs-errorexample.txtar": func(t *testing.T, f *fakeCloud, result any) {
		fa := result.(lifecycle.Facts)
		if fa.MissingRefs["secondary_volume_id"] != "d-elsewhere0000000001" {
			t.Errorf("facts %+v", fa)
		}
		got := map[string]string{}
		for _, r := range f.requests("ecs:DescribeDisks") {
			got[r.Params.Get("RegionId")] = r.Host
		}
		if got["cn-hangzhou-internal-a01"] != "ecs.aliyuncs.com" || got["cn-wulan-test"] != "ecs.cn-wulan-test.aliyuncs.com" {
			t.Errorf("DescribeDisks hosts %v: want each region's RegionEndpoint", got)
		}
	},
	"CreateDiskReplicaPair/success.txtar": func(t *testing.T, f *fakeCloud, result any) {
		if p := result.(platform.ReplicationPair); p.ID != cPair1 {
			t.Errorf("created %q, want %q", p.ID, cPair1)
		}
	},
	"CreateDiskReplicaGroup/success.txtar": func(t *testing.T, f *fakeCloud, result any) {
		if g := result.(platform.ProtectionGroup); g.ID != cGroup {
			t.Errorf("created %q, want %q", g.ID, cGroup)
		}
	},
}

// TestContractSuccess replays every documented success example into the driver call that
// receives it. A mutating operation's example (RequestId only) must be accepted as success.
func TestContractSuccess(t *testing.T) {
	t.Parallel()
	for _, ex := range corpusExamples {
		if ex.Response == nil || isErrorExample(ex) {
			continue
		}
		t.Run(ex.File, func(t *testing.T) {
			t.Parallel()
			if why, ok := knownDefects[ex.File]; ok && os.Getenv("CONTRACT_ALL") == "" {
				t.Skip("known defect: " + why)
			}
			key := probeKey(ex)
			if ex.File == "DescribeRegions/ecs-errorexample.txtar" {
				key = "ecs:DescribeRegions"
			}
			pr, ok := probes[key]
			if !ok {
				t.Fatalf("no probe for %s", key)
			}
			f := newFakeCloud(t)
			if pr.setup != nil {
				pr.setup(t, f)
			}
			f.set(key, answerOf(ex))
			d := contractDriver(t, f)
			res, err := pr.run(context.Background(), d)
			if err != nil {
				t.Fatalf("the documented success answer: %v", err)
			}
			if check, ok := successCases[ex.File]; ok {
				check(t, f, res)
			} else if strings.Contains(ex.Response.Body, `"ReplicaPairs"`) || strings.Contains(ex.Response.Body, `"ReplicaGroups"`) {
				t.Fatal("a read example without its assertions in successCases")
			}
		})
	}
}

// TestContractCoversTheCorpus: every example file is a case of one of the tests above.
func TestContractCoversTheCorpus(t *testing.T) {
	for _, ex := range corpusExamples {
		switch {
		case ex.Request != nil:
			if _, ok := requestCases[ex.File]; !ok {
				t.Errorf("%s: no request case (requestCases)", ex.File)
			}
		case isErrorExample(ex):
		case ex.Response != nil:
		default:
			t.Errorf("%s: neither a request nor a response", ex.File)
		}
	}
}

// requestCase names, for a documented request, the driver call that sends it (a probe) and
// what its parameters must be beyond the documented names.
type requestCase struct {
	probe probe
	// region is the RegionId (and regional endpoint) the call must use.
	region string
	// values: parameters whose value is fixed (OneShot=false, ResourceType=ear, …).
	values map[string]string
	// optional: documented parameters this variant may leave out.
	optional []string
}

var requestCases = map[string]requestCase{
	"DescribeRegions/ebs-request.txtar":             {probe: probes["DescribeRegions"], region: cRegion, values: map[string]string{"ResourceType": "ear"}},
	"DescribeRegions/ecs-request.txtar":             {probe: probes["ecs:DescribeRegions"], region: cRegion, values: map[string]string{"ResourceType": "disk"}},
	"DescribeDiskReplicaPairs/request.txtar":        {probe: probes["DescribeDiskReplicaPairs"], region: cRegion, values: map[string]string{"PairIds": cPair1, "MaxResults": "500"}, optional: []string{"NextToken"}},
	"DescribeDiskReplicaPairProgress/request.txtar": {probe: probes["DescribeDiskReplicaPairProgress"], region: cRegion},
	// the primary disk's region (see the corpus README: the published example names the
	// secondary's; either is "the region of the pair")
	"CreateDiskReplicaPair/request.txtar": {probe: probes["CreateDiskReplicaPair"], region: cRegion, values: map[string]string{"RPO": "900", "ClientToken": "tf-contract-create"}},
	"CreateDiskReplicaPair/request-prepay.txtar": {probe: probes["CreateDiskReplicaPair/prepay"], region: cRegion, values: map[string]string{
		"RPO": "900", "ClientToken": "tf-contract-create", "ChargeType": "PREPAY", "Period": "12", "PeriodUnit": "Month", "ResourceGroupId": "rg-aek2finance01"}},
	"ModifyDiskReplicaPair/request.txtar": {probe: probes["ModifyDiskReplicaPair"], region: cRegion},
	"StartDiskReplicaPair/request.txtar":  {probe: probes["StartDiskReplicaPair"], region: cRegion, values: map[string]string{"OneShot": "false"}},
	"TagResources/request.txtar":          {probe: probes["TagResources"], region: cRegion, values: map[string]string{"ResourceType": "pair", "ResourceId.1": cPair1, "Tag.1.Key": "team", "Tag.1.Value": "dr"}},
	"UntagResources/request.txtar":        {probe: probes["UntagResources"], region: cRegion, values: map[string]string{"ResourceType": "pair", "ResourceId.1": cPair1}},
	"ChangeResourceGroup/request.txtar": {probe: probes["ChangeResourceGroup"], region: cRegion,
		values: map[string]string{"ResourceType": "diskreplicapair", "ResourceId": cPair1, "NewResourceGroupId": "rg-aek2finance01"}},
	"StopDiskReplicaPair/request.txtar": {probe: probes["StopDiskReplicaPair"], region: cRegion},
	// failover and reprotect: the secondary disk's region (R001-3)
	"FailoverDiskReplicaPair/request.txtar": {probe: probes["FailoverDiskReplicaPair"], region: "cn-shanghai"},
	"ReprotectDiskReplicaPair/request.txtar": {probe: invokePair(lifecycle.OpRevertFailover, nil), region: "cn-shanghai",
		values: map[string]string{"ReverseReplicate": "false"}},
	"DeleteDiskReplicaPair/request.txtar":     {probe: probes["DeleteDiskReplicaPair"], region: cRegion},
	"DescribeDiskReplicaGroups/request.txtar": {probe: probes["DescribeDiskReplicaGroups"], region: cRegion, values: map[string]string{"GroupIds": cGroup, "MaxResults": "500"}, optional: []string{"NextToken"}},
	"CreateDiskReplicaGroup/request.txtar":    {probe: probes["CreateDiskReplicaGroup"], region: cRegion, values: map[string]string{"RPO": "900", "SourceZoneId": "cn-hangzhou-i"}},
	"ModifyDiskReplicaGroup/request.txtar":    {probe: probes["ModifyDiskReplicaGroup"], region: cRegion},
	"StartDiskReplicaGroup/request.txtar":     {probe: probes["StartDiskReplicaGroup"], region: cRegion, values: map[string]string{"OneShot": "false"}},
	"StopDiskReplicaGroup/request.txtar":      {probe: probes["StopDiskReplicaGroup"], region: cRegion},
	"FailoverDiskReplicaGroup/request.txtar":  {probe: probes["FailoverDiskReplicaGroup"], region: "cn-shanghai"},
	"ReprotectDiskReplicaGroup/request.txtar": {probe: invokeGroup(lifecycle.OpRevertFailover, nil), region: "cn-shanghai",
		values: map[string]string{"ReverseReplicate": "false"}},
	"DeleteDiskReplicaGroup/request.txtar": {probe: probes["DeleteDiskReplicaGroup"], region: cRegion},
	"AddDiskReplicaPair/request.txtar":     {probe: probes["AddDiskReplicaPair"], region: cRegion, values: map[string]string{"ReplicaPairId": cPair1}},
	"RemoveDiskReplicaPair/request.txtar":  {probe: probes["RemoveDiskReplicaPair"], region: cRegion, values: map[string]string{"ReplicaPairId": cPair1}},
	"StartReplicaGroupDrill/request.txtar": {probe: probes["StartReplicaGroupDrill"], region: "cn-shanghai"},
	// pair drills: in the region of the pair's current secondary disk
	"StartPairDrill/request.txtar":             {probe: probes["StartPairDrill"], region: "cn-shanghai"},
	"ClearPairDrill/request.txtar":             {probe: probes["ClearPairDrill"], region: "cn-shanghai"},
	"DescribePairDrills/request.txtar":         {probe: probes["DescribePairDrills"], region: "cn-shanghai", values: map[string]string{"PairId": cPair1, "MaxResults": "500"}},
	"ClearReplicaGroupDrill/request.txtar":     {probe: probes["ClearReplicaGroupDrill"], region: "cn-shanghai", values: map[string]string{"DrillId": cDrill}},
	"DescribeReplicaGroupDrills/request.txtar": {probe: probes["DescribeReplicaGroupDrills"], region: "cn-shanghai", values: map[string]string{"MaxResults": "500"}, optional: []string{"NextToken"}},
	"DescribeDisks/request.txtar":              {probe: probes["DescribeDisks"], region: cRegion, values: map[string]string{"PageSize": "100"}},
}

// commonParams are the RPC common parameters the examples leave out.
var commonParams = []string{"Action", "Version", "Format", "AccessKeyId", "SecurityToken", "Signature", "SignatureMethod",
	"SignatureVersion", "SignatureNonce", "SignatureType", "Timestamp"}

// TestContractRequests runs the driver call that sends each documented request and compares
// the request: method, path, Action, Version, the endpoint of the region, and the parameters —
// every parameter sent is documented (the example's), every documented one is sent (but those a
// variant may leave out), and the values the case fixes.
func TestContractRequests(t *testing.T) {
	t.Parallel()
	for _, ex := range corpusExamples {
		if ex.Request == nil {
			continue
		}
		t.Run(ex.File, func(t *testing.T) {
			t.Parallel()
			if why, ok := knownDefects[ex.File]; ok && os.Getenv("CONTRACT_ALL") == "" {
				t.Skip("known defect: " + why)
			}
			rc, ok := requestCases[ex.File]
			if !ok {
				t.Fatal("no request case")
			}
			f := newFakeCloud(t)
			if rc.probe.setup != nil {
				rc.probe.setup(t, f)
			}
			d := contractDriver(t, f)
			if _, err := rc.probe.run(context.Background(), d); err != nil {
				t.Fatalf("the call: %v", err)
			}
			action := ex.Request.Query.Get("Action")
			key := action
			ecs := strings.HasPrefix(path.Base(ex.File), "ecs-") || action == "DescribeDisks"
			if ecs {
				key = "ecs:" + action
			}
			reqs := f.requests(key)
			if len(reqs) == 0 {
				t.Fatalf("no %s request sent", key)
			}
			r := reqs[0]
			for _, x := range reqs {
				// the disk search asks its regions at once (findDisks): which request arrives
				// first is not the driver's; the one in the case's region is compared
				if x.Params.Get("RegionId") == rc.region {
					r = x
					break
				}
			}
			service, version := "ebs", "2021-07-30"
			if ecs {
				service, version = "ecs", "2014-05-26"
			}
			if r.Method != ex.Request.Method || r.Path != ex.Request.Path || r.Params.Get("Version") != version {
				t.Errorf("%s %s Version=%s, want %s %s %s", r.Method, r.Path, r.Params.Get("Version"), ex.Request.Method, ex.Request.Path, version)
			}
			if r.Params.Get("RegionId") != rc.region {
				t.Errorf("RegionId %q, want %q", r.Params.Get("RegionId"), rc.region)
			}
			if host := service + "." + rc.region + ".aliyuncs.com"; r.Host != host {
				t.Errorf("sent to %s, want the regional endpoint %s", r.Host, host)
			}
			documented := map[string]bool{}
			for k := range ex.Request.Query {
				documented[k] = true
			}
			var sent []string
			for k := range r.Params {
				if !slices.Contains(commonParams, k) {
					sent = append(sent, k)
				}
			}
			sort.Strings(sent)
			for _, k := range sent {
				if !documented[k] {
					t.Errorf("sends %s=%q, which the documented request does not (documented: %v)", k, r.Params.Get(k), keys(documented))
				}
			}
			for k := range documented {
				if k != "Action" && !r.Params.Has(k) && !slices.Contains(rc.optional, k) {
					t.Errorf("does not send the documented %s", k)
				}
			}
			for k, v := range rc.values {
				if got := r.Params.Get(k); got != v {
					t.Errorf("%s=%q, want %q", k, got, v)
				}
			}
		})
	}
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// A variant is a corpus example with one documented value put where the vendor documents the
// field (a status of the enum, a quirk seen in another example's field of the same name, a
// documented disk state): the cases the published examples leave out.
type variant struct {
	name  string
	setup func(t testing.TB, f *fakeCloud)
	check func(t *testing.T, ctx context.Context, d *alibaba.Driver, f *fakeCloud)
}

var variants = []variant{
	{
		// the group example's StandbyRegion ends with an escaped newline; a pair's field of the
		// same name may too: failover goes to the standby region, trimmed
		name: "pair StandbyRegion with a trailing newline",
		setup: func(t testing.TB, f *fakeCloud) {
			f.set("DescribeDiskReplicaPairs", answer{200, pairsWith(t, func(p map[string]any) { p["StandbyRegion"] = "cn-shanghai\n" })})
		},
		check: func(t *testing.T, ctx context.Context, d *alibaba.Driver, f *fakeCloud) {
			if err := d.Invoke(ctx, lifecycle.ReplicationPair, cPair1, lifecycle.OpFailover, "tf-contract-failover", nil); err != nil {
				t.Fatal(err)
			}
			r := f.requests("FailoverDiskReplicaPair")
			if len(r) != 1 || r[0].Params.Get("RegionId") != "cn-shanghai" || r[0].Host != "ebs.cn-shanghai.aliyuncs.com" {
				t.Fatalf("failover sent %+v, want RegionId cn-shanghai at ebs.cn-shanghai.aliyuncs.com", r)
			}
		},
	},
	{
		// DescribeRegions(ResourceType=ear) lists each zone's ResourceTypes: a zone that does
		// not list ear does not replicate
		name: "a zone without ear",
		setup: func(t testing.TB, f *fakeCloud) {
			f.set("DescribeRegions", answer{200, edit(t, f.answers["DescribeRegions"].body, func(m map[string]any) {
				for _, r := range m["Regions"].([]any) {
					for _, z := range r.(map[string]any)["Zones"].([]any) {
						if z.(map[string]any)["ZoneId"] == "cn-shanghai-l" {
							z.(map[string]any)["ResourceTypes"] = []any{}
						}
					}
				}
			})})
		},
		check: func(t *testing.T, ctx context.Context, d *alibaba.Driver, f *fakeCloud) {
			fa, err := d.ProposedGroupFacts(ctx, platform.GroupSpec{SourceRegion: cRegion, SourceZone: "cn-hangzhou-i", TargetRegion: "cn-shanghai", TargetZone: "cn-shanghai-l"})
			if err != nil {
				t.Fatal(err)
			}
			if fa.MissingRefs["target_zone"] == "" || fa.MissingRefs["source_zone"] != "" {
				t.Fatalf("missing refs %v: cn-shanghai-l lists no ear", fa.MissingRefs)
			}
		},
	},
	{
		// a multi-attach disk has no InstanceId (DescribeDisks: "always empty for multi-attach
		// disks"); its Attachments list the instances
		name: "a multi-attach secondary disk",
		setup: func(t testing.TB, f *fakeCloud) {
			f.set("ecs:DescribeDisks", answer{200, disksAnswer(t, func(d map[string]any) {
				d["MultiAttach"], d["Status"], d["MountInstanceNum"] = "Enabled", "In_use", 1
				d["Attachments"] = map[string]any{"Attachment": []any{map[string]any{"InstanceId": "i-uf6a2s4d6f8g0h2j", "Device": "/dev/vdb", "AttachedTime": "2026-01-01T00:12:00Z"}}}
			})})
		},
		check: func(t *testing.T, ctx context.Context, d *alibaba.Driver, f *fakeCloud) {
			p, err := d.GetPair(ctx, cPair1)
			if err != nil {
				t.Fatal(err)
			}
			if !p.Observed.Facts.StandbyVolumeAttached {
				t.Errorf("a read: the secondary disk's attachment is not seen: %+v", p.Observed.Facts)
			}
			fa, err := d.ProposedPairFacts(ctx, platform.PairSpec{PrimaryVolumeID: cDisk1, SecondaryVolumeID: cDisk2})
			if err != nil {
				t.Fatal(err)
			}
			if !fa.StandbyVolumeAttached {
				t.Errorf("a create: the secondary disk's attachment is not seen: %+v", fa)
			}
		},
	},
	{
		// Status Attaching (documented): no InstanceId yet (set only In_use or Detaching)
		name: "a secondary disk being attached",
		setup: func(t testing.TB, f *fakeCloud) {
			f.set("ecs:DescribeDisks", answer{200, disksAnswer(t, func(d map[string]any) { d["Status"] = "Attaching" })})
		},
		check: func(t *testing.T, ctx context.Context, d *alibaba.Driver, f *fakeCloud) {
			p, err := d.GetPair(ctx, cPair1)
			if err != nil {
				t.Fatal(err)
			}
			if !p.Observed.Facts.StandbyVolumeAttached {
				t.Errorf("an attaching secondary disk is taken as detached: %+v", p.Observed.Facts)
			}
		},
	},
	{
		// a drill whose execution failed is listed with its StatusMessage: the group's last error
		name: "a drill in execute_failed",
		setup: func(t testing.TB, f *fakeCloud) {
			f.set("DescribeReplicaGroupDrills", answer{200, edit(t, example(t, "DescribeReplicaGroupDrills/success.txtar").Response.Body, func(m map[string]any) {
				m["Drills"].([]any)[0].(map[string]any)["Status"] = "execute_failed"
			})})
		},
		check: func(t *testing.T, ctx context.Context, d *alibaba.Driver, f *fakeCloud) {
			g, err := d.GetGroup(ctx, cGroup)
			if err != nil {
				t.Fatal(err)
			}
			if !g.DrillActive || !strings.Contains(g.LastError, "execute_failed") || !strings.Contains(g.LastError, "GROUP_SYNCPOINT_NOT_FOUND") ||
				g.Observed.LastError != g.LastError {
				t.Errorf("drill active %v, last_error %q: the failed drill's message is lost", g.DrillActive, g.LastError)
			}
		},
	},
	{
		// PairIds: one comma-joined string (the example), the IDs in another order, or one ID
		// an element: the same members and the same version
		name: "PairIds in any form and order",
		check: func(t *testing.T, ctx context.Context, d *alibaba.Driver, f *fakeCloud) {
			var versions []int64
			for _, ids := range [][]any{{cPair1 + "," + cPair2}, {cPair2 + "," + cPair1}, {cPair1, cPair2}, {cPair2 + ", " + cPair1}} {
				f.set("DescribeDiskReplicaGroups", answer{200, groupsWith(t, func(g map[string]any) { g["PairIds"] = ids })})
				g, err := d.GetGroup(ctx, cGroup)
				if err != nil {
					t.Fatal(err)
				}
				if got := append([]string(nil), g.PairIDs...); !slices.Equal(sorted(got), []string{cPair2, cPair1}) {
					t.Errorf("PairIds %q: members %q", ids, g.PairIDs)
				}
				versions = append(versions, g.Version)
			}
			for _, v := range versions[1:] {
				if v != versions[0] {
					t.Errorf("versions %v: the same members in another order make another version (a spurious conflict on update)", versions)
					break
				}
			}
		},
	},
	{
		// no answer at all (the connection drops): the error names the call and the host, never
		// the signed URL (AccessKeyId, Signature, SecurityToken in its query)
		name: "a dropped connection",
		setup: func(t testing.TB, f *fakeCloud) {
			f.set("DescribeDiskReplicaPairs", answer{status: -1})
		},
		check: func(t *testing.T, ctx context.Context, d *alibaba.Driver, f *fakeCloud) {
			_, err := d.GetPair(ctx, cPair1)
			if !platform.IsRetryable(err) {
				t.Fatalf("%v: want retryable", err)
			}
			noSecrets(t, err.Error())
			if strings.Count(err.Error(), "aliyuncs.com") > 1 {
				t.Errorf("the endpoint is named more than once: %s", err)
			}
		},
	},
}

func sorted(s []string) []string { sort.Strings(s); return s }

func TestContractVariants(t *testing.T) {
	t.Parallel()
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			t.Parallel()
			if why, ok := knownDefects["variant: "+v.name]; ok && os.Getenv("CONTRACT_ALL") == "" {
				t.Skip("known defect: " + why)
			}
			f := newFakeCloud(t)
			if v.setup != nil {
				v.setup(t, f)
			}
			v.check(t, context.Background(), contractDriver(t, f), f)
		})
	}
}
