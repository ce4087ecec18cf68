# Disaster recovery of an ESSD data disk on Alibaba Cloud EBS asynchronous replication: a
# replica pair from cn-shanghai to cn-beijing (and an empty replica group between the same
# zones), driven by variables so that one configuration tells the whole story: create, an
# outage, failover, reprotect, failback.
#
# Credentials and endpoints come from the environment, never from this file:
# ALICLOUD_ACCESS_KEY, ALICLOUD_SECRET_KEY (ALICLOUD_SECURITY_TOKEN for temporary
# credentials), and, only to rehearse offline against dr-emulator, ALICLOUD_EBS_ENDPOINT and
# ALICLOUD_ECS_ENDPOINT (rehearse.sh sets them; see README.md). The disks are managed with the
# alicloud provider (or exist already) and are referenced by ID.

terraform {
  required_providers {
    dr = {
      source = "dr-provider/dr"
    }
  }
}

provider "dr" {
  alibaba {
    region = var.region
  }
}

variable "region" {
  description = "Region of the calls not bound to a pair's own region."
  type        = string
  default     = "cn-shanghai"
}

variable "primary_disk_id" {
  description = "ESSD data disk in cn-shanghai (the production side)."
  type        = string
}

variable "secondary_disk_id" {
  description = "ESSD disk of the same size in cn-beijing (its data is overwritten)."
  type        = string
}

variable "replication" {
  description = "running or paused."
  type        = string
  default     = "running"
}

variable "active_site" {
  description = <<-EOT
    Where production runs: primary or secondary. After an outage of cn-shanghai set
    secondary with replication = "paused" and allow_data_loss = true (EBS does not report
    zone health, so the provider cannot tell a lossless failover from a lossy one). Once the
    zone is back, secondary with replication = "running" reprotects and restarts replication
    from cn-beijing. EBS has no planned switchover: failing back is another failover (stop
    the writes, wait for a recovery point, then allow_data_loss = true) and a reprotect.
  EOT
  type        = string
  default     = "primary"
}

variable "allow_data_loss" {
  type    = bool
  default = false
}

variable "primary_zone" {
  type    = string
  default = "cn-shanghai-b"
}

variable "secondary_zone" {
  type    = string
  default = "cn-beijing-h"
}

resource "dr_replication_pair" "db" {
  name                = "db-data"
  primary_volume_id   = var.primary_disk_id
  secondary_volume_id = var.secondary_disk_id
  rpo_seconds         = 900
  replication         = var.replication
  active_site         = var.active_site
  allow_data_loss     = var.allow_data_loss

  # Billing and the resource group (issue 29; checked at plan against EBS's values):
  # payment_type      = "Subscription" # or "PayAsYouGo" (the default); cannot change after create
  # period            = 12             # months: 1, 2, 3, 6, 12, 24, 36 or 60
  # resource_group_id = "rg-..."       # moved in place; dr-emulator: -alibaba-resource-group
}

resource "dr_protection_group" "app" {
  name          = "app"
  source_region = "cn-shanghai"
  source_zone   = var.primary_zone
  target_region = "cn-beijing"
  target_zone   = var.secondary_zone
  protection    = "disabled"
}

output "pair_status" {
  value = dr_replication_pair.db.status
}

output "active_site" {
  value = dr_replication_pair.db.active_site
}

output "direction" {
  value = dr_replication_pair.db.direction
}
