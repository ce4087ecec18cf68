# The embedded sandbox is the default platform; the block is optional.
provider "dr" {
  sandbox {
    path       = "./.dr-sandbox/sandbox.db"
    time_scale = 600 # the default: ten simulated minutes per wall-clock second; 1 = real time
  }
}
