// Command terraform-provider-dr serves the dr Terraform provider: declarative disaster recovery
// (replication pairs, protection groups, backup replicas, recovery servers) driven by a
// lifecycle engine, with an embedded sandbox DR platform as the default backend. The server
// plumbing lives in internal/server.
package main

import (
	"flag"
	"log"

	"github.com/dr-provider/terraform-provider-dr/internal/provider"
	"github.com/dr-provider/terraform-provider-dr/internal/server"
)

// Set by goreleaser (and make build) through -ldflags.
var (
	version = "dev"
	commit  = "none"
)

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "set to true to run the provider with support for debuggers like delve")
	flag.Parse()

	opts := server.Options{
		Address: "registry.terraform.io/dr-provider/dr",
		Debug:   debug,
	}
	if err := server.Serve(provider.New(version, commit), opts); err != nil {
		log.Fatal(err.Error())
	}
}
