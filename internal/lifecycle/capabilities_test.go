package lifecycle

import (
	"strings"
	"testing"
)

// acronisLike is a platform whose API cannot fail back (console only), like the Acronis DR
// API v2, and that manages recovery servers only.
var acronisLike = &Capabilities{
	Platform: "acronis",
	Kinds:    []Kind{RecoveryServer},
	Manual: map[Kind]map[Op]string{RecoveryServer: {
		OpFailback:        "Start the failback in the Acronis console (Disaster Recovery → Servers → Failback).",
		OpConfirmFailback: "Confirm the failback in the Acronis console.",
		OpCancelFailback:  "Cancel the failback in the Acronis console.",
	}},
}

func TestRule_V_PLATFORM(t *testing.T) {
	t.Parallel()
	opts := Options{Platform: acronisLike}
	// a goal that needs a console-only step is refused at plan, naming it
	p, vs := Plan(RecoveryServer, srv(FailedOver), Goal{States: []State{ReadyForFailback}}, opts)
	v := findRule(vs, "V-PLATFORM")
	if v == nil || len(p.Steps) != 0 || v.Op != OpFailback || !strings.Contains(v.Message, "Acronis console") ||
		!strings.Contains(v.Message, "next plan observes") {
		t.Fatalf("got %q %v", p.Summary(), vs)
	}
	// a platform whose links (V-ACR-LINKS) never advertise the console-only step is refused
	// the same way, naming the step
	linked := srv(FailedOver)
	linked.Facts.AdvertisedOps = map[Op]bool{OpCancelFailover: true}
	if _, vs := Plan(RecoveryServer, linked, Goal{States: []State{ReadyForFailback}}, opts); findRule(vs, "V-PLATFORM") == nil {
		t.Fatalf("links without failback: want V-PLATFORM, got %v", vs)
	}
	// … and not by taking the lossy path the API does offer (cancel_failover) without the
	// opt-in; with it, that path is the user's choice (V-MANUAL-STEP, R004-6)
	_, vs = Plan(RecoveryServer, srv(FailedOver), Goal{States: []State{Standby}}, opts)
	if findRule(vs, "V-PLATFORM") == nil && findRule(vs, "V-MANUAL-STEP") == nil {
		t.Fatalf("want a refusal naming the manual step, got %v", vs)
	}
	p, vs = Plan(RecoveryServer, srv(FailedOver), Goal{States: []State{Standby}}, Options{Platform: acronisLike, AllowDataLoss: true})
	if len(vs) > 0 || p.Summary() != "cancel_failover" || !p.DataLoss() {
		t.Fatalf("opted in: want cancel_failover, got %q %v", p.Summary(), vs)
	}
	// the person did it in the console: the next plan continues from the observed state
	p, vs = Plan(RecoveryServer, srv(FailingBack), Goal{States: []State{ReadyForFailback}}, opts)
	if len(vs) > 0 || p.Summary() != "wait(failback)" {
		t.Fatal(p.Summary(), vs)
	}
	// invocable operations plan as usual
	p, vs = Plan(RecoveryServer, srv(Standby), Goal{States: []State{Testing}}, opts)
	if len(vs) > 0 || p.Summary() != "test_failover" {
		t.Fatal(p.Summary(), vs)
	}
	// an action for a manual operation is refused by Check
	if vs := Blocking(Check(RecoveryServer, OpFailback, srv(FailedOver), opts)); len(vs) == 0 || vs[0].Rule != "V-PLATFORM" {
		t.Fatal(vs)
	}
	// allowed operations never list what the platform cannot invoke
	for _, op := range AllowedOperations(RecoveryServer, srv(FailedOver), opts) {
		if op == OpFailback {
			t.Fatal("failback listed as allowed on a platform that cannot invoke it")
		}
	}
	// an unsupported kind is refused at plan
	_, vs = Plan(ReplicationPair, pair(Replicating), Goal{States: []State{Paused}}, opts)
	if v := findRule(vs, "V-PLATFORM"); v == nil || !strings.Contains(v.Message, "does not manage replication_pair") {
		t.Fatal(vs)
	}
	if vs := Check(ProtectionGroup, OpCreate, Observation{Name: "g"}, opts); findRule(vs, "V-PLATFORM") == nil {
		t.Fatal(vs)
	}
	// nil capabilities: everything
	if !(*Capabilities)(nil).Supports(ReplicationPair) {
		t.Fatal("nil supports all")
	}
}
