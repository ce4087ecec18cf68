# Reverse the replication direction after a failover: the active site replicates to the old one.
action "dr_replication_pair_reprotect" "example" {
  config {
    id      = dr_replication_pair.db.id
    timeout = "30m"
  }
}

# Check only: every check is run against the platform and reported; nothing changes.
action "dr_replication_pair_reprotect" "precheck" {
  config {
    id       = dr_replication_pair.db.id
    precheck = true
  }
}
