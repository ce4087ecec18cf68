# Enable protection: the group's pairs start replicating (the first full synchronisation happens
# here).
action "dr_protection_group_enable_protection" "example" {
  config {
    id      = dr_protection_group.app.id
    timeout = "30m"
  }
}

# Check only: every check is run against the platform and reported; nothing changes.
action "dr_protection_group_enable_protection" "precheck" {
  config {
    id       = dr_protection_group.app.id
    precheck = true
  }
}
