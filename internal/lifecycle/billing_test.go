package lifecycle

import (
	"strings"
	"testing"
)

func TestCheckBilling(t *testing.T) {
	o := Observation{Kind: ReplicationPair, Name: "db"}
	ali := &Capabilities{Platform: "alibaba", Billing: map[Kind]BillingRules{ReplicationPair: {
		PaymentTypes: []string{PayAsYouGo, Subscription}, Default: PayAsYouGo,
		Periods: []int64{1, 2, 3, 6, 12}, PeriodUnits: []string{"Month"}, Source: "CreateDiskReplicaPair",
	}}}
	opts := Options{Platform: ali}
	for _, b := range []Billing{{}, {PaymentType: PayAsYouGo}, {PaymentType: Subscription, Period: 6}, {PaymentType: Subscription, Period: 12, PeriodUnit: "Month"}} {
		if vs := CheckBilling(ReplicationPair, OpCreate, o, b, nil, opts); len(vs) != 0 {
			t.Fatalf("%+v refused: %v", b, vs)
		}
	}
	if vs := CheckBilling(ReplicationPair, OpUpdate, o, Billing{PaymentType: Subscription, Period: 6}, &Billing{PaymentType: Subscription, Period: 6}, opts); len(vs) != 0 {
		t.Fatalf("an unchanged choice refused: %v", vs)
	}
	cases := []struct {
		name  string
		kind  Kind
		caps  *Capabilities
		b     Billing
		prior *Billing
		param string
		want  []string
	}{
		{"a kind without billing", ProtectionGroup, ali, Billing{PaymentType: Subscription, Period: 1}, nil, ParamPaymentType,
			[]string{"the alibaba platform has no billing choices for protection_group objects", "payment_type, period would be dropped"}},
		{"a platform without billing", ReplicationPair, &Capabilities{Platform: "sandbox"}, Billing{Period: 3}, nil, ParamPeriod,
			[]string{"the sandbox platform has no billing choices"}},
		{"an unknown payment type", ReplicationPair, ali, Billing{PaymentType: "Prepaid"}, nil, ParamPaymentType,
			[]string{`refuses the payment_type "Prepaid": it offers PayAsYouGo, Subscription (CreateDiskReplicaPair)`}},
		{"a subscription without a period", ReplicationPair, ali, Billing{PaymentType: Subscription}, nil, ParamPeriod,
			[]string{"needs a period for a Subscription replication_pair", "1, 2, 3, 6, 12"}},
		{"a period without a subscription", ReplicationPair, ali, Billing{Period: 3}, nil, ParamPeriod,
			[]string{"takes no period for a PayAsYouGo object"}},
		{"a period outside the list", ReplicationPair, ali, Billing{PaymentType: Subscription, Period: 5}, nil, ParamPeriod,
			[]string{"refuses the period 5: it allows 1, 2, 3, 6, 12"}},
		{"a unit outside the list", ReplicationPair, ali, Billing{PaymentType: Subscription, Period: 1, PeriodUnit: "Year"}, nil, ParamPeriodUnit,
			[]string{`refuses the period_unit "Year": it allows Month`}},
		{"a changed payment type", ReplicationPair, ali, Billing{PaymentType: Subscription, Period: 1}, &Billing{PaymentType: PayAsYouGo}, ParamPaymentType,
			[]string{`cannot change the payment_type of pair "db" ("PayAsYouGo" to "Subscription")`, "terraform apply -replace"}},
		{"a changed period", ReplicationPair, ali, Billing{PaymentType: Subscription, Period: 12}, &Billing{PaymentType: Subscription, Period: 6}, ParamPeriod,
			[]string{`cannot change the period of pair "db" ("6" to "12")`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			op := OpCreate
			if c.prior != nil {
				op = OpUpdate
			}
			vs := CheckBilling(c.kind, op, o, c.b, c.prior, Options{Platform: c.caps})
			if len(vs) != 1 || vs[0].Rule != "V-PARAMS" || len(vs[0].Params) != 1 || vs[0].Params[0] != c.param {
				t.Fatalf("want one V-PARAMS refusal at %s, got %+v", c.param, vs)
			}
			for _, w := range c.want {
				if !strings.Contains(vs[0].Message, w) {
					t.Errorf("message %q lacks %q", vs[0].Message, w)
				}
			}
		})
	}
}
