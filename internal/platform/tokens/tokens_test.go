package tokens_test

import (
	"strings"
	"sync"
	"testing"

	"github.com/dr-provider/terraform-provider-dr/internal/platform"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/tokens"
)

func TestValidate(t *testing.T) {
	t.Parallel()
	if err := tokens.Validate(""); err != nil {
		t.Fatalf("no token: %v", err)
	}
	if err := tokens.Validate("dr-0123456789abcdef"); err != nil {
		t.Fatalf("a good token: %v", err)
	}
	for _, bad := range []string{strings.Repeat("t", 65), "tök", "tab\there"} {
		err := tokens.Validate(bad)
		if !platform.IsInvalid(err) || platform.RuleOf(err) != "R001-4" {
			t.Fatalf("%q: %v, want Invalid with R001-4", bad, err)
		}
	}
}

// A replay of the same request is found with what it returned; the token reused for another
// request is IdempotentParameterMismatch; a malformed token is refused before the lookup.
func TestLedger(t *testing.T) {
	t.Parallel()
	var l tokens.Ledger[string]
	if _, found, err := l.Lookup("tok-1", "start/g1"); found || err != nil {
		t.Fatalf("an unseen token: found %v, %v", found, err)
	}
	l.Record("tok-1", "start/g1", "job-7")
	if v, found, err := l.Lookup("tok-1", "start/g1"); !found || err != nil || v != "job-7" {
		t.Fatalf("a replay: %q found %v, %v", v, found, err)
	}
	_, found, err := l.Lookup("tok-1", "stop/g1")
	if found || !platform.IsInvalid(err) || !strings.Contains(err.Error(), platform.CodeIdempotentParameterMismatch) {
		t.Fatalf("the token for another request: found %v, %v", found, err)
	}
	if _, _, err := l.Lookup(strings.Repeat("x", 65), "k"); !platform.IsInvalid(err) {
		t.Fatalf("a malformed token: %v", err)
	}
	l.Record("", "k", "v") // no token: nothing recorded
	if _, found, _ := l.Lookup("", "k"); found {
		t.Fatal("the empty token was recorded")
	}
	if v, ok := l.Find(func(v string) bool { return v == "job-7" }); !ok || v != "job-7" {
		t.Fatalf("find: %q %v", v, ok)
	}
	if _, ok := l.Find(func(v string) bool { return v == "job-8" }); ok {
		t.Fatal("found a value never recorded")
	}
}

// Claim records a create's token before the write: the same parameters again are allowed (the
// create reads first), other parameters are refused — also when claims race.
func TestClaim(t *testing.T) {
	t.Parallel()
	var l tokens.Ledger[struct{}]
	if err := l.Claim("c-1", "group/a"); err != nil {
		t.Fatal(err)
	}
	if err := l.Claim("c-1", "group/a"); err != nil {
		t.Fatalf("the same parameters: %v", err)
	}
	if err := l.Claim("c-1", "group/b"); !platform.IsInvalid(err) {
		t.Fatalf("other parameters: %v", err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 16)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = l.Claim("c-2", "key-"+string(rune('a'+i%2)))
		}()
	}
	wg.Wait()
	ok, refused := 0, 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case platform.IsInvalid(err):
			refused++
		}
	}
	if ok != 8 || refused != 8 {
		t.Fatalf("racing claims of two keys: %d accepted, %d refused; want the first key's 8 and 8 refusals", ok, refused)
	}
}
