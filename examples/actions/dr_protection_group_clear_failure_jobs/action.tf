# Delete the records of a protection group's failed jobs (Huawei Cloud SDRS task center: Deleting a
# Failure Task, Deleting All Failure Tasks of a Protection Group). The group keeps its state; the
# next apply retries the failed operation.
action "dr_protection_group_clear_failure_jobs" "example" {
  config {
    id      = dr_protection_group.app.id
    timeout = "30m"
  }
}

# Check only: every check is run against the platform and reported; nothing changes.
action "dr_protection_group_clear_failure_jobs" "precheck" {
  config {
    id       = dr_protection_group.app.id
    precheck = true
  }
}
