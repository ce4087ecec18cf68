# Disaster recovery on Huawei Cloud: an SDRS protection group protecting ECS servers between two
# availability zones, and a CBR replica of a server backup in another region.
#
# Credentials and endpoints come from the environment, never from this file: HW_ACCESS_KEY,
# HW_SECRET_KEY, HW_REGION_NAME, HW_PROJECT_ID, and optionally HW_SDRS_ENDPOINT,
# HW_ECS_ENDPOINT, HW_VPC_ENDPOINT and HW_CBR_ENDPOINT (private endpoints, or dr-emulator to
# rehearse offline: rehearse.sh, README.md). A project ID is per region: the replica's
# destination project is var.replica_project_id, or the provider's entry for replica_region
# in HW_REGION_PROJECT_IDS ("cn-east-3=<project id>,…").

terraform {
  required_providers {
    dr = {
      source = "dr-provider/dr"
    }
  }
}

provider "dr" {
  huaweicloud {}
}

variable "region" {
  type        = string
  description = "Region of the protection group (both AZs) and of the source backup."
}

variable "production_az" {
  type = string
}

variable "dr_az" {
  type = string
}

variable "vpc_id" {
  type        = string
  description = "The production site's VPC (SDRS source_vpc_id): the protected servers' VPC."
}

variable "domain_id" {
  type        = string
  default     = null
  description = "The SDRS active-active domain between the two AZs; null when the project has exactly one (it is then used)."
}

variable "server_ids" {
  type        = list(string)
  description = "ECS servers at the production AZ to protect: SDRS creates a DR-site twin and a replication pair per disk."
}

variable "protection" {
  type        = string
  default     = "disabled"
  description = <<-EOT
    enabled (protecting; after a failover this reprotects) or disabled. Enable it in a second
    apply: SDRS creates the replication pairs of the protected servers' disks, which the plan
    of the first apply cannot know (R002-1 needs pairs).
  EOT
}

variable "active_site" {
  type        = string
  default     = "source"
  description = "Where production runs: source, or target (a planned failover; a failover when the source AZ is down and allow_data_loss is set)."
}

variable "allow_data_loss" {
  type    = bool
  default = false
}

variable "backup_id" {
  type        = string
  description = "A CBR server backup (with its system disk) to replicate."
}

variable "replica_region" {
  type = string
}

variable "replica_project_id" {
  type        = string
  default     = null
  description = "The project ID of replica_region (project IDs are per region); null: the provider's region_project_ids entry (HW_REGION_PROJECT_IDS)."
}

variable "replica_vault_id" {
  type        = string
  description = "A replication vault in replica_region."
}

resource "dr_protection_group" "app" {
  name            = "app"
  source_region   = var.region
  source_zone     = var.production_az
  target_region   = var.region
  target_zone     = var.dr_az
  source_vpc_id   = var.vpc_id
  domain_id       = var.domain_id
  server_ids      = var.server_ids
  protection      = var.protection
  active_site     = var.active_site
  allow_data_loss = var.allow_data_loss
}

resource "dr_backup_replica" "app" {
  backup_id              = var.backup_id
  destination_region     = var.replica_region
  destination_project_id = var.replica_project_id
  destination_vault_id   = var.replica_vault_id
  name                   = "app_replica"
}

output "dr_servers" {
  value = dr_protection_group.app.dr_servers
}

output "group_status" {
  value = dr_protection_group.app.status
}

output "replica_status" {
  value = dr_backup_replica.app.status
}

output "active_site" {
  value = dr_protection_group.app.active_site
}
