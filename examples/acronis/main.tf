# Acronis Cyber Protect Cloud disaster recovery: a recovery server created in the Acronis console
# for a protected machine, managed by Terraform through the DR API v2.
#
# Offline rehearsal: point datacenter_url at the emulator (internal/emulator/acronis).

terraform {
  required_providers {
    dr = {
      source = "dr-provider/dr"
    }
  }
}

variable "acronis_client_id" {
  type      = string
  sensitive = true
}

variable "acronis_client_secret" {
  type      = string
  sensitive = true
}

variable "machine_id" {
  description = "Resource ID of the protected machine (its recovery server exists in the console)."
  type        = string
}

provider "dr" {
  acronis {
    client_id      = var.acronis_client_id
    client_secret  = var.acronis_client_secret
    datacenter_url = "https://eu2-cloud.acronis.com"
  }
}

resource "dr_recovery_server" "web" {
  name       = "web-recovery" # as named in the console
  machine_id = var.machine_id
  cpu        = 2
  memory_gb  = 4

  # standby | test_failover | failover. ready_for_failback is a console step on Acronis:
  # the plan names it, and observes it once done.
  mode = "standby"
}

output "status" {
  value = dr_recovery_server.web.status
}
