package dialog

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/dangol/dangol/feedback"
	"github.com/dangol/dangol/ledger"
	"github.com/dangol/dangol/locales"
)

// TestSummaryOfErasedCustomer: a regular erased after a complaint last
// week is nobody to care for or win back: /summary, /summary 지난주 and
// the Monday post list only 박지훈 among the regulars at risk, with a
// [안부 메시지] for him alone, while the complaint stays counted: named
// "(삭제된 고객)" in the low ratings, closed by the erasure and not 미해결,
// and neither resolved nor waiting in the threads' figures.
func TestSummaryOfErasedCustomer(t *testing.T) {
	for _, lang := range locales.Languages {
		t.Run(lang, func(t *testing.T) {
			h := mustOpenHarness(t, nil, lang)
			h.cfg.Lang = lang // the post is in the shop's language
			h.reopen()
			gone := h.customer("김하늘", "01012345678")
			kept := h.customer("박지훈", "01022223333")
			h.visits(gone, -89, -79, -69)
			h.visits(kept, -88, -78, -68)
			lastWeek := t0.AddDate(0, 0, -7)
			h.update(func(tx *ledger.Tx) error {
				fb := ledger.Feedback{CustomerID: gone, At: lastWeek, Rating: 1, NPS: ledger.NoNPS, Comment: "기다렸어요"}
				if err := tx.AddFeedback(&fb); err != nil {
					return err
				}
				th := ledger.Thread{Kind: ledger.ThreadComplaint, CustomerID: gone, SenderID: "telegram:9", FeedbackID: fb.ID, Rating: 1, OpenedAt: lastWeek}
				if err := tx.OpenThread(&th, "기다렸어요"); err != nil {
					return err
				}
				if _, err := tx.ClaimThread(th.Number, "slack:"+managerID, lastWeek.Add(time.Hour)); err != nil {
					return err
				}
				return tx.EraseCustomer(gone, t0.Add(-time.Hour))
			})
			erased := h.text("summary.customer.erased", nil)
			post, err := h.eng.WeeklyPost(context.Background(), feedback.WeekOf(lastWeek, seoul))
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct {
				name string
				r    Reply
				past bool
			}{
				{"/summary", h.send(managerMsg("/summary"))[0], false},
				{"/summary last", h.send(managerMsg("/summary " + word(h, "지난주", "last")))[0], true},
				{"weekly post", post, true},
			} {
				lines := map[string][]string{}
				for _, s := range c.r.Sections {
					lines[s.Title] = s.Lines
				}
				care := strings.Join(lines[h.text("summary.section.care", nil)], "\n")
				if want := h.text("summary.at_risk", map[string]any{"Count": "1"}) + "\n· 박지훈 "; !strings.Contains(care, want) || strings.Contains(care, erased) {
					t.Errorf("%s: care section\n%s\nwant %q and no %q", c.name, care, want, erased)
				}
				for _, b := range c.r.Buttons {
					if strings.HasPrefix(b.Payload, winBackAction) && b.Payload != winBackAction+":"+kept {
						t.Errorf("%s: win-back button %+v", c.name, b)
					}
				}
				if !c.past {
					continue
				}
				low := strings.Join(lines[h.text("summary.section.satisfaction", nil)], "\n")
				// Counted, but waiting on nobody: it was 미해결 for good,
				// with no one left to answer.
				if want := h.text("summary.low", map[string]any{"Count": "1", "Unanswered": "0"}) + "\n" +
					h.text("summary.low_erased", map[string]any{"Rating": 1, "Name": erased, "Date": "5/6"}); !strings.Contains(low, want) {
					t.Errorf("%s: satisfaction section\n%s\nwant %q", c.name, low, want)
				}
				// The erasure closed the complaint: nobody waits on it, and
				// nobody resolved it either.
				threads := strings.Join(lines[h.text("threads.week.title", nil)], "\n")
				if want := h.text("threads.week.complaints", map[string]any{"Opened": 1, "Resolved": 0, "Open": 0, "Erased": 1}); !strings.Contains(threads, want) || strings.Contains(threads, h.text("threads.unlinked", nil)) {
					t.Errorf("%s: threads section\n%s\nwant %q", c.name, threads, want)
				}
			}
		})
	}
}
