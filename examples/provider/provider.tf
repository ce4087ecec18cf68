# The embedded sandbox is the default platform; the block is optional.
provider "dr" {
  sandbox {
    path       = "./.dr-sandbox/sandbox.db"
    time_scale = 600 # the default: ten simulated minutes per wall-clock second; 1 = real time
  }

  # Tags every DR resource of this configuration carries, merged under each resource's own
  # `tags` (a key set on the resource wins); each resource's `tags_all` shows the result.
  default_tags {
    tags = {
      owner       = "platform-team"
      cost-center = "dr-1234"
    }
  }
}
