package lifecycle

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// The billing parameters of a create (the alicloud provider's names): how the object is paid
// for, and for a subscription how long it is bought for.
const (
	ParamPaymentType = "payment_type"
	ParamPeriod      = "period"
	ParamPeriodUnit  = "period_unit"
)

// Payment types (the alicloud provider's convention).
const (
	PayAsYouGo   = "PayAsYouGo"
	Subscription = "Subscription"
)

// BillingRules are a platform's billing choices for one kind's objects (Capabilities.Billing).
type BillingRules struct {
	// PaymentTypes are the payment types the platform offers (PayAsYouGo, Subscription);
	// Default is the one an object created without a choice gets.
	PaymentTypes []string
	Default      string
	// Periods are the subscription periods allowed, in PeriodUnits (the first unit is the
	// default); a subscription needs a period, a pay-as-you-go object takes none.
	Periods     []int64
	PeriodUnits []string
	// Source is the API reference page that states them.
	Source string
}

// Billing is an object's billing choice: zero fields are not given.
type Billing struct {
	PaymentType string
	Period      int64
	PeriodUnit  string
}

func (b Billing) given() []string {
	var out []string
	if b.PaymentType != "" {
		out = append(out, ParamPaymentType)
	}
	if b.Period != 0 {
		out = append(out, ParamPeriod)
	}
	if b.PeriodUnit != "" {
		out = append(out, ParamPeriodUnit)
	}
	return out
}

// CheckBilling refuses a billing choice the platform does not offer on an object of kind
// (V-PARAMS), at the parameter: any choice on a kind (or platform) without billing, a payment
// type, period or unit outside the platform's values, a subscription without a period, a
// period without a subscription (it would be dropped). On an update (prior: the object's
// choice as the configuration last set it) a changed choice is refused: the platforms we
// drive have no call that changes it, and replacing the object for it would discard its
// replication (a full first synchronisation, the recovery points, a paid subscription).
func CheckBilling(kind Kind, op Op, o Observation, b Billing, prior *Billing, opts Options) []Violation {
	given := b.given()
	if len(given) == 0 {
		return nil
	}
	c := opts.Platform
	refuse := func(param, precondition, why, remedy string) []Violation {
		v := Violation{Rule: "V-PARAMS", Precondition: precondition, Params: []string{param}, Remedy: remedy,
			Message: fmt.Sprintf("V-PARAMS: %s %s %s", c.name(), why, remedy)}
		v.fill(kind, op, &o)
		return []Violation{v}
	}
	var rules BillingRules
	ok := false
	if c != nil {
		rules, ok = c.Billing[kind]
	}
	if !ok {
		return refuse(given[0], "billing_supported",
			fmt.Sprintf("has no billing choices for %s objects: %s would be dropped.", kind, strings.Join(given, ", ")),
			"Remove "+strings.Join(given, ", ")+" from this resource.")
	}
	source := ""
	if rules.Source != "" {
		source = " (" + rules.Source + ")"
	}
	if prior != nil {
		for _, p := range [][3]string{
			{ParamPaymentType, b.PaymentType, prior.PaymentType},
			{ParamPeriod, itoa(b.Period), itoa(prior.Period)},
			{ParamPeriodUnit, b.PeriodUnit, prior.PeriodUnit},
		} {
			if p[1] != "" && p[1] != p[2] {
				return refuse(p[0], "changeable",
					fmt.Sprintf("cannot change the %s of %s (%q to %q): its API has no call that changes an object's billing, and replacing the object would discard its replication%s.", p[0], quoteName(&o), p[2], p[1], source),
					"Keep the current "+p[0]+"; to change it, replace the object deliberately (terraform apply -replace) or change it in the vendor's console and set the configuration to the result.")
			}
		}
		return nil
	}
	pt := b.PaymentType
	if pt == "" {
		pt = rules.Default
	}
	if !slices.Contains(rules.PaymentTypes, pt) {
		return refuse(ParamPaymentType, "within_platform_limits",
			fmt.Sprintf("refuses the payment_type %q: it offers %s%s.", pt, strings.Join(rules.PaymentTypes, ", "), source),
			"Choose one of them.")
	}
	periods := make([]string, len(rules.Periods))
	for i, p := range rules.Periods {
		periods[i] = itoa(p)
	}
	switch {
	case pt == Subscription && b.Period == 0:
		return refuse(ParamPeriod, "platform_parameters",
			fmt.Sprintf("needs a period for a %s %s%s.", Subscription, kind, source),
			"Set period to one of "+strings.Join(periods, ", ")+".")
	case pt != Subscription && (b.Period != 0 || b.PeriodUnit != ""):
		p := ParamPeriod
		if b.Period == 0 {
			p = ParamPeriodUnit
		}
		return refuse(p, "platform_parameters",
			fmt.Sprintf("takes no %s for a %s object: it would be dropped.", p, pt),
			"Remove "+p+", or set payment_type = \""+Subscription+"\".")
	case pt == Subscription && !slices.Contains(rules.Periods, b.Period):
		return refuse(ParamPeriod, "within_platform_limits",
			fmt.Sprintf("refuses the period %d: it allows %s%s.", b.Period, strings.Join(periods, ", "), source),
			"Choose one of them.")
	case b.PeriodUnit != "" && !slices.Contains(rules.PeriodUnits, b.PeriodUnit):
		return refuse(ParamPeriodUnit, "within_platform_limits",
			fmt.Sprintf("refuses the period_unit %q: it allows %s%s.", b.PeriodUnit, strings.Join(rules.PeriodUnits, ", "), source),
			"Choose one of them.")
	}
	return nil
}

func itoa(n int64) string {
	if n == 0 {
		return ""
	}
	return strconv.FormatInt(n, 10)
}
