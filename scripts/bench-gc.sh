#!/usr/bin/env bash
# GC settings of the provider process at scale (bench/notes.md, "GOMEMLIMIT at 5,000 resources").
#   scripts/bench-gc.sh [N] [VARIANTS]
# applies N dr_sandbox_vault resources once (-parallelism=10, the provider's own GC defaults),
# then runs one no-op plan per variant over copies of that state and sandbox database, with
# GOMEMLIMIT set to the variant ("default" leaves it unset: the provider's own default; "off"
# disables the limit; "32MiB" etc. sets one). Per command it prints the wall time, the peak RSS
# and the CPU time of the provider processes (drbench's wrapper), and their GC cycles and peak
# HeapInuse (DR_PROVIDER_HEAPPROFILE's memstats). N=5000 takes ~20 minutes for the apply alone
# on 2 shared cores (Terraform's own state handling grows faster than linearly).
set -euo pipefail
N=${1:-2000}
VARIANTS=${2:-"default off default off"}
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d -t dr-bench-gc.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
CGO_ENABLED=0 go build -C "$root" -trimpath -ldflags "-s -w" -o "$tmp/terraform-provider-dr" .
go build -C "$root" -o "$tmp/drbench" ./internal/bench/drbench

# workspace DIR: a dev_overrides CLI configuration pointing at drbench as the provider wrapper
workspace() {
  mkdir -p "$1/wrap" "$1/w"
  ln -sf "$tmp/drbench" "$1/wrap/terraform-provider-dr"
  printf 'provider_installation {\n  dev_overrides {\n    "dr-provider/dr" = "%s"\n  }\n  direct {}\n}\n' "$1/wrap" >"$1/terraformrc"
}

# measure DIR LABEL GOMEMLIMIT ARGS...: run terraform ARGS in DIR/w and print one line
measure() {
  local dir=$1 label=$2 limit=$3; shift 3
  local d="$dir/$label"; mkdir -p "$d"
  (
    unset GOGC GOMEMLIMIT
    [ "$limit" = default ] || export GOMEMLIMIT=$limit
    export TF_CLI_CONFIG_FILE=$dir/terraformrc TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
    export DRBENCH_REAL_PROVIDER=$tmp/terraform-provider-dr DR_SANDBOX_TIME_SCALE=1000000 DR_SANDBOX_PATH=$dir/sb.db
    export DRBENCH_RSS_FILE=$d/rss DRBENCH_CPU_FILE=$d/cpu DR_PROVIDER_HEAPPROFILE=$d/heap.%p
    cd "$dir/w"
    start=$(date +%s.%N)
    terraform "$@" -no-color -input=false >"$d/out.txt" 2>&1 || [ $? = 2 ] || { tail -20 "$d/out.txt"; exit 1; }
    end=$(date +%s.%N)
    awk -v n="$N" -v label="$label" -v limit="$limit" -v wall="$(echo "$end - $start" | bc)" \
      'FILENAME ~ /rss$/ {if ($1 > rss) rss = $1; next}
       FILENAME ~ /cpu$/ {cpu += $1; next}
       /^NumGC/ {gc += $2}
       /^peak HeapInuse/ {if ($3 > heap) heap = $3}
       END {printf "N=%d %s GOMEMLIMIT=%s: wall %.1f s, peak RSS %d MiB, provider CPU %d ms, GC cycles %d, peak HeapInuse %d MiB\n",
            n, label, limit, wall, rss / 1024, cpu, gc, heap}' "$d/rss" "$d/cpu" "$d"/heap.*.memstats
  )
}

base="$tmp/base"; workspace "$base"
{
  printf 'terraform {\n  required_providers {\n    dr = { source = "dr-provider/dr" }\n  }\n}\nprovider "dr" {}\n'
  for i in $(seq 1 "$N"); do printf 'resource "dr_sandbox_vault" "v%d" {\n  region  = "cn-shanghai"\n  purpose = "backup"\n}\n' "$i"; done
} >"$base/w/main.tf"
measure "$base" apply default apply -auto-approve -parallelism=10
i=0
for v in $VARIANTS; do
  i=$((i + 1)); ws="$tmp/plan$i"; workspace "$ws"
  cp "$base/w/main.tf" "$base/w/terraform.tfstate" "$ws/w/"; cp "$base"/sb.db* "$ws/"
  measure "$ws" plan "$v" plan -detailed-exitcode -parallelism=10
  rm -rf "$ws"
done
