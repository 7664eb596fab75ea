package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/dangol/dangol/ledger"
)

// copyV1 copies the ledger's schema-1 fixture (before sealing) into a
// temporary folder as the data file.
func copyV1(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "ledger", "testdata", "v1.db"))
	if err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(t.TempDir(), "dangol.db")
	if err := os.WriteFile(db, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return db
}

// dirNames lists the names in dir.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

// TestMigrate_DryRun: migrate --dry-run says what encrypting a schema-1
// file would do and writes nothing (the file byte for byte as it was, no
// key file); migrate then does it, and says there is nothing more to do
// after.
func TestMigrate_DryRun(t *testing.T) {
	db := copyV1(t)
	dir := filepath.Dir(db)
	env := map[string]string{"DANGOL_DB": db}
	keyPath := filepath.Join(dir, DefaultKeyFile)
	before, _ := os.ReadFile(db)
	fi, _ := os.Stat(db)
	plan, err := ledger.PlanMigration(db, 0)
	if err != nil {
		t.Fatal(err)
	}

	r := runMain(t, env, "", "migrate", "--dry-run")
	if r.err != nil {
		t.Fatal(r.err)
	}
	for _, want := range []string{
		testCatalog.Text("ko", "keys.migrate.plan", map[string]any{
			"DB": db, "From": 1, "To": ledger.SchemaVersion, "Customers": 3, "Notes": 3, "Points": 4, "Feedback": 4,
			"Audit": 4, "Sessions": 2, "Records": plan.Records, "Size": humanBytes(fi.Size()), "Estimated": humanBytes(plan.EstimatedSize),
		}),
		testCatalog.Text("ko", "keys.migrate.plan_new_key", map[string]any{"Key": keyPath}),
		testCatalog.Text("ko", "keys.migrate.dry_run", nil),
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
	if after, _ := os.ReadFile(db); !bytes.Equal(before, after) {
		t.Error("the dry run changed the data file")
	}
	if got := dirNames(t, dir); len(got) != 1 {
		t.Errorf("the dry run left files: %v", got)
	}

	r = runMain(t, env, "", "migrate")
	if r.err != nil {
		t.Fatal(r.err)
	}
	done := testCatalog.Text("ko", "keys.migrate.done", map[string]any{"DB": db, "From": 1, "To": ledger.SchemaVersion, "Records": plan.Records, "Size": humanBytes(fi.Size()), "After": "X"})
	if i := strings.Index(done, "X"); !strings.Contains(r.stdout, done[:i]) {
		t.Errorf("stdout lacks %q:\n%s", done[:i], r.stdout)
	}
	if sealed, err := ledger.Sealed(db, 0); err != nil || !sealed {
		t.Errorf("after migrate: sealed %v, %v", sealed, err)
	}
	data, _ := os.ReadFile(db)
	if bytes.Contains(data, []byte("김하늘")) {
		t.Error("the migrated file holds a clear name")
	}
	if _, err := os.Stat(keyPath); err != nil {
		t.Errorf("no key file after migrate: %v", err)
	}
	if strings.Contains(r.stderr, testCatalog.Text("ko", "keys.progress.migrate", nil)) {
		t.Error("a progress bar was drawn where standard error is not a terminal")
	}

	r = runMain(t, env, "", "migrate", "--dry-run")
	want := testCatalog.Text("ko", "keys.migrate.up_to_date", map[string]any{"DB": db, "From": ledger.SchemaVersion, "Customers": 3, "Notes": 3, "Points": 4, "Feedback": 4})
	if r.err != nil || !strings.Contains(r.stdout, want) {
		t.Errorf("migrate of a migrated file: %v %q, want %q", r.err, r.stdout, want)
	}
}

// TestMigrate_Cases: what migrate says of a file already sealed (schema 2
// says when it becomes 3), a missing file and one a dangol holds; none is
// changed.
func TestMigrate_Cases(t *testing.T) {
	t.Parallel() // its own data files; most of its time is waiting out a lock's timeout
	v2, err := os.ReadFile(filepath.Join("..", "..", "ledger", "testdata", "v2.db"))
	if err != nil {
		t.Fatal(err)
	}
	sealed := filepath.Join(t.TempDir(), "v2.db")
	os.WriteFile(sealed, v2, 0o600)
	held := filepath.Join(t.TempDir(), "held.db")
	mustOpenStore(t, held)
	missing := filepath.Join(t.TempDir(), "none.db")
	tests := []struct {
		name, db string
		want     string // in stdout, or the error
		ok       bool
	}{
		{"Schema2", sealed, testCatalog.Text("ko", "keys.migrate.up_to_date", map[string]any{"DB": sealed, "From": 2, "Customers": 3, "Notes": 3, "Points": 4, "Feedback": 4}) +
			"\n" + testCatalog.Text("ko", "keys.migrate.up_to_date_v2", nil), true},
		{"NoFile", missing, testCatalog.Text("ko", "keys.migrate.no_file", map[string]any{"DB": missing}), true},
		{"ErrLocked", held, testCatalog.Text("ko", "appliance.locked", map[string]any{"DB": held}), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, _ := os.ReadFile(tt.db)
			r := runMain(t, map[string]string{"DANGOL_DB": tt.db}, "", "migrate")
			switch {
			case tt.ok && (r.err != nil || !strings.Contains(r.stdout, tt.want)):
				t.Errorf("stdout %q, err %v; want %q", r.stdout, r.err, tt.want)
			case !tt.ok && (r.err == nil || r.err.Error() != tt.want):
				t.Errorf("err %v; want %q", r.err, tt.want)
			}
			if after, _ := os.ReadFile(tt.db); !bytes.Equal(before, after) {
				t.Error("the file changed")
			}
			assertNoFile(t, missing)
		})
	}
}

// TestMigrate_ProgressBar: on a terminal a migration draws its bar on
// standard error, to the end; elsewhere (the test above) it draws none.
func TestMigrate_ProgressBar(t *testing.T) {
	db := copyV1(t)
	r := runMainWith(t, map[string]string{"DANGOL_DB": db}, func(m *Main) {
		m.Terminal = func(w io.Writer) bool { return w == m.Stderr }
		m.progressMin = 1 // the fixture is small
	}, "migrate")
	if r.err != nil {
		t.Fatal(r.err)
	}
	plan, _ := ledger.PlanMigration(copyV1(t), 0)
	label := testCatalog.Text("ko", "keys.progress.migrate", nil)
	count := strconv.Itoa(plan.Records) + "/" + strconv.Itoa(plan.Records)
	if !strings.Contains(r.stderr, label) || !strings.Contains(r.stderr, "100%") || !strings.Contains(r.stderr, count) {
		t.Errorf("no finished progress bar on the terminal:\n%q", r.stderr)
	}
	if strings.Contains(r.stdout, label) {
		t.Error("the bar went to standard output")
	}
}
