# Stop the DR drill and clean up its test resources.
action "dr_protection_group_stop_drill" "example" {
  config {
    id      = dr_protection_group.app.id
    timeout = "30m"
  }
}

# Check only: every check is run against the platform and reported; nothing changes.
action "dr_protection_group_stop_drill" "precheck" {
  config {
    id       = dr_protection_group.app.id
    precheck = true
  }
}
