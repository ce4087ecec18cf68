# Start (or resume) replication from the active site to the standby site.
action "dr_replication_pair_start" "example" {
  config {
    id      = dr_replication_pair.db.id
    timeout = "30m"
  }
}

# Check only: every check is run against the platform and reported; nothing changes.
action "dr_replication_pair_start" "precheck" {
  config {
    id       = dr_replication_pair.db.id
    precheck = true
  }
}
