#!/usr/bin/env bash
# go build, saying what it compiles when that takes a while (make build, make install, make demo).
#
# Usage: scripts/gobuild.sh WHAT [go build arguments…]   (the package last)
#
# On a fresh machine the Go build cache is empty and go build compiles every package the
# binary needs — about 560 for the provider, standard library included — which takes two to
# three minutes on two cores, silently. go build -v names each package as it compiles it, and
# none it takes from the cache; this script watches them: when the standard library itself is
# being compiled (a cold cache, a new Go version, other build flags), it says so with the number
# of packages and the expected time, then prints a line every tenth of the way and the total at
# the end. A build from a warm cache (only the project's changed packages) prints nothing more
# than go build does. Errors and download lines pass through unchanged.
set -euo pipefail
what=$1
shift
pkg=${*: -1}
total=$(go list -deps "$pkg" | wc -l) # (go list prints its module downloads)
cores=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)
# measured on the project's 2-core machines: 0.6 s of one core per package, on average
start=$(date +%s)
go build -v "$@" 2>&1 | awk -v what="$what" -v total="${total:-0}" -v cores="$cores" -v start="$start" '
function now() { "date +%s" | getline t; close("date +%s"); return t }
# a compiled package: an import path alone on its line; anything else (errors, downloads) passes
!/^[^ :]+$/ { print; fflush(); next }
{
  n++
  split($0, el, "/")
  if (!loud && el[1] !~ /\./ && total > 40) { # a standard-library package: a cold build
    est = int(total * 0.6 / cores + 0.5)
    printf "%s: compiling (from an empty Go build cache, up to %d packages: roughly %d min %02d s on %d cores; later builds take seconds)\n", what, total, int(est / 60), est % 60, cores
    step = int(total / 10); if (step < 1) step = 1
    loud = 1
  }
  if (loud && n % step == 0) {
    printf "%s: %d/%d packages compiled (%s), %ds\n", what, n, total, $0, now() - start
  }
  fflush()
}
END {
  if (loud) printf "%s: compiled %d packages in %ds\n", what, n, now() - start
}'
exit "${PIPESTATUS[0]}"
