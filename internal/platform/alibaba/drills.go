package alibaba

// Replica-group DR drills (issue 13 follow-up). The SDK v1.63.107 has no drill operations, so
// these three calls go through github.com/alibabacloud-go/darabonba-openapi/v2 (v2.1.13)
// CallApi — RPC style, the same signature (HMAC-SHA1, SignatureVersion 1.0) as the SDK's,
// with the same explicit endpoint (Driver.endpoint), credentials, client tokens and error
// classification (d.convert) and HTTP transport (Config.Transport) as every other call; a
// darabonba client writes its own fields during a call, so each call in flight takes one of its
// own from the endpoint's pool (clientPool):
//
//   - StartReplicaGroupDrill: RegionId (the region of the group's secondary site, where drills
//     must run: OperationDenied.StartDrillShouldOnDestRegion otherwise), GroupId, ClientToken;
//     returns DrillId. Needs a recovery point (OperationDenied.RecoverPointNotFound).
//     https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ebs-2021-07-30-startreplicagroupdrill
//   - ClearReplicaGroupDrill: RegionId, GroupId, DrillId (no ClientToken); deletes the drill
//     disks.
//     https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ebs-2021-07-30-clearreplicagroupdrill
//   - DescribeReplicaGroupDrills: RegionId, GroupId (required), DrillId, MaxResults (1–500) +
//     NextToken; Drills[].DrillId, GroupId, Status.
//     https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ebs-2021-07-30-describereplicagroupdrills
//
// Drill statuses (vendor-lifecycles.md §1, [A2]): executing → executed / execute_failed;
// clearing → gone / clear_failed. A drill the API still lists has drill disks (or is making
// or removing them): the group's drill is active until it is gone. A status the reference
// does not list counts as active too — it is never guessed away.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	"github.com/alibabacloud-go/tea/dara"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ebs"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/retry"
)

// ebsAPIVersion is the EBS API version of the darabonba calls (the SDK's services/ebs too).
const ebsAPIVersion = "2021-07-30"

// oapiClient takes a darabonba client of one endpoint from its pool (made on first use; see
// clientPool) and returns it with the function that gives it back: credentials as the SDK
// client's, no retries of its own (the retry layer around callAPI repeats a call with the same
// client token), the RPC signature (SignatureAlgorithm "v2" selects the RPC request with the
// HMAC-SHA1 signature; the default would sign ACS3-HMAC-SHA256), and the driver's own HTTP
// client (darabonba's default is one per host shared by the process, whose Timeout it writes
// on every call).
func (d *Driver) oapiClient(scheme, host string) (*openapi.Client, func(), error) {
	key := scheme + "://" + host
	d.mu.Lock()
	p, ok := d.oapi[key]
	if !ok {
		p = &clientPool[*openapi.Client]{newClient: func() (*openapi.Client, error) { return d.newOAPIClient(scheme, host) }}
		if d.oapi == nil {
			d.oapi = map[string]*clientPool[*openapi.Client]{}
		}
		d.oapi[key] = p
	}
	d.mu.Unlock()
	c, err := p.get()
	if err != nil {
		return nil, nil, err
	}
	return c, func() { p.put(c) }, nil
}

func (d *Driver) newOAPIClient(scheme, host string) (*openapi.Client, error) {
	ms := int(d.cfg.Timeout.Milliseconds())
	cfg := &openapi.Config{
		AccessKeyId: dara.String(d.cfg.AccessKeyID), AccessKeySecret: dara.String(d.cfg.AccessKeySecret),
		Endpoint: dara.String(host), Protocol: dara.String(scheme), RegionId: dara.String(d.cfg.Region),
		SignatureAlgorithm: dara.String("v2"), ReadTimeout: dara.Int(ms), ConnectTimeout: dara.Int(ms),
		HttpClient: transportClient{&http.Client{Transport: d.cfg.Transport, Timeout: d.cfg.Timeout}},
	}
	if d.cfg.SecurityToken != "" {
		cfg.SecurityToken = dara.String(d.cfg.SecurityToken)
	}
	c, err := openapi.NewClient(cfg)
	if err != nil {
		return nil, platform.Invalidf("", "EBS client (darabonba-openapi): %v", err)
	}
	c.DisableSDKError = dara.Bool(true) // keep ClientError/ServerError/ThrottlingError (convert reads their code)
	return c, nil
}

// transportClient is a darabonba client's HTTP client (dara.HttpClient): an http.Client over
// Config.Transport (nil: Go's default transport) that nothing writes after it is made — the
// transport darabonba would build, one per host shared by the process whose Timeout it writes
// on every call, is not used.
type transportClient struct{ c *http.Client }

func (t transportClient) Call(req *http.Request, _ *http.Transport) (*http.Response, error) {
	return t.c.Do(req)
}

// callAPI sends one EBS RPC action through darabonba-openapi CallApi in region, through the
// retry layer, decodes the JSON body into out (may be nil) and classifies an error as call
// does.
func (d *Driver) callAPI(ctx context.Context, action, region string, query map[string]string, out any) error {
	return retry.Do0(ctx, d.cfg.Retry, action, func(ctx context.Context) error { return d.callAPI1(ctx, action, region, query, out) })
}

func (d *Driver) callAPI1(ctx context.Context, action, region string, query map[string]string, out any) (err error) {
	if err := ctx.Err(); err != nil {
		return err
	}
	scheme, host := d.endpoint("ebs", region)
	c, release, err := d.oapiClient(scheme, host)
	if err != nil {
		return err
	}
	defer release()
	if !strings.HasPrefix(action, "Describe") {
		defer d.wrote()
	}
	defer func() {
		if p := recover(); p != nil {
			err = &platform.Error{Class: platform.ClassInternal, Code: "MalformedResponse", Message: fmt.Sprintf("%s: malformed response: %v", action, p)}
		}
	}()
	q := map[string]*string{}
	for k, v := range query {
		if v != "" {
			q[k] = dara.String(v)
		}
	}
	params := &openapi.Params{
		Action: dara.String(action), Version: dara.String(ebsAPIVersion), Protocol: dara.String(scheme),
		Pathname: dara.String("/"), Method: dara.String("POST"), AuthType: dara.String("AK"), Style: dara.String("RPC"),
		ReqBodyType: dara.String("formData"), BodyType: dara.String("json"),
	}
	res, err := c.CallApiWithCtx(ctx, params, &openapi.OpenApiRequest{Query: q}, &dara.RuntimeOptions{Autoretry: dara.Bool(false)})
	if err != nil {
		return d.convert(action, err)
	}
	if out == nil {
		return nil
	}
	b, err := json.Marshal(res["body"])
	if err == nil {
		err = json.Unmarshal(b, out)
	}
	if err != nil {
		return &platform.Error{Class: platform.ClassInternal, Code: "MalformedResponse", Message: action + ": the response is not the documented JSON: " + err.Error()}
	}
	return nil
}

// groupDrill is one entry of DescribeReplicaGroupDrills.Drills.
type groupDrill struct {
	DrillId       string `json:"DrillId"`
	GroupId       string `json:"GroupId"`
	Status        string `json:"Status"`
	StatusMessage string `json:"StatusMessage"`
	StartAt       int64  `json:"StartAt"` // the last drill on record (pair_drills.go)
}

// drillView is what the driver knows of a group's drills.
type drillView struct {
	known   bool   // read (or known to be none: no recovery point yet)
	active  bool   // a drill is listed
	id      string // the listed drill (the first)
	status  string
	startAt int64 // its StartAt (Unix seconds)
	// failure is what a drill in execute_failed or clear_failed says (its Status and
	// StatusMessage, e.g. GROUP_SYNCPOINT_NOT_FOUND): the group's last_error while it is listed
	failure string
}

// describeGroupDrills lists a group's drills in region (DescribeReplicaGroupDrills, 500 a page).
func (d *Driver) describeGroupDrills(ctx context.Context, region, groupID string) ([]groupDrill, error) {
	var out []groupDrill
	next := ""
	for {
		var resp struct {
			Drills    []groupDrill `json:"Drills"`
			NextToken string       `json:"NextToken"`
		}
		q := map[string]string{"RegionId": region, "GroupId": groupID, "MaxResults": strconv.Itoa(pageSize), "NextToken": next}
		if err := d.callAPI(ctx, "DescribeReplicaGroupDrills", region, q, &resp); err != nil {
			return nil, err
		}
		out = append(out, resp.Drills...)
		if lastPage(resp.NextToken, next, len(resp.Drills)) {
			return out, nil
		}
		next = resp.NextToken
	}
}

// groupDrills reads the drills of a replica group in its secondary (destination) region,
// where drills run. A group without a recovery point has none (a drill needs one:
// OperationDenied.RecoverPointNotFound), so it costs no call — the plan-time read of new
// groups stays at the list calls (TestReadCostPerPlan).
func (d *Driver) groupDrills(ctx context.Context, x ebs.ReplicaGroup) (drillView, error) {
	if x.LastRecoverPoint <= 0 || x.Status == "deleted" {
		return drillView{known: true}, nil
	}
	ds, err := d.describeGroupDrills(ctx, x.DestinationRegionId, x.ReplicaGroupId)
	if err != nil {
		return drillView{}, err
	}
	v := drillView{known: true}
	for _, dr := range ds {
		if dr.GroupId != "" && dr.GroupId != x.ReplicaGroupId {
			continue
		}
		v.active, v.id, v.status, v.startAt = true, dr.DrillId, dr.Status, dr.StartAt
		if strings.HasSuffix(dr.Status, "_failed") {
			v.failure = "drill " + dr.DrillId + " " + dr.Status + suffix(strings.TrimSpace(dr.StatusMessage))
		}
		break
	}
	return v, nil
}

// invokeDrill starts (StartReplicaGroupDrill) or clears (ClearReplicaGroupDrill) the group's
// drill. Both go to the group's secondary region: the engine's region for start_drill
// (lifecycle.ParamRegion, the standby region), else the group's DestinationRegionId.
func (d *Driver) invokeDrill(ctx context.Context, x ebs.ReplicaGroup, op lifecycle.Op, tok string, params map[string]string) error {
	region := x.DestinationRegionId
	if r := params[lifecycle.ParamRegion]; r != "" {
		region = r
	}
	if op == lifecycle.OpStartDrill {
		var resp struct {
			DrillId string `json:"DrillId"`
		}
		err := d.callAPI(ctx, "StartReplicaGroupDrill", region, map[string]string{"RegionId": region, "GroupId": x.ReplicaGroupId,
			"ClientToken": d.drillToken(tok)}, &resp)
		if err == nil && tok != "" {
			d.mu.Lock()
			if d.drillStartTok == nil {
				d.drillStartTok = map[string]string{}
			}
			d.drillStartTok[x.ReplicaGroupId] = tok
			d.mu.Unlock()
		}
		return err
	}
	ds, err := d.describeGroupDrills(ctx, region, x.ReplicaGroupId)
	if err != nil {
		return err
	}
	for _, dr := range ds {
		if dr.Status == "clearing" || (dr.GroupId != "" && dr.GroupId != x.ReplicaGroupId) {
			continue // being cleared already (a repeated stop_drill): nothing to send
		}
		err := d.callAPI(ctx, "ClearReplicaGroupDrill", region, map[string]string{"RegionId": region, "GroupId": x.ReplicaGroupId, "DrillId": dr.DrillId}, nil)
		if platform.IsNotFound(err) {
			err = nil // the drill just listed is gone: cleared already
		}
		if err != nil {
			return err
		}
		d.spentDrillToken(x.ReplicaGroupId)
	}
	// no drill listed: cleared already (a retried stop_drill after its call went through)
	return nil
}

// drillToken is the ClientToken of StartReplicaGroupDrill: the engine's token, this process's
// nonce and how often a drill started with that token was cleared by this process. The
// engine's token derives from the plan-time version, which the EBS record cannot tell apart
// before and after a drill cycle (a cleared drill is gone from DescribeReplicaGroupDrills and
// the group's record is unchanged until the next recovery point, up to the 15-minute RPO
// later): a second drill planned from that version carries the first one's token, and the
// platform would answer with the first, cleared drill instead of starting one. Every retry of
// one start keeps its ClientToken (the executor retries in its process, and nothing is cleared
// in between); a new process plans again from what it observes — a drill a lost response
// started is listed, so the engine does not start another. At most 43+1+8+digits ASCII
// characters, under the API's 64.
func (d *Driver) drillToken(tok string) string {
	if tok == "" {
		return ""
	}
	d.mu.Lock()
	gen := d.drillGen[tok]
	d.mu.Unlock()
	if gen == 0 {
		return tok + "-" + d.drillNonce
	}
	return tok + "-" + d.drillNonce + strconv.Itoa(gen)
}

// spentDrillToken records that the group's drill was cleared: a start with the same engine
// token is a new drill.
func (d *Driver) spentDrillToken(groupID string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	tok, ok := d.drillStartTok[groupID]
	if !ok {
		return
	}
	delete(d.drillStartTok, groupID)
	if d.drillGen == nil {
		d.drillGen = map[string]int{}
	}
	d.drillGen[tok]++
}
