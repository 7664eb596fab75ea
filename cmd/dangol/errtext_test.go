package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
)

// TestDamageDetail: the "자세히:" line under a damaged-file message names
// what was found, in plain words: not the words of a recovered panic,
// not the bytes of a broken page, not the file's name again.
func TestDamageDetail(t *testing.T) {
	tests := []struct {
		name, err, path, want string
	}{
		{"Panic", "ledger: data file is damaged: f/dangol.db: panic: assertion failed: Page expected to be: 0, but self identifies as 18446744073709551615", "f/dangol.db",
			"Page expected to be: 0, but self identifies as 18446744073709551615"},
		{"ControlCharacter", "ledger: data file is damaged: f/dangol.db: invalid freelist page: 9, page type is unknown\uffef\x01", "f/dangol.db",
			"invalid freelist page: 9, page type is unknown"},
		{"Lines", "ledger: data file is damaged: x.db: a\nb\tc", "x.db", "a b c"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := damageDetail(stringError(tt.err), tt.path); got != tt.want {
				t.Errorf("damageDetail = %q, want %q", got, tt.want)
			}
		})
	}
	if got := []rune(damageDetail(stringError(strings.Repeat("x", 1000)), "")); len(got) > maxDetail {
		t.Errorf("a long cause is %d characters, want at most %d", len(got), maxDetail)
	}
}

// TestOpen_DamagedMetaDetail: a data file whose first page was overwritten
// makes bbolt panic inside Open; the message the owner reads says the file
// is damaged, and its detail has no "panic" and nothing unprintable.
func TestOpen_DamagedMetaDetail(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "dangol.db")
	if r := runMain(t, map[string]string{"DANGOL_DB": db}, "", "chat"); r.err != nil {
		t.Fatal(r.err)
	}
	data, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 17; i++ {
		data[i] ^= 0xff
	}
	if err := os.WriteFile(db, data, 0o600); err != nil {
		t.Fatal(err)
	}
	r := runMain(t, map[string]string{"DANGOL_DB": db}, "", "export")
	if r.err == nil {
		t.Fatal("a damaged file opened")
	}
	msg := r.err.Error()
	head, _, _ := strings.Cut(testCatalog.Text("ko", "appliance.damaged", map[string]any{"DB": db, "Detail": ""}), "\n")
	if !strings.HasPrefix(msg, head) {
		t.Errorf("err = %q, want the damaged-file message", msg)
	}
	if strings.Contains(strings.ToLower(msg), "panic") || strings.ContainsFunc(msg, func(r rune) bool { return r != '\n' && !unicode.IsGraphic(r) }) {
		t.Errorf("err = %q: panic words or unprintable characters", msg)
	}
}

// stringError is an error that is only its text.
type stringError string

func (e stringError) Error() string { return string(e) }
