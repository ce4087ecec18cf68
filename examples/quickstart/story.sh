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

step "3b. Reprotecting while the production site is still down is refused at plan time (R000-2)"
if tf plan -var source_site_healthy=false -var active_site=target -var web_power=stopped; then
  echo "unexpected: the plan was accepted" >&2; exit 1
fi

step "4. The production site is restored"
tf apply -auto-approve -compact-warnings -var protection=disabled -var active_site=target -var web_power=stopped

step "5. Reprotect: synchronise DR -> restored production site (R000-5)"
tf apply -auto-approve -compact-warnings -var active_site=target -var web_power=stopped

step "6. Fail back: a planned failover returns production to the source site (R000-6)"
tf apply -auto-approve -compact-warnings -var web_power=stopped
tf apply -auto-approve -compact-warnings
tf output group

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
