package acronis

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/platform"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/retry"
)

// Config configures a Client.
type Config struct {
	// DatacenterURL is the tenant's data centre (https://eu2-cloud.acronis.com), or an emulator.
	DatacenterURL string
	ClientID      string
	ClientSecret  string
	// TenantID is the customer tenant the DR API works in; empty: the API client's own tenant
	// (read from GET /api/2/clients/{client_id}).
	TenantID string
	// HTTPClient sends the requests; nil: a client with a 30 s timeout.
	HTTPClient *http.Client
	// Now is the client's clock for token expiry; nil: the wall clock.
	Now func() time.Time
	// Retry is the retry policy of every request (internal/platform/retry): a 429 or 5xx is
	// retried, a Retry-After honoured (up to the policy's MaxWait); zero: retry.Default.
	Retry retry.Policy
	// Log receives one line per request (method, path, status): never a header, a body, a
	// token or a secret. Nil: no logging.
	Log func(msg string)
}

// Client is a small client of the Acronis APIs the DR driver uses: the Account Management
// API's token endpoint (client credentials, then the customer-scoped token) and the DR API
// v2. It is safe for concurrent use.
type Client struct {
	cfg  Config
	base string
	hc   *http.Client

	mu       sync.Mutex
	token    string
	expires  time.Time
	skew     time.Duration
	tenantID string
}

// tokenSkew renews a token this long before Acronis says it expires (at most a quarter of
// its lifetime).
const tokenSkew = 60 * time.Second

// NewClient returns a client; it does not call the API.
func NewClient(cfg Config) (*Client, error) {
	u, err := url.Parse(strings.TrimRight(cfg.DatacenterURL, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, platform.Invalidf("", "datacenter_url must be an http(s) URL such as https://eu2-cloud.acronis.com")
	}
	if cfg.ClientID == "" || cfg.ClientSecret == "" {
		return nil, platform.Invalidf("", "client_id and client_secret are required (an API client registered in the tenant)")
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Client{cfg: cfg, base: u.String(), hc: cfg.HTTPClient, tenantID: cfg.TenantID}, nil
}

func (c *Client) log(format string, args ...any) {
	if c.cfg.Log != nil {
		c.cfg.Log(fmt.Sprintf(format, args...))
	}
}

// APIError is an error response of an Acronis API: its HTTP status, the vendor's domain, code
// and message, the request ID when the response carries one (X-Request-Id), and Retry-After.
type APIError struct {
	Status     int
	Domain     string
	Code       string
	Message    string
	RequestID  string
	RetryAfter time.Duration
}

// Error is the status and the request ID (the classified error's message carries the rest;
// the classified error does not wrap it, so nothing is said twice).
func (e *APIError) Error() string {
	s := fmt.Sprintf("HTTP %d", e.Status)
	if e.RequestID != "" {
		s += ", request ID " + e.RequestID
	}
	return s
}

// classify maps an API error onto the platform's error classes: 404 NotFound (ServerNotFound,
// EntityNotFound); 409 PreconditionFailed (ResourceBusy: Retryable, another task runs; a quota,
// subscription or pack limit: Quota); 429/5xx Retryable, with the response's Retry-After; 400
// Invalid; 401/403 Invalid (credentials or privileges: retrying cannot help). Its message is the
// vendor's message and what to do (remedy); the code is the vendor's. Nothing else goes into
// it: no URL, header, token or secret.
func classify(err *APIError) *platform.Error {
	msg := err.Message
	if msg == "" {
		msg = http.StatusText(err.Status)
	}
	code := err.Code
	out := &platform.Error{Code: code, RetryAfter: err.RetryAfter}
	switch {
	case err.Status == http.StatusNotFound:
		out.Class = platform.ClassNotFound
		if code == "" {
			out.Code = platform.CodeNoSuchResource
		}
	case err.Status == http.StatusConflict && code == "ResourceBusy":
		out.Class = platform.ClassRetryable
	case err.Status == http.StatusConflict && billingLimit(code):
		out.Class = platform.ClassQuota
	case err.Status == http.StatusConflict:
		out.Class = platform.ClassPreconditionFailed
	case err.Status == http.StatusTooManyRequests || err.Status >= 500:
		out.Class = platform.ClassRetryable
		if code == "" {
			out.Code = map[bool]string{true: platform.CodeThrottling, false: platform.CodeInternal}[err.Status == http.StatusTooManyRequests]
		}
	case err.Status == http.StatusBadRequest:
		out.Class = platform.ClassInvalid
		if code == "" {
			out.Code = platform.CodeInvalidParameter
		}
	case err.Status == http.StatusUnauthorized || err.Status == http.StatusForbidden:
		out.Class = platform.ClassInvalid
	default:
		out.Class = platform.ClassInternal
	}
	out.Message = "Acronis (" + err.Error() + "): " + strings.TrimSuffix(msg, ".") + "."
	if r := remedy(err.Status, code); r != "" {
		out.Message += " " + r
	}
	return out
}

// remedy says what to do about an Acronis error, by its documented code (the error-codes page)
// or its status.
func remedy(status int, code string) string {
	switch {
	case code == "ResourceBusy":
		return "Another task runs on the server; the call is retried, and the next apply continues once it ends."
	case code == "ServerNotReady":
		return "The server's status does not allow this action now: refresh (terraform plan) and apply again."
	case code == "FailoverCancellationAlreadyInProgress":
		return "A stop is already running on the server: wait for it to end."
	case code == "SiteNotReady":
		return "The disaster recovery site is being deployed or removed: wait until it is ready."
	case code == "VPNGatewayUnreachable" || strings.HasPrefix(code, "CloudConnection"):
		return "Check the DR site's connectivity (VPN gateway, cloud connection) in the Acronis console."
	case code == "ServerNotLicensed" || code == "NotAllowed":
		return "The tenant may not run this action on the server: check its licence and the API client's role in the Acronis console."
	case billingLimit(code):
		return "A quota, subscription or pack limit of the tenant refuses it: raise it in the Acronis console or ask your service provider."
	case status == http.StatusNotFound:
		return "The object does not exist (any more): check its ID."
	case status == http.StatusBadRequest:
		return "The request was refused as malformed: check the IDs and parameters given."
	case status == http.StatusUnauthorized:
		return "Check client_id, client_secret and datacenter_url."
	case status == http.StatusForbidden:
		return "The API client lacks the privileges (a production failover needs the dr_service::admin scope): check its role in the Acronis console."
	case status == http.StatusTooManyRequests:
		return "Acronis asks to slow down: the call is retried after the wait it names."
	case status >= 500:
		return "A temporary Acronis error: the call is retried; if it persists, contact Acronis support with the request ID."
	}
	return ""
}

// billingLimit reports whether a 409's code is a quota, subscription or pack limit (the
// error-codes page: QuotaExceeded*/QuotaReached*, SubscriptionNotFound*, the DR pack's
// test-failover limit): the tenant's offering decides, not the server's state.
func billingLimit(code string) bool {
	return strings.HasPrefix(code, "Quota") || strings.HasPrefix(code, "SubscriptionNotFound") || code == "BaseDrTestFailoverLimitReached"
}

// retryAfter reads Retry-After (seconds, or an HTTP date); 0 when absent.
func retryAfter(h http.Header, now time.Time) time.Duration {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// send performs one request (never retried here: its callers run it through the retry
// layer) and decodes a 2xx JSON body into out. body is JSON-encoded unless it is url.Values (a
// form). A non-2xx answer is an *APIError (with its Retry-After); no answer is a Retryable
// TransportError.
func (c *Client) send(ctx context.Context, method, path string, query url.Values, body any, auth func(*http.Request), out any) (int, error) {
	var payload []byte
	ctype := ""
	switch b := body.(type) {
	case nil:
	case url.Values:
		payload, ctype = []byte(b.Encode()), "application/x-www-form-urlencoded"
	default:
		var err error
		if payload, err = json.Marshal(b); err != nil {
			return 0, platform.Invalidf("", "encoding the request: %v", err)
		}
		ctype = "application/json"
	}
	u := c.base + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, u, bytes.NewReader(payload))
	if err != nil {
		return 0, platform.Invalidf("", "building the request: %v", err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	req.Header.Set("Accept", "application/json")
	if auth != nil {
		auth(req)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return 0, ctx.Err()
		}
		c.log("acronis: %s %s: transport error", method, path)
		return 0, &platform.Error{Class: platform.ClassRetryable, Code: "TransportError", Message: "Acronis: " + redactURL(err.Error(), c.base)}
	}
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	resp.Body.Close()
	c.log("acronis: %s %s → %d", method, path, resp.StatusCode)
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		if out != nil && len(data) > 0 {
			if err := json.Unmarshal(data, out); err != nil {
				return resp.StatusCode, &platform.Error{Class: platform.ClassInternal, Code: "BadResponse", Message: fmt.Sprintf("Acronis: %s %s: undecodable response: %v", method, path, err)}
			}
		}
		return resp.StatusCode, nil
	}
	apiErr := decodeError(resp.StatusCode, data)
	apiErr.RetryAfter = retryAfter(resp.Header, c.cfg.Now())
	apiErr.RequestID = resp.Header.Get("X-Request-Id")
	return resp.StatusCode, apiErr
}

// decodeError reads the three error bodies of the APIs the driver calls: the DR API's envelope
// {"error": {domain, code, message, context}}, the IdP's flat {"error": "...",
// "error_description": "..."}, and the Task Manager's bare domainError {domain, code, reason}.
func decodeError(status int, data []byte) *APIError {
	e := &APIError{Status: status}
	var env struct {
		Error  json.RawMessage `json:"error"`
		Desc   string          `json:"error_description"`
		Domain string          `json:"domain"`
		Code   string          `json:"code"`
		Reason json.RawMessage `json:"reason"`
	}
	if json.Unmarshal(data, &env) != nil {
		return e
	}
	if len(env.Error) == 0 {
		if env.Code != "" { // the Task Manager's domainError
			de := DomainError{Domain: env.Domain, Code: env.Code, Reason: env.Reason}
			e.Domain, e.Code, e.Message = env.Domain, env.Code, de.String()
		}
		return e
	}
	var obj struct {
		Domain  string `json:"domain"`
		Code    string `json:"code"`
		Message string `json:"message"`
	}
	if json.Unmarshal(env.Error, &obj) == nil {
		e.Domain, e.Code, e.Message = obj.Domain, obj.Code, obj.Message
		return e
	}
	var code string
	if json.Unmarshal(env.Error, &code) == nil {
		e.Code, e.Message = code, env.Desc
	}
	return e
}

// redactURL keeps transport errors free of query strings.
func redactURL(msg, base string) string {
	if i := strings.Index(msg, "?"); i >= 0 {
		if j := strings.IndexAny(msg[i:], "\": "); j >= 0 {
			return msg[:i] + msg[i+j:]
		}
		return msg[:i]
	}
	return msg
}

// ---- authentication ----

// tokenResponse is the token endpoint's answer. The guides show expires_on (absolute Unix
// seconds); the schema requires neither it nor expires_in (relative seconds), and its example has
// both.
type tokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresOn   int64  `json:"expires_on"`
	ExpiresIn   int64  `json:"expires_in"`
}

// unknownTokenLifetime is how long a token whose answer gives no lifetime is used before it is
// renewed (a 401 renews it earlier).
const unknownTokenLifetime = 10 * time.Minute

// expiry is when the token expires: expires_on, else now + expires_in, else a short lifetime.
func (t tokenResponse) expiry(now time.Time) time.Time {
	switch {
	case t.ExpiresOn > 0:
		return time.Unix(t.ExpiresOn, 0)
	case t.ExpiresIn > 0:
		return now.Add(time.Duration(t.ExpiresIn) * time.Second)
	}
	return now.Add(unknownTokenLifetime)
}

// Authenticate obtains a customer-scoped token now (a bad secret fails here, once, with a
// clear message), through the retry layer (a throttled token endpoint is retried).
func (c *Client) Authenticate(ctx context.Context) error {
	return retry.Do0(ctx, c.cfg.Retry, "Acronis authentication", func(ctx context.Context) error {
		_, err := c.accessToken(ctx, true)
		return err
	})
}

// accessToken returns a valid customer-scoped token, renewing it when it expires within
// tokenSkew (Acronis returns expires_on, an absolute time, or expires_in) or when force is set.
func (c *Client) accessToken(ctx context.Context, force bool) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !force && c.token != "" && c.cfg.Now().Add(c.skew).Before(c.expires) {
		return c.token, nil
	}
	c.token = ""
	// 1. client credentials: POST /api/2/idp/token (Basic auth with client_id:client_secret)
	var own tokenResponse
	if _, err := c.send(ctx, http.MethodPost, "/api/2/idp/token", nil, url.Values{"grant_type": {"client_credentials"}},
		func(r *http.Request) { r.SetBasicAuth(c.cfg.ClientID, c.cfg.ClientSecret) }, &own); err != nil {
		return "", c.authError("issuing an access token for the API client", err)
	}
	bearerOwn := func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+own.AccessToken) }
	// 2. the customer tenant: the API client's own (GET /api/2/clients/{client_id})
	if c.tenantID == "" {
		var cl struct {
			TenantID string `json:"tenant_id"`
		}
		if _, err := c.send(ctx, http.MethodGet, "/api/2/clients/"+url.PathEscape(c.cfg.ClientID), nil, nil, bearerOwn, &cl); err != nil {
			return "", c.authError("reading the API client's tenant", err)
		}
		if cl.TenantID == "" {
			return "", platform.Errorf(platform.ClassInternal, "BadResponse", "Acronis: the API client has no tenant_id")
		}
		c.tenantID = cl.TenantID
	}
	// 3. the customer-scoped token the DR API needs (jwt-bearer exchange)
	var scoped tokenResponse
	if _, err := c.send(ctx, http.MethodPost, "/api/2/idp/token", nil, url.Values{
		"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"},
		"assertion":  {own.AccessToken},
		"scope":      {"urn:acronis.com:tenant-id:" + c.tenantID},
	}, bearerOwn, &scoped); err != nil {
		return "", c.authError("issuing the customer-scoped token", err)
	}
	if scoped.AccessToken == "" {
		return "", platform.Errorf(platform.ClassInternal, "BadResponse", "Acronis: the token response has no access_token")
	}
	c.token, c.expires = scoped.AccessToken, scoped.expiry(c.cfg.Now())
	// renew a minute early, or a quarter of the lifetime early for short-lived tokens
	c.skew = min(tokenSkew, c.expires.Sub(c.cfg.Now())/4)
	c.log("acronis: customer-scoped token issued, expires %s", c.expires.UTC().Format(time.RFC3339))
	return c.token, nil
}

// authError words a refused authentication step: what the driver was doing, the IdP's code and
// description, and what to check.
func (c *Client) authError(what string, err error) error {
	var ae *APIError
	if errors.As(err, &ae) {
		pe := classify(ae)
		if ae.Status == http.StatusUnauthorized || ae.Status == http.StatusForbidden {
			pe.Class = platform.ClassInvalid
			if pe.Code == "" {
				pe.Code = "Unauthorized"
			}
			vendor := strings.TrimSpace(strings.Trim(ae.Code+": "+ae.Message, ": "))
			if vendor != "" {
				vendor = " (" + vendor + ")"
			}
			pe.Message = fmt.Sprintf("Acronis refused the credentials while %s (%s)%s: check client_id, client_secret and datacenter_url (the API client must be registered in that data centre, with access to the customer tenant)", what, ae.Error(), vendor)
		} else {
			pe.Message = "Acronis, " + what + ": " + pe.Message
		}
		return pe
	}
	return err
}

// call sends an authenticated DR API request through the retry layer: one attempt is the
// token (renewed when it expires, its requests made once within the attempt) and the request;
// a 401 (the token expired or was revoked early) renews the token once and repeats the
// request within the attempt.
func (c *Client) call(ctx context.Context, method, path string, query url.Values, body, out any) (int, error) {
	return retry.Do(ctx, c.cfg.Retry, method+" "+path, func(ctx context.Context) (int, error) {
		return c.callOnce(ctx, method, path, query, body, out)
	})
}

func (c *Client) callOnce(ctx context.Context, method, path string, query url.Values, body, out any) (int, error) {
	for renewed := false; ; renewed = true {
		tok, err := c.accessToken(ctx, false)
		if err != nil {
			return 0, err
		}
		status, err := c.send(ctx, method, path, query, body, func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+tok) }, out)
		var ae *APIError
		if errors.As(err, &ae) {
			if ae.Status == http.StatusUnauthorized && !renewed {
				c.mu.Lock()
				if c.token == tok {
					c.token = ""
				}
				c.mu.Unlock()
				c.log("acronis: %s %s → 401: renewing the token", method, path)
				continue
			}
			return status, classify(ae)
		}
		return status, err
	}
}
