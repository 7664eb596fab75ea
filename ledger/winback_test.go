package ledger

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestMarkWinBack: one win-back per lapse. Three visits ten days apart,
// then the message (with 500P and a coupon); a second one for the same
// lapse is refused, also after the file is reopened; a visit starts a new
// lapse, after which one more may go. Without advertising consent nothing
// is marked or given.
func TestMarkWinBack(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "dangol.db")
	opts := &Options{Timeout: 100 * time.Millisecond, Key: testKey, ErasedKeys: filepath.Join(dir, "dangol.erased")}
	s, err := Open(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	c := mustCustomer(t, s, "김하늘", "010-4815-1623")
	mustUpdate(t, s, func(tx *Tx) error {
		for i := range 3 {
			if err := tx.RecordVisit(c.ID, t0.AddDate(0, 0, 10*i)); err != nil {
				return err
			}
		}
		return nil
	})
	offer := WinBackRules{Auto: true, Points: 500, Coupon: &CouponBenefit{Kind: BenefitPercent, Percent: 10}, CouponDays: 14}
	at := t0.AddDate(0, 0, 60)

	mustUpdate(t, s, func(tx *Tx) error {
		if _, err := tx.MarkWinBack(c.ID, at, true, offer, WinBackActor, seoul); !errors.Is(err, ErrNoConsent) {
			t.Errorf("without consent: err = %v, want ErrNoConsent", err)
		}
		if w, _ := tx.WinBack(c.ID); !w.At.IsZero() {
			t.Errorf("without consent the mark is %+v", w)
		}
		_, err := tx.SetMarketing(c.ID, true, ViaCommand, t0)
		return err
	})
	mustUpdate(t, s, func(tx *Tx) error {
		code, err := tx.MarkWinBack(c.ID, at, true, offer, WinBackActor, seoul)
		if err != nil || code == "" {
			t.Fatalf("MarkWinBack = %q, %v; want a coupon code", code, err)
		}
		bal, err := tx.Balance(c.ID)
		if err != nil || bal != 500 {
			t.Errorf("balance = %d, %v; want 500", bal, err)
		}
		if ns, err := tx.PendingNotices(0); err != nil || len(ns) != 0 {
			t.Errorf("pending notices = %+v, %v; the win-back message tells of its coupon", ns, err)
		}
		_, err = tx.MarkWinBack(c.ID, at.Add(time.Hour), false, offer, "slack:U1", seoul)
		if !errors.Is(err, ErrWinBackSent) {
			t.Errorf("second in the lapse: err = %v, want ErrWinBackSent", err)
		}
		return nil
	})
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if s, err = Open(path, opts); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	mustUpdate(t, s, func(tx *Tx) error {
		if _, err := tx.MarkWinBack(c.ID, at.AddDate(0, 0, 30), true, offer, WinBackActor, seoul); !errors.Is(err, ErrWinBackSent) {
			t.Errorf("after a reopen: err = %v, want ErrWinBackSent", err)
		}
		return tx.RecordVisit(c.ID, at.AddDate(0, 0, 31))
	})
	mustUpdate(t, s, func(tx *Tx) error {
		if _, err := tx.MarkWinBack(c.ID, at.AddDate(0, 0, 90), true, WinBackRules{}, WinBackActor, seoul); err != nil {
			t.Errorf("the next lapse: %v", err)
		}
		bal, err := tx.Balance(c.ID)
		if err != nil || bal != 500 {
			t.Errorf("balance = %d, %v; want 500 (no benefit the second time)", bal, err)
		}
		return nil
	})
}

// TestQueueWinBack: a message queued for 08:00 holds its lapse (no other
// is sent meanwhile), is not due before its time, comes back with its text
// at it, and is taken once; its text is not in the file in the clear.
func TestQueueWinBack(t *testing.T) {
	s := MustOpen(t)
	c := mustCustomer(t, s, "김하늘", "010-4815-1623")
	night := t0.Add(11 * time.Hour) // 21:00
	morning := time.Date(2026, 3, 3, 8, 0, 0, 0, seoul)
	text := "김하늘님, 요즘 뵙기 어려워 안부 여쭤요"
	mustUpdate(t, s, func(tx *Tx) error {
		if _, err := tx.SetMarketing(c.ID, true, ViaCommand, t0); err != nil {
			return err
		}
		for _, bad := range []string{"", "a\x00b"} {
			if err := tx.QueueWinBack(QueuedWinBack{CustomerID: c.ID, SendAt: morning, Text: bad, ActorID: "slack:U1"}, night); !errors.Is(err, ErrInvalid) {
				t.Errorf("text %q: err = %v, want ErrInvalid", bad, err)
			}
		}
		if err := tx.QueueWinBack(QueuedWinBack{CustomerID: c.ID, SendAt: morning, Text: text, ActorID: "slack:U1"}, night); err != nil {
			return err
		}
		if err := tx.QueueWinBack(QueuedWinBack{CustomerID: c.ID, SendAt: morning, Text: text, ActorID: "slack:U1"}, night); !errors.Is(err, ErrWinBackSent) {
			t.Errorf("second queue: err = %v, want ErrWinBackSent", err)
		}
		if _, err := tx.MarkWinBack(c.ID, night, true, WinBackRules{}, WinBackActor, seoul); !errors.Is(err, ErrWinBackSent) {
			t.Errorf("the job while queued: err = %v, want ErrWinBackSent", err)
		}
		return nil
	})
	mustUpdate(t, s, func(tx *Tx) error {
		if due, err := tx.DueWinBacks(morning.Add(-time.Minute), 10); err != nil || len(due) != 0 {
			t.Errorf("before 08:00: %v, %v", due, err)
		}
		due, err := tx.DueWinBacks(morning, 10)
		if err != nil || len(due) != 1 || due[0].Text != text || due[0].ActorID != "slack:U1" || !due[0].SendAt.Equal(morning) {
			t.Fatalf("at 08:00: %+v, %v", due, err)
		}
		if ok, err := tx.TakeQueuedWinBack(due[0]); !ok || err != nil {
			t.Fatalf("take = %v, %v", ok, err)
		}
		if ok, _ := tx.TakeQueuedWinBack(due[0]); ok {
			t.Error("taken twice")
		}
		if _, err := tx.MarkWinBack(c.ID, morning, false, WinBackRules{}, "slack:U1", seoul); err != nil {
			t.Errorf("the send after taking: %v", err)
		}
		return nil
	})
	path := s.Path()
	s.Close()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte("안부 여쭤요")) {
		t.Error("the queued text is in the file in the clear")
	}
}

// TestWinBackPastReconfirm: a win-back offer is advertising, so a consent
// past its two years unconfirmed gets none, sent now or queued for the
// morning after those two years; before them it goes.
func TestWinBackPastReconfirm(t *testing.T) {
	s := MustOpen(t)
	c := mustCustomer(t, s, "김하늘", "010-4815-1623")
	due := t0.AddDate(MarketingReconfirmYears, 0, 0)
	mustUpdate(t, s, func(tx *Tx) error {
		if _, err := tx.SetMarketing(c.ID, true, ViaCommand, t0); err != nil {
			return err
		}
		return tx.RecordVisit(c.ID, due.AddDate(0, -3, 0))
	})
	offer := WinBackRules{Points: 500}
	mustUpdate(t, s, func(tx *Tx) error {
		if _, err := tx.MarkWinBack(c.ID, due, false, offer, "slack:U1", seoul); !errors.Is(err, ErrNoConsent) {
			t.Errorf("sent at the two years: err = %v, want ErrNoConsent", err)
		}
		q := QueuedWinBack{CustomerID: c.ID, SendAt: due.Add(10 * time.Hour), Text: "잘 지내세요?", ActorID: "slack:U1"}
		if err := tx.QueueWinBack(q, due.Add(-time.Hour)); !errors.Is(err, ErrNoConsent) {
			t.Errorf("queued for after the two years: err = %v, want ErrNoConsent", err)
		}
		if _, err := tx.MarkWinBack(c.ID, due.Add(-time.Hour), false, offer, "slack:U1", seoul); err != nil {
			t.Errorf("sent before the two years: %v", err)
		}
		return nil
	})
}
