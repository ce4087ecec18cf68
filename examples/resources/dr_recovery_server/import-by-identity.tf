# Import by identity (Terraform >= 1.12): the platform object's id.
import {
  to = dr_recovery_server.example
  identity = {
    id = "rs-1a2b3c4d5e6f"
  }
}
