# Import by ID.
terraform import dr_sandbox_vault.example vault-1a2b3c4d5e6f
