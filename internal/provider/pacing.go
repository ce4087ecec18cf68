package provider

import (
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// EnvEmulatorTimeScale tells the provider that a vendor platform is an emulator whose clock
// runs this many times faster than real time (dr-emulator -time-scale; dr-emulator prints it):
// the operations' expected durations are divided by it. Never set it against a real cloud.
const EnvEmulatorTimeScale = "DR_EMULATOR_TIME_SCALE"

// defaultVendorPollMax is the longest wait between two observations of a vendor operation
// when DR_POLL_INTERVAL is not set: long operations (a synchronisation of terabytes) are
// observed at most every 30 s, after backing off from when they were due.
const defaultVendorPollMax = 30 * time.Second

// pacing is how the executor spaces its observations of a running operation on this platform
// (lifecycle.Pacing): it observes the operation when it is due — its typical duration
// (platform.TypicalDuration) divided by the platform clock's speed (the sandbox's time_scale,
// an emulator's DR_EMULATOR_TIME_SCALE, 1 for a real cloud) — and then backs off, every wait
// between max/10 (at least 1 ms) and max: the sandbox's poll interval (5 simulated seconds),
// DR_POLL_INTERVAL on a vendor platform (poll at least this often), else 30 s.
type pacing struct {
	scale float64
	max   time.Duration
}

// pace is the executor's Pace (newExecutor).
func (d *ProviderData) pace(kind lifecycle.Kind, op lifecycle.Op) lifecycle.Pacing {
	scale, mx := d.pacing.scale, d.pacing.max
	if scale <= 0 {
		scale = 1
	}
	if mx <= 0 {
		mx = d.PollInterval
	}
	return lifecycle.Pacing{
		Expected: time.Duration(float64(platform.TypicalDuration(kind, op)) / scale),
		Min:      min(max(mx/10, time.Millisecond), mx),
		Max:      mx,
	}
}

// vendorPacing is a vendor platform's pacing: DR_EMULATOR_TIME_SCALE (1 unless set) and
// DR_POLL_INTERVAL as the longest wait (30 s unless set).
func vendorPacing() (pacing, error) {
	p := pacing{scale: 1, max: defaultVendorPollMax}
	if v := os.Getenv(EnvEmulatorTimeScale); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < minTimeScale || f > maxTimeScale {
			return p, fmt.Errorf("the %s environment variable is %q; it must be a number between %g and %g (the emulator's -time-scale)",
				EnvEmulatorTimeScale, v, minTimeScale, maxTimeScale)
		}
		p.scale = f
	}
	if d, err := time.ParseDuration(os.Getenv(EnvPollInterval)); err == nil && d > 0 {
		p.max = d
	}
	return p, nil
}
