package feedback

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/dangol/dangol/ledger"
)

// TestSummaryErasedRegular: an erased regular is nobody to win back: the
// current week, a past week (its Monday post) and AtRiskRegulars neither
// list nor count them, while their low rating stays counted, named as
// erased.
func TestSummaryErasedRegular(t *testing.T) {
	s := mustOpen(t)
	none := time.Time{}
	var gone, kept string
	write(t, s, func(f fixture) {
		gone = f.customer("김하늘", day(1, 5, 10, 0), none, true)
		kept = f.customer("정하은", day(1, 5, 10, 0), none, true)
		for _, d := range []int{2, 9, 16} {
			f.note(gone, jimin, day(3, d, 10, 0), none, "커트")
			f.note(kept, jimin, day(3, d, 10, 0), none, "커트")
		}
		f.feedback(gone, day(11, 23, 11, 0), 1, ledger.NoNPS, "기다렸어요")
	})
	// Erased after the week, before the summaries are asked for.
	write(t, s, func(f fixture) { f.check(f.tx.EraseCustomer(gone, day(11, 24, 9, 0))) })
	cat := catalog(t)
	for _, c := range []struct {
		name string
		week Week
		now  time.Time
	}{
		{"current week", Week{2026, 49}, day(12, 2, 10, 0)},
		{"week before, asked later", Week{2026, 48}, day(12, 2, 10, 0)},
		{"Monday post", Week{2026, 48}, time.Time{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			sum, err := Weekly(context.Background(), s, c.week, Options{Loc: kst, Now: c.now})
			if err != nil {
				t.Fatal(err)
			}
			if sum.AtRiskCount != 1 || len(sum.AtRisk) != 1 || sum.AtRisk[0].Customer.ID != kept {
				t.Errorf("at risk %d %+v, want 정하은 alone", sum.AtRiskCount, sum.AtRisk)
			}
			text := sum.Text(cat, "ko", ForStaff)
			if !strings.Contains(text, "\n발길이 뜸해진 단골 1명\n· 정하은 — ") {
				t.Errorf("at-risk lines:\n%s", text)
			}
			if c.week == (Week{2026, 48}) {
				if sum.This.LowRatings != 1 || sum.This.LowUnanswered != 1 || !strings.Contains(text, "\n· ★1 (삭제된 고객) 11/23 — 미해결\n") {
					t.Errorf("the erased customer's complaint is not counted as before:\n%s", text)
				}
			}
		})
	}
	err := s.View(context.Background(), func(tx *ledger.Tx) error {
		list, n, err := AtRiskRegulars(tx, day(12, 2, 10, 0), 0)
		if n != 1 || len(list) != 1 || list[0].Customer != (CustomerRef{ID: kept, Name: "정하은"}) {
			t.Errorf("AtRiskRegulars = %d %+v, want 정하은 alone", n, list)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
