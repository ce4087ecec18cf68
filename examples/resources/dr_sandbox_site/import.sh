# Import by ID.
terraform import dr_sandbox_site.example site-1a2b3c4d5e6f
