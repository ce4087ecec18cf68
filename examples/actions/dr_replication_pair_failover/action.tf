# Unplanned failover: the standby volume becomes read/write and serves production; replication
# stops.
action "dr_replication_pair_failover" "example" {
  config {
    id      = dr_replication_pair.db.id
    timeout = "30m"

    # R002-8: needed only when failover can lose data; prefer the safe alternative:
    # use switchover (a planned failover without data loss).
    # allow_data_loss = true
  }
}

# Check only: every check is run against the platform and reported; nothing changes.
action "dr_replication_pair_failover" "precheck" {
  config {
    id       = dr_replication_pair.db.id
    precheck = true
  }
}
