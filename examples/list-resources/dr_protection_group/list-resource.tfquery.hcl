# Every protection group with a site in cn-beijing.
list "dr_protection_group" "beijing" {
  provider = dr
  config {
    region = "cn-beijing"
  }
}
