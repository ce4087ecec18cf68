package reliability

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
)

// importedPairConfig manages an existing pair (imported) with its desired state.
func importedPairConfig(db, primary, secondary, extra string) string {
	return providerBlock(db) + fmt.Sprintf(`
resource "dr_replication_pair" "p" {
  name                = "interrupted"
  primary_volume_id   = %q
  secondary_volume_id = %q
  allow_data_loss     = true
%s
}
`, primary, secondary, extra)
}

// TestConcurrentConflictingApplies: two terraform processes with separate states manage the
// same pair on one sandbox database; both plan from the same reading of it, then apply the
// conflicting plans at the same moment (one switches over to the secondary, the other stops
// replication at the primary). Exactly one succeeds: the other finds the pair changed since it read it (a conflict diagnostic) or,
// when both read it before either acted, its operation is refused by the engine's from-state
// check in the sandbox's serialized transaction. The pair ends in a stable state, the
// database is intact, and each state refreshes to the platform's truth.
func TestConcurrentConflictingApplies(t *testing.T) {
	requireCLI(t)
	t.Parallel()
	db := newDB(t)
	setup := newWorkdir(t, pairConfig(db))
	setup.mustTF("apply", "-auto-approve")
	st := setup.state()["dr_replication_pair.p"]
	id, a, b := st["id"].(string), st["primary_volume_id"].(string), st["secondary_volume_id"].(string)
	// setup is not used again: from now on two other working directories manage the pair.

	w1 := newWorkdir(t, importedPairConfig(db, a, b, `  replication = "running"
  active_site = "secondary"`))
	w2 := newWorkdir(t, importedPairConfig(db, a, b, `  replication = "paused"
  active_site = "primary"`))
	for _, w := range []*workdir{w1, w2} {
		w.mustTF("import", "-var", "time_scale=20", "dr_replication_pair.p", id)
	}
	sb := openSandbox(t, db, 20)
	before := opCounts(t, sb, id)

	// Both plan from the same reading of the pair, then apply their saved plans at once.
	for _, w := range []*workdir{w1, w2} {
		w.mustTF("plan", "-out=race.tfplan", "-var", "time_scale=20")
	}
	var wg sync.WaitGroup
	res := make([]result, 2)
	for i, w := range []*workdir{w1, w2} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res[i] = w.tf("apply", "race.tfplan")
		}()
	}
	wg.Wait()
	ops := diffCounts(before, opCounts(t, sb, id))
	clear := regexp.MustCompile(`refused|precondition|Conflict|conflict|unexpected state|R\d{3}-\d+|V-[A-Z-]+`)
	ok := 0
	for i, r := range res {
		t.Logf("apply %d: exit %d in %s\n%s", i+1, r.code, r.duration.Round(time.Millisecond), tail(r.out, 6))
		if r.code == 0 {
			ok++
			continue
		}
		if !clear.MatchString(r.out) {
			t.Errorf("apply %d failed without a clear conflict/precondition diagnostic:\n%s", i+1, r.out)
		}
		if strings.Contains(r.out, "database is locked") || strings.Contains(r.out, "panic") {
			t.Errorf("apply %d: %s", i+1, r.out)
		}
	}
	t.Logf("operations that took effect: %v; %d of 2 applies succeeded", ops, ok)
	if ok != 1 {
		t.Fatalf("%d of 2 conflicting applies succeeded, want exactly one (the other must fail with a conflict)", ok)
	}
	o, err := sb.Observe(context.Background(), lifecycle.ReplicationPair, id)
	if err != nil {
		t.Fatal(err)
	}
	if lifecycle.Table(lifecycle.ReplicationPair).Class(o.State) != lifecycle.Stable {
		t.Fatalf("pair left in %s", o.State)
	}
	integrityOK(t, sb)
	// Each state refreshes to the truth without proposing a replacement.
	for i, w := range []*workdir{w1, w2} {
		p := w.tf("plan", "-var", "time_scale=20")
		if p.code != 0 || strings.Contains(p.out, "must be replaced") || strings.Contains(p.out, "destroy") && !strings.Contains(p.out, "0 to destroy") {
			t.Errorf("plan %d after the race: exit %d\n%s", i+1, p.code, p.out)
		}
	}
}

// TestParallelism applies about 200 resources (2 sites, 64 volume pairs, 64 replication
// pairs) with -parallelism=32 against one sandbox database: no "database is locked", no lost
// update (every pair exists once and replicates), and the next plan is empty.
func TestParallelism(t *testing.T) {
	requireCLI(t)
	t.Parallel()
	const n = 64
	db := newDB(t)
	cfg := pairConfig(db)
	cfg = cfg[:strings.Index(cfg, `resource "dr_sandbox_volume" "a"`)] + fmt.Sprintf(`
resource "dr_sandbox_volume" "a" {
  count   = %[1]d
  site_id = dr_sandbox_site.prod.id
  size_gb = 10
}

resource "dr_sandbox_volume" "b" {
  count   = %[1]d
  site_id = dr_sandbox_site.dr.id
  size_gb = 10
}

resource "dr_replication_pair" "p" {
  count               = %[1]d
  name                = "pair-${count.index}"
  primary_volume_id   = dr_sandbox_volume.a[count.index].id
  secondary_volume_id = dr_sandbox_volume.b[count.index].id
  replication         = "running"
}
`, n)
	w := newWorkdir(t, cfg)
	r := w.tf("apply", "-auto-approve", "-parallelism=32", "-var", "time_scale=100000")
	t.Logf("apply of %d resources with -parallelism=32: exit %d in %s", 2+3*n, r.code, r.duration.Round(time.Millisecond))
	if r.code != 0 || strings.Contains(r.out, "database is locked") {
		t.Fatalf("apply: exit %d\n%s", r.code, r.out)
	}
	sb := openSandbox(t, db, 100000)
	pairs, err := sb.ListPairs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]int{}
	for _, p := range pairs {
		names[p.Name]++
		if p.State != lifecycle.Replicating {
			t.Errorf("pair %s is %s", p.Name, p.State)
		}
	}
	if len(pairs) != n || len(names) != n {
		t.Fatalf("%d pairs with %d distinct names on the platform, want %d", len(pairs), len(names), n)
	}
	vols, _ := sb.ListVolumes(context.Background())
	if len(vols) != 2*n {
		t.Fatalf("%d volumes, want %d", len(vols), 2*n)
	}
	integrityOK(t, sb)
	p := w.tf("plan", "-detailed-exitcode", "-parallelism=32", "-var", "time_scale=100000")
	if p.code != 0 {
		t.Fatalf("plan: exit %d\n%s", p.code, tail(p.out, 30))
	}
}

// TestSecretsAndFiles: with TF_LOG=TRACE, no client token (the idempotency key of an
// operation) appears in the logs in clear, and the sandbox database is 0600 in a 0700
// directory.
func TestSecretsAndFiles(t *testing.T) {
	requireCLI(t)
	t.Parallel()
	db := newDB(t)
	w := newWorkdir(t, pairConfig(db))
	logf := filepath.Join(t.TempDir(), "trace.log")
	env := []string{"TF_LOG=TRACE", "TF_LOG_PATH=" + logf}
	if r := w.tfEnv(env, "apply", "-auto-approve"); r.code != 0 {
		t.Fatalf("apply: %s", r.out)
	}
	if r := w.tfEnv(env, "apply", "-auto-approve", "-var", "active_site=secondary"); r.code != 0 {
		t.Fatalf("apply: %s", r.out)
	}
	logs, err := os.ReadFile(logf)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(logs), "dr operation progress") || !strings.Contains(string(logs), "started (token ***)") {
		t.Fatalf("the trace log has no (masked) operation progress: %d bytes", len(logs))
	}
	// Every token the platform accepted, and the token shapes themselves.
	sb := openSandbox(t, db, 1000)
	toks, err := sb.Tokens(context.Background())
	if err != nil || len(toks) == 0 {
		t.Fatalf("tokens: %v (%d)", err, len(toks))
	}
	for _, tk := range toks {
		if strings.Contains(string(logs), tk.Token) {
			t.Errorf("client token %s (%s on %s) appears in the TRACE log", tk.Token[:12]+"…", tk.Op, tk.Scope)
		}
	}
	if m := regexp.MustCompile(`dr-[0-9a-f]{40}|tf-create-[0-9a-f]{40}`).Find(logs); m != nil {
		t.Errorf("a client token appears in the TRACE log: %s…", m[:12])
	}
	fi, err := os.Stat(db)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("sandbox database mode %v, want 0600", fi.Mode().Perm())
	}
	di, err := os.Stat(filepath.Dir(db))
	if err != nil {
		t.Fatal(err)
	}
	if di.Mode().Perm() != 0o700 {
		t.Errorf("sandbox directory mode %v, want 0700", di.Mode().Perm())
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if fi, err := os.Stat(db + suffix); err == nil && fi.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s mode %v, want no group/other access", filepath.Base(db+suffix), fi.Mode().Perm())
		}
	}
}
