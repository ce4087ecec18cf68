resource "dr_sandbox_site" "production" {
  region = "cn-shanghai"
  zone   = "cn-shanghai-a"
}

resource "dr_sandbox_site" "dr" {
  region = "cn-shanghai"
  zone   = "cn-shanghai-b"
}

resource "dr_sandbox_volume" "db" {
  site_id = dr_sandbox_site.production.id
  size_gb = 100
}

resource "dr_sandbox_volume" "db_dr" {
  site_id = dr_sandbox_site.dr.id
  size_gb = 100
}

resource "dr_replication_pair" "db" {
  name                = "db"
  primary_volume_id   = dr_sandbox_volume.db.id
  secondary_volume_id = dr_sandbox_volume.db_dr.id

  # Desired state (both optional; omit to observe only).
  replication = "running"
  active_site = "primary" # "secondary" switches over (or fails over when the primary site is down)

  # Merged over the provider's default_tags; changed in place.
  tags = {
    app = "crm"
  }

  # The resource group it belongs to (Alibaba Cloud; the sandbox keeps one too); moved in place.
  resource_group_id = "rg-finance"

  timeouts {
    create = "30m"
    update = "60m"
  }
}
