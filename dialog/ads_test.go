package dialog

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/dangol/dangol/ledger"
)

// testShop and testContact are the sender every advertising test names
// (setSender); testHeader is the header they put first in each ad.
const (
	testShop    = "하늘미용실"
	testContact = "02-123-4567"
	testHeader  = "(광고) " + testShop + " (" + testContact + ")"
)

// setSender gives the harness's shop the name and contact every
// advertisement must carry (정보통신망법 제50조④); the caller reopens.
func (h *harness) setSender() {
	h.cfg.ShopName, h.cfg.ShopContact = testShop, testContact
}

// adHarness is a harness whose shop has a name and contact, with 김민지 linked to
// custTG (the optional question not yet answered).
func adHarness(t *testing.T, lang string) (*harness, string) {
	t.Helper()
	h := mustOpenHarness(t, nil, lang)
	h.setSender()
	h.reopen()
	id := h.customer("김민지", "01012345678")
	runSteps(t, h, linkMinji(h))
	return h, id
}

func (h *harness) marketing(id string) ledger.Marketing {
	h.tb.Helper()
	var m ledger.Marketing
	h.view(func(tx *ledger.Tx) (err error) { m, err = tx.Marketing(id); return err })
	return m
}

// TestMarketingConsent: the optional question comes once, after the first
// consent and the link; /marketing and /mydata show the answer with its
// date; [수신 거부] withdraws in one tap and says the date and the shop.
func TestMarketingConsent(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	h.setSender()
	h.reopen()
	id := h.customer("김민지", "01012345678")
	date := map[string]any{"Date": "2026-05-13"}
	runSteps(t, h, []step{
		{msg: staffMsg("/link 김민지")},
		{msg: custMsg("/start 100000"), payloads: []string{"yes", "no"}, not: []string{"[혜택·이벤트 소식 받기 (선택)]"}},
		{msg: press(custMsg(""), "yes"), want: []string{"김민지", "[혜택·이벤트 소식 받기 (선택)]", testShop},
			payloads: []string{"mkt:on:start", "mkt:off:start"}},
		{msg: custMsg("/marketing"), want: []string{h.text("ads.state.none", nil)}, payloads: []string{"mkt:on:command"}},
		{msg: press(custMsg(""), "mkt:on:start"), want: []string{h.text("ads.set.on", date)}},
		{msg: custMsg("광고수신"), want: []string{h.text("ads.state.given", date)}, payloads: []string{"mkt:off:command"}},
		{msg: custMsg("/mydata"), want: []string{h.text("ads.mydata", map[string]any{"State": h.text("ads.state.given", date)})}},
		{msg: press(custMsg(""), adOptOutPayload), advance: 24 * time.Hour,
			want: []string{h.text("ads.set.off", map[string]any{"Date": "2026-05-14", "Shop": testShop})}},
		// A second tap keeps the first withdrawal's date.
		{msg: press(custMsg(""), adOptOutPayload), advance: 24 * time.Hour, want: []string{"2026-05-14"}},
		{msg: custMsg("/marketing 받기"), want: []string{h.text("ads.set.on", map[string]any{"Date": "2026-05-15"})}},
		{msg: custMsg("/marketing 아무거나"), ids: []string{"ads.marketing.usage"}},
		// Asked once in their life: unlinked and linked again, they are
		// not asked again.
		{msg: staffMsg("/link 김민지")},
		{build: func() Message {
			h.update(func(tx *ledger.Tx) error { return tx.UnlinkCustomer(ChannelTelegram + ":" + custTG) })
			return custMsg("/start 100001")
		}, want: []string{"김민지"}, not: []string{"[혜택·이벤트 소식 받기 (선택)]"}},
		// Staff cannot press a customer's button.
		{msg: press(staffMsg(""), adOptOutPayload), ids: []string{"core.refused"}},
		{msg: press(custMsg(""), "mkt:maybe:start"), ids: []string{"core.button.stale"}},
		{msg: press(custMsg(""), "mkt:on:lapse"), ids: []string{"core.button.stale"}},
	})
	if m := h.marketing(id); !m.Given || m.Via != ledger.ViaCommand || !m.GivenAt.Equal(t0.Add(48*time.Hour)) {
		t.Errorf("marketing = %+v, want given by command on day 3", m)
	}
	// Not linked: told to link first, nothing stored.
	runSteps(t, h, []step{
		{msg: cust2Msg("/marketing"), ids: []string{"ads.marketing.unlinked"}},
		{msg: press(cust2Msg(""), adOptOutPayload), ids: []string{"ads.marketing.unlinked"}},
	})
}

// TestMarketingAskedLater: a customer linked before the optional question
// existed is asked it once when they come back (/points, /start), never
// again after; one who decided with /marketing, or an unlinked sender, is
// never asked.
func TestMarketingAskedLater(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	h.setSender()
	h.reopen()
	first := h.customer("김민지", "01012345678")
	second := h.customer("이바다", "01022223333")
	consent := ledger.Consent{Given: true, At: t0, Purpose: "loyalty+feedback"}
	h.update(func(tx *ledger.Tx) error { // linked the way dangol linked before the question
		if err := tx.LinkCustomer(first, ChannelTelegram+":"+custTG, consent); err != nil {
			return err
		}
		return tx.LinkCustomer(second, ChannelTelegram+":"+custTG2, consent)
	})
	ask := h.text("ads.start.ask", map[string]any{"Shop": testShop})
	date := map[string]any{"Date": "2026-05-13"}
	runSteps(t, h, []step{
		{msg: custMsg("/points"), want: []string{"김민지님의 포인트", ask},
			payloads: []string{"mkt:on:start", "mkt:off:start"}},
		{msg: custMsg("/points"), not: []string{ask}},
		{msg: custMsg("/start"), not: []string{ask}},
		{msg: cust2Msg("/marketing 받기"), want: []string{h.text("ads.set.on", date)}},
		{msg: cust2Msg("/start"), not: []string{ask}},
		{msg: cust2Msg("/points"), not: []string{ask}},
	})
	if m := h.marketing(first); m.AskedAt.IsZero() || m.Given {
		t.Errorf("first customer's consent = %+v, want asked and not given", m)
	}
	runSteps(t, h, []step{{msg: press(custMsg(""), "mkt:on:start"), want: []string{h.text("ads.set.on", date)}}})
	if m := h.marketing(first); !m.Given || m.Via != ledger.ViaStart {
		t.Errorf("after [받기]: %+v, want given via the question", m)
	}
}

// TestAdMessage: the advertising message's shape, and each customer it
// refuses.
func TestAdMessage(t *testing.T) {
	for _, lang := range []string{"ko", "en"} {
		t.Run(lang, func(t *testing.T) {
			h, id := adHarness(t, lang)
			runSteps(t, h, []step{{msg: custMsg("/lang " + lang)}})
			build := func() (Reply, AdSkip) {
				t.Helper()
				var r Reply
				var skip AdSkip
				h.update(func(tx *ledger.Tx) error {
					c, err := tx.Customer(id)
					if err != nil {
						return err
					}
					r, skip, err = h.eng.adMessage(tx, c, h.now(), func(t *turn) string { return "이번 주 펌 20%" },
						Button{Label: "x", Payload: "x"})
					return err
				})
				return r, skip
			}
			if _, skip := build(); skip != AdNoConsent {
				t.Fatalf("before consent: skip %q, want %q", skip, AdNoConsent)
			}
			runSteps(t, h, []step{{msg: press(custMsg(""), "mkt:on:start")}})
			r, skip := build()
			if skip != AdSent {
				t.Fatalf("with consent: skip %q", skip)
			}
			head := h.text("ads.header", map[string]any{"Shop": testShop, "Contact": testContact})
			if !strings.Contains(head, testShop) || !strings.Contains(head, testContact) {
				t.Errorf("header %q: want the shop's name and contact (정보통신망법 제50조④)", head)
			}
			if !strings.HasPrefix(r.Text, head+"\n") || !strings.HasSuffix(r.Text, h.text("ads.optout_line", nil)) ||
				!strings.Contains(r.Text, "이번 주 펌 20%") {
				t.Errorf("text %q: want %q first, the body, the opt-out line last", r.Text, head)
			}
			if r.To != ToUser || r.Channel != ChannelTelegram || r.UserID != custTG || r.Lang != lang {
				t.Errorf("addressed to %v %s:%s in %q", r.To, r.Channel, r.UserID, r.Lang)
			}
			if n := len(r.Buttons); n != 2 || r.Buttons[0].Payload != "x" || r.Buttons[1].Payload != adOptOutPayload ||
				r.Buttons[1].Label != h.text("ads.btn.optout", nil) {
				t.Errorf("buttons %+v: want the caller's, then [수신 거부]", r.Buttons)
			}
			// Withdrawal stops the next one.
			runSteps(t, h, []step{{msg: press(custMsg(""), adOptOutPayload)}})
			if _, skip := build(); skip != AdNoConsent {
				t.Errorf("after [수신 거부]: skip %q, want %q", skip, AdNoConsent)
			}
			runSteps(t, h, []step{{msg: custMsg("/marketing on")}})
			h.update(func(tx *ledger.Tx) error {
				_, err := tx.MarkUnreachable(ChannelTelegram+":"+custTG, h.now())
				return err
			})
			if _, skip := build(); skip != AdUnreachable {
				t.Errorf("blocked: skip %q, want %q", skip, AdUnreachable)
			}
			h.update(func(tx *ledger.Tx) error { _, err := tx.ClearUnreachable(ChannelTelegram + ":" + custTG); return err })
			h.cfg.ShopName = ""
			h.reopen()
			if _, skip := build(); skip != AdNoShop {
				t.Errorf("no shop name: skip %q, want %q", skip, AdNoShop)
			}
			h.setSender()
			h.reopen()
			h.update(func(tx *ledger.Tx) error { return tx.UnlinkCustomer(ChannelTelegram + ":" + custTG) })
			if _, skip := build(); skip != AdUnlinked {
				t.Errorf("unlinked: skip %q, want %q", skip, AdUnlinked)
			}
			h.update(func(tx *ledger.Tx) error { return tx.EraseCustomer(id, h.now()) })
			if _, skip := build(); skip != AdErased {
				t.Errorf("erased: skip %q, want %q", skip, AdErased)
			}
		})
	}
}

func TestAdSendAt(t *testing.T) {
	at := func(d, h, m int) time.Time { return time.Date(2026, 5, d, h, m, 0, 0, seoul) }
	tests := []struct {
		name     string
		in, want time.Time
	}{
		{"Day", at(13, 14, 0), at(13, 14, 0)},
		{"Morning", at(13, 8, 0), at(13, 8, 0)},
		{"LastMinute", at(13, 20, 59), at(13, 20, 59)},
		{"Nine", at(13, 21, 0), at(14, 8, 0)},
		{"Midnight", at(14, 0, 0), at(14, 8, 0)},
		{"BeforeEight", at(14, 7, 59), at(14, 8, 0)},
		{"MonthEnd", time.Date(2026, 5, 31, 23, 0, 0, 0, seoul), time.Date(2026, 6, 1, 8, 0, 0, 0, seoul)},
		// Read in the shop's zone, whatever the zone of the time given.
		{"UTC", time.Date(2026, 5, 13, 12, 30, 0, 0, time.UTC), at(14, 8, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := adSendAt(tt.in, seoul); !got.Equal(tt.want) {
				t.Errorf("adSendAt(%v) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

// TestMarketingJob: 30 days before the two years are up the customer is
// asked once, told the day their consent ends; from that day no
// advertising goes to them unanswered, the consent lapses, and /marketing
// says so.
func TestMarketingJob(t *testing.T) {
	h, id := adHarness(t, "ko")
	runSteps(t, h, []step{{msg: press(custMsg(""), "mkt:on:start")}})
	ctx := context.Background()
	due := t0.AddDate(2, 0, 0)
	ask := due.Add(-ledger.MarketingAskAhead)
	posts := func(at time.Time) []Reply {
		t.Helper()
		rs, err := h.eng.marketingPosts(ctx, at)
		if err != nil {
			t.Fatal(err)
		}
		return rs
	}
	ad := func(at time.Time) AdSkip {
		t.Helper()
		var skip AdSkip
		h.update(func(tx *ledger.Tx) error {
			c, err := tx.Customer(id)
			if err != nil {
				return err
			}
			_, skip, err = h.eng.adMessage(tx, c, at, func(*turn) string { return "이번 주 펌 20%" })
			return err
		})
		return skip
	}
	if rs := posts(ask.Add(-24 * time.Hour)); len(rs) != 0 {
		t.Fatalf("a day early: %q", allText(rs))
	}
	rs := posts(ask)
	if len(rs) != 1 || rs[0].UserID != custTG || !strings.Contains(rs[0].Text, "2026-05-13") ||
		!strings.Contains(rs[0].Text, "2028-05-13까지") {
		t.Fatalf("30 days ahead: want one question naming the consent's date and the day it ends, got %q", allText(rs))
	}
	if ps := payloads(rs); len(ps) != 2 || ps[0] != "mkt:on:reconfirm" || ps[1] != "mkt:off:reconfirm" {
		t.Errorf("buttons %v", ps)
	}
	if rs := posts(ask.Add(24 * time.Hour)); len(rs) != 0 {
		t.Errorf("asked twice: %q", allText(rs))
	}
	if skip := ad(due.Add(-time.Minute)); skip != AdSent {
		t.Errorf("an ad just before the two years: skip %q, want it sent", skip)
	}
	if skip := ad(due); skip != AdNoConsent {
		t.Errorf("an ad at the two years, unanswered: skip %q, want %q", skip, AdNoConsent)
	}
	lapse := due
	posts(lapse)
	if m := h.marketing(id); m.Given || !m.Lapsed {
		t.Fatalf("after %v unanswered: %+v, want lapsed", ledger.MarketingLapseAfter, m)
	}
	h.advance(lapse.Sub(h.now()))
	runSteps(t, h, []step{
		{msg: custMsg("/marketing"), want: []string{h.text("ads.state.lapsed", map[string]any{"Date": h.eng.quietTurn(nil, "ko", lapse).day(lapse)})}},
		// A late [계속 받을게요] gives consent again, from today.
		{msg: press(custMsg(""), "mkt:on:reconfirm"), want: []string{h.text("ads.set.on", map[string]any{"Date": lapse.In(seoul).Format("2006-01-02")})}},
	})
}

// TestMarketingJob_Blocked: a question refused because the customer
// blocked the bot is done with (they lapse in their time); any other
// failure is tried again.
func TestMarketingJob_Blocked(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	other := errors.New("telegram down")
	for _, tt := range []struct {
		give, want error
	}{{nil, nil}, {ErrBlocked, nil}, {fmt.Errorf("send: %w", ErrBlocked), nil}, {other, other}} {
		j := h.eng.MarketingJob(func(context.Context, Reply) error { return tt.give })
		if got := j.Deliver(context.Background(), Reply{}); !errors.Is(got, tt.want) || (tt.want == nil && got != nil) {
			t.Errorf("deliver failing with %v: got %v, want %v", tt.give, got, tt.want)
		}
	}
}

// TestMarketingJob_Retry: a question whose send failed is asked again by
// the scheduler's retry of the same occurrence, and the next day's run
// does not ask it again.
func TestMarketingJob_Retry(t *testing.T) {
	h, _ := adHarness(t, "ko")
	runSteps(t, h, []step{{msg: press(custMsg(""), "mkt:on:start")}})
	fail := true
	var sent []Reply
	j := h.eng.MarketingJob(func(_ context.Context, r Reply) error {
		if fail {
			return errors.New("telegram down")
		}
		sent = append(sent, r)
		return nil
	})
	s, err := NewScheduler(SchedulerConfig{Store: h.store, Jobs: []Job{j}, Loc: seoul, Now: h.now, Logger: quiet, RetryDelay: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	// Consent given on 2026-05-13 at 14:00: the first 11:00 check 30 days
	// before two years is the next day's.
	due := time.Date(2028, 4, 14, 11, 0, 0, 0, seoul)
	h.setClock(due)
	if err := s.Tick(context.Background()); err == nil {
		t.Fatal("the failed send is not reported")
	}
	fail = false
	h.setClock(due.Add(time.Hour))
	if err := s.Tick(context.Background()); err != nil {
		t.Fatal(err)
	}
	h.setClock(due.Add(24 * time.Hour))
	if err := s.Tick(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(sent) != 1 || sent[0].UserID != custTG {
		t.Errorf("questions sent: %d (%q), want the one, after the retry", len(sent), allText(sent))
	}
}

// TestMarketingTyped: the advertising question answered by typing its
// button's words or a plain yes or no, in either language; "네" to the
// staff in an open conversation stays theirs, and once answered the words
// are ordinary text again.
func TestMarketingTyped(t *testing.T) {
	for _, lang := range []string{"ko", "en"} {
		t.Run(lang, func(t *testing.T) {
			h, minji := adHarness(t, lang) // asked at the link, not answered
			runSteps(t, h, []step{
				{msg: custMsg(h.text("ads.btn.start_yes", nil)), want: []string{h.text("ads.set.on", map[string]any{"Date": "2026-05-13"})}, not: []string{h.text("threads.ask", nil)}},
			})
			if m := h.marketing(minji); !m.Given || m.Via != ledger.ViaStart {
				t.Errorf("after the typed yes: %+v", m)
			}
			runSteps(t, h, []step{
				{msg: custMsg(h.text("ads.btn.start_yes", nil)), ids: []string{"threads.ask"}}, // answered: a line like any other
			})
		})
	}
	t.Run("NoAndOpenThread", func(t *testing.T) {
		h, minji := adHarness(t, "ko")
		runSteps(t, h, []step{
			{msg: custMsg("내일 예약 돼요?")},
			{msg: press(custMsg(""), questionSend)},
			{msg: custMsg("네"), ids: []string{"threads.joined"}, not: []string{h.text("ads.start.no", nil)}},
		})
		if m := h.marketing(minji); m.Given || !m.WithdrawnAt.IsZero() {
			t.Errorf("\"네\" to the staff answered the advertising question: %+v", m)
		}
		runSteps(t, h, []step{
			{msg: custMsg("받지 않을게요"), ids: []string{"ads.start.no"}, not: []string{h.text("threads.joined", nil)}},
		})
		if m := h.marketing(minji); m.Given || m.WithdrawnAt.IsZero() {
			t.Errorf("after the typed no: %+v", m)
		}
	})
	t.Run("PlainNo", func(t *testing.T) {
		h, minji := adHarness(t, "ko")
		runSteps(t, h, []step{{msg: custMsg("아니요"), ids: []string{"ads.start.no"}}})
		if m := h.marketing(minji); m.Given || m.WithdrawnAt.IsZero() {
			t.Errorf("after \"아니요\": %+v", m)
		}
	})
}

// TestMarketingOptOutWords: the words customers type to stop advertising
// (수신거부, STOP, /unsubscribe) withdraw the consent at once, as
// /marketing off does, and do not go to staff as a question; a sentence
// that merely mentions them still does.
func TestMarketingOptOutWords(t *testing.T) {
	for _, tc := range []struct {
		text     string
		withdraw bool
	}{
		{"수신거부", true},
		{"수신 거부", true},
		{"광고 그만!", true},
		{"그만 보내세요.", true},
		{"STOP", true},
		{"/unsubscribe", true},
		{"/stop", true},
		{"그만 받을래요", true},
		{"광고 안 받을게요", true},
		{"/marketing 수신거부", true},
		{"/marketing 거부요", true},
		{"/marketing 수신 거부", true},
		{"수신거부 하면 포인트도 없어지나요?", false},
	} {
		t.Run(tc.text, func(t *testing.T) {
			h, minji := adHarness(t, "ko")
			runSteps(t, h, []step{{msg: press(custMsg(""), marketingPayload(true, ledger.ViaStart))}})
			st := step{msg: custMsg(tc.text), ids: []string{"threads.ask"}}
			if tc.withdraw {
				st = step{msg: custMsg(tc.text), want: []string{h.text("ads.set.off", map[string]any{"Date": "2026-05-13", "Shop": "하늘미용실"})},
					not: []string{h.text("threads.ask", nil)}}
			}
			runSteps(t, h, []step{st})
			if m := h.marketing(minji); m.Given == tc.withdraw {
				t.Errorf("after %q: consent %+v, want withdrawn %v", tc.text, m, tc.withdraw)
			}
		})
	}
}

// TestMarketingNotAskedWithoutShopName: a shop with no name does not ask
// for advertising consent at the link (no ad may go out without its
// sender's name, and consent to "저희 매장" names nobody); once it has a
// name, the customer is asked when they come back.
func TestMarketingNotAskedWithoutShopName(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	id := h.customer("김민지", "01012345678")
	ask := "mkt:on:start"
	runSteps(t, h, []step{
		{msg: staffMsg("/link 김민지")},
		{msg: custMsg("/start 100000")},
		{msg: press(custMsg(""), "yes"), want: []string{"김민지"}, check: func(t *testing.T, h *harness, rs []Reply) {
			for _, r := range rs {
				for _, b := range r.Buttons {
					if b.Payload == ask {
						t.Errorf("asked for advertising consent in a shop with no name: %q", r.Text)
					}
				}
			}
		}},
	})
	if m := h.marketing(id); !m.AskedAt.IsZero() {
		t.Errorf("marked asked: %+v", m)
	}
	h.setSender()
	h.reopen()
	runSteps(t, h, []step{{msg: custMsg("/points"), want: []string{testShop}, payloads: []string{ask}}})
}

// TestMarketingUnconfirmedState: two years after the consent, unconfirmed,
// /marketing does not read 동의 (no ad goes), and offers [소식 받기], which
// confirms it.
func TestMarketingUnconfirmedState(t *testing.T) {
	h, minji := adHarness(t, "ko")
	runSteps(t, h, []step{{msg: press(custMsg(""), marketingPayload(true, ledger.ViaStart))}})
	given := h.text("ads.state.given", map[string]any{"Date": "2026-05-13"})
	h.advance(2*365*24*time.Hour + 48*time.Hour)
	runSteps(t, h, []step{
		{msg: custMsg("/marketing"), want: []string{h.text("ads.state.unconfirmed", map[string]any{"Date": "2026-05-13"})},
			not: []string{given}, payloads: []string{marketingPayload(true, ledger.ViaCommand)}},
		{msg: press(custMsg(""), marketingPayload(true, ledger.ViaCommand))},
	})
	if m := h.marketing(minji); !m.AdsAllowed(h.now()) {
		t.Errorf("after [소식 받기]: %+v, want ads allowed again", m)
	}
}

// TestMarketingOnWords: /marketing takes the words of agreeing as it takes
// those of opting out, spaces and all ("수신 동의" got the usage).
func TestMarketingOnWords(t *testing.T) {
	for _, arg := range []string{"on", "수신 동의", "받을게요!"} {
		t.Run(arg, func(t *testing.T) {
			h, minji := adHarness(t, "ko")
			runSteps(t, h, []step{{msg: custMsg("/marketing " + arg), not: []string{h.text("ads.marketing.usage", nil)}}})
			if m := h.marketing(minji); !m.Given {
				t.Errorf("after /marketing %s: %+v, want consent given", arg, m)
			}
		})
	}
}
