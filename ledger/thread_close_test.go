package ledger

import (
	"bytes"
	"errors"
	"os"
	"testing"
	"time"
)

// TestThreadErasedCloses: an erased customer's open thread is closed by
// the erasure itself (ThreadClosedByErasure), and an erased unlinked
// sender's can still be closed by staff (a complaint resolved after a
// /forget); the closing note is not kept, since nothing personal of theirs
// may be.
func TestThreadErasedCloses(t *testing.T) {
	s := MustOpen(t)
	c := mustCustomer(t, s, "김민지", "01012345678")
	const note = "사과 전화 Cornelius Wetherby 완료"
	erasedAt := t0.Add(time.Hour)
	mustUpdate(t, s, func(tx *Tx) error {
		th := Thread{Kind: ThreadComplaint, CustomerID: c.ID, SenderID: "telegram:4242", OpenedAt: t0, Rating: 1}
		if err := tx.OpenThread(&th, "불만"); err != nil {
			return err
		}
		anon := Thread{Kind: ThreadComplaint, SenderID: "telegram:777", OpenedAt: t0, Rating: 2}
		if err := tx.OpenThread(&anon, "불만"); err != nil {
			return err
		}
		if err := tx.EraseCustomer(c.ID, erasedAt); err != nil {
			return err
		}
		_, err := tx.EraseSender("telegram:777")
		return err
	})
	mustUpdate(t, s, func(tx *Tx) error {
		_, err := tx.CloseThread(2, "slack:U1", note, t0.Add(2*time.Hour))
		return err
	})
	mustView(t, s, func(tx *Tx) error {
		for n, want := range map[int64]struct {
			by string
			at time.Time
		}{1: {ThreadClosedByErasure, erasedAt}, 2: {"slack:U1", t0.Add(2 * time.Hour)}} {
			th, err := tx.Thread(n)
			if err != nil {
				return err
			}
			if th.State != ThreadClosed || th.CloseNote != "" || th.SenderID != "" || th.ClosedBy != want.by || !th.ClosedAt.Equal(want.at) {
				t.Errorf("thread %d %+v, want closed by %s with no personal parts", n, th, want.by)
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

// TestEraseClosesThreads: erasing a customer closes their open question
// and complaint at the erasure's time, by ThreadClosedByErasure, leaves a
// thread staff closed before as it was, and refuses to reopen one the
// erasure closed (nobody is left to write to); another customer's thread
// stays open.
func TestEraseClosesThreads(t *testing.T) {
	s := MustOpen(t)
	c := mustCustomer(t, s, "김민지", "01012345678")
	other := mustCustomer(t, s, "박지훈", "01098765432")
	erasedAt := t0.Add(3 * time.Hour)
	mustUpdate(t, s, func(tx *Tx) error {
		for _, th := range []*Thread{
			{Kind: ThreadQuestion, CustomerID: c.ID, SenderID: "telegram:4242", OpenedAt: t0},
			{Kind: ThreadComplaint, CustomerID: c.ID, SenderID: "telegram:4242", OpenedAt: t0, Rating: 1},
			{Kind: ThreadQuestion, CustomerID: c.ID, SenderID: "telegram:4242", OpenedAt: t0},
			{Kind: ThreadQuestion, CustomerID: other.ID, SenderID: "telegram:99", OpenedAt: t0},
		} {
			if err := tx.OpenThread(th, "예약 문의"); err != nil {
				return err
			}
		}
		if _, err := tx.CloseThread(3, "slack:U1", "전화로 안내", t0.Add(time.Hour)); err != nil {
			return err
		}
		return tx.EraseCustomer(c.ID, erasedAt)
	})
	mustUpdate(t, s, func(tx *Tx) error {
		for n, want := range map[int64]struct {
			state ThreadState
			by    string
			at    time.Time
		}{
			1: {ThreadClosed, ThreadClosedByErasure, erasedAt},
			2: {ThreadClosed, ThreadClosedByErasure, erasedAt},
			3: {ThreadClosed, "slack:U1", t0.Add(time.Hour)},
			4: {ThreadOpen, "", time.Time{}},
		} {
			th, err := tx.Thread(n)
			if err != nil {
				return err
			}
			if th.State != want.state || th.ClosedBy != want.by || !th.ClosedAt.Equal(want.at) {
				t.Errorf("thread %d: state %v by %q at %v, want %v by %q at %v", n, th.State, th.ClosedBy, th.ClosedAt, want.state, want.by, want.at)
			}
		}
		if _, err := tx.ReopenThread(1, erasedAt.Add(time.Hour)); !errors.Is(err, ErrInvalid) {
			t.Errorf("reopening a thread the erasure closed: %v, want ErrInvalid", err)
		}
		open, err := tx.OpenThreads()
		if err != nil || len(open) != 1 || open[0].Number != 4 {
			t.Errorf("open threads %+v, %v; want only #4", open, err)
		}
		return nil
	})
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
