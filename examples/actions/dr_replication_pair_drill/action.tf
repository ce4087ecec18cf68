# DR drill: start_drill, wait until the test copy is ready, report the time to ready (the drill's
# RTO), then stop_drill.
action "dr_replication_pair_drill" "example" {
  config {
    id      = dr_replication_pair.db.id
    timeout = "60m"
  }
}

# Check only: every check is run against the platform and reported; nothing changes.
action "dr_replication_pair_drill" "precheck" {
  config {
    id       = dr_replication_pair.db.id
    precheck = true
  }
}

# Run the drill from CI whenever drill_run changes, e.g. terraform apply -var drill_run=$(date +%F).
variable "drill_run" {
  type = string
}

resource "terraform_data" "drill" {
  input = var.drill_run

  lifecycle {
    action_trigger {
      events  = [after_create, after_update]
      actions = [action.dr_replication_pair_drill.example]
    }
  }
}
