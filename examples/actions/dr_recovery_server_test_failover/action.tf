# Start a test failover: a temporary VM for testing (R004-7).
action "dr_recovery_server_test_failover" "example" {
  config {
    id      = dr_recovery_server.web.id
    timeout = "30m"
  }
}

# Check only: every check is run against the platform and reported; nothing changes.
action "dr_recovery_server_test_failover" "precheck" {
  config {
    id       = dr_recovery_server.web.id
    precheck = true
  }
}
