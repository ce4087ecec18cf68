# Terraform 1.14 or later. The plan runs the engine's checks against the platform and
# refuses an illegal operation with its rule ID, before anything changes.
terraform plan -invoke=action.dr_replication_pair_stop_drill.example
terraform apply -invoke=action.dr_replication_pair_stop_drill.example

# Report every check without changing anything.
terraform apply -invoke=action.dr_replication_pair_stop_drill.precheck
