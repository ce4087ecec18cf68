package alibaba

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/dr-provider/terraform-provider-dr/internal/emulator/gateway"
	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/retry"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/sandbox"
)

// APIVersion is the EBS API version the emulator speaks.
const APIVersion = "2021-07-30"

// Test credentials the emulator accepts unless told otherwise.
const (
	TestAccessKeyID     = "LTAI-emulator-test"
	TestAccessKeySecret = "emulator-test-secret"
)

// Emulator is the EBS API over a sandbox.
type Emulator struct {
	sb          *sandbox.Sandbox
	credentials map[string]string // AccessKeyId → secret
	// requests counts every request received (Requests), as the vendor's API meters them
	requests atomic.Int64
	gw       *gateway.Gateway
	// opMu serializes the state-changing calls: each is decided from the status it then
	// starts from (operate.go)
	opMu sync.Mutex
	// resourceGroups are the account's resource groups besides the default one
	// (resource_groups.go)
	rgMu           sync.Mutex
	resourceGroups map[string]bool
}

// Options configure an emulator (New's optional argument).
type Options struct {
	// Credentials are the AccessKey pairs it accepts (AccessKeyId → secret); nil: the test
	// credentials (TestAccessKeyID, TestAccessKeySecret).
	Credentials map[string]string
	// Gateway is the API gateway in front of it: latency, rate limits answered
	// Throttling.User, injected failures (the zero value: instant and unlimited).
	Gateway gateway.Config
	// ResourceGroups are the account's resource groups besides the default one
	// (rg-emulatordefault), which a create or ChangeResourceGroup may name.
	ResourceGroups []string
}

// MaxPairsPerGroup is how many replication pairs one replica group holds at most
// (AddDiskReplicaPair: "Up to 17 replication pairs can be added to a single replication
// pair-consistent group",
// https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ebs-2021-07-30-adddiskreplicapair;
// vendor-lifecycles §1.3 [A1][A10]).
const MaxPairsPerGroup = 17

// New returns an emulator over sb accepting the test credentials (or opts' credentials, and
// behind opts' gateway). It gives sb the EBS limit of MaxPairsPerGroup pairs per group
// (sandbox.SetMemberLimit): the sandbox's physics refuses the pair beyond it through the
// engine (V-GRP-MEMBERS), and the emulator answers OperationDenied.PairsExceedInGroup. The
// sandbox answers each request once (retry.Once): a transient fault is the request's
// Throttling, and the driver retries, not the server.
func New(sb *sandbox.Sandbox, opts ...Options) *Emulator {
	sb.SetRetryPolicy(retry.Once)
	var o Options
	if len(opts) > 0 {
		o = opts[0]
	}
	sb.SetMemberLimit(MaxPairsPerGroup)
	creds := map[string]string{TestAccessKeyID: TestAccessKeySecret}
	if o.Credentials != nil {
		creds = map[string]string{}
		for k, v := range o.Credentials {
			creds[k] = v
		}
	}
	e := &Emulator{sb: sb, credentials: creds, gw: gateway.New(ebsGateway{}, o.Gateway)}
	for _, id := range o.ResourceGroups {
		e.addResourceGroup(id)
	}
	return e
}

// Gateway is the API gateway in front of the emulator (latency, rate limits, injected
// failures; its Stats count the calls per Action).
func (e *Emulator) Gateway() *gateway.Gateway { return e.gw }

// Sandbox returns the physics under the emulator.
func (e *Emulator) Sandbox() *sandbox.Sandbox { return e.sb }

// apiError is the vendor's error envelope.
type apiError struct {
	status  int
	code    string
	message string
	// noRecommend: the envelope has no Recommend (the documented InvalidAccessKeyId.NotFound
	// answers, both variants, carry none)
	noRecommend bool
}

func (a *apiError) Error() string { return a.code + ": " + a.message }

func errf(status int, code, format string, args ...any) *apiError {
	return &apiError{status: status, code: code, message: fmt.Sprintf(format, args...)}
}

func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	h := strings.ToUpper(hex.EncodeToString(b[:]))
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// ServeHTTP handles one RPC call.
// Requests returns how many requests the emulator has received (every API call the driver
// made, throttled or not).
func (e *Emulator) Requests() int64 { return e.requests.Load() }

func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	e.requests.Add(1)
	if !e.gw.Admit(w, r) {
		return
	}
	reqID := newRequestID()
	if err := r.ParseForm(); err != nil {
		writeErr(w, reqID, "", errf(400, "InvalidParameter", "The request cannot be parsed."))
		return
	}
	params := map[string]string{}
	for k, v := range r.Form {
		if len(v) > 0 {
			params[k] = v[0]
		}
	}
	service := "ebs"
	if params["Version"] == ECSAPIVersion {
		service = "ecs"
	}
	host := service + ".aliyuncs.com"
	if r := params["RegionId"]; r != "" && !strings.ContainsAny(r, " \n/?#") {
		host = service + "." + r + ".aliyuncs.com"
	}
	if err := e.verify(r.Method, params); err != nil {
		writeErr(w, reqID, host, err)
		return
	}
	table := actions
	switch params["Version"] {
	case APIVersion:
	case ECSAPIVersion:
		table = ecsActions
	default:
		writeErr(w, reqID, host, errf(400, "InvalidVersion", "The Version given is not supported."))
		return
	}
	h, ok := table[params["Action"]]
	if !ok {
		writeErr(w, reqID, host, errf(404, "InvalidAction.NotFound", "The requested api does not exist; check the url and the method."))
		return
	}
	body, err := h(e, r.Context(), params)
	if err != nil {
		writeErr(w, reqID, host, vendorErr(err))
		return
	}
	if body == nil {
		body = map[string]any{}
	}
	if body["RequestId"] == requestIDWithNewline {
		body["RequestId"] = reqID + "\n" // DescribeDiskReplicaPairProgress's example (a quirk kept)
	} else {
		body["RequestId"] = reqID
	}
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	_ = json.NewEncoder(w).Encode(body)
}

// requestIDWithNewline, as a response's RequestId, asks ServeHTTP for the request ID followed
// by a newline, as the vendor's DescribeDiskReplicaPairProgress example has it.
const requestIDWithNewline = "\n"

// writeErr answers with the vendor's error envelope: RequestId, HostId (the endpoint the call
// reached), Code, Message, Recommend (a troubleshooting link naming the code and product).
func writeErr(w http.ResponseWriter, reqID, host string, e *apiError) {
	if host == "" {
		host = "ebs.aliyuncs.com"
	}
	product := "Ebs"
	if strings.HasPrefix(host, "ecs.") {
		product = "Ecs"
	}
	env := map[string]string{"RequestId": reqID, "HostId": host, "Code": e.code, "Message": e.message}
	if !e.noRecommend {
		env["Recommend"] = "https://next.api.aliyun.com/troubleshoot?q=" + url.QueryEscape(e.code) + "&product=" + product
	}
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	w.WriteHeader(e.status)
	_ = json.NewEncoder(w).Encode(env)
}

// verify checks the RPC signature (SignatureMethod HMAC-SHA1, SignatureVersion 1.0), as the
// official SDK computes it (sdk/auth/rpc_signature_composer.go).
func (e *Emulator) verify(method string, params map[string]string) *apiError {
	ak := params["AccessKeyId"]
	if ak == "" {
		return errf(400, "MissingAccessKeyId", "The AccessKeyId must be given.")
	}
	secret, ok := e.credentials[ak]
	if !ok {
		return &apiError{status: 404, code: "InvalidAccessKeyId.NotFound", message: "The AccessKey ID given is unknown.", noRecommend: true}
	}
	if params["SignatureMethod"] != "HMAC-SHA1" {
		return errf(400, "InvalidSignatureMethod", "The signature method given is not supported.")
	}
	got := params["Signature"]
	want, sts := Sign(method, params, secret)
	if !hmac.Equal([]byte(got), []byte(want)) {
		// the gateway echoes the string it signed (the AccessKeyId and any SecurityToken in it):
		// the driver must not print it (the vendor SDK's marker is kept)
		return errf(400, "SignatureDoesNotMatch", "Specified signature does not match ours. server string to sign is:%s", sts)
	}
	return nil
}

// Sign returns the RPC signature of params (without their Signature) and the string to sign.
func Sign(method string, params map[string]string, secret string) (signature, stringToSign string) {
	keys := make([]string, 0, len(params))
	for k := range params {
		if k != "Signature" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, percent(k)+"="+percent(params[k]))
	}
	stringToSign = method + "&%2F&" + percent(strings.Join(parts, "&"))
	mac := hmac.New(sha1.New, []byte(secret+"&"))
	mac.Write([]byte(stringToSign))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil)), stringToSign
}

// percent is the RPC percent-encoding (RFC 3986 unreserved characters kept).
func percent(s string) string {
	s = url.QueryEscape(s)
	s = strings.ReplaceAll(s, "+", "%20")
	s = strings.ReplaceAll(s, "*", "%2A")
	return strings.ReplaceAll(s, "%7E", "~")
}

// messages are the emulator's wording of the vendor's error messages, by code (the vendor's
// own are one fixed line per code; the emulator never adds the engine's rule IDs or advice).
// "try again later" is kept where the vendor says it: a client's retry rule reads it.
var messages = map[string]string{
	"NoSuchResource":                               "The resource given does not exist.",
	"OperationDenied.InvalidStatus":                "The current status does not permit this operation.",
	"OperationDenied.StandbyDeviceAttached":        "The secondary disk is attached to an instance.",
	"OperationDenied.ManualSyncLimit":              "One-shot syncs were started too often, please try again later.",
	"OperationDenied.NoPairInGroup":                "The group holds no pair, so this is denied.",
	"OperationDenied.GroupHasPair":                 "The group still holds pairs, so it cannot be deleted.",
	"OperationDenied.GroupStatusCannotAddPair":     "The group's current status does not permit adding a pair.",
	"OperationDenied.GroupStatusCannotRemovePair":  "The group's current status does not permit removing a pair.",
	"OperationDenied.PairInAnotherGroup":           "The pair already belongs to another group, so this is denied.",
	"OperationDenied.PairInitializing":             "The pair is still initializing, please try again later.",
	"OperationDenied.PairStatusCannotAddToGroup":   "The pair's current status does not permit adding it.",
	"OperationDenied.PairGroupAZoneConflict":       "The pair and the group differ in RegionId or ZoneId, so this is denied.",
	"OperationDenied.PairsExceedInGroup":           "The group already holds the most pairs it may.",
	"OperationDenied.PairNotInGroup":               "The pair belongs to no group, so this is denied.",
	"OperationDenied.OperateNotAllowedForPrimary":  "This is denied at the primary site.",
	"OperationDenied.OperateNotAllowedForStandby":  "This is denied at the secondary site.",
	"OperationDenied.RecoverPointNotFound":         "No recovery point exists yet.",
	"OperationDenied.StartDrillShouldOnDestRegion": "Start the drill in the destination region.",
	"OperationDenied.QuotaExceed":                  "The quota is used up, so this is denied.",
	"IdempotentParameterMismatch":                  "The client token was already used by a request with other parameters.",
	"InternalError":                                "An unexpected server error stopped the request.",
	"ServiceUnavailable":                           "The service is unavailable for a moment, please try again later.",
	"Throttling":                                   "The request was throttled.",
}

// denied is the vendor's refusal with code (its message from messages).
func denied(status int, code string) *apiError {
	m, ok := messages[code]
	if !ok {
		m = "The request is denied."
	}
	return &apiError{status: status, code: code, message: m}
}

// vendorErr translates an error of the sandbox's physics (the emulator decided legality
// before: what is left is what cannot physically happen, the ledger of client tokens, quotas,
// injected faults) into the vendor's code and HTTP status ([A2] errorCodes;
// vendor-lifecycles.md §1.5), with the vendor's message: never the sandbox's or the engine's
// text.
func vendorErr(err error) *apiError {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae
	}
	var pe *platform.Error
	if !errors.As(err, &pe) {
		return denied(500, "InternalError")
	}
	switch pe.Class {
	case platform.ClassNotFound:
		return denied(404, "NoSuchResource")
	case platform.ClassPreconditionFailed, platform.ClassConflict:
		return denied(403, "OperationDenied.InvalidStatus")
	case platform.ClassRetryable:
		if pe.Code == platform.CodeThrottling {
			return denied(400, "Throttling")
		}
		return denied(503, "ServiceUnavailable")
	case platform.ClassQuota:
		return denied(403, "OperationDenied.QuotaExceed")
	case platform.ClassInvalid:
		switch pe.Code {
		case platform.CodeIdempotentParameterMismatch:
			return denied(400, "IdempotentParameterMismatch")
		case platform.CodeInvalidClientToken:
			return errf(400, "InvalidParameter", "The value of ClientToken is not valid.")
		}
		return errf(400, "InvalidParameter", "A parameter's value is not valid.")
	}
	return denied(500, "InternalError")
}

// ---- status mapping ----

// statusOf is the EBS Status of a sandbox state (DescribeDiskReplicaPairs/Groups Status enum).
func statusOf(s lifecycle.State, failed lifecycle.Op) string {
	switch s {
	case lifecycle.Creating:
		return "creating"
	case lifecycle.Configured:
		return "created"
	case lifecycle.Starting:
		return "initial_syncing"
	case lifecycle.SyncingOnce:
		return "manual_syncing"
	case lifecycle.Replicating:
		return "normal"
	case lifecycle.Stopping:
		return "stopping"
	case lifecycle.Paused:
		return "stopped"
	case lifecycle.FailingOver:
		return "failovering"
	case lifecycle.FailedOver:
		return "failovered"
	case lifecycle.Reprotecting:
		return "reprotecting"
	case lifecycle.Deleting:
		return "deleting"
	case lifecycle.Deleted:
		return "deleted"
	case lifecycle.Error:
		switch failed {
		case lifecycle.OpCreate:
			return "create_failed"
		case lifecycle.OpStop, lifecycle.OpDisableProtection:
			return "stop_failed"
		case lifecycle.OpFailover:
			return "failover_failed"
		case lifecycle.OpReprotect, lifecycle.OpRevertFailover: // one call, ReprotectDisk…, either way
			return "reprotect_failed"
		case lifecycle.OpDelete:
			return "delete_failed"
		}
	}
	return "invalid" // invalid, and any sandbox state the EBS enum has no word for
}

// ---- parameters ----

type handler func(e *Emulator, ctx context.Context, p map[string]string) (map[string]any, error)

var actions = map[string]handler{
	"DescribeRegions":                 (*Emulator).describeRegions,
	"CreateDiskReplicaPair":           (*Emulator).createPair,
	"StartDiskReplicaPair":            vendorCall(lifecycle.ReplicationPair, "StartDiskReplicaPair"),
	"StopDiskReplicaPair":             vendorCall(lifecycle.ReplicationPair, "StopDiskReplicaPair"),
	"FailoverDiskReplicaPair":         vendorCall(lifecycle.ReplicationPair, "FailoverDiskReplicaPair"),
	"ReprotectDiskReplicaPair":        vendorCall(lifecycle.ReplicationPair, "ReprotectDiskReplicaPair"),
	"DeleteDiskReplicaPair":           vendorCall(lifecycle.ReplicationPair, "DeleteDiskReplicaPair"),
	"ModifyDiskReplicaPair":           (*Emulator).modifyPair,
	"DescribeDiskReplicaPairs":        (*Emulator).describePairs,
	"DescribeDiskReplicaPairProgress": (*Emulator).pairProgress,
	"CreateDiskReplicaGroup":          (*Emulator).createGroup,
	"StartDiskReplicaGroup":           vendorCall(lifecycle.ProtectionGroup, "StartDiskReplicaGroup"),
	"StopDiskReplicaGroup":            vendorCall(lifecycle.ProtectionGroup, "StopDiskReplicaGroup"),
	"FailoverDiskReplicaGroup":        vendorCall(lifecycle.ProtectionGroup, "FailoverDiskReplicaGroup"),
	"ReprotectDiskReplicaGroup":       vendorCall(lifecycle.ProtectionGroup, "ReprotectDiskReplicaGroup"),
	"DeleteDiskReplicaGroup":          vendorCall(lifecycle.ProtectionGroup, "DeleteDiskReplicaGroup"),
	"ModifyDiskReplicaGroup":          (*Emulator).modifyGroup,
	"DescribeDiskReplicaGroups":       (*Emulator).describeGroups,
	"AddDiskReplicaPair":              vendorCall(lifecycle.ProtectionGroup, "AddDiskReplicaPair"),
	"RemoveDiskReplicaPair":           vendorCall(lifecycle.ProtectionGroup, "RemoveDiskReplicaPair"),
	"StartReplicaGroupDrill":          (*Emulator).startGroupDrill, // drills.go
	"ClearReplicaGroupDrill":          (*Emulator).clearGroupDrill,
	"DescribeReplicaGroupDrills":      (*Emulator).describeGroupDrills,
	"StartPairDrill":                  (*Emulator).startPairDrill, // pair_drills.go
	"ClearPairDrill":                  (*Emulator).clearPairDrill,
	"DescribePairDrills":              (*Emulator).describePairDrills,
	"TagResources":                    (*Emulator).tagResources, // tags.go
	"UntagResources":                  (*Emulator).untagResources,
	"ChangeResourceGroup":             (*Emulator).changeResourceGroup, // resource_groups.go
}

func required(p map[string]string, names ...string) error {
	for _, n := range names {
		if p[n] == "" {
			return errf(400, "MissingParameter", "The required parameter %s is missing from this request.", n)
		}
	}
	return nil
}

func intParam(p map[string]string, name string, def int64) (int64, error) {
	v := p[name]
	if v == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, errf(400, "InvalidParameter", "The value of %s is not valid.", name)
	}
	return n, nil
}

// boolParam reads a Boolean parameter (true/false, default def).
func boolParam(p map[string]string, name string, def bool) (bool, error) {
	switch p[name] {
	case "":
		return def, nil
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, errf(400, "InvalidParameter", "The value of %s is not valid.", name)
}

// token returns the call's ClientToken after the vendor's checks (ASCII, at most 64).
func token(p map[string]string) (string, error) {
	t := p["ClientToken"]
	if len(t) > 64 {
		return "", errf(400, "InvalidParameter", "The value of ClientToken is not valid: at most 64 ASCII characters.")
	}
	for i := 0; i < len(t); i++ {
		if t[i] > 0x7e || t[i] < 0x20 {
			return "", errf(400, "InvalidParameter", "The value of ClientToken is not valid: ASCII characters only.")
		}
	}
	return t, nil
}

// checkName follows CreateDiskReplicaPair PairName/GroupName and Description: 2–128 (256)
// characters, a name starts with a letter, neither starts with http:// or https://.
func checkName(p map[string]string, name string, max int, letter bool) error {
	v, ok := p[name]
	if !ok || v == "" {
		return nil
	}
	n := len([]rune(v))
	bad := n < 2 || n > max || strings.HasPrefix(v, "http://") || strings.HasPrefix(v, "https://")
	if letter && !bad {
		c := []rune(v)[0]
		bad = !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c > 0x7f)
	}
	if bad {
		return errf(400, "InvalidParameter", "The value of %s is not valid.", name)
	}
	return nil
}

// ---- regions ----

// describeRegions follows EBS DescribeRegions: the regions of replication-capable sites, each
// with its zones; every zone lists ResourceTypes ["ear"] (asynchronous replication), as the
// example does for ResourceType=ear.
func (e *Emulator) describeRegions(ctx context.Context, p map[string]string) (map[string]any, error) {
	sites, err := e.sb.ListSites(ctx)
	if err != nil {
		return nil, err
	}
	zones := map[string][]string{}
	for _, s := range sites {
		if s.ReplicationCapable && s.Region != "" {
			zones[s.Region] = append(zones[s.Region], s.Zone)
		}
	}
	regions := make([]string, 0, len(zones))
	for r := range zones {
		regions = append(regions, r)
	}
	sort.Strings(regions)
	out := make([]map[string]any, 0, len(regions))
	for _, r := range regions {
		sort.Strings(zones[r])
		zs := make([]map[string]any, 0, len(zones[r]))
		for _, z := range zones[r] {
			zs = append(zs, map[string]any{"ZoneId": z, "LocalName": z, "ResourceTypes": []string{"ear"}})
		}
		out = append(out, map[string]any{"RegionId": r, "LocalName": r, "RegionEndpoint": "ebs." + r + ".aliyuncs.com", "Zones": zs})
	}
	return map[string]any{"Regions": out}, nil
}

// site finds the sandbox site of an Alibaba region and zone.
func (e *Emulator) site(ctx context.Context, region, zone string) (platform.Site, error) {
	sites, err := e.sb.ListSites(ctx)
	if err != nil {
		return platform.Site{}, err
	}
	for _, s := range sites {
		if s.Region == region && s.Zone == zone {
			return s, nil
		}
	}
	return platform.Site{}, errf(400, "InvalidParameter", "The zone %s of region %s does not exist.", zone, region)
}

// ---- paging ----

// page applies the Describe* paging: MaxResults (1–500) + NextToken, or PageNumber/PageSize
// (1–100, default 10). Tokens are opaque strings; as in the vendor's examples a token comes
// back with the page that holds the last item (it leads to an empty page without one), and
// PageNumber, PageSize and TotalCount come with every page.
func page[T any](p map[string]string, all []T) ([]T, map[string]any, error) {
	meta := map[string]any{"TotalCount": len(all)}
	if p["MaxResults"] != "" || p["NextToken"] != "" {
		max, err := intParam(p, "MaxResults", 10)
		if err != nil || max < 1 || max > 500 {
			return nil, nil, errf(400, "InvalidParameter", "The value of MaxResults is not valid (1-500).")
		}
		start := 0
		if t := strings.TrimSpace(p["NextToken"]); t != "" {
			n, ok := tokenOffset(t)
			if !ok || n > len(all) {
				return nil, nil, errf(400, "InvalidParameter", "The value of NextToken is not valid.")
			}
			start = n
		}
		end := min(start+int(max), len(all))
		meta["NextToken"] = ""
		if start < len(all) {
			meta["NextToken"] = pageToken(end)
		}
		meta["PageNumber"], meta["PageSize"] = start/int(max)+1, max
		return all[start:end], meta, nil
	}
	num, err := intParam(p, "PageNumber", 1)
	if err != nil || num < 1 {
		return nil, nil, errf(400, "InvalidParameter", "The value of PageNumber is not valid.")
	}
	size, err := intParam(p, "PageSize", 10)
	if err != nil || size < 1 || size > 100 {
		return nil, nil, errf(400, "InvalidParameter", "The value of PageSize is not valid (1-100).")
	}
	start := min(int((num-1)*size), len(all))
	end := min(start+int(size), len(all))
	// the examples carry NextToken with PageNumber/PageSize too: empty, pages are by number
	meta["PageNumber"], meta["PageSize"], meta["NextToken"] = num, size, ""
	return all[start:end], meta, nil
}

// pageToken is the opaque NextToken of an offset; tokenOffset reads one back.
func pageToken(offset int) string {
	return "AAAA" + base64.RawURLEncoding.EncodeToString([]byte("emu:"+strconv.Itoa(offset)))
}

func tokenOffset(t string) (int, bool) {
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(t, "AAAA"))
	if err != nil || !strings.HasPrefix(string(b), "emu:") {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimPrefix(string(b), "emu:"))
	return n, err == nil && n >= 0
}

func idSet(list string, max int) (map[string]bool, error) {
	if list == "" {
		return nil, nil
	}
	out := map[string]bool{}
	for _, id := range strings.Split(list, ",") {
		if id = strings.TrimSpace(id); id != "" {
			out[id] = true
		}
	}
	if len(out) > max {
		return nil, errf(400, "InvalidParameter", "At most %d IDs may be given.", max)
	}
	return out, nil
}
