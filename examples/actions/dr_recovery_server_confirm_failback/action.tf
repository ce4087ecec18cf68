# Confirm the failback: the cloud resources are released (R004-4).
action "dr_recovery_server_confirm_failback" "example" {
  config {
    id      = dr_recovery_server.web.id
    timeout = "30m"
  }
}

# Check only: every check is run against the platform and reported; nothing changes.
action "dr_recovery_server_confirm_failback" "precheck" {
  config {
    id       = dr_recovery_server.web.id
    precheck = true
  }
}
