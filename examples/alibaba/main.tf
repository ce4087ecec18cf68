# Disaster recovery of one ESSD data disk and a replica group on Alibaba Cloud EBS asynchronous
# replication. Credentials come from the environment (ALICLOUD_ACCESS_KEY, ALICLOUD_SECRET_KEY,
# and ALICLOUD_SECURITY_TOKEN for temporary credentials); the disks are managed with the
# alicloud provider (or exist already) and are referenced by ID here.
#
# To rehearse offline, point ebs_endpoint at the EBS emulator (internal/emulator/alibaba) and
# use its test credentials: see the "Platforms" guide.

terraform {
  required_providers {
    dr = {
      source = "dr-provider/dr"
    }
  }
}

provider "dr" {
  alibaba {
    region = "cn-shanghai"
  }
}

variable "primary_disk_id" {
  description = "ESSD data disk in cn-shanghai (the production side)."
  type        = string
}

variable "secondary_disk_id" {
  description = "ESSD disk of the same size in cn-beijing (its data is overwritten)."
  type        = string
}

resource "dr_replication_pair" "db" {
  name                = "db-data"
  primary_volume_id   = var.primary_disk_id
  secondary_volume_id = var.secondary_disk_id
  rpo_seconds         = 900
  replication         = "running"

  # After an outage of cn-shanghai: set active_site = "secondary" (with allow_data_loss = true:
  # EBS does not report zone health, so the provider cannot tell a lossless failover from a
  # lossy one). Once the zone is back and the old primary disk is detached, keep
  # active_site = "secondary" with replication = "running": the provider reprotects and
  # restarts replication from cn-beijing.
  active_site = "primary"
}

resource "dr_protection_group" "app" {
  name          = "app"
  source_region = "cn-shanghai"
  source_zone   = "cn-shanghai-b"
  target_region = "cn-beijing"
  target_zone   = "cn-beijing-h"
  protection    = "disabled"
}
