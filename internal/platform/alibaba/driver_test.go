package alibaba_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	alibabaemu "github.com/dr-provider/terraform-provider-dr/internal/emulator/alibaba"
	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/alibaba"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/sandbox"
)

// call is one request as the emulator received it.
type call struct{ Action, Region, Token string }

// callLog is the requests a test server recorded, safe for the driver's parallel calls;
// action names a record's API action.
type callLog[C any] struct {
	mu     sync.Mutex
	calls  []C
	action func(C) string
}

func (l *callLog[C]) add(c C) {
	l.mu.Lock()
	l.calls = append(l.calls, c)
	l.mu.Unlock()
}

// all is every recorded request, in order.
func (l *callLog[C]) all() []C {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]C(nil), l.calls...)
}

// of is the recorded requests of one action, in order.
func (l *callLog[C]) of(action string) []C {
	var out []C
	for _, c := range l.all() {
		if l.action(c) == action {
			out = append(out, c)
		}
	}
	return out
}

// recorder wraps the emulator and records every call.
type recorder struct {
	callLog[call]
	next http.Handler
}

func newRecorder(next http.Handler) *recorder {
	return &recorder{callLog: callLog[call]{action: func(c call) string { return c.Action }}, next: next}
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	_ = req.ParseForm()
	r.add(call{req.Form.Get("Action"), req.Form.Get("RegionId"), req.Form.Get("ClientToken")})
	r.next.ServeHTTP(w, req)
}

// world: two zones in two replication-capable regions, two disks, a recording emulator.
func recordedWorld(t *testing.T) (*alibaba.Driver, *recorder, *alibabaemu.Server, platform.ReplicationPair) {
	t.Helper()
	emu := alibabaemu.Start(t, sandbox.Options{Seed: 1})
	rec := newRecorder(emu.Emulator)
	hs := httptest.NewServer(rec)
	t.Cleanup(hs.Close)
	ctx := context.Background()
	bd := emu.Backdoor()
	sh, _ := bd.PutSite(ctx, platform.Site{Region: "cn-shanghai", Zone: "cn-shanghai-b", Healthy: true, ReplicationCapable: true})
	bj, _ := bd.PutSite(ctx, platform.Site{Region: "cn-beijing", Zone: "cn-beijing-h", Healthy: true, ReplicationCapable: true})
	a, _ := bd.PutVolume(ctx, platform.Volume{SiteID: sh.ID, SizeGB: 20})
	b, _ := bd.PutVolume(ctx, platform.Volume{SiteID: bj.ID, SizeGB: 20})
	d, err := alibaba.New(alibaba.Config{Retry: fastRetry, AccessKeyID: alibabaemu.TestAccessKeyID, AccessKeySecret: alibabaemu.TestAccessKeySecret,
		Region: "cn-hangzhou", EBSEndpoint: hs.URL, ReadCacheTTL: -1}) // the fake clock: reads after Advance must not be cached
	if err != nil {
		t.Fatal(err)
	}
	p, err := d.CreatePair(ctx, platform.PairSpec{Name: "db", PrimaryVolumeID: a.ID, SecondaryVolumeID: b.ID}, "tok-create")
	if err != nil {
		t.Fatal(err)
	}
	return d, rec, emu, p
}

func settle(t *testing.T, d *alibaba.Driver, emu *alibabaemu.Server, id string) lifecycle.Observation {
	t.Helper()
	for range 100 {
		o, err := d.Observe(context.Background(), lifecycle.ReplicationPair, id)
		if err != nil {
			t.Fatal(err)
		}
		if lifecycle.Table(lifecycle.ReplicationPair).Class(o.State) != lifecycle.Transitional {
			return o
		}
		emu.Advance(10 * 60e9)
	}
	t.Fatal("did not settle")
	return lifecycle.Observation{}
}

// A create is sent in the primary disk's region with the disks' zones (from DescribeDisks);
// failover and reprotect go to the standby region (R001-3), start/stop/delete to the source.
func TestRegionRouting(t *testing.T) {
	t.Parallel()
	d, rec, emu, p := recordedWorld(t)
	ctx := context.Background()
	if c := rec.of("CreateDiskReplicaPair"); len(c) != 1 || c[0].Region != "cn-shanghai" || c[0].Token != "tok-create" {
		t.Fatalf("create calls %+v", c)
	}
	if p.PrimaryZone != "cn-shanghai-b" || p.SecondaryRegion != "cn-beijing" || p.SecondaryZone != "cn-beijing-h" {
		t.Fatalf("pair %+v", p)
	}
	settle(t, d, emu, p.ID)
	steps := []struct {
		op     lifecycle.Op
		action string
		region string
	}{
		{lifecycle.OpStart, "StartDiskReplicaPair", "cn-shanghai"},
		{lifecycle.OpFailover, "FailoverDiskReplicaPair", "cn-beijing"},
		// reprotect: the secondary disk's region (API reference; the engine's RegionTarget)
		{lifecycle.OpReprotect, "ReprotectDiskReplicaPair", "cn-beijing"},
		{lifecycle.OpStart, "StartDiskReplicaPair", "cn-beijing"}, // reversed: cn-beijing is the source now
		{lifecycle.OpStop, "StopDiskReplicaPair", "cn-beijing"},
		{lifecycle.OpDelete, "DeleteDiskReplicaPair", "cn-shanghai"}, // the primary disk's region
	}
	for i, s := range steps {
		n := len(rec.of(s.action))
		if err := d.Invoke(ctx, lifecycle.ReplicationPair, p.ID, s.op, "tok-"+string(s.op)+string(rune('0'+i)), nil); err != nil {
			t.Fatalf("%s: %v", s.op, err)
		}
		c := rec.of(s.action)
		if len(c) != n+1 || c[n].Region != s.region {
			t.Fatalf("%s: calls %+v, want one more in %s", s.op, c, s.region)
		}
		if i == 0 { // a running first sync reads its progress
			got, err := d.GetPair(ctx, p.ID)
			if err != nil || got.State != lifecycle.Starting || got.SyncProgress < 0 || got.SyncProgress > 100 || len(rec.of("DescribeDiskReplicaPairProgress")) == 0 {
				t.Fatalf("a starting pair: %+v %v", got, err)
			}
		}
		if s.op != lifecycle.OpDelete {
			settle(t, d, emu, p.ID)
		}
	}
	// the engine's region for failover is honoured; the wrong one is the vendor's refusal
	d2, _, emu2, p2 := recordedWorld(t)
	settle(t, d2, emu2, p2.ID)
	_ = d2.Invoke(ctx, lifecycle.ReplicationPair, p2.ID, lifecycle.OpStart, "s", nil)
	settle(t, d2, emu2, p2.ID)
	err := d2.Invoke(ctx, lifecycle.ReplicationPair, p2.ID, lifecycle.OpFailover, "f", map[string]string{lifecycle.ParamRegion: "cn-shanghai"})
	var pe *platform.Error
	if !errors.As(err, &pe) || pe.Class != platform.ClassInvalid || pe.Code != "OperationDenied.OperateNotAllowedForPrimary" || pe.Rule != "R001-3" {
		t.Fatalf("failover in the primary region: %v", err)
	}
	// DescribeRegions once per process and credentials (R001-5)
	if n := len(rec.of("DescribeRegions")); n != 1 {
		t.Fatalf("%d DescribeRegions calls, want 1 (cached)", n)
	}
}

// A throttled call is Retryable; its retry carries the same ClientToken and takes effect once.
func TestClientTokenReusedOnRetry(t *testing.T) {
	t.Parallel()
	d, rec, emu, p := recordedWorld(t)
	ctx := context.Background()
	settle(t, d, emu, p.ID)
	bd := emu.Backdoor()
	_ = bd.SetTransientErrorRate(ctx, 1)
	err := d.Invoke(ctx, lifecycle.ReplicationPair, p.ID, lifecycle.OpStart, "dr-start-1", nil)
	if !platform.IsRetryable(err) {
		t.Fatalf("throttled start: %v, want retryable", err)
	}
	if pe := (*platform.Error)(nil); errors.As(err, &pe) && pe.Code != "Throttling" {
		t.Fatalf("throttled start: code %q", pe.Code)
	}
	_ = bd.SetTransientErrorRate(ctx, 0)
	for range 2 {
		if err := d.Invoke(ctx, lifecycle.ReplicationPair, p.ID, lifecycle.OpStart, "dr-start-1", nil); err != nil {
			t.Fatalf("retried start: %v", err)
		}
	}
	for _, c := range rec.of("StartDiskReplicaPair") {
		if c.Token != "dr-start-1" {
			t.Fatalf("a retry sent ClientToken %q", c.Token)
		}
	}
	if o := settle(t, d, emu, p.ID); o.State != lifecycle.Replicating {
		t.Fatalf("after the retries: %s", o.State)
	}
	// the same token for another call is the vendor's IdempotentParameterMismatch
	err = d.Invoke(ctx, lifecycle.ReplicationPair, p.ID, lifecycle.OpStop, "dr-start-1", nil)
	var pe *platform.Error
	if !errors.As(err, &pe) || pe.Code != platform.CodeIdempotentParameterMismatch || pe.Class != platform.ClassInvalid {
		t.Fatalf("token reuse: %v", err)
	}
}

// Unsupported kinds are a clear Invalid error; Inventory is not offered.
func TestUnsupportedKinds(t *testing.T) {
	t.Parallel()
	d, err := alibaba.New(alibaba.Config{Retry: fastRetry, AccessKeyID: "a", AccessKeySecret: "b", Region: "cn-shanghai", EBSEndpoint: "http://127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, k := range []lifecycle.Kind{lifecycle.BackupReplica, lifecycle.RecoveryServer} {
		_, err := d.Observe(ctx, k, "x")
		if platform.ClassOf(err) != platform.ClassInvalid || !strings.Contains(err.Error(), "does not manage") {
			t.Fatalf("%s: %v", k, err)
		}
	}
	if _, ok := platform.ReplicasOf(d); ok {
		t.Fatal("EBS serves no backup replicas")
	}
	if _, ok := platform.InventoryOf(d); ok {
		t.Fatal("a vendor platform has no inventory")
	}
	caps := platform.CapabilitiesOf(d)
	if caps.Supports(lifecycle.BackupReplica) || !caps.Supports(lifecycle.ProtectionGroup) {
		t.Fatalf("capabilities %+v", caps)
	}
	// nothing listens on port 1: no response is Retryable, never a panic
	if _, err := d.GetPair(ctx, "pair-1"); !platform.IsRetryable(err) {
		t.Fatalf("unreachable endpoint: %v", err)
	}
}

// Malformed and unexpected payloads are classified errors or an unknown observation, never a
// panic or a guessed state.
func TestMalformedPayloads(t *testing.T) {
	t.Parallel()
	var body string
	var status int
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		if r.Form.Get("Action") == "DescribeRegions" {
			_, _ = w.Write([]byte(`{"RequestId":"r","Regions":[{"RegionId":"cn-shanghai","Zones":[{"ZoneId":"cn-shanghai-a"}]}]}`))
			return
		}
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(hs.Close)
	d, err := alibaba.New(alibaba.Config{Retry: fastRetry, AccessKeyID: "a", AccessKeySecret: "b", Region: "cn-shanghai", EBSEndpoint: hs.URL})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, c := range []struct {
		name   string
		status int
		body   string
		class  platform.Class
	}{
		{"not JSON", 200, `<html>oops</html>`, platform.ClassInternal},
		{"error envelope with a numeric code", 400, `{"Code":123,"Message":"x"}`, platform.ClassInternal},
		{"gateway HTML", 503, `<html>bad gateway</html>`, platform.ClassRetryable},
		{"unknown code", 403, `{"Code":"Something.New","Message":"x","RequestId":"r"}`, platform.ClassInvalid},
		{"pair missing", 200, `{"RequestId":"r","ReplicaPairs":[]}`, platform.ClassNotFound},
	} {
		status, body = c.status, c.body
		_, err := d.GetPair(ctx, "pair-1")
		if got := platform.ClassOf(err); got != c.class {
			t.Errorf("%s: %v (class %s), want %s", c.name, err, got, c.class)
		}
	}
	status, body = 200, `{"RequestId":"r","ReplicaPairs":[{"ReplicaPairId":"pair-1","Status":"being_rebuilt","SourceRegion":"cn-shanghai","PrimaryRegion":"cn-shanghai"}]}`
	o, err := d.Observe(ctx, lifecycle.ReplicationPair, "pair-1")
	if err != nil || o.State != alibaba.StateUnknown || !strings.Contains(o.LastError, "being_rebuilt") {
		t.Fatalf("an unknown status: %+v %v", o, err)
	}
	if _, err := d.Observe(ctx, lifecycle.ReplicationPair, "pair-1"); err != nil {
		t.Fatal(err)
	}
}
