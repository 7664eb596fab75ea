package main

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dangol/dangol/feedback/charttest"
)

// seededNow is "now" for tests over seed's data: Tuesday 2026-12-01 10:00
// in Seoul, the week after the seeded one (2026-W48, 11/23–11/29).
var seededNow = time.Date(2026, 12, 1, 10, 0, 0, 0, time.FixedZone("KST", 9*3600))

// runMainAt is runMain with the clock stopped at now.
func runMainAt(t *testing.T, now time.Time, env map[string]string, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	m := &Main{
		Catalog: testCatalog, Chart: charttest.Stub,
		Stdin:  strings.NewReader(""),
		Stdout: &stdout,
		Stderr: &stderr,
		Getenv: func(k string) string { return env[k] },
		Now:    func() time.Time { return now },
	}
	err := m.Run(context.Background(), args)
	if cerr := m.Close(); err == nil {
		err = cerr
	}
	return result{stdout.String(), stderr.String(), err}
}

func TestSummary(t *testing.T) {
	t.Parallel() // its own ledger, Main and fakes
	dir := t.TempDir()
	db := filepath.Join(dir, "shop.db")
	seed(t, db)
	env := map[string]string{"DANGOL_DB": db}

	t.Run("LastWeekKorean", func(t *testing.T) {
		r := runMainAt(t, seededNow, env, "summary", "--week", "last")
		if r.err != nil {
			t.Fatal(r.err)
		}
		assertGolden(t, filepath.Join("testdata", "summary-W48.ko.golden"), r.stdout)
	})

	tests := []struct {
		name string
		args []string
		want []string // lines of the output, in order
	}{
		{
			name: "ISOWeekEnglish",
			args: []string{"summary", "--lang", "en", "--week", "2026-W48"},
			want: []string{
				"2026-W48 weekly summary (11/23–11/29)",
				"Activity",
				"  Consults 1 (week before 0, 8-week avg –) ▲1", // a past week: not "last week"; no week before with data: no average
				"Satisfaction",
				"  Low ratings (1–2 stars): 1 · unresolved 1",
				"  · ★2 김하늘 11/23 “너무 오래 기다렸어요 <파마 & 커트>” — unresolved",
				"Points",
			},
		},
		{
			name: "ThisWeekByDefault",
			args: []string{"--lang", "en", "summary"},
			want: []string{"2026-W49 weekly summary (11/30–12/6)", "Activity", "  Follow-ups due this week: 1"},
		},
		{
			name: "KoreanWeekWord",
			args: []string{"summary", "--week", "지난주"},
			want: []string{"2026-W48 주간 요약 (11/23–11/29)"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runMainAt(t, seededNow, env, tt.args...)
			if r.err != nil {
				t.Fatal(r.err)
			}
			lines := strings.Split(r.stdout, "\n")
			i := 0
			for _, l := range lines {
				if i < len(tt.want) && l == tt.want[i] {
					i++
				}
			}
			if i < len(tt.want) {
				t.Errorf("output lacks line %q (or has it out of order):\n%s", tt.want[i], r.stdout)
			}
		})
	}

	t.Run("PNG", func(t *testing.T) {
		out := filepath.Join(dir, "week.png")
		r := runMainAt(t, seededNow, env, "summary", "--week", "2026-W48", "--png", out)
		if r.err != nil {
			t.Fatal(r.err)
		}
		if !strings.HasPrefix(r.stdout, "2026-W48 주간 요약") {
			t.Errorf("with --png the text still goes to standard output; got %q", r.stdout)
		}
		f, err := os.Open(out)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		img, err := png.Decode(f)
		if err != nil {
			t.Fatalf("%s is not a PNG: %v", out, err)
		}
		if b := img.Bounds(); b.Dx() != 1080 || b.Dy() != 1350 {
			t.Errorf("chart is %dx%d, want 1080x1350", b.Dx(), b.Dy())
		}
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), ".") {
				t.Errorf("temporary file %s left behind", e.Name())
			}
		}
	})

	t.Run("Help", func(t *testing.T) {
		for _, args := range [][]string{{"summary", "-h"}, {"help", "summary"}} {
			r := runMainAt(t, seededNow, map[string]string{"DANGOL_DB": db, "DANGOL_LANG": "en"}, args...)
			if r.err != nil || !strings.HasPrefix(r.stdout, "Usage: dangol summary [--week WEEK]") {
				t.Errorf("%q: stdout %q, err %v; want the summary's usage", args, r.stdout, r.err)
			}
		}
		r := runMainAt(t, seededNow, env, "help")
		if !strings.Contains(r.stdout, "  summary   주간 요약을 출력합니다") {
			t.Errorf("dangol help does not list summary:\n%s", r.stdout)
		}
	})

	errs := []struct {
		name string
		args []string
		want string
	}{
		{"ErrWeek", []string{"summary", "--week", "2026-W60"}, usageText("cli.err.week", map[string]any{"Value": "2026-W60"})},
		{"ErrWeekWord", []string{"summary", "--week", "someday"}, usageText("cli.err.week", map[string]any{"Value": "someday"})},
		{"ErrPNGStdout", []string{"summary", "--png", "-"}, usageText("cli.err.png_stdout", nil)},
		{"ErrArgs", []string{"summary", "last"}, usageText("cli.err.args", map[string]any{"Command": "summary", "Want": 0, "Got": 1, "Args": `["last"]`})},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			fresh := filepath.Join(t.TempDir(), "fresh.db")
			r := runMainAt(t, seededNow, map[string]string{"DANGOL_DB": fresh}, tt.args...)
			if !isUsage(r.err) || !strings.Contains(r.err.Error(), tt.want) {
				t.Fatalf("err = %v, want a usage error containing %q", r.err, tt.want)
			}
			if r.stdout != "" {
				t.Errorf("a refused summary printed %q", r.stdout)
			}
			if _, err := os.Stat(fresh); err == nil {
				t.Errorf("a refused summary created %s", fresh)
			}
		})
	}
}
