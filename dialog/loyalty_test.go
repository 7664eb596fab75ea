package dialog

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dangol/dangol/ledger"
	"github.com/dangol/dangol/locales"
)

// Loyalty in chat (issue 13): /program, tiers, /stamp, /coupon, in both
// languages through runScripts, each refusal with nothing changed after it.

func (h *harness) programme() ledger.Programme {
	h.tb.Helper()
	var p ledger.Programme
	h.view(func(tx *ledger.Tx) error {
		var err error
		p, err = tx.ProgrammeAt(h.now())
		return err
	})
	return p
}

func (h *harness) versions() int {
	h.tb.Helper()
	var n int
	h.view(func(tx *ledger.Tx) error {
		ps, err := tx.Programmes()
		n = len(ps)
		return err
	})
	return n
}

func (h *harness) coupons(customerID string) []ledger.Coupon {
	h.tb.Helper()
	var cs []ledger.Coupon
	h.view(func(tx *ledger.Tx) error {
		var err error
		cs, err = tx.CouponsOf(customerID, h.now(), true)
		return err
	})
	return cs
}

func (h *harness) stampCard(customerID string) ledger.StampCard {
	h.tb.Helper()
	var c ledger.StampCard
	h.view(func(tx *ledger.Tx) error {
		var err error
		c, err = tx.StampCardOf(customerID, h.now())
		return err
	})
	return c
}

func (h *harness) tier(customerID string) ledger.TierStatus {
	h.tb.Helper()
	var st ledger.TierStatus
	h.view(func(tx *ledger.Tx) error {
		var err error
		st, err = tx.TierOf(customerID, h.now(), seoul)
		return err
	})
	return st
}

// toUser are the replies addressed to one user elsewhere.
func toUser(rs []Reply, channel, user string) []Reply {
	var out []Reply
	for _, r := range rs {
		if r.To == ToUser && r.Channel == channel && r.UserID == user {
			out = append(out, r)
		}
	}
	return out
}

// couponCode finds a coupon's code in a text (the ledger's alphabet has no
// 0, O, 1, I or L).
var couponCode = regexp.MustCompile(`\b[2-9A-HJKMNP-Z]{6}\b`)

// tellsCustomer checks that exactly one reply went to the linked Telegram
// customer, holding want, and with the menu and where to find a coupon
// when coupon is set.
func tellsCustomer(want string, coupon bool) func(*testing.T, *harness, []Reply) {
	return func(t *testing.T, h *harness, rs []Reply) {
		t.Helper()
		us := toUser(rs, ChannelTelegram, custTG)
		if len(us) != 1 {
			t.Fatalf("replies to the customer = %d, want 1: %q", len(us), allText(rs))
		}
		if !strings.Contains(us[0].Text, want) {
			t.Errorf("the customer reads %q, want %q in it", us[0].Text, want)
		}
		hint := strings.Contains(us[0].Text, h.text("loyalty.notice.coupon_hint", nil))
		if us[0].Menu != coupon || hint != coupon {
			t.Errorf("coupon hint %v, menu %v on the customer's message, want %v", hint, us[0].Menu, coupon)
		}
		var show *Button
		for i, b := range us[0].Buttons {
			if b.Payload == myCouponsAction {
				show = &us[0].Buttons[i]
			}
		}
		if (show != nil) != coupon {
			t.Fatalf("[%s] button on the customer's message: %v, want %v", h.text("loyalty.notice.coupon_button", nil), show != nil, coupon)
		}
		if show != nil {
			// The button works outside any flow, as the customer's /coupon.
			// The button works outside any flow, as the customer's /coupon:
			// the coupon just told is among those listed.
			code := couponCode.FindString(us[0].Text)
			got := allText(h.send(press(custMsg(""), show.Payload)))
			if code == "" || !strings.Contains(got, code) {
				t.Errorf("pressing [%s] answered %q, want the coupons with %q in them", show.Label, got, code)
			}
		}
	}
}

// same checks a value of the ledger did not change over a step.
func unchanged[T comparable](what string, get func() T) (before func(), check func(*testing.T, *harness, []Reply)) {
	var was T
	return func() { was = get() }, func(t *testing.T, _ *harness, _ []Reply) {
		t.Helper()
		if now := get(); now != was {
			t.Errorf("%s changed after a refusal: %v -> %v", what, was, now)
		}
	}
}

// noNewVersion checks a refused programme change stored nothing.
func noNewVersion(want int) func(*testing.T, *harness, []Reply) {
	return func(t *testing.T, h *harness, _ []Reply) {
		t.Helper()
		if n := h.versions(); n != want {
			t.Errorf("programme versions = %d, want %d (a refusal stored one)", n, want)
		}
	}
}

func manager(text string) Message { return managerMsg(text) }

// linkMinjiIn links 김민지 and has her choose the script's language, as a
// customer reading it would: messages sent to her follow it.
func linkMinjiIn(h *harness) []step {
	return append(linkMinji(h), step{msg: custMsg("/lang " + h.lang)})
}

// usedBy checks the refusal of a coupon used already names when and by whom.
func usedBy(code *string) func(*testing.T, *harness, []Reply) {
	return func(t *testing.T, h *harness, rs []Reply) {
		t.Helper()
		want := h.text("loyalty.coupon.used", map[string]any{"Code": *code, "When": "2026-05-13 14:00", "Who": staffID})
		if !strings.Contains(allText(rs), want) {
			t.Errorf("replies lack %q:\n%s", want, allText(rs))
		}
	}
}

var loyaltyScripts = []script{
	{"ProgramShowAndChange", func(h *harness, f fixture) []step {
		return []step{
			// Staff may look, not change: nothing stored, not even the seed.
			{msg: staffMsg("/program"), want: []string{h.text("loyalty.program.head", nil), h.text("loyalty.program.rate", map[string]any{"Rate": "5%"})},
				check: func(t *testing.T, h *harness, rs []Reply) {
					if ps := payloads(rs); len(ps) != 0 {
						t.Errorf("staff got buttons %v", ps)
					}
				}},
			{msg: staffMsg("/program rate 7%"), ids: []string{"loyalty.program.manager_only"}, check: func(t *testing.T, h *harness, _ []Reply) {
				if p := h.programme(); p.EarnRateBP != 500 {
					t.Errorf("rate = %d bp after a staff member's change, want 500", p.EarnRateBP)
				}
			}},
			{msg: manager("/program"), payloads: []string{"prog:tiers", "prog:stamps", "prog:expiry", "prog:rate", "prog:birthday"}},
			// A benefit line is shown, not given: the manager is told so.
			{msg: manager("/program tiers 단골 5회 7%, VIP 15회 또는 50만원 10% (생일 쿠폰 20%)"),
				want: []string{"VIP", "10%", "생일 쿠폰 20%", h.text("loyalty.program.tier_benefit_note", nil)},
				check: func(t *testing.T, h *harness, _ []Reply) {
					p := h.programme()
					ls := p.Tiers.Levels
					if len(ls) != 3 || ls[0].ID != ledger.TierNew || ls[1].ID != ledger.TierRegular || ls[2].ID != ledger.TierVIP {
						t.Fatalf("tiers = %+v, want new, regular, vip", ls)
					}
					if ls[1].MinVisits != 5 || ls[1].EarnRateBP != 700 || ls[2].MinVisits != 15 || ls[2].MinSpend != 500000 || ls[2].Both ||
						ls[2].EarnRateBP != 1000 || ls[2].Benefit != "생일 쿠폰 20%" || p.Tiers.WindowMonths != 0 { // no 기간: the all-time window kept
						t.Errorf("tiers = %+v (window %d)", ls, p.Tiers.WindowMonths)
					}
					if !slices.ContainsFunc(h.audits(), func(a ledger.AuditEntry) bool {
						return a.Action == "programme" && a.ActorID == "slack:"+managerID && strings.HasPrefix(a.Detail, "tiers:")
					}) {
						t.Error("the change is not audited")
					}
				}},
			// "오회" is 5회, and off leaves the base tier alone, as it
			// was: they named a single tier "단골 오회" (at 7% for all) or "off".
			{msg: manager("/program tiers 단골 오회 7%, VIP 15회"), check: func(t *testing.T, h *harness, _ []Reply) {
				if ls := h.programme().Tiers.Levels; len(ls) != 3 || ls[0].ID != ledger.TierNew || ls[0].Name != "" || ls[0].EarnRateBP != 0 ||
					ls[1].ID != ledger.TierRegular || ls[1].MinVisits != 5 || ls[1].EarnRateBP != 700 {
					t.Errorf("tiers = %+v, want 일반, 단골 from 5 at 7%%, VIP", ls)
				}
			}},
			{msg: manager("/program tiers off"), not: []string{"off —", "off ·"}, check: func(t *testing.T, h *harness, _ []Reply) {
				if ls := h.programme().Tiers.Levels; len(ls) != 1 || ls[0].ID != ledger.TierNew || ls[0].Name != "" || ls[0].EarnRateBP != 0 {
					t.Errorf("tiers = %+v, want the base tier alone", ls)
				}
			}},
			{msg: manager("/program tiers regular 3 visits 6%, gold 10 visits and 300,000 won 8% (free drink), window 6 months"),
				check: func(t *testing.T, h *harness, _ []Reply) {
					p := h.programme()
					ls := p.Tiers.Levels
					if len(ls) != 3 || ls[1].ID != ledger.TierRegular || ls[2].Name != "gold" || !ls[2].Both || ls[2].MinSpend != 300000 ||
						ls[2].EarnRateBP != 800 || ls[2].Benefit != "free drink" || p.Tiers.WindowMonths != 6 {
						t.Errorf("English tiers = %+v window %d", ls, p.Tiers.WindowMonths)
					}
				}},
			// A stamp card's change speaks of the stamps it keeps, not of
			// points.
			{msg: manager("/program stamps 10 아메리카노 1잔"), check: func(t *testing.T, h *harness, rs []Reply) {
				if s := h.programme().Stamps; s.Goal != 10 || s.Reward.Item != "아메리카노 1잔" {
					t.Errorf("stamps = %+v", s)
				}
				name := h.text("loyalty.program.part.stamps", nil)
				want := strings.TrimSuffix(h.text("loyalty.program.changed.stamps", map[string]any{"Part": name, "Now": ""}), "\n")
				if txt := allText(rs); !strings.Contains(txt, want) {
					t.Errorf("the answer lacks %q:\n%s", want, txt)
				}
			}},
			{msg: manager("/program stamps 8 free americano 14 days"), check: func(t *testing.T, h *harness, _ []Reply) {
				if s := h.programme().Stamps; s.Goal != 8 || s.Reward.Item != "free americano" || s.RewardDays != 14 {
					t.Errorf("stamps = %+v", s)
				}
			}},
			{msg: manager("/program stamps off"), ids: []string{"loyalty.program.stamps_off"}, check: func(t *testing.T, h *harness, _ []Reply) {
				if s := h.programme().Stamps; s.Goal != 0 {
					t.Errorf("stamps = %+v, want off", s)
				}
			}},
			{msg: manager("/program expire 12개월"), check: func(t *testing.T, h *harness, _ []Reply) {
				if m := h.programme().Expiry.Months; m != 12 {
					t.Errorf("expiry = %d months, want 12", m)
				}
			}},
			{msg: manager("/program expire 2 years"), check: func(t *testing.T, h *harness, _ []Reply) {
				if m := h.programme().Expiry.Months; m != 24 {
					t.Errorf("expiry = %d months, want 24", m)
				}
			}},
			{msg: manager("/program expire off"), ids: []string{"loyalty.program.expiry_off"}},
			{msg: manager("/program rate 7.5%"), want: []string{"7.5%"}, check: func(t *testing.T, h *harness, _ []Reply) {
				if bp := h.programme().EarnRateBP; bp != 750 {
					t.Errorf("rate = %d bp, want 750", bp)
				}
			}},
			{msg: manager("/program birthday 2,000P"), check: func(t *testing.T, h *harness, _ []Reply) {
				if b := h.programme().Birthday; b.Points != 2000 || b.Coupon != nil {
					t.Errorf("birthday = %+v", b)
				}
			}},
			{msg: manager("/program birthday 쿠폰 10% 30일"), check: func(t *testing.T, h *harness, _ []Reply) {
				b := h.programme().Birthday
				if b.Points != 0 || b.Coupon == nil || b.Coupon.Percent != 10 || b.CouponDays != 30 {
					t.Errorf("birthday = %+v", b)
				}
			}},
			{msg: manager("/program birthday coupon ₩3,000 14 days"), check: func(t *testing.T, h *harness, _ []Reply) {
				b := h.programme().Birthday
				if b.Coupon == nil || b.Coupon.Won != 3000 || b.CouponDays != 14 {
					t.Errorf("birthday = %+v", b)
				}
			}},
			{msg: staffMsg("/program"), want: []string{"7.5%", "gold"}},
		}
	}},
	{"ProgramRefusals", func(h *harness, f fixture) []step {
		var n int
		count := func(t *testing.T, h *harness, _ []Reply) { n = h.versions() }
		same := func(t *testing.T, h *harness, rs []Reply) { noNewVersion(n)(t, h, rs) }
		return []step{
			{msg: manager("/program rate 5%"), check: count},
			{msg: manager("/program rate abc"), want: []string{h.text("loyalty.program.bad_rate", map[string]any{"Value": "abc"})}, check: same},
			{msg: manager("/program rate 150%"), ids: []string{}, want: []string{"100%"}, check: same},
			{msg: manager("/program tiers VIP 15회 10%, 단골 5회"), want: []string{h.text("loyalty.err.order", map[string]any{"Tier": h.text("core.tier.regular", nil)})}, check: same},
			{msg: manager("/program tiers 단골 5회 7%, 단골 9회"), want: []string{h.text("loyalty.err.duplicate", map[string]any{"Tier": h.text("core.tier.regular", nil)})}, check: same},
			{msg: manager("/program tiers VIP 15회 가끔"), want: []string{h.text("loyalty.tiers.bad_word", map[string]any{"Word": "가끔", "Tier": "VIP"})}, check: same},
			// A threshold that does not read is refused, never the base
			// tier's name (which gave everyone "Silver 3x"'s 6%).
			{msg: manager("/program tiers Silver 3x 6%"), want: []string{h.text("loyalty.tiers.bad_word", map[string]any{"Word": "3x", "Tier": "Silver"})}, check: same},
			{msg: manager("/program tiers 기간 영원히, VIP 15회"), want: []string{h.text("loyalty.tiers.bad_window", map[string]any{"Value": "영원히"})}, check: same},
			// Rules wrong as a whole, not in one tier: refused saying so
			// (they answered "changed" with an empty ladder).
			{msg: manager("/program tiers 단골 5회, 기간 200개월"), want: []string{h.text("loyalty.err.range", map[string]any{"What": h.text("loyalty.field.window", nil), "Min": "0", "Max": "120"})}, check: same},
			{msg: manager("/program tiers a 1회, b 2회, c 3회, d 4회, e 5회, f 6회, g 7회, h 8회, i 9회, j 10회, k 11회"),
				want: []string{h.text("loyalty.err.range", map[string]any{"What": h.text("loyalty.field.level", nil), "Min": "1", "Max": "10"})}, check: same},
			{msg: manager("/program stamps ten americano"), want: []string{h.text("loyalty.program.bad_goal", map[string]any{"Value": "ten"})}, check: same},
			{msg: manager("/program stamps 10"), want: []string{h.text("loyalty.program.bad_reward", map[string]any{"Value": ""})}, check: same},
			{msg: manager("/program stamps 500 아메리카노"), want: []string{"100"}, check: same},
			{msg: manager("/program stamps 10 150%"), want: []string{"100"}, check: same},
			{msg: manager("/program expire forever"), want: []string{h.text("loyalty.program.bad_months", map[string]any{"Value": "forever"})}, check: same},
			{msg: manager("/program birthday 많이"), want: []string{h.text("loyalty.program.bad_birthday_points", map[string]any{"Value": "많이"})}, check: same},
			{msg: manager("/program birthday 쿠폰 5000"), want: []string{h.text("loyalty.err.bad_benefit", map[string]any{"Value": "5000"})}, check: same},
			// Asking to see a part shows the programme; "보기" was stored as a
			// one-tier ladder named 보기, dropping every tier.
			{msg: manager("/program tiers 보기"), ids: []string{"loyalty.program.tiers_all_time"}, check: same},
			{msg: manager("/program tiers ?"), ids: []string{"loyalty.program.tiers_all_time"}, check: same},
			{msg: manager("/program stamps show"), ids: []string{"loyalty.program.tiers_all_time"}, check: same},
			{msg: staffMsg("/program tiers 보기"), ids: []string{"loyalty.program.tiers_all_time"}, check: same},
			{msg: manager("/program colours red"), ids: []string{"loyalty.program.usage"}, check: same},
			{msg: staffMsg("/program tiers VIP 3회"), ids: []string{"loyalty.program.manager_only"}, check: same},
			{msg: custMsg("/program"), ids: []string{"core.help.short_customer"}, check: same},
		}
	}},
	{"ProgramGuided", func(h *harness, f fixture) []step {
		key := "slack:D" + managerID
		return []step{
			{msg: manager("/program"), payloads: []string{"prog:rate"}},
			{msg: press(manager(""), "prog:rate"), ids: []string{"core.btn.cancel"}, want: []string{h.text("loyalty.program.example.rate", nil)}},
			// A bad answer asks again, in the flow, with nothing changed.
			{msg: manager("너무 많이"), want: []string{h.text("loyalty.program.bad_rate", map[string]any{"Value": "너무 많이"}), h.text("loyalty.program.example.rate", nil)},
				check: func(t *testing.T, h *harness, _ []Reply) {
					if s, ok := h.session(key); !ok || s.Flow != flowProgram || s.State != progValue {
						t.Errorf("session = %+v, %v; want the programme flow asking", s, ok)
					}
					if bp := h.programme().EarnRateBP; bp != 500 {
						t.Errorf("rate = %d after a bad answer", bp)
					}
				}},
			{msg: manager("6%"), want: []string{"6%"}, check: func(t *testing.T, h *harness, rs []Reply) {
				if bp := h.programme().EarnRateBP; bp != 600 {
					t.Errorf("rate = %d, want 600", bp)
				}
				noSession(key)(t, h, rs)
			}},
			{msg: manager("/program expire"), want: []string{h.text("loyalty.program.example.expiry", nil)}},
			{msg: manager("/cancel"), ids: []string{"core.cancel.done"}},
		}
	}},
	{"ProgramForm", func(h *harness, f fixture) []step {
		canForm := func(m Message) Message { m.CanForm = true; return m }
		form := func(part, value string) Message {
			m := canForm(manager(""))
			m.FormID, m.Form = formProgramPrefix+part, map[string]string{"value": value}
			return m
		}
		return []step{
			{msg: manager("/program tiers 단골 5회 7%, VIP 15회 또는 50만원 10%")},
			{msg: canForm(manager("/program")), payloads: []string{"prog:tiers"}},
			{msg: press(canForm(manager("")), "prog:tiers"), check: func(t *testing.T, h *harness, rs []Reply) {
				if len(rs) != 1 || rs[0].Form == nil || rs[0].Form.ID != "program:tiers" || len(rs[0].Form.Fields) != 1 {
					t.Fatalf("no tiers form: %+v", rs)
				}
				// The form holds the rules as /program reads them: saving
				// it unchanged stores the same rules.
				v := rs[0].Form.Fields[0].Value
				for _, w := range []string{"VIP", "10%", "7%"} {
					if !strings.Contains(v, w) {
						t.Errorf("form value %q lacks %q", v, w)
					}
				}
				before := h.programme().Tiers
				h.send(form("tiers", v))
				after := h.programme().Tiers
				if fmt.Sprint(before) != fmt.Sprint(after) {
					t.Errorf("saving the form as filled changed the tiers:\n%+v\n%+v", before, after)
				}
			}},
			{msg: form("tiers", "VIP 15회 10%, 단골 5회"), check: func(t *testing.T, h *harness, rs []Reply) {
				if len(rs) != 1 || rs[0].FormErrors["value"] == "" {
					t.Fatalf("want the error inline, got %+v", rs)
				}
			}},
			{msg: form("rate", "4%"), want: []string{"4%"}, check: func(t *testing.T, h *harness, _ []Reply) {
				if bp := h.programme().EarnRateBP; bp != 400 {
					t.Errorf("rate = %d, want 400", bp)
				}
			}},
			{msg: func() Message { m := form("rate", "9%"); m.UserID, m.ConversationID = staffID, "D"+staffID; return m }(),
				ids: []string{"loyalty.program.manager_only"}, check: func(t *testing.T, h *harness, _ []Reply) {
					if bp := h.programme().EarnRateBP; bp != 400 {
						t.Errorf("a staff member's form changed the rate to %d", bp)
					}
				}},
		}
	}},
	{"Stamps", func(h *harness, f fixture) []step {
		steps := []step{
			// No stamp card yet: refused, nothing written.
			{msg: staffMsg("/stamp 김민지"), ids: []string{"loyalty.stamp.off"}, check: func(t *testing.T, h *harness, _ []Reply) {
				if c := h.stampCard(f.minji); c.Stamps != 0 || c.Total != 0 {
					t.Errorf("card = %+v after a refusal", c)
				}
			}},
			{msg: manager("/program stamps 10 아메리카노 1잔")},
		}
		steps = append(steps, linkMinjiIn(h)...)
		steps = append(steps,
			step{msg: staffMsg("/stamp 김민지 7"), want: []string{h.text("loyalty.stamp.card", map[string]any{"N": 7, "Goal": 10, "Left": 3, "Reward": "아메리카노 1잔"})},
				check: func(t *testing.T, h *harness, rs []Reply) {
					if h.lang == "ko" && !strings.Contains(allText(rs), "☕ 7/10 — 3개 더 모으면 아메리카노 1잔") {
						t.Errorf("card line: %q", allText(rs))
					}
					if us := toUser(rs, ChannelTelegram, custTG); len(us) != 0 {
						t.Errorf("the customer was told of a plain stamp: %q", allText(us))
					}
				}},
			step{msg: custMsg("/points"), want: []string{"●●●●●●●○○○ 7/10"}},
			step{msg: staffMsg("/stamp 김민지 0"), want: []string{h.text("loyalty.stamp.bad_count", map[string]any{"Input": "0", "Max": 100})},
				check: func(t *testing.T, h *harness, _ []Reply) {
					if c := h.stampCard(f.minji); c.Stamps != 7 {
						t.Errorf("card = %+v after a refusal", c)
					}
				}},
			// The tenth stamp and one more: the reward is issued and told.
			step{msg: staffMsg("/stamp 김민지 4"), want: []string{h.text("loyalty.stamp.card", map[string]any{"N": 1, "Goal": 10, "Left": 9, "Reward": "아메리카노 1잔"})},
				check: func(t *testing.T, h *harness, rs []Reply) {
					cs := h.coupons(f.minji)
					if len(cs) != 1 || cs[0].Source != ledger.SourceStamps || cs[0].Benefit.Item != "아메리카노 1잔" {
						t.Fatalf("coupons = %+v, want the reward", cs)
					}
					tellsCustomer(cs[0].Code, true)(t, h, rs)
				}},
			// Taken back by mistake: the reward goes with the stamps.
			step{msg: staffMsg("/stamp undo"), check: func(t *testing.T, h *harness, _ []Reply) {
				if c := h.stampCard(f.minji); c.Stamps != 7 || c.Rewards != 0 {
					t.Errorf("card = %+v after undo, want 7 and no reward", c)
				}
				if cs := h.coupons(f.minji); len(cs) != 1 || cs[0].State != ledger.CouponVoid {
					t.Errorf("reward = %+v, want void", cs)
				}
			}},
			step{msg: staffMsg("/stamp void 김민지 1"), want: []string{h.text("corrections.void.manager_only", map[string]any{"Void": "/stamp void", "Undo": "/stamp undo"})}, not: []string{"/points"}},
			step{msg: manager("/stamp void 김민지 １"), check: func(t *testing.T, h *harness, _ []Reply) {
				if c := h.stampCard(f.minji); c.Stamps != 0 {
					t.Errorf("card = %+v after void, want 0", c)
				}
			}},
			step{msg: manager("/stamp void 김민지 1"), want: []string{h.text("loyalty.stamp.already", map[string]any{"N": 7, "Date": "2026-05-13"})}},
			step{msg: manager("/stamp void 김민지 9"), want: []string{h.text("loyalty.stamp.no_entry", map[string]any{"N": 9, "Name": "김민지", "Count": 4})}},
			step{msg: staffMsg("/points 김민지"), want: []string{h.text("loyalty.stamp.recent_title", nil), "#1", "#4"}},
		)
		// More than a card at once (25 for a card of 10) is asked first,
		// saying it gives two coupons; [취소] changes nothing, [찍기] adds
		// them all. A whole card (10) is not asked.
		cardIs := func(stamps, rewards int) func(*testing.T, *harness, []Reply) {
			return func(t *testing.T, h *harness, _ []Reply) {
				t.Helper()
				if c := h.stampCard(f.minji); c.Stamps != stamps || c.Rewards != rewards {
					t.Errorf("card = %+v, want %d stamps and %d rewards", c, stamps, rewards)
				}
			}
		}
		ask := h.text("loyalty.stamp.confirm_large", map[string]any{"Name": "김민지", "N": 25, "Goal": 10, "Cards": 2, "Reward": "아메리카노 1잔"})
		return append(steps,
			step{msg: staffMsg("/stamp 김민지 25 단체"), want: []string{ask}, payloads: []string{"yes", "no"}, check: cardIs(0, 0)},
			step{msg: press(staffMsg(""), "no"), ids: []string{"core.cancel.done"}, check: all(cardIs(0, 0), noSession(staffKey))},
			step{msg: staffMsg("/stamp 김민지 25 단체"), want: []string{ask}, check: cardIs(0, 0)},
			step{msg: press(staffMsg(""), "yes"), want: []string{h.text("loyalty.stamp.added", map[string]any{"Name": "김민지", "N": 25})},
				check: func(t *testing.T, h *harness, rs []Reply) {
					cardIs(5, 2)(t, h, rs)
					noSession(staffKey)(t, h, rs)
					if us := toUser(rs, ChannelTelegram, custTG); len(us) != 1 || len(couponCode.FindAllString(us[0].Text, -1)) != 2 {
						t.Errorf("the customer was told %q, want both reward coupons in one message", allText(us))
					}
				}},
			step{msg: staffMsg("/stamp 김민지 10"), want: []string{h.text("loyalty.stamp.added", map[string]any{"Name": "김민지", "N": 10})}, check: cardIs(5, 3)},
		)
	}},
	{"Coupons", func(h *harness, f fixture) []step {
		steps := linkMinjiIn(h)
		var code string
		return append(steps,
			step{msg: staffMsg("/coupon give 김민지 10%"), check: func(t *testing.T, h *harness, rs []Reply) {
				cs := h.coupons(f.minji)
				if len(cs) != 1 || cs[0].Benefit.Percent != 10 || cs[0].LastDay != "2026-06-11" {
					t.Fatalf("coupons = %+v, want 10%% until 2026-06-11 (30 days)", cs)
				}
				code = cs[0].Code
				tellsCustomer(code, true)(t, h, rs)
				if !strings.Contains(allText(rs), h.text("loyalty.coupon.given", map[string]any{"Name": "김민지", "Benefit": h.text("loyalty.benefit.percent", map[string]any{"Percent": 10}), "Code": code, "LastDay": "2026-06-11"})) {
					t.Errorf("staff reply: %q", allText(rs))
				}
			}},
			step{msg: staffMsg("/coupon give 김민지 아메리카노 1잔 12/31"), check: func(t *testing.T, h *harness, _ []Reply) {
				cs := h.coupons(f.minji)
				if len(cs) != 2 || cs[1].Benefit.Item != "아메리카노 1잔" || cs[1].LastDay != "2026-12-31" {
					t.Errorf("coupons = %+v", cs)
				}
			}},
			step{msg: staffMsg("/coupon give 김민지 5,000원 7일"), check: func(t *testing.T, h *harness, _ []Reply) {
				cs := h.coupons(f.minji)
				if len(cs) != 3 || cs[2].Benefit.Won != 5000 || cs[2].LastDay != "2026-05-19" {
					t.Errorf("coupons = %+v", cs)
				}
			}},
			// Refusals: a benefit or validity that does not read, out of
			// range, in the past; nothing issued.
			step{msg: staffMsg("/coupon give 김민지 10% 삼십일"), want: []string{h.text("loyalty.err.bad_validity", map[string]any{"Value": "삼십일"})}},
			// A day that is none after an item is a wrong validity, not the
			// end of the item's name.
			step{msg: staffMsg("/coupon give 김민지 아메리카노 1잔 2/30"), want: []string{h.text("loyalty.err.bad_validity", map[string]any{"Value": "2/30"})}},
			step{msg: staffMsg("/coupon give 김민지 아메리카노 1잔 2027-02-30"), want: []string{h.text("loyalty.err.bad_validity", map[string]any{"Value": "2027-02-30"})}},
			step{msg: staffMsg("/coupon give 김민지 5000"), want: []string{h.text("loyalty.err.bad_benefit", map[string]any{"Value": "5000"})}},
			step{msg: staffMsg("/coupon give 김민지 150%"), want: []string{"100%"}},
			// One word says nothing of what is given: refused as
			// /campaign --coupon abc is.
			step{msg: staffMsg("/coupon give 김민지 abc"), want: []string{h.text("loyalty.err.bad_benefit", map[string]any{"Value": "abc"})}},
			step{msg: staffMsg("/coupon give 김민지 abc 30일"), want: []string{h.text("loyalty.err.bad_benefit", map[string]any{"Value": "abc"})}},
			step{msg: staffMsg("/coupon give 김민지 10% 2026-01-01"), ids: []string{"loyalty.err.past"}, check: func(t *testing.T, h *harness, _ []Reply) {
				if n := len(h.coupons(f.minji)); n != 3 {
					t.Errorf("coupons = %d after refusals, want 3", n)
				}
			}},
			step{msg: staffMsg("/coupon 김민지"), want: []string{h.text("loyalty.coupon.list_head", map[string]any{"Name": "김민지", "Count": 3})}},
			step{msg: custMsg("/points"), want: []string{h.text("loyalty.card.coupons_title", map[string]any{"Count": 3})}},
			step{msg: custMsg("/coupon"), want: []string{h.text("loyalty.mycoupons.head", map[string]any{"Count": 3})}},
			step{msg: custMsg("쿠폰"), want: []string{h.text("loyalty.mycoupons.head", map[string]any{"Count": 3})}},
			// Another customer's coupon is refused.
			step{build: func() Message { return staffMsg("/coupon use 010-2222-3333 " + code) }, want: []string{h.text("loyalty.coupon.not_yours", map[string]any{"Name": "박지훈"})},
				check: func(t *testing.T, h *harness, _ []Reply) {
					if c := h.coupons(f.minji)[0]; c.State != ledger.CouponValid {
						t.Errorf("coupon = %+v after another customer's use", c)
					}
				}},
			step{msg: staffMsg("/coupon use 김민지"), check: func(t *testing.T, h *harness, rs []Reply) {
				if ps := payloads(rs); len(ps) != 4 || !strings.HasPrefix(ps[0], "cpn:") {
					t.Errorf("buttons = %v, want three coupons and cancel", ps)
				}
			}},
			step{build: func() Message { return press(staffMsg(""), "cpn:"+h.coupons(f.minji)[0].ID) }, check: func(t *testing.T, h *harness, _ []Reply) {
				if c := h.coupons(f.minji)[0]; c.State != ledger.CouponUsed || c.UsedBy != "slack:"+staffID {
					t.Errorf("coupon = %+v, want used by the staff member", c)
				}
			}},
			// Pressed again (or used by someone else): refused, naming when and by whom.
			step{build: func() Message { return press(staffMsg(""), "cpn:"+h.coupons(f.minji)[0].ID) }, check: usedBy(&code)},
			step{build: func() Message { return staff2Msg("/coupon use 김민지 " + code) }, check: usedBy(&code)},
			step{msg: staffMsg("/coupon use 김민지 ZZZZZZ"), want: []string{h.text("loyalty.coupon.not_found", map[string]any{"Code": "ZZZZZZ"})}},
		)
	}},
	{"TierPin", func(h *harness, f fixture) []step {
		return []step{
			{msg: staffMsg("/customer 김민지 등급 VIP"), ids: []string{"loyalty.tier.pin_manager_only"}, check: func(t *testing.T, h *harness, _ []Reply) {
				if st := h.tier(f.minji); st.TierID != ledger.TierNew || st.Pinned {
					t.Errorf("tier = %+v after a refusal", st)
				}
			}},
			{msg: manager("/customer 김민지 등급 골드"), want: []string{h.text("loyalty.tier.unknown", map[string]any{"Value": "골드", "Tiers": strings.Join([]string{h.text("core.tier.new", nil), h.text("core.tier.regular", nil), "VIP"}, ", ")})}},
			{msg: manager("/customer 김민지 등급 VIP"), check: func(t *testing.T, h *harness, _ []Reply) {
				if st := h.tier(f.minji); st.TierID != ledger.TierVIP || !st.Pinned {
					t.Errorf("tier = %+v, want VIP pinned", st)
				}
				if !slices.ContainsFunc(h.audits(), func(a ledger.AuditEntry) bool {
					return a.Action == "tier" && a.CustomerID == f.minji && a.ActorID == "slack:"+managerID
				}) {
					t.Error("the pin is not audited")
				}
			}},
			{msg: staffMsg("/customer 김민지"), want: []string{h.text("core.card.tier", map[string]any{"Tier": "VIP", "Visits": 0})}},
			{msg: staffMsg("/customers VIP"), want: []string{"김민지"}, not: []string{"Anna Lee"}},
			{msg: manager("/customer 김민지 tier auto"), check: func(t *testing.T, h *harness, _ []Reply) {
				if st := h.tier(f.minji); st.TierID != ledger.TierNew || st.Pinned {
					t.Errorf("tier = %+v, want unpinned", st)
				}
			}},
			// Other /customer edits still work.
			{msg: staffMsg("/customer 김민지 선호 따뜻한 물"), ids: []string{}, want: []string{"따뜻한 물"}},
		}
	}},
	{"TierUpAtVisit", func(h *harness, f fixture) []step {
		steps := []step{{msg: manager("/program tiers 단골 2회 7%, VIP 4회 또는 10만원 10% (생일 쿠폰 20%)")}}
		steps = append(steps, linkMinjiIn(h)...)
		return append(steps,
			step{msg: staffMsg("/points add 김민지 10000"), want: []string{"500"}, check: func(t *testing.T, h *harness, rs []Reply) {
				if us := toUser(rs, ChannelTelegram, custTG); len(us) != 0 {
					t.Errorf("told the customer %q with no tier change", allText(us))
				}
			}},
			// The second day: regular, earning 7% from the next purchase.
			step{advance: 24 * time.Hour, msg: staffMsg("/note 김민지 커트 상담"), check: func(t *testing.T, h *harness, rs []Reply) {
				name := h.text("core.tier.regular", nil)
				tellsCustomer(h.text("loyalty.notice.tier_up", map[string]any{"Tier": name, "Rate": "7%"}), false)(t, h, rs)
				if h.lang == "ko" && !strings.Contains(allText(rs), "축하해요! 단골이 되셨어요 — 이제 7% 적립") {
					t.Errorf("customer's message: %q", allText(rs))
				}
				if !strings.Contains(allText(rs), "🎉") {
					t.Errorf("staff not told of the upgrade: %q", allText(rs))
				}
			}},
			step{advance: time.Hour, msg: staffMsg("/points add 김민지 10000"), want: []string{"700"}},
			// A spend of 100,000 won makes VIP.
			step{advance: 24 * time.Hour, msg: staffMsg("/points add 김민지 80000"), check: func(t *testing.T, h *harness, rs []Reply) {
				tellsCustomer("VIP", false)(t, h, rs)
				if h.lang == "ko" && !strings.Contains(allText(rs), "축하해요! VIP가 되셨어요 — 이제 10% 적립") {
					t.Errorf("customer's message: %q", allText(rs))
				}
				if st := h.tier(f.minji); st.TierID != ledger.TierVIP {
					t.Errorf("tier = %+v", st)
				}
			}},
			step{msg: custMsg("/points"), want: []string{"VIP", "생일 쿠폰 20%"}},
			step{msg: staffMsg("/customers VIP"), want: []string{"김민지"}},
			step{msg: staffMsg("/customers 단골"), ids: []string{}, not: []string{"김민지"}},
		)
	}},
	{"TierUpUndone", func(h *harness, f fixture) []step {
		// 150,000 won typed for 15,000 makes VIP; undone, the customer
		// is back where they were at once, and staff hear of it.
		steps := []step{{msg: manager("/program tiers 단골 2회 7%, VIP 4회 또는 10만원 10%")}}
		steps = append(steps, linkMinjiIn(h)...)
		vip, base := "VIP", h.text("core.tier.new", nil)
		return append(steps,
			step{msg: staffMsg("/points add 김민지 10000"), want: []string{"500"}},
			step{advance: 24 * time.Hour, msg: staffMsg("/points add 김민지 150000"), check: func(t *testing.T, h *harness, rs []Reply) {
				tellsCustomer("VIP", false)(t, h, rs)
				if st := h.tier(f.minji); st.TierID != ledger.TierVIP {
					t.Fatalf("tier = %+v", st)
				}
			}},
			step{advance: time.Minute, msg: staffMsg("/points undo"), want: []string{
				h.text("loyalty.tier.corrected_staff_told", map[string]any{"Name": "김민지", "From": vip, "To": base}),
			}, check: func(t *testing.T, h *harness, rs []Reply) {
				if st := h.tier(f.minji); st.TierID != ledger.TierNew || st.DownTo != "" {
					t.Errorf("tier after the undo = %+v", st)
				}
				if us := toUser(rs, ChannelTelegram, custTG); len(us) != 0 {
					t.Errorf("told the customer %q of a correction", allText(us))
				}
			}},
			step{msg: custMsg("/points"), not: []string{"VIP"}},
			// The same purchase typed right earns at the base rate.
			step{msg: staffMsg("/points add 김민지 10000"), want: []string{"500"}},
		)
	}},
}

func TestLoyaltyScripts(t *testing.T) { runScripts(t, loyaltyScripts) }

// TestLoyaltyDaily is the done-when's injected-clock test: points earned
// under a 2-month expiry are announced once 30 days before they go, then
// expire in the daily run; a coupon stops being usable after its last day;
// each notice reaches the customer once, even when a send fails first.
func TestLoyaltyDaily(t *testing.T) {
	for _, lang := range []string{"ko", "en"} {
		t.Run(lang, func(t *testing.T) {
			h := mustOpenHarness(t, nil, lang)
			f := seed(h)
			runSteps(t, h, append(linkMinjiIn(h),
				step{msg: manager("/program expire 2개월")},
				step{msg: staffMsg("/points add 김민지 24000")}, // 1,200P on 2026-05-13, gone at the start of 07-13
				step{msg: staffMsg("/coupon give 김민지 10% 3일"), check: func(t *testing.T, h *harness, _ []Reply) {
					if cs := h.coupons(f.minji); len(cs) != 1 || cs[0].LastDay != "2026-05-15" {
						t.Fatalf("coupon = %+v", cs)
					}
				}},
			))
			box := &outbox{}
			s, err := NewScheduler(SchedulerConfig{Store: h.store, Jobs: []Job{h.eng.LoyaltyJob(box.deliver)}, Loc: seoul, Now: h.now, Logger: quiet})
			if err != nil {
				t.Fatal(err)
			}
			// Usable on its last day, to the end of it; not a minute after.
			h.setClock(time.Date(2026, 5, 15, 23, 59, 0, 0, seoul))
			runSteps(t, h, []step{{msg: staffMsg("/coupon 김민지"), want: []string{"2026-05-15"}}})
			h.advanceTo(s, time.Date(2026, 5, 16, 0, 1, 0, 0, seoul))
			runSteps(t, h, []step{
				{msg: staffMsg("/coupon use 김민지"), want: []string{h.text("loyalty.coupon.none", map[string]any{"Name": "김민지"})}},
				{build: func() Message { return staffMsg("/coupon use 김민지 " + h.coupons(f.minji)[0].Code) },
					check: func(t *testing.T, h *harness, rs []Reply) {
						code := h.coupons(f.minji)[0].Code
						want := h.text("loyalty.coupon.expired", map[string]any{"Code": code, "LastDay": "2026-05-15"})
						if !strings.Contains(allText(rs), want) {
							t.Errorf("replies lack %q: %s", want, allText(rs))
						}
					}},
			})
			if rs := box.take(); len(rs) != 0 {
				t.Errorf("told before anything was due: %q", allText(rs))
			}
			// 30 days before 07-14: told once, at the 10:00 run of 06-14;
			// the first try fails, the scheduler's retry sends it.
			box.fail = failTimes(1, func(Reply) bool { return true })
			h.advanceTo(s, time.Date(2026, 6, 13, 23, 0, 0, 0, seoul))
			if rs := box.take(); len(rs) != 0 {
				t.Errorf("told too early: %q", allText(rs))
			}
			err = s.Advance(context.Background(), time.Date(2026, 6, 14, 10, 0, 0, 0, seoul), h.setClock)
			if err == nil {
				t.Fatal("the failing send did not fail")
			}
			if err := s.Tick(context.Background()); err != nil {
				t.Fatalf("retry: %v", err)
			}
			soon := h.text("loyalty.notice.expire_soon", map[string]any{"Points": h.text("core.fmt.points", map[string]any{"N": "1,200"}),
				"On": "2026-07-14", "LastDay": "2026-07-13"})
			rs := box.take()
			if len(rs) != 1 || rs[0].To != ToUser || rs[0].Channel != ChannelTelegram || rs[0].UserID != custTG || rs[0].Text != soon {
				t.Fatalf("the notice 30 days ahead: %+v, want %q", rs, soon)
			}
			if lang == "ko" && !strings.Contains(rs[0].Text, "1,200P가 2026-07-14에 소멸돼요") {
				t.Errorf("Korean notice: %q", rs[0].Text)
			}
			runSteps(t, h, []step{{msg: custMsg("/points"), want: []string{"2026-07-14"}}})
			// The runs until the day before say nothing more.
			h.advanceTo(s, time.Date(2026, 7, 13, 23, 0, 0, 0, seoul))
			if rs := box.take(); len(rs) != 0 {
				t.Errorf("told again: %q", allText(rs))
			}
			if b := h.balance(f.minji); b != 1200 {
				t.Errorf("balance = %d before the expiry, want 1200", b)
			}
			h.advanceTo(s, time.Date(2026, 7, 14, 10, 30, 0, 0, seoul))
			if b := h.balance(f.minji); b != 0 {
				t.Errorf("balance = %d after the expiry, want 0", b)
			}
			gone := h.text("loyalty.notice.expired", map[string]any{"Points": h.text("core.fmt.points", map[string]any{"N": "1,200"})})
			if rs := box.take(); len(rs) != 1 || rs[0].Text != gone {
				t.Errorf("the expiry: %q, want %q", allText(rs), gone)
			}
			var pending []ledger.Notice
			h.view(func(tx *ledger.Tx) error {
				var err error
				pending, err = tx.PendingNotices(0)
				return err
			})
			if len(pending) != 0 {
				t.Errorf("notices still pending: %+v", pending)
			}
			// Another day's run tells nothing again.
			h.advanceTo(s, time.Date(2026, 7, 15, 10, 30, 0, 0, seoul))
			if rs := box.take(); len(rs) != 0 {
				t.Errorf("told twice: %q", allText(rs))
			}
		})
	}
}

// TestLoyaltyUnreachable: a customer never linked is not told, and their
// notices do not pile up: the daily run drops them.
func TestLoyaltyUnreachable(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	f := seed(h)
	runSteps(t, h, []step{
		{msg: staffMsg("/coupon give 김민지 10%"), check: func(t *testing.T, h *harness, rs []Reply) {
			if us := toUser(rs, ChannelTelegram, custTG); len(us) != 0 {
				t.Errorf("told an unlinked customer: %q", allText(us))
			}
		}},
	})
	var pending []ledger.Notice
	h.view(func(tx *ledger.Tx) error {
		var err error
		pending, err = tx.PendingNotices(0)
		return err
	})
	if len(pending) != 0 {
		t.Errorf("pending = %+v, want the coupon's notice dropped", pending)
	}
	if cs := h.coupons(f.minji); len(cs) != 1 {
		t.Errorf("coupons = %+v", cs)
	}
}

func TestLoyaltyParsers(t *testing.T) {
	now := t0
	builtin := mustOpenHarness(t, nil, "ko").eng.builtinTier
	t.Run("Rate", func(t *testing.T) {
		for in, want := range map[string]int{"5%": 500, "7.5%": 750, "0%": 0, "12.34 %": 1234, "５％": 500, "5": 500, "5퍼센트": 500} {
			if got, ok := parseRateBP(in); !ok || got != want {
				t.Errorf("parseRateBP(%q) = %d, %v; want %d", in, got, ok, want)
			}
		}
		for _, in := range []string{"", "abc", "-5%", "5.555%", "1e3%", ".5%", "5.%"} {
			if got, ok := parseRateBP(in); ok {
				t.Errorf("parseRateBP(%q) = %d, want refused", in, got)
			}
		}
	})
	t.Run("Months", func(t *testing.T) {
		for in, want := range map[string]int{"12개월": 12, "12 개월": 12, "1년": 12, "2 years": 24, "6 months": 6, "18mo": 18, "3달": 3} {
			if got, ok := parseMonths(in); !ok || got != want {
				t.Errorf("parseMonths(%q) = %d, %v; want %d", in, got, ok, want)
			}
		}
		for _, in := range []string{"0개월", "-1년", "forever", "", "+3"} {
			if got, ok := parseMonths(in); ok {
				t.Errorf("parseMonths(%q) = %d, want refused", in, got)
			}
		}
	})
	t.Run("Benefit", func(t *testing.T) {
		tests := []struct {
			in   string
			want ledger.CouponBenefit
		}{
			{"10%", ledger.CouponBenefit{Kind: ledger.BenefitPercent, Percent: 10}},
			{"10% 할인", ledger.CouponBenefit{Kind: ledger.BenefitPercent, Percent: 10}},
			{"10 percent off", ledger.CouponBenefit{Kind: ledger.BenefitPercent, Percent: 10}},
			{"5,000원", ledger.CouponBenefit{Kind: ledger.BenefitWon, Won: 5000}},
			{"5천원 할인", ledger.CouponBenefit{Kind: ledger.BenefitWon, Won: 5000}},
			{"₩5,000", ledger.CouponBenefit{Kind: ledger.BenefitWon, Won: 5000}},
			{"5000 won", ledger.CouponBenefit{Kind: ledger.BenefitWon, Won: 5000}},
			{"아메리카노 1잔", ledger.CouponBenefit{Kind: ledger.BenefitItem, Item: "아메리카노 1잔"}},
			{"1+1 음료", ledger.CouponBenefit{Kind: ledger.BenefitItem, Item: "1+1 음료"}},
			{"커트 10% 할인", ledger.CouponBenefit{Kind: ledger.BenefitItem, Item: "커트 10% 할인"}},
			{"전 메뉴 5,000원", ledger.CouponBenefit{Kind: ledger.BenefitItem, Item: "전 메뉴 5,000원"}},
			{"haircut 20% off", ledger.CouponBenefit{Kind: ledger.BenefitItem, Item: "haircut 20% off"}},
		}
		for _, tt := range tests {
			if got, ok := ParseBenefit(tt.in); !ok || got != tt.want {
				t.Errorf("ParseBenefit(%q) = %+v, %v; want %+v", tt.in, got, ok, tt.want)
			}
		}
		for _, in := range []string{"", "5000", "0원", "10.5%", "%", "-5,000원", "10%%", "커트 10.5% 할인", "커트 150%", "커트 0원"} {
			if got, ok := ParseBenefit(in); ok {
				t.Errorf("ParseBenefit(%q) = %+v, want refused", in, got)
			}
		}
	})
	t.Run("CouponArgs", func(t *testing.T) {
		tests := []struct {
			in                    string
			kind                  ledger.BenefitKind
			days                  int
			last, badB, badV, itm string
		}{
			{in: "10%", kind: ledger.BenefitPercent},
			{in: "10% 30일", kind: ledger.BenefitPercent, days: 30},
			{in: "10% 할인 30 days", kind: ledger.BenefitPercent, days: 30},
			{in: "5,000원 12월 31일", kind: ledger.BenefitWon, last: "2026-12-31"},
			{in: "아메리카노 1잔 12/31", kind: ledger.BenefitItem, last: "2026-12-31", itm: "아메리카노 1잔"},
			{in: "아메리카노 1잔", kind: ledger.BenefitItem, itm: "아메리카노 1잔"},
			{in: "free americano 2026-06-01", kind: ledger.BenefitItem, last: "2026-06-01", itm: "free americano"},
			{in: "10% 삼십일", badV: "삼십일"},
			{in: "5000 30일", badB: "5000"},
			{in: "5000", badB: "5000"},
			{in: "커트 10% 할인 30일", kind: ledger.BenefitItem, days: 30, itm: "커트 10% 할인"},
			{in: "커트 10.5% 할인 30일", badB: "커트 10.5% 할인"},
			{in: "10% 2주", kind: ledger.BenefitPercent, days: 14},
			{in: "10% 2주일", kind: ledger.BenefitPercent, days: 14},
			{in: "haircut 20% off 2 weeks", kind: ledger.BenefitItem, days: 14, itm: "haircut 20% off"},
			// A coupon must say what it gives, as a campaign's must (couponBenefit).
			{in: "abc", badB: "abc"},
			{in: "abc 30일", badB: "abc"},
			{in: "아메리카노 12/31", badB: "아메리카노"},
			{in: "음료 1+1", kind: ledger.BenefitItem, itm: "음료 1+1"},
		}
		for _, tt := range tests {
			a := parseCouponArgs(tt.in, now, seoul)
			last := ""
			if !a.validity.lastDay.IsZero() {
				last = a.validity.lastDay.Format(time.DateOnly)
			}
			if a.badBenefit != tt.badB || a.badValidity != tt.badV || (tt.badB == "" && tt.badV == "" &&
				(a.benefit.Kind != tt.kind || a.validity.days != tt.days || last != tt.last || a.benefit.Item != tt.itm)) {
				t.Errorf("parseCouponArgs(%q) = %+v (last %s)", tt.in, a, last)
			}
		}
	})
	t.Run("Tiers", func(t *testing.T) {
		r, bad := parseTierRules("일반 3%, 단골 5회 이상 7% 적립, Gold Member 20 visits and ₩1,000,000 12% (라운지, 주차 무료), 기간 전체", builtin, ledger.DefaultTierWindow)
		if bad != nil {
			t.Fatalf("refused: %+v", bad)
		}
		ls := r.Levels
		if len(ls) != 3 || r.WindowMonths != 0 || ls[0].ID != ledger.TierNew || ls[0].EarnRateBP != 300 ||
			ls[1].ID != ledger.TierRegular || ls[1].MinVisits != 5 || ls[1].EarnRateBP != 700 ||
			ls[2].Name != "Gold Member" || ls[2].MinVisits != 20 || ls[2].MinSpend != 1_000_000 || !ls[2].Both || ls[2].Benefit != "라운지, 주차 무료" {
			t.Errorf("rules = %+v", r)
		}
		// "0회" is a count, as "0 visits" is, not part of the name.
		for _, in := range []string{"단골 0회 7%, VIP 15회", "gold 0 visits 7%, VIP 15회"} {
			if r, bad := parseTierRules(in, builtin, ledger.DefaultTierWindow); bad != nil || len(r.Levels) != 2 || strings.ContainsAny(r.Levels[0].Name, "0회") || r.Levels[0].MinVisits != 0 || r.Levels[0].EarnRateBP != 700 {
				t.Errorf("parseTierRules(%q) = %+v, %+v", in, r, bad)
			}
		}
		for in, id := range map[string]string{"": "loyalty.tiers.empty", "VIP 15회 가끔": "loyalty.tiers.bad_word", "15회 10%": "loyalty.tiers.no_name",
			"기간 영원히, VIP 3회": "loyalty.tiers.bad_window", "VIP 3회 10.555%": "loyalty.tiers.bad_rate"} {
			if _, bad := parseTierRules(in, builtin, ledger.DefaultTierWindow); bad == nil || bad.id != id {
				t.Errorf("parseTierRules(%q) = %+v, want %s", in, bad, id)
			}
		}
	})
	// A threshold typed in Korean words is read; one that does not read,
	// or an off word, is never a tier's name: "단골 오회 7%" and "off"
	// were the base tier's new names, and "단골 오회"'s 7% everyone's rate.
	t.Run("TierWords", func(t *testing.T) {
		type lvl struct {
			id     string
			visits int
			rate   int
		}
		for _, tt := range []struct {
			in   string
			want []lvl
		}{
			{"단골 오회 7%", []lvl{{ledger.TierNew, 0, 0}, {ledger.TierRegular, 5, 700}}},
			{"단골 오 회 7%, VIP 십오회", []lvl{{ledger.TierNew, 0, 0}, {ledger.TierRegular, 5, 700}, {ledger.TierVIP, 15, 0}}},
			{"단골 다섯 번, VIP 열번 10%", []lvl{{ledger.TierNew, 0, 0}, {ledger.TierRegular, 5, 0}, {ledger.TierVIP, 10, 1000}}},
			{"단골 다섯회이상", []lvl{{ledger.TierNew, 0, 0}, {ledger.TierRegular, 5, 0}}},
			{"off", []lvl{{ledger.TierNew, 0, 0}}},
			{"끄기", []lvl{{ledger.TierNew, 0, 0}}},
			{"없음", []lvl{{ledger.TierNew, 0, 0}}},
			{"ＯＦＦ", []lvl{{ledger.TierNew, 0, 0}}},
			{"동호회 3%, 단골 5회", []lvl{{"동호회", 0, 300}, {ledger.TierRegular, 5, 0}}},
			{"1등급 3%, 2등급 5회", []lvl{{"1등급", 0, 300}, {"2등급", 5, 0}}},
		} {
			r, bad := parseTierRules(tt.in, builtin, 12)
			var got []lvl
			for _, l := range r.Levels {
				id := l.ID
				if l.Name != "" {
					id = l.Name
				}
				got = append(got, lvl{id, l.MinVisits, l.EarnRateBP})
			}
			if bad != nil || !slices.Equal(got, tt.want) || r.WindowMonths != 12 {
				t.Errorf("parseTierRules(%q) = %+v (window %d), %+v; want %+v", tt.in, got, r.WindowMonths, bad, tt.want)
			}
		}
		for _, tt := range []struct{ in, word, tier string }{
			{"Silver 3x 6%", "3x", "Silver"},
			{"단골 3 7%", "3", "단골"},
			{"단골 5회차 7%", "5회차", "단골"},
			{"일반 3%, VIP 15x", "15x", "VIP"},
		} {
			_, bad := parseTierRules(tt.in, builtin, 12)
			if bad == nil || bad.id != "loyalty.tiers.bad_word" || bad.data["Word"] != tt.word || bad.data["Tier"] != tt.tier {
				t.Errorf("parseTierRules(%q) = %+v, want bad_word %q in %q", tt.in, bad, tt.word, tt.tier)
			}
		}
	})
	t.Run("Josa", func(t *testing.T) {
		for _, tt := range [][3]string{{"VIP", "이", "VIP가"}, {"단골", "이", "단골이"}, {"일반", "으로", "일반으로"}, {"단골", "으로", "단골로"},
			{"1,200P", "이", "1,200P가"}, {"Gold", "이", "Gold가"}, {"Platinum", "이", "Platinum이"}, {"3", "이", "3이"}, {"10", "이", "10이"}, {"★", "이", "★이(가)"}} {
			plain := map[string]string{"이": "가", "으로": "로"}[tt[1]]
			if got := locales.Josa(tt[0], tt[1], plain); got != tt[2] {
				t.Errorf("locales.Josa(%q, %q) = %q, want %q", tt[0], tt[1], got, tt[2])
			}
		}
	})
}

// FuzzLoyaltyParsers: no input makes a loyalty parser panic.
func FuzzLoyaltyParsers(f *testing.F) {
	for _, s := range []string{"단골 5회 7%, VIP 15회 또는 50만원 10% (생일 쿠폰 20%)", "10 아메리카노 1잔 30일", "쿠폰 10% 30일", "10% 12/31", "(((", "기간", "5,000원 할인"} {
		f.Add(s)
	}
	builtin := func(string) string { return "" }
	f.Fuzz(func(t *testing.T, s string) {
		parseRateBP(s)
		parseMonths(s)
		parseDays(s)
		ParseBenefit(s)
		parseCouponArgs(s, t0, seoul)
		parseTierRules(s, builtin, ledger.DefaultTierWindow)
		parseStampRules(s)
		parseBirthdayBenefit(s)
		locales.Josa(s, "이", "가")
	})
}

// TestLoyaltyLocaleIDs checks, as TestLocaleIDsExist does for core.*,
// that every "loyalty.…" literal of the package is in both catalogs and
// every loyalty message is used; a literal ending in "." would be a prefix
// the code completes, which no check could follow, so there is none.
func TestLoyaltyLocaleIDs(t *testing.T) {
	cat := locales.MustLoad()
	idRE := regexp.MustCompile(`^loyalty(\.[a-z0-9_]+)+\.?$`)
	used, prefixes := map[string]bool{}, []string{}
	for _, s := range stringLiterals(t, sourceFiles(t), idRE.MatchString) {
		if strings.HasSuffix(s, ".") {
			prefixes = append(prefixes, s)
		} else {
			used[s] = true
		}
	}
	for _, lang := range locales.Languages {
		for _, id := range cat.IDs(lang) {
			if !strings.HasPrefix(id, "loyalty.") || strings.HasPrefix(id, "loyalty.week.") {
				continue // the week's lines are package feedback's
			}
			if !used[id] {
				t.Errorf("%s (%s) is in the catalog but not used", id, lang)
			}
		}
	}
	if len(prefixes) > 0 {
		t.Errorf("prefixes completed in code: %v; name each id whole, in a table of the keys (programButtons, ruleFields)", prefixes)
	}
	for id := range used {
		for _, lang := range locales.Languages {
			if !cat.Has(lang, id) {
				t.Errorf("%s is missing from the %s catalog", id, lang)
			}
		}
	}
}

// TestLoyaltySeed: DANGOL_POINTS_RATE (Config.PointsRate) stands for the
// programme until one is stored, is what a manager's first change builds
// on, and changes nothing afterwards.
func TestLoyaltySeed(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	f := seed(h)
	h.close()
	h.cfg.PointsRate = 7
	h.open()
	runSteps(t, h, []step{
		{msg: staffMsg("/program"), want: []string{h.text("loyalty.program.rate", map[string]any{"Rate": "7%"})}},
		{msg: staffMsg("/points add 김민지 10000"), want: []string{"700P"}},
		{msg: manager("/program tiers 단골 5회, VIP 15회 10%"), check: func(t *testing.T, h *harness, _ []Reply) {
			if p := h.programme(); p.EarnRateBP != 700 || p.EarnRateOf(ledger.TierVIP) != 1000 {
				t.Errorf("the first change lost the configured rate: %+v", p)
			}
		}},
	})
	h.close()
	h.cfg.PointsRate = 3
	h.open()
	runSteps(t, h, []step{{advance: 24 * time.Hour, msg: staffMsg("/points add 김민지 10000"), want: []string{"700P"}}})
	if b := h.balance(f.minji); b != 1400 {
		t.Errorf("balance = %d, want 1,400 (7%% twice)", b)
	}
}

// TestProgramTiersRemoved: /program tiers takes the whole ladder, so rules
// that leave a tier out say which, with the command that has it back; the
// command works, and rules that keep every tier say nothing of the kind.
// 김민지 is a VIP, so leaving VIP out asks first (TestProgramTiersConfirm).
func TestProgramTiersRemoved(t *testing.T) {
	for _, lang := range locales.Languages {
		t.Run(lang, func(t *testing.T) {
			h := mustOpenHarness(t, nil, lang)
			seedList(h)
			head := strings.SplitN(h.text("loyalty.program.tiers_removed", map[string]any{"Names": "\x00"}), "\x00", 2)[0]
			rs := h.send(managerMsg(map[string]string{"ko": "/program tiers 단골 3회", "en": "/program tiers regular 3 visits"}[lang]))
			if !slices.Contains(payloads(rs), "yes") {
				t.Fatalf("leaving out the VIP tier 김민지 holds did not ask first: %q", allText(rs))
			}
			rs = h.send(press(managerMsg(""), "yes"))
			txt := allText(rs)
			i := strings.LastIndex(txt, "/program tiers ")
			if !strings.Contains(txt, head+"VIP.") || i < 0 {
				t.Fatalf("leaving VIP out answered %q, want it named with the command to restore it", txt)
			}
			if n := len(h.programme().Tiers.Levels); n != 2 {
				t.Fatalf("%d tiers after the change, want 2", n)
			}
			// The answer says the window the new rules count in: the one
			// in force, all time, since the command named none (it used
			// to switch to 12 months unasked).
			if h.programme().Tiers.WindowMonths != 0 {
				t.Errorf("window %d months, want all time kept", h.programme().Tiers.WindowMonths)
			}
			if w := h.text("loyalty.program.tiers_all_time", nil); !strings.Contains(txt, w) {
				t.Errorf("the answer %q does not say the window %q", txt, w)
			}
			restore := strings.TrimSpace(strings.SplitN(txt[i:], "\n", 2)[0])
			// 박지훈's 4 visits made him 단골 under "단골 3회", with no tier
			// record yet: the restored 5 visits place him lower, which
			// the daily run tells him first (ledger SetTiers), so the
			// restore asks as any change that lowers someone does.
			rs = h.send(managerMsg(restore))
			if !slices.Contains(payloads(rs), "yes") {
				t.Fatalf("%q, lowering 박지훈, did not ask first: %q", restore, allText(rs))
			}
			back := allText(rs) + allText(h.send(press(managerMsg(""), "yes")))
			p := h.programme()
			if len(p.Tiers.Levels) != 3 || p.Tiers.Levels[2].ID != ledger.TierVIP || p.Tiers.WindowMonths != 0 || strings.Contains(back, head) {
				t.Errorf("%q gave %+v and %q, want the three tiers of before, all time, and no tier left out", restore, p.Tiers, back)
			}
		})
	}
}

// TestProgramTiersKeepWindow: /program tiers without a 기간 clause keeps
// the window in force; it turned an all-time window into 12 months.
func TestProgramTiersKeepWindow(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	seed(h)
	window := func() int {
		var p ledger.Programme
		h.view(func(tx *ledger.Tx) (err error) { p, err = tx.ProgrammeAt(h.now()); return err })
		return p.Tiers.WindowMonths
	}
	runSteps(t, h, []step{{msg: managerMsg("/program tiers 단골 5회, VIP 15회, 기간 전체")}})
	if w := window(); w != 0 {
		t.Fatalf("window %d after 기간 전체", w)
	}
	runSteps(t, h, []step{{msg: managerMsg("/program tiers 단골 3회, VIP 10회")}})
	if w := window(); w != 0 {
		t.Errorf("window %d after a change naming none, want all time kept", w)
	}
	runSteps(t, h, []step{{msg: managerMsg("/program tiers 단골 3회, VIP 10회, 기간 6개월")}})
	if w := window(); w != 6 {
		t.Errorf("window %d, want the 6 months named", w)
	}
}

// TestLoyaltyExpiryOnce: a customer who earned on five days is told once
// of the points ending in the next month, with their total and the first
// day, not once a morning as each earn day came within 30 days of its end.
func TestLoyaltyExpiryOnce(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	seed(h)
	steps := append(linkMinjiIn(h), step{msg: manager("/program expire 2개월")})
	for range 5 { // 1,200P on each of 2026-05-13 to 05-17
		steps = append(steps, step{msg: staffMsg("/points add 김민지 24000")}, step{advance: 24 * time.Hour})
	}
	runSteps(t, h, steps)
	box := &outbox{}
	s, err := NewScheduler(SchedulerConfig{Store: h.store, Jobs: []Job{h.eng.LoyaltyJob(box.deliver)}, Loc: seoul, Now: h.now, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	h.advanceTo(s, time.Date(2026, 7, 13, 23, 0, 0, 0, seoul))
	want := h.text("loyalty.notice.expire_soon_days", map[string]any{"Points": h.text("core.fmt.points", map[string]any{"N": "6,000"}),
		"On": "2026-07-14", "Until": "2026-07-18", "LastDay": "2026-07-13"})
	if rs := box.take(); len(rs) != 1 || rs[0].Text != want {
		t.Fatalf("expiry notices: %d, %q; want one, %q", len(rs), allText(rs), want)
	}
}
