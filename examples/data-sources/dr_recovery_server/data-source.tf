data "dr_recovery_server" "web" {
  id = var.recovery_server_id
}

# Only start a drill when the platform allows a test failover right now.
output "can_test_failover" {
  value = contains(data.dr_recovery_server.web.allowed_operations, "test_failover")
}

variable "recovery_server_id" {
  type = string
}
