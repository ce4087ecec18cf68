data "dr_replication_pair" "db" {
  id = var.pair_id
}

# Alert when replication lags behind the recovery point objective.
check "db_within_rpo" {
  assert {
    condition     = data.dr_replication_pair.db.replication_lag_seconds <= data.dr_replication_pair.db.rpo_seconds
    error_message = "Pair ${data.dr_replication_pair.db.name} lags ${data.dr_replication_pair.db.replication_lag_seconds}s."
  }
}

variable "pair_id" {
  type = string
}
