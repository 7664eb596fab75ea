package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestImport_RetentionDue: the import's report, the dry run's first,
// says how many of the customers it brings are already past the
// retention period (or within the notice's 30 days of it), counted from
// their last visit, else their registration: the notice run tells them
// and the managers, and erases them no sooner than 30 days after. A shop
// bringing a 장부 of old visits learns it before the import, where
// nothing said so and the first anyone heard was the notice. With
// retention off nothing is said.
func TestImport_RetentionDue(t *testing.T) {
	// seededNow is 2026-12-01 10:00.
	const sheet = "고객명,연락처,첫방문,최근방문\n" +
		"김옛날,010-1111-0001,2019-03-01,2022-06-01\n" + // past 2y
		"이곧끝,010-1111-0002,2020-01-05,2024-12-20\n" + // 2y end 2026-12-20: within the notice's 30 days
		"박요즘,010-1111-0003,2020-01-05,2026-11-20\n" + // kept
		"최등록,010-1111-0004,2018-05-01,\n" // never came, registered 2018: past 2y
	for _, tt := range []struct {
		name, retention string
		lang            string
		want            string // "" : no such line
	}{
		{"Default", "", "ko", "보관 기간(DANGOL_RETENTION=2y)이 지났거나 30일 안에 끝나는 고객 3명이 있어요"},
		{"English", "", "en", "3 customers are past the retention period (DANGOL_RETENTION=2y) or within 30 days of it"},
		{"Longer", "5y", "ko", "고객 1명이 있어요"},
		{"Off", "0", "ko", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			db, file := filepath.Join(dir, "shop.db"), writeFile(t, filepath.Join(dir, "ledger.csv"), []byte(sheet))
			env := map[string]string{"DANGOL_DB": db, "DANGOL_RETENTION": tt.retention, "DANGOL_LANG": tt.lang}
			for _, args := range [][]string{{"import", file, "--dry-run"}, {"import", file}} {
				r := runMainAt(t, seededNow, env, args...)
				if r.err != nil {
					t.Fatalf("%v: %v\n%s", args, r.err, r.stderr)
				}
				switch {
				case tt.want == "" && strings.Contains(r.stdout, "DANGOL_RETENTION="):
					t.Errorf("%v: with retention off the report speaks of it:\n%s", args, r.stdout)
				case tt.want != "" && !strings.Contains(r.stdout, tt.want):
					t.Errorf("%v: the report lacks %q:\n%s", args, tt.want, r.stdout)
				}
			}
		})
	}
}
