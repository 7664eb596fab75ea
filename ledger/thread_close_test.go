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
