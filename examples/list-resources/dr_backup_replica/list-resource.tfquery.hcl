# Every backup replica whose name starts with "web".
list "dr_backup_replica" "web" {
  provider = dr
  config {
    name_prefix = "web"
  }
}
