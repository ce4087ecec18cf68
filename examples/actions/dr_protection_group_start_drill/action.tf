# Start a DR drill: a test copy at the standby site from the last recovery point; replication
# continues.
action "dr_protection_group_start_drill" "example" {
  config {
    id      = dr_protection_group.app.id
    timeout = "30m"
  }
}

# Check only: every check is run against the platform and reported; nothing changes.
action "dr_protection_group_start_drill" "precheck" {
  config {
    id       = dr_protection_group.app.id
    precheck = true
  }
}
