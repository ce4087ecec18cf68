package lifecycle

import (
	"slices"
	"testing"
)

// CheckRequests checks each candidate of a goal on its own facts and on the changes the goal
// makes before it: with the group at the platform's limit, a pair added after one removed
// joins, the next one is refused, naming its pair; only the requests that name a candidate ask
// for its facts; a candidate whose facts cannot be had is left to the apply.
func TestCheckRequestsCountsTheGoalsChanges(t *testing.T) {
	t.Parallel()
	group := grp(Paused)
	group.Facts.MemberCount = 17
	goal := Goal{Required: []OpRequest{
		{Op: OpRemoveMember, Params: map[string]string{ParamPairID: "old"}},
		{Op: OpAddMember, Params: map[string]string{ParamPairID: "new-1"}},
		{Op: OpAddMember, Params: map[string]string{ParamPairID: "new-2"}},
		{Op: OpAddMember, Params: map[string]string{ParamPairID: "unknown"}},
		{Op: OpUpdate, Params: map[string]string{ParamName: "app2"}},
	}}
	var asked []string
	candidate := func(r OpRequest) (Facts, bool) {
		id := r.Params[ParamPairID]
		asked = append(asked, id)
		f := group.Facts
		f.CandidatePairID, f.CandidateSameSites = id, true
		return f, id != "unknown"
	}
	vs := CheckRequests(ProtectionGroup, group, goal, Options{Platform: alibabaCaps}, candidate)
	if !slices.Equal(asked, []string{"new-1", "new-2", "unknown"}) {
		t.Fatalf("facts asked for %v", asked)
	}
	if len(vs) != 1 || vs[0].Rule != "V-GRP-MEMBERS" || vs[0].Precondition != PreconditionMemberLimit ||
		!slices.Equal(vs[0].Params, []string{ParamPairID}) || vs[0].Op != OpAddMember {
		t.Fatalf("want new-2 refused by the member limit, got %+v", vs)
	}
	// without the limit every pair joins
	if vs := CheckRequests(ProtectionGroup, group, goal, Options{}, candidate); len(vs) != 0 {
		t.Fatalf("no limit: %v", vs)
	}
}

// A candidate's own facts refuse it: a pair of another group, a server away from the
// production site; each refusal names the request's parameter.
func TestCheckRequestsCandidates(t *testing.T) {
	t.Parallel()
	group := grp(Replicating)
	goal := Goal{Required: []OpRequest{
		{Op: OpAddMember, Params: map[string]string{ParamPairID: "p1"}},
		{Op: OpAddServer, Params: map[string]string{ParamServerID: "s1"}},
	}}
	vs := CheckRequests(ProtectionGroup, group, goal, Options{}, func(r OpRequest) (Facts, bool) {
		f := group.Facts
		if id, ok := r.Params[ParamPairID]; ok {
			f.CandidatePairID, f.CandidateGroupID, f.CandidateSameSites = id, "other", true
		} else {
			f.CandidateServerID, f.CandidateServerSite = r.Params[ParamServerID], SiteTarget
		}
		return f, true
	})
	if len(vs) != 2 || !slices.Equal(vs[0].Params, []string{ParamPairID}) || !slices.Equal(vs[1].Params, []string{ParamServerID}) {
		t.Fatalf("want the pair and the server refused, each at its parameter: %+v", vs)
	}
	// a kind without candidates asks for nothing
	if vs := CheckRequests(ReplicationPair, pair(Paused), Goal{Required: []OpRequest{{Op: OpUpdate}}}, Options{},
		func(OpRequest) (Facts, bool) { t.Fatal("asked for a candidate"); return Facts{}, false }); len(vs) != 0 {
		t.Fatal(vs)
	}
}
