# Stop the DR drill and delete its test copy (Alibaba EBS: the drill disk).
action "dr_replication_pair_stop_drill" "example" {
  config {
    id      = dr_replication_pair.db.id
    timeout = "30m"
  }
}

# Check only: every check is run against the platform and reported; nothing changes.
action "dr_replication_pair_stop_drill" "precheck" {
  config {
    id       = dr_replication_pair.db.id
    precheck = true
  }
}
