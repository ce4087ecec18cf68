# Stop replication; the standby rolls back to the last completed recovery point.
action "dr_replication_pair_stop" "example" {
  config {
    id      = dr_replication_pair.db.id
    timeout = "30m"
  }
}

# Check only: every check is run against the platform and reported; nothing changes.
action "dr_replication_pair_stop" "precheck" {
  config {
    id       = dr_replication_pair.db.id
    precheck = true
  }
}
