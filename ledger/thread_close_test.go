package ledger

import (
	"bytes"
	"errors"
	"os"
	"testing"
	"time"
)

// TestThreadErasedCloses: a thread whose customer or unlinked sender was
// erased can still be closed (a complaint resolved after a /forget); the
// closing note is not kept, since nothing personal of theirs may be.
func TestThreadErasedCloses(t *testing.T) {
	s := MustOpen(t)
	c := mustCustomer(t, s, "김민지", "01012345678")
	const note = "사과 전화 Cornelius Wetherby 완료"
	mustUpdate(t, s, func(tx *Tx) error {
		th := Thread{Kind: ThreadComplaint, CustomerID: c.ID, SenderID: "telegram:4242", OpenedAt: t0, Rating: 1}
		if err := tx.OpenThread(&th, "불만"); err != nil {
			return err
		}
		anon := Thread{Kind: ThreadComplaint, SenderID: "telegram:777", OpenedAt: t0, Rating: 2}
		if err := tx.OpenThread(&anon, "불만"); err != nil {
			return err
		}
		if err := tx.EraseCustomer(c.ID, t0.Add(time.Hour)); err != nil {
			return err
		}
		_, err := tx.EraseSender("telegram:777")
		return err
	})
	for _, n := range []int64{1, 2} {
		mustUpdate(t, s, func(tx *Tx) error {
			_, err := tx.CloseThread(n, "slack:U1", note, t0.Add(2*time.Hour))
			return err
		})
	}
	mustView(t, s, func(tx *Tx) error {
		for _, n := range []int64{1, 2} {
			th, err := tx.Thread(n)
			if err != nil {
				return err
			}
			if th.State != ThreadClosed || th.CloseNote != "" || th.SenderID != "" || th.ClosedBy != "slack:U1" || !th.ClosedAt.Equal(t0.Add(2*time.Hour)) {
				t.Errorf("thread %d %+v, want closed with no personal parts", n, th)
			}
			if _, err := tx.CloseThread(n, "slack:U1", "", t0.Add(3*time.Hour)); !errors.Is(err, ErrThreadClosed) {
				t.Errorf("closing #%d again: %v, want ErrThreadClosed", n, err)
			}
		}
		open, err := tx.OpenThreads()
		if err != nil || len(open) != 0 {
			t.Errorf("open threads %+v, %v; want none", open, err)
		}
		return nil
	})
	data, err := os.ReadFile(s.Path())
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(data, []byte("Cornelius Wetherby")) {
		t.Error("an erased customer's closing note is in the file")
	}
}

// TestThreadAfterClose: a customer's message marked AfterClose is kept
// with a closed thread and leaves it closed (a thanks for the
// resolution); on an open thread it is an ordinary message, and past
// ReopenWindow it is refused as any message is.
func TestThreadAfterClose(t *testing.T) {
	s := MustOpen(t)
	c := mustCustomer(t, s, "김민지", "01012345678")
	closedAt := t0.Add(time.Hour)
	mustUpdate(t, s, func(tx *Tx) error {
		for _, th := range []*Thread{
			{Kind: ThreadComplaint, CustomerID: c.ID, SenderID: "telegram:4242", OpenedAt: t0, Rating: 1},
			{Kind: ThreadQuestion, CustomerID: c.ID, SenderID: "telegram:4242", OpenedAt: t0},
		} {
			if err := tx.OpenThread(th, "불만"); err != nil {
				return err
			}
		}
		_, err := tx.CloseThread(1, "slack:U1", "사과드림", closedAt)
		return err
	})
	mustUpdate(t, s, func(tx *Tx) error {
		th, err := tx.AddThreadMessage(&ThreadMessage{Thread: 1, At: closedAt.Add(time.Hour), Text: "감사합니다", AfterClose: true})
		if err != nil {
			return err
		}
		if th.State != ThreadClosed || th.Reopened != 0 || th.CloseNote != "사과드림" || !th.ClosedAt.Equal(closedAt) || !th.LastInAt.Equal(t0) {
			t.Errorf("thread after a thanks %+v, want closed as it was", th)
		}
		if th, err = tx.AddThreadMessage(&ThreadMessage{Thread: 2, At: closedAt, Text: "감사합니다", AfterClose: true}); err != nil {
			return err
		}
		if th.State != ThreadOpen || !th.LastInAt.Equal(closedAt) {
			t.Errorf("open thread after a thanks %+v, want open, its last message counted", th)
		}
		if _, err := tx.AddThreadMessage(&ThreadMessage{Thread: 1, At: closedAt.Add(ReopenWindow), Text: "감사합니다", AfterClose: true}); !errors.Is(err, ErrThreadClosed) {
			t.Errorf("a thanks past the window: %v, want ErrThreadClosed", err)
		}
		return nil
	})
	mustView(t, s, func(tx *Tx) error {
		for n, want := range map[int64]bool{1: true, 2: false} {
			ms, err := tx.ThreadMessages(n)
			if err != nil {
				return err
			}
			if len(ms) != 2 || ms[1].Text != "감사합니다" || ms[1].Out || ms[1].AfterClose != want {
				t.Errorf("thread %d messages %+v, want the thanks kept, AfterClose %v", n, ms, want)
			}
		}
		return nil
	})
}
