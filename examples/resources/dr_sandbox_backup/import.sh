# Import by ID.
terraform import dr_sandbox_backup.example bk-1a2b3c4d5e6f
