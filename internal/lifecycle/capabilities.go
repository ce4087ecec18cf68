package lifecycle

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Capabilities is what a platform can do through its API: which kinds it supports and which
// operations it cannot invoke (e.g. the Acronis DR API v2 has no failback or
// confirm/cancel-failback: a person does them in the console). The planner plans only with
// operations the platform can invoke; a goal that needs a manual one is refused at plan
// naming the manual step (V-PLATFORM), and the next plan observes its result. A nil
// *Capabilities (the sandbox) can do everything.
type Capabilities struct {
	Platform string // "sandbox", "acronis", …
	// Kinds the platform supports; nil means every kind.
	Kinds []Kind
	// Manual lists, per kind, the operations the platform's API does not offer, each with the
	// step a person performs instead ("Fail back in the Acronis console: …").
	Manual map[Kind]map[Op]string
	// Unobservable lists the facts (Fact*) the platform's API never reports, e.g. site
	// health on Alibaba Cloud EBS (no API tells whether a zone is down). A check that reads
	// one cannot be deferred to apply time — apply knows no more than plan. A data-loss rule
	// reading one is decided at plan as "may lose data" (it needs allow_data_loss); other
	// preconditions reading one are left to the platform.
	Unobservable []string
	// Params lists, per kind, the create parameters only this platform has (Huawei SDRS:
	// domain_id and source_vpc_id of a protection group). A platform-specific parameter set on
	// a platform that does not list it is refused at plan (V-PARAMS); nil Capabilities (the
	// engine's own tests) list none.
	Params map[Kind][]string
	// MemberLimit is, per kind, the most members (replication pairs) one object may hold, when
	// the platform has such a limit (Alibaba EBS: 17 pairs per replica group,
	// AddDiskReplicaPair, OperationDenied.PairsExceedInGroup). Absent or 0: no limit. add_member
	// refuses beyond it (V-GRP-MEMBERS), at plan, counting the members the plan adds.
	MemberLimit map[Kind]int
	// Fixed lists, per kind, the update parameters (ParamName, ParamDescription) the platform
	// cannot change once the object exists, each with the reason (Huawei SDRS renames a pair
	// but has no call that changes its description). An update that changes one is refused at
	// plan (V-PARAMS, CheckUpdateParams) instead of failing at apply.
	Fixed map[Kind]map[string]string
	// Limits lists, per kind, the platform's own constraints on a create or update parameter
	// (ParamName, ParamDescription), each citing the API page that states it (Huawei SDRS: a
	// protection group name is at most 64 bytes of letters, digits, '.', '_' and '-'). A value
	// outside them is refused at plan (V-PARAMS, CheckParamValues), at that parameter, instead
	// of failing at apply.
	Limits map[Kind]map[string]ParamLimit
	// Tags lists the kinds whose objects carry tags on the platform, each with the platform's
	// rules for them (Alibaba EBS: pairs and replica groups, at most 20 tags). Tags set on a
	// kind absent here are refused at plan (V-PARAMS, CheckTags): they would be dropped.
	Tags map[Kind]TagRules
	// ResourceGroups lists the kinds whose objects belong to a resource group the API sets at
	// create and moves in place (Alibaba EBS: pairs and replica groups, ChangeResourceGroup),
	// each with the platform's rules. A resource group given for a kind absent here is refused
	// at plan (V-PARAMS, CheckResourceGroup): it would be dropped.
	ResourceGroups map[Kind]ResourceGroupRules
	// Billing lists the kinds whose objects take a billing choice at create (Alibaba EBS:
	// replication pairs, ChargeType with Period/PeriodUnit), each with the values the platform
	// allows. A billing choice on a kind absent here is refused at plan (V-PARAMS,
	// CheckBilling), as is a change of it (no platform we drive changes it in place).
	Billing map[Kind]BillingRules
	// Extra lists, per kind, the operations outside the kind's table that only this platform
	// offers (Huawei SDRS: clear_failure_jobs, the task center's Deleting a Failure Task), each
	// with what it does. Elsewhere they are refused at plan (V-PLATFORM, CheckExtraOp).
	Extra map[Kind]map[Op]string
	// Inventory: the objects a create refers to (sites, volumes, servers, backups, vaults)
	// are the platform's own inventory, which the same configuration manages (the sandbox's
	// dr_sandbox_* resources). A reference by value (Operation.ValueRefs) may then name an
	// object the apply creates first, so PlanCreate checks it only at apply.
	Inventory bool
	// Chosen lists, per kind, the create parameters whose value the platform sets itself and a
	// request cannot give (Alibaba EBS: the bandwidth of a pay-as-you-go replica pair, which
	// "the system sets"), each with the platform's reason. Left out of a configuration, the
	// observed value is kept; given, it is refused at plan (V-PARAMS) instead of being sent to a
	// call that refuses it, or silently ignored.
	Chosen map[Kind]map[string]string
	// Refused lists, per kind and operation, what the platform's documented allow-list refuses
	// although the engine's table allows it, each with the platform's reason: from-states
	// (keys: the rendered state, e.g. "configured", "error{stop}") and RefusedStandbyAttached
	// (the volume at the standby site attached; for a group, any member pair's). Check refuses
	// them (V-PLATFORM), so neither a plan, nor the allowed operations, nor a path the planner
	// finds counts on them (Alibaba EBS: DeleteDiskReplicaPair only from stopped, invalid and
	// failovered). An attachment the platform did not report (Facts.Unknown) is left to it.
	Refused map[Kind]map[Op]map[string]string
}

// RefusedStandbyAttached, as a key of Capabilities.Refused, refuses the operation while the
// standby volume (a group: any member's) is attached.
const RefusedStandbyAttached = "standby_volume_attached"

// RefusedFrom returns why the platform refuses op on an object of kind in state s (failed, for
// error{op}), if its documented allow-list does (Capabilities.Refused).
func (c *Capabilities) RefusedFrom(k Kind, op Op, s State, failed Op) (string, bool) {
	if c == nil {
		return "", false
	}
	why, ok := c.Refused[k][op][RenderState(s, failed)]
	return why, ok
}

// refusal is the violation of an operation the platform refuses where the table allows it
// (Capabilities.Refused): the from-state, then the attached standby volume.
func (c *Capabilities) refusal(k Kind, op Op, o *Observation) *Violation {
	if c == nil {
		return nil
	}
	if why, ok := c.RefusedFrom(k, op, o.State, o.FailedOp); ok {
		v := &Violation{Rule: "V-PLATFORM", Precondition: "platform_from_state", Remedy: why,
			Message: fmt.Sprintf("V-PLATFORM: %s refuses %s of %s while it is %s: %s", c.name(), op, quoteName(o), RenderState(o.State, o.FailedOp), why)}
		v.fill(k, op, o)
		return v
	}
	why, ok := c.Refused[k][op][RefusedStandbyAttached]
	if !ok {
		return nil
	}
	if o.Facts.Unknown[FactVolumeAttachment] {
		v := &Violation{Rule: "V-PLATFORM", Precondition: RefusedStandbyAttached, Deferred: true, Unobservable: true, Facts: []string{FactVolumeAttachment}, Remedy: why,
			Message: fmt.Sprintf("V-PLATFORM: %s refuses %s while a standby volume is attached; not known at plan time (%s), left to the platform: %s",
				c.name(), op, FactVolumeAttachment, why)}
		v.fill(k, op, o)
		return v
	}
	if !o.Facts.StandbyVolumeAttached {
		return nil
	}
	v := &Violation{Rule: "V-PLATFORM", Precondition: RefusedStandbyAttached, Remedy: why,
		Message: fmt.Sprintf("V-PLATFORM: %s refuses %s of %s while a volume at the standby site is attached: %s", c.name(), op, quoteName(o), why)}
	v.fill(k, op, o)
	return v
}

// ChosenParam returns why the platform sets a create parameter of kind itself
// (Capabilities.Chosen), if it does.
func (c *Capabilities) ChosenParam(k Kind, param string) (string, bool) {
	if c == nil {
		return "", false
	}
	why, ok := c.Chosen[k][param]
	return why, ok
}

// HasInventory reports whether the configuration manages the platform's inventory
// (Capabilities.Inventory). nil Capabilities describe the engine's reference platform, the
// sandbox, which has one.
func (c *Capabilities) HasInventory() bool { return c == nil || c.Inventory }

// CheckExtraOp refuses a platform-specific operation (Capabilities.Extra) on a platform that
// does not offer it (V-PLATFORM); why says what the user relies on instead there.
func CheckExtraOp(kind Kind, op Op, o Observation, why string, opts Options) *Violation {
	c := opts.Platform
	if c != nil {
		if _, ok := c.Extra[kind][op]; ok {
			return nil
		}
	}
	v := &Violation{Rule: "V-PLATFORM", Precondition: "invocable", Remedy: why,
		Message: fmt.Sprintf("V-PLATFORM: %s does not offer %s on %s objects: %s", c.name(), op, kind, why)}
	v.fill(kind, op, &o)
	return v
}

// ParamLimit is a platform's constraint on a parameter's value. Zero fields do not constrain.
// An empty value is checked only against MinChars when Required (an optional parameter left
// empty is not sent).
type ParamLimit struct {
	Required bool // the parameter is always sent (a name)
	MinChars int  // fewest characters (runes)
	MaxChars int  // most characters (runes)
	MaxBytes int  // most bytes (UTF-8)
	// Allowed reports whether a character may appear; AllowedText says which may ("letters,
	// digits, '.', '_' and '-'").
	Allowed     func(r rune) bool
	AllowedText string
	// First reports whether the value may start with the character; FirstText says which may.
	First     func(r rune) bool
	FirstText string
	// NoPrefixes are prefixes the value may not start with ("http://").
	NoPrefixes []string
	// NoContains are strings the value may not contain anywhere (Alibaba tags: "http://").
	NoContains []string
	// Source is the API reference page that states the limit.
	Source string
}

// Problem says why value breaks the limit, or "" when it keeps it.
func (l ParamLimit) Problem(value string) string {
	if value == "" && !l.Required {
		return ""
	}
	n := utf8.RuneCountInString(value)
	switch {
	case l.MinChars > 0 && n < l.MinChars:
		return fmt.Sprintf("has %s, at least %d are needed", chars(n), l.MinChars)
	case l.MaxChars > 0 && n > l.MaxChars:
		return fmt.Sprintf("has %s, at most %d are allowed", chars(n), l.MaxChars)
	case l.MaxBytes > 0 && len(value) > l.MaxBytes:
		return fmt.Sprintf("has %d bytes, at most %d are allowed", len(value), l.MaxBytes)
	}
	for _, p := range l.NoPrefixes {
		if strings.HasPrefix(value, p) {
			return fmt.Sprintf("starts with %q, which is not allowed", p)
		}
	}
	for _, p := range l.NoContains {
		if strings.Contains(value, p) {
			return fmt.Sprintf("contains %q, which is not allowed", p)
		}
	}
	if r, _ := utf8.DecodeRuneInString(value); l.First != nil && value != "" && !l.First(r) {
		return fmt.Sprintf("starts with %q; it must start with %s", r, l.FirstText)
	}
	if l.Allowed != nil {
		for _, r := range value {
			if !l.Allowed(r) {
				return fmt.Sprintf("contains %q; only %s are allowed", r, l.AllowedText)
			}
		}
	}
	return ""
}

func chars(n int) string {
	if n == 1 {
		return "1 character"
	}
	return fmt.Sprintf("%d characters", n)
}

// CheckParamValues refuses a create or update of o whose parameter values break the
// platform's limits (Capabilities.Limits; V-PARAMS), each at its parameter. values maps the
// parameters the operation sends (ParamName, ParamDescription) to their values; op is
// OpCreate or OpUpdate.
func CheckParamValues(kind Kind, op Op, o Observation, values map[string]string, opts Options) []Violation {
	c := opts.Platform
	if c == nil {
		return nil
	}
	var out []Violation
	for _, p := range sortedKeys(values) {
		l, ok := c.Limits[kind][p]
		if !ok {
			continue
		}
		why := l.Problem(values[p])
		if why == "" {
			continue
		}
		v := Violation{Rule: "V-PARAMS", Precondition: "within_platform_limits", Params: []string{p},
			Remedy: "Choose a " + p + " within " + c.name() + "'s limits (" + l.Source + ").",
			Message: fmt.Sprintf("V-PARAMS: %s refuses the %s %q: it %s (%s).",
				c.name(), p, values[p], why, l.Source)}
		v.fill(kind, op, &o)
		out = append(out, v)
	}
	return out
}

// MaxMembers returns the most members an object of kind may hold on the platform (0: no limit).
func (c *Capabilities) MaxMembers(k Kind) int {
	if c == nil {
		return 0
	}
	return c.MemberLimit[k]
}

// CheckUpdateParams refuses an update of o that changes a parameter the platform cannot
// change (Capabilities.Fixed; V-PARAMS), at that parameter. changed names the update's
// parameters whose value differs from the object's.
func CheckUpdateParams(kind Kind, o Observation, changed []string, opts Options) []Violation {
	c := opts.Platform
	if c == nil {
		return nil
	}
	var out []Violation
	for _, p := range changed {
		why, fixed := c.Fixed[kind][p]
		if !fixed {
			continue
		}
		v := Violation{Rule: "V-PARAMS", Precondition: "changeable", Params: []string{p},
			Remedy: "Keep the current " + p + ", or replace the object outside Terraform and import it.",
			Message: fmt.Sprintf("V-PARAMS: %s cannot change the %s of %s: %s Keep the current value.",
				c.name(), p, quoteName(&o), why)}
		v.fill(kind, OpUpdate, &o)
		out = append(out, v)
	}
	return out
}

// unobservable returns those of facts the platform never reports.
func (c *Capabilities) unobservable(facts []string) []string {
	if c == nil {
		return nil
	}
	var out []string
	for _, f := range facts {
		for _, u := range c.Unobservable {
			if f == u {
				out = append(out, f)
				break
			}
		}
	}
	return out
}

// AcceptsParam reports whether the platform takes the platform-specific create parameter.
func (c *Capabilities) AcceptsParam(k Kind, param string) bool {
	if c == nil {
		return false
	}
	for _, p := range c.Params[k] {
		if p == param {
			return true
		}
	}
	return false
}

// Supports reports whether the platform manages objects of kind.
func (c *Capabilities) Supports(k Kind) bool {
	if c == nil || c.Kinds == nil {
		return true
	}
	for _, x := range c.Kinds {
		if x == k {
			return true
		}
	}
	return false
}

// ManualStep returns the manual step that replaces op on this platform, if op cannot be
// invoked through its API.
func (c *Capabilities) ManualStep(k Kind, op Op) (string, bool) {
	if c == nil {
		return "", false
	}
	s, ok := c.Manual[k][op]
	return s, ok
}

func (c *Capabilities) name() string {
	if c == nil || c.Platform == "" {
		return "this platform"
	}
	return "the " + c.Platform + " platform"
}

// kindViolation refuses a kind the platform does not support.
func (c *Capabilities) kindViolation(k Kind, op Op) *Violation {
	if c.Supports(k) {
		return nil
	}
	return &Violation{Rule: "V-PLATFORM", Kind: k, Op: op, Precondition: "kind_supported",
		Remedy:  "Use a platform that supports it (see the platforms guide).",
		Message: fmt.Sprintf("V-PLATFORM: %s does not manage %s objects. Use a platform that supports them (see the platforms guide).", c.name(), k)}
}

// manualViolation refuses invoking an operation the platform's API does not offer.
func (c *Capabilities) manualViolation(k Kind, op Op, o *Observation) *Violation {
	step, ok := c.ManualStep(k, op)
	if !ok {
		return nil
	}
	v := &Violation{Rule: "V-PLATFORM", Precondition: "invocable",
		Remedy: step + " Then plan again: the next plan observes the result.",
		Message: fmt.Sprintf("V-PLATFORM: %s cannot invoke %s on %s through its API; it is a manual step: %s Then plan again: the next plan observes the result and continues from there.",
			c.name(), op, quoteName(o), step)}
	v.fill(k, op, o)
	return v
}

// CheckKind refuses a kind the platform does not manage (V-PLATFORM), before anything else.
func CheckKind(kind Kind, opts Options) *Violation {
	return opts.Platform.kindViolation(kind, "")
}
