# `terraform test` turns lost readiness into a failure (check blocks only warn): each assert
# fails with the rules the engine names. The second run plans (refresh only) a moment later, so
# a copy that stopped ageing well — a stalled link — is judged on fresh facts.
run "apply" {
  assert {
    condition     = dr_protection_group.crm.readiness.failover.ready == true
    error_message = "crm cannot fail over: ${join(" | ", dr_protection_group.crm.readiness.failover.blocked_by[*].message)}"
  }
}

run "refreshed" {
  command = plan

  assert {
    condition     = dr_protection_group.crm.readiness.failover.ready == true
    error_message = "crm cannot fail over: ${join(" | ", dr_protection_group.crm.readiness.failover.blocked_by[*].message)}"
  }

  assert {
    condition     = dr_protection_group.crm.readiness.rpo.within == true
    error_message = "crm is over its RPO: ${coalesce(dr_protection_group.crm.readiness.rpo.reason, "the lag is not known")}"
  }
}
