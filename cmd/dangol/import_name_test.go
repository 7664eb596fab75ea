package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestImport_PhoneInName: a name cell holding a second phone number is a
// rejected row, read by the same rule as chat's (ledger.PhoneInName): the
// number showed in full wherever the phone is masked. A name's few digits
// are still a name.
func TestImport_PhoneInName(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "n.csv")
	if err := os.WriteFile(path, []byte("이름,전화번호\n이도윤 010-5555-6666,010-3333-4444\n김하늘(5678),010-3333-2222\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := runMainAt(t, seededNow, map[string]string{"DANGOL_DB": filepath.Join(dir, "shop.db")}, "import", path)
	if r.err != nil {
		t.Fatal(r.err)
	}
	want := "  2행: " + testCatalog.Text("ko", "cli.import.reason.name_phone", map[string]any{"Value": "이도윤 010-5555-6666", "Name": "이도윤"})
	if !strings.Contains(r.stdout, want) || !strings.Contains(r.stdout, "가져옴 1명") {
		t.Errorf("report:\n%s\nwant %q and 김하늘(5678) imported", r.stdout, want)
	}
}
