package acronis_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// The recovery points link on the wire: a server's DR_CLOUD_SERVER_RECOVERY_POINTS href is the
// Vault Manager's backups listing of the server and its machine; it needs the scoped token,
// answers items with the three IDs, created, type, size and deleted, newest first, and pages
// with limit and the after cursor.
func TestRecoveryPointsListing(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	ctx := t.Context()
	inv := r.emu.Fixture()
	for i := range 3 {
		if _, err := inv.PutBackup(ctx, platform.Backup{Kind: platform.BackupKindServer, SourceID: "m-1", IncludesSystemDisk: true,
			Region: "eu", SizeGB: int64(i + 1)}); err != nil {
			t.Fatal(err)
		}
		r.clk.Advance(time.Hour)
	}
	rs, err := r.emu.Console().CreateRecoveryServer(ctx, platform.RecoveryServerSpec{Name: "rs", MachineID: "m-1", CPU: 1, MemoryGB: 1})
	if err != nil {
		t.Fatal(err)
	}
	_, scoped := r.token(t)
	st, _, srv := r.do(t, http.MethodGet, "/api/dr/v2/servers/"+rs.ID, "Bearer "+scoped, nil)
	if st != 200 {
		t.Fatal(st, srv)
	}
	var href string
	for _, l := range srv["_links"].([]any) {
		if m := l.(map[string]any); m["rel"] == "DR_CLOUD_SERVER_RECOVERY_POINTS" {
			href = m["href"].(string)
		}
	}
	u, err := url.Parse(href)
	if err != nil || u.Path != "/bc/api/vault_manager/v1/backups" || u.Query().Get("order") != "desc(created)" || len(u.Query()["resourceId"]) != 2 {
		t.Fatalf("recovery points link %q", href)
	}
	if st, _, _ := r.do(t, http.MethodGet, u.RequestURI(), "", nil); st != 401 {
		t.Fatalf("listing without a token: %d", st)
	}
	path := u.RequestURI() + "&limit=2"
	var sizes []float64
	for range 3 {
		st, _, page := r.do(t, http.MethodGet, path, "Bearer "+scoped, nil)
		if st != 200 {
			t.Fatal(st, page)
		}
		for _, it := range page["items"].([]any) {
			b := it.(map[string]any)
			if b["archive_id"] != "archive-m-1" || b["vault_id"] != "vault-m-1" || !strings.HasPrefix(b["backup_id"].(string), "bk-") ||
				b["deleted"] != false || b["type"] != "full" || b["created"] == "" {
				t.Fatalf("item %v", b)
			}
			sizes = append(sizes, b["size"].(float64))
		}
		after, _ := page["paging"].(map[string]any)["cursors"].(map[string]any)["after"].(string)
		if after == "" {
			break
		}
		path = "/bc/api/vault_manager/v1/backups?after=" + url.QueryEscape(after)
	}
	if len(sizes) != 3 || sizes[0] != 3<<30 || sizes[2] != 1<<30 {
		t.Fatalf("newest first over two pages: %v", sizes)
	}
}
