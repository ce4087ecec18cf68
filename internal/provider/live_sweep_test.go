package provider

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/livetest"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// The live sweepers' shared parts (the Alibaba and Huawei Cloud sweepers; Acronis deletes
// nothing).

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
