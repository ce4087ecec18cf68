package alibaba

import (
	"testing"
	"time"
)

// A PREPAY pair: created with its Period, reported with ChargeType, the documented default
// bandwidth and its end (ExpiredTime); the documented limits refused.
func TestBillingPrepayPairs(t *testing.T) {
	w := newWorld(t)
	req := w.createPairReq()
	req["ChargeType"], req["Period"], req["PeriodUnit"] = "PREPAY", "12", "Month"
	id := w.ok(req)["ReplicaPairId"].(string)
	out := w.ok(map[string]string{"Action": "DescribeDiskReplicaPairs", "RegionId": prodRegion, "PairIds": id})
	p := out["ReplicaPairs"].([]any)[0].(map[string]any)
	want := time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC).Unix() // the fake clock starts 2030-01-01
	if p["ChargeType"] != "PREPAY" || p["Bandwidth"] != float64(10240) || p["ExpiredTime"] != float64(want) {
		t.Fatalf("a PREPAY pair for 12 months: ChargeType %v, Bandwidth %v, ExpiredTime %v (want %d)", p["ChargeType"], p["Bandwidth"], p["ExpiredTime"], want)
	}
	plain := w.pair()
	out = w.ok(map[string]string{"Action": "DescribeDiskReplicaPairs", "RegionId": prodRegion, "PairIds": plain})
	if q := out["ReplicaPairs"].([]any)[0].(map[string]any); q["ChargeType"] != "POSTPAY" || q["ExpiredTime"] != float64(0) || q["Bandwidth"] != float64(0) {
		t.Fatalf("a POSTPAY pair: %v", q)
	}
	for _, c := range []struct {
		name   string
		params map[string]string
		code   string
	}{
		{"no period", map[string]string{"ChargeType": "PREPAY"}, "MissingParameter"},
		{"a period not offered", map[string]string{"ChargeType": "PREPAY", "Period": "5"}, "InvalidParameter"},
		{"a unit not offered", map[string]string{"ChargeType": "PREPAY", "Period": "1", "PeriodUnit": "Year"}, "InvalidParameter"},
		{"an unknown charge type", map[string]string{"ChargeType": "MONTHLY"}, "InvalidParameter"},
		{"a bandwidth pay-as-you-go", map[string]string{"Bandwidth": "10240"}, "InvalidParameter"},
		{"a bandwidth not offered", map[string]string{"ChargeType": "PREPAY", "Period": "1", "Bandwidth": "5"}, "InvalidParameter"},
	} {
		t.Run(c.name, func(t *testing.T) {
			req := w.createPairReq()
			for k, v := range c.params {
				req[k] = v
			}
			if code, out := w.call(req); code != 400 || out["Code"] != c.code {
				t.Fatalf("want 400 %s, got %d %v", c.code, code, out)
			}
		})
	}
}
