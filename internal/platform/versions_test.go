package platform_test

import (
	"errors"
	"sync"
	"testing"

	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

func TestFingerprint(t *testing.T) {
	t.Parallel()
	a, b := platform.Fingerprint("protected", "g1", 40), platform.Fingerprint("protected", "g1", 40)
	if a != b || a <= 0 {
		t.Fatalf("the same record: %d and %d (want equal and positive)", a, b)
	}
	if c := platform.Fingerprint("protected", "g1", 41); c == a {
		t.Fatal("a changed record kept its version")
	}
}

// Of racing updates from one version exactly one writes; the others get Conflict; an update
// without a version always writes; a failed read writes nothing.
func TestUpdateGuard(t *testing.T) {
	t.Parallel()
	var g platform.UpdateGuard
	version, writes := int64(1), 0
	current := func() (int64, error) { return version, nil }
	write := func() error { writes++; version++; return nil }
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = g.Update("group", "g1", 1, current, write) }()
	}
	wg.Wait()
	conflicts := 0
	for _, err := range errs {
		if platform.IsConflict(err) {
			conflicts++
		}
	}
	if writes != 1 || conflicts != 7 {
		t.Fatalf("%d writes, %d conflicts; want 1 and 7", writes, conflicts)
	}
	if err := g.Update("group", "g1", 0, current, write); err != nil || writes != 2 {
		t.Fatalf("an update without a version: %v, %d writes", err, writes)
	}
	boom := errors.New("read failed")
	if err := g.Update("group", "g1", 0, func() (int64, error) { return 0, boom }, write); err != boom || writes != 2 {
		t.Fatalf("a failed read: %v, %d writes", err, writes)
	}
}
