package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dangol/dangol/ledger"
)

// TestExport_ThreadPhotos: the JSON export names a thread's photos (name,
// time, type, size), never their bytes.
func TestExport_ThreadPhotos(t *testing.T) {
	db := filepath.Join(t.TempDir(), "dangol.db")
	s, err := ledger.Open(db, testLedgerOptions(t, db))
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 5, 13, 14, 0, 0, 0, time.UTC)
	err = s.Update(context.Background(), func(tx *ledger.Tx) error {
		c := ledger.Customer{Name: "김하늘", Phone: "01048151623", CreatedAt: at}
		if err := tx.CreateCustomer(&c); err != nil {
			return err
		}
		th := ledger.Thread{Kind: ledger.ThreadQuestion, CustomerID: c.ID, SenderID: "telegram:4242", OpenedAt: at}
		if err := tx.OpenThread(&th, "이 색으로 해 주세요"); err != nil {
			return err
		}
		_, err := tx.AddThreadPhoto(&ledger.ThreadPhoto{Thread: th.Number, At: at.Add(time.Minute), Mime: "image/jpeg", Bytes: []byte("PHOTO-BYTES-MARKER")})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	ex := runMain(t, map[string]string{"DANGOL_DB": db, "DANGOL_TZ": "UTC"}, "", "export")
	if ex.err != nil {
		t.Fatalf("export: %v\n%s", ex.err, ex.stderr)
	}
	want := `"photos":[{"name":"photo-1.jpg","at":"2026-05-13T14:01:00Z","mime":"image/jpeg","bytes":18}]`
	if !strings.Contains(ex.stdout, want) {
		t.Errorf("export lacks %s:\n%s", want, ex.stdout)
	}
	if strings.Contains(ex.stdout, "PHOTO-BYTES-MARKER") || strings.Contains(ex.stdout, "UEhPVE8tQllURVMtTUFSS0VS") {
		t.Error("the export holds the photo's bytes")
	}
}
