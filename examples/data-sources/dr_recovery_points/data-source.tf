# The recovery points of a protected machine, newest first: what a dr_recovery_server's
# recovery_point_id can name (a failover from an older one, e.g. before a corruption).
data "dr_recovery_points" "web" {
  machine_id = var.machine_id
}

output "latest_recovery_point" {
  value = data.dr_recovery_points.web.latest_id
}

output "recovery_points" {
  value = [for p in data.dr_recovery_points.web.recovery_points : "${p.id} (${p.created_at})"]
}

variable "machine_id" {
  type = string
}
