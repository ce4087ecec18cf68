resource "dr_sandbox_site" "production" {
  region = "cn-shanghai"
  zone   = "cn-shanghai-a"
}

resource "dr_sandbox_server" "web" {
  name        = "web"
  site_id     = dr_sandbox_site.production.id
  power_state = "running" # "stopped" before a planned failover (V-GRP-SWITCH)
}
