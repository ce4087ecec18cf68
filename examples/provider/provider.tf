# The embedded sandbox is the default platform; the block is optional.
provider "dr" {
  sandbox {
    path       = "./.dr-sandbox/sandbox.db"
    time_scale = 600 # simulated operations run 600 times faster than real time
  }
}
