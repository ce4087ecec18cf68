package huaweicloud

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/def"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdkerr"

	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// Reads are decoded defensively. The SDK's typed models break on payloads the service (and its
// documented examples) really sends: an enum that arrives as JSON null decodes to the string
// "null", and some numeric fields arrive as strings (or strings as numbers), which fails a typed
// decode of the whole response. So GET calls go through the SDK's client (endpoint, project id,
// AK/SK signing, error envelope) with a response type whose Body is the raw text, decoded here
// into a tolerant object (obj). State-changing calls use the SDK's typed requests.

// rawResponse receives the body unparsed (the SDK sets a *string Body to the raw text).
type rawResponse struct {
	Body           *string `json:"body,omitempty"`
	HttpStatusCode int     `json:"-"`
}

// idReq fills one path parameter named by its json tag, plus optional query parameters.
type listReq struct {
	ServerGroupId *string `json:"server_group_id,omitempty"`
	Limit         *int32  `json:"limit,omitempty"`
	Offset        *int32  `json:"offset,omitempty"`
}

type pathReq struct {
	ID string `json:"id"`
}

func rawDef(path string, query bool) *def.HttpRequestDef {
	b := def.NewHttpRequestDefBuilder().WithMethod(http.MethodGet).WithPath(path).
		WithResponse(new(rawResponse)).WithContentType("application/json")
	if strings.Contains(path, "{id}") {
		b.WithRequestField(def.NewFieldDef().WithName("ID").WithJsonTag("id").WithLocationType(def.Path))
	}
	if query {
		b.WithRequestField(def.NewFieldDef().WithName("ServerGroupId").WithJsonTag("server_group_id").WithLocationType(def.Query))
		b.WithRequestField(def.NewFieldDef().WithName("Limit").WithJsonTag("limit").WithLocationType(def.Query))
		b.WithRequestField(def.NewFieldDef().WithName("Offset").WithJsonTag("offset").WithLocationType(def.Query))
	}
	b.WithResponseField(def.NewFieldDef().WithName("Body").WithJsonTag("body").WithLocationType(def.Body))
	return b.Build()
}

// obj is a tolerant view of a JSON object.
type obj map[string]any

func decodeObj(s string) (obj, error) {
	d := json.NewDecoder(bytes.NewReader([]byte(s)))
	d.UseNumber()
	var o obj
	if err := d.Decode(&o); err != nil {
		return nil, platform.Errorf(platform.ClassInternal, "SDRS.Decode", "undecodable SDRS response: %v", err)
	}
	return o, nil
}

// str returns a string field: JSON null, absent and the SDK's "null" are "" (not set); a
// number is formatted.
func (o obj) str(k string) string {
	switch v := o[k].(type) {
	case string:
		if v == "null" {
			return ""
		}
		return v
	case json.Number:
		return v.String()
	case bool:
		return strconv.FormatBool(v)
	}
	return ""
}

// int returns a numeric field that may arrive as a number or a numeric string.
func (o obj) int(k string) int {
	switch v := o[k].(type) {
	case json.Number:
		if i, err := v.Int64(); err == nil {
			return int(i)
		}
		if f, err := v.Float64(); err == nil {
			return int(f)
		}
	case string:
		if i, err := strconv.Atoi(strings.TrimSpace(v)); err == nil {
			return i
		}
		if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
			return int(f)
		}
	}
	return 0
}

func (o obj) obj(k string) obj {
	if m, ok := o[k].(map[string]any); ok {
		return obj(m)
	}
	return obj{}
}

func (o obj) list(k string) []obj {
	a, _ := o[k].([]any)
	out := make([]obj, 0, len(a))
	for _, x := range a {
		if m, ok := x.(map[string]any); ok {
			out = append(out, obj(m))
		}
	}
	return out
}

// ---- errors ----

// classOf maps an SDRS / API Gateway error code onto the engine's classes (the platforms
// guide; vendor-lifecycles §2.5 and §7.1; SDRS Error Codes,
// https://support.huaweicloud.com/intl/en-us/api-sdrs/en-us_topic_0113127626.html).
func classOf(status int, code string) platform.Class {
	switch code {
	case "SDRS.1013", "SDRS.1608", "SDRS.1320", "SDRS.1902":
		return platform.ClassNotFound
	case "SDRS.0209", "SDRS.0214", "SDRS.1002", "SDRS.1017", "SDRS.1018", "SDRS.1019", "SDRS.1020", "SDRS.1021",
		"SDRS.1022", "SDRS.1023", "SDRS.1024", "SDRS.1301", "SDRS.1323", "SDRS.1324", "SDRS.1325", "SDRS.1328",
		"SDRS.1601", "SDRS.1913", "SDRS.1316", "SDRS.1319", "SDRS.1352", "SDRS.1342", "SDRS.1809",
		"SDRS.1001", "SDRS.1003", "SDRS.1010", "SDRS.1603", "SDRS.1604", "SDRS.1605", "SDRS.1611", "SDRS.1826",
		"SDRS.1802", "SDRS.1810", "SDRS.1811", "SDRS.1303", "SDRS.1304", "SDRS.1305", "SDRS.1333":
		return platform.ClassPreconditionFailed
	case "BackupService.1002", "BackupService.1003", "BackupService.1005", "BackupService.1009", "BackupService.1011":
		return platform.ClassPreconditionFailed // CBR Error Codes (api-cbr/ErrorCode.html), §4.3
	case "BackupService.1012":
		return platform.ClassQuota
	case "SDRS.0305", "SDRS.0306", "SDRS.1358":
		return platform.ClassQuota
	case "APIGW.0308":
		return platform.ClassRetryable
	}
	switch {
	case status == http.StatusTooManyRequests || status == http.StatusBadGateway || status == http.StatusServiceUnavailable ||
		status == http.StatusGatewayTimeout || status == http.StatusInternalServerError:
		return platform.ClassRetryable
	case status == http.StatusNotFound && code == "":
		return platform.ClassNotFound
	case strings.HasPrefix(code, "SDRS.02"), strings.HasPrefix(code, "SDRS.000"), strings.HasPrefix(code, "APIGW."),
		status == http.StatusBadRequest, status == http.StatusUnauthorized, status == http.StatusForbidden:
		return platform.ClassInvalid
	}
	return platform.ClassInternal
}

// wrap classifies an SDK error. Connection failures and timeouts are Retryable.
func wrap(err error, what string) error {
	if err == nil {
		return nil
	}
	var pe *platform.Error
	if errors.As(err, &pe) {
		return err
	}
	var sr *sdkerr.ServiceResponseError
	if errors.As(err, &sr) {
		return &platform.Error{Class: classOf(sr.StatusCode, sr.ErrorCode), Code: sr.ErrorCode,
			Message: fmt.Sprintf("%s: %s (HTTP %d)", what, sr.ErrorMessage, sr.StatusCode)}
	}
	var srv sdkerr.ServiceResponseError
	if errors.As(err, &srv) {
		return &platform.Error{Class: classOf(srv.StatusCode, srv.ErrorCode), Code: srv.ErrorCode,
			Message: fmt.Sprintf("%s: %s (HTTP %d)", what, srv.ErrorMessage, srv.StatusCode)}
	}
	var ce *sdkerr.ConnectionError
	var te *sdkerr.RequestTimeoutError
	if errors.As(err, &ce) || errors.As(err, &te) {
		return &platform.Error{Class: platform.ClassRetryable, Code: platform.CodeInternal, Message: what, Err: err}
	}
	// net/http transport errors surface unwrapped from the SDK
	return &platform.Error{Class: platform.ClassRetryable, Code: platform.CodeInternal, Message: what, Err: err}
}

// syncRead runs a read (GET) with up to three attempts on a retryable error (throttling, a
// dropped connection): reads have no effect, and one observation makes several of them.
func syncRead(hc interface {
	Sync(req interface{}, reqDef *def.HttpRequestDef) (interface{}, error)
}, req any, mk func() *def.HttpRequestDef, what string) (*rawResponse, error) {
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		if attempt > 0 {
			time.Sleep(time.Duration(25<<attempt) * time.Millisecond)
		}
		var resp interface{}
		d := mk()
		resp, err = hc.Sync(req, d)
		if err == nil {
			return resp.(*rawResponse), nil
		}
		err = wrap(err, what+" "+d.Path)
		if !platform.IsRetryable(err) {
			return nil, err
		}
	}
	return nil, err
}
