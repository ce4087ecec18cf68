// Command terraform-provider-dr serves the dr Terraform provider: declarative disaster recovery
// (replication pairs, protection groups, backup replicas, recovery servers) driven by a
// lifecycle engine, with an embedded sandbox DR platform as the default backend.
package main

import (
	"flag"
	"log"

	"github.com/dr-provider/terraform-provider-dr/internal/provider"
)

// Set by goreleaser through -ldflags.
var (
	version = "dev"
	commit  = "none"
)

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "set to true to run the provider with support for debuggers like delve")
	flag.Parse()
	defer startProfile()()
	quietSDKLogs()
	tuneGC()

	if err := serve("registry.terraform.io/dr-provider/dr", provider.New(version, commit), debug); err != nil {
		log.Fatal(err.Error())
	}
}
