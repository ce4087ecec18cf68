# Import by identity (Terraform >= 1.12): the platform object's id.
import {
  to = dr_protection_group.example
  identity = {
    id = "pg-1a2b3c4d5e6f"
  }
}
