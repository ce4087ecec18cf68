package alibaba_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	alibabaemu "github.com/dr-provider/terraform-provider-dr/internal/emulator/alibaba"
	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/alibaba"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/sandbox"
)

// drillCall is one drill request as the emulator received it (through darabonba-openapi).
type drillCall struct{ Action, Region, Group, Token, Drill, Version, SigMethod string }

// drillWorld is an Alibaba emulator behind a recording server (every drill request: its
// action, region, object ID from idParam, token, DrillId, API version, signature method), two
// replication-capable sites and a driver that reads without a cache.
type drillWorld struct {
	emu    *alibabaemu.Server
	hs     *httptest.Server
	ctx    context.Context
	bd     *alibabaemu.Backdoor
	sh, bj platform.Site
	d      *alibaba.Driver
	callLog[drillCall]
}

func newDrillWorld(t *testing.T, idParam string) *drillWorld {
	t.Helper()
	w := &drillWorld{emu: alibabaemu.Start(t, sandbox.Options{Seed: 1}), ctx: context.Background(),
		callLog: callLog[drillCall]{action: func(c drillCall) string { return c.Action }}}
	w.hs = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		if a := r.Form.Get("Action"); strings.Contains(a, "Drill") {
			w.add(drillCall{a, r.Form.Get("RegionId"), r.Form.Get(idParam), r.Form.Get("ClientToken"), r.Form.Get("DrillId"),
				r.Form.Get("Version"), r.Form.Get("SignatureMethod")})
		}
		w.emu.ServeHTTP(rw, r)
	}))
	t.Cleanup(w.hs.Close)
	w.bd = w.emu.Backdoor()
	w.sh, _ = w.bd.PutSite(w.ctx, platform.Site{Region: "cn-shanghai", Zone: "cn-shanghai-b", Healthy: true, ReplicationCapable: true})
	w.bj, _ = w.bd.PutSite(w.ctx, platform.Site{Region: "cn-beijing", Zone: "cn-beijing-h", Healthy: true, ReplicationCapable: true})
	var err error
	w.d, err = alibaba.New(alibaba.Config{Retry: fastRetry, AccessKeyID: alibabaemu.TestAccessKeyID, AccessKeySecret: alibabaemu.TestAccessKeySecret,
		Region: "cn-shanghai", EBSEndpoint: w.hs.URL, ReadCacheTTL: -1})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// disk is a new 20 GiB disk at site s.
func (w *drillWorld) disk(s platform.Site) string {
	v, _ := w.bd.PutVolume(w.ctx, platform.Volume{SiteID: s.ID, SizeGB: 20})
	return v.ID
}

// Group drills: StartReplicaGroupDrill in the group's secondary region with the engine's token
// as ClientToken (a retry repeats it), the drill observed through DescribeReplicaGroupDrills
// (drill_active, FactDrill known, the version moves), ClearReplicaGroupDrill with the DrillId
// Describe lists, a second stop sends no Clear; the wrong region is
// OperationDenied.StartDrillShouldOnDestRegion (R001-3), a start during a drill is refused.
func TestGroupDrillCalls(t *testing.T) {
	t.Parallel()
	w := newDrillWorld(t, "GroupId")
	emu, hs, ctx, sh, bj, d, of, disk := w.emu, w.hs, w.ctx, w.sh, w.bj, w.d, w.of, w.disk
	if m := d.Capabilities().Manual[lifecycle.ProtectionGroup]; m[lifecycle.OpStartDrill] != "" || m[lifecycle.OpStopDrill] != "" {
		t.Fatalf("drills are still manual steps: %q", m)
	}
	observe := func(id string) lifecycle.Observation {
		t.Helper()
		o, err := d.Observe(ctx, lifecycle.ProtectionGroup, id)
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	g, err := d.CreateGroup(ctx, platform.GroupSpec{Name: "app", SourceRegion: "cn-shanghai", SourceZone: "cn-shanghai-b",
		TargetRegion: "cn-beijing", TargetZone: "cn-beijing-h"}, "g1")
	if err != nil {
		t.Fatal(err)
	}
	emu.Advance(time.Hour)
	p, err := d.CreatePair(ctx, platform.PairSpec{Name: "db", PrimaryVolumeID: disk(sh), SecondaryVolumeID: disk(bj)}, "c1")
	if err != nil {
		t.Fatal(err)
	}
	emu.Advance(time.Hour)
	if err := d.Invoke(ctx, lifecycle.ProtectionGroup, g.ID, lifecycle.OpAddMember, "a1", map[string]string{lifecycle.ParamPairID: p.ID}); err != nil {
		t.Fatal(err)
	}
	// no recovery point yet: no drill can exist, and no DescribeReplicaGroupDrills is spent
	o := observe(g.ID)
	if o.Facts.Unknown[lifecycle.FactDrill] || o.Facts.DrillActive || len(of("DescribeReplicaGroupDrills")) != 0 {
		t.Fatalf("new group: unknown %v, drill %v, describe calls %v", o.Facts.Unknown, o.Facts.DrillActive, of("DescribeReplicaGroupDrills"))
	}
	if err := d.Invoke(ctx, lifecycle.ProtectionGroup, g.ID, lifecycle.OpEnableProtection, "e1", nil); err != nil {
		t.Fatal(err)
	}
	emu.Advance(24 * time.Hour)
	o = observe(g.ID)
	if o.State != lifecycle.Replicating || o.Facts.DrillActive || o.Facts.Unknown[lifecycle.FactDrill] {
		t.Fatalf("protected group: %s drill %v unknown %v", o.State, o.Facts.DrillActive, o.Facts.Unknown)
	}
	if c := of("DescribeReplicaGroupDrills"); len(c) == 0 || c[len(c)-1].Region != "cn-beijing" || c[len(c)-1].Group != g.ID {
		t.Fatalf("describe calls %+v: want the group in its secondary region cn-beijing", c)
	}
	before := o.Version

	// the wrong region: the vendor's code, classified as R001-3
	err = d.Invoke(ctx, lifecycle.ProtectionGroup, g.ID, lifecycle.OpStartDrill, "d0", map[string]string{lifecycle.ParamRegion: "cn-shanghai"})
	var pe *platform.Error
	if !errors.As(err, &pe) || pe.Code != "OperationDenied.StartDrillShouldOnDestRegion" || pe.Rule != "R001-3" || pe.Class != platform.ClassInvalid {
		t.Fatalf("start_drill in the primary region: %#v", err)
	}

	row, _ := lifecycle.Table(lifecycle.ProtectionGroup).Operation(lifecycle.OpStartDrill)
	params := map[string]string{lifecycle.ParamRegion: row.RegionFor(o)} // as the executor passes it
	// a retry repeats the call with the same token: the platform's replay, no error
	for range 2 {
		if err := d.Invoke(ctx, lifecycle.ProtectionGroup, g.ID, lifecycle.OpStartDrill, "d1", params); err != nil {
			t.Fatal(err)
		}
	}
	starts := of("StartReplicaGroupDrill")
	if len(starts) != 3 {
		t.Fatalf("start calls %+v", starts)
	}
	for _, c := range starts[1:] {
		if c.Region != "cn-beijing" || c.Group != g.ID || !strings.HasPrefix(c.Token, "d1-") || c.Token != starts[1].Token ||
			c.Version != "2021-07-30" || c.SigMethod != "HMAC-SHA1" {
			t.Fatalf("start call %+v: want cn-beijing, %s, the same ClientToken d1-<nonce>, version 2021-07-30, HMAC-SHA1", c, g.ID)
		}
	}
	o = observe(g.ID)
	if !o.Facts.DrillActive || o.Version == before {
		t.Fatalf("after start_drill: drill %v, version %d (was %d)", o.Facts.DrillActive, o.Version, before)
	}
	if x, err := d.GetGroup(ctx, g.ID); err != nil || !x.DrillActive {
		t.Fatalf("GetGroup during the drill: %+v %v", x.DrillActive, err)
	}
	// another start during the drill: the platform refuses (V-DRILL's no other drill)
	err = d.Invoke(ctx, lifecycle.ProtectionGroup, g.ID, lifecycle.OpStartDrill, "d2", params)
	if !errors.As(err, &pe) || pe.Class != platform.ClassPreconditionFailed || !strings.HasPrefix(pe.Code, "OperationDenied") {
		t.Fatalf("a second drill: %#v", err)
	}

	// the shared read snapshot serves the drill too (one more driver, the cache on)
	d2, err := alibaba.New(alibaba.Config{Retry: fastRetry, AccessKeyID: alibabaemu.TestAccessKeyID, AccessKeySecret: alibabaemu.TestAccessKeySecret,
		Region: "cn-shanghai", EBSEndpoint: hs.URL, ReadCacheTTL: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	gs, err := d2.ListGroups(ctx)
	if err != nil || len(gs) != 1 || !gs[0].DrillActive || !gs[0].Observed.Facts.DrillActive {
		t.Fatalf("ListGroups during the drill: %+v %v", gs, err)
	}
	n := len(of("DescribeReplicaGroupDrills"))
	if x, err := d2.GetGroup(ctx, g.ID); err != nil || !x.DrillActive || len(of("DescribeReplicaGroupDrills")) != n {
		t.Fatalf("GetGroup from the snapshot: drill %v err %v, describe calls %d → %d", x.DrillActive, err, n, len(of("DescribeReplicaGroupDrills")))
	}

	listed := of("DescribeReplicaGroupDrills")
	if err := d.Invoke(ctx, lifecycle.ProtectionGroup, g.ID, lifecycle.OpStopDrill, "s1", nil); err != nil {
		t.Fatal(err)
	}
	clears := of("ClearReplicaGroupDrill")
	if len(clears) != 1 || clears[0].Region != "cn-beijing" || clears[0].Group != g.ID || !strings.HasPrefix(clears[0].Drill, "pg-drill-") ||
		len(of("DescribeReplicaGroupDrills")) != len(listed)+1 {
		t.Fatalf("clear calls %+v (describe calls %d → %d)", clears, len(listed), len(of("DescribeReplicaGroupDrills")))
	}
	o = observe(g.ID)
	if o.Facts.DrillActive || o.State != lifecycle.Replicating {
		t.Fatalf("after stop_drill: %s drill %v", o.State, o.Facts.DrillActive)
	}
	// stop again (a retried stop after its call went through): nothing listed, no Clear
	if err := d.Invoke(ctx, lifecycle.ProtectionGroup, g.ID, lifecycle.OpStopDrill, "s1", nil); err != nil {
		t.Fatal(err)
	}
	if c := of("ClearReplicaGroupDrill"); len(c) != 1 {
		t.Fatalf("a second stop sent Clear: %+v", c)
	}
	// a new drill (started later: the emulator's DrillId derives from the start time) gets a
	// new DrillId; planned from the same version, it has the same engine token as the first,
	// but the first drill was cleared: a new ClientToken, so a new drill, not the replay
	emu.Advance(time.Minute)
	if err := d.Invoke(ctx, lifecycle.ProtectionGroup, g.ID, lifecycle.OpStartDrill, "d1", params); err != nil {
		t.Fatal(err)
	}
	if s := of("StartReplicaGroupDrill"); s[len(s)-1].Token == starts[1].Token || !strings.HasPrefix(s[len(s)-1].Token, "d1-") {
		t.Fatalf("the second drill's ClientToken %q (the first's %q)", s[len(s)-1].Token, starts[1].Token)
	}
	if !observe(g.ID).Facts.DrillActive {
		t.Fatal("no drill after the second start with the first one's engine token")
	}
	emu.Advance(time.Minute)
	if err := d.Invoke(ctx, lifecycle.ProtectionGroup, g.ID, lifecycle.OpStopDrill, "s2", nil); err != nil {
		t.Fatal(err)
	}
	if c := of("ClearReplicaGroupDrill"); len(c) != 2 || c[1].Drill == c[0].Drill {
		t.Fatalf("second drill's clear %+v", c)
	}
	// and in a new process (another Terraform run) as well
	d3, err := alibaba.New(alibaba.Config{Retry: fastRetry, AccessKeyID: alibabaemu.TestAccessKeyID, AccessKeySecret: alibabaemu.TestAccessKeySecret,
		Region: "cn-shanghai", EBSEndpoint: hs.URL, ReadCacheTTL: -1})
	if err != nil {
		t.Fatal(err)
	}
	if err := d3.Invoke(ctx, lifecycle.ProtectionGroup, g.ID, lifecycle.OpStartDrill, "d1", params); err != nil {
		t.Fatal(err)
	}
	if o, err := d3.Observe(ctx, lifecycle.ProtectionGroup, g.ID); err != nil || !o.Facts.DrillActive {
		t.Fatalf("a drill started again with an earlier engine token: drill %v, %v", o.Facts.DrillActive, err)
	}
}

// Drill statuses and error envelopes from DescribeReplicaGroupDrills and the drill calls:
// every listed drill is active (executing, executed, execute_failed, clearing, clear_failed,
// and a status the reference does not list), clearing is not cleared twice; the envelopes are
// classified by the driver's classifier (RecoverPointNotFound → V-FIRST-SYNC, Throttling
// retryable, NoSuchResource not found, IdempotentParameterMismatch invalid).
func TestGroupDrillStatusAndErrors(t *testing.T) {
	t.Parallel()
	emu := alibabaemu.Start(t, sandbox.Options{Seed: 1})
	var mu sync.Mutex
	status, startErr := "", [3]string{} // drill status to list; error (HTTP status, Code, Message) of Start
	var clears []string
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		mu.Lock()
		st, se := status, startErr
		mu.Unlock()
		switch r.Form.Get("Action") {
		case "DescribeReplicaGroupDrills":
			w.Header().Set("Content-Type", "application/json")
			drills := "[]"
			if st != "" {
				drills = fmt.Sprintf(`[{"DrillId":"pg-drill-1","GroupId":%q,"Status":%q}]`, r.Form.Get("GroupId"), st)
			}
			fmt.Fprintf(w, `{"RequestId":"R1","Drills":%s,"NextToken":"","TotalCount":1}`, drills)
			return
		case "StartReplicaGroupDrill":
			if se[0] != "" {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(map[string]int{"400": 400, "403": 403, "404": 404, "503": 503}[se[0]])
				fmt.Fprintf(w, `{"RequestId":"R2","Code":%q,"Message":%q}`, se[1], se[2])
				return
			}
		case "ClearReplicaGroupDrill":
			mu.Lock()
			clears = append(clears, r.Form.Get("DrillId"))
			mu.Unlock()
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"RequestId":"R3"}`)
			return
		}
		emu.ServeHTTP(w, r)
	}))
	t.Cleanup(hs.Close)
	ctx := context.Background()
	bd := emu.Backdoor()
	sh, _ := bd.PutSite(ctx, platform.Site{Region: "cn-shanghai", Zone: "cn-shanghai-b", Healthy: true, ReplicationCapable: true})
	bj, _ := bd.PutSite(ctx, platform.Site{Region: "cn-beijing", Zone: "cn-beijing-h", Healthy: true, ReplicationCapable: true})
	d, err := alibaba.New(alibaba.Config{Retry: fastRetry, AccessKeyID: alibabaemu.TestAccessKeyID, AccessKeySecret: alibabaemu.TestAccessKeySecret,
		Region: "cn-shanghai", EBSEndpoint: hs.URL, ReadCacheTTL: -1})
	if err != nil {
		t.Fatal(err)
	}
	g, err := d.CreateGroup(ctx, platform.GroupSpec{Name: "app", SourceRegion: "cn-shanghai", SourceZone: "cn-shanghai-b",
		TargetRegion: "cn-beijing", TargetZone: "cn-beijing-h"}, "g1")
	if err != nil {
		t.Fatal(err)
	}
	emu.Advance(time.Hour)
	a, _ := bd.PutVolume(ctx, platform.Volume{SiteID: sh.ID, SizeGB: 20})
	b, _ := bd.PutVolume(ctx, platform.Volume{SiteID: bj.ID, SizeGB: 20})
	p, err := d.CreatePair(ctx, platform.PairSpec{Name: "db", PrimaryVolumeID: a.ID, SecondaryVolumeID: b.ID}, "c1")
	if err != nil {
		t.Fatal(err)
	}
	emu.Advance(time.Hour)
	if err := d.Invoke(ctx, lifecycle.ProtectionGroup, g.ID, lifecycle.OpAddMember, "a1", map[string]string{lifecycle.ParamPairID: p.ID}); err != nil {
		t.Fatal(err)
	}
	if err := d.Invoke(ctx, lifecycle.ProtectionGroup, g.ID, lifecycle.OpEnableProtection, "e1", nil); err != nil {
		t.Fatal(err)
	}
	emu.Advance(24 * time.Hour)

	for _, c := range []struct {
		status string
		active bool
	}{{"", false}, {"executing", true}, {"executed", true}, {"execute_failed", true}, {"clearing", true}, {"clear_failed", true}, {"paused_by_vendor", true}} {
		mu.Lock()
		status = c.status
		mu.Unlock()
		o, err := d.Observe(ctx, lifecycle.ProtectionGroup, g.ID)
		if err != nil {
			t.Fatal(err)
		}
		if o.Facts.DrillActive != c.active || o.Facts.Unknown[lifecycle.FactDrill] {
			t.Errorf("drill status %q: active %v (want %v), unknown %v", c.status, o.Facts.DrillActive, c.active, o.Facts.Unknown[lifecycle.FactDrill])
		}
	}
	// stop_drill: a clearing drill is not cleared again; a failed one is
	for _, c := range []struct {
		status string
		clear  bool
	}{{"clearing", false}, {"execute_failed", true}, {"clear_failed", true}} {
		mu.Lock()
		status, clears = c.status, nil
		mu.Unlock()
		if err := d.Invoke(ctx, lifecycle.ProtectionGroup, g.ID, lifecycle.OpStopDrill, "", nil); err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		got := clears
		mu.Unlock()
		if (len(got) == 1 && got[0] == "pg-drill-1") != c.clear || len(got) > 1 {
			t.Errorf("stop_drill of a %s drill: clears %v", c.status, got)
		}
	}

	for _, c := range []struct {
		http, code string
		class      platform.Class
		rule       string
	}{
		{"403", "OperationDenied.RecoverPointNotFound", platform.ClassPreconditionFailed, "V-FIRST-SYNC"},
		{"403", "OperationDenied.StartDrillShouldOnDestRegion", platform.ClassInvalid, "R001-3"},
		{"403", "OperationDenied.InvalidStatus", platform.ClassPreconditionFailed, ""},
		{"400", "Throttling.User", platform.ClassRetryable, ""},
		{"503", "ServiceUnavailable", platform.ClassRetryable, ""},
		{"404", "NoSuchResource", platform.ClassNotFound, ""},
		{"400", "IdempotentParameterMismatch", platform.ClassInvalid, ""},
	} {
		mu.Lock()
		startErr = [3]string{c.http, c.code, "drill refused"}
		mu.Unlock()
		err := d.Invoke(ctx, lifecycle.ProtectionGroup, g.ID, lifecycle.OpStartDrill, "d1", map[string]string{lifecycle.ParamRegion: "cn-beijing"})
		var pe *platform.Error
		if !errors.As(err, &pe) || pe.Code != c.code || pe.Class != c.class || pe.Rule != c.rule ||
			!strings.Contains(pe.Message, "StartReplicaGroupDrill") || !strings.Contains(pe.Message, "R2") {
			t.Errorf("%s %s: %#v", c.http, c.code, err)
		}
	}
}
