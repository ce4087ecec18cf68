#!/usr/bin/env bash
# The commands of the "Rehearse DR in CI with terraform test" guide: the rehearsal of this
# module on the sandbox platform, with the provider installed as a released one (no
# dev_overrides). TF=tofu runs it with OpenTofu.
set -euo pipefail
tf=${TF:-terraform}

export DR_SANDBOX_PATH="$PWD/.sandbox/sandbox.db" # a fresh file per CI job
export DR_SANDBOX_TIME_SCALE=3600                 # a one-hour initial sync takes a second
"$tf" init && "$tf" test                          # or: TF=tofu
