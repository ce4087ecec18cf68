# Failback: the recovery server is turned off and backed up (R004-3).
action "dr_recovery_server_failback" "example" {
  config {
    id      = dr_recovery_server.web.id
    timeout = "30m"
  }
}

# Check only: every check is run against the platform and reported; nothing changes.
action "dr_recovery_server_failback" "precheck" {
  config {
    id       = dr_recovery_server.web.id
    precheck = true
  }
}
