# Failover readiness of every DR object whose name starts with "app", in one read: a check
# block turns an object that can no longer fail over (or whose standby copy is older than its
# RPO) into a warning on every plan, naming the rule that refuses it.
data "dr_readiness" "app" {
  name_prefix = "app"
}

check "app_can_fail_over" {
  assert {
    condition     = length(data.dr_readiness.app.not_ready) == 0
    error_message = "Not ready to fail over:\n${join("\n", data.dr_readiness.app.not_ready)}"
  }
}
