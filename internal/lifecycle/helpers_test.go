package lifecycle

import (
	"strings"
	"testing"
)

func goodFacts(k Kind) Facts {
	switch k {
	case ReplicationPair:
		return Facts{MemberCount: 1, FirstSyncDone: true, ActiveSiteHealthy: false, StandbySiteHealthy: true,
			ReplicationCapable: true, ActiveRegion: "cn-shanghai", StandbyRegion: "cn-beijing"}
	case ProtectionGroup:
		return Facts{MemberCount: 2, FirstSyncDone: true, ActiveSiteHealthy: false, StandbySiteHealthy: true,
			ActiveServersStopped: true, StandbyServersStopped: true, ActiveRegion: "eu-1", StandbyRegion: "eu-2"}
	case RecoveryServer:
		return Facts{HasRecoveryPoint: true}
	case BackupReplica:
		return Facts{BackupExists: true, BackupType: "server", BackupHasSystemDisk: true, BackupStatus: "available",
			SourceRegionCapable: true, DestinationCapable: true, VaultPurpose: "replication", VaultRegion: "ap-southeast-1",
			DestinationRegion: "ap-southeast-1"}
	}
	return Facts{}
}

// goodObs is an observation whose facts pass every precondition except the ones a state
// decides (drill, members for delete are adjusted by the caller).
func goodObs(k Kind, s State) Observation {
	return Observation{Kind: k, ID: "id-1", Name: "app", State: s, ActiveSite: SiteSource, Facts: goodFacts(k), Version: 7}
}

// syncable is o with the active site healthy too, so operations that copy data between the
// sites (V-SYNC-SITES) may run (goodFacts keep the active site down so that a failover is not
// a forced one).
func syncable(o Observation) Observation {
	o.Facts.ActiveSiteHealthy = true
	return o
}

func findRule(vs []Violation, rule string) *Violation {
	for i := range vs {
		if vs[i].Rule == rule {
			return &vs[i]
		}
		for _, a := range vs[i].Also {
			if a == rule {
				return &vs[i]
			}
		}
	}
	return nil
}

func mustRefuse(t *testing.T, k Kind, op Op, obs Observation, opts Options, rule string, contains ...string) Violation {
	t.Helper()
	vs := Blocking(Check(k, op, obs, opts))
	v := findRule(vs, rule)
	if v == nil {
		t.Fatalf("%s %s from %s: want a refusal naming %s, got %v", k, op, RenderState(obs.State, obs.FailedOp), rule, vs)
	}
	if !strings.Contains(v.Message, rule) {
		t.Errorf("message does not name the rule %s: %q", rule, v.Message)
	}
	for _, c := range contains {
		if !strings.Contains(v.Message, c) {
			t.Errorf("message %q does not contain %q", v.Message, c)
		}
	}
	if v.Remedy == "" {
		t.Errorf("violation without remedy: %q", v.Message)
	}
	return *v
}

func mustAllow(t *testing.T, k Kind, op Op, obs Observation, opts Options) {
	t.Helper()
	if vs := Blocking(Check(k, op, obs, opts)); len(vs) > 0 {
		t.Fatalf("%s %s from %s: want allowed, got %v", k, op, RenderState(obs.State, obs.FailedOp), vs)
	}
}
