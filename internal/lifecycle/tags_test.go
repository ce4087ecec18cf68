package lifecycle

import (
	"strings"
	"testing"
)

func TestCheckTags(t *testing.T) {
	o := Observation{Kind: ReplicationPair, Name: "db"}
	ali := &Capabilities{Platform: "alibaba", Tags: map[Kind]TagRules{ReplicationPair: {
		MaxTags: 2,
		Key:     ParamLimit{MaxChars: 8, NoPrefixes: []string{"acs:"}},
		Value:   ParamLimit{MaxChars: 4},
		Source:  "TagResources",
	}}}
	if vs := CheckTags(ReplicationPair, OpCreate, o, map[string]string{"team": "dr"}, Options{Platform: ali}); len(vs) != 0 {
		t.Fatalf("tags within the limits refused: %v", vs)
	}
	if vs := CheckTags(ReplicationPair, OpCreate, o, nil, Options{Platform: &Capabilities{Platform: "acronis"}}); len(vs) != 0 {
		t.Fatalf("no tags refused: %v", vs)
	}
	if vs := CheckTags(RecoveryServer, OpCreate, o, map[string]string{"a": "b"}, Options{}); len(vs) != 0 {
		t.Fatalf("the reference platform refused tags: %v", vs)
	}
	cases := []struct {
		name string
		kind Kind
		tags map[string]string
		want []string
	}{
		{"a kind without tags", ProtectionGroup, map[string]string{"team": "dr"},
			[]string{"V-PARAMS", "keeps no tags on protection_group objects", `team="dr"`, "default_tags"}},
		{"too many", ReplicationPair, map[string]string{"a": "1", "b": "2", "c": "3"}, []string{"3 tags, at most 2 are allowed"}},
		{"a long key", ReplicationPair, map[string]string{"ownership": "x"}, []string{`the key "ownership" has 9 characters, at most 8`, "TagResources"}},
		{"a reserved prefix", ReplicationPair, map[string]string{"acs:x": "x"}, []string{`the key "acs:x" starts with "acs:"`}},
		{"an empty key", ReplicationPair, map[string]string{"": "x"}, []string{`the key "" has 0 characters, at least 1`}},
		{"a long value", ReplicationPair, map[string]string{"team": "storage"}, []string{`the value "storage" of "team" has 7 characters`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			vs := CheckTags(c.kind, OpUpdate, o, c.tags, Options{Platform: ali})
			if len(vs) != 1 || vs[0].Rule != "V-PARAMS" || len(vs[0].Params) != 1 || vs[0].Params[0] != ParamTags {
				t.Fatalf("want one V-PARAMS refusal at tags, got %+v", vs)
			}
			for _, w := range c.want {
				if !strings.Contains(vs[0].Message, w) {
					t.Errorf("message %q lacks %q", vs[0].Message, w)
				}
			}
		})
	}
}

func TestMergeTags(t *testing.T) {
	got := MergeTags(map[string]string{"env": "prod", "team": "platform"}, map[string]string{"team": "dr"})
	if len(got) != 2 || got["env"] != "prod" || got["team"] != "dr" {
		t.Fatalf("resource tags must win over default tags: %v", got)
	}
	if MergeTags(nil, map[string]string{}) != nil {
		t.Fatal("no tags at all must be nil")
	}
}
