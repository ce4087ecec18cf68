# Failover for a faulty production site: the DR site takes over; protection is disabled and
# synchronisation stops (R002-3).
action "dr_protection_group_failover" "example" {
  config {
    id      = dr_protection_group.app.id
    timeout = "30m"

    # R002-8: needed only when failover can lose data; prefer the safe alternative:
    # use planned_failover (no data loss; needs the production servers stopped).
    # allow_data_loss = true
  }
}

# Check only: every check is run against the platform and reported; nothing changes.
action "dr_protection_group_failover" "precheck" {
  config {
    id       = dr_protection_group.app.id
    precheck = true
  }
}
