# Cancel the failback: the recovery server returns to failover (R004-5).
action "dr_recovery_server_cancel_failback" "example" {
  config {
    id      = dr_recovery_server.web.id
    timeout = "30m"
  }
}

# Check only: every check is run against the platform and reported; nothing changes.
action "dr_recovery_server_cancel_failback" "precheck" {
  config {
    id       = dr_recovery_server.web.id
    precheck = true
  }
}
