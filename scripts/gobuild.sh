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
# A shell loop, not awk: mawk (Debian's awk) reads a pipe in blocks, so its lines would all
# arrive when go build ends.
progress() {
  local n=0 step=1 loud=0 line est
  while IFS= read -r line; do
    case $line in
    *[\ :]* | '') # errors, warnings, download lines: pass through
      printf '%s\n' "$line"
      continue
      ;;
    esac
    n=$((n + 1)) # a compiled package: an import path alone on its line
    if [ "$loud" = 0 ] && [ "${total:-0}" -gt 40 ] && [[ ${line%%/*} != *.* ]]; then
      # a standard-library package (no dot in its first element): a cold build
      est=$(((total * 6 / cores + 5) / 10))
      printf '%s: compiling (from an empty Go build cache, up to %d packages: roughly %d min %02d s on %d cores; later builds take seconds)\n' \
        "$what" "$total" $((est / 60)) $((est % 60)) "$cores"
      step=$((total / 10))
      [ "$step" -ge 1 ] || step=1
      loud=1
    fi
    if [ "$loud" = 1 ] && [ $((n % step)) = 0 ]; then
      printf '%s: %d/%d packages compiled (%s), %ds\n' "$what" "$n" "$total" "$line" $(($(date +%s) - start))
    fi
  done
  if [ "$loud" = 1 ]; then
    printf '%s: compiled %d packages in %ds\n' "$what" "$n" $(($(date +%s) - start))
  fi
}
go build -v "$@" 2>&1 | progress
exit "${PIPESTATUS[0]}"
