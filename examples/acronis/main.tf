# Acronis Cyber Protect Cloud disaster recovery: a recovery server created in the Acronis console
# for a protected machine, managed by Terraform through the DR API v2.
#
# Credentials and the data centre come from variables or, left null, from the environment:
# ACRONIS_CLIENT_ID, ACRONIS_CLIENT_SECRET and ACRONIS_DATACENTER_URL (your tenant's data
# centre, e.g. https://eu2-cloud.acronis.com; dr-emulator's address to rehearse offline:
# rehearse.sh, README.md). No URL is written here.

terraform {
  required_providers {
    dr = {
      source = "dr-provider/dr"
    }
  }
}

variable "acronis_client_id" {
  type      = string
  default   = null
  sensitive = true
}

variable "acronis_client_secret" {
  type      = string
  default   = null
  sensitive = true
}

variable "datacenter_url" {
  description = "The tenant's data centre; null: ACRONIS_DATACENTER_URL."
  type        = string
  default     = null
}

variable "machine_id" {
  description = "Resource ID of the protected machine (its recovery server exists in the console)."
  type        = string
}

variable "mode" {
  description = <<-EOT
    standby | test_failover | failover. ready_for_failback is a console step on Acronis (the
    DR API v2 cannot fail back): the plan names it, and observes it once done.
  EOT
  type        = string
  default     = "standby"
}

provider "dr" {
  acronis {
    client_id      = var.acronis_client_id
    client_secret  = var.acronis_client_secret
    datacenter_url = var.datacenter_url
  }
}

resource "dr_recovery_server" "web" {
  name       = "web-recovery" # as named in the console
  machine_id = var.machine_id
  cpu        = 2
  memory_gb  = 4
  mode       = var.mode
}

output "status" {
  value = dr_recovery_server.web.status
}
