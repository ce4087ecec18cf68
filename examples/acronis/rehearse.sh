#!/usr/bin/env bash
# Rehearse this configuration offline, against dr-emulator instead of Acronis Cyber Protect
# Cloud: seed the estate (seed/: the protected machine, its backup and the recovery server a
# person made in the console, on the sandbox platform in the emulator's database), then tell
# the story through the Terraform CLI — adopt the recovery server, a test failover and back,
# an outage of the machine's site, a production failover, the site back, the failback and its
# confirmation in the console (the seed plays the person: the DR API v2 has no call for them)
# — and stop managing it. Each run works in a scratch copy (its own state), so rehearsals
# never touch a state of yours and several can run at once.
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
step "Seed the estate: machine web at its office site, its cloud backup, the console's recovery server"
seed
printf 'machine_id = "%s"\n' "$(seed_output machine_id)" >"$work/estate.auto.tfvars"

step "1. Take the console's recovery server under management (standby)"
dr
expect status standby

step "2. Test failover, then back to standby"
dr -var mode=test_failover
expect status testing
dr -var mode=standby
expect status standby

step "3. Outage: web's office site goes down"
seed -var site_healthy=false

step "4. Production failover to the cloud"
dr -var mode=failover
expect status failed_over

step "5. The office site is back"
seed

step "6. Failback, in the Acronis console (the seed plays the person); the plan observes it"
seed -var console_mode=ready_for_failback
dr -var mode=ready_for_failback
expect status ready_for_failback

step "7. Confirm the failback, in the console"
seed -var console_mode=standby
dr
expect status standby

step "8. Stop managing the recovery server (the DR API v2 cannot delete one), then destroy the estate"
"$tf" -chdir="$work" state rm dr_recovery_server.web >/dev/null
tf "$work" destroy -auto-approve
tf "$work/seed" destroy -auto-approve

printf '\nRehearsal passed in %ss.\n' "$(($(date +%s) - started))"
