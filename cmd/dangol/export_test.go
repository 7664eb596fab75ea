package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/dangol/dangol/internal/testdamage"
	"github.com/dangol/dangol/ledger"
)

// seed fills a ledger with two customers (one linked, one whose name looks
// like a formula), notes, points and feedback, one of it unlinked.
func seed(t *testing.T, path string) {
	t.Helper()
	seoul, err := time.LoadLocation("Asia/Seoul")
	if err != nil {
		t.Fatal(err)
	}
	at := func(day, hour int) time.Time { return time.Date(2026, 11, day, hour, 0, 0, 0, seoul) }
	s := mustOpenStore(t, path)
	err = s.Update(context.Background(), func(tx *ledger.Tx) error {
		haneul := &ledger.Customer{
			Name: "김하늘", Phone: "01012345678", CreatedAt: at(23, 10), Tags: []string{"단골"},
			Birthday: time.Date(1990, 3, 14, 0, 0, 0, 0, time.UTC), Preferences: "따뜻한 물",
		}
		if err := tx.CreateCustomer(haneul); err != nil {
			return err
		}
		formula := &ledger.Customer{Name: "=HYPERLINK(\"x\")", Phone: "01099998888", CreatedAt: at(24, 9)}
		if err := tx.CreateCustomer(formula); err != nil {
			return err
		}
		consent := ledger.Consent{Given: true, At: at(23, 12), Purpose: "loyalty+feedback"}
		if err := tx.LinkCustomer(haneul.ID, "telegram:42", consent); err != nil {
			return err
		}
		if err := tx.AddNote(&ledger.Note{
			CustomerID: haneul.ID, StaffID: "slack:U1", StaffName: "민지", At: at(23, 11),
			Text: "커트 상담, 다음엔 펌", Tags: []string{"커트", "펌"}, Amount: 55000, FollowUp: at(30, 0),
		}); err != nil {
			return err
		}
		if err := tx.AddPoints(&ledger.PointsEntry{CustomerID: haneul.ID, At: at(23, 11), Kind: ledger.PointsEarn, Points: 2750, Amount: 55000, ActorID: "slack:U1", Reason: "커트"}); err != nil {
			return err
		}
		if err := tx.AddPoints(&ledger.PointsEntry{CustomerID: haneul.ID, At: at(24, 15), Kind: ledger.PointsRedeem, Points: -1000, ActorID: "slack:U1", Reason: "사용"}); err != nil {
			return err
		}
		if err := tx.AddFeedback(&ledger.Feedback{CustomerID: haneul.ID, At: at(23, 13), Rating: 2, NPS: ledger.NoNPS, Comment: "너무 오래 기다렸어요 <파마 & 커트>"}); err != nil {
			return err
		}
		// The audit trail: a read of a record and one about no customer.
		if err := tx.Audit(ledger.AuditEntry{At: at(23, 11), ActorID: "slack:U1", Action: "read", CustomerID: haneul.ID, Detail: "card"}); err != nil {
			return err
		}
		if err := tx.Audit(ledger.AuditEntry{At: at(24, 9), ActorID: "slack:UM", Action: "audit", Detail: "slack:U1"}); err != nil {
			return err
		}
		return tx.AddFeedback(&ledger.Feedback{At: at(25, 18), Rating: 5, NPS: 9, Comment: "좋아요"})
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestExport(t *testing.T) {
	db := filepath.Join(t.TempDir(), "shop.db")
	seed(t, db)
	env := map[string]string{"DANGOL_DB": db}
	tests := []struct {
		name string
		args []string
	}{
		{"json", []string{"export"}},
		{"csv", []string{"export", "--format", "csv"}},
		{"json-utc", []string{"export", "--format=json", "--tz", "UTC"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runMain(t, env, "", tt.args...)
			if r.err != nil {
				t.Fatal(r.err)
			}
			if strings.HasPrefix(tt.name, "json") && !json.Valid([]byte(r.stdout)) {
				t.Errorf("not valid JSON:\n%s", r.stdout)
			}
			assertGolden(t, filepath.Join("testdata", "export-"+tt.name+".golden"), r.stdout)
		})
	}
}

func TestExport_ToFile(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "shop.db")
	seed(t, db)
	out := filepath.Join(dir, "out.csv")
	r := runMain(t, map[string]string{"DANGOL_DB": db}, "", "export", "--format", "csv", "--out", out)
	if r.err != nil || r.stdout != "" {
		t.Fatalf("err %v, stdout %q", r.err, r.stdout)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("\uFEFFid,name,phone,points,")) {
		t.Errorf("file starts %q, want a BOM and the header", b[:min(len(b), 40)])
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
}

// TestExport_FormatFromName: without --format, an --out ending in .csv is
// CSV (JSON under that name opened as one garbled column in Excel) and any
// other name JSON; --format still decides when given.
func TestExport_FormatFromName(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "shop.db")
	seed(t, db)
	for _, tt := range []struct {
		name string
		args []string
		csv  bool
	}{
		{"고객.csv", nil, true},
		{"UPPER.CSV", nil, true},
		{"all.json", nil, false},
		{"dump", nil, false},
		{"forced.csv", []string{"--format", "json"}, false},
		{"forced.json", []string{"--format", "csv"}, true},
	} {
		out := filepath.Join(dir, tt.name)
		r := runMain(t, map[string]string{"DANGOL_DB": db}, "", append(append([]string{"export"}, tt.args...), "--out", out)...)
		if r.err != nil {
			t.Fatalf("%s: %v", tt.name, r.err)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		if got := bytes.HasPrefix(b, []byte("\uFEFFid,name,")); got != tt.csv {
			t.Errorf("%s %v: starts %q, want CSV %v", tt.name, tt.args, b[:min(len(b), 20)], tt.csv)
		}
		if !tt.csv && !bytes.HasPrefix(b, []byte("{")) {
			t.Errorf("%s %v: starts %q, want JSON", tt.name, tt.args, b[:min(len(b), 20)])
		}
	}
}

func TestBackupRestore(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "shop.db")
	seed(t, db)
	env := map[string]string{"DANGOL_DB": db}
	want := runMain(t, env, "", "export").stdout

	bak := filepath.Join(dir, "shop.bak")
	r := runMain(t, env, "", "backup", bak)
	if r.err != nil {
		t.Fatal(r.err)
	}
	// Said in the shop's language, with the size and the key to keep
	// apart; the English log line only with -v.
	fi, err := os.Stat(bak)
	if err != nil {
		t.Fatal(err)
	}
	if want := testCatalog.Text("ko", "cli.backup.done", map[string]any{"To": bak, "Size": sizeText(fi.Size()), "Key": filepath.Join(dir, DefaultKeyFile)}) + "\n"; r.stdout != want || r.stderr != "" {
		t.Errorf("backup said %q, stderr %q; want %q and nothing else", r.stdout, r.stderr, want)
	}
	t.Run("ErrBackupExists", func(t *testing.T) {
		r := runMain(t, env, "", "backup", bak)
		if want := testCatalog.Text("ko", "cli.out.exists", map[string]any{"File": bak}); r.err == nil || r.err.Error() != want || !strings.Contains(want, "--force") {
			t.Fatalf("err = %v, want the refusal %q, mentioning --force", r.err, want)
		}
	})
	t.Run("ErrBackupOntoItself", func(t *testing.T) {
		r := runMain(t, env, "", "backup", db, "--force")
		if want := usageText("cli.err.same_file", map[string]any{"File": db}); !isUsage(r.err) || r.err.Error() != want {
			t.Fatalf("err = %v, want the usage error %q", r.err, want)
		}
	})
	t.Run("ErrRestoreOverExisting", func(t *testing.T) {
		r := runMain(t, env, "", "restore", bak)
		if want := testCatalog.Text("ko", "cli.restore.exists", map[string]any{"DB": db}); r.err == nil || r.err.Error() != want || !strings.Contains(want, "--force") {
			t.Fatalf("err = %v, want the refusal %q, mentioning --force", r.err, want)
		}
	})
	t.Run("ErrRestoreNotALedger", func(t *testing.T) {
		for name, data := range map[string]string{"empty": "", "text": strings.Repeat("not bbolt ", 1000)} {
			junk := filepath.Join(dir, name+".junk")
			if err := os.WriteFile(junk, []byte(data), 0o600); err != nil {
				t.Fatal(err)
			}
			fresh := filepath.Join(dir, "fresh-"+name+".db")
			r := runMain(t, map[string]string{"DANGOL_DB": fresh}, "", "restore", junk)
			if r.err == nil || !strings.Contains(r.err.Error(), junk) {
				t.Errorf("%s: err = %v, want a refusal naming %s", name, r.err, junk)
			}
			// In the shop's language, not Go's: text is no data file either.
			if want := testCatalog.Text("ko", "cli.restore.not_ledger", map[string]any{"File": junk}); r.err.Error() != want {
				t.Errorf("%s: err = %v, want %q", name, r.err, want)
			}
			if _, err := os.Stat(fresh); err == nil {
				t.Errorf("%s: restore created %s from junk", name, fresh)
			}
		}
	})
	t.Run("ErrRestoreMissing", func(t *testing.T) {
		missing := filepath.Join(dir, "no-such.bak")
		r := runMain(t, env, "", "restore", missing, "--force")
		prefix, _, _ := strings.Cut(testCatalog.Text("ko", "cli.restore.open", map[string]any{"File": missing, "Err": "\x00"}), "\x00")
		if !errors.Is(r.err, fs.ErrNotExist) || !strings.HasPrefix(r.err.Error(), prefix) {
			t.Fatalf("err = %v, want the refusal %q… keeping the cause", r.err, prefix)
		}
	})
	t.Run("ErrRestoreDamaged", func(t *testing.T) {
		// A backup cut short (a copy that ran out of disk, a USB stick
		// pulled out) is refused, never installed, and the data file
		// stays as it was.
		good, err := os.ReadFile(bak)
		if err != nil {
			t.Fatal(err)
		}
		cut := filepath.Join(dir, "cut.bak")
		if err := os.WriteFile(cut, good[:len(good)/2], 0o600); err != nil {
			t.Fatal(err)
		}
		before, _ := os.ReadFile(db)
		r := runMain(t, env, "", "restore", cut, "--force")
		want := testCatalog.Text("ko", "appliance.restore.damaged", map[string]any{"From": cut, "DB": db, "Detail": "x"})
		want, _, _ = strings.Cut(want, "\n")
		if r.err == nil || !strings.HasPrefix(r.err.Error(), want) || !errors.Is(r.err, ledger.ErrDamaged) {
			t.Fatalf("err = %v, want the localised refusal %q", r.err, want)
		}
		if after, _ := os.ReadFile(db); !bytes.Equal(after, before) {
			t.Error("a refused restore changed the data file")
		}
		if kept, _ := filepath.Glob(db + ".before-restore*"); len(kept) > 0 {
			t.Error("a refused restore moved the data file away")
		}
	})
	t.Run("ErrOpenDamaged", func(t *testing.T) {
		good, err := os.ReadFile(bak)
		if err != nil {
			t.Fatal(err)
		}
		broken := filepath.Join(dir, "broken.db")
		if err := os.WriteFile(broken, good[:len(good)/2], 0o600); err != nil {
			t.Fatal(err)
		}
		for _, lang := range []string{"ko", "en"} {
			r := runMain(t, map[string]string{"DANGOL_DB": broken, "DANGOL_LANG": lang}, "", "export")
			want, _, _ := strings.Cut(testCatalog.Text(lang, "appliance.damaged", map[string]any{"DB": broken, "Detail": "x"}), "\n")
			if r.err == nil || !strings.HasPrefix(r.err.Error(), want) || !strings.Contains(r.err.Error(), "dangol restore") {
				t.Errorf("%s: err = %v, want %q and the restore hint", lang, r.err, want)
			}
		}
		if after, _ := os.ReadFile(broken); !bytes.Equal(after, good[:len(good)/2]) {
			t.Error("opening a damaged file changed it")
		}
	})
	t.Run("ErrOpenNotLedger", func(t *testing.T) {
		// --db naming the key file: not a data file, and the file as it was.
		key := filepath.Join(dir, DefaultKeyFile)
		before, _ := os.ReadFile(key)
		for _, lang := range []string{"ko", "en"} {
			r := runMain(t, map[string]string{"DANGOL_DB": key, "DANGOL_LANG": lang}, "", "export")
			if want := testCatalog.Text(lang, "appliance.not_ledger", map[string]any{"DB": key}); r.err == nil || r.err.Error() != want {
				t.Errorf("%s: err = %v, want %q", lang, r.err, want)
			}
		}
		if after, _ := os.ReadFile(key); !bytes.Equal(after, before) {
			t.Error("opening the key file as data changed it")
		}
	})
	t.Run("ErrRestoreWhileServing", func(t *testing.T) {
		s := mustOpenStore(t, db)
		r := runMain(t, env, "", "restore", bak, "--force")
		s.Close()
		if want := testCatalog.Text("ko", "cli.restore.in_use", map[string]any{"DB": db}); !errors.Is(r.err, ledger.ErrLocked) || r.err.Error() != want {
			t.Fatalf("err = %v, want the refusal %q while the file is held", r.err, want)
		}
	})
	t.Run("OK", func(t *testing.T) {
		fresh := filepath.Join(dir, "fresh.db")
		if r := runMain(t, map[string]string{"DANGOL_DB": fresh}, "", "restore", bak); r.err != nil {
			t.Fatal(r.err)
		}
		if got := runMain(t, map[string]string{"DANGOL_DB": fresh}, "", "export").stdout; got != want {
			t.Errorf("restored export differs:\n%s\nwant\n%s", got, want)
		}
	})
	t.Run("OKForce", func(t *testing.T) {
		empty := filepath.Join(dir, "empty.db")
		if r := runMain(t, map[string]string{"DANGOL_DB": empty}, "", "chat", "--new"); r.err != nil { // a new ledger of nothing beside db's key
			t.Fatal(r.err)
		}
		if r := runMain(t, map[string]string{"DANGOL_DB": empty}, "", "restore", "--force", bak); r.err != nil {
			t.Fatal(r.err)
		}
		if got := runMain(t, map[string]string{"DANGOL_DB": empty}, "", "export").stdout; got != want {
			t.Errorf("restored export differs:\n%s\nwant\n%s", got, want)
		}
		if kept, _ := filepath.Glob(empty + ".before-restore-*"); len(kept) != 1 {
			t.Errorf("the replaced file was not kept: %q", kept)
		}
	})
}

func assertGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test ./cmd/dangol -update creates it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (go test ./cmd/dangol -update rewrites it)\n--- got ---\n%s\n--- want ---\n%s", path, got, want)
	}
}

// TestExport_XLSX: --out with .xlsx (or --format xlsx) writes an Excel
// workbook, one sheet named in the shop's language, holding the CSV
// export's rows: counts as numbers, the phone as text, a text starting
// with "=" as itself (a cell of text is never a formula).
func TestExport_XLSX(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "shop.db")
	seed(t, db)
	env := map[string]string{"DANGOL_DB": db}
	csvOut := runMain(t, env, "", "export", "--format", "csv")
	if csvOut.err != nil {
		t.Fatal(csvOut.err)
	}
	want, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(csvOut.stdout, "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"--out", filepath.Join(dir, "고객.xlsx")}, {"--format", "xlsx", "--out", filepath.Join(dir, "list")}} {
		r := runMain(t, env, "", append([]string{"export"}, args...)...)
		if r.err != nil {
			t.Fatalf("%v: %v", args, r.err)
		}
		f, err := excelize.OpenFile(args[len(args)-1])
		if err != nil {
			t.Fatalf("%v: not a workbook: %v", args, err)
		}
		sheets := f.GetSheetList()
		rows, err := f.GetRows(sheets[0])
		if err != nil {
			t.Fatal(err)
		}
		if len(sheets) != 1 || sheets[0] != "고객" || len(rows) != len(want) {
			t.Fatalf("%v: sheets %v, %d rows, want [고객] and %d", args, sheets, len(rows), len(want))
		}
		for i := range want {
			for j := range want[i] {
				got := ""
				if j < len(rows[i]) {
					got = rows[i][j]
				}
				if w := strings.TrimPrefix(want[i][j], "'"); got != w {
					t.Errorf("%v: row %d column %s = %q, want %q", args, i, want[0][j], got, w)
				}
			}
		}
		for col, typ := range map[string]excelize.CellType{"C2": excelize.CellTypeInlineString, "D2": excelize.CellTypeUnset} {
			if got, err := f.GetCellType(sheets[0], col); err != nil || got != typ {
				t.Errorf("%v: %s is of type %v (%v), want %v", args, col, got, err, typ)
			}
		}
		f.Close()
	}
}

// TestExport_TagSpelling: the JSON, CSV and Excel exports spell tags as the
// staff did ("VIP", a note's "Perm"), not lower-cased; a tag an older
// dangol stored lower case ("vip") is exported as stored. The CSV and Excel
// tags, and the JSON's card_tags, are the card's: the customer's own, then
// their notes'; the JSON's tags are the customer's own.
func TestExport_TagSpelling(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "shop.db")
	updateLedger(t, db, func(tx *ledger.Tx) error {
		c := &ledger.Customer{Name: "김하늘", Phone: "01012345678", CreatedAt: seededNow, Tags: []string{"#VIP", "뿌리 염색"}}
		if err := tx.CreateCustomer(c); err != nil {
			return err
		}
		if err := tx.AddNote(&ledger.Note{CustomerID: c.ID, StaffID: "slack:U1", At: seededNow, Text: "상담", Tags: []string{"#Perm"}}); err != nil {
			return err
		}
		return tx.CreateCustomer(&ledger.Customer{Name: "박지훈", Phone: "01022223333", CreatedAt: seededNow, Tags: []string{"vip"}})
	})
	env := map[string]string{"DANGOL_DB": db}
	own := []string{"VIP, 뿌리 염색", "vip"}
	want := []string{"VIP, 뿌리 염색, Perm", "vip"}

	r := runMain(t, env, "", "export")
	if r.err != nil {
		t.Fatal(r.err)
	}
	var doc struct {
		Customers []struct {
			Tags     []string `json:"tags"`
			CardTags []string `json:"card_tags"`
			Notes    []struct {
				Tags []string `json:"tags"`
			} `json:"notes"`
		} `json:"customers"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Customers) != 2 || strings.Join(doc.Customers[0].Tags, ", ") != own[0] ||
		len(doc.Customers[0].Notes) != 1 || strings.Join(doc.Customers[0].Notes[0].Tags, ",") != "Perm" ||
		strings.Join(doc.Customers[1].Tags, ", ") != own[1] {
		t.Errorf("JSON export's tags: %+v, want [VIP 뿌리 염색] with a note's [Perm], then [vip]", doc.Customers)
	}
	for i, c := range doc.Customers {
		if got := strings.Join(c.CardTags, ", "); got != want[i] {
			t.Errorf("JSON export's card_tags of customer %d: %q, want %q", i+1, got, want[i])
		}
	}

	r = runMain(t, env, "", "export", "--format", "csv")
	if r.err != nil {
		t.Fatal(r.err)
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.stdout, "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := slices.Index(recs[0], "tags")
	var cells []string
	for _, rec := range recs[1:] {
		cells = append(cells, rec[col])
	}
	if !slices.Equal(cells, want) {
		t.Errorf("CSV export's tags %q, want %q", cells, want)
	}

	out := filepath.Join(dir, "고객.xlsx")
	if r := runMain(t, env, "", "export", "--out", out); r.err != nil {
		t.Fatal(r.err)
	}
	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetList()[0])
	if err != nil {
		t.Fatal(err)
	}
	cells = nil
	for _, row := range rows[1:] {
		cells = append(cells, row[col])
	}
	if !slices.Equal(cells, want) {
		t.Errorf("Excel export's tags %q, want %q", cells, want)
	}
}

// TestExport_DamagedRecords: a customer record or a note that does not
// read (changed bytes inside a value, which the open-time check does not
// look at) no longer stops the export with an English error and nothing
// written: every other record is exported, the damaged ones are counted
// in the shop's language with what to do, and the command fails, so a
// script notices.
func TestExport_DamagedRecords(t *testing.T) {
	tests := []struct {
		name       string
		bucket     string
		nth, at    int
		args       []string
		wantIDs    []string // customers exported, in order
		wantNotes  int      // notes of C1 exported
		wantReport string
	}{
		{"customer-decode", "customers", 1, 0, []string{"export"}, []string{"C1"}, 1, "고객 1명"},
		{"customer-seal", "customers", 0, -1, []string{"export"}, []string{"C2"}, 0, "고객 1명"},
		{"note-seal", "notes", 0, -1, []string{"export"}, []string{"C1", "C2"}, 0, "메모 1건"},
		{"csv", "customers", 0, -1, []string{"export", "--format", "csv"}, []string{"C2"}, -1, "고객 1명"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			db := filepath.Join(dir, "shop.db")
			seed(t, db)
			testdamage.Flip(t, db, tt.bucket, tt.nth, tt.at)
			r := runMain(t, map[string]string{"DANGOL_DB": db}, "", tt.args...)
			if !errors.Is(r.err, ledger.ErrCorrupt) {
				t.Fatalf("err %v, want one wrapping ledger.ErrCorrupt", r.err)
			}
			for _, want := range []string{"손상", tt.wantReport, "dangol restore", ".before-restore-"} {
				if !strings.Contains(r.err.Error(), want) {
					t.Errorf("message %q does not say %q", r.err, want)
				}
			}
			var ids []string
			notes := -1
			if tt.wantNotes < 0 { // CSV: the first cell of each row after the header
				rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.stdout, "\uFEFF"))).ReadAll()
				if err != nil {
					t.Fatal(err)
				}
				for _, row := range rows[1:] {
					ids = append(ids, row[0])
				}
			} else {
				var got struct {
					Customers []struct {
						ID    string            `json:"id"`
						Notes []json.RawMessage `json:"notes"`
					} `json:"customers"`
					Feedback []json.RawMessage `json:"feedback"`
				}
				if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
					t.Fatalf("export is not whole JSON: %v\n%s", err, r.stdout)
				}
				for _, c := range got.Customers {
					ids = append(ids, c.ID)
					if c.ID == "C1" {
						notes = len(c.Notes)
					}
				}
				if len(got.Feedback) != 2 {
					t.Errorf("%d feedback exported, want both", len(got.Feedback))
				}
			}
			if !slices.Equal(ids, tt.wantIDs) {
				t.Errorf("exported customers %v, want %v", ids, tt.wantIDs)
			}
			if slices.Contains(tt.wantIDs, "C1") && notes != tt.wantNotes {
				t.Errorf("C1 exported with %d notes, want %d", notes, tt.wantNotes)
			}
		})
	}
}
