package lifecycle

import (
	"strings"
	"testing"
)

// alibabaCaps is a platform with Alibaba EBS's limit of 17 pairs per replica group.
var alibabaCaps = &Capabilities{Platform: "alibaba", MemberLimit: map[Kind]int{ProtectionGroup: 17}}

func TestMemberLimitRefusesPairBeyondIt(t *testing.T) {
	t.Parallel()
	full := grp(Paused)
	full.Facts.MemberCount = 17
	v := mustRefuse(t, ProtectionGroup, OpAddMember, full, Options{Platform: alibabaCaps}, "V-GRP-MEMBERS", "17 pairs", "alibaba platform")
	if v.Precondition != PreconditionMemberLimit {
		t.Fatalf("precondition %q, want %q", v.Precondition, PreconditionMemberLimit)
	}
	// one below the limit joins; without a limit (the sandbox) any number joins
	room := grp(Paused)
	room.Facts.MemberCount = 16
	if vs := Blocking(Check(ProtectionGroup, OpAddMember, room, Options{Platform: alibabaCaps})); len(vs) > 0 {
		t.Fatalf("16 members + 1: %v", vs)
	}
	for _, caps := range []*Capabilities{nil, {Platform: "sandbox"}} {
		if vs := Blocking(Check(ProtectionGroup, OpAddMember, full, Options{Platform: caps})); len(vs) > 0 {
			t.Fatalf("no limit (%v): %v", caps, vs)
		}
	}
	// the limit is read from the observation's platform too (a read model's AllowedOperations)
	full.Platform = alibabaCaps
	if vs := CheckPreconditions(ProtectionGroup, OpAddMember, full); findRule(vs, "V-GRP-MEMBERS") == nil {
		t.Fatalf("CheckPreconditions with the observation's platform: %v", vs)
	}
}

func TestMemberLimitCountsThePlansOwnAdds(t *testing.T) {
	t.Parallel()
	start := syncable(grp(Replicating))
	start.Facts.MemberCount = 0
	// 17 pairs fit
	goal := Goal{States: []State{Replicating}, Required: requests(OpAddMember, "pair_id", "p", 17)}
	p, vs := Plan(ProtectionGroup, start, goal, Options{Platform: alibabaCaps})
	if len(vs) > 0 || runs(p) != "disable_protection → add_member×17 → enable_protection" {
		t.Fatalf("17 pairs: %q %v", runs(p), vs)
	}
	// the 18th is refused at plan, naming the rule and the limit
	goal.Required = requests(OpAddMember, "pair_id", "p", 18)
	_, vs = Plan(ProtectionGroup, start, goal, Options{Platform: alibabaCaps})
	v := findRule(Blocking(vs), "V-GRP-MEMBERS")
	if v == nil || v.Op != OpAddMember || v.Precondition != PreconditionMemberLimit || !strings.Contains(v.Message, "more than 17 pairs") {
		t.Fatalf("18 pairs: want a V-GRP-MEMBERS member-limit refusal, got %v", vs)
	}
	// removing one first makes room for it
	start.Facts.MemberCount = 17
	goal = Goal{States: []State{Paused}, Required: append(requests(OpRemoveMember, "pair_id", "old", 1), requests(OpAddMember, "pair_id", "new", 1)...)}
	if p, vs := Plan(ProtectionGroup, start, goal, Options{Platform: alibabaCaps}); len(vs) > 0 {
		t.Fatalf("remove one, add one at the limit: %q %v", runs(p), vs)
	}
	// the sandbox has no limit
	start.Facts.MemberCount = 0
	goal = Goal{States: []State{Replicating}, Required: requests(OpAddMember, "pair_id", "p", 18)}
	if _, vs := Plan(ProtectionGroup, start, goal, Options{}); len(vs) > 0 {
		t.Fatalf("no limit: %v", vs)
	}
}
