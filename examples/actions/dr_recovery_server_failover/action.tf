# Production failover: the server is created from a recovery point and finalized, then serves the
# workload (R004-2).
action "dr_recovery_server_failover" "example" {
  config {
    id      = dr_recovery_server.web.id
    timeout = "30m"
  }
}

# Check only: every check is run against the platform and reported; nothing changes.
action "dr_recovery_server_failover" "precheck" {
  config {
    id       = dr_recovery_server.web.id
    precheck = true
  }
}
