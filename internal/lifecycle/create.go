package lifecycle

// CreateRequest is what a surface (the provider's resources) knows of an object it is about to
// create: the engine decides from it whether the create may run and where the new object goes.
type CreateRequest struct {
	Name string
	// Values are the values, known now, of the create's parameters the platform limits
	// (ParamName, ParamDescription): checked first (CheckParamValues).
	Values map[string]string
	// Facts returns the facts the platform proposes for the new object (ProposedPairFacts and
	// the like); false when they cannot be had yet — an input they depend on is not known (an
	// object created in the same apply) or the platform could not answer (the caller says
	// why) — and the create's own checks then wait for the apply. nil: no facts are asked.
	Facts func() (Facts, bool)
	// Goal, when set, is planned from the new object once the create's checks pass; nil when
	// an input the path depends on is not known yet.
	Goal *Goal
}

// CreatePlan is PlanCreate's decision about a create.
type CreatePlan struct {
	// Create are the create's own violations: the manual step that replaces it on a platform
	// that cannot create the kind, the parameter values the platform refuses, or the create
	// row's checks (deferred ones included: Blocking keeps the refusals).
	Create []Violation
	// Path is the path from the new object to the goal, when it was planned (nil otherwise);
	// Refused are the path's refusals when the goal cannot be reached from the new object.
	Path    *Path
	Refused []Violation
}

// Blocked reports whether the create, or the path after it, is refused.
func (c CreatePlan) Blocked() bool { return HasBlocking(c.Create) || HasBlocking(c.Refused) }

// PlanCreate decides, at plan, the create of a new object of kind in one call, stopping at the
// first stage that refuses:
//
//  1. a platform whose API cannot create the kind (Capabilities.Manual) refuses it naming the
//     manual step (V-PLATFORM), and nothing else is reported: whatever the parameters, they
//     are not what stops it;
//  2. the parameter values the platform's limits refuse (V-PARAMS, CheckParamValues);
//  3. the create row's checks (Check) on the facts the platform proposes (req.Facts);
//  4. the path from the new object (Created, its members' facts not known until it exists) to
//     req.Goal (Plan).
//
// A create whose references are named by value (Operation.ValueRefs: a group's region and zone)
// on a platform whose inventory the configuration manages (Capabilities.HasInventory: the
// sandbox's dr_sandbox_site) cannot tell at plan a missing object from one this apply creates
// first: the checks that read the references (V-REFS, V-GRP-SITES) wait for the apply, and so
// does the path, whose facts come from them.
func PlanCreate(kind Kind, req CreateRequest, opts Options) CreatePlan {
	return planCreate(kind, req, opts, false)
}

// CheckCreate makes a create's checks at apply, before the platform call, with values and facts
// that may have been unknown at plan: PlanCreate's first three stages, every reference checked
// (the objects the apply creates exist by now). It returns the refusals only, and plans no path
// (the executor plans from the object the create made).
func CheckCreate(kind Kind, req CreateRequest, opts Options) []Violation {
	req.Goal = nil
	return Blocking(planCreate(kind, req, opts, true).Create)
}

func planCreate(kind Kind, req CreateRequest, opts Options, atApply bool) CreatePlan {
	t := Table(kind)
	obs := Observation{Kind: kind, Name: req.Name}
	if t == nil || t.CreateOperation() == nil {
		return CreatePlan{Create: Check(kind, OpCreate, obs, opts)} // the unknown kind or operation, refused
	}
	row := t.CreateOperation()
	if v := CheckKind(kind, opts); v != nil {
		v.Op = row.Name
		return CreatePlan{Create: createRefusal([]Violation{*v})}
	}
	if v := opts.Platform.manualViolation(kind, row.Name, &obs); v != nil {
		return CreatePlan{Create: createRefusal([]Violation{*v})}
	}
	if vs := CheckParamValues(kind, row.Name, obs, req.Values, opts); len(vs) > 0 {
		return CreatePlan{Create: createRefusal(vs)}
	}
	if req.Facts == nil {
		return CreatePlan{}
	}
	facts, ok := req.Facts()
	if !ok {
		return CreatePlan{}
	}
	provisional := !atApply && row.ValueRefs && opts.Platform.HasInventory()
	if provisional {
		facts = provisionalRefs(facts)
	}
	obs.Facts = facts
	out := CreatePlan{Create: createRefusal(Check(kind, row.Name, obs, opts))}
	if HasBlocking(out.Create) || req.Goal == nil || provisional {
		return out
	}
	created := Created(kind, req.Name, facts)
	markUnknown(&created.Facts, FactCandidate) // a member's facts need the object itself
	p, vs := planWith(kind, created, *req.Goal, opts, planCfg{created: true})
	if HasBlocking(vs) {
		out.Refused = vs
		return out
	}
	out.Path = &p
	return out
}

// provisionalRefs is the facts of a create whose references may name objects the same apply
// creates: whether they exist, and what they are, is not known at plan.
func provisionalRefs(f Facts) Facts {
	markUnknown(&f, FactRefs)
	f.MissingRefs = nil // a site named by value may be one the same apply creates
	return f
}

// createRefusal folds a create's refusals into one (Refusal), offering nothing: no goal of the
// object is reachable while its create is refused (Offered, no Offers). Deferred checks are
// kept after it, and vs without a refusal is returned as it is.
func createRefusal(vs []Violation) []Violation {
	if !HasBlocking(vs) {
		return vs
	}
	v := Refusal(vs)
	v.Offered = true
	return append([]Violation{v}, DeferredOnly(vs)...)
}
