# Import by ID.
terraform import dr_recovery_server.example rs-1a2b3c4d5e6f
