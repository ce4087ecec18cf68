package huaweicloud_test

import (
	"testing"

	emu "github.com/dr-provider/terraform-provider-dr/internal/emulator/huaweicloud"
	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/huaweicloud"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/platformtest"
)

func newDriver(t *testing.T, s *emu.Server) *huaweicloud.Platform {
	t.Helper()
	p, err := huaweicloud.New(huaweicloud.Config{AccessKey: emu.TestAccessKey, SecretKey: emu.TestSecretKey,
		Region: "cn-shanghai", ProjectID: emu.TestProjectID, SDRSEndpoint: s.URL, ECSEndpoint: s.URL, CBREndpoint: s.URL, ReadCacheTTL: -1})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestConformance runs the conformance suite against the driver over the SDRS emulator, on the
// emulator's fake clock. What the driver declares: it manages protection groups and backup
// replicas (SDRS
// pairs are created inside groups, one per disk of a protected server: the pair checks do not
// apply); SDRS jobs cannot be cancelled; the health of an availability zone is in no API, and the
// destination vault of a replica is not read.
func TestConformance(t *testing.T) {
	t.Parallel()
	platformtest.Run(t, func(t *testing.T) platformtest.Harness {
		s := emu.Start(t, true, 1)
		return platformtest.Harness{
			Platform:     newDriver(t, s),
			Fixture:      s.Backdoor(),
			Advance:      s.Advance,
			Kinds:        []lifecycle.Kind{lifecycle.ProtectionGroup, lifecycle.BackupReplica},
			Cancels:      false,
			Unobservable: huaweicloud.Unobservable,
		}
	})
}
