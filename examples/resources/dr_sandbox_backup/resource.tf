resource "dr_sandbox_site" "production" {
  region = "cn-shanghai"
  zone   = "cn-shanghai-a"
}

resource "dr_sandbox_server" "web" {
  name    = "web"
  site_id = dr_sandbox_site.production.id
}

resource "dr_sandbox_vault" "backups" {
  region  = "cn-shanghai"
  purpose = "backup"
}

resource "dr_sandbox_backup" "web" {
  kind                 = "server"
  source_id            = dr_sandbox_server.web.id
  vault_id             = dr_sandbox_vault.backups.id
  includes_system_disk = true
}
