#!/usr/bin/env bash
# Rehearse this configuration offline, against dr-emulator instead of Huawei Cloud: seed the
# estate (seed/: the AZs, an ECS server with a disk, a CBR backup and a replication vault in
# cn-east-3, on the sandbox platform in the emulator's database; the VPC, the active-active
# domain and cn-east-3's project are dr-emulator's flags), then tell the story through the
# Terraform CLI — create the protection group and the backup replica, enable protection, an
# outage of the production AZ, failover, the AZ back, reprotect, a planned failover back — and
# destroy. Each run works in a scratch copy (its own state), so rehearsals never touch a state
# of yours and several can run at once.
#
# Needs terraform (TF=tofu for OpenTofu) with the provider installed where `terraform init`
# finds it (make install), and dr-emulator (on PATH after make install, or DR_EMULATOR=path).
# DR_EMULATOR_URL=http://host:port uses an emulator that is already running instead of
# starting one (the VPC, domain and project are then made through its admin endpoint);
# REHEARSAL_KEEP=1 keeps the scratch directory.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tf=${TF:-terraform}
export TF_IN_AUTOMATION=1 TF_INPUT=0 CHECKPOINT_DISABLE=1
east_project=e0b97bac532c4c5196fa4b3a32253be4 # cn-east-3's own project ID (project IDs are per region)
emulator_flags=(-huaweicloud-vpc vpc-prod=prod -huaweicloud-domain dom-cn-north-4=cn-north-4a,cn-north-4b
  -huaweicloud-region-project "cn-east-3=$east_project")

prepare_running_emulator() { # the same networking through the admin endpoint (409: it exists)
  local admin=$DR_EMULATOR_URL/_emulator/huaweicloud code
  for req in "POST vpcs {\"id\":\"vpc-prod\",\"name\":\"prod\"}" \
    "POST domains {\"id\":\"dom-cn-north-4\",\"local_az\":\"cn-north-4a\",\"remote_az\":\"cn-north-4b\"}" \
    "PUT projects {\"region\":\"cn-east-3\",\"project_id\":\"$east_project\"}"; do
    read -r method path body <<<"$req"
    code=$(curl -sS -o /dev/null -w '%{http_code}' -X "$method" -d "$body" "$admin/$path")
    case $code in 200 | 201 | 409) ;; *) echo "rehearse: $method $admin/$path: HTTP $code" >&2; exit 1 ;; esac
  done
  curl -fsS "$DR_EMULATOR_URL/_emulator/env" >"$run_dir/emulator.env" # now with HW_REGION_PROJECT_IDS
}

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
step "Seed the estate: AZs cn-north-4a/4b and cn-east-3a, server web with a disk, its CBR backup, a replication vault"
seed
cat >"$work/estate.auto.tfvars" <<TFVARS
region           = "cn-north-4"
production_az    = "cn-north-4a"
dr_az            = "cn-north-4b"
vpc_id           = "vpc-prod"
server_ids       = ["$(seed_output server_id)"]
backup_id        = "$(seed_output backup_id)"
replica_region   = "cn-east-3"
replica_vault_id = "$(seed_output replica_vault_id)"
TFVARS

step "1. Create the SDRS protection group (protecting web) and the CBR replica in cn-east-3"
dr
expect group_status configured
expect replica_status available

step "2. Enable protection (a second apply: the pairs SDRS made for web's disk are now known)"
dr -var protection=enabled
expect group_status replicating
expect active_site source

step "3. Outage: the production AZ cn-north-4a goes down"
seed -var production_az_healthy=false

step "4. Fail over to cn-north-4b (protection is disabled by the failover)"
dr -var active_site=target -var protection=disabled -var allow_data_loss=true
expect group_status failed_over
expect active_site target

step "5. cn-north-4a is back"
seed

step "6. Reprotect: replicate cn-north-4b -> cn-north-4a"
dr -var active_site=target -var protection=enabled
expect group_status replicating
expect active_site target

step "7. Fail back: a planned failover returns production to cn-north-4a"
dr -var protection=enabled
expect group_status replicating
expect active_site source

step "8. Destroy the DR configuration, then the estate"
tf "$work" destroy -auto-approve -var protection=enabled
# Unprotecting web kept the DR-site server and disk SDRS made for it (as on Huawei Cloud, where
# you delete them with ECS): the DR AZ still holds them, so the seed forgets it instead of
# deleting it.
"$tf" -chdir="$work/seed" state rm dr_sandbox_site.dr >/dev/null
tf "$work/seed" destroy -auto-approve

printf '\nRehearsal passed in %ss.\n' "$(($(date +%s) - started))"
