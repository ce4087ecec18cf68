#!/usr/bin/env bash
# make demo: run the quickstart DR story with the freshly built provider against a sandbox
# database in a temporary directory. No registry or network access: a throwaway Terraform CLI
# configuration points the provider's address at the build (dev_overrides).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin="$root/terraform-provider-dr"
[ -x "$bin" ] || { echo "demo: $bin missing; run 'make build'" >&2; exit 1; }

work=$(mktemp -d -t dr-demo.XXXXXX)
trap 'rm -rf "$work"' EXIT
cat > "$work/terraformrc" <<RC
provider_installation {
  dev_overrides {
    "dr-provider/dr" = "$root"
  }
  direct {}
}
RC
export TF_CLI_CONFIG_FILE="$work/terraformrc"
export TF_IN_AUTOMATION=1
export CHECKPOINT_DISABLE=1
export DR_SANDBOX_PATH="$work/sandbox/sandbox.db"
# The sandbox runs on its default clock (time_scale 600) unless DR_SANDBOX_TIME_SCALE is set.
cp -R "$root/examples/quickstart/." "$work/"
cd "$work"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
tf() {
  terraform "$@" -no-color 2>&1 | grep -v -E \
    -e 'Refreshing state|Reading\.\.\.|Read complete|Still (creating|modifying)' \
    -e 'Provider development overrides|provider development overrides|dr-provider/dr in /|skip terraform init|published releases|may not match any released|applying changes may cause|^configuration:$|with published' \
    -e 'compact-warnings|^  on main.tf line|^[│╷╵ ]*$|^Terraform used the selected|^plan. Resource actions|symbols:$|^  [~+-] (update|create|destroy)' |
    awk '/^Terraform will perform the following actions:/ {skip=1; next} /^(Plan|Changes to Outputs):/ {skip=0} /^Changes to Outputs:/ {skip=2; next} skip==2 && /^[A-Za-z]/ {skip=0} !skip'
  return "${PIPESTATUS[0]}"
}

start=$(date +%s)
if [ -x "$work/story.sh" ]; then
  # shellcheck source=/dev/null
  . "$work/story.sh"
else
  step "terraform apply"
  tf apply -auto-approve
  step "terraform destroy"
  tf destroy -auto-approve
fi
printf '\nDemo finished in %ss.\n' "$(( $(date +%s) - start ))"
