# The replication pairs of one protection group whose names start with "db", in cn-shanghai,
# tagged app = "crm", in the resource group rg-finance.
# Run `terraform query` (Terraform >= 1.14) in the directory of this .tfquery.hcl file.
list "dr_replication_pair" "db" {
  provider = dr
  config {
    name_prefix       = "db"
    region            = "cn-shanghai"
    group_id          = "pg-1a2b3c4d5e6f"
    tags              = { app = "crm" }
    resource_group_id = "rg-finance"
  }
}
