package huaweicloud_test

import (
	"testing"
	"time"

	emu "github.com/dr-provider/terraform-provider-dr/internal/emulator/huaweicloud"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/huaweicloud"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/platformtest"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/retry"
)

func newDriverWith(t *testing.T, s *emu.Server, cacheTTL time.Duration, policy retry.Policy) *huaweicloud.Platform {
	t.Helper()
	p, err := huaweicloud.New(huaweicloud.Config{Retry: policy, AccessKey: emu.TestAccessKey, SecretKey: emu.TestSecretKey,
		Region: "cn-shanghai", ProjectID: emu.TestProjectID, SDRSEndpoint: s.URL, ECSEndpoint: s.URL, CBREndpoint: s.URL, ReadCacheTTL: cacheTTL,
		// the replicas' destination region has its own project (project IDs are per region)
		RegionProjectIDs: map[string]string{"cn-beijing": beijingProject}})
	s.Backdoor().SetRegionProject("cn-beijing", beijingProject)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

const beijingProject = "b3e1c0a5d2f94e6a8c7b9d0e1f2a3b4c"

// groupParams gives each group the active-active domain between its zones and a VPC, made
// through the emulator's backdoor (Creating a Protection Group needs both).
func groupParams(s *emu.Server) func(platform.GroupSpec) platform.GroupSpec {
	return func(spec platform.GroupSpec) platform.GroupSpec {
		b := s.Backdoor()
		spec.DomainID = b.PutDomain("dom-"+spec.Name, spec.SourceZone, spec.TargetZone)
		spec.SourceVPCID = b.PutVPC("vpc-" + spec.Name)
		return spec
	}
}

// TestConformance runs the conformance suite against the driver over the SDRS emulator, on the
// emulator's fake clock. What the driver declares: it manages protection groups, the
// replication pairs SDRS keeps in them, and backup replicas. Creating a pair is a manual step
// (Capabilities.Manual: SDRS makes a pair inside a group, one per disk of a protected server),
// so the suite takes its pairs from protected servers (state_mapping/replication_pair,
// errors/not_found, facts/unknown) and skips, naming the step, the checks that create pairs
// with CreatePair; SDRS jobs cannot be cancelled.
//
// It runs twice: on the fake clock the suite advances, with the shared read snapshot off (its
// TTL is wall time); and on the wall clock at a high time scale with the snapshot on, as the
// provider runs the driver (reads of its own writes, polling through the snapshot).
func TestConformance(t *testing.T) {
	t.Parallel()
	fast := retry.Policy{Initial: time.Millisecond, Max: 2 * time.Millisecond}
	platformtest.RunClocks(t, "time_scale_cached_reads", func(t *testing.T, fake bool) platformtest.Harness { return harness(t, fake, fast) })
}

// TestOneRetryLayer: every SDRS, ECS and CBR request goes through the one retry layer — a
// persistent APIGW.0308 (HTTP 429) costs exactly the policy's attempts per call (counted by the
// emulator), a cancelled context no request, a context ending during a wait no further one.
// (The driver's reads used to make 3 attempts with a sleep that ignored the context, its
// waitJob a 10-minute wait of its own, and the provider repeated the whole call 10 times.)
func TestOneRetryLayer(t *testing.T) {
	t.Parallel()
	platformtest.RetryLayer(t, func(t *testing.T, p retry.Policy) platformtest.Harness { return harness(t, true, p) })
}

// harness is a fresh driver over a fresh emulator: on the emulator's fake clock with the read
// snapshot off (its TTL is wall time), or on the wall clock at a high time scale with it on.
func harness(t *testing.T, fakeClock bool, policy retry.Policy) platformtest.Harness {
	scale, ttl := 1.0, time.Duration(-1)
	if !fakeClock {
		scale, ttl = 1e6, 20*time.Millisecond
	}
	s := emu.Start(t, fakeClock, scale)
	h := platformtest.Harness{Platform: newDriverWith(t, s, ttl, policy), Fixture: s.Backdoor(), Cancels: false,
		Unobservable: huaweicloud.Unobservable, GroupParams: groupParams(s), Requests: func() int { return int(s.Requests()) }}
	if fakeClock {
		h.Advance = s.Advance
	}
	return h
}
