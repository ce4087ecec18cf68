package huaweicloud

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/def"

	"github.com/dr-provider/terraform-provider-dr/internal/platform"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/retry"
)

// Reads are decoded defensively. The SDK's typed models break on payloads the service (and its
// documented examples) really sends: an enum that arrives as JSON null decodes to the string
// "null", and some numeric fields arrive as strings (or strings as numbers), which fails a typed
// decode of the whole response. So GET calls go through the SDK's client (endpoint, project id,
// AK/SK signing, error envelope) with a response type whose Body is the raw text, decoded here
// into a tolerant object (obj). State-changing calls use the SDK's typed requests.

// rawResponse receives the body unparsed (the SDK sets a *string Body to the raw text), and
// the answer's request ID.
type rawResponse struct {
	Body           *string `json:"body,omitempty"`
	XRequestId     *string `json:"X-Request-Id,omitempty"`
	HttpStatusCode int     `json:"-"`
}

// decode reads the answer to what: a tolerant object (an empty body is an empty object); an
// answer that is not JSON is an error naming it, its status and its request ID.
func (r *rawResponse) decode(what string) (obj, error) {
	if r.Body == nil {
		return obj{}, nil
	}
	o, err := decodeObj(*r.Body)
	if err != nil {
		return nil, platform.Errorf(platform.ClassInternal, CodeInvalidResponse, "%s: the answer is not valid JSON (%v) (%s)", what, err, answerRef(r.HttpStatusCode, deref(r.XRequestId)))
	}
	return o, nil
}

// CodeInvalidResponse is the code of an answer the driver cannot read.
const CodeInvalidResponse = "InvalidResponse"

// unread is the SDK's request definition d with its answer left unread (a raw body and the
// request ID): a write whose answer the driver does not use (a rename, a replication) must not
// fail on the answer's types — the documented answer of Changing the Name of a Replication
// Pair has volume_size as a string, which the SDK's model rejects after the rename is done.
func unread(d *def.HttpRequestDef) *def.HttpRequestDef {
	d.Response = new(rawResponse)
	d.ResponseFields = []*def.FieldDef{
		def.NewFieldDef().WithName("Body").WithJsonTag("body").WithLocationType(def.Body),
		def.NewFieldDef().WithName("XRequestId").WithJsonTag("X-Request-Id").WithLocationType(def.Header),
	}
	return d
}

// withRequestID declares the answer's X-Request-Id header on a request definition.
func withRequestID(b *def.HttpRequestDefBuilder) *def.HttpRequestDefBuilder {
	return b.WithResponseField(def.NewFieldDef().WithName("XRequestId").WithJsonTag("X-Request-Id").WithLocationType(def.Header))
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
	return withRequestID(b).Build()
}

// obj is a tolerant view of a JSON object.
type obj map[string]any

func decodeObj(s string) (obj, error) {
	d := json.NewDecoder(bytes.NewReader([]byte(s)))
	d.UseNumber()
	var o obj
	if err := d.Decode(&o); err != nil {
		return nil, err
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

// has reports whether the key is present (null included).
func (o obj) has(k string) bool { _, ok := o[k]; return ok }

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

// get makes one GET through the SDK's client (its endpoint, project id, AK/SK signing and
// error envelope) with the body left raw, through the retry layer (Config.Retry): a throttled
// (APIGW.0308, HTTP 429) or failed (5xx, a dropped connection) read is repeated per the
// policy, and nothing else retries it.
func (p *Platform) get(ctx context.Context, hc interface {
	Sync(req interface{}, reqDef *def.HttpRequestDef) (interface{}, error)
}, req any, mk func() *def.HttpRequestDef, what string) (*rawResponse, error) {
	return retry.Do(ctx, p.cfg.Retry, what, func(context.Context) (*rawResponse, error) {
		resp, err := hc.Sync(req, mk())
		if err != nil {
			return nil, wrap(err, what) // the operation, never the request template
		}
		return resp.(*rawResponse), nil
	})
}

// sdk makes one SDK call (an SDRS or CBR request) through the retry layer, its error
// classified (wrap). The SDK's calls take no context: the layer checks it between attempts.
func sdk[T any](ctx context.Context, p *Platform, what string, call func() (T, error)) (T, error) {
	return retry.Do(ctx, p.cfg.Retry, what, func(context.Context) (T, error) {
		v, err := call()
		return v, wrap(err, what)
	})
}

func (p *Platform) getRaw(ctx context.Context, path, id string, groupID string, what string) (obj, error) {
	var req any
	query := strings.HasSuffix(path, "s") && !strings.Contains(path, "{id}")
	if query {
		var lr listReq
		if groupID != "" {
			lr.ServerGroupId = &groupID
		}
		req = &lr
	} else {
		req = &pathReq{ID: id}
	}
	r, err := p.get(ctx, p.client.HcClient, req, func() *def.HttpRequestDef { return rawDef(path, query) }, what)
	if err != nil {
		return nil, wrap(err, what)
	}
	return r.decode(what)
}

// listAll pages through a list call by offset and returns the items under key. It sends no
// limit: every SDRS list page documents limit "from 0 to 1000, default 1000" while the Error
// Codes table's SDRS.0221 says it must be greater than 0 and less than 1000, so the default
// page is the one size no reading of the documents refuses. It stops at count (the number of
// items the query matches) or at an empty page.
func (p *Platform) listAll(ctx context.Context, path, key, groupID, what string) ([]obj, error) {
	var out []obj
	seen := map[string]bool{}
	for offset := int32(0); ; {
		lr := listReq{Offset: ptr(offset)}
		if groupID != "" {
			lr.ServerGroupId = &groupID
		}
		r, err := p.get(ctx, p.client.HcClient, &lr, func() *def.HttpRequestDef { return rawDef(path, true) }, what)
		if err != nil {
			return nil, err
		}
		o, err := r.decode(what)
		if err != nil {
			return nil, err
		}
		items := o.list(key)
		fresh := 0
		for _, it := range items {
			if id := it.str("id") + it.str("job_id"); id == "" || !seen[id] {
				seen[id] = id != ""
				out = append(out, it)
				fresh++
			}
		}
		offset += int32(len(items))
		// an empty page, the count reached, or a page of items already listed (a service
		// that ignores offset) ends the listing
		if fresh == 0 || (o.has("count") && len(out) >= o.int("count")) {
			return out, nil
		}
	}
}
