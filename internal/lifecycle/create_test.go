package lifecycle

import (
	"slices"
	"strings"
	"testing"
)

// newPairFacts are the facts a platform proposes for a pair between two healthy sites.
func newPairFacts() Facts {
	f := goodFacts(ReplicationPair)
	f.ActiveSiteHealthy, f.FirstSyncDone = true, false
	f.PrimarySizeGB, f.SecondarySizeGB = 10, 10
	return f
}

func factsOf(f Facts) func() (Facts, bool) { return func() (Facts, bool) { return f, true } }

// PlanCreate plans a new pair's path from the object the create makes; its own refusals stop
// it before any path, each naming the parameter it is about.
func TestPlanCreatePair(t *testing.T) {
	t.Parallel()
	running := &Goal{States: []State{Replicating}}
	c := PlanCreate(ReplicationPair, CreateRequest{Name: "db", Facts: factsOf(newPairFacts()), Goal: running}, Options{})
	if c.Blocked() || c.Path == nil || c.Path.Summary() != "start" || c.Path.State != Replicating {
		t.Fatalf("a new running pair: %+v", c)
	}
	// no goal: the create is checked, no path is planned
	if c := PlanCreate(ReplicationPair, CreateRequest{Name: "db", Facts: factsOf(newPairFacts())}, Options{}); c.Path != nil || c.Blocked() {
		t.Fatalf("without a goal: %+v", c)
	}
	// a missing volume: V-REFS at the parameter, and no path
	f := newPairFacts()
	f.MissingRefs = map[string]string{"secondary_volume_id": "vol-x"}
	c = PlanCreate(ReplicationPair, CreateRequest{Name: "db", Facts: factsOf(f), Goal: running}, Options{})
	v := findRule(Blocking(c.Create), "V-REFS")
	if v == nil || !slices.Equal(v.Params, []string{"secondary_volume_id"}) || c.Path != nil || v.Op != OpCreate {
		t.Fatalf("missing volume: %+v", c)
	}
	// facts not known yet: nothing to say at plan
	c = PlanCreate(ReplicationPair, CreateRequest{Name: "db", Facts: func() (Facts, bool) { return Facts{}, false }, Goal: running}, Options{})
	if len(c.Create) > 0 || c.Path != nil {
		t.Fatalf("facts unknown: %+v", c)
	}
	// the path's refusal: a pair whose standby site is down cannot start (V-SYNC-SITES)
	f = newPairFacts()
	f.StandbySiteHealthy = false
	c = PlanCreate(ReplicationPair, CreateRequest{Name: "db", Facts: factsOf(f), Goal: running}, Options{})
	if !HasBlocking(c.Refused) || c.Path != nil || HasBlocking(c.Create) || !c.Blocked() {
		t.Fatalf("standby down: %+v", c)
	}
}

// A platform that cannot create the kind refuses it naming the manual step and nothing else:
// neither the parameter values nor the platform's facts are looked at.
func TestPlanCreateManualOnly(t *testing.T) {
	t.Parallel()
	caps := &Capabilities{Platform: "huaweicloud",
		Manual: map[Kind]map[Op]string{ReplicationPair: {OpCreate: "Create the pair in a protection group in the console."}},
		Limits: map[Kind]map[string]ParamLimit{ReplicationPair: {ParamName: {MaxChars: 2, Source: "test"}}}}
	asked := false
	c := PlanCreate(ReplicationPair, CreateRequest{Name: "too-long", Values: map[string]string{ParamName: "too-long"},
		Facts: func() (Facts, bool) { asked = true; return Facts{}, true }, Goal: &Goal{}}, Options{Platform: caps})
	if len(c.Create) != 1 || c.Create[0].Rule != "V-PLATFORM" || !strings.Contains(c.Create[0].Message, "in the console") || asked || c.Path != nil {
		t.Fatalf("manual create: %+v (facts asked: %v)", c, asked)
	}
	// without the manual step the name's limit refuses first, at the name, before any facts
	caps.Manual = nil
	c = PlanCreate(ReplicationPair, CreateRequest{Name: "too-long", Values: map[string]string{ParamName: "too-long"},
		Facts: func() (Facts, bool) { asked = true; return Facts{}, true }}, Options{Platform: caps})
	if v := findRule(c.Create, "V-PARAMS"); v == nil || !slices.Equal(v.Params, []string{ParamName}) || asked {
		t.Fatalf("name limit: %+v (facts asked: %v)", c, asked)
	}
}

// A create refused before anything else — the platform does not manage the kind (V-PLATFORM) —
// is one refusal that offers nothing (no goal of the object is reachable): the provider says so.
func TestPlanCreateUnsupportedKindOffersNothing(t *testing.T) {
	t.Parallel()
	c := PlanCreate(ReplicationPair, CreateRequest{Name: "db", Goal: &Goal{}}, Options{Platform: acronisLike})
	if len(c.Create) != 1 || c.Create[0].Rule != "V-PLATFORM" || c.Create[0].Op != OpCreate || !c.Create[0].Offered || len(c.Create[0].Offers) != 0 {
		t.Fatalf("unsupported kind: %+v", c.Create)
	}
}

// A group names its sites by value: where the configuration manages the platform's inventory
// (the sandbox) a site missing at plan may be created by the same apply, so the checks that
// read the sites, and the path, wait for the apply; on a vendor platform they are made at plan.
// At apply (CheckCreate) they are made everywhere.
func TestPlanCreateValueRefs(t *testing.T) {
	t.Parallel()
	missing := Facts{MissingRefs: map[string]string{"source_site": "cn-x/cn-x-a"}}
	goal := &Goal{States: []State{Paused, Configured, FailedOver}}
	vendor := &Capabilities{Platform: "alibaba"}
	for _, tc := range []struct {
		caps      *Capabilities
		inventory bool
	}{{nil, true}, {&Capabilities{Platform: "sandbox", Inventory: true}, true}, {vendor, false}} {
		if tc.caps.HasInventory() != tc.inventory {
			t.Fatalf("%+v: HasInventory = %v", tc.caps, !tc.inventory)
		}
		c := PlanCreate(ProtectionGroup, CreateRequest{Name: "app", Facts: factsOf(missing), Goal: goal}, Options{Platform: tc.caps})
		if refused := findRule(Blocking(c.Create), "V-REFS") != nil; refused == tc.inventory {
			t.Fatalf("inventory %v: V-REFS refused at plan = %v (%+v)", tc.inventory, refused, c.Create)
		}
		if tc.inventory && (findRule(c.Create, "V-REFS") == nil || c.Path != nil) {
			t.Fatalf("inventory: want V-REFS deferred and no path, got %+v", c)
		}
		if vs := CheckCreate(ProtectionGroup, CreateRequest{Name: "app", Facts: factsOf(missing)}, Options{Platform: tc.caps}); findRule(vs, "V-REFS") == nil {
			t.Fatalf("at apply (inventory %v): want V-REFS, got %v", tc.inventory, vs)
		}
	}
	// sites that exist: the path is planned on a vendor platform only
	ok := goodFacts(ProtectionGroup)
	ok.MemberCount = 0
	for _, caps := range []*Capabilities{nil, vendor} {
		c := PlanCreate(ProtectionGroup, CreateRequest{Name: "app", Facts: factsOf(ok), Goal: goal}, Options{Platform: caps})
		if (c.Path != nil) != (caps == vendor) || c.Blocked() {
			t.Fatalf("%v: %+v", caps, c)
		}
	}
	// protection without pairs is refused from the new group (R002-1)
	c := PlanCreate(ProtectionGroup, CreateRequest{Name: "app", Facts: factsOf(ok), Goal: &Goal{States: []State{Replicating}}}, Options{Platform: vendor})
	if findRule(c.Refused, "R002-1") == nil || c.Path != nil {
		t.Fatalf("protection without pairs: %+v", c)
	}
	// the pairs the new group gets count toward the platform's limit
	c = PlanCreate(ProtectionGroup, CreateRequest{Name: "app", Facts: factsOf(ok),
		Goal: &Goal{Required: requests(OpAddMember, ParamPairID, "p", 18)}}, Options{Platform: alibabaCaps})
	if v := findRule(c.Refused, "V-GRP-MEMBERS"); v == nil || v.Op != OpAddMember {
		t.Fatalf("18 pairs in a new group: %+v", c)
	}
}

// CheckCreate at apply returns the refusals only (a deferred check is not one).
func TestCheckCreateBlockingOnly(t *testing.T) {
	t.Parallel()
	f := newPairFacts()
	markUnknown(&f, FactRefs)
	if vs := CheckCreate(ReplicationPair, CreateRequest{Name: "db", Facts: factsOf(f)}, Options{}); len(vs) != 0 {
		t.Fatalf("deferred checks returned as refusals: %v", vs)
	}
	f.PrimaryEncrypted = true
	f.Unknown = nil
	if vs := CheckCreate(ReplicationPair, CreateRequest{Name: "db", Facts: factsOf(f)}, Options{}); findRule(vs, "V-PAIR-VOLUMES") == nil {
		t.Fatalf("encrypted primary: %v", vs)
	}
}
