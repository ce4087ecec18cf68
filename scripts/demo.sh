#!/usr/bin/env bash
# make demo: run the quickstart DR story with the freshly built provider against a sandbox
# database in a temporary directory. No registry or network access: a throwaway Terraform CLI
# configuration installs the build from a filesystem mirror in that directory, the way
# `make install` puts it in the implied local mirror — so the CLI says nothing about
# development overrides, and the story's output is Terraform's and the provider's only.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin="$root/terraform-provider-dr"
[ -x "$bin" ] || { echo "demo: $bin missing; run 'make build'" >&2; exit 1; }
version=${DR_MIRROR_VERSION:-0.1.0}
os_arch="$(go env GOOS)_$(go env GOARCH)"

work=$(mktemp -d -t dr-demo.XXXXXX)
trap 'rm -rf "$work"' EXIT
mirror="$work/plugins/registry.terraform.io/dr-provider/dr/$version/$os_arch"
mkdir -p "$mirror"
cp "$bin" "$mirror/terraform-provider-dr_v$version"
cat > "$work/terraformrc" <<RC
provider_installation {
  filesystem_mirror {
    path    = "$work/plugins"
    include = ["registry.terraform.io/dr-provider/dr"]
  }
}
RC
export TF_CLI_CONFIG_FILE="$work/terraformrc"
export TF_IN_AUTOMATION=1
export CHECKPOINT_DISABLE=1
export DR_SANDBOX_PATH="$work/sandbox/sandbox.db"
# The sandbox runs on its default clock (time_scale 600) unless DR_SANDBOX_TIME_SCALE is set.
mkdir -p "$work/story"
cp -R "$root/examples/quickstart/." "$work/story/"
cd "$work/story"
if ! init_out=$(terraform init -input=false -no-color 2>&1); then
  echo "$init_out" >&2
  exit 1
fi
log="$work/output.log"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
tf() {
  terraform "$@" -no-color 2>&1 | tee -a "$log" | grep -v -E \
    -e 'Refreshing state|Reading\.\.\.|Read complete|Still (creating|modifying)' \
    -e 'compact-warnings|^  on main.tf line|^[│╷╵ ]*$|^Terraform used the selected|^plan. Resource actions|symbols:$|^  [~+-] (update|create|destroy)' |
    awk '/^Terraform will perform the following actions:/ {skip=1; next} /^(Plan|Changes to Outputs):/ {skip=0} /^Changes to Outputs:/ {skip=2; next} skip==2 && /^[A-Za-z]/ {skip=0} !skip'
  return "${PIPESTATUS[0]}"
}

# The story's output must not print a bare "Warnings:" header (one whose warnings were all
# filtered or empty): a warning is shown in full, or not at all.
check_output() {
  if awk '/^Warnings:$/ {h=NR; next} h && NF {if ($0 !~ /^- /) {print "line " h ": an empty Warnings: header"; bad=1}; h=0} END {exit bad}' "$log"; then
    return 0
  fi
  echo "demo: the output has an empty warning header (see above)" >&2
  return 1
}

start=$(date +%s)
if [ -x "$work/story/story.sh" ]; then
  # shellcheck source=/dev/null
  . "$work/story/story.sh"
else
  step "terraform apply"
  tf apply -auto-approve
  step "terraform destroy"
  tf destroy -auto-approve
fi
check_output
printf '\nDemo finished in %ss.\n' "$(( $(date +%s) - start ))"
