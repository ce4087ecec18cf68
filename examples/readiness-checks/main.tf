# Failover readiness as assertions (see the guide "Failover readiness in CI"): a protection
# group "crm" on the sandbox, with check blocks that turn lost readiness into a warning on
# every plan, naming the rule that refuses the failover. tests/readiness.tftest.hcl turns the
# same facts into a failing `terraform test`.
#
# The variables break readiness on purpose, as an outage would:
#   dr_site_healthy = false  the DR site is down: with protect = false the group's first
#                            synchronisation never ran (V-FIRST-SYNC)
#   link_stalled    = true   the replication link stalls: no recovery point is cut and the
#                            standby copy ages past the RPO
terraform {
  required_providers {
    dr = {
      source = "dr-provider/dr"
    }
  }
}

variable "dr_site_healthy" {
  type    = bool
  default = true
}

variable "protect" {
  description = "Enable protection (the first synchronisation); false leaves the group never synchronised."
  type        = bool
  default     = true
}

variable "link_stalled" {
  type    = bool
  default = false
}

resource "dr_sandbox_site" "production" {
  region = "cn-shanghai"
  zone   = "cn-shanghai-a"
}

resource "dr_sandbox_site" "dr" {
  region  = "cn-shanghai"
  zone    = "cn-shanghai-b"
  healthy = var.dr_site_healthy
}

resource "dr_sandbox_volume" "crm" {
  site_id = dr_sandbox_site.production.id
  size_gb = 100
}

resource "dr_sandbox_volume" "crm_dr" {
  site_id = dr_sandbox_site.dr.id
  size_gb = 100
}

resource "dr_replication_pair" "crm" {
  name                = "crm-data"
  primary_volume_id   = dr_sandbox_volume.crm.id
  secondary_volume_id = dr_sandbox_volume.crm_dr.id
}

resource "dr_protection_group" "crm" {
  name                 = "crm"
  source_region        = dr_sandbox_site.production.region
  source_zone          = dr_sandbox_site.production.zone
  target_region        = dr_sandbox_site.dr.region
  target_zone          = dr_sandbox_site.dr.zone
  replication_pair_ids = [dr_replication_pair.crm.id]
  protection           = var.protect ? "enabled" : null
}

# The stalled link (sandbox fault injection): the group's recovery points stop.
resource "dr_sandbox_fault" "crm_link" {
  count     = var.link_stalled ? 1 : 0
  type      = "link_stall"
  kind      = "protection_group"
  object_id = dr_protection_group.crm.id
}

# Could crm fail over now? The engine's verdict, refreshed with the group on every plan.
check "crm_can_fail_over" {
  assert {
    condition = dr_protection_group.crm.readiness.failover.ready == true
    error_message = format("Protection group crm cannot fail over: %s",
      length(dr_protection_group.crm.readiness.failover.blocked_by) > 0
      ? join(" | ", dr_protection_group.crm.readiness.failover.blocked_by[*].message)
    : coalesce(dr_protection_group.crm.readiness.failover.reason, "unknown"))
  }
}

# Would a failover now lose more than the RPO?
check "crm_within_rpo" {
  assert {
    condition     = dr_protection_group.crm.readiness.rpo.within == true
    error_message = "Protection group crm: ${coalesce(dr_protection_group.crm.readiness.rpo.reason, "the replication lag is not known")}"
  }
}

# Every object of the estate, one check: a scoped data source is read on every plan.
check "estate_can_fail_over" {
  data "dr_readiness" "crm" {
    name_prefix = "crm"
  }

  assert {
    condition     = length(data.dr_readiness.crm.not_ready) == 0
    error_message = "Not ready to fail over:\n${join("\n", data.dr_readiness.crm.not_ready)}"
  }
}

output "crm_failover_ready" {
  value = dr_protection_group.crm.readiness.failover.ready
}

output "crm_lag_seconds" {
  value = dr_protection_group.crm.readiness.rpo.lag_seconds
}
