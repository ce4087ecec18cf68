resource "dr_sandbox_site" "production" {
  region = "cn-shanghai"
  zone   = "cn-shanghai-a"
}

resource "dr_sandbox_site" "dr" {
  region = "cn-shanghai"
  zone   = "cn-shanghai-b"
}

resource "dr_sandbox_server" "app" {
  name    = "app"
  site_id = dr_sandbox_site.production.id
}

resource "dr_sandbox_volume" "app" {
  site_id   = dr_sandbox_site.production.id
  size_gb   = 100
  server_id = dr_sandbox_server.app.id
}

resource "dr_sandbox_volume" "app_dr" {
  site_id = dr_sandbox_site.dr.id
  size_gb = 100
}

resource "dr_replication_pair" "app" {
  name                = "app-data"
  primary_volume_id   = dr_sandbox_volume.app.id
  secondary_volume_id = dr_sandbox_volume.app_dr.id
}

resource "dr_protection_group" "app" {
  name                 = "app"
  source_region        = dr_sandbox_site.production.region
  source_zone          = dr_sandbox_site.production.zone
  target_region        = dr_sandbox_site.dr.region
  target_zone          = dr_sandbox_site.dr.zone
  replication_pair_ids = [dr_replication_pair.app.id]
  server_ids           = [dr_sandbox_server.app.id]

  # Desired state: protect, production at the source site. "target" runs a planned
  # failover (both sites healthy, production servers stopped) or a failover (source down).
  protection  = "enabled"
  active_site = "source"
}
