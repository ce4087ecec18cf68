# The estate the Huawei Cloud rehearsal starts from, on the sandbox platform in dr-emulator's
# database: what exists on the real cloud before this provider is involved — the production
# and DR availability zones of cn-north-4 and a zone of cn-east-3, an ECS server with a data
# disk at the production AZ, a CBR backup of it, and a replication vault in cn-east-3 — and
# the rehearsal's fault switch (an outage of the production AZ). The VPC and the
# active-active domain SDRS needs are dr-emulator's (-huaweicloud-vpc, -huaweicloud-domain;
# rehearse.sh sets them). DR_SANDBOX_PATH and DR_SANDBOX_TIME_SCALE (printed by dr-emulator)
# point the provider at the emulator's database.

terraform {
  required_providers {
    dr = {
      source = "dr-provider/dr"
    }
  }
}

provider "dr" {}

variable "production_az_healthy" {
  description = "false: an outage of the production AZ (cn-north-4a)."
  type        = bool
  default     = true
}

resource "dr_sandbox_site" "production" {
  region  = "cn-north-4"
  zone    = "cn-north-4a"
  healthy = var.production_az_healthy
}

resource "dr_sandbox_site" "dr" {
  region = "cn-north-4"
  zone   = "cn-north-4b"
}

resource "dr_sandbox_site" "replica_region" {
  region = "cn-east-3"
  zone   = "cn-east-3a"
}

resource "dr_sandbox_server" "web" {
  name    = "web"
  site_id = dr_sandbox_site.production.id
}

resource "dr_sandbox_volume" "web_data" {
  site_id   = dr_sandbox_site.production.id
  size_gb   = 10
  server_id = dr_sandbox_server.web.id
}

resource "dr_sandbox_vault" "backups" {
  region  = "cn-north-4"
  purpose = "backup"
}

resource "dr_sandbox_vault" "replicas" {
  region  = dr_sandbox_site.replica_region.region
  purpose = "replication"
}

resource "dr_sandbox_backup" "web" {
  kind      = "server"
  source_id = dr_sandbox_server.web.id
  vault_id  = dr_sandbox_vault.backups.id
  size_gb   = 10

  depends_on = [dr_sandbox_volume.web_data]
}

output "server_id" {
  value = dr_sandbox_server.web.id
}

output "backup_id" {
  value = dr_sandbox_backup.web.id
}

output "replica_vault_id" {
  value = dr_sandbox_vault.replicas.id
}
