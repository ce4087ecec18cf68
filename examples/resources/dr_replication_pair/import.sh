# Import by ID.
terraform import dr_replication_pair.example pair-1a2b3c4d5e6f
