package provider

import (
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
)

// Billing of a replication pair (the alicloud provider's names): payment_type, and for a
// subscription period and period_unit, chosen at create; expires_at reported. Which platforms
// offer which values is their capability (lifecycle.Capabilities.Billing): a choice outside
// them, or a change after create (no platform we drive changes it), is refused at plan at the
// attribute (V-PARAMS, lifecycle.CheckBilling).

// billingData is the billing half of the pair's read model.
type billingData struct {
	PaymentType types.String `tfsdk:"payment_type"`
	Period      types.Int64  `tfsdk:"period"`
	PeriodUnit  types.String `tfsdk:"period_unit"`
	ExpiresAt   types.String `tfsdk:"expires_at"`
}

// billingAttributes are the billing attributes of dr_replication_pair.
func billingAttributes(attrs map[string]schema.Attribute) {
	attrs[lifecycle.ParamPaymentType] = schema.StringAttribute{
		Optional: true, Computed: true,
		MarkdownDescription: "How the pair is paid for: `PayAsYouGo` or `Subscription` (the alicloud provider's names; Alibaba " +
			"Cloud EBS `ChargeType` POSTPAY or PREPAY). Omit for the platform's default (EBS: pay as you go) and observe it. " +
			"Chosen at create: EBS has no call that changes it, so a change is refused at plan (V-PARAMS) rather than " +
			"replacing the pair, which would discard its replication and a paid subscription; replace it deliberately " +
			"(`terraform apply -replace`) if you mean to. Refused at plan on a platform without billing choices (the " +
			"sandbox, Huawei Cloud SDRS, Acronis).",
		Validators:    []validator.String{stringvalidator.OneOf(lifecycle.PayAsYouGo, lifecycle.Subscription)},
		PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
	attrs[lifecycle.ParamPeriod] = schema.Int64Attribute{
		Optional: true,
		MarkdownDescription: "How long a `Subscription` pair is bought for, in `period_unit`s: required with `Subscription`, " +
			"refused without it. The platform's values are checked at plan (V-PARAMS): Alibaba Cloud EBS 1, 2, 3, 6, 12, " +
			"24, 36 or 60 months. A create choice: not reported by the platform (leave it out of an imported pair's " +
			"configuration), and a change is refused at plan.",
		Validators: []validator.Int64{int64validator.AtLeast(1)},
	}
	attrs[lifecycle.ParamPeriodUnit] = schema.StringAttribute{
		Optional: true,
		MarkdownDescription: "The unit of `period`: Alibaba Cloud EBS offers only `Month` (the default). A create choice, " +
			"checked at plan like `period`.",
		Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
	}
	attrs["expires_at"] = fixed("When a `Subscription` pair's period ends (RFC 3339, the platform's `ExpiredTime`); null for pay as you go.")
}

// choice reads a model's billing choice, and whether it is known.
func (b billingData) choice() (lifecycle.Billing, bool) {
	if b.PaymentType.IsUnknown() || b.Period.IsUnknown() || b.PeriodUnit.IsUnknown() {
		return lifecycle.Billing{}, false
	}
	return lifecycle.Billing{PaymentType: b.PaymentType.ValueString(), Period: b.Period.ValueInt64(), PeriodUnit: b.PeriodUnit.ValueString()}, true
}

// billingRefused refuses at plan, at the attribute, a billing choice the platform does not
// offer or a change of it (lifecycle.CheckBilling). config is the configuration, state the
// object's state (nil: a create).
func billingRefused(config, state *pairModel, opts lifecycle.Options, diags *diag.Diagnostics) bool {
	b, known := config.billingData.choice()
	if !known {
		return false // checked at apply's plan of the values
	}
	op, obs := lifecycle.OpCreate, lifecycle.Observation{Kind: lifecycle.ReplicationPair, Name: config.Name.ValueString()}
	var prior *lifecycle.Billing
	if state != nil {
		p, _ := state.billingData.choice()
		prior, op, obs.ID = &p, lifecycle.OpUpdate, state.ID.ValueString()
	}
	vs := lifecycle.CheckBilling(lifecycle.ReplicationPair, op, obs, b, prior, opts)
	if len(vs) == 0 {
		return false
	}
	addViolationsAt(diags, func(v lifecycle.Violation) path.Path {
		if len(v.Params) == 0 {
			return path.Root(lifecycle.ParamPaymentType)
		}
		return path.Root(v.Params[0])
	}, pairType, vs)
	return true
}

// observedBilling writes what the platform reports (the choice itself stays the
// configuration's: the platform reports no period).
func (b *billingData) observedBilling(paymentType string, expiresAt types.String) {
	b.PaymentType = optionalString(paymentType)
	b.ExpiresAt = expiresAt
}

// createBilling is the billing choice a create sends (the plan's; unknown or null: none).
func createBilling(b billingData) lifecycle.Billing {
	out := lifecycle.Billing{Period: b.Period.ValueInt64(), PeriodUnit: b.PeriodUnit.ValueString()}
	if !b.PaymentType.IsUnknown() {
		out.PaymentType = b.PaymentType.ValueString()
	}
	return out
}
