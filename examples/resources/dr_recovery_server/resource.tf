resource "dr_sandbox_site" "production" {
  region = "cn-shanghai"
  zone   = "cn-shanghai-a"
}

resource "dr_sandbox_server" "web" {
  name    = "web"
  site_id = dr_sandbox_site.production.id
}

# The machine's recovery point: a failover or test failover starts the recovery server from
# its latest available backup (R004-2).
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

resource "dr_recovery_server" "web" {
  name       = "web-recovery"
  machine_id = dr_sandbox_server.web.id
  cpu        = 2
  memory_gb  = 8

  # standby | test_failover | failover | ready_for_failback
  mode = "standby"

  depends_on = [dr_sandbox_backup.web]
}
