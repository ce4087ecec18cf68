# The root module that adopts an existing DR estate. It only declares the provider: the
# resources come from `terraform query -generate-config-out=generated.tf`.
terraform {
  required_version = ">= 1.14"
  required_providers {
    dr = {
      source = "dr-provider/dr"
    }
  }
}

provider "dr" {}
