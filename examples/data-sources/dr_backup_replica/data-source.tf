data "dr_backup_replica" "web" {
  id = var.replica_id
}

output "replica_backup_id" {
  value = data.dr_backup_replica.web.replica_backup_id
}

variable "replica_id" {
  type = string
}
