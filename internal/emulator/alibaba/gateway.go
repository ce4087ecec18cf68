package alibaba

import (
	"net/http"
	"strings"
	"time"
)

// ebsGateway is the EBS (and ECS) API's side of the emulator's gateway
// (internal/emulator/gateway): an operation is the RPC call's Action; a throttled call is
// answered as Alibaba Cloud's API gateway answers one over its flow control — HTTP 400 with
// the error envelope and Code Throttling.User ("Request was denied due to user flow
// control."; the driver retries every Throttling* code); an injected failure is the
// envelope's InternalError (500).
type ebsGateway struct{}

func (ebsGateway) Operation(r *http.Request) string {
	if err := r.ParseForm(); err != nil {
		return ""
	}
	return r.Form.Get("Action")
}

func (ebsGateway) Throttle(w http.ResponseWriter, r *http.Request, op string, retryAfter time.Duration) {
	writeErr(w, newRequestID(), hostOf(r), errf(400, "Throttling.User", "The request was denied by user flow control."))
}

func (ebsGateway) Fail(w http.ResponseWriter, r *http.Request, op string) {
	writeErr(w, newRequestID(), hostOf(r), denied(500, "InternalError"))
}

// hostOf is the endpoint a request reached (HostId of the error envelope).
func hostOf(r *http.Request) string {
	service := "ebs"
	if r.Form.Get("Version") == ECSAPIVersion {
		service = "ecs"
	}
	if region := r.Form.Get("RegionId"); region != "" && !strings.ContainsAny(region, " \n/?#") {
		return service + "." + region + ".aliyuncs.com"
	}
	return service + ".aliyuncs.com"
}
