# The estate the Alibaba rehearsal starts from, on the sandbox platform in dr-emulator's
# database: what exists on the real cloud before this provider is involved (two zones and an
# ESSD disk in each), and the rehearsal's fault switch (an outage of the production zone).
# DR_SANDBOX_PATH and DR_SANDBOX_TIME_SCALE (printed by dr-emulator) point the provider at
# the emulator's database; sandbox sites are Alibaba zones, sandbox volumes are disks.

terraform {
  required_providers {
    dr = {
      source = "dr-provider/dr"
    }
  }
}

provider "dr" {}

variable "primary_zone_healthy" {
  description = "false: an outage of the production zone (cn-shanghai)."
  type        = bool
  default     = true
}

variable "primary_zone" {
  type    = string
  default = "cn-shanghai-b"
}

variable "secondary_zone" {
  type    = string
  default = "cn-beijing-h"
}

resource "dr_sandbox_site" "shanghai" {
  region  = "cn-shanghai"
  zone    = var.primary_zone
  healthy = var.primary_zone_healthy
}

resource "dr_sandbox_site" "beijing" {
  region = "cn-beijing"
  zone   = var.secondary_zone
}

resource "dr_sandbox_volume" "primary" {
  site_id = dr_sandbox_site.shanghai.id
  size_gb = 40
}

resource "dr_sandbox_volume" "secondary" {
  site_id = dr_sandbox_site.beijing.id
  size_gb = 40
}

output "primary_disk_id" {
  value = dr_sandbox_volume.primary.id
}

output "secondary_disk_id" {
  value = dr_sandbox_volume.secondary.id
}
