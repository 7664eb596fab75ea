package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestOwnFilesGuarded: no command writes its output over the files dangol
// keeps beside the data, even with --force, and each of those files is left
// byte for byte as it was. Before this an export, poster or chart named
// after the key file replaced the only key that opens the data.
func TestOwnFilesGuarded(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "shop.db")
	seed(t, db)
	key := filepath.Join(dir, DefaultKeyFile)
	settings := filepath.Join(dir, "dangol.env")
	if err := os.WriteFile(settings, []byte("DANGOL_SHOP_NAME=하늘 미용실\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"DANGOL_DB": db, "DANGOL_SHOP_NAME": "하늘 미용실"}
	targets := []struct {
		name, path, msg string
	}{
		{"DataFile", db, "cli.err.same_file"},
		{"KeyFile", key, "cli.err.own_file"},
		{"ErasedList", key + ".erased", "cli.err.own_file"}, // not there yet: named, not found
		{"SettingsFile", settings, "cli.err.own_file"},
	}
	commands := []struct {
		name string
		args func(path string) []string
	}{
		{"Export", func(p string) []string { return []string{"export", "--out", p, "--force"} }},
		{"ExportCSV", func(p string) []string { return []string{"export", "--format", "csv", "--out", p, "--force"} }},
		{"Backup", func(p string) []string { return []string{"backup", p, "--force"} }},
		{"SummaryChart", func(p string) []string { return []string{"summary", "--png", p} }},
		{"Poster", func(p string) []string { return []string{"poster", "--png", p} }},
	}
	before := map[string][]byte{}
	for _, f := range []string{db, key, settings} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		before[f] = b
	}
	for _, c := range commands {
		for _, tg := range targets {
			t.Run(c.name+"/"+tg.name, func(t *testing.T) {
				args := append([]string{"--env-file", settings}, c.args(tg.path)...)
				r := runMain(t, env, "", args...)
				want := usageText(tg.msg, map[string]any{"File": tg.path})
				if !isUsage(r.err) || r.err.Error() != want {
					t.Fatalf("err = %v, want the usage error %q", r.err, want)
				}
				for f, b := range before {
					if got, err := os.ReadFile(f); err != nil || !bytes.Equal(got, b) {
						t.Errorf("%s changed (err %v)", f, err)
					}
				}
				if _, err := os.Stat(key + ".erased"); err == nil {
					t.Errorf("%s was written", key+".erased")
				}
			})
		}
	}
}

// TestExport_Exists: export --out refuses a file that is already there, as
// a backup does, and replaces it whole with --force.
func TestExport_Exists(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "shop.db")
	seed(t, db)
	env := map[string]string{"DANGOL_DB": db}
	out := filepath.Join(dir, "고객관리장부.csv")
	mine := []byte("이름,메모\n김하늘,직접 적은 메모\n")
	if err := os.WriteFile(out, mine, 0o600); err != nil {
		t.Fatal(err)
	}
	r := runMain(t, env, "", "export", "--format", "csv", "--out", out)
	if want := testCatalog.Text("ko", "cli.out.exists", map[string]any{"File": out}); r.err == nil || r.err.Error() != want {
		t.Fatalf("err = %v, want the refusal %q", r.err, want)
	}
	if got, _ := os.ReadFile(out); !bytes.Equal(got, mine) {
		t.Fatalf("the shop's file became %q", got)
	}
	if r := runMain(t, env, "", "export", "--format", "csv", "--out", out, "--force"); r.err != nil {
		t.Fatal(r.err)
	}
	want := runMain(t, env, "", "export", "--format", "csv").stdout
	if got, _ := os.ReadFile(out); string(got) != want || want == "" {
		t.Errorf("--force wrote %d bytes, want the export's %d", len(got), len(want))
	}
}
