package acronis

import (
	"encoding/json"
	"net/http"
	"strings"
)

// handleToken is POST /api/2/idp/token (Account Management API v2, "Authenticating to the
// Acronis platform": https://developer.acronis.com/doc/outbound/apis/authentication/authentication.html).
//
//   - grant_type=client_credentials, with the client ID and secret in a Basic Authorization
//     header (or client_id/client_secret form fields): an access token of the client's tenant.
//   - grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer, assertion=<access token>,
//     scope=urn:acronis.com:tenant-id:<customer tenant ID>: the customer-scoped token the DR
//     API needs (DR API "Before you start":
//     https://developer.acronis.com/doc/vendor-side/apis/api-library/dr/before-you-start.html).
//
// The response carries access_token, token_type, id_token and expires_on: the absolute expiry
// in Unix seconds (not expires_in). Errors are the IdP's flat {error, error_description}, error
// from Acronis' enum (totp_setup_required, totp_required, invalid_totp, access_denied,
// invalid_request; not RFC 6749's invalid_client, invalid_grant, …).
func (e *Emulator) handleToken(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "the body is not a form")
		return
	}
	switch r.PostForm.Get("grant_type") {
	case "client_credentials":
		id, secret, ok := r.BasicAuth()
		if !ok {
			id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
		}
		e.mu.Lock()
		want, known := e.clients[id]
		e.mu.Unlock()
		if !known || secret != want || id == "" {
			oauthError(w, http.StatusUnauthorized, "invalid_request", "the client could not be authenticated")
			return
		}
		e.issue(w, id, "")
	case "urn:ietf:params:oauth:grant-type:jwt-bearer":
		tok, ok := e.valid(r.PostForm.Get("assertion"))
		if !ok {
			oauthError(w, http.StatusUnauthorized, "invalid_request", "the assertion is not a valid access token")
			return
		}
		scope := r.PostForm.Get("scope")
		tenant, found := strings.CutPrefix(scope, "urn:acronis.com:tenant-id:")
		if !found || tenant == "" {
			oauthError(w, http.StatusBadRequest, "invalid_request", "scope must be urn:acronis.com:tenant-id:<tenant ID>")
			return
		}
		if tenant != e.tenantID {
			oauthError(w, http.StatusForbidden, "access_denied", "the API client has no access to tenant "+tenant)
			return
		}
		e.issue(w, tok.clientID, tenant)
	default:
		oauthError(w, http.StatusBadRequest, "invalid_request", "grant_type "+r.PostForm.Get("grant_type")+" is not supported")
	}
}

func (e *Emulator) issue(w http.ResponseWriter, clientID, scoped string) {
	tok := randHex(24)
	e.mu.Lock()
	exp := e.now().Add(e.ttl)
	e.tokens[tok] = issued{clientID: clientID, expires: exp, scoped: scoped}
	e.mu.Unlock()
	// the guides' answer: access_token, expires_on (absolute), id_token, token_type "bearer";
	// no scope, no expires_in
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": tok, "token_type": "bearer", "expires_on": exp.Unix(),
		"id_token": "eyJhbGciOiJub25lIn0." + randHex(12) + ".",
	})
}

// IssuedTokens returns every access token the emulator has issued (a test's backdoor: to check
// that none reaches a log line or an error).
func (e *Emulator) IssuedTokens() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]string, 0, len(e.tokens))
	for tok := range e.tokens {
		out = append(out, tok)
	}
	return out
}

// valid returns the token's grant if it exists and has not expired on the emulator's clock.
func (e *Emulator) valid(tok string) (issued, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	t, ok := e.tokens[tok]
	if !ok || !e.now().Before(t.expires) {
		return issued{}, false
	}
	return t, true
}

func bearer(r *http.Request) string {
	s, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return ""
	}
	return strings.TrimSpace(s)
}

// handleClient is GET /api/2/clients/{client_id} (Account Management API v2 reference,
// https://developer.acronis.com/doc/account-management/v2/reference/openapi.json: the API
// client with its tenant_id), authorized by the client's own access token.
func (e *Emulator) handleClient(w http.ResponseWriter, r *http.Request) {
	tok, ok := e.valid(bearer(r))
	if !ok {
		writeError(w, http.StatusUnauthorized, "PlatformAccount", "unauthorized", "the bearer access token is invalid, expired or missing")
		return
	}
	id := r.PathValue("client_id")
	if id != tok.clientID {
		writeError(w, http.StatusForbidden, "PlatformAccount", "forbidden", "the token cannot read API client "+id)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": id, "type": "api_client", "tenant_id": e.tenantID, "status": "enabled",
		"data": map[string]any{"client_name": "emulated API client"}})
}

// dr authorizes a DR API (and task manager) request: 401 when the bearer token is invalid,
// expired or missing; 403 when it is not scoped to the customer tenant (DR API "Before you
// start": the DR API works in the scope of a customer tenant).
func (e *Emulator) dr(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tok, ok := e.valid(bearer(r))
		if !ok {
			writeError(w, http.StatusUnauthorized, "DisasterRecovery", "Unauthorized", "the bearer access token was invalid or missing")
			return
		}
		if tok.scoped != e.tenantID {
			writeError(w, http.StatusForbidden, "DisasterRecovery", "Forbidden", "the access token is not scoped to a customer tenant (urn:acronis.com:tenant-id:<id>)")
			return
		}
		h(w, r)
	}
}

func oauthError(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, map[string]string{"error": code, "error_description": desc})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeError writes the platform's error envelope (error_api_response: {"error": {...}}, with
// domain, code, message and context, the shape of the documented issue errors). The DR API
// reference leaves the error object open: the codes the emulator puts in it for HTTP-level
// errors are the error-codes page's (BadRequest, Unauthorized, ServerNotFound, EntityNotFound,
// TooManyRequests, InternalError; Forbidden, for which none is documented, is the emulator's);
// the state conflicts use the documented codes (ServerNotReady, ResourceBusy, SiteNotReady,
// FailoverCancellationAlreadyInProgress, …). The driver reads the HTTP status first, then the
// code.
func writeError(w http.ResponseWriter, status int, domain, code, msg string) {
	writeJSON(w, status, map[string]any{"error": map[string]any{"domain": domain, "code": code, "message": msg}})
}
