# Planned switchover: production moves to the standby site without data loss; replication continues
# in the reverse direction.
action "dr_replication_pair_switchover" "example" {
  config {
    id      = dr_replication_pair.db.id
    timeout = "30m"
  }
}

# Check only: every check is run against the platform and reported; nothing changes.
action "dr_replication_pair_switchover" "precheck" {
  config {
    id       = dr_replication_pair.db.id
    precheck = true
  }
}
