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
}

// Options configure an emulator (New's optional argument).
type Options struct {
	// Credentials are the AccessKey pairs it accepts (AccessKeyId → secret); nil: the test
	// credentials (TestAccessKeyID, TestAccessKeySecret).
	Credentials map[string]string
	// Gateway is the API gateway in front of it: latency, rate limits answered
	// Throttling.User, injected failures (the zero value: instant and unlimited).
	Gateway gateway.Config
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
	return &Emulator{sb: sb, credentials: creds, gw: gateway.New(ebsGateway{}, o.Gateway)}
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
		writeErr(w, reqID, errf(400, "InvalidParameter", "the request cannot be parsed: %v", err))
		return
	}
	params := map[string]string{}
	for k, v := range r.Form {
		if len(v) > 0 {
			params[k] = v[0]
		}
	}
	if err := e.verify(r.Method, params); err != nil {
		writeErr(w, reqID, err)
		return
	}
	table := actions
	switch params["Version"] {
	case APIVersion:
	case ECSAPIVersion:
		table = ecsActions
	default:
		writeErr(w, reqID, errf(400, "InvalidVersion", "Specified parameter Version is not valid."))
		return
	}
	h, ok := table[params["Action"]]
	if !ok {
		writeErr(w, reqID, errf(404, "InvalidAction.NotFound", "Specified api is not found, please check your url and method."))
		return
	}
	body, err := h(e, r.Context(), params)
	if err != nil {
		writeErr(w, reqID, vendorErr(err))
		return
	}
	if body == nil {
		body = map[string]any{}
	}
	body["RequestId"] = reqID
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	_ = json.NewEncoder(w).Encode(body)
}

func writeErr(w http.ResponseWriter, reqID string, e *apiError) {
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	w.WriteHeader(e.status)
	_ = json.NewEncoder(w).Encode(map[string]string{
		"RequestId": reqID, "HostId": "ebs.aliyuncs.com", "Code": e.code, "Message": e.message,
		"Recommend": "https://api.aliyun.com/troubleshoot?q=" + url.QueryEscape(e.code),
	})
}

// verify checks the RPC signature (SignatureMethod HMAC-SHA1, SignatureVersion 1.0), as the
// official SDK computes it (sdk/auth/rpc_signature_composer.go).
func (e *Emulator) verify(method string, params map[string]string) *apiError {
	ak := params["AccessKeyId"]
	if ak == "" {
		return errf(400, "MissingAccessKeyId", "AccessKeyId is mandatory for this action.")
	}
	secret, ok := e.credentials[ak]
	if !ok {
		return errf(404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.")
	}
	if params["SignatureMethod"] != "HMAC-SHA1" {
		return errf(400, "InvalidSignatureMethod", "Specified signature method is not supported.")
	}
	got := params["Signature"]
	want, sts := Sign(method, params, secret)
	if !hmac.Equal([]byte(got), []byte(want)) {
		return errf(400, "SignatureDoesNotMatch", "Specified signature is not matched with our calculation. server string to sign is:%s", sts)
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

// vendorErr translates a sandbox (platform) error into the EBS error code and HTTP status
// ([A2] errorCodes; vendor-lifecycles.md §1.5).
func vendorErr(err error) *apiError {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae
	}
	var pe *platform.Error
	if !errors.As(err, &pe) {
		return errf(500, "InternalError", "The request processing has failed due to some unknown error, exception or failure.")
	}
	msg := pe.Message
	if pe.Rule != "" {
		msg = "[" + pe.Rule + "] " + msg
	}
	switch pe.Class {
	case platform.ClassNotFound:
		return errf(404, "NoSuchResource", "The specified resource does not exist. %s", msg)
	case platform.ClassPreconditionFailed, platform.ClassConflict:
		switch pe.Code {
		case platform.CodeMemberLimit: // AddDiskReplicaPair errorCodes
			return errf(403, "OperationDenied.PairsExceedInGroup", "The number of pairs in the replica group exceeds the limit. %s", msg)
		case platform.CodeSyncOnceLimit: // StartDiskReplicaPair/Group errorCodes (OneShot=true)
			return errf(403, "OperationDenied.ManualSyncLimit", "One-shot synchronisations are requested too often. %s", msg)
		}
		return errf(403, "OperationDenied.InvalidStatus", "The operation is not allowed in current status. %s", msg)
	case platform.ClassRetryable:
		if pe.Code == platform.CodeThrottling {
			return errf(400, "Throttling", "Request was denied due to request throttling.")
		}
		return errf(503, "ServiceUnavailable", "The request has failed due to a temporary failure of the server. %s", msg)
	case platform.ClassQuota:
		return errf(403, "OperationDenied.QuotaExceed", "The quota is exceeded. %s", msg)
	case platform.ClassInvalid:
		switch pe.Code {
		case platform.CodeIdempotentParameterMismatch:
			return errf(400, "IdempotentParameterMismatch", "The request uses the same client token as a previous, but non-identical request.")
		case platform.CodeInvalidRegion:
			return errf(403, "OperationDenied.OperateNotAllowedForPrimary", "The operation is not allowed in this region. %s", msg)
		case platform.CodeInvalidClientToken:
			return errf(400, "InvalidParameter", "The specified parameter ClientToken is not valid. %s", msg)
		}
		return errf(400, "InvalidParameter", "The specified parameter is not valid. %s", msg)
	}
	return errf(500, "InternalError", "The request processing has failed due to some unknown error. %s", msg)
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
	"StartDiskReplicaPair":            drOp(lifecycle.ReplicationPair, lifecycle.OpStart),
	"StopDiskReplicaPair":             drOp(lifecycle.ReplicationPair, lifecycle.OpStop),
	"FailoverDiskReplicaPair":         drOp(lifecycle.ReplicationPair, lifecycle.OpFailover),
	"ReprotectDiskReplicaPair":        drOp(lifecycle.ReplicationPair, lifecycle.OpReprotect),
	"DeleteDiskReplicaPair":           drOp(lifecycle.ReplicationPair, lifecycle.OpDelete),
	"ModifyDiskReplicaPair":           (*Emulator).modifyPair,
	"DescribeDiskReplicaPairs":        (*Emulator).describePairs,
	"DescribeDiskReplicaPairProgress": (*Emulator).pairProgress,
	"CreateDiskReplicaGroup":          (*Emulator).createGroup,
	"StartDiskReplicaGroup":           drOp(lifecycle.ProtectionGroup, lifecycle.OpEnableProtection),
	"StopDiskReplicaGroup":            drOp(lifecycle.ProtectionGroup, lifecycle.OpDisableProtection),
	"FailoverDiskReplicaGroup":        drOp(lifecycle.ProtectionGroup, lifecycle.OpFailover),
	"ReprotectDiskReplicaGroup":       drOp(lifecycle.ProtectionGroup, lifecycle.OpReprotect),
	"DeleteDiskReplicaGroup":          drOp(lifecycle.ProtectionGroup, lifecycle.OpDelete),
	"ModifyDiskReplicaGroup":          (*Emulator).modifyGroup,
	"DescribeDiskReplicaGroups":       (*Emulator).describeGroups,
	"AddDiskReplicaPair":              membership(lifecycle.OpAddMember),
	"RemoveDiskReplicaPair":           membership(lifecycle.OpRemoveMember),
	"StartReplicaGroupDrill":          (*Emulator).startGroupDrill, // drills.go
	"ClearReplicaGroupDrill":          (*Emulator).clearGroupDrill,
	"DescribeReplicaGroupDrills":      (*Emulator).describeGroupDrills,
	"StartPairDrill":                  (*Emulator).startPairDrill, // pair_drills.go
	"ClearPairDrill":                  (*Emulator).clearPairDrill,
	"DescribePairDrills":              (*Emulator).describePairDrills,
}

func required(p map[string]string, names ...string) error {
	for _, n := range names {
		if p[n] == "" {
			return errf(400, "MissingParameter", "The input parameter %q that is mandatory for processing this request is not supplied.", n)
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
		return 0, errf(400, "InvalidParameter", "The specified parameter %s is not valid.", name)
	}
	return n, nil
}

// token returns the call's ClientToken after the vendor's checks (ASCII, at most 64).
func token(p map[string]string) (string, error) {
	t := p["ClientToken"]
	if len(t) > 64 {
		return "", errf(400, "InvalidParameter", "The specified parameter ClientToken is not valid: at most 64 ASCII characters.")
	}
	for i := 0; i < len(t); i++ {
		if t[i] > 0x7e || t[i] < 0x20 {
			return "", errf(400, "InvalidParameter", "The specified parameter ClientToken is not valid: ASCII characters only.")
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
		return errf(400, "InvalidParameter", "The specified parameter %s is not valid.", name)
	}
	return nil
}

// ---- regions ----

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
			zs = append(zs, map[string]any{"ZoneId": z, "LocalName": z})
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
	return platform.Site{}, errf(400, "InvalidParameter", "The specified zone %q of region %q does not exist.", zone, region)
}

// ---- pairs ----

func pairJSON(p platform.ReplicationPair) map[string]any {
	src, dst := [3]string{p.PrimaryRegion, p.PrimaryZone, p.PrimaryVolumeID}, [3]string{p.SecondaryRegion, p.SecondaryZone, p.SecondaryVolumeID}
	if p.ActiveSite == lifecycle.SiteTarget {
		src, dst = dst, src
	}
	var lrp int64
	if !p.LastRecoveryPoint.IsZero() {
		lrp = p.LastRecoveryPoint.Unix()
	}
	status := statusOf(p.State, p.FailedOp)
	msg := ""
	if status == "invalid" || strings.HasSuffix(status, "_failed") {
		msg = p.LastError
	}
	return map[string]any{
		"ReplicaPairId": p.ID, "PairName": p.Name, "Description": p.Description, "Status": status, "StatusMessage": msg,
		"SourceRegion": src[0], "SourceZoneId": src[1], "SourceDiskId": src[2],
		"DestinationRegion": dst[0], "DestinationZoneId": dst[1], "DestinationDiskId": dst[2],
		"PrimaryRegion": p.PrimaryRegion, "PrimaryZone": p.PrimaryZone, "StandbyRegion": p.SecondaryRegion, "StandbyZone": p.SecondaryZone,
		"RPO": p.RPOSeconds, "Bandwidth": p.BandwidthKbps, "LastRecoverPoint": lrp, "ReplicaGroupId": p.GroupID,
		"Site": "production", "ChargeType": "POSTPAY", "Tags": []any{},
	}
}

func (e *Emulator) createPair(ctx context.Context, p map[string]string) (map[string]any, error) {
	if err := required(p, "RegionId", "SourceZoneId", "DiskId", "DestinationRegionId", "DestinationZoneId", "DestinationDiskId"); err != nil {
		return nil, err
	}
	if err := checkName(p, "PairName", 128, true); err != nil {
		return nil, err
	}
	if err := checkName(p, "Description", 256, false); err != nil {
		return nil, err
	}
	rpo, err := intParam(p, "RPO", 900)
	if err != nil {
		return nil, err
	}
	if rpo != 900 {
		return nil, errf(400, "InvalidParameter", "The specified parameter RPO is not valid: only 900 is supported.")
	}
	bw, err := intParam(p, "Bandwidth", 10240)
	if err != nil {
		return nil, err
	}
	tok, err := token(p)
	if err != nil {
		return nil, err
	}
	for _, d := range [][3]string{{p["DiskId"], p["RegionId"], p["SourceZoneId"]}, {p["DestinationDiskId"], p["DestinationRegionId"], p["DestinationZoneId"]}} {
		if err := e.diskAt(ctx, d[0], d[1], d[2]); err != nil {
			return nil, err
		}
	}
	pair, err := e.sb.CreatePair(ctx, platform.PairSpec{Name: p["PairName"], Description: p["Description"], PrimaryVolumeID: p["DiskId"],
		SecondaryVolumeID: p["DestinationDiskId"], RPOSeconds: rpo, BandwidthKbps: bw}, tok)
	if err != nil {
		return nil, err
	}
	return map[string]any{"ReplicaPairId": pair.ID}, nil
}

// diskAt checks a disk exists in the region and zone the call names.
func (e *Emulator) diskAt(ctx context.Context, disk, region, zone string) error {
	v, err := e.sb.GetVolume(ctx, disk)
	if err != nil {
		if platform.IsNotFound(err) {
			return errf(404, "NoSuchResource", "The specified disk %q does not exist.", disk)
		}
		return err
	}
	s, err := e.sb.GetSite(ctx, v.SiteID)
	if err != nil {
		return err
	}
	if s.Region != region || s.Zone != zone {
		return errf(400, "InvalidParameter", "The specified disk %q is not in zone %q of region %q.", disk, zone, region)
	}
	return nil
}

// visiblePair reads a pair seen from a region (either side's region, as Describe does).
func (e *Emulator) visiblePair(ctx context.Context, region, id string) (platform.ReplicationPair, error) {
	pair, err := e.sb.GetPair(ctx, id)
	if err != nil {
		return pair, err
	}
	if region != pair.PrimaryRegion && region != pair.SecondaryRegion {
		return pair, errf(404, "NoSuchResource", "The specified replica pair %q does not exist in region %q.", id, region)
	}
	return pair, nil
}

// drOp is the handler of a pair or group operation (Start/Stop/Failover/Reprotect/Delete
// DiskReplicaPair|Group): the request's checks, then the sandbox's Invoke, which decides.
// The call region is passed where the engine's row names one (R001-3), so the sandbox checks it.
func drOp(kind lifecycle.Kind, op lifecycle.Op) handler {
	idParam := "ReplicaPairId"
	if kind == lifecycle.ProtectionGroup {
		idParam = "ReplicaGroupId"
	}
	row, _ := lifecycle.Table(kind).Operation(op)
	return func(e *Emulator, ctx context.Context, p map[string]string) (map[string]any, error) {
		if err := required(p, "RegionId", idParam); err != nil {
			return nil, err
		}
		op := op
		if op == lifecycle.OpStart || op == lifecycle.OpEnableProtection {
			// StartDiskReplicaPair/Group: OneShot, Boolean, default false; true is a one-shot
			// synchronisation (manual_syncing → stopped) — the engine's sync_once
			switch p["OneShot"] {
			case "", "false":
			case "true":
				op = lifecycle.OpSyncOnce
			default:
				return nil, errf(400, "InvalidParameter", "The specified parameter OneShot is not valid.")
			}
		}
		if op == lifecycle.OpReprotect {
			// ReprotectDiskReplicaPair/Group: ReverseReplicate, Boolean, default true; false
			// "cancels the Failovered (failovered) state and restores the original replication
			// direction" — the engine's revert_failover
			switch p["ReverseReplicate"] {
			case "", "true":
			case "false":
				op = lifecycle.OpRevertFailover
			default:
				return nil, errf(400, "InvalidParameter", "The specified parameter ReverseReplicate is not valid.")
			}
		}
		tok, err := token(p)
		if err != nil {
			return nil, err
		}
		id := p[idParam]
		if kind == lifecycle.ProtectionGroup {
			_, err = e.visibleGroup(ctx, p["RegionId"], id)
		} else {
			_, err = e.visiblePair(ctx, p["RegionId"], id)
		}
		if err != nil {
			return nil, err
		}
		var params map[string]string
		if row.Region != lifecycle.RegionEither {
			params = map[string]string{lifecycle.ParamRegion: p["RegionId"]}
		}
		return nil, e.sb.Invoke(ctx, kind, id, op, tok, params)
	}
}

func (e *Emulator) modifyPair(ctx context.Context, p map[string]string) (map[string]any, error) {
	if err := required(p, "RegionId", "ReplicaPairId"); err != nil {
		return nil, err
	}
	if err := checkName(p, "PairName", 128, true); err != nil {
		return nil, err
	}
	if err := checkName(p, "Description", 256, false); err != nil {
		return nil, err
	}
	cur, err := e.visiblePair(ctx, p["RegionId"], p["ReplicaPairId"])
	if err != nil {
		return nil, err
	}
	spec := platform.PairSpec{Name: cur.Name, Description: cur.Description, RPOSeconds: cur.RPOSeconds, BandwidthKbps: cur.BandwidthKbps}
	if v, ok := p["PairName"]; ok {
		spec.Name = v
	}
	if v, ok := p["Description"]; ok {
		spec.Description = v
	}
	if spec.RPOSeconds, err = intParam(p, "RPO", cur.RPOSeconds); err != nil {
		return nil, err
	}
	if spec.BandwidthKbps, err = intParam(p, "Bandwidth", cur.BandwidthKbps); err != nil {
		return nil, err
	}
	_, err = e.sb.UpdatePair(ctx, cur.ID, spec)
	return nil, err
}

// page applies the Describe* paging: MaxResults (1–500) + NextToken, or PageNumber/PageSize
// (1–100, default 10).
func page[T any](p map[string]string, all []T) ([]T, map[string]any, error) {
	meta := map[string]any{"TotalCount": len(all)}
	if p["MaxResults"] != "" || p["NextToken"] != "" {
		max, err := intParam(p, "MaxResults", 10)
		if err != nil || max < 1 || max > 500 {
			return nil, nil, errf(400, "InvalidParameter", "The specified parameter MaxResults is not valid (1-500).")
		}
		start := 0
		if t := p["NextToken"]; t != "" {
			n, err := strconv.Atoi(t)
			if err != nil || n < 0 || n > len(all) {
				return nil, nil, errf(400, "InvalidParameter", "The specified parameter NextToken is not valid.")
			}
			start = n
		}
		end := min(start+int(max), len(all))
		if end < len(all) {
			meta["NextToken"] = strconv.Itoa(end)
		} else {
			meta["NextToken"] = ""
		}
		return all[start:end], meta, nil
	}
	num, err := intParam(p, "PageNumber", 1)
	if err != nil || num < 1 {
		return nil, nil, errf(400, "InvalidParameter", "The specified parameter PageNumber is not valid.")
	}
	size, err := intParam(p, "PageSize", 10)
	if err != nil || size < 1 || size > 100 {
		return nil, nil, errf(400, "InvalidParameter", "The specified parameter PageSize is not valid (1-100).")
	}
	start := min(int((num-1)*size), len(all))
	end := min(start+int(size), len(all))
	meta["PageNumber"], meta["PageSize"] = num, size
	return all[start:end], meta, nil
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

func (e *Emulator) describePairs(ctx context.Context, p map[string]string) (map[string]any, error) {
	if err := required(p, "RegionId"); err != nil {
		return nil, err
	}
	ids, err := idSet(p["PairIds"], 100)
	if err != nil {
		return nil, err
	}
	pairs, err := e.sb.ListPairs(ctx)
	if err != nil {
		return nil, err
	}
	region, group := p["RegionId"], p["ReplicaGroupId"]
	var sel []platform.ReplicationPair
	for _, x := range pairs {
		if x.PrimaryRegion != region && x.SecondaryRegion != region {
			continue
		}
		if ids != nil && !ids[x.ID] {
			continue
		}
		if group == "-" && x.GroupID != "" || group != "" && group != "-" && x.GroupID != group {
			continue
		}
		sel = append(sel, x)
	}
	sort.Slice(sel, func(i, j int) bool { return sel[i].ID < sel[j].ID })
	pg, out, err := page(p, sel)
	if err != nil {
		return nil, err
	}
	list := make([]map[string]any, 0, len(pg))
	for _, x := range pg {
		list = append(list, pairJSON(x))
	}
	out["ReplicaPairs"] = list
	return out, nil
}

func (e *Emulator) pairProgress(ctx context.Context, p map[string]string) (map[string]any, error) {
	if err := required(p, "RegionId", "ReplicaPairId"); err != nil {
		return nil, err
	}
	pair, err := e.visiblePair(ctx, p["RegionId"], p["ReplicaPairId"])
	if err != nil {
		return nil, err
	}
	progress := pair.SyncProgress
	if pair.State == lifecycle.Replicating {
		progress = 100
	}
	var rp int64
	if !pair.LastRecoveryPoint.IsZero() {
		rp = pair.LastRecoveryPoint.Unix()
	}
	return map[string]any{"Progress": progress, "RecoverPoint": rp}, nil
}

// ---- groups ----

func groupJSON(g platform.ProtectionGroup) map[string]any {
	src, dst := [2]string{g.SourceRegion, g.SourceZone}, [2]string{g.TargetRegion, g.TargetZone}
	if g.ActiveSite == lifecycle.SiteTarget {
		src, dst = dst, src
	}
	var lrp int64
	if !g.LastRecoveryPoint.IsZero() {
		lrp = g.LastRecoveryPoint.Unix()
	}
	ids := append([]string{}, g.PairIDs...)
	return map[string]any{
		"ReplicaGroupId": g.ID, "GroupName": g.Name, "Description": g.Description, "Status": statusOf(g.State, g.FailedOp),
		"SourceRegionId": src[0], "SourceZoneId": src[1], "DestinationRegionId": dst[0], "DestinationZoneId": dst[1],
		"PrimaryRegion": g.SourceRegion, "PrimaryZone": g.SourceZone, "StandbyRegion": g.TargetRegion, "StandbyZone": g.TargetZone,
		"RPO": 900, "LastRecoverPoint": lrp, "Site": "production", "PairNumber": len(ids), "PairIds": ids, "Tags": []any{},
	}
}

func (e *Emulator) createGroup(ctx context.Context, p map[string]string) (map[string]any, error) {
	if err := required(p, "RegionId", "SourceZoneId", "DestinationRegionId", "DestinationZoneId"); err != nil {
		return nil, err
	}
	if err := checkName(p, "GroupName", 128, true); err != nil {
		return nil, err
	}
	if err := checkName(p, "Description", 256, false); err != nil {
		return nil, err
	}
	if rpo, err := intParam(p, "RPO", 900); err != nil || rpo != 900 {
		return nil, errf(400, "InvalidParameter", "The specified parameter RPO is not valid: only 900 is supported.")
	}
	tok, err := token(p)
	if err != nil {
		return nil, err
	}
	if _, err := e.site(ctx, p["RegionId"], p["SourceZoneId"]); err != nil {
		return nil, err
	}
	if _, err := e.site(ctx, p["DestinationRegionId"], p["DestinationZoneId"]); err != nil {
		return nil, err
	}
	g, err := e.sb.CreateGroup(ctx, platform.GroupSpec{Name: p["GroupName"], Description: p["Description"], SourceRegion: p["RegionId"],
		SourceZone: p["SourceZoneId"], TargetRegion: p["DestinationRegionId"], TargetZone: p["DestinationZoneId"]}, tok)
	if err != nil {
		return nil, err
	}
	return map[string]any{"ReplicaGroupId": g.ID}, nil
}

func (e *Emulator) visibleGroup(ctx context.Context, region, id string) (platform.ProtectionGroup, error) {
	g, err := e.sb.GetGroup(ctx, id)
	if err != nil {
		return g, err
	}
	if region != g.SourceRegion && region != g.TargetRegion {
		return g, errf(404, "NoSuchResource", "The specified replica group %q does not exist in region %q.", id, region)
	}
	return g, nil
}

func membership(op lifecycle.Op) handler {
	return func(e *Emulator, ctx context.Context, p map[string]string) (map[string]any, error) {
		if err := required(p, "RegionId", "ReplicaGroupId", "ReplicaPairId"); err != nil {
			return nil, err
		}
		tok, err := token(p)
		if err != nil {
			return nil, err
		}
		if _, err := e.visibleGroup(ctx, p["RegionId"], p["ReplicaGroupId"]); err != nil {
			return nil, err
		}
		return nil, e.sb.Invoke(ctx, lifecycle.ProtectionGroup, p["ReplicaGroupId"], op, tok, map[string]string{lifecycle.ParamPairID: p["ReplicaPairId"]})
	}
}

func (e *Emulator) modifyGroup(ctx context.Context, p map[string]string) (map[string]any, error) {
	if err := required(p, "RegionId", "ReplicaGroupId"); err != nil {
		return nil, err
	}
	if err := checkName(p, "GroupName", 128, true); err != nil {
		return nil, err
	}
	if err := checkName(p, "Description", 256, false); err != nil {
		return nil, err
	}
	cur, err := e.visibleGroup(ctx, p["RegionId"], p["ReplicaGroupId"])
	if err != nil {
		return nil, err
	}
	spec := platform.GroupSpec{Name: cur.Name, Description: cur.Description}
	if v, ok := p["GroupName"]; ok {
		spec.Name = v
	}
	if v, ok := p["Description"]; ok {
		spec.Description = v
	}
	_, err = e.sb.UpdateGroup(ctx, cur.ID, spec)
	return nil, err
}

func (e *Emulator) describeGroups(ctx context.Context, p map[string]string) (map[string]any, error) {
	if err := required(p, "RegionId"); err != nil {
		return nil, err
	}
	ids, err := idSet(p["GroupIds"], 100)
	if err != nil {
		return nil, err
	}
	groups, err := e.sb.ListGroups(ctx)
	if err != nil {
		return nil, err
	}
	region := p["RegionId"]
	var sel []platform.ProtectionGroup
	for _, g := range groups {
		if (g.SourceRegion == region || g.TargetRegion == region) && (ids == nil || ids[g.ID]) {
			sel = append(sel, g)
		}
	}
	sort.Slice(sel, func(i, j int) bool { return sel[i].ID < sel[j].ID })
	pg, out, err := page(p, sel)
	if err != nil {
		return nil, err
	}
	list := make([]map[string]any, 0, len(pg))
	for _, g := range pg {
		list = append(list, groupJSON(g))
	}
	out["ReplicaGroups"] = list
	return out, nil
}
