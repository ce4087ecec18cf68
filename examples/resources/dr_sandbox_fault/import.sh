# Import by ID.
terraform import dr_sandbox_fault.example fault-1a2b3c4d5e6f
