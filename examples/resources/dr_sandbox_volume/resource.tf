resource "dr_sandbox_site" "production" {
  region = "cn-shanghai"
  zone   = "cn-shanghai-a"
}

resource "dr_sandbox_server" "db" {
  name    = "db"
  site_id = dr_sandbox_site.production.id
}

resource "dr_sandbox_volume" "data" {
  site_id   = dr_sandbox_site.production.id
  size_gb   = 100
  server_id = dr_sandbox_server.db.id # attached; omit to keep it detached
}
