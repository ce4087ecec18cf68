# The Alibaba story as a test file, against dr-emulator: the runs share one state per module,
# in order. seed/ (on the sandbox platform in the emulator's database, DR_SANDBOX_PATH) makes
# the zones and disks and plays the outage; the configuration under test is this directory's,
# on the alibaba platform (ALICLOUD_* endpoint variables printed by dr-emulator).
# Run it with `terraform init && terraform test` (see the "Rehearse your vendor configuration
# in CI" guide). At the end the CLI destroys this configuration, then the estate. A run reads
# the disk ids from the seed's latest run (OpenTofu keeps only a module's latest run outputs).

run "seed" {
  module {
    source = "./seed"
  }
}

run "create" {
  variables {
    primary_disk_id   = run.seed.primary_disk_id
    secondary_disk_id = run.seed.secondary_disk_id
  }
  assert {
    condition     = dr_replication_pair.db.status == "replicating" && dr_replication_pair.db.active_site == "primary"
    error_message = "the new pair is ${dr_replication_pair.db.status} at ${dr_replication_pair.db.active_site}, want replicating at primary"
  }
}

run "outage" {
  module {
    source = "./seed"
  }
  variables {
    primary_zone_healthy = false
  }
}

run "failover" {
  variables {
    primary_disk_id   = run.outage.primary_disk_id
    secondary_disk_id = run.outage.secondary_disk_id
    replication       = "paused"
    active_site       = "secondary"
    allow_data_loss   = true
  }
  assert {
    condition     = dr_replication_pair.db.status == "failed_over" && dr_replication_pair.db.active_site == "secondary"
    error_message = "after the failover the pair is ${dr_replication_pair.db.status} at ${dr_replication_pair.db.active_site}"
  }
}

run "zone_back" {
  module {
    source = "./seed"
  }
}

run "reprotect" {
  variables {
    primary_disk_id   = run.zone_back.primary_disk_id
    secondary_disk_id = run.zone_back.secondary_disk_id
    active_site       = "secondary"
  }
  assert {
    condition     = dr_replication_pair.db.status == "replicating" && dr_replication_pair.db.direction == "secondary_to_primary"
    error_message = "after the reprotect the pair is ${dr_replication_pair.db.status}, ${dr_replication_pair.db.direction}"
  }
}

run "failback" {
  variables {
    primary_disk_id   = run.zone_back.primary_disk_id
    secondary_disk_id = run.zone_back.secondary_disk_id
    replication       = "paused"
    active_site       = "primary"
    allow_data_loss   = true
  }
  assert {
    condition     = dr_replication_pair.db.active_site == "primary"
    error_message = "after the failback production is at ${dr_replication_pair.db.active_site}"
  }
}

run "replicate_again" {
  variables {
    primary_disk_id   = run.zone_back.primary_disk_id
    secondary_disk_id = run.zone_back.secondary_disk_id
  }
  assert {
    condition     = dr_replication_pair.db.status == "replicating" && dr_replication_pair.db.direction == "primary_to_secondary"
    error_message = "at the end the pair is ${dr_replication_pair.db.status}, ${dr_replication_pair.db.direction}"
  }
}
