package alibaba_test

import (
	"testing"

	alibabaemu "github.com/dr-provider/terraform-provider-dr/internal/emulator/alibaba"
	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/alibaba"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/platformtest"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/sandbox"
)

// newDriver starts an emulator (fake clock) and a driver pointed at it.
func newDriver(t *testing.T) (*alibaba.Driver, *alibabaemu.Server) {
	t.Helper()
	emu := alibabaemu.Start(t, sandbox.Options{Seed: 1})
	d, err := alibaba.New(alibaba.Config{AccessKeyID: alibabaemu.TestAccessKeyID, AccessKeySecret: alibabaemu.TestAccessKeySecret,
		Region: "cn-shanghai", EBSEndpoint: emu.URL})
	if err != nil {
		t.Fatal(err)
	}
	return d, emu
}

// TestConformance runs the platform conformance suite against the driver over the emulator.
// What the EBS API cannot do is declared: no cancel (Cancels false), zone health and drills
// are not observable, and the fixture offers no
// OperationFaults (a failed start has no EBS status) and no quotas.
func TestConformance(t *testing.T) {
	t.Parallel()
	platformtest.Run(t, func(t *testing.T) platformtest.Harness {
		d, emu := newDriver(t)
		return platformtest.Harness{
			Platform: d, Fixture: emu.Backdoor(), Advance: emu.Advance,
			Kinds:        []lifecycle.Kind{lifecycle.ReplicationPair, lifecycle.ProtectionGroup},
			Cancels:      false,
			Unobservable: []string{lifecycle.FactSiteHealth, lifecycle.FactDrill},
		}
	})
}
