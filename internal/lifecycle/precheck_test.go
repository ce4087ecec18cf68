package lifecycle

import (
	"strings"
	"testing"
)

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

func TestCheckPreconditions_candidateMustBeIdle(t *testing.T) {
	t.Parallel()
	o := grp(Paused)
	o.Facts.CandidatePairID, o.Facts.CandidateSameSites, o.Facts.CandidateState = "p2", true, Replicating
	vs := CheckPreconditions(ProtectionGroup, OpAddMember, o)
	if len(vs) != 1 || vs[0].Precondition != "candidate_idle" || !strings.Contains(vs[0].Message, `pair "p2" is replicating`) {
		t.Fatalf("got %v, want the candidate_idle refusal", vs)
	}
	o.Facts.CandidateState = Paused
	if vs := CheckPreconditions(ProtectionGroup, OpAddMember, o); len(vs) != 0 {
		t.Fatalf("a paused candidate was refused: %v", vs)
	}
}
