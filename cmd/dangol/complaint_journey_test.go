package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/dangol/dangol/bots/slack/slackfake"
	"github.com/dangol/dangol/bots/telegram/telegramfake"
	"github.com/dangol/dangol/ledger"
)

// TestComplaintJourney is issue 12's complaint through the real adapters
// on their fakes, with the real engine and ledger: a linked customer's two
// stars in Telegram open a complaint whose head is posted in the Slack
// staff channel; [내가 연락할게요] claims it as "연락 예정" (never "응대
// 완료"); [해결됨] opens the resolve modal, and what is submitted there (a
// note, the shop's apology as filled in, 1,000 bonus points) closes it:
// the customer gets the apology and the points notice once, the points
// are an adjust entry with the complaint's reason, and the head is
// rewritten in place as closed.
func TestComplaintJourney(t *testing.T) {
	t.Parallel() // its own ledger, fakes and port
	r := newJourneyRig(t)
	seedLinked(t, r.db)
	r.start()

	// The customer rates two stars, skips the score and says why.
	r.customer(telegramfake.Text(journeyChat, "하늘", "ko", "/feedback"))
	stars := r.telegram(testCatalog.Text("ko", "core.feedback.ask_rating", nil))
	r.customer(telegramfake.Press(journeyChat, "하늘", "ko", stars, "rate:2"))
	// Each press turns the question into the next.
	nps := r.telegramInPlace(stars, testCatalog.Text("ko", "core.feedback.ask_nps", nil))
	r.customer(telegramfake.Press(journeyChat, "하늘", "ko", nps, "skip"))
	r.telegramInPlace(stars, testCatalog.Text("ko", "core.feedback.ask_comment", nil))
	r.customer(telegramfake.Text(journeyChat, "하늘", "ko", "너무 오래 기다렸어요"))
	head := r.slack("chat.postMessage", func(c slackfake.Call) bool { return shows(c, "너무 오래 기다렸어요") })
	if head.Form.Get("channel") != "CSTAFF" || head.Form.Get("thread_ts") != "" || !shows(head, "불만 #1") {
		t.Fatalf("complaint head %v, want a new message of thread #1 in the staff channel", head.Form)
	}
	headTS := head.TS
	// The head's ref is kept once the customer's turn is over: a points
	// check, answered after it, marks that.
	r.customer(telegramfake.Text(journeyChat, "하늘", "ko", "/points"))
	r.telegram("0P")

	// [내가 연락할게요]: 연락 예정, said in the thread.
	r.click(journeyStaff, headTS, "th:claim:1")
	claimed := r.slack("chat.postMessage", func(c slackfake.Call) bool { return c.Form.Get("thread_ts") == headTS })
	if shows(claimed, "응대 완료") || !shows(claimed, "연락") {
		t.Errorf("a claim reads %q: nobody has called yet", claimed.Form.Get("text"))
	}

	// [해결됨]: the modal, filled in and submitted.
	r.click(journeyStaff, headTS, "th:close:1")
	open := r.slack("views.open", func(slackfake.Call) bool { return true })
	view, _ := open.JSONField(t, "view").(map[string]any)
	if view["callback_id"] != "resolve:1" {
		t.Fatalf("modal %v, want the resolve form of #1", view)
	}
	apology := testCatalog.Text("ko", "resolve.apology", map[string]any{"Shop": "단골미용실"})
	if js, _ := json.Marshal(view); !strings.Contains(string(js), "불편을 드려") {
		t.Errorf("the modal's message field is not filled with the apology:\n%s", js)
	}
	r.submit(view, map[string]string{"note": "전화로 사과드리고 다음 커트 할인 약속", "message": apology, "points": "1,000"})

	// The apology as it was filled in names the shop; the points notice
	// comes with it.
	got := r.telegram("불편을 드려")
	if text := got.Fields["text"]; !strings.Contains(text, "단골미용실") || !strings.Contains(text, "1,000P") || strings.Contains(text, "slack:") {
		t.Errorf("the customer got %q, want the shop's apology and the 1,000P, without a Slack id", text)
	}
	closed := r.slack("chat.update", func(c slackfake.Call) bool { return c.Form.Get("ts") == headTS && shows(c, "종료") })
	if shows(closed, "내가 연락할게요") || shows(closed, "해결됨") {
		t.Errorf("closed head still offers its buttons: %v", closed.Form)
	}
	r.stop()

	if n := r.relayed(got.Fields["text"]); n != 1 {
		t.Errorf("the apology was sent %d times, want once", n)
	}
	s := mustOpenStore(t, r.db)
	defer s.Close()
	err := s.View(context.Background(), func(tx *ledger.Tx) error {
		th, err := tx.Thread(1)
		if err != nil {
			return err
		}
		if th.State != ledger.ThreadClosed || th.CloseNote == "" || th.ClosedBy != "slack:"+journeyStaff {
			t.Errorf("thread after resolving: %+v", th)
		}
		entries, err := tx.PointsOf(th.CustomerID, 10)
		if err != nil {
			return err
		}
		var adjust []ledger.PointsEntry
		for _, e := range entries {
			if e.Kind == ledger.PointsAdjust {
				adjust = append(adjust, e)
			}
		}
		if len(adjust) != 1 || adjust[0].Points != 1000 || adjust[0].Reason != "complaint:1" { // a code: /points words it per reader
			t.Errorf("adjust entries %+v, want one of 1,000P naming complaint #1", adjust)
		}
		f, err := tx.Feedback(th.FeedbackID)
		if err != nil {
			return err
		}
		if f.AnsweredBy == "" {
			t.Error("the complaint's feedback is not marked answered once resolved")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// seedLinked writes 김하늘, linked to the journey's Telegram chat with
// consent, into the data file at path before serve opens it.
func seedLinked(t *testing.T, path string) {
	t.Helper()
	s := mustOpenStore(t, path)
	at := time.Now().Add(-time.Hour)
	err := s.Update(context.Background(), func(tx *ledger.Tx) error {
		c := &ledger.Customer{Name: "김하늘", Phone: "01012345678", CreatedAt: at}
		if err := tx.CreateCustomer(c); err != nil {
			return err
		}
		return tx.LinkCustomer(c.ID, "telegram:42", ledger.Consent{Given: true, At: at, Purpose: "loyalty+feedback"})
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}
