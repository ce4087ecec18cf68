# Rehearse failures against the sandbox: each fault is on while the resource exists.

# 30 % of all API calls are throttled (the provider retries them).
resource "dr_sandbox_fault" "throttling" {
  type = "transient_errors"
  rate = 0.3
}

# Every call on one replication pair takes 200 ms longer.
resource "dr_sandbox_fault" "slow_pair" {
  type      = "latency"
  latency   = "200ms"
  object_id = dr_replication_pair.db.id
}

# The next failover of a replication pair ends in error{failover}; the next apply retries it.
resource "dr_sandbox_fault" "failover_fails_once" {
  type      = "fail_next"
  kind      = "replication_pair"
  operation = "failover"
  times     = 1
}

# The secondary volume disappears out of band: the pair becomes invalid (delete-only).
resource "dr_sandbox_fault" "disk_removed" {
  type      = "volume_lost"
  object_id = dr_sandbox_volume.secondary.id
}

# The replication link of a protection group stops progressing: enable_protection and
# reprotect stall until this resource is destroyed (the group's timeouts decide how long
# an apply waits).
resource "dr_sandbox_fault" "link_down" {
  type      = "link_stall"
  kind      = "protection_group"
  object_id = dr_protection_group.app.id
}
