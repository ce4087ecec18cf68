resource "dr_sandbox_site" "production" {
  region = "cn-shanghai"
  zone   = "cn-shanghai-a"
}

resource "dr_sandbox_server" "web" {
  name    = "web"
  site_id = dr_sandbox_site.production.id

  # power_state omitted: a new server starts "running" and the attribute only reports the
  # platform's value, so a group failover that stops the server causes no diff. Set it to
  # "running" or "stopped" to manage the power, e.g. "stopped" before a planned failover
  # (V-GRP-SWITCH).
}
