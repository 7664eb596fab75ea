package ledger

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

func TestRecordOutreach(t *testing.T) {
	s := MustOpen(t)
	a := mustCustomer(t, s, "김하늘", "010-1111-2222")
	b := mustCustomer(t, s, "이서준", "010-3333-4444")
	day := 24 * time.Hour
	recs := []Outreach{
		{Kind: OutreachBirthday, CustomerID: a.ID, At: t0, Coupon: "abc234", Points: 0},
		{Kind: OutreachBirthday, CustomerID: b.ID, At: t0, Skipped: SkipNoConsent},
		{Kind: OutreachFollowUp, CustomerID: a.ID, At: t0.Add(day)},
		{Kind: OutreachRating, CustomerID: b.ID, At: t0.Add(2 * day), Points: 0},
		{Kind: OutreachWinBack, CustomerID: a.ID, At: t0.Add(9 * day), Points: 500},
	}
	mustUpdate(t, s, func(tx *Tx) error {
		for _, o := range recs {
			if err := tx.RecordOutreach(o); err != nil {
				return err
			}
		}
		return nil
	})

	t.Run("ScanRange", func(t *testing.T) {
		var got []Outreach
		mustView(t, s, func(tx *Tx) error {
			return tx.ScanOutreach(t0, t0.Add(3*day), func(o Outreach) error { got = append(got, o); return nil })
		})
		if len(got) != 4 {
			t.Fatalf("scan of 3 days: %d records, want 4: %+v", len(got), got)
		}
		if got[0].Coupon != "ABC234" || got[0].Kind != OutreachBirthday || !got[0].At.Equal(t0) {
			t.Errorf("first = %+v, want the birthday with coupon ABC234 at t0", got[0])
		}
		if got[1].Skipped != SkipNoConsent || got[1].CustomerID != b.ID {
			t.Errorf("second = %+v, want %s skipped for consent", got[1], b.ID)
		}
		if got[3].Kind != OutreachRating {
			t.Errorf("fourth = %+v, want the rating request", got[3])
		}
	})

	t.Run("OutreachOf", func(t *testing.T) {
		var got []Outreach
		mustView(t, s, func(tx *Tx) (err error) { got, err = tx.OutreachOf(a.ID, 0); return err })
		if len(got) != 3 || got[0].Kind != OutreachWinBack || got[0].Points != 500 || got[2].Kind != OutreachBirthday {
			t.Fatalf("OutreachOf(a) = %+v, want win-back, follow-up, birthday", got)
		}
	})

	t.Run("ErrInvalid", func(t *testing.T) {
		bad := []Outreach{
			{Kind: "spam", CustomerID: a.ID, At: t0},
			{Kind: OutreachRating, CustomerID: "X1", At: t0},
			{Kind: OutreachRating, CustomerID: a.ID},
			{Kind: OutreachRating, CustomerID: a.ID, At: t0, Points: -1},
			{Kind: OutreachBirthday, CustomerID: a.ID, At: t0, Skipped: SkipNoConsent, Points: 100},
			{Kind: OutreachBirthday, CustomerID: a.ID, At: t0, Skipped: "김하늘 거절"},
			{Kind: OutreachBirthday, CustomerID: a.ID, At: t0, Coupon: "!!"},
		}
		for _, o := range bad {
			err := s.Update(t.Context(), func(tx *Tx) error { return tx.RecordOutreach(o) })
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("RecordOutreach(%+v) = %v, want ErrInvalid", o, err)
			}
		}
		err := s.Update(t.Context(), func(tx *Tx) error {
			return tx.RecordOutreach(Outreach{Kind: OutreachRating, CustomerID: "C999", At: t0})
		})
		if !errors.Is(err, ErrCustomerNotFound) {
			t.Errorf("unknown customer: %v, want ErrCustomerNotFound", err)
		}
	})

	t.Run("EraseAnonymises", func(t *testing.T) {
		mustUpdate(t, s, func(tx *Tx) error { return tx.EraseCustomer(a.ID, t0.Add(10*day)) })
		var got []Outreach
		mustView(t, s, func(tx *Tx) error {
			return tx.ScanOutreach(time.Time{}, t0.Add(30*day), func(o Outreach) error { got = append(got, o); return nil })
		})
		if len(got) != len(recs) {
			t.Fatalf("after erasure %d records, want %d (kept, anonymised)", len(got), len(recs))
		}
		for i, o := range got {
			switch {
			case recs[i].CustomerID == a.ID && (o.CustomerID != "" || o.Coupon != ""):
				t.Errorf("record %d of the erased customer = %+v, want no customer and no coupon", i, o)
			case recs[i].CustomerID == b.ID && o.CustomerID != b.ID:
				t.Errorf("record %d of the other customer = %+v, want it untouched", i, o)
			case o.Kind != recs[i].Kind || o.Points != recs[i].Points || !o.At.Equal(recs[i].At):
				t.Errorf("record %d = %+v, want kind, time and points of %+v", i, o, recs[i])
			}
		}
		var mine []Outreach
		mustView(t, s, func(tx *Tx) (err error) { mine, err = tx.OutreachOf(a.ID, 0); return err })
		if len(mine) != 0 {
			t.Errorf("OutreachOf(erased) = %+v, want none", mine)
		}
	})
}

// TestOutreachFigures: the response figures on a fixture whose counts are
// worked out by hand. Day 0 is t0 (a Monday, 10:00 in Seoul).
//
//   - 김하늘 (birthday, coupon 1): a reply on day 2, visits on day 3 (a
//     note) and day 20 (an earn), the coupon used on day 13: replied,
//     visited, redeemed.
//   - 이서준 (birthday, coupon 2): only a staff message in a thread, a
//     message of his own on day 16, an earn on day 20, the coupon used on
//     day 15: nothing counts.
//   - 박지훈 (win-back, 500P): an earn on day 0 an hour after the message
//     (he came back the same day: visited), a redeem on day 4: redeemed.
//   - 윤서 (a follow-up on day 6): nothing; it stretches the scans to day
//     21, so the day-20 visits are read and must be left out by the rule.
//   - 최유나 (birthday skipped for consent): visits on day 5; 정다은
//     (skipped for consent) never; 한별 (skipped, unreachable): no baseline.
func TestOutreachFigures(t *testing.T) {
	s := MustOpen(t)
	day := func(d int, hour int) time.Time { return t0.AddDate(0, 0, d).Add(time.Duration(hour-10) * time.Hour) }
	haneul := mustCustomer(t, s, "김하늘", "010-1000-0001")
	seojun := mustCustomer(t, s, "이서준", "010-1000-0002")
	jihun := mustCustomer(t, s, "박지훈", "010-1000-0003")
	yuna := mustCustomer(t, s, "최유나", "010-1000-0004")
	daeun := mustCustomer(t, s, "정다은", "010-1000-0005")
	byeol := mustCustomer(t, s, "한별", "010-1000-0006")
	yunseo := mustCustomer(t, s, "윤서", "010-1000-0007")
	benefit := CouponBenefit{Kind: BenefitPercent, Percent: 10}
	note := func(tx *Tx, id string, at time.Time) error {
		return tx.AddNote(&Note{CustomerID: id, StaffID: "slack:U1", At: at, Text: "커트"})
	}
	points := func(tx *Tx, id string, kind PointsKind, n int64, at time.Time) error {
		return tx.AddPoints(&PointsEntry{CustomerID: id, At: at, Kind: kind, Points: n, ActorID: "slack:U1", Reason: "방문"})
	}
	var c1, c2 Coupon
	mustUpdate(t, s, func(tx *Tx) (err error) {
		spec := func(id string) CouponSpec {
			return CouponSpec{CustomerID: id, Benefit: benefit, Days: 30, Source: SourceBirthday, ActorID: "system:birthday"}
		}
		if c1, err = tx.IssueCoupon(spec(haneul.ID), day(0, 10), seoul); err != nil {
			return err
		}
		if c2, err = tx.IssueCoupon(spec(seojun.ID), day(0, 10), seoul); err != nil {
			return err
		}
		if err := points(tx, jihun.ID, PointsEarn, 1000, day(0, 12)); err != nil {
			return err
		}
		for _, o := range []Outreach{
			{Kind: OutreachBirthday, CustomerID: haneul.ID, At: day(0, 10), Coupon: c1.Code},
			{Kind: OutreachBirthday, CustomerID: seojun.ID, At: day(0, 10), Coupon: c2.Code},
			{Kind: OutreachBirthday, CustomerID: yuna.ID, At: day(0, 10), Skipped: SkipNoConsent},
			{Kind: OutreachBirthday, CustomerID: daeun.ID, At: day(0, 10), Skipped: SkipNoConsent},
			{Kind: OutreachBirthday, CustomerID: byeol.ID, At: day(0, 10), Skipped: SkipUnreachable},
			{Kind: OutreachWinBack, CustomerID: jihun.ID, At: day(0, 11), Points: 500},
			{Kind: OutreachFollowUp, CustomerID: yunseo.ID, At: day(6, 18)},
		} {
			if err := tx.RecordOutreach(o); err != nil {
				return err
			}
		}
		// 김하늘 replies on day 2; 이서준 only hears from staff, and writes on day 16.
		th := Thread{Kind: ThreadQuestion, CustomerID: haneul.ID, SenderID: "telegram:1", Lang: "ko", OpenedAt: day(2, 12)}
		if err := tx.OpenThread(&th, "감사합니다!"); err != nil {
			return err
		}
		th2 := Thread{Kind: ThreadQuestion, CustomerID: seojun.ID, SenderID: "telegram:2", Lang: "ko", OpenedAt: day(-3, 12), ByShop: true}
		if err := tx.OpenThread(&th2, ""); err != nil {
			return err
		}
		if _, err := tx.AddThreadMessage(&ThreadMessage{Thread: th2.Number, At: day(1, 12), Out: true, StaffID: "slack:U1", Text: "생일 축하드려요"}); err != nil {
			return err
		}
		if _, err := tx.AddThreadMessage(&ThreadMessage{Thread: th2.Number, At: day(16, 12), Text: "예약할게요"}); err != nil {
			return err
		}
		for _, err := range []error{
			note(tx, haneul.ID, day(3, 15)),
			points(tx, haneul.ID, PointsEarn, 300, day(20, 15)),
			points(tx, seojun.ID, PointsEarn, 300, day(20, 15)),
			points(tx, jihun.ID, PointsRedeem, -500, day(4, 15)),
			note(tx, yuna.ID, day(5, 15)),
		} {
			if err != nil {
				return err
			}
		}
		if _, err := tx.UseCoupon(haneul.ID, c1.Code, "slack:U1", day(13, 15)); err != nil {
			return err
		}
		_, err = tx.UseCoupon(seojun.ID, c2.Code, "slack:U1", day(15, 15))
		return err
	})
	week := ResponseQuery{From: day(0, 0), To: day(7, 0)}
	with := func(f func(*ResponseQuery)) ResponseQuery { q := week; f(&q); return q }
	tests := []struct {
		name string
		q    ResponseQuery
		want ResponseFigures
	}{
		{"Birthdays", with(func(q *ResponseQuery) { q.Kinds = []OutreachKind{OutreachBirthday} }),
			ResponseFigures{Sent: 2, Customers: 2, Replied: 1, Visited: 1, WithBenefit: 2, Redeemed: 1, Baseline: 2, BaselineVisited: 1}},
		{"EveryKind", week,
			ResponseFigures{Sent: 4, Customers: 4, Replied: 1, Visited: 2, WithBenefit: 3, Redeemed: 2, Baseline: 2, BaselineVisited: 1}},
		{"WinBack", with(func(q *ResponseQuery) { q.Kinds = []OutreachKind{OutreachWinBack} }),
			ResponseFigures{Sent: 1, Customers: 1, Visited: 1, WithBenefit: 1, Redeemed: 1}},
		{"OneCustomer", with(func(q *ResponseQuery) { q.Customers = []string{seojun.ID, daeun.ID} }),
			ResponseFigures{Sent: 1, Customers: 1, WithBenefit: 1, Baseline: 1}},
		{"FollowUps", with(func(q *ResponseQuery) { q.Kinds = []OutreachKind{OutreachFollowUp} }), ResponseFigures{Sent: 1, Customers: 1}},
		{"NextWeek", ResponseQuery{From: day(7, 0), To: day(14, 0)}, ResponseFigures{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got ResponseFigures
			mustView(t, s, func(tx *Tx) (err error) { got, err = tx.OutreachFigures(tt.q); return err })
			if got != tt.want {
				t.Errorf("figures\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
	t.Run("Erased", func(t *testing.T) {
		mustUpdate(t, s, func(tx *Tx) error { return tx.EraseCustomer(haneul.ID, day(30, 9)) })
		var got ResponseFigures
		mustView(t, s, func(tx *Tx) (err error) { got, err = tx.OutreachFigures(week); return err })
		// 김하늘's message still counts as sent (anonymised); what she did no longer.
		want := ResponseFigures{Sent: 4, Customers: 4, Visited: 1, WithBenefit: 2, Redeemed: 1, Baseline: 2, BaselineVisited: 1}
		if got != want {
			t.Errorf("after erasure\n got %+v\nwant %+v", got, want)
		}
	})
}

// TestScanCampaignSends: the response figures read campaign recipients
// sent or skipped, but not those of a campaign never confirmed (a draft,
// or cancelled before anyone got it), and not the queued.
func TestScanCampaignSends(t *testing.T) {
	s := MustOpen(t)
	a := mustCustomer(t, s, "김하늘", "010-2000-0001")
	b := mustCustomer(t, s, "이서준", "010-2000-0002")
	c := mustCustomer(t, s, "박지훈", "010-2000-0003")
	mk := func(tx *Tx, queued []string, skipped map[string]string) (Campaign, error) {
		cp := Campaign{Text: "이번 주 펌 20% 할인", SendAt: t0.Add(time.Hour), CreatedAt: t0, CreatedBy: "slack:M1", Benefit: CampaignBenefit{Points: 100}}
		return cp, tx.AddCampaign(&cp, queued, skipped)
	}
	mustUpdate(t, s, func(tx *Tx) error {
		if _, err := mk(tx, []string{a.ID}, map[string]string{b.ID: SkipNoConsent}); err != nil { // a draft
			return err
		}
		sent, err := mk(tx, []string{a.ID, c.ID}, map[string]string{b.ID: SkipNoConsent})
		if err != nil {
			return err
		}
		if _, err := tx.ScheduleCampaign(sent.Number, sent.SendAt); err != nil {
			return err
		}
		if _, err := tx.MarkRecipient(sent.Number, a.ID, RecipientSent, "", t0.Add(time.Hour), seoul); err != nil {
			return err
		}
		// c stays queued.
		gone, err := mk(tx, []string{a.ID}, map[string]string{c.ID: SkipNoConsent})
		if err != nil {
			return err
		}
		if _, err := tx.ScheduleCampaign(gone.Number, gone.SendAt); err != nil {
			return err
		}
		_, err = tx.CancelCampaign(gone.Number, t0.Add(30*time.Minute))
		return err
	})
	var sends []CampaignSend
	mustView(t, s, func(tx *Tx) error {
		return tx.ScanCampaignSends(t0.Add(-time.Hour), t0.Add(24*time.Hour), func(cs CampaignSend) error { sends = append(sends, cs); return nil })
	})
	if len(sends) != 2 {
		t.Fatalf("sends = %+v, want campaign 2's sent and skipped", sends)
	}
	for _, cs := range sends {
		switch {
		case cs.Campaign != 2:
			t.Errorf("send of campaign %d: %+v", cs.Campaign, cs)
		case cs.CustomerID == a.ID && (cs.Skipped != "" || cs.Points != 100 || !cs.At.Equal(t0.Add(time.Hour))):
			t.Errorf("sent = %+v, want at t0+1h with 100P", cs)
		case cs.CustomerID == b.ID && cs.Skipped != SkipNoConsent:
			t.Errorf("skipped = %+v, want no consent", cs)
		}
	}
	var f ResponseFigures
	mustView(t, s, func(tx *Tx) (err error) {
		f, err = tx.OutreachFigures(ResponseQuery{From: t0.Add(-time.Hour), To: t0.Add(24 * time.Hour), CampaignsOnly: true})
		return err
	})
	if want := (ResponseFigures{Sent: 1, Customers: 1, WithBenefit: 1, Baseline: 1}); f != want {
		t.Errorf("campaign figures %+v, want %+v", f, want)
	}
}

// TestCampaignCouponResponse: a campaign whose benefit is a coupon alone
// counts as one with a benefit, and its coupon used as the benefit used.
func TestCampaignCouponResponse(t *testing.T) {
	s := MustOpen(t)
	a := mustCustomer(t, s, "김하늘", "010-2000-0001")
	coupon := CouponBenefit{Kind: BenefitPercent, Percent: 10}
	mustUpdate(t, s, func(tx *Tx) error {
		cp := Campaign{Text: "겨울 할인", SendAt: t0.Add(time.Hour), CreatedAt: t0, CreatedBy: "slack:M1", Benefit: CampaignBenefit{Coupon: &coupon, CouponDays: 30}}
		if err := tx.AddCampaign(&cp, []string{a.ID}, nil); err != nil {
			return err
		}
		if _, err := tx.ScheduleCampaign(cp.Number, cp.SendAt); err != nil {
			return err
		}
		_, err := tx.MarkRecipient(cp.Number, a.ID, RecipientSent, "", t0.Add(time.Hour), seoul)
		return err
	})
	mustUpdate(t, s, func(tx *Tx) error {
		cs, err := tx.CouponsOf(a.ID, t0, false)
		if err != nil || len(cs) != 1 {
			return fmt.Errorf("coupons: %+v, %v", cs, err)
		}
		_, err = tx.UseCoupon(a.ID, cs[0].Code, "slack:U1", t0.AddDate(0, 0, 2))
		return err
	})
	var f ResponseFigures
	mustView(t, s, func(tx *Tx) (err error) {
		f, err = tx.OutreachFigures(ResponseQuery{From: t0, To: t0.AddDate(0, 0, 7), CampaignsOnly: true})
		return err
	})
	if f.WithBenefit != 1 || f.Redeemed != 1 {
		t.Errorf("figures %+v, want the coupon given and used", f)
	}
}

// TestOutreachReplyAttribution: one reply is the answer to one message,
// the latest sent to the customer before it, and a rating answers the
// rating request (found by a tester: /response showed a rating request's
// two star answers as "답장 0", and a reply to a follow-up under the
// birthday greeting of ten days before too).
//
//   - 김하늘: a birthday greeting on day 0, a follow-up on day 10 at 12:00,
//     her reply in a thread at 13:00: the follow-up's, not the greeting's.
//   - 이민수: a rating request on day 1 at 17:00, rated at 17:30: replied.
//   - 박지영: a rating request on day 1, no answer; a rating on day 16,
//     past the window: no reply.
func TestOutreachReplyAttribution(t *testing.T) {
	s := MustOpen(t)
	day := func(d int, hour, min int) time.Time {
		return t0.AddDate(0, 0, d).Add(time.Duration(hour-10)*time.Hour + time.Duration(min)*time.Minute)
	}
	haneul := mustCustomer(t, s, "김하늘", "010-1000-0001")
	minsu := mustCustomer(t, s, "이민수", "010-1000-0002")
	jiyoung := mustCustomer(t, s, "박지영", "010-1000-0003")
	mustUpdate(t, s, func(tx *Tx) error {
		for _, o := range []Outreach{
			{Kind: OutreachBirthday, CustomerID: haneul.ID, At: day(0, 9, 0)},
			{Kind: OutreachRating, CustomerID: minsu.ID, At: day(1, 17, 0)},
			{Kind: OutreachRating, CustomerID: jiyoung.ID, At: day(1, 17, 0)},
			{Kind: OutreachFollowUp, CustomerID: haneul.ID, At: day(10, 12, 0)},
		} {
			if err := tx.RecordOutreach(o); err != nil {
				return err
			}
		}
		th := Thread{Kind: ThreadQuestion, CustomerID: haneul.ID, SenderID: "telegram:1", Lang: "ko", OpenedAt: day(10, 13, 0)}
		if err := tx.OpenThread(&th, "네 감사합니다 다음주에 갈게요"); err != nil {
			return err
		}
		if err := tx.AddFeedback(&Feedback{CustomerID: minsu.ID, At: day(1, 17, 30), Rating: 5, NPS: NoNPS}); err != nil {
			return err
		}
		return tx.AddFeedback(&Feedback{CustomerID: jiyoung.ID, At: day(16, 12, 0), Rating: 3, NPS: NoNPS})
	})
	span := ResponseQuery{From: day(0, 0, 0), To: day(14, 0, 0)}
	for _, tt := range []struct {
		kind OutreachKind
		want ResponseFigures
	}{
		{OutreachBirthday, ResponseFigures{Sent: 1, Customers: 1}},
		{OutreachFollowUp, ResponseFigures{Sent: 1, Customers: 1, Replied: 1}},
		{OutreachRating, ResponseFigures{Sent: 2, Customers: 2, Replied: 1}},
		{"", ResponseFigures{Sent: 4, Customers: 3, Replied: 2}},
	} {
		t.Run(string(tt.kind), func(t *testing.T) {
			q := span
			if tt.kind != "" {
				q.Kinds = []OutreachKind{tt.kind}
			}
			var got ResponseFigures
			mustView(t, s, func(tx *Tx) (err error) { got, err = tx.OutreachFigures(q); return err })
			if got != tt.want {
				t.Errorf("figures\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}
