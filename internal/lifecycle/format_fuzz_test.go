package lifecycle

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// The format validators and the state-reference parser must never panic and must always
// explain a refusal with the rule it enforces. The seed corpora run as normal tests;
// `go test -fuzz=FuzzValidateReplicaName ./internal/lifecycle` explores further.

func fuzzFormat(f *testing.F, seeds []string, rule string, check func(string) error, valid func(string) bool) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := check(s)
		if (err == nil) != valid(s) {
			t.Fatalf("check(%q) = %v; reference validity %v", s, err, valid(s))
		}
		if err == nil {
			return
		}
		fe, ok := err.(*FormatError)
		if !ok || fe.Rule != rule || !strings.HasPrefix(err.Error(), rule+": ") {
			t.Fatalf("check(%q) = %v (%T): want a *FormatError naming %s", s, err, err, rule)
		}
	})
}

func FuzzValidateClientToken(f *testing.F) {
	fuzzFormat(f, []string{"", "a", "dr-0123456789abcdef0123456789abcdef01234567", strings.Repeat("x", 64), strings.Repeat("x", 65),
		"tab\there", "é", "\x00", "\xff", "~!@#$%^&*()"}, "R001-4", ValidateClientToken,
		func(s string) bool {
			if len(s) == 0 || len(s) > 64 {
				return false
			}
			for i := 0; i < len(s); i++ {
				if s[i] < 0x20 || s[i] > 0x7e {
					return false
				}
			}
			return true
		})
}

func FuzzValidateReplicaName(f *testing.F) {
	fuzzFormat(f, []string{"", "web-replica", "a_b-C9", strings.Repeat("n", 64), strings.Repeat("n", 65), "has space", "ünï", "\xff", "x<y"}, "R003-9", ValidateReplicaName,
		func(s string) bool {
			n := utf8.RuneCountInString(s)
			if n == 0 || n > 64 {
				return false
			}
			for _, r := range s {
				if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
					return false
				}
			}
			return true
		})
}

func FuzzValidateReplicaDescription(f *testing.F) {
	fuzzFormat(f, []string{"", "nightly copy", "<script>", strings.Repeat("d", 255), strings.Repeat("d", 256), strings.Repeat("é", 255), "\xff\xfe"}, "R003-10", ValidateReplicaDescription,
		func(s string) bool { return utf8.RuneCountInString(s) <= 255 && !strings.ContainsAny(s, "<>") })
}

// FuzzParseStateRef: every string parses to something (never a panic), and what it parses to
// renders to a string that parses back to the same reference.
func FuzzParseStateRef(f *testing.F) {
	for _, s := range []string{"", "replicating", "error{failover}", "error{", "error{}", "error{a{b}}", "{}", "\xff", "error{failover"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ref := ParseStateRef(s)
		if s == "" {
			return // "" is "no object", rendered "(none)" for people
		}
		if back := RenderState(ref.State, ref.FailedOp); ParseStateRef(back) != ref {
			t.Fatalf("ParseStateRef(%q) = %+v renders %q, which parses to %+v", s, ref, back, ParseStateRef(back))
		}
	})
}
