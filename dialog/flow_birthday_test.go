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

func TestBirthdaySpec(t *testing.T) {
	tests := []struct {
		in, spec string
		late     time.Duration
		ok       bool
	}{
		{"", "0 10 * * *", 11*time.Hour - time.Minute, true},
		{"9:30", "30 9 * * *", 11*time.Hour + 29*time.Minute, true},
		{" 08:00 ", "0 8 * * *", 13*time.Hour - time.Minute, true},
		{"20:59", "59 20 * * *", 0, true},
		{"21:00", "", 0, false},
		{"7:59", "", 0, false},
		{"10", "", 0, false},
		{"10:5", "", 0, false},
		{"25:00", "", 0, false},
		{"열시", "", 0, false},
	}
	for _, tt := range tests {
		spec, late, err := BirthdaySpec(tt.in)
		if (err == nil) != tt.ok || spec != tt.spec || late != tt.late {
			t.Errorf("BirthdaySpec(%q) = %q, %v, %v; want %q, %v, ok %v", tt.in, spec, late, err, tt.spec, tt.late, tt.ok)
		}
	}
}

// birthdayHarness is adHarness's 김민지 born on May 20th, who took the
// optional advertising consent, and the programme's birthday benefit set
// to benefit ("" leaves the programme's none).
func birthdayHarness(t *testing.T, benefit string) (*harness, string) {
	t.Helper()
	h, minji := adHarness(t, "ko")
	h.setBirthday(minji, time.Date(1990, 5, 20, 0, 0, 0, 0, seoul))
	steps := []step{{msg: press(custMsg(""), "mkt:on:start")}}
	if benefit != "" {
		steps = append(steps, step{msg: managerMsg("/program birthday " + benefit)})
	}
	runSteps(t, h, steps)
	return h, minji
}

// setBirthday records customer id's birthday.
func (h *harness) setBirthday(id string, birthday time.Time) {
	h.tb.Helper()
	h.update(func(tx *ledger.Tx) error {
		c, err := tx.Customer(id)
		if err != nil {
			return err
		}
		c.Birthday = birthday
		return tx.PutCustomer(c)
	})
}

// birthdayScheduler is the birthday job at 10:00 beside the morning DMs
// at 09:00, delivering into box.
func (h *harness) birthdayScheduler(box *timedBox) *Scheduler {
	h.tb.Helper()
	spec, late, err := BirthdaySpec("")
	if err != nil {
		h.tb.Fatal(err)
	}
	s, err := NewScheduler(SchedulerConfig{
		Store: h.store, Loc: seoul, Now: h.now, Logger: quiet,
		Jobs: append([]Job{h.eng.BirthdayJob(spec, late, box.deliver)}, h.eng.Jobs(SpecOff, "", box.deliver)...),
	})
	if err != nil {
		h.tb.Fatal(err)
	}
	return s
}

// TestBirthdayJob: on the birthday at 10:00 the consenting customer gets
// the greeting with the benefit as an advertising message, once: a
// restart sends nothing again and gives nothing again; the customer who
// declined advertising gets nothing; the manager's morning DM counts them.
// The next year greets again.
func TestBirthdayJob(t *testing.T) {
	h, minji := adHarness(t, "ko")
	bada := h.customer("이바다", "01087654321")
	birthday := time.Date(1990, 5, 20, 0, 0, 0, 0, seoul)
	for _, id := range []string{minji, bada} {
		h.setBirthday(id, birthday)
	}
	runSteps(t, h, []step{
		{msg: press(custMsg(""), "mkt:on:start")},
		{msg: staffMsg("/link 이바다")},
		{msg: cust2Msg("/start 100001")},
		{msg: press(cust2Msg(""), "yes"), payloads: []string{"mkt:off:start"}},
		{msg: press(cust2Msg(""), "mkt:off:start")},
		{msg: managerMsg("/program birthday 2,000P")},
	})
	box := &timedBox{h: h}
	s := h.birthdayScheduler(box)
	h.advanceTo(s, time.Date(2026, 5, 20, 10, 30, 0, 0, seoul))
	greetings := box.dms(ChannelTelegram, custTG, h.text("ads.birthday.greeting", map[string]any{"Name": "김민지"}))
	if len(greetings) != 1 {
		t.Fatalf("greetings to 김민지: %d, want 1", len(greetings))
	}
	g := greetings[0]
	if want := time.Date(2026, 5, 20, 10, 0, 0, 0, seoul); !g.at.Equal(want) {
		t.Errorf("sent at %v, want %v", g.at, want)
	}
	if !strings.HasPrefix(g.r.Text, testHeader) || !strings.Contains(g.r.Text, "2,000P") ||
		!strings.Contains(strings.Join(payloads([]Reply{g.r}), " "), adOptOutPayload) {
		t.Errorf("greeting %q %v: want (광고), the shop, the gift and [수신 거부]", g.r.Text, payloads([]Reply{g.r}))
	}
	if n := len(box.dms(ChannelTelegram, custTG2, "")); n != 0 {
		t.Errorf("이바다 declined advertising and got %d messages", n)
	}
	if n := len(box.dms(ChannelSlack, managerID, h.text("ads.birthday.dm", map[string]any{"Count": 1}))); n != 1 {
		t.Errorf("manager's DMs with 생일 축하 1명: %d, want 1", n)
	}
	if b := h.balance(minji); b != 2000 {
		t.Errorf("balance %d, want the 2,000P gift", b)
	}
	// A restart the same day: nothing sent again, nothing given again.
	h.reopen()
	s = h.birthdayScheduler(box)
	h.advanceTo(s, time.Date(2026, 5, 20, 15, 0, 0, 0, seoul))
	if n := len(box.dms(ChannelTelegram, custTG, "")); n != 1 || h.balance(minji) != 2000 {
		t.Errorf("after a restart: %d messages, balance %d; want 1 and 2000", n, h.balance(minji))
	}
	// The next year, after a withdrawal: nothing.
	runSteps(t, h, []step{{msg: press(custMsg(""), adOptOutPayload)}})
	h.setClock(time.Date(2027, 5, 20, 9, 59, 0, 0, seoul))
	s = h.birthdayScheduler(box)
	h.advanceTo(s, time.Date(2027, 5, 20, 10, 1, 0, 0, seoul))
	if n := len(box.dms(ChannelTelegram, custTG, "")); n != 1 || h.balance(minji) != 2000 {
		t.Errorf("withdrawn: %d messages, balance %d; want 1 and 2000", n, h.balance(minji))
	}
	// Consent again: the year after greets again.
	runSteps(t, h, []step{{msg: custMsg("/marketing on")}})
	h.setClock(time.Date(2028, 5, 20, 9, 59, 0, 0, seoul))
	s = h.birthdayScheduler(box)
	h.advanceTo(s, time.Date(2028, 5, 20, 10, 1, 0, 0, seoul))
	if n := len(box.dms(ChannelTelegram, custTG, "")); n != 2 || h.balance(minji) != 4000 {
		t.Errorf("a year later: %d messages, balance %d; want 2 and 4000", n, h.balance(minji))
	}
}

// TestBirthdayJob_Night: dangol down from before 10:00 until the night
// makes no greeting at 21:30 (it is advertising: skipped for the year,
// never sent at night); up again at 20:30 it greets at once.
func TestBirthdayJob_Night(t *testing.T) {
	for _, tt := range []struct {
		name string
		at   time.Time
		want int
	}{
		{"Evening", time.Date(2026, 5, 20, 20, 30, 0, 0, seoul), 1},
		{"Night", time.Date(2026, 5, 20, 21, 30, 0, 0, seoul), 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h, _ := birthdayHarness(t, "")
			box := &timedBox{h: h}
			h.setClock(tt.at)
			if err := h.birthdayScheduler(box).Tick(context.Background()); err != nil {
				t.Fatal(err)
			}
			if n := len(box.dms(ChannelTelegram, custTG, "(광고)")); n != tt.want {
				t.Errorf("greetings at %v: %d, want %d", tt.at, n, tt.want)
			}
		})
	}
}

// TestBirthdayJob_Retry: a greeting whose send failed is sent by the
// scheduler's retry, once, with the benefit given once.
func TestBirthdayJob_Retry(t *testing.T) {
	h, minji := birthdayHarness(t, "2,000P")
	fail := true
	var sent []Reply
	spec, late, _ := BirthdaySpec("")
	j := h.eng.BirthdayJob(spec, late, func(_ context.Context, r Reply) error {
		if fail {
			return errors.New("telegram down")
		}
		sent = append(sent, r)
		return nil
	})
	s, err := NewScheduler(SchedulerConfig{Store: h.store, Jobs: []Job{j}, Loc: seoul, Now: h.now, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	h.setClock(time.Date(2026, 5, 20, 10, 0, 0, 0, seoul))
	if err := s.Tick(context.Background()); err == nil {
		t.Fatal("the failed send is not reported")
	}
	fail = false
	for _, at := range []time.Time{time.Date(2026, 5, 20, 10, 5, 0, 0, seoul), time.Date(2026, 5, 20, 11, 0, 0, 0, seoul)} {
		h.setClock(at)
		if err := s.Tick(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if len(sent) != 1 || h.balance(minji) != 2000 {
		t.Errorf("greetings %d, balance %d; want 1 and 2000", len(sent), h.balance(minji))
	}
}

// TestBirthdayJob_NoShop: a consenting customer's birthday while
// DANGOL_SHOP_NAME or DANGOL_SHOP_CONTACT is unset sends no greeting and
// gives no benefit (an advertising message must name the shop and its
// contact), and the manager's morning DM says which setting is missing
// instead of counting a greeting that never comes.
func TestBirthdayJob_NoShop(t *testing.T) {
	tests := []struct {
		name  string
		unset func(*Config)
		dm    string
	}{
		{"NoName", func(c *Config) { c.ShopName = "" }, "ads.birthday.no_shop"},
		{"NoContact", func(c *Config) { c.ShopContact = "" }, "ads.birthday.no_contact"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, minji := birthdayHarness(t, "2,000P")
			tt.unset(&h.cfg)
			h.reopen()
			box := &timedBox{h: h}
			s := h.birthdayScheduler(box)
			h.advanceTo(s, time.Date(2026, 5, 20, 10, 30, 0, 0, seoul))
			if n := len(box.dms(ChannelTelegram, custTG, "")); n != 0 {
				t.Errorf("the customer got %d messages without the sender, want none", n)
			}
			if b := h.balance(minji); b != 0 {
				t.Errorf("balance %d, want no gift without a greeting", b)
			}
			if n := len(box.dms(ChannelSlack, managerID, h.text(tt.dm, map[string]any{"Count": 1}))); n != 1 {
				t.Errorf("manager's DMs saying why no greeting went: %d, want 1", n)
			}
			if n := len(box.dms(ChannelSlack, managerID, h.text("ads.birthday.dm", map[string]any{"Count": 1}))); n != 0 {
				t.Errorf("the manager was told of %d greetings that never went", n)
			}
		})
	}
}

// outreachOf returns customer id's outreach records, newest first.
func (h *harness) outreachOf(id string) []ledger.Outreach {
	h.tb.Helper()
	var out []ledger.Outreach
	h.view(func(tx *ledger.Tx) (err error) { out, err = tx.OutreachOf(id, 0); return err })
	return out
}

// TestBirthdayJob_CrashBeforeSend: with the outbox, the greeting is
// recorded in the transaction of its benefit and the year's mark; dangol
// dying before the send leaves it in the outbox, where the restart finds
// it, and the occurrence made again sends and gives nothing more. The
// greeting's outreach record names its coupon and points; 이바다, who
// declined advertising, is recorded once as skipped for consent.
func TestBirthdayJob_CrashBeforeSend(t *testing.T) {
	h, minji := birthdayHarness(t, "")
	h.cfg.Outbox = true
	h.reopen()
	bada := h.customer("이바다", "01087654321")
	h.setBirthday(bada, time.Date(1991, 5, 20, 0, 0, 0, 0, seoul))
	runSteps(t, h, []step{
		{msg: staffMsg("/link 이바다")},
		{msg: cust2Msg("/start 100001")},
		{msg: press(cust2Msg(""), "yes"), payloads: []string{"mkt:off:start"}},
		{msg: press(cust2Msg(""), "mkt:off:start")},
		{msg: managerMsg("/program birthday 2,000P 쿠폰 10% 30일")},
	})
	h.setClock(time.Date(2026, 5, 20, 10, 0, 0, 0, seoul))
	ctx := context.Background()
	rs, err := h.eng.BirthdayGreetings(ctx, h.now())
	if err != nil || len(rs) != 1 || rs[0].OutboxID == "" || rs[0].UserID != custTG {
		t.Fatalf("BirthdayGreetings = %+v, %v; want one greeting to 김민지 in the outbox", rs, err)
	}
	h.reopen() // the crash: the greeting was never handed to Telegram
	unsent, err := h.eng.Unsent(ctx, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	var found int
	for _, o := range unsent {
		if o.Reply.OutboxID == rs[0].OutboxID && o.Reply.UserID == custTG && strings.HasPrefix(o.Reply.Text, testHeader) {
			found++
		}
	}
	if found != 1 {
		t.Errorf("greeting in the outbox after the restart: %d, want 1 (%+v)", found, unsent)
	}
	box := &timedBox{h: h}
	h.advanceTo(h.birthdayScheduler(box), time.Date(2026, 5, 20, 10, 30, 0, 0, seoul))
	if n := len(box.dms(ChannelTelegram, custTG, "")); n != 0 {
		t.Errorf("the occurrence after the restart sent %d greetings more, want 0 (the outbox sends it)", n)
	}
	if b := h.balance(minji); b != 2000 {
		t.Errorf("balance %d, want the 2,000P given once", b)
	}
	got := h.outreachOf(minji)
	if len(got) != 1 || got[0].Kind != ledger.OutreachBirthday || got[0].Points != 2000 || got[0].Coupon == "" || got[0].Skipped != "" {
		t.Fatalf("김민지's outreach = %+v, want one birthday with 2,000P and a coupon code", got)
	}
	var c ledger.Coupon
	h.view(func(tx *ledger.Tx) (err error) { c, err = tx.Coupon(got[0].Coupon); return err })
	if c.CustomerID != minji || c.Source != ledger.SourceBirthday {
		t.Errorf("coupon %s = %+v, want 김민지's birthday coupon", got[0].Coupon, c)
	}
	if sk := h.outreachOf(bada); len(sk) != 1 || sk[0].Skipped != ledger.SkipNoConsent {
		t.Errorf("이바다's outreach = %+v, want one skipped for consent", sk)
	}
}

// TestBirthdayGivenOnTheDay: a consenting customer who gives their
// birthday on the day, after that day's greetings went (Config.BirthdayAt),
// is told the greeting comes from next year, not promised one that never
// comes; before the greetings go, or on another day, it is promised.
func TestBirthdayGivenOnTheDay(t *testing.T) {
	tests := []struct {
		name, at, now string
		day           int // of May, the birthday given
		want          string
	}{
		{"AfterTheGreetings", "", "2026-05-03T21:05", 3, "customer_edit.my.set_next_year"},
		{"Afternoon", "", "2026-05-03T14:00", 3, "customer_edit.my.set_next_year"},
		{"BeforeTheGreetings", "", "2026-05-03T09:30", 3, "customer_edit.my.set"},
		{"LaterBirthdayAt", "15:00", "2026-05-03T14:00", 3, "customer_edit.my.set"},
		{"AnotherDay", "", "2026-05-03T21:05", 4, "customer_edit.my.set"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, _ := birthdayHarness(t, "")
			h.cfg.BirthdayAt = tt.at
			h.reopen()
			at, err := time.ParseInLocation("2006-01-02T15:04", tt.now, seoul)
			if err != nil {
				t.Fatal(err)
			}
			h.setClock(at)
			md := h.text("customer_edit.date.md", map[string]any{"Month": 5, "Day": tt.day, "MonthName": "May"})
			other := "customer_edit.my.set"
			if tt.want == other {
				other = "customer_edit.my.set_next_year"
			}
			runSteps(t, h, []step{{msg: custMsg(fmt.Sprintf("/birthday 5/%d", tt.day)), want: []string{h.text(tt.want, map[string]any{"Date": md})},
				not: []string{h.text(other, map[string]any{"Date": md})}}})
		})
	}
}
