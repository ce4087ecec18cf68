package alibaba

import (
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ebs"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
)

// Billing. CreateDiskReplicaPair takes ChargeType (PREPAY, a subscription; POSTPAY, pay as you
// go — the default), and for PREPAY a Period (required; 1, 2, 3, 6, 12, 24, 36 or 60) in
// PeriodUnit (only Month). DescribeDiskReplicaPairs reports ChargeType and ExpiredTime (unix
// seconds). No EBS call changes a pair's billing, and CreateDiskReplicaGroup takes none (a
// group has no ChargeType): the engine refuses a change, and a choice on a group, at plan.
// https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ebs-2021-07-30-creatediskreplicapair

// BillingRules are EBS's billing choices for a replication pair, in the alicloud provider's
// terms (payment_type PayAsYouGo/Subscription for POSTPAY/PREPAY).
var BillingRules = lifecycle.BillingRules{
	PaymentTypes: []string{lifecycle.PayAsYouGo, lifecycle.Subscription}, Default: lifecycle.PayAsYouGo,
	Periods: []int64{1, 2, 3, 6, 12, 24, 36, 60}, PeriodUnits: []string{"Month"},
	Source: "CreateDiskReplicaPair, https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ebs-2021-07-30-creatediskreplicapair",
}

// chargeTypes maps the payment types onto EBS's ChargeType.
var chargeTypes = map[string]string{lifecycle.PayAsYouGo: "POSTPAY", lifecycle.Subscription: "PREPAY"}

// paymentTypeOf reads ChargeType ("": not reported).
func paymentTypeOf(chargeType string) string {
	for pt, ct := range chargeTypes {
		if ct == chargeType {
			return pt
		}
	}
	return ""
}

// billingParams sets a create's ChargeType, Period and PeriodUnit from the billing choice
// (none given: none sent, EBS's default POSTPAY).
func billingParams(req *ebs.CreateDiskReplicaPairRequest, b lifecycle.Billing) {
	req.ChargeType = chargeTypes[b.PaymentType]
	if b.Period > 0 {
		req.Period = requests.NewInteger64(b.Period)
		req.PeriodUnit = b.PeriodUnit
		if req.PeriodUnit == "" {
			req.PeriodUnit = BillingRules.PeriodUnits[0]
		}
	}
}
