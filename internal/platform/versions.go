package platform

import (
	"fmt"
	"hash/fnv"
	"strconv"
	"sync"
)

// Fingerprint is an object version for a platform whose API has none, and no conditional
// update (Alibaba EBS, Huawei SDRS): a hash of the observed record's parts, positive and never
// zero. It changes whenever the record does, so the engine's client tokens — derived from the
// plan-time version — differ between plans, and an update from a stale read is detected
// (UpdateGuard). It need not grow: a driver that can order its versions puts that order in the
// high bits (Alibaba: the last recovery point).
func Fingerprint(parts ...any) int64 {
	h := fnv.New64a()
	fmt.Fprint(h, parts...)
	return int64(h.Sum64()>>1) | 1
}

// UpdateGuard serializes the updates of one driver that check the caller's version against a
// fresh read (Fingerprint versions): the stale writer in this process loses with Conflict.
// Two processes racing are not detected: the vendor's API cannot.
type UpdateGuard struct{ mu sync.Mutex }

// Update reads the object's current version and, when want is 0 or that version, writes.
func (g *UpdateGuard) Update(what, id string, want int64, current func() (int64, error), write func() error) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	v, err := current()
	if err != nil {
		return err
	}
	if want != 0 && want != v {
		return &Error{Class: ClassConflict, Code: CodeVersionConflict,
			Message: what + " " + id + " changed since it was read (version " + strconv.FormatInt(want, 10) + ")"}
	}
	return write()
}
