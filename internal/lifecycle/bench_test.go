package lifecycle

import (
	"strconv"
	"testing"
)

func benchPlan(b *testing.B, k Kind, obs Observation, goal Goal) {
	b.ReportAllocs()
	for b.Loop() {
		if _, vs := Plan(k, obs, goal, Options{}); len(vs) > 0 {
			b.Fatal(vs)
		}
	}
}

func BenchmarkPlan_replication_pair(b *testing.B) {
	o := pair(Paused)
	o.Facts.ActiveSiteHealthy = true
	benchPlan(b, ReplicationPair, o, Goal{States: []State{Replicating}, ActiveSite: SiteTarget})
}

func BenchmarkPlan_protection_group(b *testing.B) {
	benchPlan(b, ProtectionGroup, grp(Replicating), Goal{States: []State{Replicating}, Required: []OpRequest{{OpAddMember, map[string]string{"pair_id": "p"}}}})
}

func BenchmarkPlan_backup_replica(b *testing.B) {
	benchPlan(b, BackupReplica, rep(), Goal{States: []State{Available}})
}

func BenchmarkPlan_recovery_server(b *testing.B) {
	benchPlan(b, RecoveryServer, srv(FailedOver), Goal{States: []State{Standby}})
}

func benchAllowed(b *testing.B, k Kind, obs Observation) {
	b.ReportAllocs()
	for b.Loop() {
		AllowedOperations(k, obs, Options{})
	}
}

func BenchmarkAllowedOperations_replication_pair(b *testing.B) {
	benchAllowed(b, ReplicationPair, pair(Replicating))
}
func BenchmarkAllowedOperations_protection_group(b *testing.B) {
	benchAllowed(b, ProtectionGroup, grp(Replicating))
}
func BenchmarkAllowedOperations_backup_replica(b *testing.B) {
	benchAllowed(b, BackupReplica, Observation{State: Available})
}
func BenchmarkAllowedOperations_recovery_server(b *testing.B) {
	benchAllowed(b, RecoveryServer, srv(FailedOver))
}

func BenchmarkCheck(b *testing.B) {
	o := grp(Replicating)
	b.ReportAllocs()
	for b.Loop() {
		Check(ProtectionGroup, OpFailover, o, Options{})
	}
}

// BenchmarkPlan_groupMembership100: a replicating group gets 100 pairs added.
func BenchmarkPlan_groupMembership100(b *testing.B) {
	req := make([]OpRequest, 100)
	for i := range req {
		req[i] = OpRequest{Op: OpAddMember, Params: map[string]string{"pair_id": "p" + strconv.Itoa(i)}}
	}
	benchPlan(b, ProtectionGroup, grp(Replicating), Goal{States: []State{Replicating}, Required: req})
}

// BenchmarkPlan_groupDelete100: deleting a replicating group with 100 pairs and 100 servers.
func BenchmarkPlan_groupDelete100(b *testing.B) {
	o := grp(Replicating)
	o.Facts.MemberCount, o.Facts.ServerCount = 100, 100
	req := make([]OpRequest, 0, 200)
	for i := range 100 {
		req = append(req, OpRequest{Op: OpRemoveMember, Params: map[string]string{"pair_id": "p" + strconv.Itoa(i)}})
	}
	for i := range 100 {
		req = append(req, OpRequest{Op: OpRemoveServer, Params: map[string]string{"server_id": "s" + strconv.Itoa(i)}})
	}
	benchPlan(b, ProtectionGroup, o, Goal{States: []State{Deleted}, Required: req})
}
