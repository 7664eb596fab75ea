package ledger

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

// TestCampaign_Fail: a sent recipient whose message failed for good is
// counted failed, with its reason, exactly once whichever path reports
// it; a reaction after that is not counted; nobody else can fail.
func TestCampaign_Fail(t *testing.T) {
	s := MustOpen(t)
	a := mustCustomer(t, s, "김하늘", "01011110001")
	b := mustCustomer(t, s, "이바다", "01011110002")
	c := mustCustomer(t, s, "박구름", "01011110003")
	cp := mustCampaign(t, s, Campaign{}, []string{a.ID, b.ID}, map[string]string{c.ID: SkipNoConsent})
	mustUpdate(t, s, func(tx *Tx) error { _, err := tx.ScheduleCampaign(cp.Number, t0); return err })
	sendBatch(t, s, cp.Number, 10, t0)
	fail := func(id, reason string) bool {
		var ok bool
		mustUpdate(t, s, func(tx *Tx) (err error) {
			ok, err = tx.FailRecipient(cp.Number, id, reason, t0.Add(time.Minute))
			return err
		})
		return ok
	}
	tests := []struct {
		name   string
		id     string
		reason string
		want   bool
	}{
		{"Blocked", a.ID, FailBlocked, true},
		{"Again_GaveUp", a.ID, FailGaveUp, false}, // the other path, later: counted once
		{"Again_Blocked", a.ID, FailBlocked, false},
		{"Skipped", c.ID, FailBlocked, false},
		{"NotRecipient", "C999", FailBlocked, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := fail(tt.id, tt.reason); got != tt.want {
				t.Errorf("FailRecipient(%s, %s) = %v, want %v", tt.id, tt.reason, got, tt.want)
			}
		})
	}
	if err := s.Update(t.Context(), func(tx *Tx) error { _, err := tx.FailRecipient(cp.Number, b.ID, "", t0); return err }); err == nil {
		t.Error("a failure without a reason was accepted")
	}
	mustUpdate(t, s, func(tx *Tx) error {
		if n, err := tx.MarkCampaignReaction(a.ID, ReactionResponded, t0.Add(time.Hour)); err != nil || n != 0 {
			t.Errorf("a failed recipient's message counted for %d campaigns (%v)", n, err)
		}
		got, err := tx.Campaign(cp.Number)
		if err != nil {
			return err
		}
		want := CampaignCounts{Sent: 1, Failed: 1, FailedBy: map[string]int{FailBlocked: 1}, Skipped: map[string]int{SkipNoConsent: 1}}
		if fmt.Sprint(got.Counts) != fmt.Sprint(want) {
			t.Errorf("counts %+v, want %+v", got.Counts, want)
		}
		if st, why, _, _ := tx.RecipientOf(cp.Number, a.ID); st != RecipientFailed || why != FailBlocked {
			t.Errorf("recipient %q %q, want failed, blocked", st, why)
		}
		if bal, _ := tx.Balance(a.ID); bal != 0 {
			t.Errorf("balance %d", bal) // no benefit in this campaign
		}
		return nil
	})
}

// TestCampaign_DraftExpired: a draft expires a day after its preview; a
// scheduled campaign never does.
func TestCampaign_DraftExpired(t *testing.T) {
	c := Campaign{State: CampaignDraft, CreatedAt: t0}
	if c.DraftExpired(t0.Add(CampaignDraftTTL)) || !c.DraftExpired(t0.Add(CampaignDraftTTL+time.Second)) {
		t.Error("a draft expires after CampaignDraftTTL, not before")
	}
	c.State = CampaignScheduled
	if c.DraftExpired(t0.AddDate(1, 0, 0)) {
		t.Error("a scheduled campaign expired")
	}
}

// TestCampaignFigures: the response figures of a campaign with a coupon,
// on hand-computed visits and redemptions. Sent at t0 to five (A–E) and
// one more whose message failed (F); three skipped for no consent (X, Y,
// Z: the baseline) and one unreachable (W, in neither).
//
//	A  note on day 3              visited
//	B  earn on day 20             not (after 14 days)
//	C  coupon used on day 13      redeemed
//	D  coupon used on day 15      not (after 14 days)
//	E  a redeem on day 2          not a visit; redeemed (the campaign gave points)
//	   an earn on day 4, reversed  not a visit (a correction took it back)
//	F  failed; note on day 1      not counted at all
//	X  earn on day 5              baseline visited
//	Y  nothing
//	Z  note on day 16             not (after 14 days)
//	W  note on day 2              not counted (unreachable, not baseline)
//
// By day 30: sent 5, visited 1, redeemed 2 (C, E); baseline 3, visited 1.
// By day 4: visited 1 (A), redeemed 1 (E), baseline visited 0 (X is day
// 5), the window open.
func TestCampaignFigures(t *testing.T) {
	s := MustOpen(t)
	ids := map[string]string{}
	for i, n := range []string{"A", "B", "C", "D", "E", "F", "X", "Y", "Z", "W"} {
		ids[n] = mustCustomer(t, s, "고객"+n, fmt.Sprintf("0101111%04d", i)).ID
	}
	coupon := CouponBenefit{Kind: BenefitPercent, Percent: 10}
	cp := mustCampaign(t, s, Campaign{Benefit: CampaignBenefit{Coupon: &coupon, CouponDays: 30, Points: 100}},
		[]string{ids["A"], ids["B"], ids["C"], ids["D"], ids["E"], ids["F"]},
		map[string]string{ids["X"]: SkipNoConsent, ids["Y"]: SkipNoConsent, ids["Z"]: SkipNoConsent, ids["W"]: SkipUnreachable})
	mustUpdate(t, s, func(tx *Tx) error { _, err := tx.ScheduleCampaign(cp.Number, t0); return err })
	if got := sendBatch(t, s, cp.Number, 10, t0); len(got) != 6 {
		t.Fatalf("sent %d", len(got))
	}
	// The campaign's message tells of its coupon: no notice of it waits
	// for the next morning's loyalty run.
	mustView(t, s, func(tx *Tx) error {
		ps, err := tx.PendingNotices(0)
		if err != nil || len(ps) != 0 {
			t.Errorf("pending notices after the campaign: %+v, %v", ps, err)
		}
		return err
	})
	day := func(n int) time.Time { return t0.AddDate(0, 0, n) }
	mustUpdate(t, s, func(tx *Tx) error {
		if _, err := tx.FailRecipient(cp.Number, ids["F"], FailGaveUp, day(2)); err != nil {
			return err
		}
		for _, v := range []struct {
			who string
			at  time.Time
		}{{"A", day(3)}, {"F", day(1)}, {"Z", day(16)}, {"W", day(2)}} {
			n := Note{CustomerID: ids[v.who], StaffID: "slack:U1", StaffName: "지수", At: v.at, Text: "커트"}
			if err := tx.AddNote(&n); err != nil {
				return err
			}
		}
		for _, v := range []struct {
			who string
			at  time.Time
		}{{"B", day(20)}, {"X", day(5)}} {
			e := PointsEntry{CustomerID: ids[v.who], At: v.at, Kind: PointsEarn, Points: 500, Amount: 10000, ActorID: "slack:U1"}
			if err := tx.AddPoints(&e); err != nil {
				return err
			}
		}
		e := PointsEntry{CustomerID: ids["E"], At: day(2), Kind: PointsRedeem, Points: -100, ActorID: "slack:U1"}
		if err := tx.AddPoints(&e); err != nil {
			return err
		}
		wrong := PointsEntry{CustomerID: ids["E"], At: day(4), Kind: PointsEarn, Points: 500, Amount: 10000, ActorID: "slack:U1"}
		if err := tx.AddPoints(&wrong); err != nil {
			return err
		}
		undo := PointsEntry{CustomerID: ids["E"], At: day(4).Add(time.Minute), Kind: PointsAdjust, Points: -500, Reverses: wrong.ID, ActorID: "slack:U1", Reason: "잘못 적립"}
		if err := tx.AddPoints(&undo); err != nil {
			return err
		}
		for _, v := range []struct {
			who string
			at  time.Time
		}{{"C", day(13)}, {"D", day(15)}} {
			cs, err := tx.CouponsOf(ids[v.who], t0, false)
			if err != nil || len(cs) != 1 {
				return fmt.Errorf("coupons of %s: %v, %v", v.who, cs, err)
			}
			if _, err := tx.UseCoupon(ids[v.who], cs[0].Code, "slack:U1", v.at); err != nil {
				return err
			}
		}
		return nil
	})
	tests := []struct {
		name string
		now  time.Time
		want CampaignFigures
	}{
		{"Day30", day(30), CampaignFigures{Sent: 5, Visited: 1, Redeemed: 2, Baseline: 3, BaselineVisited: 1, Until: day(14)}},
		{"Day4_Open", day(4), CampaignFigures{Sent: 5, Visited: 1, Redeemed: 1, Baseline: 3, Open: true, Until: day(14)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mustView(t, s, func(tx *Tx) error {
				got, err := tx.CampaignFigures(cp.Number, tt.now)
				if err != nil {
					return err
				}
				if !got.Until.Equal(tt.want.Until) {
					t.Errorf("until %v, want %v", got.Until, tt.want.Until)
				}
				got.Until, tt.want.Until = time.Time{}, time.Time{}
				if got != tt.want {
					t.Errorf("figures %+v, want %+v", got, tt.want)
				}
				return nil
			})
		})
	}
	mustView(t, s, func(tx *Tx) error {
		if _, err := tx.CampaignFigures(99, day(30)); err == nil {
			t.Error("figures of no campaign")
		}
		return nil
	})
}

// TestCampaign_ExpireDrafts: a draft older than CampaignDraftTTL loses
// its recipients and becomes expired, once; a younger draft and a
// scheduled campaign are left alone; an expired one cannot be sent.
func TestCampaign_ExpireDrafts(t *testing.T) {
	s := MustOpen(t)
	a := mustCustomer(t, s, "김하늘", "01011110001")
	b := mustCustomer(t, s, "이바다", "01011110002")
	old := mustCampaign(t, s, Campaign{}, []string{a.ID}, map[string]string{b.ID: SkipNoConsent})
	sched := mustCampaign(t, s, Campaign{}, []string{a.ID}, nil)
	mustUpdate(t, s, func(tx *Tx) error { _, err := tx.ScheduleCampaign(sched.Number, t0.Add(48*time.Hour)); return err })
	young := Campaign{Text: "내일 할인", SendAt: t0, CreatedAt: t0.Add(23 * time.Hour), CreatedBy: "slack:UMANAGER"}
	mustUpdate(t, s, func(tx *Tx) error { return tx.AddCampaign(&young, []string{a.ID}, nil) })
	now := t0.Add(CampaignDraftTTL + time.Second)
	expire := func() (n int, has bool) {
		mustUpdate(t, s, func(tx *Tx) (err error) {
			if has, err = tx.HasExpiredDrafts(now); err != nil {
				return err
			}
			n, err = tx.ExpireCampaignDrafts(now)
			return err
		})
		return n, has
	}
	if n, has := expire(); n != 1 || !has {
		t.Fatalf("expired %d (has %v), want the old draft", n, has)
	}
	if n, has := expire(); n != 0 || has {
		t.Errorf("again: expired %d (has %v), want none", n, has)
	}
	mustView(t, s, func(tx *Tx) error {
		for _, tt := range []struct {
			n    int
			want CampaignState
		}{{old.Number, CampaignExpired}, {sched.Number, CampaignScheduled}, {young.Number, CampaignDraft}} {
			c, err := tx.Campaign(tt.n)
			if err != nil {
				return err
			}
			if c.State != tt.want {
				t.Errorf("campaign %d is %s, want %s", tt.n, c.State, tt.want)
			}
		}
		c, _ := tx.Campaign(old.Number)
		if c.Counts.Queued != 0 || c.Counts.Cancelled != 1 || !c.DraftExpired(now) {
			t.Errorf("expired counts %+v", c.Counts)
		}
		for _, id := range []string{a.ID, b.ID} {
			if _, _, ok, _ := tx.RecipientOf(old.Number, id); ok {
				t.Errorf("%s is still a recipient of the expired draft", id)
			}
		}
		if q, _ := tx.QueuedRecipients(old.Number, 0); len(q) != 0 {
			t.Errorf("queued %v", q)
		}
		if _, _, ok, _ := tx.RecipientOf(young.Number, a.ID); !ok {
			t.Error("the young draft lost its recipient")
		}
		return nil
	})
	err := s.Update(t.Context(), func(tx *Tx) error { _, err := tx.ScheduleCampaign(old.Number, now); return err })
	if !errors.Is(err, ErrInvalid) {
		t.Errorf("schedule expired: %v, want ErrInvalid", err)
	}
}
