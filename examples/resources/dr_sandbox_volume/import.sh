# Import by ID.
terraform import dr_sandbox_volume.example vol-1a2b3c4d5e6f
