package ledger

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"
	"time"
)

func TestThreadLifecycle(t *testing.T) {
	s := MustOpen(t)
	c := mustCustomer(t, s, "김민지", "01012345678")
	th := Thread{Kind: ThreadQuestion, CustomerID: c.ID, SenderID: "telegram:42", Lang: "ko", OpenedAt: t0}
	mustUpdate(t, s, func(tx *Tx) error { return tx.OpenThread(&th, "내일 3시 예약 가능한가요?") })
	if th.Number != 1 || th.State != ThreadOpen {
		t.Fatalf("opened %+v, want number 1, open", th)
	}
	steps := []struct {
		name  string
		do    func(tx *Tx) (Thread, error)
		state ThreadState
		err   error
	}{
		{"Claim", func(tx *Tx) (Thread, error) { return tx.ClaimThread(1, "slack:U1", t0.Add(5*time.Minute)) }, ThreadClaimed, nil},
		{"ClaimAgainSame", func(tx *Tx) (Thread, error) { return tx.ClaimThread(1, "slack:U1", t0.Add(6*time.Minute)) }, ThreadClaimed, nil},
		{"ErrClaimedByOther", func(tx *Tx) (Thread, error) { return tx.ClaimThread(1, "slack:U2", t0.Add(6*time.Minute)) }, ThreadClaimed, ErrThreadClaimed},
		{"Answer", func(tx *Tx) (Thread, error) {
			return tx.AddThreadMessage(&ThreadMessage{Thread: 1, At: t0.Add(14 * time.Minute), Out: true, StaffID: "slack:U1", Text: "네, 3시 비어 있어요"})
		}, ThreadAnswered, nil},
		{"CustomerAnswers", func(tx *Tx) (Thread, error) {
			return tx.AddThreadMessage(&ThreadMessage{Thread: 1, At: t0.Add(20 * time.Minute), Text: "그럼 3시로 부탁드려요"})
		}, ThreadAnswered, nil},
		{"Close", func(tx *Tx) (Thread, error) {
			return tx.CloseThread(1, "slack:U1", "예약 완료", t0.Add(30*time.Minute))
		}, ThreadClosed, nil},
		{"ErrCloseClosed", func(tx *Tx) (Thread, error) { return tx.CloseThread(1, "slack:U1", "", t0.Add(31*time.Minute)) }, ThreadClosed, ErrThreadClosed},
		{"ErrStaffReplyClosed", func(tx *Tx) (Thread, error) {
			return tx.AddThreadMessage(&ThreadMessage{Thread: 1, At: t0.Add(time.Hour), Out: true, StaffID: "slack:U1", Text: "추가로"})
		}, ThreadClosed, ErrThreadClosed},
		{"CustomerReopensWithin7Days", func(tx *Tx) (Thread, error) {
			return tx.AddThreadMessage(&ThreadMessage{Thread: 1, At: t0.Add(6 * 24 * time.Hour), Text: "시간 바꿀 수 있나요?"})
		}, ThreadAnswered, nil},
		{"CloseAgain", func(tx *Tx) (Thread, error) { return tx.CloseThread(1, "slack:U1", "", t0.Add(7*24*time.Hour)) }, ThreadClosed, nil},
		{"ErrCustomerAfter7Days", func(tx *Tx) (Thread, error) {
			return tx.AddThreadMessage(&ThreadMessage{Thread: 1, At: t0.Add(14 * 24 * time.Hour), Text: "또 질문이요"})
		}, ThreadClosed, ErrThreadClosed},
		{"StaffReopens", func(tx *Tx) (Thread, error) { return tx.ReopenThread(1, t0.Add(15*24*time.Hour)) }, ThreadAnswered, nil},
	}
	for _, st := range steps {
		var got Thread
		var opErr error
		_ = s.Update(t.Context(), func(tx *Tx) error { _, opErr = st.do(tx); return opErr })
		if !errors.Is(opErr, st.err) {
			t.Fatalf("%s: error %v, want %v", st.name, opErr, st.err)
		}
		mustView(t, s, func(tx *Tx) (err error) { got, err = tx.Thread(1); return err })
		if got.State != st.state {
			t.Errorf("%s: state %d, want %d", st.name, got.State, st.state)
		}
	}
	mustView(t, s, func(tx *Tx) error {
		th, err := tx.Thread(1)
		if err != nil {
			return err
		}
		if th.FirstResponse() != 14*time.Minute || th.AnsweredBy != "slack:U1" || th.Reopened != 2 || th.SenderID != "telegram:42" {
			t.Errorf("thread %+v: want first response 14m by slack:U1, reopened twice, sender kept", th)
		}
		ms, err := tx.ThreadMessages(1)
		if err != nil {
			return err
		}
		var texts []string
		for _, m := range ms {
			texts = append(texts, m.Text)
		}
		want := []string{"내일 3시 예약 가능한가요?", "네, 3시 비어 있어요", "그럼 3시로 부탁드려요", "시간 바꿀 수 있나요?"}
		if len(texts) != len(want) {
			t.Fatalf("messages %q, want %q", texts, want)
		}
		for i := range want {
			if texts[i] != want[i] {
				t.Errorf("message %d %q, want %q", i, texts[i], want[i])
			}
		}
		if !ms[1].Out || ms[0].Out || ms[1].StaffID != "slack:U1" {
			t.Errorf("directions %+v", ms)
		}
		return nil
	})
}

func TestThreadIndexes(t *testing.T) {
	s := MustOpen(t)
	c := mustCustomer(t, s, "김민지", "01012345678")
	var q, comp, anon Thread
	mustUpdate(t, s, func(tx *Tx) error {
		f := Feedback{At: t0.Add(time.Hour), Rating: 2, NPS: NoNPS, CustomerID: c.ID, Comment: "너무 오래 기다렸어요"}
		if err := tx.AddFeedback(&f); err != nil {
			return err
		}
		q = Thread{Kind: ThreadQuestion, CustomerID: c.ID, SenderID: "telegram:42", OpenedAt: t0}
		comp = Thread{Kind: ThreadComplaint, CustomerID: c.ID, SenderID: "telegram:42", OpenedAt: t0.Add(time.Hour), FeedbackID: f.ID, Rating: 2}
		anon = Thread{Kind: ThreadQuestion, SenderID: "telegram:7", OpenedAt: t0.Add(2 * time.Hour)}
		for _, o := range []struct {
			th   *Thread
			text string
		}{{&q, "주차 되나요?"}, {&comp, f.Comment}, {&anon, "가격이 궁금해요"}} {
			if err := tx.OpenThread(o.th, o.text); err != nil {
				return err
			}
		}
		if got, ok, err := tx.ThreadOfFeedback(f.ID); err != nil || !ok || got.Number != comp.Number {
			t.Errorf("ThreadOfFeedback = %d %v %v, want %d", got.Number, ok, err, comp.Number)
		}
		_, err := tx.CloseThread(q.Number, "slack:U1", "", t0.Add(3*time.Hour))
		return err
	})
	mustView(t, s, func(tx *Tx) error {
		open, err := tx.OpenThreads()
		if err != nil {
			return err
		}
		if len(open) != 2 || open[0].Number != comp.Number || open[1].Number != anon.Number || open[0].SenderID != "" {
			t.Errorf("open threads %+v, want the complaint then the unlinked question, clear fields only", open)
		}
		last, ok, err := tx.LatestThreadOf(c.ID, "")
		if err != nil || !ok || last.Number != comp.Number {
			t.Errorf("latest of the customer = %d %v %v, want %d", last.Number, ok, err, comp.Number)
		}
		last, ok, err = tx.LatestThreadOf("", "telegram:7")
		if err != nil || !ok || last.Number != anon.Number {
			t.Errorf("latest of the sender = %d %v %v, want %d", last.Number, ok, err, anon.Number)
		}
		if _, ok, _ := tx.LatestThreadOf("", "telegram:8"); ok {
			t.Error("a stranger has a thread")
		}
		var week []int64
		if err := tx.ScanThreads(t0, t0.Add(90*time.Minute), func(th Thread) error { week = append(week, th.Number); return nil }); err != nil {
			return err
		}
		if len(week) != 2 || week[0] != q.Number || week[1] != comp.Number {
			t.Errorf("scanned %v, want the two opened in the range", week)
		}
		mine, err := tx.ThreadsOf(c.ID, 0)
		if err != nil {
			return err
		}
		if len(mine) != 2 || mine[0].Number != comp.Number {
			t.Errorf("threads of the customer %+v, want two, newest first", mine)
		}
		return nil
	})
}

func TestThreadRefusals(t *testing.T) {
	s := MustOpen(t)
	c := mustCustomer(t, s, "김민지", "01012345678")
	tests := []struct {
		name string
		do   func(tx *Tx) error
	}{
		{"ErrNoSender", func(tx *Tx) error { return tx.OpenThread(&Thread{Kind: ThreadQuestion, OpenedAt: t0}, "x") }},
		{"ErrNoKind", func(tx *Tx) error { return tx.OpenThread(&Thread{SenderID: "telegram:1", OpenedAt: t0}, "x") }},
		{"ErrNoTime", func(tx *Tx) error { return tx.OpenThread(&Thread{Kind: ThreadQuestion, SenderID: "telegram:1"}, "x") }},
		{"ErrUnknownCustomer", func(tx *Tx) error {
			return tx.OpenThread(&Thread{Kind: ThreadQuestion, CustomerID: "C99", OpenedAt: t0}, "x")
		}},
		{"ErrEmptyMessage", func(tx *Tx) error {
			th := Thread{Kind: ThreadQuestion, CustomerID: c.ID, SenderID: "telegram:1", OpenedAt: t0}
			if err := tx.OpenThread(&th, ""); err != nil {
				return nil
			}
			_, err := tx.AddThreadMessage(&ThreadMessage{Thread: th.Number, At: t0, Text: "  "})
			return err
		}},
		{"ErrControl", func(tx *Tx) error {
			th := Thread{Kind: ThreadQuestion, CustomerID: c.ID, SenderID: "telegram:1", OpenedAt: t0}
			if err := tx.OpenThread(&th, ""); err != nil {
				return nil
			}
			_, err := tx.AddThreadMessage(&ThreadMessage{Thread: th.Number, At: t0, Text: "a\x00b"})
			return err
		}},
		{"ErrFirstTooLong", func(tx *Tx) error {
			return tx.OpenThread(&Thread{Kind: ThreadQuestion, SenderID: "telegram:1", OpenedAt: t0}, strings.Repeat("가", MaxThreadTextRunes+1))
		}},
		{"ErrFirstControl", func(tx *Tx) error {
			return tx.OpenThread(&Thread{Kind: ThreadQuestion, SenderID: "telegram:1", OpenedAt: t0}, "a\x00b")
		}},
		{"ErrNoThread", func(tx *Tx) error {
			_, err := tx.AddThreadMessage(&ThreadMessage{Thread: 99, At: t0, Text: "hi"})
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			_ = s.Update(t.Context(), func(tx *Tx) error { err = tt.do(tx); return errors.New("roll back") })
			if err == nil {
				t.Error("accepted")
			}
		})
	}
}

// TestThreadErased: a customer's and an unlinked sender's thread texts are
// crypto-shredded with them; the clear fields stay for the week's figures.
func TestThreadErased(t *testing.T) {
	s := MustOpen(t)
	c := mustCustomer(t, s, "김민지", "01012345678")
	const (
		question = "예약 변경 Quentin Abernathy 문의"
		answer   = "답장 Rosalind Featherstone 드려요"
		note     = "처리 메모 Bartholomew Quince"
		anonText = "미연결 Peregrine Talbot 질문"
	)
	mustUpdate(t, s, func(tx *Tx) error {
		th := Thread{Kind: ThreadQuestion, CustomerID: c.ID, SenderID: "telegram:4242", OpenedAt: t0}
		if err := tx.OpenThread(&th, question); err != nil {
			return err
		}
		if _, err := tx.AddThreadMessage(&ThreadMessage{Thread: th.Number, At: t0.Add(time.Minute), Out: true, StaffID: "slack:U1", Text: answer}); err != nil {
			return err
		}
		if _, err := tx.CloseThread(th.Number, "slack:U1", note, t0.Add(2*time.Minute)); err != nil {
			return err
		}
		anon := Thread{Kind: ThreadQuestion, SenderID: "telegram:777", OpenedAt: t0}
		return tx.OpenThread(&anon, anonText)
	})
	mustUpdate(t, s, func(tx *Tx) error {
		if err := tx.EraseCustomer(c.ID, t0.Add(time.Hour)); err != nil {
			return err
		}
		_, err := tx.EraseSender("telegram:777")
		return err
	})
	data, err := os.ReadFile(s.Path())
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{question, answer, note, anonText, "telegram:4242", "telegram:777"} {
		if bytes.Contains(data, []byte(secret)) {
			t.Errorf("%q in the file", secret)
		}
	}
	mustView(t, s, func(tx *Tx) error {
		th, err := tx.Thread(1)
		if err != nil {
			return err
		}
		if th.SenderID != "" || th.CloseNote != "" || th.FirstResponse() != time.Minute || th.State != ThreadClosed {
			t.Errorf("erased thread %+v, want personal parts gone, figures kept", th)
		}
		ms, err := tx.ThreadMessages(1)
		if err != nil {
			return err
		}
		if len(ms) != 2 || ms[0].Text != "" || ms[1].Text != "" {
			t.Errorf("erased messages %+v, want two with no text", ms)
		}
		if _, ok, _ := tx.LatestThreadOf("", "telegram:777"); ok {
			t.Error("an erased sender's thread is still theirs to write to")
		}
		_, err = tx.AddThreadMessage(&ThreadMessage{Thread: 2, At: t0.Add(2 * time.Hour), Text: "다시"})
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("writing to an erased thread: %v, want ErrInvalid", err)
		}
		return nil
	})
}
