package lifecycle

import (
	"strings"
	"testing"
)

// V-PARAMS on values: a name or description outside the platform's declared limits
// (Capabilities.Limits) is refused at that parameter, citing the limit's source; one within
// them, a parameter the platform does not limit, or any on a platform without Limits (nil,
// the sandbox) is not.
func TestRule_V_PARAMS_limits(t *testing.T) {
	t.Parallel()
	letterDigit := func(r rune) bool { return r >= 'a' && r <= 'z' || r >= '0' && r <= '9' }
	hw := &Capabilities{Platform: "huaweicloud", Limits: map[Kind]map[string]ParamLimit{
		ProtectionGroup: {
			ParamName:        {Required: true, MinChars: 1, MaxBytes: 64, Allowed: letterDigit, AllowedText: "letters and digits", Source: "Creating a Protection Group"},
			ParamDescription: {MinChars: 2, MaxChars: 8, NoPrefixes: []string{"http://"}, Source: "desc page"},
		},
	}}
	o := grp(Replicating)
	cases := []struct {
		op     Op
		values map[string]string
		param  string // "" = allowed
		msg    string
	}{
		{OpCreate, map[string]string{ParamName: strings.Repeat("a", 64), ParamDescription: "ok"}, "", ""},
		{OpCreate, map[string]string{ParamName: strings.Repeat("a", 65)}, ParamName, `has 65 bytes, at most 64 are allowed (Creating a Protection Group)`},
		// 22 runes, 66 bytes: the limit is in bytes
		{OpUpdate, map[string]string{ParamName: strings.Repeat("é", 33)}, ParamName, "has 66 bytes"},
		{OpUpdate, map[string]string{ParamName: "a-b"}, ParamName, `contains '-'; only letters and digits are allowed`},
		{OpCreate, map[string]string{ParamName: ""}, ParamName, "has 0 characters, at least 1"},
		{OpCreate, map[string]string{ParamName: "a", ParamDescription: ""}, "", ""}, // an empty optional value is not sent
		{OpCreate, map[string]string{ParamName: "a", ParamDescription: "x"}, ParamDescription, "has 1 character, at least 2"},
		{OpUpdate, map[string]string{ParamDescription: "123456789"}, ParamDescription, "at most 8"},
		{OpUpdate, map[string]string{ParamDescription: "http://x"}, ParamDescription, `starts with "http://"`},
	}
	for i, c := range cases {
		vs := CheckParamValues(ProtectionGroup, c.op, o, c.values, Options{Platform: hw})
		if c.param == "" {
			if len(vs) != 0 {
				t.Errorf("%d: %+v", i, vs)
			}
			continue
		}
		if len(vs) != 1 || vs[0].Rule != "V-PARAMS" || vs[0].Op != c.op || len(vs[0].Params) != 1 || vs[0].Params[0] != c.param ||
			!strings.Contains(vs[0].Message, "huaweicloud platform refuses the "+c.param) || !strings.Contains(vs[0].Message, c.msg) {
			t.Errorf("%d: %+v", i, vs)
		}
	}
	long := map[string]string{ParamName: strings.Repeat("a", 65)}
	if vs := CheckParamValues(ReplicationPair, OpCreate, pair(Replicating), long, Options{Platform: hw}); len(vs) != 0 {
		t.Fatalf("another kind: %+v", vs)
	}
	for _, caps := range []*Capabilities{nil, {Platform: "sandbox"}} {
		if vs := CheckParamValues(ProtectionGroup, OpCreate, o, long, Options{Platform: caps}); len(vs) != 0 {
			t.Fatalf("%v: %+v", caps, vs)
		}
	}
}
