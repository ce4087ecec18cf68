resource "dr_sandbox_vault" "backups" {
  region  = "cn-shanghai"
  purpose = "backup"
}

# Cross-region replicas go to a replication vault in the destination region (R003-11).
resource "dr_sandbox_vault" "replicas" {
  region  = "cn-beijing"
  purpose = "replication"
}
