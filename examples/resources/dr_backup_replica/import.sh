# Import by ID.
terraform import dr_backup_replica.example rep-1a2b3c4d5e6f
