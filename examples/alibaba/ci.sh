#!/usr/bin/env bash
# The CI job of the "Rehearse your vendor configuration in CI" guide: dr-emulator as a service
# process, its endpoint variables exported, and the story of tests/rehearsal.tftest.hcl (the
# estate from seed/) run by the CLI's own test command. TF=tofu runs it with OpenTofu.
set -euo pipefail
tf=${TF:-terraform}
dir=$(mktemp -d)

dr-emulator -db "$dir/sandbox.db" -listen 127.0.0.1:0 -env-file "$dir/emulator.env" 2>"$dir/emulator.log" &
emulator=$!
trap 'kill "$emulator"' EXIT
for _ in $(seq 100); do [ -s "$dir/emulator.env" ] && break; sleep 0.1; done
. "$dir/emulator.env" # ALICLOUD_EBS_ENDPOINT, ALICLOUD_ACCESS_KEY, …, DR_SANDBOX_PATH

"$tf" init
"$tf" test
