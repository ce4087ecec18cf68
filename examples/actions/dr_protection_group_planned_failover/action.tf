# Planned failover (switchover): production moves to the other site without data loss; replication
# continues in the reverse direction.
action "dr_protection_group_planned_failover" "example" {
  config {
    id      = dr_protection_group.app.id
    timeout = "30m"
  }
}

# Check only: every check is run against the platform and reported; nothing changes.
action "dr_protection_group_planned_failover" "precheck" {
  config {
    id       = dr_protection_group.app.id
    precheck = true
  }
}
