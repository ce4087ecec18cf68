package provider

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/livetest"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/sandbox"
)

// The live smoke tests' shared story (issue 23): every vendor's story makes or adopts one
// object through the Terraform CLI, observes it, runs a reversible operation on it and back,
// and ends — against the real cloud or the vendor's emulator, with the same assertions. The
// vendor files hold only their estate, configuration and steps.

// liveStory is one live story's object: its resource address, a noun for messages, and the ID
// the first step gave it.
type liveStory struct {
	addr, noun string
	id         string
}

// status checks the object's status attribute.
func (s *liveStory) status(want string) resource.TestCheckFunc {
	return resource.TestCheckResourceAttr(s.addr, "status", want)
}

// sameID records the object's ID at the first step it runs in and fails when a later step shows
// another: a story's operations must not replace the object.
func (s *liveStory) sameID() resource.TestCheckFunc {
	return resource.TestCheckResourceAttrWith(s.addr, "id", func(v string) error {
		if v == "" || (s.id != "" && v != s.id) {
			return fmt.Errorf("id %q, want the %s created first (%q): the story must not replace it", v, s.noun, s.id)
		}
		s.id = v
		return nil
	})
}

// goneAfterDestroy is a story's CheckDestroy, the same live and on the emulator: the vendor no
// longer knows the object (get, the vendor's own read, answers not found or a state the
// kind counts as gone).
func (s *liveStory) goneAfterDestroy(kind lifecycle.Kind, get func(ctx context.Context, id string) (lifecycle.State, error)) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if s.id == "" {
			return nil
		}
		st, err := get(context.Background(), s.id)
		if platform.IsNotFound(err) || err == nil && lifecycle.Gone(kind, st) {
			return nil
		}
		return fmt.Errorf("%s %s is still there after destroy: %s %v", s.noun, s.id, st, err)
	}
}

// run runs the story's steps through the CLI (the vendor's HTTP recorded when VCR_MODE asks for
// it), checkDestroy after the closing destroy, and fails when the story made no object.
func (s *liveStory) run(t *testing.T, checkDestroy resource.TestCheckFunc, steps ...resource.TestStep) {
	t.Helper()
	recordVendor(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkDestroy,
		Steps:                    steps,
	})
	if s.id == "" && !t.Skipped() && !t.Failed() {
		t.Fatalf("the story made no %s", s.noun)
	}
}

// recordVendor routes the drivers' HTTP through go-vcr when VCR_MODE asks for it (the
// provider's VendorTransport test hook), for the test's duration.
func recordVendor(t *testing.T) {
	t.Helper()
	if os.Getenv(livetest.EnvVCRMode) == "" {
		return
	}
	prev := VendorTransport
	rts := map[string]http.RoundTripper{}
	VendorTransport = func(block string, base http.RoundTripper) http.RoundTripper {
		if rt, ok := rts[block]; ok {
			return rt
		}
		rts[block] = livetest.Transport(t, block, base)
		return rts[block]
	}
	t.Cleanup(func() { VendorTransport = prev })
}

// waitState waits (wall time: the emulators run on an accelerated clock) until the sandbox sb
// observes the object id of kind in state want, polling every poll.
func waitState(t *testing.T, sb *sandbox.Sandbox, kind lifecycle.Kind, id string, want lifecycle.State, poll time.Duration) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		obs, err := sb.Observe(t.Context(), kind, id)
		if err == nil && obs.State == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s %s is %s (%v), want %s", kind, id, obs.State, err, want)
		}
		time.Sleep(poll)
	}
}
