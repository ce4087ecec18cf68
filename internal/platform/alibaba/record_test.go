package alibaba_test

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	alibabaemu "github.com/dr-provider/terraform-provider-dr/internal/emulator/alibaba"
	"github.com/dr-provider/terraform-provider-dr/internal/livetest"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/alibaba"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/sandbox"
)

// A live run's recording works for this driver (issue 23, item 5): the driver's calls, made
// through Config.Transport into a go-vcr recorder (internal/livetest), are written with the
// STS token, Signature, SignatureNonce and AccessKeyId scrubbed, and replay with the endpoint
// gone, the driver reading the same pair (its signed parameters differ on every call: the
// matcher ignores them).
func TestRecordScrubReplayThroughConfigTransport(t *testing.T) {
	emu := alibabaemu.Start(t, sandbox.Options{Seed: 1})
	hs := httptest.NewServer(emu.Emulator)
	ctx := context.Background()
	bd := emu.Backdoor()
	sh, _ := bd.PutSite(ctx, platform.Site{Region: "cn-shanghai", Zone: "cn-shanghai-b", Healthy: true, ReplicationCapable: true})
	bj, _ := bd.PutSite(ctx, platform.Site{Region: "cn-beijing", Zone: "cn-beijing-h", Healthy: true, ReplicationCapable: true})
	a, _ := bd.PutVolume(ctx, platform.Volume{SiteID: sh.ID, SizeGB: 20})
	b, _ := bd.PutVolume(ctx, platform.Volume{SiteID: bj.ID, SizeGB: 20})
	p, err := emu.Sandbox().CreatePair(ctx, platform.PairSpec{Name: "db", PrimaryVolumeID: a.ID, SecondaryVolumeID: b.ID, RPOSeconds: 900, BandwidthKbps: 10240}, "")
	if err != nil {
		t.Fatal(err)
	}
	const token = "CAIS-recorded-sts-token"
	cassette := filepath.Join(t.TempDir(), "alibaba", "story")
	read := func(mode string) platform.ReplicationPair {
		t.Helper()
		rt, stop, err := livetest.NewRecorder(cassette, mode, nil)
		if err != nil {
			t.Fatal(err)
		}
		d, err := alibaba.New(alibaba.Config{Retry: fastRetry, AccessKeyID: alibabaemu.TestAccessKeyID, AccessKeySecret: alibabaemu.TestAccessKeySecret,
			SecurityToken: token, Region: "cn-shanghai", EBSEndpoint: hs.URL, ReadCacheTTL: -1, Transport: rt})
		if err != nil {
			t.Fatal(err)
		}
		got, err := d.GetPair(ctx, p.ID)
		if err != nil {
			t.Fatalf("%s: %v", mode, err)
		}
		if err := stop(); err != nil {
			t.Fatal(err)
		}
		return got
	}
	recorded := read("RECORD_ONLY")
	hs.Close() // the replay uses no network
	replayed := read("REPLAY_ONLY")
	if recorded.ID != p.ID || replayed.ID != recorded.ID || replayed.State != recorded.State || replayed.PrimaryVolumeID != a.ID {
		t.Fatalf("recorded %+v, replayed %+v", recorded, replayed)
	}
	y, err := os.ReadFile(cassette + ".yaml")
	if err != nil {
		t.Fatal(err)
	}
	text := string(y)
	if !strings.Contains(text, "DescribeDiskReplicaPairs") || !strings.Contains(text, "SecurityToken="+livetest.Scrubbed) {
		t.Fatalf("the cassette holds no scrubbed EBS call:\n%.2000s", text)
	}
	for _, secret := range []string{token, alibabaemu.TestAccessKeySecret, alibabaemu.TestAccessKeyID} {
		if strings.Contains(text, secret) {
			t.Errorf("the cassette holds a secret (%.5s…)", secret)
		}
	}
	for _, line := range strings.Split(text, "\n") {
		if i := strings.Index(line, "Signature="); i >= 0 && !strings.HasPrefix(line[i+len("Signature="):], livetest.Scrubbed) {
			t.Errorf("a signature is in the cassette: %s", strings.TrimSpace(line))
		}
	}
}
