# Quickstart: a complete DR story on the embedded sandbox platform.
# `make demo` applies it step by step (see story.sh); on your own run `terraform apply`.

terraform {
  required_providers {
    dr = {
      source = "dr-provider/dr"
    }
  }
}

# The sandbox is the default platform; DR_SANDBOX_PATH / DR_SANDBOX_TIME_SCALE or a
# `sandbox` block choose its database and clock speed (default: 600 times real time, so the
# story runs in seconds; time_scale = 1 is real time).
provider "dr" {}

variable "source_site_healthy" {
  description = "false simulates an outage of the production site."
  type        = bool
  default     = true
}

variable "active_site" {
  description = "Which site of the protection group serves production: source or target."
  type        = string
  default     = "source"
}

variable "protection" {
  description = "Desired protection of the group: enabled or disabled."
  type        = string
  default     = "enabled"
}

variable "db_active_site" {
  description = "Which volume of the database pair serves production: primary or secondary."
  type        = string
  default     = "primary"
}

variable "db_replication" {
  description = "Desired replication of the database pair: running or paused."
  type        = string
  default     = "running"
}

variable "recovery_mode" {
  description = "Desired mode of the recovery server: standby, test_failover, failover or ready_for_failback."
  type        = string
  default     = "standby"
}

# --- Sites: two zones of a replication-capable region, and a second region for backups.
resource "dr_sandbox_site" "prod" {
  region  = "cn-shanghai"
  zone    = "cn-shanghai-a"
  healthy = var.source_site_healthy
}

resource "dr_sandbox_site" "dr" {
  region = "cn-shanghai"
  zone   = "cn-shanghai-b"
}

resource "dr_sandbox_site" "backup_region" {
  region = "cn-beijing"
  zone   = "cn-beijing-a"
}

# --- The application: a web server with its data volume, protected by a group.
# power_state is left out: the platform owns it. The failover stops the web server (the
# production site is down) and the configuration does not try to start it again there.
resource "dr_sandbox_server" "web" {
  name    = "web"
  site_id = dr_sandbox_site.prod.id
}

resource "dr_sandbox_volume" "web_data" {
  site_id   = dr_sandbox_site.prod.id
  size_gb   = 100
  server_id = dr_sandbox_server.web.id
}

resource "dr_sandbox_volume" "web_data_dr" {
  site_id = dr_sandbox_site.dr.id
  size_gb = 100
}

resource "dr_replication_pair" "web_data" {
  name                = "web-data"
  primary_volume_id   = dr_sandbox_volume.web_data.id
  secondary_volume_id = dr_sandbox_volume.web_data_dr.id
}

resource "dr_protection_group" "app" {
  name                 = "app"
  source_region        = dr_sandbox_site.prod.region
  source_zone          = dr_sandbox_site.prod.zone
  target_region        = dr_sandbox_site.dr.region
  target_zone          = dr_sandbox_site.dr.zone
  replication_pair_ids = [dr_replication_pair.web_data.id]
  server_ids           = [dr_sandbox_server.web.id]
  protection           = var.protection
  active_site          = var.active_site
}

# --- A database volume replicated on its own: failover, reprotect, switchover back.
resource "dr_sandbox_volume" "db" {
  site_id = dr_sandbox_site.prod.id
  size_gb = 50
}

resource "dr_sandbox_volume" "db_dr" {
  site_id = dr_sandbox_site.dr.id
  size_gb = 50
}

resource "dr_replication_pair" "db" {
  name                = "db"
  primary_volume_id   = dr_sandbox_volume.db.id
  secondary_volume_id = dr_sandbox_volume.db_dr.id
  replication         = var.db_replication
  active_site         = var.db_active_site
}

# --- A cross-region replica of the web server's backup.
resource "dr_sandbox_vault" "backups" {
  region  = dr_sandbox_site.prod.region
  purpose = "backup"
}

resource "dr_sandbox_vault" "replicas" {
  region  = dr_sandbox_site.backup_region.region
  purpose = "replication"
}

resource "dr_sandbox_backup" "web" {
  kind      = "server"
  source_id = dr_sandbox_server.web.id
  vault_id  = dr_sandbox_vault.backups.id
}

resource "dr_backup_replica" "web" {
  backup_id            = dr_sandbox_backup.web.id
  destination_region   = dr_sandbox_vault.replicas.region
  destination_vault_id = dr_sandbox_vault.replicas.id
  name                 = "web-replica"
}

# --- A recovery server for the web machine, exercised with a test failover.
resource "dr_recovery_server" "web" {
  name       = "web-recovery"
  machine_id = dr_sandbox_server.web.id
  mode       = var.recovery_mode
}

output "web_server" {
  value = {
    power_state = dr_sandbox_server.web.power_state
    ip          = dr_sandbox_server.web.ip
  }
}

output "group" {
  value = {
    status      = dr_protection_group.app.status
    active_site = dr_protection_group.app.active_site
    replication = dr_protection_group.app.replication_status
    dr_servers  = dr_protection_group.app.dr_servers
  }
}

output "db_pair" {
  value = {
    status      = dr_replication_pair.db.status
    active_site = dr_replication_pair.db.active_site
    direction   = dr_replication_pair.db.direction
  }
}

output "replica" {
  value = {
    status            = dr_backup_replica.web.status
    replica_backup_id = dr_backup_replica.web.replica_backup_id
  }
}

output "recovery_server" {
  value = {
    status  = dr_recovery_server.web.status
    test_ip = dr_recovery_server.web.test_ip
  }
}
