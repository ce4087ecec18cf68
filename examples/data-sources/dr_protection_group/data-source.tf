data "dr_protection_group" "app" {
  id = var.protection_group_id
}

# Fail the run (a CI drill, a nightly check) when the group is not protected.
check "app_is_protected" {
  assert {
    condition     = data.dr_protection_group.app.status == "replicating" && data.dr_protection_group.app.replication_status == "active"
    error_message = "Protection group ${data.dr_protection_group.app.name} is ${data.dr_protection_group.app.status}."
  }
}

variable "protection_group_id" {
  type = string
}
