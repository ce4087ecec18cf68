resource "dr_sandbox_site" "production" {
  region = "cn-shanghai"
  zone   = "cn-shanghai-a"
}

resource "dr_sandbox_site" "backup_region" {
  region = "cn-beijing"
  zone   = "cn-beijing-a"
}

resource "dr_sandbox_server" "web" {
  name    = "web"
  site_id = dr_sandbox_site.production.id
}

resource "dr_sandbox_vault" "backups" {
  region  = dr_sandbox_site.production.region
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
  description          = "Nightly server backup, replicated to Beijing"
}
