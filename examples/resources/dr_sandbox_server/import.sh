# Import by ID.
terraform import dr_sandbox_server.example srv-1a2b3c4d5e6f
