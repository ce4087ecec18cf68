# The estate the Acronis rehearsal starts from, on the sandbox platform in dr-emulator's
# database: the protected machine at its (on-premises) site, its backup in the cloud, and the
# recovery server a person created for it in the Acronis console — plus the rehearsal's
# switches: an outage of the machine's site, and the console steps the DR API v2 lacks
# (console_mode: failback = "ready_for_failback", confirm failback = "standby"; null leaves
# the recovery server alone). DR_SANDBOX_PATH and DR_SANDBOX_TIME_SCALE (printed by
# dr-emulator) point the provider at the emulator's database.

terraform {
  required_providers {
    dr = {
      source = "dr-provider/dr"
    }
  }
}

provider "dr" {}

variable "site_healthy" {
  description = "false: an outage of the protected machine's site."
  type        = bool
  default     = true
}

variable "console_mode" {
  description = "A console step on the recovery server (ready_for_failback: fail back; standby: confirm the failback); null: none."
  type        = string
  default     = null
}

resource "dr_sandbox_site" "office" {
  region  = "eu-central"
  zone    = "office-1"
  healthy = var.site_healthy
}

resource "dr_sandbox_server" "web" {
  name    = "web"
  site_id = dr_sandbox_site.office.id
}

resource "dr_sandbox_vault" "cloud" {
  region  = "eu-central"
  purpose = "backup"
}

resource "dr_sandbox_backup" "web" {
  kind      = "server"
  source_id = dr_sandbox_server.web.id
  vault_id  = dr_sandbox_vault.cloud.id
  size_gb   = 20
}

# What a person made in the console (Disaster Recovery > Servers > Recovery servers > Create).
resource "dr_recovery_server" "web" {
  name       = "web-recovery"
  machine_id = dr_sandbox_server.web.id
  cpu        = 2
  memory_gb  = 4
  mode       = var.console_mode

  depends_on = [dr_sandbox_backup.web]
}

output "machine_id" {
  value = dr_sandbox_server.web.id
}
