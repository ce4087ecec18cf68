// Command acronisemu serves the Acronis API emulator (internal/emulator/acronis) over a sandbox
// database, for offline rehearsals: point the provider's acronis block at it
// (datacenter_url = "http://127.0.0.1:8480").
//
// The machines, their backups and the recovery servers "a person created in the console" live in
// the sandbox database: set them up with a second configuration on the sandbox platform pointing
// at the same file (dr_sandbox_server, dr_sandbox_backup, dr_recovery_server); the console steps
// the DR API v2 lacks (failback, confirm) are that configuration's `mode` changes.
//
// Usage:
//
//	ACRONIS_CLIENT_ID=rehearsal ACRONIS_CLIENT_SECRET=… \
//	  go run ./internal/cmd/acronisemu -db ./.dr-sandbox/sandbox.db -listen 127.0.0.1:8480 -time-scale 600
package main

import (
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"time"

	acronisemu "github.com/dr-provider/terraform-provider-dr/internal/emulator/acronis"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/sandbox"
)

func main() {
	db := flag.String("db", "./.dr-sandbox/sandbox.db", "sandbox database (shared with a sandbox-platform configuration)")
	listen := flag.String("listen", "127.0.0.1:8480", "address to serve on")
	scale := flag.Float64("time-scale", 600, "sandbox time scale (simulated seconds per wall second)")
	ttl := flag.Duration("token-ttl", acronisemu.DefaultTokenTTL, "lifetime of issued access tokens")
	flag.Parse()
	id, secret := os.Getenv("ACRONIS_CLIENT_ID"), os.Getenv("ACRONIS_CLIENT_SECRET")
	if id == "" || secret == "" {
		fmt.Fprintln(os.Stderr, "acronisemu: set ACRONIS_CLIENT_ID and ACRONIS_CLIENT_SECRET (the API client the emulator accepts)")
		os.Exit(2)
	}
	sb, err := sandbox.Open(*db, sandbox.Options{TimeScale: *scale})
	if err != nil {
		log.Fatalf("acronisemu: %v", err)
	}
	defer sb.Close()
	emu := acronisemu.New(sb, id, secret, acronisemu.Options{TokenTTL: *ttl})
	log.Printf("acronisemu: serving the Acronis DR API v2 on http://%s (sandbox %s, tenant %s)", *listen, *db, emu.TenantID())
	srv := &http.Server{Addr: *listen, Handler: emu, ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.ListenAndServe())
}
