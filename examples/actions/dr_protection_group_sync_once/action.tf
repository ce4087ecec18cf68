# Synchronise once: copy the active site's data to the standby site now (a new recovery point), then
# stay paused.
action "dr_protection_group_sync_once" "example" {
  config {
    id      = dr_protection_group.app.id
    timeout = "30m"
  }
}

# Check only: every check is run against the platform and reported; nothing changes.
action "dr_protection_group_sync_once" "precheck" {
  config {
    id       = dr_protection_group.app.id
    precheck = true
  }
}
