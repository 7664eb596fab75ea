package feedback

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestOverdueFollowUps: the current week's care list carries the
// follow-ups due before it and still not done, back to OverdueWindow
// before today, as /followups does; a past week lists its own only. On
// Thursday 2/12 of 2026-W07: 가온's (due 2/5) is overdue; 나래's (2/3) is
// done, 다솜's (1/10) older than 30 days, 라희's (2/10) this week's, 마루's
// (2/4) an erased customer's.
func TestOverdueFollowUps(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	none := time.Time{}
	var erased string
	write(t, s, func(f fixture) {
		created := day(1, 2, 9, 0)
		ids := map[string]string{}
		for _, n := range []string{"가온", "나래", "다솜", "라희", "마루"} {
			ids[n] = f.customer(n, created, none, true)
		}
		f.note(ids["다솜"], jimin, day(1, 3, 10, 0), day(1, 10, 0, 0))
		f.note(ids["가온"], jimin, day(2, 2, 10, 0), day(2, 5, 0, 0))
		done := f.note(ids["나래"], sehoon, day(2, 2, 11, 0), day(2, 3, 0, 0))
		f.check(f.tx.SetFollowUpDone(done))
		f.note(ids["마루"], jimin, day(2, 2, 12, 0), day(2, 4, 0, 0))
		f.note(ids["라희"], jimin, day(2, 9, 10, 0), day(2, 10, 0, 0))
		erased = ids["마루"]
	})
	write(t, s, func(f fixture) { f.check(f.tx.EraseCustomer(erased, day(2, 6, 10, 0))) })
	now := day(2, 12, 10, 0)
	cat := catalog(t)
	for _, c := range []struct {
		name           string
		week           Week
		overdue        []string
		due            []string
		ko, en         string // the care section's overdue lines, "" for none
		absent, public string
	}{
		{"current week", Week{2026, 7}, []string{"가온"}, []string{"라희"},
			"밀린 후속 연락 1건 (이번 주 전에 예정, 아직 안 함)\n· 2/5 가온 (담당 한지민)",
			"Overdue follow-ups (due before this week, not done yet): 1\n· 2/5 가온 (by 한지민)", "", "밀린 후속 연락 1건 (이번 주 전에 예정, 아직 안 함)"},
		{"past week", Week{2026, 6}, nil, []string{"가온"}, "", "", "밀린 후속 연락", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			sum, err := Weekly(ctx, s, c.week, Options{Loc: kst, Now: now})
			if err != nil {
				t.Fatal(err)
			}
			names := func(fs []FollowUp) []string {
				var out []string
				for _, f := range fs {
					out = append(out, f.Customer.Name)
				}
				return out
			}
			if got := names(sum.Overdue); !slices.Equal(got, c.overdue) || sum.OverdueCount != len(c.overdue) {
				t.Errorf("overdue %d %q, want %q", sum.OverdueCount, got, c.overdue)
			}
			if got := names(sum.FollowUps); !slices.Equal(got, c.due) {
				t.Errorf("due %q, want %q", got, c.due)
			}
			for lang, want := range map[string]string{"ko": c.ko, "en": c.en} {
				_, secs := sum.Render(cat, lang, ForStaff)
				care := strings.Join(secs[2].Lines, "\n")
				if want != "" && !strings.Contains(care, want) {
					t.Errorf("%s care section lacks %q:\n%s", lang, want, care)
				}
				if c.absent != "" && strings.Contains(care, c.absent) {
					t.Errorf("%s care section has %q:\n%s", lang, c.absent, care)
				}
			}
			_, secs := sum.Render(cat, "ko", ForPublic)
			care := strings.Join(secs[2].Lines, "\n")
			if strings.Contains(care, "가온 (") || c.public != "" && !strings.Contains(care, c.public) {
				t.Errorf("public care section:\n%s", care)
			}
		})
	}
}
