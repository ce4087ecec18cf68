package alibaba

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/sandbox"
)

// Backdoor is the emulator's test-only side door onto the sandbox inventory: what exists
// around the replica pairs (zones, disks, servers), site outages, throttling and quotas. It is the
// platformtest Fixture of the driver's conformance run (with TransientFaults). It does not
// offer OperationFaults: the failure of a start has no EBS status (no start_failed).
type Backdoor struct {
	sb *sandbox.Sandbox
	e  *Emulator
}

// Backdoor returns the emulator's backdoor.
func (e *Emulator) Backdoor() *Backdoor { return &Backdoor{sb: e.sb, e: e} }

func (b *Backdoor) PutSite(ctx context.Context, s platform.Site) (platform.Site, error) {
	return b.sb.PutSite(ctx, s)
}
func (b *Backdoor) PutVolume(ctx context.Context, v platform.Volume) (platform.Volume, error) {
	return b.sb.PutVolume(ctx, v)
}
func (b *Backdoor) AttachVolume(ctx context.Context, volumeID, serverID string) (platform.Volume, error) {
	return b.sb.AttachVolume(ctx, volumeID, serverID)
}
func (b *Backdoor) PutServer(ctx context.Context, s platform.Server) (platform.Server, error) {
	return b.sb.PutServer(ctx, s)
}
func (b *Backdoor) SetServerPower(ctx context.Context, id, power string) (platform.Server, error) {
	return b.sb.SetServerPower(ctx, id, power)
}
func (b *Backdoor) PutVault(ctx context.Context, v platform.Vault) (platform.Vault, error) {
	return b.sb.PutVault(ctx, v)
}
func (b *Backdoor) PutBackup(ctx context.Context, x platform.Backup) (platform.Backup, error) {
	return b.sb.PutBackup(ctx, x)
}

// SetTransientErrorRate makes that fraction of API calls fail with Throttling.
func (b *Backdoor) SetTransientErrorRate(ctx context.Context, rate float64) error {
	return b.sb.SetTransientErrorRate(ctx, rate)
}

// SetSiteHealth takes a zone down (false) or brings it back.
func (b *Backdoor) SetSiteHealth(ctx context.Context, siteID string, healthy bool) (platform.Site, error) {
	return b.sb.SetSiteHealth(ctx, siteID, healthy)
}

// Server is an emulator on an httptest server, over a fresh sandbox in a temporary directory.
type Server struct {
	*Emulator
	URL   string
	Clock *sandbox.FakeClock // nil when the sandbox runs on the wall clock
}

// Advance lets simulated time pass (fake clock only).
func (s *Server) Advance(d time.Duration) {
	if s.Clock != nil {
		s.Clock.Advance(d)
	}
}

// Start starts an emulator for a test. With a nil clock and TimeScale 0 it runs on a fake
// clock starting 2030-01-01 (Advance moves it); opts.TimeScale > 0 uses the wall clock.
func Start(t testing.TB, opts sandbox.Options) *Server {
	t.Helper()
	var clk *sandbox.FakeClock
	if opts.Clock == nil && opts.TimeScale <= 0 {
		clk = sandbox.NewFakeClock(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
		opts.Clock = clk
	}
	sb, err := sandbox.Open(filepath.Join(t.TempDir(), "ebs.db"), opts)
	if err != nil {
		t.Fatal(err)
	}
	emu := New(sb)
	hs := httptest.NewServer(emu)
	t.Cleanup(func() { hs.Close(); sb.Close() })
	return &Server{Emulator: emu, URL: hs.URL, Clock: clk}
}

// LoseVolume removes a disk out of band, as the sandbox's volume_lost fault does: every
// replica pair using it becomes invalid (the sandbox's physics; the emulator then reports
// Status invalid with the sandbox's reason).
func (b *Backdoor) LoseVolume(ctx context.Context, volumeID string) error {
	_, err := b.sb.CreateFault(ctx, platform.Fault{Type: platform.FaultVolumeLost, ObjectID: volumeID})
	return err
}

// SetQuota limits the replica pairs or groups the account may hold (0: no limit): a create
// beyond it is answered OperationDenied.QuotaExceed (403), the quota code of the EBS API's
// error list (vendor-lifecycles §1.5).
func (b *Backdoor) SetQuota(ctx context.Context, kind lifecycle.Kind, limit int) error {
	return b.sb.SetQuota(ctx, kind, limit)
}
