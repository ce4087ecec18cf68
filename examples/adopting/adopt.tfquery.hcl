# What to adopt: every DR object whose name starts with "db". Each list block has the type
# of the managed resource it finds; `terraform query` prints what matches, and with
# -generate-config-out writes a resource block and an import block for each.
list "dr_replication_pair" "db" {
  provider = dr
  config {
    name_prefix = "db"
  }
}

list "dr_protection_group" "db" {
  provider = dr
  config {
    name_prefix = "db"
  }
}

list "dr_backup_replica" "db" {
  provider = dr
  config {
    name_prefix = "db"
  }
}

list "dr_recovery_server" "db" {
  provider = dr
  config {
    name_prefix = "db"
  }
}
