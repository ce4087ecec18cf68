package alibaba_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	alibabaemu "github.com/dr-provider/terraform-provider-dr/internal/emulator/alibaba"
	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/alibaba"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/sandbox"
)

// barrier holds every request of one action until n of them are in flight at once, then lets
// them all through: calls that the driver serializes never get there (each waits for the one
// before it), and the test fails after giving up instead of hanging.
type barrier struct {
	action string
	n      int
	next   http.Handler

	mu       sync.Mutex
	inFlight int
	most     int
	open     chan struct{}
	once     sync.Once
}

func (b *barrier) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	if r.Form.Get("Action") == b.action {
		b.mu.Lock()
		b.inFlight++
		b.most = max(b.most, b.inFlight)
		if b.inFlight >= b.n {
			b.once.Do(func() { close(b.open) })
		}
		b.mu.Unlock()
		select {
		case <-b.open:
		case <-time.After(20 * time.Second): // serialized: the others never arrive
		}
		b.mu.Lock()
		b.inFlight--
		b.mu.Unlock()
	}
	b.next.ServeHTTP(w, r)
}

// Concurrent reads of different objects are in flight at the same time — SDK calls (a pair's
// DescribeDiskReplicaPairs) and darabonba calls (a group's DescribeReplicaGroupDrills) — so
// Terraform's parallel operations do not wait for each other's round trips (issue 28: one SDK
// client under a process-wide mutex serialized them). Run with -race, the pooled SDK clients
// share no field a call writes.
func TestConcurrentCallsAreInFlightTogether(t *testing.T) {
	t.Parallel()
	const n = 6
	emu := alibabaemu.Start(t, sandbox.Options{Seed: 1})
	ctx := context.Background()
	bd := emu.Backdoor()
	sh, _ := bd.PutSite(ctx, platform.Site{Region: "cn-shanghai", Zone: "cn-shanghai-b", Healthy: true, ReplicationCapable: true})
	bj, _ := bd.PutSite(ctx, platform.Site{Region: "cn-beijing", Zone: "cn-beijing-h", Healthy: true, ReplicationCapable: true})
	var pairs, groups []string
	for i := range n {
		a, _ := bd.PutVolume(ctx, platform.Volume{SiteID: sh.ID, SizeGB: 20})
		b, _ := bd.PutVolume(ctx, platform.Volume{SiteID: bj.ID, SizeGB: 20})
		p, err := emu.Sandbox().CreatePair(ctx, platform.PairSpec{Name: fmt.Sprintf("p%d", i), PrimaryVolumeID: a.ID, SecondaryVolumeID: b.ID}, "")
		if err != nil {
			t.Fatal(err)
		}
		g, err := emu.Sandbox().CreateGroup(ctx, platform.GroupSpec{Name: fmt.Sprintf("g%d", i), SourceRegion: "cn-shanghai", SourceZone: "cn-shanghai-b",
			TargetRegion: "cn-beijing", TargetZone: "cn-beijing-h"}, "")
		if err != nil {
			t.Fatal(err)
		}
		emu.Advance(time.Hour)
		for _, step := range []struct {
			op     lifecycle.Op
			params map[string]string
		}{{lifecycle.OpAddMember, map[string]string{lifecycle.ParamPairID: p.ID}}, {lifecycle.OpEnableProtection, nil}} {
			if err := emu.Sandbox().Invoke(ctx, lifecycle.ProtectionGroup, g.ID, step.op, "", step.params); err != nil {
				t.Fatal(err)
			}
			emu.Advance(24 * time.Hour)
		}
		pairs, groups = append(pairs, p.ID), append(groups, g.ID)
	}
	for _, tc := range []struct {
		action    string
		kind      lifecycle.Kind
		ids       []string
		transport http.RoundTripper
	}{
		{"DescribeDiskReplicaPairs", lifecycle.ReplicationPair, pairs, nil},    // the SDK
		{"DescribeReplicaGroupDrills", lifecycle.ProtectionGroup, groups, nil}, // darabonba-openapi
		// a configured *http.Transport, whose fields the SDK writes on every call: each pooled
		// client has its own copy (with -race, a shared one is a data race)
		{"DescribeDiskReplicaPairs", lifecycle.ReplicationPair, pairs, &http.Transport{}},
		{"DescribeReplicaGroupDrills", lifecycle.ProtectionGroup, groups, &http.Transport{}},
	} {
		b := &barrier{action: tc.action, n: n, next: emu.Emulator, open: make(chan struct{})}
		hs := httptest.NewServer(b)
		d, err := alibaba.New(alibaba.Config{Retry: fastRetry, AccessKeyID: alibabaemu.TestAccessKeyID, AccessKeySecret: alibabaemu.TestAccessKeySecret,
			Region: "cn-shanghai", EBSEndpoint: hs.URL, ReadCacheTTL: -1, Transport: tc.transport}) // every read its own calls
		if err != nil {
			t.Fatal(err)
		}
		if err := d.CheckCredentials(ctx); err != nil { // DescribeRegions once, before the reads
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i, id := range tc.ids {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = d.Observe(ctx, tc.kind, id)
			}()
		}
		wg.Wait()
		hs.Close()
		for _, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if b.most < n {
			t.Errorf("%s (transport %T): at most %d of %d concurrent reads in flight at once: the driver serializes its calls", tc.action, tc.transport, b.most, n)
		}
	}
}
