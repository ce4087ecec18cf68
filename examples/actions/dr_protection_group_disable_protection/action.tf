# Disable protection: replication of every pair stops.
action "dr_protection_group_disable_protection" "example" {
  config {
    id      = dr_protection_group.app.id
    timeout = "30m"
  }
}

# Check only: every check is run against the platform and reported; nothing changes.
action "dr_protection_group_disable_protection" "precheck" {
  config {
    id       = dr_protection_group.app.id
    precheck = true
  }
}
