package alibaba

import (
	"slices"
	"strconv"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// Billing, as CreateDiskReplicaPair documents it: ChargeType PREPAY (a subscription) or
// POSTPAY (pay as you go, the default); with PREPAY a Period is required, one of 1, 2, 3, 6,
// 12, 24, 36, 60, in PeriodUnit (only Month); Bandwidth, with PREPAY, one of 10240, 20480,
// 51200, 102400 (default 10240), and with POSTPAY not to be given (the system sets 0). The
// reference documents no code of its own for these: the emulator answers MissingParameter for
// a PREPAY pair without a Period and InvalidParameter for a value outside the lists.
// DescribeDiskReplicaPairs reports ChargeType and ExpiredTime: for PREPAY the end of the
// period bought (the sandbox keeps it: Period months after the create), 0 for POSTPAY. No
// call changes a pair's billing; CreateDiskReplicaGroup takes none.
// https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ebs-2021-07-30-creatediskreplicapair

var (
	prepayPeriods    = []int64{1, 2, 3, 6, 12, 24, 36, 60}
	prepayBandwidths = []int64{10240, 20480, 51200, 102400}
)

// billingParams reads ChargeType, Period, PeriodUnit and Bandwidth of a create.
func billingParams(p map[string]string) (lifecycle.Billing, int64, error) {
	switch p["ChargeType"] {
	case "", "POSTPAY":
		if p["Bandwidth"] != "" {
			// "When ChargeType is POSTPAY you cannot specify this parameter: the system sets
			// the bandwidth to 0" (CreateDiskReplicaPair, Bandwidth)
			return lifecycle.Billing{}, 0, errf(400, "InvalidParameter", "Bandwidth cannot be given for a pay-as-you-go (POSTPAY) pair: the system sets it.")
		}
		return lifecycle.Billing{PaymentType: lifecycle.PayAsYouGo}, 0, nil
	case "PREPAY":
	default:
		return lifecycle.Billing{}, 0, errf(400, "InvalidParameter", "The value of ChargeType is not valid: PREPAY or POSTPAY.")
	}
	if p["Period"] == "" {
		return lifecycle.Billing{}, 0, errf(400, "MissingParameter", "The input parameter Period that is mandatory for a PREPAY pair is not supplied.")
	}
	period, err := strconv.ParseInt(p["Period"], 10, 64)
	if err != nil || !slices.Contains(prepayPeriods, period) {
		return lifecycle.Billing{}, 0, errf(400, "InvalidParameter", "The value of Period is not valid: 1, 2, 3, 6, 12, 24, 36 or 60.")
	}
	if u := p["PeriodUnit"]; u != "" && u != "Month" {
		return lifecycle.Billing{}, 0, errf(400, "InvalidParameter", "The value of PeriodUnit is not valid: only Month.")
	}
	bandwidth := int64(10240)
	if p["Bandwidth"] != "" {
		bandwidth, err = strconv.ParseInt(p["Bandwidth"], 10, 64)
		if err != nil || !slices.Contains(prepayBandwidths, bandwidth) {
			return lifecycle.Billing{}, 0, errf(400, "InvalidParameter", "The value of Bandwidth is not valid: 10240, 20480, 51200 or 102400.")
		}
	}
	return lifecycle.Billing{PaymentType: lifecycle.Subscription, Period: period, PeriodUnit: "Month"}, bandwidth, nil
}

func chargeTypeOf(p platform.ReplicationPair) string {
	if p.PaymentType == lifecycle.Subscription {
		return "PREPAY"
	}
	return "POSTPAY"
}

func bandwidthOf(p platform.ReplicationPair) int64 {
	if p.PaymentType == lifecycle.Subscription {
		return p.BandwidthKbps
	}
	return 0
}

func expiredTime(p platform.ReplicationPair) int64 {
	if p.ExpiresAt.IsZero() {
		return 0
	}
	return p.ExpiresAt.Unix()
}
