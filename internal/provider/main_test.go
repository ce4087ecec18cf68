package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// TestMain runs the tests, or, with -sweep=<region>, the sweepers the live smoke tests
// register (resource.AddTestSweepers, one per vendor: they delete objects whose names carry
// livetest.Prefix, left by an interrupted live run). Sweepers call the real cloud and run only
// when asked: `TF_ACC_LIVE=1 go test ./internal/provider -sweep=<region>`.
func TestMain(m *testing.M) {
	resource.TestMain(m)
}
