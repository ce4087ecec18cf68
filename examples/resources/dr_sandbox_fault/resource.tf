# Rehearse failures against the sandbox: each fault is on while the resource exists.

# 30 % of all API calls are throttled (the provider retries them).
resource "dr_sandbox_fault" "throttling" {
  type = "transient_errors"
  rate = 0.3
}

# Every call on replication pairs takes 200 ms longer (object_id narrows it to one pair).
resource "dr_sandbox_fault" "slow_pairs" {
  type    = "latency"
  latency = "200ms"
  kind    = "replication_pair"
}

# The next failover of a replication pair ends in error{failover}; the next apply retries it.
resource "dr_sandbox_fault" "failover_fails_once" {
  type      = "fail_next"
  kind      = "replication_pair"
  operation = "failover"
  times     = 1
}

resource "dr_sandbox_site" "dr" {
  region = "cn-shanghai"
  zone   = "cn-shanghai-b"
}

resource "dr_sandbox_volume" "secondary" {
  site_id = dr_sandbox_site.dr.id
  size_gb = 100
}

# The volume disappears out of band: a pair using it becomes invalid (delete-only).
resource "dr_sandbox_fault" "disk_removed" {
  type      = "volume_lost"
  object_id = dr_sandbox_volume.secondary.id
}

# The replication links of protection groups stop progressing: enable_protection and
# reprotect stall until this resource is destroyed (the group's timeouts decide how long an
# apply waits). object_id narrows it to one group.
resource "dr_sandbox_fault" "link_down" {
  type = "link_stall"
  kind = "protection_group"
}
