package sandbox

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// 16 goroutines race to make the same transition; exactly one wins each round.
func TestConcurrentTransitionsOneWinner(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	id := e.newPair()
	e.ok(e.invoke(lifecycle.ReplicationPair, id, lifecycle.OpStart, nil))
	e.clk.Advance(time.Hour)
	e.wantState(lifecycle.ReplicationPair, id, "replicating")
	ops := []lifecycle.Op{lifecycle.OpStop, lifecycle.OpStart}
	for round := 0; round < 11; round++ { // ends paused (update needs configured|paused)
		op := ops[round%2]
		var wg sync.WaitGroup
		var mu sync.Mutex
		wins, refusals := 0, 0
		var other []error
		for g := 0; g < 16; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				err := e.sb.Invoke(e.ctx, lifecycle.ReplicationPair, id, op, "", nil)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					wins++
				case platform.IsPreconditionFailed(err):
					refusals++
				default:
					other = append(other, err)
				}
			}()
		}
		wg.Wait()
		if wins != 1 || refusals != 15 || len(other) > 0 {
			t.Fatalf("round %d (%s): %d wins, %d refusals, other %v", round, op, wins, refusals, other)
		}
		e.clk.Advance(time.Hour)
	}
	// optimistic concurrency: conditional updates from the same version — one wins
	v := e.pair(id).Version
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins, conflicts := 0, 0
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			_, err := e.sb.UpdatePair(e.ctx, id, platform.PairSpec{Name: fmt.Sprint("n", g), Version: v})
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				wins++
			} else if platform.IsConflict(err) {
				conflicts++
			} else {
				t.Errorf("unexpected: %v", err)
			}
		}(g)
	}
	wg.Wait()
	if wins != 1 || conflicts != 15 {
		t.Fatalf("conditional updates: %d wins %d conflicts", wins, conflicts)
	}
}

// ---- child processes ----

const helperEnv = "DR_SANDBOX_HELPER"

func TestHelperProcess(t *testing.T) {
	mode := os.Getenv(helperEnv)
	if mode == "" {
		t.Skip("helper process only")
	}
	path := os.Getenv("DR_SANDBOX_DB")
	sb, err := Open(path, Options{TimeScale: 1e6})
	if err != nil {
		fmt.Println("ERR", err)
		os.Exit(2)
	}
	ctx := context.Background()
	switch mode {
	case "increment":
		n, _ := strconv.Atoi(os.Getenv("DR_SANDBOX_N"))
		for i := 0; i < n; i++ {
			for {
				s, err := sb.GetSite(ctx, "counter")
				if err == nil {
					c, _ := strconv.Atoi(s.Zone)
					s.Zone = strconv.Itoa(c + 1)
					_, err = sb.PutSite(ctx, s)
				}
				if err == nil {
					break
				}
				if platform.IsConflict(err) {
					continue
				}
				fmt.Println("ERR", err)
				os.Exit(3)
			}
			// a lifecycle transition race as well: errors must be classified refusals
			gid := os.Getenv("DR_SANDBOX_GROUP")
			op := lifecycle.OpAddMember
			if i%2 == 1 {
				op = lifecycle.OpRemoveMember
			}
			if err := sb.Invoke(ctx, lifecycle.ProtectionGroup, gid, op, "", map[string]string{"server_id": "srv"}); err != nil &&
				!platform.IsPreconditionFailed(err) && !platform.IsInvalid(err) {
				fmt.Println("ERR", err)
				os.Exit(4)
			}
		}
		fmt.Println("DONE")
	case "loop":
		gid := os.Getenv("DR_SANDBOX_GROUP")
		fmt.Println("READY")
		for i := 0; ; i++ {
			op := lifecycle.OpAddMember
			if i%2 == 1 {
				op = lifecycle.OpRemoveMember
			}
			if err := sb.Invoke(ctx, lifecycle.ProtectionGroup, gid, op, "", map[string]string{"server_id": "srv"}); err != nil {
				fmt.Println("ERR", err)
				os.Exit(5)
			}
		}
	}
	os.Exit(0)
}

// multiWorld prepares a database with two sites, a server and a configured group.
func multiWorld(t *testing.T, path string) string {
	t.Helper()
	sb, err := Open(path, Options{TimeScale: 1e6})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	ctx := context.Background()
	must(sb.PutSite(ctx, platform.Site{ID: "a", Region: "r1", Zone: "z1", Healthy: true, ReplicationCapable: true}))(t)
	must(sb.PutSite(ctx, platform.Site{ID: "b", Region: "r2", Zone: "z2", Healthy: true, ReplicationCapable: true}))(t)
	must(sb.PutSite(ctx, platform.Site{ID: "counter", Region: "x", Zone: "0", Healthy: true}))(t)
	must(sb.PutServer(ctx, platform.Server{ID: "srv", SiteID: "a", Name: "srv"}))(t)
	g := must(sb.CreateGroup(ctx, platform.GroupSpec{Name: "g", SourceRegion: "r1", TargetRegion: "r2"}, ""))(t)
	time.Sleep(5 * time.Millisecond)
	if g2 := must(sb.GetGroup(ctx, g.ID))(t); g2.State != lifecycle.Configured {
		t.Fatalf("group %s", g2.State)
	}
	return g.ID
}

func helperCmd(t *testing.T, mode, path, gid string, extra ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), helperEnv+"="+mode, "DR_SANDBOX_DB="+path, "DR_SANDBOX_GROUP="+gid)
	cmd.Env = append(cmd.Env, extra...)
	return cmd
}

// checkTwinInvariant: every twin server is referenced by the group and vice versa — a
// membership change is all-or-nothing.
func checkTwinInvariant(t *testing.T, path, gid string) {
	t.Helper()
	sb, err := Open(path, Options{TimeScale: 1e6})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	ctx := context.Background()
	g := must(sb.GetGroup(ctx, gid))(t)
	srvs := must(sb.ListServers(ctx))(t)
	twins := 0
	for _, s := range srvs {
		if s.TwinOf != "" {
			twins++
			if len(g.DRServers) != 1 || g.DRServers[0].TwinServerID != s.ID {
				t.Fatalf("orphan twin %s; group %+v", s.ID, g.DRServers)
			}
		}
	}
	if twins != len(g.DRServers) || len(g.ServerIDs) != len(g.DRServers) {
		t.Fatalf("twins %d, group lists %d/%d", twins, len(g.ServerIDs), len(g.DRServers))
	}
}

func TestTwoProcessesOneDatabase(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "shared.db")
	gid := multiWorld(t, path)
	const n = 60
	var cmds []*exec.Cmd
	outs := make([]*os.File, 2)
	for i := range 2 {
		cmd := helperCmd(t, "increment", path, gid, "DR_SANDBOX_N="+strconv.Itoa(n))
		f, err := os.Create(filepath.Join(t.TempDir(), fmt.Sprint("out", i)))
		if err != nil {
			t.Fatal(err)
		}
		outs[i] = f
		cmd.Stdout, cmd.Stderr = f, f
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
	}
	for i, cmd := range cmds {
		err := cmd.Wait()
		b, _ := os.ReadFile(outs[i].Name())
		if err != nil {
			t.Fatalf("child %d: %v\n%s", i, err, b)
		}
	}
	sb, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := must(sb.GetSite(context.Background(), "counter"))(t)
	sb.Close()
	if s.Zone != strconv.Itoa(2*n) {
		t.Fatalf("lost updates: counter %s, want %d", s.Zone, 2*n)
	}
	checkTwinInvariant(t, path, gid)
}

func TestKilledWriterLeavesConsistentDatabase(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "kill.db")
	gid := multiWorld(t, path)
	for round := 0; round < 3; round++ {
		cmd := helperCmd(t, "loop", path, gid)
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		if line != "READY\n" {
			cmd.Process.Kill()
			t.Fatalf("child: %q", line)
		}
		time.Sleep(time.Duration(150+round*70) * time.Millisecond)
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		_ = cmd.Wait()

		db, err := sql.Open("sqlite", "file:"+path)
		if err != nil {
			t.Fatal(err)
		}
		var res string
		if err := db.QueryRow("PRAGMA integrity_check").Scan(&res); err != nil || res != "ok" {
			t.Fatalf("integrity_check: %q %v", res, err)
		}
		db.Close()
		checkTwinInvariant(t, path, gid)
	}
}

func TestFileModes(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "state", "dr")
	path := filepath.Join(dir, "sandbox.db")
	old := syscall.Umask(0)
	sb, err := Open(path, Options{})
	syscall.Umask(old)
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	must(sb.PutSite(context.Background(), platform.Site{Region: "r", Zone: "z", Healthy: true}))(t)
	for p, want := range map[string]os.FileMode{path: 0o600, dir: 0o700 | os.ModeDir} {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode() != want {
			t.Fatalf("%s: mode %v, want %v", p, st.Mode(), want)
		}
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if st, err := os.Stat(path + suffix); err == nil && st.Mode().Perm()&0o077 != 0 {
			t.Fatalf("%s%s: mode %v", path, suffix, st.Mode())
		}
	}
}

// ---- benchmarks ----

func benchEnv(b *testing.B) (*env, string) {
	t := &testing.T{}
	clk := NewFakeClock(t0)
	sb, err := Open(filepath.Join(b.TempDir(), "bench.db"), Options{Clock: clk})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { sb.Close() })
	e := &env{t: t, sb: sb, clk: clk, ctx: context.Background()}
	ctx := e.ctx
	sb.PutSite(ctx, platform.Site{ID: "a", Region: "r1", Zone: "z1", Healthy: true, ReplicationCapable: true})
	sb.PutSite(ctx, platform.Site{ID: "b", Region: "r2", Zone: "z2", Healthy: true, ReplicationCapable: true})
	sb.PutVolume(ctx, platform.Volume{ID: "p", SiteID: "a", SizeGB: 10})
	sb.PutVolume(ctx, platform.Volume{ID: "s", SiteID: "b", SizeGB: 10})
	p, err := sb.CreatePair(ctx, platform.PairSpec{Name: "p", PrimaryVolumeID: "p", SecondaryVolumeID: "s"}, "")
	if err != nil {
		b.Fatal(err)
	}
	clk.Advance(time.Hour)
	if err := sb.Invoke(ctx, lifecycle.ReplicationPair, p.ID, lifecycle.OpStart, "", nil); err != nil {
		b.Fatal(err)
	}
	clk.Advance(time.Hour)
	return e, p.ID
}

func BenchmarkSandboxRead(b *testing.B) {
	e, id := benchEnv(b)
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		if _, err := e.sb.GetPair(e.ctx, id); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "reads/s")
}

func BenchmarkSandboxTransition(b *testing.B) {
	e, id := benchEnv(b)
	ops := []lifecycle.Op{lifecycle.OpStop, lifecycle.OpStart}
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		if err := e.sb.Invoke(e.ctx, lifecycle.ReplicationPair, id, ops[i%2], "", nil); err != nil {
			b.Fatal(err)
		}
		e.clk.Advance(time.Hour) // the next Invoke completes this one lazily
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "transitions/s")
}
