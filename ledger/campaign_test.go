package ledger

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// mustCampaign stores a draft to the queued and skipped customers.
func mustCampaign(tb testing.TB, s *Store, c Campaign, queued []string, skipped map[string]string) Campaign {
	tb.Helper()
	if c.Text == "" {
		c.Text = "이번 주 펌 20% 할인해 드려요"
	}
	if c.SendAt.IsZero() {
		c.SendAt = t0
	}
	c.CreatedAt, c.CreatedBy = t0, "slack:UMANAGER"
	mustUpdate(tb, s, func(tx *Tx) error { return tx.AddCampaign(&c, queued, skipped) })
	return c
}

// sendBatch marks up to n queued recipients of campaign num sent at at,
// as the delivery job does, and returns whom.
func sendBatch(tb testing.TB, s *Store, num, n int, at time.Time) []string {
	tb.Helper()
	var sent []string
	mustUpdate(tb, s, func(tx *Tx) error {
		sent = nil
		ids, err := tx.QueuedRecipients(num, n)
		if err != nil {
			return err
		}
		for _, id := range ids {
			ok, err := tx.MarkRecipient(num, id, RecipientSent, "", at, seoul)
			if err != nil {
				return err
			}
			if ok {
				sent = append(sent, id)
			}
		}
		return nil
	})
	return sent
}

func TestCampaign(t *testing.T) {
	s := MustOpen(t)
	a := mustCustomer(t, s, "김하늘", "01011110001")
	b := mustCustomer(t, s, "이바다", "01011110002")
	c := mustCustomer(t, s, "박구름", "01011110003")
	d := mustCustomer(t, s, "최나무", "01011110004")
	cp := mustCampaign(t, s, Campaign{Audience: "#펌 90일 이상", Benefit: CampaignBenefit{Points: 500}},
		[]string{a.ID, b.ID, c.ID, a.ID}, map[string]string{d.ID: SkipNoConsent})
	if cp.Number != 1 || cp.State != CampaignDraft || cp.Counts.Queued != 3 || cp.Counts.Skipped[SkipNoConsent] != 1 {
		t.Fatalf("added %+v", cp)
	}
	t.Run("DraftNotDue", func(t *testing.T) {
		mustView(t, s, func(tx *Tx) error {
			due, err := tx.DueCampaigns(t0.Add(time.Hour))
			if err != nil || len(due) != 0 {
				t.Errorf("due %+v, %v; want none", due, err)
			}
			return nil
		})
		if got := sendBatch(t, s, cp.Number, 10, t0); len(got) != 0 {
			t.Errorf("a draft sent to %v", got)
		}
	})
	mustUpdate(t, s, func(tx *Tx) error { _, err := tx.ScheduleCampaign(cp.Number, t0.Add(time.Hour)); return err })
	mustView(t, s, func(tx *Tx) error {
		if due, _ := tx.DueCampaigns(t0); len(due) != 0 {
			t.Errorf("due before its time: %+v", due)
		}
		due, err := tx.DueCampaigns(t0.Add(time.Hour))
		if err != nil || len(due) != 1 || due[0].Text != "이번 주 펌 20% 할인해 드려요" || due[0].Audience != "#펌 90일 이상" || due[0].CreatedBy != "slack:UMANAGER" {
			t.Errorf("due %+v, %v", due, err)
		}
		return nil
	})
	at := t0.Add(time.Hour)
	first := sendBatch(t, s, cp.Number, 2, at)
	mustUpdate(t, s, func(tx *Tx) error {
		ids, err := tx.QueuedRecipients(cp.Number, 0)
		if err != nil || len(ids) != 1 {
			return fmt.Errorf("queued %v, %v", ids, err)
		}
		ok, err := tx.MarkRecipient(cp.Number, ids[0], RecipientSkipped, SkipUnreachable, at, seoul)
		if !ok || err != nil {
			return fmt.Errorf("skip: %v, %v", ok, err)
		}
		// Again: not queued any more, nothing changes.
		if ok, err := tx.MarkRecipient(cp.Number, ids[0], RecipientSent, "", at, seoul); ok || err != nil {
			return fmt.Errorf("second mark: %v, %v", ok, err)
		}
		return nil
	})
	if len(first) != 2 {
		t.Fatalf("first batch %v", first)
	}
	mustView(t, s, func(tx *Tx) error {
		got, err := tx.Campaign(cp.Number)
		if err != nil {
			return err
		}
		want := CampaignCounts{Sent: 2, Skipped: map[string]int{SkipNoConsent: 1, SkipUnreachable: 1}}
		if got.State != CampaignDone || !got.DoneAt.Equal(at) || fmt.Sprint(got.Counts) != fmt.Sprint(want) {
			t.Errorf("campaign %+v, want done with %+v", got, want)
		}
		for _, id := range first {
			if bal, _ := tx.Balance(id); bal != 500 {
				t.Errorf("%s balance %d, want the 500 benefit once", id, bal)
			}
			if st, _, ok, _ := tx.RecipientOf(cp.Number, id); !ok || st != RecipientSent {
				t.Errorf("%s state %q", id, st)
			}
		}
		if st, why, _, _ := tx.RecipientOf(cp.Number, d.ID); st != RecipientSkipped || why != SkipNoConsent {
			t.Errorf("skipped %q %q", st, why)
		}
		if due, _ := tx.DueCampaigns(at.Add(time.Hour)); len(due) != 0 {
			t.Errorf("done but due: %+v", due)
		}
		return nil
	})
	t.Run("Reaction", func(t *testing.T) {
		react := func(id string, r CampaignReaction, at time.Time) int {
			var n int
			mustUpdate(t, s, func(tx *Tx) (err error) { n, err = tx.MarkCampaignReaction(id, r, at); return err })
			return n
		}
		if n := react(first[0], ReactionResponded, at.Add(24*time.Hour)); n != 1 {
			t.Errorf("responded counted %d times", n)
		}
		if n := react(first[0], ReactionResponded, at.Add(48*time.Hour)); n != 0 {
			t.Errorf("second response counted %d", n)
		}
		if n := react(first[1], ReactionResponded, at.Add(CampaignResponseWindow+time.Minute)); n != 0 {
			t.Errorf("a response after 14 days counted %d", n)
		}
		if n := react(first[1], ReactionOptedOut, at.Add(time.Minute)); n != 1 {
			t.Errorf("opt-out counted %d", n)
		}
		if n := react(d.ID, ReactionOptedOut, at.Add(time.Minute)); n != 0 {
			t.Errorf("a skipped customer's opt-out counted %d", n)
		}
		mustView(t, s, func(tx *Tx) error {
			got, _ := tx.Campaign(cp.Number)
			if got.Counts.Responded != 1 || got.Counts.OptedOut != 1 {
				t.Errorf("counts %+v", got.Counts)
			}
			return nil
		})
	})
}

func TestCampaign_Cancel(t *testing.T) {
	s := MustOpen(t)
	a := mustCustomer(t, s, "김하늘", "01011110001")
	b := mustCustomer(t, s, "이바다", "01011110002")
	cp := mustCampaign(t, s, Campaign{}, []string{a.ID, b.ID}, nil)
	mustUpdate(t, s, func(tx *Tx) error { _, err := tx.ScheduleCampaign(cp.Number, t0); return err })
	sendBatch(t, s, cp.Number, 1, t0)
	mustUpdate(t, s, func(tx *Tx) error {
		got, err := tx.CancelCampaign(cp.Number, t0.Add(time.Minute))
		if err != nil || got.State != CampaignCancelled {
			return fmt.Errorf("cancel: %+v, %v", got, err)
		}
		return nil
	})
	if got := sendBatch(t, s, cp.Number, 10, t0.Add(time.Hour)); len(got) != 0 {
		t.Errorf("a cancelled campaign sent to %v", got)
	}
	mustView(t, s, func(tx *Tx) error {
		got, _ := tx.Campaign(cp.Number)
		if got.Counts.Sent != 1 || got.Counts.Queued != 0 || got.Counts.Cancelled != 1 {
			t.Errorf("counts %+v, want 1 sent and 1 cancelled, none queued", got.Counts)
		}
		if st, _, _, _ := tx.RecipientOf(cp.Number, b.ID); st != RecipientCancelled {
			t.Errorf("the unsent recipient is %q, want cancelled", st)
		}
		if due, _ := tx.DueCampaigns(t0.Add(time.Hour)); len(due) != 0 {
			t.Errorf("cancelled but due: %+v", due)
		}
		if _, err := tx.ScheduleCampaign(cp.Number, t0); !errors.Is(err, ErrInvalid) {
			t.Errorf("schedule cancelled: %v", err)
		}
		return nil
	})
	t.Run("ErrInvalid_Done", func(t *testing.T) {
		done := mustCampaign(t, s, Campaign{}, []string{a.ID}, nil)
		mustUpdate(t, s, func(tx *Tx) error { _, err := tx.ScheduleCampaign(done.Number, t0); return err })
		sendBatch(t, s, done.Number, 10, t0)
		err := s.Update(t.Context(), func(tx *Tx) error { _, err := tx.CancelCampaign(done.Number, t0); return err })
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("cancel done: %v", err)
		}
	})
}

func TestCampaign_Errors(t *testing.T) {
	s := MustOpen(t)
	a := mustCustomer(t, s, "김하늘", "01011110001")
	tests := []struct {
		name    string
		c       Campaign
		queued  []string
		skipped map[string]string
		want    error
	}{
		{"ErrInvalid_NoText", Campaign{SendAt: t0, CreatedAt: t0}, nil, nil, ErrInvalid},
		{"ErrInvalid_TooLong", Campaign{Text: strings.Repeat("가", MaxCampaignText+1), SendAt: t0, CreatedAt: t0}, nil, nil, ErrInvalid},
		{"ErrInvalid_Control", Campaign{Text: "할인\x1b[2J", SendAt: t0, CreatedAt: t0}, nil, nil, ErrInvalid},
		{"ErrInvalid_NoTime", Campaign{Text: "할인"}, nil, nil, ErrInvalid},
		{"ErrInvalid_NegativePoints", Campaign{Text: "할인", SendAt: t0, CreatedAt: t0, Benefit: CampaignBenefit{Points: -1}}, nil, nil, ErrInvalid},
		{"ErrInvalid_SkipNoReason", Campaign{Text: "할인", SendAt: t0, CreatedAt: t0}, nil, map[string]string{a.ID: ""}, ErrInvalid},
		{"ErrCustomerNotFound", Campaign{Text: "할인", SendAt: t0, CreatedAt: t0}, []string{"C999"}, nil, ErrCustomerNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.Update(t.Context(), func(tx *Tx) error { return tx.AddCampaign(&tt.c, tt.queued, tt.skipped) })
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
		})
	}
	mustView(t, s, func(tx *Tx) error {
		if _, err := tx.Campaign(1); !errors.Is(err, ErrNotFound) {
			t.Errorf("a refused campaign was stored: %v", err)
		}
		return nil
	})
}

// TestCampaign_Restart stops a campaign after some batches, reopens the
// file and finishes it: every recipient is sent exactly once and the text
// is nowhere in the file in the clear.
func TestCampaign_Restart(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "dangol.db")
	open := func() *Store {
		s, err := Open(path, &Options{Timeout: 100 * time.Millisecond, Key: testKey, ErasedKeys: filepath.Join(dir, "dangol.erased")})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	s := open()
	const n = 250
	var ids []string
	for i := range n {
		ids = append(ids, mustCustomer(t, s, fmt.Sprintf("고객%d", i), fmt.Sprintf("010%08d", 20000000+i)).ID)
	}
	const text = "봄맞이 염색 30% 할인 이벤트"
	cp := mustCampaign(t, s, Campaign{Text: text, Audience: "#염색"}, ids, nil)
	mustUpdate(t, s, func(tx *Tx) error { _, err := tx.ScheduleCampaign(cp.Number, t0); return err })
	got := map[string]int{}
	for range 2 {
		for _, id := range sendBatch(t, s, cp.Number, 100, t0) {
			got[id]++
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = open()
	defer s.Close()
	for i := 0; i < 10; i++ {
		batch := sendBatch(t, s, cp.Number, 100, t0.Add(time.Minute))
		if len(batch) == 0 {
			break
		}
		for _, id := range batch {
			got[id]++
		}
	}
	for _, id := range ids {
		if got[id] != 1 {
			t.Errorf("%s sent %d times", id, got[id])
		}
	}
	mustView(t, s, func(tx *Tx) error {
		c, _ := tx.Campaign(cp.Number)
		if c.State != CampaignDone || c.Counts.Sent != n || c.Counts.Queued != 0 {
			t.Errorf("campaign %+v", c)
		}
		return nil
	})
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{text, "#염색", "slack:UMANAGER"} {
		if bytes.Contains(data, []byte(v)) {
			t.Errorf("%q is in the file in the clear", v)
		}
	}
}
