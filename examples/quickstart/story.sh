#!/usr/bin/env bash
# The DR story `make demo` tells, one `terraform apply` per chapter. Sourced by
# scripts/demo.sh, which provides `step` and `tf`.
set -euo pipefail

step "1. Set up: sites, servers, volumes, a replicated database, a protection group, a backup replica"
tf apply -auto-approve -compact-warnings

step "2. Outage: the production site goes down"
tf apply -auto-approve -compact-warnings -var source_site_healthy=false

step "3. Fail over the protection group to the DR site (protection is disabled by the failover, R002-3)"
tf apply -auto-approve -compact-warnings -var source_site_healthy=false -var protection=disabled -var active_site=target
tf output group

step "3a. The failover stopped the web server; power_state is not set, so Terraform leaves it stopped (no start at a site that is down)"
out=$(tf apply -auto-approve -compact-warnings -var source_site_healthy=false -var protection=disabled -var active_site=target)
echo "$out"
grep -q 'Resources: 0 added, 0 changed, 0 destroyed' <<<"$out" || { echo "unexpected: the apply changed something" >&2; exit 1; }
tf output web_server

step "3b. Reprotecting while the production site is still down is refused at plan time (R000-2)"
if tf plan -var source_site_healthy=false -var active_site=target; then
  echo "unexpected: the plan was accepted" >&2; exit 1
fi

step "4. The production site is restored"
tf apply -auto-approve -compact-warnings -var protection=disabled -var active_site=target

step "5. Reprotect: synchronise DR -> restored production site (R000-5; its servers are stopped, R000-4)"
tf apply -auto-approve -compact-warnings -var active_site=target

step "6. Fail back: a planned failover returns production to the source site (R000-6)"
tf apply -auto-approve -compact-warnings
tf output group

step "6b. Start the web server again: set power_state for one apply (an override file), then leave it to the platform"
printf 'resource "dr_sandbox_server" "web" {\n  power_state = "running"\n}\n' > start_web_override.tf
tf apply -auto-approve -compact-warnings
rm start_web_override.tf
tf plan -detailed-exitcode
tf output web_server

step "7. The database pair: fail over to the secondary volume, reprotect, switch back"
tf apply -auto-approve -compact-warnings -var db_active_site=secondary -var db_replication=paused
tf apply -auto-approve -compact-warnings -var db_active_site=secondary
tf apply -auto-approve -compact-warnings
tf output db_pair

step "8. A recovery-server drill: test failover, then back to standby"
tf apply -auto-approve -compact-warnings -var recovery_mode=test_failover
tf output recovery_server
tf apply -auto-approve -compact-warnings

step "9. Clean up"
tf destroy -auto-approve -compact-warnings
