# Cancel the failover: the workload goes back to the original machine; the cloud VM's changes are
# lost (R004-6).
action "dr_recovery_server_cancel_failover" "example" {
  config {
    id      = dr_recovery_server.web.id
    timeout = "30m"

    # R004-6: needed only when cancel_failover can lose data; prefer the safe alternative:
    # use failback to keep the changes.
    # allow_data_loss = true
  }
}

# Check only: every check is run against the platform and reported; nothing changes.
action "dr_recovery_server_cancel_failover" "precheck" {
  config {
    id       = dr_recovery_server.web.id
    precheck = true
  }
}
