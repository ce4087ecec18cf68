package huaweicloud

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"time"
)

// AK/SK request signing, as Huawei Cloud's API Gateway checks it ("AK/SK-based authentication",
// https://support.huaweicloud.com/intl/en-us/devg-apisign/api-sign-algorithm.html; the Go SDK's
// core/auth/signer): Authorization: SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<h1;h2>,
// Signature=<hex HMAC-SHA256(SK, StringToSign)>, with
//
//	StringToSign     = "SDK-HMAC-SHA256\n" + X-Sdk-Date + "\n" + hex(sha256(CanonicalRequest))
//	CanonicalRequest = method \n URI (each segment escaped, trailing "/") \n sorted query \n
//	                   "name:value\n" per signed header \n signed headers \n hex(sha256(body))
//
// A request that is not signed, or signed with another key, is refused with 401 and the API
// Gateway's code (APIGW.0301 "Incorrect IAM authentication information").

const signAlg = "SDK-HMAC-SHA256"

func sigEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_' || c == '-' || c == '~' || c == '.' {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

// verifySignature checks r's signature with ak/sk; it restores r.Body.
func verifySignature(r *http.Request, ak, sk string, now time.Time) error {
	auth := r.Header.Get("Authorization")
	if !strings.HasPrefix(auth, signAlg+" ") {
		return fmt.Errorf("the request is not signed with %s", signAlg)
	}
	fields := map[string]string{}
	for _, part := range strings.Split(strings.TrimPrefix(auth, signAlg+" "), ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		fields[k] = v
	}
	if fields["Access"] != ak {
		return fmt.Errorf("unknown access key")
	}
	date := r.Header.Get("X-Sdk-Date")
	if _, err := time.Parse("20060102T150405Z", date); err != nil {
		return fmt.Errorf("missing or malformed X-Sdk-Date")
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return err
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	segs := strings.Split(r.URL.EscapedPath(), "/")
	for i, s := range segs {
		if u, err := urlUnescape(s); err == nil {
			s = u
		}
		segs[i] = sigEscape(s)
	}
	uri := strings.Join(segs, "/")
	if !strings.HasSuffix(uri, "/") {
		uri += "/"
	}
	q := r.URL.Query()
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var qs []string
	for _, k := range keys {
		vs := append([]string(nil), q[k]...)
		sort.Strings(vs)
		for _, v := range vs {
			qs = append(qs, sigEscape(k)+"="+sigEscape(v))
		}
	}
	signed := strings.Split(fields["SignedHeaders"], ";")
	var hs []string
	for _, h := range signed {
		var vals []string
		if h == "host" {
			vals = []string{r.Host}
		} else {
			vals = append(vals, r.Header.Values(h)...)
		}
		sort.Strings(vals)
		for _, v := range vals {
			hs = append(hs, h+":"+strings.TrimSpace(v))
		}
	}
	payload := r.Header.Get("X-Sdk-Content-Sha256")
	if payload == "" {
		sum := sha256.Sum256(body)
		payload = hex.EncodeToString(sum[:])
	}
	cr := strings.Join([]string{r.Method, uri, strings.Join(qs, "&"), strings.Join(hs, "\n") + "\n", strings.Join(signed, ";"), payload}, "\n")
	crh := sha256.Sum256([]byte(cr))
	sts := signAlg + "\n" + date + "\n" + hex.EncodeToString(crh[:])
	m := hmac.New(sha256.New, []byte(sk))
	m.Write([]byte(sts))
	if !hmac.Equal([]byte(hex.EncodeToString(m.Sum(nil))), []byte(fields["Signature"])) {
		return fmt.Errorf("signature mismatch")
	}
	_ = now
	return nil
}

func urlUnescape(s string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			var c byte
			if _, err := fmt.Sscanf(s[i+1:i+3], "%02X", &c); err != nil {
				return s, err
			}
			b.WriteByte(c)
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String(), nil
}
