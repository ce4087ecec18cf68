#!/usr/bin/env bash
# make test-matrix: the acceptance suite (every package whose tests drive a Terraform CLI) on
# three CLIs, one pass each:
#   1. the terraform on PATH (what `make test` uses; 1.11.4 on the project machines)
#   2. Terraform 1.15.9 from ../shared/tools/terraform/ (beside the repository; read-only)
#   3. OpenTofu 1.12.6, built once from its Go module by scripts/tofu.sh and cached
# Each pass prints its own "LABEL: N passed, N failed, N skipped" line; the last line is the
# combined plain "N passed, N failed, N skipped". A pass whose CLI is unavailable (no shared/
# folder beside the clone, no module proxy for the OpenTofu build) is reported on one
# "SKIPPED pass ..." line and listed as "not run" in the summary. Exit status is non-zero if any
# pass failed.
#
# Settings (environment): MATRIX_PKGS (packages; default: discovered), MATRIX_PASSES (default
# "path tf115 tofu"), TEST_TIMEOUT (per pass, default 30m), TESTARGS (extra go test flags),
# DR_TOOLS_CACHE (where CLIs are installed/built, default ~/.cache/terraform-provider-dr),
# DR_MATRIX_OUT (log directory, default a temp dir), DR_TALLY_APPEND (also append each pass's
# counts to this testsummary tally file; .ci/run uses it for its closing line).
# TF_ACC_TERRAFORM_VERSION is removed from the environment: it makes terraform-plugin-testing
# download a CLI.
set -uo pipefail
cd "$(dirname "$0")/.."

cache=${DR_TOOLS_CACHE:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/terraform-provider-dr}
shared_tf=../shared/tools/terraform
out=${DR_MATRIX_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/dr-test-matrix.XXXXXX")}
mkdir -p "$out"
tally="$out/tally.tsv"
: > "$tally"
passes=${MATRIX_PASSES:-path tf115 tofu}
timeout=${TEST_TIMEOUT:-30m}
unset TF_ACC_TERRAFORM_VERSION TF_ACC_PROVIDER_HOST TF_ACC_PROVIDER_NAMESPACE
# The CLI configuration file named by TF_CLI_CONFIG_FILE must exist, or every CLI call warns
# (as in scripts/tf-check.sh).
cfg=${TF_CLI_CONFIG_FILE:-${HOME:-/tmp}/.terraformrc}
[ -e "$cfg" ] || { mkdir -p "$(dirname "$cfg")" && : >"$cfg"; }

# The acceptance packages: tests that import terraform-plugin-testing's helper/resource, or
# that run the CLI themselves and honour TF_ACC_TERRAFORM_PATH.
if [ -z "${MATRIX_PKGS:-}" ]; then
  MATRIX_PKGS=$( {
    go list -f '{{.ImportPath}}{{range .TestImports}} {{.}}{{end}}{{range .XTestImports}} {{.}}{{end}}' ./... |
      awk '/terraform-plugin-testing\/helper\/resource/ {print $1}'
    grep -rl --include='*_test.go' 'TF_ACC_TERRAFORM_PATH' . | xargs -r -n1 dirname | sort -u |
      while read -r d; do go list "$d"; done
  } | sort -u | tr '\n' ' ')
fi
echo "== test-matrix: packages: $MATRIX_PKGS"
echo "== test-matrix: logs in $out"

summary="$out/testsummary"
go build -o "$summary" ./internal/cmd/testsummary || { echo "test-matrix: cannot build internal/cmd/testsummary" >&2; exit 1; }

failed=0

skip_pass() { # label reason
  "$summary" -skip-pass "$1" -reason "$2" -tally "$tally"
}

cli_version() { # path -> x.y.z (Terraform and OpenTofu both report terraform_version)
  "$1" version -json 2>/dev/null | sed -n 's/.*"terraform_version": *"\([^"]*\)".*/\1/p' | head -n1
}

run_pass() { # label slug cli [VAR=value ...]
  local label=$1 slug=$2 cli=$3; shift 3
  echo "== test-matrix pass: $label ($cli)"
  local start rc
  start=$(date +%s)
  # shellcheck disable=SC2086
  env TF_ACC=1 TF_ACC_TERRAFORM_PATH="$cli" "$@" \
    go test $MATRIX_PKGS -count=1 -timeout "$timeout" -json ${TESTARGS:-} >"$out/$slug.json" 2>"$out/$slug.err"
  rc=$?
  "$summary" -label "$label" -tally "$tally" <"$out/$slug.json"
  if [ $rc -ne 0 ]; then
    failed=1
    echo "test-matrix: pass $label: go test exited $rc after $(( $(date +%s) - start ))s; stderr tail:"
    tail -n 20 "$out/$slug.err"
  fi
}

for p in $passes; do
  case $p in
  path)
    if cli=$(command -v terraform); then
      v=$(cli_version "$cli")
      run_pass "terraform ${v:-?} (PATH)" path "$cli"
    else
      skip_pass "terraform (PATH)" "no terraform on PATH"
    fi
    ;;
  tf115)
    if [ -x "$shared_tf/install.sh" ] && cli=$("$shared_tf/install.sh" "$cache/terraform-1.15.9" 2>"$out/tf115-install.err"); then
      run_pass "terraform $(cli_version "$cli")" tf115 "$cli"
    elif [ -e "$shared_tf" ]; then
      skip_pass "terraform 1.15.9" "$shared_tf/install.sh failed: $(tail -n1 "$out/tf115-install.err" 2>/dev/null)"
      failed=1 # the folder is there but broken: that is an error, not an absent tool
    else
      skip_pass "terraform 1.15.9" "$shared_tf/ not found beside the repository"
    fi
    ;;
  tofu)
    t0=$(date +%s)
    echo "== test-matrix: OpenTofu 1.12.6 (scripts/tofu.sh; the first build takes several minutes, then it is cached)"
    if cli=$(./scripts/tofu.sh 2>"$out/tofu-build.log"); then
      echo "   $cli ready in $(( $(date +%s) - t0 ))s"
      # OpenTofu's default registry host is registry.opentofu.org: an unqualified provider
      # (hashicorp/dr) resolves there, so the reattached provider must be registered there.
      run_pass "opentofu $(cli_version "$cli")" tofu "$cli" TF_ACC_PROVIDER_HOST=registry.opentofu.org
    else
      skip_pass "opentofu 1.12.6" "$(tail -n1 "$out/tofu-build.log") (log: $out/tofu-build.log)"
    fi
    ;;
  *)
    echo "test-matrix: unknown pass $p (known: path tf115 tofu)" >&2; exit 2
    ;;
  esac
done

if [ -n "${DR_TALLY_APPEND:-}" ]; then
  cat "$tally" >>"$DR_TALLY_APPEND"
fi
echo "== test-matrix summary"
"$summary" -total "$tally" || failed=1
exit $failed
