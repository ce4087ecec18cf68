#!/usr/bin/env bash
# make bench: Go benchmarks (engine, executor, sandbox) and end-to-end runs through the
# Terraform CLI against the terraform_data floor. Prints a summary and writes bench/results.md.
#   BENCH_N="100 500 1000"  resource counts of the end-to-end runs
#   BENCH_REPEAT=1          runs per end-to-end phase (median reported)
#   BENCH_FANOUT=100        pairs of the fan-out runs (0 skips them)
#   BENCHTIME=1s            -benchtime of the Go benchmarks; BENCH_COUNT=5 their -count
#   BENCH_HEAVY_N="300 999" resource counts of the DR-heavy section (pairs + volumes; "" skips it)
#   BENCH_HEAVY_REPEAT=3    runs per DR-heavy phase (interleaved with the floors; median reported)
#   BENCH_ALIBABA_N="100 1000" pair counts of the Alibaba EBS read-cost section ("" skips it)
#   BENCH_ONLY=heavy        run only the DR-heavy section and replace it in bench/results.md
#   BENCH_HW_N="100 1000"   group counts of the Huawei Cloud no-op plan API-call line ("" skips it)
#   BENCH_ONLY=alibaba      run only the Alibaba EBS read-cost section (about 30 s) and replace it
#   BENCH_ONLY=huaweicloud  run only the Huawei Cloud API-call section and replace it
#   BENCH_BEFORE=BIN        with BENCH_ONLY=heavy: another provider build measured beside this one
#   BENCH_ONLY=heavy5000    run only the DR-heavy scale section (apply once per N, then no-op plans:
#                           peak RSS, cost per resource) and replace it in bench/results.md
#   BENCH_SCALE_N="1000 5000" its resource counts; BENCH_SCALE_PLANS=3 its no-op plans per N
#   BENCH_SCALE_DIR=DIR     keep its applied workspaces there; BENCH_SCALE_REUSE=1 plans them again
#                           without applying (an N = 5,000 apply takes ~20 min on 2 CPUs)
#   BENCH_ONLY=latency      run only the "At cloud latency" section (issue 28: each vendor's emulator
#                           at BENCH_LATENCY per call, -parallelism=10, with the vendors' published
#                           rate limits) and replace it; BENCH_LATENCY_ONLY="alibaba-pairs,..." its
#                           scenarios (default all), BENCH_LATENCY_NOOP_N=1000 its no-op plans' N,
#                           BENCH_LATENCY=100ms, BENCH_LATENCY_SCALE=10 the emulators' time scale.
#                           Not part of the full run (its setups apply thousands of objects).
# Comparing two runs: the raw Go benchmark output is kept in bench/go-bench.txt; the previous
# one is moved to bench/go-bench.prev.txt and benchstat compares them.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
BENCH_N=${BENCH_N:-"100 500 1000"}
BENCH_REPEAT=${BENCH_REPEAT:-1}
BENCH_FANOUT=${BENCH_FANOUT:-100}
BENCHTIME=${BENCHTIME:-1s}
BENCH_COUNT=${BENCH_COUNT:-5}
BENCH_HEAVY_N=${BENCH_HEAVY_N-"300 999"}
BENCH_HEAVY_REPEAT=${BENCH_HEAVY_REPEAT:-3}
BENCH_ALIBABA_N=${BENCH_ALIBABA_N-"100 1000"}
BENCH_ONLY=${BENCH_ONLY:-}
BENCH_HW_N=${BENCH_HW_N-"100 1000"}
BENCH_BEFORE=${BENCH_BEFORE:-}
BENCH_SCALE_N=${BENCH_SCALE_N:-"1000 5000"}
BENCH_SCALE_PLANS=${BENCH_SCALE_PLANS:-3}
BENCH_SCALE_DIR=${BENCH_SCALE_DIR:-}
BENCH_SCALE_REUSE=${BENCH_SCALE_REUSE:-}
BENCH_LATENCY=${BENCH_LATENCY:-100ms}
BENCH_LATENCY_SCALE=${BENCH_LATENCY_SCALE:-10}
BENCH_LATENCY_ONLY=${BENCH_LATENCY_ONLY:-}
BENCH_LATENCY_NOOP_N=${BENCH_LATENCY_NOOP_N:-1000}
command -v terraform >/dev/null || { echo "bench: terraform is not on PATH" >&2; exit 1; }
mkdir -p bench
tmp=$(mktemp -d -t dr-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
out="$tmp/results.md"

echo "bench: building the provider, drbench and the trivial provider" >&2
make -s build
go build -o "$tmp/drbench" ./internal/bench/drbench
CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$tmp/trivialprovider" ./internal/bench/trivialprovider

heavy() {
  echo "bench: DR-heavy, N = $BENCH_HEAVY_N, $BENCH_HEAVY_REPEAT interleaved runs" >&2
  local before=()
  if [ -n "$BENCH_BEFORE" ]; then before=(-before "$BENCH_BEFORE"); fi
  "$tmp/drbench" heavy -provider "$root/terraform-provider-dr" -trivial "$tmp/trivialprovider" \
    -n "$BENCH_HEAVY_N" -repeat "$BENCH_HEAVY_REPEAT" "${before[@]}"
}

alibaba() {
  echo "bench: Alibaba EBS no-op plan API calls, N = $BENCH_ALIBABA_N" >&2
  "$tmp/drbench" alibaba -provider "$root/terraform-provider-dr" -n "$BENCH_ALIBABA_N"
}

huaweicloud() {
  echo "bench: Huawei Cloud API calls per no-op plan, N = $BENCH_HW_N" >&2
  "$tmp/drbench" huaweicloud -provider "$root/terraform-provider-dr" -n "$BENCH_HW_N"
}

scale() {
  echo "bench: DR-heavy at scale, N = $BENCH_SCALE_N, $BENCH_SCALE_PLANS no-op plans each (niced)" >&2
  local args=(-n "$BENCH_SCALE_N" -plans "$BENCH_SCALE_PLANS")
  if [ -n "$BENCH_SCALE_DIR" ]; then args+=(-dir "$BENCH_SCALE_DIR"); fi
  if [ -n "$BENCH_SCALE_REUSE" ]; then args+=(-reuse); fi
  nice -n 10 "$tmp/drbench" scale -provider "$root/terraform-provider-dr" "${args[@]}"
}

latency() {
  echo "bench: at cloud latency ($BENCH_LATENCY per call, time scale $BENCH_LATENCY_SCALE, no-op N = $BENCH_LATENCY_NOOP_N; niced)" >&2
  local before=()
  if [ -n "$BENCH_BEFORE" ]; then before=(-before "$BENCH_BEFORE"); fi
  nice -n 10 "$tmp/drbench" latency -provider "$root/terraform-provider-dr" -latency "$BENCH_LATENCY" \
    -scale "$BENCH_LATENCY_SCALE" -only "$BENCH_LATENCY_ONLY" -noop-n "$BENCH_LATENCY_NOOP_N" "${before[@]}"
}

if [ -n "$BENCH_ONLY" ]; then
  # Only one section: it replaces that section of bench/results.md (the exact heading, up to
  # the next "## " heading) or goes before the notes, and the notes are the current
  # bench/notes.md. The other sections keep the numbers of the last full run.
  case "$BENCH_ONLY" in
    heavy) heading="## DR-heavy"; heavy >"$tmp/section.md" ;;
    heavy5000) heading="## DR-heavy at scale"; scale >"$tmp/section.md" ;;
    alibaba) heading="## Alibaba Cloud EBS: API calls of a no-op plan"; alibaba >"$tmp/section.md" ;;
    huaweicloud) heading="## Huawei Cloud API calls per no-op plan"; huaweicloud >"$tmp/section.md" ;;
    latency) heading="## At cloud latency"; latency >"$tmp/section.md" ;;
    *) echo "bench: BENCH_ONLY is heavy, heavy5000, alibaba, huaweicloud or latency, not $BENCH_ONLY" >&2; exit 1 ;;
  esac
  stamp="_This section alone was measured on $(date -u +%Y-%m-%dT%H:%M:%SZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo none)$(git diff --quiet 2>/dev/null || echo ' + local changes'), $(nproc) CPUs; the other sections are from the last full run._"
  awk -v s="$stamp" 'NR == 2 { print; print s; print ""; next } { print }' "$tmp/section.md" >"$tmp/section2.md" && mv "$tmp/section2.md" "$tmp/section.md"
  touch bench/results.md
  awk -v f="$tmp/section.md" -v h="$heading" '
    function emit() { while ((getline l < f) > 0) print l; done = 1 }
    /^## Notes/ { if (!done) emit(); exit }
    $0 == h { emit(); skip = 1; next }
    skip && /^## / { skip = 0 }
    !skip { print }
    END { if (!done) emit() }' bench/results.md >"$tmp/results.md"
  if [ -f bench/notes.md ]; then cat bench/notes.md >>"$tmp/results.md"; fi
  cp "$tmp/results.md" bench/results.md
  cat "$tmp/section.md"
  echo "bench: replaced the ${heading#\#\# } section of bench/results.md" >&2
  exit 0
fi

{
  echo "# Benchmark results"
  echo
  echo "Written by \`make bench\` (scripts/bench.sh) on $(date -u +%Y-%m-%dT%H:%M:%SZ): $(go version | cut -d' ' -f3), $(terraform version | head -1),"
  echo "$(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')), commit $(git rev-parse --short HEAD 2>/dev/null || echo none)$(git diff --quiet 2>/dev/null || echo ' + local changes')."
  echo "The machine is shared, so absolute times drift between runs; ratios are measured side by side in one run."
  echo
} >"$out"

echo "bench: Go benchmarks (-benchtime $BENCHTIME -count $BENCH_COUNT)" >&2
go test -run '^$' -bench 'Benchmark(Plan|AllowedOperations|Check|Executor)_?' -benchmem -benchtime "$BENCHTIME" -count "$BENCH_COUNT" ./internal/lifecycle >"$tmp/go-bench.txt"
go test -run '^$' -bench 'BenchmarkSandbox' -benchmem -benchtime "$BENCHTIME" -count "$BENCH_COUNT" ./internal/platform/sandbox >>"$tmp/go-bench.txt"
[ -f bench/go-bench.txt ] && cp bench/go-bench.txt bench/go-bench.prev.txt
cp "$tmp/go-bench.txt" bench/go-bench.txt
benchstat=(go run golang.org/x/perf/cmd/benchstat@latest)
{
  echo "## Go benchmarks"
  echo
  echo "Engine (Plan, AllowedOperations, Check), executor (a full run against an in-memory driver with a fake clock: the executor's own overhead) and sandbox (one SQLite file; reads/s and transitions/s targets: ≥ 5,000 and ≥ 1,000). Median of $BENCH_COUNT runs by benchstat; raw output in bench/go-bench.txt."
  echo
  echo '```'
  if "${benchstat[@]}" -h >/dev/null 2>&1; then
    if [ -f bench/go-bench.prev.txt ]; then
      "${benchstat[@]}" old=bench/go-bench.prev.txt new=bench/go-bench.txt 2>&1 || true
    else
      "${benchstat[@]}" bench/go-bench.txt 2>&1 || true
    fi
  else
    echo "(benchstat could not be downloaded from the module proxy; raw results)"
    grep -E '^Benchmark' bench/go-bench.txt
  fi
  echo '```'
  echo
  reads=$(awk '/BenchmarkSandboxRead/ {for (i=1;i<=NF;i++) if ($(i+1)=="reads/s") print $i}' bench/go-bench.txt | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  trans=$(awk '/BenchmarkSandboxTransition/ {for (i=1;i<=NF;i++) if ($(i+1)=="transitions/s") print $i}' bench/go-bench.txt | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  echo "| sandbox | median | target | met |"
  echo "|---|---:|---:|:-:|"
  awk -v r="$reads" -v t="$trans" 'BEGIN {
    printf "| reads/s (GetPair) | %.0f | ≥ 5,000 | %s |\n", r, (r >= 5000 ? "yes" : "**no**");
    printf "| transitions/s (stop/start) | %.0f | ≥ 1,000 | %s |\n", t, (t >= 1000 ? "yes" : "**no**") }'
  echo
} >>"$out"

echo "bench: provider startup" >&2
{ echo "## Terraform CLI"; echo; } >>"$out"
"$tmp/drbench" startup -provider "$root/terraform-provider-dr" -trivial "$tmp/trivialprovider" -runs 30 >>"$out"
echo "bench: end to end, N = $BENCH_N" >&2
"$tmp/drbench" e2e -provider "$root/terraform-provider-dr" -n "$BENCH_N" -repeat "$BENCH_REPEAT" >>"$out"
if [ "$BENCH_FANOUT" != 0 ]; then
  echo "bench: fan-out ($BENCH_FANOUT pairs, 200 ms latency)" >&2
  "$tmp/drbench" fanout -provider "$root/terraform-provider-dr" -pairs "$BENCH_FANOUT" -latency 200ms >>"$out"
fi
if [ -n "$BENCH_HEAVY_N" ]; then heavy >>"$out"; fi
if [ -n "$BENCH_ALIBABA_N" ]; then alibaba >>"$out"; fi
if [ -n "$BENCH_HW_N" ]; then huaweicloud >>"$out"; fi
if [ -f bench/notes.md ]; then cat bench/notes.md >>"$out"; fi
cp "$out" bench/results.md
cat bench/results.md
echo "bench: wrote bench/results.md" >&2
