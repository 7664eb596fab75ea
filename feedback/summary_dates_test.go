package feedback

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/dangol/dangol/ledger"
)

// TestSummaryDates: every date a summary prints is month and day within
// six months of the week, and has its year further away, in both
// languages and in the current week as in the one before. 박서준 last came
// on 2025-12-09, a year before 2026-W50 (12/7–12/13): "마지막 12/9" read as
// that Wednesday, and in W49 (11/30–12/6) as a day after the week.
// 정하은's last visit (10/15) and the week's complaint (12/1) keep the
// short form; so does a date just inside the six months (6/7 for W50's
// Monday 12/7), while 6/6 has its year.
func TestSummaryDates(t *testing.T) {
	s := mustOpen(t)
	none := time.Time{}
	at := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 10, 0, 0, 0, kst) }
	write(t, s, func(f fixture) {
		seojun := f.customer("박서준", at(2025, 1, 5), none, true)
		haeun := f.customer("정하은", at(2025, 1, 5), none, true)
		edge := f.customer("경계", at(2025, 1, 5), none, true)
		early := f.customer("이른", at(2025, 1, 5), none, true)
		for _, d := range []time.Time{at(2025, 11, 25), at(2025, 12, 2), at(2025, 12, 9)} {
			f.check(f.tx.RecordVisit(seojun, d))
		}
		for _, d := range []time.Time{at(2026, 10, 1), at(2026, 10, 8), at(2026, 10, 15)} {
			f.check(f.tx.RecordVisit(haeun, d))
		}
		for _, d := range []time.Time{at(2026, 5, 24), at(2026, 5, 31), time.Date(2026, 6, 7, 0, 0, 0, 0, kst)} {
			f.check(f.tx.RecordVisit(edge, d))
		}
		for _, d := range []time.Time{at(2026, 5, 20), at(2026, 5, 30), at(2026, 6, 6)} {
			f.check(f.tx.RecordVisit(early, d))
		}
		f.feedback(haeun, at(2026, 12, 1), 1, ledger.NoNPS, "")
	})
	cat := catalog(t)
	for _, c := range []struct {
		lang string
		week Week
		now  time.Time
		want []string
	}{
		{"ko", Week{2026, 50}, at(2026, 12, 7), []string{
			"· 박서준 — 방문 3회, 마지막 2025-12-09 (보통 7일 간격)",
			"· 정하은 — 방문 3회, 마지막 10/15 (보통 7일 간격)",
			"· 경계 — 방문 3회, 마지막 6/7 (보통 7일 간격)",
			"· 이른 — 방문 3회, 마지막 2026-06-06 (보통 9일 간격)",
		}},
		{"en", Week{2026, 50}, at(2026, 12, 7), []string{
			"· 박서준 — 3 visits, last 2025-12-09 (usually every 7 days)",
			"· 정하은 — 3 visits, last 10/15 (usually every 7 days)",
		}},
		{"ko", Week{2026, 49}, at(2026, 12, 7), []string{
			"2026-W49 주간 요약 (11/30–12/6)",
			"· ★1 정하은 12/1 — 미해결",
			"· 박서준 — 방문 3회, 마지막 2025-12-09 (보통 7일 간격)",
		}},
	} {
		t.Run(c.lang+" "+c.week.String(), func(t *testing.T) {
			sum, err := Weekly(context.Background(), s, c.week, Options{Loc: kst, Now: c.now})
			if err != nil {
				t.Fatal(err)
			}
			text := sum.Text(cat, c.lang, ForStaff)
			for _, line := range c.want {
				if !strings.Contains(text, "\n"+line+"\n") && !strings.HasPrefix(text, line+"\n") {
					t.Errorf("no line %q in\n%s", line, text)
				}
			}
		})
	}
}
