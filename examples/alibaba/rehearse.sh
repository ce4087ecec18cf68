#!/usr/bin/env bash
# Rehearse this configuration offline, against dr-emulator instead of Alibaba Cloud: seed the
# estate (seed/: two zones and a disk in each, on the sandbox platform in the emulator's
# database), then tell the story through the Terraform CLI — create the pair, an outage of
# cn-shanghai, failover to cn-beijing, the zone back, reprotect, fail back — and destroy.
# Each run works in a scratch copy (its own state), so rehearsals never touch a state of yours
# and several can run at once.
#
# Needs terraform (TF=tofu for OpenTofu) with the provider installed where `terraform init`
# finds it (make install), and dr-emulator (on PATH after make install, or DR_EMULATOR=path).
# DR_EMULATOR_URL=http://host:port uses an emulator that is already running instead of
# starting one; REHEARSAL_KEEP=1 keeps the scratch directory.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tf=${TF:-terraform}
export TF_IN_AUTOMATION=1 TF_INPUT=0 CHECKPOINT_DISABLE=1
emulator_flags=()

prepare_running_emulator() { :; }

# ---- the emulator, the scratch copy and the helpers (the same in every vendor example) ----
run_dir=$(mktemp -d "${TMPDIR:-/tmp}/dr-rehearsal.XXXXXX")
emu_pid=
cleanup() {
  if [ -n "$emu_pid" ]; then kill "$emu_pid" 2>/dev/null || true; wait "$emu_pid" 2>/dev/null || true; fi
  if [ -n "${REHEARSAL_KEEP:-}" ]; then echo "rehearse: kept $run_dir"; else rm -rf "$run_dir"; fi
}
trap cleanup EXIT
if [ -n "${DR_EMULATOR_URL:-}" ]; then
  curl -fsS "$DR_EMULATOR_URL/_emulator/env" >"$run_dir/emulator.env"
  prepare_running_emulator
else
  emu=${DR_EMULATOR:-$(command -v dr-emulator || echo "$here/../../dr-emulator")}
  [ -x "$emu" ] || { echo "rehearse: dr-emulator not found: run make install (or make build), or set DR_EMULATOR" >&2; exit 1; }
  "$emu" -db "$run_dir/sandbox.db" -listen 127.0.0.1:0 -env-file "$run_dir/emulator.env" \
    ${emulator_flags[@]+"${emulator_flags[@]}"} >/dev/null 2>"$run_dir/emulator.log" &
  emu_pid=$!
  for _ in $(seq 300); do
    [ -s "$run_dir/emulator.env" ] && break
    kill -0 "$emu_pid" 2>/dev/null || { cat "$run_dir/emulator.log" >&2; exit 1; }
    sleep 0.1
  done
  [ -s "$run_dir/emulator.env" ] || { echo "rehearse: dr-emulator did not start within 30s" >&2; exit 1; }
fi
# shellcheck source=/dev/null
. "$run_dir/emulator.env"
work=$run_dir/work
mkdir -p "$work/seed"
cp "$here"/*.tf "$work/"
cp "$here"/seed/*.tf "$work/seed/"

started=$(date +%s)
step() { printf '\n== %s\n' "$*"; }
# tf DIR COMMAND ARGS...: run the CLI quietly (its output only when it fails)
tf() {
  local dir=$1 cmd=$2; shift 2
  if ! "$tf" -chdir="$dir" "$cmd" -no-color "$@" >"$run_dir/tf.log" 2>&1; then
    cat "$run_dir/tf.log" >&2
    echo "rehearse: $tf $cmd $* failed (in $dir)" >&2
    exit 1
  fi
  case $cmd in apply | destroy) grep -E '^(Apply complete|Destroy complete|Warning: )' "$run_dir/tf.log" | sed 's/^/   /' || true ;; esac
}
expect() { # OUTPUT VALUE: the configuration's output must be VALUE
  local got
  got=$("$tf" -chdir="$work" output -raw "$1")
  [ "$got" = "$2" ] || { echo "rehearse: output $1 is \"$got\", want \"$2\"" >&2; exit 1; }
  echo "   $1 = $got"
}
seed() { tf "$work/seed" apply -auto-approve "$@"; }
dr() { tf "$work" apply -auto-approve -compact-warnings "$@"; }
seed_output() { "$tf" -chdir="$work/seed" output -raw "$1"; }
tf "$work/seed" init
tf "$work" init
# ---- end of the common part ----

# ---- the story ----
step "Seed the estate: zones cn-shanghai-b and cn-beijing-h, a 40 GiB disk in each"
seed
printf 'primary_disk_id   = "%s"\nsecondary_disk_id = "%s"\n' "$(seed_output primary_disk_id)" "$(seed_output secondary_disk_id)" \
  >"$work/estate.auto.tfvars"

step "1. Create the replica pair cn-shanghai -> cn-beijing, replicating"
dr
expect pair_status replicating
expect active_site primary

step "2. Outage: cn-shanghai-b goes down"
seed -var primary_zone_healthy=false

step "3. Fail over to cn-beijing (forced: EBS does not report zone health, so allow_data_loss)"
dr -var replication=paused -var active_site=secondary -var allow_data_loss=true
expect pair_status failed_over
expect active_site secondary

step "4. cn-shanghai-b is back"
seed

step "5. Reprotect: replicate cn-beijing -> cn-shanghai"
dr -var active_site=secondary
expect pair_status replicating
expect direction secondary_to_primary

step "6. Fail back to cn-shanghai (EBS has no planned switchover: pause, fail over, reprotect)"
dr -var replication=paused -var active_site=primary -var allow_data_loss=true
expect active_site primary
dr
expect pair_status replicating
expect direction primary_to_secondary

step "7. Destroy the DR configuration, then the estate"
tf "$work" destroy -auto-approve
tf "$work/seed" destroy -auto-approve

printf '\nRehearsal passed in %ss.\n' "$(($(date +%s) - started))"
