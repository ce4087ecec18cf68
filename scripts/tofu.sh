#!/usr/bin/env bash
# scripts/tofu.sh — print the path of an OpenTofu CLI for the test matrix, building it once.
#
# OpenTofu's CLI is a Go module on the module proxy (github.com/opentofu/opentofu). `go install`
# refuses it (its go.mod has a replace directive), so this downloads the module, copies it to a
# writable temporary directory (the module cache is read-only) and runs `go build ./cmd/tofu`
# there. The build takes minutes on a small machine; the binary is cached and reused:
#   ${DR_TOOLS_CACHE:-$HOME/.cache/terraform-provider-dr}/tofu-<version>/tofu
# Exit status: 0 with the path on stdout; non-zero with the reason on stderr (e.g. no module proxy).
set -euo pipefail
version=${TOFU_VERSION:-1.12.6}
cache=${DR_TOOLS_CACHE:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/terraform-provider-dr}
dir="$cache/tofu-$version"
bin="$dir/tofu"

# The whole output first: with pipefail, `tofu version | head -n1` fails when head exits before
# tofu has written its last line (SIGPIPE), which made a good build look broken and deleted it.
works() {
  [ -x "$bin" ] || return 1
  local out
  out=$(CHECKPOINT_DISABLE=1 "$bin" version 2>/dev/null) || true
  case ${out%%$'\n'*} in *"OpenTofu v$version"*) return 0 ;; esac
  return 1
}

if works; then echo "$bin"; exit 0; fi
mkdir -p "$dir"
# One build at a time (concurrent `make test-matrix` runs on one machine wait for each other).
if command -v flock >/dev/null 2>&1; then
  exec 9>"$dir/.lock"
  flock 9
fi
if works; then echo "$bin"; exit 0; fi

start=$(date +%s)
echo "tofu.sh: building OpenTofu $version from github.com/opentofu/opentofu@v$version (once; cached in $dir)" >&2
json=$(go mod download -json "github.com/opentofu/opentofu@v$version") || {
  echo "tofu.sh: cannot download github.com/opentofu/opentofu@v$version from the Go module proxy" >&2; exit 1; }
src=$(printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
if [ -z "$src" ] || [ ! -d "$src" ]; then
  echo "tofu.sh: go mod download gave no module directory:" >&2; printf '%s\n' "$json" >&2; exit 1
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/tofu-src.XXXXXX")
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
cp -R "$src/." "$work/"
chmod -R u+w "$work"
(
  cd "$work"
  # GOFLAGS from the caller (e.g. -mod=vendor) must not leak into OpenTofu's own build.
  GOFLAGS=-mod=mod CGO_ENABLED=0 go build -trimpath \
    -ldflags "-s -w -X github.com/opentofu/opentofu/version.dev=no" -o "$work/tofu.bin" ./cmd/tofu
) >&2 || { echo "tofu.sh: go build ./cmd/tofu failed (OpenTofu $version)" >&2; exit 1; }
mv "$work/tofu.bin" "$bin"
works || { echo "tofu.sh: built binary does not report OpenTofu v$version:" >&2; "$bin" version >&2 || true; rm -f "$bin"; exit 1; }
echo "tofu.sh: built in $(( $(date +%s) - start ))s" >&2
echo "$bin"
