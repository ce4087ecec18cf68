package provider

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/livetest"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// The live sweepers' shared parts (the Alibaba and Huawei Cloud sweepers delete what an
// interrupted story left; Acronis deletes nothing and stops a test failover).

// addLiveSweeper registers the sweeper name: it runs only live (sweeperLive: vendor and the
// variables vars), opens the vendor's driver, gives sweep timeout, and prints what sweep did
// ("<label> sweeper: <did> <ids>").
func addLiveSweeper[D interface{ Close() error }](name, vendor string, vars []string, timeout time.Duration, label, did string,
	open func(ctx context.Context) (D, error), sweep func(ctx context.Context, d D) ([]string, error)) {
	resource.AddTestSweepers(name, &resource.Sweeper{
		Name: name,
		F: func(string) error {
			if err := sweeperLive(vendor, vars); err != nil {
				return err
			}
			ctx, cancel := context.WithTimeout(context.Background(), timeout)
			defer cancel()
			d, err := open(ctx)
			if err != nil {
				return err
			}
			defer d.Close()
			swept, err := sweep(ctx, d)
			if len(swept) > 0 {
				fmt.Printf("%s sweeper: %s %s\n", label, did, strings.Join(swept, ", "))
			}
			return err
		},
	})
}

// leftover is what a vendor's list says of an object a sweeper may delete.
type leftover struct {
	ID, Name string
	State    lifecycle.State
}

// sweepLeftovers deletes (sweepDelete) each object of kind in list (as the vendor listed it,
// err its error; of reads one) whose name carries livetest.Prefix and that is not gone yet —
// what an interrupted live story left. It touches no other object. It returns the objects it
// deleted.
func sweepLeftovers[T any](ctx context.Context, p platform.Platform, kind lifecycle.Kind, list []T, err error, of func(T) leftover,
	poll time.Duration) ([]string, error) {
	if err != nil {
		return nil, err
	}
	var swept []string
	for _, x := range list {
		o := of(x)
		if !strings.HasPrefix(o.Name, livetest.Prefix) || lifecycle.Gone(kind, o.State) {
			continue
		}
		if err := sweepDelete(ctx, p, kind, o.ID, poll); err != nil {
			return swept, err
		}
		swept = append(swept, o.ID)
	}
	return swept, nil
}

// sweeperLive refuses a sweeper's run unless the user asked for live runs and set the
// variables it needs: a sweeper calls the real cloud.
func sweeperLive(vendor string, vars []string) error {
	if !livetest.Live() {
		return fmt.Errorf("the %s sweeper calls the real cloud: set %s=1 and the variables of the live testing guide", vendor, livetest.EnvLive)
	}
	var missing []string
	for _, v := range vars {
		if os.Getenv(v) == "" {
			missing = append(missing, v)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("the %s sweeper needs %s", vendor, strings.Join(missing, ", "))
	}
	return nil
}

// livePollInterval is how often a sweeper observes a running operation on the real cloud.
const livePollInterval = 5 * time.Second

// sweepDelete deletes one leftover object the way `terraform destroy` does: the engine plans
// the way to deleted from what it observes (a replicating pair is stopped first) and the
// executor runs it, polling every poll. An object already gone is no error.
func sweepDelete(ctx context.Context, p platform.Platform, kind lifecycle.Kind, id string, poll time.Duration) error {
	obs, err := p.Observe(ctx, kind, id)
	if platform.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading %s %s: %w", kind, id, err)
	}
	if lifecycle.Gone(kind, obs.State) {
		return nil
	}
	path, vs := lifecycle.Plan(kind, obs, lifecycle.Goal{States: []lifecycle.State{lifecycle.Deleted}},
		lifecycle.Options{Platform: platform.CapabilitiesOf(p)})
	if lifecycle.HasBlocking(vs) {
		var msgs []string
		for _, v := range lifecycle.Blocking(vs) {
			msgs = append(msgs, v.Message)
		}
		return fmt.Errorf("%s %s (%s) cannot be deleted now: %s", kind, id, obs.State, strings.Join(msgs, " "))
	}
	ex := &lifecycle.Executor{Driver: p, PollInterval: poll, MaxRetries: -1}
	if _, err := ex.RunObserved(ctx, kind, id, path, obs); err != nil && !platform.IsNotFound(err) {
		return fmt.Errorf("deleting %s %s: %w", kind, id, err)
	}
	return nil
}

// wantSweptOnly runs sweep twice against an emulator: the first run deletes the story's
// object story (what) and nothing else, then checks look at the world; the second run finds
// nothing to do.
func wantSweptOnly(t *testing.T, what, story string, sweep func() ([]string, error), checks func()) {
	t.Helper()
	swept, err := sweep()
	if err != nil || len(swept) != 1 || swept[0] != story {
		t.Fatalf("swept %v %v, want the story's %s %s only", swept, err, what, story)
	}
	checks()
	if again, err := sweep(); err != nil || len(again) != 0 {
		t.Fatalf("a second sweep: %v %v, want nothing to do", again, err)
	}
}
