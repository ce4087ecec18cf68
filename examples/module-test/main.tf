# A small reusable DR module: a protection group and its replication pairs on the sandbox
# platform, between two zones of one region. The inputs that matter in a rehearsal are the
# desired states (active_site, protection) and the production site's health (an outage).
# tests/*.tftest.hcl rehearse it with `terraform test` / `tofu test` (see
# docs/guides/rehearse-in-ci.md).

terraform {
  required_providers {
    dr = {
      source = "dr-provider/dr"
    }
  }
}

variable "name" {
  description = "Name of the application: names the group, its pairs and its server."
  type        = string
  default     = "app"
}

variable "region" {
  description = "Region of both sites (replication-capable)."
  type        = string
  default     = "cn-shanghai"
}

variable "source_zone" {
  description = "Zone of the production (source) site."
  type        = string
  default     = "cn-shanghai-a"
}

variable "target_zone" {
  description = "Zone of the DR (target) site."
  type        = string
  default     = "cn-shanghai-b"
}

variable "volumes" {
  description = "The application's volumes, name => size in GiB; each gets a replication pair in the group."
  type        = map(number)
  default     = { data = 100 }
}

variable "source_site_healthy" {
  description = "Sandbox only: false simulates an outage of the production site."
  type        = bool
  default     = true
}

variable "active_site" {
  description = "Desired site serving production: source or target."
  type        = string
  default     = "source"

  validation {
    condition     = contains(["source", "target"], var.active_site)
    error_message = "active_site must be \"source\" or \"target\"."
  }
}

variable "protection" {
  description = "Desired protection of the group: enabled or disabled."
  type        = string
  default     = "enabled"

  validation {
    condition     = contains(["enabled", "disabled"], var.protection)
    error_message = "protection must be \"enabled\" or \"disabled\"."
  }
}

variable "server_power" {
  description = "Power state of the production server (stopped for a planned failover or reprotect)."
  type        = string
  default     = "running"
}

resource "dr_sandbox_site" "source" {
  region  = var.region
  zone    = var.source_zone
  healthy = var.source_site_healthy
}

resource "dr_sandbox_site" "target" {
  region = var.region
  zone   = var.target_zone
}

resource "dr_sandbox_server" "app" {
  name        = var.name
  site_id     = dr_sandbox_site.source.id
  power_state = var.server_power
}

resource "dr_sandbox_volume" "source" {
  for_each  = var.volumes
  site_id   = dr_sandbox_site.source.id
  size_gb   = each.value
  server_id = dr_sandbox_server.app.id
}

resource "dr_sandbox_volume" "target" {
  for_each = var.volumes
  site_id  = dr_sandbox_site.target.id
  size_gb  = each.value
}

resource "dr_replication_pair" "this" {
  for_each            = var.volumes
  name                = "${var.name}-${each.key}"
  primary_volume_id   = dr_sandbox_volume.source[each.key].id
  secondary_volume_id = dr_sandbox_volume.target[each.key].id
}

resource "dr_protection_group" "this" {
  name                 = var.name
  source_region        = dr_sandbox_site.source.region
  source_zone          = dr_sandbox_site.source.zone
  target_region        = dr_sandbox_site.target.region
  target_zone          = dr_sandbox_site.target.zone
  replication_pair_ids = [for p in dr_replication_pair.this : p.id]
  server_ids           = [dr_sandbox_server.app.id]
  protection           = var.protection
  active_site          = var.active_site
}

output "group_id" {
  value = dr_protection_group.this.id
}

output "status" {
  description = "The group's normalized state, e.g. replicating or failed_over."
  value       = dr_protection_group.this.status
}

output "active_site" {
  value = dr_protection_group.this.active_site
}

output "protection" {
  value = dr_protection_group.this.protection
}

output "health" {
  value = dr_protection_group.this.health
}

output "replication_status" {
  value = dr_protection_group.this.replication_status
}

output "pair_ids" {
  value = { for k, p in dr_replication_pair.this : k => p.id }
}

output "dr_servers" {
  description = "The DR-site twins and the addresses they hold (after a failover: the production addresses)."
  value       = dr_protection_group.this.dr_servers
}
