# Start a DR drill: a test copy of the standby volume from the last recovery point (Alibaba EBS: a
# pay-as-you-go drill disk in the standby zone); replication continues.
action "dr_replication_pair_start_drill" "example" {
  config {
    id      = dr_replication_pair.db.id
    timeout = "30m"
  }
}

# Check only: every check is run against the platform and reported; nothing changes.
action "dr_replication_pair_start_drill" "precheck" {
  config {
    id       = dr_replication_pair.db.id
    precheck = true
  }
}
