package lifecycle

import (
	"strings"
	"testing"
)

func TestCheckResourceGroup(t *testing.T) {
	o := Observation{Kind: ReplicationPair, Name: "db"}
	ali := &Capabilities{Platform: "alibaba", ResourceGroups: map[Kind]ResourceGroupRules{
		ReplicationPair: {ID: ParamLimit{MaxChars: 12, NoPrefixes: []string{"http://"}, Source: "ChangeResourceGroup"}},
	}}
	if vs := CheckResourceGroup(ReplicationPair, OpCreate, o, "rg-prod", Options{Platform: ali}); len(vs) != 0 {
		t.Fatalf("a group within the limits refused: %v", vs)
	}
	if vs := CheckResourceGroup(ProtectionGroup, OpCreate, o, "", Options{Platform: &Capabilities{Platform: "acronis"}}); len(vs) != 0 {
		t.Fatalf("no group given refused: %v", vs)
	}
	if vs := CheckResourceGroup(RecoveryServer, OpUpdate, o, "rg-x", Options{}); len(vs) != 0 {
		t.Fatalf("the reference platform refused a group: %v", vs)
	}
	cases := []struct {
		name string
		caps *Capabilities
		kind Kind
		id   string
		want []string
	}{
		{"a kind without groups", ali, ProtectionGroup, "rg-prod",
			[]string{"V-PARAMS", "the alibaba platform has no resource groups for protection_group objects", `resource_group_id "rg-prod"`, "Remove resource_group_id"}},
		{"a platform without groups", &Capabilities{Platform: "huaweicloud"}, ReplicationPair, "rg-prod",
			[]string{"the huaweicloud platform has no resource groups for replication_pair objects"}},
		{"a long identifier", ali, ReplicationPair, "rg-0123456789", []string{`resource group of pair "db": it has 13 characters, at most 12`, "(ChangeResourceGroup)"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			vs := CheckResourceGroup(c.kind, OpUpdate, o, c.id, Options{Platform: c.caps})
			if len(vs) != 1 || vs[0].Rule != "V-PARAMS" || len(vs[0].Params) != 1 || vs[0].Params[0] != ParamResourceGroupID {
				t.Fatalf("want one V-PARAMS refusal at resource_group_id, got %+v", vs)
			}
			for _, w := range c.want {
				if !strings.Contains(vs[0].Message, w) {
					t.Errorf("message %q lacks %q", vs[0].Message, w)
				}
			}
		})
	}
}
