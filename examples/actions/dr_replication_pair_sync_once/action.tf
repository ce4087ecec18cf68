# Synchronise once: copy the active site's data to the standby site now (a new recovery point), then
# stay paused.
action "dr_replication_pair_sync_once" "example" {
  config {
    id      = dr_replication_pair.db.id
    timeout = "30m"
  }
}

# Check only: every check is run against the platform and reported; nothing changes.
action "dr_replication_pair_sync_once" "precheck" {
  config {
    id       = dr_replication_pair.db.id
    precheck = true
  }
}
