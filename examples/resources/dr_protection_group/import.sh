# Import by ID.
terraform import dr_protection_group.example pg-1a2b3c4d5e6f
