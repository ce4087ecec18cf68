# Cancel the failover: production returns to the original site and the original replication
# direction, replication paused; what was written at the failed-over site since the failover is
# discarded.
action "dr_protection_group_revert_failover" "example" {
  config {
    id      = dr_protection_group.app.id
    timeout = "30m"

    # V-REVERT: needed only when revert_failover can lose data; prefer the safe alternative:
    # reprotect instead (the writes replicate back) and move production back once synchronised.
    # allow_data_loss = true
  }
}

# Check only: every check is run against the platform and reported; nothing changes.
action "dr_protection_group_revert_failover" "precheck" {
  config {
    id       = dr_protection_group.app.id
    precheck = true
  }
}
