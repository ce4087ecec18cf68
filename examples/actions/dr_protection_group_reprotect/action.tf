# Reprotect after a failover: synchronise the active (DR) site to the restored site and enable
# protection in the reversed direction.
action "dr_protection_group_reprotect" "example" {
  config {
    id      = dr_protection_group.app.id
    timeout = "30m"
  }
}

# Check only: every check is run against the platform and reported; nothing changes.
action "dr_protection_group_reprotect" "precheck" {
  config {
    id       = dr_protection_group.app.id
    precheck = true
  }
}
