package lifecycle

import "testing"

func TestCheckPreconditions_skipsFromState(t *testing.T) {
	t.Parallel()
	o := grp(Replicating) // add_member is not allowed from replicating, but that is the planner's business
	o.Facts.CandidatePairID, o.Facts.CandidateGroupID, o.Facts.CandidateSameSites = "p2", "other-group", true
	vs := CheckPreconditions(ProtectionGroup, OpAddMember, o)
	if len(vs) != 1 || vs[0].Rule != "V-GRP-MEMBERS" || vs[0].Precondition != "candidate_free" {
		t.Fatalf("got %v, want only the candidate_free refusal", vs)
	}
	o.Facts.CandidateGroupID = ""
	if vs := CheckPreconditions(ProtectionGroup, OpAddMember, o); len(vs) != 0 {
		t.Fatalf("a free candidate was refused: %v", vs)
	}
	if vs := CheckPreconditions(ProtectionGroup, Op("no_such_op"), o); len(vs) != 1 || vs[0].Rule != "V-STATE" {
		t.Fatalf("unknown op: %v", vs)
	}
}
