# A DR rehearsal of the module on the sandbox: set up, an outage of the production site, a
# failover asserted on the outputs, then the restore, reprotect and fail-back that bring
# everything back (so the final destroy starts from a protected group).
# The sandbox database comes from DR_SANDBOX_PATH / DR_SANDBOX_TIME_SCALE.

run "setup" {
  assert {
    condition     = output.status == "replicating" && output.active_site == "source"
    error_message = "a new group should be replicating at the source site, got ${output.status} at ${output.active_site}"
  }
  assert {
    condition     = output.replication_status == "active"
    error_message = "initial synchronisation not complete: ${output.replication_status}"
  }
}

run "outage" {
  variables {
    source_site_healthy = false
  }
  assert {
    condition     = dr_sandbox_site.source.healthy == false
    error_message = "the production site should be down"
  }
}

# The group observes the outage on its next refresh (a plan).
run "outage_observed" {
  command = plan
  variables {
    source_site_healthy = false
  }
  assert {
    condition     = output.health == "abnormal"
    error_message = "the group should report the outage, health is ${output.health}"
  }
}

run "failover" {
  variables {
    source_site_healthy = false
    active_site         = "target"
    protection          = "disabled"
  }
  assert {
    condition     = output.status == "failed_over" && output.active_site == "target"
    error_message = "after the failover the group is ${output.status} at ${output.active_site}"
  }
  assert {
    condition     = output.protection == "disabled"
    error_message = "a failover disables protection (R002-3)"
  }
}

run "restore_site" {
  variables {
    active_site  = "target"
    protection   = "disabled"
    server_power = "stopped"
  }
}

run "reprotect" {
  variables {
    active_site  = "target"
    server_power = "stopped"
  }
  assert {
    condition     = output.status == "replicating" && output.active_site == "target"
    error_message = "after reprotect the group is ${output.status} at ${output.active_site}"
  }
}

run "fail_back" {
  variables {
    server_power = "stopped"
  }
  assert {
    condition     = output.status == "replicating" && output.active_site == "source"
    error_message = "after the fail-back the group is ${output.status} at ${output.active_site}"
  }
}
