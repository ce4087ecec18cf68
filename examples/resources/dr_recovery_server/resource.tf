resource "dr_sandbox_site" "production" {
  region = "cn-shanghai"
  zone   = "cn-shanghai-a"
}

resource "dr_sandbox_server" "web" {
  name    = "web"
  site_id = dr_sandbox_site.production.id
}

resource "dr_recovery_server" "web" {
  name       = "web-recovery"
  machine_id = dr_sandbox_server.web.id
  cpu        = 2
  memory_gb  = 8

  # standby | test_failover | failover | ready_for_failback
  mode = "standby"
}
