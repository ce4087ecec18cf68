package provider

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/dr-provider/terraform-provider-dr/internal/platform"
	"github.com/dr-provider/terraform-provider-dr/internal/platform/sandbox"
)

// BenchmarkListPairs1000 lists 1,000 replication pairs through the ListResource RPC (what
// `terraform query` calls), consuming the whole stream: identities only, and with the full
// resource objects (-generate-config-out).
func BenchmarkListPairs1000(b *testing.B) {
	ctx := b.Context()
	db := filepath.Join(b.TempDir(), "sandbox.db")
	sb, err := sandbox.Open(db, sandbox.Options{TimeScale: accTimeScale})
	if err != nil {
		b.Fatal(err)
	}
	defer sb.Close()
	inv := sb.Inventory()
	for _, s := range []platform.Site{
		{ID: "sh-a", Region: "cn-shanghai", Zone: "cn-shanghai-a", Healthy: true, ReplicationCapable: true},
		{ID: "bj-a", Region: "cn-beijing", Zone: "cn-beijing-a", Healthy: true, ReplicationCapable: true},
	} {
		if _, err := inv.PutSite(ctx, s); err != nil {
			b.Fatal(err)
		}
	}
	const n = 1000
	for i := range n {
		pv, err := inv.PutVolume(ctx, platform.Volume{SiteID: "sh-a", SizeGB: 10})
		if err != nil {
			b.Fatal(err)
		}
		sv, err := inv.PutVolume(ctx, platform.Volume{SiteID: "bj-a", SizeGB: 10})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := sb.CreatePair(ctx, platform.PairSpec{Name: fmt.Sprintf("db-%04d", i), PrimaryVolumeID: pv.ID, SecondaryVolumeID: sv.ID}, ""); err != nil {
			b.Fatal(err)
		}
	}

	srv := providerserver.NewProtocol6(New("bench", "bench")())()
	sresp, err := srv.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		b.Fatal(err)
	}
	if resp, err := srv.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: providerConfig(b, db, accTimeScale)}); err != nil || len(errorDiags(resp.Diagnostics)) > 0 {
		b.Fatalf("configure: %v %v", err, resp)
	}
	//lint:ignore SA1019 terraform-plugin-go v0.31 reaches list resources only through this interface (toolchain-facts §1)
	ls := srv.(tfprotov6.ProviderServerWithListResource)
	cdv := listConfig(b, pairType, sresp.ListResourceSchemas[pairType], map[string]string{"name_prefix": "db-"})
	// The platform call alone, for comparison: what the RPC adds is the rest.
	b.Run("platform_ListPairs", func(b *testing.B) {
		for b.Loop() {
			if ps, err := sb.ListPairs(ctx); err != nil || len(ps) != n {
				b.Fatalf("ListPairs: %d, %v", len(ps), err)
			}
		}
	})
	for _, include := range []bool{false, true} {
		b.Run(fmt.Sprintf("include_resource=%t", include), func(b *testing.B) {
			for b.Loop() {
				stream, err := ls.ListResource(ctx, &tfprotov6.ListResourceRequest{TypeName: pairType, Config: cdv, IncludeResource: include})
				if err != nil {
					b.Fatal(err)
				}
				got := 0
				for r := range stream.Results {
					if len(errorDiags(r.Diagnostics)) > 0 {
						b.Fatalf("list: %v", r.Diagnostics[0])
					}
					got++
				}
				if got != n {
					b.Fatalf("listed %d pairs, want %d", got, n)
				}
			}
		})
	}
}
