resource "dr_sandbox_site" "production" {
  region = "cn-shanghai"
  zone   = "cn-shanghai-a"
}

# Simulate an outage of the DR site: set healthy = false and apply.
resource "dr_sandbox_site" "dr" {
  region  = "cn-shanghai"
  zone    = "cn-shanghai-b"
  healthy = true
}
